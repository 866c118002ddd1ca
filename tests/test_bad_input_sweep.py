"""The second bad-input sweep (issue 16), the cases done so far: each right outcome is a
test, with neighbours of the same kind (other forms, other commands)."""
from __future__ import annotations

import gzip
import json

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import seqeval_suite.io.conll as conll_io
from seqeval_suite import evaluate
from seqeval_suite.errors import DataError, UsageError

ROWS = "John B-PER B-PER{nl}Smith I-PER I-PER{nl}{nl}Bonn B-LOC O{nl}"


# 1. CR-only line ends are line ends, in every mode, form and command ----------------
@pytest.mark.parametrize("mode", ["lenient", "conlleval", "strict"])
def test_cr_only_lines_score_as_lf_lines(write, mode):
    options = {"mode": mode, "scheme": "IOB2"} if mode == "strict" else {"mode": mode}
    lf = evaluate(write("lf.conll", ROWS.format(nl="\n")), **options)
    cr = evaluate(write("cr.conll", ROWS.format(nl="\r")), **options)
    assert cr.to_dict() == lf.to_dict()
    assert (cr.tokens, cr.sentences) == (3, 2)


def test_cr_only_two_files_gz_and_line_reader(write, tmp_path):
    gold = "John B-PER\rSmith I-PER\r\rBonn B-LOC\r"
    pred = "John B-PER\rSmith I-PER\r\rBonn O\r"
    expected = evaluate(write("g.conll", gold.replace("\r", "\n")), write("p.conll", pred.replace("\r", "\n")))
    gz = tmp_path / "g.conll.gz"
    gz.write_bytes(gzip.compress(gold.encode()))
    assert evaluate(str(gz), write("p2.conll", pred)).to_dict()["per_type"] == expected.to_dict()["per_type"]
    # --comments sends the input to the line reader from the start
    assert evaluate(write("g3.conll", gold), write("p3.conll", pred), comments=True).to_dict()["per_type"] == \
        expected.to_dict()["per_type"]


def test_cr_only_validate_sees_the_sentences(write, cli):
    result = cli("validate", write("cr.conll", "John B-PER\rSmith I-PER\r\rBonn B-LOC\r\rParis B-LOC\r"))
    assert "sentences:  3" in result.stdout and "tokens:     4" in result.stdout


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=6, max_size=6), st.integers(2, 12))
def test_cr_lf_and_crlf_across_read_boundaries(tmp_path_factory, newlines, block):
    """A CRLF split by a read is one line end, a lone CR at a read's end is one too."""
    rows = ["a B-X B-X", "b I-X I-X", "", "c B-Y O", "", "d O B-Y"]
    # A CR followed by an empty line's LF is one CRLF, not two line ends: not this case.
    assume(not any(nl == "\r" and rows[k + 1] == "" and newlines[k + 1] == "\n" for k, nl in enumerate(newlines[:-1])))
    text = "".join(row + nl for row, nl in zip(rows, newlines))
    path = tmp_path_factory.mktemp("cr") / "a.conll"
    path.write_bytes(text.encode())
    original = conll_io.BLOCK_SIZE
    conll_io.BLOCK_SIZE = block
    try:
        report = evaluate(str(path))
    finally:
        conll_io.BLOCK_SIZE = original
    assert (report.tokens, report.sentences) == (4, 3)


# 3. I-O / B-O: a warning with count and first line (not in conlleval mode) ----------
def test_o_type_tags_warn_with_count_and_line(write):
    path = write("io.conll", "EU I-O B-ORG\nrejects O O\n\nBonn B-LOC B-O\nParis B-O B-LOC\n")
    warnings = evaluate(path).warnings
    assert any(w.startswith(f"{path}:1: 2 tags with entity type 'O' ('B-O', 'I-O'") for w in warnings)  # gold
    assert any(w.startswith(f"{path}:4: 1 tag with entity type 'O' ('B-O'") for w in warnings)  # pred
    assert any("entity type 'O'" in w for w in evaluate(path, mode="strict", scheme="IOB2").warnings)
    assert not any("entity type 'O'" in w for w in evaluate(path, mode="conlleval").warnings)


def test_o_type_tags_are_a_validate_problem(write, cli):
    result = cli("validate", write("io.conll", "EU I-O\nrejects O\n"))
    assert "type-O: line 1: tag 'I-O' has entity type 'O'" in result.stdout


# 6. --types naming no type of the data -------------------------------------------
def test_types_typo_is_an_error_listing_the_types(cli):
    result = cli("evaluate", "corpora/examples/news.conll", "--types", "PERS")
    assert result.exit_code == 1 and result.stdout == ""
    assert "--types PERS: no such entity type" in result.stderr and "LOC, MISC, ORG, PER" in result.stderr


def test_types_empty_is_a_usage_error(cli):
    result = cli("evaluate", "corpora/examples/news.conll", "--types", "")
    assert result.exit_code == 2 and "--types names no type" in result.stderr


def test_types_missing_in_the_api_is_a_warning_not_a_silent_zero():
    report = evaluate([["B-PER"]], [["B-PER"]], types=["PERS"])
    assert report.micro.f1 == 0.0
    assert any("--types PERS: no such entity type" in w for w in report.warnings)


# 10. --suffix means nothing to conlleval.pl ----------------------------------------
def test_suffix_in_conlleval_mode_is_a_usage_error(cli):
    with pytest.raises(UsageError, match="--suffix has no meaning in conlleval mode"):
        evaluate([["PER-B"]], [["PER-B"]], mode="conlleval", suffix=True)
    result = cli("evaluate", "corpora/examples/news.conll", "--mode", "conlleval", "--suffix")
    assert result.exit_code == 2


# 12. tags in memory that are not strings -------------------------------------------
@pytest.mark.parametrize("bad", [1, None, 2.0, ["B-PER"]])
@pytest.mark.parametrize("side", ["gold", "pred"])
def test_non_string_tags_name_side_sentence_and_token(bad, side):
    good = [["O"], ["B-PER", "O"]]
    broken = [["O"], ["B-PER", bad]]
    gold, pred = (broken, good) if side == "gold" else (good, broken)
    with pytest.raises(DataError, match=rf"{side} sentence 2, token 2: .* is not a tag string"):
        evaluate(gold, pred)


# 17. an output file that is one of the inputs --------------------------------------
@pytest.mark.parametrize("command", [
    lambda g, p: ["evaluate", g, p, "-o", p],
    lambda g, p: ["evaluate", g, p, "-o", g],
    lambda g, p: ["errors", g, p, "-o", p],
    lambda g, p: ["compare", g, p, p, "-o", p],
    lambda g, p: ["agree", g, p, "-o", g],
    lambda g, p: ["convert", g, g],
], ids=["evaluate-pred", "evaluate-gold", "errors", "compare", "agree", "convert"])
def test_output_that_is_an_input_is_refused_and_the_input_kept(write, cli, command):
    gold = write("g.conll", "EU B-ORG\nrejects O\n")
    pred = write("p.conll", "EU B-ORG\nrejects O\n")
    before = {path: open(path, "rb").read() for path in (gold, pred)}
    result = cli(*command(gold, pred))
    assert result.exit_code == 2 and "is one of the inputs" in result.stderr
    assert {path: open(path, "rb").read() for path in (gold, pred)} == before


# 23. stdin named twice ---------------------------------------------------------------
def test_stdin_twice_is_a_usage_error(cli):
    result = cli("evaluate", "-", "-", input="EU B-ORG\n")
    assert result.exit_code == 2 and "stdin" in result.stderr and result.stdout == ""


def test_jsonl_to_itself_is_refused(write, cli):
    path = write("a.jsonl", json.dumps({"tokens": ["EU"], "ner_tags": ["B-ORG"]}) + "\n")
    assert cli("convert", path, path).exit_code == 2


# 11. BILOU data: scheme detection and ill-formed counts on the tags' own prefixes -----
@pytest.mark.parametrize("scheme", ["auto", "BILOU"])
def test_bilou_is_detected_and_well_formed(write, scheme):
    text = "John B-PER B-PER\nSmith I-PER I-PER\nJr L-PER L-PER\nin O O\nBonn U-LOC U-LOC\n"
    report = evaluate(write("bilou.conll", text), scheme=scheme)
    assert report.scheme == "BILOU"
    assert report.ill_formed == {"gold": 0, "pred": 0}
    assert report.micro.f1 == 1.0


def test_iobes_data_is_still_iobes_and_bilou_counts_its_prefixes(write):
    path = write("iobes.conll", "John B-PER B-PER\nSmith E-PER E-PER\nin O O\nBonn S-LOC S-LOC\n")
    assert evaluate(path).scheme == "IOBES"
    assert evaluate(path, scheme="BILOU").ill_formed["gold"] > 0  # E-/S- are not BILOU prefixes


# 4. a column that holds no tags (a token column, label ids) is not scored ----------
def test_token_column_read_as_gold_is_an_error(write, cli):
    words = "The city of Bonn is in Germany and the Rhine flows there".split()
    text = "".join(f"{w} {'B-LOC' if w[0].isupper() and w != 'The' else 'O'}\n" for w in words)
    result = cli("evaluate", write("twocol.conll", text))
    assert result.exit_code == 1 and result.stdout == ""
    assert "values in the gold tag column are not tags" in result.stderr and "prediction file" in result.stderr


def test_label_ids_as_tags_are_an_error_and_stray_tags_are_not(write):
    gold = [["O", "B-PER", "I-PER", "O", "B-LOC", "O"]] * 5
    ids = [["0", "1", "2", "0", "5", "7"], ["3", "4", "0", "6", "8", "0"]] * 2 + [["0", "1", "2", "0", "5", "7"]]
    with pytest.raises(DataError, match="values in the pred tag column are not tags"):
        evaluate(gold, ids)
    # The same value repeated (X, [PAD]) is a stray tag, however often: read as O, warned.
    stray = evaluate(gold, [["X"] * 6] * 5)
    assert stray.invalid_tags["pred"] == 30


# 2. invisible characters inside a tag -----------------------------------------------
@pytest.mark.parametrize("char", ["\u200b", "\u200d", "\ufeff", "\u2060", "\u00ad", "\x07"])
def test_invisible_character_in_a_tag_is_named(write, char):
    path = write("zw.conll", f"John B-PER{char} B-PER\nin O O\n")
    report = evaluate(path)
    assert "PER" in report.per_type and report.per_type["PER"].fn == 0  # no second, look-alike PER
    assert any(w.startswith(f"{path}:1: 1 invalid tag read as O ({('B-PER' + char)!r}") for w in report.warnings)
    with pytest.raises(DataError, match=r"zw\.conll:1: invalid tag .* \(strict mode\)"):
        evaluate(path, mode="strict", scheme="IOB2")


def test_invisible_character_in_a_tag_is_a_validate_problem(write, cli):
    result = cli("validate", write("zw.conll", "John B-PER\u200b\nin O\n"))
    assert "invalid-tag: line 1: invalid tag 'B-PER\\u200b'" in result.stdout


# 7. --labels ---------------------------------------------------------------------------
RECORDS = '{"tokens": ["EU", "rejects"], "ner_tags": [1, 0]}\n'


@pytest.mark.parametrize("labels, message", [
    ("O,B-ORG,O", "label 'O' is given twice"),
    ("labels.txt", "--labels labels.txt: no such file"),
    ("missing/labels", "no such file"),
])
def test_labels_that_would_shift_or_are_a_missing_file_are_refused(write, cli, labels, message):
    path = write("a.jsonl", RECORDS)
    result = cli("evaluate", path, path, "--labels", labels)
    assert result.exit_code == 2 and message in result.stderr


def test_labels_negative_id_is_out_of_range(write):
    gold = write("g.jsonl", '{"tokens": ["EU", "rejects"], "ner_tags": [-1, 0]}\n')
    with pytest.raises(DataError, match=r"g\.jsonl:1: tag id out of range"):
        evaluate(gold, gold, labels=["O", "B-ORG"])


def test_labels_file_with_a_repeated_name_is_refused(write):
    path = write("a.jsonl", RECORDS)
    labels = write("labels.txt", "O\nB-ORG\nB-ORG\n")
    with pytest.raises(UsageError, match=r"labels\.txt: label 'B-ORG' is given twice"):
        evaluate(path, path, labels=labels)


# 23. usage errors that were "internal error" ---------------------------------------
COMPARE = ["compare", "corpora/compare/gold.conll", "corpora/compare/sys_a.conll", "corpora/compare/sys_b.conll"]


@pytest.mark.parametrize("args, message", [
    (COMPARE + ["--seed", "-1"], "--seed"),
    (COMPARE + ["--level", "nan"], "--level"),
    (COMPARE + ["--level", "1.5"], "--level"),
])
def test_bad_option_values_are_usage_errors(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2 and message in result.stderr and "internal error" not in result.stderr


def test_output_into_a_folder_or_under_a_file_is_a_usage_error(cli, tmp_path):
    folder = tmp_path / "existing"
    folder.mkdir()
    plain = tmp_path / "afile"
    plain.write_text("keep me", encoding="utf-8")
    result = cli("convert", "corpora/examples/news.conll", f"{folder}/")
    assert result.exit_code == 2 and "is a folder, not a file" in result.stderr
    result = cli("evaluate", "corpora/examples/news.conll", "-o", plain / "report.txt")
    assert result.exit_code == 2 and "is a file, not a folder" in result.stderr
    result = cli("run", "configs/demo.yaml", "--output-dir", plain)
    assert result.exit_code == 2 and "--output-dir" in result.stderr
    assert plain.read_text(encoding="utf-8") == "keep me"


# 18, 19. Markdown escapes HTML (once), CSV neutralises formulas -------------------------
def test_markdown_escapes_html_and_pipes_once():
    from seqeval_suite.render.text import markdown

    table = markdown(["system", "F1"], [["<script>alert(1)</script> a|b", "0.5"]])
    assert "<script" not in table and "&lt;script&gt;alert(1)&lt;/script&gt; a\\|b" in table
    assert "\\\\|" not in table


def test_report_outputs_escape_entity_types(write, cli):
    path = write("t.conll", "x B-<b> B-<b>\ny B-=SUM(A1) O\nz B-@cmd B-@cmd\n")
    md = cli("evaluate", path, "-f", "markdown").stdout
    assert "<b>" not in md and "&lt;b&gt;" in md
    csv_out = cli("evaluate", path, "-f", "csv").stdout
    assert "\n'=SUM(A1)," in csv_out and "\n'@cmd," in csv_out
    assert "\n=SUM" not in csv_out and "\n@cmd" not in csv_out


def test_csv_numbers_stay_numbers():
    from seqeval_suite.render.text import csv_cell

    assert [csv_cell(v) for v in ("-0.0123", "+0.5", "-1e-05", -3, 0.25)] == ["-0.0123", "+0.5", "-1e-05", -3, 0.25]
    assert [csv_cell(v) for v in ("-cmd", "+x", "\tx")] == ["'-cmd", "'+x", "'\tx"]


# 21. resamples: bounded in the config, and bootstrap memory bounded -------------------
def test_config_resamples_beyond_the_bound_is_a_config_error(tmp_path):
    from seqeval_suite.config import load_config
    from seqeval_suite.errors import ConfigError

    (tmp_path / "gold.conll").write_text("Ann B-PER\nlives O\n\n")
    path = tmp_path / "bench.yaml"
    path.write_text("corpora:\n  - {id: c1, path: gold.conll}\nsystems:\n  - {id: s1, predictions: {c1: gold.conll}}\n"
                    "scoring: {resamples: 1000000000000}\n")
    with pytest.raises(ConfigError, match=r"scoring\.resamples.*between 0 .* and 10,000,000"):
        load_config(path)


@pytest.mark.parametrize("runs", [1, 3])
def test_bootstrap_weights_drawn_lazily_give_the_same_intervals(runs):
    """Above the cache budget the weights are drawn chunk by chunk (memory stays bounded);
    the intervals are the very same numbers."""
    import numpy as np

    from seqeval_suite import stats

    rng = np.random.default_rng(3)
    matrices = [rng.integers(0, 3, size=(200, 2, 3)) for _ in range(runs)]

    def intervals():
        if runs == 1:
            return stats.bootstrap_ci(matrices[0], resamples=2500, seed=11)
        return stats.runs_ci(matrices, resamples=2500, seed=11)

    cached = intervals()
    original = stats.MAX_CACHED_WEIGHTS
    stats.MAX_CACHED_WEIGHTS = 0
    try:
        lazy = intervals()
    finally:
        stats.MAX_CACHED_WEIGHTS = original
    assert lazy == cached
