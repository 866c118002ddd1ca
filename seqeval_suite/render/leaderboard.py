"""Leaderboards from runner results: Markdown, CSV, LaTeX, JSON and a static HTML page.

:func:`boards` turns the results data (``results.json``) into ranked tables, computing
every score from the stored counts; each renderer takes the results and returns text.
So ``seqeval-suite render results.json`` rebuilds the very same files without scoring
anything again. :func:`load_results` checks a file against the JSON Schema that ships
in ``seqeval_suite/schemas/results.schema.json`` before anything is rendered.

A board's main table holds the overall metrics, the interval and the significance mark;
the per-type F1 of a corpus board comes as a second table under it, and the scoring
signature as one footer line, so that the main table stays narrow (issue 19).
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from statistics import mean, stdev
from typing import TYPE_CHECKING

from ..runner import RESULTS_SCHEMA_VERSION, derived_figures, entry_derived, run_scores
from . import text
from .breakdown import analysis_view, markdown_section
from .curve_board import curve_rows, curve_title, diagnosis_rows, html_curves, render_curves_csv, summary_lines, \
    system_names, train_rows

if TYPE_CHECKING:
    import jinja2

#: Column key -> header label, in board order (percentages on the boards).
METRICS = {"micro_p": "micro P", "micro_r": "micro R", "micro_f1": "micro F1", "macro_f1": "macro F1"}
#: Every metric a config may rank by.
ALL_METRICS = {**METRICS, "macro_p": "macro P", "macro_r": "macro R", "weighted_f1": "weighted F1"}
FILES = {"markdown": "leaderboard.md", "csv": "leaderboard.csv", "latex": "leaderboard.tex",
         "json": "results.json", "html": "index.html"}
#: Written beside leaderboard.csv when the results hold learning curves (issue 18).
CURVES_CSV = "curves.csv"
#: results.json versions that :func:`load_results` reads (1: without ``derived`` figures).
READABLE_VERSIONS = (1, RESULTS_SCHEMA_VERSION)


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
    #: (low, high) of the primary metric, and whether the system is not significantly
    #: different from the top one (issue 5).
    ci: tuple[float, float] | None = None
    tied_with_top: bool | None = None
    top: bool = False


@dataclass(frozen=True)
class Footer:
    """The scoring signature under a board, given once instead of on every row.

    ``by`` is ``""`` when the whole board has one signature, ``"system"`` (a corpus
    board) or ``"corpus"`` (the overall board) when it varies, with ``groups`` pairing
    each signature with the systems or corpora that have it, and ``"corpus and system"``
    when the overall board mixes both (then each corpus board's footer tells).
    """

    by: str
    groups: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass
class Board:
    """One ranked table: a corpus, or the overall mean over corpora."""

    id: str
    title: str
    note: str
    columns: list[tuple[str, str]]  # (value key, header) of the main table
    rows: list[Row] = field(default_factory=list)
    #: (value key, header) of the per-type F1 table under a corpus board.
    type_columns: list[tuple[str, str]] = field(default_factory=list)
    #: The signature line under the board (None: no line).
    footer: Footer | None = None


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
        type_columns = [(f"f1:{t}", f"{t} F1") for t in types]
        rows = []
        for e in entries:
            scored = [run_scores(run, beta) for run in e["runs"]]
            values = {key: _summary([s.get(key, 0.0) for s in scored]) for key, _ in columns + type_columns}
            system = systems[e["system"]]
            rows.append(Row(0, e["system"], system["name"], system.get("url"), values,
                            str(len(e["runs"])), e["signature"], _ci(e), e.get("tied_with_top"),
                            bool((e.get("significance") or {}).get("top"))))
        note = f"{corpus['sentences']} sentences, {corpus['tokens']} tokens"
        board = Board(corpus["id"], corpus["name"] or corpus["id"], note, columns, _rank(rows, primary),
                      type_columns)
        board.footer = _footer([(row.signature, row.name) for row in board.rows], "system")
        per_corpus[corpus["id"]] = {r.system: r for r in board.rows}
        out.append(board)
    if len(results["corpora"]) > 1:
        out.append(_overall(results, per_corpus, out, primary))
    return out


def _footer(pairs: list[tuple[str, str]], by: str) -> Footer:
    """Group (signature, who) pairs, in order of first appearance."""
    groups: dict[str, list[str]] = {}
    for signature, who in pairs:
        groups.setdefault(signature, [])
        if who not in groups[signature]:
            groups[signature].append(who)
    if len(groups) == 1:
        return Footer("", ((next(iter(groups)), ()),))
    return Footer(by, tuple((s, tuple(names)) for s, names in groups.items()))


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


def _overall(results: dict, per_corpus: dict[str, dict[str, Row]], corpus_boards: list[Board],
             primary: str) -> Board:
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
    board = Board("overall", "Overall", note, columns, _rank(rows, primary))
    footers = [b.footer for b in corpus_boards if b.footer is not None]
    if any(f.by for f in footers):
        board.footer = Footer("corpus and system", ())
    else:
        board.footer = _footer([(f.groups[0][0], b.title) for f, b in zip(footers, corpus_boards)], "corpus")
    return board


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


def tied_mark(row: Row) -> str:
    """The ``tied with top`` cell of every format, CSV included: ``top`` for the top
    system, ``yes`` when the paired test does not separate it from the top one, ``no``
    when it does, and empty without statistics (the overall board, ``resamples: 0``).

    >>> tied_mark(Row(1, "a", "A", None, {}, "1", "", top=True, tied_with_top=True))
    'top'
    """
    if row.top:
        return "top"
    return {True: "yes", False: "no", None: ""}[row.tied_with_top]


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
        cells.append(tied_mark(row))
    return cells + [row.runs]


def _header(board: Board, results: dict) -> list[str]:
    header = ["Rank", "System"] + [label for _, label in board.columns]
    if _has_ci(board):
        header.append(f"{ALL_METRICS[results['settings']['primary']]} CI")
    if _has_marks(board):
        header.append("tied with top")
    return header + ["Runs"]


def _type_cells(row: Row, board: Board, *, name: str, pm: str = " ± ") -> list[str]:
    return [str(row.rank), name] + [cell(row.values[key], pm=pm) for key, _ in board.type_columns]


def _type_header(board: Board) -> list[str]:
    return ["Rank", "System"] + [label for _, label in board.type_columns]


# ------------------------------------------------------------------ Markdown
def _md_code(value: str) -> str:
    """A Markdown code span that shows ``value`` as it is (CommonMark: a fence longer
    than any backtick run inside, padded when the value starts or ends with one)."""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", value)), default=0) + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def _md_footer(footer: Footer | None) -> str:
    if footer is None:
        return ""
    if not footer.by:
        return f"Signature: {_md_code(footer.groups[0][0])}\n"
    if not footer.groups:
        return f"Signatures differ by {footer.by}: see each corpus board.\n"
    lines = [f"Signatures differ by {footer.by}:\n"]
    lines += [f"- {_md_code(s)}: {', '.join(text.markdown_escape(n) for n in names)}" for s, names in footer.groups]
    return "\n".join(lines) + "\n"


def render_markdown(results: dict) -> str:
    """GitHub-flavoured Markdown: a heading, then per board its table, the signature line
    and, for a corpus, the per-type F1 table (and the error analysis when there is one)."""
    parts = [f"# {text.markdown_escape(results['title'])}\n"]
    if results.get("description"):
        parts.append(text.markdown_escape(results["description"]) + "\n")
    parts.append(_heading(results) + "\n")
    for board in boards(results):
        rows = []
        for row in board.rows:
            name = text.markdown_escape(row.name)
            if _web_link(row.url):
                name = f"[{_md_link_text(row.name)}]({_safe_url(row.url)})"
            rows.append(_row_cells(row, board, name=name))
        title = text.markdown_escape(board.title)
        parts.append(f"## {title} ({board.note})\n")
        parts.append(_markdown_table(_header(board, results), rows))
        if board.footer is not None:
            parts.append(_md_footer(board.footer))
        if board.type_columns:
            parts.append(f"### Per-type F1: {title}\n")
            parts.append(_markdown_table(_type_header(board), [
                _type_cells(row, board, name=text.markdown_escape(row.name)) for row in board.rows]))
        section = markdown_section(results, board)
        if section:
            parts.append(section)
    if results.get("curves"):
        parts.append(render_markdown_curves(results))
    return "\n".join(parts)


def _markdown_table(header: list[str], rows: list[list[str]], *, left: int = 2) -> str:
    """A Markdown table whose cells are already escaped (the System column holds links);
    the first ``left`` columns are left-aligned, the figures after them right-aligned."""
    align = [":---" if i < left else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(text.markdown_escape(h) for h in header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def _web_link(url: str | None) -> bool:
    """Whether a system's URL becomes a link (http and https only: no ``javascript:``)."""
    return bool(url) and re.match(r"^https?://", url, flags=re.IGNORECASE) is not None


def _md_link_text(name: str) -> str:
    return re.sub(r"([\[\]])", r"\\\1", text.markdown_escape(name))


def _safe_url(url: str) -> str:
    """Percent-encode the characters that would end a Markdown link or break HTML."""
    return "".join(f"%{ord(ch):02X}" if ch in " ()<>\"'`|" else ch for ch in url)


# ------------------------------------------------------------------ CSV
def render_csv(results: dict) -> str:
    """One CSV for every board: a ``board`` column, fractions at full precision,
    standard deviations in ``<metric>_std`` columns (empty with one run), per-type F1 in
    ``f1_<type>`` columns, and the signature on every row (a CSV has no footer).

    ``tied_with_top`` has one vocabulary, the boards' (:func:`tied_mark`): ``top`` (the
    top system), ``yes`` (not significantly different from it), ``no`` (significantly
    worse), empty where there are no statistics (the overall board).
    """
    all_boards = boards(results)
    keys: list[str] = []
    for board in all_boards:
        for key, _ in board.columns + board.type_columns:
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
                line.append(tied_mark(row))
            line += [row.runs, row.signature]
            rows.append(line)
    return text.csv_text(header, rows)


# ------------------------------------------------------------------ LaTeX
#: Characters that print wrongly in LaTeX's default OT1 encoding, as text commands.
_LATEX_TEXT = {"|": r"\textbar{}", "<": r"\textless{}", ">": r"\textgreater{}"}
LATEX_PREAMBLE = ("\\usepackage[T1]{fontenc}", "\\usepackage{booktabs}", "\\usepackage{graphicx}")
#: Stands for the ± between a mean and its standard deviation in LaTeX cells.
_PM = "\x01"


def latex_text(value: str) -> str:
    """LaTeX for a user string: the special characters escaped, and ``|``, ``<``, ``>``
    as text commands (in OT1 they print as a dash and inverted marks).

    >>> latex_text("a|b <c> 50%")
    'a\\\\textbar{}b \\\\textless{}c\\\\textgreater{} 50\\\\%'
    """
    return "".join(_LATEX_TEXT.get(ch) or text.latex_escape(ch) for ch in value)


def _latex_signature(signature: str) -> str:
    # A line may break after each field: the signature is one long word otherwise.
    return "\\texttt{" + latex_text(signature).replace("\\textbar{}", "\\textbar\\allowbreak{}") + "}"


def _latex_footer(footer: Footer | None) -> str | None:
    if footer is None:
        return None
    if not footer.by:
        body = f"Signature: {_latex_signature(footer.groups[0][0])}"
    elif not footer.groups:
        body = f"Signatures differ by {footer.by}: see each corpus board."
    else:
        body = f"Signatures differ by {footer.by}: " + "; ".join(
            f"{_latex_signature(s)} ({latex_text(', '.join(names))})" for s, names in footer.groups) + "."
    return f"\\par\\smallskip{{\\footnotesize {body}\\par}}"


def _latex_table(caption: str, header: list[str], rows: list[list[str]], footer: str | None,
                 *, one_line: tuple[str, ...] = ()) -> str:
    # Scaled down to the line width when wider, never up (graphicx's \width is the natural width).
    lines = ["\\begin{table}[t]", "\\centering", "\\small", "\\setlength{\\tabcolsep}{4pt}",
             f"\\caption{{{caption}}}",
             "\\resizebox{\\ifdim\\width>\\linewidth\\linewidth\\else\\width\\fi}{!}{%",
             f"\\begin{{tabular}}{{rl{'r' * (len(header) - 2)}}}", "\\toprule",
             " & ".join(latex_text(h) if h in one_line else _latex_header(h, "l" if k == 1 else "r")
                        for k, h in enumerate(header)) + " \\\\",
             "\\midrule"]
    lines += [" & ".join(r) + " \\\\" for r in rows]
    lines += ["\\bottomrule", "\\end{tabular}}"]
    if footer:
        lines.append(footer)
    return "\n".join(lines + ["\\end{table}", ""])


def _latex_header(label: str, align: str) -> str:
    r"""A header longer than the figures under it on two lines (a nested tabular: no
    package needed), so that labels such as ``tied with top`` do not widen their column.

    >>> print(_latex_header("tied with top", "r"))
    \begin{tabular}[b]{@{}r@{}}tied\\with top\end{tabular}
    """
    words = label.split(" ")
    if len(words) < 2 or len(label) <= 10:  # "84.55±1.58" is 10 characters wide
        return latex_text(label)
    middle = len(label) / 2
    cut = min(range(1, len(words)), key=lambda k: abs(len(" ".join(words[:k])) - middle))
    first, second = latex_text(" ".join(words[:cut])), latex_text(" ".join(words[cut:]))
    return f"\\begin{{tabular}}[b]{{@{{}}{align}@{{}}}}{first}\\\\{second}\\end{{tabular}}"


def _latex_cells(cells: list[str]) -> list[str]:
    """Rank and name as text; in the figures :data:`_PM` stands for the ± of a standard
    deviation, set as a subscript to keep the columns narrow."""
    out = [latex_text(c) for c in cells[:2]]
    for c in cells[2:]:
        mu, sep, sd = c.partition(_PM)
        out.append(f"{latex_text(mu)}$_{{\\pm {sd}}}$" if sep else latex_text(c))
    return out


def render_latex(results: dict) -> str:
    """One booktabs ``table`` per board, scaled to the line width when wider, with the
    signature under it, and a per-type F1 table for each corpus. The packages it needs
    are named in a comment at the top."""
    comment = f"{results['title']}: {_heading(results)}".replace("±", "+-")
    parts = ["% " + " ".join(comment.split()) + "\n"
             "% Standard deviations are subscripts: 84.55_{+-1.58}.\n"
             f"% Needs in the preamble: {' '.join(LATEX_PREAMBLE)}\n"]
    for board in boards(results):
        caption = f"{latex_text(board.title)} ({latex_text(board.note)})"
        rows = [_latex_cells(_row_cells(row, board, name=row.name, pm=_PM)) for row in board.rows]
        # The mark column holds short words: its header stays on one line.
        parts.append(_latex_table(caption, _header(board, results), rows, _latex_footer(board.footer),
                                  one_line=("tied with top",)))
        if board.type_columns:
            rows = [_latex_cells(_type_cells(row, board, name=row.name, pm=_PM)) for row in board.rows]
            parts.append(_latex_table(f"{latex_text(board.title)}: per-type F1", _type_header(board), rows, None))
    if results.get("curves"):
        parts.append(render_latex_curves(results))
    return "\n".join(parts)


# ------------------------------------------------------------------ learning curves (Markdown, LaTeX)
def _md_literal(value: str) -> str:
    r"""Markdown for text that must show as written: file and system names in the curve
    sections (``a[x](javascript:...)-100.conll`` must not become a link, ``*x*`` not
    italics), on top of :func:`~seqeval_suite.render.text.markdown_escape`.

    >>> print(_md_literal("a[x](y)_*z*`"))
    a\[x\](y)\_\*z\*\`
    """
    return re.sub(r"([\[\]*_`])", r"\\\1", text.markdown_escape(value))


def render_markdown_curves(results: dict) -> str:
    """A section per curve: the dev table, the train table, the best checkpoint and its
    tests, the diagnosis and the curve's signature ("" when there are no curves)."""
    names = system_names(results)
    parts = []
    for curve in results.get("curves") or []:
        parts.append(f"## {_md_literal(curve_title(curve, names))}\n")
        header, rows = curve_rows(curve)
        parts.append(_markdown_table(header, [[_md_literal(c) for c in r] for r in rows]))
        train = train_rows(curve)
        if train:
            parts.append(f"Train series ({_md_literal(curve['train_gold'] or '')}):\n")
            parts.append(_markdown_table(train[0], [[_md_literal(c) for c in r] for r in train[1]]))
        parts.append("".join(f"- {_md_literal(line)}\n" for line in summary_lines(curve)))
        parts.append(f"### Diagnosis: {_md_literal(names.get(curve['system'], curve['system']))}\n")
        parts.append(_markdown_table(["rule", "kind", "fired", "finding"],
                                     [[_md_literal(c) for c in r] for r in diagnosis_rows(curve)], left=4))
        parts.append(f"Signature: {_md_code(curve['signature'])}\n")
    return "\n".join(parts)


def render_latex_curves(results: dict) -> str:
    """A booktabs table per curve (the dev series, the best checkpoint marked)."""
    names = system_names(results)
    parts = []
    for curve in results.get("curves") or []:
        header, rows = curve_rows(curve)
        footer = ("\\par\\smallskip{\\footnotesize " + _latex_ascii(" ".join(summary_lines(curve)))
                  + f" Signature: {_latex_signature(curve['signature'])}\\par}}")
        parts.append(_latex_table(_latex_ascii(curve_title(curve, names)), header,
                                  [[_latex_ascii(c) for c in r] for r in rows], footer, one_line=("file",)))
    return "\n".join(parts)


def _latex_ascii(value: str) -> str:
    r""":func:`latex_text` with the curve tables' en dash and delta as LaTeX commands:
    with T1 fontenc alone pdflatex has no text-mode glyph for U+0394.

    >>> print(_latex_ascii("ΔF1 1.00–2.00"))
    $\Delta$F1 1.00--2.00
    """
    return latex_text(value).replace("\u0394", "$\\Delta$").replace("\u2013", "--")


# ------------------------------------------------------------------ JSON
def render_json(results: dict) -> str:
    """The results themselves, pretty-printed (what ``render`` reads back)."""
    return json.dumps(results, indent=2, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------ HTML
@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """The Jinja2 environment of ``render/templates``: autoescaping on, so every value a
    template prints is HTML-escaped unless it is explicitly marked safe (none is)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _html_board(board: Board, results: dict, index: int) -> dict:
    """What the board template shows, as plain values (the template escapes them)."""
    primary = results["settings"]["primary"]
    header = _header(board, results)
    text_columns = {1}
    ths = [{"label": label, "type": "text" if k in text_columns else "number"} for k, label in enumerate(header)]
    rows = []
    for row in board.rows:
        sort: list[object] = [row.rank, row.name.lower()]
        sort += [row.values[key][0] for key, _ in board.columns]
        if _has_ci(board):
            sort.append(row.ci[0] if row.ci else -1)
        if _has_marks(board):
            sort.append(2 if row.top else (1 if row.tied_with_top else 0))
        sort.append(_runs_value(row.runs))
        href = row.url if _web_link(row.url) else None
        rows.append({"system": row.system, "cells": _html_cells(_row_cells(row, board, name=row.name), sort, href)})
    level = round(100 * results["settings"]["level"])
    bars = []
    for row in board.rows:
        value = row.values[primary][0]
        bar = {"name": row.name, "width": f"{100 * value:.2f}", "value": _pct(value), "ci": None}
        if row.ci:
            low, high = row.ci
            bar["ci"] = {"left": f"{100 * low:.2f}", "width": f"{100 * (high - low):.2f}",
                         "text": f"{level}% CI {_pct(low)}–{_pct(high)}"}
        bars.append(bar)
    types = None
    if board.type_columns:
        types = {
            "header": [{"label": h, "type": "text" if k == 1 else "number"} for k, h in enumerate(_type_header(board))],
            "names": [label.removesuffix(" F1") for _, label in board.type_columns],
            "rows": [{"system": row.system, "cells": _html_cells(
                _type_cells(row, board, name=row.name),
                [row.rank, row.name.lower(), *(row.values[key][0] for key, _ in board.type_columns)])}
                for row in board.rows],
        }
    return {
        "index": index, "id": board.id, "title": board.title, "note": board.note,
        "metric": ALL_METRICS[primary], "has_ci": _has_ci(board), "bars": bars, "header": ths, "rows": rows,
        "footer": board.footer, "types": types, "analysis": analysis_view(results, board),
    }


def _html_cells(texts: list[str], sort: list[object], href: str | None = None) -> list[dict]:
    """Table cells for the template; the second one is the system's name (and link)."""
    return [{"text": t, "sort": v, "cls": "system" if k == 1 else None, "href": href if k == 1 else None}
            for k, (t, v) in enumerate(zip(texts, sort))]


def _runs_value(runs: str) -> int:
    return int(runs.split("-")[-1])


def render_html(results: dict) -> str:
    """A self-contained page (inline CSS and JS, no network) from the Jinja2 templates in
    ``render/templates``: per board a bar chart of the primary metric with its intervals,
    a sortable table, the signature and a collapsible per-type F1 table. Every user
    string is HTML-escaped by Jinja2's autoescaping."""
    page = _environment().get_template("leaderboard.html")
    return page.render(
        title=results["title"], description=results.get("description"), heading=_heading(results),
        version=results["version"],
        boards=[_html_board(b, results, i) for i, b in enumerate(boards(results))],
        curves=html_curves(results),
    )


RENDERERS = {"markdown": render_markdown, "csv": render_csv, "latex": render_latex,
             "json": render_json, "html": render_html}


def render_all(results: dict, formats=None) -> dict[str, str]:
    """File name -> text for each requested format (default: the results' own list)."""
    formats = formats or results.get("outputs") or list(FILES)
    out = {FILES[f]: RENDERERS[f](results) for f in formats}
    if "csv" in formats and results.get("curves"):
        out[CURVES_CSV] = render_curves_csv(results)
    return out


# ------------------------------------------------------------------ reading results.json
@functools.lru_cache(maxsize=1)
def results_schema() -> dict:
    """The JSON Schema (draft 2020-12) of ``results.json``, shipped with the package."""
    from importlib.resources import files

    return json.loads(files("seqeval_suite").joinpath("schemas/results.schema.json").read_text(encoding="utf-8"))


def json_path(parts) -> str:
    """A JSONPath for an error message.

    >>> json_path(["results", 0, "per_type", "B-PER", "tp"])
    "$.results[0].per_type['B-PER'].tp"
    """
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
            out += f".{part}"
        else:
            out += "[" + json.dumps(part, ensure_ascii=False).replace("'", "\\'").replace('"', "'") + "]"
    return out


def schema_problems(data: object) -> list[str]:
    """Every way ``data`` breaks the results schema, as ``<JSON path>: <what>``, in
    document order; then the links the schema cannot express (entries naming a known
    system and corpus, one entry per pair). Empty when the data are a valid results file."""
    from jsonschema import Draft202012Validator

    errors = sorted(Draft202012Validator(results_schema()).iter_errors(data),
                    key=lambda e: [(isinstance(p, str), p) for p in e.absolute_path])
    problems = [f"{json_path(e.absolute_path)}: {_shorten(e.message)}" for e in errors]
    if problems:
        return problems
    systems = [s["id"] for s in data["systems"]]
    corpora = [c["id"] for c in data["corpora"]]
    for where, ids in (("systems", systems), ("corpora", corpora)):
        for k, ident in enumerate(ids):
            if ident in ids[:k]:
                problems.append(f"{json_path([where, k, 'id'])}: {ident!r} is used twice")
    seen = set()
    for k, entry in enumerate(data["results"]):
        for key, known, listed in (("system", systems, "$.systems"), ("corpus", corpora, "$.corpora")):
            if entry[key] not in known:
                problems.append(f"{json_path(['results', k, key])}: {entry[key]!r} is not an id in {listed}")
        pair = (entry["system"], entry["corpus"])
        if pair in seen:
            problems.append(f"{json_path(['results', k])}: a second entry for {pair[0]!r} on {pair[1]!r}")
        seen.add(pair)
    for system in systems:
        for corpus in corpora:
            if (system, corpus) not in seen:
                problems.append(f"$.results: no entry for {system!r} on {corpus!r}")
    return problems


def _shorten(message: str, limit: int = 160) -> str:
    return message if len(message) <= limit else message[:limit - 3] + "..."


def derived_problems(data: dict) -> list[str]:
    """Where a version-2 file's ``derived`` figures are not those its counts give."""
    beta = data["settings"].get("beta", 1.0)
    problems = []
    for k, entry in enumerate(data["results"]):
        for r, run in enumerate(entry["runs"]):
            if run["derived"] != derived_figures(run, beta):
                problems.append(f"{json_path(['results', k, 'runs', r, 'derived'])}: does not match the counts of that run")
        if entry["derived"] != entry_derived(entry["runs"]):
            problems.append(f"{json_path(['results', k, 'derived'])}: does not match the mean of its runs' derived figures")
    for k, curve in enumerate(data.get("curves") or []):
        steps = [c["step"] for c in curve["series"]["dev"]["checkpoints"]]
        if curve["best"]["step"] not in steps:
            problems.append(f"{json_path(['curves', k, 'best', 'step'])}: {curve['best']['step']} is not a step of "
                            "the dev series")
    return problems


def upgrade_results(data: dict) -> dict:
    """A version-1 results dict as version 2: each run and entry gets its ``derived``
    figures, in the key order ``run`` writes them (the input is not changed)."""
    beta = data["settings"].get("beta", 1.0)
    entries = []
    for entry in data["results"]:
        runs = [{**run, "derived": derived_figures(run, beta)} for run in entry["runs"]]
        upgraded: dict = {}
        for key, value in entry.items():
            upgraded[key] = runs if key == "runs" else value
            if key == "runs":
                upgraded["derived"] = entry_derived(runs)
        entries.append(upgraded)
    return {**data, "schema_version": RESULTS_SCHEMA_VERSION, "results": entries}


def load_results(path: str) -> dict:
    """Read a ``results.json`` written by ``run`` and check it against the results schema
    (version 1 files are read too, and get their derived figures); anything else is a
    DataError naming the file and the first JSON paths at fault."""
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
    version = data.get("schema_version")
    if type(version) is not int or version not in READABLE_VERSIONS:
        raise DataError(f"{path}: results schema version {version!r}, this tool reads "
                        f"{' and '.join(map(str, READABLE_VERSIONS))}", hint="run the benchmark again with this version")
    problems = schema_problems(data) or (derived_problems(data) if version >= 2 else [])
    if problems:
        shown = "; ".join(problems[:3]) + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
        raise DataError(f"{path}: not a valid results file (schema version {version}): {shown}",
                        hint="run the benchmark again, or fix the file where named "
                             "(seqeval_suite/schemas/results.schema.json describes it)")
    return upgrade_results(data) if version < RESULTS_SCHEMA_VERSION else data
