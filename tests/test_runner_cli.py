"""`seqeval-suite run` and `render` on the command line."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "configs" / "demo.yaml"
FILES = ["index.html", "leaderboard.csv", "leaderboard.md", "leaderboard.tex", "results.json"]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def demo_board(tmp_path_factory):
    from click.testing import CliRunner

    from seqeval_suite.cli import main

    out = tmp_path_factory.mktemp("board")
    result = CliRunner().invoke(main, ["run", str(DEMO), "-o", str(out), "--no-cache"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return out, result


def test_run_cli_writes_every_output(demo_board):
    out, result = demo_board
    assert sorted(_snapshot(out)) == FILES
    assert result.stdout.splitlines() == [str(out / f) for f in
                                          ("leaderboard.md", "leaderboard.csv", "leaderboard.tex",
                                           "results.json", "index.html")]
    md = (out / "leaderboard.md").read_text()
    assert "## News (test)" in md and "## Overall" in md and "| 1 | CRF baseline |" in md


def test_run_cli_rerun_is_byte_identical_whatever_jobs_or_folder(demo_board, tmp_path, cli):
    out, _ = demo_board
    again = tmp_path / "elsewhere" / "board"
    assert cli("run", DEMO, "-o", again, "--jobs", "3", "--quiet").exit_code == 0
    assert _snapshot(again) == _snapshot(out)
    # and once more from the cache
    result = cli("run", DEMO, "-o", again, "-q")
    assert result.exit_code == 0 and result.stdout == ""
    assert (again / ".seqeval-suite-cache").is_dir()
    assert _snapshot(again) == _snapshot(out)


def test_run_cli_default_folder_is_leaderboard_name_under_cwd(tmp_path, monkeypatch, cli):
    (tmp_path / "g.conll").write_text("Ann B-PER\n\n")
    # A copy: the gold file itself as its own prediction is refused (issue 16 case 5).
    (tmp_path / "p.conll").write_text("Ann B-PER\n\n")
    (tmp_path / "bench.yaml").write_text(
        "corpora: [{id: c, path: g.conll}]\nsystems: [{id: s, predictions: {c: p.conll}}]\noutputs: [markdown]\n")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = cli("run", tmp_path / "bench.yaml")
    assert result.exit_code == 0, result.stderr
    assert (work / "leaderboard" / "bench" / "leaderboard.md").is_file()
    assert not (work / "leaderboard" / "bench" / "index.html").exists()


def test_render_cli_rebuilds_identical_boards(demo_board, tmp_path, cli):
    out, _ = demo_board
    result = cli("render", out / "results.json", "-o", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert _snapshot(tmp_path) == _snapshot(out)


def test_render_cli_one_format(demo_board, tmp_path, cli):
    out, _ = demo_board
    assert cli("render", out / "results.json", "-o", tmp_path, "-f", "csv", "-q").exit_code == 0
    assert sorted(_snapshot(tmp_path)) == ["leaderboard.csv"]


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    ("{not json", "not a results file"),
    ('{"kind": "something else"}', "not a seqeval-suite results.json"),
])
def test_render_cli_bad_results_exit_1(tmp_path, cli, content, message):
    path = tmp_path / "results.json"
    if content is not None:
        path.write_text(content)
    result = cli("render", path)
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.stderr


def _bench(tmp_path: Path) -> Path:
    (tmp_path / "g.conll").write_text("Ann B-PER\nsat O\n\nBo B-PER\n\n")
    (tmp_path / "p.conll").write_text("Ann B-PER\nsat O\n\nBo O\n\n")
    config = tmp_path / "bench.yaml"
    config.write_text("corpora: [{id: c, path: g.conll}]\nsystems: [{id: s, predictions: {c: p.conll}}]\n")
    return config


def test_run_cli_failed_run_leaves_previous_board_intact(tmp_path, cli):
    config = _bench(tmp_path)
    out = tmp_path / "out"
    assert cli("run", config, "-o", out, "-q").exit_code == 0
    before = _snapshot(out)
    (tmp_path / "p.conll").write_text("Ann B-PER\nsat O\n\n")  # truncated
    result = cli("run", config, "-o", out)
    assert result.exit_code == 1
    assert "s on c (run 1)" in result.stderr and "truncated" in result.stderr
    assert result.stdout == ""
    assert _snapshot(out) == before


def test_run_cli_failure_while_rendering_writes_nothing(tmp_path, cli, monkeypatch):
    from seqeval_suite.render import leaderboard

    config = _bench(tmp_path)
    out = tmp_path / "out"
    assert cli("run", config, "-o", out, "-q").exit_code == 0
    before = _snapshot(out)
    (tmp_path / "p.conll").write_text("Ann B-PER\nsat O\n\nBo B-PER\n\n")

    def broken(results):
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(leaderboard.RENDERERS, "html", broken)
    result = cli("run", config, "-o", out)
    assert result.exit_code == 1 and "internal error" in result.stderr
    assert _snapshot(out) == before


def test_run_cli_warnings_name_system_and_corpus(tmp_path, cli):
    config = _bench(tmp_path)
    (tmp_path / "p.conll").write_text("Ann B-PER\nsat X\n\nBo O\n\n")
    result = cli("run", config, "-o", tmp_path / "out")
    assert result.exit_code == 0
    # the evaluator's warning, with the file named as the config wrote it
    assert "warning: s on c (run 1): p.conll" in result.stderr and "invalid tag" in result.stderr
    assert str(tmp_path) not in (tmp_path / "out" / "results.json").read_text()
    assert cli("run", config, "-o", tmp_path / "out", "-q").stderr == ""


def test_run_cli_missing_config_exit_1(tmp_path, cli):
    result = cli("run", tmp_path / "nope.yaml")
    assert result.exit_code == 1 and "no such config file" in result.stderr


def test_run_cli_identical_in_another_process(demo_board, tmp_path):
    """Another interpreter with another hash seed (set iteration order) writes the same bytes."""
    import os
    import subprocess
    import sys

    out, _ = demo_board
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-m", "seqeval_suite", "run", str(DEMO), "-o", str(tmp_path), "-q",
                    "--no-cache"], check=True, env=env, cwd=tmp_path)
    assert _snapshot(tmp_path) == _snapshot(out)
