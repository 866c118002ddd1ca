"""The block reader's two parsing engines against each other: numpy parsing of byte
blocks and the line reader (which takes over for input the byte parser does not take
exactly) must give identical reports on random files, for every span mode and scheme,
one file or two, with blocks small enough that sentences straddle reads. Both feed the
one scoring core, so this pins the readers; the decoders are pinned against the
pure-Python oracles (tests/oracles.py) in test_core_decode_oracle.py.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import seqeval_suite.io.conll as conll_io
from seqeval_suite import evaluate


TAGS = ["O", "O", "B-PER", "I-PER", "E-PER", "S-LOC", "B-LOC", "I-LOC", "L-ORG", "U-ORG", "B", "I",
        "B-ORG-GOV", "I-ORG-GOV", "B-VERYLONGTYPENAME", "[PAD]", "X"]
TOKENS = ["EU", "rejects", "Évian", "1996-08-22", "a", ",", "Straße", "x" * 20]


@st.composite
def corpus(draw, tags=TAGS):
    """Random sentences of (token, gold, pred), with -DOCSTART- lines and blank-line noise."""
    sentences = []
    for _ in range(draw(st.integers(1, 8))):
        n = draw(st.integers(1, 7))
        rows = [(draw(st.sampled_from(TOKENS)), draw(st.sampled_from(tags)), draw(st.sampled_from(tags)))
                for _ in range(n)]
        sentences.append((draw(st.booleans()) and draw(st.booleans()), rows))
    return sentences, draw(st.sampled_from(["\n", "\r\n"])), draw(st.booleans())


def write_files(directory, sentences, newline, trailing_blank):
    merged, gold, pred = [], [], []
    for docstart, rows in sentences:
        if docstart:
            merged.append("-DOCSTART- O O\n\n")
            gold.append("-DOCSTART- O\n\n")
            pred.append("-DOCSTART- O\n\n")
        merged.append("".join(f"{w} {g} {p}{newline}" for w, g, p in rows) + newline)
        gold.append("".join(f"{w}\t{g}{newline}" for w, g, _ in rows) + newline)
        pred.append("".join(f"{w} {p}{newline}" for w, _, p in rows) + newline)
    paths = []
    for name, parts in (("m.txt", merged), ("g.txt", gold), ("p.txt", pred)):
        text = "".join(parts)
        if not trailing_blank:
            text = text.rstrip("\r\n") + newline
        path = directory / name
        path.write_bytes(text.encode("utf-8"))
        paths.append(str(path))
    return paths


def both_paths(*args, **kwargs):
    """(report from numpy-parsed blocks, report from the line reader); fails if the
    first run never parsed a block with numpy."""
    parsed = []
    original = conll_io.parse_block

    def spy(*a, **k):
        block = original(*a, **k)
        parsed.append(block)
        return block

    def refuse(*a, **k):
        raise conll_io.Unsupported("forced: read by lines")

    conll_io.parse_block = spy
    try:
        fast = evaluate(*args, **kwargs)
    finally:
        conll_io.parse_block = original
    assert parsed, "no block was parsed with numpy"
    conll_io.parse_block = refuse
    try:
        slow = evaluate(*args, **kwargs)
    finally:
        conll_io.parse_block = original
    return fast, slow


def assert_same(fast, slow):
    assert fast.to_dict() == slow.to_dict()
    if fast.mode == "conlleval":
        from seqeval_suite.render import render_report

        assert render_report(fast, "conlleval") == render_report(slow, "conlleval")
    types = sorted(set(fast.per_type))
    assert np.array_equal(fast.sentence_counts.dense(fast.sentences, types),
                          slow.sentence_counts.dense(slow.sentences, types))


@pytest.fixture(autouse=True)
def small_blocks():
    original = conll_io.BLOCK_SIZE
    conll_io.BLOCK_SIZE = 96  # a few lines per read: sentences straddle blocks
    yield
    conll_io.BLOCK_SIZE = original


@settings(max_examples=60, deadline=None)
@given(case=corpus(), two_files=st.booleans(), types=st.sampled_from([None, "PER,ORG-GOV"]))
def test_core_fast_path_equals_streaming_path_lenient(tmp_path_factory, case, two_files, types):
    merged, gold, pred = write_files(tmp_path_factory.mktemp("f"), *case)
    args = (gold, pred) if two_files else (merged,)
    assert_same(*both_paths(*args, types=types))


SCHEME_TAGS = {
    "IOB1": ["O", "B-X", "I-X", "B-Y", "I-Y", "B", "I"],
    "IOB2": ["O", "B-X", "I-X", "B-Y", "I-Y", "I"],
    "IOE1": ["O", "E-X", "I-X", "E-Y", "I-Y"],
    "IOE2": ["O", "E-X", "I-X", "E-Y", "I-Y", "E"],
    "IOBES": ["O", "B-X", "I-X", "E-X", "S-X", "B-Y", "E-Y", "S-Y", "I-Y"],
    "BILOU": ["O", "B-X", "I-X", "L-X", "U-X", "U-Y", "B-Y", "L-Y"],
    "IO": ["O", "I-X", "I-Y", "I"],
}


@pytest.mark.parametrize("scheme", sorted(SCHEME_TAGS))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_core_fast_path_equals_streaming_path_strict(tmp_path_factory, scheme, data):
    case = data.draw(corpus(SCHEME_TAGS[scheme]))
    merged, gold, pred = write_files(tmp_path_factory.mktemp("s"), *case)
    two_files = data.draw(st.booleans())
    args = (gold, pred) if two_files else (merged,)
    assert_same(*both_paths(*args, mode="strict", scheme=scheme))


def test_core_fast_path_falls_back_for_unicode_whitespace(tmp_path):
    path = tmp_path / "nbsp.txt"
    path.write_text("New\u00a0York B-LOC B-LOC\n", encoding="utf-8")
    # str.split() splits on the no-break space: 4 columns, the last two are the tags.
    report = evaluate(str(path))
    assert report.per_type["LOC"].tp == 1 and report.tokens == 1


CONLLEVAL_TAGS = TAGS + ["E-PER", "B-PER", "I-0", "[", "]", ".", "O-X", "S", "-X-"]


@settings(max_examples=80, deadline=None)
@given(case=corpus(CONLLEVAL_TAGS), two_files=st.booleans())
def test_core_fast_path_equals_streaming_path_conlleval(tmp_path_factory, case, two_files):
    sentences, newline, trailing_blank = case
    # conlleval.pl splits on single spaces only: write the gold file with spaces too.
    merged, gold, pred = write_files(tmp_path_factory.mktemp("c"), sentences, newline, trailing_blank)
    with open(gold, encoding="utf-8") as fh:
        text = fh.read().replace("\t", " ")
    with open(gold, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    args = (gold, pred) if two_files else (merged,)
    assert_same(*both_paths(*args, mode="conlleval"))


def test_long_tag_whose_packed_key_equals_a_short_tags_key_is_not_confused(tmp_path):
    """A tag of 9-32 bytes is keyed by mixing its 8-byte words; this 16-byte tag's key
    equals B-PER's (its own 5 bytes). Read before B-PER, it used to take B-PER's place:
    the prediction's B-PER became an invalid tag and PER scored 0/0/1 instead of 1/1/1."""
    from seqeval_suite.core.vocab import _PACK_MULT

    long_tag = "Yi4qc#j9o[IK<X_)"
    words = [int.from_bytes(long_tag.encode()[k:k + 8], "little") for k in (0, 8)]
    mixed = (words[0] ^ (words[1] * _PACK_MULT[1])) & (2 ** 64 - 1)
    assert mixed == int.from_bytes(b"B-PER", "little")  # the collision this test is about
    path = tmp_path / "one.txt"
    path.write_text(f"w {long_tag} O\nw B-PER B-PER\n", encoding="utf-8")
    report = evaluate(str(path))
    assert (report.per_type["PER"].tp, report.per_type["PER"].fp, report.per_type["PER"].fn) == (1, 0, 0)
    gold, pred = tmp_path / "g.txt", tmp_path / "p.txt"
    gold.write_text(f"w {long_tag}\nw B-PER\n", encoding="utf-8")
    pred.write_text("w O\nw B-PER\n", encoding="utf-8")
    assert evaluate(str(gold), str(pred)).per_type["PER"].tp == 1
