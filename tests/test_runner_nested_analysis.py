"""`analysis: true` on a nested corpus: each run gets the nested error breakdown (it was
silently left out), equal to `errors` on the same files; `correct` is the exact TP."""
from __future__ import annotations

from pathlib import Path

from seqeval_suite.analysis import analyze_nested
from seqeval_suite.config import validate
from seqeval_suite.render.leaderboard import render_markdown
from seqeval_suite.runner import run_benchmark

NESTED = Path(__file__).resolve().parent.parent / "corpora" / "nested"


def test_nested_corpus_gets_its_error_breakdown(tmp_path):
    data = {"name": "n", "scoring": {"resamples": 0}, "analysis": True,
            "corpora": [{"id": "n", "path": str(NESTED / "gold.conll"), "layers": [1, 2]}],
            "systems": [{"id": "s", "predictions": {"n": str(NESTED / "pred.conll")}}]}
    results = run_benchmark(validate(data, tmp_path / "n.yaml"))
    run = results["results"][0]["runs"][0]
    expected = analyze_nested(str(NESTED / "gold.conll"), str(NESTED / "pred.conll"), layers="1,2")
    assert run["analysis"]["breakdown"] == expected.breakdown()
    assert run["analysis"]["breakdown"]["correct"] == sum(c["tp"] for c in run["per_type"].values())
    assert "### Error breakdown: n (entities)" in render_markdown(results)
