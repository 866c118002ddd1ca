"""Issue 16 case 6 in `run`: a requested type no tag of a corpus has is a config error
naming the key (it scored 0 silently), cached or not."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from seqeval_suite import evaluate
from seqeval_suite.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "corpora" / "examples"


def _write(tmp_path, scoring_types=None, system_types=None) -> Path:
    system = {"id": "s", "predictions": {"c": str(EXAMPLES / "news.pred.conll")}}
    if system_types is not None:
        system["types"] = system_types
    data = {"name": "t", "scoring": {"resamples": 0, **({"types": scoring_types} if scoring_types else {})},
            "corpora": [{"id": "c", "path": str(EXAMPLES / "news.gold.conll")}], "systems": [system],
            "outputs": ["markdown", "json"]}
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.parametrize("scoring,system,key", [(["PERS"], None, "scoring.types"), (None, ["PER", "LOCATION"],
                                                                                   "systems[0].types")])
def test_typo_in_a_type_filter_is_a_config_error(tmp_path, scoring, system, key):
    config = _write(tmp_path, scoring, system)
    out = tmp_path / "out"
    for _ in range(2):  # the second time the units come from the cache
        result = CliRunner().invoke(main, ["run", str(config), "-o", str(out), "-q"])
        assert result.exit_code == 1
        assert f"{key}: " in result.stderr and "occurs in no gold or predicted tag of corpus c" in result.stderr
        assert "types present: LOC, MISC, ORG, PER" in result.stderr
        assert not (out / "leaderboard.md").exists()


def test_a_real_type_filter_scores_as_evaluate(tmp_path):
    config = _write(tmp_path, ["PER"])
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["run", str(config), "-o", str(out), "-q"]).exit_code == 0
    import json

    run = json.loads((out / "results.json").read_text())["results"][0]["runs"][0]
    report = evaluate(str(EXAMPLES / "news.gold.conll"), str(EXAMPLES / "news.pred.conll"), types=["PER"])
    assert run["derived"]["micro"]["f1"] == report.micro.f1
    assert "types_present" not in run


def test_a_corpus_that_narrows_the_global_filter_is_not_refused(tmp_path):
    """scoring.types [PER, MISC] over two corpora, one of them restricted to PER and
    without MISC: MISC is never scored there, so nothing can silently be 0."""
    only_per = tmp_path / "per.conll"
    only_per.write_text("Ann B-PER\nleft O\n\n")
    pred = tmp_path / "per.pred.conll"
    pred.write_text("Ann B-PER\nleft O\n\n")
    data = {"name": "t", "scoring": {"resamples": 0, "types": ["PER", "MISC"]},
            "corpora": [{"id": "c1", "path": str(EXAMPLES / "news.gold.conll")},
                        {"id": "c2", "path": str(only_per), "types": ["PER"]}],
            "systems": [{"id": "s", "predictions": {"c1": str(EXAMPLES / "news.pred.conll"), "c2": str(pred)}}],
            "outputs": ["json"]}
    config = tmp_path / "t.yaml"
    config.write_text(yaml.safe_dump(data))
    result = CliRunner().invoke(main, ["run", str(config), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    data["corpora"][1]["types"] = ["PER", "MISC"]
    config.write_text(yaml.safe_dump(data))
    result = CliRunner().invoke(main, ["run", str(config), "-o", str(tmp_path / "out2"), "-q"])
    assert result.exit_code == 1
    assert "scoring.types and corpora[1].types: MISC occurs in no gold or predicted tag of corpus c2" in result.stderr
