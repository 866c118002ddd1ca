"""The evaluator's API: take any input form, hand it to the one scoring core.

``evaluate()`` is the Python API behind ``seqeval-suite evaluate``; it returns a
:class:`~seqeval_suite.report.Report`. Inputs become aligned blocks of tag ids
(:mod:`seqeval_suite.core.source`) and are scored by :func:`seqeval_suite.core.score.score`;
:func:`open_pairs` gives the same sentences as Python lists for analyses that need
strings (tokens, tag renaming), and :func:`score_pairs` scores such a stream through
the same core.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

from .core.options import MATCHES, MODES, Options  # noqa: F401  (re-exported API)
from .core.score import score
from .core.source import BlockSource, ConllSource, PairBlockSource, TaggedSource, aligned_tagged
from .errors import DataError, UsageError
from .report import Report
from .io.tagged import check_tag_strings

PathLike = str | os.PathLike


@dataclass(slots=True)
class Pair:
    """One sentence's gold and predicted tags, with where they came from and, when the
    input has them, its tokens (error analysis shows them)."""

    gold: Sequence[str]
    pred: Sequence[str]
    gold_lines: Sequence[int] | None = None
    pred_lines: Sequence[int] | None = None
    tokens: Sequence[str] | None = None


def evaluate(
    gold,
    pred=None,
    *,
    mode: str = "lenient",
    scheme: str = "auto",
    suffix: bool = False,
    types: Iterable[str] | str | None = None,
    delimiter: str | None = None,
    gold_column: int | None = None,
    pred_column: int | None = None,
    comments: bool = False,
    encoding: str = "utf-8",
    match: str = "strict",
    format_in: str | None = None,
    labels: Sequence[str] | str | None = None,
    alignment: str = "strict",
    beta: float = 1.0,
    level: str = "entity",
) -> Report:
    """Score predicted entities against gold entities.

    Args:
        gold: a CoNLL file path (with ``pred`` None: a one-file ``token ... gold pred``
            file), or a list of sentences, each a list of tags.
        pred: the prediction file path, or a list of tag lists, or None.
        mode: ``lenient`` (seqeval's default decoding), ``conlleval`` (exact
            conlleval.pl) or ``strict`` (only entities well formed under ``scheme``).
        scheme: ``auto`` or a scheme name (IOB1, IOB2/BIO, IOE1, IOE2, IOBES/BIOES,
            BILOU, IO); strict mode needs a name.
        suffix: tags read ``TYPE-PREFIX`` (``PER-B``).
        types: score only these entity types.
        delimiter: column separator (default: any whitespace; conlleval: one space).
            In conlleval mode it is a regular expression, as conlleval.pl's ``-d``
            (Python's ``re`` standing in for Perl's: Perl-only syntax is refused).
        gold_column, pred_column: tag column indices (default: the last column of each
            file, or the last two columns of a one-file input).
        comments: skip lines starting with ``#``.
        encoding: the files' encoding.
        match: ``strict`` (exact span and type, the default), or a partial-match
            schema: ``exact`` (span only), ``partial`` (overlap earns half credit),
            ``type`` (overlap with the right type); then ``report.micro`` and
            ``report.per_type`` hold that schema's figures (see
            :mod:`seqeval_suite.partial`). Not available in conlleval mode.
        format_in: ``conll``, ``jsonl``, ``labelstudio`` or ``spacy`` (default: from
            each file's extension, see :func:`seqeval_suite.io.formats.read_tagged`).
            Non-CoNLL input needs two files whose tokens agree.
        labels: JSON Lines with integer ``ner_tags``: the label names in id order.
        alignment: character-offset spans not on token boundaries: ``strict``
            refuses them, ``expand`` or ``contract`` snaps them to tokens (with a warning).
        beta: F-beta's beta; when not 1, reports add F-beta (``report.fbeta(name)``,
            JSON ``fbeta``, column ``F0.5``...) beside P, R and F1 (seqeval's ``beta``).
        level: ``entity`` (spans) or ``token``: each token counts for its entity type
            (prefixes ignored, O no class), as scikit-learn's
            ``precision_recall_fscore_support`` on the token types without O.

    Returns:
        A :class:`~seqeval_suite.report.Report`. In conlleval mode an input without
        tokens gives conlleval.pl's report of 0 tokens, with a warning (SPEC §3).

    Raises:
        UsageError: impossible settings (an unknown mode or schema, strict mode without
            a scheme, a conlleval ``delimiter`` that is not a regular expression).
        DataError: input that cannot be scored, naming file, line and what is wrong:
            misaligned sentences or tokens, no tokens (outside conlleval mode), a tag
            column that holds no tags or, with a ``delimiter``, mostly empty cells
            (lines ending with it), a ``types`` filter naming no type in the data.

    >>> r = evaluate([["B-PER", "I-PER", "O"]], [["B-PER", "I-PER", "O"]])
    >>> r.micro.f1, r.per_type["PER"].tp
    (1.0, 1)
    """
    options = Options.build(
        mode=mode, scheme=scheme, suffix=suffix, types=types, delimiter=delimiter,
        gold_column=gold_column, pred_column=pred_column, comments=comments, encoding=encoding, match=match,
        format_in=format_in, labels=_labels(labels), alignment=alignment, beta=beta, level=level,
    )
    report = _types_checked(score(open_source(gold, pred, options), options, allow_empty=True), options)
    return _self_checked(report, gold, pred, options)


def _self_checked(report: Report, gold, pred, options: Options) -> Report:
    """Warn when gold and prediction are the same file read at the same column: every
    figure is then 100, which is a sanity check, never a result (issue 16)."""
    from .io.conll import same_column

    if not isinstance(gold, (str, os.PathLike)) or not isinstance(pred, (str, os.PathLike)):
        return report
    if _tagged_format(gold, options) == "conll":
        column = same_column(gold, pred, options.gold_column, options.pred_column,
                             delimiter=options.delimiter, encoding=options.encoding, comments=options.comments)
        if column is not None:
            report.warnings.append(f"{gold} is both gold and prediction, read at the same column ({column}): "
                                   "it is scored against itself (every figure 100: a sanity check, not a result)")
    elif os.path.isfile(gold) and os.path.isfile(pred) and os.path.samefile(gold, pred):
        report.warnings.append(f"{gold} is both gold and prediction: it is scored against itself")
    return report


def _types_checked(report: Report, options: Options) -> Report:
    """Warn when a requested type occurs in neither side (a typo scores 0, not an error,
    in the API: a slice of a corpus may lack a type; the CLI refuses it, see
    :func:`missing_types_error`)."""
    missing = missing_types(report, options.types)
    if missing:
        report.warnings.append(f"--types {','.join(missing)}: no such entity type in gold or prediction "
                               f"(types present: {', '.join(report.types_present) or 'none'})")
    return report


def missing_types(report: Report, types) -> list[str]:
    """Requested types that occur in no tag of either side."""
    return [t for t in (types or ()) if t not in report.types_present]


def missing_types_error(report: Report | Sequence[Report], types) -> DataError | None:
    """The command line's error for ``--types`` naming a type the data do not have (a
    typo): with several reports (``compare``'s two systems, ``agree``'s pairs, ``errors``),
    a type none of them has in gold or prediction. None when there is nothing to say, or
    a report does not list its types."""
    reports = [report] if isinstance(report, Report) else list(report)
    if not types or any(getattr(r, "types_present", None) is None for r in reports):
        return None
    present = sorted(set().union(*(r.types_present for r in reports)))
    missing = [t for t in types if t not in present]
    if not missing:
        return None
    return DataError(f"--types {','.join(missing)}: no such entity type in gold or prediction",
                     hint="types present: " + (", ".join(present) or "none"))


def score_systems(gold, preds: Sequence, **settings) -> list[Report]:
    """Score several predictions against one gold, as :func:`evaluate` would one by one.

    CoNLL inputs are read side by side in one pass, so gold is read once (and may be
    ``-``); other formats are scored one prediction at a time.

    Args:
        gold: the gold file.
        preds: prediction files, one per system.
        **settings: :func:`evaluate`'s keyword arguments.

    Returns:
        One :class:`~seqeval_suite.report.Report` per prediction, in order.
    """
    from .core.score import score_each

    options = Options.build(**{**settings, "labels": _labels(settings.get("labels"))})
    if all(_conll_paths(gold, pred, options) for pred in preds):
        reports = score_each(ConllSource(str(gold), [str(p) for p in preds], options), options)
        return [_self_checked(_types_checked(report, options), gold, pred, options)
                for report, pred in zip(reports, preds)]
    return [evaluate(gold, pred, **settings) for pred in preds]


def _labels(labels):
    return tuple(labels) if isinstance(labels, list) else labels


def open_source(gold, pred, options: Options) -> BlockSource:
    """The :class:`~seqeval_suite.core.source.BlockSource` of any accepted input form.

    CoNLL paths (``-`` for stdin, FIFOs, ``.gz``) are read by the block reader; other
    formats and tag lists become sentence pairs (:func:`open_pairs`) batched into blocks.
    """
    if _conll_paths(gold, pred, options):
        return ConllSource(str(gold), None if pred is None else str(pred), options)
    if isinstance(gold, (str, os.PathLike)) and isinstance(pred, (str, os.PathLike)):
        return TaggedSource(*_read_tagged_pair(str(gold), str(pred), options))
    return PairBlockSource(open_pairs(gold, pred, options))


def _conll_paths(gold, pred, options: Options) -> bool:
    paths = isinstance(gold, (str, os.PathLike)) and (pred is None or isinstance(pred, (str, os.PathLike)))
    return paths and all(_tagged_format(path, options) == "conll" for path in (gold, pred) if path is not None)


class PairSource:
    """An iterable of :class:`Pair` plus what the evaluator needs to name problems."""

    def __init__(self, pairs: Iterator[Pair], gold_name: str, pred_name: str, readers=()) -> None:
        self.pairs = pairs
        self.gold_name = gold_name
        self.pred_name = pred_name
        self.readers = readers
        self.warnings: list[str] = []

    @property
    def documents(self) -> int:
        """Documents in gold (``-DOCSTART-`` lines), at least 1 when there is data."""
        return self.readers[0].documents if self.readers else 0


def open_pairs(gold, pred, options: Options) -> PairSource:
    """Turn any accepted input form into a stream of :class:`Pair`."""
    if isinstance(gold, (str, os.PathLike)):
        if pred is None:
            if _tagged_format(gold, options) != "conll":
                raise UsageError(f"{gold}: one-file input is CoNLL only ('token ... gold pred')",
                                 hint="give the gold and the prediction file")
            return _conll_pairs(str(gold), None, options)
        if not isinstance(pred, (str, os.PathLike)):
            raise UsageError("gold is a path but pred is not", hint="pass two paths or two lists of tag lists")
        if _tagged_format(gold, options) != "conll" or _tagged_format(pred, options) != "conll":
            return _tagged_files(str(gold), str(pred), options)
        return _conll_pairs(str(gold), str(pred), options)
    if pred is None:
        raise UsageError("tag lists need both gold and pred")
    if isinstance(pred, (str, os.PathLike)):
        raise UsageError("pred is a path but gold is not", hint="pass two paths or two lists of tag lists")
    return _lists(gold, pred)


def _tagged_format(path, options: Options) -> str:
    from .io.formats import detect_format

    return (options.format_in or detect_format(path)).lower()


def _read_tagged_pair(gold_path: str, pred_path: str, options: Options):
    """Readers of two files of any format :func:`~seqeval_suite.io.formats.read_tagged` reads."""
    from .io.formats import read_tagged

    if options.mode == "conlleval":
        raise UsageError("conlleval mode reads CoNLL text exactly as conlleval.pl does",
                         hint="convert the files with `seqeval-suite convert`, or use --mode lenient")
    opts = dict(delimiter=options.delimiter, comments=options.comments, encoding=options.encoding,
                labels=options.labels, alignment=options.alignment)
    gold = read_tagged(gold_path, format=options.format_in, column=_or_last(options.gold_column), **opts)
    pred = read_tagged(pred_path, format=options.format_in, column=_or_last(options.pred_column), **opts)
    return gold, pred


def _tagged_files(gold_path: str, pred_path: str, options: Options) -> PairSource:
    """Two files of any format as sentence pairs."""
    gold, pred = _read_tagged_pair(gold_path, pred_path, options)
    source = PairSource(iter(()), gold.path, pred.path, (gold, pred))

    def pairs() -> Iterator[Pair]:
        for g, p in aligned_tagged(gold, pred):
            yield Pair(g.tags, p.tags, [g.line] * len(g.tags), [p.line] * len(p.tags), g.tokens)
        source.warnings.extend(gold.warnings + pred.warnings)

    source.pairs = pairs()
    return source


def _or_last(column: int | None) -> int:
    return -1 if column is None else column


def _lists(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> PairSource:
    if len(gold) != len(pred):
        raise DataError(f"gold has {len(gold)} sentences but pred has {len(pred)}")

    def pairs() -> Iterator[Pair]:
        for i, (g, p) in enumerate(zip(gold, pred), 1):
            if isinstance(g, str) or isinstance(p, str):
                raise UsageError("expected a list of sentences, each a list of tags")
            if len(g) != len(p):
                raise DataError(f"sentence {i} has {len(g)} tags in gold but {len(p)} in pred")
            for side, tags in (("gold", g), ("pred", p)):
                check_tag_strings(tags, f"{side} sentence {i}")
            if len(g):
                yield Pair(g, p)

    return PairSource(pairs(), "gold", "pred")


def _conll_pairs(gold: str, pred: str | None, options: Options) -> PairSource:
    """CoNLL input as sentence pairs, read by the same block reader the scorer uses."""
    conll = ConllSource(gold, pred, options)
    source = PairSource(iter(()), conll.gold_name, conll.pred_name, (conll.gold_reader,))
    source.warnings = conll.warnings
    source.pairs = (Pair(*row) for row in conll.sentence_pairs())
    return source


def score_pairs(source: PairSource, options: Options) -> Report:
    """Score a stream of sentence pairs under ``options`` (through the one core)."""
    return score(PairBlockSource(source), options)
