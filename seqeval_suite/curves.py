"""Learning curves: score a series of checkpoints, find the best one, diagnose the curve (issue 18).

A *series* is one gold file and one prediction file per checkpoint. Each checkpoint is
scored by the one scoring core (:func:`seqeval_suite.evaluate.score_systems`, gold read
once for the whole series) and gets a percentile bootstrap CI (SPEC §7) for micro P, R,
F1 and macro F1. Every checkpoint of a series is resampled with the same seed, hence
the same resampled sentences; with the default 1000 resamples a checkpoint's micro F1
CI is the one ``compare`` prints for that file with the same seed.

**Steps.** By default the step of a file is the last run of digits in its name once the
extension is removed (a trailing ``.gz`` first, then one more suffix):
``checkpoint-1200.conll`` → 1200, ``epoch_3.pred`` → 3, ``run2-step500.conll.gz`` → 500.
``step_pattern`` (``--step-pattern``) is another regular expression searched in that
stem (its first group if it has one, else the whole match, read as a number), and
``steps`` (``--steps 100,200,...``) gives the steps outright, paired with the files in
the order given (a folder's files in name order). A folder stands for every file in it
except hidden ones (names starting with ``.``), sub-folders and the gold file. Files are
sorted by step; a name without a step (and no ``--steps``), two files with the same step
and an empty series are usage errors (exit 2).

**Best checkpoint.** The one with the highest micro F1 on the main (dev) series; on a
tie (within 1e-12) the earliest step. The *runner-up* is the highest of the others (the
earliest on a tie). The best is tested against the last checkpoint and against the
runner-up with :func:`seqeval_suite.stats.paired_test` (``ar`` by default, or
``bootstrap``): ``p < alpha`` reads "better", otherwise "within noise". No test is run
when the best is the last checkpoint (best vs last) or when there is one checkpoint.
The best was chosen because it scored highest, so among many checkpoints of equal
quality one will look best by chance: "within noise" is the answer to trust, a small p
against one other checkpoint is not a proof that this step is the one to ship.

**Diagnosis.** On the main series, with n checkpoints in step order, micro F1 values
F_1..F_n, precision P_i, recall R_i and the F1 CI [L_i, H_i]; parameters:

- k = ``window`` (``--window``, default 3), ε = ``epsilon`` (``--epsilon``, default
  0.01 F1), τ = ``imbalance`` (``--imbalance``, default 0.05), m = ``flips``
  (``--flips``, default 2);
- ν = the noise level: the median over the checkpoints of the F1 CI half-width
  (H_i − L_i)/2, or ``noise`` (``--noise``) when given;
- the reference checkpoint r = max(1, n − k) (the one just before the last k, or the
  first when there are k or fewer).

Each rule fires (true), does not fire (false) or is not checked (null, with the reason):

1. **improving** (trend): F_n − F_r ≥ ε and F_n − F_r > ν: the last checkpoint beats
   the one k checkpoints earlier by at least ε and by more than the noise level. Needs
   n ≥ 2.
2. **plateau** (trend): max(F_{n−k+1..n}) − F_{n−k} < ε and the CIs of the last k
   checkpoints overlap (max L_i ≤ min H_i over them): none of the last k checkpoints
   gains ε on the one before them, and none is clearly apart from another. Needs
   n ≥ k + 1. improving and plateau never both fire; neither fires when the last gain
   F_n − F_r is at least ε but not more than ν, when a checkpoint inside the window
   gained ε and the last fell back, or when the last k checkpoints' CIs are apart.
3. **unstable** (warning): of the successive changes ΔF_i = F_{i+1} − F_i, keep those
   with |ΔF_i| > ν; the curve is unstable when the signs of the kept changes, in step
   order, alternate at least m times (default: up, down, up or down, up, down). Needs
   n ≥ 3.
4. **imbalance** (warning): on every one of the last min(k, n) checkpoints P_i − R_i > τ
   (side "precision": the model predicts too few entities and misses many) or on every
   one R_i − P_i > τ (side "recall": it predicts too many, many spurious).
5. **overfitting** (warning): needs a train series sharing at least 2 steps with the
   main one. On the shared steps, let b be the main series' best step (highest F1,
   earliest on a tie) and l the last shared step: it fires when b < l, the main F1 fell
   from b to l by more than max(ε, ν), and the train F1 rose from b to l by at least ε.

A healthy curve (steady gains larger than ν, then a flat end; P close to R; with a
train series, dev not falling while train rises) fires improving or plateau and none of
the warnings. Rules take a :class:`Series` (plain numbers) so that they can be tested on
curves whose answer is known.
"""
from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from statistics import median

from .counts import Average, Counts
from .errors import DataError, UsageError

SCHEMA_VERSION = 1
#: The default step pattern: the last run of digits in the file's stem.
STEP_PATTERN = r"\d+(?!.*\d)"
#: The CI metrics of every checkpoint (names of :mod:`seqeval_suite.stats`).
CI_METRICS = ("micro_p", "micro_r", "micro_f1", "macro_f1")
#: Default bootstrap resamples of the CI bands (the test's own default applies to it).
DEFAULT_CI_RESAMPLES = 1000
#: Two F1 values this close are a tie (as in :mod:`seqeval_suite.stats`).
TOLERANCE = 1e-12
RULES = ("improving", "plateau", "unstable", "imbalance", "overfitting")


# ---------------------------------------------------------------- steps and files

@dataclass(frozen=True, slots=True)
class Checkpoint:
    """One prediction file of a series and its step."""

    step: int | float
    path: str


def file_stem(path: str) -> str:
    """The name the step is read from: no folder, no ``.gz``, no last extension.

    >>> file_stem("runs/checkpoint-1200.conll.gz"), file_stem("epoch_3.pred"), file_stem("ckpt-7")
    ('checkpoint-1200', 'epoch_3', 'ckpt-7')
    """
    name = os.path.basename(path).removesuffix(".gz")
    stem, _ext = os.path.splitext(name)
    return stem or name


def parse_step(path: str, pattern: str = STEP_PATTERN) -> int | float:
    """The step a file name holds, by ``pattern`` (see the module docstring).

    Raises:
        UsageError: the name holds no match, or the match is not a number.

    >>> parse_step("out/checkpoint-1200.conll"), parse_step("epoch_3.pred")
    (1200, 3)
    >>> parse_step("run-2.5e.conll", r"run-([\\d.]+)")
    2.5
    """
    found = re.search(pattern, file_stem(path))
    if found is None:
        raise UsageError(f"{path}: no step in the file name (looked for /{pattern}/ in {file_stem(path)!r})",
                         hint="name files like checkpoint-1200.conll, or pass --steps 100,200,...")
    text = found.group(1) if found.groups() else found.group(0)
    try:
        return number(text)
    except ValueError:
        raise UsageError(f"{path}: step {text!r} taken from the name is not a number",
                         hint="fix --step-pattern, or pass --steps") from None


def number(text: str) -> int | float:
    """An int when the text is one, else a float (steps may be fractional epochs).

    >>> number("1200"), number("2.5")
    (1200, 2.5)
    """
    try:
        return int(text)
    except ValueError:
        value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value


def step_text(step: int | float) -> str:
    """A step as text: integers in full (never ``1e+06``), other numbers shortest
    without losing digits (two steps never share a label).

    >>> step_text(1000000), step_text(2.5), step_text(1500000.5), step_text(3.0)
    ('1000000', '2.5', '1500000.5', '3')
    """
    if isinstance(step, int):
        return str(step)
    short = f"{step:g}"
    return short if float(short) == step else repr(step)


def parse_steps(text: str) -> list[int | float]:
    """``--steps 100,200,300`` as numbers.

    Raises:
        UsageError: an item that is not a number.

    >>> parse_steps("100, 200,2.5")
    [100, 200, 2.5]
    """
    out = []
    for item in text.split(","):
        try:
            out.append(number(item.strip()))
        except ValueError:
            raise UsageError(f"--steps: {item.strip()!r} is not a number", hint="e.g. --steps 100,200,300") from None
    return out


def scored_against_itself(path: str, gold: str, pred_column: int | None = None) -> bool:
    """Whether prediction file ``path`` is ``gold`` itself read at gold's tag column (the
    last): CoNLL files read at another ``pred_column`` are two different columns."""
    from .io.conll import same_column
    from .io.formats import detect_format

    if not (os.path.isfile(path) and os.path.isfile(gold) and os.path.samefile(path, gold)):
        return False
    if detect_format(path) != "conll":
        return True
    return same_column(gold, path, None, pred_column) is not None


def expand_paths(paths: Iterable[str], *, exclude: Iterable[str] = (), pred_column: int | None = None) -> list[str]:
    """Prediction files from file and folder arguments, in the order given; a folder
    gives its non-hidden files in name order, leaving out ``exclude`` (the gold file).

    Raises:
        DataError: a path that does not exist (exit 1, naming it).
        UsageError: a file given outright that is one of ``exclude`` (the gold file).
    """
    excluded = [p for p in exclude if p and p != "-" and os.path.exists(p)]
    out: list[str] = []
    for path in paths:
        path = str(path)
        if path == "-":
            out.append(path)
        elif os.path.isdir(path):
            for name in sorted(os.listdir(path)):
                full = os.path.join(path, name)
                if name.startswith(".") or not os.path.isfile(full):
                    continue
                if any(os.path.samefile(full, gold) for gold in excluded):
                    continue
                out.append(full)
        elif os.path.exists(path):
            if any(scored_against_itself(path, gold, pred_column) for gold in excluded):
                raise UsageError(f"{path} is the gold file: as a checkpoint it would be scored against itself",
                                 hint="give the checkpoints' prediction files, not the gold file")
            out.append(path)
        else:
            raise DataError(f"{path}: no such file or folder", hint="check the prediction paths")
    return out


def resolve_checkpoints(paths: Sequence[str], *, steps: Sequence[int | float] | None = None,
                        step_pattern: str = STEP_PATTERN, exclude: Iterable[str] = (),
                        what: str = "prediction", pred_column: int | None = None) -> list[Checkpoint]:
    """The checkpoints of a series, sorted by step.

    Args:
        paths: prediction files and folders (see :func:`expand_paths`).
        steps: the steps, one per file in the order given; None: from the file names.
        step_pattern: the regular expression steps are read with (:func:`parse_step`).
        exclude: files a folder must not contribute (the gold file).
        what: how messages name the series (``prediction``, ``train prediction``).

    Raises:
        UsageError: no files, steps that do not pair with the files, a name without a
            step, two files with the same step, an invalid pattern.
        DataError: a path that does not exist.

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("ckpt-20.conll", "ckpt-3.conll", ".ckpt-1.conll.swp"):
    ...     _ = (folder / name).write_text("")
    >>> [(c.step, os.path.basename(c.path)) for c in resolve_checkpoints([str(folder)])]
    [(3, 'ckpt-3.conll'), (20, 'ckpt-20.conll')]
    """
    files = expand_paths(paths, exclude=exclude, pred_column=pred_column)
    if not files:
        raise UsageError(f"no {what} files (the folders given hold none)",
                         hint="give prediction files or a folder of them")
    if steps is None:
        try:
            re.compile(step_pattern)
        except re.error as exc:
            raise UsageError(f"--step-pattern {step_pattern!r} is not a regular expression ({exc})") from None
        steps = [parse_step(path, step_pattern) for path in files]
    elif len(steps) != len(files):
        raise UsageError(f"{len(steps)} steps for {len(files)} {what} files",
                         hint="give one step per file, in the order of the files (a folder's in name order)")
    seen: dict[int | float, str] = {}
    for step, path in zip(steps, files):
        if step in seen:
            raise UsageError(f"{seen[step]} and {path} both have step {step_text(step)}",
                             hint="each checkpoint needs its own step; pass --steps")
        seen[step] = path
    return sorted((Checkpoint(step, path) for step, path in zip(steps, files)), key=lambda c: c.step)


# ---------------------------------------------------------------- scoring a series

@dataclass
class ScoredCheckpoint:
    """One checkpoint's scores: counts, averages and the CI of each of :data:`CI_METRICS`."""

    step: int | float
    file: str
    micro: Counts
    macro: Average
    per_type: dict[str, Counts]
    ci: dict  # metric name -> stats.Interval

    def to_dict(self, per_type: bool = False) -> dict:
        """JSON form: micro and macro scores, each with the CIs computed for them."""
        micro = self.micro.scores()
        micro["ci"] = {name: _interval(self.ci[f"micro_{short}"])
                       for name, short in (("precision", "p"), ("recall", "r"), ("f1", "f1"))}
        macro = self.macro.scores()
        macro["ci"] = {"f1": _interval(self.ci["macro_f1"])}
        out = {"step": self.step, "file": self.file, "micro": micro, "macro": macro}
        if per_type:
            out["per_type"] = {name: c.scores() for name, c in self.per_type.items()}
        return out


def _interval(ci) -> dict:
    return {"low": ci.low, "high": ci.high}


@dataclass
class ScoredSeries:
    """A series scored: its checkpoints in step order and their count matrices
    (sentences × types × 3, the same type columns for every checkpoint)."""

    name: str
    gold: str
    sentences: int
    checkpoints: list[ScoredCheckpoint]
    matrices: list = field(repr=False)
    signature: str = ""
    warnings: list[str] = field(default_factory=list)
    #: Each checkpoint's full :class:`~seqeval_suite.report.Report`, in step order.
    reports: list = field(default_factory=list, repr=False)

    def missing_types(self, types) -> list[str]:
        """Requested ``types`` that occur in no tag of gold or of any checkpoint."""
        from .evaluate import missing_types

        missing = [set(missing_types(report, types)) for report in self.reports]
        return [t for t in (types or ()) if all(t in m for m in missing)]

    def series(self) -> Series:
        """The plain numbers the diagnosis rules read."""
        return Series(steps=[c.step for c in self.checkpoints],
                      precision=[c.micro.precision for c in self.checkpoints],
                      recall=[c.micro.recall for c in self.checkpoints],
                      f1=[c.micro.f1 for c in self.checkpoints],
                      f1_low=[c.ci["micro_f1"].low for c in self.checkpoints],
                      f1_high=[c.ci["micro_f1"].high for c in self.checkpoints])


def score_series(gold: str, checkpoints: Sequence[Checkpoint], *, name: str = "dev", resamples: int = 1000,
                 level: float = 0.95, seed: int = 0, **scoring) -> ScoredSeries:
    """Score every checkpoint against ``gold`` (read once) and bootstrap its CIs.

    Args:
        gold: the gold file of the series.
        checkpoints: from :func:`resolve_checkpoints`.
        name: the series' name in outputs (``dev``, ``train``).
        resamples, level, seed: of :func:`seqeval_suite.stats.bootstrap_ci`; the same
            seed for every checkpoint, so every checkpoint is resampled on the same
            sentences.
        **scoring: :func:`seqeval_suite.evaluate`'s keyword arguments.

    Raises:
        DataError: a prediction whose tokens or sentences are not gold's (the message
            names both files and the sentence), a missing or unreadable file.
    """
    from .evaluate import score_systems

    reports = score_systems(gold, [c.path for c in checkpoints], **scoring)
    # One set of type columns for the whole series: a type only some checkpoints
    # predict still counts (as compare does for two systems). With no entity anywhere,
    # one all-zero column: the resampling code needs a type axis of length >= 1.
    types = sorted(set().union(*(r.per_type for r in reports))) or [""]
    matrices, scored = [], []
    for checkpoint, report in zip(checkpoints, reports):
        matrix = report.sentence_counts.dense(report.sentences, types)
        matrices.append(matrix)
        cis = checkpoint_intervals(matrix, resamples=resamples, level=level, seed=seed)
        scored.append(ScoredCheckpoint(checkpoint.step, _name(checkpoint.path), report.micro, report.macro,
                                       dict(report.per_type), cis))
    warnings = list(dict.fromkeys(w for r in reports for w in r.warnings))
    return ScoredSeries(name, _name(gold), reports[0].sentences, scored, matrices,
                        reports[0].signature, warnings, reports)


def checkpoint_intervals(matrix, *, resamples: int = 1000, level: float = 0.95, seed: int = 0) -> dict:
    """The CI of each of :data:`CI_METRICS` for one checkpoint: exactly
    :func:`seqeval_suite.stats.bootstrap_ci`'s intervals (the same seeded draws and
    percentiles), with the resampled totals computed once for the four metrics.

    Args:
        matrix: int array (sentences, types, 3) of tp, fp, fn.
        resamples, level, seed: as for :func:`~seqeval_suite.stats.bootstrap_ci`.

    Returns:
        metric name -> :class:`seqeval_suite.stats.Interval`.

    >>> import numpy as np
    >>> m = np.array([[[1, 0, 0]], [[0, 1, 1]]] * 20)
    >>> cis = checkpoint_intervals(m, resamples=200)
    >>> from seqeval_suite.stats import bootstrap_ci
    >>> cis["micro_r"] == bootstrap_ci(m, metric="micro_r", resamples=200)
    True
    """
    import numpy as np

    from . import stats

    # stats.bootstrap_ci once per metric would draw (or fetch) the same weights and do
    # the same matrix product four times; at 20 checkpoints x 1000 resamples that
    # product is most of a curve's run time (issue 18's 10 s target).
    n, n_types = matrix.shape[:2]
    flat = matrix.reshape(n, n_types * 3).astype(float)
    _rng, weights = stats._fresh_rng_weights(seed, n, resamples)
    totals = np.concatenate([chunk @ flat for chunk in weights]).reshape(resamples, n_types, 3)
    out = {}
    for metric in CI_METRICS:
        low, high = stats._percentiles(stats.metric_of_totals(totals, metric), level)
        out[metric] = stats.Interval(stats.point_metric(matrix, metric), low, high, level, resamples,
                                     "percentile bootstrap over sentences")
    return out


def _name(path: str) -> str:
    """Only the file name: results must not depend on where the files live (SPEC §4)."""
    return os.path.basename(str(path)) if str(path) != "-" else "-"


# ---------------------------------------------------------------- best checkpoint and tests

def best_index(f1: Sequence[float]) -> int:
    """Index of the highest F1, the earliest on a tie.

    >>> best_index([0.5, 0.7, 0.7, 0.6])
    1
    """
    top = max(f1)
    return next(i for i, value in enumerate(f1) if value >= top - TOLERANCE)


def runner_up_index(f1: Sequence[float]) -> int | None:
    """Index of the highest F1 other than :func:`best_index`'s (None with one value).

    >>> runner_up_index([0.5, 0.7, 0.7, 0.6]), runner_up_index([0.9])
    (2, None)
    """
    best = best_index(f1)
    others = [i for i in range(len(f1)) if i != best]
    if not others:
        return None
    top = max(f1[i] for i in others)
    return next(i for i in others if f1[i] >= top - TOLERANCE)


def paired_checkpoints(series: ScoredSeries, best: int, other: int | None, *, test: str = "ar",
                       resamples: int | None = None, seed: int = 0, level: float = 0.95,
                       alpha: float = 0.05, reason: str = "") -> dict:
    """The paired test of the best checkpoint against another one, with a verdict.

    Returns a JSON-ready dict: ``step`` and ``file`` of the other checkpoint, the test's
    fields (:meth:`seqeval_suite.stats.PairedResult.to_dict`), ``significant`` (p < alpha)
    and ``verdict``; or, when there is nothing to test, ``p_value`` None and ``reason``.
    """
    from . import stats

    if other is None:
        return {"step": None, "file": None, "p_value": None, "significant": None,
                "verdict": f"no test: {reason}", "reason": reason}
    result = stats.paired_test(series.matrices[best], series.matrices[other], test=test, resamples=resamples,
                               seed=seed, metric="micro_f1", level=level)
    significant = result.p_value < alpha
    if significant:
        verdict = f"better: p = {result.p_value:.4g} < alpha {alpha:g}"
    else:
        verdict = f"within noise: p = {result.p_value:.4g} >= alpha {alpha:g}"
    checkpoint = series.checkpoints[other]
    return {"step": checkpoint.step, "file": checkpoint.file, **result.to_dict(),
            "significant": significant, "verdict": verdict}


# ---------------------------------------------------------------- diagnosis

@dataclass(frozen=True)
class Series:
    """A learning curve as plain numbers, in step order (what the rules read).

    Raises:
        ValueError: lists of different lengths, steps not strictly increasing.
    """

    steps: Sequence[float]
    precision: Sequence[float]
    recall: Sequence[float]
    f1: Sequence[float]
    f1_low: Sequence[float]
    f1_high: Sequence[float]

    def __post_init__(self) -> None:
        for name in ("steps", "precision", "recall", "f1", "f1_low", "f1_high"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        lengths = {len(getattr(self, n)) for n in ("steps", "precision", "recall", "f1", "f1_low", "f1_high")}
        if len(lengths) != 1:
            raise ValueError("a series needs as many precision, recall, F1 and CI values as steps")
        if any(b <= a for a, b in zip(self.steps, self.steps[1:])):
            raise ValueError("a series' steps must be strictly increasing")

    def __len__(self) -> int:
        return len(self.steps)

    def f1_at(self, step) -> float:
        """F1 at a step of the series."""
        return self.f1[self.steps.index(step)]


@dataclass(frozen=True)
class Thresholds:
    """The diagnosis parameters (see the module docstring): k, ε, ν, τ, m."""

    window: int = 3
    epsilon: float = 0.01
    noise: float | None = None
    imbalance: float = 0.05
    flips: int = 2

    def __post_init__(self) -> None:
        if self.window < 1:
            raise UsageError("--window must be at least 1")
        if self.flips < 1:
            raise UsageError("--flips must be at least 1")
        for name in ("epsilon", "imbalance", "noise"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 1:
                raise UsageError(f"--{name} must be between 0 and 1 (an F1 difference), got {value}")

    def to_dict(self) -> dict:
        """JSON form."""
        return {"window": self.window, "epsilon": self.epsilon, "noise": self.noise,
                "imbalance": self.imbalance, "flips": self.flips}


@dataclass(frozen=True)
class Finding:
    """The outcome of one diagnosis rule.

    ``fired`` is True or False, or None when the rule could not be checked (too few
    checkpoints, no train series); ``message`` says why in plain words and
    ``evidence`` holds the numbers it was decided on.
    """

    rule: str
    kind: str  # "trend" or "warning"
    fired: bool | None
    message: str
    evidence: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """JSON form."""
        return {"rule": self.rule, "kind": self.kind, "fired": self.fired, "message": self.message,
                "evidence": self.evidence}


def noise_level(series: Series, noise: float | None = None) -> float:
    """ν: ``noise`` when given, else the median F1 CI half-width over the checkpoints.

    >>> noise_level(Series([1, 2, 3], [0.5] * 3, [0.5] * 3, [0.5] * 3, [0.4, 0.48, 0.45], [0.6, 0.52, 0.55]))
    0.05
    """
    if noise is not None:
        return float(noise)
    halves = [(high - low) / 2 for low, high in zip(series.f1_low, series.f1_high)]
    return round(float(median(halves)), 15) if halves else 0.0


def _reference(n: int, window: int) -> int:
    """0-based index r of the reference checkpoint: the one before the last k."""
    return max(0, n - 1 - window)


def rule_improving(series: Series, t: Thresholds, nu: float) -> Finding:
    """Rule 1: F_n − F_r ≥ ε and > ν."""
    n = len(series)
    if n < 2:
        return Finding("improving", "trend", None, "needs at least 2 checkpoints")
    r = _reference(n, t.window)
    gain = series.f1[-1] - series.f1[r]
    fired = gain >= t.epsilon - TOLERANCE and gain > nu + TOLERANCE
    evidence = {"from_step": series.steps[r], "to_step": series.steps[-1], "gain": gain,
                "epsilon": t.epsilon, "noise": nu}
    span = f"from step {step_text(series.steps[r])} to {step_text(series.steps[-1])}"
    if fired:
        message = (f"still improving: F1 {gain:+.4f} {span} (at least epsilon {t.epsilon:g} "
                   f"and more than the noise level {nu:.4f})")
    else:
        message = (f"F1 {gain:+.4f} {span}: not a gain of at least epsilon {t.epsilon:g} "
                   f"and more than the noise level {nu:.4f}")
    return Finding("improving", "trend", fired, message, evidence)


def rule_plateau(series: Series, t: Thresholds, nu: float) -> Finding:
    """Rule 2: the last k checkpoints gain less than ε on the one before them and their CIs overlap."""
    n, k = len(series), t.window
    if n < k + 1:
        return Finding("plateau", "trend", None, f"needs at least {k + 1} checkpoints (window {k} + 1)")
    r = n - 1 - k
    window = range(n - k, n)
    gain = max(series.f1[i] for i in window) - series.f1[r]
    lows, highs = [series.f1_low[i] for i in window], [series.f1_high[i] for i in window]
    overlap = max(lows) <= min(highs) + TOLERANCE
    fired = gain < t.epsilon - TOLERANCE and overlap
    evidence = {"from_step": series.steps[r], "window_steps": [series.steps[i] for i in window], "gain": gain,
                "epsilon": t.epsilon, "cis_overlap": overlap}
    what = f"the last {k} checkpoints gain at most {gain:+.4f} on step {step_text(series.steps[r])}"
    if fired:
        message = f"plateau: {what} (less than epsilon {t.epsilon:g}) and their CIs overlap"
    elif not overlap:
        message = f"no plateau: the CIs of the last {k} checkpoints do not all overlap"
    else:
        message = f"no plateau: {what} (not less than epsilon {t.epsilon:g})"
    return Finding("plateau", "trend", fired, message, evidence)


def rule_unstable(series: Series, t: Thresholds, nu: float) -> Finding:
    """Rule 3: the signs of the changes larger than ν alternate at least m times."""
    n = len(series)
    if n < 3:
        return Finding("unstable", "warning", None, "needs at least 3 checkpoints")
    moves = [(series.steps[i + 1], series.f1[i + 1] - series.f1[i]) for i in range(n - 1)]
    kept = [(step, delta) for step, delta in moves if abs(delta) > nu + TOLERANCE]
    changes = sum(1 for (_, a), (_, b) in pairwise(kept) if (a > 0) != (b > 0))
    fired = changes >= t.flips
    evidence = {"noise": nu, "changes": [{"to_step": s, "delta": d} for s, d in kept],
                "sign_changes": changes, "flips": t.flips}
    if fired:
        message = (f"unstable: F1 changes larger than the noise level {nu:.4f} switch direction "
                   f"{changes} times (changes at steps {', '.join(step_text(s) for s, _ in kept)})")
    else:
        message = (f"stable: {len(kept)} F1 changes larger than the noise level {nu:.4f}, "
                   f"{changes} direction switches (fires at {t.flips})")
    return Finding("unstable", "warning", fired, message, evidence)


def rule_imbalance(series: Series, t: Thresholds) -> Finding:
    """Rule 4: P − R > τ (or R − P > τ) on each of the last min(k, n) checkpoints."""
    n = len(series)
    if n < 1:
        return Finding("imbalance", "warning", None, "needs at least 1 checkpoint")
    last = range(max(0, n - t.window), n)
    gaps = [series.precision[i] - series.recall[i] for i in last]
    side = "precision" if all(g > t.imbalance for g in gaps) else "recall" if all(-g > t.imbalance for g in gaps) \
        else None
    evidence = {"steps": [series.steps[i] for i in last], "precision_minus_recall": gaps, "threshold": t.imbalance,
                "side": side}
    span = f"the last {len(gaps)} checkpoint{'s' if len(gaps) > 1 else ''}"
    if side == "precision":
        message = (f"precision exceeds recall by more than {t.imbalance:g} on {span} (P - R from "
                   f"{min(gaps):+.4f} to {max(gaps):+.4f}): the model predicts too few entities and misses many")
    elif side == "recall":
        message = (f"recall exceeds precision by more than {t.imbalance:g} on {span} (P - R from "
                   f"{min(gaps):+.4f} to {max(gaps):+.4f}): the model predicts too many entities, many spurious")
    else:
        message = f"balanced: |P - R| is not above {t.imbalance:g} on all of {span} with one sign"
    return Finding("imbalance", "warning", side is not None, message, evidence)


def rule_overfitting(dev: Series, train: Series | None, t: Thresholds, nu: float) -> Finding:
    """Rule 5: since dev's best shared step, dev F1 fell by more than max(ε, ν) while train F1 rose by ε."""
    if train is None:
        return Finding("overfitting", "warning", None, "needs a train series (--train-gold and --train)")
    shared = sorted(set(dev.steps) & set(train.steps))
    if len(shared) < 2:
        return Finding("overfitting", "warning", None,
                       f"the dev and train series share {len(shared)} step(s); the rule needs 2")
    dev_f1 = [dev.f1_at(s) for s in shared]
    b = shared[best_index(dev_f1)]
    last = shared[-1]
    fall = dev.f1_at(b) - dev.f1_at(last)
    rise = train.f1_at(last) - train.f1_at(b)
    drop = max(t.epsilon, nu)
    fired = b < last and fall > drop + TOLERANCE and rise >= t.epsilon - TOLERANCE
    evidence = {"best_step": b, "last_step": last, "dev_fall": fall, "train_rise": rise,
                "fall_threshold": drop, "epsilon": t.epsilon}
    span = f"from step {step_text(b)} (dev's best) to {step_text(last)}"
    if fired:
        message = (f"overfitting: {span} dev F1 fell {fall:.4f} (more than {drop:.4f}) while train F1 rose "
                   f"{rise:+.4f}; prefer the checkpoint at step {step_text(b)}")
    else:
        message = f"no overfitting: {span} dev F1 {-fall:+.4f}, train F1 {rise:+.4f}"
    return Finding("overfitting", "warning", fired, message, evidence)


def diagnose(dev: Series, train: Series | None = None, thresholds: Thresholds | None = None) -> list[Finding]:
    """Every rule on a curve, in the order of :data:`RULES`.

    >>> s = Series([1, 2, 3, 4, 5], [0.5, 0.6, 0.7, 0.8, 0.9], [0.5, 0.6, 0.7, 0.8, 0.9],
    ...            [0.5, 0.6, 0.7, 0.8, 0.9], [0.49, 0.59, 0.69, 0.79, 0.89], [0.51, 0.61, 0.71, 0.81, 0.91])
    >>> [(f.rule, f.fired) for f in diagnose(s)]
    [('improving', True), ('plateau', False), ('unstable', False), ('imbalance', False), ('overfitting', None)]
    """
    t = thresholds or Thresholds()
    nu = noise_level(dev, t.noise)
    return [rule_improving(dev, t, nu), rule_plateau(dev, t, nu), rule_unstable(dev, t, nu),
            rule_imbalance(dev, t), rule_overfitting(dev, train, t, nu)]


# ---------------------------------------------------------------- the whole curve

@dataclass
class Curve:
    """A learning curve: the scored series, the best checkpoint, its tests, the diagnosis."""

    dev: ScoredSeries
    train: ScoredSeries | None
    best: int
    runner_up: int | None
    tests: dict
    findings: list[Finding]
    noise: float
    thresholds: Thresholds
    settings: dict
    per_type: bool = False

    @property
    def warnings(self) -> list[str]:
        """The evaluators' warnings, each once."""
        return list(dict.fromkeys([*self.dev.warnings, *(self.train.warnings if self.train else [])]))

    def to_dict(self) -> dict:
        """The JSON-ready result (``schema_version`` 1)."""
        from ._version import __version__

        best = self.dev.checkpoints[self.best]
        return {
            "schema_version": SCHEMA_VERSION,
            "version": __version__,
            "signature": self.dev.signature,
            "metric": "micro_f1",
            "settings": {**self.settings, "thresholds": self.thresholds.to_dict()},
            "series": {s.name: _series_dict(s, self.per_type) for s in (self.dev, self.train) if s is not None},
            "best": {"step": best.step, "file": best.file, "f1": best.micro.f1,
                     "runner_up": None if self.runner_up is None else self.dev.checkpoints[self.runner_up].step},
            "tests": self.tests,
            "noise_level": self.noise,
            "diagnosis": [f.to_dict() for f in self.findings],
            "zero_division": 0.0,
        }


def _series_dict(series: ScoredSeries, per_type: bool) -> dict:
    return {"gold": series.gold, "sentences": series.sentences,
            "checkpoints": [c.to_dict(per_type) for c in series.checkpoints]}


def learning_curve(gold: str, preds: Sequence[str], *, steps: Sequence[int | float] | None = None,
                   step_pattern: str = STEP_PATTERN, train_gold: str | None = None,
                   train_preds: Sequence[str] = (), train_steps: Sequence[int | float] | None = None,
                   test: str = "ar", resamples: int | None = None, seed: int = 0, level: float = 0.95,
                   alpha: float = 0.05, per_type: bool = False, thresholds: Thresholds | None = None,
                   **scoring) -> Curve:
    """Score a learning curve and diagnose it (the API behind ``seqeval-suite curve``).

    Args:
        gold: the gold file of the main (dev) series.
        preds: its prediction files and folders, one file per checkpoint.
        steps, step_pattern: how steps are found (:func:`resolve_checkpoints`).
        train_gold, train_preds, train_steps: an optional second series (train), which
            the overfitting rule needs; both or neither.
        test: ``ar`` or ``bootstrap``, the paired test of best vs last and runner-up.
        resamples: bootstrap resamples of the CIs and the test's resamples; None: 1000
            for the CIs and the test's default (10,000 for ar, 1000 for bootstrap).
        seed, level: of every bootstrap and test.
        alpha: the p-value below which the best checkpoint counts as better.
        per_type: keep per-type scores in the result's ``to_dict()``.
        thresholds: the diagnosis parameters (:class:`Thresholds`).
        **scoring: :func:`seqeval_suite.evaluate`'s keyword arguments (mode, scheme, ...).

    Returns:
        A :class:`Curve`.

    Raises:
        UsageError: see :func:`resolve_checkpoints`; a train series half given.
        DataError: a prediction that does not hold gold's tokens (both files and the
            sentence named), a missing file.
    """
    from . import stats

    if test not in stats.TESTS:
        raise UsageError(f"unknown test {test!r}", hint="choose ar or bootstrap")
    if bool(train_gold) != bool(train_preds):
        raise UsageError("a train series needs both --train-gold and --train",
                         hint="give the train gold file and its checkpoint predictions")
    if not 0 < alpha < 1:
        raise UsageError(f"alpha must be between 0 and 1, got {alpha}")
    thresholds = thresholds or Thresholds()
    ci_resamples = DEFAULT_CI_RESAMPLES if resamples is None else int(resamples)
    checkpoints = resolve_checkpoints(preds, steps=steps, step_pattern=step_pattern, exclude=[gold],
                                      pred_column=scoring.get("pred_column"))
    train_checkpoints = (resolve_checkpoints(train_preds, steps=train_steps, step_pattern=step_pattern,
                                             exclude=[train_gold], what="train prediction",
                                             pred_column=scoring.get("pred_column"))
                         if train_gold else None)
    common = {"resamples": ci_resamples, "level": level, "seed": seed, **scoring}
    dev = score_series(gold, checkpoints, name="dev", **common)
    train = score_series(train_gold, train_checkpoints, name="train", **common) if train_checkpoints else None
    f1 = [c.micro.f1 for c in dev.checkpoints]
    best, runner_up = best_index(f1), runner_up_index(f1)
    last = len(f1) - 1
    test_args = {"test": test, "resamples": resamples, "seed": seed, "level": level, "alpha": alpha}
    tests = {
        "best_vs_last": paired_checkpoints(dev, best, last if last != best else None,
                                           reason="the best checkpoint is the last", **test_args),
        "best_vs_runner_up": paired_checkpoints(dev, best, runner_up, reason="there is only one checkpoint",
                                                **test_args),
    }
    dev_series = dev.series()
    findings = diagnose(dev_series, train.series() if train else None, thresholds)
    settings = {"test": test, "resamples": ci_resamples,
                "test_resamples": stats.DEFAULT_RESAMPLES[test] if resamples is None else int(resamples),
                "seed": seed, "level": level,
                "alpha": alpha, "step_pattern": None if steps is not None else step_pattern}
    return Curve(dev, train, best, runner_up, tests, findings, noise_level(dev_series, thresholds.noise),
                 thresholds, settings, per_type)


# ---------------------------------------------------------------- text outputs

FORMATS = ("table", "json", "csv", "markdown")


def render_curve(data: dict, fmt: str = "table", *, digits: int = 4) -> str:
    """Text of a curve result (:meth:`Curve.to_dict`) in ``fmt``: table, json, csv, markdown.

    table and markdown: one table per series (the best dev checkpoint marked), with
    per-type rows when the data hold them, then the best checkpoint, its tests and the
    diagnosis. csv: one row per checkpoint of each series. json: ``data`` itself.
    """
    import json

    if fmt == "json":
        return json.dumps(data, indent=2) + "\n"
    if fmt == "csv":
        return _csv(data)
    if fmt not in ("table", "markdown"):
        raise UsageError(f"unknown format {fmt!r}", hint=f"choose {', '.join(FORMATS)}")
    from .render.text import aligned, markdown, markdown_escape

    def table(header, rows, left):
        return markdown(header, rows, left=left) if fmt == "markdown" else aligned(header, rows, left=left)

    def escaped(value: str) -> str:  # file names may hold HTML or '|' (Markdown only)
        return markdown_escape(value) if fmt == "markdown" else value

    best = data["best"]["step"]
    parts = []
    for name, series in data["series"].items():
        title = f"{name}: {series['gold']}, {series['sentences']} sentences, {len(series['checkpoints'])} checkpoints"
        parts.append(f"**{escaped(title)}**\n\n" if fmt == "markdown" else f"{title}\n")
        header, rows = _checkpoint_rows(series, data["settings"]["level"], digits, best if name == "dev" else None)
        parts.append(table(header, rows, 2) + "\n")
        if any("per_type" in c for c in series["checkpoints"]):
            header, rows = _per_type_rows(series, digits)
            parts.append(table(header, rows, 2) + "\n")
    lines = _summary_lines(data, digits)
    bullet = "- " if fmt == "markdown" else ""
    parts.append("".join(f"{bullet}{escaped(line)}\n" for line in lines) + "\n")
    parts.append(_diagnosis_title(data) + ("\n\n" if fmt == "markdown" else "\n"))
    header, rows = _diagnosis_rows(data)
    parts.append(table(header, rows, 4))
    parts.append(f"\nsignature {data['signature']}\n")
    return "".join(parts)


def _checkpoint_rows(series: dict, level: float, digits: int, best) -> tuple[list, list]:
    pct = f"{round(level * 100, 4):g}%"
    header = ["step", "file", "precision", "recall", "f1", f"{pct} CI low", f"{pct} CI high", "macro f1", "best"]
    rows = []
    for c in series["checkpoints"]:
        micro, ci = c["micro"], c["micro"]["ci"]["f1"]
        rows.append([step_text(c["step"]), c["file"], *(f"{v:.{digits}f}" for v in (
            micro["precision"], micro["recall"], micro["f1"], ci["low"], ci["high"], c["macro"]["f1"])),
            "*" if best is not None and c["step"] == best else ""])
    return header, rows


def _per_type_rows(series: dict, digits: int) -> tuple[list, list]:
    header = ["step", "type", "precision", "recall", "f1", "tp", "fp", "fn"]
    rows = []
    for c in series["checkpoints"]:
        for name, s in c.get("per_type", {}).items():
            rows.append([step_text(c["step"]), name, *(f"{s[k]:.{digits}f}" for k in ("precision", "recall", "f1")),
                         str(s["tp"]), str(s["fp"]), str(s["fn"])])
    return header, rows


def _summary_lines(data: dict, digits: int) -> list[str]:
    """The best checkpoint and its two tests, in words."""
    dev = data["series"]["dev"]["checkpoints"]
    best = next(c for c in dev if c["step"] == data["best"]["step"])
    ci = best["micro"]["ci"]["f1"]
    pct = f"{round(data['settings']['level'] * 100, 4):g}%"
    lines = [(f"best: step {step_text(best['step'])} ({best['file']}), micro F1 {best['micro']['f1']:.{digits}f} "
              f"({pct} CI {ci['low']:.{digits}f}-{ci['high']:.{digits}f})")]
    for key, label in (("best_vs_last", "best vs last"), ("best_vs_runner_up", "best vs runner-up")):
        t = data["tests"][key]
        if t.get("p_value") is None:
            lines.append(f"{label}: {t['verdict']}")
            continue
        kind = "shuffles" if t["test"] == "ar" else "resamples"
        lines.append(f"{label} (step {step_text(t['step'])}): delta F1 {t['delta']:+.{digits}f}, {t['test']} test, "
                     f"{t['resamples']} {kind}, seed {data['settings']['seed']}: {t['verdict']}")
    return lines


def _diagnosis_title(data: dict) -> str:
    th = data["settings"]["thresholds"]
    source = "given" if th["noise"] is not None else "the median F1 CI half-width"
    return (f"diagnosis (noise level {data['noise_level']:.4f}, {source}; window {th['window']}, "
            f"epsilon {th['epsilon']:g}, imbalance {th['imbalance']:g}, flips {th['flips']})")


def _diagnosis_rows(data: dict) -> tuple[list, list]:
    fired = {True: "YES", False: "no", None: "n/a"}
    return (["rule", "kind", "fired", "finding"],
            [[f["rule"], f["kind"], fired[f["fired"]], f["message"]] for f in data["diagnosis"]])


def _csv(data: dict) -> str:
    """One row per checkpoint of every series; with per-type data, three columns per type."""
    from .render.text import csv_text

    types = sorted({name for s in data["series"].values() for c in s["checkpoints"] for name in c.get("per_type", {})})
    header = ["series", "step", "file", "precision", "recall", "f1", "tp", "fp", "fn",
              "precision_low", "precision_high", "recall_low", "recall_high", "f1_low", "f1_high",
              "macro_precision", "macro_recall", "macro_f1", "macro_f1_low", "macro_f1_high", "best"]
    header += [f"{t}_{k}" for t in types for k in ("precision", "recall", "f1")]
    rows = []
    for name, series in data["series"].items():
        for c in series["checkpoints"]:
            m, ci, macro = c["micro"], c["micro"]["ci"], c["macro"]
            row = [name, c["step"], c["file"], m["precision"], m["recall"], m["f1"], m["tp"], m["fp"], m["fn"],
                   ci["precision"]["low"], ci["precision"]["high"], ci["recall"]["low"], ci["recall"]["high"],
                   ci["f1"]["low"], ci["f1"]["high"], macro["precision"], macro["recall"], macro["f1"],
                   macro["ci"]["f1"]["low"], macro["ci"]["f1"]["high"],
                   int(name == "dev" and c["step"] == data["best"]["step"])]
            per_type = c.get("per_type", {})
            row += [per_type[t][k] if t in per_type else "" for t in types for k in ("precision", "recall", "f1")]
            rows.append(row)
    return csv_text(header, rows)
