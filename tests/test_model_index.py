"""``seqeval-suite export model-index`` (issue 19): the Hugging Face model-card block.

The oracle is huggingface_hub's own parser (``model_index_to_eval_results`` and
``ModelCardData``, which validates the results, and ``metadata_load`` for cards): what
it reads back must be the figures ``run_scores`` computes from the counts, to the last
digit (the export keeps every digit unless ``--digits`` is given).
"""
from __future__ import annotations

import json
from pathlib import Path
from statistics import mean, stdev

import pytest
import yaml

from seqeval_suite.model_index import DatasetRef, merge_card, model_index, parse_dataset, to_yaml
from seqeval_suite.runner import RESULTS_SCHEMA_VERSION, run_scores

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "leaderboard" / "demo-ner" / "results.json"
RESULTS = json.loads(DEMO.read_text(encoding="utf-8"))
SYSTEMS = [s["id"] for s in RESULTS["systems"]]
KEYS = {("precision", "micro"): "micro_p", ("recall", "micro"): "micro_r",
        ("f1", "micro"): "micro_f1", ("f1", "macro"): "macro_f1"}


@pytest.fixture
def hf():
    return pytest.importorskip("huggingface_hub.repocard_data")


def expected(system: str, corpus: str) -> dict[tuple[str, str | None], list[float]]:
    """Per-run values of each exported metric, computed from the counts in results.json."""
    [entry] = [e for e in RESULTS["results"] if e["system"] == system and e["corpus"] == corpus]
    scored = [run_scores(run) for run in entry["runs"]]
    out = {k: [s[key] for s in scored] for k, key in KEYS.items()}
    out[("accuracy", None)] = [run["correct_tags"] / run["tokens"] for run in entry["runs"]]
    return out


def export(cli, *args):
    return cli("export", "model-index", DEMO, *args)


# ------------------------------------------------------------------ the oracle
@pytest.mark.parametrize("system", SYSTEMS)
def test_model_index_reads_back_through_huggingface_hub_as_the_computed_figures(cli, hf, system):
    done = export(cli, "--system", system)
    assert done.exit_code == 0, done.stderr
    metadata = yaml.safe_load(done.stdout)
    model_name, results = hf.model_index_to_eval_results(metadata["model-index"])
    card = hf.ModelCardData(**metadata)  # raises when the Hub's validation rejects the results
    assert model_name == card.model_name == system
    assert len(card.eval_results) == len(results) == 5 * len(RESULTS["corpora"])
    signatures = {e["corpus"]: e["signature"] for e in RESULTS["results"] if e["system"] == system}
    names = {c["id"]: c["name"] for c in RESULTS["corpora"]}
    seen = set()
    for r in results:
        assert (r.task_type, r.task_name) == ("token-classification", "Named Entity Recognition")
        corpus = r.dataset_type
        assert (r.dataset_name, r.dataset_split) == (names[corpus], "test")
        values = expected(system, corpus)[(r.metric_type, r.metric_args.get("average"))]
        assert r.metric_value == mean(values)  # exact: every digit survives YAML
        assert r.metric_args["runs"] == len(values)
        assert r.metric_args["signature"] == signatures[corpus]
        assert r.metric_args["tool"] == f"seqeval-suite {RESULTS['version']}"
        if len(values) > 1:
            assert r.metric_args["std"] == stdev(values)
            assert r.metric_name.endswith(f"(mean of {len(values)} runs)")
        else:
            assert "std" not in r.metric_args and "mean" not in r.metric_name
        assert r.verified is None  # the Hub sets it; a tool must not
        seen.add((corpus, r.metric_type, r.metric_args.get("average")))
    assert len(seen) == len(results)


def test_model_index_values_match_the_committed_board():
    from seqeval_suite.render.leaderboard import boards

    for board in boards(RESULTS)[:len(RESULTS["corpora"])]:
        for row in board.rows:
            [entry] = model_index(RESULTS, row.system)
            [result] = [r for r in entry["results"] if r["dataset"]["type"] == board.id]
            by_name = {m["name"].split(" (")[0]: m["value"] for m in result["metrics"]}
            assert by_name["micro F1"] == row.values["micro_f1"][0]
            assert by_name["macro F1"] == row.values["macro_f1"][0]


@pytest.mark.parametrize("version", range(1, RESULTS_SCHEMA_VERSION + 1))
def test_model_index_reads_the_counts_of_every_schema_version_and_ignores_derived_figures(cli, write, version):
    data = json.loads(DEMO.read_text(encoding="utf-8"))
    data["schema_version"] = version
    for entry in data["results"]:
        entry["derived"] = {"micro_f1": 0.123}
        for run in entry["runs"]:
            run["derived"] = {"micro_p": 0.5, "micro_r": 0.5, "micro_f1": 0.5}
    path = write("results.json", json.dumps(data))
    done = cli("export", "model-index", path, "--system", "bilstm-crf")
    assert done.exit_code == 0, done.stderr
    assert done.stdout == export(cli, "--system", "bilstm-crf").stdout


def test_model_index_digits_round_values_and_std(cli, hf):
    done = export(cli, "--system", "bilstm-crf", "--digits", "4")
    assert done.exit_code == 0, done.stderr
    _, results = hf.model_index_to_eval_results(yaml.safe_load(done.stdout)["model-index"])
    for r in results:
        values = expected("bilstm-crf", r.dataset_type)[(r.metric_type, r.metric_args.get("average"))]
        assert r.metric_value == round(mean(values), 4)
        assert r.metric_args["std"] == round(stdev(values), 4)


def test_model_index_dataset_option_sets_hub_id_and_split(cli, hf):
    done = export(cli, "--system", "crf", "--dataset", "news-test=conll2003:validation",
                  "--dataset", "web-test=my-org/web-ner", "--task-name", "NER", "--model-name", "org/crf")
    assert done.exit_code == 0, done.stderr
    name, results = hf.model_index_to_eval_results(yaml.safe_load(done.stdout)["model-index"])
    assert name == "org/crf"
    got = {(r.dataset_type, r.dataset_name, r.dataset_split, r.task_name) for r in results}
    assert got == {("conll2003", "News (test)", "validation", "NER"), ("my-org/web-ner", "Web (test)", "test", "NER")}


def test_model_index_source_url_gives_a_source_the_hub_accepts(cli, hf):
    done = export(cli, "--system", "crf", "--source-url", "https://example.org/board")
    card = hf.ModelCardData(**yaml.safe_load(done.stdout))
    assert {(r.source_name, r.source_url) for r in card.eval_results} == {
        (RESULTS["title"], "https://example.org/board")}


def test_model_index_yaml_key_order_is_stable_and_output_file_is_the_same(cli, tmp_path):
    out = tmp_path / "index.yaml"
    done = export(cli, "--system", "gazetteer", "-o", out)
    assert done.exit_code == 0 and done.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert text == export(cli, "--system", "gazetteer").stdout
    assert text.startswith("model-index:\n- name: gazetteer\n  results:\n  - task:\n      type: token-classification\n")
    assert "    - type: precision\n      value: " in text
    assert [p.name for p in tmp_path.iterdir()] == ["index.yaml"]  # no temp file left behind


# ------------------------------------------------------------------ the API on small results
def _results(runs, *, match="strict"):
    return {"version": "9.9", "title": "T", "settings": {"match": match},
            "corpora": [{"id": "c", "name": None}], "systems": [{"id": "s"}],
            "results": [{"system": "s", "corpus": "c", "signature": "sig", "runs": runs}]}


def test_model_index_single_run_has_no_mean_in_names_and_no_std():
    run = {"per_type": {"PER": {"tp": 1, "fp": 1, "fn": 0}}, "tokens": 4, "correct_tags": 3}
    [entry] = model_index(_results([run]), "s")
    [result] = entry["results"]
    assert result["dataset"] == {"type": "c", "name": "c", "split": "test"}
    assert [(m["type"], m["name"], m["value"]) for m in result["metrics"]] == [
        ("precision", "micro precision", 0.5), ("recall", "micro recall", 1.0),
        ("f1", "micro F1", 2 / 3), ("f1", "macro F1", 2 / 3), ("accuracy", "token accuracy", 0.75)]
    assert result["metrics"][0]["args"] == {"average": "micro", "runs": 1, "tool": "seqeval-suite 9.9",
                                            "signature": "sig"}


def test_model_index_omits_accuracy_when_the_counts_have_no_tokens():
    run = {"per_type": {"PER": {"tp": 1, "fp": 0, "fn": 0}}, "tokens": 4, "correct_tags": None}
    [entry] = model_index(_results([run]), "s")
    assert [m["type"] for m in entry["results"][0]["metrics"]] == ["precision", "recall", "f1", "f1"]


def test_model_index_names_a_partial_match_schema():
    run = {"per_type": {}, "match": {"schema": "partial",
                                     "overall": {"cor": 1, "inc": 0, "par": 1, "mis": 0, "spu": 0},
                                     "per_type": {"PER": {"cor": 1, "inc": 0, "par": 1, "mis": 0, "spu": 0}}}}
    [entry] = model_index(_results([run], match="partial"), "s")
    metric = entry["results"][0]["metrics"][2]
    assert metric["name"] == "micro F1, partial match"
    assert metric["value"] == run_scores(run)["micro_f1"]


@pytest.mark.parametrize("spec, corpus, ref", [
    ("news-test=conll2003", "news-test", DatasetRef("conll2003", "test")),
    ("news-test=org/ds:train", "news-test", DatasetRef("org/ds", "train")),
    (" web = org/ds : validation ", "web", DatasetRef("org/ds", "validation")),
])
def test_parse_dataset_reads_corpus_id_and_split(spec, corpus, ref):
    assert parse_dataset(spec) == (corpus, ref)


# ------------------------------------------------------------------ model cards
BLOCK = [{"name": "m", "results": []}]
BODY = "# My model\r\n\nTrailing spaces   \n\tand a tab, no final newline"


def _front(text: str) -> dict:
    return yaml.safe_load(text.split("---\n")[1])


def test_card_merge_replaces_model_index_and_keeps_everything_else_byte_for_byte(hf, tmp_path):
    from huggingface_hub import metadata_load

    front = ("---\nlicense: mit   # a comment the merge keeps\ntags:\n- ner\n- token-classification\n"
             "model-index:\n- name: old\n  results:\n  - task: {type: x}\n\n# about datasets\n"
             "datasets:\n  - conll2003\n---\n")
    merged = merge_card(front + BODY, BLOCK)
    assert not merged.rewritten
    head, body = merged.text.split("\n---\n", 1)
    assert body == BODY
    assert merged.text.startswith("---\nlicense: mit   # a comment the merge keeps\ntags:\n- ner\n")
    assert "\n\n# about datasets\ndatasets:\n  - conll2003\n---\n" in merged.text
    card = tmp_path / "README.md"
    card.write_bytes(merged.text.encode("utf-8"))
    meta = metadata_load(card)
    assert list(meta) == ["license", "tags", "model-index", "datasets"]
    assert meta["model-index"] == BLOCK and meta["license"] == "mit" and meta["datasets"] == ["conll2003"]


def test_card_merge_appends_the_key_when_absent():
    merged = merge_card("---\nlanguage: en\n---\n" + BODY, BLOCK)
    assert merged.text == "---\nlanguage: en\n" + to_yaml(BLOCK) + "---\n" + BODY


@pytest.mark.parametrize("card", ["Body\n" + BODY, "", "\n", "---not front matter\n" + BODY, "---\nnever closed\n"])
def test_card_merge_gives_a_card_without_front_matter_one(card):
    merged = merge_card(card, BLOCK)
    assert merged.text == "---\n" + to_yaml(BLOCK) + "---\n" + card
    assert _front(merged.text) == {"model-index": BLOCK}


def test_card_merge_new_front_matter_takes_the_first_lines_newline():
    merged = merge_card(BODY, BLOCK)
    assert merged.text == "---\r\n" + to_yaml(BLOCK).replace("\n", "\r\n") + "---\r\n" + BODY


def test_card_merge_keeps_crlf_and_bom(hf, tmp_path):
    from huggingface_hub import metadata_load

    card = "\ufeff---\r\nlicense: mit\r\nmodel-index: []\r\n---\r\nBody\r\n"
    merged = merge_card(card, BLOCK).text
    assert merged.startswith("\ufeff---\r\nlicense: mit\r\nmodel-index:\r\n- name: m\r\n")
    assert merged.endswith("\r\n---\r\nBody\r\n") and "\n" not in merged.replace("\r\n", "")
    path = tmp_path / "README.md"
    path.write_bytes(merged.encode("utf-8"))
    assert metadata_load(path) == {"license": "mit", "model-index": BLOCK}


def test_card_merge_fills_empty_front_matter():
    assert merge_card("---\n---\nBody\n", BLOCK).text == "---\n" + to_yaml(BLOCK) + "---\nBody\n"


def test_card_merge_rewrites_front_matter_it_cannot_splice_and_says_so():
    # a quoted key: appending would leave two model-index keys, which strict YAML readers reject
    merged = merge_card('---\n"model-index": []\nlicense: mit\n---\nBody\n', BLOCK)
    assert merged.rewritten
    assert merged.text.count("model-index") == 1 and merged.text.endswith("---\nBody\n")
    assert _front(merged.text) == {"model-index": BLOCK, "license": "mit"}


def test_cli_card_merge_writes_the_card_in_place(cli, hf, tmp_path):
    from huggingface_hub import metadata_load

    card = tmp_path / "README.md"
    original = ("---\nlicense: apache-2.0\nmodel-index:\n- name: stale\n  results: []\n---\n" + BODY).encode()
    card.write_bytes(original)
    done = export(cli, "--system", "crf", "--card", card)
    assert done.exit_code == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""
    data = card.read_bytes()
    assert data.endswith(b"\n---\n" + BODY.encode())
    meta = metadata_load(card)
    assert meta["license"] == "apache-2.0"
    assert meta["model-index"] == yaml.safe_load(export(cli, "--system", "crf").stdout)["model-index"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md"]


def test_cli_card_merge_with_output_leaves_the_card_alone(cli, tmp_path):
    card = tmp_path / "README.md"
    card.write_bytes(BODY.encode())
    out = tmp_path / "new.md"
    done = export(cli, "--system", "crf", "--card", card, "-o", out)
    assert done.exit_code == 0, done.stderr
    assert card.read_bytes() == BODY.encode()
    assert out.read_bytes().endswith(("---\r\n" + BODY).encode())
    rewritten = export(cli, "--system", "crf", "--card", card, "-o", "-")
    assert rewritten.stdout_bytes == out.read_bytes()


def test_cli_card_merge_warns_when_it_rewrites_front_matter(cli, tmp_path):
    card = tmp_path / "README.md"
    card.write_text('---\n"model-index": []\n---\nBody\n', encoding="utf-8")
    done = export(cli, "--system", "crf", "--card", card)
    assert done.exit_code == 0
    assert done.stderr.startswith(f"warning: {card}: the front matter was written again")


# ------------------------------------------------------------------ bad inputs
def _one_error_line(done, code: int) -> str:
    assert done.exit_code == code, (done.stdout, done.stderr)
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in done.stderr
    return lines[0]


def test_cli_unknown_system_exits_1_and_lists_the_ids(cli):
    line = _one_error_line(export(cli, "--system", "nope"), 1)
    assert str(DEMO) in line and "'nope'" in line
    assert all(s in line for s in SYSTEMS)


@pytest.mark.parametrize("content", [
    "not json at all", "[1, 2]", '{"kind": "something else"}', "",
    '{"schema_version": 1, "kind": "seqeval-suite leaderboard", "corpora": [], "systems": []}',
    '{"schema_version": 99, "kind": "seqeval-suite leaderboard", "corpora": [], "systems": [], "results": []}',
    '{"schema_version": "1", "kind": "seqeval-suite leaderboard", "corpora": [], "systems": [], "results": []}',
    '{"schema_version": 1, "kind": "seqeval-suite leaderboard", "corpora": [{"id": "c"}], '
    '"systems": [{"id": "s"}], "results": [{"system": "s", "corpus": "c", "runs": [{}]}]}',
])
def test_cli_a_file_that_is_not_a_results_json_exits_1_naming_it(cli, write, content):
    path = write("results.json", content)
    line = _one_error_line(cli("export", "model-index", path, "--system", "crf"), 1)
    assert path in line


def test_cli_missing_results_file_exits_1_naming_it(cli, tmp_path):
    path = tmp_path / "missing.json"
    assert str(path) in _one_error_line(cli("export", "model-index", path, "--system", "crf"), 1)


@pytest.mark.parametrize("spec", ["nope=conll2003", "news-test", "=conll2003", "news-test=", "news-test=x:"])
def test_cli_bad_dataset_option_exits_2(cli, spec):
    line = _one_error_line(export(cli, "--system", "crf", "--dataset", spec), 2)
    assert "--dataset" in line
    if spec.startswith("nope"):
        assert "news-test, web-test" in line


def test_cli_dataset_named_twice_exits_2(cli):
    _one_error_line(export(cli, "--system", "crf", "--dataset", "news-test=a", "--dataset", "news-test=b"), 2)


@pytest.mark.parametrize("front, what", [("---\nlicense: [mit\n---\n", "not valid YAML"),
                                         ("---\n- a list\n---\n", "not a mapping")])
def test_cli_card_with_bad_front_matter_exits_1_and_keeps_it(cli, write, front, what):
    card = write("README.md", front + "Body\n")
    line = _one_error_line(export(cli, "--system", "crf", "--card", card), 1)
    assert card in line and what in line
    assert Path(card).read_text(encoding="utf-8") == front + "Body\n"


def test_cli_missing_card_exits_1(cli, tmp_path):
    card = tmp_path / "README.md"
    assert str(card) in _one_error_line(export(cli, "--system", "crf", "--card", card), 1)
    assert not card.exists()


def test_cli_refuses_to_overwrite_the_results_file(cli, tmp_path):
    copy = tmp_path / "results.json"
    copy.write_bytes(DEMO.read_bytes())
    _one_error_line(cli("export", "model-index", copy, "--system", "crf", "-o", copy), 2)
    assert copy.read_bytes() == DEMO.read_bytes()


def test_export_help_shows_a_runnable_example(cli):
    for args in (("export", "--help"), ("export", "model-index", "--help")):
        text = cli(*args).stdout
        assert "seqeval-suite export model-index leaderboard/demo-ner/results.json --system crf" in text
