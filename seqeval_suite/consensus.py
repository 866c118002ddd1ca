"""Consensus annotation and annotator quality without gold (issue 20).

``agree --consensus`` turns several annotators of the same tokens into one flat
annotation, and estimates how far each annotator can be trusted. The rules:

**Entities.** Every annotator's entities are those the scoring sees: decoded from its
tags under ``--mode`` (and ``--scheme``, ``--types``) by the core, in the sentences that
annotator labelled (a sentence of ``?`` cells was not labelled by it).

**Majority vote** (:func:`majority_vote`), entity level. In a sentence labelled by ``n``
annotators an entity (exact span and type) gets one vote from each of them that has
it. It is a candidate when it has at least ``k`` votes: ``min_votes`` when given, else
a strict majority, ``k = n // 2 + 1``. Candidates that share a token are resolved
greedily (:func:`resolve_overlaps`), preferring more votes, then the longer span, then
the earlier start, then the type name (code-point order); a candidate overlapping one
kept before it is dropped, and counted. Under a strict majority two candidates never
overlap (two overlapping entities, each held by more than half of the annotators,
would need one annotator holding both, and one tag a token cannot), so the rule only
acts with a lower ``min_votes``. A sentence nobody labelled, or labelled by fewer than
``min_votes`` annotators, gets no entity.

**Dawid-Skene** (:func:`dawid_skene`), token level. The labels are IOB2 tags: each
annotator's entities re-encoded in IOB2 (so IOBES, BILOU or IOB1 input shares one label
space), ``O`` and ``B-T``, ``I-T`` for every type T any annotator used; each annotator
has one confusion matrix over them (true label x given label) and the classes one prior.
EM as Dawid and Skene (1979): start from the soft majority vote (each token's label
fractions among the annotators who labelled it), then repeat the M-step (priors and
confusion matrices from the current posteriors, ``smoothing`` added to every confusion
count) and the E-step (posteriors from priors and matrices) until no token's posterior
moves by more than ``tol`` between two E-steps (converged) or ``max_iter`` E-steps have
run. There is no randomness: the same input gives the same numbers. The consensus is,
per sentence, the valid IOB2 sequence that maximises the sum of the tokens' log
posteriors (Viterbi, :func:`decode_iob2`: ``I-T`` only after ``B-T`` or ``I-T``; ties go
to the lower label index, ``O`` first), read as entities.

**Quality.** An annotator's Dawid-Skene accuracy is the chance that it gives a token's
true label, under the fitted model: ``sum_k prior[k] * confusion[k, k]``; its entity
accuracy is the same over the entity labels (``B-``/``I-``) only, the priors
renormalised, which the ``O`` majority does not inflate. The model is fitted whichever
``--consensus`` method is chosen. It needs redundancy: an annotator none of whose tokens
another annotator labelled is not identifiable (any relabelling of its answers explains
them as well, and EM drifts towards merging classes), so its accuracies are None and a
warning names it; input where no token has two annotators is refused for the
Dawid-Skene consensus (majority vote then keeps each annotator's entities).

>>> majority_vote([{0: [(0, 1, "PER")]}, {0: [(0, 1, "PER")]}, {0: [(0, 2, "PER")]}],
...               [[1], [1], [1]])[0]
[[(0, 1, 'PER')]]
"""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from .errors import DataError, UsageError
from .schemes import Span

METHODS = ("majority", "dawid-skene")
#: Stop when no token posterior moves by more than this between two E-steps.
DEFAULT_TOL = 1e-6
DEFAULT_MAX_ITER = 1000
#: Pseudo-count added to every cell of every confusion matrix in the M-step.
DEFAULT_SMOOTHING = 0.01
#: Formats a consensus file can be written in (by the output's extension).
OUTPUT_FORMATS = ("conll", "jsonl")


# ------------------------------------------------------------------ majority vote
def strict_majority(n: int) -> int:
    """The votes a strict majority of ``n`` annotators needs.

    >>> [strict_majority(n) for n in (1, 2, 3, 4, 5)]
    [1, 2, 2, 3, 3]
    """
    return n // 2 + 1


def resolve_overlaps(candidates: Iterable[tuple[Span, int]]) -> tuple[list[Span], int]:
    """Keep a flat set of ``(span, votes)`` candidates: greedily, more votes first, then
    the longer span, the earlier start, the type name; a candidate sharing a token with
    one kept before is dropped. Returns the kept spans in sentence order and how many
    were dropped.

    >>> resolve_overlaps([((0, 2, "ORG"), 2), ((1, 3, "PER"), 2), ((0, 2, "LOC"), 2)])
    ([(0, 2, 'LOC')], 2)
    """
    kept: list[Span] = []
    dropped = 0
    for span, _votes in sorted(candidates, key=lambda c: (-c[1], c[0][0] - c[0][1], c[0][0], c[0][2])):
        if any(span[0] < end and start < span[1] for start, end, _ in kept):
            dropped += 1
        else:
            kept.append(span)
    return sorted(kept), dropped


def majority_vote(entities: Sequence[Mapping[int, Sequence[Span]]], labelled: Sequence[Sequence[int]], *,
                  min_votes: int | None = None) -> tuple[list[list[Span]], int]:
    """Entity-level majority vote (the rule is in the module docstring).

    Args:
        entities: per annotator, sentence index -> its entities there.
        labelled: per annotator, per sentence, true when it labelled the sentence.
        min_votes: votes an entity needs (None: a strict majority of the sentence's annotators).

    Returns:
        Per sentence the kept entities in sentence order, and how many candidates the
        overlap rule dropped.
    """
    import numpy as np

    cover = np.asarray(labelled, dtype=bool).reshape(len(labelled), -1)
    by_sentence: list[list[int]] = [[] for _ in range(cover.shape[1])]
    for s, k in zip(*(a.tolist() for a in np.nonzero(cover.T))):
        by_sentence[s].append(k)
    out: list[list[Span]] = []
    dropped = 0
    for s, who in enumerate(by_sentence):
        need = min_votes if min_votes is not None else strict_majority(len(who))
        votes = Counter(span for k in who for span in set(entities[k].get(s, ())))
        candidates = [(span, n) for span, n in votes.items() if n >= need]
        kept, lost = resolve_overlaps(candidates)
        dropped += lost
        out.append(kept)
    return out, dropped


# ------------------------------------------------------------------ Dawid-Skene
@dataclass
class DawidSkeneFit:
    """A fitted Dawid-Skene model over token labels.

    Attributes:
        labels: the label names (``O`` first, then ``B-T``, ``I-T`` per type in name order).
        priors: class priors, one per label.
        confusion: ``(annotators, labels, labels)``: ``confusion[j, k, l]`` is the chance
            that annotator j gives label l to a token whose true label is k.
        items: the token indices that had at least one answer (the posteriors' rows).
        posteriors: ``(len(items), labels)`` true-label posteriors.
        answers: per annotator, how many tokens it labelled.
        single: how many items had one answer only.
        shared: per annotator, how many of those another annotator labelled too. An
            annotator with none is not identifiable (any relabelling of its answers
            explains them as well): its accuracies are None.
        iterations: E-steps run; converged: whether the last moved no posterior by ``tol``.
        change: the largest posterior change of the last E-step.
        log_likelihood: the observed-data log-likelihood at the last E-step.
    """

    labels: list[str]
    priors: object
    confusion: object
    items: object
    posteriors: object
    answers: object
    shared: object
    single: int
    iterations: int
    converged: bool
    change: float
    log_likelihood: float

    def accuracy(self) -> list[float | None]:
        """Per annotator: ``sum_k prior[k] * confusion[k, k]`` (None when it shares
        no token with another annotator)."""
        import numpy as np

        diagonal = np.diagonal(self.confusion, axis1=1, axis2=2)
        values = (diagonal * self.priors).sum(axis=1)
        return [float(v) if n else None for v, n in zip(values, self.shared)]

    def entity_accuracy(self) -> list[float | None]:
        """Per annotator: the accuracy over the entity labels only, priors renormalised
        (None when it shares no token with another annotator, or when no entity label
        has prior mass)."""
        import numpy as np

        diagonal = np.diagonal(self.confusion, axis1=1, axis2=2)[:, 1:]
        mass = float(self.priors[1:].sum())
        if mass <= 0:
            return [None] * len(self.answers)
        values = (diagonal * self.priors[1:]).sum(axis=1) / mass
        return [float(v) if n else None for v, n in zip(values, self.shared)]

    def isolated(self) -> list[int]:
        """The annotators with answers of which no other annotator labelled a token."""
        return [k for k, (n, m) in enumerate(zip(self.answers, self.shared)) if n and not m]


def dawid_skene(labels, n_labels: int, *, tol: float = DEFAULT_TOL, max_iter: int = DEFAULT_MAX_ITER,
                smoothing: float = DEFAULT_SMOOTHING, label_names: Sequence[str] | None = None) -> DawidSkeneFit:
    """Fit Dawid and Skene's model by EM (the rules are in the module docstring).

    Args:
        labels: int array ``(annotators, items)``: each annotator's label id per item,
            -1 where it gave none.
        n_labels: the number of labels (ids are ``0 .. n_labels - 1``).
        tol: convergence: the largest change of any posterior between two E-steps.
        max_iter: at most this many E-steps.
        smoothing: pseudo-count added to every confusion-matrix cell (> 0).
        label_names: names for :attr:`DawidSkeneFit.labels` (default ``0, 1, ...``).

    >>> import numpy as np
    >>> fit = dawid_skene(np.array([[0, 1, 1, 0], [0, 1, 1, 0], [0, 1, 0, -1]]), 2)
    >>> fit.posteriors.argmax(axis=1).tolist(), fit.converged
    ([0, 1, 1, 0], True)
    """
    import numpy as np

    check_ds_settings(tol=tol, max_iter=max_iter, smoothing=smoothing)
    labels = np.asarray(labels)
    annotators = labels.shape[0]
    L = int(n_labels)
    if labels.size and (labels.max() >= L or labels.min() < -1):
        raise DataError(f"label ids must lie in -1..{L - 1}")
    answered = labels >= 0
    per_item = answered.sum(axis=0)
    items = np.flatnonzero(per_item)
    answers = answered.sum(axis=1)
    shared = (answered & (per_item >= 2)).sum(axis=1)
    names = list(label_names) if label_names is not None else [str(k) for k in range(L)]
    if len(items) == 0:
        return DawidSkeneFit(names, np.full(L, 1.0 / L), np.full((annotators, L, L), 1.0 / L), items,
                             np.zeros((0, L)), answers, shared, 0, 0, True, 0.0, 0.0)
    # Items with the same answers (same annotators, same labels) have the same posterior:
    # EM runs over the distinct answer patterns, each weighted by how many items share it.
    by_item = np.ascontiguousarray(labels[:, items].T)
    rows = by_item.view(np.dtype((np.void, by_item.dtype.itemsize * annotators))).ravel()
    _, representative, pattern_of, weight = np.unique(rows, return_index=True, return_inverse=True,
                                                      return_counts=True)
    # Patterns in order of their number of answers, so that the E-step adds the answers
    # of a run of patterns with k answers as k vectorised column gathers.
    size = (by_item[representative] >= 0).sum(axis=1)
    order = np.argsort(size, kind="stable")
    patterns, weight, size = by_item[representative[order]], weight[order].astype(float), size[order]
    pattern_of = np.argsort(order)[pattern_of.ravel()]
    item, who = np.nonzero(patterns >= 0)  # answers of each pattern, pattern-major
    given = patterns[item, who].astype(np.int64)
    n_patterns = len(patterns)
    cell = who * L + given  # (annotator, given label) of each answer
    per_size = np.bincount(size)  # patterns with k answers (every pattern has at least one)
    bounds = np.r_[0, np.cumsum(per_size * np.arange(len(per_size)))]  # their answers: one slice per k
    runs = [cell[bounds[k]:bounds[k + 1]].reshape(-1, k) for k in range(1, len(per_size)) if per_size[k]]
    by_cell = np.argsort(cell, kind="stable")
    cells, cell_first = np.unique(cell[by_cell], return_index=True)
    item_by_cell = item[by_cell]
    total = weight.sum()

    def m_step(posteriors):
        mass = posteriors * weight[:, None]
        priors = mass.sum(axis=0) / total
        counts = np.zeros((annotators * L, L))
        counts[cells] = np.add.reduceat(mass[item_by_cell], cell_first, axis=0)
        # counts[j*L + l, k]: mass of true label k in the answers where j gave l.
        counts = counts.reshape(annotators, L, L).transpose(0, 2, 1) + smoothing
        return priors, counts / counts.sum(axis=2, keepdims=True)

    def e_step(priors, confusion):
        tiny = np.finfo(float).tiny
        table = np.log(confusion).transpose(0, 2, 1).reshape(annotators * L, L)
        parts = []
        for run in runs:
            part = table[run[:, 0]]
            for j in range(1, run.shape[1]):
                part += table[run[:, j]]
            parts.append(part)
        scores = np.concatenate(parts) + np.log(np.maximum(priors, tiny))
        top = scores.max(axis=1, keepdims=True)
        weights = np.exp(scores - top)
        norm = weights.sum(axis=1, keepdims=True)
        return weights / norm, float(((top + np.log(norm))[:, 0] * weight).sum())

    posteriors = np.bincount(item * L + given, minlength=n_patterns * L).reshape(n_patterns, L).astype(float)
    posteriors /= posteriors.sum(axis=1, keepdims=True)
    iterations, converged, change, log_likelihood = 0, False, float("inf"), 0.0
    while iterations < max_iter:
        priors, confusion = m_step(posteriors)
        updated, log_likelihood = e_step(priors, confusion)
        change = float(np.abs(updated - posteriors).max())
        posteriors = updated
        iterations += 1
        if change <= tol:
            converged = True
            break
    priors, confusion = m_step(posteriors)  # the parameters of the final posteriors
    return DawidSkeneFit(names, priors, confusion, items, posteriors[pattern_of], answers, shared,
                         int((per_item == 1).sum()), iterations, converged, change, log_likelihood)


def check_ds_settings(*, tol: float, max_iter: int, smoothing: float) -> None:
    """Refuse settings EM cannot run with.

    Raises:
        UsageError: a tolerance or smoothing not above 0, fewer than one iteration.
    """
    if not tol > 0:
        raise UsageError(f"Dawid-Skene tolerance {tol!r} must be above 0", hint="e.g. --ds-tol 1e-6")
    if int(max_iter) != max_iter or max_iter < 1:
        raise UsageError(f"Dawid-Skene needs at least one iteration, got {max_iter!r}", hint="e.g. --ds-max-iter 1000")
    if not smoothing > 0:
        raise UsageError(f"Dawid-Skene smoothing {smoothing!r} must be above 0", hint="e.g. 0.01")


def iob2_label_names(types: Sequence[str]) -> list[str]:
    """The Dawid-Skene label space for these entity types: ``O``, then ``B-T``, ``I-T``.

    >>> iob2_label_names(["LOC", "PER"])
    ['O', 'B-LOC', 'I-LOC', 'B-PER', 'I-PER']
    """
    return ["O", *(f"{p}-{t}" for t in types for p in "BI")]


def decode_iob2(log_posteriors, first, lengths):
    """Per sentence, the valid IOB2 label sequence with the largest sum of log posteriors.

    Labels are ids into :func:`iob2_label_names`: 0 is O, ``1 + 2t`` is ``B-`` and
    ``2 + 2t`` ``I-`` of type t; ``I-`` of t may follow only ``B-`` or ``I-`` of t.

    Args:
        log_posteriors: ``(tokens, labels)`` float array, sentences one after another.
        first, lengths: int arrays, each sentence's first row and length (all > 0).

    Returns:
        An int array, one label id per row.

    >>> import numpy as np
    >>> p = np.log(np.array([[.2, .3, .5], [.4, .1, .5]]))  # O, B-X, I-X
    >>> decode_iob2(p, np.array([0]), np.array([2])).tolist()
    [1, 2]
    """
    import numpy as np

    log_posteriors = np.asarray(log_posteriors, dtype=float)
    n, L = log_posteriors.shape
    labels = np.zeros(n, dtype=np.int64)
    if n == 0 or len(first) == 0:
        return labels
    inside = np.zeros(L, dtype=bool)
    inside[2::2] = True
    allowed = np.ones((L, L), dtype=bool)  # allowed[prev, cur]
    allowed[:, inside] = False
    for i in np.flatnonzero(inside):
        allowed[i - 1, i] = allowed[i, i] = True
    penalty = np.where(allowed, 0.0, -np.inf)
    order = np.argsort(-np.asarray(lengths), kind="stable")  # longest first: the live ones are a prefix
    first, lengths = np.asarray(first)[order], np.asarray(lengths)[order]
    back = np.zeros((n, L), dtype=np.int16 if L < 2 ** 15 else np.int32)
    last = np.zeros(len(order), dtype=np.int64)
    score = log_posteriors[first] + np.where(inside, -np.inf, 0.0)
    live = len(order)
    for t in range(1, int(lengths[0]) + 1):
        still = int(np.searchsorted(-lengths, -t, side="left"))  # sentences longer than t
        if still < live:  # sentences of length t end here: their best final label
            last[still:live] = score[still:live].argmax(axis=1)
            live = still
        if live == 0:
            break
        rows = first[:live] + t
        candidates = score[:live, :, None] + penalty[None]
        best = candidates.argmax(axis=1)
        back[rows] = best
        score = np.take_along_axis(candidates, best[:, None, :], axis=1)[:, 0, :] + log_posteriors[rows]
    for s in range(len(order)):  # last labels, then follow the back pointers (vectorised by position)
        labels[first[s] + lengths[s] - 1] = last[s]
    for t in range(int(lengths[0]) - 1, 0, -1):
        live = int(np.searchsorted(-lengths, -t, side="left"))  # sentences longer than t
        rows = first[:live] + t
        labels[rows - 1] = back[rows, labels[rows]]
    return labels


# ------------------------------------------------------------------ the crowd
@dataclass
class Crowd:
    """Everything a consensus reads: the annotators' entities and coverage.

    Attributes:
        names: annotator names.
        offsets: int64 array, each sentence's first token, then the corpus size.
        labelled: bool array ``(annotators, sentences)``.
        entities: per annotator, ``(sentence, start, end, type)`` int arrays (start and
            end within the sentence, end exclusive; type indexes ``type_names``).
        type_names: the names the type ids index.
        tokens: every token's text in corpus order (None when the input has none).
        documents, docstarts: each sentence's ``-DOCSTART-`` count and the input's
            (CoNLL input that marks documents; else None and 0).
    """

    names: list[str]
    offsets: object
    labelled: object
    entities: list[tuple]
    type_names: list[str]
    tokens: list[str] | None = None
    documents: list[int] | None = None
    docstarts: int = 0

    @property
    def sentences(self) -> int:
        """Number of sentences."""
        return len(self.offsets) - 1

    def by_sentence(self) -> list[dict[int, list[Span]]]:
        """Per annotator, sentence -> its entities there (labelled sentences only)."""
        out = []
        for k, (s, b, e, t) in enumerate(self.entities):
            spans: dict[int, list[Span]] = {}
            names = self.type_names
            for si, bi, ei, ti in zip(s.tolist(), b.tolist(), e.tolist(), t.tolist()):
                spans.setdefault(si, []).append((bi, ei, names[ti]))
            out.append(spans)
        return out

    def used_types(self) -> list[str]:
        """The entity types any annotator used, in name order."""
        import numpy as np

        ids = set()
        for _, _, _, t in self.entities:
            ids.update(np.unique(t).tolist())
        return sorted({self.type_names[i] for i in ids})

    def iob2_matrix(self, types: Sequence[str]):
        """Per annotator, per token, its IOB2 label id (:func:`iob2_label_names` of
        ``types``), -1 in the sentences it did not label."""
        import numpy as np

        offsets = np.asarray(self.offsets, dtype=np.int64)
        lengths = np.diff(offsets)
        dtype = np.int16 if 2 * len(types) + 1 < 2 ** 15 else np.int32
        out = np.full((len(self.names), int(offsets[-1])), -1, dtype=dtype)
        index = {name: k for k, name in enumerate(types)}
        to_label = np.array([index.get(name, -1) for name in self.type_names] or [0], dtype=np.int64)
        for k, (s, b, e, t) in enumerate(self.entities):
            out[k][np.repeat(self.labelled[k], lengths)] = 0
            if not len(s):
                continue
            begin = offsets[s] + b
            size = e - b
            inside = np.repeat(begin - np.concatenate(([0], np.cumsum(size)[:-1])), size) + np.arange(int(size.sum()))
            out[k][inside] = np.repeat(2 + 2 * to_label[t], size)
            out[k][begin] = 1 + 2 * to_label[t]
        return out


# ------------------------------------------------------------------ the consensus
@dataclass
class Consensus:
    """One consensus annotation and how it was made.

    Attributes:
        method: ``majority`` or ``dawid-skene``.
        spans: per sentence, the consensus entities in sentence order.
        parameters: the settings that made it (``min_votes``; ``tol``, ``max_iter``, ...).
        iterations, converged: of the Dawid-Skene consensus (None for majority vote).
        labelled: sentences at least one annotator labelled (the others have no entity).
        dropped: majority vote: candidates the overlap rule dropped.
        fit: the Dawid-Skene model fitted on the same crowd (the quality estimates).
        offsets, tokens: the sentences' token offsets and texts, for writing it out.
    """

    method: str
    spans: list[list[Span]]
    parameters: dict
    iterations: int | None = None
    converged: bool | None = None
    labelled: int = 0
    dropped: int = 0
    fit: DawidSkeneFit | None = field(default=None, repr=False)
    offsets: object = field(default=None, repr=False)
    tokens: list[str] | None = field(default=None, repr=False)
    documents: list[int] | None = field(default=None, repr=False)
    docstarts: int = field(default=0, repr=False)

    @property
    def entities(self) -> int:
        """How many entities the consensus holds."""
        return sum(map(len, self.spans))

    def to_dict(self) -> dict:
        """The JSON form (the ``consensus`` key of the agreement JSON)."""
        fit = self.fit
        out = {
            "method": self.method,
            "parameters": dict(self.parameters),
            "iterations": self.iterations,
            "converged": self.converged,
            "sentences": len(self.spans),
            "labelled_sentences": self.labelled,
            "entities": self.entities,
            "overlaps_dropped": self.dropped if self.method == "majority" else None,
        }
        if fit is not None:
            out["dawid_skene"] = {
                "labels": list(fit.labels),
                "priors": {name: float(p) for name, p in zip(fit.labels, fit.priors)},
                "tokens": int(len(fit.items)),
                "tokens_with_one_annotator": int(fit.single),
                "iterations": fit.iterations,
                "converged": fit.converged,
                "last_change": fit.change,
                "log_likelihood": fit.log_likelihood,
            }
        return out

    def tags(self, scheme: str = "IOB2", *, suffix: bool = False) -> list[list[str]]:
        """The consensus as tags, per sentence, in ``scheme`` (IO merges adjacent
        entities of one type)."""
        from .convert import encode

        offsets = self.offsets
        return [encode(spans, int(offsets[s + 1] - offsets[s]), scheme, suffix=suffix)
                for s, spans in enumerate(self.spans)]


def method_name(method: str) -> str:
    """The canonical method name (``ds`` and ``dawid_skene`` are accepted).

    Raises:
        UsageError: an unknown method.
    """
    name = str(method).lower().replace("_", "-")
    name = {"ds": "dawid-skene", "mv": "majority"}.get(name, name)
    if name not in METHODS:
        raise UsageError(f"unknown consensus method {method!r}", hint="choose majority or dawid-skene")
    return name


def build_consensus(crowd: Crowd, method: str, *, min_votes: int | None = None, tol: float = DEFAULT_TOL,
                    max_iter: int = DEFAULT_MAX_ITER, smoothing: float = DEFAULT_SMOOTHING) -> Consensus:
    """The consensus of ``crowd`` by ``method`` (rules in the module docstring), with the
    Dawid-Skene model fitted for the quality estimates whichever the method.

    Raises:
        UsageError: an unknown method, ``min_votes`` with Dawid-Skene or below 1 or above
            the number of annotators, bad EM settings.
    """
    import numpy as np

    method = method_name(method)
    check_ds_settings(tol=tol, max_iter=max_iter, smoothing=smoothing)
    if min_votes is not None:
        if method != "majority":
            raise UsageError("--min-votes applies to --consensus majority")
        if int(min_votes) != min_votes or not 1 <= min_votes <= len(crowd.names):
            raise UsageError(f"--min-votes {min_votes!r}: give 1 to {len(crowd.names)} (the number of annotators)")
        min_votes = int(min_votes)
    labelled = np.asarray(crowd.labelled, dtype=bool)
    offsets = np.asarray(crowd.offsets, dtype=np.int64)
    types = crowd.used_types()
    names = iob2_label_names(types)
    fit = dawid_skene(crowd.iob2_matrix(types), len(names), tol=tol, max_iter=max_iter, smoothing=smoothing,
                      label_names=names)
    ds_parameters = {"labels": "IOB2 tags (O, B-T, I-T)", "init": "majority vote fractions", "tol": tol,
                     "max_iter": max_iter, "smoothing": smoothing}
    covered = int(labelled.any(axis=0).sum())
    if method == "majority":
        spans, dropped = majority_vote(crowd.by_sentence(), labelled, min_votes=min_votes)
        parameters = {"min_votes": min_votes if min_votes is not None else "strict majority",
                      "overlaps": "more votes, then longer, then earlier, then type name",
                      "quality_model": {"method": "dawid-skene", **ds_parameters}}
        return Consensus(method, spans, parameters, labelled=covered, dropped=dropped, fit=fit, offsets=offsets,
                         tokens=crowd.tokens, documents=crowd.documents, docstarts=crowd.docstarts)
    if len(fit.items) and not np.any(fit.shared):
        raise DataError("no token has two annotators: Dawid-Skene cannot tell an annotator's errors from the truth",
                        hint="use --consensus majority, which keeps each annotator's entities there")
    spans = _decode_fit(fit, offsets, types)
    parameters = {**ds_parameters, "decoding": "Viterbi over valid IOB2 sequences on the log posteriors"}
    return Consensus(method, spans, parameters, fit.iterations, fit.converged, labelled=covered, fit=fit,
                     offsets=offsets, tokens=crowd.tokens, documents=crowd.documents, docstarts=crowd.docstarts)


def _decode_fit(fit: DawidSkeneFit, offsets, types: Sequence[str]) -> list[list[Span]]:
    """The Dawid-Skene consensus entities per sentence: Viterbi over each sentence that
    has answers (every token of a labelled sentence has one), none elsewhere."""
    import numpy as np

    sentences = len(offsets) - 1
    spans: list[list[Span]] = [[] for _ in range(sentences)]
    items = np.asarray(fit.items)
    if not len(items):
        return spans
    sentence_of = np.searchsorted(offsets, items, side="right") - 1
    first = np.flatnonzero(np.r_[True, sentence_of[1:] != sentence_of[:-1]])
    lengths = np.diff(np.r_[first, len(items)])
    tiny = np.finfo(float).tiny
    labels = decode_iob2(np.log(np.maximum(fit.posteriors, tiny)), first, lengths)
    begins = np.flatnonzero(labels % 2 == 1)
    if not len(begins):
        return spans
    # An entity runs from its B- over the I- of its type that follow, inside its sentence.
    type_of = (labels[begins] - 1) // 2
    inside = (labels[1:] > 0) & (labels[1:] % 2 == 0)
    continues = np.zeros(len(labels) + 1, dtype=bool)  # row i continues the entity of row i - 1
    continues[1:-1] = inside & ((labels[:-1] == labels[1:] - 1) | (labels[:-1] == labels[1:])) \
        & (sentence_of[1:] == sentence_of[:-1])
    run_end = np.flatnonzero(~continues[1:])  # rows that the next row does not continue
    ends = run_end[np.searchsorted(run_end, begins)] + 1
    starts = offsets[sentence_of[begins]]
    for s, b, e, t in zip(sentence_of[begins].tolist(), (items[begins] - starts).tolist(),
                          (items[ends - 1] + 1 - starts).tolist(), type_of.tolist()):
        spans[s].append((b, e, types[t]))
    return spans


# ------------------------------------------------------------------ writing
def output_format(path: str | os.PathLike) -> str:
    """``conll`` or ``jsonl``, as the consensus file's extension says.

    Raises:
        UsageError: an extension of another format (Label Studio ``.json``, ``.spacy``).
    """
    from .io.formats import detect_format

    fmt = detect_format(path)
    if fmt not in OUTPUT_FORMATS:
        raise UsageError(f"{path}: a consensus is written as CoNLL or JSON Lines, not {fmt}",
                         hint="name the file .conll (or .txt, .tsv) or .jsonl")
    return fmt


def write_consensus(path: str | os.PathLike, consensus: Consensus, *, scheme: str = "IOB2",
                    suffix: bool = False) -> int:
    """Write the consensus atomically: CoNLL (``token tag``, with the input's
    ``-DOCSTART-`` lines; the tag alone when the input had no tokens, as files of tags
    alone) or, for a ``.jsonl`` name, JSON Lines ``{"tokens", "tags"}``; tags in
    ``scheme``. Returns how many adjacent same-type
    entities an IO output merged.

    Raises:
        UsageError: JSON Lines without tokens, an ``auto`` or unknown scheme, another
            output format.
    """
    from .atomic import write_text
    from .convert import _target_scheme, adjacent_same_type, conll_text

    fmt = output_format(path)
    scheme = _target_scheme(scheme)
    offsets = consensus.offsets
    tokens = consensus.tokens
    tag_lists = consensus.tags(scheme, suffix=suffix)
    if tokens is None:
        if fmt == "jsonl":
            raise UsageError("the annotators' input holds no tokens, which JSON Lines records need",
                             hint="write the consensus as CoNLL (the tags alone, one a line)")
        write_text(path, "".join("".join(f"{t}\n" for t in tags) + "\n" for tags in tag_lists))
    elif fmt == "jsonl":
        from .io.jsonl import write_jsonl

        write_jsonl(str(path), [(tokens[int(offsets[s]):int(offsets[s + 1])], tags)
                                for s, tags in enumerate(tag_lists)])
    else:
        write_text(path, conll_text([(tokens[int(offsets[s]):int(offsets[s + 1])], tags)
                                     for s, tags in enumerate(tag_lists)],
                                    documents=consensus.documents, docstarts=consensus.docstarts))
    return sum(adjacent_same_type(spans) for spans in consensus.spans) if scheme == "IO" else 0


# ------------------------------------------------------------------ gold file
def read_gold(path: str, offsets, tokens: list[str] | None, *, against: str, options, format_in: str | None = None,
              labels=None, alignment: str = "strict", lines=None,
              missing: frozenset[str] = frozenset()) -> tuple[list[str], list[int] | None, list[bool]]:
    """An expert gold file over the annotators' tokens: its tags in corpus order, each
    token's line (CoNLL) or None, and per sentence whether the gold labels it (a
    sentence whose every tag is a ``missing`` cell does not, and is not scored).

    CoNLL gold (by extension, or ``format_in``) is read by the same block reader as the
    annotators (``--delimiter``, ``--comments``, ``-DOCSTART-`` handling; the tags in the
    last column, the token in the first when a line has two fields or more); other
    formats through :func:`seqeval_suite.io.formats.read_tagged`.

    Args:
        offsets: the corpus's sentence offsets; tokens: its token texts (or None).
        against: how messages name the annotators' file; lines: its token lines.

    Raises:
        DataError: a gold file with other sentences or tokens, naming both files and
            the sentence.
    """
    import numpy as np

    from .io.conll import display_name
    from .io.formats import detect_format

    name = display_name(path)
    fmt = (format_in or detect_format(path)).lower()
    gold_tokens, tags, gold_lines, lengths = (_conll_gold(path, options) if fmt == "conll" else
                                              _tagged_gold(path, fmt, labels, alignment, options))
    offsets = np.asarray(offsets, dtype=np.int64)
    count = len(offsets) - 1
    hint = "--gold-file must hold the annotators' sentences and tokens"

    def at(s: int, k: int = 0, sep: str = " at ") -> str:
        return f"{sep}{against}:{lines[int(offsets[s]) + k]}" if lines is not None and len(lines) else ""

    def where(s: int, k: int = 0) -> str:
        return f" (line {lines[int(offsets[s]) + k]})" if lines is not None and len(lines) else ""

    gold_first = np.r_[0, np.cumsum(lengths)].astype(np.int64)
    shared = min(count, len(lengths))
    differ = np.flatnonzero(np.asarray(lengths[:shared], dtype=np.int64) != np.diff(offsets)[:shared])
    if len(differ):
        s = int(differ[0])
        raise DataError(f"sentence {s + 1} has {lengths[s]} tokens in {name} (line {gold_lines[gold_first[s]]}) "
                        f"but {offsets[s + 1] - offsets[s]} in {against}{where(s)}", hint=hint)
    if len(lengths) > count:
        raise DataError(f"{name} goes on after {count} sentences, but {against} ends there "
                        f"(sentence {count + 1} at {name}:{gold_lines[gold_first[count]]})", hint=hint)
    if len(lengths) < count:
        raise DataError(f"{name} ends after {len(lengths)} sentences but {against} goes on "
                        f"(sentence {len(lengths) + 1}{at(len(lengths))})", hint=hint)
    if tokens is not None and gold_tokens != tokens:
        k = next((k for k, (a, b) in enumerate(zip(gold_tokens, tokens)) if a is not None and a != b), None)
        if k is not None:  # (a gold line with the tag alone has no token to compare)
            s = int(np.searchsorted(offsets, k, side="right")) - 1
            t = k - int(offsets[s])
            raise DataError(f"token mismatch at sentence {s + 1}, token {t + 1}: {gold_tokens[k]!r} at "
                            f"{name}:{gold_lines[k]} but {tokens[k]!r} in {against}{where(s, t)}",
                            hint="--gold-file must hold the annotators' tokens in the same order")
    labelled = [not all(t in missing for t in tags[a:b]) for a, b in zip(gold_first[:-1].tolist(),
                                                                          gold_first[1:].tolist())]
    return tags, (gold_lines if fmt == "conll" else None), labelled


def _conll_gold(path: str, options) -> tuple[list, list[str], list[int], list[int]]:
    """A CoNLL gold file's tokens (None for a line holding the tag alone), tags (the
    last field), token lines and sentence lengths, read in blocks as the annotators are."""
    import numpy as np

    from .io.annotations import _reader
    from .io.conll import Block

    tokens: list = []
    tags: list[str] = []
    lines: list[int] = []
    lengths: list[int] = []
    reader = _reader(path, options)
    try:
        while (block := reader.take()) is not None:
            if not isinstance(block, Block):  # the line reader's sentences
                for k in range(block.n_sentences):
                    sentence = block.sentence(k)
                    tokens.extend(row[0] if len(row) > 1 else None for row in sentence.rows)
                    tags.extend(row[-1] for row in sentence.rows)
                    lines.extend(sentence.lines)
                    lengths.append(len(sentence.rows))
                continue
            # The fields as Block.sentence() decodes them, without a Sentence per sentence.
            data, start, end = block.data, block.field_start, block.field_end
            last = block.column_fields(-1)
            tags.extend(data[a:b].decode("utf-8") for a, b in zip(start[last].tolist(), end[last].tolist()))
            first = block.token_first_field
            words = [data[a:b].decode("utf-8") for a, b in zip(start[first].tolist(), end[first].tolist())]
            if (block.token_width < 2).any():
                words = [w if n > 1 else None for w, n in zip(words, block.token_width.tolist())]
            tokens.extend(words)
            lines.extend(block.token_line.tolist())
            lengths.extend(np.diff(np.r_[block.sentence_first, block.n_tokens]).tolist())
    finally:
        reader.close()
    return tokens, tags, lines, lengths


def _tagged_gold(path: str, fmt: str, labels, alignment: str, options) -> tuple[list, list[str], list[int], list[int]]:
    """A gold file of another format: tokens, tags, each token's record or task, lengths."""
    from .io.formats import read_tagged

    tokens: list = []
    tags: list[str] = []
    lines: list[int] = []
    lengths: list[int] = []
    for sentence in read_tagged(path, format=fmt, labels=labels, alignment=alignment, encoding=options.encoding):
        tokens.extend(sentence.tokens)
        tags.extend(sentence.tags)
        lines.extend([sentence.line] * len(sentence.tags))
        lengths.append(len(sentence.tags))
    return tokens, tags, lines, lengths
