"""Leaderboards from runner results: Markdown, CSV, LaTeX, JSON and a static HTML page.

:func:`boards` turns the results data (``results.json``) into ranked tables, computing
every score from the stored counts; each renderer takes the results and returns text.
So ``seqeval-suite render results.json`` rebuilds the very same files without scoring
anything again.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from statistics import mean, stdev

from ..runner import RESULTS_SCHEMA_VERSION, run_scores
from . import text
from .breakdown import html_section, markdown_section

#: Column key -> header label, in board order (percentages on the boards).
METRICS = {"micro_p": "micro P", "micro_r": "micro R", "micro_f1": "micro F1", "macro_f1": "macro F1"}
#: Every metric a config may rank by.
ALL_METRICS = {**METRICS, "macro_p": "macro P", "macro_r": "macro R", "weighted_f1": "weighted F1"}
FILES = {"markdown": "leaderboard.md", "csv": "leaderboard.csv", "latex": "leaderboard.tex",
         "json": "results.json", "html": "index.html"}


@dataclass
class Row:
    """One system on one board. Values are fractions; ``std`` is None with one run."""

    rank: int
    system: str
    name: str
    url: str | None
    values: dict[str, tuple[float, float | None]]
    runs: str
    signature: str
    #: extension point for issue 5: (low, high) of the primary metric, and whether the
    #: system is not significantly different from the top one.
    ci: tuple[float, float] | None = None
    tied_with_top: bool | None = None
    top: bool = False


@dataclass
class Board:
    """One ranked table: a corpus, or the overall mean over corpora."""

    id: str
    title: str
    note: str
    columns: list[tuple[str, str]]  # (value key, header)
    rows: list[Row] = field(default_factory=list)


def _summary(values: list[float]) -> tuple[float, float | None]:
    """Mean and sample standard deviation (None for a single value)."""
    return mean(values), (stdev(values) if len(values) > 1 else None)


def _rank(rows: list[Row], primary: str) -> list[Row]:
    """Best primary metric first, ties broken by system id; equal scores share a rank."""
    rows.sort(key=lambda r: (-r.values[primary][0], r.system))
    previous = None
    for i, row in enumerate(rows, 1):
        value = row.values[primary][0]
        row.rank = previous[1] if previous is not None and previous[0] == value else i
        previous = (value, row.rank)
    return rows


def boards(results: dict) -> list[Board]:
    """The ranked tables of a results dict: one per corpus, plus ``overall`` when there
    are several corpora."""
    primary = results["settings"]["primary"]
    beta = results["settings"].get("beta", 1.0)
    systems = {s["id"]: s for s in results["systems"]}
    out: list[Board] = []
    per_corpus: dict[str, dict[str, Row]] = {}
    for corpus in results["corpora"]:
        entries = [e for e in results["results"] if e["corpus"] == corpus["id"]]
        types = sorted({t for e in entries for run in e["runs"] for t in run["per_type"]})
        columns = _metric_columns(primary, beta)
        columns += [(f"f1:{t}", f"{t} F1") for t in types]
        rows = []
        for e in entries:
            scored = [run_scores(run, beta) for run in e["runs"]]
            values = {key: _summary([s.get(key, 0.0) for s in scored]) for key, _ in columns}
            system = systems[e["system"]]
            rows.append(Row(0, e["system"], system["name"], system.get("url"), values,
                            str(len(e["runs"])), e["signature"], _ci(e), e.get("tied_with_top"),
                            bool((e.get("significance") or {}).get("top"))))
        note = f"{corpus['sentences']} sentences, {corpus['tokens']} tokens"
        board = Board(corpus["id"], corpus["name"] or corpus["id"], note, columns, _rank(rows, primary))
        per_corpus[corpus["id"]] = {r.system: r for r in board.rows}
        out.append(board)
    if len(results["corpora"]) > 1:
        out.append(_overall(results, per_corpus, primary))
    return out


def _ci(entry: dict) -> tuple[float, float] | None:
    ci = entry.get("ci")
    return (ci["low"], ci["high"]) if ci else None


def _metric_columns(primary: str, beta: float) -> list[tuple[str, str]]:
    """The metric columns of a board: micro P/R/F1 (and micro F-beta when beta is not 1),
    macro F1, and the primary metric when it is none of these."""
    columns = [(k, METRICS[k]) for k in METRICS]
    if beta != 1.0:
        from ..core.options import f_beta_name

        at = [k for k, _ in columns].index("micro_f1") + 1
        columns.insert(at, (f"micro_{f_beta_name(beta).lower()}", f"micro {f_beta_name(beta)}"))
    if primary not in METRICS:
        columns.append((primary, ALL_METRICS[primary]))
    return columns


def _overall(results: dict, per_corpus: dict[str, dict[str, Row]], primary: str) -> Board:
    corpora = [c["id"] for c in results["corpora"]]
    columns = _metric_columns(primary, results["settings"].get("beta", 1.0))
    keys = [k for k, _ in columns]
    columns += [(f"corpus:{c}", f"{c} {ALL_METRICS[primary]}") for c in corpora]
    rows = []
    for system in results["systems"]:
        cells = [per_corpus[c][system["id"]] for c in corpora]
        values: dict[str, tuple[float, float | None]] = {
            k: (mean(cell.values[k][0] for cell in cells), None) for k in keys}
        for c, cell in zip(corpora, cells):
            values[f"corpus:{c}"] = (cell.values[primary][0], None)
        runs = sorted({int(cell.runs) for cell in cells})
        signatures = {cell.signature for cell in cells}
        rows.append(Row(0, system["id"], system["name"], system.get("url"), values,
                        str(runs[0]) if len(runs) == 1 else f"{runs[0]}-{runs[-1]}",
                        signatures.pop() if len(signatures) == 1 else "varies by corpus"))
    note = f"unweighted mean over {len(corpora)} corpora"
    return Board("overall", "Overall", note, columns, _rank(rows, primary))


# ------------------------------------------------------------------ cell text
def _pct(value: float) -> str:
    return f"{100 * value:.2f}"


def cell(value: tuple[float, float | None], *, pm: str = " ± ") -> str:
    """A percentage with its standard deviation when there is one.

    >>> cell((0.91234, 0.0105)), cell((0.5, None))
    ('91.23 ± 1.05', '50.00')
    """
    mu, sd = value
    return _pct(mu) if sd is None else f"{_pct(mu)}{pm}{_pct(sd)}"


def _has_ci(board: Board) -> bool:
    return any(r.ci is not None for r in board.rows)


def _has_marks(board: Board) -> bool:
    return any(r.tied_with_top is not None for r in board.rows)


def _heading(results: dict) -> str:
    s = results["settings"]
    by = ALL_METRICS[s["primary"]]
    out = (f"Ranked by {by}. Figures are percentages; with several runs, mean ± sample "
           f"standard deviation over runs. Mode {s['mode']}, match {s['match']}.")
    if s.get("statistics"):
        out += (f" CI: {round(100 * s['level'])}% bootstrap interval of {by} ({s['resamples']} resamples, "
                f"seed {s['seed']}). Tied with top: not significantly different from the top system "
                f"({s['statistics']['test'].split(' against')[0]}, Holm-corrected, alpha {s['alpha']}).")
    return out


def _row_cells(row: Row, board: Board, *, name: str, pm: str = " ± ") -> list[str]:
    cells = [str(row.rank), name]
    cells += [cell(row.values[key], pm=pm) for key, _ in board.columns]
    if _has_ci(board):
        cells.append(f"[{_pct(row.ci[0])}, {_pct(row.ci[1])}]" if row.ci else "")
    if _has_marks(board):
        cells.append("top" if row.top else ("yes" if row.tied_with_top else ("no" if row.tied_with_top is False else "")))
    cells += [row.runs, row.signature]
    return cells


def _header(board: Board, results: dict) -> list[str]:
    header = ["Rank", "System"] + [label for _, label in board.columns]
    if _has_ci(board):
        header.append(f"{ALL_METRICS[results['settings']['primary']]} CI")
    if _has_marks(board):
        header.append("tied with top")
    return header + ["Runs", "Signature"]


def render_markdown(results: dict) -> str:
    """GitHub-flavoured Markdown: a heading, then one table per board."""
    parts = [f"# {text.markdown_escape(results['title'])}\n"]
    if results.get("description"):
        parts.append(text.markdown_escape(results["description"]) + "\n")
    parts.append(_heading(results) + "\n")
    for board in boards(results):
        rows = []
        for row in board.rows:
            name = row.name
            if row.url:
                name = f"[{_md_link_text(row.name)}]({_safe_url(row.url)})"
            rows.append(_row_cells(row, board, name=name))
        parts.append(f"## {text.markdown_escape(board.title)} ({board.note})\n")
        parts.append(text.markdown(_header(board, results), rows, left=2))
        section = markdown_section(results, board)
        if section:
            parts.append(section)
    return "\n".join(parts)


def _md_link_text(name: str) -> str:
    return re.sub(r"([\[\]])", r"\\\1", name)


def _safe_url(url: str) -> str:
    """Percent-encode the characters that would end a Markdown link or break HTML."""
    return "".join(f"%{ord(ch):02X}" if ch in " ()<>\"'`|" else ch for ch in url)


def render_csv(results: dict) -> str:
    """One CSV for every board: a ``board`` column, fractions at full precision,
    standard deviations in ``<metric>_std`` columns (empty with one run)."""
    all_boards = boards(results)
    keys: list[str] = []
    for board in all_boards:
        for key, _ in board.columns:
            if key not in keys:
                keys.append(key)
    with_ci = any(_has_ci(b) for b in all_boards)
    with_marks = any(_has_marks(b) for b in all_boards)
    header = ["board", "rank", "system", "name"]
    for key in keys:
        label = key.replace(":", "_")
        header += [label, f"{label}_std"]
    header += (["ci_low", "ci_high"] if with_ci else []) + (["tied_with_top"] if with_marks else [])
    header += ["runs", "signature"]
    rows = []
    for board in all_boards:
        for row in board.rows:
            line: list[object] = [board.id, row.rank, row.system, row.name]
            for key in keys:
                mu, sd = row.values.get(key, ("", None))
                line += [mu, "" if sd is None else sd]
            if with_ci:
                line += list(row.ci) if row.ci else ["", ""]
            if with_marks:
                line.append("top" if row.top else ("" if row.tied_with_top is None else str(row.tied_with_top).lower()))
            line += [row.runs, row.signature]
            rows.append(line)
    return text.csv_text(header, rows)


def render_latex(results: dict) -> str:
    """One booktabs ``table`` per board (needs ``\\usepackage{booktabs}``)."""
    comment = f"{results['title']}: {_heading(results)}".replace("±", "+-")
    parts = ["% " + " ".join(comment.split()) + "\n"]
    for board in boards(results):
        header = _header(board, results)
        spec = "rl" + "r" * (len(header) - 4) + "rl"
        lines = ["\\begin{table}[t]", "\\centering", "\\small",
                 f"\\caption{{{text.latex_escape(board.title)} ({text.latex_escape(board.note)})}}",
                 f"\\begin{{tabular}}{{{spec}}}", "\\toprule",
                 " & ".join(text.latex_escape(h) for h in header) + " \\\\", "\\midrule"]
        for row in board.rows:
            # "\x01" stands for the ± that LaTeX needs in math mode.
            cells = [text.latex_escape(c).replace("\x01", " $\\pm$ ")
                     for c in _row_cells(row, board, name=row.name, pm="\x01")]
            cells[-1] = f"\\texttt{{{cells[-1]}}}"  # the signature
            lines.append(" & ".join(cells) + " \\\\")
        lines += ["\\bottomrule", "\\end{tabular}", "\\end{table}", ""]
        parts.append("\n".join(lines))
    return "\n".join(parts)


def render_json(results: dict) -> str:
    """The results themselves, pretty-printed (what ``render`` reads back)."""
    return json.dumps(results, indent=2, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------ HTML
def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _html_board(board: Board, results: dict, index: int) -> str:
    header = _header(board, results)
    primary = results["settings"]["primary"]
    ths = []
    for k, label in enumerate(header):
        numeric = "text" if k in (1,) or label in ("Signature", "tied with top") else "number"
        ths.append(f'<th scope="col" data-type="{numeric}" tabindex="0">{_esc(label)}</th>')
    body = []
    for row in board.rows:
        cells = _row_cells(row, board, name=row.name)
        sort_values: list[object] = [row.rank, row.name.lower()]
        sort_values += [row.values[key][0] for key, _ in board.columns]
        if _has_ci(board):
            sort_values.append(row.ci[0] if row.ci else -1)
        if _has_marks(board):
            sort_values.append(2 if row.top else (1 if row.tied_with_top else 0))
        sort_values += [_runs_value(row.runs), row.signature]
        tds = []
        for k, (text_value, sort_value) in enumerate(zip(cells, sort_values)):
            content = _esc(text_value)
            if k == 1 and row.url and re.match(r"^https?://", row.url):
                content = f'<a href="{_esc(row.url)}" rel="noopener noreferrer">{content}</a>'
            cls = ' class="sig"' if k == len(cells) - 1 else ""
            tds.append(f'<td data-sort="{_esc(sort_value)}"{cls}>{content}</td>')
        body.append(f'<tr data-system="{_esc(row.system)}">' + "".join(tds) + "</tr>")
    bars = []
    for row in board.rows:
        value = row.values[primary][0]
        bars.append(
            f'<div class="bar-row"><span class="bar-label">{_esc(row.name)}</span>'
            f'<span class="bar-track"><span class="bar" style="width:{100 * value:.2f}%"></span></span>'
            f'<span class="bar-value">{_pct(value)}</span></div>'
        )
    return (
        f'<section class="board" id="board-{index}">\n'
        f"<h2>{_esc(board.title)} <small>({_esc(board.note)})</small></h2>\n"
        f'<div class="chart" role="img" aria-label="{_esc(ALL_METRICS[primary])} by system">\n'
        + "\n".join(bars) + "\n</div>\n"
        f'<div class="table-wrap"><table class="sortable" data-board="{_esc(board.id)}">\n'
        f'<thead><tr>{"".join(ths)}</tr></thead>\n'
        "<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table></div>\n"
        + html_section(results, board) + "\n</section>"
    )


def _runs_value(runs: str) -> int:
    return int(runs.split("-")[-1])


def render_html(results: dict) -> str:
    """A self-contained page (inline CSS and JS, no network): sortable tables and a bar
    chart of the primary metric per board. Every user string is HTML-escaped."""
    from importlib.resources import files

    template = files("seqeval_suite.render").joinpath("templates/leaderboard.html").read_text(encoding="utf-8")
    signatures = sorted({e["signature"] for e in results["results"]})
    values = {
        "TITLE": _esc(results["title"]),
        "DESCRIPTION": f"<p>{_esc(results['description'])}</p>" if results.get("description") else "",
        "HEADING": _esc(_heading(results)),
        "SIGNATURE": "<br>".join(f"<code>{_esc(s)}</code>" for s in signatures),
        "BOARDS": "\n".join(_html_board(b, results, i) for i, b in enumerate(boards(results))),
        "VERSION": _esc(results["version"]),
    }
    # One pass, so text inserted for one placeholder is never scanned for another.
    return re.sub(r"\{\{([A-Z]+)\}\}", lambda m: values[m.group(1)], template)


RENDERERS = {"markdown": render_markdown, "csv": render_csv, "latex": render_latex,
             "json": render_json, "html": render_html}


def render_all(results: dict, formats=None) -> dict[str, str]:
    """File name -> text for each requested format (default: the results' own list)."""
    formats = formats or results.get("outputs") or list(FILES)
    return {FILES[f]: RENDERERS[f](results) for f in formats}


def load_results(path: str) -> dict:
    """Read a ``results.json`` written by ``run``; anything else is a DataError."""
    from ..errors import DataError

    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory", hint="give the results.json inside it") from None
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: not a results file ({exc})", hint="give the results.json that run wrote") from None
    if not isinstance(data, dict) or data.get("kind") != "seqeval-suite leaderboard":
        raise DataError(f"{path}: not a seqeval-suite results.json", hint="give the results.json that run wrote")

    if data.get("schema_version") != RESULTS_SCHEMA_VERSION:
        raise DataError(f"{path}: results schema version {data.get('schema_version')!r}, this tool reads "
                        f"{RESULTS_SCHEMA_VERSION}", hint="run the benchmark again with this version")
    return data
