"""Error analysis: why a system loses F1.

Every gold and every predicted entity falls into exactly one category, decided against
the entities of the other side in the same sentence, in this order:

- ``correct``: the other side has the same span with the same type;
- ``type``: the other side has the same span with another type;
- ``boundary``: the other side has an overlapping span (not the same) of the same type;
- ``type+boundary``: the other side has an overlapping span of another type only;
- ``missed`` (a gold entity) / ``spurious`` (a prediction): nothing overlaps it.

So correct gold = correct predictions = exact-match TP, FN = gold − correct and
FP = predicted − correct. The confusion matrix has one cell per gold entity (its type ×
the type of the prediction that explains it, ``none`` when missed) plus one per spurious
prediction (``none`` × its type). Buckets after Fu et al. (2020, "Interpretable
Multi-dataset Evaluation for Named Entity Recognition"): exact-match P/R/F1 where each
entity falls in the bucket of its own attribute (entity length, sentence length,
whether its string occurs as an entity in a training file, type).

**Nested and overlapping entities** (issue 17; :func:`analyze_nested`): the same rules,
each entity judged against the entities of the other side in its sentence, however they
nest. Entities are a multiset there, as in :mod:`seqeval_suite.nested`'s exact
matching: ``correct`` pairs identical entities (span and type) one to one, so two
identical gold entities need two identical predictions, and correct is still the
exact-match TP. An entity left without an identical partner is judged by the other
rules against the other side's entities that are not correct: a correct entity is
explained by its twin and explains no error (so an inner entity that nothing predicts is
``missed`` even when its outer entity is predicted correctly, and a predicted inner
entity inside a correct outer one with no gold counterpart is ``spurious``). Flat spans
never overlap a correct entity of the other side but their own twin, so for them these
are the plain rules. One more table buckets each entity by its own side's geometry
(flat/nested, outer/inner), as ``evaluate`` reports it.
"""
from __future__ import annotations

import re

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from .counts import Counts
from .errors import UsageError
from .partial import SCHEMAS, PartialMatcher
from .report import by_role

Span = tuple[int, int, str]

CATEGORIES = ("correct", "type", "boundary", "type+boundary", "missed", "spurious")
ERROR_CATEGORIES = CATEGORIES[1:]
NONE = "none"
ENTITY_LENGTH_BINS = ((1, 1, "1"), (2, 2, "2"), (3, 3, "3"), (4, None, "4+"))
SENTENCE_LENGTH_BINS = ((1, 10, "1-10"), (11, 20, "11-20"), (21, 40, "21-40"), (41, None, "41+"))


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def classify(entity: Span, others: Sequence[Span], *, gold_side: bool) -> tuple[str, Span | None]:
    """The category of one entity against the other side's spans, and the span explaining it.

    >>> classify((0, 2, "PER"), [(0, 2, "ORG")], gold_side=True)
    ('type', (0, 2, 'ORG'))
    >>> classify((0, 2, "PER"), [(3, 4, "PER")], gold_side=False)
    ('spurious', None)
    """
    same_span = [o for o in others if o[0] == entity[0] and o[1] == entity[1]]
    for o in same_span:
        if o[2] == entity[2]:
            return "correct", o
    if same_span:
        return "type", same_span[0]
    overlapping = [o for o in others if _overlaps(entity, o)]
    for o in overlapping:
        if o[2] == entity[2]:
            return "boundary", o
    if overlapping:
        return "type+boundary", overlapping[0]
    return ("missed" if gold_side else "spurious"), None


def classify_sentence(gold: Iterable[Span], pred: Iterable[Span]):
    """Classify every entity of one sentence; entities may nest, overlap or repeat.

    ``correct`` pairs identical entities one to one (a multiset match: a span and type
    twice in gold and once in the prediction is one correct). Every other entity is
    judged by the other rules against the other side's entities that are not correct:
    a correct prediction is explained by its gold twin and explains nothing else, so a
    gold entity nested in a correctly predicted one and predicted by nothing is
    ``missed``, not a boundary error against the outer prediction. Flat spans neither
    repeat nor overlap a correct entity of the other side unless they are it, so for
    them this is the plain rule.

    Returns:
        ``(gold_rows, pred_rows)``, each a list of ``(span, category, partner)`` in
        sentence order.

    >>> g, p = classify_sentence([(0, 2, "LOC")], [(0, 1, "LOC"), (3, 4, "PER")])
    >>> [c for _, c, _ in g], [c for _, c, _ in p]
    (['boundary'], ['boundary', 'spurious'])
    >>> [c for _, c, _ in classify_sentence([(0, 2, "A"), (0, 2, "A")], [(0, 2, "A")])[0]]
    ['correct', 'missed']
    """
    gold, pred = sorted(gold), sorted(pred)
    return _side_rows(gold, pred, gold_side=True), _side_rows(pred, gold, gold_side=False)


def _side_rows(mine: list[Span], others: list[Span], *, gold_side: bool) -> list:
    """Rows of one side: the first copies of an entity, up to the other side's number of
    copies, are correct; the rest are classified against the other side's entities that
    are not correct themselves (a correct entity is explained by its twin)."""
    wanted = Counter(mine)
    unpaired = []
    for o in others:
        if wanted[o]:
            wanted[o] -= 1
        else:
            unpaired.append(o)
    available = Counter(others)
    rows = []
    for span in mine:
        if available[span]:
            available[span] -= 1
            rows.append((span, "correct", span))
        else:
            rows.append((span, *classify(span, unpaired, gold_side=gold_side)))
    return rows


def _bin(value: int, bins) -> str:
    for low, high, label in bins:
        if value >= low and (high is None or value <= high):
            return label
    raise ValueError(value)


@dataclass
class _Bucket:
    gold: int = 0
    pred: int = 0
    gold_correct: int = 0
    pred_correct: int = 0

    def counts(self) -> Counts:
        # gold_correct == pred_correct within a bucket: a correct pair shares every attribute
        return Counts(self.gold_correct, self.pred - self.pred_correct, self.gold - self.gold_correct)


@dataclass
class ErrorReport:
    """The result of :func:`analyze`: category counts, confusion matrix, examples, buckets."""

    counts: dict[str, dict[str, Counter]] = field(default_factory=lambda: {"gold": {}, "pred": {}})
    confusion: Counter = field(default_factory=Counter)
    events: Counter = field(default_factory=Counter)
    first_seen: dict = field(default_factory=dict)
    buckets: dict[str, dict[str, _Bucket]] = field(default_factory=dict)
    sentences: int = 0
    tokens: int = 0
    top: int = 10
    has_train: bool = False
    warnings: list[str] = field(default_factory=list)
    partial: PartialMatcher = field(default_factory=PartialMatcher)
    #: Nested input only: ``{"buckets", "max_depth"}`` of the flat/nested/outer/inner
    #: figures, as :func:`seqeval_suite.nested.evaluate_nested` reports them.
    nesting: dict | None = None
    #: Documents in gold; examples name theirs when there is more than one.
    documents: int = 0
    #: The core's :class:`~seqeval_suite.report.Report` of the same scoring (flat input),
    #: which lists the types present for ``--types`` checks.
    scored: object = field(default=None, repr=False, compare=False)
    #: Input display name -> role, for the JSON's warnings (:func:`~seqeval_suite.report.by_role`).
    input_names: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    # -- totals --------------------------------------------------------------------
    def overall(self, side: str) -> Counter:
        """Category counts of one side (``gold`` or ``pred``) over all types."""
        out = Counter()
        for per_type in self.counts[side].values():
            out.update(per_type)
        return out

    @property
    def types(self) -> list[str]:
        """Entity types seen on either side, sorted."""
        return sorted(set(self.counts["gold"]) | set(self.counts["pred"]))

    def breakdown(self) -> dict[str, int]:
        """Each gold entity in its category, plus the spurious predictions: the error
        breakdown a leaderboard shows (``correct`` there is exact-match TP)."""
        gold, pred = self.overall("gold"), self.overall("pred")
        out = {c: gold[c] for c in CATEGORIES if c != "spurious"}
        out["spurious"] = pred["spurious"]
        return out

    def exact_counts(self) -> Counts:
        """Exact-match TP/FP/FN implied by the categories."""
        gold, pred = self.overall("gold"), self.overall("pred")
        tp = gold["correct"]
        return Counts(tp, sum(pred.values()) - tp, sum(gold.values()) - tp)

    def examples(self) -> list[dict]:
        """The ``top`` most frequent errors, commonest first (ties in category, then text order)."""
        order = {c: i for i, c in enumerate(CATEGORIES)}
        ranked = sorted(self.events.items(), key=lambda kv: (-kv[1], order[kv[0][0]], kv[0]))
        out = []
        for key, n in ranked[: self.top]:
            category, gold_text, gold_type, pred_text, pred_type = key
            out.append({"category": category, "count": n,
                        "gold": None if gold_type is None else {"text": gold_text, "type": gold_type},
                        "pred": None if pred_type is None else {"text": pred_text, "type": pred_type},
                        **self.first_seen[key]})
        return out

    def matrix(self) -> tuple[list[str], list[str], list[list[int]]]:
        """``(rows, columns, cells)`` of the gold × predicted type confusion matrix."""
        rows = sorted({g for g, _ in self.confusion} - {NONE}) + [NONE]
        cols = sorted({p for _, p in self.confusion} - {NONE}) + [NONE]
        return rows, cols, [[self.confusion[(r, c)] for c in cols] for r in rows]

    def to_dict(self) -> dict:
        """The JSON form (``schema_version`` 1)."""
        rows, cols, cells = self.matrix()
        exact = self.exact_counts()
        return {
            "schema_version": 1,
            "sentences": self.sentences,
            "tokens": self.tokens,
            "categories": {side: {c: self.overall(side)[c] for c in CATEGORIES
                                  if not (side == "gold" and c == "spurious") and not (side == "pred" and c == "missed")}
                           for side in ("gold", "pred")},
            "per_type": {t: {side: {c: self.counts[side].get(t, Counter())[c] for c in CATEGORIES
                                    if not (side == "gold" and c == "spurious")
                                    and not (side == "pred" and c == "missed")}
                             for side in ("gold", "pred")} for t in self.types},
            "exact_match": exact.scores(),
            "confusion": {"rows": rows, "columns": cols, "cells": cells},
            "examples": self.examples(),
            "partial_match": self.partial.results(),
            "buckets": {name: {label: b.counts().scores() for label, b in bins.items()}
                        for name, bins in self.buckets.items()},
            "warnings": [by_role(w, self.input_names) for w in self.warnings],
            **({"nested": self.nesting} if self.nesting is not None else {}),
        }

    # -- accumulation ------------------------------------------------------------------
    def add_sentence(self, gold: Iterable[Span], pred: Iterable[Span], length: int,
                     tokens: Sequence[str] | None = None, sentence: int = 0, line: int | None = None,
                     train: set[str] | None = None, *, nested: bool = False,
                     document: int | None = None) -> None:
        """Classify one sentence of ``length`` tokens and add it to every table.

        ``nested``: mark examples with every entity of each side that overlaps them
        (:func:`mark_nested`) rather than the one span, and keep ``document`` (1-based,
        or None) with them.
        """
        gold_rows, pred_rows = classify_sentence(gold, pred)
        self.partial.add([r[0] for r in gold_rows], [r[0] for r in pred_rows])
        n = length
        self.sentences += 1
        self.tokens += n
        text = (lambda s: " ".join(tokens[s[0]:s[1]])) if tokens is not None else (lambda s: f"[{s[0]},{s[1]})")
        for side, rows in (("gold", gold_rows), ("pred", pred_rows)):
            for span, category, partner in rows:
                self.counts[side].setdefault(span[2], Counter())[category] += 1
                self._bucket(side, span, category, n, text(span), train)
                if side == "gold":
                    self.confusion[(span[2], partner[2] if partner else NONE)] += 1
                elif category == "spurious":
                    self.confusion[(NONE, span[2])] += 1
                if category == "correct" or (side == "pred" and category != "spurious"):
                    continue  # an error pair is recorded once, from its gold entity
                g, p = (span, partner) if side == "gold" else (None, span)
                key = (category, text(g) if g else None, g[2] if g else None,
                       text(p) if p else None, p[2] if p else None)
                self.events[key] += 1
                if key not in self.first_seen:
                    self.first_seen[key] = {"sentence": sentence, "line": line,
                                            **_marked(tokens, n, g, p, gold_rows, pred_rows, nested)}
                    if nested:
                        self.first_seen[key]["document"] = document

    def _bucket(self, side: str, span: Span, category: str, n: int, text: str, train: set[str] | None) -> None:
        keys = [("entity_length", _bin(span[1] - span[0], ENTITY_LENGTH_BINS)),
                ("sentence_length", _bin(n, SENTENCE_LENGTH_BINS)),
                ("type", span[2])]
        if train is not None:
            keys.append(("in_train", "seen" if text in train else "unseen"))
        for name, label in keys:
            bucket = self.buckets.setdefault(name, {}).setdefault(label, _Bucket())
            if side == "gold":
                bucket.gold += 1
                bucket.gold_correct += category == "correct"
            else:
                bucket.pred += 1
                bucket.pred_correct += category == "correct"

    def sort_buckets(self) -> None:
        """Put bucket labels in their natural order (bins as defined, types sorted)."""
        fixed = {"entity_length": [b[2] for b in ENTITY_LENGTH_BINS],
                 "sentence_length": [b[2] for b in SENTENCE_LENGTH_BINS], "in_train": ["seen", "unseen"]}
        for name, bins in self.buckets.items():
            order = fixed.get(name) or sorted(bins)
            self.buckets[name] = {label: bins[label] for label in order if label in bins}


#: Tokens of context an error example keeps on each side of what it marks. A longer
#: sentence (a file without blank lines reads as one sentence of every token) is cut, an
#: ellipsis showing where: whole, every example would copy it.
EXAMPLE_CONTEXT = 50


def _marked(tokens, n: int, g: Span | None, p: Span | None, gold_rows, pred_rows, nested: bool) -> dict:
    """``marked_gold``/``marked_pred`` of an example about gold ``g`` and prediction ``p``:
    the sentence, or :data:`EXAMPLE_CONTEXT` tokens either side of the marked spans."""
    focus = [s for s in (g, p) if s is not None]
    if nested:
        marked = {name: [r[0] for r in rows if any(_overlaps(r[0], f) for f in focus)]
                  for name, rows in (("marked_gold", gold_rows), ("marked_pred", pred_rows))}
        shown = [s for spans in marked.values() for s in spans] + focus
    else:
        shown = focus
    lo = max(0, min(s[0] for s in shown) - EXAMPLE_CONTEXT)
    hi = min(n, max(s[1] for s in shown) + EXAMPLE_CONTEXT)
    words = list(tokens[lo:hi]) if tokens is not None else ["_"] * (hi - lo)

    def moved(span: Span | None) -> Span | None:
        return None if span is None else (span[0] - lo, span[1] - lo, span[2])

    ends = ("… " if lo > 0 else "", " …" if hi < n else "")
    if not nested:
        return {name: ends[0] + mark(words, hi - lo, moved(span)) + ends[1]
                for name, span in (("marked_gold", g), ("marked_pred", p))}
    out = {}
    for (name, spans), own in zip(marked.items(), (g, p)):
        local = [moved(s) for s in spans]
        out[name] = mark_nested(words, hi - lo, local, spans.index(own) if own is not None else None, ends=ends)
    return out


def mark(tokens: Sequence[str] | None, n: int, span: Span | None) -> str:
    """The sentence with ``span`` in brackets followed by its type.

    >>> mark(["in", "New", "York", "."], 4, (1, 3, "LOC"))
    'in [New York]LOC .'
    """
    words = list(tokens) if tokens is not None else ["_"] * n
    if span is None:
        return " ".join(words)
    start, end, type_ = span
    return " ".join([*words[:start], "[" + " ".join(words[start:end]) + "]" + type_, *words[end:]])


def mark_nested(tokens: Sequence[str] | None, n: int, spans: Sequence[Span], focus: int | None = None,
                ends: tuple[str, str] = ("", "")) -> str:
    """The sentence with every span in brackets followed by its type, brackets nesting
    as the spans do; the span at index ``focus`` (the one an example is about) is in
    braces instead.

    Brackets cannot show two spans that cross (each holds a token of the other and one
    of its own), so such spans go into separate copies of the sentence joined by
    `` | ``: the first copy holds the focus and every span that crosses nothing before
    it in sentence order (outer first), the next copy what is left, and so on. ``ends``
    go before and after every copy (the ellipses of a cut sentence).

    >>> words = ["at", "Ulm", "University", "Hospital"]
    >>> mark_nested(words, 4, [(1, 4, "ORG"), (1, 3, "ORG"), (1, 2, "LOC")], focus=2)
    'at [[{Ulm}LOC University]ORG Hospital]ORG'
    >>> mark_nested(["a", "b", "c"], 3, [(0, 2, "X"), (1, 3, "Y")])
    '[a b]X c | a [b c]Y'
    >>> mark_nested(["a", "b", "c"], 3, [(0, 2, "X"), (1, 3, "Y")], ends=("… ", " …"))
    '… [a b]X c … | … a [b c]Y …'
    """
    words = list(tokens) if tokens is not None else ["_"] * n
    if not spans:
        return ends[0] + " ".join(words) + ends[1]
    order = sorted(range(len(spans)), key=lambda k: (k != focus, spans[k][0], -spans[k][1], spans[k][2], k))
    groups: list[list[int]] = []
    for k in order:
        home = next((g for g in groups if not any(_crosses(spans[k], spans[j]) for j in g)), None)
        if home is None:
            groups.append([k])
        else:
            home.append(k)
    return " | ".join(ends[0] + _bracketed(words, [(spans[k], k == focus) for k in group]) + ends[1]
                      for group in groups)


def _crosses(a: Span, b: Span) -> bool:
    """Whether two spans overlap without one containing the other."""
    return _overlaps(a, b) and not (a[0] <= b[0] and b[1] <= a[1]) and not (b[0] <= a[0] and a[1] <= b[1])


def _bracketed(words: list[str], spans: list[tuple[Span, bool]]) -> str:
    """``words`` with each of ``spans`` (no two crossing) bracketed; outer spans open first."""
    opening: dict[int, list[str]] = {}
    closing: dict[int, list[str]] = {}
    for (start, end, type_), focus in sorted(spans, key=lambda x: (x[0][0], -x[0][1], not x[1])):
        opening.setdefault(start, []).append("{" if focus else "[")
        # opened later, inside: closes first
        closing.setdefault(end, []).insert(0, ("}" if focus else "]") + type_)
    return " ".join("".join(opening.get(k, [])) + word + "".join(closing.get(k + 1, []))
                    for k, word in enumerate(words))


# -- reading ----------------------------------------------------------------------------

def train_strings(path: str, options) -> set[str]:
    """Surface strings of the entities in a training file (tags in its last column),
    decoded by the scoring core under ``options``' mode."""
    import dataclasses

    from .core.score import score
    from .core.source import ConllSource

    seen: set[str] = set()

    def collect(block, base, gold, pred, type_names) -> None:
        if block.tokens is None:
            return
        first = block.sentence_first
        for s, b, e in zip(*(a.tolist() for a in gold[:3])):
            tokens = block.tokens[s]
            start = int(first[s])
            seen.add(" ".join(tokens[b - start:e - start]))

    train_options = dataclasses.replace(options, gold_column=-1, pred_column=-1, match="strict", types=None)
    score(ConllSource(str(path), None, train_options), train_options, on_spans=collect, keep_tokens=True)
    return seen


def error_hook(report: ErrorReport, train: set[str] | None = None):
    """An ``on_spans`` hook for :func:`seqeval_suite.core.score.score` that classifies
    every sentence's entities into ``report`` as the scorer decodes them, so a corpus is
    read and decoded once for its scores and its error analysis together."""

    def hook(block, base: int, gold, pred, type_names: list[str]) -> None:
        first = block.sentence_first.tolist()
        n = len(first)
        lengths = [b - a for a, b in zip(first, first[1:] + [len(block.gold)])]
        by_sentence = ([[] for _ in range(n)], [[] for _ in range(n)])
        for side, (sentence, begin, end, kind) in enumerate((gold, pred)):
            rows = by_sentence[side]
            for s, b, e, k in zip(sentence.tolist(), begin.tolist(), end.tolist(), kind.tolist()):
                rows[s].append((b - first[s], e - first[s], type_names[k]))
        lines = block.gold_line
        for s in range(n):
            tokens = block.tokens[s] if block.tokens is not None else None
            line = int(lines[first[s]]) if lines is not None else None
            report.add_sentence(by_sentence[0][s], by_sentence[1][s], lengths[s], tokens, base + s + 1, line, train)

    return hook


def analyze(gold, pred=None, *, train=None, top: int = 10, mode: str = "lenient", scheme: str = "auto",
            suffix: bool = False, types=None, delimiter: str | None = None, gold_column: int | None = None,
            pred_column: int | None = None, comments: bool = False, encoding: str = "utf-8") -> ErrorReport:
    """Classify every entity, count errors, build the confusion matrix, examples and buckets.

    Args:
        gold, pred: as for :func:`seqeval_suite.evaluate` (paths or lists of tag lists).
        train: a CoNLL training file (tokens in column 0, tags in the last column); adds
            the ``in_train`` bucket (is the entity's string an entity there?).
        top: how many error examples to keep.
        mode, scheme, suffix, types, delimiter, gold_column, pred_column, comments,
        encoding: the scoring settings of :func:`seqeval_suite.evaluate`; ``conlleval``
            mode has no spans and is refused.

    >>> r = analyze([["B-PER", "I-PER", "O", "B-LOC"]], [["B-PER", "O", "O", "B-ORG"]])
    >>> dict(r.overall("gold"))
    {'boundary': 1, 'type': 1}
    """
    from .evaluate import Options

    options = Options.build(mode=mode, scheme=scheme, suffix=suffix, types=types, delimiter=delimiter,
                            gold_column=gold_column, pred_column=pred_column, comments=comments,
                            encoding=encoding)
    if options.mode == "conlleval":
        raise UsageError("error analysis needs entity spans, which conlleval mode does not give",
                         hint="use --mode lenient (or strict with --scheme)")
    from .core.score import score
    from .evaluate import open_source

    seen = train_strings(train, options) if train is not None else None
    report = ErrorReport(top=top, has_train=seen is not None)
    source = open_source(gold, pred, options)
    scored = score(source, options, on_spans=error_hook(report, seen), keep_tokens=True)
    report.sort_buckets()
    report.warnings.extend(source.warnings)
    report.scored = scored  # the core's report: types present, for --types checks
    names = {"gold": source.gold_name, "pred": source.pred_name}
    report.input_names = scored.input_names
    for side, n in scored.invalid_tags.items():
        if n:
            report.warnings.append(f"{names[side]}: {n} invalid tags read as O")
    return report


def analyze_nested(gold, pred=None, *, layers=None, type_map=None, format_in=None, span_key=None,
                   tokenizer: str = "whitespace", discontinuous: str = "span", token_column: int = 0,
                   train=None, top: int = 10, mode: str = "lenient", scheme: str = "auto", suffix: bool = False,
                   types=None, delimiter: str | None = None, comments: bool = False,
                   encoding: str = "utf-8") -> ErrorReport:
    """:func:`analyze` for entities that nest or overlap (issue 17): layered CoNLL or span inputs.

    Every entity is classified against the other side's entities of its sentence (the
    rules in the module docstring; ``correct`` is a one-to-one multiset match, so it
    equals the exact-match TP of :func:`seqeval_suite.nested.evaluate_nested`, overall
    and per type). The report adds the flat/nested and outer/inner buckets, and examples
    show every entity of each side that overlaps them, brackets nesting
    (``[[{Ulm}LOC University]ORG Hospital]ORG``).

    The inputs are read twice: once by :func:`~seqeval_suite.nested.evaluate_nested`
    (the buckets and the readers' warnings), once for the entities as Python values
    (:func:`~seqeval_suite.nested.nested_sentences`); so none of them may be ``-``.

    Args:
        gold, pred: paths, as :func:`~seqeval_suite.nested.evaluate_nested` takes them
            (``pred`` None: one layered CoNLL file holding both sides, ``layers`` as
            ``"2,3:4,5"``).
        layers, type_map, format_in, span_key, tokenizer, discontinuous: the nested
            input's settings, as for :func:`~seqeval_suite.nested.evaluate_nested`.
        token_column: layered CoNLL: the column holding the token text.
        train: a training file in gold's form (the same ``layers``, gold's columns; the
            same span format): adds the ``in_train`` bucket.
        top, mode, scheme, suffix, types, delimiter, comments, encoding: as for :func:`analyze`.

    Raises:
        UsageError: conlleval mode, stdin as an input, and the nested settings'
            usage errors. DataError: as :func:`~seqeval_suite.nested.evaluate_nested`
            (misaligned inputs name both files and the sentence).
    """
    from .nested import evaluate_nested, nested_sentences

    if str(mode).lower() == "conlleval":
        raise UsageError("error analysis needs entity spans, which conlleval mode does not give",
                         hint="use --mode lenient (or strict with --scheme)")
    if "-" in (str(gold), str(pred), str(train)):
        raise UsageError("nested error analysis reads its inputs twice, and '-' (stdin) can be read only once",
                         hint="save the input to a file and name it")
    settings = {"layers": layers, "type_map": type_map, "format_in": format_in, "span_key": span_key,
                "tokenizer": tokenizer, "discontinuous": discontinuous, "mode": mode, "scheme": scheme,
                "suffix": suffix, "types": types, "delimiter": delimiter, "comments": comments,
                "encoding": encoding}
    scored = evaluate_nested(gold, pred, **settings)
    seen = nested_train_strings(train, one_file=pred is None, token_column=token_column,
                                **settings) if train is not None else None
    report = ErrorReport(top=top, has_train=seen is not None, documents=scored.documents,
                         nesting={"buckets": scored.nested["buckets"], "max_depth": scored.nested["max_depth"]},
                         scored=scored)
    for k, sentence in enumerate(nested_sentences(gold, pred, token_column=token_column, **settings), 1):
        # a layered CoNLL line is unique in its file; span inputs number lines per document (BRAT)
        document = sentence.document + 1 if layers is None else None
        report.add_sentence([e[:3] for e in sentence.gold], [e[:3] for e in sentence.pred], len(sentence.tokens),
                            sentence.tokens, k, sentence.line, seen, nested=True, document=document)
    report.sort_buckets()
    report.warnings.extend(scored.warnings)
    report.input_names = scored.input_names
    return report


def nested_train_strings(path, *, one_file: bool = False, layers=None, token_column: int = 0, **settings) -> set[str]:
    """Surface strings of the entities of a nested training file, read as gold is read:
    layered CoNLL with gold's ``layers`` columns (``one_file``: ``layers`` names gold
    and prediction columns, and the gold ones are used), or gold's span format.

    ``settings``: the other keyword arguments of :func:`seqeval_suite.nested.nested_sentences`.
    """
    from .nested import nested_sentences, parse_layers

    if layers is not None:
        columns = layers[0] if isinstance(layers, tuple) else parse_layers(layers, one_file=one_file)[0]
        layers = (columns, columns)
    # the file is its own prediction: nested_sentences reads sides in pairs
    sentences = nested_sentences(path, path, layers=layers, token_column=token_column, **settings)
    return {" ".join(s.tokens[start:end]) for s in sentences for start, end, _type, _layer in s.gold}


# -- rendering ---------------------------------------------------------------------------

FORMATS = ("table", "json", "csv", "markdown", "latex")


#: Every errors table prints ratios as percentages, in every format; the headers say so.
_PRF = ["P (%)", "R (%)", "F1 (%)"]


def _pct(x: float, digits: int) -> str:
    return f"{100 * x:.{digits}f}"


def tables(report: ErrorReport, digits: int = 2) -> list[tuple[str, list[str], list[list], int]]:
    """The report as ``(title, header, rows, left)`` tables in print order (``left``: left-aligned columns)."""
    gold, pred = report.overall("gold"), report.overall("pred")
    exact = report.exact_counts()
    out = [("Entities by category", ["category", "gold", "pred"],
            [[c, "" if c == "spurious" else gold[c], "" if c == "missed" else pred[c]] for c in CATEGORIES]
            + [["total", sum(gold.values()), sum(pred.values())]], 1)]
    per_type = []
    for t in report.types:
        g = report.counts["gold"].get(t, Counter())
        p = report.counts["pred"].get(t, Counter())
        per_type.append([t, sum(g.values()), *(g[c] for c in CATEGORIES[:-1]), sum(p.values()), p["spurious"]])
    out.append(("Gold entities by category and type (spurious: predictions)",
                ["type", "gold", *CATEGORIES[:-1], "pred", "spurious"], per_type, 1))
    results = report.partial.results()
    out.append(("Partial match (nervaluate's schemas; type = ent_type)",
                ["schema", "cor", "inc", "par", "mis", "spu", *_PRF],
                [[s, *(results[s]["micro"][k] for k in ("cor", "inc", "par", "mis", "spu")),
                  *(_pct(results[s]["micro"][k], digits) for k in ("precision", "recall", "f1"))]
                 for s in SCHEMAS], 1))
    rows, cols, cells = report.matrix()
    out.append(("Confusion (rows gold, columns predicted)", ["gold \\ pred", *cols],
                [[r, *row] for r, row in zip(rows, cells)], 1))
    bucket_rows = []
    for name, bins in report.buckets.items():
        for label, bucket in bins.items():
            c = bucket.counts()
            bucket_rows.append([name, label, c.support, c.predicted,
                                _pct(c.precision, digits), _pct(c.recall, digits), _pct(c.f1, digits)])
    out.append(("Exact-match F1 by bucket", ["bucket", "value", "gold", "pred", *_PRF], bucket_rows, 2))
    if report.nesting is not None:
        out.append(_nesting_table(report.nesting, digits))
    examples = []
    for k, e in enumerate(report.examples(), 1):
        examples.append([k, e["count"], e["category"],
                         f"{e['gold']['text']} ({e['gold']['type']})" if e["gold"] else "-",
                         f"{e['pred']['text']} ({e['pred']['type']})" if e["pred"] else "-"])
    out.append((f"Most frequent errors (top {report.top})", ["#", "n", "category", "gold", "pred"], examples, 5))
    out.insert(1, ("Exact match (correct = TP; gold - correct = FN; pred - correct = FP)",
                   ["tp", "fp", "fn", *_PRF],
                   [[exact.tp, exact.fp, exact.fn, _pct(exact.precision, digits), _pct(exact.recall, digits),
                     _pct(exact.f1, digits)]], 0))
    return out


def _nesting_table(nesting: dict, digits: int) -> tuple[str, list[str], list[list], int]:
    """Nested input's flat/nested/outer/inner figures. A correct pair can fall in two
    buckets (a gold entity nested, its prediction flat), so recall counts the gold
    entities of a bucket and precision its predictions, each side's own."""
    depth = nesting["max_depth"]
    rows = [[name, b["gold"], b["pred"], b["gold_matched"], b["pred_matched"],
             *(_pct(b[k], digits) for k in ("precision", "recall", "f1"))]
            for name, b in nesting["buckets"].items()]
    title = (f"Exact-match F1 by nesting (each entity in its own side's bucket; max depth: gold {depth['gold']}, "
             f"pred {depth['pred']})")
    return title, ["bucket", "gold", "pred", "gold correct", "pred correct", *_PRF], rows, 1


def _example_lines(report: ErrorReport) -> str:
    lines = []
    for k, e in enumerate(report.examples(), 1):
        where = f"sentence {e['sentence']}" + (f", line {e['line']}" if e["line"] else "")
        if e.get("document") is not None and report.documents > 1:
            where = f"document {e['document']}, " + where
        lines.append(f"{k}. {e['category']} ({where})")
        lines.append(f"   gold: {e['marked_gold']}")
        lines.append(f"   pred: {e['marked_pred']}")
    return "\n".join(lines) + ("\n" if lines else "")


def render(report: ErrorReport, fmt: str = "table", *, digits: int = 2) -> str:
    """Render an :class:`ErrorReport` as table, json, csv, markdown or latex text."""
    import json

    from .render.text import aligned, csv_text, latex, latex_escape, markdown

    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    parts = []
    for title, header, rows, left in tables(report, digits):
        if fmt == "table":
            parts.append(f"{title}\n" + aligned(header, rows, left=left))
        elif fmt == "markdown":
            parts.append(f"**{title}**\n\n" + markdown(header, rows, left=left))
        elif fmt == "latex":
            parts.append(f"% {latex_escape(title)}\n" + latex(header, rows, left=left))
        elif fmt == "csv":
            parts.append(csv_text(["table", *header], [[title, *r] for r in rows]))
        else:
            raise UsageError(f"unknown format {fmt!r}", hint="choose " + ", ".join(FORMATS))
    if fmt == "table":
        parts.append("Examples (first occurrence)\n" + _example_lines(report))
    elif fmt == "markdown":
        examples = _example_lines(report)
        # A fence longer than any backtick run in the tokens: a token "```" cannot close it.
        fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", examples)), default=0) + 1)
        parts.append(f"**Examples (first occurrence)**\n\n{fence}\n" + examples + f"{fence}\n")
    return "\n".join(parts)
