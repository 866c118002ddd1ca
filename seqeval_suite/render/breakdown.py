"""The error-analysis part of a leaderboard (config ``analysis: true``).

Per corpus: a breakdown of every system's entities into the categories of
:mod:`seqeval_suite.analysis` (each gold entity once, plus the spurious predictions),
drawn in the HTML as one stacked bar per system, and the gold × predicted type
confusion matrix of the corpus's top system. With several runs a system's first run
is shown, and the board says so.
"""
from __future__ import annotations

import html

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


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _stacked_bar(name: str, counts: dict[str, int]) -> str:
    total = sum(counts.values()) or 1
    parts = "".join(
        f'<span class="seg" style="width:{100 * counts[c] / total:.2f}%;background:{COLOURS[c]}" '
        f'title="{_esc(c)}: {counts[c]}"></span>' for c in CATEGORIES if counts[c])
    return (f'<div class="bar-row"><span class="bar-label">{_esc(name)}</span>'
            f'<span class="bar-track stacked">{parts}</span>'
            f'<span class="bar-value">{sum(counts.values())}</span></div>')


def _html_table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f'<th scope="col">{_esc(h)}</th>' for h in header)
    body = "\n".join("<tr>" + "".join(f"<td>{_esc(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table></div>'


def html_section(results: dict, board) -> str:
    """The breakdown (a stacked bar per system and a table) and the top system's confusion
    matrix of one corpus board, as HTML ('' if none). Every user string is escaped."""
    analyses = _first_runs(results, board.id)
    if not analyses or board.id == "overall":
        return ""
    ranked = _rows(board, analyses)
    legend = "".join(f'<span class="key"><span class="swatch" style="background:{COLOURS[c]}"></span>{_esc(c)}</span>'
                     for c in CATEGORIES)
    bars = "\n".join(_stacked_bar(name, counts) for name, counts in ranked)
    table = _html_table(["System", *CATEGORIES], [[name, *(counts[c] for c in CATEGORIES)] for name, counts in ranked])
    top = board.rows[0]
    header, matrix = _confusion_table(analyses[top.system]["confusion"])
    return (
        f'<div class="analysis">\n<h3>Error breakdown <small>(entities{_esc(_note(results, board))})</small></h3>\n'
        f'<div class="legend">{legend}</div>\n'
        f'<div class="chart" role="img" aria-label="error categories by system">\n{bars}\n</div>\n{table}\n'
        f"<h3>Type confusions of the top system, {_esc(top.name)}</h3>\n"
        f"{_html_table(header, matrix)}\n</div>"
    )
