"""Issue 19: boards that read well where NLP people read them.

One signature line under each board instead of a Signature column, per-type F1 in a
table of its own, short Markdown rows, LaTeX that fits the text width and prints
``|``, ``<``, ``>`` as written, and one vocabulary for ``tied_with_top`` in the CSV.
(The HTML page is checked in a browser in test_runner_html.py.)
"""
from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from seqeval_suite.config import load_config
from seqeval_suite.render.leaderboard import boards, render_all, render_csv, render_latex, render_markdown
from seqeval_suite.runner import run_benchmark

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "corpora" / "demo"
#: The longest Markdown table row the demo board may have (360 characters before issue 19).
MAX_ROW = 150
HOSTILE = r"a|b <c> & 50% $x$ #1 _y_ {z} ~ ^ \ end"


def _bench(tmp_path: Path, systems: str, *, scoring: str = "resamples: 200", corpora: str | None = None) -> dict:
    (tmp_path / "bench.yaml").write_text(
        f"scoring: {{{scoring}}}\n"
        + (corpora or f"corpora: [{{id: news, name: News, path: {DEMO / 'news.test.conll'}}},"
                      f" {{id: web, name: Web, path: {DEMO / 'web.test.conll'}}}]\n")
        + "systems:\n" + systems, encoding="utf-8")
    return run_benchmark(load_config(tmp_path / "bench.yaml"))


def _pred(system: str, corpus: str, seed: int | None = None) -> Path:
    return DEMO / "preds" / (f"{system}.{corpus}.seed{seed}.conll" if seed else f"{system}.{corpus}.conll")


def _two_systems(name: str = "CRF", extra: str = "") -> str:
    return (f"  - {{id: crf, name: \"{name}\", predictions: {{news: [{_pred('crf', 'news', 1)}, {_pred('crf', 'news', 2)}],"
            f" web: {_pred('crf', 'web', 1)}}}{extra}}}\n"
            f"  - {{id: gaz, name: Gazetteer, predictions: {{news: {_pred('gazetteer', 'news')},"
            f" web: {_pred('gazetteer', 'web')}}}}}\n")


@pytest.fixture(scope="module")
def demo_files() -> dict[str, str]:
    """The committed demo boards (regenerated with `seqeval-suite run configs/demo.yaml`)."""
    folder = REPO / "leaderboard" / "demo-ner"
    return {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.is_file()}


# ------------------------------------------------------------------ Markdown
def test_markdown_demo_rows_are_short(demo_files):
    rows = [line for line in demo_files["leaderboard.md"].splitlines() if line.startswith("|")]
    assert rows and max(len(row) for row in rows) <= MAX_ROW


def test_markdown_signature_is_one_footer_line_per_board(demo_files):
    md = demo_files["leaderboard.md"]
    n_boards = md.count("\n## ")
    assert n_boards == 3
    footers = [line for line in md.splitlines() if line.startswith("Signature: `")]
    assert len(footers) == n_boards and len(set(footers)) == 1
    assert "Signature |" not in md and not any("version:" in line for line in md.splitlines() if line.startswith("|"))
    # the footer comes right under its table
    for block in md.split("\n## ")[1:]:
        table_end = block.index("\n\n", block.index("| Rank |"))
        assert block[table_end + 2:].startswith("Signature: `")


def test_markdown_per_type_f1_table_under_each_corpus_board(tmp_path):
    results = _bench(tmp_path, _two_systems())
    md = render_markdown(results)
    main_header = next(line for line in md.splitlines() if line.startswith("| Rank |"))
    assert "LOC F1" not in main_header  # the per-type columns left the main table
    for board in boards(results)[:2]:
        section = md.split(f"### Per-type F1: {board.title}\n\n")[1].split("\n\n")[0].splitlines()
        assert section[0] == "| Rank | System | LOC F1 | MISC F1 | ORG F1 | PER F1 |"
        for line, row in zip(section[2:], board.rows):
            cells = [c.strip() for c in line.strip("|").split("|")]
            assert cells[1] == row.name
            mean, std = row.values["f1:PER"]
            assert cells[5] == (f"{100 * mean:.2f}" if std is None else f"{100 * mean:.2f} ± {100 * std:.2f}")
    assert "### Per-type F1: Overall" not in md


def test_signature_footer_names_the_systems_when_they_differ(tmp_path):
    results = _bench(tmp_path, _two_systems(extra=", types: [PER, LOC]"))
    news, _, overall = boards(results)
    assert news.footer.by == "system"
    assert sorted(names for _, names in news.footer.groups) == [("CRF",), ("Gazetteer",)]
    assert overall.footer.by == "corpus and system"
    md = render_markdown(results)
    assert md.count("Signatures differ by system:\n") == 2
    assert "- `mode:lenient|scheme:auto|suffix:no|types:LOC,PER|" in md and "`: CRF\n" in md
    assert "Signatures differ by corpus and system: see each corpus board." in md
    html = render_all(results, ["html"])["index.html"]
    assert html.count("<p>Signatures differ by system:</p>") == 2
    assert render_latex(results).count("Signatures differ by system: ") == 2


def test_signature_footer_names_the_corpora_when_they_differ(tmp_path):
    corpora = (f"corpora: [{{id: news, name: News, path: {DEMO / 'news.test.conll'}, scheme: IOB2}},"
               f" {{id: web, name: Web, path: {DEMO / 'web.test.conll'}}}]\n")
    results = _bench(tmp_path, _two_systems(), corpora=corpora)
    news, web, overall = boards(results)
    assert news.footer.by == web.footer.by == ""
    assert overall.footer.by == "corpus"
    assert [names for _, names in overall.footer.groups] == [("News",), ("Web",)]
    md = render_markdown(results)
    assert "Signatures differ by corpus:\n\n- `mode:lenient|scheme:IOB2|" in md and "`: News\n" in md and "`: Web\n" in md


# ------------------------------------------------------------------ CSV
def test_csv_tied_with_top_has_one_vocabulary(demo_files):
    rows = list(csv.DictReader(io.StringIO(demo_files["leaderboard.csv"])))
    marks = {(r["board"], r["system"]): r["tied_with_top"] for r in rows}
    assert set(marks.values()) <= {"top", "yes", "no", ""}
    for board in ("news-test", "web-test"):
        assert sorted(m for (b, _), m in marks.items() if b == board) == ["no", "top", "yes", "yes"]
    assert {m for (b, _), m in marks.items() if b == "overall"} == {""}
    for word in ("``top``", "``yes``", "``no``"):
        assert word in render_csv.__doc__
    # the per-type F1 stay in the CSV (a machine format: width does not matter)
    assert {"f1_LOC", "f1_PER", "signature"} <= set(rows[0])


# ------------------------------------------------------------------ LaTeX
def test_latex_names_its_packages_and_fits_every_tabular(demo_files):
    tex = demo_files["leaderboard.tex"]
    head = tex.split("\n\n")[0]
    assert all(line.startswith("%") for line in head.splitlines())
    for package in (r"\usepackage[T1]{fontenc}", r"\usepackage{booktabs}", r"\usepackage{graphicx}"):
        assert package in head
    assert tex.count(r"\begin{tabular}{") == tex.count(r"\resizebox{\ifdim\width>\linewidth\linewidth\else\width\fi}{!}{%")
    assert tex.count(r"\begin{tabular}{") == 5  # 3 boards + 2 per-type tables
    assert tex.count(r"{\footnotesize Signature: \texttt{") == 3
    assert "version:0.1.0} " not in tex and "& \\texttt" not in tex  # no signature column


def test_latex_escapes_bar_and_angle_brackets(tmp_path):
    results = _bench(tmp_path, _two_systems(name=HOSTILE.replace("\\", "\\\\")), scoring="resamples: 0")
    tex = render_latex(results)
    assert (r"a\textbar{}b \textless{}c\textgreater{} \& 50\% \$x\$ \#1 \_y\_ \{z\} \textasciitilde{} "
            r"\textasciicircum{} \textbackslash{} end") in tex
    assert "a|b" not in tex and "<c>" not in tex


def _pdflatex(tmp_path: Path, body: str) -> tuple[subprocess.CompletedProcess, str]:
    (tmp_path / "board.tex").write_text(body, encoding="utf-8")
    doc = tmp_path / "doc.tex"
    doc.write_text("\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{booktabs}\n"
                   "\\usepackage{graphicx}\n\\begin{document}\n\\input{board.tex}\n\\end{document}\n",
                   encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", doc.name],
                          check=False, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    return done, (tmp_path / "doc.log").read_text(encoding="latin-1")


needs_pdflatex = pytest.mark.skipif(shutil.which("pdflatex") is None,
                                    reason="needs pdflatex (apt-get install texlive-latex-recommended)")


@needs_pdflatex
def test_latex_demo_compiles_within_the_text_width(tmp_path, demo_files):
    done, log = _pdflatex(tmp_path, demo_files["leaderboard.tex"])
    assert done.returncode == 0, log[-2000:]
    assert "Overfull \\hbox" not in log  # 1,146 pt too wide before issue 19


@needs_pdflatex
def test_latex_hostile_names_and_many_types_compile(tmp_path):
    """Twelve entity types and a name made of LaTeX's special characters: it compiles,
    fits, and prints the name as written."""
    types = [f"TYPE{k}" for k in range(12)]
    gold = "".join(f"w{k} B-{t}\nx O\n\n" for k, t in enumerate(types))
    pred = "".join(f"w{k} B-{types[(k + k % 2) % 12]}\nx O\n\n" for k in range(12))
    (tmp_path / "g.conll").write_text(gold)
    (tmp_path / "p.conll").write_text(pred)
    # A perfect system: a copy of gold (gold itself as its own prediction is refused, issue 16).
    (tmp_path / "perfect.conll").write_text(gold)
    corpora = "corpora: [{id: c1, path: g.conll}, {id: c2, path: g.conll}]\n"
    name = HOSTILE.replace("\\", "\\\\")
    results = _bench(tmp_path, f'  - {{id: s, name: "{name}", predictions: {{c1: p.conll, c2: [p.conll, perfect.conll]}}}}\n'
                               "  - {id: t, name: Other, predictions: {c1: perfect.conll, c2: perfect.conll}}\n",
                     scoring="resamples: 100", corpora=corpora)
    done, log = _pdflatex(tmp_path, render_latex(results))
    assert done.returncode == 0, log[-2000:]
    assert "Overfull \\hbox" not in log
    if shutil.which("pdftotext"):
        subprocess.run(["pdftotext", "-layout", "doc.pdf", "doc.txt"], cwd=tmp_path, check=True, timeout=60)
        printed = (tmp_path / "doc.txt").read_text(encoding="utf-8")
        assert "a|b <c> & 50% $x$ #1 _y_ {z}" in " ".join(printed.split())
