"""Issue 16 ("no silent wrong number"), cases 8 and 9, across every reader path: each
case is an error or an explicit, counted choice, with its neighbours (other record
shapes, other formats, ``evaluate`` flat and ``--nested``, ``validate``, ``agree``)."""
from __future__ import annotations

import json
import random

import pytest

from seqeval_suite import evaluate as evaluate_flat
from seqeval_suite.agreement import agree
from seqeval_suite.errors import DataError
from seqeval_suite.nested import evaluate_nested

spacy = pytest.importorskip("spacy")
from spacy.scorer import get_ner_prf  # noqa: E402
from spacy.tokens import Doc, DocBin, Span  # noqa: E402
from spacy.training import Example  # noqa: E402

TEXT = "Ann met Bob"


def jsonl(*records) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def tasks(*results_per_annotation, extra=None) -> str:
    """A Label Studio export of one task with these annotations' results."""
    annotations = [{"result": results, **(extra or {})} for results in results_per_annotation]
    return json.dumps([{"id": 1, "data": {"text": TEXT}, "annotations": annotations}])


def region(start=0, end=3, labels=("PER",), **value):
    return {"type": "labels", "value": {"start": start, "end": end, "labels": list(labels), **value}}


GOOD_LS = tasks([region(0, 3), region(8, 11)])


def evaluate(gold, pred, *, nested: bool = False, **options):
    """``evaluate``, or with ``nested`` the span scorer ``evaluate --nested`` runs."""
    return (evaluate_nested if nested else evaluate_flat)(gold, pred, **options)


def error_line(result) -> str:
    """The one stderr line of a failed run, checked to be an error and no traceback."""
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.stdout == ""
    return result.stderr


# 8a. JSON Lines: tokens that are not strings, in every record shape -----------------
TOKEN_SHAPES = [
    ("tags", {"tokens": ["Ann", 1, None], "tags": ["B-PER", "O", "O"]}, ()),
    ("ner_tags", {"tokens": ["Ann", 1, None], "ner_tags": [1, 0, 0]}, ("--labels", "O,B-PER")),
    ("with a document id", {"tokens": ["Ann", 1, None], "tags": ["B-PER", "O", "O"], "doc_id": "d1"}, ()),
]


@pytest.mark.parametrize("name, record, options", TOKEN_SHAPES, ids=[s[0] for s in TOKEN_SHAPES])
@pytest.mark.parametrize("command", ["evaluate", "evaluate --nested", "validate", "agree"])
def test_jsonl_non_string_token_is_an_error_naming_line_and_token(write, cli, name, record, options, command):
    path = write("t.jsonl", jsonl(record))
    args = command.split() + [path] + ([] if command == "validate" else [path]) + list(options)
    args += ["--names", "a,b"] if command == "agree" else []
    assert "t.jsonl:1: tokens[1] is 1, not a string" in error_line(cli(*args))


@pytest.mark.parametrize("record", [{"tokens": ["Ann", None], "entities": [[0, 1, "PER"]]},
                                    {"tokens": ["Ann", None], "layers": [["B-PER", "O"]]}])
def test_jsonl_null_token_in_the_nested_forms_is_an_error(write, cli, record):
    path = write("n.jsonl", jsonl(record))
    assert "n.jsonl:1: tokens[1] is null, not a string" in error_line(cli("evaluate", path, path, "--nested"))


def test_prodigy_token_text_that_is_not_a_string_is_an_error(write, cli):
    record = {"text": "Ann 1", "tokens": [{"text": "Ann", "ws": True}, {"text": 1, "ws": False}],
              "spans": [{"start": 0, "end": 3, "label": "PER"}]}
    path = write("p.jsonl", jsonl(record))
    for args in (("evaluate", path, path), ("evaluate", path, path, "--nested"), ("validate", path)):
        assert "p.jsonl:1: tokens[1].text is 1, not a string" in error_line(cli(*args))


def test_prodigy_team_export_token_text_that_is_not_a_string_is_an_error(write, cli):
    tokens = [{"text": "Ann", "ws": True}, {"text": None, "ws": False}]
    rows = [{"text": "Ann x", "tokens": tokens, "spans": [], "_annotator_id": who} for who in ("a", "b")]
    assert "team.jsonl:1: tokens[1].text is null, not a string" in \
        error_line(cli("agree", write("team.jsonl", jsonl(*rows))))


def test_convert_refuses_non_string_tokens_too(write, cli, tmp_path):
    path = write("t.jsonl", jsonl({"tokens": ["Ann", 7], "tags": ["B-PER", "O"]}))
    assert "t.jsonl:1: tokens[1] is 7, not a string" in error_line(cli("convert", path, str(tmp_path / "o.conll")))


def test_jsonl_tokens_written_as_strings_still_read(write):
    path = write("s.jsonl", jsonl({"tokens": ["Ann", "1", "None"], "tags": ["B-PER", "O", "O"]}))
    assert evaluate(path, path).tokens == 3


# 8b. Label Studio: regions without offsets, with no label, with several labels -------
@pytest.mark.parametrize("command", ["evaluate", "evaluate --nested", "validate", "agree"])
def test_labelstudio_region_without_offsets_is_an_error(write, cli, command):
    path = write("x.json", tasks([region(0, 3), {"type": "labels", "value": {"labels": ["PER"]}}]))
    good = write("good.json", GOOD_LS)
    args = command.split() + [path] + ([] if command == "validate" else [good])
    assert "x.json: task 1, region 2: a labelled region (PER) without start and end character offsets" \
        in error_line(cli(*args))


@pytest.mark.parametrize("nested", [False, True])
def test_labelstudio_region_with_no_label_is_left_out_and_counted(write, nested):
    path = write("x.json", tasks([region(0, 3), region(8, 11, labels=())]))
    report = evaluate(path, write("good.json", GOOD_LS), nested=nested)
    assert report.to_dict()["micro"]["fp"] == 1  # 'Bob' is no gold entity
    assert any(w == f"{path}: 1 region(s) with an empty label list left out (no entity type), "
               f"e.g. {path}: task 1, region 2 [8:11]" for w in report.warnings), report.warnings


def test_labelstudio_region_with_no_label_is_a_validate_problem(write, cli):
    result = cli("validate", write("x.json", tasks([region(8, 11, labels=())])))
    assert result.exit_code == 1 and "1 region(s) with an empty label list left out" in result.stdout


def test_labelstudio_region_with_two_labels_is_a_flat_error_suggesting_nested(write, cli):
    path = write("x.json", tasks([region(0, 3, labels=("PER", "ORG"))]))
    good = write("good.json", GOOD_LS)
    message = ("x.json: task 1, region 1: 'Ann' [0:3] has 2 labels (PER, ORG), but a flat tag holds one type "
               "(hint: score the file with --nested")
    for args in (("evaluate", path, good), ("validate", path), ("agree", path, good)):
        assert message in error_line(cli(*args))
    # --nested reads it as one entity per label, as documented
    assert evaluate(path, good, nested=True).to_dict()["per_type"]["ORG"]["fn"] == 1


def test_labelstudio_team_export_region_with_two_labels_is_an_error(write, cli):
    export = json.dumps([{"id": 1, "data": {"text": TEXT}, "annotations": [
        {"completed_by": 1, "result": [region(0, 3, labels=("PER", "ORG"))]},
        {"completed_by": 2, "result": [region(0, 3), region(8, 11, labels=())]}]}])
    assert "task 1 (annotation 1, by 1), region 1: 'Ann' [0:3] has 2 labels (PER, ORG)" \
        in error_line(cli("agree", write("team.json", export)))


def test_labelstudio_team_export_region_with_no_label_is_counted(write):
    from seqeval_suite.io.annotations import read_corpus

    export = json.dumps([{"id": 1, "data": {"text": TEXT}, "annotations": [
        {"completed_by": 1, "result": [region(0, 3)]},
        {"completed_by": 2, "result": [region(0, 3), region(8, 11, labels=())]}]}])
    corpus = read_corpus(write("team.json", export))
    assert corpus.tags_of(1) == ["B-PER", "O", "O"]
    assert any("1 region(s) with an empty label list left out" in w for w in corpus.warnings)


def test_labelstudio_json_min_regions_follow_the_same_rules(write, cli):
    def record(annotator, regions):
        return {"id": 1, "text": TEXT, "annotator": annotator, "annotation_id": annotator, "label": regions}

    two = json.dumps([record("a", [{"start": 0, "end": 3, "labels": ["PER", "ORG"]}]),
                      record("b", [{"start": 0, "end": 3, "labels": ["PER"]}])])
    assert "label[0]: 'Ann' [0:3] has 2 labels (PER, ORG)" in error_line(cli("agree", write("min2.json", two)))
    no_offsets = json.dumps([record("a", [{"labels": ["PER"]}]), record("b", [])])
    assert "label[0]: a labelled region (PER) without start and end" in \
        error_line(cli("agree", write("min0.json", no_offsets)))


# 8c. Label Studio: a task with several annotations read as one annotator --------------
@pytest.mark.parametrize("command", ["evaluate", "evaluate --nested", "validate"])
def test_labelstudio_task_with_several_annotations_is_an_error(write, cli, command):
    path = write("x.json", tasks([region(0, 3)], [region(8, 11)]))
    good = write("good.json", GOOD_LS)
    args = command.split() + [path] + ([] if command == "validate" else [good])
    assert ("x.json: task 1: 2 annotations that were not cancelled, but a file read here is one annotator "
            "(hint: export one annotation per task") in error_line(cli(*args))


def test_labelstudio_several_named_annotations_point_to_agree(write, cli):
    path = write("x.json", tasks([region(0, 3)], [region(8, 11)], extra={"completed_by": 3}))
    assert "give this file alone to `seqeval-suite agree`" in error_line(cli("evaluate", path, path))


def test_labelstudio_cancelled_annotations_do_not_count(write):
    path = write("x.json", tasks([region(0, 3)], [region(8, 11)]))
    data = json.loads(open(path).read())
    data[0]["annotations"][1]["was_cancelled"] = True
    path = write("y.json", json.dumps(data))
    assert evaluate(path, write("good.json", GOOD_LS)).to_dict()["micro"]["tp"] == 1


# 8d. doccano 1.2 integer label ids, flat and nested -----------------------------------
DOCCANO_12 = {"id": 1, "text": TEXT, "annotations": [
    {"label": 4, "start_offset": 0, "end_offset": 3, "user": 1}]}


@pytest.mark.parametrize("command", ["evaluate", "evaluate --nested", "validate"])
def test_doccano_integer_label_ids_without_names_are_an_error(write, cli, command):
    path = write("d.jsonl", jsonl(DOCCANO_12))
    args = command.split() + [path] + ([] if command == "validate" else [path])
    assert "d.jsonl:1: label 4 is an integer id (doccano 1.2 and earlier" in error_line(cli(*args))


@pytest.mark.parametrize("nested", [False, True])
def test_doccano_integer_label_ids_are_named_by_labels(write, nested):
    path = write("d.jsonl", jsonl(DOCCANO_12))
    gold = write("g.jsonl", jsonl({"tokens": ["Ann", "met", "Bob"], "tags": ["B-PER", "O", "O"]}))
    report = evaluate(gold, path, labels=[{"id": 4, "text": "PER"}], nested=nested)
    assert report.to_dict()["micro"]["tp"] == 1


def test_doccano_record_of_several_users_is_refused_by_the_nested_reader_too(write, cli):
    record = {"text": TEXT, "annotations": [{"label": "PER", "start_offset": 0, "end_offset": 3, "user": 1},
                                            {"label": "PER", "start_offset": 8, "end_offset": 11, "user": 2}]}
    path = write("d.jsonl", jsonl(record))
    for args in (("evaluate", path, path), ("evaluate", path, path, "--nested")):
        assert "d.jsonl:1: the record holds the spans of 2 doccano users (1, 2)" in error_line(cli(*args))


# 9. spaCy DocBin: tokens with no NER annotation, as spaCy's scorer reads them ----------
WORDS = "Ann met Bob in New York on Monday".split()


def docbin(path, docs) -> str:
    DocBin(docs=docs).to_disk(path)
    return str(path)


def random_pair(rng: random.Random, vocab):
    """A gold Doc with some tokens of missing NER annotation and a prediction over the same words."""
    n = rng.randint(1, 12)
    words = [rng.choice(WORDS) for _ in range(n)]
    gold, pred = Doc(vocab, words=words), Doc(vocab, words=words)
    for doc in (gold, pred):
        spans, k = [], 0
        while k < n:
            length = rng.randint(1, 3)
            if k + length <= n and rng.random() < 0.4:
                spans.append(Span(doc, k, k + length, rng.choice(["PER", "LOC"])))
                k += length
            else:
                k += 1
        # set_ents(default="missing") leaves every token outside the spans unannotated;
        # some of them are then made O, so that missing and O tokens mix.
        if doc is gold and rng.random() < 0.8:
            outside = [i for i in range(n) if not any(s.start <= i < s.end for s in spans)]
            o_tokens = [Span(doc, i, i + 1, "") for i in outside if rng.random() < 0.5]
            doc.set_ents(spans, outside=o_tokens, default="missing")
        elif doc is gold and rng.random() < 0.5:
            pass  # entities never set: the whole Doc has no NER annotation
        else:
            doc.ents = spans
    return gold, pred


@pytest.mark.parametrize("seed", range(8))
def test_docbin_missing_annotation_is_scored_as_spacys_get_ner_prf(tmp_path, seed):
    """Differential test: spaCy's own NER scorer on the Docs against evaluate on the DocBins."""
    rng = random.Random(seed)
    vocab = spacy.blank("en").vocab
    pairs = [random_pair(rng, vocab) for _ in range(30)]
    gold = docbin(tmp_path / "g.spacy", [g for g, _ in pairs])
    pred = docbin(tmp_path / "p.spacy", [p for _, p in pairs])
    spacy_scores = get_ner_prf([Example(p, g) for g, p in pairs])
    report = evaluate(gold, pred).to_dict()
    ours = {t: c for t, c in report["per_type"].items() if c["tp"] or c["fp"] or c["fn"]}
    theirs = {t: s for t, s in (spacy_scores["ents_per_type"] or {}).items()}
    for label, counts in ours.items():
        assert counts["precision"] == pytest.approx(theirs[label]["p"])
        assert counts["recall"] == pytest.approx(theirs[label]["r"])
        assert counts["f1"] == pytest.approx(theirs[label]["f"])
    # every type spaCy scores with a non-zero count is one of ours
    assert {t for t, s in theirs.items() if s["p"] or s["r"]} <= set(ours)
    if spacy_scores["ents_f"] is not None:
        assert report["micro"]["f1"] == pytest.approx(spacy_scores["ents_f"])


def test_docbin_missing_annotation_warning_counts_tokens_and_left_out_predictions(tmp_path, cli):
    vocab = spacy.blank("en").vocab
    gold, pred = Doc(vocab, words=WORDS), Doc(vocab, words=WORDS)
    gold.set_ents([Span(gold, 0, 1, "PER"), Span(gold, 4, 6, "LOC")], default="missing")
    pred.ents = [Span(pred, 0, 1, "PER"), Span(pred, 2, 3, "PER"), Span(pred, 4, 6, "LOC")]
    g, p = docbin(tmp_path / "g.spacy", [gold]), docbin(tmp_path / "p.spacy", [pred])
    result = cli("evaluate", g, p, "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["micro"]["fp"] == 0  # 'Bob' lies on unannotated tokens
    assert ("g.spacy: 5 token(s) in 1 doc(s) have no NER annotation (spaCy's missing value, as "
            "set_ents(default='missing') leaves them); as spaCy's scorer does, 1 predicted entity touching "
            "them left out (neither right nor wrong)") in result.stderr
    # as the prediction, the same file's unannotated tokens read as O, and say so
    assert "read as O" in cli("evaluate", p, g).stderr
    validate = cli("validate", g)
    assert validate.exit_code == 1 and "5 token(s) in 1 doc(s) have no NER annotation" in validate.stdout
    nested = cli("evaluate", g, p, "--nested")
    assert "5 token(s) in 1 doc(s) have no NER annotation (spaCy's missing value), read as no entity" \
        in nested.stderr


def test_docbin_missing_annotation_in_agree_is_not_labelled(tmp_path):
    vocab = spacy.blank("en").vocab
    one, two = Doc(vocab, words=WORDS), Doc(vocab, words=WORDS)
    one.set_ents([Span(one, 0, 1, "PER")], default="missing")
    two.ents = [Span(two, 0, 1, "PER")]
    report = agree([docbin(tmp_path / "a.spacy", [one]), docbin(tmp_path / "b.spacy", [two])])
    assert any("read as missing cells ('?')" in w for w in report.warnings)
    assert any("partly marked missing" in w for w in report.warnings)


def test_docbin_entity_crossing_a_sentence_boundary_is_split_with_a_warning(tmp_path, cli):
    vocab = spacy.blank("en").vocab
    doc = Doc(vocab, words=["Ann", "met", "New", "York", "today"], sent_starts=[1, 0, 0, 1, 0])
    doc.ents = [Span(doc, 2, 4, "LOC")]
    path = docbin(tmp_path / "s.spacy", [doc])
    report = evaluate(path, path)
    assert report.sentences == 2
    assert ("s.spacy: 1 entity crosses a sentence boundary (doc.sents) and was split in two there, "
            "e.g. doc 1: 'New York' (LOC, tokens 2-4)") in " ".join(report.warnings)
    assert "1 entity crosses a sentence boundary" in cli("validate", path).stdout
    # the span reader refuses it, as it did
    with pytest.raises(DataError, match=r"crosses a sentence boundary"):
        evaluate(path, path, nested=True)
