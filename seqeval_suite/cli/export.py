"""``seqeval-suite export``: leaderboard results in other tools' formats.

``export model-index`` writes the Hugging Face model-card ``model-index`` block of one
system (issue 19); the work is done by :mod:`seqeval_suite.model_index`.
"""
from __future__ import annotations

import click

from . import check_paths, emit, warn


@click.group()
def export():
    """Export leaderboard results (a results.json written by `run`) to other formats.

    model-index: the Hugging Face model-card metadata block of one system.

    \b
    Example:
      seqeval-suite export model-index leaderboard/demo-ner/results.json --system crf
    """


@export.command("model-index")
@click.argument("results_file", metavar="RESULTS", type=str)
@click.option("--system", "-s", required=True, metavar="ID", help="The system to export (its id in RESULTS).")
@click.option("--dataset", "datasets", multiple=True, metavar="CORPUS=HF_ID[:SPLIT]",
              help="The Hub dataset id (and split, default test) of a corpus (repeatable; "
                   "default: the corpus id, split test).")
@click.option("--task-name", default="Named Entity Recognition", show_default=True,
              help="The task's name (its type is token-classification).")
@click.option("--model-name", default=None, metavar="NAME", help="The model's name in the index (default: ID).")
@click.option("--digits", type=click.IntRange(0, 17), default=None, metavar="N",
              help="Round values to N decimals (default: every digit of the computed value).")
@click.option("--source-url", default=None, metavar="URL",
              help="Add a source block naming the board, with this URL (e.g. where its index.html is).")
@click.option("--card", default=None, metavar="README.md",
              help="Merge the block into this model card's front matter (in place unless -o).")
@click.option("--output", "-o", default=None, metavar="FILE",
              help="Write here instead (atomically); with --card, the merged card; '-' is stdout.")
def model_index(results_file, system, datasets, task_name, model_name, digits, source_url, card, output):
    """Write the Hugging Face `model-index` metadata of one system of RESULTS.

    One result per corpus: task token-classification; dataset type (Hub id), name and
    split; metrics micro precision, recall and F1, macro F1 and (when the counts
    have tokens) token accuracy, as fractions (0.8328) computed from the counts. With several runs a value is their
    mean: its name says "(mean of N runs)" and its args hold runs and std. Each
    metric's args carry the scoring signature. Prints the YAML, or with --card merges
    it into a model card (other front-matter keys and the body kept as they are; an
    existing model-index is replaced; a card without front matter gets one).

    \b
    Examples:
      seqeval-suite export model-index leaderboard/demo-ner/results.json --system crf
      seqeval-suite export model-index leaderboard/demo-ner/results.json --system bilstm-crf --dataset news-test=my-org/news-ner:test --digits 4
    """
    from ..model_index import dataset_map, merge_card, model_index as build, read_results, to_yaml

    # --card is read and (unless -o) written in place; neither may overwrite RESULTS.
    check_paths([results_file], output or card)
    results = read_results(results_file)
    refs = dataset_map(datasets, results, results_file)
    index = build(results, system, datasets=refs, task_name=task_name, model_name=model_name, digits=digits,
                  source_url=source_url, where=results_file)
    if card is None:
        emit(to_yaml(index), output)
        return
    merged = merge_card(_read_card(card), index, where=card)
    if merged.rewritten:
        warn(f"{card}: the front matter was written again by a YAML dumper (model-index could not be "
             "replaced in place); its comments and layout are not kept")
    target = output or card
    if target == "-":
        click.echo(merged.text, nl=False)
        return
    from ..atomic import write_bytes
    from ..errors import SeqevalSuiteError

    try:
        write_bytes(target, merged.text.encode("utf-8"))
    except OSError as exc:
        raise SeqevalSuiteError(f"{target}: cannot write ({exc.strerror or exc})") from None


def _read_card(path: str) -> str:
    """A model card's text, undecoded newlines and BOM kept (so the body is kept byte for byte)."""
    from ..errors import DataError

    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file", hint="give an existing model card (README.md)") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory", hint="give the README.md inside it") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 (byte {exc.start})", hint="model cards are UTF-8 text") from None
