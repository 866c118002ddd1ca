"""The JSON Lines reader's fast parsers (msgspec: one typed decoder for the common
token record, one for any JSON) against the same reader with the standard library
alone: every file gives the same sentences, counts and documents, or the same error."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqeval_suite.errors import DataError
from seqeval_suite.io import jsonl
from seqeval_suite.io.jsonl import JsonlReader

TAGS = ["O", "B-PER", "I-PER", "B-LOC", "E-ORG", "S-MISC"]
WORDS = ["EU", "Bonn", "é", "😀", "a\\\"b", "x y", "", "\u2028", "日本"]


def _read(path, monkeypatch=None, slow: bool = False):
    """(sentences, records, dialects) or the DataError's message."""
    if slow:
        opener = jsonl._open_lines
        monkeypatch.setattr(jsonl, "_open_lines", lambda p, e: (*opener(p, e)[:2], None))
    try:
        reader = JsonlReader(str(path))
        sentences = [(list(s.tokens), list(s.tags), s.line) for s in reader]
        return sentences, reader.documents, sorted(reader.dialects)
    except DataError as exc:
        return str(exc)
    finally:
        if slow:
            monkeypatch.undo()


@st.composite
def record_line(draw) -> bytes:
    """One line: mostly the common record, often a neighbour of it the typed decoder
    must refuse (a third key, both tag keys, null, a number, uneven lengths, a
    duplicate key), sometimes blank, CR-terminated or not JSON at all."""
    n = draw(st.integers(0, 4))
    tokens = draw(st.lists(st.sampled_from(WORDS), min_size=n, max_size=n))
    tags = draw(st.lists(st.sampled_from(TAGS), min_size=n, max_size=n))
    key = draw(st.sampled_from(["ner_tags", "tags"]))
    shape = draw(st.sampled_from(["common"] * 4 + ["extra", "both", "null", "number", "uneven", "duplicate",
                                                   "blank", "crlf", "broken", "ints", "order"]))
    record: dict = {"tokens": tokens, key: tags}
    if shape == "extra":
        record["id"] = draw(st.sampled_from([1, 2 ** 70, "d1", None]))
    elif shape == "both":
        record["tags" if key == "ner_tags" else "ner_tags"] = ["S-X"] * len(tags)
    elif shape == "null":
        record[key] = None
    elif shape == "number" and tokens:
        record["tokens"] = [7] + tokens[1:]
    elif shape == "uneven":
        record[key] = tags + ["O"]
    elif shape == "ints":
        record[key] = list(range(len(tags)))
    elif shape == "order":
        record = {key: tags, "tokens": tokens}
    text = json.dumps(record, ensure_ascii=draw(st.booleans()))
    if shape == "duplicate":
        text = text[:-1] + ', "tokens": ' + json.dumps(["Z"] * len(tags)) + "}"
    elif shape == "blank":
        text = draw(st.sampled_from(["", "  ", "\t"]))
    elif shape == "broken":
        text = text[:-1]
    end = "\r\n" if shape == "crlf" else "\n"
    return (text + end).encode("utf-8")


@settings(max_examples=150, deadline=None)
@given(st.lists(record_line(), min_size=1, max_size=8))
def test_fast_parsers_read_what_the_standard_library_reads(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("jl") / "a.jsonl"
    path.write_bytes(b"".join(lines))
    with pytest.MonkeyPatch.context() as mp:
        expected = _read(path, mp, slow=True)
    assert _read(path) == expected


def test_huge_integers_stay_integers_in_messages(tmp_path):
    """A doccano span offset beyond 64 bits is named as the integer the file holds (a
    parser that turns it into a float would print 1.2345678901234568e+29)."""
    big = 123456789012345678901234567890
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"text": "EU rejects", "label": [[0, big, "ORG"]]}) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=f"span offsets 0..{big} do not fit"):
        list(JsonlReader(str(path)))


def test_common_record_takes_the_typed_decoder():
    decode, unset = jsonl._token_record_decoder()
    record = decode(b'{"tokens": ["EU"], "ner_tags": ["B-ORG"]}')
    assert (record.tokens, record.ner_tags, record.tags is unset) == (["EU"], ["B-ORG"], True)
    for line in (b'{"tokens": ["EU"], "ner_tags": ["B-ORG"], "id": 1}', b'{"tokens": [1], "tags": ["O"]}',
                 b'{"tokens": ["EU"], "tags": null}', b'\xff'):
        with pytest.raises(ValueError):
            decode(line)


def test_reader_parses_common_records_with_the_typed_decoder_alone(tmp_path, monkeypatch):
    """The common record never reaches the generic parser (one parse a line)."""
    def generic(raw):
        raise AssertionError(f"generic parser called on {raw!r}")

    monkeypatch.setattr(jsonl, "_fast_loads", lambda: generic)
    path = tmp_path / "a.jsonl"
    path.write_text('{"tokens": ["EU", "rejects"], "ner_tags": ["B-ORG", "O"]}\n'
                    '{"tags": ["B-PER"], "tokens": ["Peter"]}\n', encoding="utf-8")
    assert [(s.tokens, s.tags) for s in JsonlReader(str(path))] == [(["EU", "rejects"], ["B-ORG", "O"]),
                                                                    (["Peter"], ["B-PER"])]


def test_a_file_of_another_shape_stops_trying_the_typed_decoder(tmp_path, monkeypatch):
    """Records with an id key are refused by the typed decoder; after TYPED_TRIES such
    lines in a row the reader parses each line once, with the same result."""
    calls = []
    decode, unset = jsonl._token_record_decoder()

    def counting(raw):
        calls.append(raw)
        return decode(raw)

    records = [{"id": k, "tokens": ["EU", "rejects"], "ner_tags": ["B-ORG", "O"]} for k in range(50)]
    records += [{"tokens": ["Peter"], "tags": ["B-PER"]}] * 5
    path = tmp_path / "ids.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        expected = _read(path, mp, slow=True)
    monkeypatch.setattr(jsonl, "_token_record_decoder", lambda: (counting, unset))
    assert _read(path) == expected and len(expected[0]) == 55
    assert len(calls) == jsonl.TYPED_TRIES
    # a file that starts with common records keeps the typed decoder for all of them
    calls.clear()
    path.write_text("".join(json.dumps(r) + "\n" for r in records[50:] + records[:50]), encoding="utf-8")
    _read(path)
    assert len(calls) == 55
