"""Issue 5: the ``compare`` command."""
from __future__ import annotations

import json

from conftest import conll

GOLD = [[("Ann", "B-PER"), ("met", "O"), ("Bo", "B-PER")], [("in", "O"), ("Oslo", "B-LOC")]] * 10
BAD = [[("Ann", "O"), ("met", "O"), ("Bo", "B-PER")], [("in", "O"), ("Oslo", "B-ORG")]] * 10


def test_compare_identical_files_p_one(write, cli):
    gold = write("gold.conll", conll(GOLD))
    result = cli("compare", gold, gold, gold, "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["p_value"] == 1.0 and data["delta"] == 0.0 and data["better"] is None
    assert data["ci"]["low"] == data["ci"]["high"] == 0.0
    assert data["schema_version"] == 1 and data["test"] == "ar" and data["resamples"] == 10000


def test_compare_better_system_and_determinism(write, cli):
    gold = write("gold.conll", conll(GOLD))
    bad = write("bad.conll", conll(BAD))
    args = ("compare", gold, gold, bad, "--test", "bootstrap", "--resamples", "200", "-f", "json")
    first = cli(*args)
    assert first.exit_code == 0, first.stderr
    data = json.loads(first.stdout)
    assert data["better"] == "a" and data["delta"] > 0 and data["p_value"] < 0.05
    assert data["systems"]["a"]["micro_f1"] == 1.0
    assert cli(*args).stdout == first.stdout


def test_compare_formats_and_bad_option(write, cli):
    gold = write("gold.conll", conll(GOLD))
    bad = write("bad.conll", conll(BAD))
    for fmt in ("table", "csv", "markdown", "latex"):
        result = cli("compare", gold, bad, gold, "--resamples", "50", "-f", fmt)
        assert result.exit_code == 0 and "B" in result.stdout
    assert cli("compare", gold, bad, gold, "--test", "nope").exit_code == 2


def test_compare_misaligned_is_data_error(write, cli):
    gold = write("gold.conll", conll(GOLD))
    short = write("short.conll", conll(GOLD[:3]))
    result = cli("compare", gold, gold, short)
    assert result.exit_code == 1 and result.stdout == "" and "Traceback" not in result.stderr
