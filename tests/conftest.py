"""Shared fixtures: write small CoNLL files and run the CLI in-process."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from seqeval_suite.cli import main


def conll(sentences, *, extra_columns: int = 0) -> str:
    """CoNLL text from sentences given as lists of (token, tag, ...) tuples or tag lists."""
    out = []
    for sentence in sentences:
        for k, row in enumerate(sentence):
            if isinstance(row, str):
                row = (f"t{k}", row)
            out.append(" ".join(row))
        out.append("")
    return "\n".join(out) + ("\n" if out else "")


@pytest.fixture
def write(tmp_path: Path):
    """``write(name, text_or_bytes)`` -> path of a new file under tmp_path."""

    def _write(name: str, content) -> str:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return str(path)

    return _write


@pytest.fixture
def cli():
    """``cli(*args, input=None)`` -> click Result with separate stdout/stderr."""
    runner = CliRunner()

    def _run(*args, input=None):
        return runner.invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)

    return _run
