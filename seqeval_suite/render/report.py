"""Render an evaluation :class:`~seqeval_suite.report.Report` in every output format."""
from __future__ import annotations

import json

from ..report import Report
from . import text

FORMATS = ("table", "json", "csv", "markdown", "latex", "conlleval")
_HEADER = ["type", "precision", "recall", "f1", "tp", "fp", "fn", "support", "predicted"]
#: Columns under a partial-match schema (SemEval-2013 counts; possible = gold, actual = predicted).
_MATCH_HEADER = ["type", "precision", "recall", "f1", "cor", "inc", "par", "mis", "spu", "possible", "actual"]
_MATCH_COUNTS = _MATCH_HEADER[4:]


#: How the table footer names ``Report.ill_formed_kind`` (the JSON keeps the key).
_ILL_FORMED_WORDS = {"transitions": "ill-formed transitions", "dropped_runs": "ill-formed runs dropped"}


def _header(report: Report, percent: bool = False) -> list[str]:
    """Column names; with ``percent``, the ratio columns say they are percentages."""
    header = _HEADER if report.partial is None else _MATCH_HEADER
    if report.beta != 1.0:
        from ..core.options import f_beta_name

        header = [*header[:4], f_beta_name(report.beta), *header[4:]]
    if percent:
        header = [f"{name} (%)" if name in ("precision", "recall", "f1") or name.startswith("F") else name
                  for name in header]
    return header


def _match_rows(report: Report, num, raw: bool) -> list[list]:
    """Rows of a partial-match report: per type, micro, then macro and weighted averages."""
    result = report.partial[report.match]
    blanks = [""] * (len(_MATCH_COUNTS) - 2)

    def row(name, f):
        values = [f["precision"], f["recall"], f["f1"]]
        return [name, *(values if raw else map(num, values)), *(f[k] if raw else str(f[k]) for k in _MATCH_COUNTS)]

    rows = [row(name, result["per_type"][name]) for name in report.sorted_types()]
    rows.append(row("micro avg", result["micro"]))
    for name, avg in (("macro avg", report.macro), ("weighted avg", report.weighted)):
        values = [avg.precision, avg.recall, avg.f1]
        support = result["micro"]["possible"]  # every gold entity counts once in its type's POS
        rows.append([name, *(values if raw else map(num, values)), *blanks, support if raw else str(support), ""])
    return rows


def _rows(report: Report, digits: int, percent: bool = False) -> list[list[str]]:
    scale = 100.0 if percent else 1.0

    def num(x: float) -> str:
        return f"{x * scale:.{digits}f}"

    return _with_fbeta(report, _plain_rows(report, num), num)


def _plain_rows(report: Report, num) -> list[list[str]]:
    if report.partial is not None:
        return _match_rows(report, num, raw=False)
    rows = []
    for name in report.sorted_types():
        c = report.per_type[name]
        rows.append([name, num(c.precision), num(c.recall), num(c.f1),
                     str(c.tp), str(c.fp), str(c.fn), str(c.support), str(c.predicted)])
    micro = report.micro
    rows.append(["micro avg", num(micro.precision), num(micro.recall), num(micro.f1),
                 str(micro.tp), str(micro.fp), str(micro.fn), str(micro.support), str(micro.predicted)])
    for name, avg in (("macro avg", report.macro), ("weighted avg", report.weighted)):
        rows.append([name, num(avg.precision), num(avg.recall), num(avg.f1), "", "", "", str(avg.support), ""])
    return rows


def _with_fbeta(report: Report, rows: list[list], num) -> list[list]:
    """Rows with F-beta after F1 (per type, then micro, macro, weighted) when beta is not 1."""
    if report.beta == 1.0:
        return rows
    names = [*report.sorted_types(), "micro", "macro", "weighted"]
    return [[*row[:4], num(report.fbeta(name)), *row[4:]] for row, name in zip(rows, names)]


def render_table(report: Report, digits: int = 4) -> str:
    """An aligned table for a terminal: types by name, then the averages."""
    rows = _rows(report, digits)
    body = text.aligned(_header(report), rows)
    lines = body.splitlines()
    n_types = len(report.per_type)
    rule = "-" * max(len(line) for line in lines)
    lines.insert(1 + n_types, rule)
    lines.insert(1, rule)
    ill = ""
    if report.ill_formed.get("gold") is not None:
        what = _ILL_FORMED_WORDS.get(report.ill_formed_kind, f"ill-formed {report.ill_formed_kind}")
        ill = f"  {what}: gold {report.ill_formed['gold']}, pred {report.ill_formed['pred']}"
    accuracy = "n/a" if report.accuracy is None else f"{report.accuracy:.{digits}f}"
    footer = (
        f"tokens {report.tokens}  sentences {report.sentences}  documents {report.documents}  "
        f"accuracy {accuracy}\n"
        f"mode {report.mode}  match {report.match}  scheme {report.scheme}  invalid tags: gold {report.invalid_tags['gold']}, "
        f"pred {report.invalid_tags['pred']}{ill}\n"
        f"signature {report.signature}\n"
    )
    nested = "".join(f"{title}\n{text.aligned(header, rows)}\n" for title, header, rows in
                     _nested_tables(report, digits))
    return "\n".join(lines) + "\n\n" + nested + footer


def _nested_tables(report: Report, digits: int, percent: bool = False) -> list[tuple[str, list, list]]:
    """The per-layer and bucket tables of a nested report (none for flat reports)."""
    if report.nested is None:
        return []
    scale = 100.0 if percent else 1.0
    unit = " (%)" if percent else ""

    def num(x: float) -> str:
        return f"{x * scale:.{digits}f}"

    data = report.nested
    layer_rows = [[name, num(m["precision"]), num(m["recall"]), num(m["f1"]), str(m["tp"]), str(m["fp"]),
                   str(m["fn"])] for name, m in ((n, v["micro"]) for n, v in data["layers"].items())]
    c = data["combined"]["micro"]
    layer_rows.append(["combined", num(c["precision"]), num(c["recall"]), num(c["f1"]), str(c["tp"]),
                       str(c["fp"]), str(c["fn"])])
    prf = [f"precision{unit}", f"recall{unit}", f"f1{unit}"]
    bucket_rows = [[name, str(b["gold"]), str(b["pred"]), num(b["precision"]), num(b["recall"]), num(b["f1"])]
                   for name, b in data["buckets"].items()]
    by = "tag column" if data["layer_source"] == "columns" else "nesting depth"
    depth = data["max_depth"]
    return [
        (f"layers (by {by}; each matched against the same layer; combined = their sum)",
         ["layer", *prf, "tp", "fp", "fn"], layer_rows),
        (f"nested entities (each in its own side's bucket; max depth: gold {depth['gold']}, pred {depth['pred']})",
         ["bucket", "gold", "pred", *prf], bucket_rows),
    ]


def render_json(report: Report) -> str:
    """The report's JSON object (see :meth:`Report.to_dict`), pretty-printed."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def render_csv(report: Report, digits: int = 4) -> str:
    """One CSV row per type and per average; ratios are fractions in [0, 1]."""
    if report.partial is not None:
        return text.csv_text(_header(report), _with_fbeta(report, _match_rows(report, None, raw=True), float))
    rows = []
    for name in report.sorted_types():
        c = report.per_type[name]
        rows.append([name, c.precision, c.recall, c.f1, c.tp, c.fp, c.fn, c.support, c.predicted])
    m = report.micro
    rows.append(["micro avg", m.precision, m.recall, m.f1, m.tp, m.fp, m.fn, m.support, m.predicted])
    for name, avg in (("macro avg", report.macro), ("weighted avg", report.weighted)):
        rows.append([name, avg.precision, avg.recall, avg.f1, "", "", "", avg.support, ""])
    return text.csv_text(_header(report), _with_fbeta(report, rows, float))


def render_markdown(report: Report, digits: int = 2) -> str:
    """A Markdown table with percentages (the headers say ``(%)``), and the signature below it."""
    body = text.markdown(_header(report, percent=True), _rows(report, digits, percent=True))
    for title, header, rows in _nested_tables(report, digits, percent=True):
        body += f"\n**{title}**\n\n" + text.markdown(header, rows)
    return body + f"\nSignature: `{report.signature}`\n"


def render_latex(report: Report, digits: int = 2) -> str:
    """A booktabs LaTeX tabular with percentages (the headers say ``(%)``), and the signature as a comment."""
    body = text.latex(_header(report, percent=True), _rows(report, digits, percent=True), rule_before=len(report.per_type))
    return f"% {report.signature}\n" + body


def render_conlleval(report: Report) -> str:
    """conlleval.pl's text. In conlleval mode it is byte for byte the script's output;
    in other modes the same layout carries this tool's counts."""
    from ..conlleval import ChunkCounter, format_report
    from ..errors import UsageError

    if report.partial is not None:
        raise UsageError(f"conlleval.pl's text has no place for {report.match} matching",
                         hint="use --format table, json, csv, markdown or latex with --match")
    counter = report.conlleval_counter
    if counter is None:
        counter = ChunkCounter()
        for name, c in report.per_type.items():
            counter.gold[name] = c.support
            counter.found[name] = c.predicted
            counter.correct[name] = c.tp
        counter.tokens, counter.correct_tags = report.tokens, report.correct_tags
    return format_report(counter, report.types)


def render_report(report: Report, fmt: str, *, digits: int | None = None) -> str:
    """Render ``report`` in one of :data:`FORMATS`."""
    if fmt == "json":
        return render_json(report)
    if fmt == "conlleval":
        return render_conlleval(report)
    renderer = {"table": render_table, "csv": render_csv, "markdown": render_markdown, "latex": render_latex}[fmt]
    return renderer(report) if digits is None else renderer(report, digits)


def per_unit_rows(report: Report, unit: str) -> list[dict]:
    """One row per sentence or per document: exact-match tp/fp/fn over every type, and
    micro P/R/F1 from them (0/0 is 0), sentences and documents numbered from 1.

    Raises:
        UsageError: ``document`` when the input has no document numbers (non-CoNLL).
    """
    from ..counts import Counts
    from ..errors import UsageError

    import numpy as np

    cells = report.sentence_counts.dense(report.sentences).sum(axis=1) if report.sentences else np.zeros((0, 3))
    documents = report.sentence_documents
    if unit == "document":
        if documents is None:
            raise UsageError("--per document needs document numbers, which CoNLL input carries (-DOCSTART-)",
                             hint="use --per sentence, or CoNLL input")
        # -DOCSTART- lines before each sentence: consecutive equal values are one document
        keys = np.unique(np.asarray(documents), return_inverse=True)[1]
        summed = np.zeros((int(keys.max(initial=-1)) + 1, 3), dtype=np.int64)
        np.add.at(summed, keys, cells.astype(np.int64))
        counts, first_label = summed, "document"
    else:
        counts, first_label = cells.astype(np.int64), "sentence"
    rows = []
    for k, (tp, fp, fn) in enumerate(counts.tolist(), 1):
        c = Counts(int(tp), int(fp), int(fn))
        row = {first_label: k}
        if unit == "sentence" and documents is not None:
            row["document"] = int(np.searchsorted(np.unique(documents), documents[k - 1])) + 1
        row.update(tp=c.tp, fp=c.fp, fn=c.fn, precision=c.precision, recall=c.recall, f1=c.f1)
        rows.append(row)
    return rows


def render_per_unit(report: Report, unit: str, fmt: str) -> str:
    """``evaluate --per sentence|document`` as CSV or JSON (:func:`per_unit_rows`)."""
    rows = per_unit_rows(report, unit)
    if fmt == "json":
        return json.dumps({"schema_version": 1, "per": unit, "signature": report.signature, "rows": rows},
                          indent=2, ensure_ascii=False) + "\n"
    header = list(rows[0]) if rows else [unit, "tp", "fp", "fn", "precision", "recall", "f1"]
    return text.csv_text(header, [[row[h] for h in header] for row in rows])
