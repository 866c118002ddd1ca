"""Scoring settings shared by every input form and every command."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError
from ..schemes import normalize_scheme

#: The most bootstrap resamples or randomization shuffles any command or config accepts.
MAX_RESAMPLES = 10_000_000

MODES = ("lenient", "conlleval", "strict")
#: Matching schemas: exact span and type (``strict``, the default) and the three
#: partial-match schemas of SemEval-2013 Task 9.1 (see :mod:`seqeval_suite.partial`).
MATCHES = ("strict", "exact", "partial", "type")


@dataclass(frozen=True)
class Options:
    """Scoring settings shared by every input form (see :func:`evaluate`)."""

    mode: str = "lenient"
    scheme: str = "auto"
    suffix: bool = False
    types: tuple[str, ...] | None = None
    delimiter: str | None = None
    gold_column: int | None = None
    pred_column: int | None = None
    comments: bool = False
    encoding: str = "utf-8"
    match: str = "strict"
    #: Input format (conll, jsonl, labelstudio, spacy); None: by extension.
    format_in: str | None = None
    #: JSON readers: names for integer ``ner_tags``; what to do with misaligned spans.
    labels: tuple[str, ...] | str | None = None
    alignment: str = "strict"
    #: F-beta's beta (1: F1 alone); reported beside P, R and F1 when not 1.
    beta: float = 1.0
    #: ``entity`` (spans, the default) or ``token`` (each token counts for its type).
    level: str = "entity"

    @classmethod
    def build(cls, **kwargs) -> "Options":
        """Validate and normalise settings; impossible combinations are usage errors."""
        mode = str(kwargs.get("mode", "lenient")).lower()
        if mode not in MODES:
            raise UsageError(f"unknown mode {mode!r}", hint="choose lenient, conlleval or strict")
        kwargs["mode"] = mode
        kwargs["scheme"] = normalize_scheme(str(kwargs.get("scheme", "auto")))
        if mode == "strict" and kwargs["scheme"] == "auto":
            raise UsageError(
                "strict mode needs a named scheme", hint="pass --scheme IOB2 (or IOB1, IOE1, IOE2, IOBES, BILOU, IO)"
            )
        if mode == "conlleval" and kwargs.get("suffix"):
            raise UsageError("--suffix has no meaning in conlleval mode: conlleval.pl has no such option",
                             hint="use --mode lenient (or strict) with --suffix")
        if mode == "conlleval" and kwargs.get("delimiter") is not None:
            problem = delimiter_regex_problem(kwargs["delimiter"])
            if problem:
                raise UsageError(f"--delimiter {kwargs['delimiter']!r}: {problem}",
                                 hint="in conlleval mode the delimiter is a regular expression, as conlleval.pl's "
                                      "-d; escape special characters (e.g. '\\|')")
        kwargs["match"] = _match_setting(kwargs.get("match", "strict"), mode)
        kwargs["beta"] = _beta_setting(kwargs.get("beta", 1.0))
        kwargs["level"] = _level_setting(kwargs.get("level", "entity"), mode, kwargs["match"])
        types = kwargs.get("types")
        if types is not None:
            if isinstance(types, str):
                types = [t for t in types.split(",") if t]
            if not types:
                raise UsageError("--types names no type", hint="give type names, comma-separated: --types PER,LOC")
            kwargs["types"] = tuple(sorted(set(types)))
        return cls(**kwargs)


def delimiter_regex_problem(delimiter: str) -> str | None:
    """Why ``delimiter`` cannot stand for conlleval.pl's ``-d``: not a valid Python
    regular expression (Python's ``re`` stands in for Perl's, so Perl-only syntax such
    as ``\\h`` is refused); None when it can."""
    import re

    try:
        re.compile(delimiter)
    except re.error as exc:
        return f"not a valid regular expression ({exc})"
    return None


def _match_setting(value, mode: str) -> str:
    match = str(value).lower()
    if match == "ent_type":
        match = "type"  # nervaluate's name for it
    if match not in MATCHES:
        raise UsageError(f"unknown match {value!r}", hint="choose strict, exact, partial or type")
    if match != "strict" and mode == "conlleval":
        raise UsageError(f"--match {match} needs entity spans, which conlleval mode does not keep",
                         hint="use --mode lenient (or strict) with --match")
    return match


def _beta_setting(value) -> float:
    import math

    try:
        beta = float(value)
    except (TypeError, ValueError):
        raise UsageError(f"--beta {value!r} is not a number") from None
    if not math.isfinite(beta) or beta <= 0:
        raise UsageError(f"--beta {value!r}: beta must be a positive number", hint="e.g. 0.5 or 2")
    return beta


LEVELS = ("entity", "token")


def _level_setting(value, mode: str, match: str) -> str:
    level = str(value).lower()
    if level not in LEVELS:
        raise UsageError(f"unknown level {value!r}", hint="choose entity or token")
    if level == "token" and mode == "conlleval":
        raise UsageError("--level token has no conlleval.pl counterpart", hint="use --mode lenient or strict")
    if level == "token" and match != "strict":
        raise UsageError(f"--level token with --match {match}: a token either has the type or not",
                         hint="drop --match")
    return level


def f_beta_name(beta: float) -> str:
    """The column name of F-beta: ``F0.5``, ``F2``.

    >>> f_beta_name(0.5), f_beta_name(2.0)
    ('F0.5', 'F2')
    """
    return f"F{beta:g}"


#: The metrics that statistics resample, named as configs, boards and ``compare`` name them.
METRICS = ("micro_f1", "micro_p", "micro_r", "macro_f1")
#: Long spellings accepted everywhere a metric is named; they mean the short names.
METRIC_ALIASES = {"micro_precision": "micro_p", "micro_recall": "micro_r",
                  "macro_precision": "macro_p", "macro_recall": "macro_r"}


def canonical_metric(name: str) -> str:
    """The short name of a metric (``micro_precision`` -> ``micro_p``); others unchanged.

    >>> canonical_metric("micro_recall"), canonical_metric("micro_f1")
    ('micro_r', 'micro_f1')
    """
    return METRIC_ALIASES.get(name, name)
