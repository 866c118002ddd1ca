"""Issue 5: bootstrap CIs, paired tests and Holm on count matrices (seqeval_suite.stats)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqeval_suite import stats


def synthetic(rng, n=300, types=3, rate=0.8):
    """Per-sentence counts where each gold entity is found with probability ``rate``."""
    gold = rng.poisson(1.0, size=(n, types))
    tp = rng.binomial(gold, rate)
    fp = rng.poisson(0.2, size=(n, types))
    return np.stack([tp, fp, gold - tp], axis=2)


@pytest.mark.parametrize("test", ["ar", "bootstrap"])
def test_identical_systems_give_p_one_and_zero_width_difference(test):
    m = synthetic(np.random.default_rng(3))
    result = stats.paired_test(m, m, test=test, resamples=500)
    assert result.p_value == 1.0
    assert result.delta == 0.0 and result.better is None
    assert result.ci_low == result.ci_high == 0.0


@pytest.mark.parametrize("test", ["ar", "bootstrap"])
def test_clearly_better_system_is_significant(test):
    rng = np.random.default_rng(4)
    weak = synthetic(rng, rate=0.6)
    strong = weak.copy()
    strong[:, :, 0] += strong[:, :, 2]  # every miss found
    strong[:, :, 2] = 0
    result = stats.paired_test(strong, weak, test=test, resamples=1000)
    assert result.better == "a" and result.delta > 0
    assert result.p_value == pytest.approx(1 / 1001)
    assert result.ci_low > 0
    flipped = stats.paired_test(weak, strong, test=test, resamples=1000)
    assert flipped.better == "b" and flipped.p_value == result.p_value
    assert flipped.delta == pytest.approx(-result.delta)


def test_similar_systems_are_not_significant():
    rng = np.random.default_rng(5)
    a, b = synthetic(rng), synthetic(rng)
    assert stats.paired_test(a, b, test="ar", resamples=2000).p_value > 0.01


def test_same_seed_same_result_and_seed_matters():
    rng = np.random.default_rng(6)
    a, b = synthetic(rng), synthetic(rng, rate=0.75)
    for test in ("ar", "bootstrap"):
        first = stats.paired_test(a, b, test=test, resamples=300, seed=7)
        assert first == stats.paired_test(a, b, test=test, resamples=300, seed=7)
    assert stats.bootstrap_ci(a, seed=1) == stats.bootstrap_ci(a, seed=1)
    assert stats.bootstrap_ci(a, seed=1) != stats.bootstrap_ci(a, seed=2)


def test_ci_coverage_is_close_to_nominal():
    """200 simulated corpora with known expected F1; the 90% interval should cover the
    population F1 about 90% of the time (binomial sd about 2%, tolerance 7 points)."""
    rate, fp_rate, types = 0.7, 0.3, 2
    # Population micro F1: E[tp] = rate, E[fp] = fp_rate, E[fn] = 1 - rate per gold entity rate 1.
    true_f1 = 2 * rate / (2 * rate + fp_rate + (1 - rate))
    covered = 0
    for k in range(200):
        rng = np.random.default_rng(1000 + k)
        gold = rng.poisson(1.0, size=(150, types))
        tp = rng.binomial(gold, rate)
        fp = rng.poisson(fp_rate, size=(150, types))
        m = np.stack([tp, fp, gold - tp], axis=2)
        ci = stats.bootstrap_ci(m, resamples=300, level=0.90, seed=k)
        covered += ci.low <= true_f1 <= ci.high
    assert 0.83 <= covered / 200 <= 0.97


def test_one_sentence_and_all_zero_and_empty_do_not_crash():
    one = np.array([[[2, 1, 0]]])
    ci = stats.bootstrap_ci(one, resamples=50)
    assert ci.point == ci.low == ci.high == pytest.approx(0.8)
    zero = np.zeros((4, 2, 3), dtype=int)
    assert stats.bootstrap_ci(zero, metric="macro_f1", resamples=20).high == 0.0
    assert stats.paired_test(zero, zero, test="bootstrap", resamples=20).p_value == 1.0
    empty = np.zeros((0, 1, 3), dtype=int)
    assert stats.bootstrap_ci(empty, resamples=10).point == 0.0
    assert stats.paired_test(empty, empty, resamples=10).p_value == 1.0


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(0, 5)), min_size=1, max_size=8))
def test_metrics_match_counts_module(cells):
    from seqeval_suite.counts import Counts, total

    totals = np.array(cells)
    counts = [Counts(*c) for c in cells]
    pooled = total(counts)
    assert stats.metric_of_totals(totals, "micro_f1") == pytest.approx(pooled.f1)
    assert stats.metric_of_totals(totals, "micro_p") == pytest.approx(pooled.precision)
    assert stats.metric_of_totals(totals, "micro_r") == pytest.approx(pooled.recall)
    present = [c.f1 for c in counts if c.tp + c.fp + c.fn]
    expected = sum(present) / len(present) if present else 0.0
    assert stats.metric_of_totals(totals, "macro_f1") == pytest.approx(expected)


def test_units_resample_whole_documents():
    m = synthetic(np.random.default_rng(8), n=60)
    units = np.repeat(np.arange(6), 10)
    by_doc = stats.bootstrap_ci(m, units=units, resamples=200)
    assert by_doc == stats.bootstrap_ci(stats.collapse_units(m, units), resamples=200).__class__(
        by_doc.point, by_doc.low, by_doc.high, by_doc.level, by_doc.resamples, by_doc.method)
    assert by_doc.point == stats.point_metric(m)
    assert "document" in by_doc.method


def test_runs_ci_widens_with_run_variance():
    rng = np.random.default_rng(9)
    base = synthetic(rng, rate=0.7)
    better = base.copy()
    better[:, :, 0] += better[:, :, 2]
    better[:, :, 2] = 0
    same = stats.runs_ci([base, base], resamples=400)
    assert same.point == pytest.approx(stats.point_metric(base))
    mixed = stats.runs_ci([base, better], resamples=400)
    assert mixed.high - mixed.low > same.high - same.low
    assert mixed.low < stats.point_metric(base) + 0.01 and mixed.high > stats.point_metric(better) - 0.01


def test_holm_matches_statsmodels():
    from statsmodels.stats.multitest import multipletests

    for p in ([0.01, 0.04, 0.03, 0.2, 0.005], [0.5, 0.5], [0.001], [0.3, 0.01, 0.9]):
        assert stats.holm(p) == pytest.approx(list(multipletests(p, method="holm")[1]))


def test_significance_marks():
    rng = np.random.default_rng(10)
    top = synthetic(rng, rate=0.9)
    systems = {"top": top, "twin": top.copy(), "weak": synthetic(rng, rate=0.4)}
    marks = stats.significance_marks(systems, "top", alpha=0.05, resamples=500)
    assert set(marks) == {"twin", "weak"}
    assert marks["twin"] == (1.0, 1.0, False)
    assert marks["weak"][2] is True and marks["weak"][1] >= marks["weak"][0]


def test_stats_cached_weights_give_the_same_numbers_as_fresh_draws():
    import numpy as np

    from seqeval_suite import stats

    rng = np.random.default_rng(5)
    m = rng.integers(0, 3, size=(300, 2, 3))
    first = stats.runs_ci([m, m[::-1]], resamples=300, seed=9)
    stats._seeded_weights.cache_clear()
    again = stats.runs_ci([m, m[::-1]], resamples=300, seed=9)
    assert (first.low, first.high) == (again.low, again.high)
    # the cached path draws exactly what a fresh generator would
    values = stats._resampled_metrics(np.random.default_rng(9), [m], 300, "micro_f1")[0]
    low, high = stats._percentiles(values, 0.95)
    assert (low, high) == (stats.bootstrap_ci(m, resamples=300, seed=9).low,
                           stats.bootstrap_ci(m, resamples=300, seed=9).high)


def test_stats_paired_ar_without_interval_keeps_p_and_delta():
    import math

    import numpy as np

    from seqeval_suite.stats import paired_test

    rng = np.random.default_rng(2)
    a, b = rng.integers(0, 3, size=(200, 2, 3)), rng.integers(0, 3, size=(200, 2, 3))
    full, bare = paired_test(a, b, resamples=500), paired_test(a, b, resamples=500, interval=False)
    assert (full.p_value, full.delta) == (bare.p_value, bare.delta)
    assert math.isnan(bare.ci_low) and not math.isnan(full.ci_low)


@pytest.mark.parametrize("test", ["ar", "bootstrap"])
def test_no_entity_type_anywhere_scores_zero_not_a_crash(test):
    import numpy as np

    from seqeval_suite import stats

    empty = np.zeros((7, 0, 3), dtype=int)
    assert stats.paired_test(empty, empty, test=test, resamples=50).p_value == 1.0
    ci = stats.bootstrap_ci(empty, resamples=50)
    assert (ci.point, ci.low, ci.high) == (0.0, 0.0, 0.0)
