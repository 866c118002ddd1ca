"""``seqeval-suite run`` (config -> leaderboard) and ``seqeval-suite render`` (results.json -> boards)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import warn

if TYPE_CHECKING:
    from ..publish import BoardLock


def write_outputs(results: dict, folder: Path, formats=None) -> list[Path]:
    """Render every output, then publish them as one set (:func:`~seqeval_suite.publish.publish_board`):
    a failed or interrupted write leaves the previous board exactly as it was.

    Call it holding the folder's lock (:func:`board_lock`).

    Raises:
        SeqevalSuiteError: a file cannot be written (disk full, ...), naming the folder.
    """
    from ..errors import SeqevalSuiteError
    from ..publish import publish_board
    from ..render.leaderboard import CURVES_CSV, FILES, render_all

    rendered = render_all(results, formats)
    # curves.csv belongs with leaderboard.csv: a new CSV without curves drops an old one.
    drop = [CURVES_CSV] if FILES["csv"] in rendered else []
    try:
        return publish_board(folder, rendered, drop=drop)
    except OSError as exc:
        raise SeqevalSuiteError(f"{folder}: cannot write the board ({exc.strerror or exc}); "
                                "the previous board is left as it was") from None


def board_lock(folder: Path, wait: bool) -> BoardLock:
    """The folder's lock for a whole run or render: a second run waits (saying so once on
    stderr, even with --quiet: a silent hang is worse) or, with ``wait=False``, fails."""
    from ..publish import BoardLock

    def say_waiting() -> None:
        click.echo(f"waiting for another seqeval-suite run writing {folder}...", err=True)

    return BoardLock(folder, wait=wait, on_wait=say_waiting)


def _progress_bar(quiet: bool):
    """A progress callback drawing a bar on stderr, only when stderr is a terminal."""
    if quiet or not sys.stderr.isatty():
        return None, None
    bar = click.progressbar(length=1, label="scoring", file=sys.stderr, show_pos=True)
    state = {"started": False}

    def progress(done: int, total: int, label: str) -> None:
        if not state["started"]:
            bar.length = max(total, 1)
            bar.__enter__()
            state["started"] = True
        bar.update(done - bar.pos)

    def close() -> None:
        if state["started"]:
            bar.__exit__(None, None, None)

    return progress, close


@click.command()
@click.argument("config", type=str)
@click.option("--output-dir", "-o", default=None, metavar="DIR",
              help="Write here instead of leaderboard/<name>/ (relative to the current folder).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Score units in this many processes (results do not change).")
@click.option("--no-cache", is_flag=True, help="Score every unit again instead of reusing cached counts.")
@click.option("--wait/--no-wait", default=True, show_default=True,
              help="If another run is writing the same folder, wait for it (or fail at once).")
@click.option("--quiet", "-q", is_flag=True, help="Print no progress, warnings or file list.")
def run(config, output_dir, jobs, no_cache, wait, quiet):
    """Score every system of a benchmark CONFIG (YAML) and write its leaderboard.

    The config names corpora, systems (prediction files or a spaCy pipeline) and the
    scoring settings; it is validated before any work starts. Outputs go to
    leaderboard/<name>/: leaderboard.md, leaderboard.csv, leaderboard.tex,
    results.json and index.html. Unchanged units are read from a cache in
    <output dir>/.seqeval-suite-cache/. With `scoring.match` (exact, partial,
    type) boards use a partial-match schema; with `analysis: true` each corpus
    also gets an error breakdown and the top system's type confusions. Gold and
    predictions may be CoNLL, .jsonl, .json (Label Studio) or .spacy files.
    A system's `checkpoints:` (a folder of checkpoint predictions) adds its learning
    curve under the boards and in curves.csv. The new board replaces the old one all at once (a failed run changes nothing),
    and runs into the same folder take turns.

    \b
    Example:
      seqeval-suite run configs/demo.yaml
    """
    from ..config import load_config
    from ..runner import CACHE_DIR, default_output_dir, run_benchmark, warnings_of

    cfg = load_config(config)
    folder = Path(output_dir) if output_dir else default_output_dir(cfg)
    _check_folder(folder)
    with board_lock(folder, wait):
        progress, close = _progress_bar(quiet)
        try:
            results = run_benchmark(cfg, jobs=jobs, cache_dir=None if no_cache else folder / CACHE_DIR,
                                    progress=progress, on_warning=None if quiet else warn)
        finally:
            if close:
                close()
        written = write_outputs(results, folder)
    if not quiet:
        for message in warnings_of(results):
            warn(message)
        for path in written:
            click.echo(str(path))


@click.command()
@click.argument("results_file", metavar="RESULTS", type=str)
@click.option("--output-dir", "-o", default=None, metavar="DIR",
              help="Write here (default: the folder holding RESULTS).")
@click.option("--format", "-f", "formats", multiple=True,
              type=click.Choice(["markdown", "csv", "latex", "json", "html"]),
              help="Only these formats (repeatable; default: the outputs the config asked for).")
@click.option("--wait/--no-wait", default=True, show_default=True,
              help="If another run is writing the same folder, wait for it (or fail at once).")
@click.option("--quiet", "-q", is_flag=True, help="Do not print the files written.")
def render(results_file, output_dir, formats, wait, quiet):
    """Rebuild the leaderboard files from a RESULTS file (results.json) without scoring.

    \b
    Example:
      seqeval-suite render leaderboard/demo-ner/results.json -o rebuilt-boards
    """
    from ..render.leaderboard import load_results

    results = load_results(results_file)
    folder = Path(output_dir) if output_dir else Path(results_file).parent
    _check_folder(folder)
    with board_lock(folder, wait):
        written = write_outputs(results, folder, list(formats) or None)
    if not quiet:
        for path in written:
            click.echo(str(path))


def _check_folder(folder: Path) -> None:
    """An output folder that is a file is a usage error (before any work is done)."""
    from ..errors import UsageError

    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--output-dir {folder} is a file, not a folder", hint="give a folder for the board")
