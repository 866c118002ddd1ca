"""Reader edges found by differential fuzzing of the in-step block readers against the
previous release: a CRLF read boundary when the line reader takes over, -DOCSTART-
fields split by the separators only str.split() knows, deep JSON nesting, and the
examples of the "not tags" error."""
from __future__ import annotations

import io
import json
import re

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from seqeval_suite import evaluate
from seqeval_suite.cli import main
from seqeval_suite.errors import DataError
from seqeval_suite.io.conll import _Chained, _count_docstarts, _LoneCR


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=12), st.text(alphabet="a\r\n", max_size=40), st.integers(1, 9))
def test_chained_stream_gives_every_byte_whatever_the_buffer_size(head, rest, size):
    """_LoneCR returns one byte more than asked when a read ends between CR and LF; the
    chained stream the line reader reads must keep it (it raised a memoryview error)."""
    raw = rest.encode()
    chained, out, buffer = _Chained(head, _LoneCR(io.BytesIO(raw))), b"", memoryview(bytearray(size))
    while n := chained.readinto(buffer):
        out += bytes(buffer[:n])
    assert out == head + re.sub(rb"\r(?!\n)", b"\n", raw)


def test_crlf_file_that_turns_to_the_line_reader_mid_block_is_scored(tmp_path):
    lines = [f"w{k:05d} {'B-PER' if k % 3 == 0 else 'O'}" for k in range(120000)]
    gold = "".join(line + "\r\n" + ("\r\n" if k % 4 == 3 else "") for k, line in enumerate(lines))
    # A no-break space after the first megabyte sends the prediction to the line reader.
    cut = gold.index("\r\n", (1 << 20) + 2000)
    pred = gold[:cut] + "\u00a0" + gold[cut:]
    (tmp_path / "g.conll").write_bytes(gold.encode())
    (tmp_path / "p.conll").write_bytes(pred.encode())
    report = evaluate(str(tmp_path / "g.conll"), str(tmp_path / "p.conll"))
    assert report.per_type["PER"].tp == 40000 and report.per_type["PER"].fp == 0


def test_docstart_counted_with_str_split_separators():
    assert _count_docstarts(b"-DOCSTART-\x1fO\nx O\n-DOCSTART- O\n\x1c-DOCSTART-\n-DOCSTARTx O\n") == 3


def test_not_tags_examples_are_the_most_frequent_then_by_value(tmp_path):
    """Ties were listed in the order the reader interned them, so the line reader and
    the block parser named different examples for the same file."""
    # values first seen in descending order; a trailing no-break space on the first line
    # sends the file to the line reader, which interns tags in the order it meets them
    rows = "".join(f"t{k} O zq{9 - k % 10:02d}x{chr(0xA0) if k == 0 else ''}\n\n" for k in range(40))
    path = tmp_path / "one.conll"
    path.write_text(rows, encoding="utf-8")
    with pytest.raises(DataError, match=r"are not tags \('zq00x', 'zq01x', 'zq02x'\)"):
        evaluate(str(path))


@pytest.fixture
def default_recursion_limit():
    """Python's default limit (other tests' libraries may have raised it), which decides
    how deep json and msgspec nest."""
    import sys

    before = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    yield
    sys.setrecursionlimit(before)


def test_jsonl_nested_too_deeply_names_the_line(tmp_path, default_recursion_limit):
    record = {"tokens": ["Ann", "left"], "tags": ["B-PER", "O"]}
    gold, pred = tmp_path / "g.jsonl", tmp_path / "p.jsonl"
    gold.write_text(json.dumps(record) + "\n" + json.dumps(record) + "\n", encoding="utf-8")
    deep = "[" * 5000 + "]" * 5000
    pred.write_text(json.dumps(record) + "\n" + json.dumps(record)[:-1] + f', "meta": {deep}}}\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"p\.jsonl:2: JSON nested too deeply"):
        evaluate(str(gold), str(pred))


def test_any_input_nested_too_deeply_is_a_data_error_not_an_internal_error(tmp_path, default_recursion_limit):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    config = tmp_path / "deep.yaml"
    config.write_text("name: x\ncorpora: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    for args in (["evaluate", str(deep), str(deep)], ["run", str(config), "-o", str(tmp_path / "out")]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1, result.output
        assert "nested too deeply" in result.stderr and "internal error" not in result.stderr


def test_lines_ending_with_the_delimiter_are_an_error_not_an_empty_tag_column(tmp_path):
    """With --delimiter '\\t', 'EU\\tB-ORG\\tB-ORG\\t' has an empty last column: the
    prediction tags were all '' (read as O, with a warning only: ORG 0/0/1)."""
    path = tmp_path / "tt.tsv"
    path.write_text("EU\tB-ORG\tB-ORG\t\nrejects\tO\tO\t\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"2 of 2 cells in the pred tag column are empty: do the lines end"):
        evaluate(str(path), delimiter="\t")
    # conlleval.pl's -d drops trailing empty fields, and so does conlleval mode
    assert evaluate(str(path), delimiter="\t", mode="conlleval").per_type["ORG"].tp == 1
    # a few empty cells stay invalid tags read as O, with a warning
    path.write_text("EU\tB-ORG\tB-ORG\nrejects\tO\t\nto\tO\tO\n", encoding="utf-8")
    report = evaluate(str(path), delimiter="\t")
    assert report.per_type["ORG"].tp == 1 and any("''" in w for w in report.warnings)


def test_a_space_around_a_tag_makes_it_invalid_not_a_second_type(tmp_path):
    """'B-ORG ' (a tab-separated field with a trailing space) was type 'ORG ', a second
    ORG row beside the real one, with no warning; now an invalid tag, named in the
    warning. conlleval mode keeps conlleval.pl's reading (its own 'ORG ' type)."""
    path = tmp_path / "ts.tsv"
    path.write_text("EU\tB-ORG \tB-ORG\nrejects\tO\tO\n", encoding="utf-8")
    report = evaluate(str(path), delimiter="\t")
    assert sorted(report.per_type) == ["ORG"] and report.invalid_tags["gold"] == 1
    assert any("'B-ORG '" in w for w in report.warnings)
    assert sorted(evaluate(str(path), delimiter="\t", mode="conlleval").per_type) == ["ORG", "ORG "]


def test_conlleval_outside_bio_warnings_name_the_column(tmp_path):
    path = tmp_path / "xy.txt"
    path.write_text("w X-PER Y-PER\n", encoding="utf-8")
    warnings = evaluate(str(path), mode="conlleval").warnings
    assert any("1 gold tag outside the BIO family ('X-PER')" in w for w in warnings)
    assert any("1 predicted tag outside the BIO family ('Y-PER')" in w for w in warnings)


def test_empty_cells_not_at_a_line_end_stay_invalid_tags_with_a_warning(tmp_path):
    """The empty-column error is for the last field of delimiter-split lines only: empty
    JSON Lines tags, or empty cells in columns chosen mid-line, stay warnings."""
    gold, pred = tmp_path / "g.jsonl", tmp_path / "e.jsonl"
    gold.write_text('{"tokens": ["a", "b", "c"], "tags": ["B-PER", "O", "O"]}\n', encoding="utf-8")
    pred.write_text('{"tokens": ["a", "b", "c"], "tags": ["B-PER", "", ""]}\n', encoding="utf-8")
    assert evaluate(str(gold), str(pred)).per_type["PER"].tp == 1
    mid = tmp_path / "mid.tsv"
    mid.write_text("John\tB-PER\tB-PER\t0.9\nSmith\t\t\t0.1\nlives\t\t\t0.2\nhere\t\t\t0.3\n\n", encoding="utf-8")
    report = evaluate(str(mid), delimiter="\t", gold_column=1, pred_column=2)
    assert report.per_type["PER"].tp == 1 and any("invalid tags read as O" in w for w in report.warnings)


def test_validate_names_a_tag_with_a_space_around_it(tmp_path):
    from seqeval_suite.validate import validate_file

    path = tmp_path / "vs.tsv"
    path.write_text("John\tB-PER \nSmith\tI-PER \nlives\tO\nParis\tB-LOC\n\n", encoding="utf-8")
    found = [p.message for p in validate_file(str(path), delimiter="\t").problems if p.kind == "invalid-tag"]
    assert any("'B-PER '" in m for m in found) and any("'I-PER '" in m for m in found)


def test_conlleval_zero_token_warning_names_the_input(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text("\n\n-X- x O\n", encoding="utf-8")
    warnings = evaluate(str(path), mode="conlleval").warnings
    assert any(w.startswith(f"{path}: no tokens to score; conlleval.pl reports 0 tokens") for w in warnings)


def test_only_evaluate_reports_zero_tokens_in_conlleval_mode(tmp_path):
    """conlleval.pl's 0-token report is evaluate's (it reproduces conlleval.pl's output);
    compare, run and curve still refuse an empty input rather than test or rank nothing."""
    empty = [tmp_path / f"{n}.conll" for n in "gab"]
    for path in empty:
        path.write_text("")
    result = CliRunner().invoke(main, ["compare", *map(str, empty), "--mode", "conlleval"])
    assert result.exit_code == 1 and "is empty: no tokens to score" in result.stderr
    assert evaluate(str(empty[0]), mode="conlleval").tokens == 0


def test_json_warnings_keep_quoted_data_and_name_brat_files_by_role(tmp_path):
    """A tag holding a file name stays as written; a BRAT folder is named by role with
    the .ann file inside it."""
    import shutil
    from pathlib import Path

    gold, pred = tmp_path / "g.jsonl", tmp_path / "p.jsonl"
    gold.write_text('{"tokens": ["a", "b"], "tags": ["B-PER", "O"]}\n', encoding="utf-8")
    pred.write_text(f'{{"tokens": ["a", "b"], "tags": ["B-PER", "x {pred}: y"]}}\n', encoding="utf-8")
    [warning] = evaluate(str(gold), str(pred)).to_dict()["warnings"]
    assert warning.startswith("prediction:1: 1 invalid tag") and f"'x {pred}: y'" in warning
    nested = Path(__file__).resolve().parent.parent / "corpora" / "nested"
    for side in ("gold", "pred"):
        shutil.copytree(nested / f"{side}.brat", tmp_path / f"{side}.brat")
    with open(tmp_path / "gold.brat" / "news.ann", "a", encoding="utf-8") as fh:
        fh.write("T99\tLOC 14 18\tlm U\n")
    from seqeval_suite.nested import evaluate_nested

    report = evaluate_nested(str(tmp_path / "gold.brat"), str(tmp_path / "pred.brat"), alignment="expand")
    [warning] = report.to_dict()["warnings"]
    assert warning.startswith("gold/news.ann: 1 span") and "e.g. gold/news.ann:16" in warning, warning
