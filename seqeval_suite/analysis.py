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
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from .counts import Counts
from .errors import UsageError
from .partial import SCHEMAS, PartialMatcher

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
    """Classify every entity of one sentence.

    Returns:
        ``(gold_rows, pred_rows)``, each a list of ``(span, category, partner)`` in
        sentence order.

    >>> g, p = classify_sentence([(0, 2, "LOC")], [(0, 1, "LOC"), (3, 4, "PER")])
    >>> [c for _, c, _ in g], [c for _, c, _ in p]
    (['boundary'], ['boundary', 'spurious'])
    """
    gold, pred = sorted(set(gold)), sorted(set(pred))
    return ([(s, *classify(s, pred, gold_side=True)) for s in gold],
            [(s, *classify(s, gold, gold_side=False)) for s in pred])


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
            "warnings": list(self.warnings),
        }

    # -- accumulation ------------------------------------------------------------------
    def add_sentence(self, gold: Iterable[Span], pred: Iterable[Span], length: int,
                     tokens: Sequence[str] | None = None, sentence: int = 0, line: int | None = None,
                     train: set[str] | None = None) -> None:
        """Classify one sentence of ``length`` tokens and add it to every table."""
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
                                            "marked_gold": mark(tokens, n, g), "marked_pred": mark(tokens, n, p)}

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
    names = {"gold": source.gold_name, "pred": source.pred_name}
    for side, n in scored.invalid_tags.items():
        if n:
            report.warnings.append(f"{names[side]}: {n} invalid tags read as O")
    return report


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


def _example_lines(report: ErrorReport) -> str:
    lines = []
    for k, e in enumerate(report.examples(), 1):
        where = f"sentence {e['sentence']}" + (f", line {e['line']}" if e["line"] else "")
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
        parts.append("**Examples (first occurrence)**\n\n```\n" + _example_lines(report) + "```\n")
    return "\n".join(parts)
