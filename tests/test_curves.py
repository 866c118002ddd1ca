"""``seqeval-suite curve`` and :mod:`seqeval_suite.curves` (issue 18).

The diagnosis rules are tested on synthetic curves whose answer is known (built as
:class:`~seqeval_suite.curves.Series` directly), including a healthy curve that fires
no warning; the scores are tested against ``evaluate`` on each file (differential), the
CIs against ``stats.bootstrap_ci``; the plots by decoding them.
"""
from __future__ import annotations

import json
import random
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from seqeval_suite import evaluate, stats
from seqeval_suite.curves import (
    Series,
    Thresholds,
    best_index,
    checkpoint_intervals,
    diagnose,
    learning_curve,
    noise_level,
    parse_step,
    parse_steps,
    resolve_checkpoints,
    runner_up_index,
)
from seqeval_suite.errors import DataError, UsageError

ROOT = Path(__file__).resolve().parents[1]
TYPES = ("PER", "ORG", "LOC")


# ---------------------------------------------------------------- synthetic curves

def curve(f1, *, half=0.01, gap=0.0, steps=None) -> Series:
    """A Series with the given F1 values, P - R = ``gap`` and CIs F1 ± ``half``."""
    f1 = list(f1)
    steps = steps or [100 * (i + 1) for i in range(len(f1))]
    gaps = gap if isinstance(gap, list) else [gap] * len(f1)
    return Series(steps=steps, precision=[f + g / 2 for f, g in zip(f1, gaps)],
                  recall=[f - g / 2 for f, g in zip(f1, gaps)], f1=f1,
                  f1_low=[f - half for f in f1], f1_high=[f + half for f in f1])


def fired(findings) -> dict:
    return {f.rule: f.fired for f in findings}


HEALTHY = [0.50, 0.65, 0.75, 0.80, 0.83, 0.84, 0.842, 0.843, 0.8435]
HEALTHY_TRAIN = [0.52, 0.70, 0.80, 0.86, 0.90, 0.92, 0.935, 0.945, 0.95]


def test_curves_healthy_curve_fires_no_warning_and_reports_a_plateau():
    findings = diagnose(curve(HEALTHY), curve(HEALTHY_TRAIN))
    assert fired(findings) == {"improving": False, "plateau": True, "unstable": False, "imbalance": False,
                               "overfitting": False}
    assert not [f for f in findings if f.kind == "warning" and f.fired]


def test_curves_healthy_curve_still_rising_is_improving_and_nothing_else():
    findings = diagnose(curve([0.40, 0.55, 0.65, 0.72, 0.78]))
    assert fired(findings) == {"improving": True, "plateau": False, "unstable": False, "imbalance": False,
                               "overfitting": None}


@pytest.mark.parametrize("f1, half, expected", [
    # gain over the checkpoint k=3 before the last: 0.08, more than epsilon and noise
    ([0.50, 0.60, 0.65, 0.70, 0.78], 0.01, True),
    # gain 0.02 but the noise level (CI half-width) is 0.05: within noise
    ([0.70, 0.71, 0.715, 0.72, 0.72], 0.05, False),
    # gain below epsilon 0.01
    ([0.80, 0.802, 0.804, 0.806, 0.808], 0.001, False),
    # falling
    ([0.80, 0.79, 0.78, 0.77], 0.001, False),
])
def test_curves_rule_improving(f1, half, expected):
    assert fired(diagnose(curve(f1, half=half)))["improving"] is expected


def test_curves_rule_improving_not_checked_on_one_checkpoint():
    assert fired(diagnose(curve([0.8])))["improving"] is None


@pytest.mark.parametrize("f1, half, expected", [
    # the last 3 gain at most 0.004 on 0.80, CIs overlap
    ([0.50, 0.70, 0.80, 0.803, 0.804, 0.801], 0.01, True),
    # gain 0.03 >= epsilon
    ([0.50, 0.70, 0.80, 0.81, 0.82, 0.83], 0.01, False),
    # gain < epsilon, but CIs so narrow that the last 3 do not overlap (0.809 vs 0.8005)
    ([0.50, 0.70, 0.81, 0.8, 0.809, 0.803], 0.0004, False),
    # falling by more than epsilon: no gain, CIs apart
    ([0.50, 0.80, 0.75, 0.70, 0.65], 0.01, False),
])
def test_curves_rule_plateau(f1, half, expected):
    assert fired(diagnose(curve(f1, half=half)))["plateau"] is expected


def test_curves_rule_plateau_needs_window_plus_one_checkpoints():
    assert fired(diagnose(curve([0.8, 0.8, 0.8])))["plateau"] is None
    assert fired(diagnose(curve([0.8, 0.8, 0.8]), thresholds=Thresholds(window=2)))["plateau"] is True


@pytest.mark.parametrize("f1, half, flips, expected", [
    # up, down, up, down, all by 0.1 > noise 0.01: 3 switches
    ([0.50, 0.60, 0.50, 0.60, 0.50], 0.01, 2, True),
    # the same wiggle but smaller than the noise level (0.005 < 0.02): ignored
    ([0.800, 0.805, 0.800, 0.805, 0.800], 0.02, 2, False),
    # one switch (up then down) is not "repeatedly"
    ([0.50, 0.70, 0.60], 0.01, 2, False),
    # ... unless --flips 1
    ([0.50, 0.70, 0.60], 0.01, 1, True),
    # a small dip between large gains is below the noise level: no switch
    ([0.50, 0.60, 0.595, 0.70, 0.80], 0.01, 1, False),
])
def test_curves_rule_unstable(f1, half, flips, expected):
    findings = diagnose(curve(f1, half=half), thresholds=Thresholds(flips=flips))
    assert fired(findings)["unstable"] is expected


@pytest.mark.parametrize("gap, expected_side", [
    (0.10, "precision"),               # P - R = 0.1 > 0.05 on every checkpoint
    (-0.10, "recall"),                 # R above P
    (0.03, None),                      # not large
    ([0.2, 0.2, 0.2, 0.02, 0.2, 0.2], None),   # not persistent over the last k = 3
    ([0.0, 0.0, 0.0, 0.1, 0.1, 0.1], "precision"),  # only the last k count
    ([0.1, 0.1, 0.1, 0.1, -0.1, 0.1], None),   # not one side
])
def test_curves_rule_imbalance_says_which_side(gap, expected_side):
    finding = diagnose(curve([0.5, 0.6, 0.7, 0.75, 0.78, 0.8], gap=gap))[3]
    assert finding.rule == "imbalance"
    assert finding.fired is (expected_side is not None)
    assert finding.evidence["side"] == expected_side
    if expected_side:
        assert expected_side in finding.message.split()[0]


@pytest.mark.parametrize("dev, train, expected", [
    # dev peaks at step 300 and falls 0.06 (> max(eps, noise 0.01)) while train rises
    ([0.60, 0.75, 0.80, 0.78, 0.74], [0.60, 0.80, 0.90, 0.95, 0.98], True),
    # dev falls but train falls too
    ([0.60, 0.75, 0.80, 0.78, 0.74], [0.60, 0.80, 0.90, 0.88, 0.85], False),
    # dev falls within the noise level (0.005 < 0.01)
    ([0.60, 0.75, 0.80, 0.798, 0.795], [0.60, 0.80, 0.90, 0.95, 0.98], False),
    # dev still rising
    ([0.60, 0.75, 0.80, 0.82, 0.84], [0.60, 0.80, 0.90, 0.95, 0.98], False),
])
def test_curves_rule_overfitting(dev, train, expected):
    finding = diagnose(curve(dev), curve(train))[4]
    assert finding.rule == "overfitting" and finding.fired is expected
    if expected:
        assert finding.evidence["best_step"] == 300 and "prefer the checkpoint at step 300" in finding.message


def test_curves_rule_overfitting_uses_shared_steps_and_needs_a_train_series():
    dev = curve([0.60, 0.75, 0.80, 0.78, 0.74])
    assert fired(diagnose(dev))["overfitting"] is None
    # train evaluated every other checkpoint only: shared steps 100, 300, 500
    train = curve([0.6, 0.9, 0.98], steps=[100, 300, 500])
    assert fired(diagnose(dev, train))["overfitting"] is True
    assert fired(diagnose(dev, curve([0.6], steps=[100])))["overfitting"] is None


def test_curves_noise_level_is_the_median_ci_half_width_unless_given():
    series = Series([1, 2, 3], [0.5] * 3, [0.5] * 3, [0.5] * 3, [0.49, 0.45, 0.40], [0.51, 0.55, 0.60])
    assert noise_level(series) == 0.05
    assert noise_level(series, 0.2) == 0.2
    assert [f.evidence.get("noise") for f in diagnose(series, thresholds=Thresholds(noise=0.2))][:1] == [0.2]


def test_curves_series_refuses_unsorted_steps_and_ragged_values():
    with pytest.raises(ValueError):
        curve([0.5, 0.6], steps=[200, 100])
    with pytest.raises(ValueError):
        Series([1, 2], [0.5], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5])


@pytest.mark.parametrize("f1, best, runner_up", [
    ([0.5, 0.7, 0.6], 1, 2),
    ([0.5, 0.7, 0.7, 0.6], 1, 2),   # ties: the earliest
    ([0.7, 0.7], 0, 1),
    ([0.9], 0, None),
])
def test_curves_best_and_runner_up(f1, best, runner_up):
    assert (best_index(f1), runner_up_index(f1)) == (best, runner_up)


# ---------------------------------------------------------------- steps and files

@pytest.mark.parametrize("name, step", [
    ("checkpoint-1200.conll", 1200),
    ("epoch_3.pred", 3),
    ("run2-step500.conll.gz", 500),
    ("model_v2_ckpt_0030.txt", 30),
    ("ckpt-7", 7),
    ("runs/9/checkpoint-10.conll", 10),
])
def test_curves_step_from_file_name(name, step):
    assert parse_step(name) == step


def test_curves_step_pattern_and_explicit_steps():
    assert parse_step("epoch-2.5-dev.conll", r"epoch-([\d.]+)") == 2.5
    assert parse_steps("100,200, 300") == [100, 200, 300]
    with pytest.raises(UsageError, match="no step"):
        parse_step("best.conll")
    with pytest.raises(UsageError, match="not a number"):
        parse_steps("100,x")


def test_curves_files_sorted_by_step_and_folders_expanded(tmp_path):
    folder = tmp_path / "ckpts"
    folder.mkdir()
    for name in ("checkpoint-1000.conll", "checkpoint-200.conll", ".hidden-5.conll"):
        (folder / name).write_text("")
    (folder / "sub-9").mkdir()
    gold = folder / "gold-1.conll"
    gold.write_text("")
    found = resolve_checkpoints([str(folder)], exclude=[str(gold)])
    assert [(c.step, Path(c.path).name) for c in found] == [(200, "checkpoint-200.conll"),
                                                           (1000, "checkpoint-1000.conll")]
    # --steps pair with the files in the order given (a folder's in name order)
    found = resolve_checkpoints([str(folder)], exclude=[str(gold)], steps=[5, 1])
    assert [(c.step, Path(c.path).name) for c in found] == [(1, "checkpoint-200.conll"), (5, "checkpoint-1000.conll")]


def test_curves_bad_file_lists_are_refused(tmp_path):
    a, b = tmp_path / "a-100.conll", tmp_path / "b-100.conll"
    a.write_text("")
    b.write_text("")
    with pytest.raises(UsageError, match="both have step 100"):
        resolve_checkpoints([str(a), str(b)])
    with pytest.raises(UsageError, match="1 steps for 2"):
        resolve_checkpoints([str(a), str(b)], steps=[1])
    with pytest.raises(DataError, match="no such file"):
        resolve_checkpoints([str(tmp_path / "missing-3.conll")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="no prediction files"):
        resolve_checkpoints([str(tmp_path / "empty")])


# ---------------------------------------------------------------- files end to end

def gold_corpus(rng: random.Random, sentences: int = 120) -> list[list[str]]:
    out = []
    for _ in range(sentences):
        tags = []
        while len(tags) < rng.randint(5, 12):
            if rng.random() < 0.25:
                t = rng.choice(TYPES)
                tags += [f"B-{t}"] + [f"I-{t}"] * rng.randint(0, 1)
            else:
                tags.append("O")
        out.append(tags)
    return out


def predict(gold, keep: float, spurious: float, seed: int) -> list[list[str]]:
    """Keep each gold entity whose fixed draw is below ``keep`` (so higher keeps are
    supersets); add spurious one-token entities at fixed positions."""
    rng, noise = random.Random(0), random.Random(seed)
    out = []
    for tags in gold:
        pred = ["O"] * len(tags)
        for j, tag in enumerate(tags):
            draw = rng.random()
            if tag.startswith("B-") and draw < keep:
                k = j + 1
                while k < len(tags) and tags[k].startswith("I-"):
                    k += 1
                pred[j:k] = tags[j:k]
        for j in range(len(tags)):
            if tags[j] == "O" and pred[j] == "O" and noise.random() < spurious and (j == 0 or pred[j - 1] == "O"):
                pred[j] = "B-" + TYPES[j % 3]
        out.append(pred)
    return out


def write_conll(path: Path, sentences, prefix="w") -> str:
    lines = []
    for s, tags in enumerate(sentences):
        lines += [f"{prefix}{s}_{k} {t}" for k, t in enumerate(tags)] + [""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """dev: 6 checkpoints rising then flat, the last an exact copy of the best; train:
    rising; over/: a dev series that falls after step 300 (with the same train)."""
    root = tmp_path_factory.mktemp("curve")
    rng = random.Random(7)
    gold, train_gold = gold_corpus(rng), gold_corpus(rng, 100)
    paths = {"gold": write_conll(root / "dev.conll", gold), "train_gold": write_conll(root / "train.conll", train_gold)}
    dev_levels = [(0.3, 0.10), (0.6, 0.06), (0.8, 0.04), (0.9, 0.03), (0.85, 0.03), (0.9, 0.03)]
    for k, (keep, spurious) in enumerate(dev_levels):
        seed = 3 if k == 5 else k   # step 600 is a copy of step 400
        write_conll(root / "dev" / f"checkpoint-{(k + 1) * 100}.conll", predict(gold, keep, spurious, seed))
    for k, keep in enumerate([0.3, 0.6, 0.8, 0.9, 0.95, 0.99]):
        write_conll(root / "train" / f"checkpoint-{(k + 1) * 100}.conll", predict(train_gold, keep, 0.02, 9))
    for k, keep in enumerate([0.3, 0.6, 0.9, 0.7, 0.55, 0.4]):
        write_conll(root / "over" / f"checkpoint-{(k + 1) * 100}.conll", predict(gold, keep, 0.03, 11))
    paths.update(dev=str(root / "dev"), train=str(root / "train"), over=str(root / "over"), root=str(root))
    return paths


@pytest.fixture(scope="module")
def result(corpus):
    return learning_curve(corpus["gold"], [corpus["dev"]], train_gold=corpus["train_gold"],
                          train_preds=[corpus["train"]], resamples=300, per_type=True)


def test_curves_each_checkpoint_scores_as_evaluate_does(corpus, result):
    assert [c.step for c in result.dev.checkpoints] == [100, 200, 300, 400, 500, 600]
    for series, gold, folder in ((result.dev, corpus["gold"], corpus["dev"]),
                                 (result.train, corpus["train_gold"], corpus["train"])):
        for c in series.checkpoints:
            report = evaluate(gold, str(Path(folder) / c.file))
            assert c.micro == report.micro
            assert c.macro == report.macro
            assert c.per_type == report.per_type
            assert c.ci["micro_f1"].point == pytest.approx(report.micro.f1, abs=1e-12)
            assert c.ci["macro_f1"].point == pytest.approx(report.macro.f1, abs=1e-12)


def test_curves_cis_are_bootstrap_ci_and_contain_the_point(result):
    for c, matrix in zip(result.dev.checkpoints, result.dev.matrices):
        for metric in ("micro_p", "micro_r", "micro_f1", "macro_f1"):
            assert c.ci[metric] == stats.bootstrap_ci(matrix, metric=metric, resamples=300)
            assert c.ci[metric].low <= c.ci[metric].point <= c.ci[metric].high
    assert checkpoint_intervals(result.dev.matrices[0], resamples=50, seed=3)["micro_f1"] == \
        stats.bootstrap_ci(result.dev.matrices[0], resamples=50, seed=3)


def test_curves_best_is_the_earliest_top_and_an_identical_copy_gives_p_1(result):
    data = result.to_dict()
    # steps 400 and 600 are the same file content: the best is the earlier one
    assert data["best"]["step"] == 400 and data["best"]["runner_up"] == 600
    for key in ("best_vs_last", "best_vs_runner_up"):
        test = data["tests"][key]
        assert test["step"] == 600 and test["p_value"] == 1.0 and test["delta"] == 0.0
        assert test["significant"] is False and test["verdict"].startswith("within noise")


def test_curves_best_vs_a_clearly_worse_checkpoint_is_significant(corpus):
    result = learning_curve(corpus["gold"], [str(Path(corpus["dev"]) / f"checkpoint-{s}.conll") for s in (100, 400)],
                            resamples=500, test="bootstrap")
    test = result.to_dict()["tests"]["best_vs_runner_up"]
    assert test["step"] == 100 and test["test"] == "bootstrap" and test["p_value"] < 0.01
    assert test["verdict"].startswith("better")
    assert result.to_dict()["tests"]["best_vs_last"]["p_value"] is None   # the best is the last


def test_curves_end_to_end_overfitting_through_files(corpus):
    result = learning_curve(corpus["gold"], [corpus["over"]], train_gold=corpus["train_gold"],
                            train_preds=[corpus["train"]], resamples=200)
    by_rule = {f.rule: f for f in result.findings}
    assert by_rule["overfitting"].fired is True and by_rule["overfitting"].evidence["best_step"] == 300
    assert by_rule["plateau"].fired is False and by_rule["improving"].fired is False


def test_curves_example_corpus_plateaus_without_warnings():
    root = ROOT / "corpora" / "curve"
    result = learning_curve(str(root / "dev.conll"), [str(root / "dev")], train_gold=str(root / "train.conll"),
                            train_preds=[str(root / "train")], resamples=200)
    assert len(result.dev.checkpoints) == 8 and len(result.train.checkpoints) == 8
    assert {f.rule: f.fired for f in result.findings} == {"improving": False, "plateau": True, "unstable": False,
                                                          "imbalance": False, "overfitting": False}


def test_curves_same_seed_same_result(corpus):
    one = learning_curve(corpus["gold"], [corpus["dev"]], resamples=100, seed=4).to_dict()
    two = learning_curve(corpus["gold"], [corpus["dev"]], resamples=100, seed=4).to_dict()
    assert json.dumps(one) == json.dumps(two)


# ---------------------------------------------------------------- command line

def test_curves_cli_table_json_csv_markdown(cli, corpus):
    base = ["curve", corpus["gold"], corpus["dev"], "--resamples", "100"]
    table = cli(*base)
    assert table.exit_code == 0, table.stderr
    assert "best: step 400 (checkpoint-400.conll)" in table.stdout
    assert "best vs last (step 600)" in table.stdout and "within noise: p = 1" in table.stdout
    assert "signature mode:lenient" in table.stdout
    data = json.loads(cli(*base, "-f", "json").stdout)
    assert data["schema_version"] == 1 and data["best"]["step"] == 400
    assert [f["rule"] for f in data["diagnosis"]] == ["improving", "plateau", "unstable", "imbalance", "overfitting"]
    assert "per_type" not in data["series"]["dev"]["checkpoints"][0]
    csv = cli(*base, "-f", "csv", "--per-type").stdout.splitlines()
    assert csv[0].startswith("series,step,file,precision,recall,f1,") and csv[0].endswith("PER_precision,PER_recall,PER_f1")
    assert len(csv) == 7 and csv[4].split(",")[-10] == "1"   # step 400 is marked best
    markdown = cli(*base, "-f", "markdown", "--per-type").stdout
    assert "| step | type | precision |" in markdown and "| plateau | trend |" in markdown


def test_curves_cli_explicit_steps_and_output_file(cli, corpus, tmp_path):
    files = [str(Path(corpus["dev"]) / f"checkpoint-{s}.conll") for s in (100, 200, 300)]
    out = tmp_path / "curve.json"
    done = cli("curve", corpus["gold"], *files, "--steps", "3,1,2", "--resamples", "50", "-f", "json", "-o", out)
    assert done.exit_code == 0 and done.stdout == ""
    data = json.loads(out.read_text())
    assert [(c["step"], c["file"]) for c in data["series"]["dev"]["checkpoints"]] == [
        (1, "checkpoint-200.conll"), (2, "checkpoint-300.conll"), (3, "checkpoint-100.conll")]


@pytest.mark.parametrize("args, code, message", [
    (["{gold}", "{root}/nope-1.conll"], 1, "nope-1.conll: no such file or folder"),
    (["{gold}", "{root}/empty"], 2, "no prediction files"),
    (["{gold}", "{root}/bad/best.conll"], 2, "no step in the file name"),
    (["{gold}", "{dev}/checkpoint-100.conll", "{root}/bad/other-100.conll"], 2, "both have step 100"),
    (["{gold}", "{dev}", "--steps", "1,2"], 2, "2 steps for 6 prediction files"),
    (["{gold}", "{dev}", "--train-gold", "{gold}"], 2, "needs both --train-gold and --train"),
    (["{gold}", "{dev}", "--plot", "{root}/curve.pdf"], 2, "must end in .png or .svg"),
    (["{gold}", "{root}/bad/mismatch-3.conll"], 1, "token mismatch at sentence 1"),
    (["{gold}", "{dev}", "--step-pattern", "("], 2, "not a regular expression"),
])
def test_curves_cli_bad_input_is_one_line_and_an_exit_code(cli, corpus, args, code, message):
    root = Path(corpus["root"])
    (root / "empty").mkdir(exist_ok=True)
    bad = root / "bad"
    bad.mkdir(exist_ok=True)
    (bad / "best.conll").write_text("w0_0 O\n")
    (bad / "other-100.conll").write_text((Path(corpus["dev"]) / "checkpoint-100.conll").read_text())
    lines = (Path(corpus["dev"]) / "checkpoint-100.conll").read_text().splitlines()
    (bad / "mismatch-3.conll").write_text("\n".join(["X " + lines[0].split()[1], *lines[1:]]) + "\n")
    done = cli("curve", *(a.format(**corpus) for a in args), "--resamples", "20")
    assert done.exit_code == code, done.stderr
    assert done.stdout == ""
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
    if "mismatch" in message:
        assert "dev.conll" in done.stderr and "mismatch-3.conll" in done.stderr


def test_curves_cli_start_up_imports_neither_matplotlib_nor_numpy():
    code = ("import sys, seqeval_suite.cli.curve; "
            "print(sorted(m for m in ('matplotlib', 'numpy', 'pandas') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# ---------------------------------------------------------------- plots

def test_curves_png_plot_decodes_with_its_size(cli, corpus, tmp_path):
    pytest.importorskip("matplotlib")
    from matplotlib.image import imread

    png = tmp_path / "plots" / "curve.png"
    done = cli("curve", corpus["gold"], corpus["dev"], "--train-gold", corpus["train_gold"], "--train",
               corpus["train"], "--resamples", "50", "--plot", png)
    assert done.exit_code == 0, done.stderr
    data = png.read_bytes()
    assert len(data) > 10_000 and data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (800, 480)
    assert imread(str(png)).shape[:2] == (480, 800)


def test_curves_svg_plot_is_xml_and_reproducible(cli, corpus, tmp_path):
    pytest.importorskip("matplotlib")
    import xml.etree.ElementTree as ET

    paths = [tmp_path / "a.svg", tmp_path / "b.svg"]
    for path in paths:
        done = cli("curve", corpus["gold"], corpus["dev"], "--resamples", "50", "--plot", path)
        assert done.exit_code == 0, done.stderr
    root = ET.fromstring(paths[0].read_bytes())
    assert root.tag.endswith("svg")
    assert paths[0].read_bytes() == paths[1].read_bytes()


def test_curves_micro_f1_ci_is_the_one_compare_prints(corpus):
    from seqeval_suite.cli.compare import compare_files

    files = [str(Path(corpus["dev"]) / f"checkpoint-{s}.conll") for s in (200, 300)]
    result = learning_curve(corpus["gold"], files, seed=5)
    data, _warnings = compare_files(corpus["gold"], *files, seed=5, resamples=10)
    for name, checkpoint in zip("ab", result.dev.checkpoints):
        ci = checkpoint.ci["micro_f1"]
        assert (ci.low, ci.high) == (data["systems"][name]["ci"]["low"], data["systems"][name]["ci"]["high"])


def test_curves_cli_types_typo_is_a_data_error(cli, corpus):
    done = cli("curve", corpus["gold"], corpus["dev"], "--resamples", "20", "--types", "PER,PRE")
    assert done.exit_code == 1 and done.stdout == ""
    assert "--types PRE: no such entity type in dev.conll" in done.stderr


def test_curves_corpus_without_entities_scores_zero_instead_of_crashing(cli, tmp_path):
    # regression: a series with no entity type at all gave stats a matrix with no type
    # column, which its resampling cannot reshape
    gold = write_conll(tmp_path / "gold.conll", [["O", "O"], ["O"]])
    for step in (1, 2):
        write_conll(tmp_path / "preds" / f"c-{step}.conll", [["O", "O"], ["O"]])
    done = cli("curve", gold, tmp_path / "preds", "--resamples", "20", "-f", "json")
    assert done.exit_code == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["best"] == {"step": 1, "file": "c-1.conll", "f1": 0.0, "runner_up": 2}
    assert data["tests"]["best_vs_last"]["p_value"] == 1.0
