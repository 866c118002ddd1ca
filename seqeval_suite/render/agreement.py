"""Render an :class:`~seqeval_suite.agreement.AgreementReport` (table, json, csv,
markdown, latex) and the disagreement list (CSV). Nothing here prints."""
from __future__ import annotations

import json
from typing import Sequence

from . import text
from .report import render_report

AGREE_FORMATS = ("table", "json", "csv", "markdown", "latex")
_PAIR_HEADER = ["reference", "annotator", "sentences", "tokens", "precision", "recall", "f1", "kappa",
                "kappa_entity"]
_BUCKETS = ("flat", "nested", "outer", "inner")


def _num(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _stat(stat, digits: int) -> str:
    return _num(stat.value, digits) if stat.value is not None else f"undefined ({stat.reason})"


def _pair_header(report) -> list[str]:
    # Nested input has no single-alphabet kappa per pair: its kappas get their own
    # section (layered CoNLL) or one line saying why they are undefined (span input).
    return _PAIR_HEADER if report.nested is None else _PAIR_HEADER[:-2]


def _pair_rows(pairs, digits: int, *, kappa: bool = True) -> list[list[str]]:
    rows = []
    for p in pairs:
        micro = p.report.micro if p.report is not None else None
        row = [
            p.reference, p.annotator, str(p.sentences), str(p.tokens),
            _num(micro.precision if micro else None, digits), _num(micro.recall if micro else None, digits),
            _num(p.f1, digits),
        ]
        if kappa:
            row += [_num(p.kappa.value, digits), _num(p.kappa_entity.value, digits)]
        rows.append(row)
    return rows


def _nested_sections(report, digits: int) -> list[tuple[str, list[str], list[list[str]], int]]:
    """Nested input: per pair, the layers' combined F1 and the bucket F1s; and, for
    layered CoNLL, Cohen's kappa per layer."""
    pairs = [p for p in report.pairs if p.report is not None and p.report.nested is not None]
    rows = []
    for p in pairs:
        nested = p.report.nested
        rows.append([p.reference, p.annotator, _num(nested["combined"]["micro"]["f1"], digits),
                     *(_num(nested["buckets"][b]["f1"], digits) for b in _BUCKETS)])
    sections = [("nested entities per pair: F1 of the layers combined, and per bucket",
                 ["reference", "annotator", "combined", *_BUCKETS], rows, 2)]
    layers = report.nested.layer_names
    if layers:
        alphabet = "full tags" if report.kappa_on == "tags" else "entity types"
        sections.append((f"Cohen's kappa per layer (tag column; {alphabet}, token level)",
                         ["reference", "annotator", *layers],
                         [[p.reference, p.annotator, *(_num(p.kappa_layers[n]["kappa"].value, digits)
                                                       for n in layers)] for p in pairs], 2))
    return sections


def _sections(report, digits: int) -> list[tuple[str, list[str], list[list[str]], int]]:
    """The report's tables as (title, header, rows, left-aligned columns), in reading order."""
    names = report.annotators
    header, kappa = _pair_header(report), report.nested is None
    sections = []
    if report.gold is not None:
        board = report.leaderboard()
        rows = [[str(k), *row[1:]] for k, row in enumerate(_pair_rows(board, digits, kappa=kappa), 1)]
        sections.append((f"annotators against gold {report.gold}, best micro F1 first",
                         ["rank", *header[1:]], rows, 2))
    matrix = report.f1_matrix()
    sections.append(("pairwise entity micro F1", ["", *names],
                     [[a, *(_num(matrix[a][b], digits) if a != b else "-" for b in names)] for a in names], 1))
    sections.append(("pairs (the reference is scored as gold)", header,
                     _pair_rows(report.pairs, digits, kappa=kappa), 2))
    per_type = report.per_type_f1()
    keys = [f"{p.reference}~{p.annotator}" for p in report.pairs if p.report is not None]
    if per_type:
        sections.append(("per-type pairwise F1", ["type", *keys],
                         [[t, *(_num(per_type[t].get(k), digits) for k in keys)] for t in per_type], 1))
    means = report.mean_pairwise_f1()
    sections.append(("mean pairwise F1", ["annotator", "f1", "labelled sentences"],
                     [[n, _num(means["per_annotator"][n], digits), str(report.labelled[n])] for n in names]
                     + [["overall", _num(means["overall"], digits), str(report.sentences)]], 1))
    if report.nested is not None:
        sections += _nested_sections(report, digits)
    if report.quality is not None:
        sections.append(_quality_section(report, digits))
    return sections


def _quality_section(report, digits: int) -> tuple[str, list[str], list[list[str]], int]:
    """Issue 20: every annotator's estimated quality, best first."""
    gold = report.consensus_vs_gold is not None or any(q.vs_gold is not None for q in report.quality)
    by = "F1 against the gold file" if gold else "F1 against the consensus"
    header = ["rank", "annotator", "sentences"]
    if report.consensus is not None:
        header += ["ds_accuracy", "ds_entity_accuracy", "f1_vs_consensus"]
    if gold:
        header += ["precision_vs_gold", "recall_vs_gold", "f1_vs_gold"]
    rows = []
    for rank, q in enumerate(report.quality_ranking(), 1):
        row = [str(rank), q.name, str(q.sentences)]
        if report.consensus is not None:
            row += [_num(q.ds_accuracy, digits), _num(q.ds_entity_accuracy, digits), _num(q.f1_vs_consensus, digits)]
        if gold:
            micro = q.vs_gold.micro if q.vs_gold is not None else None
            row += [_num(micro.precision if micro else None, digits), _num(micro.recall if micro else None, digits),
                    _num(q.f1_vs_gold, digits)]
        rows.append(row)
    note = "; ds_accuracy: Dawid-Skene estimate, no gold needed" if report.consensus is not None else ""
    return f"annotator quality, best {by} first{note}", header, rows, 2


def _consensus_summary(report, digits: int) -> list[str]:
    """How the consensus was made, what it holds, and how it scores against gold."""
    c = report.consensus
    out = []
    if c is not None:
        p = c.parameters
        covered = f"{c.entities} entities in {len(c.spans)} sentences"
        if c.labelled < len(c.spans):
            covered += f" ({len(c.spans) - c.labelled} labelled by no annotator)"
        fit = c.fit
        ds = p.get("quality_model", p)
        fitted = (f"{'converged after' if fit.converged else 'stopped, not converged, after'} {fit.iterations} "
                  f"iterations (tol {ds['tol']:g}, smoothing {ds['smoothing']:g})") if fit is not None else ""
        if c.method == "majority":
            need = "a strict majority" if p["min_votes"] == "strict majority" else f"{p['min_votes']}"
            out.append(f"consensus: majority vote, an entity kept with the votes of {need} of the annotators who "
                       f"labelled its sentence (overlaps: {p['overlaps']}): {covered}; "
                       f"{c.dropped} overlapping candidates dropped")
            out.append(f"quality model: Dawid-Skene on IOB2 tags, {fitted}")
        else:
            out.append(f"consensus: Dawid-Skene on IOB2 tags, EM from majority-vote fractions, {fitted}; "
                       f"Viterbi decoding to valid IOB2: {covered}")
    g = report.consensus_vs_gold
    if g is not None:
        m = g.micro
        out.append(f"consensus against the gold file: precision {_num(m.precision, digits)}, recall "
                   f"{_num(m.recall, digits)}, F1 {_num(m.f1, digits)} over {g.sentences} sentences")
    return out


def _summary(report, digits: int) -> list[str]:
    m = len(report.annotators)
    alphabet = "full tags" if report.kappa_on == "tags" else "entity types"
    if report.nested is not None:
        return _nested_summary(report, digits, alphabet)
    fleiss, alpha = report.fleiss_kappa, report.krippendorff_alpha
    return [
        f"chance-corrected agreement on {alphabet} (token level)",
        f"Fleiss' kappa: {_stat(fleiss, digits)} over {report.fleiss_sentences} sentences "
        f"({fleiss.items} tokens) labelled by {'both' if m == 2 else f'all {m}'} annotators",
        f"Krippendorff's alpha (nominal): {_stat(alpha, digits)} over {alpha.items} tokens "
        f"labelled by {'both' if m == 2 else 'two or more'} annotators",
        *_consensus_summary(report, digits),
    ]


def _nested_summary(report, digits: int, alphabet: str) -> list[str]:
    """Nested input: the chance-corrected figures per layer, or why there are none."""
    layers = report.nested.kappa_layers
    if layers is None:
        return [f"token-level kappas and alpha: undefined ({report.nested.kappa_reason})"]
    out = [f"chance-corrected agreement on {alphabet} (token level), per layer (tag column)"]
    for name, k in layers.items():
        fleiss, alpha = k["fleiss_kappa"], k["krippendorff_alpha"]
        out.append(f"layer {name}: Fleiss' kappa {_stat(fleiss, digits)} over {k['fleiss_sentences']} sentences "
                   f"({fleiss.items} tokens); Krippendorff's alpha (nominal) {_stat(alpha, digits)}")
    return out


def _header_line(report) -> str:
    line = (f"{len(report.annotators)} annotators ({', '.join(report.annotators)}) on {report.sentences} "
            f"sentences, {report.tokens} tokens; mode {report.options.mode}")
    if report.nested is not None:
        source = report.nested.source
        line += "; nested input: " + (f"layered CoNLL, layers {', '.join(report.nested.layer_names)}"
                                      if source == "layers" else f"{source} spans")
    return line


def render_agreement_table(report, digits: int = 4) -> str:
    """Aligned plain-text tables for a terminal."""
    out = [_header_line(report), ""]
    for title, header, rows, left in _sections(report, digits):
        out += [title, text.aligned(header, rows, left=left)]
    out += [*_summary(report, digits), "", f"signature {report.signature}", ""]
    if report.gold is not None:
        for p in report.leaderboard():
            if p.report is not None:
                out += ["", f"== {p.annotator} against {p.reference} ==", render_report(p.report, "table", digits=digits)]
    if report.consensus_vs_gold is not None:
        out += ["", "== consensus against the gold file ==",
                render_report(report.consensus_vs_gold, "table", digits=digits)]
    return "\n".join(out).rstrip("\n") + "\n"


def render_agreement_markdown(report, digits: int = 4) -> str:
    """Markdown: one table per section, then the chance-corrected figures."""
    # Annotator names come from files and exports: escaped everywhere, not only in tables.
    out = [text.markdown_escape(_header_line(report)), ""]
    for title, header, rows, left in _sections(report, digits):
        out += [f"**{text.markdown_escape(title)}**", "", text.markdown(header, rows, left=left)]
    out += [f"- {text.markdown_escape(line)}" for line in _summary(report, digits)]
    out += ["", f"Signature: `{report.signature}`", ""]
    if report.gold is not None:
        for p in report.leaderboard():
            if p.report is not None:
                out += [f"**{text.markdown_escape(f'{p.annotator} against {p.reference}')}**", "",
                        render_report(p.report, "markdown", digits=digits)]
    if report.consensus_vs_gold is not None:
        out += ["**consensus against the gold file**", "",
                render_report(report.consensus_vs_gold, "markdown", digits=digits)]
    return "\n".join(out).rstrip("\n") + "\n"


def render_agreement_latex(report, digits: int = 4) -> str:
    """booktabs LaTeX tabulars, titles and figures as comments."""
    # Comments end at a line break: one in a name must not start a live LaTeX line.
    def comment(value: str) -> str:
        return "% " + " ".join(value.splitlines())

    out = [comment(report.signature), comment(_header_line(report))]
    for title, header, rows, left in _sections(report, digits):
        out += [comment(title), text.latex(header, rows, left=left)]
    out += [comment(line) for line in _summary(report, digits)]
    return "\n".join(out).rstrip("\n") + "\n"


def render_agreement_csv(report, digits: int = 4) -> str:
    """Long-format CSV, one row per figure: statistic, reference, annotator, type,
    value (empty when undefined), and the sentences and tokens it rests on."""
    rows: list[list[object]] = []
    for p in report.pairs:
        if p.report is not None:
            micro = p.report.micro
            for stat in ("precision", "recall", "f1"):
                rows.append([stat, p.reference, p.annotator, "", getattr(micro, stat), p.sentences, p.tokens])
            for t in p.report.sorted_types():
                rows.append(["f1", p.reference, p.annotator, t, p.report.per_type[t].f1, p.sentences, p.tokens])
        for stat in ("kappa", "kappa_entity"):
            s = getattr(p, stat)
            rows.append([stat, p.reference, p.annotator, "", _blank(s.value), p.sentences, s.items])
    means = report.mean_pairwise_f1()
    for name, value in means["per_annotator"].items():
        rows.append(["mean_pairwise_f1", "", name, "", _blank(value), report.labelled[name], ""])
    rows.append(["mean_pairwise_f1", "", "", "", _blank(means["overall"]), report.sentences, report.tokens])
    rows.append(["fleiss_kappa", "", "", "", _blank(report.fleiss_kappa.value), report.fleiss_sentences,
                 report.fleiss_kappa.items])
    rows.append(["krippendorff_alpha", "", "", "", _blank(report.krippendorff_alpha.value), "",
                 report.krippendorff_alpha.items])
    rows += _quality_csv_rows(report)
    header = ["statistic", "reference", "annotator", "type", "value", "sentences", "tokens"]
    if report.nested is None:
        return text.csv_text(header, rows)
    return text.csv_text([*header, "part"], [row + [""] for row in rows] + _nested_csv_rows(report))


def _nested_csv_rows(report) -> list[list[object]]:
    """Nested input's extra figures, each naming its ``part``: ``layer NAME``,
    ``combined`` or a bucket (flat, nested, outer, inner)."""
    rows: list[list[object]] = []
    for p in report.pairs:
        if p.report is None:
            continue
        nested = p.report.nested
        for name, layer in nested["layers"].items():
            rows.append(["f1", p.reference, p.annotator, "", layer["micro"]["f1"], p.sentences, p.tokens,
                         f"layer {name}"])
        rows.append(["f1", p.reference, p.annotator, "", nested["combined"]["micro"]["f1"], p.sentences, p.tokens,
                     "combined"])
        for bucket in _BUCKETS:
            rows.append(["f1", p.reference, p.annotator, "", nested["buckets"][bucket]["f1"], p.sentences,
                         p.tokens, bucket])
        for name, stats in (p.kappa_layers or {}).items():
            for stat in ("kappa", "kappa_entity"):
                s = stats[stat]
                rows.append([stat, p.reference, p.annotator, "", _blank(s.value), p.sentences, s.items,
                             f"layer {name}"])
    for name, k in (report.nested.kappa_layers or {}).items():
        rows.append(["fleiss_kappa", "", "", "", _blank(k["fleiss_kappa"].value), k["fleiss_sentences"],
                     k["fleiss_kappa"].items, f"layer {name}"])
        rows.append(["krippendorff_alpha", "", "", "", _blank(k["krippendorff_alpha"].value), "",
                     k["krippendorff_alpha"].items, f"layer {name}"])
    return rows


def _quality_csv_rows(report) -> list[list[object]]:
    """Issue 20: Dawid-Skene accuracies (reference ``dawid-skene``), every annotator's
    P/R/F1 against the consensus (reference ``consensus``) and the gold file (reference
    ``gold-file``), and the consensus's against the gold file."""
    rows: list[list[object]] = []
    for q in report.quality or []:
        if report.consensus is not None:
            rows.append(["ds_accuracy", "dawid-skene", q.name, "", _blank(q.ds_accuracy), q.sentences, ""])
            rows.append(["ds_entity_accuracy", "dawid-skene", q.name, "", _blank(q.ds_entity_accuracy), q.sentences,
                         ""])
        for reference, r in (("consensus", q.vs_consensus), ("gold-file", q.vs_gold)):
            if r is not None:
                for stat in ("precision", "recall", "f1"):
                    rows.append([stat, reference, q.name, "", getattr(r.micro, stat), r.sentences, r.tokens])
    g = report.consensus_vs_gold
    if g is not None:
        for stat in ("precision", "recall", "f1"):
            rows.append([stat, "gold-file", "consensus", "", getattr(g.micro, stat), g.sentences, g.tokens])
        for t in g.sorted_types():
            rows.append(["f1", "gold-file", "consensus", t, g.per_type[t].f1, g.sentences, g.tokens])
    return rows


def _blank(value: float | None) -> object:
    return "" if value is None else value


def render_agreement(report, fmt: str, *, digits: int | None = None) -> str:
    """Render ``report`` in one of :data:`AGREE_FORMATS`."""
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    renderer = {"table": render_agreement_table, "csv": render_agreement_csv,
                "markdown": render_agreement_markdown, "latex": render_agreement_latex}[fmt]
    return renderer(report) if digits is None else renderer(report, digits)


def render_disagreements(rows: Sequence[dict], annotators: Sequence[str], *, nested: bool = False,
                         consensus: bool = False) -> str:
    """The disagreement list as CSV (see :func:`seqeval_suite.agreement.find_disagreements`;
    ``nested``: one row per entity, :func:`~seqeval_suite.agreement.find_nested_disagreements`;
    ``consensus``: a last column with the consensus's spans there)."""
    if nested:
        header = ["sentence", "line", "start", "end", "text", "type", *annotators]
    else:
        header = ["sentence", "line", "start", "end", "text", *annotators, "kind"]
    if consensus:
        header.append("consensus")
    return text.csv_text(header, [[row[h] for h in header] for row in rows])
