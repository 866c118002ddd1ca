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
