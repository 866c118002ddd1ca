"""``seqeval-suite agree``: how far annotators agree, pair by pair and overall."""
from __future__ import annotations

import click

from . import check_paths, emit, warn
from ..io.jsonl import ALIGNMENTS
from .convert import INPUT_FORMATS
from .evaluate import _unescape, nested_options, scoring_options, wants_nested

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
              help="Tag cells meaning 'did not label this sentence' (comma-separated; the empty cell included). "
                   "Nested input: a sentence marked so is refused; span input has no tag cells.")
@click.option("--kappa-on", type=click.Choice(["tags", "types"]), default="tags", show_default=True,
              help="Alphabet of the kappas and alpha: full tags, or entity types.")
@scoring_options
@nested_options
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json", "csv", "markdown", "latex"]),
              default="table", show_default=True, help="Output format.")
@click.option("--digits", type=click.IntRange(0, 10), default=None, help="Digits after the decimal point.")
@click.option("--disagreements", default=None, metavar="FILE.csv",
              help="Write one CSV row per span the annotators differ on (atomically); nested input: one "
                   "row per entity not every annotator has, with how often each has it.")
@click.option("--output", "-o", default=None, metavar="FILE", help="Write here (atomically) instead of stdout.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print warnings.")
@click.pass_context
def agree(ctx, files, columns, tag_column, format_in, labels, alignment, names, gold, missing, kappa_on, mode,
          scheme, suffix, types, delimiter, comments, encoding, layers, layer_names, nested, span_key, type_map,
          tokenizer, discontinuous, fmt, digits, disagreements, output, quiet):
    """Measure agreement between annotators of the same tokens.

    Give two or more files, or one CoNLL file with --columns. Each file is CoNLL
    (tags in the last column, or --tag-column), JSON Lines, a Label Studio export or
    a spaCy DocBin, by --format-in or its extension; the tokens must agree. A sentence whose tag cells are '?', '_' or empty
    (--missing) was not labelled by that annotator and is left out of that
    annotator's pairs. Each pair is scored exactly as `evaluate` scores it; Cohen's
    kappa per pair, Fleiss' kappa and Krippendorff's alpha are token-level.

    Nested entities: layered CoNLL files (--layers, the same columns in each), or
    span files with overlaps kept (--nested, --span-key, BRAT folders). Each pair is
    scored as `evaluate` scores it with those options, plus the layers' combined F1
    and the flat/nested and outer/inner F1. Kappas are per layer for layered CoNLL,
    undefined for span input (no tags); a sentence marked missing is refused.

    \b
    Examples:
      seqeval-suite agree corpora/agreement/ann1.conll corpora/agreement/ann2.conll corpora/agreement/ann3.conll
      seqeval-suite agree corpora/agreement/all.conll --columns 1,2,3 --names ann1,ann2,ann3 --gold ann1
      seqeval-suite agree corpora/formats/news.conll corpora/formats/reviewer.jsonl --alignment expand
      seqeval-suite agree corpora/nested/gold.conll corpora/nested/pred.conll --layers 1,2,3
      seqeval-suite agree corpora/nested/gold.brat corpora/nested/pred.brat --names ann1,ann2
    """
    from ..agreement import agree as run_agree
    from ..render.agreement import render_agreement, render_disagreements

    check_paths(files, output)
    check_paths(files, disagreements)
    is_nested = any(wants_nested(f, format_in, layers, nested, span_key) for f in files)
    if not is_nested and type_map:
        raise click.UsageError("--type-map needs nested input (--layers, --nested, --span-key or BRAT)")
    # Nested span input has no tag cells, so only a --missing given on purpose is refused.
    explicit = ctx.get_parameter_source("missing") is not click.core.ParameterSource.DEFAULT
    report = run_agree(
        list(files), columns=columns, names=names, gold=gold, tag_column=tag_column,
        missing=missing if explicit or not is_nested else None,
        kappa_on=kappa_on, disagreements=disagreements is not None, mode=mode.lower(), scheme=scheme,
        suffix=suffix, types=types, delimiter=_unescape(delimiter), comments=comments, encoding=encoding,
        format_in=format_in, labels=labels, alignment=alignment, layers=layers, layer_names=layer_names,
        nested=is_nested, span_key=span_key, type_map=type_map, tokenizer=tokenizer, discontinuous=discontinuous,
    )
    text = render_agreement(report, fmt, digits=digits)
    if disagreements is not None:
        emit(render_disagreements(report.disagreements or [], report.annotators, nested=report.nested is not None),
             disagreements)
    if not quiet:
        for message in report.warnings:
            warn(message)
    emit(text, output)
