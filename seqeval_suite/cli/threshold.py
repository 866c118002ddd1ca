"""``seqeval-suite threshold``: operating points of scored predictions (issue 18).

A thin layer over :func:`seqeval_suite.thresholds.read_operating_points`; matplotlib is
imported only when ``--plot`` asks for a picture, so start-up stays fast.
"""
from __future__ import annotations

import click

from . import check_encoding, check_paths, emit, warn


@click.command()
@click.argument("gold", type=str)
@click.argument("pred", type=str)
@click.option("--score-column", type=int, default=None,
              help="CoNLL predictions: the token-score column, 0-based, negative from the end  [default: -1]")
@click.option("--column", type=int, default=None,
              help="CoNLL predictions: the tag column, 0-based, negative from the end  [default: -2]")
@click.option("--combine", type=click.Choice(["min", "mean", "max", "first"]), default=None,
              help="CoNLL predictions: an entity's score from its tokens' scores  [default: min]")
@click.option("--span-key", default=None, metavar="KEY",
              help="spaCy predictions: the span group holding the entities and attrs['scores']  [default: sc]")
@click.option("--gold-column", type=int, default=None,
              help="CoNLL gold: the tag column, 0-based, negative from the end  [default: -1]")
@click.option("--gold-span-key", default=None, metavar="KEY",
              help="spaCy gold: read doc.spans[KEY] instead of doc.ents.")
@click.option("--gold-format", type=click.Choice(["conll", "jsonl", "labelstudio", "spacy", "brat"]),
              default=None, help="Gold format (default: by extension; a folder is BRAT).")
@click.option("--pred-format", type=click.Choice(["conll", "jsonl", "spacy"]), default=None,
              help="Prediction format (default: by extension: .jsonl, .spacy, anything else CoNLL).")
@click.option("--alignment", type=click.Choice(["strict", "expand", "contract"]), default="strict",
              show_default=True, help="Character spans not on token boundaries: refuse them, or snap them to tokens.")
@click.option("--beta", type=float, default=None,
              help="Also find the threshold of best F-beta (0.5 favours precision, 2 recall).")
@click.option("--curve", "show_curve", is_flag=True, help="Table and markdown: also print every threshold's row.")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json", "csv", "markdown"]), default="table",
              show_default=True, help="Output format; csv has one row per type and threshold.")
@click.option("--digits", type=click.IntRange(0, 10), default=4, show_default=True,
              help="Digits after the decimal point (table, markdown).")
@click.option("--plot", default=None, metavar="FILE.png|FILE.svg",
              help="Also draw the precision-recall curves (needs matplotlib: pip install 'seqeval-suite[plot]').")
@click.option("--output", "-o", default=None, metavar="FILE", help="Write here (atomically) instead of stdout.")
@click.option("--encoding", default="utf-8", show_default=True, callback=check_encoding,
              help="Input encoding (CoNLL, JSON Lines).")
@click.option("--quiet", "-q", is_flag=True, help="Do not print warnings.")
def threshold(gold, pred, score_column, column, combine, span_key, gold_column, gold_span_key, gold_format,
              pred_format, alignment, beta, show_curve, fmt, digits, plot, output, encoding, quiet):
    """Precision, recall and F1 of PRED's scored entities at every threshold.

    An entity is kept at threshold t when its score is >= t, and is correct when GOLD
    has the same sentence, span and type (one to one; the higher score wins). The
    thresholds are the distinct scores, as scikit-learn's precision_recall_curve
    takes them; recall counts every gold entity, so never-predicted ones are misses
    at every threshold. Prints, per type and overall, average precision
    (average_precision_score's step sum with that recall) and the threshold of best
    F1 (ties: the highest threshold); --beta adds the best F-beta.

    PRED is JSON Lines (tokens + entities [start, end, "TYPE", score], or text +
    character spans with a score), CoNLL with a tag and a token-score column (an
    entity's score is the minimum of its tokens' by default, --combine), or a spaCy
    DocBin whose span group (--span-key) carries attrs["scores"]. GOLD is any input
    `evaluate` reads; the tokens of both files must agree.

    \b
    Examples:
      seqeval-suite threshold corpora/thresholds/gold.conll corpora/thresholds/pred.jsonl
      seqeval-suite threshold corpora/thresholds/gold.conll corpora/thresholds/pred.conll --combine mean --beta 0.5
      seqeval-suite threshold corpora/thresholds/gold.conll corpora/thresholds/pred.spacy --span-key sc --curve --plot pr.png
    """
    from ..thresholds import read_operating_points, render

    check_paths([gold, pred], output)
    if plot:
        check_paths([gold, pred], plot)
        from ..render.threshold_plot import plot_format

        plot_format(plot)  # a bad extension is a usage error before any reading
    report = read_operating_points(
        gold, pred, gold_format=gold_format, pred_format=pred_format, gold_column=gold_column, column=column,
        score_column=score_column, combine=combine, span_key=span_key, gold_span_key=gold_span_key,
        alignment=alignment, encoding=encoding, beta=beta,
    )
    text = render(report, fmt, digits=digits, curve=show_curve)
    if plot:
        _write_plot(report, plot)
    if not quiet:
        for message in report.warnings:
            warn(message)
    emit(text, output)


def _write_plot(report, path: str) -> None:
    """Draw the plot, or say in one line that matplotlib is missing (exit 1)."""
    from ..errors import SeqevalSuiteError

    try:
        from ..render.threshold_plot import write_plot

        write_plot(report, path)
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] != "matplotlib":
            raise
        raise SeqevalSuiteError("--plot needs matplotlib",
                                hint="pip install 'seqeval-suite[plot]'") from None
