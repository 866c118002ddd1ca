"""Readers: every JSON dialect and Label Studio against the same CoNLL data; DocBin vs CoNLL."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqeval_suite import DataError, evaluate
from seqeval_suite.io.formats import detect_format, read_tagged

FIXTURES = "corpora/formats"
LABELS = f"{FIXTURES}/hf_ids.labels.txt"


def sentences(path, **opts):
    return [(s.tokens, s.tags) for s in read_tagged(path, **opts)]


EXPECTED = sentences(f"{FIXTURES}/news.conll")


@pytest.mark.parametrize(
    "name, opts, dialect",
    [
        ("hf_names.jsonl", {}, "tokens"),
        ("hf_ids.jsonl", {"labels": LABELS}, "tokens"),
        ("prodigy.jsonl", {}, "prodigy"),
        ("doccano.jsonl", {}, "doccano"),
        ("labelstudio.json", {}, None),
    ],
)
def test_readers_fixture_matches_conll(name, opts, dialect):
    tagged = read_tagged(f"{FIXTURES}/{name}", **opts)
    assert [(s.tokens, s.tags) for s in tagged] == EXPECTED
    assert tagged.documents == 1  # as news.conll: no document ids, one document
    if dialect:
        assert tagged._reader.dialects == {dialect}


def test_readers_prodigy_skips_rejected_records():
    tagged = read_tagged(f"{FIXTURES}/prodigy.jsonl")
    list(tagged)
    assert tagged.notes == [f"{FIXTURES}/prodigy.jsonl: 1 record(s) answered reject/ignore skipped"]
    assert tagged.warnings == []


def test_readers_integer_tags_need_labels():
    with pytest.raises(DataError, match="no label list"):
        list(read_tagged(f"{FIXTURES}/hf_ids.jsonl"))
    assert sentences(f"{FIXTURES}/hf_ids.jsonl", labels="O,B-PER,I-PER,B-ORG,I-ORG,B-LOC,I-LOC") == EXPECTED


MISALIGNED = {"text": "Visit Lisbonia now", "spans": [{"start": 6, "end": 12, "label": "LOC"}]}


@pytest.mark.parametrize(
    "alignment, tags",
    [("expand", ["O", "B-LOC", "O"]), ("contract", ["O", "O", "O"])],
)
def test_readers_alignment_snaps_or_drops_and_reports(write, alignment, tags):
    path = write("m.jsonl", json.dumps(MISALIGNED) + "\n")
    tagged = read_tagged(path, alignment=alignment)
    assert [s.tags for s in tagged] == [tags]
    assert tagged.warnings and "1 span not on token boundaries" in tagged.warnings[0]
    assert "'Lisbon' [6:12] LOC" in tagged.warnings[0]


def test_readers_alignment_strict_refuses_with_count_and_examples(write):
    path = write("m.jsonl", json.dumps(MISALIGNED) + "\n" + json.dumps(MISALIGNED) + "\n")
    with pytest.raises(DataError, match=r"2 spans not on token boundaries, e\.g\. .*m\.jsonl:1: 'Lisbon'") as info:
        list(read_tagged(path))
    assert "--alignment expand" in str(info.value)


def test_readers_overlapping_spans_keep_the_longest(write):
    record = {"text": "New York City", "label": [[0, 8, "LOC"], [0, 13, "GPE"]]}
    tagged = read_tagged(write("o.jsonl", json.dumps(record) + "\n"))
    assert [s.tags for s in tagged] == [["B-GPE", "I-GPE", "I-GPE"]]
    assert "1 overlapping span(s) dropped" in tagged.warnings[0]


@pytest.mark.parametrize(
    "line, message",
    [("not json", "not valid JSON"), ('{"foo": 1}', "not a record this reader knows"),
     ('{"text": "ab", "label": [[0, 9, "X"]]}', "do not fit"),
     ('{"tokens": ["a", "b"], "tags": ["O"]}', "2 tokens but tags has 1")],
)
def test_readers_bad_records_name_their_line(write, line, message):
    path = write("bad.jsonl", '{"tokens": ["a"], "tags": ["O"]}\n' + line + "\n")
    with pytest.raises(DataError, match=message) as info:
        list(read_tagged(path))
    assert "bad.jsonl:2" in str(info.value)


def test_readers_detect_format_by_extension():
    assert [detect_format(p) for p in ("a.conll", "a.txt", "a.tsv.gz", "a.jsonl", "a.json", "a.spacy")] == [
        "conll", "conll", "conll", "jsonl", "labelstudio", "spacy"]


# ------------------------------------------------------------------ DocBin
def make_docbin(path, data):
    """A DocBin made with spaCy itself: one Doc per sentence, entities from IOB2 tags."""
    from spacy.tokens import Doc, DocBin
    from spacy.vocab import Vocab

    vocab, docbin = Vocab(), DocBin()
    for tokens, tags in data:
        docbin.add(Doc(vocab, words=tokens, ents=tags))
    docbin.to_disk(path)
    return str(path)


def conll_file(path, data):
    path.write_text("".join("".join(f"{t} {g}\n" for t, g in zip(toks, tags)) + "\n" for toks, tags in data))
    return str(path)


PRED = [
    (toks, [{"B-LOC": "B-ORG", "I-PER": "O"}.get(t, t) for t in tags]) for toks, tags in EXPECTED
]


def test_readers_docbin_and_conll_give_identical_reports(tmp_path):
    gold_bin, pred_bin = make_docbin(tmp_path / "g.spacy", EXPECTED), make_docbin(tmp_path / "p.spacy", PRED)
    gold_conll, pred_conll = conll_file(tmp_path / "g.conll", EXPECTED), conll_file(tmp_path / "p.conll", PRED)
    from_bins = evaluate([s.tags for s in read_tagged(gold_bin)], [s.tags for s in read_tagged(pred_bin)])
    from_conll = evaluate(gold_conll, pred_conll)
    assert from_bins.micro.f1 < 1  # the prediction differs, so the comparison means something
    assert from_bins.to_dict() == from_conll.to_dict()


TAG = st.sampled_from(["O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC"])


@settings(max_examples=25, deadline=None)
@given(data=st.lists(st.lists(TAG, min_size=1, max_size=8), min_size=1, max_size=4))
def test_readers_docbin_round_trips_iob2(tmp_path_factory, data):
    from seqeval_suite.convert import to_scheme

    # spaCy reads an I- after O as a new entity; normalising to IOB2 first is what a
    # DocBin can hold.
    gold = [(["w"] * len(tags), to_scheme(tags, "IOB2")) for tags in data]
    path = make_docbin(tmp_path_factory.mktemp("d") / "x.spacy", gold)
    assert sentences(path) == gold


def test_readers_docbin_junk_is_a_data_error(write):
    with pytest.raises(DataError, match="not a spaCy DocBin"):
        list(read_tagged(write("junk.spacy", b"\x00\x01junk")))
