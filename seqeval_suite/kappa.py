"""Chance-corrected agreement on nominal labels: Cohen's kappa, Fleiss' kappa and
Krippendorff's alpha (SPEC §6).

Labels are small non-negative integers (interned label ids); ``-1`` marks a missing
label where missing labels are allowed. Every statistic is computed from integer
counts and divided once at the end, so the figures are exact up to one rounding. A
statistic whose expected agreement is 1 (only one label in use) or that has no data
is undefined: its ``value`` is None and ``reason`` says why (never NaN).

The definitions are the textbook ones; the test suite checks them against
scikit-learn's ``cohen_kappa_score``, statsmodels' ``fleiss_kappa`` and the
``krippendorff`` package.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported lazily: the CLI start-up path does not pay for it
    import numpy as np

MISSING = -1


@dataclass(frozen=True, slots=True)
class Statistic:
    """One agreement figure and what it was computed on.

    Attributes:
        value: the statistic, or None when it is undefined.
        reason: why it is undefined (None when it is defined).
        items: how many items (tokens, or units for alpha) it was computed on.
    """

    value: float | None
    reason: str | None = None
    items: int = 0

    def to_dict(self) -> dict:
        """The JSON form: ``value`` is null (never NaN) when undefined."""
        return {"value": self.value, "reason": self.reason, "items": self.items}


def _undefined(reason: str, items: int) -> Statistic:
    return Statistic(None, reason, items)


def _ratio(numerator: int, denominator: int, items: int) -> Statistic:
    # Both are exact integers; Fraction keeps one rounding even for huge counts.
    return Statistic(float(Fraction(int(numerator), int(denominator))), None, items)


def cohen_kappa(a: "np.ndarray", b: "np.ndarray") -> Statistic:
    """Cohen's kappa of two raters over the same items (no missing labels).

    kappa = (p_o - p_e) / (1 - p_e), with p_e from the two raters' label marginals,
    as scikit-learn's ``cohen_kappa_score`` (unweighted) defines it.

    >>> import numpy as np
    >>> round(cohen_kappa(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1])).value, 4)
    0.5
    >>> cohen_kappa(np.array([2, 2]), np.array([2, 2])).reason
    'only one label in use: expected agreement is 1'
    """
    import numpy as np

    if len(a) == 0:
        return _undefined("no items", 0)
    k = int(max(a.max(), b.max())) + 1
    return cohen_kappa_joint(np.bincount(a.astype(np.int64) * k + b, minlength=k * k).reshape(k, k))


def cohen_kappa_joint(joint: "np.ndarray") -> Statistic:
    """Cohen's kappa from the two raters' joint label counts (a square int matrix,
    ``joint[x, y]`` items labelled x by the first and y by the second): what
    :func:`cohen_kappa` gives on any label arrays with these counts.

    >>> import numpy as np
    >>> round(cohen_kappa_joint(np.array([[1, 1], [0, 2]])).value, 4)
    0.5
    """
    import numpy as np

    n = int(joint.sum())
    if n == 0:
        return _undefined("no items", 0)
    observed = int(np.trace(joint))
    # n^2 * p_e as an integer: sum over labels of (row total * column total).
    expected = int(np.dot(joint.sum(axis=1).astype(np.int64), joint.sum(axis=0).astype(np.int64)))
    if expected == n * n:
        return _undefined("only one label in use: expected agreement is 1", n)
    return _ratio(n * observed - expected, n * n - expected, n)


def fleiss_kappa(labels: "np.ndarray") -> Statistic:
    """Fleiss' kappa of m raters who all labelled every item.

    Args:
        labels: an int array of shape ``(raters, items)`` without missing labels.

    Computed as statsmodels' ``fleiss_kappa(table, method="fleiss")``: the mean
    per-item agreement against the agreement expected from the pooled label shares.

    >>> import numpy as np
    >>> round(fleiss_kappa(np.array([[0, 1, 1], [0, 1, 0], [0, 1, 1]])).value, 4)
    0.55
    """
    import numpy as np

    m, n = labels.shape
    if m < 2 or n == 0:
        return _undefined("no item labelled by every annotator" if n == 0 else "fewer than two raters", n)
    # Agreeing rater pairs per item, summed: sum_i sum_k n_ik(n_ik - 1) / 2.
    agreeing = sum(int(np.count_nonzero(labels[i] == labels[j])) for i in range(m) for j in range(i + 1, m))
    totals = sum(np.bincount(row, minlength=int(labels.max()) + 1).astype(np.int64) for row in labels)
    squares = int(np.dot(totals, totals))  # (N m)^2 * p_e
    nm = n * m
    if squares == nm * nm:
        return _undefined("only one label in use: expected agreement is 1", n)
    # (P_bar - P_e) / (1 - P_e) with P_bar = 2A / (N m (m-1)), P_e = S / (N m)^2.
    return _ratio(2 * agreeing * nm - (m - 1) * squares, (m - 1) * (nm * nm - squares), n)


def krippendorff_alpha(labels: "np.ndarray") -> Statistic:
    """Krippendorff's alpha for nominal data, with missing labels (``-1``).

    Args:
        labels: an int array of shape ``(raters, units)``; ``-1`` is a missing label.

    alpha = 1 - D_o / D_e over the pairable units (those with at least two labels),
    from the coincidence matrix: D_o counts disagreeing ordered pairs within a unit
    weighted by 1 / (m_u - 1), D_e the disagreement expected from the pooled label
    counts. ``items`` is the number of pairable units.

    >>> import numpy as np
    >>> round(krippendorff_alpha(np.array([[0, 1, -1], [0, 1, 1], [0, 0, 1]])).value, 4)
    0.5625
    """
    import numpy as np

    m = labels.shape[0]
    present = labels >= 0
    values = present.sum(axis=0, dtype=np.int32)  # m_u
    # sum_c n_uc^2 per unit = m_u + 2 * (agreeing pairs of present labels in u); equal
    # labels of which one is present are both present.
    same = np.zeros(labels.shape[1], dtype=np.int16 if m < 256 else np.int64)
    for i in range(m):
        for j in range(i + 1, m):
            same += (labels[i] == labels[j]) & present[i]
    pairable = values >= 2
    units = int(np.count_nonzero(pairable))
    if units == 0:
        return _undefined("no unit has two or more labels", 0)
    everywhere = units == len(values)
    m_u = (values if everywhere else values[pairable]).astype(np.int64)
    same = same if everywhere else same[pairable]
    disagree = m_u * m_u - (m_u + 2 * same.astype(np.int64))  # ordered disagreeing pairs
    # D_o * n = sum_u disagree_u / (m_u - 1): group by m_u to stay in integers.
    observed = Fraction(0)
    sizes = np.flatnonzero(np.bincount(m_u))
    for size in sizes.tolist():
        total = disagree.sum() if len(sizes) == 1 else disagree[m_u == size].sum()
        observed += Fraction(int(total), size - 1)
    width = int(labels.max()) + 2
    totals = np.zeros(width, dtype=np.int64)
    for row in labels:  # pooled label counts over the pairable units (-1 counted apart, then dropped)
        totals += np.bincount((row if everywhere else row[pairable]) + 1, minlength=width)
    totals = totals[1:]
    n = int(totals.sum())
    expected = n * n - int(np.dot(totals, totals))  # sum over c != k of n_c * n_k
    if expected == 0:
        return _undefined("only one label in use: expected disagreement is 0", units)
    # alpha = 1 - (n - 1) * sum_u(...) / (n^2 - sum_c n_c^2)
    return Statistic(float(1 - (n - 1) * observed / expected), None, units)
