"""The JSON Lines reader's line handling (bytes decoded line by line since issue 15):
BOM, CRLF, a lone CR, blank lines, undecodable bytes and bad JSON with their line."""
from __future__ import annotations

import json

import pytest

from seqeval_suite import evaluate
from seqeval_suite.errors import DataError
from seqeval_suite.io.formats import read_tagged

RECORDS = [{"tokens": ["EU", "rejects"], "ner_tags": ["B-ORG", "O"]},
           {"tokens": ["Bonn"], "ner_tags": ["B-LOC"]}]


def write(path, text: bytes):
    path.write_bytes(text)
    return str(path)


def lines(newline: str) -> str:
    return newline.join(json.dumps(r) for r in RECORDS) + newline


@pytest.mark.parametrize("prefix, newline", [(b"", "\n"), (b"\xef\xbb\xbf", "\n"), (b"", "\r\n"), (b"", "\r"),
                                             (b"", "\n\n  \n")])
def test_jsonl_line_endings_bom_and_blank_lines_read_alike(tmp_path, prefix, newline):
    path = write(tmp_path / "a.jsonl", prefix + lines(newline).encode())
    assert [(s.tokens, s.tags) for s in read_tagged(path)] == [(r["tokens"], r["ner_tags"]) for r in RECORDS]


def test_jsonl_lone_cr_lines_are_numbered_as_lines(tmp_path):
    text = lines("\r").encode() + b"{bad\r"
    path = write(tmp_path / "a.jsonl", text)
    with pytest.raises(DataError, match=r"a\.jsonl:3: not valid JSON"):
        list(read_tagged(path))


def test_jsonl_undecodable_byte_names_its_line(tmp_path):
    path = write(tmp_path / "a.jsonl", lines("\n").encode() + b'{"tokens": ["\xff"], "ner_tags": ["O"]}\n')
    with pytest.raises(DataError, match=r"a\.jsonl:3: bytes that are not valid utf-8"):
        list(read_tagged(path))


def test_jsonl_tags_key_present_but_not_a_list_is_an_error_not_ner_tags(tmp_path):
    record = {"tokens": ["EU"], "tags": None, "ner_tags": ["B-ORG"]}
    path = write(tmp_path / "a.jsonl", (json.dumps(record) + "\n").encode())
    with pytest.raises(DataError, match=r"a\.jsonl:1: 1 tokens but tags has no list of tags"):
        list(read_tagged(path))


def test_jsonl_scores_equal_conll_with_crlf_and_bom(tmp_path):
    gold = write(tmp_path / "g.jsonl", b"\xef\xbb\xbf" + lines("\r\n").encode())
    pred_records = [dict(r, ner_tags=["B-ORG", "O"] if len(r["tokens"]) == 2 else ["B-PER"]) for r in RECORDS]
    pred = write(tmp_path / "p.jsonl", "".join(json.dumps(r) + "\n" for r in pred_records).encode())
    report = evaluate(gold, pred)
    assert (report.per_type["ORG"].tp, report.per_type["LOC"].fn, report.per_type["PER"].fp) == (1, 1, 1)


def test_jsonl_what_only_the_standard_library_parses_is_still_read(tmp_path):
    """The fast parser refuses NaN; the standard library reads it, and so does the
    reader (it falls back line by line). Integers beyond 64 bits stay integers."""
    text = ('{"tokens": ["EU"], "ner_tags": ["B-ORG"], "score": NaN}\n'
            '{"tokens": ["Bonn"], "ner_tags": ["B-LOC"], "id": 123456789012345678901234567890}\n')
    path = write(tmp_path / "a.jsonl", text.encode())
    assert [s.tags for s in read_tagged(path)] == [["B-ORG"], ["B-LOC"]]


def test_jsonl_bad_json_message_is_the_standard_librarys(tmp_path):
    path = write(tmp_path / "a.jsonl", lines("\n").encode() + b'{"tokens": ["x"],}\n')
    with pytest.raises(DataError, match=r"a\.jsonl:3: not valid JSON \(Expecting property name enclosed"):
        list(read_tagged(path))
