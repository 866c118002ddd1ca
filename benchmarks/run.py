"""Whole-process benchmark of ``seqeval-suite evaluate`` and ``agree`` beside seqeval, the
`conlleval` port and plain Python floors that read the same bytes, all in one run (issue 8).

Usage::

    python benchmarks/run.py                      # 50k and 1M tokens, 3 repetitions
    python benchmarks/run.py --sizes 50k,1M,10M   # add 10M (slow tools skipped there)
    python benchmarks/run.py --repeat 5 --workdir /tmp/bench --markdown
    python benchmarks/run.py --sizes 1M,10M --check   # then PASS/FAIL against the targets

Corpora are synthetic and seeded (``--seed``): English-like tokens in sentences of
5-30 tokens, about 17% of tokens inside PER/LOC/ORG/MISC entities (IOB2), and a
prediction with realistic errors (missed, spurious, wrong type, shifted boundary). Each
size is written once into the workdir, in every input form timed: one merged file
(``token gold pred``), gold and prediction files, the same gzip-compressed, and JSON
Lines (one ``{"tokens": [...], "ner_tags": [...]}`` record per sentence). ``agree`` gets
its own corpus of 5 annotator files on the same tokens (``bench_agree.py``'s generator).

Every command runs as its own process; the table gives the median wall time over the
repetitions, tokens per second, the peak resident memory (from ``wait4``) and the
ratio to the row named in the ``floor`` column: the floor that reads and splits the
same bytes the command reads (the merged file; the gold and prediction files, also
for gold on stdin; both ``.gz`` files through ``gzip``; ``json.loads`` of every line of
both ``.jsonl`` files), or for ``agree`` one ``evaluate`` call on two of its files. A
command that fails or times out shows as an ERROR row, explained under the table.
"""
from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import json
import os
import random
import shlex
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

# The runner benchmark beside this file owns the shared helpers; bench_agree the annotators.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_agree import generate as generate_annotators  # noqa: E402
from bench_runner import NAMES, WORDS, own_rss, parse_size, rows_text, run_once, table  # noqa: E402

# This order (not bench_runner's) keeps the corpora those of earlier runs for a seed.
TYPES = ("PER", "LOC", "ORG", "MISC")
ANNOTATORS = 5
# --check: the largest ratio to the floor and the peak MB allowed, by corpus size; agree
# may take at most AGREE_TARGET times one evaluate call (and the peak limit).
TARGETS = {1_000_000: (2.0, None), 10_000_000: (1.5, 150.0)}
AGREE_TARGET = 1.5
# Nested entities (issue 17): two tag layers may take at most this times their floor.
NESTED_TARGET = 2.5

FLOOR = """
import sys
kind, paths = sys.argv[1], sys.argv[2:]
n = 0
if kind == "json":
    import json
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                n += len(json.loads(line)["tokens"])
else:
    opener = open
    if kind == "gzip":
        import gzip
        opener = gzip.open
    for path in paths:
        with opener(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                n += len(line.split())
print(n)
"""

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
SCRIPT_NAMES = {FLOOR: "$FLOOR", SEQEVAL: "$SEQEVAL", PORT: "$PORT"}

# Floors, and the agree reference: the rows others are divided by.
ONE_FILE = "floor: read+split, 1 file"
TWO_FILES = "floor: read+split, 2 files"
TWO_GZ = "floor: gzip read+split, 2 .gz"
TWO_JSONL = "floor: json.loads, 2 .jsonl"
TWO_LAYERED = "floor: read+split, 2 two-layer files"
LAYERED = ("gold.layers.tsv", "pred.layers.tsv")
EVALUATE_PAIR = "evaluate 2 annotator files"
ANNOTATOR_FLOOR = f"floor: read+split, {ANNOTATORS} annotator files"
SEQEVAL_DEFAULT = "seqeval 1.2.2 default"
SEQEVAL_STRICT = "seqeval 1.2.2 strict IOB2"
# The files of one corpus folder, gold and prediction in each form.
MERGED = "merged.txt"
FORMS = {"conll": "{}.conll", "gz": "{}.conll.gz", "jsonl": "{}.jsonl"}


@dataclass(frozen=True)
class Row:
    """One command of the table and what it is compared with."""

    label: str
    cmd: list[str]
    floor: str | None = None  # label of the row this one is divided by; None: a reference itself
    stdin: Path | None = None  # file fed on standard input
    target: str | None = None  # --check targets that apply: "evaluate", "agree" or none
    oracle: str | None = None  # seqeval row of the same mode, for "vs seqeval"


@dataclass(frozen=True)
class Result:
    """A row's median wall seconds and peak MB over the repetitions, or why it failed."""

    row: Row
    seconds: float = 0.0
    peak: float = 0.0
    error: str | None = None


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


def _text_out(path: Path) -> TextIO:
    """``path`` opened to write UTF-8 text, gzip-compressed for ``.gz`` (with no time
    stamp, so the same text gives the same bytes)."""
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.GzipFile(path, "wb", compresslevel=6, mtime=0), encoding="utf-8")
    return open(path, "w", encoding="utf-8")


def write_corpus(folder: Path, tokens: int, seed: int) -> None:
    """Write the merged file and the gold and prediction files in every form into
    ``folder``, a sentence at a time (this process stays small: a child's peak RSS from
    ``wait4`` starts at its size)."""
    rng = random.Random(seed)
    with contextlib.ExitStack() as stack:
        merged = stack.enter_context(_text_out(folder / MERGED))
        out = {(side, form): stack.enter_context(_text_out(folder / name.format(side)))
               for side in ("gold", "pred") for form, name in FORMS.items()}
        written = 0
        while written < tokens:
            length = min(rng.randint(5, 30), tokens - written)
            words, gold, pred = map(list, zip(*_sentence(rng, length)))
            merged.write("".join(f"{w} {g} {p}\n" for w, g, p in zip(words, gold, pred)) + "\n")
            for side, tags in (("gold", gold), ("pred", pred)):
                text = rows_text(words, tags)
                out[side, "conll"].write(text)
                out[side, "gz"].write(text)
                out[side, "jsonl"].write(json.dumps({"tokens": words, "ner_tags": tags}) + "\n")
            written += length


def _inner_layer(rng: random.Random, outer: list[str]) -> list[str]:
    """An inner layer: inside some outer entities of two or more tokens, a one-token
    entity on their first token (as GermEval's LOCderiv inside an ORG)."""
    inner = ["O"] * len(outer)
    for k, tag in enumerate(outer):
        if tag.startswith("B-") and k + 1 < len(outer) and outer[k + 1].startswith("I-") and rng.random() < 0.4:
            inner[k] = f"B-{rng.choice(TYPES)}"
    return inner


def write_layered(folder: Path, tokens: int, seed: int) -> None:
    """Gold and prediction in two tag layers (``token outer inner``, tab-separated): the
    outer layer as the flat corpus's, an inner layer nested in it, 10% of inner
    entities missed or retyped in the prediction."""
    rng = random.Random(seed + 1)
    with open(folder / LAYERED[0], "w", encoding="utf-8") as g, open(folder / LAYERED[1], "w", encoding="utf-8") as p:
        written = 0
        while written < tokens:
            length = min(rng.randint(5, 30), tokens - written)
            words, gold, pred = map(list, zip(*_sentence(rng, length)))
            g_inner = _inner_layer(rng, gold)
            p_inner = [("O" if rng.random() < 0.05 else f"B-{rng.choice(TYPES)}") if t != "O" and rng.random() < 0.1
                       else t for t in g_inner]
            g.write("".join(f"{w}\t{a}\t{b}\n" for w, a, b in zip(words, gold, g_inner)) + "\n")
            p.write("".join(f"{w}\t{a}\t{b}\n" for w, a, b in zip(words, pred, p_inner)) + "\n")
            written += length


def nested_rows(folder: Path) -> list[Row]:
    """Nested scoring of two tag layers, beside reading and splitting the same files."""
    files = [str(folder / name) for name in LAYERED]
    return [
        Row(TWO_LAYERED, [sys.executable, "-c", FLOOR, "text", *files]),
        Row("seqeval-suite nested, 2 layers, 2 files", suite() + ["evaluate", *files, "--layers", "1,2", "-f", "json"],
            TWO_LAYERED, target="nested"),
    ]


def cached(folder: Path, write: Callable[[Path], object]) -> Path:
    """``folder`` as ``write`` fills it, written only when absent: into ``<folder>.part``,
    renamed when complete, so an interrupted run leaves nothing half-written to reuse."""
    if not folder.is_dir():
        part = folder.with_name(folder.name + ".part")
        shutil.rmtree(part, ignore_errors=True)
        part.mkdir(parents=True)
        write(part)
        part.rename(folder)
    return folder


def annotator_files(folder: Path) -> list[Path]:
    """The annotator files ``bench_agree.generate`` wrote into ``folder``."""
    return [folder / f"ann{k + 1}.conll" for k in range(ANNOTATORS)]


def pair(folder: Path, form: str = "conll") -> list[str]:
    """The gold and the prediction file of a corpus folder in ``form`` (conll, gz, jsonl)."""
    return [str(folder / FORMS[form].format(side)) for side in ("gold", "pred")]


def floor_rows(corpus: Path) -> list[Row]:
    """The read-and-split floors of every input form."""
    py = [sys.executable, "-c", FLOOR]
    return [
        Row(ONE_FILE, py + ["text", str(corpus / MERGED)]),
        Row(TWO_FILES, py + ["text", *pair(corpus)]),
        Row(TWO_GZ, py + ["gzip", *pair(corpus, "gz")]),
        Row(TWO_JSONL, py + ["json", *pair(corpus, "jsonl")]),
    ]


def suite() -> list[str]:
    """How the CLI is started: this interpreter's ``python -m seqeval_suite``."""
    return [sys.executable, "-m", "seqeval_suite"]


def evaluate_row(label: str, inputs: list[str], floor: str, options: tuple[str, ...] = (),
                 oracle: str | None = SEQEVAL_DEFAULT, stdin: Path | None = None) -> Row:
    """``seqeval-suite evaluate INPUTS -f json OPTIONS``, checked against ``floor``."""
    cmd = suite() + ["evaluate", *inputs, "-f", "json", *options]
    return Row(f"seqeval-suite {label}", cmd, floor, stdin, "evaluate", oracle)


def evaluate_rows(corpus: Path) -> list[Row]:
    """``seqeval-suite evaluate`` in every mode on one and two files, every --match, and
    on gold from stdin, gzip files and JSON Lines."""
    modes = {"lenient": ((), SEQEVAL_DEFAULT), "conlleval": (("--mode", "conlleval"), SEQEVAL_DEFAULT),
             "strict IOB2": (("--mode", "strict", "--scheme", "IOB2"), SEQEVAL_STRICT)}
    inputs = {"1 file": ([str(corpus / MERGED)], ONE_FILE), "2 files": (pair(corpus), TWO_FILES)}
    rows = [evaluate_row(f"{mode}, {where}", files, floor, options, oracle)
            for where, (files, floor) in inputs.items() for mode, (options, oracle) in modes.items()]
    rows += [evaluate_row(f"--match {match}, 2 files", pair(corpus), TWO_FILES, ("--match", match), None)
             for match in ("exact", "partial", "type")]
    gold, pred = pair(corpus)
    return rows + [
        evaluate_row("lenient, gold on stdin", ["-", pred], TWO_FILES, stdin=Path(gold)),
        evaluate_row("lenient, 2 .gz files", pair(corpus, "gz"), TWO_GZ),
        evaluate_row("lenient, 2 .jsonl files", pair(corpus, "jsonl"), TWO_JSONL),
    ]


def agree_rows(folder: Path) -> list[Row]:
    """``agree`` on every annotator file, beside one ``evaluate`` call on two of them."""
    anns = [str(path) for path in annotator_files(folder)]
    pairs = ANNOTATORS * (ANNOTATORS - 1) // 2
    return [
        Row(ANNOTATOR_FLOOR, [sys.executable, "-c", FLOOR, "text", *anns]),
        Row(EVALUATE_PAIR, suite() + ["evaluate", *anns[:2], "-f", "json", "-q"]),
        Row(f"seqeval-suite agree, {ANNOTATORS} annotators ({pairs} pairs)",
            suite() + ["agree", *anns, "-f", "json", "-q"], EVALUATE_PAIR, target="agree"),
    ]


def comparison_rows(corpus: Path) -> list[Row]:
    """seqeval and the conlleval port on the merged file."""
    py, merged = sys.executable, str(corpus / MERGED)
    return [
        Row(SEQEVAL_DEFAULT, [py, "-c", SEQEVAL, merged, "default"], ONE_FILE),
        Row(SEQEVAL_STRICT, [py, "-c", SEQEVAL, merged, "strict"], ONE_FILE),
        Row("conlleval port 0.2", [py, "-c", PORT, merged], ONE_FILE),
    ]


def rows_for(size: int, args: argparse.Namespace) -> list[Row]:
    """Every row at one corpus size, its corpora written first when not cached."""
    work = Path(args.workdir)
    corpus = cached(work / f"synthetic_{size}_s{args.seed}", lambda part: write_corpus(part, size, args.seed))
    rows = floor_rows(corpus) + evaluate_rows(corpus)
    if args.nested:
        rows += nested_rows(cached(work / f"layered_{size}_s{args.seed}",
                                   lambda part: write_layered(part, size, args.seed)))
    if args.agree:
        folder = cached(work / f"agree_{size}_a{ANNOTATORS}_s{args.seed}",
                        lambda part: generate_annotators(part, size, ANNOTATORS, args.seed))
        rows += agree_rows(folder)
    if size <= args.slow_limit:
        rows += comparison_rows(corpus)
    return only(rows, args.only)


def only(rows: list[Row], text: str | None) -> list[Row]:
    """The rows whose label holds ``text`` (any case), with the floors they are divided
    by (and, for agree, the floor of its files); every row when ``text`` is None."""
    if text is None:
        return rows
    chosen = [row for row in rows if text.lower() in row.label.lower()]
    floors = {row.floor for row in chosen}
    if any(row.target == "agree" for row in chosen):
        floors.add(ANNOTATOR_FLOOR)  # for agree_floor_note
    return [row for row in rows if row in chosen or row.label in floors]


def shown(row: Row) -> str:
    """The row's command as a shell line (embedded scripts by name)."""
    line = shlex.join(SCRIPT_NAMES.get(arg, arg) for arg in row.cmd)
    return f"{line} < {shlex.quote(str(row.stdin))}" if row.stdin else line


def measure(row: Row, repeat: int, timeout: float) -> Result:
    """Median wall seconds and peak RSS (MB) of ``row`` run ``repeat`` times; the first
    failure or time-out ends it."""
    times, peaks = [], []
    for _ in range(repeat):
        run = run_once(row.cmd, timeout, row.stdin)
        if run.error:
            return Result(row, error=run.error)
        times.append(run.wall)
        peaks.append(run.peak)
    return Result(row, statistics.median(times), max(peaks))


def ratio(result: Result, by_label: dict[str, Result]) -> float | None:
    """``result``'s time over its floor's, 1 for a reference row, None if either failed."""
    base = by_label.get(result.row.floor) if result.row.floor else result
    if result.error or base is None or base.error:
        return None
    return result.seconds / base.seconds


def table_row(size: int, result: Result, by_label: dict[str, Result]) -> list[str]:
    """The cells of one result."""
    row = result.row
    head = [f"{size:,}", row.label, row.floor or "(reference)"]
    if result.error:
        return head + [f"ERROR ({result.error.split(':')[0]})", "", "", "", ""]
    x = ratio(result, by_label)
    oracle = by_label.get(row.oracle) if row.oracle else None
    vs = f"{oracle.seconds / result.seconds:.1f}x faster" if oracle and not oracle.error else ""
    return head + [f"{result.seconds:.3f}", f"{size / result.seconds:,.0f}", f"{result.peak:.0f}",
                   "n/a" if x is None else f"{x:.2f}", vs]


def check_row(size: int, result: Result, by_label: dict[str, Result]) -> list[str] | None:
    """PASS/FAIL of a seqeval-suite row against its targets at ``size``, or None when no
    target applies (other sizes, floors, seqeval and the port)."""
    if size not in TARGETS or result.row.target is None:
        return None
    limit, peak_limit = TARGETS[size]
    if result.row.target == "agree":
        limit = min(limit, AGREE_TARGET)
    elif result.row.target == "nested":
        limit = NESTED_TARGET
    wanted = f"<= {limit:g}x" + (f", peak < {peak_limit:g} MB" if peak_limit else "")
    x = ratio(result, by_label)
    if x is None:
        got, ok = "error" if result.error else "floor failed", False
    else:
        got = f"{x:.2f}x" + (f", {result.peak:.0f} MB" if peak_limit else "")
        ok = x <= limit and (peak_limit is None or result.peak < peak_limit)
    return [f"{size:,}", result.row.label, result.row.floor, got, wanted, "PASS" if ok else "FAIL"]


def render(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    """A Markdown or plain-text table."""
    if not markdown:
        return table(header, rows)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def run_size(size: int, args: argparse.Namespace) -> list[Result]:
    """Time every row at one size, logging each to stderr as it ends."""
    results = []
    for row in rows_for(size, args):
        result = measure(row, args.repeat, args.timeout)
        results.append(result)
        timing = f"ERROR {result.error}" if result.error else f"{result.seconds:8.3f} s {result.peak:6.1f} MB"
        print(f"# {size:>10,} {row.label:<44} {timing}\n#   $ {shown(row)}", file=sys.stderr, flush=True)
    return results


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="50k,1M", help="corpus sizes in tokens (e.g. 50k,1M,10M)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions per command (median taken)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "seqeval-suite-bench"),
                        help="where the corpora are written (reused when present)")
    parser.add_argument("--slow-limit", type=parse_size, default=parse_size("1M"),
                        help="skip seqeval and the port above this size (they take minutes at 10M)")
    parser.add_argument("--agree", action=argparse.BooleanOptionalAction, default=True,
                        help=f"time agree with {ANNOTATORS} annotators against one evaluate call")
    parser.add_argument("--nested", action=argparse.BooleanOptionalAction, default=True,
                        help="time nested scoring of two tag layers against reading them")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds one run of a command may take before it is an ERROR row")
    parser.add_argument("--check", action="store_true",
                        help="after the table, PASS/FAIL of each seqeval-suite row at 1M and 10M tokens")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--only", metavar="TEXT",
                        help="only the rows whose label holds TEXT, and their floors (e.g. --only jsonl "
                             "--no-agree --no-nested for the JSON Lines rows)")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.timeout <= 0:
        parser.error("--repeat and --timeout must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    """Generate the corpora, time every command, print the table (and the checks)."""
    args = parse_args(argv)
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    table_rows, checks, errors, notes = [], [], [], []
    for size in map(parse_size, args.sizes.split(",")):
        results = run_size(size, args)
        by_label = {result.row.label: result for result in results}
        notes.append(agree_floor_note(size, by_label))
        for result in results:
            table_rows.append(table_row(size, result, by_label))
            checks.append(check_row(size, result, by_label))
            if result.error:
                errors.append(f"{size:,} {result.row.label}: {result.error}\n  $ {shown(result.row)}")
    print(render(["tokens", "command", "floor", "median s", "tokens/s", "peak MB", "x floor",
                  "vs seqeval (same mode)"], table_rows, args.markdown))
    print(f"\npython {sys.version.split()[0]}, {os.cpu_count()} CPUs, seed {args.seed}, "
          f"median of {args.repeat}; {own_rss()}")
    if errors:
        print("\nerrors:\n" + "\n".join(errors))
    if any(notes):
        print("\n" + "\n".join(note for note in notes if note))
    if args.check:
        print_checks([c for c in checks if c], args.markdown)
    return 0


def agree_floor_note(size: int, by_label: dict[str, Result]) -> str | None:
    """``agree``'s time against the read-and-split floor of its own input files, beside
    what the target (``AGREE_TARGET`` x one two-file evaluate call) comes to in that
    floor's terms; None without the rows."""
    floor, pair = by_label.get(ANNOTATOR_FLOOR), by_label.get(EVALUATE_PAIR)
    agree = next((r for r in by_label.values() if r.row.target == "agree"), None)
    if any(r is None or r.error for r in (floor, pair, agree)):
        return None
    return (f"agree at {size:,} tokens: {agree.seconds / floor.seconds:.2f}x the read-and-split floor of its "
            f"{ANNOTATORS} files ({floor.seconds:.3f} s, itself {floor.seconds / pair.seconds:.2f}x one evaluate "
            f"call); the target, {AGREE_TARGET:g}x one evaluate call, is "
            f"{AGREE_TARGET * pair.seconds / floor.seconds:.2f}x that floor")


def print_checks(rows: list[list[str]], markdown: bool) -> None:
    """The --check verdicts (informative: the exit status stays 0)."""
    targets = "; ".join(f"{size:,} tokens: x floor <= {limit:g}" + (f", peak < {peak:g} MB" if peak else "")
                        for size, (limit, peak) in TARGETS.items())
    print(f"\ncheck ({targets}; agree: x floor <= {AGREE_TARGET:g}, its floor being one evaluate call; "
          f"nested: x floor <= {NESTED_TARGET:g}):")
    if rows:
        print(render(["tokens", "command", "floor", "measured", "target", "result"], rows, markdown))
        print(f"{sum(r[-1] == 'PASS' for r in rows)} of {len(rows)} rows pass")
    else:
        print("no 1M or 10M size in this run: nothing to check")


if __name__ == "__main__":
    raise SystemExit(main())
