"""Issue 16 case 23's kind: a bad option value is a usage error (exit 2, one clear line)
in every command, never an "internal error". Found by trying odd values on every option."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from seqeval_suite.cli import main

C = str(Path(__file__).resolve().parent.parent / "corpora")
COMMANDS = {
    "evaluate": [f"{C}/examples/news.gold.conll", f"{C}/examples/news.pred.conll"],
    "errors": [f"{C}/examples/news.gold.conll", f"{C}/examples/news.pred.conll"],
    "compare": [f"{C}/compare/gold.conll", f"{C}/compare/sys_a.conll", f"{C}/compare/sys_b.conll"],
    "agree": [f"{C}/agreement/ann1.conll", f"{C}/agreement/ann2.conll"],
    "validate": [f"{C}/examples/news.gold.conll"],
    "convert": [f"{C}/examples/news.gold.conll", "converted.conll"],
    "curve": [f"{C}/curve/dev.conll", f"{C}/curve/dev"],
    "threshold": [f"{C}/thresholds/gold.conll", f"{C}/thresholds/pred.jsonl"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("value", ["abc", "", "utf-9", "base64", "rot13"])
def test_unknown_encoding_is_a_usage_error(command, value, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [command, *COMMANDS[command], "--encoding", value])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--encoding'" in result.output
    assert "unknown encoding" in result.output or "is not a text encoding" in result.output
    assert "internal error" not in result.output and not (tmp_path / "converted.conll").exists()


@pytest.mark.parametrize("command", sorted(set(COMMANDS) - {"threshold"}))
def test_empty_delimiter_is_a_usage_error(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [command, *COMMANDS[command], "--delimiter", ""])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--delimiter': an empty separator" in result.output


def test_known_encodings_still_work():
    result = CliRunner().invoke(main, ["evaluate", *COMMANDS["evaluate"], "--encoding", "latin-1", "-q"])
    assert result.exit_code == 0


@pytest.mark.parametrize("key,value,expected", [("encoding", "base64", "corpora[0].encoding: 'base64' is not a text"),
                                                ("delimiter", "", "corpora[0].delimiter: an empty separator")])
def test_config_encoding_and_delimiter_are_checked(tmp_path, key, value, expected):
    import yaml

    data = {"name": "x", "corpora": [{"id": "c", "path": COMMANDS["evaluate"][0], key: value}],
            "systems": [{"id": "s", "predictions": {"c": COMMANDS["evaluate"][1]}}]}
    path = tmp_path / "x.yaml"
    path.write_text(yaml.safe_dump(data))
    result = CliRunner().invoke(main, ["run", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and expected in result.stderr and "internal error" not in result.stderr


@pytest.mark.parametrize("command", ["evaluate", "errors", "compare"])
def test_conlleval_delimiter_that_is_not_a_regex_is_a_usage_error(command, tmp_path, monkeypatch):
    """In conlleval mode --delimiter is conlleval.pl's -d, a regex: '(' was an internal error."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [command, *COMMANDS[command], "--mode", "conlleval", "--delimiter", "("])
    assert result.exit_code == 2, result.output
    assert "--delimiter '(': not a valid regular expression" in result.output
    assert "internal error" not in result.output


def test_config_conlleval_delimiter_that_is_not_a_regex_is_a_config_error(tmp_path):
    import yaml

    data = {"name": "x", "scoring": {"mode": "conlleval"},
            "corpora": [{"id": "c", "path": COMMANDS["evaluate"][0], "delimiter": "["}],
            "systems": [{"id": "s", "predictions": {"c": COMMANDS["evaluate"][1]}}]}
    path = tmp_path / "x.yaml"
    path.write_text(yaml.safe_dump(data))
    result = CliRunner().invoke(main, ["run", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and "corpora[0].delimiter: not a valid regular expression" in result.stderr


@pytest.mark.parametrize("suffix", [".conll", ".jsonl"])
def test_utf16_without_byte_order_mark_is_a_data_error(tmp_path, suffix):
    """UTF-16 without a BOM raises a plain UnicodeError (not UnicodeDecodeError): it was
    an internal error; it is a data error naming the file and the encodings to try."""
    text = ("EU B-ORG B-ORG\n" if suffix == ".conll" else '{"tokens": ["EU"], "ner_tags": ["B-ORG"]}\n')
    path = tmp_path / f"u16{suffix}"
    path.write_bytes(text.encode("utf-16-le"))
    args = [str(path)] if suffix == ".conll" else [str(path), str(path)]
    result = CliRunner().invoke(main, ["evaluate", *args, "--encoding", "utf-16"])
    assert result.exit_code == 1, result.output
    assert f"{path}" in result.stderr and "not valid utf-16" in result.stderr and "utf-16-le" in result.stderr
    ok = CliRunner().invoke(main, ["evaluate", *args, "--encoding", "utf-16-le", "-f", "json", "-q"])
    assert ok.exit_code == 0 and '"f1": 1.0' in ok.output
