"""``seqeval-suite agree``: how far annotators agree, pair by pair and overall."""
from __future__ import annotations

import click

from . import check_paths, emit, warn
from ..io.jsonl import ALIGNMENTS
from .convert import INPUT_FORMATS
from .evaluate import _unescape, scoring_options

# convert's reader_options cannot be reused whole: its --suffix, --delimiter,
# --comments and --encoding come here from scoring_options, and --tag-column plays
# its --column. These three keep its names and meanings.


def format_options(func):
    """--format-in, --labels and --alignment: how annotators' files of any format are read."""
    options = [
        click.option("--format-in", "format_in", type=click.Choice(INPUT_FORMATS), default=None,
                     help="Input format of every file (default: each file's extension: .jsonl, "
                          ".json = Label Studio, .spacy, anything else CoNLL)."),
        click.option("--labels", default=None, metavar="L1,L2|FILE",
                     help="JSONL: label names for integer ner_tags, in id order (or a file, one a line)."),
        click.option("--alignment", type=click.Choice(list(ALIGNMENTS)), default="strict", show_default=True,
                     help="Character spans not on token boundaries: refuse them, or snap them to tokens."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.command()
@click.argument("files", nargs=-1, required=True, type=str)
@click.option("--columns", default=None, metavar="1,2,3",
              help="One file with one tag column per annotator: their 0-based indices (token = column 0).")
@click.option("--tag-column", type=int, default=-1, show_default=True,
              help="The tag column of each annotator's CoNLL file (-1: the last).")
@format_options
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
def agree(files, columns, tag_column, format_in, labels, alignment, names, gold, missing, kappa_on, mode, scheme,
          suffix, types, delimiter, comments, encoding, fmt, digits, disagreements, output, quiet):
    """Measure agreement between annotators of the same tokens.

    Give two or more files, or one CoNLL file with --columns. Each file is CoNLL
    (tags in the last column, or --tag-column), JSON Lines, a Label Studio export or
    a spaCy DocBin, by --format-in or its extension; the tokens must agree. A sentence whose tag cells are '?', '_' or empty
    (--missing) was not labelled by that annotator and is left out of that
    annotator's pairs. Each pair is scored exactly as `evaluate` scores it; Cohen's
    kappa per pair, Fleiss' kappa and Krippendorff's alpha are token-level.

    \b
    Examples:
      seqeval-suite agree corpora/agreement/ann1.conll corpora/agreement/ann2.conll corpora/agreement/ann3.conll
      seqeval-suite agree corpora/agreement/all.conll --columns 1,2,3 --names ann1,ann2,ann3 --gold ann1
      seqeval-suite agree corpora/formats/news.conll corpora/formats/reviewer.jsonl --alignment expand
    """
    from ..agreement import agree as run_agree
    from ..render.agreement import render_agreement, render_disagreements

    check_paths(files, output)
    check_paths(files, disagreements)
    report = run_agree(
        list(files), columns=columns, names=names, gold=gold, tag_column=tag_column, missing=missing,
        kappa_on=kappa_on, disagreements=disagreements is not None, mode=mode.lower(), scheme=scheme,
        suffix=suffix, types=types, delimiter=_unescape(delimiter), comments=comments, encoding=encoding,
        format_in=format_in, labels=labels, alignment=alignment,
    )
    text = render_agreement(report, fmt, digits=digits)
    if disagreements is not None:
        emit(render_disagreements(report.disagreements or [], report.annotators), disagreements)
    if not quiet:
        for message in report.warnings:
            warn(message)
    emit(text, output)
