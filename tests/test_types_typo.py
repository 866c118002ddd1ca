"""Issue 16 case 6 in every command: a requested type that no gold or predicted tag has
is an error listing the types present (exit 1), flat and nested; a real type scores."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from seqeval_suite.cli import main

C = str(Path(__file__).resolve().parent.parent / "corpora")
INPUTS = {
    "errors": [f"{C}/examples/news.gold.conll", f"{C}/examples/news.pred.conll"],
    "compare": [f"{C}/compare/gold.conll", f"{C}/compare/sys_a.conll", f"{C}/compare/sys_b.conll"],
    "agree": [f"{C}/agreement/ann1.conll", f"{C}/agreement/ann2.conll", f"{C}/agreement/ann3.conll"],
    "evaluate nested": [f"{C}/nested/gold.conll", f"{C}/nested/pred.conll", "--layers", "1,2,3"],
    "errors nested": [f"{C}/nested/gold.brat", f"{C}/nested/pred.brat"],
    "compare nested": [f"{C}/nested/gold.conll", f"{C}/nested/pred.conll", f"{C}/nested/gold.conll",
                       "--layers", "1,2,3"],
    "agree nested": [f"{C}/nested/gold.conll", f"{C}/nested/pred.conll", "--layers", "1,2"],
}


@pytest.mark.parametrize("case", sorted(INPUTS))
def test_type_typo_is_an_error_listing_the_types(case):
    command = case.split()[0]
    result = CliRunner().invoke(main, [command, *INPUTS[case], "--types", "PERS"])
    assert result.exit_code == 1, result.output
    assert "--types PERS: no such entity type in gold or prediction" in result.stderr
    assert "PER" in result.stderr.split("types present:")[1]


@pytest.mark.parametrize("case", sorted(INPUTS))
def test_a_real_type_is_scored(case):
    command = case.split()[0]
    result = CliRunner().invoke(main, [command, *INPUTS[case], "--types", "PER"])
    assert result.exit_code == 0, result.output


GERMEVAL = [f"{C}/germeval/sample.gold.tsv", f"{C}/germeval/sample.pred.tsv", "--layers", "2,3", "--comments"]


def test_layered_types_filter_after_the_type_map():
    """`--types` selects types after `--type-map` renames them, on layered CoNLL as on
    span input: LOCderiv folded into LOC counts for `--types LOC`, and a renamed type
    is requested by its new name."""
    import json

    runner = CliRunner()
    folded = json.loads(runner.invoke(main, ["evaluate", *GERMEVAL, "--type-map", f"{C}/germeval/loose.map",
                                             "-f", "json"]).stdout)["per_type"]["LOC"]
    only = json.loads(runner.invoke(main, ["evaluate", *GERMEVAL, "--type-map", f"{C}/germeval/loose.map",
                                           "--types", "LOC", "-f", "json"]).stdout)
    assert only["per_type"]["LOC"] == folded and list(only["per_type"]) == ["LOC"]
    renamed = json.loads(runner.invoke(main, ["evaluate", *GERMEVAL, "--type-map", "LOC=PLACE", "--types", "PLACE",
                                              "-f", "json"]).stdout)
    assert renamed["per_type"]["PLACE"]["tp"] > 0
    old_name = runner.invoke(main, ["evaluate", *GERMEVAL, "--type-map", "LOC=PLACE", "--types", "LOC"])
    assert old_name.exit_code == 1 and "PLACE" in old_name.stderr


def test_agree_accepts_types_only_the_gold_file_has(tmp_path):
    (tmp_path / "a1.conll").write_text("Ann B-PER\nleft O\nItaly B-LOC\n\n")
    (tmp_path / "a2.conll").write_text("Ann B-PER\nleft O\nItaly O\n\n")
    (tmp_path / "gf.conll").write_text("Ann B-PER\nleft O\nItaly B-NORP\n\n")
    result = CliRunner().invoke(main, ["agree", str(tmp_path / "a1.conll"), str(tmp_path / "a2.conll"),
                                       "--gold-file", str(tmp_path / "gf.conll"), "--types", "PER,NORP"])
    assert result.exit_code == 0, result.output


def test_agree_without_a_shared_labelled_sentence_does_not_refuse_types(tmp_path):
    (tmp_path / "m1.conll").write_text("a B-ORG\n\nb ?\n\n")
    (tmp_path / "m2.conll").write_text("a ?\n\nb B-PER\n\n")
    result = CliRunner().invoke(main, ["agree", str(tmp_path / "m1.conll"), str(tmp_path / "m2.conll"),
                                       "--types", "PER"])
    assert result.exit_code == 0, result.output


def test_evaluate_takes_numpy_arrays_of_tags():
    """Sentences as numpy string arrays (a model's decoded output) score like lists; an
    empty sentence is skipped instead of raising numpy's truth-value ValueError."""
    import numpy as np
    from seqeval.metrics import f1_score

    from seqeval_suite import evaluate

    gold = [np.array(["B-PER", "I-PER", "O"]), np.array([], dtype=str), np.array(["B-LOC"])]
    pred = [np.array(["B-PER", "I-PER", "O"]), np.array([], dtype=str), np.array(["B-ORG"])]
    report = evaluate(gold, pred)
    assert report.micro.f1 == f1_score([list(g) for g in gold if len(g)], [list(p) for p in pred if len(p)])
