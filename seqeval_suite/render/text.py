"""Shared text helpers for the tabular formats (aligned table, CSV, Markdown, LaTeX)."""
from __future__ import annotations

import csv
import io
from typing import Sequence

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
    "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}


def latex_escape(text: str) -> str:
    """Escape LaTeX's special characters.

    >>> latex_escape("B_PER & 50%")
    'B\\\\_PER \\\\& 50\\\\%'
    """
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def markdown_escape(text: str) -> str:
    """Escape what would break a Markdown table cell, and HTML, which Markdown renderers
    pass through (a system named ``<script>`` must stay text).

    >>> markdown_escape("a|b <img onerror=x> & c")
    'a\\\\|b &lt;img onerror=x&gt; &amp; c'
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def aligned(header: Sequence[str], rows: Sequence[Sequence[str]], *, left: int = 1) -> str:
    """An aligned plain-text table; the first ``left`` columns are left-aligned."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        parts = [
            str(c).ljust(w) if i < left else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths))
        ]
        return "  ".join(parts).rstrip()

    return "\n".join([line(header), *(line(r) for r in rows)]) + "\n"


def markdown(header: Sequence[str], rows: Sequence[Sequence[str]], *, left: int = 1) -> str:
    """A GitHub-flavoured Markdown table."""
    align = [":---" if i < left else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(markdown_escape(str(h)) for h in header) + " |",
             "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(markdown_escape(str(c)) for c in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def latex(header: Sequence[str], rows: Sequence[Sequence[str]], *, left: int = 1, rule_before: int | None = None) -> str:
    """A booktabs-style LaTeX tabular; ``rule_before`` puts a midrule before that row."""
    spec = "l" * left + "r" * (len(header) - left)
    lines = [f"\\begin{{tabular}}{{{spec}}}", "\\toprule",
             " & ".join(latex_escape(str(h)) for h in header) + " \\\\", "\\midrule"]
    for i, r in enumerate(rows):
        if rule_before is not None and i == rule_before and i:
            lines.append("\\midrule")
        lines.append(" & ".join(latex_escape(str(c)) for c in r) + " \\\\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    return "\n".join(lines) + "\n"


def csv_text(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """CSV with a header row and ``\\n`` line ends; text cells a spreadsheet would run
    as a formula are neutralised (OWASP CSV injection), numbers are left as they are.

    >>> csv_text(["name", "delta"], [["=HYPERLINK(x)", "-0.0123"]])
    "name,delta\\n'=HYPERLINK(x),-0.0123\\n"
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([csv_cell(h) for h in header])
    writer.writerows([csv_cell(c) for c in row] for row in rows)
    return buf.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A CSV cell that no spreadsheet runs as a formula: text starting with ``=``, ``+``,
    ``-``, ``@``, tab or CR gets a leading ``'``; numbers (also as text) stay as they are."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value
