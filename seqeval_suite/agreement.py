"""Annotator agreement (issue 3, SPEC §6): every pair scored by the core evaluator,
plus chance-corrected token-level agreement.

``agree()`` is the Python API behind ``seqeval-suite agree``. It reads every
annotator's tags once (plain CoNLL files with the evaluator's block reader, as integer
tag ids), decodes each annotator's spans once (:class:`_PairScorer`), then scores each
pair of annotators on the sentences both labelled by matching those spans. A pair's
report is exactly what :func:`seqeval_suite.evaluate.score_pairs` gives on the same
sentences (``tests/test_agree_speed_equivalence.py``); conlleval mode, whose chunks run
across sentences, and strict-mode input the evaluator refuses still go through
``score_pairs`` pair by pair. Cohen's kappa, Fleiss' kappa and Krippendorff's alpha
(:mod:`seqeval_suite.kappa`) work on the same integer ids held in numpy arrays.

Annotators' files may be CoNLL, JSON Lines, a Label Studio export or a spaCy DocBin
(any format :func:`seqeval_suite.io.formats.read_tagged` reads), chosen with
``format_in`` or by each file's extension. All-CoNLL input keeps its own reader path
(``--columns``, ``-DOCSTART-`` counting, conlleval splitting); any other mix goes
through :func:`seqeval_suite.io.annotations._read_formats`. Reading annotators into a
:class:`~seqeval_suite.io.annotations.Corpus` is :mod:`seqeval_suite.io.annotations`'s
job (:func:`read_corpus`); this module scores it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from typing import Iterator, NamedTuple, Sequence

from .errors import DataError, UsageError
from .counts import Counts
from .core.options import Options
from .core.score import describe_scheme as _describe_scheme, invalid_warning as _invalid_warning
from .evaluate import Pair, PairSource, score_pairs
from .io.annotations import DEFAULT_MISSING, Annotation, Corpus, read_corpus
from .kappa import Statistic, cohen_kappa, fleiss_kappa, krippendorff_alpha
from .report import SCHEMA_VERSION, Report
from .schemes import TagTable, decode_lenient, decode_strict, strict_type
from .signature import signature

KAPPA_ON = ("tags", "types")
DISAGREEMENT_KINDS = ("type", "boundary", "missing/extra")
NOT_LABELLED = "n/a"


# ------------------------------------------------------------------ results
@dataclass
class PairResult:
    """One pair of annotators: the evaluate report (reference as gold) and kappa."""

    reference: str
    annotator: str
    sentences: int
    tokens: int
    report: Report | None
    kappa: Statistic
    kappa_entity: Statistic

    @property
    def f1(self) -> float | None:
        """Entity micro F1 (symmetric in the two annotators), None without shared sentences."""
        return self.report.micro.f1 if self.report is not None else None

    def to_dict(self) -> dict:
        """The JSON form of this pair."""
        return {
            "reference": self.reference,
            "annotator": self.annotator,
            "sentences": self.sentences,
            "tokens": self.tokens,
            "f1": self.f1,
            "kappa": self.kappa.to_dict(),
            "kappa_entity": self.kappa_entity.to_dict(),
            "report": self.report.to_dict() if self.report is not None else None,
        }


@dataclass
class AgreementReport:
    """Everything ``agree`` found. Attributes are data; renderers make text of them."""

    annotators: list[str]
    pairs: list[PairResult]
    fleiss_kappa: Statistic
    krippendorff_alpha: Statistic
    options: Options
    gold: str | None = None
    kappa_on: str = "tags"
    missing: tuple[str, ...] = DEFAULT_MISSING
    sentences: int = 0
    tokens: int = 0
    labelled: dict[str, int] = field(default_factory=dict)
    fleiss_sentences: int = 0
    warnings: list[str] = field(default_factory=list)
    disagreements: list[dict] | None = None

    @property
    def signature(self) -> str:
        """The reproducibility string: the scoring settings plus the agreement ones."""
        o = self.options
        missing = ",".join(m if m else "<empty>" for m in self.missing)
        return signature(mode=o.mode, scheme=o.scheme, suffix=o.suffix, types=o.types,
                         extra={"kappa_on": self.kappa_on, "missing": missing})

    def pair(self, a: str, b: str) -> PairResult:
        """The result for annotators ``a`` and ``b`` (in either order)."""
        for p in self.pairs:
            if {p.reference, p.annotator} == {a, b}:
                return p
        raise KeyError((a, b))

    def f1_matrix(self) -> dict[str, dict[str, float | None]]:
        """Pairwise entity micro F1: ``matrix[a][b]``; the diagonal is None."""
        out: dict[str, dict[str, float | None]] = {a: {b: None for b in self.annotators} for a in self.annotators}
        for p in self.pairs:
            out[p.reference][p.annotator] = out[p.annotator][p.reference] = p.f1
        return out

    def per_type_f1(self) -> dict[str, dict[str, float]]:
        """Per entity type, the F1 of every pair (``"a~b"`` keys) that shares sentences."""
        types = sorted({t for p in self.pairs if p.report for t in p.report.per_type})
        out: dict[str, dict[str, float]] = {}
        for t in types:
            row = {}
            for p in self.pairs:
                if p.report is not None:
                    counts = p.report.per_type.get(t)
                    row[_pair_key(p)] = counts.f1 if counts is not None else 0.0
            out[t] = row
        return out

    def mean_pairwise_f1(self) -> dict:
        """Mean micro F1 over the pairs each annotator is in, and over all pairs.

        Pairs that share no sentence are left out of the means.
        """
        per: dict[str, float | None] = {}
        for name in self.annotators:
            values = [p.f1 for p in self.pairs if name in (p.reference, p.annotator) and p.f1 is not None]
            per[name] = sum(values) / len(values) if values else None
        values = [p.f1 for p in self.pairs if p.f1 is not None]
        return {"per_annotator": per, "overall": sum(values) / len(values) if values else None}

    def leaderboard(self) -> list[PairResult]:
        """With a gold annotator: the other annotators' pairs, best micro F1 first."""
        if self.gold is None:
            return []
        rows = [p for p in self.pairs if p.reference == self.gold]
        order = {n: i for i, n in enumerate(self.annotators)}
        return sorted(rows, key=lambda p: (-(p.f1 if p.f1 is not None else -1.0), order[p.annotator]))

    def to_dict(self) -> dict:
        """The JSON object (see the README section ``agree``)."""
        o = self.options
        return {
            "schema_version": SCHEMA_VERSION,
            "signature": self.signature,
            "annotators": list(self.annotators),
            "gold": self.gold,
            "mode": o.mode,
            "scheme": o.scheme,
            "suffix": o.suffix,
            "types": list(o.types) if o.types is not None else None,
            "kappa_on": self.kappa_on,
            "alphabet": _alphabet(self.kappa_on),
            "missing": list(self.missing),
            "sentences": self.sentences,
            "tokens": self.tokens,
            "labelled_sentences": dict(self.labelled),
            "pairs": [p.to_dict() for p in self.pairs],
            "f1_matrix": self.f1_matrix(),
            "per_type_f1": self.per_type_f1(),
            "mean_pairwise_f1": self.mean_pairwise_f1(),
            "leaderboard": [
                {"annotator": p.annotator, "f1": p.f1, "sentences": p.sentences} for p in self.leaderboard()
            ] if self.gold is not None else None,
            "fleiss_kappa": {**self.fleiss_kappa.to_dict(), "sentences": self.fleiss_sentences},
            "krippendorff_alpha": self.krippendorff_alpha.to_dict(),
            "zero_division": 0.0,
            "warnings": list(self.warnings),
        }


def _alphabet(kappa_on: str) -> str:
    return "full tags (B-PER and I-PER differ)" if kappa_on == "tags" else "entity types (O for outside)"


def _pair_key(p: PairResult) -> str:
    return f"{p.reference}~{p.annotator}"


# ------------------------------------------------------------------ the API
def agree(
    annotations,
    *,
    columns: Sequence[int] | str | None = None,
    names: Sequence[str] | str | None = None,
    gold: str | None = None,
    tag_column: int = -1,
    missing: Sequence[str] | str = DEFAULT_MISSING,
    kappa_on: str = "tags",
    disagreements: bool = False,
    mode: str = "lenient",
    scheme: str = "auto",
    suffix: bool = False,
    types=None,
    delimiter: str | None = None,
    comments: bool = False,
    encoding: str = "utf-8",
    format_in: str | None = None,
    labels: Sequence[str] | str | None = None,
    alignment: str = "strict",
) -> AgreementReport:
    """Measure how far annotators agree, pair by pair and overall.

    Args:
        annotations: two or more paths, each CoNLL (tags in ``tag_column``), JSON
            Lines, a Label Studio export or a spaCy DocBin; or one CoNLL path with
            ``columns``; or, in memory, a list (or name -> value mapping) with,
            per annotator, a list of sentences, each a list of tags or None (not
            labelled).
        columns: 0-based tag columns of a one-file input (the token is column 0).
        names: annotator names (default: file stems, ``col1``..., or ``a1``...).
        gold: an annotator to take as reference: pairs are oriented against it and
            :meth:`AgreementReport.leaderboard` ranks the others.
        tag_column: the tag column of each file (default: the last).
        missing: tag cells that mean "this annotator did not label this sentence".
        kappa_on: ``tags`` (full tags) or ``types`` (entity types) for the kappas/alpha.
        disagreements: also list the spans annotators disagree on.
        mode, scheme, suffix, types, delimiter, comments, encoding: as for
            :func:`seqeval_suite.evaluate`.
        format_in: ``conll``, ``jsonl``, ``labelstudio`` or ``spacy`` for every file;
            None picks each file's format by its extension (``.jsonl``, ``.json``
            Label Studio, ``.spacy``, anything else CoNLL). The tokens of all
            annotators must agree, whatever their formats.
        labels: label names for integer ``ner_tags`` in JSON Lines, in id order (a
            list, ``"O,B-PER,..."`` or a file with one a line).
        alignment: for character spans not on token boundaries: ``strict`` refuses
            them, ``expand`` or ``contract`` snaps them to tokens (with a warning).

    Returns:
        An :class:`AgreementReport`.

    >>> r = agree({"ann": [["B-PER", "O"], ["B-LOC"]], "bob": [["B-PER", "O"], ["B-ORG"]]})
    >>> r.pair("ann", "bob").f1, r.sentences
    (0.5, 2)
    """
    options = Options.build(mode=mode, scheme=scheme, suffix=suffix, types=types, delimiter=delimiter,
                            comments=comments, encoding=encoding)
    kappa_on = str(kappa_on).lower()
    if kappa_on not in KAPPA_ON:
        raise UsageError(f"unknown kappa alphabet {kappa_on!r}", hint="choose tags or types")
    if isinstance(missing, str):
        missing = missing.split(",")
    missing_set = frozenset(missing)
    corpus = read_corpus(annotations, columns=columns, names=names, tag_column=tag_column,
                         options=options, missing=missing_set, keep_tokens=disagreements,
                         format_in=format_in, labels=labels, alignment=alignment)
    names_ = [a.name for a in corpus.annotations]
    if gold is not None and gold not in names_:
        raise DataError(f"--gold {gold!r} is not an annotator", hint="annotators are " + ", ".join(names_))
    if corpus.sentences == 0:
        raise DataError(f"{corpus.annotations[0].source}: no tokens to score", hint="is this the right file?")
    report = AgreementReport(
        annotators=names_, pairs=[], fleiss_kappa=Statistic(None), krippendorff_alpha=Statistic(None),
        options=options, gold=gold, kappa_on=kappa_on, missing=tuple(dict.fromkeys(missing)),
        sentences=corpus.sentences, tokens=corpus.size,
        labelled={a.name: sum(a.labelled) for a in corpus.annotations},
    )
    report.warnings.extend(corpus.warnings)
    for a in corpus.annotations:
        if a.partial:
            where = f" (first at {a.source}:{a.partial_line})" if a.partial_line is not None else ""
            report.warnings.append(
                f"{a.name}: {a.partial} sentence{'s' if a.partial != 1 else ''} only partly marked missing{where} "
                "were left out as not labelled"
            )
    labels, outside = _label_matrix(corpus, kappa_on, options)
    scorer = _PairScorer.build(corpus, options)
    for i, j in combinations(range(len(names_)), 2):
        if gold is not None and names_[j] == gold:
            i, j = j, i
        report.pairs.append(_score_pair(corpus, i, j, options, labels, outside, report.warnings, scorer))
    _chance_corrected(report, corpus, labels)
    if disagreements:
        report.disagreements = find_disagreements(corpus, options)
    return report


# ------------------------------------------------------------------ scoring
def _sentence_mask(corpus: Corpus, i: int, j: int):
    import numpy as np

    a = np.frombuffer(corpus.annotations[i].labelled, dtype=np.uint8)
    b = np.frombuffer(corpus.annotations[j].labelled, dtype=np.uint8)
    return (a & b).astype(bool)


def _score_pair(corpus: Corpus, i: int, j: int, options: Options, labels, outside, warnings: list[str],
                scorer: "_PairScorer | None" = None) -> PairResult:
    """Score annotator j against annotator i: with ``scorer`` from spans decoded once per
    annotator, else through the core evaluator (the two give identical reports)."""
    import numpy as np

    ref, other = corpus.annotations[i], corpus.annotations[j]
    mask = _sentence_mask(corpus, i, j)
    shared = np.flatnonzero(mask)
    both = (labels[i] >= 0) & (labels[j] >= 0)
    tokens = int(np.count_nonzero(both))
    report = None
    if len(shared):
        if scorer is not None:
            report = scorer.score(i, j, mask, both, tokens)
        else:
            report = _score_pair_streaming(corpus, i, j, shared, options)
        for message in report.warnings:
            if message not in warnings:
                warnings.append(message)
    a, b = labels[i][both], labels[j][both]
    entity = both & ~(outside[i] & outside[j])
    kappa = cohen_kappa(a, b) if tokens else Statistic(None, "no sentence labelled by both", 0)
    kappa_entity = (cohen_kappa(labels[i][entity], labels[j][entity]) if entity.any()
                    else Statistic(None, "no token with a non-O tag", 0))
    return PairResult(ref.name, other.name, int(len(shared)), tokens, report, kappa, kappa_entity)


def _score_pair_streaming(corpus: Corpus, i: int, j: int, shared, options: Options) -> Report:
    """One pair through :func:`~seqeval_suite.evaluate.score_pairs`, sentence by sentence
    (conlleval mode, and strict-mode input that the evaluator refuses)."""
    ref, other = corpus.annotations[i], corpus.annotations[j]
    offsets = corpus.offsets
    r_tags, o_tags = corpus.tags_of(i), corpus.tags_of(j)

    def pairs() -> Iterator[Pair]:
        r_lines, o_lines = ref.lines, other.lines
        with_lines = len(r_lines) > 0
        for s in shared.tolist():
            a, b = offsets[s], offsets[s + 1]
            if with_lines:
                yield Pair(r_tags[a:b], o_tags[a:b], r_lines[a:b], o_lines[a:b])
            else:
                yield Pair(r_tags[a:b], o_tags[a:b])

    readers = (ref.reader,) if ref.reader is not None else ()
    return score_pairs(PairSource(pairs(), ref.source, other.source, readers), options)


class _Decoded(NamedTuple):
    """One annotator's tags decoded once, for every pair the annotator is in."""

    begin: object      # spans (numpy): first token (corpus position), end exclusive, type id,
    end: object        # in token order, already limited to ``types``
    kind: object
    sentence: object   # the corpus sentence of each span
    invalid: object    # positions of invalid tags (lenient mode)
    transitions: object  # per token: (previous prefix, prefix, same type) code (lenient mode)
    last_prefix: object  # per sentence: the prefix of its last token (lenient mode)
    dropped: object    # per sentence: ill-formed runs no entity covers (strict mode)


class _PairScorer:
    """Scores pairs of annotators from spans each annotator's tags were decoded into once.

    Every report equals what :func:`~seqeval_suite.evaluate.score_pairs` gives on the
    pair's shared sentences (``tests/test_agree_speed_equivalence.py`` holds it to that):
    spans come from the evaluator's vectorised decoders, matching is exact on
    ``(start, end, type)``, per-sentence cells are numbered over the shared sentences,
    and scheme detection, ill-formed and invalid-tag counts are summed over them only.
    """

    def __init__(self, corpus: Corpus, options: Options) -> None:
        import numpy as np

        self.corpus, self.options = corpus, options
        self.strict = options.mode == "strict"
        starts = np.frombuffer(corpus.offsets, dtype=np.int64)
        self.starts, n = starts[:-1], int(starts[-1])
        self.first = np.zeros(n, dtype=bool)
        self.first[self.starts] = True
        self.last = np.roll(self.first, -1)
        self.sentence_of = np.cumsum(self.first) - 1
        self.longest = int(np.diff(starts).max())
        self._tag_properties(corpus.tag_names)
        self.keep = (np.array([t in options.types for t in self.type_names], dtype=bool)
                     if options.types is not None else None)
        self.decoded: dict[int, _Decoded] = {}

    @classmethod
    def build(cls, corpus: Corpus, options: Options) -> "_PairScorer | None":
        """A scorer, or None where pairs must go through the core evaluator: conlleval
        mode (its chunks run across sentences), partial matching, a corpus too large
        for integer span keys, and strict-mode tags the evaluator refuses (it names them)."""
        if options.mode == "conlleval" or options.match != "strict":
            return None
        scorer = cls(corpus, options)
        if (scorer.first.size + 1) * (scorer.longest + 1) * (len(scorer.type_names) + 1) >= 1 << 62:
            return None
        if scorer.strict and scorer.refused_in_labelled():
            return None
        return scorer

    def _tag_properties(self, names: list[str]) -> None:
        """Per tag id: prefix code, type id, invalid (lenient) and refused (strict) flags."""
        import numpy as np

        from .schemes import PREFIX_CODE, SCHEME_PREFIXES

        table = TagTable(suffix=self.options.suffix, lenient=not self.strict)
        allowed = SCHEME_PREFIXES.get(self.options.scheme, frozenset())
        self.type_names, index = [""], {"": 0}
        prefix, type_id, invalid, refused = [], [], [], []
        for tag in names:
            parsed = table.parse(tag)
            bad = parsed is None or (self.strict and parsed[0] != "O" and parsed[0] not in allowed)
            invalid.append(parsed is None)
            refused.append(bad and self.strict)
            if bad or parsed[0] == "O":
                prefix.append(0)
                type_id.append(0)
                continue
            name = strict_type(parsed[1]) if self.strict else parsed[1]
            if name not in index:
                index[name] = len(self.type_names)
                self.type_names.append(name)
            prefix.append(PREFIX_CODE[parsed[0]])
            type_id.append(index[name])
        self.prefix_of = np.array(prefix, dtype=np.int64)
        self.type_of = np.array(type_id, dtype=np.int64)
        self.invalid_of = np.array(invalid, dtype=bool)
        self.refused_of = np.array(refused, dtype=bool)

    def refused_in_labelled(self) -> bool:
        """Whether a labelled sentence holds a tag strict mode refuses."""
        if not self.refused_of.any():
            return False
        for a in self.corpus.annotations:
            refused = self.refused_of[a.ids]
            if refused.any() and (refused & _token_sentence_mask(self.corpus, a.labelled)).any():
                return True
        return False

    def _decode(self, k: int) -> _Decoded:
        """Annotator k's spans and per-token facts (cached)."""
        import numpy as np

        from .core.decode import lenient_spans_np, strict_spans_np

        found = self.decoded.get(k)
        if found is not None:
            return found
        ids = self.corpus.annotations[k].ids
        prefix, type_ = self.prefix_of[ids], self.type_of[ids]
        first, last = self.first, self.last
        invalid = transitions = last_prefix = dropped = None
        if self.strict:
            begin, end, kind = strict_spans_np(prefix, type_, first, last, self.options.scheme)
            dropped = self._dropped_runs(prefix, begin, end)
        else:
            begin, end, kind = lenient_spans_np(prefix, type_, first, last)
            invalid = np.flatnonzero(self.invalid_of[ids])
            prev_p, prev_t = np.roll(prefix, 1), np.roll(type_, 1)
            prev_p[first] = 0
            prev_t[first] = -1  # nothing equals the type before a sentence's start...
            same = (prev_t == type_) | (first & (prefix == 0))  # ...except O's empty type
            transitions = ((prev_p * 5 + prefix) * 2 + same).astype(np.int8)
            last_prefix = prefix[last]
        if self.keep is not None:
            wanted = self.keep[kind]
            begin, end, kind = begin[wanted], end[wanted], kind[wanted]
        found = self.decoded[k] = _Decoded(begin, end, kind, self.sentence_of[begin], invalid,
                                           transitions, last_prefix, dropped)
        return found

    def _dropped_runs(self, prefix, begin, end):
        """Per sentence, maximal non-O runs that no span covers (``uncovered_runs``)."""
        import numpy as np

        cover = np.zeros(len(prefix) + 1, dtype=np.int64)
        np.add.at(cover, begin, 1)
        np.add.at(cover, end, -1)
        loose = (prefix != 0) & (np.cumsum(cover[:-1]) == 0)
        before = np.roll(loose, 1)
        before[self.first] = False
        runs = np.flatnonzero(loose & ~before)
        return np.bincount(self.sentence_of[runs], minlength=len(self.starts))

    def score(self, i: int, j: int, mask, both, tokens: int) -> Report:
        """The report of annotator j against annotator i on the sentences ``mask`` marks
        (``both``: their tokens, ``tokens`` of them)."""
        import numpy as np

        options = self.options
        ref, other = self.corpus.annotations[i], self.corpus.annotations[j]
        everything = bool(mask.all())
        report = Report(per_type={}, mode=options.mode, scheme_setting=options.scheme, suffix=options.suffix,
                        types=options.types)
        gold, pred = self._decode(i), self._decode(j)
        self._match(gold, pred, mask, everything, report)
        same = ref.ids == other.ids
        report.tokens, report.sentences = tokens, int(np.count_nonzero(mask))
        report.correct_tags = int(np.count_nonzero(same if everything else same & both))
        names = {"gold": ref.source, "pred": other.source}
        if self.strict:
            dropped = {side: int(d.dropped.sum() if everything else d.dropped[mask].sum())
                       for side, d in (("gold", gold), ("pred", pred))}
            report.scheme, report.scheme_note = options.scheme, "named"
            report.ill_formed, report.ill_formed_kind = dropped, "dropped_runs"
            for side, n in dropped.items():
                if n:
                    report.warnings.append(f"{names[side]}: {n} ill-formed {options.scheme} "
                                           f"run{'s' if n != 1 else ''} yielded no entity (strict mode)")
        else:
            transitions = {side: self._transitions(d, mask, both, everything)
                           for side, d in (("gold", gold), ("pred", pred))}
            _describe_scheme(report, transitions, options.scheme)
            invalid = {}
            for side, d, a in (("gold", gold, ref), ("pred", pred, other)):
                found, line = self._invalid(d, a, both, everything)
                invalid[side] = sum(found.values())
                if found:
                    report.warnings.append(_invalid_warning(names[side], found, line))
            report.invalid_tags = invalid
        readers = (ref.reader,) if ref.reader is not None else ()
        report.documents = max(readers[0].documents if readers else 0, 1)
        return report

    def _match(self, gold: _Decoded, pred: _Decoded, mask, everything: bool, report: Report) -> None:
        """Exact span-and-type matching; per-type totals and per-sentence cells, the
        sentences numbered as the pair's own (0 = the first shared sentence)."""
        import numpy as np

        n_types = len(self.type_names)
        width = self.longest + 1
        spans = []
        for d in (gold, pred):
            keep = slice(None) if everything else mask[d.sentence]
            begin, end, kind, sentence = d.begin[keep], d.end[keep], d.kind[keep], d.sentence[keep]
            spans.append(((begin * width + (end - begin)) * n_types + kind, kind, sentence))
        (g_key, g_kind, g_sent), (p_key, p_kind, p_sent) = spans
        g_hit = np.isin(g_key, p_key, assume_unique=True)
        p_hit = np.isin(p_key, g_key, assume_unique=True)
        tp = np.bincount(g_kind[g_hit], minlength=n_types)
        fn = np.bincount(g_kind[~g_hit], minlength=n_types)
        fp = np.bincount(p_kind[~p_hit], minlength=n_types)
        report.per_type = {self.type_names[t]: Counts(int(tp[t]), int(fp[t]), int(fn[t]))
                           for t in np.flatnonzero(tp + fn + fp).tolist()}
        number = np.arange(len(mask)) if everything else np.cumsum(mask) - 1
        cell = np.concatenate((number[g_sent] * n_types + g_kind, number[p_sent] * n_types + p_kind))
        if not len(cell):
            return
        unique, inverse = np.unique(cell, return_inverse=True)
        g_cell, p_cell = inverse[: len(g_key)], inverse[len(g_key):]
        size = len(unique)
        report.sentence_counts.add_many(
            unique // n_types, unique % n_types, np.bincount(g_cell[g_hit], minlength=size),
            np.bincount(p_cell[~p_hit], minlength=size), np.bincount(g_cell[~g_hit], minlength=size),
            self.type_names)

    def _transitions(self, d: _Decoded, mask, both, everything: bool) -> Counter:
        """The prefix-transition histogram of one side over the shared sentences."""
        import numpy as np

        codes = np.bincount(d.transitions if everything else d.transitions[both], minlength=50)
        ends = np.bincount(d.last_prefix if everything else d.last_prefix[mask], minlength=5)
        letters = "OBIES"
        out: Counter = Counter()
        for code in np.flatnonzero(codes).tolist():
            pair, same = divmod(code, 2)
            out[(letters[pair // 5], letters[pair % 5], bool(same))] += int(codes[code])
        for code in np.flatnonzero(ends).tolist():
            out[(letters[code], "O", False)] += int(ends[code])
        return out

    def _invalid(self, d: _Decoded, annotation: Annotation, both, everything: bool):
        """Invalid tags of one side over the shared sentences, and the first one's line."""
        import numpy as np

        at = d.invalid if everything or not len(d.invalid) else d.invalid[both[d.invalid]]
        if not len(at):
            return Counter(), None
        counts = np.bincount(annotation.ids[at])
        names = self.corpus.tag_names
        found = Counter({names[t]: int(counts[t]) for t in np.flatnonzero(counts).tolist()})
        line = annotation.lines[int(at[0])] if len(annotation.lines) else None
        return found, line


def _token_sentence_mask(corpus: Corpus, labelled: bytearray):
    import numpy as np

    lengths = np.diff(np.frombuffer(corpus.offsets, dtype=np.int64))
    return np.repeat(np.frombuffer(labelled, dtype=np.uint8).astype(bool), lengths)


def _encode(corpus: Corpus) -> None:
    """Give every annotation integer tag ids over one vocabulary (``corpus.tag_names``);
    a corpus the block reader read has them already."""
    import numpy as np

    if corpus.tag_names is not None:
        return
    names = sorted({t for a in corpus.annotations for t in set(a.tags)})
    index = {t: k for k, t in enumerate(names)}
    for a in corpus.annotations:
        a.ids = np.fromiter(map(index.__getitem__, a.tags), dtype=np.int32, count=len(a.tags))
    corpus.tag_names = names


def _label_matrix(corpus: Corpus, kappa_on: str, options: Options):
    """Label ids, shape (annotators, tokens), -1 where a sentence was not labelled; and
    a same-shaped boolean matrix, True where the tag is ``O``."""
    import numpy as np

    _encode(corpus)
    names = corpus.tag_names
    if kappa_on == "types":
        table = TagTable(suffix=options.suffix, lenient=True)
        # The alphabet is the entity type; O stays O, an invalid tag stays itself.
        label_of = {t: (t if (p := table.parse(t)) is None else ("O" if p[0] == "O" else p[1])) for t in names}
    else:
        label_of = {t: t for t in names}
    alphabet = {label: k for k, label in enumerate(sorted(set(label_of.values())))}
    to_label = np.array([alphabet[label_of[t]] for t in names], dtype=np.int64)
    outside_id = names.index("O") if "O" in names else -1
    labels = np.empty((len(corpus.annotations), corpus.size), dtype=np.int64)
    outside = np.empty(labels.shape, dtype=bool)
    for row, a in enumerate(corpus.annotations):
        outside[row] = a.ids == outside_id
        labels[row] = to_label[a.ids] if len(a.ids) else a.ids
        labels[row][~_token_sentence_mask(corpus, a.labelled)] = -1
    return labels, outside


def _chance_corrected(report: AgreementReport, corpus: Corpus, labels) -> None:
    import numpy as np

    complete = (labels >= 0).all(axis=0)
    report.fleiss_kappa = fleiss_kappa(labels[:, complete])
    everyone = np.ones(corpus.sentences, dtype=np.uint8)
    for a in corpus.annotations:
        everyone &= np.frombuffer(a.labelled, dtype=np.uint8)
    report.fleiss_sentences = int(everyone.sum())
    report.krippendorff_alpha = krippendorff_alpha(labels)


# ------------------------------------------------------------------ disagreements
def _decoder(options: Options):
    strict = options.mode == "strict"
    table = TagTable(suffix=options.suffix, lenient=not strict)
    keep = set(options.types) if options.types is not None else None

    def spans(tags: Sequence[str]):
        parsed = table.parse_all(tags)
        if strict:
            found = decode_strict([p if p[0] == "O" else (p[0], strict_type(p[1])) for p in parsed], options.scheme)
        else:
            # conlleval mode has no span decoder; its chunks equal lenient ones on BIO data.
            found = decode_lenient(parsed)
        return [s for s in found if keep is None or s[2] in keep]

    return spans


def find_disagreements(corpus: Corpus, options: Options) -> list[dict]:
    """Every group of overlapping spans on which the annotators who labelled the
    sentence do not all give the same single span, sorted by sentence and offset.

    Each row: ``sentence`` (1-based), ``line`` (of the first token, in the first
    annotator's file), ``start``/``end`` (0-based token offsets, end exclusive),
    ``text``, one column per annotator (``TYPE[start,end)`` spans, empty for none,
    ``n/a`` when the annotator did not label the sentence) and ``kind``: ``type``
    (same boundaries, other types), ``boundary`` (boundaries differ) or
    ``missing/extra`` (an annotator has no span there).
    """
    decode = _decoder(options)
    rows: list[dict] = []
    offsets = corpus.offsets
    first = corpus.annotations[0]
    for s in range(corpus.sentences):
        a, b = offsets[s], offsets[s + 1]
        who = [k for k, ann in enumerate(corpus.annotations) if ann.labelled[s]]
        if len(who) < 2:
            continue
        spans = sorted((span, k) for k in who for span in decode(corpus.tags_of(k)[a:b]))
        for group in _overlap_groups(spans):
            row = _disagreement_row(group, who, corpus)
            if row is None:
                continue
            start, end = row.pop("_start"), row.pop("_end")
            text = " ".join(corpus.tokens[a + start:a + end]) if corpus.tokens is not None else ""
            line = first.lines[a + start] if len(first.lines) else ""
            rows.append({"sentence": s + 1, "line": line, "start": start, "end": end, "text": text,
                         **row})
    return rows


def _overlap_groups(spans):
    """Split spans sorted by start into groups of transitively overlapping spans."""
    group: list = []
    end = -1
    for span, k in spans:
        if group and span[0] >= end:
            yield group
            group, end = [], -1
        group.append((span, k))
        end = max(end, span[1])
    if group:
        yield group


def _disagreement_row(group, who: list[int], corpus: Corpus) -> dict | None:
    by: dict[int, list] = {k: [] for k in who}
    for span, k in group:
        by[k].append(span)
    distinct = {tuple(v) for v in by.values()}
    if len(distinct) == 1 and all(len(v) == 1 for v in by.values()):
        return None
    if any(not v for v in by.values()):
        kind = "missing/extra"
    elif len({tuple((s[0], s[1]) for s in v) for v in by.values()}) == 1:
        kind = "type"
    else:
        kind = "boundary"
    row: dict = {"_start": min(s[0] for s, _ in group), "_end": max(s[1] for s, _ in group)}
    for k, ann in enumerate(corpus.annotations):
        if k not in by:
            row[ann.name] = NOT_LABELLED
        else:
            row[ann.name] = " ".join(f"{t}[{x},{y})" for x, y, t in by[k])
    row["kind"] = kind
    return row
