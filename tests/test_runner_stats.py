"""The runner's statistics hook (issue 5): CI column and Holm-corrected marks vs the top.

A stand-in ``seqeval_suite.stats`` with the agreed API checks the wiring, independent of
the real resampling code.
"""
from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def fake_stats(monkeypatch):
    import numpy as np

    calls = {"ci": [], "test": []}

    def micro_f1(matrix):
        tp, fp, fn = matrix.sum(axis=(0, 1))
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    def runs_ci(matrices, *, metric="micro_f1", resamples=1000, level=0.95, seed=0):
        calls["ci"].append((len(matrices), metric, resamples, level, seed))
        points = [micro_f1(m) for m in matrices]
        return types.SimpleNamespace(low=min(points) - 0.05, high=max(points) + 0.05,
                                     point=sum(points) / len(points), method="fake")

    def paired_test(a, b, *, test="ar", resamples=1000, seed=0, metric="micro_f1", interval=True):
        calls["test"].append((test, resamples, seed))
        assert interval is False  # the board stores no interval of the difference
        assert a.shape == b.shape and a.dtype == np.int64
        delta = micro_f1(a) - micro_f1(b)
        # large gaps are "significant", small ones are not
        return types.SimpleNamespace(p_value=0.001 if delta > 0.1 else 0.4, delta=delta,
                                     ci_low=delta - 0.01, ci_high=delta + 0.01, better="a")

    module = types.ModuleType("seqeval_suite.stats")
    def holm(p_values):
        from statsmodels.stats.multitest import multipletests

        return list(multipletests(p_values, method="holm")[1])

    module.runs_ci, module.paired_test, module.holm = runs_ci, paired_test, holm
    monkeypatch.setitem(sys.modules, "seqeval_suite.stats", module)
    import seqeval_suite

    monkeypatch.setattr(seqeval_suite, "stats", module, raising=False)
    return calls


def test_runner_stats_hook_adds_ci_and_marks(fake_stats):
    from seqeval_suite.config import load_config
    from seqeval_suite.render.leaderboard import boards, render_all
    from seqeval_suite.runner import run_benchmark

    results = run_benchmark(load_config(REPO / "configs" / "demo.yaml"))
    news = [e for e in results["results"] if e["corpus"] == "news-test"]
    assert {e["system"] for e in news if e["significance"]["top"]} == {"crf"}
    by_id = {e["system"]: e for e in news}
    assert by_id["gazetteer"]["tied_with_top"] is False  # 28 points behind
    assert by_id["bilstm-crf"]["tied_with_top"] is True
    assert by_id["gazetteer"]["significance"]["p_holm"] == pytest.approx(0.003)
    # the 3 runs go to runs_ci together
    assert by_id["crf"]["ci"]["high"] - by_id["crf"]["ci"]["low"] > 0.1
    assert sorted(c[0] for c in fake_stats["ci"]) == [1, 1, 1, 1, 3, 3, 3, 3]
    assert "seed:0" in by_id["crf"]["signature"] and "ci:bootstrap-1000" in by_id["crf"]["signature"]
    assert all(c[1] == "micro_f1" and c[2] == 1000 and c[4] == 0 for c in fake_stats["ci"])
    board = boards(results)[0]
    assert board.rows[0].top and board.rows[0].ci is not None
    files = render_all(results)
    assert "| tied with top |" in files["leaderboard.md"].replace("micro F1 CI | tied", "| tied")
    assert "ci_low,ci_high,tied_with_top" in files["leaderboard.csv"]
    assert "tied with top" in files["index.html"] and "tied with top" in files["leaderboard.tex"]
    import json

    assert render_all(json.loads(files["results.json"])) == files


def test_runner_real_stats_on_demo():
    """With the real seqeval_suite.stats: intervals hold the mean, the top is marked,
    the far-behind gazetteer is significantly worse."""
    pytest.importorskip("seqeval_suite.stats")
    from seqeval_suite.config import load_config
    from seqeval_suite.render.leaderboard import boards
    from seqeval_suite.runner import run_benchmark

    results = run_benchmark(load_config(REPO / "configs" / "demo.yaml"))
    for board in boards(results)[:2]:
        for row in board.rows:
            assert row.ci[0] <= row.values["micro_f1"][0] <= row.ci[1]
        assert board.rows[0].top and board.rows[0].rank == 1
        gazetteer = next(r for r in board.rows if r.system == "gazetteer")
        assert gazetteer.tied_with_top is False


def test_runner_no_stats_for_unsupported_primary(tmp_path):
    pytest.importorskip("seqeval_suite.stats")
    from seqeval_suite.config import load_config
    from seqeval_suite.runner import run_benchmark

    (tmp_path / "g.conll").write_text("Ann B-PER\n\n")
    (tmp_path / "p.conll").write_text("Ann B-PER\n\n")  # not g.conll itself (issue 16 case 5)
    (tmp_path / "b.yaml").write_text("scoring: {primary: weighted_f1}\ncorpora: [{id: c, path: g.conll}]\n"
                                     "systems: [{id: s, predictions: {c: p.conll}}]\n")
    results = run_benchmark(load_config(tmp_path / "b.yaml"))
    assert results["settings"]["statistics"] is None
    assert "ci" not in results["results"][0]
