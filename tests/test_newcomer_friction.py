"""Issue 21's friction list, one test per item (the README examples have their own test)."""
from __future__ import annotations

import json

import pytest

from seqeval_suite import evaluate
from seqeval_suite.config import load_config


def test_report_per_type_is_sorted_and_the_frame_has_integer_counts():
    report = evaluate([["B-PER", "O", "B-LOC", "B-ORG", "B-MISC"]], [["B-PER", "O", "B-ORG", "B-ORG", "O"]])
    assert list(report.per_type) == ["LOC", "MISC", "ORG", "PER"]
    frame = report.to_frame()
    assert str(frame["tp"].dtype) == "Int64" and frame.loc["ORG", "tp"] == 1
    assert frame.loc["micro", "fn"] == 2 and frame["tp"].isna().sum() == 2  # macro, weighted


def test_markdown_and_latex_say_their_ratios_are_percentages(cli, write):
    path = write("f.conll", "a B-X B-X\nb O O\n\n")
    markdown = cli("evaluate", path, "-f", "markdown").stdout
    assert markdown.startswith("| type | precision (%) | recall (%) | f1 (%) |")
    assert "| X | 100.00 |" in markdown
    assert "precision (\\%) & recall (\\%) & f1 (\\%)" in cli("evaluate", path, "-f", "latex").stdout
    assert cli("evaluate", path, "-f", "csv").stdout.splitlines()[1].startswith("X,1.0,1.0,1.0")
    assert "P (%)" in cli("errors", path).stdout


def test_strict_footer_names_dropped_runs_in_words(cli, write):
    path = write("f.conll", "a B-X I-X\nb I-X I-X\nc O O\n\n")
    footer = cli("evaluate", path, "--mode", "strict", "--scheme", "IOB1").stdout
    assert "ill-formed runs dropped: gold" in footer and "dropped_runs" not in footer
    as_json = json.loads(cli("evaluate", path, "--mode", "strict", "--scheme", "IOB1", "-f", "json").stdout)
    assert as_json["ill_formed"]["kind"] == "dropped_runs"  # the JSON key stays


def test_agree_with_two_annotators_says_both(cli, write):
    a = write("a.conll", "x B-X\ny O\n\n")
    b = write("b.conll", "x B-X\ny B-X\n\n")
    out = cli("agree", a, b).stdout
    assert "labelled by both annotators" in out and "all 2" not in out


def test_convert_help_lists_scheme_names_as_written_everywhere_else(cli):
    text = cli("convert", "--help").stdout
    assert "[IOB1|IOB2|BIO|IOE1|IOE2|IOBES|BIOES|BILOU|IO]" in text


@pytest.mark.parametrize("spelling, name", [("micro_p", "micro_p"), ("micro_precision", "micro_p"),
                                            ("micro_recall", "micro_r"), ("macro_f1", "macro_f1")])
def test_compare_and_configs_share_one_metric_vocabulary(cli, write, tmp_path, spelling, name):
    gold = write("g.conll", "a B-X\nb O\n\nc B-X\nd O\n\n")
    pred = write("p.conll", "a B-X\nb B-X\n\nc O\nd O\n\n")
    out = json.loads(cli("compare", gold, pred, pred, "--metric", spelling, "--resamples", "10", "-f", "json").stdout)
    assert out["metric"] == name
    config = write("c.yaml", f"scoring: {{primary: {spelling}}}\ncorpora: [{{id: c, path: g.conll}}]\n"
                             "systems: [{id: s, predictions: {c: p.conll}}]\n")
    assert load_config(config).scoring.primary == name


def test_documents_follow_one_rule_in_every_format(write, tmp_path):
    conll = write("g.conll", "Ann B-PER\n\nin O\n\n")
    jsonl = write("g.jsonl", '{"tokens": ["Ann"], "tags": ["B-PER"]}\n{"tokens": ["in"], "tags": ["O"]}\n')
    assert evaluate(conll, conll).documents == evaluate(jsonl, jsonl).documents == 1
    marked = write("m.jsonl", "".join(
        f'{{"tokens": ["t{k}"], "tags": ["O"], {key}}}\n' for k, key in enumerate(
            ['"doc_id": "a"', '"doc_id": "a"', '"meta": {"document_id": 7}', '"doc_id": "a"'])))
    # runs of one id: a, a | 7 | a  -> 3 documents
    assert evaluate(marked, marked).documents == 3
    docstart = write("d.conll", "-DOCSTART- O\n\nAnn B-PER\n\n-DOCSTART- O\n\nin O\n\nat O\n\n")
    assert evaluate(docstart, docstart).documents == 2


def test_validate_counts_documents_as_evaluate_does(write):
    from seqeval_suite.validate import validate_file

    path = write("m.jsonl", '{"tokens": ["a"], "tags": ["O"], "doc_id": 1}\n'
                            '{"tokens": ["b"], "tags": ["O"], "doc_id": 2}\n')
    assert validate_file(path).documents == evaluate(path, path).documents == 2


def test_original_conll2003_iob1_without_b_is_not_reported_as_io(write):
    from seqeval_suite.validate import validate_file

    # CoNLL-2003 as first published: IOB1, so B- appears only between adjacent
    # entities of one type; many sentences have none.
    adjacent = write("a.conll", "EU I-ORG\nrejects O\nGerman I-MISC\ncall O\n\n"
                                "Peter I-PER\nBlackburn I-PER\n\nIn O\nBrussels I-LOC\nJohn I-PER\n\n")
    report = evaluate(adjacent, adjacent)
    assert report.scheme == "IOB1" and "I-X right after I-Y (1)" in report.scheme_note
    assert report.ill_formed == {"gold": 0, "pred": 0}
    assert validate_file(adjacent).scheme == "IOB1"
    lone = write("b.conll", "EU I-ORG\nrejects O\nGerman I-MISC\ncall O\n\n")
    report = evaluate(lone, lone)
    assert report.scheme == "ambiguous" and "IO or IOB1" in report.scheme_note
    assert validate_file(lone).scheme == "ambiguous"
