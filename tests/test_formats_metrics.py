"""Differential tests: seqeval_suite.metrics against seqeval 1.2.2 (the oracle).

Every public function is called with the same random data and options on both sides;
values, numpy types, report strings, warnings and exceptions must be the same.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import seqeval.metrics as oracle
import seqeval.metrics.sequence_labeling as oracle_sl
import seqeval.scheme as oracle_scheme

from seqeval_suite import metrics

TYPES = ["PER", "LOC", "ORG-GOV"]
ODD_TAGS = ["[PAD]", "X", ".", "B-", "B--X", "PER", "L-PER", "U-LOC", "B", "I"]
SCHEMES = ["IOB1", "IOE1", "IOB2", "IOE2", "IOBES", "BILOU"]
SCHEME_PREFIXES = {"IOB1": "IB", "IOE1": "IE", "IOB2": "IB", "IOE2": "IE", "IOBES": "IBES", "BILOU": "BILU"}
SETTINGS = dict(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def tags(prefixes: str, suffix: bool, odd: bool):
    """A tag strategy: mostly well-formed tags, some bare prefixes, optionally odd ones."""
    typed = st.builds(
        lambda p, t: f"{t}-{p}" if suffix else f"{p}-{t}", st.sampled_from(prefixes), st.sampled_from(TYPES)
    )
    options = [st.just("O"), typed, typed, st.sampled_from(prefixes)]
    if odd:
        options.append(st.sampled_from(ODD_TAGS))
    return st.one_of(options)


@st.composite
def pairs(draw, prefixes="BIES", suffix=False, odd=True):
    """(y_true, y_pred): 1-4 sentences of 0-8 tags, the same shapes on both sides."""
    lengths = draw(st.lists(st.integers(0, 8), min_size=1, max_size=4))
    tag = tags(prefixes, suffix, odd)
    y_true = [draw(st.lists(tag, min_size=n, max_size=n)) for n in lengths]
    y_pred = [draw(st.lists(tag, min_size=n, max_size=n)) for n in lengths]
    return y_true, y_pred


def run(fn, *args, **kwargs):
    """Call ``fn`` and return (result or exception, set of warnings)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - exceptions are compared
            result = exc
    return result, {(type(w.message).__name__, str(w.message)) for w in caught}


def assert_same(ours, theirs):
    """Equal values of the same types (numpy arrays: same dtype and elements)."""
    if isinstance(theirs, Exception):
        assert type(ours) is type(theirs), (ours, theirs)
        if not isinstance(theirs, KeyError):
            assert _unordered(str(ours)) == _unordered(str(theirs))
        return
    assert type(ours) is type(theirs), (ours, theirs)
    if isinstance(theirs, np.ndarray):
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
        assert np.array_equal(ours, theirs, equal_nan=True), (ours, theirs)
    elif isinstance(theirs, (tuple, list)):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_same(a, b)
    elif isinstance(theirs, dict):
        assert list(ours) == list(theirs)
        for key in theirs:
            assert_same(ours[key], theirs[key])
    elif isinstance(theirs, float) and math.isnan(theirs):
        assert math.isnan(ours)
    else:
        assert ours == theirs


def _unordered(message: str):
    """seqeval prints a set of prefixes in hash order: compare such a set as a set."""
    head, brace, rest = message.partition("{")
    return (head, frozenset(rest.rstrip("}").split(", "))) if brace else message


def compare(ours_fn, theirs_fn, *args, **kwargs):
    ours, our_warnings = run(ours_fn, *args, **kwargs)
    theirs, their_warnings = run(theirs_fn, *args, **kwargs)
    assert_same(ours, theirs)
    assert our_warnings == their_warnings
    return theirs


SCORE_FUNCTIONS = ["precision_score", "recall_score", "f1_score"]
ZERO_DIVISION = st.sampled_from(["warn", 0, 1, 0.0, False, "0"])
AVERAGE = st.sampled_from([None, "micro", "macro", "weighted"])


@settings(**SETTINGS)
@given(data=pairs(), name=st.sampled_from(SCORE_FUNCTIONS), average=AVERAGE, zero_division=ZERO_DIVISION,
       mode=st.sampled_from([None, "strict"]))
def test_metrics_scores_match_seqeval_default_mode(data, name, average, zero_division, mode):
    # mode="strict" without a scheme is seqeval's silent fallback to the default mode.
    y_true, y_pred = data
    compare(getattr(metrics, name), getattr(oracle, name), y_true, y_pred,
            average=average, zero_division=zero_division, mode=mode)


@settings(**SETTINGS)
@given(data=pairs(suffix=True), name=st.sampled_from(SCORE_FUNCTIONS), average=AVERAGE)
def test_metrics_scores_match_seqeval_with_suffix(data, name, average):
    y_true, y_pred = data
    compare(getattr(metrics, name), getattr(oracle, name), y_true, y_pred, average=average, suffix=True)


@st.composite
def strict_case(draw):
    scheme = draw(st.sampled_from(SCHEMES))
    suffix = draw(st.booleans())
    # Mostly the scheme's own prefixes; sometimes any prefix, to compare the errors.
    prefixes = SCHEME_PREFIXES[scheme] if draw(st.integers(0, 4)) else "BIESLU"
    y_true, y_pred = draw(pairs(prefixes=prefixes, suffix=suffix, odd=False))
    return scheme, suffix, y_true, y_pred


@settings(**SETTINGS)
@given(case=strict_case(), name=st.sampled_from(SCORE_FUNCTIONS), average=AVERAGE,
       zero_division=ZERO_DIVISION, by_name=st.booleans())
def test_metrics_strict_scores_match_seqeval_for_each_scheme(case, name, average, zero_division, by_name):
    scheme, suffix, y_true, y_pred = case
    theirs_scheme = getattr(oracle_scheme, scheme)
    kwargs = dict(average=average, zero_division=zero_division, suffix=suffix, mode="strict")
    ours, our_warnings = run(getattr(metrics, name), y_true, y_pred,
                             scheme=scheme.lower() if by_name else theirs_scheme, **kwargs)
    theirs, their_warnings = run(getattr(oracle, name), y_true, y_pred, scheme=theirs_scheme, **kwargs)
    assert_same(ours, theirs)
    assert our_warnings == their_warnings


@settings(**SETTINGS)
@given(data=pairs(), average=AVERAGE, beta=st.sampled_from([0.0, 0.5, 1.0, 2, math.inf, -1]),
       suffix=st.booleans(), warn_for=st.sampled_from([("precision", "recall", "f-score"), ("recall",)]))
def test_metrics_prfs_matches_seqeval(data, average, beta, suffix, warn_for):
    y_true, y_pred = data
    compare(metrics.precision_recall_fscore_support, oracle_sl.precision_recall_fscore_support,
            y_true, y_pred, average=average, beta=beta, suffix=suffix, warn_for=warn_for,
            sample_weight=[1.0] * len(y_true))


@settings(**SETTINGS)
@given(data=pairs(), digits=st.integers(0, 6), output_dict=st.booleans(), zero_division=ZERO_DIVISION,
       suffix=st.booleans())
def test_metrics_classification_report_is_identical(data, digits, output_dict, zero_division, suffix):
    y_true, y_pred = data
    compare(metrics.classification_report, oracle.classification_report, y_true, y_pred,
            digits=digits, output_dict=output_dict, zero_division=zero_division, suffix=suffix)


@settings(**SETTINGS)
@given(case=strict_case(), digits=st.integers(0, 5), output_dict=st.booleans(), detect=st.booleans())
def test_metrics_strict_classification_report_is_identical(case, digits, output_dict, detect):
    # scheme=None makes seqeval detect the scheme from y_true (IOB2, IOE2, IOBES, BILOU).
    scheme, suffix, y_true, y_pred = case
    theirs_scheme = None if detect else getattr(oracle_scheme, scheme)
    compare(metrics.classification_report, oracle.classification_report, y_true, y_pred, digits=digits,
            output_dict=output_dict, suffix=suffix, mode="strict", scheme=theirs_scheme, zero_division=1)


@settings(**SETTINGS)
@given(data=pairs())
def test_metrics_token_measures_match_seqeval(data):
    y_true, y_pred = data
    compare(metrics.accuracy_score, oracle.accuracy_score, y_true, y_pred)
    compare(metrics.performance_measure, oracle.performance_measure, y_true, y_pred)


def hf_reference(predictions, references, suffix=False, scheme=None, mode=None, sample_weight=None,
                 zero_division="warn"):
    """What Hugging Face evaluate's "seqeval" metric computes (its _compute, restated)."""
    if scheme is not None:
        scheme = getattr(oracle_scheme, scheme)
    report = oracle.classification_report(references, predictions, suffix=suffix, output_dict=True,
                                          scheme=scheme, mode=mode, sample_weight=sample_weight,
                                          zero_division=zero_division)
    report.pop("macro avg")
    report.pop("weighted avg")
    overall = report.pop("micro avg")
    scores = {t: {"precision": s["precision"], "recall": s["recall"], "f1": s["f1-score"], "number": s["support"]}
              for t, s in report.items()}
    scores["overall_precision"] = overall["precision"]
    scores["overall_recall"] = overall["recall"]
    scores["overall_f1"] = overall["f1-score"]
    scores["overall_accuracy"] = oracle.accuracy_score(references, predictions)
    return scores


@settings(**SETTINGS)
@given(case=strict_case(), mode=st.sampled_from([None, "strict"]), zero_division=ZERO_DIVISION)
def test_metrics_hf_seqeval_matches_hugging_face_dict(case, mode, zero_division):
    scheme, suffix, y_true, y_pred = case
    compare(metrics.hf_seqeval, hf_reference, y_pred, y_true, suffix=suffix, scheme=scheme, mode=mode,
            zero_division=zero_division)


def test_metrics_hf_seqeval_keys():
    scores = metrics.hf_seqeval([["B-PER", "I-PER", "O"]], [["B-PER", "I-PER", "B-LOC"]], zero_division=0)
    assert list(scores) == ["LOC", "PER", "overall_precision", "overall_recall", "overall_f1", "overall_accuracy"]
    assert list(scores["PER"]) == ["precision", "recall", "f1", "number"]
    assert scores["overall_accuracy"] == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    "tags, scheme, expected",
    [
        # seqeval's IOB1 defect (SPEC §2): B-X after O is ill-formed, yet seqeval's table
        # yields the one-token entity X[2,3); the drop-in keeps it, evaluate() does not.
        (["O", "B-X", "I-X"], "IOB1", {"X": [(0, 2, 3)]}),
        (["I-X", "I-X", "B-X", "O"], "IOB1", {"X": [(0, 0, 2), (0, 2, 3)]}),
        (["O", "I-X", "I-X"], "IOB2", {}),
        (["B-X", "L-X"], "BILOU", {"X": [(0, 0, 2)]}),
    ],
)
def test_metrics_strict_keeps_seqeval_tables(tags, scheme, expected):
    found = metrics._strict_entities([tags], scheme, False)
    assert {t: sorted(v) for t, v in found.items()} == expected
    theirs = oracle_scheme.Entities([tags], getattr(oracle_scheme, scheme)).entities[0]
    assert sorted((e.tag, e.sent_id, e.start, e.end) for e in theirs) == sorted(
        (t, *span) for t, spans in expected.items() for span in spans
    )


def test_metrics_iob1_differs_from_core_strict_mode():
    from seqeval_suite import evaluate

    y = [["O", "B-X", "I-X"]]
    assert metrics.f1_score(y, y, mode="strict", scheme="IOB1") == 1.0
    assert evaluate(y, y, mode="strict", scheme="IOB1").micro.predicted == 0


def test_metrics_made_up_types_are_kept():
    y_true = [["[PAD]", "B", "O", "B-PER"]]
    with pytest.warns(UserWarning, match=r"\[PAD\] seems not to be NE tag"):
        report = metrics.classification_report(y_true, y_true, output_dict=True)
    assert set(report) >= {"PAD]", "_", "PER"}


def test_metrics_sample_weight_is_ignored():
    y_true, y_pred = [["B-X", "O"], ["B-Y", "O"]], [["B-X", "O"], ["O", "O"]]
    assert metrics.f1_score(y_true, y_pred, sample_weight=[0, 5]) == metrics.f1_score(y_true, y_pred)


@pytest.mark.parametrize("scheme", ["IO", "nonsense"])
def test_metrics_unknown_scheme_name_is_a_value_error(scheme):
    with pytest.raises(ValueError, match="Scheme should be one of"):
        metrics.f1_score([["B-X"]], [["B-X"]], mode="strict", scheme=scheme)


def test_metrics_importing_does_not_import_seqeval():
    import subprocess
    import sys

    code = "import sys, seqeval_suite.metrics; print('seqeval' in sys.modules, 'sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


@pytest.mark.parametrize(
    "y_true, y_pred",
    [
        ([], []),
        ([[]], [[]]),
        ([["O", "O"]], [["O", "O"]]),
        ([("B-X", "O")], [("B-X", "O")]),
        ([["B-X", "O"]], [["B-X"]]),
        ([["B-X"]], [["B-X"], ["O"]]),
        (["B-X", "O"], ["B-X", "O"]),
    ],
)
@pytest.mark.parametrize("name", ["f1_score", "classification_report", "accuracy_score", "performance_measure"])
def test_metrics_odd_inputs_fail_or_pass_as_seqeval(y_true, y_pred, name):
    compare(getattr(metrics, name), getattr(oracle, name), y_true, y_pred)
    if name in ("f1_score", "classification_report"):
        compare(getattr(metrics, name), getattr(oracle, name), y_true, y_pred, mode="strict",
                scheme=oracle_scheme.IOB2)
