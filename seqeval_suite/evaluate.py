"""The core evaluator: read (or take) tags, decode them into spans, match, count.

``evaluate()`` is the Python API behind ``seqeval-suite evaluate``; it returns a
:class:`~seqeval_suite.report.Report`.
"""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

from .conlleval import ChunkCounter, misscored_reason
from .errors import DataError, UsageError
from .io.conll import ConllReader, Sentence
from .counts import Counts
from .report import Report, SentenceCounts
from .schemes import (
    SCHEME_PREFIXES,
    TagTable,
    count_transitions,
    decode_lenient,
    decode_strict,
    detect_scheme,
    ill_formed_transitions,
    normalize_scheme,
    strict_type,
    uncovered_runs,
)

MODES = ("lenient", "conlleval", "strict")
#: Matching schemas: exact span and type (``strict``, the default) and the three
#: partial-match schemas of SemEval-2013 Task 9.1 (see :mod:`seqeval_suite.partial`).
MATCHES = ("strict", "exact", "partial", "type")
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


@dataclass(frozen=True)
class Options:
    """Scoring settings shared by every input form (see :func:`evaluate`)."""

    mode: str = "lenient"
    scheme: str = "auto"
    suffix: bool = False
    types: tuple[str, ...] | None = None
    delimiter: str | None = None
    gold_column: int | None = None
    pred_column: int | None = None
    comments: bool = False
    encoding: str = "utf-8"
    match: str = "strict"
    #: Input format (conll, jsonl, labelstudio, spacy); None: by extension.
    format_in: str | None = None
    #: JSON readers: names for integer ``ner_tags``; what to do with misaligned spans.
    labels: tuple[str, ...] | str | None = None
    alignment: str = "strict"

    @classmethod
    def build(cls, **kwargs) -> "Options":
        """Validate and normalise settings; impossible combinations are usage errors."""
        mode = str(kwargs.get("mode", "lenient")).lower()
        if mode not in MODES:
            raise UsageError(f"unknown mode {mode!r}", hint="choose lenient, conlleval or strict")
        kwargs["mode"] = mode
        kwargs["scheme"] = normalize_scheme(str(kwargs.get("scheme", "auto")))
        if mode == "strict" and kwargs["scheme"] == "auto":
            raise UsageError(
                "strict mode needs a named scheme", hint="pass --scheme IOB2 (or IOB1, IOE1, IOE2, IOBES, BILOU, IO)"
            )
        kwargs["match"] = _match_setting(kwargs.get("match", "strict"), mode)
        types = kwargs.get("types")
        if types is not None:
            if isinstance(types, str):
                types = [t for t in types.split(",") if t]
            kwargs["types"] = tuple(sorted(set(types)))
        return cls(**kwargs)


def _match_setting(value, mode: str) -> str:
    match = str(value).lower()
    if match == "ent_type":
        match = "type"  # nervaluate's name for it
    if match not in MATCHES:
        raise UsageError(f"unknown match {value!r}", hint="choose strict, exact, partial or type")
    if match != "strict" and mode == "conlleval":
        raise UsageError(f"--match {match} needs entity spans, which conlleval mode does not keep",
                         hint="use --mode lenient (or strict) with --match")
    return match


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

    Returns:
        A :class:`~seqeval_suite.report.Report`.

    >>> r = evaluate([["B-PER", "I-PER", "O"]], [["B-PER", "I-PER", "O"]])
    >>> r.micro.f1, r.per_type["PER"].tp
    (1.0, 1)
    """
    options = Options.build(
        mode=mode, scheme=scheme, suffix=suffix, types=types, delimiter=delimiter,
        gold_column=gold_column, pred_column=pred_column, comments=comments, encoding=encoding, match=match,
        format_in=format_in, labels=tuple(labels) if isinstance(labels, list) else labels, alignment=alignment,
    )
    from . import fastpath

    if fastpath.fast_eligible(gold, pred, options):
        from .io.conll import Unsupported

        try:
            if options.mode == "conlleval":
                return fastpath.fast_conlleval(gold, pred, options)
            return fastpath.fast_score(gold, pred, options)
        except (Unsupported, OSError, EOFError):
            pass  # the streaming path reads it, or names the problem precisely
    source = open_pairs(gold, pred, options)
    return score_pairs(source, options)


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
            return _one_file(str(gold), options)
        if not isinstance(pred, (str, os.PathLike)):
            raise UsageError("gold is a path but pred is not", hint="pass two paths or two lists of tag lists")
        if _tagged_format(gold, options) != "conll" or _tagged_format(pred, options) != "conll":
            return _tagged_files(str(gold), str(pred), options)
        return _two_files(str(gold), str(pred), options)
    if pred is None:
        raise UsageError("tag lists need both gold and pred")
    if isinstance(pred, (str, os.PathLike)):
        raise UsageError("pred is a path but gold is not", hint="pass two paths or two lists of tag lists")
    return _lists(gold, pred)


def _tagged_format(path, options: Options) -> str:
    from .io.formats import detect_format

    return (options.format_in or detect_format(path)).lower()


def _tagged_files(gold_path: str, pred_path: str, options: Options) -> PairSource:
    """Two files of any format :func:`~seqeval_suite.io.formats.read_tagged` reads."""
    from .io.formats import read_tagged

    if options.mode == "conlleval":
        raise UsageError("conlleval mode reads CoNLL text exactly as conlleval.pl does",
                         hint="convert the files with `seqeval-suite convert`, or use --mode lenient")
    opts = dict(delimiter=options.delimiter, comments=options.comments, encoding=options.encoding,
                labels=options.labels, alignment=options.alignment)
    gold = read_tagged(gold_path, format=options.format_in, column=_or_last(options.gold_column), **opts)
    pred = read_tagged(pred_path, format=options.format_in, column=_or_last(options.pred_column), **opts)
    source = PairSource(iter(()), gold.path, pred.path, (gold, pred))

    def pairs() -> Iterator[Pair]:
        index = 0
        for g, p in _zip_tagged(gold, pred):
            index += 1
            check_tagged_aligned(g, p, index, gold.path, pred.path)
            yield Pair(g.tags, p.tags, [g.line] * len(g.tags), [p.line] * len(p.tags), g.tokens)
        source.warnings.extend(gold.warnings + pred.warnings)

    source.pairs = pairs()
    return source


def _or_last(column: int | None) -> int:
    return -1 if column is None else column


def _zip_tagged(gold, pred):
    """Pairs of sentences; a file that ends first is an error naming both files."""
    gold_iter, pred_iter = iter(gold), iter(pred)
    index = 0
    while True:
        g, p = next(gold_iter, None), next(pred_iter, None)
        if g is None and p is None:
            return
        if g is None or p is None:
            longer, shorter = (gold.path, pred.path) if g is not None else (pred.path, gold.path)
            raise DataError(
                f"{shorter} ends after {index} sentences but {longer} goes on "
                f"(sentence {index + 1} at {longer}:{(g or p).line})",
                hint="is the prediction file truncated, or the wrong file?",
            )
        index += 1
        yield g, p


def check_tagged_aligned(g, p, index: int, g_name: str, p_name: str) -> None:
    """Two :class:`~seqeval_suite.io.formats.TaggedSentence` must hold the same tokens.

    Raises:
        DataError: naming both files, the sentence, its lines and the first difference.
    """
    if len(g.tokens) != len(p.tokens):
        raise DataError(
            f"sentence {index} has {len(g.tokens)} tokens in {g_name} (line {g.line}) "
            f"but {len(p.tokens)} in {p_name} (line {p.line})",
            hint="the files must hold the same tokens; was the prediction re-tokenized?",
        )
    for k, (a, b) in enumerate(zip(g.tokens, p.tokens)):
        if a != b:
            raise DataError(
                f"token mismatch at sentence {index}, token {k + 1}: {a!r} at {g_name}:{g.line} "
                f"but {b!r} at {p_name}:{p.line}",
                hint="gold and prediction must hold the same tokens in the same order",
            )


def _lists(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> PairSource:
    if len(gold) != len(pred):
        raise DataError(f"gold has {len(gold)} sentences but pred has {len(pred)}")

    def pairs() -> Iterator[Pair]:
        for i, (g, p) in enumerate(zip(gold, pred), 1):
            if isinstance(g, str) or isinstance(p, str):
                raise UsageError("expected a list of sentences, each a list of tags")
            if len(g) != len(p):
                raise DataError(f"sentence {i} has {len(g)} tags in gold but {len(p)} in pred")
            if g:
                yield Pair(g, p)

    return PairSource(pairs(), "gold", "pred")


def _reader(path: str, options: Options) -> ConllReader:
    return ConllReader(
        path, delimiter=options.delimiter, comments=options.comments,
        conlleval=options.mode == "conlleval", encoding=options.encoding,
    )


def _tag(sentence: Sentence, column: int, name: str, i: int) -> list[str]:
    try:
        return sentence.column(column)
    except IndexError:
        width = len(sentence.rows[0])
        raise DataError(
            f"{name}:{sentence.lines[0]}: no column {column}: the line has {width} column{'s' if width != 1 else ''}",
            hint="one-file input needs 'token ... gold pred'; give the prediction file too, or --gold-column/--pred-column",
        ) from None


def _tokens(sentence: Sentence, tag_column: int) -> list[str] | None:
    """Column 0, unless it is the tag column itself (a tags-only file has no tokens)."""
    width = len(sentence.rows[0])
    return sentence.column(0) if tag_column % width != 0 else None


def _one_file(path: str, options: Options) -> PairSource:
    reader = _reader(path, options)
    gold_col = -2 if options.gold_column is None else options.gold_column
    pred_col = -1 if options.pred_column is None else options.pred_column

    def pairs() -> Iterator[Pair]:
        for i, sentence in enumerate(reader, 1):
            if options.mode == "conlleval" and len(sentence.rows[0]) < 2:
                raise DataError(
                    f"{reader.name}:{sentence.lines[0]}: unexpected number of features: "
                    f"{len(sentence.rows[0])} field where conlleval.pl needs at least 2",
                    hint="the file needs 'token ... gold pred'; for tab-separated files pass --delimiter '\\t'",
                )
            gold = _tag(sentence, gold_col, reader.name, i)
            pred = _tag(sentence, pred_col, reader.name, i)
            yield Pair(gold, pred, sentence.lines, sentence.lines, _tokens(sentence, gold_col))

    return PairSource(pairs(), reader.name, reader.name, (reader,))


def _two_files(gold_path: str, pred_path: str, options: Options) -> PairSource:
    gold_reader = _reader(gold_path, options)
    pred_reader = _reader(pred_path, options)
    gold_col = -1 if options.gold_column is None else options.gold_column
    pred_col = -1 if options.pred_column is None else options.pred_column
    g_name, p_name = gold_reader.name, pred_reader.name
    source = PairSource(iter(()), g_name, p_name, (gold_reader, pred_reader))

    def pairs() -> Iterator[Pair]:
        gold_iter, pred_iter = iter(gold_reader), iter(pred_reader)
        index = 0
        while True:
            g = next(gold_iter, None)
            p = next(pred_iter, None)
            if g is None or p is None:
                break
            index += 1
            _check_aligned(g, p, index, g_name, p_name, gold_col, pred_col)
            yield Pair(_tag(g, gold_col, g_name, index), _tag(p, pred_col, p_name, index), g.lines, p.lines,
                       _tokens(g, gold_col))
        if g is not None or p is not None:
            longer, shorter = (g_name, p_name) if g is not None else (p_name, g_name)
            line = (g or p).lines[0]
            raise DataError(
                f"{shorter} ends after {index} sentences but {longer} goes on "
                f"(sentence {index + 1} at {longer}:{line})",
                hint="is the prediction file truncated, or the wrong file?",
            )
        if gold_reader.documents != pred_reader.documents:
            source.warnings.append(
                f"-DOCSTART- lines differ: {g_name} has {gold_reader.documents}, "
                f"{p_name} has {pred_reader.documents}; documents are taken from gold"
            )

    source.pairs = pairs()
    return source


def _check_aligned(g: Sentence, p: Sentence, index: int, g_name: str, p_name: str, gold_col: int, pred_col: int) -> None:
    """Sentences must have the same length and, when both files carry tokens, the same tokens."""
    if len(g.rows) != len(p.rows):
        raise DataError(
            f"sentence {index} has {len(g.rows)} tokens in {g_name} (line {g.lines[0]}) "
            f"but {len(p.rows)} in {p_name} (line {p.lines[0]})",
            hint="the files must hold the same tokens; was the prediction re-tokenized?",
        )
    g_width, p_width = len(g.rows[0]), len(p.rows[0])
    if g_width < 2 or p_width < 2 or gold_col % g_width == 0 or pred_col % p_width == 0:
        return
    for k, (g_row, p_row) in enumerate(zip(g.rows, p.rows)):
        if g_row[0] != p_row[0]:
            raise DataError(
                f"token mismatch at sentence {index}, token {k + 1}: {g_row[0]!r} at "
                f"{g_name}:{g.lines[k]} but {p_row[0]!r} at {p_name}:{p.lines[k]}",
                hint="gold and prediction must hold the same tokens in the same order",
            )


# ----------------------------------------------------------------------- scoring
def score_pairs(source: PairSource, options: Options) -> Report:
    """Score a stream of sentence pairs under ``options``."""
    if options.mode == "conlleval":
        report = _score_conlleval(source, options)
    else:
        report = _score_spans(source, options)
    report.warnings[:0] = source.warnings
    report.documents = max(source.documents, 1) if report.sentences else 0
    return report


def _empty_error(source: PairSource) -> DataError:
    readers = source.readers
    if readers:
        for reader in readers:
            if getattr(reader, "nonblank_lines", None) == 0:
                what = "is empty" if reader.lines_read == 0 else "has only blank lines"
                return DataError(f"{reader.name} {what}: no tokens to score", hint="is this the right file?")
    return DataError("no tokens to score", hint="the input holds no sentences")


def _score_spans(source: PairSource, options: Options) -> Report:
    strict = options.mode == "strict"
    scheme = options.scheme
    gold_table = TagTable(suffix=options.suffix, lenient=not strict)
    pred_table = TagTable(suffix=options.suffix, lenient=not strict)
    keep = set(options.types) if options.types is not None else None
    per_type: dict[str, list[int]] = {}
    report = Report(per_type={}, mode=options.mode, scheme_setting=scheme, suffix=options.suffix,
                    types=options.types)
    counts = report.sentence_counts
    transitions = {"gold": Counter(), "pred": Counter()}
    dropped = {"gold": 0, "pred": 0}
    first_invalid: dict[str, int | None] = {"gold": None, "pred": None}
    tokens = correct_tags = sentences = 0
    partial = _PartialTally(options.match) if options.match != "strict" else None
    for pair in source.pairs:
        if strict:
            g_parsed = _parse_strict(pair.gold, gold_table, scheme, source.gold_name, pair.gold_lines)
            p_parsed = _parse_strict(pair.pred, pred_table, scheme, source.pred_name, pair.pred_lines)
            g_spans = decode_strict(g_parsed, scheme)
            p_spans = decode_strict(p_parsed, scheme)
            dropped["gold"] += uncovered_runs(g_parsed, g_spans)
            dropped["pred"] += uncovered_runs(p_parsed, p_spans)
        else:
            g_parsed = gold_table.parse_all(pair.gold)
            p_parsed = pred_table.parse_all(pair.pred)
            for side, table, tags, lines in (("gold", gold_table, pair.gold, pair.gold_lines),
                                             ("pred", pred_table, pair.pred, pair.pred_lines)):
                if table.invalid and first_invalid[side] is None:
                    k = next(k for k, tag in enumerate(tags) if table.parse(tag) is None)
                    first_invalid[side] = lines[k] if lines is not None else -1
            g_spans = decode_lenient(g_parsed)
            p_spans = decode_lenient(p_parsed)
            count_transitions(g_parsed, transitions["gold"])
            count_transitions(p_parsed, transitions["pred"])
        if keep is not None:
            g_spans = [s for s in g_spans if s[2] in keep]
            p_spans = [s for s in p_spans if s[2] in keep]
        _match(sentences, g_spans, p_spans, per_type, counts)
        if partial is not None:
            partial.add(sentences, g_spans, p_spans)
        tokens += len(pair.gold)
        correct_tags += sum(1 for g, p in zip(pair.gold, pair.pred) if g == p)
        sentences += 1
    if not sentences:
        raise _empty_error(source)
    report.per_type = {t: Counts(*c) for t, c in per_type.items()}
    report.tokens, report.sentences, report.correct_tags = tokens, sentences, correct_tags
    report.invalid_tags = {"gold": sum(gold_table.invalid.values()), "pred": sum(pred_table.invalid.values())}
    if partial is not None:
        partial.fill(report)
    if strict:
        report.scheme, report.scheme_note = scheme, "named"
        report.ill_formed, report.ill_formed_kind = dropped, "dropped_runs"
        for side, n in dropped.items():
            if n:
                name = source.gold_name if side == "gold" else source.pred_name
                report.warnings.append(
                    f"{name}: {n} ill-formed {scheme} run{'s' if n != 1 else ''} yielded no entity (strict mode)"
                )
    else:
        _describe_scheme(report, transitions, scheme)
        for side, table in (("gold", gold_table), ("pred", pred_table)):
            if table.invalid:
                name = source.gold_name if side == "gold" else source.pred_name
                line = first_invalid[side]
                report.warnings.append(_invalid_warning(name, table.invalid, line if line != -1 else None))
    return report


class _PartialTally:
    """Partial-match counts of every schema, plus per-sentence cells of the chosen one.

    The cells hold doubled credit so that half credit stays an integer: ``tp`` is
    ``2·(COR + ½·PAR)``, ``fp`` and ``fn`` twice what ACT and POS leave over. Precision,
    recall and F1 are ratios, so the doubling changes none of them; bootstrap
    intervals resample these cells.
    """

    def __init__(self, schema: str) -> None:
        from .partial import PartialMatcher

        self.schema = schema
        self.matcher = PartialMatcher()
        self.cells = SentenceCounts()

    def fill(self, report: Report) -> None:
        """Put the chosen schema's figures where a report's scores are read from."""
        from .partial import as_counts

        report.match = self.schema
        report.partial = self.matcher.results()
        report.match_cells = self.cells
        report.exact_per_type = report.per_type
        report.per_type = {t: as_counts(c[self.schema], self.schema) for t, c in self.matcher.per_type.items()}
        report.micro_override = as_counts(self.matcher.overall[self.schema], self.schema)

    def add(self, sentence: int, gold, pred) -> None:
        from .partial import doubled_credit

        if not gold and not pred:
            return
        counts = self.matcher.add(gold, pred)[self.schema]
        tp, fp, fn = doubled_credit(counts, self.schema)
        self.cells.add(sentence, "*", tp, fp, fn)


def _describe_scheme(report: Report, transitions: dict[str, Counter], scheme: str) -> None:
    """Name the scheme (given or detected on gold) and count ill-formed transitions."""
    if scheme != "auto":
        report.scheme, report.scheme_note = scheme, "named"
        used = scheme
    else:
        detection = detect_scheme(transitions["gold"])
        report.scheme, report.scheme_note = detection.label(), detection.note
        used = detection.scheme
    if used is None:
        report.ill_formed = {"gold": None, "pred": None}
    else:
        report.ill_formed = {side: ill_formed_transitions(t, used) for side, t in transitions.items()}


def _invalid_warning(name: str, invalid: Counter, first_line: int | None = None) -> str:
    """One warning for all invalid tags of a side: count, commonest tags, first line."""
    n = sum(invalid.values())
    common = sorted(invalid.items(), key=lambda item: (-item[1], item[0]))[:3]
    examples = ", ".join(repr(t) for t, _ in common)
    where = f"{name}:{first_line}" if first_line is not None else name
    return (
        f"{where}: {n} invalid tag{'s' if n != 1 else ''} read as O ({examples}; the first on this line); "
        "seqeval would turn some of these into entities of made-up types"
    ) if first_line is not None else (
        f"{where}: {n} invalid tag{'s' if n != 1 else ''} read as O ({examples}); "
        "seqeval would turn some of these into entities of made-up types"
    )


def _parse_strict(tags: Sequence[str], table: TagTable, scheme: str, name: str, lines) -> list[tuple[str, str]]:
    allowed = SCHEME_PREFIXES[scheme]
    out = []
    for k, tag in enumerate(tags):
        parsed = table.parse(tag)
        if parsed is None or (parsed[0] != "O" and parsed[0] not in allowed):
            where = f"{name}:{lines[k]}" if lines is not None else f"{name}"
            if parsed is None:
                raise DataError(f"{where}: invalid tag {tag!r} (strict mode)",
                                hint="valid tags are O, PREFIX-TYPE or a bare prefix; use --mode lenient to read it as O")
            raise DataError(f"{where}: tag {tag!r} has prefix {parsed[0]}, which {scheme} does not have",
                            hint="check --scheme (try --scheme auto in lenient mode to detect it)")
        out.append(parsed if parsed[0] == "O" else (parsed[0], strict_type(parsed[1])))
    return out


def _match(sentence: int, gold, pred, per_type: dict[str, list[int]], counts) -> None:
    """Exact span-and-type matching of one sentence; adds to totals and the sentence table."""
    if not gold and not pred:
        return
    gold_set, pred_set = set(gold), set(pred)
    local: dict[str, list[int]] = {}
    for span in gold_set:
        cell = local.setdefault(span[2], [0, 0, 0])
        if span in pred_set:
            cell[0] += 1
        else:
            cell[2] += 1
    for span in pred_set:
        if span not in gold_set:
            local.setdefault(span[2], [0, 0, 0])[1] += 1
    for type_, (tp, fp, fn) in local.items():
        total = per_type.get(type_)
        if total is None:
            total = per_type[type_] = [0, 0, 0]
        total[0] += tp
        total[1] += fp
        total[2] += fn
        counts.add(sentence, type_, tp, fp, fn)


def _score_conlleval(source: PairSource, options: Options) -> Report:
    counter = ChunkCounter()
    table = TagTable(suffix=False, lenient=True)
    invalid = {"gold": Counter(), "pred": Counter()}
    misscored: str | None = None
    for pair in source.pairs:
        counter.add_sentence(pair.gold, pair.pred)
        if misscored is None:
            misscored = misscored_reason(pair.gold, pair.pred)
        for side, tags in (("gold", pair.gold), ("pred", pair.pred)):
            for tag in tags:
                if table.parse(tag) is None and tag != "-X-":
                    invalid[side][tag] += 1
    counter.finish(trailing_boundary=_ends_with_boundary(source))
    if not counter.sentence:
        raise _empty_error(source)
    report = _counter_report(counter, options)
    report.invalid_tags = {side: sum(c.values()) for side, c in invalid.items()}
    _fill_sentence_counts(report, counter, set(options.types) if options.types is not None else None)
    _conlleval_warnings(report, misscored, invalid, source.gold_name, source.pred_name)
    return report


def _counter_report(counter: ChunkCounter, options: Options) -> Report:
    """A conlleval-mode :class:`Report` of finished chunk counts (both scoring paths use it)."""
    keep = set(options.types) if options.types is not None else None
    per_type = {}
    for t in set(counter.gold) | set(counter.found):
        if keep is not None and t not in keep:
            continue
        c = counter.correct.get(t, 0)
        per_type[t] = Counts(c, counter.found.get(t, 0) - c, counter.gold.get(t, 0) - c)
    report = Report(per_type=per_type, mode="conlleval", scheme_setting=options.scheme, suffix=False,
                    types=options.types, tokens=counter.tokens, sentences=counter.sentence,
                    correct_tags=counter.correct_tags, conlleval_counter=counter)
    report.scheme, report.scheme_note = (options.scheme, "named") if options.scheme != "auto" else (
        "n/a", "conlleval.pl does not use a scheme")
    report.ill_formed, report.ill_formed_kind = {"gold": None, "pred": None}, "not counted in conlleval mode"
    return report


def _conlleval_warnings(report: Report, misscored: str | None, outside: dict[str, Counter],
                        gold_name: str, pred_name: str) -> None:
    """Warn about tags conlleval.pl mis-scores and tags outside the BIO family."""
    if misscored:
        report.warnings.append(
            f"the data hold {misscored}, which conlleval.pl mis-scores; "
            "--mode lenient scores them as seqeval does"
        )
    for side, c in outside.items():
        if c:
            name = gold_name if side == "gold" else pred_name
            n = sum(c.values())
            common = sorted(c.items(), key=lambda item: (-item[1], item[0]))[:3]
            examples = ", ".join(repr(t) for t, _ in common)
            report.warnings.append(
                f"{name}: {n} tag{'s' if n != 1 else ''} outside the BIO family ({examples}) "
                "scored as conlleval.pl scores them"
            )


def _ends_with_boundary(source: PairSource) -> bool:
    """Whether the (gold, or one-file) input's last line is a blank or ``-X-`` line.

    conlleval.pl steps its chunk state once per line, so a file whose last line is a
    token ends without the closing boundary step, which can change the correct count.
    """
    if not source.readers:
        return True
    return source.readers[0].ends_with_boundary


def _fill_sentence_counts(report: Report, counter: ChunkCounter, keep: set[str] | None) -> None:
    for sentence in sorted(counter.by_sentence):
        bucket = counter.by_sentence[sentence]
        kinds: dict[str, list[int]] = {}
        for (type_, kind), n in bucket.items():
            if keep is not None and type_ not in keep:
                continue
            cell = kinds.setdefault(type_, [0, 0, 0])
            cell[("correct", "found", "gold").index(kind)] += n
        for type_, (correct, found, gold) in kinds.items():
            report.sentence_counts.add(sentence, type_, correct, found - correct, gold - correct)
