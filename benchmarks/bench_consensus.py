"""Whole-process timing of ``seqeval-suite agree --consensus`` on a crowd the size of a
public crowd-NER corpus (issue 20): 47 annotators over 3,256 sentences, about four
annotators a sentence, in the one-file-many-columns form (``?`` where an annotator did
not label a sentence), with an expert gold file.

Usage::

    python benchmarks/bench_consensus.py                 # 3 repetitions, target 5 s
    python benchmarks/bench_consensus.py --reps 5 --keep /tmp/bench-consensus

The crowd is seeded: CoNLL-2003-like gold sentences (``bench_runner.gold_sentence``), and
annotator k's tags are the gold with its own entity error rate, spread evenly from 5% to
60% (``bench_runner.predict``: missed, retyped, moved boundary, spurious). Each sentence
goes to 3, 4, 4 or 5 annotators drawn with unequal workloads (weights 1/sqrt(rank)), as
crowd workers do. Timed, each as its own process, median wall time over the
repetitions:

- ``agree`` alone (every pair, kappas, alpha): what the consensus comes on top of;
- ``agree --consensus majority --consensus-output ... --gold-file gold.conll``;
- ``agree --consensus dawid-skene --consensus-output ... --gold-file gold.conll``.

The last column is the ratio of the median to the target (below 1 meets it). A second
table times the consensus step alone in this process (the Dawid-Skene fit and the
vote), and prints the consensus's F1 against the gold.
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
from bench_runner import gold_sentence, own_rss, predict, repeat, table, tool  # noqa: E402

TARGET = 5.0


def generate(folder: Path, annotators: int, sentences: int, seed: int) -> tuple[Path, Path]:
    """Write ``answers.conll`` (token, then one tag column per annotator, ``?`` where it
    did not label the sentence) and ``gold.conll`` (token, gold tag)."""
    rng = random.Random(seed)
    rates = [0.05 + 0.55 * k / max(annotators - 1, 1) for k in range(annotators)]
    weights = [1.0 / (k + 1) ** 0.5 for k in range(annotators)]
    rng.shuffle(weights)
    answers, gold_path = folder / "answers.conll", folder / "gold.conll"
    with open(answers, "w", encoding="utf-8") as out, open(gold_path, "w", encoding="utf-8") as gold_out:
        for _ in range(sentences):
            words, gold = map(list, zip(*gold_sentence(rng, rng.randint(2, 25))))
            who: set[int] = set()
            wanted = min(rng.choice((3, 4, 4, 5)), annotators)
            while len(who) < wanted:
                who.add(rng.choices(range(annotators), weights)[0])
            columns = [predict(rng, gold, rates[k]) if k in who else ["?"] * len(gold) for k in range(annotators)]
            for i, word in enumerate(words):
                out.write(word + " " + " ".join(c[i] for c in columns) + "\n")
                gold_out.write(f"{word} {gold[i]}\n")
            out.write("\n")
            gold_out.write("\n")
    return answers, gold_path


def commands(answers: Path, gold: Path, annotators: int, work: Path) -> dict[str, list[list[str]]]:
    """Label -> the one command timed."""
    base = tool() + ["agree", str(answers), "--columns", ",".join(str(k) for k in range(1, annotators + 1)),
                     "-f", "json", "-q", "-o", str(work / "report.json")]
    return {
        "agree (pairs, kappas; no consensus)": [base],
        **{f"agree --consensus {m} --consensus-output --gold-file":
           [base + ["--consensus", m, "--consensus-output", str(work / f"{m}.conll"), "--gold-file", str(gold)]]
           for m in ("majority", "dawid-skene")},
    }


def in_process(answers: Path, gold: Path, annotators: int) -> list[list[str]]:
    """The consensus step alone (after reading and the pairs), and the F1 against gold."""
    from seqeval_suite.agreement import _crowd, _encode, agree
    from seqeval_suite.consensus import build_consensus
    from seqeval_suite.core.options import Options
    from seqeval_suite.io.annotations import read_corpus

    columns = list(range(1, annotators + 1))
    options = Options.build()
    corpus = read_corpus(str(answers), columns=columns, options=options)
    _encode(corpus)
    crowd = _crowd(corpus, options)
    rows = []
    for method in ("majority", "dawid-skene"):
        start = time.perf_counter()
        consensus = build_consensus(crowd, method)
        elapsed = time.perf_counter() - start
        report = agree(str(answers), columns=columns, consensus=method, gold_file=str(gold))
        fit = consensus.fit
        rows.append([method, f"{elapsed:.3f}", str(fit.iterations), "yes" if fit.converged else "NO",
                     str(consensus.entities), f"{report.consensus_vs_gold.micro.f1:.4f}"])
    return rows


def main(argv: list[str] | None = None) -> int:
    """Generate the crowd, time the commands, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--annotators", type=int, default=47)
    parser.add_argument("--sentences", type=int, default=3256)
    parser.add_argument("--reps", type=int, default=3, help="repetitions (median taken)")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--target", type=float, default=TARGET, help="seconds the consensus commands must stay under")
    parser.add_argument("--budget", type=float, default=300.0,
                        help="seconds for all timings, after which no further repetition starts")
    parser.add_argument("--keep", metavar="DIR", help="write the data here and keep it (default: a temp folder)")
    args = parser.parse_args(argv)
    if args.annotators < 2 or args.sentences < 1 or args.reps < 1:
        parser.error("--annotators must be at least 2, --sentences and --reps at least 1")

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-consensus-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        answers, gold = generate(work, args.annotators, args.sentences, args.seed)
        tokens = sum(1 for line in open(gold, encoding="utf-8") if line.strip())
        deadline = time.monotonic() + args.budget
        measured = {label: repeat(cmds, args.reps, deadline, label)
                    for label, cmds in commands(answers, gold, args.annotators, work).items()}
        print(f"{args.annotators} annotators, {args.sentences:,} sentences, {tokens:,} tokens, seed {args.seed}\n")
        rows = [[label, str(len(m["walls"])), f"{m['wall']:.2f}", f"{min(m['walls']):.2f}", f"{m['cpu']:.2f}",
                 f"{m['peak']:.0f}", f"{m['wall'] / args.target:.2f}"] for label, m in measured.items()]
        print(table(["command", "reps", "median s", "min s", "median CPU s", "peak MB",
                     f"median / {args.target:g} s target"], rows))
        print("\nconsensus step alone, in process (after reading the corpus):")
        print(table(["method", "seconds", "DS iterations", "converged", "entities", "F1 vs gold"],
                    in_process(answers, gold, args.annotators)))
        print(f"\npython {sys.version.split()[0]}, {os.cpu_count()} CPUs; {own_rss()}")
        slow = [label for label, m in measured.items() if "--consensus" in label and m["wall"] >= args.target]
        return 1 if slow else 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
