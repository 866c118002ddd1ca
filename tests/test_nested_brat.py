"""BRAT standoff input and output (issue 17): seqeval_suite.io.brat.

Every fixture is written to tmp_path by the test that uses it. Offsets in the .ann
texts below are written out by hand; ``_offsets_ok`` checks them against the .txt so
that a typo in a fixture cannot pass for a reader bug.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seqeval_suite.errors import DataError, UsageError
from seqeval_suite.io.brat import read_brat, write_brat
from seqeval_suite.io.tagged import SpanSentence


def _pair(folder: Path, stem: str, txt, ann) -> str:
    """Write ``stem.txt`` and ``stem.ann`` (str as UTF-8, bytes as given); the .ann path."""
    folder.mkdir(parents=True, exist_ok=True)
    for ext, content in ((".txt", txt), (".ann", ann)):
        path = folder / f"{stem}{ext}"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
    return str(folder / f"{stem}.ann")


def _read(path, **options):
    """``(corpus, [(tokens, entities, line)])`` of a BRAT path."""
    corpus = read_brat(path, **options)
    return corpus, [(s.tokens, s.entities, s.line) for s in corpus]


def _offsets_ok(text: str, start: int, end: int, expected: str) -> None:
    assert text[start:end] == expected, (text[start:end], expected)


# ------------------------------------------------------------------ nesting and overlap

NESTED_TXT = "The University of Oslo Hospital opened\nBank of Norway rose\n"
NESTED_ANN = (
    "T1\tORG 4 31\tUniversity of Oslo Hospital\n"
    "T2\tORG 4 22\tUniversity of Oslo\n"
    "T3\tLOC 18 22\tOslo\n"
    "T4\tORG 39 53\tBank of Norway\n"
    "T5\tLOC 47 53\tNorway\n"
)


def test_brat_nested_entities_three_levels_deep(tmp_path):
    for start, end, text in ((4, 31, "University of Oslo Hospital"), (4, 22, "University of Oslo"), (18, 22, "Oslo"),
                             (39, 53, "Bank of Norway"), (47, 53, "Norway")):
        _offsets_ok(NESTED_TXT, start, end, text)
    ann = _pair(tmp_path, "nested", NESTED_TXT, NESTED_ANN)
    corpus, got = _read(ann)
    assert got == [
        (["The", "University", "of", "Oslo", "Hospital", "opened"], [(1, 4, "ORG"), (1, 5, "ORG"), (3, 4, "LOC")], 1),
        (["Bank", "of", "Norway", "rose"], [(0, 3, "ORG"), (2, 3, "LOC")], 2),
    ]
    assert corpus.counts["entities"] == 5 and corpus.counts["textbound"] == 5
    assert corpus.documents == 1 and corpus.warnings == []


def test_brat_crossing_entities_and_same_span_under_two_types(tmp_path):
    txt = "Ann Lee Smith met Bob\n"
    _offsets_ok(txt, 0, 7, "Ann Lee")
    _offsets_ok(txt, 4, 13, "Lee Smith")
    _offsets_ok(txt, 18, 21, "Bob")
    ann = _pair(tmp_path, "cross", txt,
                "T1\tPER 0 7\tAnn Lee\nT2\tPER 4 13\tLee Smith\nT3\tORG 18 21\tBob\nT4\tPER 18 21\tBob\n"
                "T5\tPER 18 21\tBob\n")
    _, got = _read(ann)
    # Crossing spans both stay; one span under two types stays twice; an exact duplicate too.
    assert got == [(["Ann", "Lee", "Smith", "met", "Bob"],
                    [(0, 2, "PER"), (1, 3, "PER"), (4, 5, "ORG"), (4, 5, "PER"), (4, 5, "PER")], 1)]


def test_brat_folder_documents_sorted_by_file_name_with_lines_and_sources(tmp_path):
    b = _pair(tmp_path, "b", "\n\nBob ran\n", "T1\tPER 2 5\tBob\n")
    a = _pair(tmp_path, "a", "Ann\n   \nAnn Lee\n", "T1\tPER 8 15\tAnn Lee\n")
    empty = _pair(tmp_path, "c", "", "")
    corpus = read_brat(tmp_path)
    got = [(s.tokens, s.entities, s.line, s.document, s.source) for s in corpus]
    # Blank lines are no sentences but still count for line numbers; an empty pair is a document.
    assert got == [(["Ann"], [], 1, 0, a), (["Ann", "Lee"], [(0, 2, "PER")], 3, 0, a),
                   (["Bob", "ran"], [(0, 1, "PER")], 3, 1, b)]
    assert corpus.documents == 3 and empty.endswith("c.ann")


def test_brat_iterating_twice_gives_the_same_counts(tmp_path):
    ann = _pair(tmp_path, "d", NESTED_TXT, NESTED_ANN)
    corpus = read_brat(ann)
    first = list(corpus)
    assert list(corpus) == first
    assert corpus.documents == 1 and corpus.counts["entities"] == 5


# ------------------------------------------------------------------ tokenizers and alignment

OSLO_TXT = "Oslo, Norway is cold\n"
OSLO_ANN = "T1\tLOC 0 4\tOslo\nT2\tLOC 6 12\tNorway\n"


def test_brat_whitespace_tokenizer_keeps_punctuation_on_tokens(tmp_path):
    ann = _pair(tmp_path, "oslo", OSLO_TXT, OSLO_ANN)
    with pytest.raises(DataError) as err:
        list(read_brat(ann, tokenizer="whitespace"))
    # "Oslo," is one whitespace token, so [0:4] ends inside it.
    assert "oslo.ann:1: T1 'Oslo' [0:4] LOC does not fall on token boundaries" in str(err.value)


def test_brat_spacy_tokenizer_splits_off_the_comma(tmp_path):
    ann = _pair(tmp_path, "oslo", OSLO_TXT, OSLO_ANN)
    corpus, got = _read(ann, tokenizer="spacy")
    assert got == [(["Oslo", ",", "Norway", "is", "cold"], [(0, 1, "LOC"), (2, 3, "LOC")], 1)]
    assert corpus.warnings == []


MISALIGNED_TXT = "Ann Leeson lives in Oslo\n"
# T1 ends inside "Leeson", T2 starts inside "Leeson", T3 lies inside "Oslo".
MISALIGNED_ANN = "T1\tPER 0 7\tAnn Lee\nT2\tPER 7 10\tson\nT3\tLOC 20 23\tOsl\nT4\tLOC 20 24\tOslo\n"


@pytest.mark.parametrize("alignment, entities, warnings", [
    ("expand", [(0, 2, "PER"), (1, 2, "PER"), (4, 5, "LOC"), (4, 5, "LOC")],
     ["mis.ann: 3 spans not on token boundaries expanded to tokens, e.g. mis.ann:1: T1 'Ann Lee' [0:7] PER; "
      "mis.ann:2: T2 'son' [7:10] PER; mis.ann:3: T3 'Osl' [20:23] LOC"]),
    ("contract", [(0, 1, "PER"), (4, 5, "LOC")],
     ["mis.ann: 3 spans not on token boundaries contracted to tokens, e.g. mis.ann:1: T1 'Ann Lee' [0:7] PER; "
      "mis.ann:2: T2 'son' [7:10] PER; mis.ann:3: T3 'Osl' [20:23] LOC",
      "mis.ann: 2 entities covering no token dropped, e.g. mis.ann:2: T2 'son' [7:10] PER; "
      "mis.ann:3: T3 'Osl' [20:23] LOC"]),
])
def test_brat_expand_and_contract_snap_and_warn_once_per_file(tmp_path, monkeypatch, alignment, entities, warnings):
    _offsets_ok(MISALIGNED_TXT, 20, 24, "Oslo")
    _pair(tmp_path, "mis", MISALIGNED_TXT, MISALIGNED_ANN)
    monkeypatch.chdir(tmp_path)
    corpus, got = _read("mis.ann", alignment=alignment)
    assert got == [(["Ann", "Leeson", "lives", "in", "Oslo"], entities, 1)]
    assert corpus.warnings == warnings
    assert corpus.counts["misaligned"] == 3
    assert corpus.counts["dropped"] == (2 if alignment == "contract" else 0)


def test_brat_strict_names_file_line_id_text_and_hint(tmp_path):
    ann = _pair(tmp_path, "mis", MISALIGNED_TXT, MISALIGNED_ANN)
    with pytest.raises(DataError) as err:
        list(read_brat(ann))
    message = str(err.value)
    assert message.startswith(f"{ann}:1: T1 'Ann Lee' [0:7] PER does not fall on token boundaries (3 spans in this file)")
    assert "--alignment expand" in message and "contract" in message


def test_brat_empty_span_is_dropped_with_a_warning(tmp_path):
    ann = _pair(tmp_path, "empty", "Ann Lee\n", "T1\tPER 4 4\nT2\tPER 0 3\tAnn\n")
    corpus, got = _read(ann)
    assert got == [(["Ann", "Lee"], [(0, 1, "PER")], 1)]
    assert corpus.counts["dropped"] == 1
    assert corpus.warnings == [f"{ann}: 1 entity covering no token dropped, e.g. {ann}:1: T1 '' [4:4] PER"]


# ------------------------------------------------------------------ discontinuous entities

DISCONT_TXT = "Ann and Bob Lee came\nMay\nLee\n"
# T1: "Ann ... Lee" (brat >= 1.3 text column); T2: the same in old-style (no space) text.
DISCONT_ANN = "T1\tPER 0 3;12 15\tAnn Lee\nT2\tPER 0 3;12 15\tAnnLee\nT3\tPER 8 15\tBob Lee\n"


@pytest.mark.parametrize("rule, entities, made", [
    ("span", [(0, 4, "PER"), (0, 4, "PER"), (2, 4, "PER")], 2),
    ("split", [(0, 1, "PER"), (0, 1, "PER"), (2, 4, "PER"), (3, 4, "PER"), (3, 4, "PER")], 4),
    ("skip", [(2, 4, "PER")], 0),
])
def test_brat_discontinuous_rules(tmp_path, rule, entities, made):
    _offsets_ok(DISCONT_TXT, 12, 15, "Lee")
    ann = _pair(tmp_path, "dis", DISCONT_TXT, DISCONT_ANN)
    corpus, got = _read(ann, discontinuous=rule)
    assert got[0] == (["Ann", "and", "Bob", "Lee", "came"], entities, 1)
    assert corpus.counts["discontinuous"] == {"read": 2, "rule": rule, "entities": made}
    assert corpus.counts["entities"] == made + 1
    assert len(corpus.notes) == 1 and "2 discontinuous entities" in corpus.notes[0]
    assert f"(discontinuous={rule})" in corpus.notes[0] and f"{ann}:1: T1" in corpus.notes[0]


def test_brat_discontinuous_over_two_lines_needs_split(tmp_path):
    txt = "Ann and Bob Lee came\nMay\nLee\n"
    _offsets_ok(txt, 21, 24, "May")
    _offsets_ok(txt, 25, 28, "Lee")
    ann = _pair(tmp_path, "lines", txt, "T1\tPER 21 24;25 28\tMay Lee\n")
    with pytest.raises(DataError) as err:
        list(read_brat(ann))
    assert f"{ann}:1: T1 PER [21:28] crosses a line break" in str(err.value)
    assert "--discontinuous split" in str(err.value)
    _, got = _read(ann, discontinuous="split")
    assert got[1:] == [(["May"], [(0, 1, "PER")], 2), (["Lee"], [(0, 1, "PER")], 3)]


# ------------------------------------------------------------------ what is not an entity

def test_brat_ignored_annotations_are_counted_by_kind(tmp_path):
    txt = "Ann Lee moved to Oslo\n"
    _offsets_ok(txt, 8, 13, "moved")
    ann = _pair(tmp_path, "ign", txt, (
        "T1\tPER 0 7\tAnn Lee\n"
        "T2\tLOC 17 21\tOslo\n"
        "T3\tMove 8 13\tmoved\n"
        "E1\tMove:T3 Agent:T1 To:T2\n"
        "E2\tMove:T3 Agent:T1\n"
        "R1\tLivesIn Arg1:T1 Arg2:T2\n"
        "A1\tNegation E1\n"
        "A2\tConfidence E1 High\n"
        "M1\tSpeculation E2\n"
        "#1\tAnnotatorNotes T1\tcheck the surname\n"
        "*\tEquiv T1 T2\n"
        "N1\tReference T2 Wikidata:Q585\tOslo\n"
        "\n"
    ))
    corpus, got = _read(ann)
    # The event trigger T3 is no entity.
    assert got == [(["Ann", "Lee", "moved", "to", "Oslo"], [(0, 2, "PER"), (4, 5, "LOC")], 1)]
    counts = corpus.counts
    assert counts["ignored"] == {"events": 2, "relations": 1, "attributes": 3, "notes": 1,
                                 "equivalences": 1, "normalizations": 1}
    assert counts["triggers"] == 1 and counts["textbound"] == 3 and counts["entities"] == 2
    assert any("2 events (E), 1 relation (R), 3 attributes (A/M), 1 note (#), 1 equivalence (*), "
               "1 normalization (N)" in note for note in corpus.notes)
    assert any("1 text-bound annotation that triggers events" in note for note in corpus.notes)


# ------------------------------------------------------------------ line ends and byte order marks

def test_brat_crlf_offsets_count_the_carriage_return(tmp_path):
    txt = "Ann Lee\r\nin Oslo\r\n"
    # brat reads bytes untranslated: "Oslo" starts at 12, not 11.
    _offsets_ok(txt, 12, 16, "Oslo")
    ann = _pair(tmp_path, "crlf", txt.encode("utf-8"), b"T1\tPER 0 7\tAnn Lee\r\nT2\tLOC 12 16\tOslo\r\n")
    corpus, got = _read(ann)
    assert got == [(["Ann", "Lee"], [(0, 2, "PER")], 1), (["in", "Oslo"], [(1, 2, "LOC")], 2)]
    assert corpus.warnings == []
    _, spacy_got = _read(ann, tokenizer="spacy")
    assert spacy_got == got


def test_brat_crlf_text_with_lf_offsets_is_an_error_with_a_hint(tmp_path):
    txt = "Ann Lee\r\nin Oslo\r\n"
    ann = _pair(tmp_path, "crlf", txt, "T1\tPER 0 7\tAnn Lee\nT2\tLOC 11 15\tOslo\n")
    with pytest.raises(DataError) as err:
        list(read_brat(ann))
    message = str(err.value)
    assert message.startswith(f"{ann}:2: T2 text 'Oslo' does not match")
    assert "'\\r\\n'" in message and "autocrlf" in message


def test_brat_bom_counted_as_character_zero_as_brat_reads_it(tmp_path):
    txt = "\ufeffAnn Lee\n"
    ann = _pair(tmp_path, "bom", txt, "T1\tPER 1 8\tAnn Lee\n")
    corpus, got = _read(ann)
    assert got == [(["Ann", "Lee"], [(0, 2, "PER")], 1)]
    assert corpus.notes == [] and corpus.warnings == []


def test_brat_bom_skipped_by_offsets_is_read_so_with_a_note(tmp_path):
    txt = "\ufeffAnn Lee\nBob\n"
    ann = _pair(tmp_path, "bom", txt, "\ufeffT1\tPER 0 7\tAnn Lee\nT2\tPER 8 11\tBob\n")
    corpus, got = _read(ann, tokenizer="spacy")
    assert got == [(["Ann", "Lee"], [(0, 2, "PER")], 1), (["Bob"], [(0, 1, "PER")], 2)]
    assert len(corpus.notes) == 1 and "byte order mark that its offsets skip" in corpus.notes[0]


def test_brat_utf8_offsets_are_code_points(tmp_path):
    txt = "Zoë Ødegård 😀 visited Tromsø\n"
    _offsets_ok(txt, 22, 28, "Tromsø")
    ann = _pair(tmp_path, "utf", txt, "T1\tPER 0 11\tZoë Ødegård\nT2\tLOC 22 28\tTromsø\n")
    _, got = _read(ann)
    assert got == [(["Zoë", "Ødegård", "😀", "visited", "Tromsø"], [(0, 2, "PER"), (4, 5, "LOC")], 1)]


# ------------------------------------------------------------------ bad input

BAD_ANN = [
    ("T1 PER 0 3 Ann\n", ":1: 'T1 PER 0 3 Ann' is not ID<TAB>ANNOTATION"),
    ("T1\tPER\tAnn\n", ":1: T1 has no TYPE START END"),
    ("T1\tPER 0 x\tAnn\n", ":1: T1 offsets '0 x' are not START END"),
    ("T1\tPER 0 3 7\tAnn\n", ":1: T1 offsets '0 3 7' are not START END"),
    ("T1\tPER -1 3\tAnn\n", ":1: T1 offsets '-1 3' are not START END"),
    ("T1\tPER 0 3\tAnn\nT2\tPER 5 3\tx\n", ":2: T2 starts after it ends (5 > 3)"),
    ("T1\tPER 0 3;2 7\tAnn Lee\n", ":1: T1 has overlapping fragments"),
    ("T1\tPER 4 99\tLee\n", ":1: T1 offsets [4:99] run past the end of"),
    ("T1\tPER 0 3\tAnn\nT1\tPER 4 7\tLee\n", ":2: id T1 is given twice (first on line 1)"),
    ("T1\tPER 0 3\tBob\n", ":1: T1 text 'Bob' does not match"),
    ("T1\tPER 4 11\tLee\nBob\n", ":1: T1 PER [4:11] crosses a line break"),
    ("T1\tPER 4 11\n", ":1: T1 PER [4:11] crosses a line break"),
    ("T1\tPER 0 3\tAnn\ngarbage here\n", ":2: 'garbage here' is not ID<TAB>ANNOTATION"),
    ("T1\tPER 0 3\tAnn\n\nT2\tPER 4 7\tLee\nBob\tPER\n", ":4: 'Bob' is not a brat annotation id"),
    ("\nX1\tPER 0 3\tAnn\n", ":2: 'X1' is not a brat annotation id"),
    ("E1\tMove T1\n", ":1: event 'Move T1' has no TYPE:TRIGGER"),
]


@pytest.mark.parametrize("ann_text, expected", BAD_ANN)
def test_brat_malformed_ann_is_a_data_error_naming_file_and_line(tmp_path, ann_text, expected):
    ann = _pair(tmp_path, "bad", "Ann Lee\nBob\n", ann_text)
    with pytest.raises(DataError) as err:
        list(read_brat(ann))
    assert str(err.value).startswith(ann + expected), str(err.value)


def test_brat_non_utf8_txt_names_file_and_line(tmp_path):
    ann = _pair(tmp_path, "latin", "Ann\nZo\xeb\n".encode("latin-1"), "T1\tPER 0 3\tAnn\n")
    txt = ann[:-4] + ".txt"
    with pytest.raises(DataError) as err:
        list(read_brat(ann))
    assert str(err.value).startswith(f"{txt}:2: bytes that are not valid UTF-8")


def test_brat_non_utf8_ann_names_file_and_line(tmp_path):
    ann = _pair(tmp_path, "latin", "Ann Zoe\n", "T1\tPER 0 3\tAnn\n#1\tNote T1\tZo\xeb\n".encode("latin-1"))
    with pytest.raises(DataError) as err:
        list(read_brat(ann))
    assert str(err.value).startswith(f"{ann}:2: bytes that are not valid UTF-8")


def test_brat_missing_partner_of_a_given_file(tmp_path):
    (tmp_path / "only.ann").write_text("T1\tPER 0 3\tAnn\n", encoding="utf-8")
    (tmp_path / "lone.txt").write_text("Ann\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_brat(tmp_path / "only.ann")
    assert str(err.value).startswith(f"{tmp_path / 'only.txt'}: no such file, the partner of {tmp_path / 'only.ann'}")
    with pytest.raises(DataError) as err:
        read_brat(tmp_path / "lone.txt")
    assert str(err.value).startswith(f"{tmp_path / 'lone.ann'}: no such file, the partner of {tmp_path / 'lone.txt'}")


def test_brat_missing_partner_in_a_folder(tmp_path):
    _pair(tmp_path, "ok", "Ann\n", "T1\tPER 0 3\tAnn\n")
    (tmp_path / "z.txt").write_text("Bob\n", encoding="utf-8")
    (tmp_path / "y.ann").write_text("", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_brat(tmp_path)
    assert str(err.value).startswith(f"{tmp_path / 'y.txt'}: no such file, the partner of {tmp_path / 'y.ann'} "
                                     "(2 files lack a partner)")


def test_brat_empty_folder_and_missing_path(tmp_path):
    (tmp_path / "notes.md").write_text("nothing here", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_brat(tmp_path)
    assert str(err.value).startswith(f"{tmp_path}: no .ann files")
    with pytest.raises(DataError) as err:
        read_brat(tmp_path / "nowhere")
    assert str(err.value).startswith(f"{tmp_path / 'nowhere'}: no such file or folder")
    with pytest.raises(DataError) as err:
        read_brat(tmp_path / "notes.md")
    assert "not a BRAT file" in str(err.value)


@pytest.mark.parametrize("option, value", [("tokenizer", "nltk"), ("alignment", "loose"), ("discontinuous", "join")])
def test_brat_unknown_option_is_a_usage_error(tmp_path, option, value):
    ann = _pair(tmp_path, "d", "Ann\n", "")
    with pytest.raises(UsageError) as err:
        read_brat(ann, **{option: value})
    assert f"unknown {option} {value!r}" in str(err.value)


# ------------------------------------------------------------------ writing

def _sentence(tokens, entities):
    return SpanSentence(list(tokens), list(entities), 1)


def test_write_brat_files_and_ids(tmp_path):
    docs = [[_sentence(["Bank", "of", "Oslo"], [(2, 3, "LOC"), (0, 3, "ORG")]), _sentence(["Ann"], [(0, 1, "PER")])],
            []]
    written = write_brat(tmp_path / "out", docs)
    out = tmp_path / "out"
    assert written == [str(out / "doc0001.ann"), str(out / "doc0002.ann")]
    assert (out / "doc0001.txt").read_text(encoding="utf-8") == "Bank of Oslo\nAnn\n"
    assert (out / "doc0001.ann").read_text(encoding="utf-8") == (
        "T1\tORG 0 12\tBank of Oslo\nT2\tLOC 8 12\tOslo\nT3\tPER 13 16\tAnn\n")
    assert (out / "doc0002.txt").read_bytes() == b"" and (out / "doc0002.ann").read_bytes() == b""
    assert sorted(os.listdir(out)) == ["doc0001.ann", "doc0001.txt", "doc0002.ann", "doc0002.txt"]


def test_write_brat_refuses_to_overwrite_unless_told(tmp_path):
    docs = {"news": [_sentence(["Ann"], [(0, 1, "PER")])]}
    write_brat(tmp_path, docs)
    with pytest.raises(UsageError) as err:
        write_brat(tmp_path, {"news": [_sentence(["Bob"], [])]})
    assert f"{tmp_path / 'news.txt'} exists" in str(err.value)
    assert (tmp_path / "news.txt").read_text(encoding="utf-8") == "Ann\n"
    write_brat(tmp_path, {"news": [_sentence(["Bob"], [])]}, overwrite=True)
    assert (tmp_path / "news.txt").read_text(encoding="utf-8") == "Bob\n"
    assert (tmp_path / "news.ann").read_text(encoding="utf-8") == ""


@pytest.mark.parametrize("sentence, expected", [
    (_sentence([], []), "doc0001.txt:1: a sentence without tokens"),
    (_sentence(["New York"], []), "doc0001.txt:1: token 0 'New York' is empty or holds whitespace"),
    (_sentence(["Ann"], [(0, 2, "PER")]), "doc0001.txt:1: entity (0, 2, 'PER') is outside"),
    (_sentence(["Ann"], [(0, 1, "NAME OF PERSON")]), "doc0001.txt:1: entity type 'NAME OF PERSON'"),
])
def test_write_brat_refuses_what_would_not_read_back(tmp_path, sentence, expected):
    with pytest.raises(DataError) as err:
        write_brat(tmp_path, [[sentence]])
    assert expected in str(err.value)
    assert os.listdir(tmp_path) == []


# ------------------------------------------------------------------ round trip

TYPES = st.sampled_from(["PER", "ORG", "LOC", "MISC"])
TOKENS = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), blacklist_characters="\ufeff"),
                 min_size=1, max_size=5).filter(lambda t: not any(c.isspace() for c in t))


@st.composite
def _nested_sentence(draw):
    """A sentence with random entities plus a chain three levels deep and one span under two types."""
    tokens = draw(st.lists(TOKENS, min_size=1, max_size=8))
    n = len(tokens)

    def span(lo: int, hi: int) -> tuple[int, int]:
        start = draw(st.integers(lo, hi - 1))
        return start, draw(st.integers(start + 1, hi))

    entities = []
    for _ in range(draw(st.integers(0, 6))):
        entities.append((*span(0, n), draw(TYPES)))
    outer = span(0, n)
    middle = span(*outer)
    inner = span(*middle)
    entities += [(*outer, "ORG"), (*middle, "ORG"), (*inner, "LOC")]
    twice = span(0, n)
    entities += [(*twice, "PER"), (*twice, "MISC")]
    return SpanSentence(tokens, draw(st.permutations(entities)), 1)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_nested_sentence(), max_size=4), min_size=1, max_size=3))
def test_brat_write_then_read_round_trip(documents):
    with tempfile.TemporaryDirectory() as folder:
        write_brat(folder, documents)
        corpus = read_brat(folder, tokenizer="whitespace")
        got = [(s.document, s.tokens, sorted(s.entities)) for s in corpus]
        assert corpus.documents == len(documents)
    expected = [(d, s.tokens, sorted(s.entities)) for d, doc in enumerate(documents) for s in doc]
    assert got == expected
    assert corpus.warnings == []
