"""One scoring core: every way of handing the same data to ``seqeval-suite evaluate``
(and to :func:`seqeval_suite.evaluate`) gives the same report, and a broken input gives
one clear error.

The forms: two paths or one ``token gold pred`` file; the varied file as a plain path,
through stdin (``-``), gzipped, through a FIFO, or through bash's process substitution
``<(cat file)``; JSON Lines; tag lists in the API. A FIFO, stdin and a process
substitution can be read only once, so a reader that gives up half way and re-opens
the file ("falls back") hangs or sees no data there: these tests catch that with a
timeout instead of hanging. SPEC sections 2-5 are the reference (documents, CRLF,
byte-identical output, no path in results, exit codes, no traceback).
"""
from __future__ import annotations

import gzip
import json
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqeval_suite import evaluate

#: A run of the CLI on these few hundred bytes takes well under a second; a run still
#: going after this long has hung (typically: blocked re-opening a FIFO).
TIMEOUT = 15
#: SPEC 5 / the brief: an empty FIFO must end within this.
EMPTY_FIFO_TIMEOUT = 30

TYPES = ("PER", "LOC", "ORG")
LONG_TYPE = "GEOPOLITICAL_ENTITY_OR_ADMINISTRATIVE_AR"  # B-/I- + 40 bytes: tags over 32 bytes
assert len(LONG_TYPE) == 40
ASCII_TOKENS = ("EU", "rejects", "German", "call", "to", "boycott", "British", "lamb", ".", "Peter",
                "Blackburn", "1996-08-22", "said", "on", "Friday", ",", "Commission")
UNICODE_TOKENS = ("Zürich", "Genève", "Łódź", "São", "Paulo", "東京", "Ελλάδα", "naïve", "said", "in", ".")

# Every input kind is written in tmp_path from a seeded generator (see make_corpus).
KINDS = {
    "plain": {"seed": 11, "types": TYPES, "tokens": ASCII_TOKENS, "sep": " ", "newline": "\n"},
    # CR before LF is removed in every mode (SPEC 3): only the gold / one-file text has it.
    "crlf_unicode": {"seed": 12, "types": TYPES, "tokens": UNICODE_TOKENS, "sep": " ", "newline": "\r\n"},
    "long_tags": {"seed": 13, "types": (*TYPES, LONG_TYPE), "tokens": ASCII_TOKENS, "sep": " ", "newline": "\n"},
    "tab": {"seed": 14, "types": TYPES, "tokens": ASCII_TOKENS + UNICODE_TOKENS, "sep": "\t", "newline": "\n"},
}

OUTPUTS = {
    "lenient-json": ("-f", "json"),
    "strict-json": ("--mode", "strict", "--scheme", "IOB2", "-f", "json"),
    "conlleval-json": ("--mode", "conlleval", "-f", "json"),
    "conlleval-text": ("--mode", "conlleval", "-f", "conlleval"),
}
API_MODES = {
    "lenient": {"mode": "lenient"},
    "strict": {"mode": "strict", "scheme": "IOB2"},
    "conlleval": {"mode": "conlleval"},
}


# --------------------------------------------------------------------------- data
@dataclass
class Corpus:
    tokens: list[list[str]]
    gold: list[list[str]]
    pred: list[list[str]]

    def text(self, columns: str, sep: str = " ", newline: str = "\n") -> bytes:
        """CoNLL bytes with the columns token + ``g`` / ``p`` / ``gp``; a ``-DOCSTART-``
        line opens the file and a second document starts half way."""
        tag_count = len(columns)
        docstart = sep.join(["-DOCSTART-"] + ["O"] * tag_count) + newline + newline
        out = []
        for k, (tokens, gold, pred) in enumerate(zip(self.tokens, self.gold, self.pred)):
            if k in (0, len(self.tokens) // 2):
                out.append(docstart)
            for token, g, p in zip(tokens, gold, pred):
                cells = [token] + [{"g": g, "p": p}[c] for c in columns]
                out.append(sep.join(cells) + newline)
            out.append(newline)
        return "".join(out).encode("utf-8")

    def jsonl(self, side: str) -> bytes:
        tags = self.gold if side == "g" else self.pred
        return "".join(json.dumps({"tokens": t, "ner_tags": g}, ensure_ascii=False) + "\n"
                       for t, g in zip(self.tokens, tags)).encode("utf-8")


def _random_spans(rng: random.Random, length: int, types) -> list[tuple[int, int, str]]:
    spans, k = [], 0
    while k < length:
        if rng.random() < 0.35:
            end = min(length, k + rng.randint(1, 3))
            spans.append((k, end, rng.choice(types)))
            k = end + (0 if rng.random() < 0.15 else 1)  # sometimes two entities touch (B-X B-X)
        else:
            k += 1
    return spans


def _perturb(rng: random.Random, spans, length: int, types) -> list[tuple[int, int, str]]:
    """Prediction errors of every kind, kept well formed (no ill-formed IOB2 runs, so no
    warning in any mode): wrong type, missed entity, shifted boundary, spurious entity."""
    taken = [False] * length
    out = []

    def place(s, e, t):
        if 0 <= s < e <= length and not any(taken[s:e]):
            taken[s:e] = [True] * (e - s)
            out.append((s, e, t))
            return True
        return False

    for s, e, t in spans:
        r = rng.random()
        if r < 0.55:
            place(s, e, t)
        elif r < 0.68:
            place(s, e, rng.choice([x for x in types if x != t]))
        elif r < 0.78:
            pass  # missed
        elif r < 0.89:
            place(s, e + rng.choice((-1, 1)), t) or place(s, e, t)
        else:
            place(s + rng.choice((-1, 1)), e, t) or place(s, e, t)
    if rng.random() < 0.5:
        s = rng.randrange(length)
        place(s, s + 1, rng.choice(types))  # spurious
    return sorted(out)


def _iob2(spans, length: int) -> list[str]:
    tags = ["O"] * length
    for s, e, t in spans:
        tags[s] = "B-" + t
        for k in range(s + 1, e):
            tags[k] = "I-" + t
    return tags


def make_corpus(seed: int, types=TYPES, tokens=ASCII_TOKENS, sentences: int = 14) -> Corpus:
    rng = random.Random(seed)
    corpus = Corpus([], [], [])
    for _ in range(sentences):
        length = rng.randint(2, 12)
        gold = _random_spans(rng, length, types)
        corpus.tokens.append([rng.choice(tokens) for _ in range(length)])
        corpus.gold.append(_iob2(gold, length))
        corpus.pred.append(_iob2(_perturb(rng, gold, length, types), length))
    return corpus


@dataclass
class Files:
    corpus: Corpus
    gold: Path
    pred: Path
    merged: Path
    gold_jsonl: Path
    pred_jsonl: Path
    cli_args: tuple[str, ...]
    api_args: dict


def write_kind(directory: Path, kind: str) -> Files:
    spec = KINDS[kind]
    corpus = make_corpus(spec["seed"], spec["types"], spec["tokens"])
    sep, newline = spec["sep"], spec["newline"]
    paths = {}
    for name, content in (("gold.conll", corpus.text("g", sep, newline)),
                          ("pred.conll", corpus.text("p", sep, "\n")),  # the other file keeps LF
                          ("merged.conll", corpus.text("gp", sep, newline)),
                          ("gold.jsonl", corpus.jsonl("g")), ("pred.jsonl", corpus.jsonl("p"))):
        paths[name] = directory / name
        paths[name].write_bytes(content)
    tab = sep == "\t"
    return Files(corpus, paths["gold.conll"], paths["pred.conll"], paths["merged.conll"],
                 paths["gold.jsonl"], paths["pred.jsonl"],
                 ("--delimiter", "\\t") if tab else (),  # as typed in a shell: --delimiter '\t'
                 {"delimiter": "\t"} if tab else {})


# ---------------------------------------------------------------------- running
@dataclass
class Run:
    variant: str
    returncode: int | None  # None: timed out
    stdout: bytes
    stderr: str


class FifoWriter:
    """A FIFO at ``path`` that a thread fills with ``data`` once (one open, one close)."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path, self.data = path, data
        os.mkfifo(path)
        self.thread = threading.Thread(target=self._write, daemon=True)
        self.thread.start()

    def _write(self) -> None:
        try:
            with open(self.path, "wb") as fh:  # blocks until a reader opens the FIFO
                fh.write(self.data)
        except BrokenPipeError:
            pass

    def close(self) -> None:
        """Release a writer still blocked because the program never opened (or never
        drained) the FIFO, so no thread outlives the test."""
        if not self.thread.is_alive():
            return
        fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            for _ in range(500):
                try:
                    os.read(fd, 1 << 16)
                except BlockingIOError:
                    pass
                self.thread.join(0.01)
                if not self.thread.is_alive():
                    break
        finally:
            os.close(fd)


def _subprocess(variant: str, argv, *, input=None, timeout=TIMEOUT, cwd=None) -> Run:
    env = {k: v for k, v in os.environ.items() if k != "SEQEVAL_SUITE_NO_FAST_PATH"}
    try:
        done = subprocess.run(argv, input=input, stdin=None if input is not None else subprocess.DEVNULL,
                              capture_output=True, timeout=timeout, env=env, cwd=cwd, check=False)
    except subprocess.TimeoutExpired as exc:
        return Run(variant, None, exc.stdout or b"", (exc.stderr or b"").decode("utf-8", "replace"))
    return Run(variant, done.returncode, done.stdout, done.stderr.decode("utf-8", "replace"))


def _cli_argv(*args) -> list[str]:
    return [sys.executable, "-m", "seqeval_suite", *map(str, args)]


def run_stdin(command: str, data: bytes, before=(), after=(), timeout=TIMEOUT) -> Run:
    return _subprocess("stdin", _cli_argv(command, *before, "-", *after), input=data, timeout=timeout)


def run_fifo(command: str, fifo: Path, data: bytes, before=(), after=(), timeout=TIMEOUT) -> Run:
    writer = FifoWriter(fifo, data)
    try:
        return _subprocess("fifo", _cli_argv(command, *before, fifo, *after), timeout=timeout)
    finally:
        writer.close()


def run_procsub(command: str, source: Path, before=(), after=(), timeout=TIMEOUT) -> Run:
    def quote(xs) -> str:
        return " ".join(shlex.quote(str(x)) for x in xs)

    script = (f"exec {quote(_cli_argv(command, *before))} <(cat {shlex.quote(str(source))}) {quote(after)}")
    return _subprocess("procsub", ["bash", "-c", script], timeout=timeout)


def run_inprocess(cli, variant: str, *args) -> Run:
    result = cli(*args)
    return Run(variant, result.exit_code, result.stdout_bytes, result.stderr)


def gzip_copy(path: Path) -> Path:
    out = path.with_name(path.name + ".gz")
    out.write_bytes(gzip.compress(path.read_bytes(), mtime=0))
    return out


def _describe(run: Run, expected: bytes) -> str | None:
    """None when ``run`` printed exactly ``expected`` and exited 0; else what went wrong."""
    if run.returncode is None:
        return f"{run.variant}: no result in time (hung; was the input opened twice?)"
    if run.returncode != 0:
        last = (run.stderr.strip().splitlines() or ["<no stderr>"])[-1]
        return f"{run.variant}: exit {run.returncode}: {last}"
    if "Traceback" in run.stderr:
        return f"{run.variant}: a traceback on stderr"
    if run.stdout != expected:
        k = next((i for i, (a, b) in enumerate(zip(run.stdout, expected)) if a != b),
                 min(len(run.stdout), len(expected)))
        return (f"{run.variant}: stdout differs from the plain path's at byte {k}: "
                f"{run.stdout[max(0, k - 40):k + 40]!r} vs {expected[max(0, k - 40):k + 40]!r}")
    return None


def assert_all_same(reference: Run, runs: list[Run], *, bash_missing: bool = False) -> None:
    assert reference.returncode == 0, reference.stderr
    assert reference.stdout, "the reference run printed nothing"
    problems = [p for p in (_describe(r, reference.stdout) for r in runs) if p]
    assert not problems, "input forms disagree with the plain path:\n" + "\n".join(problems)
    if bash_missing:
        pytest.skip("bash is missing: the process-substitution form was not tried (the others agree)")


def input_forms(cli, command: str, varied: Path, before=(), after=()) -> tuple[Run, list[Run]]:
    """Runs of ``command before... VARIED after...`` with VARIED as a plain path (the
    reference, in process), gzipped (in process), then through stdin, a FIFO and a
    process substitution (real subprocesses, side by side)."""
    reference = run_inprocess(cli, "path", command, *before, varied, *after)
    data = varied.read_bytes()
    runs = [run_inprocess(cli, "gz", command, *before, gzip_copy(varied), *after)]
    jobs = [lambda: run_stdin(command, data, before, after),
            lambda: run_fifo(command, varied.with_name(varied.name + ".fifo"), data, before, after)]
    if shutil.which("bash"):
        jobs.append(lambda: run_procsub(command, varied, before, after))
    with ThreadPoolExecutor(len(jobs)) as pool:
        runs += list(pool.map(lambda job: job(), jobs))
    return reference, runs


def _check_reference(reference: Run, output: str) -> None:
    """The data is worth comparing: entities found, and prediction errors of both kinds."""
    assert reference.returncode == 0, reference.stderr
    if output.endswith("json"):
        micro = json.loads(reference.stdout)["micro"]
        assert micro["tp"] > 0 and micro["fp"] > 0 and micro["fn"] > 0, micro
    else:
        assert reference.stdout.startswith(b"processed "), reference.stdout[:200]


# ------------------------------------------------------------- 0. the generator
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_corpus_generator_makes_errors_of_every_kind(kind):
    spec = KINDS[kind]
    corpus = make_corpus(spec["seed"], spec["types"], spec["tokens"])
    report = evaluate(corpus.gold, corpus.pred)
    assert len(corpus.gold) >= 10
    assert set(report.per_type) == set(spec["types"])
    assert report.micro.tp > 0 and report.micro.fp > 0 and report.micro.fn > 0
    assert any(g != p for gs, ps in zip(corpus.gold, corpus.pred) for g, p in zip(gs, ps)
               if g != "O" and p != "O")  # a wrong type or boundary, not only misses
    # well formed in IOB2, so no mode warns and every JSON report has an empty warnings list
    strict = evaluate(corpus.gold, corpus.pred, mode="strict", scheme="IOB2")
    assert strict.warnings == [] and strict.to_dict()["per_type"] == report.to_dict()["per_type"]


# ------------------------------------- 1, 2. the same report from every input form
@pytest.mark.parametrize("output", list(OUTPUTS))
@pytest.mark.parametrize("kind", list(KINDS))
def test_evaluate_two_files_same_output_from_every_gold_form(cli, tmp_path, kind, output):
    files = write_kind(tmp_path, kind)
    after = (files.pred, *OUTPUTS[output], *files.cli_args)
    reference, runs = input_forms(cli, "evaluate", files.gold, after=after)
    _check_reference(reference, output)
    # the prediction gzipped too, in process
    runs.append(run_inprocess(cli, "pred-gz", "evaluate", files.gold, gzip_copy(files.pred), *after[1:]))
    assert_all_same(reference, runs, bash_missing=not shutil.which("bash"))


@pytest.mark.parametrize("output", list(OUTPUTS))
@pytest.mark.parametrize("kind", list(KINDS))
def test_evaluate_one_file_same_output_from_every_form(cli, tmp_path, kind, output):
    files = write_kind(tmp_path, kind)
    reference, runs = input_forms(cli, "evaluate", files.merged, after=(*OUTPUTS[output], *files.cli_args))
    _check_reference(reference, output)
    # and one file scores exactly as the two files it merges
    two = run_inprocess(cli, "two-files", "evaluate", files.gold, files.pred, *OUTPUTS[output], *files.cli_args)
    assert_all_same(reference, runs + [two], bash_missing=not shutil.which("bash"))


#: Sentences in the corpus whose gzip is cut: enough that the cut falls mid-stream.
BIG = 3000


def _broken_inputs(directory: Path, broken: str, position: str) -> tuple[Path, ...]:
    """The evaluate arguments with a broken ``x.conll.gz`` at ``position``; the healthy
    file holds the same sentences, so that only the broken file can be at fault."""
    corpus = make_corpus(KINDS["plain"]["seed"], sentences=BIG if broken == "truncated-gzip" else 14)
    columns = {"gold": ("g", "p"), "pred": ("p", "g"), "one-file": ("gp", None)}[position]
    text = corpus.text(columns[0])
    bad = directory / "x.conll.gz"
    if broken == "not-gzip":
        bad.write_bytes(text)  # plain text behind a .gz name
    else:
        data = gzip.compress(text, mtime=0)
        assert data[:2] == b"\x1f\x8b" and len(data) > 16_384, len(data)
        bad.write_bytes(data[: len(data) // 2])  # valid header, cut in the middle
    if columns[1] is None:
        return (bad,)
    healthy = directory / "healthy.conll"
    healthy.write_bytes(corpus.text(columns[1]))
    return (bad, healthy) if position == "gold" else (healthy, bad)


BROKEN = ("not-gzip", "truncated-gzip")


def _assert_one_clear_gzip_error(returncode, stdout, stderr) -> None:
    assert returncode == 1, (returncode, stdout, stderr)
    assert not stdout, stdout
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "x.conll.gz" in lines[0], stderr
    # what is wrong (SPEC 5): the file itself, not e.g. "ends after N sentences" because
    # a reader silently stopped at the cut
    assert re.search(r"gzip|compress", lines[0], re.IGNORECASE), stderr


@pytest.mark.parametrize("mode", ["lenient", "strict", "conlleval"])
@pytest.mark.parametrize("position", ["gold", "pred", "one-file"])
@pytest.mark.parametrize("broken", BROKEN)
def test_evaluate_broken_gzip_is_one_clear_error_naming_the_file(cli, tmp_path, broken, position, mode):
    inputs = _broken_inputs(tmp_path, broken, position)
    extra = ("--scheme", "IOB2") if mode == "strict" else ()
    result = cli("evaluate", *inputs, "--mode", mode, *extra, "-f", "json")
    _assert_one_clear_gzip_error(result.exit_code, result.stdout, result.stderr)


@pytest.mark.parametrize("broken", BROKEN)
def test_evaluate_broken_gzip_through_real_cli_has_no_traceback(tmp_path, broken):
    inputs = _broken_inputs(tmp_path, broken, "gold")
    run = _subprocess("path", _cli_argv("evaluate", *inputs, "-f", "json"))
    _assert_one_clear_gzip_error(run.returncode, run.stdout, run.stderr)


# ------------------------------------------------------ 6. the API: lists = paths
# Keys of Report.to_dict() that legitimately depend on the input form:
#  - "documents": tag lists carry no -DOCSTART- lines, so they are one document; the
#    files hold two (SPEC 2: -DOCSTART- lines are document boundaries).
# Nothing else may differ: the data is well formed, so "warnings" is empty either way.
FORM_DEPENDENT = {"documents"}


def _without(report_dict: dict, keys) -> dict:
    return {k: v for k, v in report_dict.items() if k not in keys}


def _counts(report) -> dict:
    return {t: (c.tp, c.fp, c.fn) for t, c in report.per_type.items()}


@pytest.mark.parametrize("mode", list(API_MODES))
@pytest.mark.parametrize("kind", list(KINDS))
def test_api_lists_equal_paths(tmp_path, kind, mode):
    files = write_kind(tmp_path, kind)
    corpus, kwargs = files.corpus, {**API_MODES[mode], **files.api_args}
    from_lists = evaluate(corpus.gold, corpus.pred, **API_MODES[mode])
    from_paths = evaluate(str(files.gold), str(files.pred), **kwargs)
    from_one = evaluate(str(files.merged), **kwargs)
    from_gz = evaluate(str(gzip_copy(files.gold)), str(files.pred), **kwargs)
    assert from_lists.micro.tp > 0
    if mode == "conlleval":
        # In conlleval mode -DOCSTART- lines are tokens (SPEC 2, as in conlleval.pl), so
        # tokens, sentences and accuracy count them in files but not in lists: counts only.
        expected = _counts(from_lists)
        assert _counts(from_paths) == expected
        assert _counts(from_one) == expected
        assert _counts(from_gz) == expected
        return
    expected = _without(from_lists.to_dict(), FORM_DEPENDENT)
    assert from_lists.documents == 1 and from_paths.documents == 2
    assert _without(from_paths.to_dict(), FORM_DEPENDENT) == expected
    assert _without(from_one.to_dict(), FORM_DEPENDENT) == expected
    assert from_gz.to_dict() == from_paths.to_dict()


TAG_ALPHABET = ["O", "O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG",
                "B-" + LONG_TYPE, "I-" + LONG_TYPE]


@st.composite
def tag_pairs(draw):
    """Random gold/pred tag sentences (ill-formed runs included) and a newline style."""
    gold, pred = [], []
    for _ in range(draw(st.integers(1, 6))):
        n = draw(st.integers(1, 8))
        gold.append(draw(st.lists(st.sampled_from(TAG_ALPHABET), min_size=n, max_size=n)))
        pred.append(draw(st.lists(st.sampled_from(TAG_ALPHABET), min_size=n, max_size=n)))
    return gold, pred, draw(st.sampled_from(["\n", "\r\n"]))


def _summary(report) -> dict:
    """Everything but the names of the inputs (warnings name them) and documents."""
    return {"per_type": _counts(report), "tokens": report.tokens, "sentences": report.sentences,
            "correct_tags": report.correct_tags, "invalid_tags": dict(report.invalid_tags),
            "ill_formed": dict(report.ill_formed)}


@settings(max_examples=40, deadline=None)
@given(case=tag_pairs(), mode=st.sampled_from(list(API_MODES)))
def test_api_random_tags_files_and_lists_give_the_same_counts(tmp_path_factory, case, mode):
    gold, pred, newline = case
    tokens = [[f"w{k}" for k in range(len(s))] for s in gold]
    corpus = Corpus(tokens, gold, pred)
    directory = tmp_path_factory.mktemp("h")
    gold_path, pred_path = directory / "g.conll", directory / "p.conll"
    gold_path.write_bytes(corpus.text("g", newline=newline))
    pred_path.write_bytes(corpus.text("p"))
    from_lists = evaluate(gold, pred, **API_MODES[mode])
    from_files = evaluate(str(gold_path), str(pred_path), **API_MODES[mode])
    from_gz = evaluate(str(gzip_copy(gold_path)), str(pred_path), **API_MODES[mode])
    if mode == "conlleval":  # -DOCSTART- lines are tokens there: compare entity counts
        assert _counts(from_files) == _counts(from_lists)
        assert _counts(from_gz) == _counts(from_lists)
    else:
        assert _summary(from_files) == _summary(from_lists)
        assert _summary(from_gz) == _summary(from_lists)


# ------------------------------------------------------------- 7. JSON Lines
@pytest.mark.parametrize("output", ["lenient-json", "strict-json"])
@pytest.mark.parametrize("kind", ["plain", "crlf_unicode", "long_tags"])
def test_evaluate_jsonl_same_counts_as_conll(cli, tmp_path, kind, output):
    files = write_kind(tmp_path, kind)
    conll = run_inprocess(cli, "conll", "evaluate", files.gold, files.pred, *OUTPUTS[output])
    jsonl = run_inprocess(cli, "jsonl", "evaluate", files.gold_jsonl, files.pred_jsonl, *OUTPUTS[output])
    assert conll.returncode == 0, conll.stderr
    assert jsonl.returncode == 0, jsonl.stderr
    a, b = json.loads(conll.stdout), json.loads(jsonl.stdout)
    assert a["micro"]["tp"] > 0
    assert b["per_type"] == a["per_type"]
    assert b["micro"] == a["micro"]
    assert (b["tokens"], b["sentences"]) == (a["tokens"], a["sentences"])


# Keys of the JSON that hold figures; "documents" depends on the form (JSON Lines and
# lists carry no -DOCSTART-), "warnings" may name inputs.
FIGURES = ("micro", "macro", "weighted", "per_type", "exact_match", "partial_match",
           "tokens", "sentences", "accuracy")


@pytest.mark.parametrize("layout", ["two-files", "one-file"])
def test_evaluate_partial_match_same_on_every_form(cli, tmp_path, layout):
    files = write_kind(tmp_path, "plain")
    args = ("--match", "partial", "-f", "json")
    if layout == "two-files":
        reference, runs = input_forms(cli, "evaluate", files.gold, after=(files.pred, *args))
    else:
        reference, runs = input_forms(cli, "evaluate", files.merged, after=args)
    assert_all_same(reference, runs, bash_missing=not shutil.which("bash"))
    expected = json.loads(reference.stdout)
    assert expected["match"] == "partial" and expected["micro"]["f1"] < 1.0
    jsonl = run_inprocess(cli, "jsonl", "evaluate", files.gold_jsonl, files.pred_jsonl, *args)
    assert jsonl.returncode == 0, jsonl.stderr
    api_lists = evaluate(files.corpus.gold, files.corpus.pred, match="partial").to_dict()
    api_paths = evaluate(str(files.gold), str(files.pred), match="partial").to_dict()
    for name, got in (("jsonl", json.loads(jsonl.stdout)), ("api lists", api_lists), ("api paths", api_paths)):
        assert {k: got.get(k) for k in FIGURES} == {k: expected.get(k) for k in FIGURES}, name


# ------------------------------------------------------------------ 8. agree
# Default names are file stems: a.conll.gz is annotator "a" as a.conll is.
@pytest.mark.parametrize("options", [(), ("--names", "x,y,z"), ("--gold", "a")], ids=["stems", "names", "gold"])
@pytest.mark.parametrize("gzipped", [0, 1, 2])
def test_agree_same_json_whether_an_annotator_is_gzipped(cli, tmp_path, gzipped, options):
    corpus = make_corpus(31)  # annotator a = its gold, b = its prediction
    rng = random.Random(33)  # c: another perturbation of a (same sentences and lengths)
    c_tags = [_iob2(_perturb(rng, _spans_of(tags), len(tags), TYPES), len(tags)) for tags in corpus.gold]
    paths = []
    for name, tags in (("a", corpus.gold), ("b", corpus.pred), ("c", c_tags)):
        path = tmp_path / f"{name}.conll"
        path.write_bytes(Corpus(corpus.tokens, tags, tags).text("g"))
        paths.append(path)
    args = ("-f", "json", *options)
    plain = run_inprocess(cli, "plain", "agree", *paths, *args)
    assert plain.returncode == 0, plain.stderr
    report = json.loads(plain.stdout)
    assert report["annotators"] == (["x", "y", "z"] if options[:1] == ("--names",) else ["a", "b", "c"])
    mixed = list(paths)
    mixed[gzipped] = gzip_copy(paths[gzipped])
    with_gz = run_inprocess(cli, f"annotator {gzipped + 1} gzipped", "agree", *mixed, *args)
    assert _describe(with_gz, plain.stdout) is None, _describe(with_gz, plain.stdout)


def _spans_of(tags: list[str]) -> list[tuple[int, int, str]]:
    spans = []
    for k, tag in enumerate(tags):
        if tag.startswith("B-"):
            end = k + 1
            while end < len(tags) and tags[end] == "I-" + tag[2:]:
                end += 1
            spans.append((k, end, tag[2:]))
    return spans


def test_json_with_warnings_is_the_same_from_every_gold_form(cli, tmp_path):
    """Warnings name files on stderr, but the JSON names inputs by role (SPEC §4: no file
    paths in results), so a path, stdin, a FIFO, process substitution and a .gz give the
    same JSON even when the data warn (an invalid tag, -DOCSTART- lines in one file)."""
    gold, pred = tmp_path / "gold.conll", tmp_path / "pred.conll"
    gold.write_text("-DOCSTART- O\n\nEU B-ORG\nrejects O\nGerman B-MISC\n\nPeter B-PER\nBlackburn I-PER\n\n")
    pred.write_text("EU B-ORG\nrejects I-\nGerman B-MISC\n\nPeter B-PER\nBlackburn B-PER\n\n")
    reference, runs = input_forms(cli, "evaluate", gold, after=(pred, "-f", "json"))
    warnings = json.loads(reference.stdout)["warnings"]
    assert any(w.startswith("-DOCSTART- lines differ: gold has 1, prediction has 0") for w in warnings), warnings
    assert any(w.startswith("prediction:2: 1 invalid tag") for w in warnings), warnings
    assert str(tmp_path) not in reference.stdout.decode()
    assert_all_same(reference, runs, bash_missing=not shutil.which("bash"))
