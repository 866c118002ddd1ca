"""Issue 16 cases 20 and 22: a YAML alias bomb is refused at once; a spaCy system name
is checked without importing (running) any module; echoed values are short."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from seqeval_suite.config import load_config
from seqeval_suite.errors import ConfigError


def _bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for k in range(1, levels):
        lines.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 9) + "]")
    return "\n".join(lines) + f"\nscoring:\n  types: *a{levels - 1}\n"


def test_alias_bomb_is_refused_fast_without_echoing_it(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(_bomb(), encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(ConfigError, match="alias bomb") as error:
        load_config(str(path))
    assert time.perf_counter() - start < 2.0  # 9**9 values if expanded
    assert len(str(error.value)) < 400


def test_ordinary_aliases_still_work(tmp_path, write):
    gold = write("g.conll", "a B-X\n\n")
    path = tmp_path / "ok.yaml"
    path.write_text(f"corpora: [{{id: c, path: {gold}}}]\ntypes: &t [X]\n"
                    f"systems: [{{id: s, predictions: {{c: {gold}}}, types: *t}}]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:  # 'types' at top level is unknown; the alias itself is fine
        load_config(str(path))
    assert "unknown key" in str(error.value) and "alias bomb" not in str(error.value)


def test_a_dotted_spacy_name_is_refused_without_importing_its_package(tmp_path, write):
    gold = write("g.conll", "a B-X\n\n")
    path = tmp_path / "sp.yaml"
    path.write_text(f"corpora: [{{id: c, path: {gold}}}]\nsystems: [{{id: s, spacy: this.x}}]\n", encoding="utf-8")
    code = ("import sys\nfrom seqeval_suite.config import load_config\n"
            f"try:\n    load_config({str(path)!r})\nexcept Exception as e:\n    print(type(e).__name__)\n"
            "print('this' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["ConfigError", "False"]  # refused, and `this` never ran
    assert "Zen of Python" not in done.stdout


def test_long_values_are_echoed_as_short_excerpts(tmp_path):
    path = tmp_path / "long.yaml"
    path.write_text("scoring: {mode: '" + "z" * 100_000 + "'}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(str(path))
    assert "(100002 characters)" in str(error.value) and len(str(error.value)) < 1000
