"""``seqeval-suite errors``: classify every entity and show where F1 is lost."""
from __future__ import annotations

import click

from . import check_paths, emit, warn
from .evaluate import nested_options, scoring_options, wants_nested


@click.command()
@click.argument("gold", type=str)
@click.argument("pred", type=str, required=False)
@scoring_options
@click.option("--train", default=None, metavar="FILE",
              help="Training file (tokens in column 0, tags last; nested input: in gold's form): adds the "
                   "seen/unseen bucket.")
@click.option("--top", type=click.IntRange(0, None), default=10, show_default=True,
              help="How many of the most frequent errors to show.")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json", "csv", "markdown", "latex"]),
              default="table", show_default=True, help="Output format.")
@click.option("--digits", type=click.IntRange(0, 10), default=2, show_default=True,
              help="Digits after the decimal point (percentages).")
@click.option("--output", "-o", default=None, metavar="FILE", help="Write here (atomically) instead of stdout.")
@nested_options
@click.option("--token-column", type=click.IntRange(0, None), default=None,
              help="Layered CoNLL (--layers): the column holding the token text, 0-based  [default: 0]")
@click.option("--quiet", "-q", is_flag=True, help="Do not print warnings.")
def errors(gold, pred, mode, scheme, suffix, types, delimiter, comments, encoding,
           train, top, fmt, digits, output, layers, layer_names, nested, span_key, type_map, tokenizer,
           discontinuous, token_column, quiet):
    """Classify every gold and predicted entity of PRED against GOLD.

    Categories: correct, type (same span, other type), boundary (overlap, same type),
    type+boundary, missed, spurious. Prints the counts per type, a confusion matrix,
    F1 by bucket (entity length, sentence length, type, seen in --train) and the most
    frequent errors with their sentences. Inputs as for `evaluate` (one file with
    'token ... gold pred', or two files).

    Nested entities (--layers, --nested, --span-key or BRAT folders): correct pairs
    identical entities one to one (= evaluate's TP); any other entity is judged
    against the other side's entities of its sentence that are not correct. Adds F1
    by nesting (flat/nested, outer/inner); examples bracket every overlapping
    entity, the one in question in braces.

    \b
    Examples:
      seqeval-suite errors corpora/demo/news.test.conll corpora/demo/preds/crf.news.seed1.conll
      seqeval-suite errors corpora/demo/news.test.conll corpora/demo/preds/crf.news.seed1.conll --train corpora/demo/web.test.conll -f json
      seqeval-suite errors corpora/nested/gold.conll corpora/nested/pred.conll --layers 1,2,3
      seqeval-suite errors corpora/nested/gold.brat corpora/nested/pred.brat --top 3
    """
    from ..analysis import analyze, analyze_nested, render
    from .evaluate import _unescape

    check_paths([gold, pred, train], output)
    scoring = {"mode": mode.lower(), "scheme": scheme, "suffix": suffix, "types": types,
               "delimiter": _unescape(delimiter), "comments": comments, "encoding": encoding}
    if wants_nested(gold, None, layers, nested, span_key):
        if layer_names:
            raise click.UsageError("--layer-names: errors shows no per-layer figures; leave it out")
        if token_column is not None and not layers:
            raise click.UsageError("--token-column is for layered CoNLL (--layers); span inputs carry their tokens")
        report = analyze_nested(gold, pred, layers=layers, type_map=type_map, span_key=span_key,
                                tokenizer=tokenizer, discontinuous=discontinuous, token_column=token_column or 0,
                                train=train, top=top, **scoring)
    else:
        for name, value in (("--type-map", type_map), ("--token-column", token_column),
                            ("--layer-names", layer_names)):
            if value is not None:
                raise click.UsageError(f"{name} needs nested input (--layers, --nested, --span-key or BRAT)")
        report = analyze(gold, pred, train=train, top=top, **scoring)
    from ..evaluate import missing_types_error
    from .compare import _type_list

    error = missing_types_error(report.scored, _type_list(types)) if report.scored is not None else None
    if error is not None:  # a typo in --types would show an empty analysis
        raise error
    text = render(report, fmt, digits=digits)
    if not quiet:
        for message in report.warnings:
            warn(message)
    emit(text, output)
