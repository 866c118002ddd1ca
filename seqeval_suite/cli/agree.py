"""``seqeval-suite agree``: how far annotators agree, pair by pair and overall."""
from __future__ import annotations

import click

from . import emit, warn
from .evaluate import _unescape, scoring_options


@click.command()
@click.argument("files", nargs=-1, required=True, type=str)
@click.option("--columns", default=None, metavar="1,2,3",
              help="One file with one tag column per annotator: their 0-based indices (token = column 0).")
@click.option("--tag-column", type=int, default=-1, show_default=True,
              help="The tag column of each annotator's file (-1: the last).")
@click.option("--names", default=None, metavar="A,B,C", help="Annotator names (default: file stems or colN).")
@click.option("--gold", default=None, metavar="NAME",
              help="Score every other annotator against this one and rank them by micro F1.")
@click.option("--missing", default="?,_,", show_default=True, metavar="M1,M2",
              help="Tag cells meaning 'did not label this sentence' (comma-separated; the empty cell included).")
@click.option("--kappa-on", type=click.Choice(["tags", "types"]), default="tags", show_default=True,
              help="Alphabet of the kappas and alpha: full tags, or entity types.")
@scoring_options
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json", "csv", "markdown", "latex"]),
              default="table", show_default=True, help="Output format.")
@click.option("--digits", type=click.IntRange(0, 10), default=None, help="Digits after the decimal point.")
@click.option("--disagreements", default=None, metavar="FILE.csv",
              help="Write one CSV row per span the annotators differ on (atomically).")
@click.option("--output", "-o", default=None, metavar="FILE", help="Write here (atomically) instead of stdout.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print warnings.")
def agree(files, columns, tag_column, names, gold, missing, kappa_on, mode, scheme, suffix, types, delimiter,
          comments, encoding, fmt, digits, disagreements, output, quiet):
    """Measure agreement between annotators of the same tokens.

    Give two or more CoNLL files (tags in the last column, or --tag-column), or one
    file with --columns. A sentence whose tag cells are '?', '_' or empty
    (--missing) was not labelled by that annotator and is left out of that
    annotator's pairs. Each pair is scored exactly as `evaluate` scores it; Cohen's
    kappa per pair, Fleiss' kappa and Krippendorff's alpha are token-level.

    \b
    Examples:
      seqeval-suite agree corpora/agreement/ann1.conll corpora/agreement/ann2.conll corpora/agreement/ann3.conll
      seqeval-suite agree corpora/agreement/all.conll --columns 1,2,3 --names ann1,ann2,ann3 --gold ann1
    """
    from ..agreement import agree as run_agree
    from ..render.agreement import render_agreement, render_disagreements

    report = run_agree(
        list(files), columns=columns, names=names, gold=gold, tag_column=tag_column, missing=missing,
        kappa_on=kappa_on, disagreements=disagreements is not None, mode=mode.lower(), scheme=scheme,
        suffix=suffix, types=types, delimiter=_unescape(delimiter), comments=comments, encoding=encoding,
    )
    text = render_agreement(report, fmt, digits=digits)
    if disagreements is not None:
        emit(render_disagreements(report.disagreements or [], report.annotators), disagreements)
    if not quiet:
        for message in report.warnings:
            warn(message)
    emit(text, output)
