"""Team exports read as several annotators (issue 20): Prodigy ``db-out`` of a
multi-user dataset, Label Studio JSON and JSON-MIN with several annotations a task,
doccano 1.2's all-users export and doccano's per-user files.

The oracle is ``corpora/teams/reference/*.conll``: the same annotation written by
``corpora/teams/make.py`` as one CoNLL file per annotator, ``?`` where an annotator
did not label a text. Each export must give exactly the agreement figures of those
files, read the existing way.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from seqeval_suite.agreement import agree
from seqeval_suite.errors import DataError, UsageError
from seqeval_suite.io.annotations import annotators_in, read_corpus
from seqeval_suite.io.exports import load_label_ids, open_export
from seqeval_suite.io.formats import read_tagged

TEAMS = Path(__file__).resolve().parents[1] / "corpora" / "teams"
NAMES = ["alice", "bob", "carol"]
REFERENCE = [str(TEAMS / "reference" / f"{n}.conll") for n in NAMES]
LABELS = str(TEAMS / "doccano_labels.json")


def _figures(report) -> dict:
    """Everything an agreement report says but its warnings (which name the input)."""
    out = report.to_dict()
    out.pop("warnings")
    return out


def _rows(report) -> list[dict]:
    """Disagreement rows without the line (a CoNLL line is no JSON record's line)."""
    return [{k: v for k, v in row.items() if k != "line"} for row in report.disagreements]


def _reference_without_missing(write) -> list[str]:
    """The reference files with '?' read as O: doccano cannot mark a text not labelled."""
    paths = []
    for name, path in zip(NAMES, REFERENCE):
        text = Path(path).read_text(encoding="utf-8").replace(" ?\n", " O\n")
        paths.append(write(f"no_missing/{name}.conll", text))
    return paths


def _jsonl(write, name: str, rows: list[dict]) -> str:
    return write(name, "".join(json.dumps(r) + "\n" for r in rows))


def _prodigy(text: str, who: str | None, spans=(), **extra) -> dict:
    record = {"text": text, "spans": [{"start": s, "end": e, "label": t} for s, e, t in spans],
              "_view_id": "ner_manual", "answer": "accept"}
    if who is not None:
        record["_annotator_id"] = record["_session_id"] = who
    return record | extra


# ------------------------------------------------------------------ every shape = the reference CoNLL files
@pytest.mark.parametrize("export, labels", [
    ("prodigy.jsonl", None),
    ("labelstudio.json", None),
    ("labelstudio_min.json", None),
])
def test_export_agrees_exactly_as_the_reference_conll_files(export, labels):
    expected = agree(REFERENCE, disagreements=True, gold="alice")
    got = agree(str(TEAMS / export), names=NAMES, labels=labels, disagreements=True, gold="alice")
    assert _figures(got) == _figures(expected)
    assert _rows(got) == _rows(expected)
    assert got.labelled == {"alice": 7, "bob": 6, "carol": 5}  # carol skipped text 4; text 7 is alice's alone


@pytest.mark.parametrize("inputs", [["doccano_v1.jsonl"], ["doccano/alice.jsonl", "doccano/bob.jsonl",
                                                           "doccano/carol.jsonl"]])
def test_doccano_exports_agree_as_the_reference_with_no_span_read_as_no_entity(write, inputs):
    expected = agree(_reference_without_missing(write), disagreements=True)
    got = agree([str(TEAMS / p) for p in inputs], names=NAMES, labels=LABELS, disagreements=True)
    assert _figures(got) == _figures(expected)
    assert _rows(got) == _rows(expected)
    assert got.labelled == {"alice": 7, "bob": 7, "carol": 7}


def test_doccano_v1_notes_that_a_document_without_a_users_span_is_no_entity():
    report = agree(str(TEAMS / "doccano_v1.jsonl"), labels=LABELS)
    assert [w for w in report.warnings if "finding no entity" in w] == [(
        f"{TEAMS / 'doccano_v1.jsonl'}: 3 time(s) a user has no span in a document, read as that user finding no "
        "entity there (doccano 1.2 does not record who finished a document)")]


# ------------------------------------------------------------------ names, sentences, missing
@pytest.mark.parametrize("export, names", [
    ("prodigy.jsonl", ["team_ner-alice", "team_ner-bob", "team_ner-carol"]),
    ("labelstudio.json", ["1", "2", "3"]),
    ("labelstudio_min.json", ["1", "2", "3"]),  # sorted by value, not JSON-MIN's newest-first order
    ("doccano_v1.jsonl", ["1", "2", "3"]),
    ("doccano/alice.jsonl", []),  # today's doccano: one user a file, no user field
    ("reference/alice.conll", []),
])
def test_annotators_in_lists_the_people_an_export_names(export, names):
    assert annotators_in(TEAMS / export) == names


def test_read_corpus_expands_one_export_into_its_annotators_with_missing_sentences():
    corpus = read_corpus(str(TEAMS / "prodigy.jsonl"), keep_tokens=True)
    assert [a.name for a in corpus.annotations] == ["team_ner-alice", "team_ner-bob", "team_ner-carol"]
    assert corpus.sentences == 7
    assert [list(a.labelled) for a in corpus.annotations] == [
        [1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 0], [1, 1, 1, 0, 1, 1, 0]]
    # the tokens of the first sentence, for every annotator, and bob's answers (in another
    # order in the file) lined up with alice's by _input_hash
    first_sentence = Path(REFERENCE[0]).read_text(encoding="utf-8").split("\n\n")[0].splitlines()
    assert corpus.tokens[:10] == [row.split(" ")[0] for row in first_sentence]
    reference = read_corpus(REFERENCE)
    for k in range(3):
        labelled = [s for s in range(7) if corpus.annotations[k].labelled[s]]
        mine, theirs = corpus.tags_of(k), reference.tags_of(k)
        for s in labelled:
            a, b = corpus.offsets[s], corpus.offsets[s + 1]
            assert mine[a:b] == theirs[a:b]
    # a record's line is where its tokens point: bob's answer to text 1 is not on line 1
    bob = corpus.annotations[1]
    assert bob.source == str(TEAMS / "prodigy.jsonl")
    assert bob.lines[0] != 1


def test_read_corpus_names_rename_the_annotators_in_annotators_in_order():
    corpus = read_corpus(str(TEAMS / "labelstudio.json"), names="ann,bo,cy")
    assert [a.name for a in corpus.annotations] == ["ann", "bo", "cy"]
    with pytest.raises(DataError, match="2 names for 3 annotators"):
        read_corpus(str(TEAMS / "labelstudio.json"), names="ann,bo")


def test_not_labelled_holds_whatever_missing_cells_are_named():
    report = agree(str(TEAMS / "labelstudio.json"), missing="X")
    assert report.labelled == {"1": 7, "2": 6, "3": 5}


# ------------------------------------------------------------------ counts of what was skipped
def test_labelstudio_cancelled_annotations_and_predictions_are_counted():
    report = agree(str(TEAMS / "labelstudio.json"))
    path = TEAMS / "labelstudio.json"
    assert f"{path}: 1 cancelled annotation(s) skipped (not labelled by their annotator)" in report.warnings
    assert f"{path}: 1 prediction(s) ignored (a model's suggestions, not an annotator's)" in report.warnings


def test_prodigy_ignored_answers_are_counted():
    report = agree(str(TEAMS / "prodigy.jsonl"))
    assert report.warnings == [
        f"{TEAMS / 'prodigy.jsonl'}: 1 record(s) answered reject/ignore skipped (not labelled by their annotator)"]


# ------------------------------------------------------------------ Prodigy rules
def test_prodigy_binary_answers_are_refused_naming_file_and_line(write):
    path = _jsonl(write, "teach.jsonl", [
        _prodigy("Ann left", "ner-ann", [(0, 3, "PER")]),
        _prodigy("Bob came", "ner-bob", [(0, 3, "PER")], _view_id="ner", answer="reject"),
    ])
    with pytest.raises(DataError, match=r"teach\.jsonl:2: a binary Prodigy answer \(_view_id 'ner'") as info:
        read_corpus(path)
    assert "ner.manual" in info.value.hint


def test_prodigy_binary_answers_are_refused_by_the_one_annotator_reader_too(write):
    path = _jsonl(write, "teach.jsonl", [{"text": "Ann left", "spans": [{"start": 0, "end": 3, "label": "PER"}],
                                          "_view_id": "ner", "answer": "accept"}])
    with pytest.raises(DataError, match=r"teach\.jsonl:1: a binary Prodigy answer"):
        list(read_tagged(path))


def test_prodigy_names_by_session_id_without_annotator_id_and_groups_by_text_without_hashes(write):
    rows = [{"text": "Ann met Bob", "spans": [{"start": 0, "end": 3, "label": "PER"}], "_session_id": "s1"},
            {"text": "Nothing here", "spans": [], "_session_id": "s1"},
            {"text": "Nothing here", "spans": [], "_session_id": "s2"},
            {"text": "Ann met Bob", "spans": [{"start": 8, "end": 11, "label": "PER"}], "_session_id": "s2"}]
    corpus = read_corpus(_jsonl(write, "sessions.jsonl", rows))
    assert [a.name for a in corpus.annotations] == ["s1", "s2"]
    assert corpus.sentences == 2
    assert corpus.tags_of(0)[:3] == ["B-PER", "O", "O"] and corpus.tags_of(1)[:3] == ["O", "O", "B-PER"]


def test_prodigy_groups_by_input_hash_before_task_hash(write):
    rows = [_prodigy("Ann left", "a", [(0, 3, "PER")], _input_hash=7, _task_hash=1),
            _prodigy("Ann left", "b", [(0, 3, "ORG")], _input_hash=7, _task_hash=2)]
    corpus = read_corpus(_jsonl(write, "hashes.jsonl", rows))
    assert corpus.sentences == 1 and [corpus.tags_of(k)[0] for k in range(2)] == ["B-PER", "B-ORG"]


def test_prodigy_repeated_answer_keeps_the_last_and_says_so(write):
    rows = [_prodigy("Ann left", "a", [(0, 3, "PER")]), _prodigy("Ann left", "b", [(0, 3, "PER")]),
            _prodigy("Ann left", "b", [(0, 3, "ORG")])]
    corpus = read_corpus(_jsonl(write, "again.jsonl", rows))
    assert corpus.tags_of(1)[0] == "B-ORG"
    assert any("1 answer(s) repeat" in w and "again.jsonl:3" in w for w in corpus.warnings)


def test_prodigy_same_input_hash_with_another_text_is_refused(write):
    rows = [_prodigy("Ann left", "a", _input_hash=7), _prodigy("Bob left", "b", _input_hash=7)]
    with pytest.raises(DataError, match=r"edited\.jsonl:2: the text differs from that of .*edited\.jsonl:1"):
        read_corpus(_jsonl(write, "edited.jsonl", rows))


def test_team_export_spans_off_token_boundaries_follow_alignment(write):
    rows = [_prodigy("Annette left", "a", [(0, 3, "PER")]), _prodigy("Annette left", "b", [(0, 7, "PER")])]
    path = _jsonl(write, "off.jsonl", rows)
    message = r"off\.jsonl: 1 span not on token boundaries, e\.g\. \S*off\.jsonl:1: .Ann. \[0:3\] PER"
    with pytest.raises(DataError, match=message):
        read_corpus(path)
    corpus = read_corpus(path, alignment="expand")
    assert corpus.tags_of(0) == corpus.tags_of(1) == ["B-PER", "O"]
    assert any("expanded to tokens" in w for w in corpus.warnings)


def test_prodigy_record_without_annotator_in_a_team_export_is_refused(write):
    path = _jsonl(write, "mixed.jsonl", [_prodigy("Ann left", "a"), _prodigy("Ann left", None)])
    with pytest.raises(DataError, match=r"mixed\.jsonl:2: the record has no _annotator_id or _session_id"):
        read_corpus(path)


def test_one_annotator_export_alone_is_refused_naming_the_annotator(write):
    path = _jsonl(write, "solo.jsonl", [_prodigy("Ann left", "ner-ann"), _prodigy("Bob came", "ner-ann")])
    with pytest.raises(DataError, match=r"solo\.jsonl holds the answers of 1 \(ner-ann\)"):
        read_corpus(path)
    assert annotators_in(path) == ["ner-ann"]


def test_export_of_several_annotators_among_several_files_is_refused():
    with pytest.raises(DataError, match=r"holding 3 annotator\(s\) .* each of several files is read as one annotator"):
        read_corpus([str(TEAMS / "labelstudio.json"), REFERENCE[0]])


def test_one_annotator_exports_among_several_files_are_read_by_position(write):
    a = _jsonl(write, "a.jsonl", [_prodigy("Ann left", "ner-a", [(0, 3, "PER")])])
    b = _jsonl(write, "b.jsonl", [_prodigy("Ann left", "ner-b", [(0, 3, "ORG")])])
    report = agree([a, b])
    assert report.annotators == ["a", "b"] and report.pair("a", "b").f1 == 0.0


# ------------------------------------------------------------------ Label Studio rules
def _task(task_id: int, text: str, *annotations) -> dict:
    return {"id": task_id, "data": {"text": text}, "annotations": [
        {"completed_by": who, "was_cancelled": cancelled,
         "result": [{"value": {"start": s, "end": e, "labels": [t]}} for s, e, t in spans]}
        for who, spans, cancelled in annotations]}


def test_labelstudio_names_by_email_when_completed_by_is_an_object(write):
    tasks = [_task(1, "Ann left", ({"id": 4, "email": "ann@example.org"}, [(0, 3, "PER")], False),
                   (9, [(0, 3, "ORG")], False), ({"id": 5}, [], True))]
    path = write("ls.json", json.dumps(tasks))
    assert annotators_in(path) == ["9", "ann@example.org"]
    report = agree(path)
    assert report.pair("9", "ann@example.org").f1 == 0.0
    assert any("1 cancelled annotation(s)" in w for w in report.warnings)


def test_labelstudio_annotation_without_completed_by_among_named_ones_is_refused(write):
    tasks = [_task(1, "Ann left", (1, [], False)), _task(2, "Bob came", (1, [], False), (None, [], False))]
    with pytest.raises(DataError, match=r"ls\.json: task 2, annotation 2: the annotation has no completed_by"):
        read_corpus(write("ls.json", json.dumps(tasks)))


def test_labelstudio_export_without_completed_by_is_one_annotator():
    assert annotators_in(Path(__file__).resolve().parents[1] / "corpora" / "formats" / "labelstudio.json") == []


def test_labelstudio_json_min_record_in_the_one_annotator_reader_says_what_to_do(write):
    path = write("min.json", json.dumps([{"text": "Ann", "id": 1, "label": [], "annotator": 1, "annotation_id": 3}]))
    with pytest.raises(DataError, match="JSON-MIN") as info:
        list(read_tagged(path))
    assert "seqeval-suite agree" in info.value.hint


# ------------------------------------------------------------------ doccano label ids
def _doccano(write, labels=(4, 5)) -> str:
    return _jsonl(write, "v1.jsonl", [
        {"id": 1, "text": "Ann left Oslo", "annotations": [
            {"label": labels[0], "start_offset": 0, "end_offset": 3, "user": 1},
            {"label": labels[1], "start_offset": 9, "end_offset": 13, "user": 1},
            {"label": labels[0], "start_offset": 0, "end_offset": 3, "user": 2}]},
        {"id": 2, "text": "Nothing", "annotations": []}])


def test_doccano_v1_without_labels_is_refused_naming_the_record(write):
    with pytest.raises(DataError, match=r"v1\.jsonl:1 \(user 1\): label 4 is an integer id") as info:
        read_corpus(_doccano(write))
    assert "--labels" in info.value.hint


def test_doccano_v1_unknown_label_id_is_refused_naming_the_record(write):
    path = _doccano(write, labels=(4, 9))
    with pytest.raises(DataError, match=r"v1\.jsonl:1 \(user 1\): label id 9 is not among the 2 labels"):
        read_corpus(path, labels=write("labels.json", json.dumps([{"id": 4, "text": "PER"}, {"id": 5, "text": "LOC"}])))


@pytest.mark.parametrize("make_labels", [
    lambda write: "A,B,C,PER,LOC",  # names for ids 1, 2, ...: PER is id 4
    lambda write: write("labels.txt", "A\nB\nC\nPER\nLOC\n"),
    lambda write: write("labels.json", json.dumps([{"id": 5, "text": "LOC"}, {"id": 4, "text": "PER"}])),
    lambda write: write("ids.json", json.dumps({"4": "PER", "5": "LOC"})),
    lambda write: {4: "PER", 5: "LOC"},
    lambda write: [{"id": 4, "text": "PER"}, {"id": 5, "text": "LOC"}],
], ids=["names", "names-file", "doccano-label-export", "json-object", "mapping", "label-list"])
def test_doccano_v1_label_sources(write, make_labels):
    corpus = read_corpus(_doccano(write), labels=make_labels(write))
    assert [a.name for a in corpus.annotations] == ["1", "2"]
    assert corpus.tags_of(0)[:3] == ["B-PER", "O", "B-LOC"] and corpus.tags_of(1)[:3] == ["B-PER", "O", "O"]


def test_load_label_ids_refuses_what_is_no_label_list(write):
    with pytest.raises(UsageError, match="label id 4 is given twice"):
        load_label_ids([{"id": 4, "text": "PER"}, {"id": 4, "text": "ORG"}])
    with pytest.raises(UsageError, match="not a doccano label"):
        load_label_ids(write("bad.json", json.dumps([{"id": "x", "text": "PER"}])))
    with pytest.raises(UsageError, match="no such file"):
        load_label_ids("missing/labels.json")


def test_doccano_record_of_several_users_is_refused_by_the_one_annotator_reader(write):
    with pytest.raises(DataError, match=r"v1\.jsonl:1: the record holds the spans of 2 doccano users \(1, 2\)"):
        list(read_tagged(_doccano(write), labels="A,B,C,PER,LOC"))


def test_doccano_v1_per_user_file_reads_integer_labels_in_the_one_annotator_reader(write):
    path = _jsonl(write, "alice.jsonl", [{"id": 1, "text": "Ann left", "annotations": [
        {"label": 4, "start_offset": 0, "end_offset": 3, "user": 1}]}])
    assert [s.tags for s in read_tagged(path, labels=LABELS)] == [["B-PER", "O"]]
    with pytest.raises(DataError, match="no label names were given"):
        list(read_tagged(path))


def test_doccano_entities_shape_per_user_files_read_by_position(write):
    a = _jsonl(write, "u/a.jsonl", [{"id": 1, "text": "Ann left", "entities": [
        {"id": 1, "label": "PER", "start_offset": 0, "end_offset": 3}], "relations": []}])
    b = _jsonl(write, "u/b.jsonl", [{"id": 1, "text": "Ann left", "entities": [], "relations": []}])
    assert agree([a, b]).pair("a", "b").f1 == 0.0


# ------------------------------------------------------------------ the API's scan and the CLI
def test_open_export_scans_without_tokenizing():
    export = open_export(TEAMS / "labelstudio.json")
    assert export.shape == "labelstudio" and export.shared
    assert len(export.answers) == 7 + 6 + 5  # alice, bob, carol: the cancelled annotation left out
    assert open_export(TEAMS / "reference" / "alice.conll") is None


def test_cli_agree_reads_a_team_export(cli):
    result = cli("agree", TEAMS / "prodigy.jsonl", "--names", "alice,bob,carol", "--gold", "alice")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("3 annotators (alice, bob, carol) on 7 sentences")
    assert "1 record(s) answered reject/ignore skipped" in result.stderr


def test_cli_agree_refuses_a_binary_export_in_one_line(cli, write):
    path = _jsonl(write, "teach.jsonl", [_prodigy("Ann left", "a", _view_id="ner"), _prodigy("Ann left", "b")])
    result = cli("agree", path)
    assert result.exit_code == 1 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "teach.jsonl:1: a binary Prodigy answer" in result.stderr
