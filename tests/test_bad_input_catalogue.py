"""The catalogue of bad inputs (issue 9): each fixture under tests/data/bad/ with its
exact behaviour — an error (exit 1, one stderr line naming the file and line, empty
stdout, no traceback) or a warning plus a defined result.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

BAD = Path(__file__).parent / "data" / "bad"


def bad(name: str) -> str:
    return str(BAD / name)


# (id, args, exit code, stderr pattern)
ERRORS = [
    ("column_count_changes", [bad("columns_change.conll")], 1,
     r"columns_change\.conll:2: 2 columns where the sentence's earlier lines have 3"),
    ("fewer_sentences_in_pred", [bad("gold.conll"), bad("pred_fewer_sentences.conll")], 1,
     r"pred_fewer_sentences\.conll ends after 1 sentences but .*gold\.conll goes on .*gold\.conll:6"),
    ("truncated_pred", [bad("gold.conll"), bad("pred_truncated.conll")], 1,
     r"sentence 2 has 2 tokens in .*gold\.conll \(line 6\) but 1 in .*pred_truncated\.conll \(line 6\)"),
    ("token_mismatch", [bad("gold.conll"), bad("pred_other_tokens.conll")], 1,
     r"token mismatch at sentence 1, token 2: 'rejects' at .*gold\.conll:2 but 'rejected' at .*pred_other_tokens\.conll:2"),
    ("retokenized_pred", [bad("gold.conll"), bad("pred_retokenized.conll")], 1,
     r"sentence 1 has 4 tokens in .*gold\.conll \(line 1\) but 5 in"),
    ("empty_file", [bad("empty.conll")], 1, r"empty\.conll is empty"),
    ("only_blank_lines", [bad("blank_lines.conll")], 1, r"blank_lines\.conll has only blank lines"),
    ("not_utf8", [bad("latin1.conll")], 1, r"latin1\.conll:1: bytes that are not valid utf-8"),
    ("nul_byte", [bad("nul.conll")], 1, r"nul\.conll:2: NUL byte"),
    ("one_column_one_file", [bad("one_column.conll")], 1, r"one_column\.conll:1: no column -2"),
    ("directory", [str(BAD)], 1, r"is a directory"),
    ("missing_file", [bad("no-such-file.conll")], 1, r"no-such-file\.conll: no such file"),
    ("strict_unknown_prefix", [bad("unknown_prefix.conll"), "--mode", "strict", "--scheme", "IOB2"], 1,
     r"unknown_prefix\.conll:1: invalid tag 'X-ORG'"),
    ("strict_empty_type", [bad("empty_type.conll"), "--mode", "strict", "--scheme", "IOB2"], 1,
     r"empty_type\.conll:1: invalid tag 'B-'"),
    ("strict_needs_scheme", [bad("clean.conll"), "--mode", "strict"], 2, r"strict mode needs a named scheme"),
    ("conlleval_tabs", [bad("tabs.conll"), "--mode", "conlleval"], 1, r"tabs\.conll:1: .*--delimiter"),
    ("bad_mode", [bad("clean.conll"), "--mode", "fuzzy"], 2, r"Invalid value for '--mode'"),
]


@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_bad_input_error(cli, case):
    _, args, code, pattern = case
    result = cli("evaluate", *args)
    assert result.exit_code == code, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert re.search(pattern, result.stderr), result.stderr
    if code == 1:
        assert len(result.stderr.strip().splitlines()) == 1


def _json(cli, *args):
    result = cli("evaluate", *args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def test_bad_input_crlf_and_bom_are_accepted_silently(cli):
    clean, _ = _json(cli, bad("clean.conll"))
    for name in ("crlf.conll", "bom.conll"):
        report, stderr = _json(cli, bad(name))
        assert stderr == ""
        assert report == clean


def test_bad_input_tabs_and_spaces_mixed_split_on_any_whitespace(cli):
    mixed, stderr = _json(cli, bad("mixed_tabs_spaces.conll"))
    assert stderr == ""
    assert mixed == _json(cli, bad("clean.conll"))[0]


def test_bad_input_trailing_blank_lines_do_not_add_sentences(cli):
    report, _ = _json(cli, bad("trailing_blank.conll"))
    assert report["sentences"] == 2


def test_bad_input_stray_tags_read_as_o_with_a_counted_warning(cli):
    report, stderr = _json(cli, bad("stray_tags.conll"))
    assert report["invalid_tags"] == {"gold": 0, "pred": 2}
    assert "2 invalid tags read as O" in stderr
    # B-ORG predicted as X: a miss, never an entity of a made-up type
    assert set(report["per_type"]) == {"ORG", "MISC"}
    assert report["per_type"]["ORG"]["fn"] == 1 and report["micro"]["fp"] == 0


def test_bad_input_empty_type_is_invalid_in_lenient_mode(cli):
    report, stderr = _json(cli, bad("empty_type.conll"))
    assert report["invalid_tags"]["gold"] == 1
    assert "'B-'" in stderr
    assert report["per_type"]["ORG"] == {**report["per_type"]["ORG"], "tp": 0, "fp": 1, "fn": 0}


def test_bad_input_docstart_in_one_file_only_warns(cli):
    report, stderr = _json(cli, bad("docstart_gold.conll"), bad("pred_ok.conll"))
    assert "-DOCSTART- lines differ" in stderr
    assert report["sentences"] == 2 and report["documents"] == 1


def test_bad_input_huge_single_line(cli, write):
    path = write("huge.conll", "x" * (10 * 1024 * 1024) + "\n")
    result = cli("evaluate", path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "huge.conll:1: no column -2" in result.stderr
    assert len(result.stderr) < 500


def test_bad_input_nothing_is_overwritten_on_error(cli, write, tmp_path):
    out = tmp_path / "report.json"
    out.write_text("previous results\n")
    result = cli("evaluate", bad("columns_change.conll"), "-f", "json", "-o", str(out))
    assert result.exit_code == 1
    assert out.read_text() == "previous results\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".report.json")]
