"""Partial-match scoring in the SemEval-2013 Task 9.1 / MUC style (nervaluate's four schemas).

Each schema compares predicted with gold entities of one sentence and counts

- COR correct, INC incorrect, PAR partial, MIS missed (gold left unmatched),
  SPU spurious (prediction matching no gold entity);
- POS (possible) = COR + INC + PAR + MIS, ACT (actual) = COR + INC + PAR + SPU;
- precision = (COR + ½·PAR) / ACT and recall = (COR + ½·PAR) / POS for ``partial``
  and ``type``; COR / ACT and COR / POS for ``strict`` and ``exact``; 0/0 is 0.

Matching reproduces nervaluate 1.2.1 (``nervaluate/strategies.py``) on spans given in
sentence order. Per sentence, predictions are taken left to right; gold entities
already matched are skipped; then

- ``strict``: a gold entity with the same span and type is COR; else the first
  overlapping gold entity (any type) makes it INC; else SPU;
- ``exact``: a gold entity with the same span (any type) is COR; else the first
  overlapping one makes it INC; else SPU;
- ``partial``: a gold entity with the same span (any type) is COR; else the first
  overlapping one makes it PAR; else SPU;
- ``type`` (nervaluate's ``ent_type``): among overlapping gold entities of the same
  type, the one with the smallest ``|Δstart| + |Δend|`` (the first on ties) makes it
  COR; else the first overlapping gold entity of another type makes it INC; else SPU.

Per-type figures are, as in nervaluate, the same algorithm run on the gold and
predicted entities of that type alone: a type confusion there is a MIS for the gold
type and a SPU for the predicted one, so per-type counts do not sum to the overall ones.

Spans are half-open ``(start, end, type)``; nervaluate's are inclusive, which changes
nothing since only overlap and equality are compared. nervaluate's results depend on
the order of the spans it is given (MantisAI/nervaluate issue #40); here spans are
always sorted into sentence order first, so the result never does. One more
difference: nervaluate's default ``min_overlap_percentage=1.0`` ignores an overlap
smaller than 1 % of the gold entity (one token of a gold entity over 100 tokens long);
here any shared token is an overlap.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

Span = tuple[int, int, str]

SCHEMAS = ("strict", "exact", "partial", "type")
NERVALUATE_NAMES = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}
_HALF_CREDIT = frozenset({"partial", "type"})


@dataclass(frozen=True, slots=True)
class MatchCounts:
    """COR/INC/PAR/MIS/SPU counts of one schema; additive.

    >>> (MatchCounts(cor=1, mis=1) + MatchCounts(spu=2)).actual
    3
    """

    cor: int = 0
    inc: int = 0
    par: int = 0
    mis: int = 0
    spu: int = 0

    def __add__(self, other: "MatchCounts") -> "MatchCounts":
        return MatchCounts(self.cor + other.cor, self.inc + other.inc, self.par + other.par,
                           self.mis + other.mis, self.spu + other.spu)

    @property
    def possible(self) -> int:
        """POS: gold entities (COR + INC + PAR + MIS)."""
        return self.cor + self.inc + self.par + self.mis

    @property
    def actual(self) -> int:
        """ACT: predicted entities (COR + INC + PAR + SPU)."""
        return self.cor + self.inc + self.par + self.spu


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _same_span(a: Span, b: Span) -> bool:
    return a[0] == b[0] and a[1] == b[1]


def match_sentence(gold: Iterable[Span], pred: Iterable[Span], schema: str) -> MatchCounts:
    """Count one sentence under one schema (spans are sorted into sentence order first).

    Args:
        gold: gold spans ``(start, end, type)``, end exclusive.
        pred: predicted spans, same convention.
        schema: ``strict``, ``exact``, ``partial`` or ``type``.

    >>> match_sentence([(0, 2, "PER")], [(0, 1, "PER")], "partial")
    MatchCounts(cor=0, inc=0, par=1, mis=0, spu=0)
    >>> match_sentence([(0, 2, "PER")], [(0, 2, "ORG")], "strict")
    MatchCounts(cor=0, inc=1, par=0, mis=0, spu=0)
    """
    if schema not in SCHEMAS:
        raise ValueError(f"unknown schema {schema!r}; choose one of {', '.join(SCHEMAS)}")
    gold = sorted(gold)
    pred = sorted(pred)
    matched: set[int] = set()
    cor = inc = par = spu = 0
    for p in pred:
        if schema == "type":
            hit, kind = _match_type(p, gold, matched)
        else:
            hit, kind = _match_span(p, gold, matched, same_type=schema == "strict")
        if hit is None:
            spu += 1
            continue
        matched.add(hit)
        if kind == "cor":
            cor += 1
        elif schema == "partial":
            par += 1
        else:
            inc += 1
    return MatchCounts(cor=cor, inc=inc, par=par, mis=len(gold) - len(matched), spu=spu)


def _match_span(p: Span, gold: Sequence[Span], matched: set[int], *, same_type: bool) -> tuple[int | None, str]:
    """strict/exact/partial: an equal span wins wherever it is; else the first overlap."""
    first_overlap = None
    for i, g in enumerate(gold):
        if i in matched or not _overlaps(p, g):
            continue
        if _same_span(p, g) and (not same_type or p[2] == g[2]):
            return i, "cor"
        if first_overlap is None:
            first_overlap = i
    return first_overlap, "other"


def _match_type(p: Span, gold: Sequence[Span], matched: set[int]) -> tuple[int | None, str]:
    """type: the closest-bounded overlapping gold of the same type; else the first overlap."""
    best, best_distance, first_other = None, None, None
    for i, g in enumerate(gold):
        if i in matched or not _overlaps(p, g):
            continue
        if g[2] == p[2]:
            distance = abs(p[0] - g[0]) + abs(p[1] - g[1])
            if best_distance is None or distance < best_distance:
                best, best_distance = i, distance
        elif first_other is None:
            first_other = i
    if best is not None:
        return best, "cor"
    return first_other, "other"


class PartialMatcher:
    """Accumulates counts of all four schemas, overall and per type, sentence by sentence.

    >>> m = PartialMatcher()
    >>> _ = m.add([(0, 2, "PER"), (3, 4, "LOC")], [(0, 1, "PER"), (3, 4, "ORG")])
    >>> m.overall["partial"], m.per_type["LOC"]["strict"].mis
    (MatchCounts(cor=1, inc=0, par=1, mis=0, spu=0), 1)
    """

    def __init__(self, types: Iterable[str] | None = None) -> None:
        self.keep = set(types) if types is not None else None
        self.overall: dict[str, MatchCounts] = {s: MatchCounts() for s in SCHEMAS}
        self.per_type: dict[str, dict[str, MatchCounts]] = {}

    def add(self, gold: Iterable[Span], pred: Iterable[Span]) -> dict[str, MatchCounts]:
        """Add one sentence's gold and predicted spans; return its overall counts per schema."""
        gold, pred = list(gold), list(pred)
        if self.keep is not None:
            gold = [s for s in gold if s[2] in self.keep]
            pred = [s for s in pred if s[2] in self.keep]
        sentence = {schema: match_sentence(gold, pred, schema) for schema in SCHEMAS}
        for schema, counts in sentence.items():
            self.overall[schema] += counts
        for type_ in {s[2] for s in gold} | {s[2] for s in pred}:
            g = [s for s in gold if s[2] == type_]
            p = [s for s in pred if s[2] == type_]
            cell = self.per_type.setdefault(type_, {s: MatchCounts() for s in SCHEMAS})
            for schema in SCHEMAS:
                cell[schema] += match_sentence(g, p, schema)
        return sentence

    def results(self) -> dict[str, dict]:
        """All four schemas as :func:`schema_result` dicts, keyed by schema."""
        return {s: schema_result(self.overall[s], {t: c[s] for t, c in self.per_type.items()}, s)
                for s in SCHEMAS}


def credit(counts: MatchCounts, schema: str) -> float:
    """COR, plus half of PAR under ``partial`` and ``type``: the numerator of P and R."""
    return counts.cor + (0.5 * counts.par if schema in _HALF_CREDIT else 0)


def doubled_credit(counts: MatchCounts, schema: str) -> tuple[int, int, int]:
    """``(2·credit, 2·ACT − 2·credit, 2·POS − 2·credit)``: integer tp/fp/fn whose ratios
    are this schema's precision and recall (F1 = 2tp / (2tp + fp + fn) holds too).

    >>> doubled_credit(MatchCounts(cor=1, par=1, spu=1), "partial")
    (3, 3, 1)
    """
    twice = counts.cor * 2 + (counts.par if schema in _HALF_CREDIT else 0)
    return twice, 2 * counts.actual - twice, 2 * counts.possible - twice


def as_counts(counts: MatchCounts, schema: str):
    """The schema's counts as :class:`~seqeval_suite.counts.Counts` with tp = credit,
    fp = ACT − credit, fn = POS − credit (halves under ``partial`` and ``type``), so that
    the usual precision, recall, F1, macro and weighted averages apply unchanged.

    >>> c = as_counts(MatchCounts(cor=1, par=1, mis=1), "partial")
    >>> c.tp, c.support, c.predicted, c.precision
    (1.5, 3.0, 2.0, 0.75)
    """
    from .counts import Counts

    earned = credit(counts, schema)
    return Counts(earned, counts.actual - earned, counts.possible - earned)


def figures(counts: MatchCounts, schema: str) -> dict[str, float | int]:
    """Precision, recall, F1 and the counts of one schema, in the shape of core's JSON.

    >>> figures(MatchCounts(cor=1, par=1, spu=0, mis=0), "partial")["precision"]
    0.75
    """
    earned = credit(counts, schema)
    precision = earned / counts.actual if counts.actual else 0.0
    recall = earned / counts.possible if counts.possible else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision, "recall": recall, "f1": f1,
        "cor": counts.cor, "inc": counts.inc, "par": counts.par, "mis": counts.mis, "spu": counts.spu,
        "possible": counts.possible, "actual": counts.actual,
    }


def schema_result(overall: MatchCounts, per_type: dict[str, MatchCounts], schema: str) -> dict:
    """``{"schema", "micro", "per_type"}`` for one schema; types sorted."""
    return {
        "schema": schema,
        "micro": figures(overall, schema),
        "per_type": {t: figures(per_type[t], schema) for t in sorted(per_type)},
    }


def score_spans(gold: Sequence[Sequence[Span]], pred: Sequence[Sequence[Span]], *,
                types: Iterable[str] | None = None) -> dict[str, dict]:
    """Score lists of per-sentence span lists under all four schemas.

    Args:
        gold: one list of ``(start, end, type)`` spans per sentence.
        pred: the same for predictions; as many sentences as gold.
        types: score only these types (all when None).

    Returns:
        ``{schema: {"schema", "micro": {...}, "per_type": {type: {...}}}}``.

    >>> score_spans([[(0, 2, "PER")]], [[(0, 2, "ORG")]])["exact"]["micro"]["f1"]
    1.0
    """
    if len(gold) != len(pred):
        raise ValueError(f"gold has {len(gold)} sentences but pred has {len(pred)}")
    matcher = PartialMatcher(types)
    for g, p in zip(gold, pred):
        matcher.add(g, p)
    return matcher.results()
