"""Cohen's kappa, Fleiss' kappa and Krippendorff's alpha against their reference
implementations (scikit-learn, statsmodels, krippendorff), to 1e-9."""
from __future__ import annotations

import math
import warnings

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

from seqeval_suite.kappa import cohen_kappa, fleiss_kappa, krippendorff_alpha


@st.composite
def rating_matrices(draw, min_raters=2, max_raters=5, missing=False):
    raters = draw(st.integers(min_raters, max_raters))
    items = draw(st.integers(1, 30))
    labels = draw(st.integers(1, 4))
    cells = st.integers(-1 if missing else 0, labels - 1)
    values = draw(st.lists(st.lists(cells, min_size=items, max_size=items), min_size=raters, max_size=raters))
    return np.array(values, dtype=np.int64)


def _quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


@settings(max_examples=150, deadline=None)
@given(rating_matrices(max_raters=2))
def test_cohen_kappa_matches_sklearn(labels):
    ours = cohen_kappa(labels[0], labels[1])
    oracle = _quiet(cohen_kappa_score, labels[0], labels[1])
    if math.isnan(oracle):
        assert ours.value is None and ours.reason
    else:
        assert ours.value == pytest.approx(oracle, abs=1e-9)
    assert ours.items == labels.shape[1]


@settings(max_examples=150, deadline=None)
@given(rating_matrices(max_raters=6))
def test_fleiss_kappa_matches_statsmodels(labels):
    ours = fleiss_kappa(labels)
    table, _ = aggregate_raters(labels.T)
    oracle = _quiet(sm_fleiss, table, method="fleiss")
    if math.isnan(oracle):
        assert ours.value is None and ours.reason
    else:
        assert ours.value == pytest.approx(oracle, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(rating_matrices(max_raters=6, missing=True))
def test_krippendorff_alpha_matches_package_with_missing_labels(labels):
    ours = krippendorff_alpha(labels)
    data = labels.astype(float)
    data[labels < 0] = np.nan
    pairable = int(((labels >= 0).sum(axis=0) >= 2).sum())
    if pairable == 0:
        assert ours.value is None and ours.reason == "no unit has two or more labels"
        with pytest.raises(ValueError):
            krippendorff.alpha(data, level_of_measurement="nominal", value_domain=range(4))
        return
    oracle = _quiet(krippendorff.alpha, data, level_of_measurement="nominal", value_domain=range(4))
    if math.isnan(oracle):
        assert ours.value is None and ours.reason
    else:
        assert ours.value == pytest.approx(oracle, abs=1e-9)
    assert ours.items == pairable


@pytest.mark.parametrize("func, args", [
    (cohen_kappa, (np.array([3, 3, 3]), np.array([3, 3, 3]))),
    (fleiss_kappa, (np.array([[1, 1], [1, 1], [1, 1]]),)),
    (krippendorff_alpha, (np.array([[0, 0, -1], [0, 0, 0]]),)),
])
def test_one_label_only_is_undefined_not_nan(func, args):
    stat = func(*args)
    assert stat.value is None
    assert "one label" in stat.reason
    assert stat.to_dict()["value"] is None


def test_empty_inputs_are_undefined():
    assert cohen_kappa(np.array([], dtype=int), np.array([], dtype=int)).reason == "no items"
    assert fleiss_kappa(np.zeros((3, 0), dtype=int)).value is None
    assert krippendorff_alpha(np.full((2, 3), -1)).value is None
