"""The runner reads each gold file once: units sharing gold and settings are scored in one
pass (issue 15), with results equal to scoring each unit alone."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from seqeval_suite.config import load_config, validate
from seqeval_suite.errors import DataError
from seqeval_suite.runner import _groupable, plan, run_benchmark, score_group, score_unit

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "configs" / "demo.yaml"


def test_group_scores_equal_each_unit_alone():
    units = [u for u in plan(load_config(DEMO)) if u.corpus == "news-test" and _groupable(u)]
    assert len(units) == 7 and all(u.analysis for u in units)
    assert score_group(units) == [score_unit(u) for u in units]


@pytest.mark.parametrize("mode", ["lenient", "strict"])
def test_group_equal_units_without_analysis(tmp_path, mode):
    data = {
        "name": "g", "scoring": {"mode": mode, "scheme": "IOB2", "resamples": 0},
        "corpora": [{"id": "news", "path": str(REPO / "corpora/demo/news.test.conll")}],
        "systems": [{"id": s, "predictions": {"news": [str(REPO / f"corpora/demo/preds/{s}.news.seed{k}.conll")
                                                       for k in (1, 2, 3)]}} for s in ("crf", "bilstm-crf")],
    }
    units = plan(validate(data, tmp_path / "g.yaml"))
    assert len(units) == 6
    assert score_group(units) == [score_unit(u) for u in units]


def test_run_reads_each_gold_once(monkeypatch):
    from seqeval_suite.core import source

    opened: list[str] = []
    original = source.ConllSource.__init__

    def counting(self, gold, pred, options):
        if pred is not None:  # the spaCy system reads gold's tokens alone, to tag them
            opened.append((Path(gold).name, len(pred) if isinstance(pred, list) else 1))
        original(self, gold, pred, options)

    monkeypatch.setattr(source.ConllSource, "__init__", counting)
    run_benchmark(load_config(DEMO))
    # 14 prediction-file units on 2 corpora: one pass over each gold file.
    assert sorted(opened) == [("news.test.conll", 7), ("web.test.conll", 7)]


def test_group_error_is_the_first_bad_unit_in_config_order(tmp_path):
    gold = tmp_path / "gold.conll"
    shutil.copy(REPO / "corpora/demo/news.test.conll", gold)
    good = REPO / "corpora/demo/preds/crf.news.seed1.conll"
    short = tmp_path / "short.conll"
    short.write_text("\n".join(good.read_text().splitlines()[:40]) + "\n")
    other = tmp_path / "other.conll"
    lines = good.read_text().splitlines()
    lines[1] = "Different " + lines[1].split(" ", 1)[1]
    other.write_text("\n".join(lines) + "\n")
    data = {
        "name": "g", "scoring": {"resamples": 0},
        "corpora": [{"id": "c", "path": str(gold)}],
        "systems": [{"id": "a", "predictions": {"c": [str(good), str(other)]}},
                    {"id": "b", "predictions": {"c": [str(short)]}}],
    }
    with pytest.raises(DataError) as info:
        run_benchmark(validate(data, tmp_path / "g.yaml"))
    assert info.value.message.startswith("a on c (run 2): ")
    assert "other.conll" in info.value.message


def test_group_equals_units_when_systems_predict_different_types(tmp_path):
    """A group's shared vocabulary knows every system's types; each unit's result must
    still be what it is alone (cells over its own types)."""
    gold = tmp_path / "gold.conll"
    gold.write_text("Ann B-PER\nin O\nRome B-LOC\n\nBob B-PER\n\n")
    a = tmp_path / "a.conll"
    a.write_text("Ann B-FOO\nin O\nRome B-LOC\n\nBob B-PER\n\n")
    b = tmp_path / "b.conll"
    b.write_text("Ann B-PER\nin B-BAR\nRome B-ORG\n\nBob O\n\n")
    data = {"name": "g", "scoring": {"resamples": 50},
            "corpora": [{"id": "c", "path": str(gold)}],
            "systems": [{"id": "a", "predictions": {"c": str(a)}}, {"id": "b", "predictions": {"c": str(b)}}]}
    units = plan(validate(data, tmp_path / "g.yaml"))
    assert score_group(units) == [score_unit(u) for u in units]
