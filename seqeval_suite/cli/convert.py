"""``seqeval-suite convert`` and ``seqeval-suite validate``: thin layers over
:mod:`seqeval_suite.convert` and :mod:`seqeval_suite.validate`."""
from __future__ import annotations

import sys

import click

from . import check_paths, emit, warn

SCHEME_CHOICES = ["IOB1", "IOB2", "BIO", "IOE1", "IOE2", "IOBES", "BIOES", "BILOU", "IO"]
INPUT_FORMATS = ["conll", "jsonl", "labelstudio", "spacy"]


def reader_options(func):
    """Options that say how to read an input file of any format."""
    options = [
        click.option("--format-in", "format_in", type=click.Choice(INPUT_FORMATS), default=None,
                     help="Input format (default: from the extension: .jsonl, .json = Label Studio, "
                          ".spacy, anything else CoNLL)."),
        click.option("--column", type=int, default=-1, show_default=True,
                     help="CoNLL: index of the tag column (0 is the token)."),
        click.option("--delimiter", default=None, help="CoNLL: column separator (default: any whitespace)."),
        click.option("--comments", is_flag=True, help="CoNLL: skip lines starting with '#'."),
        click.option("--encoding", default="utf-8", show_default=True, help="Input encoding."),
        click.option("--labels", default=None, metavar="L1,L2|FILE",
                     help="JSONL: label names for integer ner_tags, in id order (or a file, one a line)."),
        click.option("--alignment", type=click.Choice(["strict", "expand", "contract"]), default="strict",
                     show_default=True,
                     help="Character spans not on token boundaries: refuse them, or snap them to tokens."),
        click.option("--suffix", is_flag=True, help="Tags read TYPE-PREFIX (PER-B)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _opts(delimiter, comments, encoding, labels, alignment) -> dict:
    if delimiter and "\\" in delimiter:
        delimiter = delimiter.encode("utf-8").decode("unicode_escape")
    return dict(delimiter=delimiter, comments=comments, encoding=encoding, labels=labels, alignment=alignment)


@click.command()
@click.argument("source", type=str)
@click.argument("target", type=str)
@click.option("--to-scheme", default="IOB2", show_default=True, type=click.Choice(SCHEME_CHOICES, case_sensitive=False),
              metavar="[" + "|".join(SCHEME_CHOICES) + "]",
              help="Scheme of the output tags.")
@click.option("--to-format", type=click.Choice(["conll", "jsonl", "spacy"]), default=None,
              help="Output format (default: from TARGET's extension; conll otherwise).")
@click.option("--from-scheme", default="auto", show_default=True,
              help="Input scheme: auto decodes leniently; a name decodes strictly (ill-formed runs dropped).")
@reader_options
@click.option("--quiet", "-q", is_flag=True, help="Do not print the summary and warnings.")
def convert(source, target, to_scheme, to_format, from_scheme, format_in, column, delimiter, comments, encoding,
            labels, alignment, suffix, quiet):
    """Convert SOURCE to TARGET between schemes and formats.

    Lossless where the target can express the input (IO merges adjacent entities of
    one type, and says how many). TARGET is written atomically after SOURCE is read.

    \b
    Examples:
      seqeval-suite convert corpora/formats/news.conll news.bilou.conll --to-scheme BILOU
      seqeval-suite convert corpora/formats/reviewer.jsonl reviewer.spacy --alignment expand
    """
    from ..convert import convert_file

    check_paths([source], target)
    result = convert_file(
        source, target, to_scheme=to_scheme, to_format=to_format, from_scheme=from_scheme, from_format=format_in,
        column=column, suffix=suffix, **_opts(delimiter, comments, encoding, labels, alignment),
    )
    if not quiet:
        for message in result.warnings:
            warn(message)
        for message in result.notes:
            click.echo(f"note: {message}", err=True)
        click.echo(
            f"{result.source} ({result.from_format}) -> {result.target} ({result.to_format}, {result.to_scheme}): "
            f"{_n(result.sentences, 'sentence')}, {_n(result.tokens, 'token')}, {_n(result.entities, 'entity')}",
            err=True,
        )


def _n(count: int, noun: str) -> str:
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{count} {noun if count == 1 else plural}"


@click.command()
@click.argument("file", type=str)
@click.option("--scheme", default="auto", show_default=True,
              help="The scheme the file should follow (default: detect it).")
@reader_options
@click.option("--max-line-length", type=click.IntRange(0), default=1000, show_default=True,
              help="Report lines longer than this (0: never).")
@click.option("--strict", is_flag=True,
              help="Hints (a type that occurs once) count as problems: exit 1 on them too.")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--output", "-o", default=None, metavar="FILE", help="Write here (atomically) instead of stdout.")
def validate(file, scheme, format_in, column, delimiter, comments, encoding, labels, alignment, suffix,
             max_line_length, strict, fmt, output):
    """Lint an annotation FILE: scheme, counts, ill-formed transitions, suspicious types.

    Exit code 1 when a problem is found, 0 when the file is clean. A type that
    occurs once is a hint, not a problem (exit 0), unless --strict.

    \b
    Example:
      seqeval-suite validate corpora/formats/news.conll -f json
    """
    from ..validate import render_validation, validate_file

    result = validate_file(
        file, format=format_in, column=column, scheme=scheme, suffix=suffix, max_line_length=max_line_length,
        strict=strict, **_opts(delimiter, comments, encoding, labels, alignment),
    )
    emit(render_validation(result, fmt), output)
    if not result.clean:
        sys.exit(1)
