"""``seqeval-suite agree`` on the command line: formats, errors, the demo corpus."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import conll

DEMO = Path(__file__).resolve().parents[1] / "corpora" / "agreement"
FILES = [str(DEMO / f"ann{i}.conll") for i in (1, 2, 3)]
MULTI = str(DEMO / "all.conll")


def test_two_annotators_with_gold_give_exactly_evaluate(cli):
    agreed = json.loads(cli("agree", "--gold", "ann1", FILES[0], FILES[1], "-f", "json").stdout)
    evaluated = json.loads(cli("evaluate", FILES[0], FILES[1], "-f", "json").stdout)
    report = agreed["pairs"][0]["report"]
    for key in evaluated:
        if key in ("macro", "weighted"):  # float sums in hash-seed order in the core
            assert report[key] == pytest.approx(evaluated[key], abs=1e-12)
        else:
            assert report[key] == evaluated[key], key
    assert agreed["leaderboard"] == [{"annotator": "ann2", "f1": evaluated["micro"]["f1"], "sentences": 40}]


def test_separate_files_and_multi_column_file_agree(cli):
    separate = json.loads(cli("agree", *FILES, "-f", "json").stdout)
    multi = json.loads(cli("agree", MULTI, "--columns", "1,2,3", "--names", "ann1,ann2,ann3", "-f", "json").stdout)
    for key in ("f1_matrix", "fleiss_kappa", "krippendorff_alpha", "mean_pairwise_f1", "labelled_sentences"):
        assert separate[key] == multi[key]
    assert separate["labelled_sentences"]["ann3"] == 37
    assert separate["fleiss_kappa"]["sentences"] == 37
    assert json.dumps(separate, allow_nan=False)  # no NaN anywhere


@pytest.mark.parametrize("fmt, marker", [
    ("table", "pairwise entity micro F1"), ("markdown", "| ann1 |"), ("latex", "\\toprule"),
    ("csv", "krippendorff_alpha,,,,"),
])
def test_formats(cli, fmt, marker):
    result = cli("agree", *FILES, "-f", fmt)
    assert result.exit_code == 0
    assert marker in result.stdout


def test_table_names_the_alphabet(cli):
    assert "on full tags" in cli("agree", *FILES).stdout
    assert "on entity types" in cli("agree", *FILES, "--kappa-on", "types").stdout


def test_gold_table_ranks_and_holds_full_reports(cli):
    out = cli("agree", *FILES, "--gold", "ann3").stdout
    ranking = out.split("best micro F1 first")[1].split("\n\n")[0]
    assert ranking.index("ann1") < ranking.index("ann2")
    assert "== ann1 against ann3 ==" in out and "micro avg" in out


def test_disagreements_csv(cli, tmp_path):
    target = tmp_path / "dis.csv"
    result = cli("agree", *FILES, "--disagreements", target)
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert rows and set(r["kind"] for r in rows) <= {"type", "boundary", "missing/extra"}
    assert [int(r["sentence"]) for r in rows] == sorted(int(r["sentence"]) for r in rows)
    assert all(r["ann1"] != r["ann2"] or r["ann1"] != r["ann3"] for r in rows)
    skipped = [r for r in rows if r["ann3"] == "n/a"]
    assert skipped and all(r["ann1"] != r["ann2"] for r in skipped)


@pytest.mark.parametrize("args, message", [
    (lambda w: [w("a.conll", conll([["O"]]))], "at least two annotators"),
    (lambda w: [w("x/a.conll", conll([["O"]])), w("y/a.conll", conll([["O"]]))], "given twice"),
    (lambda w: [w("a.conll", conll([["O"]])), w("b.conll", conll([["O", "O"]]))], "1 tokens in"),
    (lambda w: [w("m.conll", conll([[("t", "O", "O")]])), "--columns", "1,3"], "no column 3"),
    (lambda w: [w("a.conll", conll([["O"]])), w("b.conll", conll([["O"]])), "--gold", "c"], "not an annotator"),
    (lambda w: [w("a.conll", conll([["O"]])), w("b.conll", conll([["O"], ["O"]]))], "ends after 1 sentences"),
])
def test_bad_input_is_one_line_and_exit_1(cli, write, args, message):
    result = cli("agree", *args(write))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_readme_shows_real_demo_output(cli):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = readme.split("<!-- section:agree -->")[1].split("<!-- /section:agree -->")[0]
    import os

    cwd = os.getcwd()
    os.chdir(DEMO.parents[1])
    try:
        out = cli("agree", "corpora/agreement/ann1.conll", "corpora/agreement/ann2.conll",
                  "corpora/agreement/ann3.conll").stdout
    finally:
        os.chdir(cwd)
    assert out.strip() in section


def test_agree_json_warnings_name_annotators_not_paths(tmp_path):
    """SPEC §4: results carry no file paths; stderr still names the files."""
    import json as _json

    from click.testing import CliRunner

    from seqeval_suite.cli import main

    (tmp_path / "a.conll").write_text("w B-PER\nx O\n\n")
    (tmp_path / "b.conll").write_text("w B-PER\nx I-\n\n")
    (tmp_path / "c.conll").write_text("-DOCSTART- O\n\nw B-PER\nx O\n\n")
    result = CliRunner().invoke(main, ["agree", *(str(tmp_path / f"{n}.conll") for n in "abc"), "-f", "json"])
    assert result.exit_code == 0, result.output
    warnings = _json.loads(result.stdout)["warnings"]
    assert "-DOCSTART- lines differ: a has 0, b has 0, c has 1; documents are taken from each pair's reference" \
        in warnings
    assert any(w.startswith("b:2: 1 invalid tag read as O") for w in warnings)
    assert str(tmp_path) in result.stderr and not any(str(tmp_path) in w for w in warnings)


def test_nested_agree_json_warnings_name_annotators_and_gold_file_keeps_annotator_names(tmp_path):
    import json as _json

    from click.testing import CliRunner

    from seqeval_suite.cli import main

    n1, n2 = tmp_path / "n1.conll", tmp_path / "n2.conll"
    n1.write_text("x B-PER O\ny I- O\nz O B-LOC\n\nu B-LOC O\nv O O\n\n")
    n2.write_text("x B-PER O\ny I-PER O\nz O B-LOC\n\nu B-LOC I-\nv O O\n\n")
    result = CliRunner().invoke(main, ["agree", str(n1), str(n2), "--layers", "1,2", "-f", "json"])
    assert result.exit_code == 0, result.output
    warnings = _json.loads(result.stdout)["warnings"]
    assert [w.split(":")[0] for w in warnings] == ["n1", "n2"]
    # --gold-file naming an annotator's own file: that annotator keeps its name
    a, b = tmp_path / "a.conll", tmp_path / "b.conll"
    a.write_text("w B-PER\nx I-\n\n")
    b.write_text("w B-PER\nx O\n\n")
    result = CliRunner().invoke(main, ["agree", str(a), str(b), "--consensus", "majority", "--gold-file", str(a),
                                       "-f", "json"])
    assert result.exit_code == 0, result.output
    assert [w.split(":")[0] for w in _json.loads(result.stdout)["warnings"]] == ["a"]
