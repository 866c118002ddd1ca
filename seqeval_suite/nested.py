"""Nested and overlapping entities: layered CoNLL, span inputs, and their reports (issue 17).

An entity is ``(sentence, start, end, type)`` as everywhere else; here a side may hold
entities that nest or overlap, and the same span more than once with different types.

**Exact matching** is unchanged: a predicted entity is correct when gold has one with the
same span and type. Entities are a multiset, so two identical gold entities need two
identical predictions. Layers play no part in the overall figures, so the same
annotation gives the same overall report from layered CoNLL, BRAT or JSON Lines.

**Layers.** Each entity has a layer: for layered CoNLL (``--layers``) the tag column it
came from (1 = the first listed); for span inputs its nesting depth (below). The
per-layer figures match each layer against the same layer of the other side, and
``combined`` adds up the per-layer counts: that is GermEval 2014's official "strict,
combined" metric (outer and inner chunks each compared with their own level, then
pooled); the "strict outer" and "strict inner" metrics are layers 1 and 2.

**Depth, outer and inner, flat and nested** are read from the geometry of one side's
entities in a sentence: an entity's depth is 1 + the number of entities of the same side
whose span strictly contains it (contains it and is longer); depth 1 is *outer*, deeper
is *inner*. An entity is *nested* when it shares a token with another entity of its side
(it contains one, lies inside one, or crosses one), else *flat*. These breakdowns
count each entity in the bucket of its own side's geometry, as the error-analysis
buckets do: recall over the gold entities in the bucket, precision over the predicted
ones (Zheng et al. 2019 and later nested-NER papers report flat/nested this way).

**Partial matching** (``--match exact|partial|type``) runs nervaluate's greedy rule
(:mod:`seqeval_suite.partial`) on every sentence with all its entities, overlapping or
not; nervaluate 1.2.1 on the same span lists is the test oracle.
"""
from __future__ import annotations

import dataclasses

from dataclasses import dataclass, field
from typing import Iterable, Iterator, Sequence

from .counts import Counts
from .errors import DataError, UsageError
from .report import Report, SentenceCounts

#: Formats whose sentences carry entity spans (nesting allowed) rather than one tag a token.
SPAN_FORMATS = ("jsonl", "labelstudio", "spacy", "brat")
BUCKETS = ("flat", "nested", "outer", "inner")


# ---------------------------------------------------------------------- settings
def parse_layers(spec: str | Sequence[int] | None, one_file: bool) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """``--layers``: the tag columns of each side, 0-based.

    ``"2,3"`` names the same columns in the gold and the prediction file (two files);
    ``"2,3:4,5"`` names gold columns, then prediction columns (one file holding both,
    as GermEval's evaluation input ``index token gold-outer gold-inner pred-outer
    pred-inner``). A list of ints is the ``"2,3"`` form.

    Raises:
        UsageError: an empty or malformed spec, sides of different lengths, a one-file
            input without prediction columns.

    >>> parse_layers("2,3", one_file=False), parse_layers("2,3:4,5", one_file=True)
    (((2, 3), (2, 3)), ((2, 3), (4, 5)))
    """
    if spec is None:
        return None
    if isinstance(spec, str):
        parts = spec.split(":")
        try:
            sides = [tuple(int(c) for c in part.split(",") if c.strip()) for part in parts]
        except ValueError:
            raise UsageError(f"--layers {spec!r}: expected column numbers such as 2,3 or 2,3:4,5") from None
    else:
        sides = [tuple(int(c) for c in spec)]
    if len(sides) > 2 or not all(sides):
        raise UsageError(f"--layers {spec!r}: expected column numbers such as 2,3 or 2,3:4,5")
    if len(sides) == 1:
        if one_file:
            raise UsageError("--layers for one file needs gold and prediction columns",
                             hint="write them as GOLD:PRED, e.g. --layers 2,3:4,5")
        sides.append(sides[0])
    if len(sides[0]) != len(sides[1]):
        raise UsageError(f"--layers {spec!r}: {len(sides[0])} gold but {len(sides[1])} prediction columns")
    return sides[0], sides[1]


def parse_type_map(spec: str | dict | None) -> dict[str, str | None] | None:
    """``--type-map``: rename entity types before matching (``LOCderiv=LOC``).

    ``spec`` is a dict, ``"A=B,C=D"`` (``A=`` drops type A), or a file with one
    ``A=B`` or ``A B`` per line (``#`` comments). GermEval 2014's loose metrics fold
    ``deriv``/``part`` types into their base type: ``corpora/germeval/loose.map``.

    Raises:
        UsageError: a malformed entry, or a type mapped twice.
        DataError: an unreadable file.
    """
    if spec is None or isinstance(spec, dict):
        return spec
    import os

    if os.path.isfile(spec):
        try:
            with open(spec, encoding="utf-8") as fh:
                entries = [line.split("#", 1)[0].strip() for line in fh]
        except (OSError, UnicodeDecodeError) as exc:
            raise DataError(f"{spec}: cannot read the type map ({exc})") from None
        entries = [e.replace("\t", "=").replace(" ", "=", 1) if "=" not in e else e for e in entries if e]
    else:
        entries = [e.strip() for e in spec.split(",") if e.strip()]
    mapping: dict[str, str | None] = {}
    for entry in entries:
        source, sep, target = entry.partition("=")
        source, target = source.strip(), target.strip()
        if not sep or not source:
            raise UsageError(f"--type-map entry {entry!r}: expected OLD=NEW (or OLD= to drop)")
        if not target.isprintable():
            # A zero-width or no-break-space character makes a look-alike type (issue 16 case 2);
            # a source may hold one: it is matched as written, and mapping it repairs the data.
            raise UsageError(f"--type-map entry {entry!r}: the new type name holds an invisible character",
                             hint="retype the entry; only printable characters make a type name")
        if source in mapping:
            raise UsageError(f"--type-map maps {source!r} twice")
        mapping[source] = target or None
    return mapping


# ---------------------------------------------------------------------- geometry
def depths(start, end):
    """Nesting depth of each entity of one sentence of one side (1 = outermost).

    ``start``/``end``: int sequences (end exclusive). Depth is 1 + the number of other
    entities whose span contains this one and is longer.

    >>> depths([0, 0, 1, 3], [4, 2, 2, 4])
    [1, 2, 3, 2]
    """
    spans = list(zip(start, end))
    return [1 + sum(1 for (s, e) in spans if s <= b and f <= e and e - s > f - b) for b, f in spans]


def depths_np(sentence, start, end):
    """:func:`depths` for many sentences at once (int arrays; any order): every pair of
    entities of one sentence is compared, so the work is the sum of squared sentence
    sizes, small for entities that nest."""
    import numpy as np

    m = len(sentence)
    if not m:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(sentence, kind="stable")
    s, b, e = sentence[order], start[order], end[order]
    new_group = np.ones(m, dtype=bool)
    new_group[1:] = s[1:] != s[:-1]
    group = np.cumsum(new_group) - 1
    group_first = np.flatnonzero(new_group)
    size = np.diff(np.append(group_first, m))[group]
    i = np.repeat(np.arange(m), size)
    within = np.arange(len(i)) - np.repeat(np.cumsum(size) - size, size)
    j = group_first[group[i]] + within
    contains = (b[j] <= b[i]) & (e[i] <= e[j]) & (e[j] - b[j] > e[i] - b[i])
    result = np.empty(m, dtype=np.int64)
    result[order] = 1 + np.bincount(i, weights=contains, minlength=m).astype(np.int64)
    return result


def nested_flags(sentence, start, end, n_tokens: int):
    """For each entity (int arrays), whether it shares a token with another entity of
    the same side (``n_tokens``: the size of the token axis that ``start``/``end``
    index into, sentences laid end to end)."""
    import numpy as np

    cover = np.zeros(n_tokens + 1, dtype=np.int64)
    np.add.at(cover, start, 1)
    np.add.at(cover, end, -1)
    depth_at = np.cumsum(cover)[:-1]
    covered = np.concatenate(([0], np.cumsum(depth_at)))
    return covered[end] - covered[start] > end - start


# ---------------------------------------------------------------------- matching
def multiset_hits(g_keys, p_keys):
    """Which gold and which predicted entities are matched when equal keys pair up one
    to one (a key twice in gold and once in prediction: one hit, one miss).

    Returns ``(gold_hit, pred_hit)`` bool arrays; the first occurrences of a key (in
    input order) are the matched ones.
    """
    import numpy as np

    def ranks(keys):
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        new_run = np.ones(len(ordered), dtype=bool)
        new_run[1:] = ordered[1:] != ordered[:-1]
        run_first = np.maximum.accumulate(np.where(new_run, np.arange(len(ordered)), 0))
        rank = np.empty(len(keys), dtype=np.int64)
        rank[order] = np.arange(len(ordered)) - run_first
        return rank, ordered

    g_rank, g_sorted = ranks(g_keys)
    p_rank, p_sorted = ranks(p_keys)
    if not g_rank.any() and not p_rank.any():  # no key twice on a side: plain membership
        return _member(g_keys, p_sorted), _member(p_keys, g_sorted)

    def count_in(sorted_keys, keys):
        return np.searchsorted(sorted_keys, keys, "right") - np.searchsorted(sorted_keys, keys, "left")

    return g_rank < count_in(p_sorted, g_keys), p_rank < count_in(g_sorted, p_keys)


def _member(keys, sorted_keys):
    """Whether each key occurs in ``sorted_keys`` (one binary search per key)."""
    import numpy as np

    if not len(sorted_keys):
        return np.zeros(len(keys), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[at] == keys


@dataclass
class EntityArrays:
    """One side's entities of a batch of aligned sentences (parallel int arrays).

    ``sentence`` counts from the batch's first sentence; ``start``/``end`` from the
    sentence's first token; ``type`` indexes the scorer's type names; ``layer`` is
    1-based (0: not known yet, filled with the depth).
    """

    sentence: object
    start: object
    end: object
    type: object
    layer: object

    @classmethod
    def empty(cls) -> "EntityArrays":
        import numpy as np

        z = np.zeros(0, dtype=np.int64)
        return cls(z, z, z, z, z)

    def take(self, keep) -> "EntityArrays":
        return EntityArrays(self.sentence[keep], self.start[keep], self.end[keep], self.type[keep], self.layer[keep])

    def __len__(self) -> int:
        return len(self.sentence)


@dataclass
class _Bucket:
    gold: int = 0
    gold_hit: int = 0
    pred: int = 0
    pred_hit: int = 0

    def figures(self) -> dict:
        from .counts import f1_of, ratio

        precision, recall = ratio(self.pred_hit, self.pred), ratio(self.gold_hit, self.gold)
        return {"precision": precision, "recall": recall, "f1": f1_of(precision, recall),
                "gold": self.gold, "pred": self.pred, "gold_matched": self.gold_hit,
                "pred_matched": self.pred_hit}


@dataclass
class NestedScorer:
    """Accumulates nested-entity counts batch by batch; :meth:`report` builds the report.

    ``match``: ``strict`` (exact span and type) or a partial-match schema.
    """

    match: str = "strict"
    types: tuple[str, ...] | None = None
    type_map: dict | None = None
    layer_names: list[str] | None = None
    layer_source: str = "depth"
    type_names: list[str] = field(default_factory=list)
    #: Every type read on either side after the type map, before the ``types`` filter.
    seen_types: set = field(default_factory=set)
    _type_index: dict = field(default_factory=dict)
    per_type: dict = field(default_factory=dict)
    per_layer: dict = field(default_factory=dict)
    buckets: dict = field(default_factory=lambda: {name: _Bucket() for name in BUCKETS})
    max_depth: dict = field(default_factory=lambda: {"gold": 0, "pred": 0})
    entities: dict = field(default_factory=lambda: {"gold": 0, "pred": 0})
    sentence_counts: SentenceCounts = field(default_factory=SentenceCounts)
    sentences: int = 0
    tokens: int = 0
    partial: object = None
    #: Per-sentence doubled-credit cells of the chosen partial-match schema.
    partial_cells: SentenceCounts = field(default_factory=SentenceCounts)

    def __post_init__(self) -> None:
        if self.match != "strict":
            from .partial import PartialMatcher

            self.partial = PartialMatcher()

    def type_id(self, name: str) -> int | None:
        """The id of a type name after the type map and ``types`` filter (None: dropped)."""
        key = ("name", name)
        found = self._type_index.get(key, -1)
        if found != -1:
            return found
        mapped = self.type_map.get(name, name) if self.type_map else name
        if mapped:
            self.seen_types.add(mapped)  # before the filter: what --types is checked against
        if mapped is None or (self.types is not None and mapped not in self.types):
            result = None
        else:
            result = self._type_index.get(("type", mapped))
            if result is None:
                result = self._type_index[("type", mapped)] = len(self.type_names)
                self.type_names.append(mapped)
        self._type_index[key] = result
        return result

    def add(self, gold: EntityArrays, pred: EntityArrays, lengths) -> None:
        """Count one batch: ``lengths`` holds each sentence's token count."""
        import numpy as np

        lengths = np.asarray(lengths, dtype=np.int64)
        offsets = np.concatenate(([0], np.cumsum(lengths)))
        n_tokens = int(offsets[-1])
        sides = {"gold": gold, "pred": pred}
        geometry = {}
        for side, ents in sides.items():
            absolute_start = offsets[ents.sentence] + ents.start
            absolute_end = offsets[ents.sentence] + ents.end
            nested = nested_flags(ents.sentence, absolute_start, absolute_end, n_tokens)
            depth = np.ones(len(ents), dtype=np.int64)
            at = np.flatnonzero(nested)
            depth[at] = depths_np(ents.sentence[at], ents.start[at], ents.end[at])
            if len(ents):
                self.max_depth[side] = max(self.max_depth[side], int(depth.max()))
            if self.layer_source == "depth":
                ents.layer = depth
            geometry[side] = (nested, depth)
            self.entities[side] += len(ents)
        width = int(lengths.max(initial=0)) + 1
        n_types = max(len(self.type_names), 1)

        def keys(ents, with_layer=False):
            key = ((ents.sentence * width + ents.start) * width + ents.end) * n_types + ents.type
            return key * 1024 + ents.layer if with_layer else key

        g_hit, p_hit = multiset_hits(keys(gold), keys(pred))
        self._count_types(gold, pred, g_hit, p_hit, n_types)
        self._count_buckets(geometry, g_hit, p_hit)
        gl_hit, pl_hit = multiset_hits(keys(gold, True), keys(pred, True))
        for layer in np.union1d(gold.layer, pred.layer).tolist():
            cell = self.per_layer.setdefault(layer, {})
            g_in, p_in = gold.layer == layer, pred.layer == layer
            for t in np.union1d(gold.type[g_in], pred.type[p_in]).tolist():
                g_t, p_t = g_in & (gold.type == t), p_in & (pred.type == t)
                counts = cell.setdefault(t, [0, 0, 0])
                counts[0] += int(np.count_nonzero(gl_hit & g_t))
                counts[1] += int(np.count_nonzero(~pl_hit & p_t))
                counts[2] += int(np.count_nonzero(~gl_hit & g_t))
        if self.partial is not None:
            self._add_partial(gold, pred, len(lengths))
        self.sentences += len(lengths)
        self.tokens += n_tokens

    def _count_types(self, gold, pred, g_hit, p_hit, n_types) -> None:
        import numpy as np

        tp = np.bincount(gold.type[g_hit], minlength=n_types)
        fn = np.bincount(gold.type[~g_hit], minlength=n_types)
        fp = np.bincount(pred.type[~p_hit], minlength=n_types)
        for t in np.flatnonzero(tp + fn + fp).tolist():
            cell = self.per_type.setdefault(t, [0, 0, 0])
            cell[0] += int(tp[t])
            cell[1] += int(fp[t])
            cell[2] += int(fn[t])
        cell_key = np.concatenate((gold.sentence * n_types + gold.type, pred.sentence * n_types + pred.type))
        if not len(cell_key):
            return
        values = np.zeros((len(cell_key), 3), dtype=np.int64)
        values[: len(gold), 0] = g_hit
        values[: len(gold), 2] = ~g_hit
        values[len(gold):, 1] = ~p_hit
        unique, inverse = np.unique(cell_key, return_inverse=True)
        summed = np.zeros((len(unique), 3), dtype=np.int64)
        np.add.at(summed, inverse, values)
        self.sentence_counts.add_many(unique // n_types + self.sentences, unique % n_types, summed[:, 0],
                                      summed[:, 1], summed[:, 2], self.type_names)

    def _count_buckets(self, geometry, g_hit, p_hit) -> None:
        import numpy as np

        for side, hits in (("gold", g_hit), ("pred", p_hit)):
            nested, depth = geometry[side]
            for name, members in (("flat", ~nested), ("nested", nested), ("outer", depth == 1),
                                  ("inner", depth > 1)):
                bucket = self.buckets[name]
                total, hit = int(np.count_nonzero(members)), int(np.count_nonzero(members & hits))
                if side == "gold":
                    bucket.gold += total
                    bucket.gold_hit += hit
                else:
                    bucket.pred += total
                    bucket.pred_hit += hit

    def _add_partial(self, gold, pred, n_sentences: int) -> None:
        from .partial import doubled_credit

        per_sentence: dict[int, tuple[list, list]] = {}
        for side, ents in enumerate((gold, pred)):
            for s, b, e, t in zip(ents.sentence.tolist(), ents.start.tolist(), ents.end.tolist(),
                                  ents.type.tolist()):
                per_sentence.setdefault(s, ([], []))[side].append((b, e, self.type_names[t]))
        for s in sorted(per_sentence):
            g, p = per_sentence[s]
            counts = self.partial.add(sorted(g), sorted(p))[self.match]
            tp, fp, fn = doubled_credit(counts, self.match)
            self.partial_cells.add(s + self.sentences, "*", tp, fp, fn)

    # ------------------------------------------------------------------ report
    def counts_by_type(self, table: dict) -> dict[str, Counts]:
        return {self.type_names[t]: Counts(*c) for t, c in table.items()}

    def nested_section(self) -> dict:
        """The ``nested`` object of the JSON report (see the README for its keys)."""
        from .counts import total

        layers = {}
        for layer in sorted(self.per_layer):
            per_type = self.counts_by_type(self.per_layer[layer])
            layers[self.layer_name(layer)] = {"micro": total(per_type.values()).scores(),
                                              "per_type": {t: per_type[t].scores() for t in sorted(per_type)}}
        combined_types: dict[str, Counts] = {}
        for layer_types in self.per_layer.values():
            for t, c in self.counts_by_type(layer_types).items():
                combined_types[t] = combined_types.get(t, Counts()) + c
        return {
            "entities": dict(self.entities),
            "max_depth": dict(self.max_depth),
            "layer_source": self.layer_source,
            "layers": layers,
            "combined": {"micro": total(combined_types.values()).scores(),
                         "per_type": {t: combined_types[t].scores() for t in sorted(combined_types)}},
            "buckets": {name: self.buckets[name].figures() for name in BUCKETS},
        }

    def layer_name(self, layer: int) -> str:
        if self.layer_names and 0 < layer <= len(self.layer_names):
            return self.layer_names[layer - 1]
        return str(layer)

    def fill(self, report: Report) -> None:
        """Put the counts into ``report`` (per type, sentence cells, the nested section)."""
        report.per_type = self.counts_by_type(self.per_type)
        report.sentence_counts = self.sentence_counts
        report.nested = self.nested_section()
        if self.partial is not None:
            from .partial import as_counts

            report.match = self.match
            report.partial = self.partial.results()
            report.exact_per_type = report.per_type
            report.match_cells = self.partial_cells
            report.per_type = {t: as_counts(c[self.match], self.match) for t, c in self.partial.per_type.items()}
            report.micro_override = as_counts(self.partial.overall[self.match], self.match)


# ---------------------------------------------------------------------- span inputs
def span_batches(pairs: Iterable[tuple], scorer: NestedScorer, batch: int = 4096) -> Iterator[tuple]:
    """Turn aligned ``(gold SpanSentence, pred SpanSentence)`` pairs into scorer batches
    ``(gold EntityArrays, pred EntityArrays, lengths)``."""
    import numpy as np

    rows: dict[str, list] = {"gold": [], "pred": []}
    lengths: list[int] = []

    def flush():
        out = []
        for side in ("gold", "pred"):
            table = np.array(rows[side], dtype=np.int64).reshape(-1, 4)
            out.append(EntityArrays(table[:, 0], table[:, 1], table[:, 2], table[:, 3],
                                    np.zeros(len(table), dtype=np.int64)))
        return (*out, np.array(lengths, dtype=np.int64))

    for g, p in pairs:
        k = len(lengths)
        for side, sentence in (("gold", g), ("pred", p)):
            for start, end, name in sentence.entities:
                t = scorer.type_id(name)
                if t is not None:
                    rows[side].append((k, start, end, t))
        lengths.append(len(g.tokens))
        if len(lengths) >= batch:
            yield flush()
            rows, lengths = {"gold": [], "pred": []}, []
    if lengths:
        yield flush()


def aligned_span_pairs(gold: Iterable, pred: Iterable, gold_name: str, pred_name: str) -> Iterator[tuple]:
    """Zip two sides' :class:`~seqeval_suite.io.tagged.SpanSentence` streams, checking
    that they hold the same sentences and tokens.

    Raises:
        DataError: a side ends first, or a sentence differs in length or a token
            (naming both files, the sentence and the lines).
    """
    from .core.source import length_error, token_error

    g_iter, p_iter = iter(gold), iter(pred)
    index = 0
    while True:
        g = next(g_iter, None)
        p = next(p_iter, None)
        if g is None and p is None:
            return
        index += 1
        if g is None or p is None:
            longer, shorter, sentence = (pred_name, gold_name, p) if g is None else (gold_name, pred_name, g)
            raise DataError(f"{longer} has more sentences than {shorter}: sentence {index} "
                            f"({longer}:{sentence.line}) has no partner",
                            hint="both sides must hold the same sentences in the same order")
        g_where, p_where = f"{gold_name}:{g.line}", f"{pred_name}:{p.line}"
        if len(g.tokens) != len(p.tokens):
            raise length_error(index, len(g.tokens), len(p.tokens), g_where, p_where)
        for k, (a, b) in enumerate(zip(g.tokens, p.tokens)):
            if a != b:
                raise token_error(index, k, a, b, g_where, p_where)
        yield g, p


# ---------------------------------------------------------------------- layered CoNLL
def layered_batches(source, vocab, options, layers, scorer: NestedScorer, state: dict) -> Iterator[tuple]:
    """Decode every layer column of a :class:`~seqeval_suite.core.source.ConllSource`'s
    blocks (each input read once) into scorer batches; ``state`` collects tag
    statistics (correct cells, invalid tags, transitions) for the report."""
    import numpy as np

    from .core.decode import count_transitions_np
    from .core.score import decode_entities
    from .core.source import side_ids

    g_cols, p_cols = layers
    remap = None
    unfiltered = dataclasses.replace(options, types=None)
    for g_block, p_blocks, _done in source.side_blocks():
        p_block = p_blocks[0]
        first = np.asarray(g_block.sentence_first, dtype=np.int64)
        sides = {"gold": [], "pred": []}
        ids_by_side = {"gold": [], "pred": []}
        for side, block, cols, name in (("gold", g_block, g_cols, source.gold_name),
                                        ("pred", p_block, p_cols, source.pred_name)):
            for layer, col in enumerate(cols, 1):
                ids = side_ids(block, col, vocab, name,
                               hint="--layers names the tag columns, 0-based (the token is column 0)")
                ids_by_side[side].append(ids)
                # Every type decoded: the scorer maps types (--type-map) and only then
                # filters them (--types), as the span readers do.
                sentence, start, end, kind = decode_entities(ids, first, vocab, unfiltered)
                if remap is None or len(remap) < len(vocab.type_names):
                    remap = np.array([_or_minus_one(scorer.type_id(t)) for t in vocab.type_names] or [-1],
                                     dtype=np.int64)
                mapped = remap[kind]
                keep = mapped >= 0
                sides[side].append(EntityArrays(sentence[keep], start[keep], end[keep], mapped[keep],
                                                np.full(int(keep.sum()), layer, dtype=np.int64)))
                _tag_statistics(state, side, layer, ids, block, first, vocab, count_transitions_np)
        n = len(ids_by_side["gold"][0])
        for g_ids, p_ids in zip(ids_by_side["gold"], ids_by_side["pred"]):
            state["correct"] += int(np.count_nonzero(g_ids == p_ids))
        state["cells"] += n * len(g_cols)
        state["documents"].append(g_block.sentence_document)
        lengths = np.diff(np.concatenate((first, [n])))
        yield _concat(sides["gold"]), _concat(sides["pred"]), lengths


def _or_minus_one(value):
    return -1 if value is None else value


def _concat(parts: list[EntityArrays]) -> EntityArrays:
    import numpy as np

    if not parts:
        return EntityArrays.empty()
    return EntityArrays(*(np.concatenate([getattr(p, f) for p in parts])
                          for f in ("sentence", "start", "end", "type", "layer")))


def _tag_statistics(state, side, layer, ids, block, first, vocab, count_transitions_np) -> None:
    import numpy as np

    prefix_of, type_of, invalid_of, _ = vocab.arrays()
    last = np.zeros(len(ids), dtype=bool)
    last[first[1:] - 1] = True
    if len(ids):
        last[-1] = True
    is_first = np.zeros(len(ids), dtype=bool)
    is_first[first] = True
    count_transitions_np(vocab.raw_prefix_array()[ids], type_of[ids], is_first, last, state["transitions"][side])
    bad = invalid_of[ids]
    if bad.any():
        state["invalid"][side] += int(np.count_nonzero(bad))
        if state["first_invalid"][side] is None:
            at = int(np.argmax(bad))
            lines = block.token_line
            state["first_invalid"][side] = (int(lines[at]) if lines is not None else None, vocab.names[int(ids[at])],
                                            layer)


# ---------------------------------------------------------------------- the API
def evaluate_nested(gold, pred=None, *, layers=None, layer_names=None, type_map=None, format_in=None,
                    span_key=None, tokenizer: str = "whitespace", discontinuous: str = "span",
                    mode: str = "lenient", scheme: str = "auto", suffix: bool = False, types=None,
                    match: str = "strict", delimiter=None, comments: bool = False, encoding: str = "utf-8",
                    labels=None, alignment: str = "strict") -> Report:
    """Score entities that may nest or overlap.

    Args:
        gold, pred: paths. Layered CoNLL (``layers`` given; one file holding both sides,
            or two files), or span inputs read by format: ``.jsonl`` (overlaps kept;
            ``tokens`` + ``entities`` token offsets, ``layers`` of tag lists, or the
            character-span dialects), ``.json`` (Label Studio), ``.spacy`` (``doc.ents``,
            or ``doc.spans[span_key]``), ``.ann``/folder (BRAT standoff).
        layers: ``"2,3"`` (two files) or ``"2,3:4,5"`` (one file): see :func:`parse_layers`.
        layer_names: names of the layers in reports (default ``1``, ``2``, ...).
        type_map: see :func:`parse_type_map`.
        span_key, tokenizer, discontinuous, alignment: span readers' settings.
        mode: ``lenient`` or ``strict`` (each layer decoded as in flat scoring);
            ``conlleval`` is refused: conlleval.pl has no notion of layers (for
            GermEval 2014's own scorer, see :mod:`seqeval_suite.nereval`).
        match, types, scheme, suffix, delimiter, comments, encoding, labels: as for
            :func:`seqeval_suite.evaluate`.

    Returns:
        A :class:`~seqeval_suite.report.Report` whose ``nested`` attribute holds the
        per-layer, combined and bucket figures.

    Raises:
        UsageError: conlleval mode, a malformed ``layers``/``type_map``, layers with a
            span input. DataError: anything wrong in the inputs (file and line).
    """
    from .core.options import Options

    if str(mode).lower() == "conlleval":
        raise UsageError("--mode conlleval cannot score nested entities: conlleval.pl reads one tag column",
                         hint="use --mode lenient or strict; for GermEval 2014's own scorer, -f nereval")
    options = Options.build(mode=mode, scheme=scheme, suffix=suffix, types=types, match=match,
                            delimiter=delimiter, comments=comments, encoding=encoding,
                            format_in=format_in, labels=labels, alignment=alignment)
    names = layer_names.split(",") if isinstance(layer_names, str) else layer_names
    scorer = NestedScorer(match=options.match, types=options.types, type_map=parse_type_map(type_map),
                          layer_names=names)
    report = Report(per_type={}, mode=options.mode, scheme_setting=options.scheme, suffix=options.suffix,
                    types=options.types, match="strict")
    fmt = (format_in or _span_format(str(gold))) if layers is None else "conll"
    if layers is not None:
        _score_layered(gold, pred, options, layers, scorer, report)
    elif fmt in SPAN_FORMATS:
        _score_spans(gold, pred, fmt, scorer, report, span_key=span_key, tokenizer=tokenizer,
                     discontinuous=discontinuous, labels=labels, alignment=alignment, encoding=encoding)
    else:
        raise UsageError(f"{gold}: nested scoring of CoNLL input needs --layers",
                         hint="name the tag columns, e.g. --layers 2,3 (two files) or 2,3:4,5 (one file)")
    if not scorer.sentences:
        raise DataError(f"{gold}: no sentences to score")
    scorer.fill(report)
    report.types_present = sorted(scorer.seen_types)
    report.sentences, report.tokens = scorer.sentences, scorer.tokens
    report.signature_extra = {"nested": _layers_setting(layers, fmt), "type_map": _type_map_setting(scorer.type_map)}
    report.input_names = input_roles(gold, pred)
    return report


def input_roles(gold, pred) -> dict[str, str]:
    """Display name -> role (``gold``, ``prediction``; ``input`` for one file) of two
    inputs given as paths, for :func:`~seqeval_suite.report.by_role`."""
    from .io.conll import display_name

    g = display_name(gold)
    if pred is None or display_name(pred) == g:
        return {g: "input"}
    return {g: "gold", display_name(pred): "prediction"}


def _layers_setting(layers, fmt: str) -> str:
    if layers is None:
        return f"{fmt}-depth"
    if isinstance(layers, str):
        return "cols-" + layers.replace(",", ".").replace(":", "-")
    return "cols-" + "-".join(".".join(str(c) for c in side) for side in layers)


def _type_map_setting(mapping: dict | None) -> str:
    """``none``, or the number of entries and a short hash of the map (order-free)."""
    if not mapping:
        return "none"
    import hashlib

    text = "\n".join(f"{k}={v or ''}" for k, v in sorted(mapping.items()))
    return f"{len(mapping)}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:8]}"


def _span_format(path: str) -> str:
    import os

    if os.path.isdir(path) or path.endswith((".ann", ".txt")):
        return "brat"
    from .io.formats import detect_format

    return detect_format(path)


def _score_layered(gold, pred, options, layers, scorer: NestedScorer, report: Report) -> None:
    import numpy as np

    from .core.score import invalid_warning, vocabulary
    from .core.source import ConllSource
    from .schemes import detect_scheme, ill_formed_transitions

    g_cols, p_cols = parse_layers(layers, one_file=pred is None) if not isinstance(layers, tuple) else layers
    scorer.layer_source = "columns"
    if scorer.layer_names is None:
        scorer.layer_names = [str(k) for k in range(1, len(g_cols) + 1)]
    elif len(scorer.layer_names) != len(g_cols):
        raise UsageError(f"--layer-names gives {len(scorer.layer_names)} names for {len(g_cols)} layers")
    from dataclasses import replace

    source = ConllSource(gold, pred, replace(options, gold_column=g_cols[0], pred_column=p_cols[0]))
    source.gold_reader.columns = tuple(g_cols) + (tuple(p_cols) if pred is None else ())
    if source.pred_readers:
        source.pred_readers[0].columns = tuple(p_cols)
    from collections import Counter

    vocab = vocabulary(options)
    state = {"correct": 0, "cells": 0, "documents": [], "transitions": {"gold": Counter(), "pred": Counter()},
             "invalid": {"gold": 0, "pred": 0}, "first_invalid": {"gold": None, "pred": None}}
    for g, p, lengths in layered_batches(source, vocab, options, (g_cols, p_cols), scorer, state):
        scorer.add(g, p, lengths)
    if not scorer.sentences:
        raise source.empty_error()
    report.correct_tags = state["correct"]
    report.documents = max(source.documents, 1)
    report.sentence_documents = np.concatenate(state["documents"]) if state["documents"] else None
    detection = detect_scheme(state["transitions"]["gold"])
    report.scheme, report.scheme_note = (options.scheme, "named") if options.scheme != "auto" else (
        detection.label(), detection.note)
    used = options.scheme if options.scheme != "auto" else detection.scheme
    report.ill_formed = {side: ill_formed_transitions(t, used) if used else None
                         for side, t in state["transitions"].items()}
    report.invalid_tags = dict(state["invalid"])
    for side, name in (("gold", source.gold_name), ("pred", source.pred_name)):
        found = state["first_invalid"][side]
        if found is not None:
            line, tag, layer = found
            report.warnings.append(invalid_warning(name, Counter({tag: state["invalid"][side]}), line))
    report.warnings.extend(source.warnings)
    report.tag_cells = state["cells"]  # accuracy is over (token, layer) cells


def _score_spans(gold, pred, fmt, scorer: NestedScorer, report: Report, **opts) -> None:
    if pred is None:
        raise UsageError("span inputs need two files: gold and prediction")
    g_reader, p_reader = (open_spans(path, fmt, **opts) for path in (gold, pred))
    for g, p, lengths in span_batches(aligned_span_pairs(g_reader, p_reader, str(gold), str(pred)), scorer):
        scorer.add(g, p, lengths)
    report.documents = max(getattr(g_reader, "documents", 1), 1)
    report.scheme, report.scheme_note = "n/a", "span input: no tags"
    report.ill_formed = {"gold": None, "pred": None}
    report.correct_tags = None
    for reader in (g_reader, p_reader):
        report.warnings.extend(getattr(reader, "warnings", []))


def open_spans(path, fmt: str, *, span_key=None, tokenizer="whitespace", discontinuous="span",
               labels=None, alignment="strict", encoding="utf-8"):
    """A reader of :class:`~seqeval_suite.io.tagged.SpanSentence` for ``fmt``."""
    if fmt == "brat":
        from .io.brat import read_brat

        return read_brat(path, tokenizer=tokenizer, alignment=alignment, discontinuous=discontinuous)
    if fmt == "jsonl":
        from .io.jsonl import read_jsonl_spans

        return read_jsonl_spans(path, labels=labels, alignment=alignment, encoding=encoding)
    if fmt == "labelstudio":
        from .io.jsonl import read_labelstudio_spans

        return read_labelstudio_spans(path, alignment=alignment, encoding=encoding)
    if fmt == "spacy":
        from .io.docbin import read_docbin_spans

        return read_docbin_spans(path, span_key=span_key)
    raise UsageError(f"{path}: format {fmt!r} holds no entity spans", hint="use --layers for CoNLL")


# ---------------------------------------------------------------------- per sentence
@dataclass
class NestedSentence:
    """One aligned sentence of nested input, as Python values (for analyses that need
    strings: error analysis, agreement, conversion).

    ``gold``/``pred`` are lists of ``(start, end, type, layer)`` (layer 1-based: the tag
    column for layered CoNLL, the nesting depth for span inputs), after the type map and
    ``types`` filter; ``line`` is where the sentence starts in gold (1-based).
    """

    tokens: list[str]
    gold: list[tuple[int, int, str, int]]
    pred: list[tuple[int, int, str, int]]
    line: int
    pred_line: int
    document: int = 0


def nested_sentences(gold, pred=None, *, layers=None, type_map=None, format_in=None, span_key=None,
                     tokenizer: str = "whitespace", discontinuous: str = "span", mode: str = "lenient",
                     scheme: str = "auto", suffix: bool = False, types=None, delimiter=None,
                     comments: bool = False, encoding: str = "utf-8", labels=None, alignment: str = "strict",
                     token_column: int = 0) -> Iterator[NestedSentence]:
    """The aligned sentences of nested input, one :class:`NestedSentence` each, read and
    checked as :func:`evaluate_nested` reads them (same arguments; ``token_column``:
    the CoNLL column holding the token text, e.g. 1 for GermEval's ``index token``).

    Raises:
        UsageError, DataError: as :func:`evaluate_nested`.
    """
    from .core.options import Options

    options = Options.build(mode=mode, scheme=scheme, suffix=suffix, types=types, delimiter=delimiter,
                            comments=comments, encoding=encoding, format_in=format_in, labels=labels,
                            alignment=alignment)
    mapping = parse_type_map(type_map)

    def kept(entities):
        out = []
        for start, end, name, layer in entities:
            name = mapping.get(name, name) if mapping else name
            if name is not None and (options.types is None or name in options.types):
                out.append((start, end, name, layer))
        return out

    if layers is not None:
        yield from _layered_sentences(gold, pred, options, layers, kept, token_column)
        return
    fmt = format_in or _span_format(str(gold))
    if fmt not in SPAN_FORMATS:
        raise UsageError(f"{gold}: nested input in CoNLL needs --layers",
                         hint="name the tag columns, e.g. --layers 2,3 (two files) or 2,3:4,5 (one file)")
    if pred is None:
        raise UsageError("span inputs need two files: gold and prediction")
    readers = [open_spans(path, fmt, span_key=span_key, tokenizer=tokenizer, discontinuous=discontinuous,
                          labels=labels, alignment=alignment, encoding=encoding) for path in (gold, pred)]
    for g, p in aligned_span_pairs(readers[0], readers[1], str(gold), str(pred)):
        sides = []
        for sentence in (g, p):
            spans = list(sentence.entities)
            level = depths([s for s, _, _ in spans], [e for _, e, _ in spans])
            sides.append(kept([(s, e, t, d) for (s, e, t), d in zip(spans, level)]))
        yield NestedSentence(list(g.tokens), sides[0], sides[1], g.line, p.line, g.document)


def _layered_sentences(gold, pred, options, layers, kept, token_column: int) -> Iterator[NestedSentence]:
    from dataclasses import replace

    from .core.source import ConllSource, column_of
    from .core.tags import decode_sentences

    g_cols, p_cols = parse_layers(layers, one_file=pred is None) if not isinstance(layers, tuple) else layers
    source = ConllSource(gold, pred, replace(options, gold_column=g_cols[0], pred_column=p_cols[0]))
    scheme = options.scheme if options.mode == "strict" else "auto"
    for g_block, p_blocks, _done in source.side_blocks():
        p_block = p_blocks[0]
        for k in range(g_block.n_sentences):
            g, p = g_block.sentence(k), p_block.sentence(k)
            sides = []
            for sentence, cols, name in ((g, g_cols, source.gold_name), (p, p_cols, source.pred_name)):
                tag_layers = [column_of(sentence, c, name) for c in cols]
                decoded, _dropped, _invalid = decode_sentences(tag_layers, from_scheme=scheme,
                                                               suffix=options.suffix)
                sides.append(kept([(s, e, t, layer) for layer, spans in enumerate(decoded, 1)
                                   for s, e, t in spans]))
            tokens = column_of(g, token_column, source.gold_name)
            document = int(g_block.sentence_document[k]) if g_block.sentence_document is not None else 0
            yield NestedSentence(tokens, sides[0], sides[1], g.lines[0], p.lines[0], document)
