"""A drop-in for ``seqeval.metrics`` (seqeval 1.2.2), quirks included, plus Hugging Face's dict.

Replace ``from seqeval.metrics import f1_score, classification_report`` with
``from seqeval_suite.metrics import f1_score, classification_report``: the functions
take the same arguments and return the same values, the same numpy types and the same
report strings as seqeval 1.2.2 (differential tests in ``tests/test_formats_metrics.py``
check this on random data). :func:`hf_seqeval` returns the dict that Hugging Face
``evaluate.load("seqeval").compute(...)`` returns, for a training script's
``compute_metrics``.

This module is a reimplementation written from seqeval's documented and observed
behaviour (SPEC §9); it does not import seqeval, and it does not go through the
cleaned-up ``lenient``/``strict`` modes of :func:`seqeval_suite.evaluate`. numpy is
imported when a score is computed, not when the module is imported.

Quirks kept on purpose, because scripts depend on the numbers they produce:

* **Made-up types.** The default mode reads the first character of any tag as its
  prefix and what follows the first ``-`` as its type, so ``[PAD]`` is an entity of
  type ``PAD]``, a bare ``B`` (or ``B-``) one of type ``_``, and ``L-``/``U-`` tags
  are neither ends nor singletons (``B-X L-X`` is two pieces). A warning
  ``"<tag> seems not to be NE tag."`` is issued for tags outside B/I/E/S (once per
  distinct tag and call, where seqeval repeats it per token: Python's default filter
  shows each once anyway).
* **``mode="strict"`` without a scheme is not strict.** ``precision_score``,
  ``recall_score`` and ``f1_score`` fall back to the default mode silently;
  ``classification_report(mode="strict")`` detects the scheme from ``y_true``
  (IOB2, IOE2, IOBES or BILOU only).
* **IOB1 and IOE1 in strict mode follow seqeval's pattern tables**, which its authors
  mark unfinished: under IOB1, ``O B-X I-X`` yields the one-token entity ``X[2,3)``
  (SPEC §2 defines IOB1 differently; :func:`seqeval_suite.evaluate` follows SPEC).
* **``sample_weight`` is accepted and ignored** by every function.
* **``zero_division``**: ``"warn"`` and ``0`` (or ``False``, ``0.0``) give 0.0;
  any other value, even the string ``"0"``, gives 1.0.
* **Macro average over no types is NaN** (numpy's mean of an empty array, with
  numpy's RuntimeWarning), and the string report of data without any entity raises
  ``ValueError`` (seqeval takes ``max`` of an empty list of names).
* **``accuracy_score`` and ``performance_measure`` do not check lengths**: sentences
  are flattened and ``zip`` silently drops the tail of the longer input.
* **In :func:`hf_seqeval`, ``scheme`` without ``mode="strict"`` is ignored**, as in
  Hugging Face's metric.

Two extensions, which seqeval rejects with a ``TypeError``: ``scheme`` may be a name
(``"IOB2"``, ``"bioes"``) as well as a class, and any class named like one of
seqeval's schemes (``seqeval.scheme.IOB2``, or this module's :class:`IOB2`) is accepted.

>>> y_true = [["O", "B-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]]
>>> y_pred = [["O", "B-MISC", "I-MISC", "I-MISC"], ["B-PER", "I-PER", "O"]]
>>> float(f1_score(y_true, y_pred))
0.5
>>> float(hf_seqeval(y_pred, y_true)["overall_f1"])
0.5
"""
from __future__ import annotations

import warnings
from collections import defaultdict
from typing import Any, Sequence

__all__ = [
    "accuracy_score",
    "classification_report",
    "f1_score",
    "get_entities",
    "hf_seqeval",
    "performance_measure",
    "precision_recall_fscore_support",
    "precision_score",
    "recall_score",
    "Token",
    "IOB1",
    "IOE1",
    "IOB2",
    "IOE2",
    "IOBES",
    "BILOU",
]

AVERAGES = (None, "micro", "macro", "weighted")
DEFAULT_WARN_FOR = ("precision", "recall", "f-score")


# ----------------------------------------------------------------- scheme classes
class Token:
    """Base of the scheme markers; stands in for ``seqeval.scheme.Token`` in ``scheme=``."""


class IOB1(Token):
    """seqeval's IOB1 pattern table (see the module notes: not SPEC §2's IOB1)."""


class IOE1(Token):
    """seqeval's IOE1 pattern table (marked unfinished by seqeval's authors)."""


class IOB2(Token):
    """The IOB2 (BIO) scheme."""


class IOE2(Token):
    """The IOE2 scheme."""


class IOBES(Token):
    """The IOBES (BIOES) scheme."""


class BILOU(Token):
    """The BILOU scheme."""


_ALL_PREFIXES = "IOBESUL"  # seqeval's Prefix members, in declaration order

#: seqeval 1.2.2 scheme.py, as data: allowed prefixes, then (previous prefixes,
#: current prefixes, type condition) rows for "start", "inside" and "end".
_SEQEVAL_TABLES: dict[str, dict[str, Any]] = {
    "IOB1": {
        "allowed": "IOB",
        "start": [("O", "I", "any"), ("I", "I", "diff"), ("B", "I", "any"), ("I", "B", "same"), ("B", "B", "same")],
        "inside": [("BI", "I", "same")],
        "end": [("I", "I", "diff"), ("IB", "O", "any"), ("I", "B", "any"), ("B", "I", "diff"), ("B", "B", "same")],
    },
    "IOE1": {
        "allowed": "IOE",
        "start": [("O", "I", "any"), ("I", "I", "diff"), ("E", "I", "any"), ("E", "E", "same")],
        "inside": [("I", "IE", "same")],
        "end": [("I", "IE", "diff"), ("I", "O", "any"), ("E", "IE", "same")],
    },
    "IOB2": {
        "allowed": "IOB",
        "start": [(_ALL_PREFIXES, "B", "any")],
        "inside": [("BI", "I", "same")],
        "end": [("IB", "OB", "any"), ("IB", "I", "diff")],
    },
    "IOE2": {
        "allowed": "IOE",
        "start": [("OE", "IE", "any"), ("I", "IE", "diff")],
        "inside": [("I", "IE", "same")],
        "end": [("E", _ALL_PREFIXES, "any")],
    },
    "IOBES": {
        "allowed": "IOBES",
        "start": [(_ALL_PREFIXES, "BS", "any")],
        "inside": [("BI", "IE", "same")],
        "end": [("SE", _ALL_PREFIXES, "any")],
    },
    "BILOU": {
        "allowed": "BILOU",
        "start": [(_ALL_PREFIXES, "BU", "any")],
        "inside": [("BI", "IL", "same")],
        "end": [("UL", _ALL_PREFIXES, "any")],
    },
}

_SCHEME_ALIASES = {"BIO": "IOB2", "IOB": "IOB2", "BIOES": "IOBES", "BIOLU": "BILOU"}

#: auto_detect's accepted prefix sets (seqeval.scheme.auto_detect), checked in order.
_DETECTABLE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("IOB2", ("IOB", "IB", "BO", "B")),
    ("IOE2", ("IOE", "IE", "EO", "E")),
    ("IOBES", ("IOBES", "IBES", "IOBE", "OBES", "IBE", "BES", "OBE", "BE", "S")),
    ("BILOU", ("IOBLU", "IBLU", "IOBL", "OBLU", "IBL", "BLU", "OBL", "BL", "U")),
)


def _flag_text(prefixes: str) -> str:
    """How Python 3.11's ``str(Prefix.I | Prefix.O | ...)`` names a set of prefixes."""
    return "|".join(p for p in _ALL_PREFIXES if p in prefixes)


def _scheme_name(scheme: Any, *, for_report: bool = False) -> str | None:
    """Resolve ``scheme=`` (a class, a name or None) to one of seqeval's scheme names.

    In ``classification_report(mode="strict")`` seqeval detects the scheme when it is
    None or a class that is not a ``Token`` subclass: ``for_report`` returns None then.
    """
    if scheme is None:
        return None
    if isinstance(scheme, str):
        name = scheme.strip().upper()
        name = _SCHEME_ALIASES.get(name, name)
        if name not in _SEQEVAL_TABLES:
            raise ValueError(
                f"Scheme should be one of [IOB1, IOB2, IOE1, IOE2, IOBES, BILOU], got {scheme}"
            )
        return name
    if isinstance(scheme, type):
        is_token = any(base.__name__ == "Token" for base in scheme.__mro__)
        if for_report and not is_token:
            return None
        if scheme.__name__ in _SEQEVAL_TABLES:
            return scheme.__name__
        raise ValueError(
            f"unsupported scheme class {scheme.__name__}: seqeval_suite.metrics knows "
            "IOB1, IOE1, IOB2, IOE2, IOBES and BILOU"
        )
    raise TypeError("issubclass() arg 1 must be a class")


# ------------------------------------------------------------ default-mode decoding
def _flatten_sentences(seq: Sequence) -> list:
    """seqeval joins nested sentences into one sequence with an ``O`` after each."""
    if any(isinstance(s, list) for s in seq):
        flat: list = []
        for sentence in seq:
            flat.extend(sentence)
            flat.append("O")
        return flat
    return list(seq)


def _warn_if_not_ne_tag(tag: str, suffix: bool) -> None:
    if tag in ("O", "B", "I", "E", "S"):
        return
    ok = tag.endswith(("-B", "-I", "-E", "-S")) if suffix else tag.startswith(("B-", "I-", "E-", "S-"))
    if not ok:
        warnings.warn(f"{tag} seems not to be NE tag.")


def _split_default(tag: str, suffix: bool) -> tuple[str, str]:
    """seqeval's default split: the prefix is one character; the type follows a ``-``."""
    if suffix:
        return tag[-1], tag[:-1].rsplit("-", maxsplit=1)[0] or "_"
    return tag[0], tag[1:].split("-", maxsplit=1)[-1] or "_"


def _chunk_ends(prev: str, cur: str, prev_type: str, cur_type: str) -> bool:
    # seqeval end_of_chunk: E and S always close; B/I close before B, S or O; and any
    # prefix other than O and "." closes when the type changes.
    return (
        prev in ("E", "S")
        or (prev in ("B", "I") and cur in ("B", "S", "O"))
        or (prev not in ("O", ".") and prev_type != cur_type)
    )


def _chunk_starts(prev: str, cur: str, prev_type: str, cur_type: str) -> bool:
    # seqeval start_of_chunk: B and S always open; I/E open after E, S or O; and any
    # prefix other than O and "." opens when the type changes.
    return (
        cur in ("B", "S")
        or (prev in ("E", "S", "O") and cur in ("E", "I"))
        or (cur not in ("O", ".") and prev_type != cur_type)
    )


def get_entities(seq: Sequence, suffix: bool = False) -> list[tuple[str, int, int]]:
    """Entities as seqeval 1.2.2's default mode extracts them: ``(type, start, end)``.

    ``end`` is inclusive, as in seqeval; a list of sentences is flattened with an ``O``
    after each sentence, so offsets count across sentences.

    >>> get_entities(["B-PER", "I-PER", "O", "B-LOC"])
    [('PER', 0, 1), ('LOC', 3, 3)]
    """
    tags = _flatten_sentences(seq)
    chunks: list[tuple[str, int, int]] = []
    prev, prev_type, begin = "O", "", 0
    # Each distinct tag is split (and warned about) once per call.
    split: dict = {}
    for i, tag in enumerate(tags + ["O"]):
        try:
            cur, cur_type = split[tag]
        except (KeyError, TypeError):
            _warn_if_not_ne_tag(tag, suffix)
            cur, cur_type = split[tag] = _split_default(tag, suffix)
        if _chunk_ends(prev, cur, prev_type, cur_type):
            chunks.append((prev_type, begin, i - 1))
        if _chunk_starts(prev, cur, prev_type, cur_type):
            begin = i
        prev, prev_type = cur, cur_type
    return chunks


def _default_entities(y: Sequence, suffix: bool) -> dict[str, set]:
    by_type: dict[str, set] = defaultdict(set)
    for type_name, start, end in get_entities(y, suffix):
        by_type[type_name].add((start, end))
    return by_type


# -------------------------------------------------------------- strict decoding
def _strict_token(tag: str, suffix: bool) -> tuple[str, str]:
    """seqeval's ``Token``: prefix character (KeyError if unknown), type stripped of ``-``."""
    prefix = tag[-1] if suffix else tag[0]
    if prefix not in _ALL_PREFIXES:
        raise KeyError(prefix)
    body = tag[:-1] if suffix else tag[1:]
    return prefix, body.strip("-") or "_"


def _matches(rows: list[tuple[str, str, str]], prev: tuple[str, str], cur: tuple[str, str]) -> bool:
    for prevs, curs, cond in rows:
        if prev[0] in prevs and cur[0] in curs:
            if cond == "any" or (cond == "same") == (prev[1] == cur[1]):
                return True
    return False


def _strict_sentence(tags: Sequence[str], scheme: str, suffix: bool) -> list[tuple[int, int, str]]:
    """Entities ``(start, end, type)`` (end exclusive) of one sentence, walked as seqeval's
    ``Tokens.entities`` walks: a start, then as many inside tokens as follow, kept only
    when the token after them closes the entity."""
    table = _SEQEVAL_TABLES[scheme]
    outside = ("O", "_")
    tokens = [_strict_token(tag, suffix) for tag in tags] + [outside]
    start_rows, inside_rows, end_rows = table["start"], table["inside"], table["end"]
    entities = []
    i, prev = 0, outside
    while i < len(tokens):
        token = tokens[i]
        if token[0] not in table["allowed"]:
            raise ValueError(
                f"Invalid token is found: {tags[i]}. Allowed prefixes are: {_flag_text(table['allowed'])}."
            )
        if _matches(start_rows, prev, token):
            end, last = i + 1, token
            while end < len(tokens) and _matches(inside_rows, last, tokens[end]):
                last = tokens[end]
                end += 1
            # The appended O is never "inside", so ``end`` always names a real token.
            if _matches(end_rows, tokens[end - 1], tokens[end]):
                entities.append((i, end, token[1]))
            i = end
        else:
            i += 1
        prev = tokens[i - 1]
    return entities


def _strict_entities(y: Sequence[Sequence[str]], scheme: str, suffix: bool) -> dict[str, set]:
    by_type: dict[str, set] = defaultdict(set)
    for sent_id, tags in enumerate(y):
        for start, end, type_name in _strict_sentence(tags, scheme, suffix):
            by_type[type_name].add((sent_id, start, end))
    return by_type


def _detect_scheme(y_true: Sequence[Sequence[str]], suffix: bool) -> str:
    """seqeval's ``auto_detect``: the prefix set of ``y_true`` names the scheme."""
    seen = set()
    for tags in y_true:
        for tag in tags:
            try:
                seen.add(_strict_token(tag, suffix)[0])
            except KeyError:
                raise ValueError(f"This scheme is not supported: {tag}") from None
    for name, prefix_sets in _DETECTABLE:
        if any(seen == set(s) for s in prefix_sets):
            return name
    shown = ", ".join(f"<Prefix.{p}: {1 << _ALL_PREFIXES.index(p)}>" for p in _ALL_PREFIXES if p in seen)
    raise ValueError(f"This scheme is not supported: {{{shown}}}" if seen else "This scheme is not supported: set()")


# ---------------------------------------------------------------- checks
def _check_consistent_length(y_true: Sequence, y_pred: Sequence) -> None:
    """seqeval accepts only lists of lists (not tuples, not arrays) of equal shapes."""
    if set(map(type, y_true)) | set(map(type, y_pred)) != {list}:
        raise TypeError("Found input variables without list of list.")
    len_true = [len(s) for s in y_true]
    len_pred = [len(s) for s in y_pred]
    if len(y_true) != len(y_pred) or len_true != len_pred:
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples:\n{len_true}\n{len_pred}"
        )


# ------------------------------------------------------------ counts -> scores
def _undefined_metric_warning() -> type[Warning]:
    """scikit-learn's UndefinedMetricWarning when installed (seqeval raises that one)."""
    try:
        from sklearn.exceptions import UndefinedMetricWarning
    except ImportError:  # pragma: no cover - sklearn is a test dependency here
        return _UndefinedMetricWarning
    return UndefinedMetricWarning


class _UndefinedMetricWarning(UserWarning):
    """Stand-in for scikit-learn's UndefinedMetricWarning when scikit-learn is absent."""


def _warn_undefined(what: str, modifier: str, size: int) -> None:
    where = "due to" if size == 1 else "in labels with"
    warnings.warn(
        f"{what} ill-defined and being set to 0.0 {where} no {modifier} samples. "
        "Use `zero_division` parameter to control this behavior.",
        _undefined_metric_warning(),
        stacklevel=3,
    )


def _zero_division_value(zero_division: Any) -> float:
    # seqeval tests ``zero_division in ['warn', 0]``: 0, 0.0 and False give 0.0.
    return 0.0 if zero_division in ["warn", 0] else 1.0


def _ratio(numerator, denominator, metric: str, modifier: str, warn_for, zero_division):
    """Elementwise numerator/denominator with 0/0 set by ``zero_division`` (and a warning)."""
    undefined = denominator == 0
    safe = denominator.copy()
    safe[undefined] = 1
    result = numerator / safe
    if not undefined.any():
        return result
    result[undefined] = _zero_division_value(zero_division)
    if zero_division == "warn" and metric in warn_for:
        joined = " and F-score are" if "f-score" in warn_for else " is"
        _warn_undefined(metric.title() + joined, modifier, len(result))
    return result


def _scores_from_counts(pred_sum, tp_sum, true_sum, *, average, warn_for, beta, zero_division):
    """Precision, recall, F-beta and support from per-type count arrays, as seqeval."""
    import numpy as np

    if average == "micro":
        tp_sum = np.array([tp_sum.sum()])
        pred_sum = np.array([pred_sum.sum()])
        true_sum = np.array([true_sum.sum()])
    beta2 = beta**2
    precision = _ratio(tp_sum, pred_sum, "precision", "predicted", warn_for, zero_division)
    recall = _ratio(tp_sum, true_sum, "recall", "true", warn_for, zero_division)
    # The F-score warning is issued only for f1_score, whose warn_for is exactly this tuple.
    if zero_division == "warn" and warn_for == ("f-score",):
        if (pred_sum[true_sum == 0] == 0).any():
            _warn_undefined("F-score is", "true nor predicted", len(true_sum))
    if np.isposinf(beta):
        f_score = recall
    else:
        denominator = beta2 * precision + recall
        denominator[denominator == 0.0] = 1
        f_score = (1 + beta2) * precision * recall / denominator
    if average is None:
        return precision, recall, f_score, true_sum
    weights = None
    if average == "weighted":
        weights = true_sum
        if weights.sum() == 0:
            # No gold entity at all: seqeval returns plain floats here.
            value = _zero_division_value(zero_division)
            nothing_predicted = pred_sum.sum() == 0
            return (value if nothing_predicted else 0.0, value, value if nothing_predicted else 0.0, sum(true_sum))
    return (
        np.average(precision, weights=weights),
        np.average(recall, weights=weights),
        np.average(f_score, weights=weights),
        sum(true_sum),
    )


def _count_arrays(entities_true: dict[str, set], entities_pred: dict[str, set]):
    """Per-type predicted, correct and gold counts, types in sorted order."""
    import numpy as np

    names = sorted(set(entities_true) | set(entities_pred))
    none: set = set()
    rows = [
        (len(entities_pred.get(n, none)), len(entities_true.get(n, none) & entities_pred.get(n, none)),
         len(entities_true.get(n, none)))
        for n in names
    ]
    # seqeval grows int32 arrays with np.append: int64 once a count is added, int32 if none.
    dtype = np.int64 if rows else np.int32
    pred_sum, tp_sum, true_sum = (np.array([r[k] for r in rows], dtype=dtype) for k in range(3))
    return names, pred_sum, tp_sum, true_sum


def _entities(y: Sequence, scheme: str | None, suffix: bool) -> dict[str, set]:
    return _strict_entities(y, scheme, suffix) if scheme else _default_entities(y, suffix)


def _prfs(y_true, y_pred, *, average, warn_for, beta, zero_division, scheme, suffix, cached=None):
    if beta < 0:
        raise ValueError("beta should be >=0 in the F-beta score")
    if average not in AVERAGES:
        raise ValueError(f"average has to be one of {AVERAGES}")
    _check_consistent_length(y_true, y_pred)
    if cached is None:
        cached = (_entities(y_true, scheme, suffix), _entities(y_pred, scheme, suffix))
    _, pred_sum, tp_sum, true_sum = _count_arrays(*cached)
    return _scores_from_counts(
        pred_sum, tp_sum, true_sum, average=average, warn_for=warn_for, beta=beta, zero_division=zero_division
    )


def _strict_scheme(mode: str | None, scheme: Any) -> str | None:
    """The scheme to decode strictly with, or None for the default mode.

    seqeval scores strictly only when ``mode == "strict"`` and a scheme is given;
    otherwise it silently uses the default mode (kept: a quirk).
    """
    if mode == "strict" and scheme:
        return _scheme_name(scheme)
    return None


# ------------------------------------------------------------------- public API
def precision_recall_fscore_support(
    y_true: list[list[str]],
    y_pred: list[list[str]],
    *,
    average: str | None = None,
    warn_for=DEFAULT_WARN_FOR,
    beta: float = 1.0,
    sample_weight: Sequence[float] | None = None,
    zero_division: Any = "warn",
    suffix: bool = False,
    mode: str | None = None,
    scheme: Any = None,
):
    """Precision, recall, F-beta and support per type (``average=None``) or averaged.

    Same signature and results as seqeval 1.2.2's
    ``seqeval.metrics.sequence_labeling.precision_recall_fscore_support``; ``mode`` and
    ``scheme`` are extensions that behave as in :func:`f1_score`. ``sample_weight`` is
    ignored, as in seqeval.

    Returns:
        ``(precision, recall, fbeta, support)``: numpy arrays over the sorted types, or
        numpy floats and the total support for an average.

    >>> precision_recall_fscore_support([["B-X", "O"]], [["B-X", "O"]], average="micro")
    (np.float64(1.0), np.float64(1.0), np.float64(1.0), np.int64(1))
    """
    return _prfs(
        y_true, y_pred, average=average, warn_for=warn_for, beta=beta,
        zero_division=zero_division, scheme=_strict_scheme(mode, scheme), suffix=suffix,
    )


def precision_score(
    y_true: list[list[str]],
    y_pred: list[list[str]],
    *,
    average: str | None = "micro",
    suffix: bool = False,
    mode: str | None = None,
    sample_weight: Sequence[float] | None = None,
    zero_division: Any = "warn",
    scheme: Any = None,
):
    """Entity precision, as seqeval 1.2.2's ``precision_score``.

    ``mode="strict"`` with a ``scheme`` (class or name) keeps only well-formed
    entities; ``mode="strict"`` without a scheme is the default mode (seqeval's quirk).

    >>> float(precision_score([["B-X", "O"]], [["B-X", "B-Y"]]))
    0.5
    """
    p, _, _, _ = _prfs(
        y_true, y_pred, average=average, warn_for=("precision",), beta=1.0,
        zero_division=zero_division, scheme=_strict_scheme(mode, scheme), suffix=suffix,
    )
    return p


def recall_score(
    y_true: list[list[str]],
    y_pred: list[list[str]],
    *,
    average: str | None = "micro",
    suffix: bool = False,
    mode: str | None = None,
    sample_weight: Sequence[float] | None = None,
    zero_division: Any = "warn",
    scheme: Any = None,
):
    """Entity recall, as seqeval 1.2.2's ``recall_score`` (options as :func:`precision_score`).

    >>> float(recall_score([["B-X", "B-Y"]], [["B-X", "O"]]))
    0.5
    """
    _, r, _, _ = _prfs(
        y_true, y_pred, average=average, warn_for=("recall",), beta=1.0,
        zero_division=zero_division, scheme=_strict_scheme(mode, scheme), suffix=suffix,
    )
    return r


def f1_score(
    y_true: list[list[str]],
    y_pred: list[list[str]],
    *,
    average: str | None = "micro",
    suffix: bool = False,
    mode: str | None = None,
    sample_weight: Sequence[float] | None = None,
    zero_division: Any = "warn",
    scheme: Any = None,
):
    """Entity F1, as seqeval 1.2.2's ``f1_score`` (options as :func:`precision_score`).

    >>> float(f1_score([["B-X", "B-Y"]], [["B-X", "O"]]))
    0.6666666666666666
    """
    _, _, f, _ = _prfs(
        y_true, y_pred, average=average, warn_for=("f-score",), beta=1,
        zero_division=zero_division, scheme=_strict_scheme(mode, scheme), suffix=suffix,
    )
    return f


def _flatten_pair(y_true: Sequence, y_pred: Sequence) -> tuple[Sequence, Sequence]:
    if any(isinstance(s, list) for s in y_true):
        return [t for s in y_true for t in s], [t for s in y_pred for t in s]
    return y_true, y_pred


def accuracy_score(y_true: Sequence, y_pred: Sequence) -> float:
    """Token accuracy, as seqeval 1.2.2's ``accuracy_score`` (lengths are not checked).

    >>> accuracy_score([["B-X", "O"]], [["B-X", "B-X"]])
    0.5
    """
    y_true, y_pred = _flatten_pair(y_true, y_pred)
    correct = sum(t == p for t, p in zip(y_true, y_pred))
    return correct / len(y_true)


def performance_measure(y_true: Sequence, y_pred: Sequence) -> dict[str, int]:
    """Token-level TP/FP/FN/TN, as seqeval 1.2.2's ``performance_measure``.

    TP counts tokens whose tags are equal and not O; FP a predicted non-O tag that
    differs from gold; FN a gold non-O tag predicted as O; TN tokens O in both. So a
    token with a wrong type counts as FP only, and no token is both FP and FN.

    >>> performance_measure([["B-X", "O", "B-Y"]], [["B-X", "B-X", "O"]])
    {'TP': 1, 'FP': 1, 'FN': 1, 'TN': 0}
    """
    y_true, y_pred = _flatten_pair(y_true, y_pred)
    pairs = list(zip(y_true, y_pred))
    return {
        "TP": sum(t == p for t, p in pairs if t != "O" or p != "O"),
        "FP": sum(t != p and p != "O" for t, p in pairs),
        "FN": sum(t != "O" and p == "O" for t, p in pairs),
        "TN": sum(t == p == "O" for t, p in pairs),
    }


def _report_rows(names, per_type, averages, *, output_dict: bool, digits: int):
    """Lay out seqeval's report: a dict, or its fixed-width text."""
    if output_dict:
        out: dict[str, dict] = {}
        for name, (p, r, f, s) in list(zip(names, zip(*per_type))) + averages:
            out[name] = {"precision": p, "recall": r, "f1-score": f, "support": s}
        return out
    width = max(max(map(len, names)), len("weighted avg"), digits)
    header = f"{'':>{width}s} " + "".join(f" {h:>9}" for h in ("precision", "recall", "f1-score", "support"))

    def row(name, p, r, f, s):
        return f"{name:>{width}s} " + "".join(f" {v:>9.{digits}f}" for v in (p, r, f)) + f" {s:>9}"

    body = [row(name, *values) for name, values in zip(names, zip(*per_type))]
    body.append("")
    body += [row(name, *values) for name, values in averages]
    body.append("")
    return header + "\n\n" + "\n".join(body)


def classification_report(
    y_true: list[list[str]],
    y_pred: list[list[str]],
    digits: int = 2,
    suffix: bool = False,
    output_dict: bool = False,
    mode: str | None = None,
    sample_weight: Sequence[float] | None = None,
    zero_division: Any = "warn",
    scheme: Any = None,
):
    """seqeval 1.2.2's ``classification_report``: the same text (or dict), byte for byte.

    With ``mode="strict"`` the scheme is ``scheme`` (class or name) or, when None,
    detected from ``y_true`` as seqeval does.

    >>> print(classification_report([["B-PER", "O"]], [["B-PER", "O"]]))
                  precision    recall  f1-score   support
    <BLANKLINE>
             PER       1.00      1.00      1.00         1
    <BLANKLINE>
       micro avg       1.00      1.00      1.00         1
       macro avg       1.00      1.00      1.00         1
    weighted avg       1.00      1.00      1.00         1
    <BLANKLINE>
    """
    if mode == "strict":
        _check_consistent_length(y_true, y_pred)
        name = _scheme_name(scheme, for_report=True) or _detect_scheme(y_true, suffix)
        cached = (_strict_entities(y_true, name, suffix), _strict_entities(y_pred, name, suffix))
        names = sorted(set(cached[0]) | set(cached[1]))
    else:
        name = None
        # seqeval collects the type names before it checks the input's shape.
        names = sorted({t for t, _, _ in get_entities(y_true, suffix)} | {t for t, _, _ in get_entities(y_pred, suffix)})
        if not output_dict and not names:
            raise ValueError("max() arg is an empty sequence")
        _check_consistent_length(y_true, y_pred)
        cached = (_default_entities(y_true, suffix), _default_entities(y_pred, suffix))
    if mode == "strict" and not output_dict and not names:
        raise ValueError("max() arg is an empty sequence")
    common = dict(warn_for=DEFAULT_WARN_FOR, beta=1.0, zero_division=zero_division, scheme=name,
                  suffix=suffix, cached=cached)
    per_type = _prfs(y_true, y_pred, average=None, **common)
    averages = [
        (f"{average} avg", _prfs(y_true, y_pred, average=average, **common))
        for average in ("micro", "macro", "weighted")
    ]
    return _report_rows(names, per_type, averages, output_dict=output_dict, digits=digits)


def hf_seqeval(
    predictions: list[list[str]],
    references: list[list[str]],
    suffix: bool = False,
    scheme: Any = None,
    mode: str | None = None,
    sample_weight: Sequence[float] | None = None,
    zero_division: Any = "warn",
) -> dict[str, Any]:
    """The dict Hugging Face ``evaluate.load("seqeval").compute(...)`` returns.

    One entry per type (``precision``, ``recall``, ``f1``, ``number`` = gold support),
    then ``overall_precision``, ``overall_recall``, ``overall_f1`` (micro) and
    ``overall_accuracy`` (token accuracy). Note the argument order: predictions first.
    As in Hugging Face's metric, ``scheme`` matters only with ``mode="strict"``.

    >>> scores = hf_seqeval([["B-PER", "O"]], [["B-PER", "B-LOC"]], zero_division=0)
    >>> scores["PER"]["number"], float(scores["overall_recall"]), scores["overall_accuracy"]
    (np.int64(1), 0.5, 0.5)
    """
    if scheme is not None:
        scheme = _scheme_name(scheme)
    report = classification_report(
        references, predictions, suffix=suffix, output_dict=True, scheme=scheme, mode=mode,
        sample_weight=sample_weight, zero_division=zero_division,
    )
    del report["macro avg"], report["weighted avg"]
    overall = report.pop("micro avg")
    scores: dict[str, Any] = {
        name: {"precision": row["precision"], "recall": row["recall"], "f1": row["f1-score"], "number": row["support"]}
        for name, row in report.items()
    }
    scores["overall_precision"] = overall["precision"]
    scores["overall_recall"] = overall["recall"]
    scores["overall_f1"] = overall["f1-score"]
    scores["overall_accuracy"] = accuracy_score(references, predictions)
    return scores
