"""The runner says when a cache entry was altered (issue 16 case 13), and a board set
never keeps a stale file of an earlier set (curves.csv once no system has checkpoints)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml
from click.testing import CliRunner

from seqeval_suite.cli import main

REPO = Path(__file__).resolve().parent.parent


def _invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_altered_cache_entry_is_rescored_and_reported(tmp_path):
    out = tmp_path / "board"
    assert _invoke("run", REPO / "configs" / "demo.yaml", "-o", out, "-q").exit_code == 0
    board = (out / "leaderboard.md").read_text()
    entries = sorted((out / ".seqeval-suite-cache").glob("*.json"))
    victim = next(p for p in entries if '"per_type"' in p.read_text())
    entry = json.loads(victim.read_text())
    first = next(iter(entry["result"]["per_type"]))
    entry["result"]["per_type"][first][1] = 0  # no false positives: a better F1
    victim.write_text(json.dumps(entry))
    result = _invoke("run", REPO / "configs" / "demo.yaml", "-o", out)
    assert result.exit_code == 0
    assert f"warning: cache entry {victim.name}: checksum mismatch: not trusted, scored again" in result.stderr
    assert (out / "leaderboard.md").read_text() == board
    quiet = _invoke("run", REPO / "configs" / "demo.yaml", "-o", out, "-q")
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_curves_csv_leaves_with_the_checkpoints(tmp_path):
    work = tmp_path / "repo"
    shutil.copytree(REPO / "corpora" / "curve", work / "corpora" / "curve")
    (work / "configs").mkdir()
    config = yaml.safe_load((REPO / "configs" / "curve.yaml").read_text())
    (work / "configs" / "curve.yaml").write_text(yaml.safe_dump(config))
    out = tmp_path / "board"
    assert _invoke("run", work / "configs" / "curve.yaml", "-o", out, "-q").exit_code == 0
    assert (out / "curves.csv").is_file()
    del config["systems"][0]["checkpoints"]
    (work / "configs" / "curve.yaml").write_text(yaml.safe_dump(config))
    assert _invoke("run", work / "configs" / "curve.yaml", "-o", out, "-q").exit_code == 0
    assert not (out / "curves.csv").exists()
    assert "Learning curve" not in (out / "leaderboard.md").read_text()
    # render -f markdown writes only the Markdown: the CSV files stay as they are.
    (out / "note.txt").write_text("mine")
    assert _invoke("render", out / "results.json", "-f", "markdown", "-q").exit_code == 0
    assert (out / "leaderboard.csv").is_file() and (out / "note.txt").read_text() == "mine"
