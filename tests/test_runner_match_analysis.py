"""The runner with ``scoring.match`` (partial-match schemas) and ``analysis: true``."""
from __future__ import annotations

from pathlib import Path

import pytest

from seqeval_suite import evaluate
from seqeval_suite.analysis import analyze
from seqeval_suite.config import load_config
from seqeval_suite.render.leaderboard import boards, render_all, run_scores
from seqeval_suite.runner import run_benchmark

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "configs" / "demo.yaml"


def _variant(tmp_path: Path, analysis: bool = False, **scoring) -> Path:
    """The demo config with other settings, written beside a copy of the demo corpora."""
    import shutil

    import yaml

    shutil.copytree(REPO / "corpora" / "demo", tmp_path / "corpora" / "demo")
    config = yaml.safe_load(DEMO.read_text())
    config["scoring"].update(scoring)
    config["analysis"] = analysis
    path = tmp_path / "configs" / "bench.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(config))
    return path


def _pred(run: dict) -> str:
    return str(REPO / "corpora" / "demo" / "preds" / Path(run["file"]).name)


def _gold(corpus: str) -> str:
    return str(REPO / "corpora" / "demo" / f"{corpus.split('-')[0]}.test.conll")


@pytest.fixture(scope="module")
def partial_results(tmp_path_factory):
    path = _variant(tmp_path_factory.mktemp("partial"), match="partial")
    return run_benchmark(load_config(path))


def test_runner_partial_match_equals_evaluate(partial_results):
    assert partial_results["settings"]["match"] == "partial"
    checked = 0
    for entry in partial_results["results"]:
        assert "match:partial" in entry["signature"]
        if entry["system"] == "spacy-ruler":
            continue
        for run in entry["runs"]:
            report = evaluate(_gold(entry["corpus"]), _pred(run), scheme="IOB2", match="partial")
            scores = run_scores(run)
            assert scores["micro_f1"] == report.micro.f1
            assert scores["macro_f1"] == report.macro.f1
            assert scores["micro_p"] == report.micro.precision
            checked += 1
    assert checked == 14


def test_runner_partial_match_ci_contains_point_estimate(partial_results):
    for entry in partial_results["results"]:
        f1s = [run_scores(run)["micro_f1"] for run in entry["runs"]]
        if len(f1s) == 1:
            assert entry["ci"]["low"] <= f1s[0] <= entry["ci"]["high"]
    assert partial_results["settings"]["statistics"] is not None


def test_runner_partial_match_macro_primary_has_no_statistics(tmp_path):
    results = run_benchmark(load_config(_variant(tmp_path, match="exact", primary="macro_f1")))
    assert results["settings"]["statistics"] is None
    assert "exact matching" in results["settings"]["statistics_note"]


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    path = _variant(tmp_path_factory.mktemp("analysis"), analysis=True)
    return run_benchmark(load_config(path))


def test_runner_analysis_breakdown_equals_analyze(analysed):
    entry = next(e for e in analysed["results"] if e["system"] == "crf" and e["corpus"] == "news-test")
    run = entry["runs"][0]
    report = analyze(_gold("news-test"), _pred(run), scheme="IOB2")
    breakdown = run["analysis"]["breakdown"]
    gold, pred = report.overall("gold"), report.overall("pred")
    assert breakdown == {**{c: gold[c] for c in ("correct", "type", "boundary", "type+boundary", "missed")},
                         "spurious": pred["spurious"]}
    assert run["analysis"]["confusion"] == report.to_dict()["confusion"]


def test_runner_analysis_reconciles_with_exact_counts(analysed):
    for entry in analysed["results"]:
        for run in entry["runs"]:
            b = run["analysis"]["breakdown"]
            tp = sum(c["tp"] for c in run["per_type"].values())
            fn = sum(c["fn"] for c in run["per_type"].values())
            assert b["correct"] == tp
            assert sum(v for k, v in b.items() if k != "spurious") == tp + fn  # every gold entity once
            cells = run["analysis"]["confusion"]["cells"]
            assert sum(map(sum, cells)) == tp + fn + b["spurious"]


def test_runner_analysis_in_markdown_and_html(analysed):
    files = render_all(analysed, ["markdown", "html"])
    top = next(b for b in boards(analysed) if b.id == "news-test").rows[0].name
    md = files["leaderboard.md"]
    assert "### Error breakdown: News (test)" in md
    assert f"### Type confusions of the top system, {top}" in md
    html = files["index.html"]
    assert html.count('class="bar-track stacked"') == 8  # 4 systems x 2 corpora
    assert "Type confusions of the top system" in html


def test_runner_without_analysis_has_no_section(tmp_path):
    results = run_benchmark(load_config(_variant(tmp_path, resamples=0)))
    assert "Error breakdown" not in render_all(results, ["markdown"])["leaderboard.md"]


# ------------------------------------------------------------------ formats by extension
def _as_jsonl(conll_path: Path, out: Path) -> None:
    import json

    from seqeval_suite.io.formats import read_tagged

    with out.open("w") as fh:
        for s in read_tagged(conll_path):
            fh.write(json.dumps({"tokens": s.tokens, "ner_tags": s.tags}) + "\n")


def test_runner_reads_jsonl_gold_and_predictions_by_extension(tmp_path):
    gold, pred = REPO / "corpora" / "demo" / "news.test.conll", REPO / "corpora" / "demo" / "preds" / "crf.news.seed1.conll"
    _as_jsonl(gold, tmp_path / "gold.jsonl")
    _as_jsonl(pred, tmp_path / "crf.jsonl")
    (tmp_path / "bench.yaml").write_text(f"""\
scoring: {{resamples: 0, scheme: IOB2}}
corpora: [{{id: news, path: gold.jsonl}}]
systems:
  - {{id: crf, predictions: {{news: crf.jsonl}}}}
  - {{id: mixed, predictions: {{news: {pred}}}}}
  - {{id: ruler, spacy: {REPO / 'corpora' / 'demo' / 'ruler-pipeline'}, label_map: {{PERSON: PER, GPE: LOC, NORP: MISC}}}}
""")
    results = run_benchmark(load_config(tmp_path / "bench.yaml"))
    expected = evaluate(str(gold), str(pred), scheme="IOB2")
    by_system = {e["system"]: e["runs"][0] for e in results["results"]}
    for system in ("crf", "mixed"):
        assert run_scores(by_system[system])["micro_f1"] == expected.micro.f1
    assert 0 < run_scores(by_system["ruler"])["micro_f1"] < 1


def test_runner_conlleval_mode_refuses_other_formats(tmp_path):
    from seqeval_suite.errors import ConfigError

    (tmp_path / "g.jsonl").write_text('{"tokens": ["a"], "ner_tags": ["O"]}\n')
    (tmp_path / "bench.yaml").write_text(
        "scoring: {mode: conlleval}\ncorpora: [{id: c, path: g.jsonl}]\nsystems: [{id: s, predictions: {c: g.jsonl}}]\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "bench.yaml")
    assert "corpora[0].path" in str(info.value) and "systems[0].predictions.c[0]" in str(info.value)
