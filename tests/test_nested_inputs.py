"""Nested and overlapping entity inputs (issue 17): the span readers of JSON Lines,
Label Studio and DocBin keep every entity, where the tag readers keep the longest.

Every fixture is written to tmp_path here; DocBins are built with spaCy's own API on
``spacy.blank("en")``'s vocabulary (no model download).
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqeval_suite import DataError
from seqeval_suite.errors import UsageError
from seqeval_suite.io import jsonl as jsonl_module
from seqeval_suite.io.docbin import read_docbin_spans
from seqeval_suite.io.formats import read_tagged
from seqeval_suite.io.jsonl import read_jsonl_spans, read_labelstudio_spans
from seqeval_suite.io.tagged import SpanSentence

# "Bank of China Beijing branch": a branch (level 1) of a bank (level 2) named after a
# country (level 3). Character offsets: Bank 0-4, of 5-7, China 8-13, Beijing 14-21,
# branch 22-28.
TEXT = "Bank of China Beijing branch"
TOKENS = ["Bank", "of", "China", "Beijing", "branch"]
NESTED = [(0, 5, "BRANCH"), (0, 3, "ORG"), (2, 3, "GPE")]
CHARS = [(0, 28, "BRANCH"), (0, 13, "ORG"), (8, 13, "GPE")]
LAYERS = [
    ["B-BRANCH", "I-BRANCH", "I-BRANCH", "I-BRANCH", "I-BRANCH"],
    ["B-ORG", "I-ORG", "I-ORG", "O", "O"],
    ["O", "O", "B-GPE", "O", "O"],
]


def write_jsonl(tmp_path, records, name="n.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return str(path)


def write_labelstudio(tmp_path, regions, text=TEXT, name="ls.json", extra_tasks=()):
    """One task whose first annotation holds ``regions`` as (start, end, [labels])."""
    result = [{"type": "labels", "value": {"start": s, "end": e, "text": text[s:e], "labels": names}}
              for s, e, names in regions]
    tasks = [{"data": {"text": text}, "annotations": [{"result": result}]}, *extra_tasks]
    path = tmp_path / name
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return str(path)


def write_docbin(tmp_path, docs, name="n.spacy"):
    """A DocBin from ``docs``: dicts with ``words``, optional ``sent_starts``, ``ents``
    and ``spans`` ({key: [(start, end, label), ...]})."""
    import spacy
    from spacy.tokens import Doc, DocBin, Span

    vocab, docbin = spacy.blank("en").vocab, DocBin()
    for spec in docs:
        doc = Doc(vocab, words=spec["words"], sent_starts=spec.get("sent_starts"))
        doc.ents = [Span(doc, s, e, label=label) for s, e, label in spec.get("ents", ())]
        for key, spans in spec.get("spans", {}).items():
            doc.spans[key] = [Span(doc, s, e, label=label) for s, e, label in spans]
        docbin.add(doc)
    path = tmp_path / name
    docbin.to_disk(path)
    return str(path)


def read_all(reader):
    sentences = list(reader)
    assert all(isinstance(s, SpanSentence) for s in sentences)
    return sentences


# ------------------------------------------------------------------ three levels deep, every format
NESTED_WRITERS = {
    "jsonl-entities": lambda p: read_jsonl_spans(write_jsonl(p, [{"tokens": TOKENS, "entities": NESTED}])),
    "jsonl-layers": lambda p: read_jsonl_spans(write_jsonl(p, [{"tokens": TOKENS, "layers": LAYERS}])),
    "jsonl-prodigy": lambda p: read_jsonl_spans(write_jsonl(p, [
        {"text": TEXT, "spans": [{"start": s, "end": e, "label": t} for s, e, t in CHARS]}])),
    "jsonl-prodigy-tokens": lambda p: read_jsonl_spans(write_jsonl(p, [
        {"text": TEXT, "tokens": [{"text": w, "ws": k < 4} for k, w in enumerate(TOKENS)],
         "spans": [{"start": s, "end": e, "label": t} for s, e, t in CHARS]}])),
    "jsonl-doccano": lambda p: read_jsonl_spans(write_jsonl(p, [{"text": TEXT, "label": [list(c) for c in CHARS]}])),
    "jsonl-doccano-objects": lambda p: read_jsonl_spans(write_jsonl(p, [
        {"text": TEXT, "entities": [{"start_offset": s, "end_offset": e, "label": t} for s, e, t in CHARS]}])),
    "labelstudio": lambda p: read_labelstudio_spans(write_labelstudio(p, [(s, e, [t]) for s, e, t in CHARS])),
    "docbin-span-group": lambda p: read_docbin_spans(
        write_docbin(p, [{"words": TOKENS, "spans": {"nested": NESTED}}]), "nested"),
}


@pytest.mark.parametrize("form", NESTED_WRITERS)
def test_nested_three_levels_read_in_every_format(tmp_path, form):
    reader = NESTED_WRITERS[form](tmp_path)
    [sentence] = read_all(reader)
    assert sentence.tokens == TOKENS
    assert Counter(sentence.entities) == Counter(NESTED)
    assert (sentence.line, sentence.document, sentence.source) == (1, 0, reader.path)
    assert reader.documents == 1
    assert reader.warnings == []


def test_nested_tag_reader_still_cuts_to_the_longest_with_its_warning(tmp_path):
    path = write_jsonl(tmp_path, [{"text": TEXT, "label": [list(c) for c in CHARS]}])
    [tagged] = read_tagged(path)
    assert tagged.tags == LAYERS[0]
    reader = read_tagged(path)
    list(reader)
    assert reader.warnings == [(f"{path}: 2 overlapping span(s) dropped (the longest kept), e.g. "
                                f"{path}:1: 'Bank of China' ORG; {path}:1: 'China' GPE")]
    # the span reader of the same file keeps all three, with no overlap warning
    spans = read_jsonl_spans(path)
    assert Counter(read_all(spans)[0].entities) == Counter(NESTED)
    assert spans.warnings == []


def test_nested_crossing_overlaps_and_duplicates_are_kept(tmp_path):
    # "New York City Hall": GPE "New York City" and FAC "City Hall" cross at "City".
    record = {"text": "New York City Hall", "label": [[0, 13, "GPE"], [9, 18, "FAC"], [9, 18, "FAC"]]}
    [sentence] = read_all(read_jsonl_spans(write_jsonl(tmp_path, [record])))
    assert sentence.entities == [(0, 3, "GPE"), (2, 4, "FAC"), (2, 4, "FAC")]


# ------------------------------------------------------------------ multi-label spans
MULTI = [(0, 3, "ORG"), (0, 3, "GPE")]
MULTI_WRITERS = {
    "doccano-list": lambda p: read_jsonl_spans(write_jsonl(p, [{"text": TEXT, "label": [[0, 13, ["ORG", "GPE"]]]}])),
    "doccano-labels-key": lambda p: read_jsonl_spans(write_jsonl(p, [
        {"text": TEXT, "entities": [{"start_offset": 0, "end_offset": 13, "labels": ["ORG", "GPE"]}]}])),
    "prodigy-label-list": lambda p: read_jsonl_spans(write_jsonl(p, [
        {"text": TEXT, "spans": [{"start": 0, "end": 13, "label": ["ORG", "GPE"]}]}])),
    "labelstudio": lambda p: read_labelstudio_spans(write_labelstudio(p, [(0, 13, ["ORG", "GPE"])])),
}


@pytest.mark.parametrize("form", MULTI_WRITERS)
def test_nested_multi_label_span_is_one_entity_per_label(tmp_path, form):
    [sentence] = read_all(MULTI_WRITERS[form](tmp_path))
    assert sentence.entities == MULTI


def test_nested_multi_label_with_an_empty_label_list_has_no_label(tmp_path):
    path = write_jsonl(tmp_path, [{"tokens": ["a"], "tags": ["O"]}, {"text": TEXT, "label": [[0, 13, []]]}])
    with pytest.raises(DataError, match=r"n\.jsonl:2: span \[0:13\] has no label"):
        list(read_jsonl_spans(path))


# ------------------------------------------------------------------ token records: tags and layers
def test_nested_flat_tags_decode_leniently_and_report_non_tags(tmp_path):
    records = [{"tokens": ["a", "b", "c", "d"], "ner_tags": ["I-PER", "I-PER", "FOO", "B-LOC"]}]
    reader = read_jsonl_spans(write_jsonl(tmp_path, records))
    assert read_all(reader)[0].entities == [(0, 2, "PER"), (3, 4, "LOC")]
    assert reader.warnings == [f"{reader.path}: 1 tag(s) that are not entity tags read as O, e.g. 'FOO'"]


def test_nested_layers_take_integer_ids_through_labels(tmp_path):
    record = {"tokens": ["Bank", "of", "China"], "layers": [[1, 2, 2], [0, 0, 3]]}
    reader = read_jsonl_spans(write_jsonl(tmp_path, [record]), labels="O,B-ORG,I-ORG,B-GPE")
    assert read_all(reader)[0].entities == [(0, 3, "ORG"), (2, 3, "GPE")]


def test_nested_batches_keep_file_order_across_flushes(tmp_path, monkeypatch):
    monkeypatch.setattr(jsonl_module, "DECODE_BATCH", 2)
    records = []
    for k in range(5):  # layers, entities and character records interleaved over 3 batches
        records.append({"tokens": [f"t{k}", "x"], "layers": [["B-A", "O"], ["B-B", "I-B"]]})
        records.append({"tokens": [f"u{k}"], "entities": [[0, 1, "C"]]})
        records.append({"text": f"v{k} w", "label": [[0, 2, "D"]]})
    sentences = read_all(read_jsonl_spans(write_jsonl(tmp_path, records)))
    assert [s.line for s in sentences] == list(range(1, 16))
    assert [s.tokens[0] for s in sentences[:3]] == ["t0", "u0", "v0"]
    assert [s.entities for s in sentences[12:]] == [[(0, 1, "A"), (0, 2, "B")], [(0, 1, "C")], [(0, 1, "D")]]


# ------------------------------------------------------------------ documents, skips, whitespace
def test_nested_documents_follow_the_document_counter(tmp_path):
    records = [
        {"tokens": ["a"], "entities": [], "doc_id": "d1"},
        {"tokens": ["b"], "entities": []},  # no id: continues d1
        {"text": "c", "label": [], "meta": {"doc_id": "d2"}},
        {"text": "d", "label": [], "answer": "reject", "doc_id": "d3"},  # skipped, not counted
        {"tokens": [], "entities": [], "doc_id": "d4"},  # no sentence, but a document
        {"tokens": ["e"], "tags": ["O"], "doc_id": "d5"},
    ]
    reader = read_jsonl_spans(write_jsonl(tmp_path, records))
    sentences = read_all(reader)
    assert [(s.tokens[0], s.line, s.document) for s in sentences] == [
        ("a", 1, 0), ("b", 2, 0), ("c", 3, 1), ("e", 6, 3)]
    assert reader.documents == 4
    assert reader.notes == [f"{reader.path}: 1 record(s) answered reject/ignore skipped"]
    assert reader.dialects == {"entities", "doccano", "tokens"}


def test_nested_reading_twice_starts_warnings_over(tmp_path):
    reader = read_jsonl_spans(write_jsonl(tmp_path, [{"tokens": ["a"], "tags": ["FOO"]}]))
    list(reader)
    list(reader)
    assert len(reader.warnings) == 1 and reader.documents == 1


def test_nested_whitespace_tokens_are_dropped_and_entities_reindexed(tmp_path):
    # spaCy makes "  " a token of its own; the entities must skip it, and a span on
    # that blank token alone is left out with a warning.
    record = {"text": "New   York City", "label": [[0, 15, "GPE"], [6, 10, "LOC"], [4, 6, "X"]]}
    reader = read_jsonl_spans(write_jsonl(tmp_path, [record]))
    [sentence] = read_all(reader)
    assert sentence.tokens == ["New", "York", "City"]
    assert sentence.entities == [(0, 3, "GPE"), (1, 2, "LOC")]
    assert reader.warnings == [(f"{reader.path}: 1 span(s) covering only whitespace left out, e.g. "
                                f"{reader.path}:1: '  ' X")]


# ------------------------------------------------------------------ alignment, as the tag reader
MISALIGNED = {"text": "Visit Lisbonia now", "spans": [{"start": 6, "end": 12, "label": "LOC"},
                                                         {"start": 0, "end": 14, "label": "EVENT"}]}


def test_nested_alignment_strict_refuses_like_the_tag_reader(tmp_path):
    path = write_jsonl(tmp_path, [MISALIGNED])
    with pytest.raises(DataError, match=r"1 span not on token boundaries, e\.g\. .*n\.jsonl:1: 'Lisbon'") as info:
        list(read_jsonl_spans(path))
    assert "--alignment expand" in str(info.value)


@pytest.mark.parametrize("alignment, entities", [
    ("expand", [(1, 2, "LOC"), (0, 2, "EVENT")]),
    ("contract", [(0, 2, "EVENT")]),
])
def test_nested_alignment_snaps_and_keeps_the_overlap(tmp_path, alignment, entities):
    reader = read_jsonl_spans(write_jsonl(tmp_path, [MISALIGNED]), alignment=alignment)
    assert read_all(reader)[0].entities == entities
    assert "1 span not on token boundaries" in reader.warnings[0]


def test_nested_unknown_alignment_is_refused_at_the_call(tmp_path):
    with pytest.raises(UsageError, match="unknown alignment"):
        read_jsonl_spans(write_jsonl(tmp_path, []), alignment="fuzzy")
    with pytest.raises(UsageError, match="unknown alignment"):
        read_labelstudio_spans(tmp_path / "x.json", alignment="fuzzy")


# ------------------------------------------------------------------ bad JSON Lines records
BAD_RECORDS = [
    ({"tokens": ["a", "b"], "entities": [["0", 1, "X"]]}, r"entity \['0', 1, 'X'\]: token offsets must be integers"),
    ({"tokens": ["a", "b"], "entities": [[False, 1, "X"]]}, r"entity \[False, 1, .X.\]: token offsets must be integers"),
    ({"tokens": ["a", "b"], "entities": [[0.0, 1, "X"]]}, r"token offsets must be integers"),
    ({"tokens": ["a", "b"], "entities": [[-1, 1, "X"]]}, r"0 <= start < end <= 2"),
    ({"tokens": ["a", "b"], "entities": [[1, 1, "X"]]}, r"0 <= start < end <= 2"),
    ({"tokens": ["a", "b"], "entities": [[1, 3, "X"]]}, r"0 <= start < end <= 2 \(the token count"),
    ({"tokens": ["a", "b"], "entities": [[0, 1, ""]]}, r"entity \[0, 1, ''\] has no label"),
    ({"tokens": ["a", "b"], "entities": [[0, 1, 7]]}, r"has no label"),
    ({"tokens": ["a", "b"], "entities": [[0, 1]]}, r"entity \[0, 1\] is not \[start, end, label\]"),
    ({"tokens": ["a", "b"], "entities": {"0": "X"}}, r"entities must be a list"),
    ({"tokens": ["a", "b"], "layers": [["O", "O"], ["B-X"]]}, r"2 tokens but layers\[1\] has 1 tags"),
    ({"tokens": ["a", "b"], "layers": ["O", "O"]}, r"layers must be a list of tag lists"),
    ({"tokens": ["a", "b"], "layers": [[0, 1]]}, r"layers\[0\] holds integer ids but no label list"),
    ({"tokens": ["a"], "tags": ["O"], "entities": []}, r"one of tags, layers or entities, not tags and entities"),
    ({"tokens": ["a"], "layers": [], "entities": []}, r"not layers and entities"),
    ({"text": "ab", "label": [[0, 9, ["X", "Y"]]]}, r"span offsets 0\.\.9 do not fit a text of 2"),
    ({"text": "ab", "spans": [{"start": 0, "end": 2, "label": ["X", ""]}]}, r"span \[0:2\] has no label"),
    ({"foo": 1}, r"not a record this reader knows"),
]


@pytest.mark.parametrize("record, message", BAD_RECORDS)
def test_nested_bad_records_name_file_and_line(tmp_path, record, message):
    path = write_jsonl(tmp_path, [{"tokens": ["ok"], "entities": [[0, 1, "X"]]}, record], name="bad.jsonl")
    with pytest.raises(DataError, match=message) as info:
        list(read_jsonl_spans(path))
    assert str(info.value).startswith(f"{path}:2: ")


def test_nested_labelstudio_bad_region_names_file_and_task(tmp_path):
    good = {"data": {"text": "ok"}, "annotations": [{"result": []}]}
    path = write_labelstudio(tmp_path, [(0, 99, ["ORG"])], extra_tasks=[good])
    tasks = json.loads(Path(path).read_text())
    tasks.reverse()  # the bad task second
    Path(path).write_text(json.dumps(tasks))
    with pytest.raises(DataError, match=r"ls\.json: task 2: span offsets 0\.\.99 do not fit"):
        list(read_labelstudio_spans(path))


def test_nested_labelstudio_skips_cancelled_and_keeps_relations_out(tmp_path):
    cancelled = {"data": {"text": "x"}, "annotations": [{"was_cancelled": True, "result": []}]}
    path = write_labelstudio(tmp_path, [(0, 13, ["ORG"]), (8, 13, ["GPE"])], extra_tasks=[cancelled])
    tasks = json.loads(Path(path).read_text())
    tasks[0]["annotations"][0]["result"].append({"type": "relation", "from_id": "a", "to_id": "b"})
    Path(path).write_text(json.dumps(tasks))
    reader = read_labelstudio_spans(path)
    assert [s.entities for s in read_all(reader)] == [[(0, 3, "ORG"), (2, 3, "GPE")]]
    assert reader.notes == [f"{path}: 1 task(s) without a usable annotation skipped"]


# ------------------------------------------------------------------ DocBin: ents, span keys, sentences
def test_nested_docbin_span_keys_choose_the_entities(tmp_path):
    path = write_docbin(tmp_path, [
        {"words": TOKENS, "ents": [(0, 3, "ORG")], "spans": {"nested": NESTED, "sc": [(3, 4, "GPE")]}},
        {"words": ["Ann"], "ents": [(0, 1, "PER")]},  # no span groups at all
    ])
    by_key = {key: [s.entities for s in read_all(read_docbin_spans(path, key))] for key in (None, "nested", "sc")}
    assert by_key[None] == [[(0, 3, "ORG")], [(0, 1, "PER")]]
    assert [Counter(e) for e in by_key["nested"]] == [Counter(NESTED), Counter()]
    assert by_key["sc"] == [[(3, 4, "GPE")], []]
    reader = read_docbin_spans(path, "sc")
    sentences = read_all(reader)
    assert [(s.line, s.document) for s in sentences] == [(1, 0), (2, 1)]
    assert reader.documents == 2
    assert reader.notes == [f"{path}: 1 doc(s) without span group 'sc' read as having no entities"]


def test_nested_docbin_missing_span_key_lists_the_keys_present(tmp_path):
    path = write_docbin(tmp_path, [{"words": ["a"], "spans": {"sc": [], "nested": [(0, 1, "X")]}},
                                   {"words": ["b"]}])
    with pytest.raises(DataError, match=r"n\.spacy: no doc has a span group 'sx' "
                                        r"\(span keys present: 'nested', 'sc'\)"):
        list(read_docbin_spans(path, "sx"))
    bare = write_docbin(tmp_path, [{"words": ["a"]}], name="bare.spacy")
    with pytest.raises(DataError, match=r"span keys present: none"):
        list(read_docbin_spans(bare, "sc"))


def test_nested_docbin_sentences_hold_their_own_offsets(tmp_path):
    words = ["Ann", "met", "Bob", ".", "Bank", "of", "China", "."]
    path = write_docbin(tmp_path, [{"words": words, "sent_starts": [True, False, False, False, True] + [False] * 3,
                                    "spans": {"sc": [(0, 1, "PER"), (4, 7, "ORG"), (6, 7, "GPE"), (2, 3, "PER")]}}])
    sentences = read_all(read_docbin_spans(path, "sc"))
    assert [s.tokens for s in sentences] == [words[:4], words[4:]]
    assert [s.entities for s in sentences] == [[(0, 1, "PER"), (2, 3, "PER")], [(0, 3, "ORG"), (2, 3, "GPE")]]
    assert [(s.line, s.document) for s in sentences] == [(1, 0), (1, 0)]


def test_nested_docbin_span_crossing_a_sentence_boundary_is_an_error(tmp_path):
    words = ["Ann", "met", "Bob", ".", "Bank", "of", "China", "."]
    path = write_docbin(tmp_path, [
        {"words": ["fine"]},
        {"words": words, "sent_starts": [True, False, False, False, True] + [False] * 3,
         "spans": {"sc": [(2, 5, "ODD")]}},
    ])
    with pytest.raises(DataError, match=r"n\.spacy: doc 2: span 'Bob \. Bank' \(ODD, tokens 2-5\) "
                                        r"crosses a sentence boundary"):
        list(read_docbin_spans(path, "sc"))


def test_nested_docbin_junk_and_missing_files_are_data_errors(tmp_path):
    junk = tmp_path / "junk.spacy"
    junk.write_bytes(b"\x00junk")
    with pytest.raises(DataError, match="not a spaCy DocBin"):
        list(read_docbin_spans(junk))
    with pytest.raises(DataError, match="no such file"):
        list(read_docbin_spans(tmp_path / "none.spacy", "sc"))


# ------------------------------------------------------------------ round trip, as a property
LABEL = st.sampled_from(["PER", "ORG", "LOC"])


@st.composite
def nested_sentence(draw):
    """Tokens and a random list of entities over them: nested, crossing, repeated."""
    n = draw(st.integers(min_value=1, max_value=8))
    bounds = st.tuples(st.integers(0, n - 1), st.integers(1, n)).filter(lambda b: b[0] < b[1])
    entities = draw(st.lists(st.tuples(bounds, LABEL).map(lambda x: (*x[0], x[1])), max_size=6))
    return [f"w{k}" for k in range(n)], entities


@settings(max_examples=40, deadline=None)
@given(data=st.lists(nested_sentence(), min_size=1, max_size=4))
def test_nested_round_trip_jsonl_and_docbin_keep_the_entity_multiset(tmp_path_factory, data):
    tmp = tmp_path_factory.mktemp("rt")
    expected = [(tokens, Counter(entities)) for tokens, entities in data]
    jsonl = write_jsonl(tmp, [{"tokens": t, "entities": [list(e) for e in es]} for t, es in data])
    docbin = write_docbin(tmp, [{"words": t, "spans": {"nested": es}} for t, es in data])
    for reader in (read_jsonl_spans(jsonl), read_docbin_spans(docbin, "nested")):
        assert [(s.tokens, Counter(s.entities)) for s in reader] == expected
        assert reader.warnings == [] and reader.notes == []
