"""Timing of ``agree`` with several annotators on a large corpus against one
``evaluate`` call (issues 8 and 15).

Usage::

    python benchmarks/bench_agree.py                      # 5 annotators, 1M tokens, 3 repetitions
    python benchmarks/bench_agree.py --tokens 200k --reps 5 --keep /tmp/bench-agree

A seeded synthetic gold corpus (CoNLL-2003-like sentences and entity density, IOB2, from
``bench_runner.py``) and one file per annotator, each the gold with its own rate of
entity errors (missed, retyped, moved boundary, spurious), same tokens: every file holds
``--tokens`` tokens. Issue 15's target: ``agree`` over the N annotator files at most
1.5 x one ``evaluate gold ann1`` call (two files). Each command runs in its own process,
and the repetitions are interleaved (rep 1 of every command, then rep 2, ...), so that
load from elsewhere on the machine falls on all of them alike; medians are reported.
Two ways, each the same for agree and evaluate:

- **CLI**: the whole ``seqeval-suite ... -f json`` process (start-up, reading, scoring,
  rendering), wall and CPU time from ``wait4``;
- **API**: ``seqeval_suite.evaluate(gold, ann1)`` and ``seqeval_suite.agreement.agree(
  [ann1, ...])`` timed inside a fresh Python process after its imports (no start-up,
  no rendering).

Rows: ``evaluate gold ann1`` (the baseline of the ratios), N ``evaluate gold annK`` calls
summed (what scoring the annotators one by one against gold costs), ``agree ann1 ..
annN`` (every pair, N(N-1)/2, plus Cohen's and Fleiss' kappa and Krippendorff's alpha)
and ``agree gold ann1 .. annN --gold gold`` (N + 1 files, every pair of them).
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The runner benchmark beside this file owns the corpus generator and the timing helpers.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_runner import gold_sentence, own_rss, parse_size, predict, rows_text, table, timed, tool  # noqa: E402


def generate(folder: Path, tokens: int, annotators: int, seed: int) -> tuple[Path, list[Path]]:
    """Write ``gold.conll`` and ``ann1.conll`` ... (``token tag``); annotator k has an entity
    error rate spread evenly from 5% to 20%. Sentences are written as they are made, so
    this process stays small (a child's peak RSS from ``wait4`` starts at its size)."""
    rng = random.Random(seed)
    rates = [0.05 + 0.15 * k / max(annotators - 1, 1) for k in range(annotators)]
    gold_path = folder / "gold.conll"
    paths = [folder / f"ann{k + 1}.conll" for k in range(annotators)]
    files = [open(path, "w", encoding="utf-8") for path in [gold_path, *paths, folder / COLUMNS_FILE]]
    try:
        written = 0
        while written < tokens:
            words, gold = map(list, zip(*gold_sentence(rng, min(rng.randint(2, 25), tokens - written))))
            written += len(gold)
            files[0].write(rows_text(words, gold))
            tags = [predict(rng, gold, rate) for rate in rates]
            for fh, own in zip(files[1:-1], tags):
                fh.write(rows_text(words, own))
            # The same annotations as one file with a tag column per annotator (agree --columns).
            files[-1].write("".join(f"{w} {' '.join(t)}\n" for w, *t in zip(words, *tags)) + "\n")
    finally:
        for fh in files:
            fh.close()
    return gold_path, paths


#: One file holding every annotator's tags, one column each: ``token ann1 ann2 ...``.
COLUMNS_FILE = "all.conll"


#: Child process of an API timing: argv is ``evaluate GOLD PRED`` or ``agree [--gold NAME] FILE...``;
#: prints wall and CPU seconds of the call alone (imports done first).
API_CHILD = """
import sys, time
from seqeval_suite import evaluate
from seqeval_suite.agreement import agree
how, *args = sys.argv[1:]
gold = None
if args[0] == "--gold":
    gold, args = args[1], args[2:]
wall, cpu = time.perf_counter(), time.process_time()
if how == "evaluate":
    evaluate(*args)
else:
    agree(args, gold=gold)
print(time.perf_counter() - wall, time.process_time() - cpu)
"""


def cli_commands(gold: Path, anns: list[Path]) -> dict[str, tuple[list[list[str]], int]]:
    """Label -> (CLI commands run one after the other, pairs they score)."""
    cli, n = tool(), len(anns)
    pairs = n * (n - 1) // 2
    return {
        "CLI evaluate gold ann1": ([cli + ["evaluate", str(gold), str(anns[0]), "-f", "json", "-q"]], 1),
        f"CLI {n} x evaluate gold annK (summed)":
            ([cli + ["evaluate", str(gold), str(a), "-f", "json", "-q"] for a in anns], n),
        f"CLI agree {n} annotators ({pairs} pairs)":
            ([cli + ["agree", *map(str, anns), "-f", "json", "-q"]], pairs),
        f"CLI agree {n} columns of one file ({pairs} pairs)":
            ([cli + ["agree", str(gold.parent / COLUMNS_FILE), "--columns", ",".join(map(str, range(1, n + 1))),
                     "-f", "json", "-q"]], pairs),
        # --gold ranks the annotators against gold but still scores every pair of all n + 1.
        f"CLI agree gold + {n} --gold gold ({pairs + n} pairs)":
            ([cli + ["agree", str(gold), *map(str, anns), "--gold", "gold", "-f", "json", "-q"]], pairs + n),
    }


def api_commands(gold: Path, anns: list[Path]) -> dict[str, tuple[list[list[str]], int]]:
    """Label -> (API child commands, pairs they score); see :data:`API_CHILD`."""
    child, n = [sys.executable, "-c", API_CHILD], len(anns)
    pairs = n * (n - 1) // 2
    return {
        "API evaluate(gold, ann1)": ([child + ["evaluate", str(gold), str(anns[0])]], 1),
        f"API agree({n} annotators)": ([child + ["agree", *map(str, anns)]], pairs),
    }


def api_timed(cmd: list[str]) -> tuple[float, float, float]:
    """Wall and CPU seconds the child reports for its call, and its peak RSS (MB)."""
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"benchmark command failed (exit {run.returncode}): {run.stderr.strip()}")
    wall, cpu = map(float, run.stdout.split())
    return wall, cpu, float("nan")


def interleaved(groups: dict[str, tuple[list[list[str]], int]], reps: int, deadline: float) -> dict:
    """Label -> (medians of wall and CPU seconds, largest peak, pairs). Repetition k of
    every label runs before repetition k + 1 of any; API commands are timed by the
    child itself, CLI commands as whole processes."""
    runs: dict[str, list[tuple[float, float, float]]] = {label: [] for label in groups}
    for k in range(reps):
        if k and time.monotonic() + sum(r[-1][0] for r in runs.values()) > deadline:
            print(f"# time budget reached: {k} of {reps} repetitions", file=sys.stderr)
            break
        for label, (cmds, _) in groups.items():
            timer = api_timed if label.startswith("API") else (lambda c: timed(c, timeout=1800.0))
            results = [timer(cmd) for cmd in cmds]
            runs[label].append((sum(r[0] for r in results), sum(r[1] for r in results),
                                max(r[2] for r in results)))
            last = runs[label][-1]
            print(f"# {label} rep {k + 1}: {last[0]:.2f} s wall, {last[1]:.2f} s CPU", file=sys.stderr, flush=True)
    return {label: ({"walls": [r[0] for r in rs], "wall": statistics.median(r[0] for r in rs),
                     "cpu": statistics.median(r[1] for r in rs), "peak": max(r[2] for r in rs)}, groups[label][1])
            for label, rs in runs.items()}


def rows(measured: dict[str, tuple[dict, int]], base_label: str) -> list[list[str]]:
    """Table rows of one way of timing; ratios are against ``base_label`` (one evaluate call)."""
    base = measured[base_label][0]
    out = []
    for label, (m, scored) in measured.items():
        peak = "-" if m["peak"] != m["peak"] else f"{m['peak']:.0f}"  # NaN: not measured (API)
        out.append([label, str(len(m["walls"])), f"{m['wall']:.2f}", f"{m['cpu']:.2f}", peak,
                    f"{m['wall'] / scored:.3f}", f"{m['wall'] / base['wall']:.2f}", f"{m['cpu'] / base['cpu']:.2f}"])
    return out


def main(argv: list[str] | None = None) -> int:
    """Generate the corpus and annotations, time agree and the evaluate calls, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tokens", type=parse_size, default=parse_size("1M"), help="corpus size (e.g. 200k, 1M)")
    parser.add_argument("--annotators", type=int, default=5)
    parser.add_argument("--reps", type=int, default=3, help="repetitions (median taken)")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--budget", type=float, default=540.0,
                        help="seconds for all timings, after which no further repetition starts")
    parser.add_argument("--no-api", action="store_true", help="time the CLI only")
    parser.add_argument("--keep", metavar="DIR",
                        help="write the data here and keep it (default: a temp folder, removed)")
    args = parser.parse_args(argv)
    if args.annotators < 2 or args.reps < 1 or args.tokens < 1:
        parser.error("--annotators must be at least 2, --reps and --tokens at least 1")

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-agree-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        start = time.perf_counter()
        gold, anns = generate(work, args.tokens, args.annotators, args.seed)
        print(f"# generated in {time.perf_counter() - start:.1f} s under {work}", file=sys.stderr)
        deadline = time.monotonic() + args.budget
        groups = cli_commands(gold, anns) | ({} if args.no_api else api_commands(gold, anns))
        measured = interleaved(groups, args.reps, deadline)
        print(f"{args.tokens:,} tokens per file, {args.annotators} annotators\n")
        header = ["command", "reps", "median s", "median CPU s", "peak MB", "s per pair",
                  "x one evaluate (wall)", "x one evaluate (CPU)"]
        for way, base in (("CLI", "CLI evaluate gold ann1"), ("API", "API evaluate(gold, ann1)")):
            part = {label: m for label, m in measured.items() if label.startswith(way)}
            if part:
                print(table(header, rows(part, base)) + "\n")
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, seed {args.seed}; {own_rss()}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
