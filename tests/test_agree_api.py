"""``agree()``: each pair is exactly ``evaluate``; missing sentences; input checks;
chance-corrected figures equal the oracle libraries on the same tokens."""
from __future__ import annotations

import math
import warnings
from itertools import combinations

import krippendorff
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

from seqeval_suite import evaluate
from seqeval_suite.agreement import agree
from seqeval_suite.errors import DataError
from conftest import conll

TAGS = ["O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "E-LOC", "S-ORG", "I-ORG"]


def _same_report(a: dict, b: dict) -> None:
    """Equal JSON reports. macro/weighted are float sums whose last bit depends on
    the order of per_type, which the core builds from a set (hash-seed dependent):
    compare those to 1e-12 and everything else exactly."""
    for key in a.keys() | b.keys():
        if key in ("macro", "weighted"):
            assert a[key] == pytest.approx(b[key], abs=1e-12)
        else:
            assert a[key] == b[key], key


@st.composite
def annotations(draw, missing=True):
    raters = draw(st.integers(2, 4))
    lengths = draw(st.lists(st.integers(1, 6), min_size=1, max_size=6))
    out = []
    for _ in range(raters):
        sentences = []
        for n in lengths:
            if missing and draw(st.integers(0, 5)) == 0:
                sentences.append(None)
            else:
                sentences.append(draw(st.lists(st.sampled_from(TAGS), min_size=n, max_size=n)))
        out.append(sentences)
    return out


def _type(tag: str) -> str:
    return tag if tag == "O" else tag.split("-", 1)[1]


def _quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


@settings(max_examples=60, deadline=None)
@given(annotations())
def test_agree_figures_equal_evaluate_and_oracles(data):
    assume(any(s is not None for annotator in data for s in annotator))
    report = agree(data)
    by_type = agree(data, kappa_on="types")
    m = len(data)
    assert [p.reference for p in report.pairs] == [f"a{i + 1}" for i, _ in combinations(range(m), 2)]
    for (i, j), pair, typed in zip(combinations(range(m), 2), report.pairs, by_type.pairs):
        shared = [k for k in range(len(data[0])) if data[i][k] is not None and data[j][k] is not None]
        assert pair.sentences == len(shared)
        if not shared:
            assert pair.report is None and pair.kappa.value is None
            continue
        gold, pred = [data[i][k] for k in shared], [data[j][k] for k in shared]
        _same_report(pair.report.to_dict(), evaluate(gold, pred).to_dict())
        a = [t for s in gold for t in s]
        b = [t for s in pred for t in s]
        oracle = _quiet(cohen_kappa_score, a, b)
        assert (pair.kappa.value is None) == math.isnan(oracle)
        if pair.kappa.value is not None:
            assert pair.kappa.value == pytest.approx(oracle, abs=1e-9)
        keep = [k for k in range(len(a)) if a[k] != "O" or b[k] != "O"]
        oracle = _quiet(cohen_kappa_score, [a[k] for k in keep], [b[k] for k in keep]) if keep else math.nan
        assert (pair.kappa_entity.value is None) == math.isnan(oracle)
        if pair.kappa_entity.value is not None:
            assert pair.kappa_entity.value == pytest.approx(oracle, abs=1e-9)
        oracle = _quiet(cohen_kappa_score, [_type(t) for t in a], [_type(t) for t in b])
        assert (typed.kappa.value is None) == math.isnan(oracle)
        if typed.kappa.value is not None:
            assert typed.kappa.value == pytest.approx(oracle, abs=1e-9)
    # alpha and Fleiss over token units; labels coded as in the tag alphabet
    code = {t: k for k, t in enumerate(sorted(set(TAGS)))}
    units = []
    for sentences in zip(*data):
        n = len(next(s for s in sentences if s is not None)) if any(s is not None for s in sentences) else 0
        for t in range(n):
            units.append([code[s[t]] if s is not None else np.nan for s in sentences])
    matrix = np.array(units, dtype=float).T
    if ((~np.isnan(matrix)).sum(axis=0) >= 2).any():
        oracle = _quiet(krippendorff.alpha, matrix, level_of_measurement="nominal", value_domain=range(len(code)))
        if math.isnan(oracle):
            assert report.krippendorff_alpha.value is None
        else:
            assert report.krippendorff_alpha.value == pytest.approx(oracle, abs=1e-9)
    else:
        assert report.krippendorff_alpha.value is None
    complete = matrix[:, ~np.isnan(matrix).any(axis=0)].astype(int)
    assert report.fleiss_kappa.items == complete.shape[1]
    if complete.shape[1]:
        oracle = _quiet(sm_fleiss, aggregate_raters(complete.T)[0])
        assert (report.fleiss_kappa.value is None) == math.isnan(oracle)
        if not math.isnan(oracle):
            assert report.fleiss_kappa.value == pytest.approx(oracle, abs=1e-9)


def test_gold_pair_equals_evaluate_on_files(write):
    a = write("alice.conll", conll([[("Ann", "B-PER"), ("Lee", "I-PER"), ("in", "O"), ("Rome", "B-LOC")],
                                    [("-", "O"), ("IBM", "B-ORG")]]))
    b = write("bob.conll", conll([[("Ann", "B-PER"), ("Lee", "O"), ("in", "O"), ("Rome", "B-ORG")],
                                  [("-", "O"), ("IBM", "B-ORG")]]))
    for mode, scheme in (("lenient", "auto"), ("conlleval", "auto"), ("strict", "IOB2")):
        report = agree([a, b], gold="bob", mode=mode, scheme=scheme)
        pair = report.pair("alice", "bob")
        assert (pair.reference, pair.annotator) == ("bob", "alice")
        _same_report(pair.report.to_dict(), evaluate(b, a, mode=mode, scheme=scheme).to_dict())


def test_types_alphabet_and_missing_cells(write):
    path = write("multi.conll", conll([
        [("Ann", "B-PER", "B-PER", "?"), ("Lee", "I-PER", "B-PER", "?")],
        [("Rome", "B-LOC", "B-LOC", "I-LOC")],
    ]))
    tags = agree(path, columns=[1, 2, 3])
    types = agree(path, columns="1,2,3", kappa_on="types", names="x,y,z")
    assert tags.labelled == {"col1": 2, "col2": 2, "col3": 1}
    assert [p.sentences for p in tags.pairs] == [2, 1, 1]
    assert tags.fleiss_sentences == 1 and tags.fleiss_kappa.items == 1
    # B-PER/I-PER differ as tags but not as types
    assert types.pair("x", "y").kappa.value == 1.0
    assert tags.pair("col1", "col2").kappa.value < 1.0
    assert types.to_dict()["alphabet"].startswith("entity types")


def test_partly_missing_sentence_is_left_out_with_a_warning():
    report = agree([[["B-PER", "?"]], [["B-PER", "O"]]])
    assert report.labelled == {"a1": 0, "a2": 1}
    assert report.pairs[0].report is None
    assert any("partly marked missing" in w for w in report.warnings)


@pytest.mark.parametrize("kwargs, message", [
    ({"annotations": [[["O"]]]}, "at least two annotators"),
    ({"annotations": [[["O"]], [["O"]]], "names": "x,x"}, "given twice"),
    ({"annotations": [[["O"]], [["O"]]], "names": "x"}, "1 names for 2 annotators"),
    ({"annotations": [[["O"]], [["O", "O"]]]}, "different lengths"),
    ({"annotations": [[["O"]], [["O"], ["O"]]]}, "different numbers of sentences"),
    ({"annotations": [[["O"]], [["O"]]], "gold": "zed"}, "is not an annotator"),
])
def test_bad_input_is_a_data_error(kwargs, message):
    with pytest.raises(DataError, match=message):
        agree(**kwargs)


def test_token_mismatch_names_both_files_and_lines(write):
    a = write("a.conll", conll([[("x", "O"), ("y", "O")]]))
    b = write("b.conll", conll([[("x", "O"), ("z", "O")]]))
    with pytest.raises(DataError, match=r"token 2: 'y' at .*a.conll:2 but 'z' at .*b.conll:2"):
        agree([a, b])


def test_disagreement_kinds():
    report = agree({
        "p": [["B-PER", "I-PER", "O", "B-LOC", "O", "O"], ["B-ORG"]],
        "q": [["B-PER", "O", "O", "B-ORG", "O", "B-LOC"], None],
    }, disagreements=True)
    rows = report.disagreements
    assert [(r["sentence"], r["start"], r["end"], r["kind"]) for r in rows] == [
        (1, 0, 2, "boundary"), (1, 3, 4, "type"), (1, 5, 6, "missing/extra")]
    assert rows[0]["p"] == "PER[0,2)" and rows[0]["q"] == "PER[0,1)"
    assert rows[2]["p"] == "" and rows[2]["q"] == "LOC[5,6)"
