"""The error-analysis part of a leaderboard (config ``analysis: true``).

Per corpus: a breakdown of every system's entities into the categories of
:mod:`seqeval_suite.analysis` (each gold entity once, plus the spurious predictions),
drawn in the HTML as one stacked bar per system, and the gold × predicted type
confusion matrix of the corpus's top system. With several runs a system's first run
is shown, and the board says so.
"""
from __future__ import annotations

from ..analysis import CATEGORIES
from . import text

#: Colours of the stacked bar, one per category (colour-blind-safe Okabe-Ito palette).
COLOURS = {"correct": "#009E73", "type": "#E69F00", "boundary": "#56B4E9", "type+boundary": "#CC79A7",
           "missed": "#D55E00", "spurious": "#999999"}


def has_analysis(results: dict) -> bool:
    """Whether the runs carry an error analysis."""
    return any("analysis" in run for e in results["results"] for run in e["runs"])


def _first_runs(results: dict, corpus: str) -> dict[str, dict]:
    """System id -> the analysis of its first run on ``corpus``."""
    return {e["system"]: e["runs"][0]["analysis"] for e in results["results"]
            if e["corpus"] == corpus and e["runs"] and "analysis" in e["runs"][0]}


def _rows(board, analyses: dict[str, dict]) -> list[tuple[str, dict[str, int]]]:
    """(system name, category counts) in the board's rank order."""
    return [(row.name, analyses[row.system]["breakdown"]) for row in board.rows if row.system in analyses]


def _note(results: dict, board) -> str:
    runs = any(len(e["runs"]) > 1 for e in results["results"] if e["corpus"] == board.id)
    return "; first run of each system" if runs else ""


def _confusion_table(confusion: dict) -> tuple[list[str], list[list[str]]]:
    header = ["gold / predicted", *confusion["columns"]]
    rows = [[r, *(str(n) for n in cells)] for r, cells in zip(confusion["rows"], confusion["cells"])]
    return header, rows


def markdown_section(results: dict, board) -> str:
    """The breakdown and confusion tables of one corpus board in Markdown ('' if none)."""
    analyses = _first_runs(results, board.id)
    if not analyses or board.id == "overall":
        return ""
    # text.markdown escapes every cell; escaping here too doubled the backslashes.
    rows = [[name, *(str(counts[c]) for c in CATEGORIES)] for name, counts in _rows(board, analyses)]
    top = board.rows[0]
    header, matrix = _confusion_table(analyses[top.system]["confusion"])
    return (
        f"### Error breakdown: {text.markdown_escape(board.title)} (entities{_note(results, board)})\n\n"
        + text.markdown(["System", *CATEGORIES], rows)
        + f"\n### Type confusions of the top system, {text.markdown_escape(top.name)}\n\n"
        + text.markdown(header, matrix)
    )


def analysis_view(results: dict, board) -> dict | None:
    """What the HTML shows of one corpus board's analysis (None if there is none): a
    stacked bar and a table row per system, and the top system's confusion matrix.
    Plain values: the Jinja2 template (``templates/_analysis.html``) escapes them."""
    analyses = _first_runs(results, board.id)
    if not analyses or board.id == "overall":
        return None
    ranked = _rows(board, analyses)
    bars = []
    for name, counts in ranked:
        total = sum(counts.values())
        bars.append({"name": name, "total": total, "segments": [
            {"category": c, "count": counts[c], "colour": COLOURS[c], "width": f"{100 * counts[c] / (total or 1):.2f}"}
            for c in CATEGORIES if counts[c]]})
    top = board.rows[0]
    header, matrix = _confusion_table(analyses[top.system]["confusion"])
    return {
        "note": _note(results, board),
        "legend": [{"category": c, "colour": COLOURS[c]} for c in CATEGORIES],
        "bars": bars,
        "table": {"header": ["System", *CATEGORIES],
                  "rows": [[name, *(str(counts[c]) for c in CATEGORIES)] for name, counts in ranked]},
        "top": top.name,
        "confusion": {"header": header, "rows": matrix},
    }
