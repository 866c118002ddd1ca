"""Counts and the scores computed from them (SPEC §4).

A :class:`Counts` is the only thing scoring ever adds up; precision, recall and F1 are
computed from counts on demand and never stored beside them. 0/0 is 0.0 everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

ZERO_DIVISION = 0.0


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, or 0.0 when the denominator is 0 (SPEC §4).

    >>> ratio(1, 4), ratio(0, 0)
    (0.25, 0.0)
    """
    return numerator / denominator if denominator else ZERO_DIVISION


def fbeta_of(precision: float, recall: float, beta: float) -> float:
    """F-beta as seqeval computes it: ``(1+b²)·p·r / (b²·p + r)``, 0 when that is 0/0.

    >>> round(fbeta_of(0.5, 1.0, 0.5), 4), fbeta_of(0.5, 1.0, 1.0) == f1_of(0.5, 1.0)
    (0.5556, True)
    """
    if beta == 1.0:
        return f1_of(precision, recall)
    b2 = beta * beta
    denom = b2 * precision + recall
    return (1 + b2) * precision * recall / denom if denom else ZERO_DIVISION


def f1_of(precision: float, recall: float) -> float:
    """The harmonic mean, computed as seqeval does (``2*p*r/(p+r)``, 0 when both are 0)."""
    denom = precision + recall
    return 2 * precision * recall / denom if denom else ZERO_DIVISION


@dataclass(frozen=True, slots=True)
class Counts:
    """True positives, false positives and false negatives of one type (or pooled).

    >>> c = Counts(3, 1, 2)
    >>> c.precision, c.recall, round(c.f1, 4), c.support, c.predicted
    (0.75, 0.6, 0.6667, 5, 4)
    >>> (c + Counts(1, 0, 0)).tp
    4
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def support(self) -> int:
        """Number of gold entities."""
        return self.tp + self.fn

    @property
    def predicted(self) -> int:
        """Number of predicted entities."""
        return self.tp + self.fp

    @property
    def precision(self) -> float:
        """tp / predicted (0 when nothing was predicted)."""
        return ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        """tp / support (0 when there is no gold entity)."""
        return ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        return f1_of(self.precision, self.recall)

    def scores(self) -> dict:
        """The JSON form of these counts: ratios in [0, 1] and the raw counts."""
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "support": self.support,
            "predicted": self.predicted,
        }


def total(counts: Iterable[Counts]) -> Counts:
    """Pool counts (micro averaging)."""
    out = Counts()
    for c in counts:
        out = out + c
    return out


@dataclass(frozen=True, slots=True)
class Average:
    """An averaged score that is not backed by pooled counts (macro, weighted)."""

    precision: float
    recall: float
    f1: float
    support: int

    def scores(self) -> dict:
        """The JSON form of this average."""
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1, "support": self.support}


def macro(per_type: Mapping[str, Counts]) -> Average:
    """Unweighted mean over the types present in gold or prediction, as seqeval does."""
    n = len(per_type)
    if not n:
        return Average(0.0, 0.0, 0.0, 0)
    values = _by_name(per_type)
    return Average(
        sum(c.precision for c in values) / n,
        sum(c.recall for c in values) / n,
        sum(c.f1 for c in values) / n,
        sum(c.support for c in values),
    )


def weighted(per_type: Mapping[str, Counts]) -> Average:
    """Mean weighted by gold support, as seqeval does (0 when there is no support)."""
    support = sum(c.support for c in per_type.values())
    if not support:
        return Average(0.0, 0.0, 0.0, 0)
    values = _by_name(per_type)
    return Average(
        sum(c.precision * c.support for c in values) / support,
        sum(c.recall * c.support for c in values) / support,
        sum(c.f1 * c.support for c in values) / support,
        support,
    )


def _by_name(per_type: Mapping[str, Counts]) -> list[Counts]:
    """Counts in type-name order, so float sums never depend on insertion order."""
    return [per_type[name] for name in sorted(per_type)]
