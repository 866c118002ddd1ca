"""validate: what the linter finds, and its exit codes."""
from __future__ import annotations

import json

import pytest

from seqeval_suite.validate import validate_file

FIXTURES = "corpora/formats"


@pytest.mark.parametrize(
    "name, extra",
    [("news.conll", []), ("hf_names.jsonl", []), ("hf_ids.jsonl", ["--labels", f"{FIXTURES}/hf_ids.labels.txt"]),
     ("prodigy.jsonl", []), ("doccano.jsonl", []), ("labelstudio.json", [])],
)
def test_validate_clean_fixtures_exit_0(cli, name, extra):
    result = cli("validate", f"{FIXTURES}/{name}", *extra, "-f", "json")
    assert result.exit_code == 0, result.stdout
    data = json.loads(result.stdout)
    assert data["clean"] and data["problems"] == []
    assert (data["scheme"], data["tokens"], data["sentences"]) == ("IOB2", 29, 4)
    assert data["entities"] == {"LOC": 3, "ORG": 2, "PER": 2}


def test_validate_flawed_file_lists_every_problem_with_its_line(cli):
    result = cli("validate", f"{FIXTURES}/flawed.conll", "-f", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    ill = [(p["line"], p["message"]) for p in data["problems"] if p["kind"] == "ill-formed"]
    assert ill == [(3, "line 3: O -> I-PER is not allowed in IOB2"), (13, "line 13: O -> I-LOC is not allowed in IOB2")]
    assert data["scheme"] == "mixed"
    assert data["problem_counts"] == {"case-variant": 1, "ill-formed": 2, "mixed-scheme": 1}
    assert [h["kind"] for h in data["hints"]] == ["rare-type"] * 3
    assert data["column"] == 1 and data["columns"] == 2


@pytest.mark.parametrize(
    "text, kind, line",
    [
        ("a B-X\nb [PAD]\nc B-X\n\n", "invalid-tag", 2),
        ("a I-X\nb E-X\nc O\nd E-X\ne O\nf I-X\n\n", "ill-formed", 6),  # IOE2 (majority): I-X ends a sentence
        ("a B-X\nb I-Y\nc B-X\n\n", "ill-formed", 2),
        ("a B-Per\nb O\nc B-PER\nd B-PER\ne B-Per\n\n", "case-variant", None),
        ("a B-X\nb O\nc B-X\n" + "x" * 50 + " O\n\n", "overlong-line", 4),
    ],
)
def test_validate_finds(write, text, kind, line):
    result = validate_file(write("f.conll", text), max_line_length=40)
    found = [p for p in result.problems if p.kind == kind]
    assert found and found[0].line == line
    assert not result.clean


def test_validate_a_type_seen_once_is_a_hint_exit_0_unless_strict(cli, write):
    path = write("f.conll", "a B-X\nb O\nc B-X\nd B-Y\n\n")
    result = validate_file(path)
    assert result.clean and result.problems == []
    assert [(h.kind, h.message) for h in result.hints] == [("rare-type", "type 'Y' occurs once: a typo?")]
    assert not validate_file(path, strict=True).clean
    shown = cli("validate", path)
    assert shown.exit_code == 0
    assert "problems:   none" in shown.stdout and "rare-type: type 'Y' occurs once" in shown.stdout
    assert cli("validate", path, "--strict").exit_code == 1


def test_validate_says_which_column_of_a_conll_file_it_checked(cli, write):
    path = write("f.conll", "a B-X O\nb I-X O\n\n")
    assert "tags:       column 2 (0-based; of 3 columns" in cli("validate", path).stdout
    assert "tags:       column 1 (0-based; of 3 columns" in cli("validate", path, "--column", "1").stdout
    assert validate_file(path, column=1).column == 1


def test_validate_named_scheme_checks_against_it(write):
    path = write("f.conll", "a B-X\nb I-X\nc O\n\n" * 2)
    assert validate_file(path).clean
    result = validate_file(path, scheme="IOB1")
    assert [p.line for p in result.problems if p.kind == "ill-formed"] == [1, 5]


def test_validate_table_output(cli):
    result = cli("validate", f"{FIXTURES}/news.conll")
    assert result.exit_code == 0
    assert "scheme:     IOB2" in result.stdout and "problems:   none" in result.stdout


def test_validate_missing_file_is_one_line(cli):
    result = cli("validate", "no/such/file.conll")
    assert result.exit_code == 1
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1


def test_validate_reports_misaligned_spans_instead_of_failing(cli, write):
    record = '{"text": "Visit Lisbonia now", "spans": [{"start": 6, "end": 12, "label": "LOC"}]}\n'
    result = cli("validate", write("m.jsonl", record), "-f", "json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert [p["kind"] for p in problems] == ["spans"]
    assert "1 span not on token boundaries (left out)" in problems[0]["message"]


def test_validate_empty_file_is_a_problem(cli, write):
    result = cli("validate", write("empty.conll", "\n\n"))
    assert result.exit_code == 1
    assert "empty: no tokens" in result.stdout
