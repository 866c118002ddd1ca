"""Annotator agreement (issue 3, SPEC §6): every pair scored by the core evaluator,
plus chance-corrected token-level agreement.

``agree()`` is the Python API behind ``seqeval-suite agree``. It reads every
annotator's tags once into integer tag ids (CoNLL files with the block reader), then
scores each pair of annotators on the sentences both labelled through the scoring core:
in lenient and strict mode from each annotator decoded once (:class:`PairScorer`, issue
15), otherwise by :func:`seqeval_suite.core.score.score` on an
:class:`~seqeval_suite.core.source.ArraySource` of the two id arrays. A pair's report
is exactly what :func:`seqeval_suite.evaluate.score_pairs` gives on the same sentences
(``tests/test_agree_speed_equivalence.py``, ``tests/test_agree_fast.py``). Cohen's
kappa (one joint count per pair), Fleiss' kappa and Krippendorff's alpha
(:mod:`seqeval_suite.kappa`) work on the same ids.

Annotators' files may be CoNLL, JSON Lines, a Label Studio export or a spaCy DocBin
(any format :func:`seqeval_suite.io.formats.read_tagged` reads), chosen with
``format_in`` or by each file's extension. All-CoNLL input is read in aligned blocks
(``--columns``, ``-DOCSTART-`` counting, conlleval splitting); any other mix goes
through :func:`seqeval_suite.io.annotations._read_formats`. Reading annotators into a
:class:`~seqeval_suite.io.annotations.Corpus` is :mod:`seqeval_suite.io.annotations`'s
job (:func:`read_corpus`); this module scores it.

With ``consensus`` (issue 20) the report also holds a consensus annotation (majority
vote or Dawid-Skene, :mod:`seqeval_suite.consensus`) and each annotator's quality
(:class:`AnnotatorQuality`): its Dawid-Skene accuracy and its entity P/R/F1 against
the consensus; with ``gold_file``, every annotator and the consensus are scored against
that expert gold as any pair is, through the scoring core.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Mapping, Sequence

from .errors import DataError, UsageError
from .core.options import Options
from .core.score import Scorer, decode_entities, score, vocabulary
from .core import source as core_source
from .core.decode import lenient_spans_np, strict_spans_np
from .core.source import ArraySource
from .core.vocab import TagVocabulary
from .io.annotations import (_COLUMN_HINT, DEFAULT_MISSING, Annotation, Corpus, _check_names, _resolve_names,
                             read_corpus)
from .io.conll import display_name
from .io.formats import detect_format
from .consensus import Consensus, Crowd, build_consensus, method_name, read_gold
from .kappa import Statistic, cohen_kappa_joint, fleiss_kappa, krippendorff_alpha
from .nested import SPAN_FORMATS, evaluate_nested, parse_layers
from .report import SCHEMA_VERSION, Report, by_role
from .schemes import TagTable
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
    #: Layered CoNLL: layer name -> ``{"kappa": ..., "kappa_entity": ...}`` over that layer's tags.
    kappa_layers: dict[str, dict[str, Statistic]] | None = None

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
        } | self._nested_dict()

    def _nested_dict(self) -> dict:
        """Nested input: the pair report's ``nested`` section and the per-layer kappas."""
        if self.report is None or self.report.nested is None:
            return {}
        layers = None if self.kappa_layers is None else {
            name: {k: s.to_dict() for k, s in stats.items()} for name, stats in self.kappa_layers.items()}
        return {"nested": self.report.nested, "kappa_layers": layers}


@dataclass
class NestedInput:
    """How ``agree`` read nested input (issue 17), and its token-level agreement.

    Attributes:
        source: ``layers`` (layered CoNLL) or the span format (``jsonl``, ``brat``, ...).
        layer_names: the layers' names (layered CoNLL), as the pair reports name them.
        kappa_layers: layered CoNLL: layer name -> ``fleiss_kappa``, ``fleiss_sentences``
            and ``krippendorff_alpha`` over that layer's tag column; None for span input.
        kappa_reason: why the corpus-wide (single-alphabet) kappas are undefined.
    """

    source: str
    layer_names: list[str] | None
    kappa_layers: dict[str, dict] | None
    kappa_reason: str

    def to_dict(self) -> dict:
        """The JSON form (the ``nested`` key of the agreement JSON)."""
        layers = None
        if self.kappa_layers is not None:
            layers = {name: {"fleiss_kappa": {**k["fleiss_kappa"].to_dict(), "sentences": k["fleiss_sentences"]},
                             "krippendorff_alpha": k["krippendorff_alpha"].to_dict()}
                      for name, k in self.kappa_layers.items()}
        return {"source": self.source, "layer_names": self.layer_names, "kappa_layers": layers,
                "kappa_reason": self.kappa_reason}


@dataclass
class AnnotatorQuality:
    """How far one annotator can be trusted, without gold and (``gold_file``) with it.

    Attributes:
        name: the annotator.
        sentences: sentences it labelled.
        ds_accuracy: Dawid-Skene accuracy, ``sum_k prior[k] * confusion[k, k]`` over the
            IOB2 labels (None with a gold file only, or no sentence labelled).
        ds_entity_accuracy: the same over the ``B-``/``I-`` labels, priors renormalised.
        vs_consensus: its entity report with the consensus as gold, on its sentences.
        vs_gold: its entity report against the gold file, on its sentences that the
            gold file labels.
    """

    name: str
    sentences: int
    ds_accuracy: float | None = None
    ds_entity_accuracy: float | None = None
    vs_consensus: Report | None = None
    vs_gold: Report | None = None

    @property
    def f1_vs_consensus(self) -> float | None:
        """Entity micro F1 against the consensus (None when not scored)."""
        return self.vs_consensus.micro.f1 if self.vs_consensus is not None else None

    @property
    def f1_vs_gold(self) -> float | None:
        """Entity micro F1 against the gold file (None when not scored)."""
        return self.vs_gold.micro.f1 if self.vs_gold is not None else None

    def to_dict(self) -> dict:
        """The JSON form (one value of the ``quality`` key)."""
        out: dict = {"sentences": self.sentences, "ds_accuracy": self.ds_accuracy,
                     "ds_entity_accuracy": self.ds_entity_accuracy}
        for key, report in (("consensus", self.vs_consensus), ("gold", self.vs_gold)):
            micro = report.micro if report is not None else None
            for name in ("precision", "recall", "f1"):
                out[f"{name}_vs_{key}"] = getattr(micro, name) if micro is not None else None
        return out


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
    #: Input display name -> annotator name (``input`` for a file of several annotators,
    #: ``gold`` for the gold file): the JSON's warnings name inputs so (SPEC §4).
    input_names: dict[str, str] = field(default_factory=dict, repr=False)
    disagreements: list[dict] | None = None
    #: Set when the input was nested (layered CoNLL or span files): see :class:`NestedInput`.
    nested: NestedInput | None = None
    #: ``consensus``: the consensus annotation (:class:`~seqeval_suite.consensus.Consensus`).
    consensus: Consensus | None = None
    #: ``consensus`` or ``gold_file``: per annotator, in annotator order.
    quality: list[AnnotatorQuality] | None = None
    #: ``consensus`` and ``gold_file``: the consensus scored against the gold file.
    consensus_vs_gold: Report | None = None

    @property
    def signature(self) -> str:
        """The reproducibility string: the scoring settings plus the agreement ones
        (and, for nested input, the pair reports' layer and type-map settings)."""
        o = self.options
        missing = ",".join(m if m else "<empty>" for m in self.missing)
        extra = {"kappa_on": self.kappa_on, "missing": missing}
        if self.nested is not None and self.nested.kappa_layers is None:
            extra = {}  # span input: no tags, so neither setting changes a number
        if self.nested is not None:
            extra.update(next((p.report.signature_extra or {} for p in self.pairs if p.report is not None), {}))
        if self.consensus is not None:
            extra.update(_consensus_signature(self.consensus))
        return signature(mode=o.mode, scheme=o.scheme, suffix=o.suffix, types=o.types, extra=extra)

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
            "consensus": self.consensus.to_dict() if self.consensus is not None else None,
            "quality": {q.name: q.to_dict() for q in self.quality} if self.quality is not None else None,
            "consensus_vs_gold": self.consensus_vs_gold.to_dict() if self.consensus_vs_gold is not None else None,
            "warnings": list(dict.fromkeys(by_role(w, self.input_names) for w in self.warnings)),
        } | ({"nested": self.nested.to_dict()} if self.nested is not None else {})

    def quality_ranking(self) -> list[AnnotatorQuality]:
        """The annotators' quality, best first: by F1 against the gold file when there
        is one, else by F1 against the consensus (then by annotator order)."""
        if self.quality is None:
            return []
        gold = any(q.vs_gold is not None for q in self.quality)

        def key(item):
            k, q = item
            value = q.f1_vs_gold if gold else q.f1_vs_consensus
            return (value is None, -(value or 0.0), k)

        return [q for _, q in sorted(enumerate(self.quality), key=key)]


def _consensus_signature(consensus: Consensus) -> dict[str, str]:
    """The consensus settings that change a number (the Dawid-Skene ones always do:
    its accuracies are reported whichever the method)."""
    p = consensus.parameters
    ds = p.get("quality_model", p)
    extra = {"consensus": consensus.method}
    if consensus.method == "majority":
        extra["min_votes"] = str(p["min_votes"]).replace("strict majority", "majority")
    extra.update({"ds_tol": f"{ds['tol']:g}", "ds_max_iter": str(ds["max_iter"]),
                  "ds_smoothing": f"{ds['smoothing']:g}"})
    return extra


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
    missing: Sequence[str] | str | None = None,
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
    layers: str | Sequence[int] | None = None,
    layer_names: Sequence[str] | str | None = None,
    nested: bool = False,
    span_key: str | None = None,
    type_map=None,
    tokenizer: str = "whitespace",
    discontinuous: str = "span",
    consensus: str | None = None,
    min_votes: int | None = None,
    gold_file: str | os.PathLike | None = None,
    ds_tol: float | None = None,
    ds_max_iter: int | None = None,
    ds_smoothing: float | None = None,
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
        missing: tag cells that mean "this annotator did not label this sentence"
            (None: ``?``, ``_`` and the empty cell). Nested input is refused when an
            annotator left a sentence unlabelled (see :func:`agree_nested`).
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
        layers, layer_names, nested, span_key, type_map, tokenizer, discontinuous:
            nested input (issue 17), as for :func:`seqeval_suite.nested.evaluate_nested`:
            layered CoNLL (``layers``: the same tag columns in every file), or span
            files with overlaps kept (``nested``, ``span_key``, or BRAT folders/``.ann``
            files, which always are). See :func:`agree_nested`.
        consensus: ``majority`` or ``dawid-skene`` (issue 20): build a consensus
            annotation (``report.consensus``; the rules are in
            :mod:`seqeval_suite.consensus`) and estimate every annotator's quality
            (``report.quality``). Flat input only.
        min_votes: majority vote: the votes an entity needs (default: a strict
            majority of the annotators who labelled its sentence).
        gold_file: an expert gold file over the same tokens (CoNLL, tags in the last
            column, or any format ``format_in``/its extension names): every annotator
            and the consensus are scored against it (``quality[k].vs_gold``,
            ``report.consensus_vs_gold``).
        ds_tol, ds_max_iter, ds_smoothing: Dawid-Skene's stopping tolerance, iteration
            limit and confusion pseudo-count (defaults in :mod:`seqeval_suite.consensus`).

    Returns:
        An :class:`AgreementReport` (with ``nested`` set for nested input).

    >>> r = agree({"ann": [["B-PER", "O"], ["B-LOC"]], "bob": [["B-PER", "O"], ["B-ORG"]]})
    >>> r.pair("ann", "bob").f1, r.sentences
    (0.5, 2)
    """
    kappa_on = str(kappa_on).lower()
    if kappa_on not in KAPPA_ON:
        raise UsageError(f"unknown kappa alphabet {kappa_on!r}", hint="choose tags or types")
    settings = _consensus_settings(consensus, min_votes, ds_tol, ds_max_iter, ds_smoothing)
    if is_nested(annotations, format_in=format_in, layers=layers, nested=nested, span_key=span_key):
        if consensus is not None or gold_file is not None:
            raise UsageError("--consensus and --gold-file need flat input (one tag a token)",
                             hint="convert nested input to one tag column first (seqeval-suite convert)")
        return agree_nested(
            annotations, names=names, gold=gold, columns=columns, tag_column=tag_column, missing=missing,
            kappa_on=kappa_on, disagreements=disagreements, layers=layers, layer_names=layer_names,
            span_key=span_key, type_map=type_map, tokenizer=tokenizer, discontinuous=discontinuous, mode=mode,
            scheme=scheme, suffix=suffix, types=types, delimiter=delimiter, comments=comments, encoding=encoding,
            format_in=format_in, labels=labels, alignment=alignment)
    for option, value in (("type_map", type_map), ("layer_names", layer_names)):
        if value is not None:
            raise UsageError(f"{option} needs nested input", hint="give layers, nested=True, span_key or BRAT input")
    options = Options.build(mode=mode, scheme=scheme, suffix=suffix, types=types, delimiter=delimiter,
                            comments=comments, encoding=encoding)
    missing = _missing_cells(missing)
    missing_set = frozenset(missing)
    wants_quality = consensus is not None or gold_file is not None
    label_names = labels  # (``labels`` names the label matrix below)
    corpus = read_corpus(annotations, columns=columns, names=names, tag_column=tag_column,
                         options=options, missing=missing_set, keep_tokens=disagreements or wants_quality,
                         format_in=format_in, labels=labels, alignment=alignment)
    names_ = [a.name for a in corpus.annotations]
    if gold is not None and gold not in names_:
        raise DataError(f"--gold {gold!r} is not an annotator", hint="annotators are " + ", ".join(names_))
    if consensus is not None and disagreements and "consensus" in names_:
        raise DataError("an annotator is named 'consensus', as is the disagreement list's consensus column",
                        hint="rename it with --names")
    if corpus.sentences == 0:
        raise DataError(f"{corpus.annotations[0].source}: no tokens to score", hint="is this the right file?")
    report = AgreementReport(
        annotators=names_, pairs=[], fleiss_kappa=Statistic(None), krippendorff_alpha=Statistic(None),
        options=options, gold=gold, kappa_on=kappa_on, missing=tuple(dict.fromkeys(missing)),
        sentences=corpus.sentences, tokens=corpus.size,
        labelled={a.name: sum(a.labelled) for a in corpus.annotations},
    )
    report.warnings.extend(corpus.warnings)
    report.input_names = _input_names(corpus, gold_file)
    for a in corpus.annotations:
        if a.partial:
            where = f" (first at {a.source}:{a.partial_line})" if a.partial_line is not None else ""
            report.warnings.append(
                f"{a.name}: {a.partial} sentence{'s' if a.partial != 1 else ''} only partly marked missing{where} "
                "were left out as not labelled"
            )
    labels, outside = _label_matrix(corpus, kappa_on, options)
    pair_scorer = PairScorer.build(corpus, options)
    for i, j in combinations(range(len(names_)), 2):
        if gold is not None and names_[j] == gold:
            i, j = j, i
        report.pairs.append(_score_pair(corpus, i, j, options, labels, outside, report.warnings, pair_scorer))
    _chance_corrected(report, corpus, labels)
    crowd = _crowd(corpus, options) if wants_quality else None
    if crowd is not None:
        if consensus is not None:
            report.consensus = build_consensus(crowd, **settings)
            report.warnings.extend(_consensus_warnings(report.consensus, corpus))
        gold = None
        if gold_file is not None:
            gold = _gold_ids(gold_file, corpus, options, annotations, format_in, label_names, alignment,
                             missing_set)
        _quality(report, corpus, options, gold)
    if disagreements:
        report.disagreements = find_disagreements(corpus, options, consensus=report.consensus)
    return report


def _input_names(corpus: Corpus, gold_file: str | os.PathLike | None) -> dict[str, str]:
    """Each input's display name -> the name the JSON's warnings give it: the annotator's
    name, ``input`` for a file holding several annotators, ``gold`` for the gold file."""
    names: dict[str, str] = {}
    for a in corpus.annotations:
        if a.source:  # FILE, or FILE[k] for the columns of one file
            names[a.source] = a.name if a.source not in names else "input"
        reader = getattr(a.reader, "name", None)
        if reader and reader != a.source:  # a file of several annotators' columns is no one's
            names[reader] = "input"
    if isinstance(gold_file, (str, os.PathLike)):
        names.setdefault(display_name(gold_file), "gold")  # (an annotator's own file keeps its name)
    return names


def _consensus_settings(consensus, min_votes, ds_tol, ds_max_iter, ds_smoothing) -> dict:
    """The keyword arguments of :func:`~seqeval_suite.consensus.build_consensus`.

    Raises:
        UsageError: an unknown method; ``min_votes`` without majority vote; Dawid-Skene
            settings without a consensus.
    """
    from . import consensus as c

    if consensus is None:
        if min_votes is not None:
            raise UsageError("--min-votes needs --consensus majority")
        given = [n for n, v in (("--ds-tol", ds_tol), ("--ds-max-iter", ds_max_iter),
                                ("--ds-smoothing", ds_smoothing)) if v is not None]
        if given:
            raise UsageError(f"{given[0]} needs --consensus", hint="add --consensus majority or dawid-skene")
        return {}
    method = method_name(consensus)
    if min_votes is not None and method != "majority":
        raise UsageError("--min-votes applies to --consensus majority",
                         hint="Dawid-Skene weighs the annotators instead of counting votes")
    return {"method": method, "min_votes": min_votes,
            "tol": c.DEFAULT_TOL if ds_tol is None else ds_tol,
            "max_iter": c.DEFAULT_MAX_ITER if ds_max_iter is None else ds_max_iter,
            "smoothing": c.DEFAULT_SMOOTHING if ds_smoothing is None else ds_smoothing}


def _consensus_warnings(consensus: Consensus, corpus: Corpus) -> list[str]:
    """What a reader of the consensus must know: sentences nobody labelled, and a
    Dawid-Skene fit that stopped before converging."""
    out = []
    nobody = corpus.sentences - consensus.labelled
    if nobody:
        out.append(f"{nobody} sentence{'s' if nobody != 1 else ''} labelled by no annotator "
                   "have no consensus entity (written as O)")
    fit = consensus.fit
    if fit is not None and fit.isolated():
        names = [corpus.annotations[k].name for k in fit.isolated()]
        listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        out.append(f"Dawid-Skene: {listed} share{'s' if len(names) == 1 else ''} no token with another annotator, "
                   "so no accuracy can be estimated (null) and the Dawid-Skene consensus there rests on an "
                   "unidentified confusion matrix")
    if fit is not None and not fit.converged:
        p = consensus.parameters.get("quality_model", consensus.parameters)
        out.append(f"Dawid-Skene stopped after {fit.iterations} iterations without converging (largest posterior "
                   f"change {fit.change:.3g} > --ds-tol {p['tol']:g}); raise --ds-max-iter")
    return out


def _crowd(corpus: Corpus, options: Options) -> Crowd:
    """The corpus as :mod:`seqeval_suite.consensus` reads it: every annotator's
    entities (decoded as the pairs decode them) in the sentences it labelled."""
    import numpy as np

    decoded, type_names = _decoded(corpus, options)
    labelled = np.array([np.frombuffer(a.labelled, dtype=np.uint8) for a in corpus.annotations], dtype=bool)
    return Crowd([a.name for a in corpus.annotations], np.frombuffer(corpus.offsets, dtype=np.int64), labelled,
                 decoded, type_names, _tokens(corpus), corpus.sentence_documents, corpus.docstarts)


def _tokens(corpus: Corpus) -> list[str] | None:
    """The corpus's token texts, or None when it has none: in-memory input, or files
    of tags alone (whose first column the reader keeps as tokens: they are then the
    first annotator's tags, token for token)."""
    tokens = corpus.tokens
    if tokens is None or len(tokens) != corpus.size or tokens == corpus.tags_of(0):
        return None
    return tokens


def _gold_ids(gold_file, corpus: Corpus, options: Options, annotations, format_in, labels, alignment,
              missing: frozenset[str]):
    """The gold file's name, tags and token lines, and the sentences it labels (one
    whose every cell is a ``missing`` cell is not scored)."""
    import numpy as np

    from .io.conll import display_name

    first = corpus.annotations[0]
    if isinstance(annotations, (str, os.PathLike)) or (
            isinstance(annotations, Sequence) and len(annotations) == 1):  # one file with --columns
        against = display_name(annotations if isinstance(annotations, (str, os.PathLike)) else annotations[0])
    else:
        against = first.source
    lines = np.frombuffer(first.lines, dtype=np.int32) if len(first.lines) else None
    tags, gold_lines, labelled = read_gold(str(gold_file), np.frombuffer(corpus.offsets, dtype=np.int64),
                                           _tokens(corpus), against=against, options=options, format_in=format_in,
                                           labels=labels, alignment=alignment, lines=lines, missing=missing)
    return (display_name(gold_file), tags, np.asarray(gold_lines, dtype=np.int32) if gold_lines is not None else None,
            np.array(labelled, dtype=bool))


def _quality(report: AgreementReport, corpus: Corpus, options: Options, gold) -> None:
    """Score every annotator against the consensus and the gold file, and the
    consensus against the gold file, each through the scoring core as a pair is."""
    import numpy as np

    names = list(corpus.tag_names)
    index = {t: k for k, t in enumerate(names)}

    def ids(tags: list[str]):
        for t in sorted(set(tags)):  # sorted: ids independent of the hash seed
            if t not in index:
                index[t] = len(names)
                names.append(t)
        return np.fromiter(map(index.__getitem__, tags), dtype=np.int32, count=len(tags))

    offsets = np.frombuffer(corpus.offsets, dtype=np.int64)
    consensus = report.consensus
    consensus_ids = None
    if consensus is not None:
        # The consensus is scored in the scheme strict mode reads; elsewhere IOB2 (decoding ignores the scheme).
        scheme = options.scheme if options.mode == "strict" else "IOB2"
        consensus_ids = ids([t for tags in consensus.tags(scheme, suffix=options.suffix) for t in tags])
    gold_name, gold_ids, gold_lines, gold_labelled = (gold[0], ids(gold[1]), gold[2], gold[3]) if gold is not None \
        else (None, None, None, None)

    def scored(ref_ids, other_ids, sentences, ref_lines, other_lines, labels):
        if not len(sentences):
            return None
        result = score(ArraySource(names, ref_ids, other_ids, offsets, sentences, ref_lines, other_lines,
                                   names=labels), options)
        for message in result.warnings:
            if message not in report.warnings:
                report.warnings.append(message)
        return result

    fit = consensus.fit if consensus is not None else None
    accuracy = fit.accuracy() if fit is not None else [None] * len(corpus.annotations)
    entity_accuracy = fit.entity_accuracy() if fit is not None else [None] * len(corpus.annotations)
    report.quality = []
    for k, a in enumerate(corpus.annotations):
        own = np.flatnonzero(np.frombuffer(a.labelled, dtype=np.uint8))
        lines = np.frombuffer(a.lines, dtype=np.int32) if len(a.lines) else None
        quality = AnnotatorQuality(a.name, int(len(own)), accuracy[k], entity_accuracy[k])
        if consensus_ids is not None:
            quality.vs_consensus = scored(consensus_ids, a.ids, own, None, lines, ("consensus", a.source))
        if gold_ids is not None:
            quality.vs_gold = scored(gold_ids, a.ids, own[gold_labelled[own]], gold_lines, lines,
                                     (gold_name, a.source))
        report.quality.append(quality)
    if consensus_ids is not None and gold_ids is not None:
        covered = np.flatnonzero(np.array([np.frombuffer(a.labelled, dtype=np.uint8) for a in corpus.annotations])
                                 .any(axis=0) & gold_labelled)
        report.consensus_vs_gold = scored(gold_ids, consensus_ids, covered, gold_lines, None,
                                          (gold_name, "consensus"))


# ------------------------------------------------------------------ scoring
def _sentence_mask(corpus: Corpus, i: int, j: int):
    import numpy as np

    a = np.frombuffer(corpus.annotations[i].labelled, dtype=np.uint8)
    b = np.frombuffer(corpus.annotations[j].labelled, dtype=np.uint8)
    return (a & b).astype(bool)


def _score_pair(corpus: Corpus, i: int, j: int, options: Options, labels, outside,
                warnings: list[str], pair_scorer: PairScorer | None = None) -> PairResult:
    """Score annotator j against annotator i on the sentences both labelled, through
    the scoring core (``pair_scorer``'s arrays when given, else
    :func:`seqeval_suite.core.score.score` on an :class:`ArraySource`), and their kappas."""
    import numpy as np

    ref, other = corpus.annotations[i], corpus.annotations[j]
    shared = np.flatnonzero(_sentence_mask(corpus, i, j))
    report = None
    if len(shared):
        if pair_scorer is not None:
            report = pair_scorer.score(i, j, shared)
        else:
            report = score(_pair_source(corpus, i, j, shared), options)
        for message in report.warnings:
            if message not in warnings:
                warnings.append(message)
    (kappa, kappa_entity), tokens = _pair_kappas_counted(labels, outside, i, j)
    return PairResult(ref.name, other.name, int(len(shared)), tokens, report, kappa, kappa_entity)


def _pair_kappas(labels, outside, i: int, j: int) -> tuple[Statistic, Statistic]:
    """Cohen's kappa of annotators i and j over the tokens both labelled, and over those
    of them where at least one has a non-O tag (``labels``/``outside``: see
    :func:`_label_matrix`)."""
    return _pair_kappas_counted(labels, outside, i, j)[0]


def _pair_kappas_counted(labels, outside, i: int, j: int) -> tuple[tuple[Statistic, Statistic], int]:
    """:func:`_pair_kappas` and the number of tokens both labelled, from one joint count.

    The joint table over the tokens both labelled is one ``bincount`` (a missing label,
    -1, shifted to 0 and dropped); the entity table is the same less the tokens where
    both tags are ``O``, all of which sit in ``O``'s own cell.
    """
    import numpy as np

    a, b = labels[i] + 1, labels[j] + 1
    width = int(max(a.max(initial=0), b.max(initial=0))) + 1
    joint = np.bincount(a * width + b, minlength=width * width).reshape(width, width)[1:, 1:]
    tokens = int(joint.sum())
    both_o = int(np.count_nonzero(outside[i] & outside[j] & (a > 0) & (b > 0)))
    entity = joint
    if both_o:
        o_label = _o_label(labels, outside, i)
        entity = joint.copy()
        entity[o_label, o_label] -= both_o
    kappa = cohen_kappa_joint(joint) if tokens else Statistic(None, "no sentence labelled by both", 0)
    kappa_entity = (cohen_kappa_joint(entity) if tokens - both_o
                    else Statistic(None, "no token with a non-O tag", 0))
    return (kappa, kappa_entity), tokens


def _o_label(labels, outside, k: int) -> int:
    """The label id of the ``O`` tag (the same on every token ``outside`` marks), read
    off annotator k, which has a labelled ``O``."""
    import numpy as np

    return int(labels[k][int(np.argmax(outside[k] & (labels[k] >= 0)))])


def _pair_source(corpus: Corpus, i: int, j: int, shared) -> ArraySource:
    """Annotators i (as gold) and j over the ``shared`` sentences, as the core's input."""
    import numpy as np

    ref, other = corpus.annotations[i], corpus.annotations[j]

    def lines(a: Annotation):
        return np.frombuffer(a.lines, dtype=np.int32) if len(a.lines) else None

    return ArraySource(corpus.tag_names, ref.ids, other.ids, np.frombuffer(corpus.offsets, dtype=np.int64),
                       shared, lines(ref), lines(other), names=(ref.source, other.source), reader=ref.reader)


class PairScorer:
    """Every pair's report from arrays made once per annotator (issue 15).

    :func:`seqeval_suite.core.score.score` on a pair's :class:`ArraySource` decodes both
    annotators again for every pair. Here each annotator is decoded once over the
    whole corpus (the decoders never look across a sentence boundary, so the entities
    of any set of whole sentences are those the whole-corpus decoding finds there), and
    the per-token facts a report needs (tag counts, transition codes, runs strict mode
    drops, the first invalid and ``O``-typed tag) are kept as arrays. A pair then only
    gathers those over its shared sentences, in the blocks :class:`ArraySource` would
    make, and matches entities; the counts go into the core's
    :class:`~seqeval_suite.core.score.Scorer`, which builds the report, so a report is
    exactly :func:`score`'s (``tests/test_agree_fast.py`` checks it).

    Use :meth:`build`, which returns None where this does not apply (conlleval mode,
    partial or token-level matching, a tag strict mode refuses): there each pair goes
    through :func:`score`, which also raises the error that names such a tag.
    """

    def __init__(self, corpus: Corpus, options: Options) -> None:
        import numpy as np

        self.corpus, self.options = corpus, options
        self.vocab = vocabulary(options)
        self.remap = self.vocab.ids_of(corpus.tag_names)
        self.starts = np.frombuffer(corpus.offsets, dtype=np.int64)
        n = int(self.starts[-1])
        self.first = np.zeros(n, dtype=bool)
        self.first[self.starts[:-1]] = True
        self.last = np.roll(self.first, -1)
        self.sentence = np.cumsum(self.first) - 1
        self.sides = [_SideArrays(self, a) for a in corpus.annotations]
        self._memo: dict[tuple, _SideBlock] = {}

    @classmethod
    def build(cls, corpus: Corpus, options: Options) -> PairScorer | None:
        """The scorer for this corpus, or None when each pair must go through :func:`score`."""
        import numpy as np

        if options.mode not in ("lenient", "strict") or options.match != "strict" or options.level != "entity":
            return None
        _encode(corpus)
        starts = np.frombuffer(corpus.offsets, dtype=np.int64)
        if not corpus.sentences or (np.diff(starts) <= 0).any():
            return None
        scorer = cls(corpus, options)
        if options.mode == "strict" and any(side.refused for side in scorer.sides):
            return None
        return scorer

    def score(self, i: int, j: int, shared):
        """The report of annotator j against annotator i (as gold) on the ``shared``
        sentences (sorted ids), as :func:`score` gives it on :func:`_pair_source`."""
        import numpy as np

        source = _pair_source(self.corpus, i, j, shared)
        scorer = Scorer(self.vocab, self.options, source)
        totals = scorer.totals
        for tokens, sentences, first_local in self._blocks(shared):
            gold = self._side_block(i, tokens, sentences, first_local)
            pred = self._side_block(j, tokens, sentences, first_local)
            for side, block in (("gold", gold), ("pred", pred)):
                _add_side(totals, side, block, self.options)
            _match_block(gold.spans, pred.spans, len(sentences), self.vocab.type_names, totals)
            totals.tokens += gold.n_tokens
            totals.correct_tags += int(np.count_nonzero(self.sides[i].ids[tokens] == self.sides[j].ids[tokens]))
            totals.sentences += len(sentences)
        return scorer.report()

    def _blocks(self, chosen):
        """``(tokens, sentences, first_local)`` per block: the blocks of whole sentences
        :meth:`ArraySource.blocks` makes of the same sentences (same cuts)."""
        import numpy as np

        size = core_source.ARRAY_BLOCK_TOKENS
        starts = self.starts
        lengths = starts[chosen + 1] - starts[chosen]
        cut = np.searchsorted(np.cumsum(lengths), np.arange(1, int(lengths.sum()) // size + 1) * size)
        for part in np.split(np.arange(len(chosen)), np.unique(cut[(cut > 0) & (cut < len(chosen))])):
            sentence, length = chosen[part], lengths[part]
            first_local = np.concatenate(([0], np.cumsum(length)[:-1])).astype(np.int64)
            if int(sentence[-1]) - int(sentence[0]) + 1 == len(part):
                tokens = slice(int(starts[sentence[0]]), int(starts[sentence[-1] + 1]))
            else:
                tokens = np.repeat(starts[sentence] - first_local, length) + np.arange(int(length.sum()))
            yield tokens, sentence, first_local

    def _side_block(self, k: int, tokens, sentences, first_local) -> _SideBlock:
        """Annotator k's facts over one block (kept when the block is a slice: with no
        sentence missing, every pair's blocks are the same slices)."""
        key = (k, tokens.start, tokens.stop) if isinstance(tokens, slice) else None
        found = self._memo.get(key) if key is not None else None
        if found is None:
            found = self.sides[k].block(tokens, sentences, first_local)
            if key is not None:
                self._memo[key] = found
        return found


# ``count_transitions_np``'s letters: code c of a prefix is LETTERS[c].
_LETTERS = "OBIESLU"


class _SideArrays:
    """One annotator's per-token and per-entity arrays over the whole corpus."""

    def __init__(self, scorer: PairScorer, annotation: Annotation) -> None:
        import numpy as np

        vocab, options = scorer.vocab, scorer.options
        first, last = scorer.first, scorer.last
        prefix_of, type_of, invalid_of, rejected_of = vocab.arrays()
        self.scorer = scorer
        self.ids = ids = scorer.remap[annotation.ids]
        self.lines = np.frombuffer(annotation.lines, dtype=np.int32) if len(annotation.lines) else None
        labelled = np.frombuffer(annotation.labelled, dtype=np.uint8).astype(bool)
        self.refused = bool((rejected_of[ids] & labelled[scorer.sentence]).any())
        self.o_type = vocab.o_type_array()[ids]
        prefix, type_ = prefix_of[ids], type_of[ids]
        if options.mode == "strict":
            begin, end, kind = strict_spans_np(prefix, type_, first, last, options.scheme)
            self.run_start = _uncovered_run_starts(prefix, first, begin, end)
        else:
            begin, end, kind = lenient_spans_np(prefix, type_, first, last)
            raw = vocab.raw_prefix_array()[ids]
            self.invalid = invalid_of[ids]
            self.transition = _transition_codes(raw, type_, first)
            self.end_prefix = raw
        if options.types is not None:
            keep = np.array([name in options.types for name in vocab.type_names])[kind]
            begin, end, kind = begin[keep], end[keep], kind[keep]
        self.spans = (scorer.sentence[begin], begin, end, kind)

    def block(self, tokens, sentences, first_local) -> _SideBlock:
        """This annotator's facts over one block of whole sentences."""
        import numpy as np

        scorer = self.scorer
        names = len(scorer.vocab.names)
        ids = self.ids[tokens]
        found = _SideBlock(n_tokens=len(ids), counts=np.bincount(ids, minlength=names))
        at = _first_true(self.o_type[tokens])
        if at is not None:
            found.first_o_type = int(self.lines[tokens][at]) if self.lines is not None else -1
        if scorer.options.mode == "strict":
            found.dropped = int(np.count_nonzero(self.run_start[tokens]))
        else:
            found.transitions = (np.bincount(self.transition[tokens], minlength=98),
                                 np.bincount(self.end_prefix[scorer.starts[sentences + 1] - 1], minlength=7))
            at = _first_true(self.invalid[tokens])
            if at is not None:
                found.first_invalid = int(self.lines[tokens][at]) if self.lines is not None else -1
        # The block's entities, begin and end counted from the block's first token.
        slot = np.full(len(scorer.starts), -1, dtype=np.int64)
        slot[sentences] = np.arange(len(sentences))
        sentence, begin, end, kind = self.spans
        local = slot[sentence]
        keep = local >= 0
        local, sentence = local[keep], sentence[keep]
        shift = first_local[local] - scorer.starts[sentence]
        found.spans = (local, begin[keep] + shift, end[keep] + shift, kind[keep])
        return found


@dataclass
class _SideBlock:
    """One annotator's facts over one block, what ``_score_block`` gathers for a side."""

    n_tokens: int
    counts: object
    first_o_type: int | None = None
    first_invalid: int | None = None
    dropped: int = 0
    transitions: tuple | None = None
    spans: tuple = ()


def _first_true(flags) -> int | None:
    import numpy as np

    return int(np.argmax(flags)) if flags.any() else None


def _transition_codes(raw, type_, first):
    """Per token, the code :func:`~seqeval_suite.core.decode.count_transitions_np` counts
    for it: ``(previous prefix * 7 + prefix) * 2 + same type``, sentence by sentence."""
    import numpy as np

    prev_p, prev_t = np.roll(raw, 1), np.roll(type_, 1)
    prev_p[first] = 0
    prev_t[first] = -1  # nothing equals the type before a sentence's start...
    same = (prev_t == type_) | (first & (raw == 0))  # ...except O's empty type
    return (prev_p.astype(np.int16) * 7 + raw) * 2 + same


def _uncovered_run_starts(prefix, first, begins, ends):
    """Per token, whether a run of non-O tokens no entity covers starts there (what
    :func:`~seqeval_suite.core.decode.uncovered_runs_np` counts)."""
    import numpy as np

    cover = np.bincount(begins, minlength=len(prefix) + 1) - np.bincount(ends, minlength=len(prefix) + 1)
    loose = (prefix != 0) & (np.cumsum(cover[:-1]) == 0)
    before = np.roll(loose, 1)
    before[first] = False
    return loose & ~before


def _add_side(totals, side: str, block: _SideBlock, options: Options) -> None:
    """Add one side's block facts to the core's totals, as ``_score_block`` does."""
    previous = totals.tag_counts[side]
    totals.tag_counts[side] = block.counts.copy() if previous is None else block.counts + previous
    if totals.first_o_type[side] is None and block.first_o_type is not None:
        totals.first_o_type[side] = block.first_o_type
    if options.mode == "strict":
        totals.dropped[side] += block.dropped
        return
    import numpy as np

    codes, ends = block.transitions
    into = totals.transitions[side]
    for code in np.flatnonzero(codes).tolist():
        pair, same_flag = divmod(code, 2)
        into[(_LETTERS[pair // 7], _LETTERS[pair % 7], bool(same_flag))] += int(codes[code])
    for code in np.flatnonzero(ends).tolist():
        into[(_LETTERS[code], "O", False)] += int(ends[code])
    if totals.first_invalid[side] is None and block.first_invalid is not None:
        totals.first_invalid[side] = block.first_invalid


def _match_block(gold, pred, n_sentences: int, type_names: list[str], totals) -> None:
    """Exact span-and-type matching of one block into per-type and per-sentence counts:
    what the core's ``_match_exact`` adds, found by binary search on the sorted,
    non-overlapping spans of each side, and cells counted by ``bincount``."""
    import numpy as np

    from .core.score import add_type_counts

    n_types = len(type_names)
    g_hit, p_hit = _hits(gold, pred), _hits(pred, gold)
    g_kind, p_kind = gold[3], pred[3]
    add_type_counts(totals, g_kind, p_kind, g_hit, p_hit, n_types)
    g_key, p_key = gold[0] * n_types + g_kind, pred[0] * n_types + p_kind
    if not len(g_key) and not len(p_key):
        return
    size = n_sentences * n_types
    if size <= 8 * (len(g_key) + len(p_key)) + (1 << 16):
        cell_tp = np.bincount(g_key[g_hit], minlength=size)
        cell_fn = np.bincount(g_key[~g_hit], minlength=size)
        cell_fp = np.bincount(p_key[~p_hit], minlength=size)
        key = np.flatnonzero(cell_tp + cell_fn + cell_fp)
        cell_tp, cell_fp, cell_fn = cell_tp[key], cell_fp[key], cell_fn[key]
    else:  # many types: sort the keys instead of counting every (sentence, type)
        key, inverse = np.unique(np.concatenate((g_key, p_key)), return_inverse=True)
        flags = np.concatenate((g_hit, np.zeros(len(p_key), dtype=bool)))
        cell_tp = np.bincount(inverse, weights=flags, minlength=len(key)).astype(np.int64)
        cell_fn = np.bincount(inverse[:len(g_key)], weights=~g_hit, minlength=len(key)).astype(np.int64)
        cell_fp = np.bincount(inverse[len(g_key):], weights=~p_hit, minlength=len(key)).astype(np.int64)
    totals.sentence_counts.add_many(key // n_types + totals.sentences, key % n_types, cell_tp, cell_fp,
                                    cell_fn, type_names)


def _hits(spans, others):
    """Which of ``spans`` the other side has too (same begin, end and type); both sides'
    spans are sorted by begin, and no two spans of a side share one."""
    import numpy as np

    _, begin, end, kind = spans
    _, o_begin, o_end, o_kind = others
    if not len(o_begin):
        return np.zeros(len(begin), dtype=bool)
    at = np.minimum(np.searchsorted(o_begin, begin), len(o_begin) - 1)
    return (o_begin[at] == begin) & (o_end[at] == end) & (o_kind[at] == kind)


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
    report.fleiss_kappa, report.fleiss_sentences, report.krippendorff_alpha = _overall_kappas(corpus, labels)


def _overall_kappas(corpus: Corpus, labels) -> tuple[Statistic, int, Statistic]:
    """Fleiss' kappa over the tokens every annotator labelled (and how many sentences
    those are), and Krippendorff's alpha over all labels."""
    import numpy as np

    everyone = np.ones(corpus.sentences, dtype=np.uint8)
    for a in corpus.annotations:
        everyone &= np.frombuffer(a.labelled, dtype=np.uint8)
    # The tokens every annotator labelled are those of the sentences all labelled.
    complete = labels if everyone.all() else labels[:, (labels >= 0).all(axis=0)]
    return fleiss_kappa(complete), int(everyone.sum()), krippendorff_alpha(labels)


# ------------------------------------------------------------------ disagreements
def find_disagreements(corpus: Corpus, options: Options, *, consensus: Consensus | None = None) -> list[dict]:
    """Every group of overlapping spans on which the annotators who labelled the
    sentence do not all give the same single span, sorted by sentence and offset.

    Each row: ``sentence`` (1-based), ``line`` (of the first token, in the first
    annotator's file), ``start``/``end`` (0-based token offsets, end exclusive),
    ``text``, one column per annotator (``TYPE[start,end)`` spans, empty for none,
    ``n/a`` when the annotator did not label the sentence) and ``kind``: ``type``
    (same boundaries, other types), ``boundary`` (boundaries differ) or
    ``missing/extra`` (an annotator has no span there). With a ``consensus``, also
    ``consensus``: its spans that overlap ``start``..``end``, in the same form (empty
    when the consensus has none there), so that an adjudicator works down one list.
    """
    spans_of = _entities_by_sentence(corpus, options)
    rows: list[dict] = []
    offsets = corpus.offsets
    first = corpus.annotations[0]
    for s in range(corpus.sentences):
        a = offsets[s]
        who = [k for k, ann in enumerate(corpus.annotations) if ann.labelled[s]]
        if len(who) < 2:
            continue
        spans = sorted((span, k) for k in who for span in spans_of[k].get(s, ()))
        for group in _overlap_groups(spans):
            row = _disagreement_row(group, who, corpus)
            if row is None:
                continue
            start, end = row.pop("_start"), row.pop("_end")
            text = " ".join(corpus.tokens[a + start:a + end]) if corpus.tokens is not None else ""
            line = first.lines[a + start] if len(first.lines) else ""
            if consensus is not None:
                row["consensus"] = " ".join(f"{t}[{x},{y})" for x, y, t in consensus.spans[s]
                                            if x < end and start < y)
            rows.append({"sentence": s + 1, "line": line, "start": start, "end": end, "text": text,
                         **row})
    return rows


def _decoded(corpus: Corpus, options: Options) -> tuple[list[tuple], list[str]]:
    """Per annotator, its entities in the sentences it labelled as ``(sentence, start,
    end, type)`` int arrays, decoded by the core (lenient decoding in conlleval mode,
    whose chunks equal lenient ones on B/I/O data); and the type names the ids index."""
    import numpy as np

    _encode(corpus)
    vocab = TagVocabulary(options.mode == "strict", options.scheme, options.suffix)
    remap = vocab.ids_of(corpus.tag_names)
    starts = np.frombuffer(corpus.offsets, dtype=np.int64)[:-1]
    out = []
    for annotation in corpus.annotations:
        labelled = np.frombuffer(annotation.labelled, dtype=np.uint8).astype(bool)
        ids = remap[annotation.ids]
        if options.mode == "strict":  # a tag strict mode refuses is read as O here, as parse_all did
            ids = np.where(vocab.arrays()[3][ids], vocab.ids_of(["O"])[0], ids)
        s, b, e, t = decode_entities(ids, starts, vocab, options)[:4]
        keep = labelled[s]
        out.append((s[keep], b[keep], e[keep], t[keep]))
    return out, list(vocab.type_names)


def _entities_by_sentence(corpus: Corpus, options: Options) -> list[dict[int, list]]:
    """Per annotator, sentence -> ``(start, end, type)`` entities (see :func:`_decoded`)."""
    decoded, type_names = _decoded(corpus, options)
    out = []
    for s, b, e, t in decoded:
        by_sentence: dict[int, list] = {}
        for si, bi, ei, ti in zip(s.tolist(), b.tolist(), e.tolist(), t.tolist()):
            by_sentence.setdefault(si, []).append((bi, ei, type_names[ti]))
        out.append(by_sentence)
    return out


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


def _missing_cells(missing: Sequence[str] | str | None) -> list[str]:
    """``missing`` as a list of cells (None: the defaults; a string: comma-separated)."""
    if missing is None:
        return list(DEFAULT_MISSING)
    return missing.split(",") if isinstance(missing, str) else list(missing)


# ------------------------------------------------------------------ nested input (issue 17)
#: Why token-level kappas are undefined for span input (and the reason they carry).
SPAN_KAPPA_REASON = "nested input: entities, not one tag a token"
#: Why the single-alphabet kappas are undefined for layered CoNLL: they exist per layer.
LAYER_KAPPA_REASON = "layered input: one figure per layer (see the per-layer kappas)"


def is_nested(annotations, *, format_in: str | None = None, layers=None, nested: bool = False,
              span_key: str | None = None) -> bool:
    """Whether these settings (or a BRAT input among the annotators) ask for nested
    agreement, as ``evaluate`` decides for two files."""
    if layers is not None or nested or span_key is not None:
        return True
    if isinstance(annotations, (str, os.PathLike)):
        annotations = [annotations]
    if isinstance(annotations, Mapping) or not all(isinstance(a, (str, os.PathLike)) for a in annotations):
        return False
    return any(_is_brat(str(a), format_in) for a in annotations)


def _is_brat(path: str, format_in: str | None) -> bool:
    """BRAT standoff, as ``evaluate`` recognises it unasked: a ``.ann`` file or a folder
    holding one (a lone ``.txt`` is CoNLL unless nested input is asked for)."""
    if format_in is not None:
        return format_in == "brat"
    return path.endswith(".ann") or (os.path.isdir(path) and any(n.endswith(".ann") for n in os.listdir(path)))


def _input_format(path: str, format_in: str | None) -> str:
    """The format nested scoring reads ``path`` in (BRAT for folders and ``.ann``/``.txt``)."""
    from .nested import _span_format  # the rule evaluate_nested itself applies

    return format_in or _span_format(path)


def agree_nested(annotations, *, names=None, gold: str | None = None, columns=None, tag_column: int = -1,
                 missing: Sequence[str] | str | None = None, kappa_on: str = "tags",
                 disagreements: bool = False, layers=None, layer_names=None, span_key=None, type_map=None,
                 tokenizer: str = "whitespace", discontinuous: str = "span", mode: str = "lenient",
                 scheme: str = "auto", suffix: bool = False, types=None, delimiter=None, comments: bool = False,
                 encoding: str = "utf-8", format_in=None, labels=None, alignment: str = "strict") -> AgreementReport:
    """Agreement on nested entities: every pair of annotators' files scored by
    :func:`seqeval_suite.nested.evaluate_nested` (reference as gold), so a pair's report
    is exactly what ``evaluate REF OTHER --layers ...`` (or on span files) prints.

    Rules (issue 17):

    * **Kappas** are defined on one tag a token. Layered CoNLL has one tag a token per
      layer, so Cohen's kappa per pair, Fleiss' kappa and Krippendorff's alpha are
      computed per layer over that layer's tag column (``kappa_on`` applies); the
      single-alphabet figures are undefined with :data:`LAYER_KAPPA_REASON`. Span input
      has no tags: every kappa is undefined with :data:`SPAN_KAPPA_REASON` (never NaN).
    * **Missing labels.** A pair is scored on whole files, as ``evaluate`` scores them,
      so no sentence can be left out of one pair: a layered file whose sentence holds
      a ``missing`` cell is refused (file and line named), and ``missing`` with span
      input, which has no tag cells, is a usage error.
    * **Disagreements** (``disagreements=True``): one row per entity (span and type)
      that not every annotator has the same number of times, from
      :func:`find_nested_disagreements`.

    Args: as :func:`agree`; ``annotations`` must be two or more paths (not stdin: each
    file is read once per pair).

    Raises:
        UsageError: ``columns``, ``tag_column``, conlleval mode, ``layers`` with
            gold:pred columns, files in different formats, stdin, ``missing`` with
            span input. DataError: annotators over different sentences or tokens
            (both files and the sentence named), an unlabelled sentence, bad input.
    """
    paths, source, layer_spec = _check_nested_call(annotations, columns=columns, tag_column=tag_column,
                                                   missing=missing, mode=mode, layers=layers, format_in=format_in)
    options = Options.build(mode=mode, scheme=scheme, suffix=suffix, types=types, delimiter=delimiter,
                            comments=comments, encoding=encoding)
    names_ = _resolve_names([Path(p).name.split(".")[0] for p in paths], names)
    _check_names(names_)
    if gold is not None and gold not in names_:
        raise DataError(f"--gold {gold!r} is not an annotator", hint="annotators are " + ", ".join(names_))
    missing_cells = _missing_cells(missing)
    layer_corpora = None
    if layer_spec is not None:
        layer_corpora = _layer_corpora(paths, names_, layer_spec, layer_names, options, frozenset(missing_cells))
    settings = dict(layers=layer_spec, type_map=type_map, format_in=format_in, span_key=span_key,
                    tokenizer=tokenizer, discontinuous=discontinuous, mode=mode, scheme=scheme, suffix=suffix,
                    types=types, delimiter=delimiter, comments=comments, encoding=encoding, labels=labels,
                    alignment=alignment)
    report = AgreementReport(
        annotators=names_, pairs=[], fleiss_kappa=Statistic(None), krippendorff_alpha=Statistic(None),
        options=options, gold=gold, kappa_on=kappa_on, missing=tuple(dict.fromkeys(missing_cells)),
    )
    matrices = {name: _label_matrix(corpus, kappa_on, options) for name, corpus in (layer_corpora or {}).items()}
    for i, j in combinations(range(len(paths)), 2):
        if gold is not None and names_[j] == gold:
            i, j = j, i
        pair = evaluate_nested(paths[i], paths[j], layer_names=layer_names, **settings)
        for message in pair.warnings:
            if message not in report.warnings:
                report.warnings.append(message)
        report.pairs.append(_nested_pair(names_[i], names_[j], pair, matrices, i, j))
    _nested_totals(report, _nested_input(source, layer_corpora, matrices))
    first_layer = next(iter(layer_corpora.values())) if layer_corpora else None
    if first_layer is not None:
        report.warnings.extend(w for w in first_layer.warnings if w not in report.warnings)
    if disagreements:
        report.disagreements = find_nested_disagreements(paths, report.annotators, settings, first_layer)
    report.input_names = {display_name(p): name for p, name in zip(paths, names_)}
    return report


def _nested_totals(report: AgreementReport, nested: NestedInput) -> None:
    """Corpus-wide figures of nested input: every pair covers every sentence (none
    can be missing), and the single-alphabet kappas are undefined with the reason."""
    first = report.pairs[0].report
    report.sentences, report.tokens = first.sentences, first.tokens
    report.labelled = {name: first.sentences for name in report.annotators}
    report.nested = nested
    report.fleiss_kappa = report.krippendorff_alpha = Statistic(None, nested.kappa_reason, 0)
    layers = list((nested.kappa_layers or {}).values())
    report.fleiss_sentences = layers[0]["fleiss_sentences"] if layers else 0


def _check_nested_call(annotations, *, columns, tag_column, missing, mode, layers, format_in):
    """Refuse what nested agreement cannot do; return ``(paths, source, layers)``:
    ``source`` is ``layers`` or the span format, ``layers`` the spec as a string (the
    form ``evaluate --layers`` takes, so pair signatures match) or None."""
    if columns is not None:
        raise UsageError("--columns reads one tag column per annotator; nested input is one file per annotator",
                         hint="give each annotator's file; --layers names the layer columns, the same in each")
    if tag_column != -1:
        raise UsageError("--tag-column reads one tag a token; nested input has layers or spans",
                         hint="name the layer columns with --layers")
    if str(mode).lower() == "conlleval":
        raise UsageError("--mode conlleval cannot score nested entities: conlleval.pl reads one tag column",
                         hint="use --mode lenient or strict")
    if isinstance(annotations, (str, os.PathLike)):
        annotations = [annotations]
    if isinstance(annotations, Mapping) or not all(isinstance(a, (str, os.PathLike)) for a in annotations):
        raise UsageError("nested agreement reads annotators' files", hint="pass two or more paths")
    paths = [str(a) for a in annotations]
    for path in paths:
        if path == "-" or (os.path.exists(path) and stat.S_ISFIFO(os.stat(path).st_mode)):
            raise UsageError(f"{path}: nested agreement reads each file once per pair, and a stream only once",
                             hint="save it to a file first")
    if layers is not None:
        spec = layers if isinstance(layers, str) else ",".join(str(int(c)) for c in layers)
        if ":" in spec:
            raise UsageError(f"--layers {spec!r}: agree reads one file per annotator, with the same columns in each",
                             hint="name them once, e.g. --layers 1,2,3")
        parse_layers(spec, one_file=False)
        not_conll = [(p, f) for p in paths if (f := format_in or detect_format(p)) != "conll"]
        if not_conll:
            path, fmt = not_conll[0]
            raise UsageError(f"--layers reads layered CoNLL, but {display_name(path)} is read as {fmt}",
                             hint="span files (JSON Lines, Label Studio, DocBin, BRAT) need no --layers")
        return paths, "layers", spec
    formats = {p: _input_format(p, format_in) for p in paths}
    if len(set(formats.values())) > 1:
        listed = ", ".join(f"{display_name(p)} is {f}" for p, f in formats.items())
        raise UsageError(f"nested agreement reads every annotator in one format: {listed}",
                         hint="convert the files to one format first (seqeval-suite convert)")
    source = formats[paths[0]]
    if source not in SPAN_FORMATS:
        raise UsageError(f"{display_name(paths[0])}: nested input in CoNLL needs --layers",
                         hint="name the tag columns of each file's layers, e.g. --layers 1,2,3")
    if missing is not None:
        raise UsageError(f"--missing marks unlabelled tag cells, and {source} input has no tags",
                         hint="leave --missing out with span input")
    return paths, source, None


def _layer_corpora(paths, names, spec: str, layer_names, options: Options, missing: frozenset[str]):
    """Every layer's tag column of every annotator, read as a flat :class:`Corpus`
    (layer name -> corpus); the readers check that the annotators hold the same
    sentences and tokens, naming both files and the sentence where not.

    Raises:
        DataError: a sentence an annotator marked unlabelled (a ``missing`` cell).
    """
    columns, _ = parse_layers(spec, one_file=False)
    if isinstance(layer_names, str):
        layer_names = layer_names.split(",")
    if layer_names is not None and len(layer_names) != len(columns):
        raise UsageError(f"--layer-names gives {len(layer_names)} names for {len(columns)} layers")
    keys = list(layer_names) if layer_names is not None else [str(k) for k in range(1, len(columns) + 1)]
    corpora = {}
    for key, column in zip(keys, columns):
        try:
            corpus = read_corpus(paths, names=names, tag_column=column, options=options, missing=missing)
        except DataError as exc:
            if exc.hint == _COLUMN_HINT:  # the reader's hint names flat agree's options
                exc.hint = "--layers names the tag columns, 0-based (the token is column 0)"
            raise
        _refuse_unlabelled(corpus, missing)
        corpora[key] = corpus
    return corpora


def _refuse_unlabelled(corpus: Corpus, missing: frozenset[str]) -> None:
    """Pairs of nested input are scored on whole files, so no sentence may be missing.

    Raises:
        DataError: naming the first missing cell (file and line) of the first annotator
            that has one.
    """
    for k, annotation in enumerate(corpus.annotations):
        unlabelled = annotation.labelled.find(0)
        if unlabelled < 0:
            continue
        first, end = corpus.offsets[unlabelled], corpus.offsets[unlabelled + 1]
        tags = corpus.tags_of(k)[first:end]
        at = first + next(t for t, tag in enumerate(tags) if tag in missing)
        where = f"{annotation.source}:{annotation.lines[at]}" if len(annotation.lines) else annotation.source
        raise DataError(
            f"{where}: {corpus.tags_of(k)[at]!r} marks sentence {unlabelled + 1} as not labelled (--missing), "
            "but nested agreement scores every sentence of every pair, as evaluate does",
            hint="label the sentence, or remove it from every annotator's file",
        )


def _nested_pair(reference: str, annotator: str, report: Report, matrices: dict, i: int, j: int) -> PairResult:
    """One pair of nested input: its report and, for layered CoNLL, kappas per layer."""
    reason = LAYER_KAPPA_REASON if matrices else SPAN_KAPPA_REASON
    undefined = Statistic(None, reason, 0)
    kappa_layers = None
    if matrices:
        kappa_layers = {}
        for name, (labels, outside) in matrices.items():
            kappa, kappa_entity = _pair_kappas(labels, outside, i, j)
            kappa_layers[name] = {"kappa": kappa, "kappa_entity": kappa_entity}
    return PairResult(reference, annotator, report.sentences, report.tokens, report, undefined, undefined,
                      kappa_layers)


def _nested_input(source: str, corpora: dict | None, matrices: dict) -> NestedInput:
    if not corpora:
        return NestedInput(source, None, None, SPAN_KAPPA_REASON)
    kappas = {}
    for name, corpus in corpora.items():
        fleiss, sentences, alpha = _overall_kappas(corpus, matrices[name][0])
        kappas[name] = {"fleiss_kappa": fleiss, "fleiss_sentences": sentences, "krippendorff_alpha": alpha}
    return NestedInput(source, list(corpora), kappas, LAYER_KAPPA_REASON)


def find_nested_disagreements(paths: Sequence[str], names: Sequence[str], settings: dict,
                              corpus: Corpus | None = None) -> list[dict]:
    """Every entity (span and type) that not all annotators have the same number of
    times, one row each, sorted by sentence, start, end and type.

    Entities are compared as the pair reports match them: exact span and type, as a
    multiset, layers ignored (the same entity in another layer column is shared).
    Each row: ``sentence`` (1-based), ``line`` (the entity's first token in the first
    annotator's file for layered CoNLL, else where the sentence starts: JSON Lines
    record, BRAT ``.txt`` line, Label Studio task, DocBin doc), ``start``/``end``
    (0-based token offsets, end exclusive), ``text``, ``type`` and, per annotator, how
    many times that annotator has the entity (0 when not at all).

    ``settings``: the keyword arguments of :func:`seqeval_suite.nested.nested_sentences`;
    ``corpus``: a layer's corpus of layered CoNLL input, for token lines.
    """
    from collections import Counter

    from .nested import nested_sentences

    # The first annotator is the gold side of every stream, so each stream adds one annotator.
    streams = [nested_sentences(paths[0], other, **settings) for other in paths[1:]]
    rows: list[dict] = []
    for s, sentences in enumerate(zip(*streams)):
        first = sentences[0]
        held = [Counter((b, e, t) for b, e, t, _layer in side)
                for side in [first.gold, *(x.pred for x in sentences)]]
        for start, end, name in sorted(set().union(*held)):
            counts = [h[(start, end, name)] for h in held]
            if len(set(counts)) == 1:
                continue
            line = first.line
            if corpus is not None and len(corpus.annotations[0].lines):
                line = corpus.annotations[0].lines[corpus.offsets[s] + start]
            rows.append({"sentence": s + 1, "line": line, "start": start, "end": end,
                         "text": " ".join(first.tokens[start:end]), "type": name,
                         **dict(zip(names, counts))})
    return rows
