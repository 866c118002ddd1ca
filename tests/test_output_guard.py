"""Issue 16 case 17 and its neighbours: no command's --output may overwrite any file the
command reads, whichever option named that file (exit 2, the file unchanged)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from seqeval_suite.cli import main

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture()
def files(tmp_path):
    for name in ("examples/news.gold.conll", "examples/news.pred.conll", "formats/hf_ids.jsonl",
                 "formats/hf_ids.labels.txt", "germeval/loose.map", "germeval/sample.gold.tsv",
                 "germeval/sample.pred.tsv"):
        shutil.copy(REPO / "corpora" / name, tmp_path / Path(name).name)
    return tmp_path


CASES = [
    (["validate", "news.gold.conll", "-o", "news.gold.conll"], "news.gold.conll"),
    (["validate", "news.gold.conll", "-f", "json", "-o", "news.gold.conll"], "news.gold.conll"),
    (["evaluate", "hf_ids.jsonl", "hf_ids.jsonl", "--labels", "hf_ids.labels.txt", "-o", "hf_ids.labels.txt"],
     "hf_ids.labels.txt"),
    (["evaluate", "sample.gold.tsv", "sample.pred.tsv", "--layers", "2,3", "--comments", "--type-map", "loose.map",
      "-o", "loose.map"], "loose.map"),
    (["errors", "news.gold.conll", "news.pred.conll", "-o", "news.pred.conll"], "news.pred.conll"),
]


@pytest.mark.parametrize("args,victim", CASES)
def test_output_that_is_an_input_is_refused(files, monkeypatch, args, victim):
    monkeypatch.chdir(files)
    before = (files / victim).read_bytes()
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert f"--output {victim} is one of the inputs" in result.output
    assert (files / victim).read_bytes() == before


def test_output_elsewhere_is_written(files, monkeypatch):
    monkeypatch.chdir(files)
    result = CliRunner().invoke(main, ["validate", "news.gold.conll", "-o", "report.txt"])
    assert result.exit_code == 0 and "tokens:" in (files / "report.txt").read_text()


def test_disagreements_file_is_an_output_not_an_input(tmp_path, monkeypatch):
    shutil.copy(REPO / "corpora" / "agreement" / "all.conll", tmp_path / "all.conll")
    monkeypatch.chdir(tmp_path)
    args = ["agree", "all.conll", "--columns", "1,2,3", "--disagreements", "dis.csv"]
    for _ in range(2):  # a second run rewrites its own output
        assert CliRunner().invoke(main, args).exit_code == 0
    before = (tmp_path / "all.conll").read_bytes()
    result = CliRunner().invoke(main, ["agree", "all.conll", "--columns", "1,2,3", "--disagreements", "all.conll"])
    assert result.exit_code == 2 and "--disagreements all.conll is one of the inputs" in result.output
    assert (tmp_path / "all.conll").read_bytes() == before


def test_output_inside_an_input_folder_is_refused(tmp_path, monkeypatch):
    shutil.copytree(REPO / "corpora" / "curve" / "dev", tmp_path / "dev")
    shutil.copy(REPO / "corpora" / "curve" / "dev.conll", tmp_path / "dev.conll")
    monkeypatch.chdir(tmp_path)
    victim = tmp_path / "dev" / "checkpoint-500.conll"
    before = victim.read_bytes()
    result = CliRunner().invoke(main, ["curve", "dev.conll", "dev", "--resamples", "20", "-o",
                                       "dev/checkpoint-500.conll"])
    assert result.exit_code == 2 and "is a file inside the input folder dev" in result.output
    assert victim.read_bytes() == before


def test_markdown_outside_tables_is_escaped_too(tmp_path, monkeypatch):
    """Issue 16 case 18's kind beyond tables: agreement headings and summaries, curve
    bullets and error-example fences keep user text as text."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.conll").write_text("Ann B-PER B-PER\nleft O B-LOC\n\n")
    result = CliRunner().invoke(main, ["agree", "a.conll", "--columns", "1,2", "--names",
                                       "x|y,<img src=x onerror=alert(1)>", "-f", "markdown"])
    assert result.exit_code == 0 and "<img" not in result.stdout and "&lt;img" in result.stdout
    (tmp_path / "g.conll").write_text("``` B-PER\n<script>x</script> O\n\n")
    (tmp_path / "p.conll").write_text("``` B-LOC\n<script>x</script> O\n\n")
    result = CliRunner().invoke(main, ["errors", "g.conll", "p.conll", "-f", "markdown"])
    fence = result.stdout.split("**Examples (first occurrence)**\n\n")[1].splitlines()[0]
    assert fence == "````"  # longer than the token's backticks, so the token cannot close it
    (tmp_path / "ck").mkdir()
    for step in (100, 200):
        (tmp_path / "ck" / f"<b>-{step}.conll").write_text("Ann B-PER\nleft O\n\n")
    (tmp_path / "gold.conll").write_text("Ann B-PER\nleft O\n\n")
    result = CliRunner().invoke(main, ["curve", "gold.conll", "ck", "--resamples", "10", "-f", "markdown"])
    assert result.exit_code == 0 and "<b>" not in result.stdout and "&lt;b&gt;-100.conll" in result.stdout


def test_type_map_with_an_invisible_character_is_refused(tmp_path):
    (tmp_path / "tm.map").write_text("LOCderiv=LOC\u200b\n", encoding="utf-8")
    germeval = REPO / "corpora" / "germeval"
    result = CliRunner().invoke(main, ["evaluate", str(germeval / "sample.gold.tsv"), str(germeval / "sample.pred.tsv"),
                                       "--layers", "2,3", "--comments", "--type-map", str(tmp_path / "tm.map")])
    assert result.exit_code == 2 and "the new type name holds an invisible character" in result.output
