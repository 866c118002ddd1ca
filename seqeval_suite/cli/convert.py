"""``seqeval-suite convert`` and ``seqeval-suite validate``: thin layers over
:mod:`seqeval_suite.convert` and :mod:`seqeval_suite.validate`."""
from __future__ import annotations

import sys

import click

from . import check_delimiter, check_encoding, check_paths, emit, warn

SCHEME_CHOICES = ["IOB1", "IOB2", "BIO", "IOE1", "IOE2", "IOBES", "BIOES", "BILOU", "IO"]
INPUT_FORMATS = ["conll", "jsonl", "labelstudio", "spacy"]
#: convert reads BRAT too (validate and agree do not).
CONVERT_INPUT_FORMATS = INPUT_FORMATS + ["brat"]
OUTPUT_FORMATS = ["conll", "layered", "jsonl", "spacy", "brat"]


def reader_options(func=None, *, formats=tuple(INPUT_FORMATS)):
    """Options that say how to read an input file of any format; ``@reader_options``,
    or ``@reader_options(formats=...)`` for a command that reads other formats too."""
    if func is None:
        return lambda f: reader_options(f, formats=formats)
    brat = " A folder, a .ann, or a .txt beside its .ann: BRAT." if "brat" in formats else ""
    options = [
        click.option("--format-in", "format_in", type=click.Choice(list(formats)), default=None,
                     help="Input format (default: from the extension: .jsonl, .json = Label Studio, "
                          f".spacy, anything else CoNLL).{brat}"),
        click.option("--column", type=int, default=-1, show_default=True,
                     help="CoNLL: index of the tag column (0 is the token)."),
        click.option("--delimiter", default=None, callback=check_delimiter,
                     help="CoNLL: column separator (default: any whitespace)."),
        click.option("--comments", is_flag=True, help="CoNLL: skip lines starting with '#'."),
        click.option("--encoding", default="utf-8", show_default=True, callback=check_encoding,
                     help="Input encoding."),
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


def nested_input_options(func):
    """How ``convert`` reads nested entities (:mod:`seqeval_suite.nested`)."""
    options = [
        click.option("--layers", default=None, metavar="COLS",
                     help="Nested input in layered CoNLL: the tag columns, one a layer, 0-based (e.g. 1,2,3)."),
        click.option("--token-column", type=click.IntRange(min=0), default=0, show_default=True,
                     help="Layered CoNLL: the token column (1 for GermEval's 'index token ...')."),
        click.option("--nested", is_flag=True,
                     help="Span inputs (.jsonl, .json, .spacy): keep nested and overlapping entities "
                          "(BRAT input always does)."),
        click.option("--span-key", default=None, metavar="KEY",
                     help="spaCy: read doc.spans[KEY] instead of doc.ents (input, read nested); write every "
                          "entity to doc.spans[KEY] and the outer ones to doc.ents (output)."),
        click.option("--tokenizer", type=click.Choice(["whitespace", "spacy"]), default="whitespace",
                     show_default=True, help="BRAT input: how the .txt is split into tokens."),
        click.option("--discontinuous", type=click.Choice(["span", "split", "skip"]), default="span",
                     show_default=True,
                     help="BRAT input: a discontinuous entity becomes its covering span, one entity per "
                          "fragment, or is skipped."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _opts(delimiter, comments, encoding, labels, alignment) -> dict:
    if delimiter and "\\" in delimiter:
        delimiter = delimiter.encode("utf-8").decode("unicode_escape")
    return dict(delimiter=delimiter, comments=comments, encoding=encoding, labels=labels, alignment=alignment)


def _given(name: str, value):
    """``value`` if the user set the option, else None: the library refuses options that
    do not fit the input or output, and a default must not count as set."""
    from click.core import ParameterSource

    source = click.get_current_context().get_parameter_source(name)
    return None if source in (None, ParameterSource.DEFAULT) else value


@click.command()
@click.argument("source", type=str)
@click.argument("target", type=str)
@click.option("--to-scheme", default="IOB2", show_default=True, type=click.Choice(SCHEME_CHOICES, case_sensitive=False),
              metavar="[" + "|".join(SCHEME_CHOICES) + "]",
              help="Scheme of the output tags (conll, layered, jsonl of flat input).")
@click.option("--to-format", type=click.Choice(OUTPUT_FORMATS), default=None,
              help="Output format (default: from TARGET's name: .jsonl, .spacy, .brat (a folder); anything else "
                   "CoNLL: layered for nested input, one tag column otherwise).")
@click.option("--from-scheme", default="auto", show_default=True,
              help="Input scheme: auto decodes leniently; a name decodes strictly (ill-formed runs dropped).")
@reader_options(formats=tuple(CONVERT_INPUT_FORMATS))
@nested_input_options
@click.option("--quiet", "-q", is_flag=True, help="Do not print the summary and warnings.")
def convert(source, target, to_scheme, to_format, from_scheme, format_in, column, delimiter, comments, encoding,
            labels, alignment, suffix, layers, token_column, nested, span_key, tokenizer, discontinuous, quiet):
    """Convert SOURCE to TARGET between schemes and formats.

    Lossless where the target can express the input (IO merges adjacent entities of
    one type, and says how many). TARGET is written atomically after SOURCE is read.

    Nested entities (--layers, --nested, --span-key, BRAT input) are written whole to
    layered CoNLL (column k: the entities at nesting depth k; one that crosses or
    repeats another of its depth moves to the next free column), BRAT (TARGET a new or
    empty folder), JSON Lines entities, or spaCy doc.spans[--span-key]. One tag column
    and doc.ents keep the outer entities only, and say how many were dropped.

    \b
    Examples:
      seqeval-suite convert corpora/formats/news.conll news.bilou.conll --to-scheme BILOU
      seqeval-suite convert corpora/formats/reviewer.jsonl reviewer.spacy --alignment expand
      seqeval-suite convert corpora/nested/gold.jsonl nested.conll --nested --to-format layered
      seqeval-suite convert corpora/nested/gold.conll nested.brat --layers 1,2,3
    """
    from ..convert import convert_file

    check_paths([source], target)
    result = convert_file(
        source, target, to_scheme=_given("to_scheme", to_scheme), to_format=to_format, from_scheme=from_scheme,
        from_format=format_in, column=column, suffix=suffix, layers=layers, nested=nested, span_key=span_key,
        tokenizer=_given("tokenizer", tokenizer), discontinuous=_given("discontinuous", discontinuous),
        token_column=token_column, **_opts(delimiter, comments, encoding, labels, alignment),
    )
    if not quiet:
        for message in result.warnings:
            warn(message)
        for message in result.notes:
            click.echo(f"note: {message}", err=True)
        click.echo(result.summary(), err=True)


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
