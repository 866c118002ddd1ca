"""Issue 18: a system's `checkpoints:` key in the runner, and its learning curve on the board."""
from __future__ import annotations

import csv
import io
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from seqeval.metrics import f1_score

from seqeval_suite.cli import main
from seqeval_suite.config import load_config, validate
from seqeval_suite.curves import learning_curve
from seqeval_suite.errors import ConfigError, DataError
from seqeval_suite.render.leaderboard import load_results, render_all
from seqeval_suite.runner import run_benchmark

REPO = Path(__file__).resolve().parent.parent
CURVE = REPO / "corpora" / "curve"
CONFIG = REPO / "configs" / "curve.yaml"


@pytest.fixture(scope="module")
def results():
    return run_benchmark(load_config(CONFIG))


def _read_conll(path: Path) -> list[list[str]]:
    sentences, current = [], []
    for line in path.read_text().splitlines():
        if not line.strip():
            if current:
                sentences.append(current)
            current = []
        elif not line.startswith("-DOCSTART-"):
            current.append(line.split()[-1])
    if current:
        sentences.append(current)
    return sentences


def test_board_curve_equals_the_curve_command(results):
    (curve,) = results["curves"]
    api = learning_curve(str(CURVE / "dev.conll"), [str(CURVE / "dev")], train_gold=str(CURVE / "train.conll"),
                         train_preds=[str(CURVE / "train")], scheme="IOB2", resamples=1000, seed=0).to_dict()
    for key in ("series", "best", "tests", "diagnosis", "noise_level", "signature"):
        assert curve[key] == api[key], key
    assert curve["system"] == "tagger" and curve["gold"] == "../corpora/curve/dev.conll"
    assert curve["train_gold"] == "../corpora/curve/train.conll"
    cli = CliRunner().invoke(main, ["curve", str(CURVE / "dev.conll"), str(CURVE / "dev"), "--scheme", "IOB2",
                                    "--resamples", "1000", "-f", "json"])
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.stdout)["series"]["dev"] == curve["series"]["dev"]


def test_checkpoint_f1_equals_seqeval(results):
    gold = _read_conll(CURVE / "dev.conll")
    for checkpoint in results["curves"][0]["series"]["dev"]["checkpoints"]:
        pred = _read_conll(CURVE / "dev" / checkpoint["file"])
        assert checkpoint["micro"]["f1"] == pytest.approx(f1_score(gold, pred), abs=1e-12)


def test_board_row_is_the_predictions_not_the_best_checkpoint(results):
    run = results["results"][0]["runs"][0]
    assert run["file"] == "../corpora/curve/dev/checkpoint-4000.conll"
    last = results["curves"][0]["series"]["dev"]["checkpoints"][-1]
    assert run["derived"]["micro"]["f1"] == pytest.approx(last["micro"]["f1"], abs=1e-12)
    assert results["curves"][0]["best"]["step"] == 3500


def test_markdown_latex_csv_show_the_curve(results):
    out = render_all(results)
    md = out["leaderboard.md"]
    assert "## Learning curve: Tagger (final checkpoint) (../corpora/curve/dev.conll, 400 sentences, 8 checkpoints)" in md
    assert "| 3500 | checkpoint-3500.conll | 86.76 | 84.60 | 85.67 | 83.52–87.61 | 85.63 | best |" in md
    assert "| plateau | trend | yes |" in md and "Best vs last (step 4000)" in md
    assert "Learning curve: Tagger" in out["leaderboard.tex"] and "checkpoint-3500.conll" in out["leaderboard.tex"]
    rows = list(csv.DictReader(io.StringIO(out["curves.csv"])))
    assert len(rows) == 16 and {r["series"] for r in rows} == {"dev", "train"}
    best = [r for r in rows if r["best"] == "1"]
    assert [(r["system"], r["step"]) for r in best] == [("tagger", "3500")]


class _Svg(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_html_plot_draws_every_series_and_the_best_point(results):
    page = render_all(results, ["html"])["index.html"]
    parser = _Svg()
    parser.feed(page)
    lines = [a for t, a in parser.tags if t == "polyline"]
    assert len(lines) == 4  # F1, P, R and train F1
    assert all(len(a["points"].split()) == 8 for a in lines)
    (band,) = [a for t, a in parser.tags if t == "polygon"]
    assert len(band["points"].split()) == 16
    (best,) = [a for t, a in parser.tags if t == "circle" and a.get("class") == "best"]
    points = [a for t, a in parser.tags if t == "circle" and a.get("class") == "point"]
    assert len(points) == 8  # one dot per dev checkpoint on the F1 line
    f1_line = [tuple(map(float, p.split(","))) for p in lines[0]["points"].split()]
    assert (float(best["cx"]), float(best["cy"])) == f1_line[6]  # step 3500 is the 7th checkpoint
    # The best point is the highest of the F1 line (SVG y grows downwards).
    assert float(best["cy"]) == min(y for _, y in f1_line)


def test_no_curves_no_curve_outputs():
    results = run_benchmark(load_config(REPO / "configs" / "demo.yaml"))
    assert "curves" not in results
    out = render_all(results)
    assert "curves.csv" not in out and "curve-plot" not in out["index.html"]


def test_run_cli_writes_the_curve_and_caches_it(tmp_path):
    work = tmp_path / "repo"
    shutil.copytree(REPO / "corpora" / "curve", work / "corpora" / "curve")
    (work / "configs").mkdir()
    shutil.copy(CONFIG, work / "configs" / "curve.yaml")
    runner = CliRunner()
    out = tmp_path / "board"
    first = runner.invoke(main, ["run", str(work / "configs" / "curve.yaml"), "-o", str(out), "-q"])
    assert first.exit_code == 0, first.output
    assert (out / "curves.csv").is_file()
    before = (out / "results.json").read_text()
    again = runner.invoke(main, ["run", str(work / "configs" / "curve.yaml"), "-o", str(out), "-q"])
    assert again.exit_code == 0 and (out / "results.json").read_text() == before
    import seqeval_suite.runner as runner_module

    def not_again(*args, **kwargs):
        raise AssertionError("the curve was scored again instead of read from the cache")

    original = runner_module.score_curve
    runner_module.score_curve = not_again
    try:
        cache = run_benchmark(load_config(work / "configs" / "curve.yaml"), cache_dir=out / ".seqeval-suite-cache")
    finally:
        runner_module.score_curve = original
    assert cache == json.loads(before)
    # A changed checkpoint file changes the curve: it is scored again, not read from the cache.
    path = work / "corpora" / "curve" / "dev" / "checkpoint-500.conll"
    path.write_text(path.read_text().replace("B-PER", "B-ORG", 5))
    third = runner.invoke(main, ["run", str(work / "configs" / "curve.yaml"), "-o", str(out), "-q"])
    assert third.exit_code == 0
    changed = json.loads((out / "results.json").read_text())["curves"][0]["series"]["dev"]["checkpoints"][0]
    assert changed["micro"] != json.loads(before)["curves"][0]["series"]["dev"]["checkpoints"][0]["micro"]


def _config(checkpoints, **system) -> dict:
    return {"name": "c", "scoring": {"resamples": 50},
            "corpora": [{"id": "dev", "path": str(CURVE / "dev.conll")}],
            "systems": [{"id": "t", "predictions": {"dev": str(CURVE / "dev" / "checkpoint-4000.conll")},
                         "checkpoints": checkpoints, **system}]}


@pytest.mark.parametrize("checkpoints,system,expected", [
    ({"predictions": str(CURVE / "dev")}, {}, "systems[0].checkpoints.gold: missing (required)"),
    ({"gold": str(CURVE / "dev.conll")}, {}, "systems[0].checkpoints.predictions: missing (required)"),
    ({"gold": str(CURVE / "dev.conll"), "predictions": str(CURVE / "nowhere")}, {},
     "systems[0].checkpoints.predictions: " + str(CURVE / "nowhere") + ": no such file or folder"),
    ({"gold": str(CURVE / "dev.conll"), "predictions": str(CURVE / "dev"), "steps": [1, 2]}, {},
     "systems[0].checkpoints.predictions: 2 steps for 8 prediction files"),
    ({"gold": str(CURVE / "dev.conll"), "predictions": str(CURVE / "dev"), "steps": "1,2"}, {},
     "systems[0].checkpoints.steps: expected a list of finite numbers"),
    ({"gold": str(CURVE / "dev.conll"), "predictions": str(CURVE / "dev"),
      "steps": [1, 2, 3, 4, 5, 6, 7, float("nan")]}, {}, "systems[0].checkpoints.steps: expected a list of finite"),
    ({"gold": str(CURVE / "dev.conll"), "predictions": str(CURVE / "dev"), "step_pattern": "("}, {},
     "systems[0].checkpoints.step_pattern: not a regular expression"),
    ({"gold": str(CURVE / "dev.conll"), "predictions": str(CURVE / "dev"), "epochs": 3}, {},
     "systems[0].checkpoints.epochs"),
    ({"gold": str(CURVE / "dev.conll"), "predictions": str(CURVE / "dev")}, {"label_map": {"PER": "P"}},
     "systems[0].label_map: cannot be combined with checkpoints"),
    ({"gold": str(CURVE / "dev.conll"), "predictions": str(CURVE / "dev"), "train": {"gold": str(CURVE / "train.conll")}},
     {}, "systems[0].checkpoints.train.predictions: missing (required)"),
    ([str(CURVE / "dev")], {}, "systems[0].checkpoints: expected a mapping"),
])
def test_checkpoint_config_errors_name_the_key(tmp_path, checkpoints, system, expected):
    with pytest.raises(ConfigError) as info:
        validate(_config(checkpoints, **system), tmp_path / "c.yaml")
    assert expected in str(info.value)


def test_file_without_a_step_and_duplicate_steps(tmp_path):
    folder = tmp_path / "ckpts"
    folder.mkdir()
    shutil.copy(CURVE / "dev" / "checkpoint-500.conll", folder / "final.conll")
    with pytest.raises(ConfigError, match=r"checkpoints\.predictions: .*final\.conll"):
        validate(_config({"gold": str(CURVE / "dev.conll"), "predictions": str(folder)}), tmp_path / "c.yaml")
    (folder / "final.conll").rename(folder / "a-step-500.conll")
    shutil.copy(CURVE / "dev" / "checkpoint-500.conll", folder / "b-step-500.conll")
    with pytest.raises(ConfigError, match="both have step 500"):
        validate(_config({"gold": str(CURVE / "dev.conll"), "predictions": str(folder)}), tmp_path / "c.yaml")
    steps = validate(_config({"gold": str(CURVE / "dev.conll"), "predictions": str(folder), "steps": [20, 10]}),
                     tmp_path / "c.yaml").systems[0].checkpoints.dev
    assert [(s, p.name) for s, (p, _) in zip(steps.steps, steps.files)] == [(10, "b-step-500.conll"),
                                                                            (20, "a-step-500.conll")]


def test_bad_checkpoint_data_is_a_data_error_naming_system_and_file(tmp_path):
    folder = tmp_path / "ckpts"
    folder.mkdir()
    shutil.copy(CURVE / "dev" / "checkpoint-500.conll", folder / "checkpoint-500.conll")
    lines = (CURVE / "dev" / "checkpoint-1000.conll").read_text().splitlines()
    (folder / "checkpoint-1000.conll").write_text("\n".join(lines[:-30]) + "\n")
    config = validate(_config({"gold": str(CURVE / "dev.conll"), "predictions": str(folder)}), tmp_path / "c.yaml")
    with pytest.raises(DataError) as info:
        run_benchmark(config)
    assert info.value.message.startswith("t checkpoints: ") and "checkpoint-1000.conll" in info.value.message
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(_config({"gold": str(CURVE / "dev.conll"), "predictions": str(folder)})))
    result = CliRunner().invoke(main, ["run", str(path), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_curve_names_are_escaped(tmp_path, results):
    hostile = json.loads(json.dumps(results))
    hostile["systems"][0]["name"] = "<script>alert(1)</script>|x"
    out = render_all(hostile)
    assert "<script>alert(1)" not in out["index.html"] and "<script>alert(1)" not in out["leaderboard.md"]
    assert "&lt;script&gt;" in out["index.html"]


def test_render_checks_curves_against_the_schema(tmp_path, results):
    path = tmp_path / "results.json"
    broken = json.loads(json.dumps(results))
    del broken["curves"][0]["series"]["dev"]["checkpoints"][2]["micro"]["ci"]
    path.write_text(json.dumps(broken))
    with pytest.raises(DataError, match=r"curves\[0\]\.series\.dev\.checkpoints\[2\]\.micro"):
        load_results(str(path))
    broken = json.loads(json.dumps(results))
    broken["curves"][0]["best"]["step"] = 3600
    path.write_text(json.dumps(broken))
    with pytest.raises(DataError, match=r"curves\[0\]\.best\.step: 3600 is not a step of the dev series"):
        load_results(str(path))
    path.write_text(json.dumps(results))
    assert load_results(str(path)) == results


def test_strict_mode_needs_a_scoring_scheme_for_checkpoints(tmp_path):
    data = _config({"gold": str(CURVE / "dev.conll"), "predictions": str(CURVE / "dev")})
    data["scoring"]["mode"] = "strict"
    data["corpora"][0]["scheme"] = "IOB2"
    with pytest.raises(ConfigError, match=r"systems\[0\]\.checkpoints: strict mode needs scoring.scheme"):
        validate(data, tmp_path / "c.yaml")
    data["scoring"]["scheme"] = "IOB2"
    assert validate(data, tmp_path / "c.yaml").systems[0].checkpoints is not None


def test_checkpoint_warnings_reach_the_terminal(tmp_path):
    folder = tmp_path / "ckpts"
    folder.mkdir()
    for step in (500, 1000):
        text = (CURVE / "dev" / f"checkpoint-{step}.conll").read_text()
        (folder / f"checkpoint-{step}.conll").write_text(text.replace("B-PER", "O-PER", 1))
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(_config({"gold": str(CURVE / "dev.conll"), "predictions": str(folder)})))
    result = CliRunner().invoke(main, ["run", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert "warning: t checkpoints: " in result.stderr and "O-PER" in result.stderr


def test_checkpoints_are_read_at_the_prediction_column(tmp_path):
    folder = tmp_path / "ckpts"
    folder.mkdir()
    for step in (500, 1000):
        rows = (CURVE / "dev" / f"checkpoint-{step}.conll").read_text().splitlines()
        # token pred X: the tag is in the middle column, the last one is noise.
        (folder / f"checkpoint-{step}.conll").write_text(
            "".join(f"{line} B-LOC\n" if line.strip() else "\n" for line in rows))
    data = _config({"gold": str(CURVE / "dev.conll"), "predictions": str(folder)}, prediction_column=1)
    data["systems"][0]["predictions"] = {"dev": str(folder / "checkpoint-500.conll")}
    results = run_benchmark(validate(data, tmp_path / "c.yaml"))
    plain = learning_curve(str(CURVE / "dev.conll"), [str(CURVE / "dev" / f"checkpoint-{s}.conll") for s in (500, 1000)],
                           resamples=50).to_dict()
    got = [c["micro"]["f1"] for c in results["curves"][0]["series"]["dev"]["checkpoints"]]
    assert got == [c["micro"]["f1"] for c in plain["series"]["dev"]["checkpoints"]]


def test_plot_of_one_checkpoint_and_of_an_all_zero_curve(results):
    from seqeval_suite.render.curve_board import plot

    one = json.loads(json.dumps(results["curves"][0]))
    one["series"]["dev"]["checkpoints"] = one["series"]["dev"]["checkpoints"][6:7]
    one["series"].pop("train")
    geometry = plot(one)
    assert len(geometry["markers"]) == 1 and geometry["best"]["x"] == geometry["markers"][0]["x"]
    zero = json.loads(json.dumps(one))
    checkpoint = zero["series"]["dev"]["checkpoints"][0]
    for key in ("precision", "recall", "f1"):
        checkpoint["micro"][key] = 0.0
        checkpoint["micro"]["ci"][key] = {"low": 0.0, "high": 0.0}
    ticks = [t["text"] for t in plot(zero)["y_ticks"]]
    assert ticks == ["0", "5", "10", "15", "20"]


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs pdflatex (apt-get install texlive-latex-recommended)")
def test_latex_curve_board_compiles(tmp_path, results):
    import subprocess

    from seqeval_suite.render.leaderboard import render_latex

    tex = render_latex(results)
    assert tex.isascii(), "T1 fontenc alone has no glyph for the delta or the en dash"
    (tmp_path / "board.tex").write_text(tex, encoding="utf-8")
    (tmp_path / "doc.tex").write_text("\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{booktabs}\n"
                                      "\\usepackage{graphicx}\n\\begin{document}\n\\input{board.tex}\n\\end{document}\n")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-2000:]


def test_the_gold_file_is_never_a_checkpoint(tmp_path):
    data = _config({"gold": str(CURVE / "dev.conll"),
                    "predictions": [str(CURVE / "dev" / "checkpoint-500.conll"), str(CURVE / "dev.conll")],
                    "steps": [1, 2]})
    with pytest.raises(ConfigError, match="is the series' gold file, read at its tag column: it would be scored"):
        validate(data, tmp_path / "c.yaml")
    result = CliRunner().invoke(main, ["curve", str(CURVE / "dev.conll"), str(CURVE / "dev" / "checkpoint-500.conll"),
                                       str(CURVE / "dev.conll"), "--steps", "1,2"])
    assert result.exit_code == 2 and "is the gold file: as a checkpoint it would be scored against itself" in result.output


def test_a_one_file_checkpoint_that_is_also_the_series_gold_reads_another_column(tmp_path):
    """`token pred gold` files: the gold of the series read at its last column and a
    checkpoint read at the system's prediction_column are two columns, not a file
    scored against itself."""
    (tmp_path / "ck-100.conll").write_text("a B-PER B-PER\nb O B-LOC\n\n")
    (tmp_path / "ck-200.conll").write_text("a B-PER B-PER\nb B-LOC B-LOC\n\n")
    data = {"name": "c", "scoring": {"resamples": 20}, "corpora": [{"id": "d", "path": str(tmp_path / "ck-100.conll")}],
            "systems": [{"id": "s", "prediction_column": 1, "predictions": {"d": str(tmp_path / "ck-200.conll")},
                         "checkpoints": {"gold": str(tmp_path / "ck-100.conll"),
                                         "predictions": [str(tmp_path / "ck-100.conll"), str(tmp_path / "ck-200.conll")]}}]}
    results = run_benchmark(validate(data, tmp_path / "c.yaml"))
    assert [c["micro"]["f1"] for c in results["curves"][0]["series"]["dev"]["checkpoints"]] == [2 / 3, 1.0]
