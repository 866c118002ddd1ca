"""Bootstrap confidence intervals and paired significance tests (issue 5, SPEC §7).

Everything works on per-sentence count matrices of shape ``(n_sentences, n_types, 3)``
holding tp, fp, fn (``report.sentence_counts.dense(report.sentences, types)``); tags are
never decoded again. A resample is a vector of multinomial weights over the sentences,
so the resampled totals of B resamples are one matrix product ``weights @ counts``.

Results depend only on the data, the parameters and ``seed``: every random draw comes
from ``numpy.random.default_rng`` streams derived from the seed, in a fixed order, and
nothing depends on process count.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .core.options import MAX_RESAMPLES  # noqa: F401  (the bound commands and configs share)
from .core.options import METRIC_ALIASES, METRICS, canonical_metric  # noqa: F401  (one metric vocabulary)

TESTS = ("ar", "bootstrap")
DEFAULT_RESAMPLES = {"ar": 10_000, "bootstrap": 1_000}
# Floating-point slack when comparing statistics: an exact tie must count as a tie.
TOLERANCE = 1e-12
# Resamples drawn per matrix product: bounds memory at (CHUNK x n_sentences) weights.
CHUNK = 1000
#: Weights kept in memory for reuse across systems (8 bytes each): about 400 MB. Above
#: it they are drawn chunk by chunk for every system, so memory stays bounded.
MAX_CACHED_WEIGHTS = 50_000_000


@dataclass(frozen=True)
class Interval:
    """A percentile bootstrap interval around a point estimate."""

    point: float
    low: float
    high: float
    level: float
    resamples: int
    method: str

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {"point": self.point, "low": self.low, "high": self.high, "level": self.level,
                "resamples": self.resamples, "method": self.method}


@dataclass(frozen=True)
class PairedResult:
    """Outcome of a paired test of system A against system B on the same sentences."""

    p_value: float
    delta: float
    better: str | None
    ci_low: float
    ci_high: float
    level: float
    test: str
    resamples: int
    metric: str
    score_a: float
    score_b: float

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {"test": self.test, "metric": self.metric, "p_value": self.p_value, "delta": self.delta,
                "better": self.better, "ci": {"low": self.ci_low, "high": self.ci_high, "level": self.level},
                "resamples": self.resamples, "score_a": self.score_a, "score_b": self.score_b}


# ---------------------------------------------------------------- metrics on totals

def _ratio(num, den):
    """num / den elementwise with 0/0 = 0 (SPEC §4)."""
    import numpy as np

    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.zeros(np.broadcast(num, den).shape)
    np.divide(num, den, out=out, where=den > 0)
    return out


def metric_of_totals(totals, metric: str = "micro_f1"):
    """A metric from per-type totals of shape ``(..., n_types, 3)`` (tp, fp, fn).

    >>> import numpy as np
    >>> float(metric_of_totals(np.array([[3, 1, 1], [0, 0, 2]]), "micro_f1"))
    0.6
    >>> float(metric_of_totals(np.array([[3, 1, 1], [0, 0, 2]]), "macro_f1"))
    0.375
    """
    import numpy as np

    totals = np.asarray(totals, dtype=float)
    tp, fp, fn = totals[..., 0], totals[..., 1], totals[..., 2]
    metric = canonical_metric(metric)
    if metric == "macro_f1":
        # Mean over types present in gold or prediction, as seqeval does.
        f1 = _ratio(2 * tp, 2 * tp + fp + fn)
        present = (tp + fp + fn) > 0
        return _ratio((f1 * present).sum(axis=-1), present.sum(axis=-1))
    tp, fp, fn = tp.sum(axis=-1), fp.sum(axis=-1), fn.sum(axis=-1)
    if metric == "micro_f1":
        return _ratio(2 * tp, 2 * tp + fp + fn)
    if metric == "micro_p":
        return _ratio(tp, tp + fp)
    if metric == "micro_r":
        return _ratio(tp, tp + fn)
    raise ValueError(f"unknown metric {metric!r}; choose from {', '.join(METRICS)}")


def point_metric(matrix, metric: str = "micro_f1") -> float:
    """The metric on the whole corpus.

    >>> import numpy as np
    >>> point_metric(np.zeros((0, 2, 3), dtype=int))
    0.0
    """
    matrix = _as_matrix(matrix)
    return float(metric_of_totals(matrix.sum(axis=0), metric))


# ---------------------------------------------------------------- resampling helpers

def _as_matrix(matrix):
    import numpy as np

    matrix = np.asarray(matrix)
    if matrix.ndim != 3 or matrix.shape[2] != 3:
        raise ValueError(f"expected a (sentences, types, 3) count matrix, got shape {matrix.shape}")
    if matrix.shape[1] == 0:
        # No entity type on either side: one all-zero column gives every metric 0/0 = 0
        # (SPEC §4) instead of reshaping an empty type axis.
        matrix = np.zeros((matrix.shape[0], 1, 3), dtype=matrix.dtype)
    return matrix


def collapse_units(matrix, units):
    """Sum sentence rows that share a unit id (e.g. a document), in order of first id.

    >>> import numpy as np
    >>> m = np.arange(12).reshape(4, 1, 3)
    >>> collapse_units(m, [0, 0, 1, 1])[:, 0].tolist()
    [[3, 5, 7], [15, 17, 19]]
    """
    import numpy as np

    matrix = _as_matrix(matrix)
    if units is None:
        return matrix
    units = np.asarray(units)
    if units.shape != (matrix.shape[0],):
        raise ValueError(f"units has {units.size} entries for {matrix.shape[0]} sentences")
    _, inverse = np.unique(units, return_inverse=True)
    out = np.zeros((int(inverse.max()) + 1 if units.size else 0,) + matrix.shape[1:], dtype=matrix.dtype)
    np.add.at(out, inverse, matrix)
    return out


def _weight_chunks(rng, n: int, resamples: int):
    """Yield resampling weights ``(chunk, n)``: row b counts how often each unit is drawn
    in resample b when n units are drawn with replacement (multinomial weights)."""
    import numpy as np

    done = 0
    while done < resamples:
        size = min(CHUNK, resamples - done)
        if n == 0:
            yield np.zeros((size, 0))
        else:
            # n draws with replacement per row, counted per row with one bincount
            # (equivalent to, and about twice as fast as, rng.multinomial).
            draws = rng.integers(0, n, size=(size, n)) + (np.arange(size) * n)[:, None]
            yield np.bincount(draws.ravel(), minlength=size * n).reshape(size, n).astype(float)
        done += size


@lru_cache(maxsize=4)
def _seeded_weights(seed: int, n: int, resamples: int):
    """The weight chunks a fresh ``default_rng(seed)`` draws, and its state afterwards.

    A board asks for intervals of every system on a corpus with the same seed, size
    and B; drawing the weights once per corpus instead of once per system changes no
    number (the generator continues from the very same state).
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    chunks = tuple(_weight_chunks(rng, n, resamples))
    for chunk in chunks:
        chunk.flags.writeable = False
    return chunks, rng.bit_generator.state


def _fresh_rng_weights(seed: int, n: int, resamples: int):
    """``(rng, weight chunks)`` as if ``default_rng(seed)`` had just drawn the chunks
    (drawn lazily, from the same generator, when caching them would take too much memory:
    the caller consumes them before it draws anything else, so the numbers are the same)."""
    import numpy as np

    if n * resamples > MAX_CACHED_WEIGHTS:
        rng = np.random.default_rng(seed)
        return rng, _weight_chunks(rng, n, resamples)
    chunks, state = _seeded_weights(seed, n, resamples)
    rng = np.random.default_rng(seed)
    rng.bit_generator.state = state
    return rng, chunks


def _resampled_metrics(rng, matrices, resamples: int, metric: str, weights=None):
    """Metric of each matrix under the same B bootstrap resamples: array ``(len(matrices), B)``.

    ``weights``: the weight chunks to use instead of drawing them from ``rng``.
    """
    import numpy as np

    n, n_types = matrices[0].shape[:2]
    flats = [m.reshape(n, n_types * 3).astype(float) for m in matrices]
    out = [[] for _ in matrices]
    for weights in (weights if weights is not None else _weight_chunks(rng, n, resamples)):
        for k, flat in enumerate(flats):
            totals = (weights @ flat).reshape(-1, n_types, 3)
            out[k].append(metric_of_totals(totals, metric))
    return np.array([np.concatenate(parts) for parts in out])


def _percentiles(values, level: float) -> tuple[float, float]:
    import numpy as np

    low, high = np.percentile(values, [50 * (1 - level), 50 * (1 + level)])
    return float(low), float(high)


def _check(metric: str, resamples: int, level: float) -> None:
    if canonical_metric(metric) not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose from {', '.join(METRICS)}")
    if resamples < 1:
        raise ValueError("resamples must be at least 1")
    if not 0 < level < 1:
        raise ValueError("level must be between 0 and 1 (e.g. 0.95)")


# ---------------------------------------------------------------- public API

def bootstrap_ci(matrix, *, metric: str = "micro_f1", resamples: int = 1000, level: float = 0.95,
                 seed: int = 0, units=None) -> Interval:
    """Percentile bootstrap CI of ``metric``, resampling sentences (or ``units``) with replacement.

    Args:
        matrix: int array (n_sentences, n_types, 3) of tp, fp, fn.
        metric: micro_f1, micro_p, micro_r or macro_f1 (or an alias in :data:`METRIC_ALIASES`).
        resamples: number of bootstrap resamples B.
        level: coverage of the interval.
        seed: seed of ``numpy.random.default_rng``; same seed, same interval.
        units: optional id per sentence (e.g. document); whole units are resampled.

    >>> import numpy as np
    >>> m = np.array([[[1, 0, 0]], [[0, 1, 1]]] * 20)
    >>> ci = bootstrap_ci(m, resamples=200)
    >>> ci.point, ci.low <= ci.point <= ci.high
    (0.5, True)
    """
    _check(metric, resamples, level)
    matrix = collapse_units(matrix, units)
    point = point_metric(matrix, metric)
    rng, weights = _fresh_rng_weights(seed, matrix.shape[0], resamples)
    values = _resampled_metrics(rng, [matrix], resamples, metric, weights)[0]
    low, high = _percentiles(values, level)
    unit = "document" if units is not None else "sentence"
    return Interval(point, low, high, level, resamples, f"percentile bootstrap over {unit}s")


def runs_ci(matrices, *, metric: str = "micro_f1", resamples: int = 1000, level: float = 0.95,
            seed: int = 0, units=None) -> Interval:
    """CI for a system with several runs (seeds) on the same corpus.

    Method ("bootstrap with a random run"): each resample draws sentences with
    replacement (the same draw for all runs) and then one run uniformly at random, and
    records that run's metric on the drawn sentences. The spread of these values mixes
    sampling variance of the corpus with the variance between runs, so the interval
    widens when runs disagree. The point estimate is the mean of the runs' metrics.
    With one run this is exactly :func:`bootstrap_ci`'s resampling.

    >>> import numpy as np
    >>> a = np.array([[[1, 0, 0]], [[0, 1, 1]]] * 20)
    >>> ci = runs_ci([a, a], resamples=100)
    >>> ci.point
    0.5
    """
    import numpy as np

    _check(metric, resamples, level)
    matrices = [collapse_units(m, units) for m in matrices]
    if not matrices:
        raise ValueError("runs_ci needs at least one run")
    if len({m.shape for m in matrices}) != 1:
        raise ValueError("all runs must have the same (sentences, types, 3) shape")
    rng, weights = _fresh_rng_weights(seed, matrices[0].shape[0], resamples)
    point = float(np.mean([point_metric(m, metric) for m in matrices]))
    values = _resampled_metrics(rng, matrices, resamples, metric, weights)  # (runs, B)
    chosen = rng.integers(0, len(matrices), size=resamples)
    low, high = _percentiles(values[chosen, np.arange(resamples)], level)
    unit = "document" if units is not None else "sentence"
    method = f"percentile bootstrap over {unit}s"
    if len(matrices) > 1:
        method += f" with a random run per resample ({len(matrices)} runs)"
    return Interval(point, low, high, level, resamples, method)


def paired_test(matrix_a, matrix_b, *, test: str = "ar", resamples: int | None = None, seed: int = 0,
                metric: str = "micro_f1", level: float = 0.95, units=None, interval: bool = True) -> PairedResult:
    """Paired significance test of system A against system B (SPEC §7).

    ``ar`` (approximate randomization): swap each sentence's count vectors between the
    systems with probability 1/2; two-sided p = (1 + #{|Δ*| ≥ |Δ|}) / (R + 1), so
    identical systems give p = 1. ``bootstrap`` (paired bootstrap, Berg-Kirkpatrick et
    al. 2012): with Δ oriented so the better system comes first,
    p = (1 + #{δ_i ≥ 2Δ}) / (B + 1), and p = 1 when Δ = 0. Either way the CI of the
    difference is a paired percentile bootstrap (1000 resamples for ``ar``);
    ``interval=False`` skips that bootstrap under ``ar`` (``ci_low``/``ci_high`` are
    then NaN) and changes nothing else, since the test and the CI draw from
    independent streams.

    The matrices must share the sentence order and the type columns.

    >>> import numpy as np
    >>> m = np.array([[[1, 0, 0]], [[0, 1, 1]]] * 5)
    >>> r = paired_test(m, m, resamples=99)
    >>> r.p_value, r.delta, r.better, r.ci_low, r.ci_high
    (1.0, 0.0, None, 0.0, 0.0)
    """
    import numpy as np

    if test not in TESTS:
        raise ValueError(f"unknown test {test!r}; choose from {', '.join(TESTS)}")
    resamples = DEFAULT_RESAMPLES[test] if resamples is None else int(resamples)
    _check(metric, resamples, level)
    a, b = collapse_units(matrix_a, units), collapse_units(matrix_b, units)
    if a.shape != b.shape:
        raise ValueError(f"systems have different shapes {a.shape} and {b.shape}; "
                         "build both matrices with the same sentences and type columns")
    score_a, score_b = point_metric(a, metric), point_metric(b, metric)
    delta = score_a - score_b
    tied = abs(delta) <= TOLERANCE
    better = None if tied else ("a" if delta > 0 else "b")
    # Two independent streams: the test's draws and the CI's draws.
    test_seq, ci_seq = np.random.SeedSequence(seed).spawn(2)
    test_rng, ci_rng = np.random.default_rng(test_seq), np.random.default_rng(ci_seq)

    if test == "bootstrap":
        both = _resampled_metrics(test_rng, [a, b], resamples, metric)
        deltas = both[0] - both[1]
        if tied:
            p = 1.0
        else:
            oriented = deltas if delta > 0 else -deltas
            hits = int(np.count_nonzero(oriented >= 2 * abs(delta) - TOLERANCE))
            p = (1 + hits) / (resamples + 1)
    else:
        deltas = None
        shuffled = approximate_randomization_deltas(a, b, resamples, test_rng, metric)
        hits = int(np.count_nonzero(np.abs(shuffled) >= abs(delta) - TOLERANCE))
        p = 1.0 if tied else (1 + hits) / (resamples + 1)
        if interval:
            both = _resampled_metrics(ci_rng, [a, b], DEFAULT_RESAMPLES["bootstrap"], metric)
            deltas = both[0] - both[1]
    low, high = _percentiles(deltas, level) if deltas is not None else (float("nan"), float("nan"))
    return PairedResult(p_value=float(p), delta=float(delta), better=better, ci_low=low, ci_high=high,
                        level=level, test=test, resamples=resamples, metric=metric,
                        score_a=score_a, score_b=score_b)


def approximate_randomization_deltas(a, b, resamples: int, rng, metric: str = "micro_f1"):
    """Δ = metric(A*) - metric(B*) for ``resamples`` random swaps of sentence rows.

    Swapping sentence i moves ``a_i - b_i`` from A's totals to B's, so with a 0/1 swap
    matrix S the shuffled totals are ``sum(a) - S @ d`` and ``sum(b) + S @ d``.
    """
    import numpy as np

    n, n_types = a.shape[:2]
    d = (a - b).reshape(n, n_types * 3).astype(float)
    total_a = a.sum(axis=0).reshape(-1).astype(float)
    total_b = b.sum(axis=0).reshape(-1).astype(float)
    out = []
    done = 0
    while done < resamples:
        size = min(CHUNK, resamples - done)
        swaps = rng.integers(0, 2, size=(size, n)).astype(float)
        moved = swaps @ d
        ma = metric_of_totals((total_a - moved).reshape(-1, n_types, 3), metric)
        mb = metric_of_totals((total_b + moved).reshape(-1, n_types, 3), metric)
        out.append(ma - mb)
        done += size
    return np.concatenate(out) if out else np.zeros(0)


def holm(p_values) -> list[float]:
    """Holm-Bonferroni adjusted p-values (step-down, made monotone, capped at 1).

    >>> holm([0.01, 0.04, 0.03])
    [0.03, 0.06, 0.06]
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = round(running, 15)
    return adjusted


def significance_marks(matrices_by_system: dict, top: str, *, alpha: float = 0.05, test: str = "ar",
                       resamples: int | None = None, seed: int = 0, metric: str = "micro_f1") -> dict:
    """Test every system against ``top`` and Holm-correct over the comparisons.

    Returns ``{system: (p, p_holm, significant)}`` for every system but ``top``;
    ``significant`` is False for systems not distinguishable from the top one (these
    are the ones a board marks). Each comparison uses the same ``seed``, so adding a
    system does not change the others' raw p-values.
    """
    others = [s for s in matrices_by_system if s != top]
    raw = [paired_test(matrices_by_system[top], matrices_by_system[s], test=test, resamples=resamples,
                       seed=seed, metric=metric).p_value for s in others]
    adjusted = holm(raw)
    return {s: (p, q, q < alpha) for s, p, q in zip(others, raw, adjusted)}
