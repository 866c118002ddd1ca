"""The runner and its boards: figures equal `evaluate`, determinism, cache, jobs, render."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from seqeval_suite import evaluate
from seqeval_suite.config import load_config
from seqeval_suite.render.leaderboard import boards, render_all, run_scores
from seqeval_suite.runner import run_benchmark

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "configs" / "demo.yaml"


@pytest.fixture(scope="module")
def demo_results():
    return run_benchmark(load_config(DEMO))


def _resolve(written: str) -> Path:
    return (DEMO.parent / written).resolve()


def test_runner_every_run_equals_evaluate(demo_results):
    corpora = {c["id"]: _resolve(c["file"]) for c in demo_results["corpora"]}
    checked = 0
    for entry in demo_results["results"]:
        if entry["system"] == "spacy-ruler":
            continue
        for run in entry["runs"]:
            report = evaluate(str(corpora[entry["corpus"]]), str(_resolve(run["file"])), scheme="IOB2")
            assert {t: (c["tp"], c["fp"], c["fn"]) for t, c in run["per_type"].items()} == {
                t: (c.tp, c.fp, c.fn) for t, c in report.per_type.items()}
            scores = run_scores(run)
            assert scores["micro_f1"] == report.micro.f1
            assert scores["macro_f1"] == report.macro.f1
            assert scores["micro_p"] == report.micro.precision
            checked += 1
    assert checked == 14  # 2 corpora x (3 + 3 + 1 runs)


def test_runner_board_means_over_runs(demo_results):
    from statistics import mean, stdev

    board = next(b for b in boards(demo_results) if b.id == "news-test")
    row = next(r for r in board.rows if r.system == "crf")
    entry = next(e for e in demo_results["results"] if e["system"] == "crf" and e["corpus"] == "news-test")
    f1s = [run_scores(run)["micro_f1"] for run in entry["runs"]]
    assert row.values["micro_f1"] == (mean(f1s), stdev(f1s))
    assert row.runs == "3"
    single = next(r for r in board.rows if r.system == "gazetteer")
    assert single.values["micro_f1"][1] is None


def test_runner_boards_ranked_and_overall(demo_results):
    all_boards = boards(demo_results)
    assert [b.id for b in all_boards] == ["news-test", "web-test", "overall"]
    for board in all_boards:
        f1 = [r.values["micro_f1"][0] for r in board.rows]
        assert f1 == sorted(f1, reverse=True)
        assert [r.rank for r in board.rows] == list(range(1, len(board.rows) + 1))
    news, web, overall = all_boards
    for row in overall.rows:
        per = [next(r for r in b.rows if r.system == row.system).values["micro_f1"][0] for b in (news, web)]
        assert row.values["micro_f1"][0] == pytest.approx(sum(per) / 2, abs=0)


def _mini(tmp_path: Path, *, system_extra: str = "", scoring: str = "") -> Path:
    gold = "Ann B-PER\nlives O\nin O\nRome B-LOC\n\nBig B-ORG\nCorp I-ORG\nsold O\nit O\n\n"
    pred = "Ann B-PER\nlives O\nin O\nRome B-ORG\n\nBig B-ORG\nCorp I-ORG\nsold O\nit O\n\n"
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "gold.conll").write_text(gold)
    (tmp_path / "data" / "pred.conll").write_text(pred)
    config = tmp_path / "bench.yaml"
    config.write_text(
        "corpora:\n  - {id: c1, path: data/gold.conll}\n"
        f"scoring: {{mode: lenient{scoring}}}\n"
        f"systems:\n  - {{id: s1, predictions: {{c1: data/pred.conll}}{system_extra}}}\n"
    )
    return config


def test_runner_label_map_and_types(tmp_path):
    plain = run_benchmark(load_config(_mini(tmp_path)))
    assert plain["results"][0]["runs"][0]["per_type"]["ORG"] == {"tp": 1, "fp": 1, "fn": 0}
    mapped = run_benchmark(load_config(_mini(tmp_path, system_extra=", label_map: {ORG: LOC}")))
    counts = mapped["results"][0]["runs"][0]["per_type"]
    # Every predicted ORG becomes LOC: Rome is now right, Big Corp is now wrong.
    assert counts["LOC"] == {"tp": 1, "fp": 1, "fn": 0}
    assert counts["ORG"] == {"tp": 0, "fp": 0, "fn": 1}
    only = run_benchmark(load_config(_mini(tmp_path, system_extra=", types: [PER]")))
    assert set(only["results"][0]["runs"][0]["per_type"]) == {"PER"}
    assert "types:PER" in only["results"][0]["signature"]


def test_runner_jobs_give_identical_results(demo_results):
    parallel = run_benchmark(load_config(DEMO), jobs=3)
    assert json.dumps(parallel) == json.dumps(demo_results)


def test_runner_cache_reuses_units(tmp_path, demo_results):
    cache = tmp_path / "cache"
    first = run_benchmark(load_config(DEMO), cache_dir=cache)
    n = len(list(cache.iterdir()))
    assert n == 16  # per corpus: 3 + 3 + 1 prediction runs and 1 spaCy run
    from seqeval_suite import runner

    calls = []
    original = runner.score_unit
    runner.score_unit = lambda unit: calls.append(unit) or original(unit)
    try:
        second = run_benchmark(load_config(DEMO), cache_dir=cache)
    finally:
        runner.score_unit = original
    assert calls == []
    assert json.dumps(second) == json.dumps(first) == json.dumps(demo_results)


def test_runner_cache_key_changes_with_input_bytes(tmp_path):
    config = _mini(tmp_path)
    cache = tmp_path / "cache"
    run_benchmark(load_config(config), cache_dir=cache)
    pred = tmp_path / "data" / "pred.conll"
    pred.write_text(pred.read_text().replace("Rome B-ORG", "Rome B-LOC"))
    fixed = run_benchmark(load_config(config), cache_dir=cache)
    assert fixed["results"][0]["runs"][0]["per_type"]["LOC"]["tp"] == 1
    assert len(list(cache.iterdir())) == 2


def test_runner_render_round_trip_is_identical(demo_results):
    files = render_all(demo_results)
    reloaded = json.loads(files["results.json"])
    assert render_all(reloaded) == files


def test_runner_outputs_hold_no_absolute_paths(demo_results):
    for name, text in render_all(demo_results).items():
        assert str(REPO) not in text, name
        assert "/tmp" not in text, name


def _spacy_pipeline(path: Path) -> Path:
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([
        {"label": "PERSON", "pattern": [{"ORTH": "Ann"}]},
        {"label": "GPE", "pattern": "Rome"},
        {"label": "ORG", "pattern": [{"ORTH": "Corp"}]},
    ])
    nlp.to_disk(path)
    return path


def test_runner_spacy_pipeline_equals_its_own_tags(tmp_path):
    from seqeval_suite.io.spacy_pipeline import tag_sentences

    config = _mini(tmp_path)
    pipeline = _spacy_pipeline(tmp_path / "pipe")
    config.write_text(config.read_text().replace(
        "predictions: {c1: data/pred.conll}", "spacy: pipe, label_map: {PERSON: PER, GPE: LOC}"))
    results = run_benchmark(load_config(config))
    counts = results["results"][0]["runs"][0]["per_type"]
    assert counts == {"PER": {"tp": 1, "fp": 0, "fn": 0}, "LOC": {"tp": 1, "fp": 0, "fn": 0},
                      "ORG": {"tp": 0, "fp": 1, "fn": 1}}
    # The same figures as evaluate() on the tags the pipeline gives for the gold tokens.
    tags = list(tag_sentences(str(pipeline), [["Ann", "lives", "in", "Rome"], ["Big", "Corp", "sold", "it"]]))
    assert tags == [["B-PERSON", "O", "O", "B-GPE"], ["O", "B-ORG", "O", "O"]]
    mapped = [[t.replace("PERSON", "PER").replace("GPE", "LOC") for t in s] for s in tags]
    report = evaluate([["B-PER", "O", "O", "B-LOC"], ["B-ORG", "I-ORG", "O", "O"]], mapped)
    assert run_scores(results["results"][0]["runs"][0])["micro_f1"] == report.micro.f1


def test_runner_bad_prediction_is_data_error(tmp_path):
    from seqeval_suite.errors import DataError

    config = _mini(tmp_path)
    (tmp_path / "data" / "pred.conll").write_text("Ann B-PER\nlives O\n\n")
    with pytest.raises(DataError, match="s1 on c1 .run 1.: .*sentence 1 has 4 tokens"):
        run_benchmark(load_config(config))


def test_runner_demo_pipeline_loads_without_download():
    from seqeval_suite.io.spacy_pipeline import load_pipeline

    nlp = load_pipeline(str(REPO / "corpora" / "demo" / "ruler-pipeline"))
    assert nlp.pipe_names == ["entity_ruler"]
    from seqeval_suite.io.spacy_pipeline import tag_sentences

    assert list(tag_sentences(str(REPO / "corpora" / "demo" / "ruler-pipeline"), [["Lisbon", "."]])) == [
        ["B-GPE", "O"]]


def test_runner_demo_regenerates_identically(tmp_path):
    # make_demo.py writes next to itself: run a copy and compare its files with the repo's.
    import subprocess
    import sys

    copy = tmp_path / "demo"
    copy.mkdir()
    shutil.copy(REPO / "corpora" / "demo" / "make_demo.py", copy)
    subprocess.run([sys.executable, str(copy / "make_demo.py")], check=True)
    for name in ("news.test.conll", "web.test.conll", "preds/crf.news.seed2.conll",
                 "preds/gazetteer.web.conll", "ruler-pipeline/entity_ruler/patterns.jsonl"):
        assert (copy / name).read_bytes() == (REPO / "corpora" / "demo" / name).read_bytes(), name


@pytest.mark.parametrize("mode", ["lenient", "conlleval", "strict"])
def test_runner_modes_equal_evaluate(tmp_path, mode):
    demo = REPO / "corpora" / "demo"
    config = tmp_path / "modes.yaml"
    config.write_text(
        f"scoring: {{mode: {mode}}}\n"
        f"corpora: [{{id: web, path: {demo / 'web.test.conll'}, scheme: IOB2}}]\n"
        f"systems: [{{id: b, predictions: {{web: {demo / 'preds' / 'bilstm-crf.web.seed2.conll'}}}}}]\n")
    results = run_benchmark(load_config(config))
    run = results["results"][0]["runs"][0]
    report = evaluate(str(demo / "web.test.conll"), str(demo / "preds" / "bilstm-crf.web.seed2.conll"),
                      mode=mode, scheme="IOB2")
    assert run_scores(run)["micro_f1"] == report.micro.f1
    assert run["per_type"] == {t: {"tp": c.tp, "fp": c.fp, "fn": c.fn} for t, c in sorted(report.per_type.items())}
    assert f"mode:{mode}|scheme:IOB2" in results["results"][0]["signature"]
    # absolute paths in the config never reach the outputs
    assert all(str(tmp_path) not in t and str(REPO) not in t for t in render_all(results).values())
