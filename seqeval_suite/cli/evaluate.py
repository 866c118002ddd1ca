"""``seqeval-suite evaluate``: score one prediction against gold."""
from __future__ import annotations

import click

from . import check_delimiter, check_encoding, check_paths, emit, warn

FORMAT_CHOICES = ["table", "json", "csv", "markdown", "latex", "conlleval", "nereval"]


def scoring_options(func):
    """The options that change how tags are read and decoded (shared by commands)."""
    options = [
        click.option("--mode", type=click.Choice(["lenient", "conlleval", "strict"], case_sensitive=False),
                     default="lenient", show_default=True,
                     help="lenient: seqeval's default decoding; conlleval: exact conlleval.pl; "
                          "strict: only entities well formed under --scheme."),
        click.option("--scheme", default="auto", show_default=True,
                     help="auto, IOB1, IOB2 (BIO), IOE1, IOE2, IOBES (BIOES), BILOU or IO. "
                          "strict mode needs a named scheme."),
        click.option("--suffix", is_flag=True, help="Tags read TYPE-PREFIX (PER-B)."),
        click.option("--types", default=None, metavar="T1,T2", help="Score only these entity types."),
        click.option("--delimiter", default=None, callback=check_delimiter,
                     help="Column separator (default: any whitespace; in conlleval mode one space, and a "
                          "regular expression as conlleval.pl's -d)."),
        click.option("--comments", is_flag=True, help="Skip lines starting with '#'."),
        click.option("--encoding", default="utf-8", show_default=True, callback=check_encoding,
                     help="Input encoding."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def nested_options(func):
    """The options of nested-entity input (:mod:`seqeval_suite.nested`), shared by commands:
    ``layers``, ``layer_names``, ``nested``, ``span_key``, ``type_map``, ``tokenizer``,
    ``discontinuous``. :func:`wants_nested` says whether they ask for nested scoring."""
    options = [
        click.option("--layers", default=None, metavar="COLS[:COLS]",
                     help="Nested entities in layered CoNLL: the tag columns of each layer, 0-based; '2,3' for "
                          "two files, '2,3:4,5' (gold:pred) for one."),
        click.option("--layer-names", default=None, metavar="N1,N2", help="Names of the layers in the report."),
        click.option("--nested", is_flag=True,
                     help="Span inputs (.jsonl, .json, .spacy): keep nested and overlapping entities instead of "
                          "cutting to the longest. Implied by --layers, --span-key and BRAT input."),
        click.option("--span-key", default=None, metavar="KEY",
                     help="spaCy input: read doc.spans[KEY] instead of doc.ents."),
        click.option("--type-map", default=None, metavar="A=B,..|FILE",
                     help="Rename entity types before matching (A= drops A); e.g. GermEval's loose metric."),
        click.option("--tokenizer", type=click.Choice(["whitespace", "spacy"]), default="whitespace",
                     show_default=True,
                     help="BRAT input: how the .txt is split into tokens."),
        click.option("--discontinuous", type=click.Choice(["span", "split", "skip"]), default="span",
                     show_default=True,
                     help="BRAT input: a discontinuous entity becomes its covering span, one entity per "
                          "fragment, or is skipped."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def wants_nested(path: str, format_in: str | None, layers, nested, span_key) -> bool:
    """Whether these settings (or a BRAT input) ask for nested scoring."""
    return bool(layers or nested or span_key or _is_brat(path, format_in))


def _unescape(value: str | None) -> str | None:
    if value is None:
        return None
    return value.encode("utf-8").decode("unicode_escape") if "\\" in value else value


@click.command()
@click.argument("gold", type=str)
@click.argument("pred", type=str, required=False)
@scoring_options
@click.option("--gold-column", type=int, default=None,
              help="Index of the gold tag column (default: last; one-file input: second to last).")
@click.option("--pred-column", type=int, default=None, help="Index of the predicted tag column (default: last).")
@click.option("--format", "-f", "fmt", type=click.Choice(FORMAT_CHOICES), default="table", show_default=True,
              help="Output format; conlleval prints conlleval.pl's own text; nereval (with --layers, two "
                   "layers) GermEval 2014's nereval.perl output, from an exact emulation of that script.")
@click.option("--digits", type=click.IntRange(0, 10), default=None, help="Digits after the decimal point.")
@click.option("--output", "-o", default=None, metavar="FILE", help="Write here (atomically) instead of stdout.")
@click.option("--match", type=click.Choice(["strict", "exact", "partial", "type"], case_sensitive=False),
              default="strict", show_default=True,
              help="strict: exact span and type; exact: span only; partial: overlapping spans earn half; "
                   "type: overlap with the right type (SemEval-2013 schemas, as nervaluate).")
@click.option("--format-in", "format_in", type=click.Choice(["conll", "jsonl", "labelstudio", "spacy", "brat"]),
              default=None, help="Input format of both files (default: by extension: .jsonl, .json = Label "
                                 "Studio, .spacy, anything else CoNLL).")
@click.option("--labels", default=None, metavar="L1,L2|FILE",
              help="JSONL: label names for integer ner_tags, in id order (or a file, one a line).")
@click.option("--alignment", type=click.Choice(["strict", "expand", "contract"]), default="strict",
              show_default=True, help="Character spans not on token boundaries: refuse them, or snap them to tokens.")
@click.option("--beta", type=float, default=1.0, show_default=True,
              help="Also report F-beta (column F0.5, F2, ...): beta < 1 favours precision, > 1 recall.")
@click.option("--level", type=click.Choice(["entity", "token"], case_sensitive=False), default="entity",
              show_default=True,
              help="token: each token counts for its entity type (prefixes ignored, O no class), "
                   "as scikit-learn's per-label scores.")
@click.option("--per", type=click.Choice(["sentence", "document"]), default=None,
              help="One row per sentence or document (tp, fp, fn, P, R, F1) instead of the report; "
                   "with -f csv or json.")
@nested_options
@click.option("--quiet", "-q", is_flag=True, help="Do not print warnings.")
def evaluate(gold, pred, mode, scheme, suffix, types, delimiter, comments, encoding,
             gold_column, pred_column, fmt, digits, output, match, format_in, labels, alignment,
             beta, level, per, layers, layer_names, nested, span_key, type_map, tokenizer, discontinuous, quiet):
    """Score predicted entities in PRED against GOLD.

    With one file, its last two columns are the gold and predicted tags
    (conlleval.pl's convention); with two files, the tags are in the last column of
    each and the tokens must agree. Use '-' for stdin; .gz files are read directly.

    \b
    Examples:
      seqeval-suite evaluate corpora/demo/news.test.conll corpora/demo/preds/crf.news.seed1.conll
      seqeval-suite evaluate corpora/examples/news.conll --mode conlleval --format conlleval
      seqeval-suite evaluate corpora/demo/news.test.conll corpora/demo/preds/crf.news.seed1.conll --match partial
      seqeval-suite evaluate corpora/formats/hf_names.jsonl corpora/formats/prodigy.jsonl
      seqeval-suite evaluate corpora/examples/news.conll --beta 0.5 --level token
      seqeval-suite evaluate corpora/nested/gold.conll corpora/nested/pred.conll --layers 1,2,3
      seqeval-suite evaluate corpora/nested/gold.brat corpora/nested/pred.brat
      seqeval-suite evaluate corpora/germeval/sample.gold.tsv corpora/germeval/sample.pred.tsv --layers 2,3 -f nereval
    """
    from ..evaluate import evaluate as run_evaluate, missing_types_error

    check_paths([gold, pred], output)
    if fmt == "nereval":
        emit(_nereval_text(gold, pred, layers), output)
        return
    if per is not None and fmt not in ("csv", "json"):
        raise click.UsageError("--per needs -f csv or -f json")
    if fmt == "conlleval" and beta != 1.0:
        raise click.UsageError("-f conlleval prints FB1 only, as conlleval.pl does; --beta needs another format")
    if wants_nested(gold, format_in, layers, nested, span_key):
        from ..nested import evaluate_nested

        report = evaluate_nested(
            gold, pred, layers=layers, layer_names=layer_names, type_map=type_map, format_in=format_in,
            span_key=span_key, tokenizer=tokenizer, discontinuous=discontinuous, mode=mode.lower(),
            scheme=scheme, suffix=suffix, types=types, match=match.lower(), delimiter=_unescape(delimiter),
            comments=comments, encoding=encoding, labels=labels, alignment=alignment,
        )
        if fmt == "conlleval":
            raise click.UsageError("-f conlleval has no layers; use table, json, csv, markdown or latex")
        error = missing_types_error(report, report.types)
        if error is not None:
            raise error
        _emit_report(report, fmt, digits, output, quiet, per)
        return
    if type_map:
        raise click.UsageError("--type-map needs nested input (--layers, --nested, --span-key or BRAT)")
    report = run_evaluate(
        gold, pred, mode=mode.lower(), scheme=scheme, suffix=suffix, types=types,
        delimiter=_unescape(delimiter), gold_column=gold_column, pred_column=pred_column,
        comments=comments, encoding=encoding, match=match.lower(), format_in=format_in, labels=labels,
        alignment=alignment, beta=beta, level=level.lower(),
    )
    error = missing_types_error(report, report.types)
    if error is not None:
        raise error
    _emit_report(report, fmt, digits, output, quiet, per)


def _emit_report(report, fmt: str, digits, output, quiet: bool, per: str | None = None) -> None:
    from ..render import render_report
    from ..render.report import render_per_unit

    text = render_per_unit(report, per, fmt) if per else render_report(report, fmt, digits=digits)
    if not quiet:
        for message in report.warnings:
            warn(message)
    emit(text, output)


def _nereval_text(gold: str, pred: str | None, layers: str | None) -> str:
    """GermEval 2014's official figures, from :mod:`seqeval_suite.nereval`."""
    from ..nested import parse_layers
    from ..nereval import nereval_files, render_nereval

    if not layers:
        raise click.UsageError("-f nereval needs --layers: the outer and inner tag columns (e.g. --layers 2,3)")
    g_cols, p_cols = parse_layers(layers, one_file=pred is None)
    if len(g_cols) != 2:
        raise click.UsageError(f"-f nereval scores two layers (outer, inner); --layers names {len(g_cols)}")
    return render_nereval(nereval_files(gold, pred, gold_columns=g_cols, pred_columns=p_cols))


def _is_brat(path: str, format_in: str | None) -> bool:
    import os

    if format_in is not None:
        return format_in == "brat"
    return path.endswith(".ann") or (os.path.isdir(path) and any(n.endswith(".ann") for n in os.listdir(path)))
