"""Whole-process benchmark of ``seqeval-suite evaluate`` beside seqeval, the `conlleval`
port and a plain Python read-and-split of the same file, all in one run (issue 8).

Usage::

    python benchmarks/run.py                      # 50k and 1M tokens, 3 repetitions
    python benchmarks/run.py --sizes 50k,1M,10M   # add 10M (slow tools skipped there)
    python benchmarks/run.py --repeat 5 --workdir /tmp/bench --markdown

Corpora are synthetic and seeded (``--seed``): English-like tokens in sentences of
5-30 tokens, about 17% of tokens inside PER/LOC/ORG/MISC entities (IOB2), and a
prediction with realistic errors (missed, spurious, wrong type, shifted boundary).
Every command runs as its own process; the table gives the median wall time over the
repetitions, tokens per second, the peak resident memory (from ``wait4``) and the
ratio to the read-and-split floor of the same input (one merged file, or the gold and
prediction files).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TYPES = ("PER", "LOC", "ORG", "MISC")
WORDS = ("the", "of", "said", "in", "to", "a", "and", "on", "was", "for", "at", "by", "from",
         "market", "shares", "government", "week", "percent", "year", "talks", ",", ".")
NAMES = ("Peter", "Blackburn", "Brussels", "Germany", "Reuters", "Ajax", "Lyon", "Ottawa",
         "Nakamura", "Commission", "Olympic", "Tigers", "Kenya", "Siemens", "Helsinki")


def parse_size(text: str) -> int:
    """``50k`` -> 50000, ``1M`` -> 1000000."""
    text = text.strip()
    scale = {"k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000}.get(text[-1], 1)
    return int(float(text[:-1] if scale != 1 else text) * scale)


def _sentence(rng: random.Random, length: int) -> list[tuple[str, str, str]]:
    """One sentence of (token, gold, pred) with entities and prediction errors."""
    gold: list[str] = []
    entities: list[tuple[int, int, str]] = []
    while len(gold) < length:
        if rng.random() < 0.09:
            n = min(rng.choice((1, 1, 2, 2, 3)), length - len(gold))
            t = rng.choice(TYPES)
            entities.append((len(gold), len(gold) + n, t))
            gold += [f"B-{t}"] + [f"I-{t}"] * (n - 1)
        else:
            gold.append("O")
    pred = list(gold)
    for start, end, t in entities:
        r = rng.random()
        if r < 0.04:  # missed
            pred[start:end] = ["O"] * (end - start)
        elif r < 0.08:  # wrong type
            other = rng.choice([x for x in TYPES if x != t])
            pred[start:end] = [f"B-{other}"] + [f"I-{other}"] * (end - start - 1)
        elif r < 0.11 and end < length and pred[end] == "O":  # boundary one token too long
            pred[end] = f"I-{t}"
    for k in range(length):
        if pred[k] == "O" and rng.random() < 0.004:  # spurious
            pred[k] = f"B-{rng.choice(TYPES)}"
    tokens = [rng.choice(NAMES) if g != "O" else rng.choice(WORDS) for g in gold]
    return list(zip(tokens, gold, pred))


def generate(path: Path, tokens: int, seed: int) -> tuple[Path, Path, Path]:
    """Write ``<path>.txt`` (token gold pred), ``<path>.gold`` and ``<path>.pred``."""
    merged, gold, pred = (path.with_suffix(s) for s in (".txt", ".gold", ".pred"))
    if merged.exists() and gold.exists() and pred.exists():
        return merged, gold, pred
    rng = random.Random(seed)
    written = 0
    with open(merged, "w") as fm, open(gold, "w") as fg, open(pred, "w") as fp:
        while written < tokens:
            length = min(rng.randint(5, 30), tokens - written)
            rows = _sentence(rng, length)
            fm.write("".join(f"{w} {g} {p}\n" for w, g, p in rows) + "\n")
            fg.write("".join(f"{w} {g}\n" for w, g, _ in rows) + "\n")
            fp.write("".join(f"{w} {p}\n" for w, _, p in rows) + "\n")
            written += length
    return merged, gold, pred


FLOOR = """
import sys
n = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            n += len(line.split())
print(n)
"""
TWO_FILES = "gold+pred files"

SEQEVAL = """
import sys
from seqeval.metrics import classification_report
from seqeval.scheme import IOB2
gold, pred, g, p = [], [], [], []
with open(sys.argv[1], encoding="utf-8") as fh:
    for line in fh:
        fields = line.split()
        if fields:
            g.append(fields[-2]); p.append(fields[-1])
        elif g:
            gold.append(g); pred.append(p); g, p = [], []
if g:
    gold.append(g); pred.append(p)
if sys.argv[2] == "strict":
    print(classification_report(gold, pred, mode="strict", scheme=IOB2, digits=4))
else:
    print(classification_report(gold, pred, digits=4))
"""

PORT = """
import sys
from conlleval import evaluate, report
with open(sys.argv[1], encoding="utf-8") as fh:
    print(report(evaluate(fh)))
"""


def measure(cmd: list[str], repeat: int) -> tuple[float, float]:
    """Median wall seconds and peak RSS (MB) of ``cmd`` run ``repeat`` times."""
    times, peaks = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - start)
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.returncode != 0:
            raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
        peaks.append(usage.ru_maxrss / 1024)  # Linux reports KiB
    return statistics.median(times), max(peaks)


def commands(merged: Path, gold: Path, pred: Path, size: int, args) -> list[tuple[str, list[str]]]:
    """The labelled commands to time on one corpus."""
    py = sys.executable
    tool = [py, "-m", "seqeval_suite", "evaluate"]
    rows = [
        ("read-and-split floor (python)", [py, "-c", FLOOR, str(merged)]),
        (f"read-and-split floor, {TWO_FILES}", [py, "-c", FLOOR, str(gold), str(pred)]),
        ("seqeval-suite lenient", tool + [str(merged), "-f", "json"]),
        (f"seqeval-suite lenient, {TWO_FILES}", tool + [str(gold), str(pred), "-f", "json"]),
        ("seqeval-suite conlleval", tool + [str(merged), "-f", "json", "--mode", "conlleval"]),
        ("seqeval-suite strict IOB2", tool + [str(merged), "-f", "json", "--mode", "strict", "--scheme", "IOB2"]),
    ]
    if size <= args.slow_limit:
        rows += [
            ("seqeval 1.2.2 default", [py, "-c", SEQEVAL, str(merged), "default"]),
            ("seqeval 1.2.2 strict IOB2", [py, "-c", SEQEVAL, str(merged), "strict"]),
            ("conlleval port 0.2", [py, "-c", PORT, str(merged)]),
        ]
    return rows


def main(argv: list[str] | None = None) -> int:
    """Generate the corpora, time every command, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="50k,1M", help="corpus sizes in tokens (e.g. 50k,1M,10M)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions per command (median taken)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "seqeval-suite-bench"),
                        help="where the corpora are written (reused when present)")
    parser.add_argument("--slow-limit", type=parse_size, default=parse_size("1M"),
                        help="skip seqeval and the port above this size (they take minutes at 10M)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args(argv)
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    header = ["tokens", "command", "median s", "tokens/s", "peak MB", "x floor", "vs seqeval (same mode)"]
    table = []
    for size_text in args.sizes.split(","):
        size = parse_size(size_text)
        merged, gold, pred = generate(work / f"synthetic_{size}", size, args.seed)
        results = []
        for label, cmd in commands(merged, gold, pred, size, args):
            seconds, peak = measure(cmd, args.repeat)
            results.append((label, seconds, peak))
            print(f"# {size:>9} {label:<42} {seconds:8.3f} s {peak:8.1f} MB", file=sys.stderr, flush=True)
        by_label = {label: s for label, s, _ in results}
        for label, seconds, peak in results:
            # Two-file input is compared with reading both files, one file with reading it.
            floor = by_label[f"read-and-split floor, {TWO_FILES}"] if TWO_FILES in label else results[0][1]
            # Like with like: strict against seqeval's strict mode, the rest against its default.
            oracle = "seqeval 1.2.2 strict IOB2" if "strict" in label else "seqeval 1.2.2 default"
            seqeval = by_label.get(oracle)
            vs = f"{seqeval / seconds:.1f}x faster" if seqeval and label.startswith("seqeval-suite") else ""
            table.append([f"{size:,}", label, f"{seconds:.3f}", f"{size / seconds:,.0f}", f"{peak:.0f}",
                          f"{seconds / floor:.2f}", vs])
    widths = [max(len(r[i]) for r in table + [header]) for i in range(len(header))]
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("---" for _ in header) + "|")
        for row in table:
            print("| " + " | ".join(row) + " |")
    else:
        print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
        for row in table:
            print("  ".join(c.ljust(w) for c, w in zip(row, widths)))
    print(f"\npython {sys.version.split()[0]}, {os.cpu_count()} CPUs, seed {args.seed}, "
          f"median of {args.repeat}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
