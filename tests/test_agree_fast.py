"""``agree``'s fast paths (issue 15) against the paths they replace.

- :class:`~seqeval_suite.agreement.PairScorer` decodes each annotator once and scores
  every pair from those arrays; each pair's report must be exactly what the scoring
  core gives on the pair's :class:`~seqeval_suite.core.source.ArraySource` (the same
  fields, per-type order and per-sentence cells in the same order), also when a pair's
  sentences fill several blocks and skip sentences (block size made tiny here).
- A pair's Cohen's kappas come from one joint count; they must equal scikit-learn's
  ``cohen_kappa_score`` on the tokens both annotators labelled (and on those where
  not both tags are ``O``).
"""
from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

import seqeval_suite.core.source as core_source
from seqeval_suite import agreement
from seqeval_suite.agreement import PairScorer, _label_matrix, _pair_kappas, _pair_source, _sentence_mask, agree
from seqeval_suite.core.options import Options
from seqeval_suite.core.score import score
from seqeval_suite.errors import DataError
from seqeval_suite.io.annotations import read_corpus

LENIENT_TAGS = ["O", "O", "O", "B-PER", "I-PER", "E-PER", "S-LOC", "B-LOC", "I-LOC", "L-ORG", "U-ORG",
                "B", "I", "I-O", "B-ORG-GOV", "[PAD]", "X"]
SCHEME_TAGS = {
    "IOB1": ["O", "B-X", "I-X", "B-Y", "I-Y", "B", "I"],
    "IOB2": ["O", "B-X", "I-X", "B-Y", "I-Y", "I"],
    "IOE1": ["O", "E-X", "I-X", "E-Y", "I-Y"],
    "IOBES": ["O", "B-X", "I-X", "E-X", "S-X", "B-Y", "E-Y", "S-Y", "I-Y"],
    "BILOU": ["O", "B-X", "I-X", "L-X", "U-X", "U-Y", "B-Y", "L-Y"],
}


@st.composite
def cases(draw):
    """Scoring settings and, per annotator, sentences of tags (some not labelled: None)."""
    mode = draw(st.sampled_from(["lenient", "lenient", "strict"]))
    types = draw(st.sampled_from([None, None, "PER,ORG-GOV", "X"]))
    if mode == "strict":
        scheme = draw(st.sampled_from(sorted(SCHEME_TAGS)))
        tags = SCHEME_TAGS[scheme] + (["[PAD]", "S-X"] if draw(st.integers(0, 5)) == 0 else [])
    else:
        scheme = draw(st.sampled_from(["auto", "auto", "IOB2"]))
        tags = LENIENT_TAGS
    lengths = draw(st.lists(st.integers(1, 6), min_size=1, max_size=9))
    annotators = []
    for _ in range(draw(st.integers(2, 4))):
        annotators.append([None if draw(st.integers(0, 5)) == 0 else [draw(st.sampled_from(tags)) for _ in range(n)]
                           for n in lengths])
    return dict(mode=mode, scheme=scheme, types=types), annotators


def report_fields(report) -> dict:
    """Every field of a report, the per-sentence table as its raw arrays (order kept)."""
    fields = dict(vars(report))
    counts = fields.pop("sentence_counts")
    fields["cells"] = (list(counts.sentence), list(counts.type_index), list(counts.tp), list(counts.fp),
                       list(counts.fn), list(counts.types))
    fields["per_type_order"] = list(report.per_type)
    fields["to_dict"] = report.to_dict()
    return fields


def _core_report(corpus, i, j, shared, options):
    try:
        return score(_pair_source(corpus, i, j, shared), options)
    except DataError as exc:
        return exc


@settings(max_examples=200, deadline=None)
@given(data=st.data(), small=st.booleans())
def test_pair_scorer_reports_equal_the_core(data, small):
    setting, annotators = data.draw(cases())
    original = core_source.ARRAY_BLOCK_TOKENS
    core_source.ARRAY_BLOCK_TOKENS = 5 if small else original
    try:
        options = Options.build(**setting)
        corpus = read_corpus(annotators, options=options)
        scorer = PairScorer.build(corpus, options)
        for i, j in itertools.permutations(range(len(annotators)), 2):
            shared = np.flatnonzero(_sentence_mask(corpus, i, j))
            if not len(shared):
                continue
            expected = _core_report(corpus, i, j, shared, options)
            if scorer is None:  # only where a pair could raise (a refused tag)
                assert setting["mode"] == "strict"
                continue
            if isinstance(expected, DataError):
                with pytest.raises(DataError) as caught:
                    scorer.score(i, j, shared)
                assert str(caught.value) == str(expected)
                continue
            assert report_fields(scorer.score(i, j, shared)) == report_fields(expected)
    finally:
        core_source.ARRAY_BLOCK_TOKENS = original


def test_pair_scorer_is_used_where_it_applies():
    sentences = [[["B-PER", "O"], ["B-LOC"]], [["B-PER", "O"], ["B-ORG"]]]
    for mode, used in (("lenient", True), ("strict", True), ("conlleval", False)):
        options = Options.build(mode=mode, scheme="IOB2" if mode == "strict" else "auto")
        assert (PairScorer.build(read_corpus(sentences, options=options), options) is not None) is used
    refused = [[["B-PER", "X"]], [["B-PER", "O"]]]
    options = Options.build(mode="strict", scheme="IOB2")
    assert PairScorer.build(read_corpus(refused, options=options), options) is None


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_agree_equals_agree_without_the_pair_scorer(data, tmp_path_factory):
    setting, annotators = data.draw(cases())
    kappa_on = data.draw(st.sampled_from(["tags", "types"]))
    original = core_source.ARRAY_BLOCK_TOKENS
    core_source.ARRAY_BLOCK_TOKENS = 5
    try:
        def run():
            try:
                return agree(annotators, kappa_on=kappa_on, **setting).to_dict()
            except DataError as exc:
                return str(exc)

        fast = run()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(agreement.PairScorer, "build", classmethod(lambda cls, corpus, options: None))
            slow = run()
    finally:
        core_source.ARRAY_BLOCK_TOKENS = original
    assert fast == slow


def _sklearn_kappa(a, b):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = cohen_kappa_score(a, b)
    return None if np.isnan(value) else value


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_pair_kappas_match_sklearn(data):
    setting, annotators = data.draw(cases())
    kappa_on = data.draw(st.sampled_from(["tags", "types"]))
    options = Options.build(**setting)
    corpus = read_corpus(annotators, options=options)
    labels, outside = _label_matrix(corpus, kappa_on, options)
    for i, j in itertools.combinations(range(len(annotators)), 2):
        kappa, kappa_entity = _pair_kappas(labels, outside, i, j)
        both = (labels[i] >= 0) & (labels[j] >= 0)
        entity = both & ~(outside[i] & outside[j])
        for stat, mask in ((kappa, both), (kappa_entity, entity)):
            assert stat.items == int(mask.sum())
            if not mask.any():
                assert stat.value is None and stat.reason
                continue
            oracle = _sklearn_kappa(labels[i][mask], labels[j][mask])
            if oracle is None or len(set(labels[i][mask]) | set(labels[j][mask])) == 1:
                assert stat.value is None
            else:
                assert stat.value == pytest.approx(oracle, abs=1e-9)
