"""Operating points: entity-level precision, recall and F1 at every score threshold (issue 18).

A prediction that carries a confidence can be kept or dropped by a threshold; this
module says what each choice of threshold gives, per entity type and overall.

**Matching.** A predicted entity ``(sentence, start, end, type)`` is a true positive
when gold has an entity with the same sentence, span and type, one to one: when several
predictions hit the same gold entity, the highest-scored one is the match (on equal
scores the first in the file; either way the curve is the same, since equal scores are
kept or dropped together). Gold entities are a multiset, as in :mod:`seqeval_suite.nested`.
Each prediction is then ``(score, matched)``.

**The curve.** At threshold ``t`` the predictions scoring ``>= t`` are kept:
``TP(t)`` matched ones, ``FP(t)`` the others, ``FN(t) = gold - TP(t)``; precision and
recall come from these counts as everywhere (:class:`~seqeval_suite.counts.Counts`,
0/0 = 0). The thresholds are the distinct scores, as scikit-learn's
``precision_recall_curve`` takes them (``_binary_clf_curve``: equal scores form one
threshold, compared exactly, no rounding). So on the same matched/unmatched
predictions our precision is scikit-learn's, and our recall is its recall times
``matched / gold``: scikit-learn divides by the positives among the *predictions*,
while a gold entity no prediction found is a miss at every threshold and counts here.

**scikit-learn's conventions, kept.** Its curve ends with the point precision 1,
recall 0, which no threshold reaches (with nothing kept precision would be 0/0); we
draw and integrate the curve from that point too, and :meth:`Curve.sklearn_layout`
gives the arrays in its order (thresholds ascending, that point last). Average
precision is ``average_precision_score``'s step sum ``Σ (R_k - R_{k-1}) · P_k`` over
thresholds in descending order with ``R_0 = 0``, with our recall, so it equals
scikit-learn's AP times ``matched / gold``. Scores may be any finite numbers (decision
values too); NaN and infinities are refused, as scikit-learn refuses them.

**Best threshold.** The threshold of the highest F1 (``--beta``: F-beta), compared
exactly from the counts; on a tie the *highest* threshold wins (fewer predictions kept
for the same score). F-beta is reported as :func:`~seqeval_suite.counts.fbeta_of`
computes it, as ``evaluate`` does. A type with no prediction has no best threshold.

**Entity scores from token scores (CoNLL).** A CoNLL prediction has a tag column and a
score column; its tags are decoded leniently (seqeval's rules, SPEC §2) and an
entity's score combines the scores of its tokens: ``min`` (default: an entity is as
sure as its least sure token, so no token of a kept entity scores below the
threshold), ``mean``, ``max`` or ``first`` (the B- token's). Only the scores of tokens
inside a predicted entity are read; other tokens may hold anything (``-``).

>>> report = operating_points([[(0, 2, "PER"), (3, 4, "LOC")]],
...                           [[(0, 2, "PER", 0.9), (3, 4, "LOC", 0.4), (5, 6, "LOC", 0.7)]])
>>> [(p.threshold, p.counts.tp, p.counts.fp) for p in report.overall.points]
[(0.9, 1, 0), (0.7, 1, 1), (0.4, 2, 1)]
>>> best = report.overall.best()
>>> best.threshold, round(best.counts.f1, 4), round(report.overall.average_precision, 4)
(0.4, 0.8, 0.8333)
"""
from __future__ import annotations

import math
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import islice, zip_longest
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Sequence

from .counts import Counts, fbeta_of
from .errors import DataError, UsageError

SCHEMA_VERSION = 1
COMBINE = ("min", "mean", "max", "first")
GOLD_FORMATS = ("conll", "jsonl", "labelstudio", "spacy", "brat")
PRED_FORMATS = ("conll", "jsonl", "spacy")
OUTPUT_FORMATS = ("table", "json", "csv", "markdown")
OVERALL = "overall"
#: spaCy's SpanCategorizer writes its spans (and ``attrs["scores"]``) under this key.
DEFAULT_SPAN_KEY = "sc"
#: CoNLL predictions: ``token ... tag score`` unless --column/--score-column say otherwise.
DEFAULT_TAG_COLUMN = -2
DEFAULT_SCORE_COLUMN = -1
#: Sentences decoded per call of the scoring core's decoder (a call per sentence is slow).
DECODE_BATCH = 1024
MAX_EXAMPLES = 3

#: A gold entity of one sentence: ``(start, end, type)``, token offsets, end exclusive.
Entity = tuple[int, int, str]
#: A predicted entity of one sentence: ``(start, end, type, score)``.
ScoredEntity = tuple[int, int, str, float]


# ---------------------------------------------------------------------- values
@dataclass(frozen=True, slots=True)
class Point:
    """The counts when every prediction scoring ``>= threshold`` is kept.

    >>> p = Point(0.5, Counts(3, 1, 2))
    >>> p.counts.precision, round(p.fbeta(2.0), 4)
    (0.75, 0.625)
    """

    threshold: float
    counts: Counts

    def fbeta(self, beta: float) -> float:
        """F-beta at this threshold (seqeval's formula on precision and recall)."""
        return fbeta_of(self.counts.precision, self.counts.recall, beta)

    def to_dict(self, beta: float | None = None) -> dict:
        """The JSON form: threshold, precision, recall, f1 (and ``f_beta``), tp, fp, fn."""
        c = self.counts
        out = {"threshold": self.threshold, "precision": c.precision, "recall": c.recall, "f1": c.f1}
        if beta is not None:
            out["f_beta"] = self.fbeta(beta)
        out.update(tp=c.tp, fp=c.fp, fn=c.fn)
        return out


@dataclass(frozen=True, slots=True)
class Curve:
    """The operating points of one type (or all types): ``points`` in descending
    threshold order, one per distinct score; ``gold`` the gold entities of the type.

    >>> c = curve([(0.8, True), (0.8, False), (0.3, True)], gold=3)
    >>> [(p.threshold, p.counts.tp, p.counts.fp, p.counts.fn) for p in c.points]
    [(0.8, 1, 1, 2), (0.3, 2, 1, 1)]
    >>> c.sklearn_layout()[0]
    [0.6666666666666666, 0.5, 1.0]
    """

    gold: int
    points: tuple[Point, ...]

    @property
    def predicted(self) -> int:
        """Predicted entities (all kept at the lowest threshold)."""
        return self.points[-1].counts.predicted if self.points else 0

    @property
    def average_precision(self) -> float:
        """``Σ (R_k - R_{k-1}) · P_k`` over descending thresholds, ``R_0 = 0``
        (scikit-learn's ``average_precision_score`` with recall over all gold entities)."""
        total, previous = 0.0, 0.0
        for point in self.points:
            recall = point.counts.recall
            total += (recall - previous) * point.counts.precision
            previous = recall
        return total

    def best(self, beta: float = 1.0) -> Point | None:
        """The point of highest F-beta, compared exactly from the counts; ties go to the
        highest threshold. None when there is no prediction.

        With ``b² = N/D`` exactly (a float is a ratio of integers), F-beta is
        ``(D+N)·tp / ((D+N)·tp + N·fn + D·fp)``: integers, compared by cross-multiplying,
        so two thresholds with equal counts-derived scores tie exactly.
        """
        ratio = Fraction(beta) ** 2
        n, d = ratio.numerator, ratio.denominator
        chosen, top_num, top_den = None, -1, 1
        for point in self.points:  # descending: a later point must be strictly better
            c = point.counts
            num = (d + n) * c.tp
            den = num + n * c.fn + d * c.fp  # > 0: a point keeps at least one prediction
            if num * top_den > top_num * den:
                chosen, top_num, top_den = point, num, den
        return chosen

    def sklearn_layout(self) -> tuple[list[float], list[float], list[float]]:
        """``(precision, recall, thresholds)`` ordered as scikit-learn's
        ``precision_recall_curve`` returns them: thresholds ascending, and the point
        precision 1, recall 0 appended to the first two."""
        ordered = self.points[::-1]
        return ([p.counts.precision for p in ordered] + [1.0],
                [p.counts.recall for p in ordered] + [0.0],
                [p.threshold for p in ordered])

    def to_dict(self, beta: float | None = None) -> dict:
        """The JSON form: counts, AP, the best points and every point."""
        best = self.best()
        out: dict[str, Any] = {
            "gold": self.gold,
            "predicted": self.predicted,
            "average_precision": self.average_precision,
            "best_f1": best.to_dict(beta) if best else None,
        }
        if beta is not None:
            best_beta = self.best(beta)
            out["best_f_beta"] = best_beta.to_dict(beta) if best_beta else None
        out["points"] = [p.to_dict(beta) for p in self.points]
        return out


def curve(outcomes: Iterable[tuple[float, bool]], gold: int) -> Curve:
    """The curve of ``(score, matched)`` predictions against ``gold`` gold entities.

    Thresholds are the distinct scores, highest first; the counts at a threshold
    include every prediction scoring at least that much (scikit-learn's
    ``_binary_clf_curve``: the last index of each run of equal scores).

    Raises:
        UsageError: more matched predictions than gold entities (matching is one to one).
    """
    ranked = sorted(outcomes, key=lambda o: o[0], reverse=True)
    points: list[Point] = []
    tp = fp = 0
    for k, (score, matched) in enumerate(ranked):
        tp += bool(matched)
        fp += not matched
        if k + 1 == len(ranked) or ranked[k + 1][0] != score:
            points.append(Point(score, Counts(tp, fp, gold - tp)))
    if tp > gold:
        raise UsageError(f"{tp} matched predictions but only {gold} gold entities",
                         hint="a gold entity matches one prediction at most")
    return Curve(gold, tuple(points))


def match(gold: Sequence[Entity], predicted: Sequence[ScoredEntity]) -> list[bool]:
    """Which predictions of one sentence are true positives, one to one.

    A prediction matches a gold entity of the same span and type that no higher-scored
    prediction took (equal scores: file order).

    >>> match([(0, 1, "PER")], [(0, 1, "PER", 0.2), (0, 1, "PER", 0.9), (1, 2, "LOC", 0.5)])
    [False, True, False]
    """
    left = Counter(gold)
    hit = [False] * len(predicted)
    for i in sorted(range(len(predicted)), key=lambda i: -predicted[i][3]):
        key = predicted[i][:3]
        if left[key] > 0:
            left[key] -= 1
            hit[i] = True
    return hit


@dataclass(frozen=True)
class ThresholdReport:
    """Curves overall and per type (types in name order), with what produced them."""

    overall: Curve
    per_type: dict[str, Curve]
    sentences: int
    beta: float | None = None
    combine: str | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def signature(self) -> str:
        """The reproducibility string (``combine`` only for CoNLL token scores)."""
        from .signature import signature

        extra = {"combine": self.combine} if self.combine else {}
        return signature(mode="lenient", scheme="auto", suffix=False, types=None, extra=extra)

    def curves(self) -> list[tuple[str, Curve]]:
        """``(name, curve)`` per type in name order, then ``overall``."""
        return [*self.per_type.items(), (OVERALL, self.overall)]

    def to_dict(self) -> dict:
        """The JSON form (``schema_version`` first)."""
        from ._version import __version__

        return {
            "schema_version": SCHEMA_VERSION,
            "version": __version__,
            "signature": self.signature,
            "combine": self.combine,
            "beta": self.beta,
            "sentences": self.sentences,
            "zero_division": 0.0,
            "curve_start": {"precision": 1.0, "recall": 0.0},
            "overall": self.overall.to_dict(self.beta),
            "per_type": {name: c.to_dict(self.beta) for name, c in self.per_type.items()},
            "warnings": list(self.warnings),
        }


# ---------------------------------------------------------------------- building
def operating_points(gold: Sequence[Sequence[Entity]], predicted: Sequence[Sequence[ScoredEntity]], *,
                     beta: float | None = None) -> ThresholdReport:
    """Operating points of predictions held in memory.

    Args:
        gold: per sentence, gold entities ``(start, end, type)``.
        predicted: per sentence (as many as ``gold``), ``(start, end, type, score)``.
        beta: also find the best F-beta threshold.

    Raises:
        UsageError: different numbers of sentences; a bad ``beta``.
        DataError: a score that is not a finite number (naming the sentence).
    """
    if len(gold) != len(predicted):
        raise UsageError(f"{len(gold)} gold sentences but {len(predicted)} predicted ones")
    gold = [[tuple(entity[:3]) for entity in entities] for entities in gold]
    predicted = [[(*entity[:3], _finite(entity[3], f"sentence {k}: entity {tuple(entity[:3])}"))
                  for entity in entities] for k, entities in enumerate(predicted, 1)]
    return _report(zip(gold, predicted), beta=beta)


def _report(pairs: Iterable[tuple[Sequence[Entity], Sequence[ScoredEntity]]], *, beta: float | None,
            combine: str | None = None, warnings: Sequence[str] = ()) -> ThresholdReport:
    """Match every sentence's predictions and build the curves."""
    _check_beta(beta)
    by_type: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    gold_of: Counter = Counter()
    sentences = 0
    for gold, predicted in pairs:
        sentences += 1
        gold_of.update(entity[2] for entity in gold)
        for entity, hit in zip(predicted, match(gold, predicted)):
            by_type[entity[2]].append((float(entity[3]), hit))
    names = sorted(set(gold_of) | set(by_type))
    per_type = {name: curve(by_type.get(name, ()), gold_of[name]) for name in names}
    overall = curve((o for name in names for o in by_type.get(name, ())), sum(gold_of.values()))
    return ThresholdReport(overall, per_type, sentences, beta, combine, tuple(warnings))


def _check_beta(beta: float | None) -> None:
    if beta is not None and not (math.isfinite(beta) and beta > 0):
        raise UsageError(f"--beta {beta}: must be a positive number", hint="0.5 favours precision, 2 recall")


def _finite(value: Any, where: str) -> float:
    """A score as a float (numpy scalars, as spaCy stores span group scores, included).

    Raises:
        DataError: not a number (booleans and strings are not), NaN or infinite.
    """
    if isinstance(value, (bool, str, bytes)) or value is None:
        raise DataError(f"{where}: score {value!r} is not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DataError(f"{where}: score {value!r} is not a number") from None
    if not math.isfinite(number):
        raise DataError(f"{where}: score {number!r} is not a finite number",
                        hint="scores must be finite numbers, as scikit-learn requires")
    return number


# ---------------------------------------------------------------------- files
def detect_gold_format(path: str) -> str:
    """A gold file's format: a folder is BRAT, else by extension (``.jsonl``, ``.json``
    Label Studio, ``.spacy``, anything else CoNLL)."""
    if os.path.isdir(path):
        return "brat"
    from .io.formats import detect_format

    return detect_format(path)


def detect_pred_format(path: str) -> str:
    """A prediction file's format by extension: ``.jsonl``, ``.spacy``, else CoNLL."""
    from .io.formats import detect_format

    fmt = detect_format(path)
    return "conll" if fmt == "labelstudio" else fmt


def read_operating_points(gold: str, pred: str, *, gold_format: str | None = None, pred_format: str | None = None,
                          gold_column: int | None = None, column: int | None = None,
                          score_column: int | None = None, combine: str | None = None,
                          span_key: str | None = None, gold_span_key: str | None = None,
                          alignment: str = "strict", encoding: str = "utf-8",
                          beta: float | None = None) -> ThresholdReport:
    """Operating points of a scored prediction file against a gold file.

    Args:
        gold: any gold input the toolkit reads: CoNLL (tags in ``gold_column``, default
            the last), JSON Lines, Label Studio JSON, a spaCy DocBin (``doc.ents``, or
            the span group ``gold_span_key``) or a BRAT folder.
        pred: scored predictions: JSON Lines (``tokens`` + ``entities`` as
            ``[start, end, "TYPE", score]`` or ``{"start", "end", "label", "score"}``,
            token offsets, end exclusive; or ``text`` + character ``spans`` with a
            ``score`` each), CoNLL (tags in ``column``, token scores in
            ``score_column``, combined by ``combine``), or a spaCy DocBin whose span
            group ``span_key`` (default ``sc``) has ``attrs["scores"]``.
        gold_format, pred_format: force a format (default: by extension).
        alignment: character spans off token boundaries: ``strict`` refuses them,
            ``expand``/``contract`` snap them (both files).
        beta: also find the best F-beta threshold.

    Raises:
        UsageError: an option that does not fit the formats, a bad value.
        DataError: naming file and line: a missing, non-numeric or non-finite score, a
            missing score column, different sentences or tokens in the two files.
    """
    gold_format = (gold_format or detect_gold_format(gold)).lower()
    pred_format = (pred_format or detect_pred_format(pred)).lower()
    _check_options(gold_format, pred_format, gold_column=gold_column, column=column, score_column=score_column,
                   combine=combine, span_key=span_key, gold_span_key=gold_span_key)
    _check_beta(beta)
    warnings: list[str] = []
    if pred_format == "conll":
        combine = combine or "min"
        scored = read_scored_conll(pred, column=DEFAULT_TAG_COLUMN if column is None else column,
                                   score_column=DEFAULT_SCORE_COLUMN if score_column is None else score_column,
                                   combine=combine, encoding=encoding, warnings=warnings)
    elif pred_format == "jsonl":
        scored = read_scored_jsonl(pred, alignment=alignment, encoding=encoding, warnings=warnings)
    else:
        scored = read_scored_docbin(pred, span_key=span_key or DEFAULT_SPAN_KEY, warnings=warnings)
    truth = read_gold(gold, gold_format, column=-1 if gold_column is None else gold_column,
                      span_key=gold_span_key, alignment=alignment, encoding=encoding, warnings=warnings)
    pairs = _aligned(truth, scored, gold, pred)
    report = _report(pairs, beta=beta, combine=combine if pred_format == "conll" else None, warnings=warnings)
    if not report.sentences:
        raise DataError(f"{gold}: no sentences", hint="is this the right file?")
    return report


def _check_options(gold_format: str, pred_format: str, **given) -> None:
    """Refuse options that the formats would ignore (no silent fallbacks).

    Raises:
        UsageError: an unknown format, an option for another format, equal columns.
    """
    if gold_format not in GOLD_FORMATS:
        raise UsageError(f"unknown gold format {gold_format!r}", hint="choose one of " + ", ".join(GOLD_FORMATS))
    if pred_format not in PRED_FORMATS:
        raise UsageError(f"unknown prediction format {pred_format!r}", hint="choose one of " + ", ".join(PRED_FORMATS))
    needs = {"column": ("pred", "conll"), "score_column": ("pred", "conll"), "combine": ("pred", "conll"),
             "span_key": ("pred", "spacy"), "gold_column": ("gold", "conll"), "gold_span_key": ("gold", "spacy")}
    for name, (side, fmt) in needs.items():
        actual = pred_format if side == "pred" else gold_format
        if given[name] is not None and actual != fmt:
            raise UsageError(f"--{name.replace('_', '-')} is for {fmt} {'predictions' if side == 'pred' else 'gold'}, "
                             f"but the {'prediction' if side == 'pred' else 'gold'} file is {actual}")
    if given["combine"] is not None and given["combine"] not in COMBINE:
        raise UsageError(f"--combine {given['combine']!r}", hint="choose one of " + ", ".join(COMBINE))
    for name in ("column", "score_column"):
        if given[name] == 0:
            raise UsageError(f"--{name.replace('_', '-')} 0 is the token column", hint="columns are 0-based")
    tag = DEFAULT_TAG_COLUMN if given["column"] is None else given["column"]
    score = DEFAULT_SCORE_COLUMN if given["score_column"] is None else given["score_column"]
    if pred_format == "conll" and tag == score:
        raise UsageError(f"the tag column and the score column are both {tag}",
                         hint="pass --column (tags) and --score-column (scores)")


class Sentence(NamedTuple):
    """One sentence of either side: tokens, entities, and where it starts (``file:line``)."""

    tokens: list[str]
    entities: list
    where: str


def _aligned(gold: Iterable[Sentence], pred: Iterable[Sentence], gold_name: str,
             pred_name: str) -> Iterator[tuple[list[Entity], list[ScoredEntity]]]:
    """``(gold entities, scored predictions)`` per sentence, the tokens checked.

    Raises:
        DataError: naming both files and the sentence, when the files hold different
            numbers of sentences or a sentence's tokens differ.
    """
    for k, (g, p) in enumerate(zip_longest(gold, pred), 1):
        if g is None or p is None:
            longer, at = (pred_name, p.where) if g is None else (gold_name, g.where)
            raise DataError(f"{gold_name} and {pred_name} hold different numbers of sentences: {longer} has "
                            f"sentence {k} ({at}), the other file ends before it",
                            hint="gold and prediction must hold the same sentences, in the same order")
        if g.tokens != p.tokens:
            i = next((i for i, (a, b) in enumerate(zip(g.tokens, p.tokens)) if a != b), None)
            what = (f"{len(g.tokens)} tokens in gold, {len(p.tokens)} in prediction" if i is None
                    else f"token {i + 1} is {g.tokens[i]!r} in gold, {p.tokens[i]!r} in prediction")
            raise DataError(f"{g.where} and {p.where}: sentence {k} differs: {what}",
                            hint="gold and prediction must hold the same tokens, sentence by sentence")
        yield g.entities, p.entities


def _decoded(sentences: Iterable, tags_of: Callable[[Any], list[str]],
             invalid: Counter) -> Iterator[tuple[Any, list[Entity]]]:
    """``(sentence, entities)`` for tagged sentences, decoded leniently
    (:func:`seqeval_suite.core.tags.decode_sentences`) :data:`DECODE_BATCH` at a time;
    tags that are no entity tag are read as O and counted in ``invalid``."""
    from .core.tags import decode_sentences

    it = iter(sentences)
    while batch := list(islice(it, DECODE_BATCH)):
        spans, _, bad = decode_sentences([tags_of(s) for s in batch])
        invalid.update(bad)
        yield from zip(batch, spans)


def _invalid_warning(path: str, invalid: Counter) -> str:
    examples = ", ".join(repr(tag) for tag, _ in invalid.most_common(MAX_EXAMPLES))
    return f"{path}: {sum(invalid.values())} tag(s) that are not entity tags read as O, e.g. {examples}"


def _where(fmt: str, path: str, line: int) -> str:
    """How a sentence's start is named: ``file:line``, a DocBin's doc, a task's index."""
    if fmt == "spacy":
        return f"{path}: doc {line}"
    if fmt == "labelstudio":
        return f"{path}: task {line}"
    return f"{path}:{line}"


def read_gold(path: str, fmt: str, *, column: int = -1, span_key: str | None = None, alignment: str = "strict",
              encoding: str = "utf-8", warnings: list[str] | None = None) -> Iterator[Sentence]:
    """Gold sentences with their entities ``(start, end, type)``.

    CoNLL tags (``column``) are decoded leniently; the other formats are read by the
    span readers of :func:`seqeval_suite.nested.open_spans` (entities may nest).
    What the readers repaired is appended to ``warnings`` once the file is read.

    Raises:
        DataError: as the readers raise it, naming file and line.
    """
    warnings = [] if warnings is None else warnings
    if fmt == "conll":
        from .io.formats import read_tagged

        invalid: Counter = Counter()
        for s, entities in _decoded(read_tagged(path, format="conll", column=column, encoding=encoding),
                                    lambda s: s.tags, invalid):
            yield Sentence(list(s.tokens), entities, f"{path}:{s.line}")
        if invalid:
            warnings.append(_invalid_warning(path, invalid))
        return
    from .nested import open_spans

    reader = open_spans(path, fmt, span_key=span_key, alignment=alignment, encoding=encoding)
    for s in reader:
        yield Sentence(list(s.tokens), [tuple(e[:3]) for e in s.entities], _where(fmt, s.source or path, s.line))
    warnings.extend(reader.warnings)


# ---------------------------------------------------------------------- scored CoNLL
def read_scored_conll(path: str, *, column: int = DEFAULT_TAG_COLUMN, score_column: int = DEFAULT_SCORE_COLUMN,
                      combine: str = "min", encoding: str = "utf-8",
                      warnings: list[str] | None = None) -> Iterator[Sentence]:
    """Scored entities of a CoNLL file with a tag column and a token-score column.

    Columns are 0-based (0 is the token), negative ones count from the end, so the
    defaults read ``token ... tag score``. Tags are decoded leniently; an entity's
    score combines its tokens' scores by ``combine`` (module docstring).

    Raises:
        DataError: ``file:line``: a row without the tag or score column, a token score
            inside an entity that is not a finite number.
    """
    from .io.conll import BlockReader

    if combine not in COMBINE:
        raise UsageError(f"--combine {combine!r}", hint="choose one of " + ", ".join(COMBINE))
    need = max(_columns_needed(column), _columns_needed(score_column))
    reader = BlockReader(path, encoding=encoding)
    invalid: Counter = Counter()

    def tags_of(sentence) -> list[str]:
        for row, line in zip(sentence.rows, sentence.lines):
            if len(row) < need or _index(row, column) == _index(row, score_column):
                raise DataError(f"{reader.name}:{line}: {len(row)} column(s); the tag column ({column}) and the "
                                f"score column ({score_column}) need {need} (the token first)",
                                hint="pass --column and --score-column (0-based; negative counts from the end)")
        return sentence.column(column)

    combined = _COMBINERS[combine]
    for sentence, spans in _decoded(reader.sentences(), tags_of, invalid):
        entities = []
        for start, end, name in spans:
            scores = [_token_score(sentence.rows[k][score_column], f"{reader.name}:{sentence.lines[k]}")
                      for k in range(start, end)]
            entities.append((start, end, name, combined(scores)))
        yield Sentence(sentence.column(0), entities, f"{reader.name}:{sentence.lines[0]}")
    if invalid:
        (warnings if warnings is not None else []).append(_invalid_warning(reader.name, invalid))


def _columns_needed(column: int) -> int:
    """The fields a row needs for ``column`` to exist apart from the token (column 0)."""
    return column + 1 if column >= 0 else 1 - column


def _index(row: list[str], column: int) -> int:
    return column if column >= 0 else len(row) + column


def _token_score(text: str, where: str) -> float:
    """A token's score from its CoNLL field.

    Raises:
        DataError: not a number, NaN or infinite (naming ``where``).
    """
    try:
        value = float(text)
    except ValueError:
        raise DataError(f"{where}: score {text!r} is not a number",
                        hint="check --score-column (0-based; negative counts from the end)") from None
    return _finite(value, where)


_COMBINERS: dict[str, Callable[[list[float]], float]] = {
    "min": min,
    "max": max,
    "mean": lambda scores: math.fsum(scores) / len(scores),
    "first": lambda scores: scores[0],
}


# ---------------------------------------------------------------------- scored JSON Lines
def read_scored_jsonl(path: str, *, alignment: str = "strict", encoding: str = "utf-8",
                      warnings: list[str] | None = None) -> Iterator[Sentence]:
    """Scored entities of a JSON Lines file, one sentence per record.

    Records: ``{"tokens": [...], "entities": [[start, end, "TYPE", score], ...]}``
    (items may also be ``{"start", "end", "label", "score"}``; token offsets, end
    exclusive), or ``{"text": ..., "spans": [{"start", "end", "label", "score"}, ...]}``
    with character offsets, tokenized and aligned as the toolkit's JSON readers do
    (Prodigy's ``tokens`` when they rebuild the text, else spaCy's blank English
    tokenizer; whitespace tokens dropped). Records answered ``reject``/``ignore`` and
    records without tokens are no sentence, as in :func:`seqeval_suite.io.jsonl.read_jsonl_spans`.

    Raises:
        DataError: ``file:line``: not JSON, a record of neither form, an entity without
            a score or with one that is not a finite number, bad offsets; under
            ``alignment="strict"`` a span off token boundaries.
    """
    from .io.jsonl import ALIGNMENTS

    if alignment not in ALIGNMENTS:
        raise UsageError(f"unknown alignment {alignment!r}", hint="choose strict, expand or contract")
    aligner = _CharAligner(alignment)
    for lineno, record in _json_records(path, encoding):
        where = f"{path}:{lineno}"
        if not isinstance(record, dict):
            raise DataError(f"{where}: not a JSON object")
        if record.get("answer") in ("reject", "ignore"):
            continue
        if isinstance(record.get("text"), str):
            tokens, entities = aligner.entities(record, where)
        elif isinstance(record.get("tokens"), list):
            from .io.jsonl import checked_tokens

            # str() would turn 200 into "200" and null into "None": refused, as every JSON reader does.
            tokens = list(checked_tokens(record["tokens"], where))
            entities = [_token_entity(item, len(tokens), where) for item in _listed(record, "entities", where)]
        else:
            raise DataError(f"{where}: not a scored record",
                            hint='expected {"tokens": [...], "entities": [[start, end, "TYPE", score], ...]} '
                                 'or {"text": ..., "spans": [{"start", "end", "label", "score"}, ...]}')
        if tokens:
            yield Sentence(tokens, entities, where)
    aligner.finish(path, warnings if warnings is not None else [])


def _json_records(path: str, encoding: str) -> Iterator[tuple[int, Any]]:
    """``(line number, value)`` of each non-blank line (a BOM and CRs are dropped).

    Raises:
        DataError: no such file, not decodable, a line that is not JSON.
    """
    import json

    if os.path.isdir(path):
        raise DataError(f"{path}: is a directory, not a file")
    try:
        fh = open(path, encoding="utf-8-sig" if encoding.lower().replace("_", "-") == "utf-8" else encoding)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with fh:
        lineno = 0
        try:
            for lineno, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        yield lineno, json.loads(line)
                    except ValueError as exc:
                        raise DataError(f"{path}:{lineno}: not valid JSON ({getattr(exc, 'msg', exc)})") from None
        except UnicodeDecodeError:
            raise DataError(f"{path}:{lineno + 1}: not {encoding} text", hint="pass --encoding") from None


def _listed(record: dict, key: str, where: str) -> list:
    value = record.get(key, [])
    if not isinstance(value, list):
        raise DataError(f"{where}: {key} must be a list")
    return value


def _parts(item: Any, where: str, offsets: str) -> tuple[Any, Any, Any, Any]:
    """``(start, end, label, score)`` of an entity given as a list or an object.

    Raises:
        DataError: neither form, or no score.
    """
    if isinstance(item, dict):
        if "score" not in item:
            raise DataError(f"{where}: entity {item!r} has no score")
        return item.get("start"), item.get("end"), item.get("label"), item["score"]
    if isinstance(item, (list, tuple)) and len(item) == 3:
        raise DataError(f"{where}: entity {list(item)!r} has no score",
                        hint="write [start, end, label, score]")
    if not isinstance(item, (list, tuple)) or len(item) != 4:
        raise DataError(f"{where}: entity {item!r} is not [start, end, label, score] ({offsets} offsets)")
    return item[0], item[1], item[2], item[3]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _token_entity(item: Any, n_tokens: int, where: str) -> ScoredEntity:
    """One checked ``(start, end, type, score)`` from a token record.

    Raises:
        DataError: no score, a bad score, offsets that are not integers with
            ``0 <= start < end <= n_tokens``, no label.
    """
    start, end, label, score = _parts(item, where, "token")
    if not (_is_int(start) and _is_int(end) and 0 <= start < end <= n_tokens):
        raise DataError(f"{where}: entity {item!r}: token offsets must be integers with "
                        f"0 <= start < end <= {n_tokens} (the token count; end exclusive)")
    if not isinstance(label, str) or not label:
        raise DataError(f"{where}: entity {item!r} has no label (a non-empty string)")
    return start, end, label, _finite(score, f"{where}: entity {item!r}")


class _CharAligner:
    """Character spans to token entities, by the rules of the toolkit's JSON readers
    (:class:`seqeval_suite.io.jsonl.JsonlReader`): spaCy's ``Doc.char_span`` with
    ``alignment_mode`` strict, then expand/contract when asked; whitespace tokens dropped
    (:func:`seqeval_suite.io.jsonl.without_space_tokens`)."""

    def __init__(self, alignment: str) -> None:
        self.alignment = alignment
        self.snapped: list[str] = []
        self.dropped: list[str] = []
        self.blank: list[str] = []
        self._nlp = None

    def doc(self, text: str, tokens: Any):
        """A Doc over ``text``: Prodigy's tokens when they rebuild it, else tokenized."""
        if self._nlp is None:
            import spacy

            self._nlp = spacy.blank("en")
        if isinstance(tokens, list) and tokens and all(isinstance(t, dict) and "text" in t for t in tokens):
            from spacy.tokens import Doc

            doc = Doc(self._nlp.vocab, words=[t["text"] for t in tokens],
                      spaces=[bool(t.get("ws", True)) for t in tokens])
            if doc.text == text or doc.text.rstrip() == text:
                return doc
        return self._nlp.make_doc(text)

    def entities(self, record: dict, where: str) -> tuple[list[str], list[ScoredEntity]]:
        """Tokens and scored token entities of a ``text`` + ``spans`` record.

        Raises:
            DataError: bad offsets or label, a bad score; under strict alignment a span
                off token boundaries.
        """
        from .io.jsonl import without_space_tokens

        text = record["text"]
        doc = self.doc(text, record.get("tokens"))
        placed, scored = [], []
        for item in _listed(record, "spans", where):
            start, end, label, score = _parts(item, where, "character")
            if not (_is_int(start) and _is_int(end) and 0 <= start < end <= len(text)):
                raise DataError(f"{where}: span offsets {start!r}..{end!r} do not fit a text of {len(text)} characters")
            if not isinstance(label, str) or not label:
                raise DataError(f"{where}: span [{start}:{end}] has no label")
            score = _finite(score, f"{where}: span [{start}:{end}] {label}")
            span = self._span(doc, start, end, label, where)
            if span is not None:
                placed.append((span.start, span.end, len(scored)))
                scored.append((label, score))
        # The third field carries each span's index through the re-indexing.
        tokens, kept, blank = without_space_tokens([t.text for t in doc], placed)
        self.blank.extend(f"{where}: {doc[s:e].text!r} {scored[i][0]}" for s, e, i in blank)
        return tokens, [(s, e, *scored[i]) for s, e, i in kept]

    def _span(self, doc, start: int, end: int, label: str, where: str):
        span = doc.char_span(start, end, label=label, alignment_mode="strict")
        if span is not None:
            return span
        example = f"{where}: {doc.text[start:end]!r} [{start}:{end}] {label}"
        if self.alignment == "strict":
            raise DataError(f"{example}: span not on token boundaries",
                            hint="pass --alignment expand (or contract) to snap it to tokens")
        span = doc.char_span(start, end, label=label, alignment_mode=self.alignment)
        (self.snapped if span is not None else self.dropped).append(example)
        return span

    def finish(self, path: str, warnings: list[str]) -> None:
        """Warn about snapped, dropped and whitespace-only spans (count and examples)."""
        if self.snapped:
            warnings.append(f"{path}: {len(self.snapped)} span(s) not on token boundaries "
                            f"{'expanded' if self.alignment == 'expand' else 'contracted'} to tokens, e.g. "
                            + "; ".join(self.snapped[:MAX_EXAMPLES]))
        if self.dropped:
            warnings.append(f"{path}: {len(self.dropped)} span(s) inside a single token dropped by contract, e.g. "
                            + "; ".join(self.dropped[:MAX_EXAMPLES]))
        if self.blank:
            from .io.jsonl import blank_warning

            warnings.append(blank_warning(path, self.blank))


# ---------------------------------------------------------------------- scored DocBin
def read_scored_docbin(path: str, *, span_key: str = DEFAULT_SPAN_KEY,
                       warnings: list[str] | None = None) -> Iterator[Sentence]:
    """Scored entities of a spaCy DocBin: the span group ``doc.spans[span_key]`` with one
    score per span in ``attrs["scores"]`` (spaCy's SpanCategorizer convention).

    Sentences are those of the toolkit's DocBin readers
    (:func:`seqeval_suite.io.docbin.sentence_bounds`, whitespace tokens dropped). A Doc
    without the group has no predictions (counted in a warning).

    Raises:
        DataError: ``file: doc N``: not a DocBin, a key no Doc has (listing the keys),
            a group without ``attrs["scores"]`` or with a score count other than its span
            count, a score that is not a finite number, a span across sentences.
    """
    docs = _docbin_docs(path)
    if docs and not any(span_key in doc.spans for doc in docs):
        present = sorted({key for doc in docs for key in doc.spans})
        raise DataError(f"{path}: no doc has a span group {span_key!r} (span keys present: "
                        f"{', '.join(map(repr, present)) if present else 'none'})",
                        hint="pass --span-key with the key of the scored spans")
    lacking = 0
    for index, doc in enumerate(docs, 1):
        where = f"{path}: doc {index}"
        if span_key not in doc.spans:
            lacking += 1
        spans = _scored_spans(doc.spans[span_key], span_key, where) if span_key in doc.spans else []
        yield from _doc_sentences(doc, spans, where)
    if lacking and warnings is not None:
        warnings.append(f"{path}: {lacking} doc(s) without span group {span_key!r} read as having no predictions")


def _docbin_docs(path: str) -> list:
    """The Docs of a ``.spacy`` file.

    Raises:
        DataError: no such file, not a DocBin.
    """
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    try:
        return list(DocBin().from_disk(path).get_docs(Vocab()))
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except Exception as exc:  # spaCy raises ValueError/KeyError/msgpack errors on junk
        raise DataError(f"{path}: not a spaCy DocBin ({type(exc).__name__})",
                        hint="create it with spacy.tokens.DocBin(...).to_disk(path)") from None


def _scored_spans(group, span_key: str, where: str) -> list[tuple[int, int, str, float]]:
    """``(start, end, label, score)`` of a span group, in the Doc's token offsets.

    Raises:
        DataError: no ``attrs["scores"]``, a count other than the span count, a bad score.
    """
    scores = group.attrs.get("scores")
    if scores is None:
        if not len(group):
            return []
        raise DataError(f"{where}: span group {span_key!r} has no attrs['scores']",
                        hint="spaCy's SpanCategorizer stores one score per span there")
    scores = list(scores)
    if len(scores) != len(group):
        raise DataError(f"{where}: span group {span_key!r} has {len(group)} spans but {len(scores)} scores")
    return [(span.start, span.end, span.label_, _finite(score, f"{where}: span {span.text!r} ({span.label_})"))
            for span, score in zip(group, scores)]


def _doc_sentences(doc, spans: list[tuple[int, int, str, float]], where: str) -> Iterator[Sentence]:
    """The Doc's sentences with the scored spans placed in them (offsets re-based,
    whitespace tokens dropped; a span on whitespace only is left out).

    Raises:
        DataError: a span across a sentence boundary.
    """
    from bisect import bisect_right

    from .io.docbin import sentence_bounds
    from .io.jsonl import without_space_tokens

    bounds = sentence_bounds(doc)
    starts = [start for start, _ in bounds]
    placed: list[list[tuple[int, int, int]]] = [[] for _ in bounds]
    for i, (start, end, label, _score) in enumerate(spans):
        k = bisect_right(starts, start) - 1
        if end > bounds[k][1]:
            raise DataError(f"{where}: span {doc[start:end].text!r} ({label}) crosses a sentence boundary")
        placed[k].append((start - bounds[k][0], end - bounds[k][0], i))
    for (start, end), entities in zip(bounds, placed):
        tokens, kept, _blank = without_space_tokens([doc[i].text for i in range(start, end)], entities)
        if tokens:
            yield Sentence(tokens, [(s, e, spans[i][2], spans[i][3]) for s, e, i in kept], where)


# ---------------------------------------------------------------------- rendering
def render(report: ThresholdReport, fmt: str = "table", *, digits: int = 4, curve: bool = False) -> str:
    """The report as ``table``, ``markdown``, ``csv`` (one row per type and threshold)
    or ``json`` text. ``curve`` adds every threshold's row to table and markdown.

    Raises:
        UsageError: an unknown format.
    """
    import json

    from .render.text import aligned, csv_text, markdown

    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        header, rows = _curve_rows(report, None)
        return csv_text(header, rows)
    if fmt not in OUTPUT_FORMATS:
        raise UsageError(f"unknown format {fmt!r}", hint="choose one of " + ", ".join(OUTPUT_FORMATS))
    tables = _summary_tables(report, digits)
    if curve:
        tables.append(("every threshold", *_curve_rows(report, digits)))
    parts = []
    for title, header, rows in tables:
        if fmt == "table":
            parts.append(f"{title}\n" + _with_rule(aligned(header, rows), title != "every threshold"))
        else:
            parts.append(f"**{title}**\n\n" + markdown(header, rows))
    footer = f"sentences {report.sentences}"
    if report.combine:
        footer += f"  entity score: {report.combine} of its token scores"
    parts.append(footer + f"\nsignature {report.signature}\n")
    return "\n".join(parts)


def _with_rule(table: str, rule: bool) -> str:
    """An aligned table with a rule under the header and, when ``rule``, before the last
    (overall) row, as ``evaluate``'s table has."""
    lines = table.rstrip("\n").split("\n")
    width = max(map(len, lines))
    lines.insert(1, "-" * width)
    if rule and len(lines) > 3:
        lines.insert(len(lines) - 1, "-" * width)
    return "\n".join(lines) + "\n"


def _num(value: float, digits: int | None) -> object:
    return value if digits is None else f"{value:.{digits}f}"


def _summary_tables(report: ThresholdReport, digits: int) -> list[tuple[str, list[str], list[list]]]:
    """The best-F1 table (and the best-F-beta one with ``beta``)."""
    header = ["type", "gold", "predicted", "AP", "threshold", "precision", "recall", "f1"]
    rows = []
    for name, c in report.curves():
        best = c.best()
        cells = ([repr(best.threshold), *(_num(v, digits) for v in (best.counts.precision, best.counts.recall,
                                                                    best.counts.f1))] if best else ["-"] * 4)
        rows.append([name, c.gold, c.predicted, _num(c.average_precision, digits), *cells])
    tables = [("best F1 per type (threshold: keep entities scoring >= it)", header, rows)]
    if report.beta is not None:
        label = f"F{report.beta:g}"
        rows = []
        for name, c in report.curves():
            best = c.best(report.beta)
            rows.append([name, *([repr(best.threshold), *(_num(v, digits) for v in (
                best.counts.precision, best.counts.recall, best.counts.f1, best.fbeta(report.beta)))]
                if best else ["-"] * 5)])
        tables.append((f"best {label} per type", ["type", "threshold", "precision", "recall", "f1", label], rows))
    return tables


def _curve_rows(report: ThresholdReport, digits: int | None) -> tuple[list[str], list[list]]:
    """One row per (type, threshold), types in name order and overall last; with
    ``digits=None`` full-precision numbers and marks of the best points (CSV)."""
    beta = report.beta
    header = ["type", "threshold", "tp", "fp", "fn", "precision", "recall", "f1"]
    if beta is not None:
        header.append(f"F{beta:g}" if digits is not None else "f_beta")
    if digits is None:
        header += ["best_f1"] + (["best_f_beta"] if beta is not None else [])
    rows = []
    for name, c in report.curves():
        best = c.best()
        best_beta = c.best(beta) if beta is not None else None
        for p in c.points:
            k = p.counts
            row = [name, repr(p.threshold) if digits is not None else p.threshold, k.tp, k.fp, k.fn,
                   *(_num(v, digits) for v in (k.precision, k.recall, k.f1))]
            if beta is not None:
                row.append(_num(p.fbeta(beta), digits))
            if digits is None:
                row.append(int(p is best))
                if beta is not None:
                    row.append(int(p is best_beta))
            rows.append(row)
    return header, rows
