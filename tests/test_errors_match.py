"""``evaluate --match``: partial-match schemas through the evaluator, against nervaluate."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqeval_suite.errors import UsageError
from seqeval_suite.evaluate import evaluate
from seqeval_suite.partial import NERVALUATE_NAMES, SCHEMAS

from conftest import conll

nervaluate = pytest.importorskip("nervaluate")

TAGS = ["O", "B-A", "I-A", "B-B", "I-B", "B-C", "I-C"]
sentences = st.lists(st.lists(st.sampled_from(TAGS), min_size=1, max_size=8), min_size=1, max_size=5)


def _oracle(gold, pred):
    """nervaluate on IOB2 tag lists (its list loader decodes B-/I- runs itself)."""
    return nervaluate.Evaluator(gold, pred, tags=["A", "B", "C"], loader="list").evaluate()


def _figures_equal(ours: dict, theirs) -> None:
    if "cor" in ours:
        assert (ours["cor"], ours["inc"], ours["par"], ours["mis"], ours["spu"]) == (
            theirs.correct, theirs.incorrect, theirs.partial, theirs.missed, theirs.spurious)
    else:  # --match strict is the core report: exact TP/FP/FN, the same ratios
        assert (ours["tp"], ours["predicted"], ours["support"]) == (theirs.correct, theirs.actual, theirs.possible)
    for key in ("precision", "recall", "f1"):
        assert ours[key] == pytest.approx(getattr(theirs, key), abs=1e-12)


def _well_formed(tags):
    """IOB2 without I- after O or another type: there lenient decoding and nervaluate's agree."""
    prev = "O"
    for tag in tags:
        if tag.startswith("I-") and prev[2:] != tag[2:]:
            return False
        prev = tag
    return True


@settings(max_examples=120, deadline=None)
@given(gold=sentences, data=st.data())
@pytest.mark.parametrize("schema", SCHEMAS)
def test_evaluate_match_equals_nervaluate(schema, gold, data):
    gold = [s for s in gold if _well_formed(s)] or [["O"]]
    pred = [data.draw(st.lists(st.sampled_from(TAGS), min_size=len(s), max_size=len(s)).filter(_well_formed))
            for s in gold]
    report = evaluate(gold, pred, match=schema).to_dict()
    theirs = _oracle(gold, pred)
    name = NERVALUATE_NAMES[schema]
    _figures_equal(report["micro"], theirs["overall"][name])
    for type_, figures in report["per_type"].items():
        _figures_equal(figures, theirs["entities"][type_][name])


def test_match_strict_default_keeps_exact_counts():
    gold, pred = [["B-A", "I-A", "O"]], [["B-A", "O", "O"]]
    assert evaluate(gold, pred).to_dict()["micro"]["tp"] == 0
    partial = evaluate(gold, pred, match="partial")
    assert partial.micro.f1 == 0.5
    d = partial.to_dict()
    assert d["match"] == "partial" and "match:partial" in d["signature"]
    assert d["exact_match"]["micro"]["f1"] == 0.0
    assert d["partial_match"]["exact"]["micro"]["inc"] == 1


def test_match_strict_schema_equals_exact_matching_scores():
    gold = [["B-A", "I-A", "O", "B-B"], ["B-C", "O"]]
    pred = [["B-A", "I-A", "O", "B-C"], ["B-C", "B-C"]]
    plain = evaluate(gold, pred)
    strict = evaluate(gold, pred, match="strict")
    assert (plain.micro.precision, plain.micro.recall) == (strict.micro.precision, strict.micro.recall)


def test_match_cells_reproduce_micro_f1():
    gold = [["B-A", "I-A", "O"], ["B-B", "I-B", "I-B"]]
    pred = [["B-A", "O", "O"], ["O", "B-B", "I-B"]]
    report = evaluate(gold, pred, match="partial")
    cells = report.match_cells
    tp, fp, fn = sum(cells.tp), sum(cells.fp), sum(cells.fn)
    assert 2 * tp / (2 * tp + fp + fn) == pytest.approx(report.micro.f1)


def test_match_unknown_or_with_conlleval_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown match"):
        evaluate([["O"]], [["O"]], match="fuzzy")
    with pytest.raises(UsageError, match="conlleval mode"):
        evaluate([["O"]], [["O"]], match="partial", mode="conlleval")


def test_cli_match_formats(write, cli):
    gold = write("g.conll", conll([[("a", "B-A"), ("b", "I-A"), ("c", "O")]]))
    pred = write("p.conll", conll([[("a", "B-A"), ("b", "O"), ("c", "O")]]))
    result = cli("evaluate", gold, pred, "--match", "partial", "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.output)["micro"]["par"] == 1
    table = cli("evaluate", gold, pred, "--match", "type")
    assert "cor" in table.output and "match type" in table.output
    csv = cli("evaluate", gold, pred, "--match", "exact", "-f", "csv")
    assert csv.output.splitlines()[0].startswith("type,precision,recall,f1,cor,inc,par")
    bad = cli("evaluate", gold, pred, "--match", "partial", "-f", "conlleval")
    assert bad.exit_code == 2 and "conlleval" in bad.output


# ------------------------------------------------------------------ --format-in
def _jsonl(rows) -> str:
    return "".join(json.dumps({"tokens": t, "ner_tags": g}) + "\n" for t, g in rows)


def test_format_in_jsonl_equals_conll(write, cli):
    g_rows = [(["Ann", "met", "Bob"], ["B-PER", "O", "B-PER"]), (["in", "Oslo"], ["O", "B-LOC"])]
    p_rows = [(["Ann", "met", "Bob"], ["B-PER", "O", "O"]), (["in", "Oslo"], ["O", "B-ORG"])]
    g_conll = write("g.conll", conll([list(zip(t, g)) for t, g in g_rows]))
    p_conll = write("p.conll", conll([list(zip(t, g)) for t, g in p_rows]))
    g_json, p_json = write("g.jsonl", _jsonl(g_rows)), write("p.jsonl", _jsonl(p_rows))
    expected = evaluate(g_conll, p_conll).to_dict()["per_type"]
    assert evaluate(g_json, p_json).to_dict()["per_type"] == expected
    assert evaluate(g_json, p_conll).to_dict()["per_type"] == expected  # formats may differ per file
    copy = write("p.txt", _jsonl(p_rows))
    forced = cli("evaluate", g_json, copy, "--format-in", "jsonl", "-f", "json")
    assert forced.exit_code == 0 and json.loads(forced.output)["per_type"] == expected


def test_format_in_token_mismatch_names_files_and_sentence(write, cli):
    g = write("g.jsonl", _jsonl([(["a", "b"], ["O", "O"]), (["c"], ["O"])]))
    p = write("p.jsonl", _jsonl([(["a", "b"], ["O", "O"]), (["x"], ["O"])]))
    result = cli("evaluate", g, p)
    assert result.exit_code == 1
    assert "sentence 2, token 1" in result.output and "g.jsonl:2" in result.output and "p.jsonl:2" in result.output
    short = write("s.jsonl", _jsonl([(["a", "b"], ["O", "O"])]))
    truncated = cli("evaluate", g, short)
    assert truncated.exit_code == 1 and "ends after 1 sentences" in truncated.output


def test_format_in_one_file_or_conlleval_is_a_usage_error(write, cli):
    g = write("g.jsonl", _jsonl([(["a"], ["O"])]))
    assert cli("evaluate", g).exit_code == 2
    assert cli("evaluate", g, g, "--mode", "conlleval").exit_code == 2


def test_format_in_spacy_docbin(write, tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin, Span

    nlp = spacy.blank("en")

    def docbin(name, label):
        doc = nlp.make_doc("Ann lives in Oslo")
        doc.ents = [Span(doc, 0, 1, "PER"), Span(doc, 3, 4, label)]
        path = tmp_path / name
        DocBin(docs=[doc]).to_disk(path)
        return str(path)

    gold = write("g.conll", conll([[("Ann", "B-PER"), ("lives", "O"), ("in", "O"), ("Oslo", "B-LOC")]]))
    report = evaluate(gold, docbin("p.spacy", "ORG"))
    assert (report.micro.tp, report.micro.fp, report.micro.fn) == (1, 1, 1)
    assert evaluate(docbin("g.spacy", "LOC"), docbin("p2.spacy", "LOC")).micro.f1 == 1.0
