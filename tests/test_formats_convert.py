"""convert: scheme encoding round-trips (property tests) and the convert command."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqeval_suite.convert import adjacent_same_type, encode, to_scheme
from seqeval_suite.io.formats import read_tagged
from oracles import decode_lenient, decode_strict
from seqeval_suite.schemes import SCHEMES, TagTable, parse_tag, strict_type

SETTINGS = dict(max_examples=60, deadline=None)


@st.composite
def spans(draw):
    """A sentence length and sorted, non-overlapping spans (adjacent ones included)."""
    n = draw(st.integers(0, 12))
    out, i = [], 0
    while i < n:
        gap = draw(st.integers(0, 2))
        length = draw(st.integers(1, 3))
        start = i + gap
        if start + length > n:
            break
        out.append((start, start + length, draw(st.sampled_from(["PER", "LOC", "ORG-GOV"]))))
        i = start + length
    return n, out


def lenient(tags, suffix=False):
    return decode_lenient(TagTable(suffix=suffix).parse_all(tags))


@settings(**SETTINGS)
@given(case=spans(), scheme=st.sampled_from(SCHEMES), suffix=st.booleans())
def test_convert_encode_then_decode_gives_the_same_spans(case, scheme, suffix):
    n, expected = case
    tags = encode(expected, n, scheme, suffix=suffix)
    if scheme == "IO" and adjacent_same_type(expected):
        assert lenient(tags, suffix) != expected  # IO cannot express it: entities merge
        return
    assert lenient(tags, suffix) == expected
    # The core's strict decoder for the same scheme agrees: the encoding is well formed.
    parsed = [parse_tag(t, suffix) for t in tags]
    parsed = [p if p[0] == "O" else (p[0], strict_type(p[1])) for p in parsed]
    assert decode_strict(parsed, scheme) == expected


@settings(**SETTINGS)
@given(case=spans(), source=st.sampled_from(SCHEMES), target=st.sampled_from(SCHEMES))
def test_convert_round_trips_between_schemes(case, source, target):
    n, expected = case
    if "IO" in (source, target) and adjacent_same_type(expected):
        return
    tags = encode(expected, n, source)
    there = to_scheme(tags, target)
    assert to_scheme(there, source) == tags
    assert to_scheme(there, source, from_scheme=target) == tags


@pytest.mark.parametrize(
    "tags, scheme, expected",
    [
        (["B-X", "I-X", "B-X", "O"], "IOB1", ["I-X", "I-X", "B-X", "O"]),
        (["B-X", "I-X", "B-Y", "O"], "IOB1", ["I-X", "I-X", "I-Y", "O"]),
        (["B-X", "I-X", "B-X", "O"], "IOE1", ["I-X", "E-X", "I-X", "O"]),
        (["B-X", "I-X", "B-X", "O"], "IOE2", ["I-X", "E-X", "E-X", "O"]),
        (["B-X", "I-X", "I-X", "B-X"], "IOBES", ["B-X", "I-X", "E-X", "S-X"]),
        (["B-X", "I-X", "B-X", "O"], "IO", ["I-X", "I-X", "I-X", "O"]),
        (["B", "I", "O"], "BILOU", ["B", "L", "O"]),
        (["U-X", "B-Y", "L-Y"], "IOB2", ["B-X", "B-Y", "I-Y"]),
    ],
)
def test_convert_to_scheme_table(tags, scheme, expected):
    assert to_scheme(tags, scheme) == expected


def test_convert_cli_conll_to_bilou_and_back(cli, tmp_path):
    src = "corpora/formats/news.conll"
    bilou = tmp_path / "news.bilou.conll"
    result = cli("convert", src, bilou, "--to-scheme", "BILOU")
    assert result.exit_code == 0, result.stderr
    assert "4 sentences, 29 tokens, 7 entities" in result.stderr
    assert "L-ORG" in bilou.read_text() and "U-LOC" in bilou.read_text()
    back = tmp_path / "back.conll"
    assert cli("convert", bilou, back, "--to-scheme", "IOB2", "--from-scheme", "BILOU").exit_code == 0
    original = [tuple(s[:2]) for s in read_tagged(src)]
    assert [tuple(s[:2]) for s in read_tagged(back)] == original


@pytest.mark.parametrize("fmt, suffix", [("jsonl", ".jsonl"), ("spacy", ".spacy"), ("conll", ".conll")])
def test_convert_cli_formats_round_trip(cli, tmp_path, fmt, suffix):
    src = "corpora/formats/prodigy.jsonl"
    out = tmp_path / f"out{suffix}"
    result = cli("convert", src, out, "--to-format", fmt)
    assert result.exit_code == 0, result.stderr
    expected = [tuple(s[:2]) for s in read_tagged("corpora/formats/news.conll")]
    assert [tuple(s[:2]) for s in read_tagged(out)] == expected


def test_convert_io_reports_merges(cli, write, tmp_path):
    src = write("adj.conll", "a B-X\nb B-X\nc O\n\n")
    result = cli("convert", src, tmp_path / "io.jsonl", "--to-scheme", "IO")
    assert result.exit_code == 0
    assert "1 merged" in result.stderr
    record = json.loads((tmp_path / "io.jsonl").read_text())
    assert record == {"tokens": ["a", "b", "c"], "tags": ["I-X", "I-X", "O"]}


def test_convert_bad_input_leaves_no_output(cli, write, tmp_path):
    src = write("bad.jsonl", '{"tokens": ["a"], "ner_tags": [3]}\n')
    out = tmp_path / "out.conll"
    result = cli("convert", src, out)
    assert result.exit_code == 1
    assert "--labels" in result.stderr and not out.exists()
