"""The result of one evaluation: counts per type, per sentence, and what was noticed."""
from __future__ import annotations

import re
from array import array
from dataclasses import dataclass, field
from typing import Any

from ._version import __version__
from .counts import Average, Counts, macro, total, weighted
from .signature import signature

SCHEMA_VERSION = 1


@dataclass
class SentenceCounts:
    """Per-sentence TP/FP/FN per type, stored sparsely (one entry per non-zero cell).

    This is what bootstrap and significance tests resample.
    """

    sentence: array = field(default_factory=lambda: array("i"))
    type_index: array = field(default_factory=lambda: array("i"))
    tp: array = field(default_factory=lambda: array("i"))
    fp: array = field(default_factory=lambda: array("i"))
    fn: array = field(default_factory=lambda: array("i"))
    types: list[str] = field(default_factory=list)
    _index: dict[str, int] = field(default_factory=dict)

    def add(self, sentence: int, type_: str, tp: int, fp: int, fn: int) -> None:
        """Record one sentence's counts for one type."""
        index = self._index.get(type_)
        if index is None:
            index = self._index[type_] = len(self.types)
            self.types.append(type_)
        self.sentence.append(sentence)
        self.type_index.append(index)
        self.tp.append(tp)
        self.fp.append(fp)
        self.fn.append(fn)

    def add_many(self, sentence, type_index, tp, fp, fn, type_names: list[str]) -> None:
        """Record many cells at once from integer arrays (the scoring core's matcher).

        ``type_index`` indexes ``type_names``; the other arguments are parallel arrays.
        """
        import numpy as np

        remap = np.array([self._type(name) for name in type_names] or [0], dtype=np.int32)
        for target, values in ((self.sentence, sentence), (self.type_index, remap[type_index]),
                               (self.tp, tp), (self.fp, fp), (self.fn, fn)):
            target.frombytes(np.ascontiguousarray(values, dtype=np.int32).tobytes())

    def _type(self, name: str) -> int:
        index = self._index.get(name)
        if index is None:
            index = self._index[name] = len(self.types)
            self.types.append(name)
        return index

    def dense(self, n_sentences: int, types: list[str] | None = None):
        """A numpy array of shape ``(n_sentences, len(types), 3)`` holding tp, fp, fn.

        ``types`` fixes the column order (default: sorted type names); types not
        listed are dropped.
        """
        import numpy as np

        types = sorted(self.types) if types is None else list(types)
        column = {t: i for i, t in enumerate(types)}
        remap = np.array([column.get(t, -1) for t in self.types] or [0], dtype=np.int64)
        out = np.zeros((n_sentences, len(types), 3), dtype=np.int64)
        if len(self.sentence):
            sent = np.frombuffer(self.sentence, dtype=np.int32).astype(np.int64)
            cols = remap[np.frombuffer(self.type_index, dtype=np.int32)]
            keep = cols >= 0
            values = np.stack([np.frombuffer(a, dtype=np.int32) for a in (self.tp, self.fp, self.fn)], axis=1)
            np.add.at(out, (sent[keep], cols[keep]), values[keep])
        return out


@dataclass
class Report:
    """Everything one evaluation found. Scores are computed from the counts.

    Attributes:
        per_type: type name -> :class:`~seqeval_suite.metrics.Counts`.
        mode, scheme_setting, suffix, types, match: the scoring settings.
        scheme: the scheme used or detected (``IOB2``, ``ambiguous``, ...).
        tokens, sentences, documents, correct_tags: corpus counts.
        invalid_tags, ill_formed: per side (``gold``/``pred``) counts of problems.
        warnings: human-readable notes, also printed on stderr by the CLI.
    """

    per_type: dict[str, Counts]
    mode: str = "lenient"
    scheme_setting: str = "auto"
    scheme: str = "none"
    scheme_note: str = ""
    suffix: bool = False
    types: tuple[str, ...] | None = None
    match: str = "strict"
    tokens: int = 0
    sentences: int = 0
    documents: int = 0
    correct_tags: int = 0
    invalid_tags: dict[str, int] = field(default_factory=lambda: {"gold": 0, "pred": 0})
    ill_formed: dict[str, int | None] = field(default_factory=lambda: {"gold": 0, "pred": 0})
    ill_formed_kind: str = "transitions"
    warnings: list[str] = field(default_factory=list)
    sentence_counts: SentenceCounts = field(default_factory=SentenceCounts, repr=False)
    conlleval_counter: Any = field(default=None, repr=False)
    #: With a partial-match schema (``match`` other than strict): every schema's results
    #: (:meth:`seqeval_suite.partial.PartialMatcher.results`), the exact-match counts
    #: that ``per_type`` held before, and per-sentence cells of the chosen schema.
    partial: dict | None = field(default=None, repr=False)
    exact_per_type: dict[str, Counts] | None = field(default=None, repr=False)
    match_cells: SentenceCounts | None = field(default=None, repr=False)
    micro_override: Counts | None = field(default=None, repr=False)
    #: Input display name -> its role (``gold``, ``prediction``, ``input``): the JSON
    #: names inputs by role in its warnings (:func:`by_role`).
    input_names: dict[str, str] = field(default_factory=dict, repr=False)
    #: Per sentence, the number of ``-DOCSTART-`` lines before it in gold (CoNLL input;
    #: None for other inputs): the document units of ``compare --unit document``.
    sentence_documents: Any = field(default=None, repr=False)
    #: Entity types that occur in any tag of either side (``--types`` is checked against them).
    types_present: list[str] = field(default_factory=list, repr=False)
    #: Nested-entity figures (:mod:`seqeval_suite.nested`): layers, combined, buckets.
    nested: dict | None = field(default=None, repr=False)
    #: Tag cells accuracy is computed over when not one a token (layered CoNLL: token x layer).
    tag_cells: int | None = field(default=None, repr=False)
    #: Settings beyond the flat ones that change a number (nested input: layers, type map).
    signature_extra: dict | None = field(default=None, repr=False)
    #: F-beta's beta: when not 1, every output adds F-beta beside P, R and F1.
    beta: float = 1.0
    #: ``entity`` (spans) or ``token`` (each token counts for its entity type, O no class).
    level: str = "entity"

    def __setattr__(self, name: str, value) -> None:
        # per_type is listed by type name however a scorer fills it, so iterating a
        # report, its JSON and its frame all show one order
        if name == "per_type":
            value = dict(sorted(value.items()))
        object.__setattr__(self, name, value)

    @property
    def micro(self) -> Counts:
        """Pooled counts over all types (under a partial-match schema: its overall counts,
        which are not the sum of its per-type counts)."""
        if self.micro_override is not None:
            return self.micro_override
        return total(self.per_type.values())

    @property
    def macro(self) -> Average:
        """Mean of per-type scores over types present in gold or prediction."""
        return macro(self.per_type)

    @property
    def weighted(self) -> Average:
        """Mean of per-type scores weighted by gold support."""
        return weighted(self.per_type)

    @property
    def accuracy(self) -> float | None:
        """Token-level tag accuracy (None for span inputs, which have no tags)."""
        if self.correct_tags is None:
            return None
        cells = self.tag_cells if self.tag_cells is not None else self.tokens
        return self.correct_tags / cells if cells else 0.0

    @property
    def signature(self) -> str:
        """The reproducibility string of the settings behind these numbers."""
        extra = dict(self.signature_extra or {})
        if self.level != "entity":
            extra["level"] = self.level
        if self.beta != 1.0:
            extra["beta"] = f"{self.beta:g}"
        return signature(
            mode=self.mode, scheme=self.scheme_setting, suffix=self.suffix,
            types=self.types, match=self.match, extra=extra or None,
        )

    def fbeta(self, name: str) -> float:
        """F-beta (``self.beta``) of a type, or of ``micro``, ``macro`` or ``weighted``
        (the mean of per-type F-beta, plain or weighted by support, as seqeval's
        ``precision_recall_fscore_support(..., beta=)`` averages it)."""
        from .counts import fbeta_of

        def of(figures) -> float:
            return fbeta_of(figures["precision"], figures["recall"], self.beta)

        if name in ("macro", "weighted"):
            per_type = [(of(self._scores(t)), self._support(t)) for t in self.sorted_types()]
            if name == "macro":
                return sum(f for f, _ in per_type) / len(per_type) if per_type else 0.0
            total_support = sum(n for _, n in per_type)
            return sum(f * n for f, n in per_type) / total_support if total_support else 0.0
        return of(self._scores(name))

    def _support(self, name: str) -> int:
        figures = self._scores(name)
        return figures["support"] if "support" in figures else figures["possible"]

    def sorted_types(self) -> list[str]:
        """Type names in the order reports list them (by name)."""
        return sorted(self.per_type)

    def _scores(self, name: str) -> dict:
        if self.partial is None:
            return self.per_type[name].scores() if name != "micro" else self.micro.scores()
        result = self.partial[self.match]
        return result["micro"] if name == "micro" else result["per_type"][name]

    def to_dict(self) -> dict:
        """The JSON object of this report (see the README for every key)."""
        out = {
            "schema_version": SCHEMA_VERSION,
            "version": __version__,
            "signature": self.signature,
            "mode": self.mode,
            "match": self.match,
            "scheme": self.scheme,
            "scheme_detection": self.scheme_note,
            "suffix": self.suffix,
            "types": list(self.types) if self.types is not None else None,
            "tokens": self.tokens,
            "sentences": self.sentences,
            "documents": self.documents,
            "accuracy": self.accuracy,
            "micro": self._scores("micro"),
            "macro": self.macro.scores(),
            "weighted": self.weighted.scores(),
            "per_type": {t: self._scores(t) for t in self.sorted_types()},
            "invalid_tags": dict(self.invalid_tags),
            "ill_formed": {"kind": self.ill_formed_kind, **self.ill_formed},
            "zero_division": 0.0,
            "warnings": [by_role(w, self.input_names) for w in self.warnings],
        }
        if self.beta != 1.0:
            out["beta"] = self.beta
            for name in ("micro", "macro", "weighted"):
                out[name]["fbeta"] = self.fbeta(name)
            for name, figures in out["per_type"].items():
                figures["fbeta"] = self.fbeta(name)
        if self.level != "entity":
            out["level"] = self.level
        if self.nested is not None:
            out["nested"] = self.nested
        if self.partial is not None:
            exact = self.exact_per_type or {}
            out["exact_match"] = {"micro": total(exact.values()).scores(),
                                  "per_type": {t: exact[t].scores() for t in sorted(exact)}}
            out["partial_match"] = self.partial
            for average in ("macro", "weighted"):
                out[average]["support"] = self.partial[self.match]["micro"]["possible"]
        return out

    def to_frame(self):
        """A pandas DataFrame: one row per type, then micro, macro and weighted rows.

        Counts are integer columns (pandas' nullable ``Int64``: macro and weighted
        rows have no tp/fp/fn and show ``<NA>``), ratios are floats in [0, 1].
        """
        import pandas as pd

        rows = []
        for name in self.sorted_types():
            rows.append({"type": name, **self.per_type[name].scores()})
        for name, avg in (("micro", self.micro), ("macro", self.macro), ("weighted", self.weighted)):
            rows.append({"type": name, **avg.scores()})
        frame = pd.DataFrame(rows).set_index("type")
        counts = [c for c in ("tp", "fp", "fn", "support", "predicted", "cor", "inc", "par", "mis", "spu",
                              "possible", "actual") if c in frame]
        return frame.astype({c: "Int64" for c in counts})


def by_role(message: str, names: dict[str, str]) -> str:
    """``message`` with each input's display name replaced by its role where a warning
    names an input: at its start, after ``differ: ``, ``, `` or ``e.g. `` or in
    ``(first at ``, and followed by ``:``, ``/`` (a file in a BRAT folder), `` has `` or
    `` is `` (``gold.conll:12: ...``, ``-DOCSTART- lines differ: gold.conll has 2``).
    Data quoted later in a message (a tag such as ``'x p.conll: y'``) keep their text.
    One pass, so a role that is also a file name is not replaced again. Results name no
    file paths (SPEC §4), so the same data give the same JSON whether read from a path,
    a pipe or a ``.gz`` file; stderr still names the files.

    >>> by_role("p.conll:3: 1 invalid tag read as O", {"p.conll": "prediction"})
    'prediction:3: 1 invalid tag read as O'
    >>> by_role("O:2: 1 invalid tag read as O", {"O": "input"})
    'input:2: 1 invalid tag read as O'
    >>> by_role("p.conll:1: 1 invalid tag read as O ('x p.conll: y')", {"p.conll": "prediction"})
    "prediction:1: 1 invalid tag read as O ('x p.conll: y')"
    """
    present = [name for name in names if name and name in message]
    if not present:
        return message
    alternation = "|".join(re.escape(name) for name in sorted(present, key=len, reverse=True))
    where = r"(?:^|(?<=differ: )|(?<=, )|(?<=e\.g\. )|(?<=\(first at ))"
    return re.sub(rf"{where}(?:{alternation})(?=[:/]| has | is )", lambda m: names[m.group(0)], message)
