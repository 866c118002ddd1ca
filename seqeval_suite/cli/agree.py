"""``seqeval-suite agree``: how far annotators agree, pair by pair and overall."""
from __future__ import annotations

import click

from . import check_paths, emit, warn
from ..io.jsonl import ALIGNMENTS
from .convert import INPUT_FORMATS, SCHEME_CHOICES
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


def consensus_options(func):
    """Issue 20: the consensus annotation, annotator quality and an expert gold file."""
    options = [
        click.option("--consensus", type=click.Choice(["majority", "dawid-skene"], case_sensitive=False),
                     default=None,
                     help="Build a consensus and estimate each annotator's quality: majority: an entity kept when "
                          "a strict majority of the sentence's annotators (or --min-votes) proposed exactly it; "
                          "dawid-skene: EM over IOB2 tags, one confusion matrix per annotator."),
        click.option("--consensus-output", default=None, metavar="FILE",
                     help="Write the consensus here (atomically): CoNLL (token tag), or JSON Lines for a .jsonl "
                          "name. --output still writes the report."),
        click.option("--to-scheme", default=None, type=click.Choice(SCHEME_CHOICES, case_sensitive=False),
                     metavar="[" + "|".join(SCHEME_CHOICES) + "]",
                     help="Tag scheme of the consensus file (default: IOB2)."),
        click.option("--min-votes", type=click.IntRange(min=1), default=None, metavar="K",
                     help="Majority vote: the votes an entity needs (default: a strict majority of the "
                          "annotators who labelled its sentence)."),
        click.option("--gold-file", default=None, metavar="FILE",
                     help="An expert gold file over the same tokens (CoNLL, tags in the last column; or JSON Lines, "
                          "Label Studio, DocBin by extension): score every annotator and the consensus against it."),
        click.option("--ds-tol", type=float, default=None, metavar="TOL",
                     help="Dawid-Skene: stop when no token posterior moves more than this (default 1e-6)."),
        click.option("--ds-max-iter", type=click.IntRange(min=1), default=None, metavar="N",
                     help="Dawid-Skene: at most this many EM iterations (default 1000)."),
        click.option("--ds-smoothing", type=float, default=None, metavar="ALPHA",
                     help="Dawid-Skene: pseudo-count added to every confusion-matrix cell (default 0.01)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


#: Report names that look like a tagged file: with --consensus, --output so named is
#: almost surely meant for the consensus, which --consensus-output writes.
_TAGGED_SUFFIXES = (".conll", ".jsonl", ".ndjson", ".iob", ".bio", ".spacy")


def _check_consensus_options(consensus, consensus_output, to_scheme, output) -> None:
    """Usage errors of the consensus options (exit 2)."""
    if consensus_output is not None and consensus is None:
        raise click.UsageError("--consensus-output needs --consensus (majority or dawid-skene)")
    if to_scheme is not None and consensus_output is None:
        raise click.UsageError("--to-scheme sets the scheme of the consensus file: it needs --consensus-output")
    if consensus is not None and consensus_output is None and output and output.lower().endswith(_TAGGED_SUFFIXES):
        raise click.UsageError(f"--output {output} writes the agreement report, not the consensus; "
                               f"write the consensus with --consensus-output {output}")


def _check_target(consensus_output: str | None, others) -> None:
    """The consensus file may be neither an input nor another output."""
    import os

    if consensus_output is None:
        return
    for path in others:
        if path is None or path == "-":
            continue
        same = os.path.abspath(path) == os.path.abspath(consensus_output) or (
            os.path.exists(path) and os.path.exists(consensus_output) and os.path.samefile(path, consensus_output))
        if same:
            raise click.UsageError(f"--consensus-output {consensus_output} is also {path}, read or written by "
                                   "this command; choose another file")


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
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json", "csv", "markdown", "latex", "html"]),
              default="table", show_default=True, help="Output format.")
@click.option("--digits", type=click.IntRange(0, 10), default=None, help="Digits after the decimal point.")
@consensus_options
@click.option("--disagreements", default=None, metavar="FILE.csv",
              help="Write one CSV row per span the annotators differ on (atomically), with the consensus's spans "
                   "there under --consensus; nested input: one row per entity not every annotator has, with how "
                   "often each has it.")
@click.option("--output", "-o", default=None, metavar="FILE",
              help="Write the report here (atomically) instead of stdout.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print warnings.")
@click.pass_context
def agree(ctx, files, columns, tag_column, format_in, labels, alignment, names, gold, missing, kappa_on, mode,
          scheme, suffix, types, delimiter, comments, encoding, layers, layer_names, nested, span_key, type_map,
          tokenizer, discontinuous, fmt, digits, consensus, consensus_output, to_scheme, min_votes, gold_file,
          ds_tol, ds_max_iter, ds_smoothing, disagreements, output, quiet):
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

    Consensus (flat input): --consensus majority keeps an entity that a strict
    majority of the sentence's annotators (or --min-votes K) proposed with the same
    span and type, overlaps resolved by more votes, then the longer span, the earlier
    start, the type name; --consensus dawid-skene fits one confusion matrix per
    annotator over IOB2 tags by EM (started from the vote fractions) and decodes the
    most probable valid IOB2 sequence. Either way each annotator gets a Dawid-Skene
    accuracy and its F1 against the consensus; --gold-file scores everyone against
    an expert gold file.

    \b
    Examples:
      seqeval-suite agree corpora/agreement/ann1.conll corpora/agreement/ann2.conll corpora/agreement/ann3.conll
      seqeval-suite agree corpora/agreement/all.conll --columns 1,2,3 --names ann1,ann2,ann3 --gold ann1
      seqeval-suite agree corpora/agreement/all.conll --columns 1,2,3 --consensus majority --consensus-output consensus.conll
      seqeval-suite agree corpora/formats/news.conll corpora/formats/reviewer.jsonl --alignment expand
      seqeval-suite agree corpora/nested/gold.conll corpora/nested/pred.conll --layers 1,2,3
      seqeval-suite agree corpora/nested/gold.brat corpora/nested/pred.brat --names ann1,ann2
    """
    from ..agreement import agree as run_agree
    from ..render.agreement import render_agreement, render_disagreements

    if consensus is not None and consensus_output is None and output and output.lower().endswith(_TAGGED_SUFFIXES):
        # `--consensus ... --output consensus.conll` (a tag file): that file is the
        # consensus; the report goes to stdout
        consensus_output, output = output, None
    _check_consensus_options(consensus, consensus_output, to_scheme, output)
    for target, option in ((output, "--output"), (disagreements, "--disagreements")):
        check_paths([*files, gold_file], target, option)
    _check_target(consensus_output, [*files, gold_file, output, disagreements])
    if consensus_output is not None:
        from ..consensus import output_format

        output_format(consensus_output)
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
        consensus=consensus.lower() if consensus else None, min_votes=min_votes, gold_file=gold_file,
        ds_tol=ds_tol, ds_max_iter=ds_max_iter, ds_smoothing=ds_smoothing,
    )
    from ..evaluate import missing_types_error
    from .compare import _type_list

    # Every scoring this command did: pairs, annotators against the gold file, consensus.
    scored = [pair.report for pair in report.pairs if pair.report is not None]
    scored += [q.vs_gold for q in report.quality or () if q.vs_gold is not None]
    scored += [report.consensus_vs_gold] if report.consensus_vs_gold is not None else []
    error = missing_types_error(scored, _type_list(types)) if scored else None
    if error is not None:  # a typo in --types would report every pair at 0
        raise error
    if fmt == "html":  # a self-contained page (render/agreement_html.py)
        from ..render.agreement_html import render_agreement_html

        text = render_agreement_html(report.to_dict(), digits=digits)
    else:
        text = render_agreement(report, fmt, digits=digits)
    if disagreements is not None:
        emit(render_disagreements(report.disagreements or [], report.annotators, nested=report.nested is not None,
                                  consensus=report.consensus is not None), disagreements)
    if consensus_output is not None:
        from ..consensus import write_consensus

        merged = write_consensus(consensus_output, report.consensus, scheme=to_scheme or "IOB2", suffix=suffix)
        if merged:
            report.warnings.append(f"--to-scheme IO merged {merged} pair{'s' if merged != 1 else ''} of adjacent "
                                   "same-type consensus entities (IO cannot tell them apart)")
    if not quiet:
        for message in report.warnings:
            warn(message)
    emit(text, output)
