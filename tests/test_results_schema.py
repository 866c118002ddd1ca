"""results.json (issue 19): derived P/R/F1 beside the counts, and a JSON Schema that ships
with the package and that ``render`` checks its input against."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from seqeval_suite import evaluate
from seqeval_suite.config import load_config
from seqeval_suite.render.leaderboard import boards, render_all, results_schema
from seqeval_suite.runner import RESULTS_SCHEMA_VERSION, run_benchmark

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "corpora" / "demo"
COMMITTED = REPO / "leaderboard" / "demo-ner" / "results.json"


def _bench(tmp_path: Path, scoring: str = "resamples: 0, scheme: IOB2") -> dict:
    (tmp_path / "bench.yaml").write_text(
        f"scoring: {{{scoring}}}\n"
        f"corpora: [{{id: news, path: {DEMO / 'news.test.conll'}}}, {{id: web, path: {DEMO / 'web.test.conll'}}}]\n"
        "systems:\n"
        f"  - {{id: crf, predictions: {{news: [{DEMO / 'preds/crf.news.seed1.conll'}, "
        f"{DEMO / 'preds/crf.news.seed2.conll'}, {DEMO / 'preds/crf.news.seed3.conll'}], "
        f"web: {DEMO / 'preds/crf.web.seed1.conll'}}}}}\n"
        f"  - {{id: gaz, predictions: {{news: {DEMO / 'preds/gazetteer.news.conll'}, "
        f"web: {DEMO / 'preds/gazetteer.web.conll'}}}}}\n", encoding="utf-8")
    return run_benchmark(load_config(tmp_path / "bench.yaml"))


@pytest.fixture(scope="module")
def bench(tmp_path_factory) -> dict:
    return _bench(tmp_path_factory.mktemp("bench"), "resamples: 100, scheme: IOB2")


def _gold(corpus: str) -> str:
    return str(DEMO / f"{corpus}.test.conll")


def _pred(run: dict) -> str:
    return str(DEMO / "preds" / run["file"])  # outputs name an absolute path by its file name


# ------------------------------------------------------------------ the schema
def test_results_schema_is_draft_2020_12_and_ships_in_the_package():
    from importlib.resources import files

    schema = results_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    shipped = files("seqeval_suite").joinpath("schemas/results.schema.json")
    assert json.loads(shipped.read_text(encoding="utf-8")) == schema


def test_results_schema_accepts_the_committed_demo_and_a_fresh_run(bench):
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed["schema_version"] == RESULTS_SCHEMA_VERSION == 2
    validator = Draft202012Validator(results_schema())
    assert list(validator.iter_errors(committed)) == []
    assert list(validator.iter_errors(bench)) == []
    # the demo has every optional block: several runs, intervals, marks, the error analysis
    entry = committed["results"][0]
    assert {"ci", "significance", "tied_with_top", "derived"} <= set(entry) and "analysis" in entry["runs"][0]


# ------------------------------------------------------------------ derived figures
def test_results_derived_figures_equal_evaluate(bench):
    checked = 0
    for entry in bench["results"]:
        for run in entry["runs"]:
            report = evaluate(_gold(entry["corpus"]), _pred(run), scheme="IOB2")
            derived = run["derived"]
            for group, scores in (("micro", report.micro), ("macro", report.macro), ("weighted", report.weighted)):
                assert derived[group] == {"precision": scores.precision, "recall": scores.recall, "f1": scores.f1}
            assert derived["per_type"] == {t: {"precision": c.precision, "recall": c.recall, "f1": c.f1}
                                           for t, c in sorted(report.per_type.items())}
            checked += 1
    assert checked == 6  # crf: 3 + 1 runs, gazetteer: 1 + 1


def test_results_entry_derived_is_what_the_board_shows(bench):
    from statistics import stdev

    by_pair = {(e["system"], e["corpus"]): e for e in bench["results"]}
    for board in boards(bench)[:2]:
        for row in board.rows:
            derived = by_pair[(row.system, board.id)]["derived"]
            assert "computed from the counts in this file" in derived["note"]
            mean, std = row.values["micro_f1"]
            assert derived["micro"]["f1"] == mean
            assert derived["per_type"]["LOC"]["f1"] == row.values["f1:LOC"][0]
            if std is None:
                assert derived["std"] is None
            else:
                runs = by_pair[(row.system, board.id)]["runs"]
                assert derived["std"]["micro"]["f1"] == std == stdev(r["derived"]["micro"]["f1"] for r in runs)


def test_results_derived_under_partial_match_and_beta(tmp_path):
    results = _bench(tmp_path, "resamples: 0, scheme: IOB2, match: partial, beta: 2")
    run = results["results"][0]["runs"][0]
    report = evaluate(_gold("news"), _pred(run), scheme="IOB2", match="partial", beta=2)
    assert run["derived"]["micro"] == {"precision": report.micro.precision, "recall": report.micro.recall,
                                       "f1": report.micro.f1, "fbeta": report.fbeta("micro")}
    assert run["derived"]["macro"]["f1"] == report.macro.f1
    assert list(Draft202012Validator(results_schema()).iter_errors(results)) == []


# ------------------------------------------------------------------ render checks its input
def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "in" / "results.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _drop_fn(d):
    del d["results"][0]["runs"][0]["per_type"]["LOC"]["fn"]


def _count_as_text(d):
    counts = d["results"][0]["runs"][0]["per_type"]["LOC"]
    counts["tp"] = str(counts["tp"])


def _more_true_positives(d):
    d["results"][1]["runs"][0]["per_type"]["PER"]["tp"] += 1


def _set(path, value):
    def change(d):
        target = d
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def _drop(path):
    def change(d):
        target = d
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return change


@pytest.mark.parametrize("change, where, what", [
    (_drop_fn, "$.results[0].runs[0].per_type.LOC", "'fn' is a required property"),
    (_count_as_text, "$.results[0].runs[0].per_type.LOC.tp", "is not of type 'integer'"),
    (_drop(["corpora"]), "$", "'corpora' is a required property"),
    (_drop(["results", 2, "derived"]), "$.results[2]", "'derived' is a required property"),
    (_set(["settings", "primary"], "accuracy"), "$.settings.primary", "is not one of"),
    (_set(["results", 0, "runs", 0, "sentences"], -1), "$.results[0].runs[0].sentences", "less than the minimum"),
    (_set(["results", 0, "system"], "nope"), "$.results[0].system", "'nope' is not an id in $.systems"),
    (_set(["results", 1, "corpus"], "news"), "$.results[1]", "a second entry for 'crf' on 'news'"),
    (_more_true_positives, "$.results[1].runs[0].derived", "does not match the counts"),
])
def test_render_refuses_a_broken_results_file(tmp_path, cli, bench, change, where, what):
    data = copy.deepcopy(bench)
    change(data)
    path = _write(tmp_path, data)
    out = tmp_path / "out"
    result = cli("render", path, "-o", out)
    assert result.exit_code == 1
    assert result.stdout == "" and "Traceback" not in result.stderr
    line = result.stderr.strip().splitlines()
    assert len(line) == 1 and line[0].startswith(f"error: {path}: not a valid results file (schema version 2): ")
    assert f"{where}: " in line[0] and what in line[0]
    assert not out.exists()  # nothing written


def test_render_names_the_first_violations_and_counts_the_rest(tmp_path, cli, bench):
    data = copy.deepcopy(bench)
    for entry in data["results"]:
        entry["runs"][0]["tokens"] = "many"
    result = cli("render", _write(tmp_path, data))
    assert result.exit_code == 1
    assert "$.results[0].runs[0].tokens: 'many' is not of type 'integer'; $.results[1].runs[0].tokens" in result.stderr
    assert f"(and {len(data['results']) - 3} more)" in result.stderr


def test_render_reads_version_1_files_and_upgrades_them(tmp_path, cli):
    """A results.json written before issue 19 (no derived figures) renders the same boards,
    and the results.json written back is the version 2 file, byte for byte."""
    current = json.loads(COMMITTED.read_text(encoding="utf-8"))
    old = copy.deepcopy(current)
    old["schema_version"] = 1
    for entry in old["results"]:
        del entry["derived"]
        for run in entry["runs"]:
            del run["derived"]
    out = tmp_path / "out"
    result = cli("render", _write(tmp_path, old), "-o", out, "-q")
    assert result.exit_code == 0, result.stderr
    expected = render_all(current)
    assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()} == expected
    assert expected["results.json"] == COMMITTED.read_text(encoding="utf-8")


def test_render_refuses_an_unknown_version(tmp_path, cli, bench):
    data = {**bench, "schema_version": 3}
    result = cli("render", _write(tmp_path, data))
    assert result.exit_code == 1 and "results schema version 3, this tool reads 1 and 2" in result.stderr


def test_render_rebuilds_the_committed_demo_byte_for_byte(tmp_path, cli):
    result = cli("render", COMMITTED, "-o", tmp_path, "-q")
    assert result.exit_code == 0, result.stderr
    for path in tmp_path.iterdir():
        assert path.read_bytes() == (COMMITTED.parent / path.name).read_bytes(), path.name
