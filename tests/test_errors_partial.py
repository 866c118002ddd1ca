"""Partial-match schemas against nervaluate 1.2.1 (test-only oracle)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqeval_suite.partial import (
    NERVALUATE_NAMES, SCHEMAS, MatchCounts, PartialMatcher, figures, match_sentence, score_spans,
)

nervaluate = pytest.importorskip("nervaluate")

TYPES = ["A", "B", "C"]


def _oracle(gold, pred, order=sorted):
    """nervaluate's results on spans given in ``order`` (its ends are inclusive)."""
    def docs(sentences):
        return [[{"label": t, "start": s, "end": e - 1} for s, e, t in order(spans)] for spans in sentences]
    return nervaluate.Evaluator(docs(gold), docs(pred), tags=TYPES, loader="dict").evaluate()


def _same(ours: dict, theirs) -> None:
    assert (ours["cor"], ours["inc"], ours["par"], ours["mis"], ours["spu"]) == (
        theirs.correct, theirs.incorrect, theirs.partial, theirs.missed, theirs.spurious)
    assert (ours["possible"], ours["actual"]) == (theirs.possible, theirs.actual)
    for key in ("precision", "recall", "f1"):
        assert ours[key] == pytest.approx(getattr(theirs, key), abs=1e-12)


@st.composite
def tiling(draw, length=10):
    """Non-overlapping spans, as any tag decoder produces."""
    spans, k = [], 0
    while k < length:
        width = draw(st.integers(1, 4))
        if draw(st.booleans()) and k + width <= length:
            spans.append((k, k + width, draw(st.sampled_from(TYPES))))
        k += width
    return spans


@st.composite
def anything(draw, length=10):
    """Spans that may overlap or repeat each other."""
    def span(draw_):
        start = draw_(st.integers(0, length - 1))
        return (start, draw_(st.integers(start + 1, length)), draw_(st.sampled_from(TYPES)))
    return [span(draw) for _ in range(draw(st.integers(0, 4)))]


def _check_against_oracle(gold, pred):
    ours = score_spans(gold, pred)
    theirs = _oracle(gold, pred)
    for schema in SCHEMAS:
        name = NERVALUATE_NAMES[schema]
        _same(ours[schema]["micro"], theirs["overall"][name])
        assert set(ours[schema]["per_type"]) == set(theirs["entities"])
        for type_, result in ours[schema]["per_type"].items():
            _same(result, theirs["entities"][type_][name])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(tiling(), tiling()), min_size=1, max_size=4))
def test_partial_equals_nervaluate_on_decoded_spans(sentences):
    _check_against_oracle([g for g, _ in sentences], [p for _, p in sentences])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(anything(), anything()), min_size=1, max_size=4))
def test_partial_equals_nervaluate_on_overlapping_spans_in_sentence_order(sentences):
    _check_against_oracle([g for g, _ in sentences], [p for _, p in sentences])


def test_partial_nervaluate_issue40_order_dependence_not_copied():
    # nervaluate issue #40: its counts change with the order of the predicted spans.
    gold = [[(0, 1, "A"), (1, 3, "B")]]
    pred = [[(0, 2, "B"), (2, 3, "A")]]
    in_order = _oracle(gold, pred)["overall"]["ent_type"]
    reversed_ = _oracle(gold, pred, order=lambda s: sorted(s, reverse=True))["overall"]["ent_type"]
    assert (in_order.correct, in_order.incorrect) != (reversed_.correct, reversed_.incorrect)
    ours = score_spans(gold, pred)["type"]["micro"]
    ours_reversed = score_spans(gold, [list(reversed(pred[0]))])["type"]["micro"]
    assert ours == ours_reversed
    _same(ours, in_order)


def test_partial_nervaluate_min_overlap_threshold_not_copied():
    # nervaluate's default min_overlap_percentage=1 ignores a one-token overlap with a
    # gold entity over 100 tokens long; any shared token is an overlap here.
    gold, pred = [[(0, 150, "A")]], [[(149, 151, "A")]]
    theirs = _oracle(gold, pred)["overall"]["partial"]
    assert (theirs.partial, theirs.spurious) == (0, 1)
    assert score_spans(gold, pred)["partial"]["micro"]["par"] == 1


@pytest.mark.parametrize("schema, expected", [
    ("strict", MatchCounts(inc=1, mis=0, spu=1)),
    ("exact", MatchCounts(cor=1, spu=1)),
    ("partial", MatchCounts(cor=1, spu=1)),
    ("type", MatchCounts(inc=1, spu=1)),  # ORG[0,2) comes first and takes the gold entity
])
def test_match_sentence_table(schema, expected):
    # gold PER[0,2); predictions ORG[0,2) (same span, other type) and PER[1,3)
    assert match_sentence([(0, 2, "PER")], [(0, 2, "ORG"), (1, 3, "PER")], schema) == expected


def test_partial_half_credit_only_for_partial_and_type():
    counts = MatchCounts(cor=1, par=1)
    assert figures(counts, "partial")["precision"] == 0.75
    assert figures(counts, "exact")["precision"] == 0.5


def test_partial_matcher_types_filter_and_zero_division():
    matcher = PartialMatcher(types=["LOC"])
    matcher.add([(0, 1, "PER")], [(0, 1, "PER")])
    result = matcher.results()["strict"]
    assert result["per_type"] == {}
    assert result["micro"]["f1"] == 0.0 and result["micro"]["possible"] == 0


def test_partial_unknown_schema_is_an_error():
    with pytest.raises(ValueError, match="unknown schema"):
        match_sentence([], [], "fuzzy")
