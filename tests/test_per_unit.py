"""``evaluate --per sentence|document`` (issue 19): one row per unit, each equal to
evaluating that unit alone."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from seqeval_suite import evaluate

NEWS = Path(__file__).resolve().parents[1] / "corpora" / "examples" / "news.conll"


def _documents(text: str) -> list[str]:
    parts, current = [], []
    for line in text.splitlines(keepends=True):
        if line.startswith("-DOCSTART-"):
            if current:
                parts.append("".join(current))
            current = []
        else:
            current.append(line)
    parts.append("".join(current))
    return [p for p in parts if p.strip()]


def test_per_document_rows_equal_each_document_scored_alone(cli, write):
    rows = list(csv.DictReader(io.StringIO(cli("evaluate", str(NEWS), "--per", "document", "-f", "csv").stdout)))
    documents = _documents(NEWS.read_text(encoding="utf-8"))
    assert len(rows) == len(documents) == 3
    for row, text in zip(rows, documents):
        alone = evaluate(write("doc.conll", text))
        assert (int(row["tp"]), int(row["fp"]), int(row["fn"])) == (alone.micro.tp, alone.micro.fp, alone.micro.fn)
        assert float(row["f1"]) == pytest.approx(alone.micro.f1)


def test_per_sentence_rows_add_up_to_the_report(cli):
    data = json.loads(cli("evaluate", str(NEWS), "--per", "sentence", "-f", "json").stdout)
    report = evaluate(str(NEWS))
    assert data["per"] == "sentence" and len(data["rows"]) == report.sentences
    assert sum(r["tp"] for r in data["rows"]) == report.micro.tp
    assert sum(r["fn"] for r in data["rows"]) == report.micro.fn
    assert [r["document"] for r in data["rows"]][:2] == [1, 1] and data["rows"][-1]["document"] == 3


@pytest.mark.parametrize("args, message", [(["--per", "sentence"], "-f csv or -f json"),
                                           (["--per", "document", "-f", "csv", "--format-in", "jsonl"], "")])
def test_per_unit_usage_errors(cli, args, message):
    if "--format-in" in args:
        root = NEWS.parents[1] / "formats"
        result = cli("evaluate", str(root / "hf_names.jsonl"), str(root / "prodigy.jsonl"), "--per", "document",
                     "-f", "csv")
        assert result.exit_code == 2 and "document numbers" in result.stderr
        return
    result = cli("evaluate", str(NEWS), *args)
    assert result.exit_code == 2 and message in result.stderr
