"""Timing of ``seqeval-suite curve`` against issue 18's target (a benchmark, not a test).

The target: 20 checkpoints of 50k tokens each, ``curve`` with 1000 resamples (bootstrap
CI bands and the paired tests) in under 10 s on this machine, the whole process
included (start-up, reading gold once and the 20 predictions, scoring, resampling,
output). The corpus is synthetic and seeded: about 3,600 sentences of 5-23 tokens with
PER/LOC/ORG/MISC entities (IOB2), and 20 prediction files whose recall rises and then
flattens, each checkpoint finding mostly the entities the one before found.

Usage::

    python benchmarks/bench_curve.py                 # 3 repetitions, median reported
    python benchmarks/bench_curve.py --repeat 5 --workdir /tmp/curve-bench --plot

Prints the median wall and CPU time of each command and the wall time's ratio to the
10 s target (a ratio below 1 meets it).
"""
from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 10.0
TOKENS = 50_000
CHECKPOINTS = 20
TYPES = ("PER", "LOC", "ORG", "MISC")


def gold_sentences(rng: random.Random, tokens: int) -> list[list[str]]:
    """Gold tag lists totalling ``tokens`` tokens."""
    out, total = [], 0
    while total < tokens:
        tags, n = [], rng.randint(5, 23)
        while len(tags) < n:
            if rng.random() < 0.12:
                t = rng.choice(TYPES)
                tags += [f"B-{t}"] + [f"I-{t}"] * rng.randint(0, 2)
            else:
                tags.append("O")
        out.append(tags[:n])
        total += len(out[-1])
    return out


def checkpoint(gold, difficulty, recall: float, spurious: float, rng: random.Random) -> list[list[str]]:
    """Predictions finding the gold entities easier than ``recall``, plus spurious ones."""
    out = []
    for tags, hard in zip(gold, difficulty):
        pred = ["O"] * len(tags)
        for j, tag in enumerate(tags):
            if tag.startswith("B-") and hard[j] + rng.gauss(0, 0.02) < recall:
                k = j + 1
                while k < len(tags) and tags[k].startswith("I-"):
                    k += 1
                pred[j:k] = tags[j:k]
            elif tag == "O" and pred[j] == "O" and rng.random() < spurious:
                pred[j] = "B-" + rng.choice(TYPES)
        out.append(pred)
    return out


def write(path: Path, sentences) -> None:
    lines = []
    for s, tags in enumerate(sentences):
        lines += [f"w{s}_{k} {t}" for k, t in enumerate(tags)] + [""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def generate(folder: Path, seed: int = 0) -> tuple[Path, Path]:
    """Write gold.conll and preds/checkpoint-<step>.conll; return their paths."""
    rng = random.Random(seed)
    gold = gold_sentences(rng, TOKENS)
    difficulty = [[rng.random() for _ in tags] for tags in gold]
    write(folder / "gold.conll", gold)
    preds = folder / "preds"
    preds.mkdir(parents=True, exist_ok=True)
    for i in range(CHECKPOINTS):
        recall = 0.9 - 0.5 * 0.7 ** i
        pred = checkpoint(gold, difficulty, recall, 0.004 + 0.02 * 0.8 ** i, random.Random(seed * 100 + i))
        write(preds / f"checkpoint-{(i + 1) * 500}.conll", pred)
    return folder / "gold.conll", preds


def timed(command: list[str], repeat: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds (user + system) of ``command`` over
    ``repeat`` runs, each of which must succeed. CPU time is printed beside wall time
    because on a shared machine the wall time also counts other processes' load."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr}")
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", default=None, help="keep the corpus here (default: a temporary folder)")
    parser.add_argument("--plot", action="store_true", help="also time a run that draws a PNG")
    args = parser.parse_args()
    folder = Path(args.workdir or tempfile.mkdtemp(prefix="bench-curve-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        gold, preds = generate(folder, args.seed)
        sentences = gold.read_text(encoding="utf-8").count("\n\n")
        print(f"{CHECKPOINTS} checkpoints x {TOKENS} tokens ({sentences} sentences), repeat {args.repeat}")
        exe = [sys.executable, "-m", "seqeval_suite"]
        runs = {
            "curve --resamples 1000 (ar test)": [*exe, "curve", str(gold), str(preds), "--resamples", "1000"],
            "curve --resamples 1000 --test bootstrap": [*exe, "curve", str(gold), str(preds), "--resamples", "1000",
                                                        "--test", "bootstrap"],
            "curve (defaults: 1000 resamples, ar 10000)": [*exe, "curve", str(gold), str(preds)],
        }
        if args.plot:
            runs["curve --resamples 1000 --plot curve.png"] = [*exe, "curve", str(gold), str(preds), "--resamples",
                                                              "1000", "--plot", str(folder / "curve.png")]
        runs["start-up: curve --help"] = [*exe, "curve", "--help"]
        print(f"{'command':45s} {'wall':>8s} {'cpu':>8s}   wall / target")
        for label, command in runs.items():
            wall, cpu = timed(command, args.repeat)
            ratio = "" if "--help" in command else f"   {wall / TARGET_SECONDS:.2f} of the {TARGET_SECONDS:g} s target"
            print(f"{label:45s} {wall:6.2f} s {cpu:6.2f} s{ratio}")
    finally:
        if args.workdir is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
