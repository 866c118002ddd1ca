"""Whole-process timing of ``seqeval-suite agree`` with several annotators on a large
corpus, against one ``seqeval-suite evaluate`` call per annotator (issue 8).

Usage::

    python benchmarks/bench_agree.py                      # 5 annotators, 1M tokens, 3 repetitions
    python benchmarks/bench_agree.py --tokens 200k --reps 5 --keep /tmp/bench-agree

A seeded synthetic gold corpus (CoNLL-2003-like sentences and entity density, IOB2, from
``bench_runner.py``) and one file per annotator, each the gold with its own rate of
entity errors (missed, retyped, moved boundary, spurious), same tokens. Three things are
timed, each as its own process(es), median wall time over the repetitions:

- ``agree ann1 .. annN``: every pair of annotators (N(N-1)/2 pairs) plus Cohen's and
  Fleiss' kappa and Krippendorff's alpha;
- ``agree gold ann1 .. annN --gold gold``: the annotators ranked against the gold (it
  still scores every pair of the N + 1 files);
- N calls ``evaluate gold annK``, one after the other (the sum of their times).

The ratios compare agree with the N evaluate calls, in total and per scored pair.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

# The runner benchmark beside this file owns the corpus generator and the timing helpers.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_runner import gold_sentence, own_rss, parse_size, predict, repeat, rows_text, table, tool  # noqa: E402


def generate(folder: Path, tokens: int, annotators: int, seed: int) -> tuple[Path, list[Path]]:
    """Write ``gold.conll`` and ``ann1.conll`` ... (``token tag``); annotator k has an entity
    error rate spread evenly from 5% to 20%. Sentences are written as they are made, so
    this process stays small (a child's peak RSS from ``wait4`` starts at its size)."""
    rng = random.Random(seed)
    rates = [0.05 + 0.15 * k / max(annotators - 1, 1) for k in range(annotators)]
    gold_path = folder / "gold.conll"
    paths = [folder / f"ann{k + 1}.conll" for k in range(annotators)]
    files = [open(path, "w", encoding="utf-8") for path in [gold_path, *paths]]
    try:
        written = 0
        while written < tokens:
            words, gold = map(list, zip(*gold_sentence(rng, min(rng.randint(2, 25), tokens - written))))
            written += len(gold)
            files[0].write(rows_text(words, gold))
            for fh, rate in zip(files[1:], rates):
                fh.write(rows_text(words, predict(rng, gold, rate)))
    finally:
        for fh in files:
            fh.close()
    return gold_path, paths


def commands(gold: Path, anns: list[Path]) -> dict[str, tuple[list[list[str]], int]]:
    """Label -> (commands run one after the other, pairs they score). The evaluate calls
    come first: they are the baseline of the ratios and the quickest to repeat."""
    cli, n = tool(), len(anns)
    pairs = n * (n - 1) // 2
    return {
        f"{n} x evaluate gold annK (summed)":
            ([cli + ["evaluate", str(gold), str(a), "-f", "json", "-q"] for a in anns], n),
        f"agree {n} annotators ({pairs} pairs)":
            ([cli + ["agree", *map(str, anns), "-f", "json", "-q"]], pairs),
        # --gold ranks the annotators against gold but still scores every pair of all n + 1.
        f"agree gold + {n} --gold gold ({pairs + n} pairs)":
            ([cli + ["agree", str(gold), *map(str, anns), "--gold", "gold", "-f", "json", "-q"]], pairs + n),
    }


def rows(measured: dict[str, tuple[dict, int]]) -> list[list[str]]:
    """Table rows; the ratios are against the first entry (the evaluate calls)."""
    base, base_pairs = next(iter(measured.values()))
    base_per_pair = base["wall"] / base_pairs
    out = []
    for label, (m, scored) in measured.items():
        per_pair = m["wall"] / scored
        out.append([label, str(len(m["walls"])), f"{m['wall']:.2f}", f"{m['cpu']:.2f}", f"{m['peak']:.0f}",
                    f"{per_pair:.3f}", f"{m['wall'] / base['wall']:.2f}", f"{per_pair / base_per_pair:.2f}"])
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
        measured = {label: (repeat(cmds, args.reps, deadline, label), scored)
                    for label, (cmds, scored) in commands(gold, anns).items()}
        print(f"{args.tokens:,} tokens, {args.annotators} annotators\n")
        print(table(["command", "reps", "median s", "median CPU s", "peak MB", "s per pair",
                     "x evaluate total", "x evaluate per pair"], rows(measured)))
        print(f"\npython {sys.version.split()[0]}, {os.cpu_count()} CPUs, seed {args.seed}; {own_rss()}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
