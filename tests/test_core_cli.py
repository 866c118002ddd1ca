"""``seqeval-suite evaluate`` end to end: input forms, and every bad input giving one
clear stderr line (file and line), the right exit code, empty stdout, no traceback.
"""
from __future__ import annotations

import gzip
import json
import re

import pytest

GOLD = [
    [("EU", "B-ORG"), ("rejects", "O"), ("German", "B-MISC"), ("call", "O")],
    [("Peter", "B-PER"), ("Blackburn", "I-PER")],
    [("BRUSSELS", "B-LOC"), ("1996-08-22", "O")],
]
PRED = [
    [("EU", "B-ORG"), ("rejects", "O"), ("German", "B-PER"), ("call", "O")],
    [("Peter", "B-PER"), ("Blackburn", "I-PER")],
    [("BRUSSELS", "O"), ("1996-08-22", "O")],
]


def text(sentences) -> str:
    return "".join("".join(" ".join(row) + "\n" for row in s) + "\n" for s in sentences)


def merged() -> str:
    return "".join(
        "".join(f"{g[0]} {g[1]} {p[1]}\n" for g, p in zip(gs, ps)) + "\n" for gs, ps in zip(GOLD, PRED)
    )


def as_json(result) -> dict:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("mode", [["--mode", "lenient"], ["--mode", "conlleval"],
                                  ["--mode", "strict", "--scheme", "IOB2"]])
def test_core_one_file_and_two_files_give_identical_json(cli, write, mode):
    one = cli("evaluate", write("merged.txt", merged()), "-f", "json", *mode)
    two = cli("evaluate", write("gold.txt", text(GOLD)), write("pred.txt", text(PRED)), "-f", "json", *mode)
    assert one.stdout == two.stdout
    data = as_json(one)
    assert data["per_type"]["ORG"]["tp"] == 1 and data["micro"]["support"] == 4


def test_core_conlleval_text_of_two_files_is_that_of_their_merge(cli, write):
    one = cli("evaluate", write("merged.txt", merged()), "--mode", "conlleval", "-f", "conlleval")
    two = cli("evaluate", write("g.txt", text(GOLD)), write("p.txt", text(PRED)), "--mode", "conlleval",
              "-f", "conlleval")
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout
    assert one.stdout.startswith("processed 8 tokens with 4 phrases; found: 3 phrases; correct: 2.\n")


def test_core_crlf_bom_gz_and_stdin_read_like_the_plain_file(cli, write):
    plain = cli("evaluate", write("m.txt", merged()), "-f", "json").stdout
    crlf_bom = write("crlf.txt", b"\xef\xbb\xbf" + merged().replace("\n", "\r\n").encode())
    gz = write("m.txt.gz", gzip.compress(merged().encode()))
    for result in (cli("evaluate", crlf_bom, "-f", "json"), cli("evaluate", gz, "-f", "json"),
                   cli("evaluate", "-", "-f", "json", input=merged())):
        assert result.exit_code == 0 and result.stderr == ""
        assert result.stdout == plain


def test_core_comments_are_skipped_only_with_the_flag(cli, write):
    path = write("c.txt", "# a comment line\n" + merged())
    assert as_json(cli("evaluate", path, "-f", "json", "--comments"))["tokens"] == 8
    result = cli("evaluate", path, "-f", "json")
    assert result.exit_code == 1 and result.stdout == ""
    assert "c.txt:2" in result.stderr


def test_core_docstart_in_one_file_only_warns(cli, write):
    gold = write("g.txt", "-DOCSTART- O\n\n" + text(GOLD))
    result = cli("evaluate", gold, write("p.txt", text(PRED)), "-f", "json")
    data = as_json(result)
    assert data["documents"] == 1 and data["sentences"] == 3
    assert "-DOCSTART- lines differ" in result.stderr


BAD = [
    ("token_mismatch", lambda w: [w("g", text(GOLD)), w("p", text(PRED).replace("rejects", "rejected"))], 1,
     r"token mismatch at sentence 1, token 2: 'rejects' at \S*g:2 but 'rejected' at \S*p:2"),
    ("length_mismatch", lambda w: [w("g", text(GOLD)), w("p", text(PRED).replace("call O\n", ""))], 1,
     r"sentence 1 has 4 tokens in \S*g \(line 1\) but 3 in \S*p \(line 1\)"),
    ("truncated_pred", lambda w: [w("g", text(GOLD)), w("p", text(PRED[:2]))], 1,
     r"\S*p ends after 2 sentences but \S*g goes on \(sentence 3 at \S*g:9\)"),
    ("empty_file", lambda w: [w("e", "")], 1, r"\S*e is empty"),
    ("only_blank_lines", lambda w: [w("b", "\n \n\n")], 1, r"\S*b has only blank lines"),
    ("undecodable", lambda w: [w("u", b"a O O\nb\xff O O\n")], 1, r"\S*u:2: bytes that are not valid utf-8"),
    ("nul", lambda w: [w("n", b"a O O\nb\x00 O O\n")], 1, r"\S*n:2: NUL byte"),
    ("columns_change", lambda w: [w("c", "a B-X B-X\nb O\n")], 1,
     r"\S*c:2: 2 columns where the sentence's earlier lines have 3"),
    ("strict_scheme_auto", lambda w: [w("m", merged()), "--mode", "strict"], 2, r"strict mode needs a named scheme"),
    ("strict_invalid_tag", lambda w: [w("s", "a B-X B-X\nb [PAD] O\n"), "--mode", "strict", "--scheme", "IOB2"],
     1, r"\S*s:2: invalid tag '\[PAD\]'"),
    ("strict_foreign_prefix", lambda w: [w("f", "a B-X B-X\nb E-X O\n"), "--mode", "strict", "--scheme", "IOB2"],
     1, r"\S*f:2: tag 'E-X' has prefix E, which IOB2 does not have"),
]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_core_bad_input_is_one_clear_line(cli, write, case):
    _, make, code, pattern = case
    result = cli("evaluate", *make(write), "-f", "json")
    assert result.exit_code == code, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert re.search(pattern, result.stderr), result.stderr


def test_core_lenient_invalid_tag_warns_once_with_count(cli, write):
    result = cli("evaluate", write("s", "a B-X B-X\nb [PAD] O\nc [PAD] O\n"), "-f", "json")
    data = as_json(result)
    assert data["invalid_tags"] == {"gold": 2, "pred": 0}
    assert len(result.stderr.strip().splitlines()) == 1 and "2 invalid tags" in result.stderr


def test_cli_closed_output_pipe_is_no_internal_error(tmp_path):
    """`seqeval-suite evaluate ... | cmp - missing` closes the pipe at once: no traceback,
    no "internal error" (regression: it printed "internal error (BrokenPipeError)")."""
    import subprocess
    import sys

    gold = tmp_path / "g.conll"
    gold.write_text("".join(f"w{i} B-PER B-PER\nx O O\n\n" for i in range(20000)), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "seqeval_suite", "evaluate", str(gold), "-f", "csv",
                             "--mode", "conlleval"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader goes away before anything is written
    _, err = proc.communicate(timeout=60)
    assert b"internal error" not in err and b"Traceback" not in err
