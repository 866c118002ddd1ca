"""Whole-process timing of ``seqeval-suite run`` on a CoNLL-2003-test-sized benchmark
(issue 8), and of the CLI's start-up.

Usage::

    python benchmarks/bench_runner.py                       # 3 corpora x 20 systems, 3 repetitions
    python benchmarks/bench_runner.py --reps 5 --keep /tmp/bench-runner
    python benchmarks/bench_runner.py --systems 5 --corpora 1 --reps 1   # a quick look

Corpora are synthetic and seeded (``--seed``): each has the size of the CoNLL-2003 English
test set (3,453 sentences, ~46k tokens, about one PER/ORG/LOC/MISC entity per 8 tokens,
IOB2). Every system has one prediction file per corpus (same tokens as the gold) with its
own error rate, from a near-perfect tagger to a poor one. The config scores with
``resamples: 1000``, so the run includes the bootstrap intervals and the significance
tests. Each ``seqeval-suite run CONFIG --jobs N --no-cache`` neither reads nor writes
the runner's unit cache (and writes to an output folder emptied first), so every
repetition scores every unit. The table gives the median wall time over the
repetitions and whether it meets the target, beside the median CPU time (process and
workers; it moves little when other work shares the machine, wall time does) and the
peak RSS; then the same for the start-up of ``seqeval-suite --help`` over 5 calls.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple

TYPES = ("PER", "ORG", "LOC", "MISC")
WORDS = ("the", "of", "said", "in", "to", "a", "and", "on", "was", "for", "at", "by", "from",
         "market", "shares", "government", "week", "percent", "year", "talks", ",", ".")
NAMES = ("Peter", "Blackburn", "Brussels", "Germany", "Reuters", "Ajax", "Lyon", "Ottawa",
         "Nakamura", "Commission", "Olympic", "Tigers", "Kenya", "Siemens", "Helsinki")
# CoNLL-2003 English test (Tjong Kim Sang & De Meulder 2003): 3,453 sentences, 46,435
# tokens, 5,648 entities -> 13.4 tokens per sentence, one entity per 8.2 tokens.
SENTENCES = 3453
# Probability that a position starts an entity; with entity lengths 1,1,1,2,2,3 (mean
# 1.67) this gives about one entity per 8 tokens.
ENTITY_START = 0.13
RUN_TARGET = 60.0
STARTUP_TARGET = 0.3
STARTUP_REPS = 5


def parse_size(text: str) -> int:
    """``50k`` -> 50000, ``1M`` -> 1000000."""
    text = text.strip()
    scale = {"k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000}.get(text[-1], 1)
    return int(float(text[:-1] if scale != 1 else text) * scale)


def gold_sentence(rng: random.Random, length: int) -> list[tuple[str, str]]:
    """One sentence of ``(token, IOB2 tag)`` rows with CoNLL-2003-like entity density."""
    tags: list[str] = []
    while len(tags) < length:
        if rng.random() < ENTITY_START:
            n = min(rng.choice((1, 1, 1, 2, 2, 3)), length - len(tags))
            t = rng.choice(TYPES)
            tags += [f"B-{t}"] + [f"I-{t}"] * (n - 1)
        else:
            tags.append("O")
    return [(rng.choice(NAMES) if tag != "O" else rng.choice(WORDS), tag) for tag in tags]


def entities(tags: list[str]) -> list[tuple[int, int, str]]:
    """Half-open ``(start, end, type)`` spans of well-formed IOB2 tags (all we generate)."""
    spans, k = [], 0
    while k < len(tags):
        if tags[k].startswith("B-"):
            t, end = tags[k][2:], k + 1
            while end < len(tags) and tags[end] == f"I-{t}":
                end += 1
            spans.append((k, end, t))
            k = end
        else:
            k += 1
    return spans


def predict(rng: random.Random, gold: list[str], error: float) -> list[str]:
    """A system's tags for one sentence: each gold entity is missed, retyped or has its
    boundary moved with probability ``error`` (split evenly), plus spurious entities."""
    pred = list(gold)
    for start, end, t in entities(gold):
        r = rng.random()
        if r < error / 3:  # missed
            pred[start:end] = ["O"] * (end - start)
        elif r < 2 * error / 3:  # wrong type
            other = rng.choice([x for x in TYPES if x != t])
            pred[start:end] = [f"B-{other}"] + [f"I-{other}"] * (end - start - 1)
        elif r < error:  # boundary: one token too long, or the first token dropped
            if end < len(gold) and pred[end] == "O":
                pred[end] = f"I-{t}"
            elif end - start > 1:
                pred[start:start + 2] = ["O", f"B-{t}"]
    for k in range(len(pred)):
        if pred[k] == "O" and rng.random() < error / 20:  # spurious
            pred[k] = f"B-{rng.choice(TYPES)}"
    return pred


def rows_text(tokens: list[str], tags: list[str]) -> str:
    """One sentence as ``token tag`` lines and the blank line that ends it."""
    return "".join(f"{w} {t}\n" for w, t in zip(tokens, tags)) + "\n"


def error_rates(systems: int) -> list[float]:
    """Per-system entity error rates, evenly spread from 2% to 30%."""
    if systems == 1:
        return [0.1]
    return [0.02 + 0.28 * k / (systems - 1) for k in range(systems)]


def generate(folder: Path, corpora: int, systems: int, seed: int) -> tuple[Path, dict]:
    """Write the gold corpora, the prediction files and ``bench.yaml``; return the config
    path and corpus statistics (sentences, tokens, entities per corpus).

    Sentences are written as they are made: holding the corpora would swell this
    process, and a child's peak RSS as ``wait4`` reports it starts from the parent's
    size at fork."""
    rng = random.Random(seed)
    rates = error_rates(systems)
    sizes = {}
    for c in range(corpora):
        tokens = ents = 0
        files = [open(folder / f"corpus{c}.conll", "w", encoding="utf-8")]
        files += [open(folder / f"sys{s:02d}.corpus{c}.conll", "w", encoding="utf-8") for s in range(systems)]
        try:
            for _ in range(SENTENCES):
                words, gold = map(list, zip(*gold_sentence(rng, rng.randint(2, 25))))
                tokens += len(gold)
                ents += len(entities(gold))
                files[0].write(rows_text(words, gold))
                for fh, rate in zip(files[1:], rates):
                    fh.write(rows_text(words, predict(rng, gold, rate)))
        finally:
            for fh in files:
                fh.close()
        sizes[f"corpus{c}"] = (SENTENCES, tokens, ents)
    config = folder / "bench.yaml"
    config.write_text(config_text(corpora, systems, rates), encoding="utf-8")
    return config, sizes


def config_text(corpora: int, systems: int, rates: list[float]) -> str:
    """The runner config (README section ``run``) for the generated files."""
    lines = [
        "name: bench-runner",
        "title: Synthetic CoNLL-2003-sized benchmark",
        "scoring: {mode: lenient, scheme: IOB2, primary: micro_f1, seed: 0, resamples: 1000, alpha: 0.05}",
        "corpora:",
    ]
    lines += [f"  - {{id: corpus{c}, path: corpus{c}.conll}}" for c in range(corpora)]
    lines.append("systems:")
    for s in range(systems):
        lines.append(f"  - id: sys{s:02d}")
        lines.append(f"    name: System {s:02d} ({rates[s]:.0%} entity errors)")
        lines.append("    predictions:")
        lines += [f"      corpus{c}: sys{s:02d}.corpus{c}.conll" for c in range(corpora)]
    lines.append("outputs: [markdown, csv, latex, json, html]")
    return "\n".join(lines) + "\n"


def tool() -> list[str]:
    """The ``seqeval-suite`` console script of this interpreter's environment."""
    script = Path(sys.executable).parent / "seqeval-suite"
    if script.exists():
        return [str(script)]
    found = shutil.which("seqeval-suite")
    if found is None:
        raise SystemExit("seqeval-suite is not installed in this environment (pip install -e .)")
    return [found]


class Run(NamedTuple):
    """One run of a command: wall and CPU seconds, peak RSS in MB, and why it failed."""

    wall: float
    cpu: float
    peak: float
    error: str | None  # None when it exited 0; else the exit status or time-out and its stderr


def run_once(cmd: list[str], timeout: float, stdin: Path | None = None) -> Run:
    """Run ``cmd`` once (its standard input ``stdin``, or empty), stdout discarded.

    CPU time and peak come from ``wait4``, so they cover the process and the children it
    waited for (the runner's worker processes): CPU time barely moves when other work
    shares the machine, wall time does. The wait blocks, so the wall time is exact; a
    timer kills a command still running after ``timeout`` seconds. stderr goes to a file,
    not a pipe, so a command that writes a lot of it cannot stall."""
    with tempfile.TemporaryFile() as err, open(stdin or os.devnull, "rb") as feed:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=feed, stdout=subprocess.DEVNULL, stderr=err)
        # No timer for an unlimited run: threading.Timer cannot wait an infinite time.
        timer = threading.Timer(timeout, proc.kill) if timeout < float("inf") else None
        if timer is not None:
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if timer is not None:
                timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        error = None
        if seconds >= timeout and proc.returncode == -signal.SIGKILL:
            error = f"timed out after {timeout:g} s"
        elif proc.returncode != 0:
            err.seek(0)
            error = f"exit {proc.returncode}: {err.read().decode(errors='replace').strip()}"
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, error)  # Linux reports KiB


def timed(cmd: list[str], timeout: float) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MB) of one run of ``cmd``
    (see :func:`run_once`). A failure or a time-out stops the benchmark."""
    run = run_once(cmd, timeout)
    if run.error:
        raise SystemExit(f"benchmark command failed ({run.error}): {' '.join(cmd)}")
    return run.wall, run.cpu, run.peak


def repeat(commands: list[list[str]], reps: int, deadline: float, label: str) -> dict:
    """Run ``commands`` one after the other, ``reps`` times; per repetition the summed
    wall and CPU seconds and the largest peak. No repetition starts that would likely
    end past ``deadline`` (a ``time.monotonic()`` value), but the first always runs."""
    walls: list[float] = []
    cpus: list[float] = []
    peaks: list[float] = []
    for k in range(reps):
        if walls and time.monotonic() + walls[-1] > deadline:
            print(f"# time budget reached: {label}: {k} of {reps} repetitions", file=sys.stderr)
            break
        results = [timed(cmd, timeout=max(deadline - time.monotonic(), 120.0)) for cmd in commands]
        walls.append(sum(r[0] for r in results))
        cpus.append(sum(r[1] for r in results))
        peaks.append(max(r[2] for r in results))
        print(f"# {label} rep {k + 1}: {walls[-1]:.2f} s wall, {cpus[-1]:.2f} s CPU, peak {peaks[-1]:.0f} MB",
              file=sys.stderr, flush=True)
    return {"walls": walls, "wall": statistics.median(walls), "cpu": statistics.median(cpus), "peak": max(peaks)}


def run_command(config: Path, jobs: int, out: Path) -> list[str]:
    """``seqeval-suite run`` into ``out`` (emptied first); with ``--no-cache`` it neither
    reads nor writes its unit cache, so every repetition scores everything."""
    shutil.rmtree(out, ignore_errors=True)
    return tool() + ["run", str(config), "--jobs", str(jobs), "--no-cache", "--quiet", "-o", str(out)]


def own_rss() -> str:
    """This process's peak RSS: every child's peak MB includes it (Linux carries the RSS a
    child had at fork, before exec, into its ``wait4`` maximum)."""
    import resource

    return f"peak MB floor (this process) {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}"


def table(header: list[str], rows: list[list[str]]) -> str:
    """A left-aligned plain-text table."""
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in [header] + rows)


def row(label: str, m: dict, target: float, digits: int) -> list[str]:
    """One table row from a :func:`repeat` result."""
    return [label, str(len(m["walls"])), f"{m['wall']:.{digits}f}", f"{min(m['walls']):.{digits}f}",
            f"{max(m['walls']):.{digits}f}", f"{m['cpu']:.{digits}f}", f"{m['peak']:.0f}", f"< {target:g}",
            "yes" if m["wall"] < target else "NO"]


def main(argv: list[str] | None = None) -> int:
    """Generate the benchmark, time the runner and the start-up, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=3, help="repetitions per --jobs value (median taken)")
    parser.add_argument("--systems", type=int, default=20, help="systems (one prediction file per corpus each)")
    parser.add_argument("--corpora", type=int, default=3, help="CoNLL-2003-test-sized gold corpora")
    parser.add_argument("--jobs", default="2,1", help="comma-separated --jobs values to time")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--budget", type=float, default=540.0,
                        help="seconds for all timings, after which no further repetition starts")
    parser.add_argument("--keep", metavar="DIR",
                        help="write the data here and keep it (default: a temp folder, removed)")
    args = parser.parse_args(argv)
    if args.reps < 1 or args.systems < 1 or args.corpora < 1:
        parser.error("--reps, --systems and --corpora must be at least 1")
    jobs_values = [int(j) for j in args.jobs.split(",")]

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-runner-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        start = time.perf_counter()
        config, sizes = generate(work, args.corpora, args.systems, args.seed)
        print(f"# generated in {time.perf_counter() - start:.1f} s under {work}", file=sys.stderr)
        for name, (sentences, tokens, ents) in sizes.items():
            print(f"{name}: {sentences:,} sentences, {tokens:,} tokens, {ents:,} entities "
                  f"(one per {tokens / ents:.1f} tokens)")
        print(f"{args.systems} systems x {args.corpora} corpora = {args.systems * args.corpora} units; "
              "resamples 1000\n")
        deadline = time.monotonic() + args.budget
        rows = []
        for jobs in jobs_values:
            label = f"run --jobs {jobs} --no-cache"
            m = repeat([run_command(config, jobs, work / f"out-j{jobs}")], args.reps, deadline, label)
            rows.append(row(label, m, RUN_TARGET, 2))
        m = repeat([tool() + ["--help"]], STARTUP_REPS, float("inf"), "--help")
        rows.append(row("--help (start-up)", m, STARTUP_TARGET, 3))
        print(table(["command", "reps", "median s", "min s", "max s", "median CPU s", "peak MB", "target s",
                     "meets"], rows))
        print(f"\npython {sys.version.split()[0]}, {os.cpu_count()} CPUs, seed {args.seed}; {own_rss()}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
