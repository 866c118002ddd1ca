"""``seqeval-suite errors``: classify every entity and show where F1 is lost."""
from __future__ import annotations

import click

from . import check_paths, emit, warn
from .evaluate import scoring_options


@click.command()
@click.argument("gold", type=str)
@click.argument("pred", type=str, required=False)
@scoring_options
@click.option("--train", default=None, metavar="FILE",
              help="Training file (tokens in column 0, tags last): adds the seen/unseen bucket.")
@click.option("--top", type=click.IntRange(0, None), default=10, show_default=True,
              help="How many of the most frequent errors to show.")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json", "csv", "markdown", "latex"]),
              default="table", show_default=True, help="Output format.")
@click.option("--digits", type=click.IntRange(0, 10), default=2, show_default=True,
              help="Digits after the decimal point (percentages).")
@click.option("--output", "-o", default=None, metavar="FILE", help="Write here (atomically) instead of stdout.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print warnings.")
def errors(gold, pred, mode, scheme, suffix, types, delimiter, comments, encoding,
           train, top, fmt, digits, output, quiet):
    """Classify every gold and predicted entity of PRED against GOLD.

    Categories: correct, type (same span, other type), boundary (overlap, same type),
    type+boundary, missed, spurious. Prints the counts per type, a confusion matrix,
    F1 by bucket (entity length, sentence length, type, seen in --train) and the most
    frequent errors with their sentences. Inputs as for `evaluate` (one file with
    'token ... gold pred', or two files).

    \b
    Examples:
      seqeval-suite errors corpora/demo/news.test.conll corpora/demo/preds/crf.news.seed1.conll
      seqeval-suite errors corpora/demo/news.test.conll corpora/demo/preds/crf.news.seed1.conll --train corpora/demo/web.test.conll -f json
    """
    from ..analysis import analyze, render
    from .evaluate import _unescape

    check_paths([gold, pred, train], output)
    report = analyze(gold, pred, train=train, top=top, mode=mode.lower(), scheme=scheme, suffix=suffix,
                     types=types, delimiter=_unescape(delimiter), comments=comments, encoding=encoding)
    text = render(report, fmt, digits=digits)
    if not quiet:
        for message in report.warnings:
            warn(message)
    emit(text, output)
