"""Differential tests of the span modes against seqeval 1.2.2 (SPEC §2).

``lenient`` must extract exactly the entities of seqeval's default mode, and
``strict`` exactly those of seqeval's ``mode="strict"`` for IOB2, IOE2, IOBES and
BILOU; IOB1 and IOE1 strict follow SPEC §2's definitions instead (seqeval is wrong
there, and the tests below name its defects).
"""
from __future__ import annotations

import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.metrics import sequence_labeling as seqeval_lenient
from seqeval.metrics import v1 as seqeval_v1
from seqeval import scheme as seqeval_scheme

from seqeval_suite import evaluate
from oracles import decode_lenient, decode_strict
from seqeval_suite.schemes import TagTable, parse_tag

TYPES = ["PER", "LOC", "ORG-GOV", "X"]
SCHEME_TAG_PREFIXES = {
    "IOB1": "BI", "IOB2": "BI", "IOE1": "IE", "IOE2": "IE", "IOBES": "BIES", "BILOU": "BILU",
}
SETTINGS = settings(max_examples=60, deadline=None)


def tags_of(prefixes: str, *, bare: bool = True, suffix: bool = False):
    """A strategy for one tag: O, PREFIX-TYPE (TYPE-PREFIX with suffix), or a bare prefix."""
    typed = st.builds(
        lambda p, t: f"{t}-{p}" if suffix else f"{p}-{t}",
        st.sampled_from(prefixes), st.sampled_from(TYPES),
    )
    options = [st.just("O"), typed, typed]
    if bare:
        options.append(st.sampled_from(prefixes))
    return st.one_of(options)


def corpora(prefixes: str, **kwargs):
    """Gold and prediction corpora of the same shape (random, so mostly ill-formed)."""
    sentence_lengths = st.lists(st.integers(0, 9), min_size=1, max_size=6)

    @st.composite
    def build(draw):
        lengths = draw(sentence_lengths)
        lengths[0] = max(lengths[0], 1)  # an input with no token at all is an error
        tag = tags_of(prefixes, **kwargs)
        gold = [draw(st.lists(tag, min_size=n, max_size=n)) for n in lengths]
        pred = [draw(st.lists(tag, min_size=n, max_size=n)) for n in lengths]
        return gold, pred

    return build()


def seqeval_default_counts(gold, pred, suffix=False):
    """Per-type (tp, predicted, support) from seqeval's default-mode entity sets."""
    def entities(corpus):
        out: dict[str, set] = {}
        for type_, start, end in seqeval_lenient.get_entities([list(s) for s in corpus], suffix=suffix):
            out.setdefault(type_, set()).add((start, end))
        return out

    g, p = entities(gold), entities(pred)
    return {
        t: (len(g.get(t, set()) & p.get(t, set())), len(p.get(t, set())), len(g.get(t, set())))
        for t in set(g) | set(p)
    }


def seqeval_strict_counts(gold, pred, scheme, suffix=False):
    """Per-type (tp, predicted, support) from seqeval's strict-mode entity sets."""
    token_class = getattr(seqeval_scheme, scheme)
    g = seqeval_scheme.Entities(gold, token_class, suffix)
    p = seqeval_scheme.Entities(pred, token_class, suffix)
    out = {}
    for t in g.unique_tags | p.unique_tags:
        gt, pt = g.filter(t), p.filter(t)
        out[t] = (len(gt & pt), len(pt), len(gt))
    return out


def ours(report):
    return {t: (c.tp, c.predicted, c.support) for t, c in report.per_type.items()}


def assert_scores_match(report, gold, pred, **seqeval_kwargs):
    """Per-type and averaged P/R/F1 equal seqeval's within 1e-12."""
    if not report.per_type:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if "mode" in seqeval_kwargs:
            prf = seqeval_v1.precision_recall_fscore_support
            names = sorted(report.per_type)
        else:
            prf = seqeval_lenient.precision_recall_fscore_support
            names = sorted(report.per_type)
        p, r, f, s = prf(gold, pred, average=None, zero_division=0, **seqeval_kwargs)
        for k, name in enumerate(names):
            c = report.per_type[name]
            assert abs(c.precision - p[k]) < 1e-12 and abs(c.recall - r[k]) < 1e-12
            assert abs(c.f1 - f[k]) < 1e-12 and c.support == s[k]
        for average, ours_avg in (("micro", report.micro), ("macro", report.macro), ("weighted", report.weighted)):
            p, r, f, _ = prf(gold, pred, average=average, zero_division=0, **seqeval_kwargs)
            assert abs(ours_avg.precision - p) < 1e-12, average
            assert abs(ours_avg.recall - r) < 1e-12, average
            assert abs(ours_avg.f1 - f) < 1e-12, average


# ------------------------------------------------------------------ lenient
@pytest.mark.parametrize("scheme", ["IOB1", "IOB2", "IOE1", "IOE2", "IOBES"])
@SETTINGS
@given(data=st.data())
def test_core_lenient_equals_seqeval_default_mode(scheme, data):
    gold, pred = data.draw(corpora(SCHEME_TAG_PREFIXES[scheme]))
    report = evaluate(gold, pred, mode="lenient")
    assert ours(report) == seqeval_default_counts(gold, pred)
    assert_scores_match(report, gold, pred)


@SETTINGS
@given(data=st.data())
def test_core_lenient_equals_seqeval_on_mixed_prefixes_with_suffix_tags(data):
    gold, pred = data.draw(corpora("BIES", suffix=True, bare=False))
    report = evaluate(gold, pred, mode="lenient", suffix=True)
    assert ours(report) == seqeval_default_counts(gold, pred, suffix=True)


@SETTINGS
@given(data=st.data())
def test_core_lenient_bilou_equals_lenient_on_the_same_labels_as_iobes(data):
    gold, pred = data.draw(corpora("BILU"))
    as_iobes = str.maketrans({"L": "E", "U": "S"})

    def rewrite(corpus):
        return [[t[0].translate(as_iobes) + t[1:] for t in s] for s in corpus]

    bilou = evaluate(gold, pred, mode="lenient")
    iobes = evaluate(rewrite(gold), rewrite(pred), mode="lenient")
    assert ours(bilou) == ours(iobes) == seqeval_default_counts(rewrite(gold), rewrite(pred))


@pytest.mark.parametrize("tags", [
    ["S-X", "I-X", "O"], ["S-X", "E-X"], ["E-X", "I-X"], ["B-X", "S-X", "I-X"], ["I-X", "E-Y", "E-Y"],
    ["B", "I", "E-X", "I"], ["L-X", "U-X", "I-X"],
])
def test_core_lenient_spans_equal_seqeval_get_entities(tags):
    # seqeval's get_entities is end-inclusive; ours is end-exclusive. L reads as E, U as S.
    expected = [(s, e + 1, t) for t, s, e in seqeval_lenient.get_entities(
        [t.replace("L-", "E-").replace("U-", "S-") for t in tags])]
    assert decode_lenient(TagTable().parse_all(tags)) == expected
    report = evaluate([tags], [tags])
    assert report.micro.support == len(expected)


def test_core_lenient_invalid_tags_read_as_o_unlike_seqevals_made_up_types():
    gold = [["[PAD]", "B-PER", "X", "B-"]]
    pred = [["[PAD]", "B-PER", "X", "B-"]]
    report = evaluate(gold, pred)
    # seqeval turns '[PAD]' into type 'PAD]', 'X' and 'B-' into type '_'.
    assert set(seqeval_default_counts(gold, pred)) == {"PAD]", "PER", "_"}
    assert set(report.per_type) == {"PER"}
    assert report.invalid_tags == {"gold": 3, "pred": 3}
    assert any("made-up types" in w for w in report.warnings)


# ------------------------------------------------------------------ strict
@pytest.mark.parametrize("scheme", ["IOB2", "IOE2", "IOBES", "BILOU"])
@pytest.mark.parametrize("suffix", [False, True])
@SETTINGS
@given(data=st.data())
def test_core_strict_equals_seqeval_strict(scheme, suffix, data):
    gold, pred = data.draw(corpora(SCHEME_TAG_PREFIXES[scheme], suffix=suffix))
    report = evaluate(gold, pred, mode="strict", scheme=scheme, suffix=suffix)
    assert ours(report) == seqeval_strict_counts(gold, pred, scheme, suffix)
    token_class = getattr(seqeval_scheme, scheme)
    assert_scores_match(report, gold, pred, mode="strict", scheme=token_class, suffix=suffix)


IOB1_TABLE = [
    (["I-X", "I-X", "B-X", "O"], [(0, 2, "X"), (2, 3, "X")]),
    (["O", "I-X"], [(1, 2, "X")]),
    (["I-X", "I-Y"], [(0, 1, "X"), (1, 2, "Y")]),
    (["O", "B-X", "I-X"], []),
    (["B-X"], []),
    (["I-X", "B-Y"], [(0, 1, "X")]),
    (["I-X", "B-X", "I-X", "B-X"], [(0, 1, "X"), (1, 3, "X"), (3, 4, "X")]),
    (["I-X", "O", "B-X"], [(0, 1, "X")]),
]
IOE1_TABLE = [
    (["I-X", "E-X", "I-X", "O"], [(0, 2, "X"), (2, 3, "X")]),
    (["I-X", "I-X", "O"], [(0, 2, "X")]),
    (["I-X", "E-X", "O"], []),
    (["E-X"], []),
    (["I-X", "I-Y"], [(0, 1, "X"), (1, 2, "Y")]),
    (["E-X", "I-Y"], [(1, 2, "Y")]),
    (["E-X", "E-X", "I-X"], [(0, 1, "X"), (1, 2, "X"), (2, 3, "X")]),
]


def _parsed(tags):
    return [parse_tag(t) for t in tags]


@pytest.mark.parametrize("tags, spans", IOB1_TABLE)
def test_core_strict_iob1_follows_spec_definition(tags, spans):
    assert decode_strict(_parsed(tags), "IOB1") == spans
    report = evaluate([tags], [tags], mode="strict", scheme="IOB1")
    assert report.micro.support == len(spans)


@pytest.mark.parametrize("tags, spans", IOE1_TABLE)
def test_core_strict_ioe1_follows_spec_definition(tags, spans):
    assert decode_strict(_parsed(tags), "IOE1") == spans


def test_core_strict_iob1_differs_from_seqeval_defect_O_B_I():
    tags = [["O", "B-X", "I-X"]]
    seqeval_entities = seqeval_scheme.Entities(tags, seqeval_scheme.IOB1).entities[0]
    assert [(e.start, e.end, e.tag) for e in seqeval_entities] == [(2, 3, "X")]  # seqeval's defect
    assert decode_strict(_parsed(tags[0]), "IOB1") == []


def test_core_strict_ioe1_differs_from_seqeval_defect_sentence_initial_E():
    # seqeval's IOE1 (marked unfinished by its authors) has no O→E start pattern, so it
    # loses the well-formed one-token entity E-X that an X entity follows.
    tags = [["E-X", "E-X", "I-X"]]
    seqeval_entities = seqeval_scheme.Entities(tags, seqeval_scheme.IOE1).entities[0]
    assert [(e.start, e.end, e.tag) for e in seqeval_entities] == [(1, 2, "X"), (2, 3, "X")]
    assert decode_strict(_parsed(tags[0]), "IOE1") == [(0, 1, "X"), (1, 2, "X"), (2, 3, "X")]


@st.composite
def well_formed_iob1(draw):
    """Random IOB1 sentences built from entities, so every entity is well formed."""
    tags, spans, i = [], [], 0
    prev_type = None
    for _ in range(draw(st.integers(0, 5))):
        if draw(st.booleans()):
            tags.append("O")
            i += 1
            prev_type = None
        t = draw(st.sampled_from(TYPES))
        n = draw(st.integers(1, 3))
        first = "B" if prev_type == t else "I"
        tags += [f"{first}-{t}"] + [f"I-{t}"] * (n - 1)
        spans.append((i, i + n, t))
        i += n
        prev_type = t
    return tags, spans


@SETTINGS
@given(case=well_formed_iob1())
def test_core_strict_iob1_recovers_every_well_formed_entity(case):
    tags, spans = case
    assert decode_strict(_parsed(tags), "IOB1") == spans


def test_core_lenient_decoder_doctest_shape():
    assert decode_lenient([("B", "PER"), ("I", "PER")]) == [(0, 2, "PER")]
