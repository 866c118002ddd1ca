"""convert with nested entities (issue 17): layered CoNLL, BRAT, JSON Lines entities and
DocBin span groups in and out, the placement and dropping rules, round trips.

The oracle for every round trip is the entity multiset: reading what ``convert`` wrote
must give back, sentence by sentence, the entities it read.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqeval_suite.convert import convert_file, layer_columns, outer_entities, read_corpus
from seqeval_suite.errors import DataError, UsageError
from seqeval_suite.nested import open_spans

NESTED = Path("corpora/nested")
SETTINGS = dict(max_examples=40, deadline=None)
TAG_SCHEMES = ["IOB1", "IOB2", "IOE1", "IOE2", "IOBES", "BILOU"]  # IO merges: tested apart


def entity_sets(path, **options) -> list[Counter]:
    """The entity multiset of each sentence of ``path``, read nested."""
    corpus = read_corpus(path, **options)
    return [Counter(s.entities) for s in corpus.sentences]


def tokens_of(path, **options) -> list[list[str]]:
    return [s.tokens for s in read_corpus(path, **options).sentences]


def write_jsonl(path: Path, sentences) -> str:
    """``{"tokens", "entities"}`` records from ``(tokens, entities)`` pairs."""
    path.write_text("".join(json.dumps({"tokens": t, "entities": [list(e) for e in ents]}) + "\n"
                            for t, ents in sentences), encoding="utf-8")
    return str(path)


def layered_rows(path) -> list[list[list[str]]]:
    """The rows (fields) of each sentence of a tab-separated CoNLL file."""
    sentences, rows = [], []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line:
            rows.append(line.split("\t"))
        elif rows:
            sentences.append(rows)
            rows = []
    return sentences + ([rows] if rows else [])


# ---------------------------------------------------------------------- placement rules
@pytest.mark.parametrize("entities, columns, moved", [
    # nested three deep: one column a depth
    ([(3, 6, "ORG"), (3, 5, "ORG"), (3, 4, "LOC")], [0, 1, 2], 0),
    # flat and adjacent: all in column 0
    ([(0, 1, "X"), (1, 2, "X"), (3, 5, "Y")], [0, 0, 0], 0),
    # crossing at depth 1: the earlier start keeps column 0, the other moves to column 1
    ([(0, 3, "GPE"), (2, 4, "FAC")], [0, 1], 1),
    # the same span with two types: the first type (alphabetically) keeps its column
    ([(0, 3, "ORG"), (0, 3, "GPE")], [1, 0], 1),
    # the same entity twice: one moves
    ([(0, 2, "PER"), (0, 2, "PER")], [0, 1], 1),
    # both entities of one span contain LOC, so LOC is at depth 3 and ORG takes column 1
    ([(0, 3, "ORG"), (0, 3, "FAC"), (2, 3, "LOC")], [1, 0, 2], 1),
    # a moved entity never pushes one of the next depth out of its own column: Z (inside
    # Y only, depth 2) keeps column 1, so Y, crossing X, skips it to column 2
    ([(0, 2, "X"), (1, 3, "Y"), (2, 3, "Z")], [0, 2, 1], 1),
    # inside two crossing outer entities is depth 3; the crossing one takes column 1
    ([(0, 3, "ORG"), (2, 3, "LOC"), (1, 4, "PER")], [0, 2, 1], 1),
    ([], [], 0),
])
def test_layer_columns_table(entities, columns, moved):
    assert layer_columns(entities) == (columns, moved)


@pytest.mark.parametrize("entities, kept", [
    ([(3, 6, "ORG"), (3, 5, "ORG"), (3, 4, "LOC")], [(3, 6, "ORG")]),
    # crossing outer entities: the longest wins, the inner ones go
    ([(0, 3, "ORG"), (2, 3, "LOC"), (2, 6, "PER"), (6, 7, "LOC")], [(2, 6, "PER"), (6, 7, "LOC")]),
    # equally long: the earlier wins
    ([(2, 4, "FAC"), (0, 3, "GPE"), (0, 2, "X")], [(0, 3, "GPE")]),
    # the same span twice: the first type
    ([(0, 3, "ORG"), (0, 3, "GPE")], [(0, 3, "GPE")]),
    ([(0, 1, "X"), (1, 2, "X")], [(0, 1, "X"), (1, 2, "X")]),
])
def test_outer_entities_table(entities, kept):
    assert outer_entities(entities) == kept


# ---------------------------------------------------------------------- the example corpus, every pair
def test_nested_jsonl_to_layered_is_the_example_corpus_byte_for_byte(cli, tmp_path):
    out = tmp_path / "nested.conll"
    result = cli("convert", NESTED / "gold.jsonl", out, "--nested", "--to-format", "layered")
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes() == (NESTED / "gold.conll").read_bytes()
    assert result.stderr == (f"{NESTED}/gold.jsonl (jsonl, nested) -> {out} (layered, IOB2): 6 sentences, 45 tokens, "
                             "15 entities; 3 layers, 0 entities moved to a deeper layer\n")


def test_layered_to_brat_is_the_example_corpus(cli, tmp_path):
    out = tmp_path / "gold.brat"
    result = cli("convert", NESTED / "gold.conll", out, "--layers", "1,2,3")
    assert result.exit_code == 0, result.stderr
    assert "(layered) -> " in result.stderr and "(brat, spans): 6 sentences, 45 tokens, 15 entities; 1 document" \
        in result.stderr
    assert sorted(os.listdir(out)) == ["doc0001.ann", "doc0001.txt"]
    for ext in ("ann", "txt"):
        assert (out / f"doc0001.{ext}").read_bytes() == (NESTED / "gold.brat" / f"news.{ext}").read_bytes()


def test_brat_to_brat_keeps_document_names(cli, tmp_path):
    out = tmp_path / "copy"
    assert cli("convert", NESTED / "gold.brat", out, "--to-format", "brat").exit_code == 0
    assert sorted(os.listdir(out)) == ["news.ann", "news.txt"]


@pytest.mark.parametrize("source, options", [
    ("gold.jsonl", ["--nested"]),
    ("gold.conll", ["--layers", "1,2,3"]),
    ("gold.brat", []),
])
@pytest.mark.parametrize("suffix, to_format", [(".jsonl", None), ("out.brat", None), (".conll", "layered"),
                                               (".spacy", "spacy")])
def test_every_nested_pair_keeps_the_entities(cli, tmp_path, source, options, suffix, to_format):
    out = tmp_path / ("out" + suffix if suffix.startswith(".") else suffix)
    extra = ["--to-format", to_format] if to_format else []
    if to_format == "spacy":
        extra += ["--span-key", "sc"]
    result = cli("convert", NESTED / source, out, *options, *extra)
    assert result.exit_code == 0, result.stderr
    expected = entity_sets(NESTED / "gold.jsonl", nested=True)
    back = {"spacy": dict(span_key="sc"), "layered": dict(layers="1,2,3")}.get(to_format, dict(nested=True))
    assert entity_sets(out, **back) == expected
    assert tokens_of(out, **back) == tokens_of(NESTED / "gold.jsonl", nested=True)


@pytest.mark.parametrize("source, options", [
    ("gold.brat", {}), ("gold.brat/news.ann", {}), ("gold.brat/news.txt", {}),
    ("gold.brat/news.txt", dict(from_format="brat")),
])
def test_brat_input_is_a_folder_or_either_file_of_a_pair(tmp_path, source, options):
    result = convert_file(NESTED / source, tmp_path / "o.jsonl", **options)
    assert (result.from_format, result.entities) == ("brat", 15)


def test_a_txt_without_its_ann_is_conll(tmp_path):
    src = tmp_path / "plain.txt"
    src.write_text("EU B-ORG\nrejects O\n", encoding="utf-8")
    assert convert_file(src, tmp_path / "o.jsonl").from_format == "conll"


def test_default_output_format_follows_the_name_and_the_input(tmp_path):
    assert convert_file(NESTED / "gold.jsonl", tmp_path / "a.conll", nested=True).to_format == "layered"
    assert convert_file("corpora/formats/prodigy.jsonl", tmp_path / "b.conll").to_format == "conll"  # flat input
    assert convert_file(NESTED / "gold.conll", tmp_path / "c.brat", layers="1,2,3").to_format == "brat"
    assert convert_file(NESTED / "gold.conll", tmp_path / "d.jsonl", layers="1,2,3").to_format == "jsonl"
    record = json.loads((tmp_path / "d.jsonl").read_text().splitlines()[0])
    assert record == {"tokens": ["She", "works", "at", "Ulm", "University", "Hospital", "."],
                      "entities": [[3, 6, "ORG"], [3, 5, "ORG"], [3, 4, "LOC"]]}


def test_docbin_span_group_in_and_out(tmp_path):
    spacy_out = tmp_path / "n.spacy"
    result = convert_file(NESTED / "gold.jsonl", spacy_out, nested=True, span_key="sc")
    assert (result.entities, result.dropped, result.to_scheme) == (15, 0, "doc.spans['sc']")
    expected = entity_sets(NESTED / "gold.jsonl", nested=True)
    assert entity_sets(spacy_out, span_key="sc") == expected
    # doc.ents holds the outer entities
    outer = [Counter(outer_entities(list(c.elements()))) for c in expected]
    assert [Counter(s.entities) for s in open_spans(str(spacy_out), "spacy")] == outer
    # a DocBin read through its span group goes on to layered CoNLL
    layered = tmp_path / "n.conll"
    assert convert_file(spacy_out, layered, span_key="sc").to_format == "layered"
    assert layered.read_bytes() == (NESTED / "gold.conll").read_bytes()


def test_germeval_layers_with_an_index_column(tmp_path):
    out = tmp_path / "g.jsonl"
    convert_file("corpora/germeval/sample.gold.tsv", out, layers="2,3", token_column=1, comments=True)
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert first["tokens"][:3] == ["Die", "Universität", "Hamburg"]
    assert [1, 3, "ORG"] in first["entities"] and [2, 3, "LOC"] in first["entities"]


# ---------------------------------------------------------------------- crossing and same span
def test_crossing_and_same_span_move_to_the_next_free_column(cli, tmp_path):
    src = write_jsonl(tmp_path / "x.jsonl", [
        (["New", "York", "City", "Hall"], [(0, 3, "GPE"), (2, 4, "FAC")]),
        (["Bank", "of", "China"], [(0, 3, "ORG"), (0, 3, "GPE"), (2, 3, "LOC")]),
    ])
    out = tmp_path / "x.conll"
    result = cli("convert", src, out, "--nested", "--to-scheme", "BILOU")
    assert result.exit_code == 0, result.stderr
    assert "(layered, BILOU): 2 sentences, 7 tokens, 5 entities; 3 layers, 2 entities moved to a deeper layer" \
        in result.stderr
    assert layered_rows(out) == [
        [["New", "B-GPE", "O", "O"], ["York", "I-GPE", "O", "O"], ["City", "L-GPE", "B-FAC", "O"],
         ["Hall", "O", "L-FAC", "O"]],
        # GPE and ORG both contain LOC: LOC is at depth 3, ORG moves to the free column 2
        [["Bank", "B-GPE", "B-ORG", "O"], ["of", "I-GPE", "I-ORG", "O"], ["China", "L-GPE", "L-ORG", "U-LOC"]],
    ]
    assert entity_sets(out, layers="1,2,3") == entity_sets(src, nested=True)


def test_layered_output_keeps_at_least_the_input_columns(tmp_path):
    src = tmp_path / "l.conll"
    src.write_text("a\tB-X\tO\tO\nb\tO\tO\tO\n\n", encoding="utf-8")
    out = tmp_path / "o.conll"
    result = convert_file(src, out, layers="1,2,3")
    assert result.layers == 3
    assert layered_rows(out) == [[["a", "B-X", "O", "O"], ["b", "O", "O", "O"]]]


def test_io_layers_count_their_merges(tmp_path):
    src = write_jsonl(tmp_path / "x.jsonl", [(["a", "b", "c"], [(0, 3, "X"), (0, 1, "Y"), (1, 2, "Y")])])
    result = convert_file(src, tmp_path / "x.conll", nested=True, to_scheme="IO")
    assert result.merged == 1
    assert any("1 merged" in w for w in result.warnings)


@pytest.mark.parametrize("scheme", TAG_SCHEMES)
def test_strict_from_scheme_reads_each_layer(tmp_path, scheme):
    there = tmp_path / f"x.{scheme}.conll"
    convert_file(NESTED / "gold.conll", there, layers="1,2,3", to_scheme=scheme)
    back = tmp_path / "back.conll"
    result = convert_file(there, back, layers="1,2,3", from_scheme=scheme)
    assert result.dropped_runs == 0
    assert back.read_bytes() == (NESTED / "gold.conll").read_bytes()


# ---------------------------------------------------------------------- flat outputs drop, and say so
def test_flat_conll_keeps_the_outer_entities_and_counts_the_rest(cli, tmp_path):
    out = tmp_path / "flat.conll"
    result = cli("convert", NESTED / "gold.jsonl", out, "--nested", "--to-format", "conll")
    assert result.exit_code == 0, result.stderr
    assert "warning: a flat conll output holds one entity a token: 7 inner or crossing entities dropped" \
        in result.stderr
    assert "(conll, IOB2): 6 sentences, 45 tokens, 8 entities; 7 inner or crossing entities dropped" in result.stderr
    outer = [Counter(outer_entities(list(c.elements()))) for c in entity_sets(NESTED / "gold.jsonl", nested=True)]
    assert entity_sets(out) == outer


def test_flat_spacy_without_a_span_key_keeps_doc_ents_only(tmp_path):
    out = tmp_path / "flat.spacy"
    result = convert_file(NESTED / "gold.conll", out, layers="1,2,3")
    assert (result.entities, result.dropped) == (8, 7)
    assert sum(len(s.entities) for s in open_spans(str(out), "spacy")) == 8


def test_flat_input_is_converted_as_before(cli, tmp_path):
    out = tmp_path / "news.jsonl"
    result = cli("convert", "corpora/formats/news.conll", out)
    assert result.stderr == (f"corpora/formats/news.conll (conll) -> {out} (jsonl, IOB2): 4 sentences, 29 tokens, "
                             "7 entities\n")
    assert set(json.loads(out.read_text().splitlines()[0])) == {"tokens", "tags"}


def test_entity_records_read_flat_point_to_nested(cli, tmp_path):
    result = cli("convert", NESTED / "gold.jsonl", tmp_path / "o.conll")
    assert result.exit_code == 1
    assert "gold.jsonl:1: not a record this reader knows" in result.stderr and "pass --nested" in result.stderr


def test_flat_input_to_brat_and_layered(tmp_path):
    convert_file("corpora/formats/news.conll", tmp_path / "news.brat")
    convert_file("corpora/formats/news.conll", tmp_path / "news.conll", to_format="layered")
    flat = entity_sets("corpora/formats/news.conll")
    assert entity_sets(tmp_path / "news.brat") == flat
    assert entity_sets(tmp_path / "news.conll", layers="1") == flat


# ---------------------------------------------------------------------- round trips (property)
@st.composite
def nested_sentences(draw):
    """Sentences whose entities nest up to three deep, cross, and repeat a span with two
    types (or the same type)."""
    sentences = []
    for _ in range(draw(st.integers(1, 4))):
        n = draw(st.integers(1, 9))
        spans = st.tuples(st.integers(0, n - 1), st.integers(1, 4)).map(lambda t: (t[0], min(n, t[0] + t[1])))
        entities = []
        for start, end in draw(st.lists(spans, max_size=6)):
            entities.append((start, end, draw(st.sampled_from(["PER", "LOC", "ORG"]))))
            if draw(st.integers(0, 3)) == 0:  # the same span again, same or other type
                entities.append((start, end, draw(st.sampled_from(["PER", "LOC"]))))
            if end - start >= 3 and draw(st.booleans()):  # three levels: an inner and an innermost
                entities += [(start + 1, end, "LOC"), (start + 1, start + 2, "PER")]
        sentences.append(([f"w{k}" for k in range(n)], entities))
    return sentences


def _round_trip(sentences, target_name, back_options, **options):
    folder = tempfile.mkdtemp()
    try:
        src = write_jsonl(Path(folder) / "in.jsonl", sentences)
        there = os.path.join(folder, target_name)
        convert_file(src, there, nested=True, **options)
        back = os.path.join(folder, "back.jsonl")
        convert_file(there, back, **back_options)
        return entity_sets(back, nested=True), tokens_of(back, nested=True)
    finally:
        shutil.rmtree(folder)


@settings(**SETTINGS)
@given(sentences=nested_sentences(), scheme=st.sampled_from(TAG_SCHEMES), suffix=st.booleans())
def test_round_trip_jsonl_layered_jsonl(sentences, scheme, suffix):
    folder = tempfile.mkdtemp()
    try:
        src = write_jsonl(Path(folder) / "in.jsonl", sentences)
        there = os.path.join(folder, "x.conll")
        result = convert_file(src, there, nested=True, to_scheme=scheme, suffix=suffix)
        back = os.path.join(folder, "back.jsonl")
        convert_file(there, back, layers=",".join(str(k) for k in range(1, result.layers + 1)),
                     from_scheme=scheme, suffix=suffix)
        got = entity_sets(back, nested=True)
        tokens = tokens_of(back, nested=True)
    finally:
        shutil.rmtree(folder)
    assert got == [Counter(e) for _, e in sentences]
    assert tokens == [t for t, _ in sentences]


@settings(**SETTINGS)
@given(sentences=nested_sentences())
def test_round_trip_jsonl_brat_jsonl(sentences):
    got, tokens = _round_trip(sentences, "x.brat", {})
    assert got == [Counter(e) for _, e in sentences]
    assert tokens == [t for t, _ in sentences]


@settings(**SETTINGS)
@given(sentences=nested_sentences())
def test_round_trip_jsonl_spacy_span_group_jsonl(sentences):
    got, tokens = _round_trip(sentences, "x.spacy", dict(span_key="sc"), span_key="sc")
    assert got == [Counter(e) for _, e in sentences]
    assert tokens == [t for t, _ in sentences]


@settings(**SETTINGS)
@given(sentences=nested_sentences())
def test_layered_columns_hold_disjoint_entities_at_or_below_their_depth(sentences):
    from seqeval_suite.nested import depths

    for _, entities in sentences:
        columns, moved = layer_columns(entities)
        level = depths([s for s, _, _ in entities], [e for _, e, _ in entities])
        assert all(c >= d - 1 for c, d in zip(columns, level))
        assert moved == sum(c != d - 1 for c, d in zip(columns, level))
        for c in set(columns):
            tokens = [k for (s, e, _), col in zip(entities, columns) if col == c for k in range(s, e)]
            assert len(tokens) == len(set(tokens))


# ---------------------------------------------------------------------- bad inputs and options
def test_a_layers_column_that_does_not_exist_names_file_and_line(cli, tmp_path):
    out = tmp_path / "out.jsonl"
    result = cli("convert", NESTED / "gold.conll", out, "--layers", "1,2,3,4")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {NESTED}/gold.conll:1: no column 4 (the line has 4, numbered 0 to 3)")
    assert "Traceback" not in result.stderr and not out.exists()


def test_brat_output_into_a_non_empty_folder_is_refused(cli, tmp_path):
    folder = tmp_path / "taken.brat"
    folder.mkdir()
    (folder / "keep.txt").write_text("keep me", encoding="utf-8")
    result = cli("convert", NESTED / "gold.jsonl", folder, "--nested")
    assert result.exit_code == 2
    assert f"error: {folder} is a folder that is not empty" in result.stderr
    assert os.listdir(folder) == ["keep.txt"] and os.listdir(tmp_path) == ["taken.brat"]


def test_brat_output_into_an_empty_folder_is_allowed(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    convert_file(NESTED / "gold.jsonl", folder, nested=True, to_format="brat")
    assert sorted(os.listdir(folder)) == ["doc0001.ann", "doc0001.txt"]
    assert sorted(os.listdir(tmp_path)) == ["empty"]  # no staging folder left


def test_brat_output_of_an_unwritable_token_names_the_target_and_writes_nothing(tmp_path):
    src = tmp_path / "x.jsonl"
    src.write_text(json.dumps({"tokens": ["a b", "c"], "entities": [[0, 1, "X"]]}) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"out\.brat/doc0001\.txt:1: token 0 'a b'") as caught:
        convert_file(src, tmp_path / "out.brat", nested=True)
    assert ".tmp" not in str(caught.value)
    assert sorted(os.listdir(tmp_path)) == ["x.jsonl"]


def test_layered_output_of_an_unwritable_token_names_the_source_line(tmp_path):
    src = tmp_path / "x.jsonl"
    src.write_text("\n" + json.dumps({"tokens": ["a b"], "entities": []}) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"x\.jsonl:2: token 'a b' cannot be written to CoNLL"):
        convert_file(src, tmp_path / "out.conll", nested=True)
    assert not (tmp_path / "out.conll").exists()


def test_a_strict_scheme_names_the_line_of_a_foreign_tag(tmp_path):
    src = tmp_path / "l.conll"
    src.write_text("a\tB-X\tO\nb\tI-X\tU-Y\n\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"l\.conll:2: tag 'U-Y' is not a IOB2 tag"):
        convert_file(src, tmp_path / "o.jsonl", layers="1,2", from_scheme="IOB2")


@pytest.mark.parametrize("args, message", [
    (["corpora/nested/gold.jsonl", "o.conll", "--layers", "1,2"], "--layers names tag columns of a CoNLL file"),
    (["corpora/nested/gold.conll", "o.conll", "--layers", "1,2:3"], "one list of columns"),
    (["corpora/nested/gold.conll", "o.conll", "--layers", "0,1"], "column 0 holds the tokens"),
    (["corpora/nested/gold.conll", "o.conll", "--layers", "1,1"], "names a column twice"),
    (["corpora/nested/gold.conll", "o.conll", "--layers", "1,2", "--column", "1"], "give one"),
    (["corpora/nested/gold.conll", "o.conll", "--nested"], "nested input in CoNLL needs --layers"),
    (["corpora/nested/gold.jsonl", "o.conll", "--tokenizer", "spacy"], "--tokenizer applies to BRAT input"),
    (["corpora/nested/gold.jsonl", "o.conll", "--discontinuous", "skip"], "--discontinuous applies to BRAT"),
    (["corpora/nested/gold.jsonl", "o.brat", "--nested", "--to-scheme", "BILOU"], "--to-scheme applies to tag"),
    (["corpora/nested/gold.jsonl", "o.jsonl", "--span-key", "sc"], "neither input nor output is .spacy"),
    (["corpora/nested/gold.jsonl", "o.ann", "--nested", "--to-format", "brat"], "BRAT output is a folder"),
    (["corpora/nested/gold.brat", "o.conll", "--from-scheme", "IOB2"], "--from-scheme decodes tags"),
    (["corpora/nested/gold.jsonl", "o.conll", "--token-column", "1"], "--token-column applies to layered"),
])
def test_options_that_do_not_fit_are_usage_errors(cli, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    for name in ("corpora",):
        os.symlink(Path(__file__).resolve().parents[1] / name, tmp_path / name)
    result = cli("convert", *args)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert sorted(os.listdir(tmp_path)) == ["corpora"]


def test_usage_errors_are_raised_by_the_api_too(tmp_path):
    with pytest.raises(UsageError, match="needs --layers"):
        convert_file(NESTED / "gold.conll", tmp_path / "o.conll", nested=True)
