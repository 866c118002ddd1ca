"""Score aligned blocks: decode both sides, match entities, count per sentence and type.

:func:`score` is the only scorer: ``evaluate``, ``errors``, ``compare``, ``agree`` and
``run`` all reach it. Each block's tags are ids in one
:class:`~seqeval_suite.core.vocab.TagVocabulary`; spans come from
:mod:`seqeval_suite.core.decode`; exact matching compares integer span keys; the
partial-match schemas (:mod:`seqeval_suite.partial`) take the same spans.
"""
from __future__ import annotations

from collections import Counter
from typing import Callable, Sequence

from ..counts import Counts
from ..errors import DataError
from ..report import Report, SentenceCounts
from ..schemes import detect_scheme, ill_formed_transitions
from .chunks import ChunkState, conlleval_block, conlleval_finish
from .decode import count_transitions_np, lenient_spans_np, strict_spans_np, uncovered_runs_np
from .options import Options
from .source import AlignedBlock, BlockSource
from .vocab import ConllevalVocabulary, TagVocabulary

#: ``on_spans(block, first_sentence, gold, pred, type_names)`` sees every block's decoded
#: entities as ``(sentence, begin, end, type)`` int arrays, begin/end within the block.
SpanHook = Callable[[AlignedBlock, int, tuple, tuple, list], None]


def score(source: BlockSource, options: Options, *, on_spans: SpanHook | None = None,
          keep_tokens: bool = False, allow_empty: bool = False) -> Report:
    """Score a :class:`~seqeval_suite.core.source.BlockSource` under ``options``.

    Args:
        source: the aligned blocks of both sides (any reader's).
        options: mode, scheme, suffix, types, match.
        on_spans: called with every block's decoded entities (lenient and strict modes;
            error analysis uses it, so a corpus is decoded once for both).
        keep_tokens: ask the source for each sentence's tokens (for ``on_spans``).
        allow_empty: in conlleval mode, an input without tokens gives conlleval.pl's
            report of 0 tokens, with a warning, instead of the error (``evaluate``,
            which reproduces conlleval.pl's output, SPEC §3).

    Returns:
        A :class:`~seqeval_suite.report.Report`.

    Raises:
        DataError: no sentence at all (naming the empty input), a tag strict mode
            refuses (file and line), and whatever the source raises while reading.
    """
    vocab = vocabulary(options)
    scorer = Scorer(vocab, options, source, on_spans)
    for block in source.blocks(vocab, keep_tokens=keep_tokens):
        scorer.add(block)
    return scorer.report(allow_empty=allow_empty)


def score_each(source, options: Options, *, on_spans: Sequence[SpanHook | None] | None = None,
               keep_tokens: bool = False) -> list[Report]:
    """Score every prediction input of a multi-prediction
    :class:`~seqeval_suite.core.source.ConllSource` against its gold in one pass (gold is
    read once): one :class:`~seqeval_suite.report.Report` per prediction, each exactly
    what :func:`score` gives for that prediction alone.

    ``on_spans`` holds one hook (or None) per prediction, as :func:`score`'s ``on_spans``;
    ``keep_tokens`` asks for the tokens the hooks need.
    """
    vocab = vocabulary(options)
    hooks = list(on_spans) if on_spans is not None else [None] * len(source.views)
    scorers = [Scorer(vocab, options, view, hook) for view, hook in zip(source.views, hooks)]
    for blocks in source.blocks_each(vocab, keep_tokens):
        for scorer, block in zip(scorers, blocks):
            scorer.add(block)
    return [scorer.report() for scorer in scorers]


class Scorer:
    """Scores one prediction against gold, block by block: :meth:`add` each
    :class:`~seqeval_suite.core.source.AlignedBlock`, then :meth:`report`.

    ``source`` names the inputs in messages and gives the documents, warnings and
    conlleval.pl's last boundary; ``vocab`` must be :func:`vocabulary`'s for ``options``.
    """

    def __init__(self, vocab: TagVocabulary, options: Options, source: BlockSource,
                 on_spans: SpanHook | None = None) -> None:
        self.vocab, self.options, self.source, self.on_spans = vocab, options, source, on_spans
        self.documents = _Documents()
        if options.mode == "conlleval":
            self.state = ChunkState()
            self.state.keep = set(options.types) if options.types is not None else None
        else:
            self.totals = _Totals(options.match if options.match != "strict" else None)

    def add(self, block: AlignedBlock) -> None:
        """Decode, match and count one block."""
        if self.options.mode == "conlleval":
            conlleval_block(block.gold, block.pred, block.sentence_first, self.vocab, self.state)
        else:
            _score_block(block, self.vocab, self.options, self.totals, self.source, self.on_spans)
        self.documents.add(block)

    def report(self, allow_empty: bool = False) -> Report:
        """The report of everything added.

        Raises:
            DataError: nothing was added (the source names the empty input), unless
                ``allow_empty`` in conlleval mode: then 0 tokens are reported, as
                conlleval.pl does, with a warning.
        """
        source, options = self.source, self.options
        if options.mode == "conlleval":
            if not self.state.sentences and not allow_empty:
                raise source.empty_error()
            conlleval_finish(self.state, source.ends_with_boundary, self.vocab.ce_type_names)
            report = _conlleval_report(self.state, self.vocab, options, source)
            if not self.state.sentences:
                # conlleval.pl reads no token and prints its first line (SPEC §3); so do
                # we, saying why on stderr.
                why = source.empty_error().args[0]
                if not why.startswith(source.gold_name):
                    why = f"{source.gold_name}: {why}"
                report.warnings.append(f"{why}; conlleval.pl reports 0 tokens")
        else:
            if not self.totals.sentences:
                raise source.empty_error()
            report = _span_report(self.totals, self.vocab, options, source)
        report.sentence_documents = self.documents.array()
        report.input_names = ({source.gold_name: "input"} if source.gold_name == source.pred_name
                              else {source.gold_name: "gold", source.pred_name: "prediction"})
        report.beta, report.level = options.beta, options.level
        return report


def add_type_counts(totals, g_kind, p_kind, g_hit, p_hit, n_types: int) -> None:
    """Add one block's matches to ``totals.per_type`` (type id -> [tp, fp, fn]).

    ``g_kind``/``p_kind``: int arrays, each entity's type id; ``g_hit``/``p_hit``: bool
    arrays, whether it has an exact partner on the other side. Types with no count
    get no cell."""
    import numpy as np

    tp = np.bincount(g_kind[g_hit], minlength=n_types)
    fn = np.bincount(g_kind[~g_hit], minlength=n_types)
    fp = np.bincount(p_kind[~p_hit], minlength=n_types)
    for t in np.flatnonzero(tp + fn + fp).tolist():
        cell = totals.per_type.setdefault(t, [0, 0, 0])
        cell[0] += int(tp[t])
        cell[1] += int(fp[t])
        cell[2] += int(fn[t])


def vocabulary(options: Options) -> TagVocabulary:
    """The tag vocabulary for ``options``' mode."""
    if options.mode == "conlleval":
        return ConllevalVocabulary()
    return TagVocabulary(options.mode == "strict", options.scheme, options.suffix)


def decode_entities(ids, sentence_first, vocab: TagVocabulary, options: Options, *, dropped: bool = False):
    """One side's entities from tag ids, with the decoder of ``options``' mode
    (conlleval mode, which has no spans of its own, decodes leniently: on B/I/O data its
    chunks are the same).

    Args:
        ids: int array of tag ids (``vocab``'s) of whole sentences.
        sentence_first: int array, the first token of each sentence.

    Returns:
        ``(sentence, start, end, type_id)`` int arrays in token order; start and end
        (exclusive) count from the sentence's first token; ``vocab.type_names[type_id]``
        is the type. Types outside ``options.types`` are left out. With ``dropped``, a
        fifth value: how many ill-formed runs yielded no entity (strict mode; else 0).

    Raises:
        DataError: a tag strict mode refuses (no line: the caller's input has none here).

    >>> v = TagVocabulary(False, "auto", False)
    >>> import numpy as np
    >>> s, b, e, k = decode_entities(v.ids_of(["B-PER", "I-PER", "O", "B-LOC"]), np.array([0, 2]), v, Options())
    >>> s.tolist(), b.tolist(), e.tolist(), [v.type_names[t] for t in k.tolist()]
    ([0, 1], [0, 1], [2, 2], ['PER', 'LOC'])
    """
    import numpy as np

    prefix_of, type_of, _, rejected_of = vocab.arrays()
    n = len(ids)
    first = np.zeros(n, dtype=bool)
    first[sentence_first] = True
    last = np.roll(first, -1)
    prefix, type_ = prefix_of[ids], type_of[ids]
    if options.mode == "strict":
        if rejected_of[ids].any():
            raise vocab.rejection(int(ids[int(np.argmax(rejected_of[ids]))]), "input")
        begin, end, kind = strict_spans_np(prefix, type_, first, last, options.scheme)
        runs = uncovered_runs_np(prefix, first, begin, end) if dropped else 0
    else:
        begin, end, kind = lenient_spans_np(prefix, type_, first, last)
        runs = 0
    if options.types is not None:
        keep = np.array([name in options.types for name in vocab.type_names])[kind]
        begin, end, kind = begin[keep], end[keep], kind[keep]
    sentence = np.cumsum(first)[begin] - 1
    offset = np.asarray(sentence_first)[sentence]
    found = (sentence, begin - offset, end - offset, kind)
    return (*found, runs) if dropped else found


# -------------------------------------------------------------- lenient and strict
class _Totals:
    """Everything accumulated over blocks."""

    def __init__(self, partial: str | None) -> None:
        self.tokens = self.correct_tags = self.sentences = 0
        self.per_type: dict[int, list[int]] = {}
        self.sentence_counts = SentenceCounts()
        self.tag_counts = {"gold": None, "pred": None}
        self.first_invalid: dict[str, int | None] = {"gold": None, "pred": None}
        self.first_o_type: dict[str, int | None] = {"gold": None, "pred": None}
        self.transitions = {"gold": Counter(), "pred": Counter()}
        self.dropped = {"gold": 0, "pred": 0}
        self.partial = _PartialTally(partial) if partial is not None else None


class _Documents:
    """Per-sentence document numbers of every block, when the source has them."""

    def __init__(self) -> None:
        self.parts: list | None = []

    def add(self, block: AlignedBlock) -> None:
        if block.documents is None:
            self.parts = None
        elif self.parts is not None:
            self.parts.append(block.documents)

    def array(self):
        import numpy as np

        return np.concatenate(self.parts) if self.parts else None


def _sentence_of(block: AlignedBlock, n: int):
    import numpy as np

    first = np.zeros(n, dtype=bool)
    first[block.sentence_first] = True
    last = np.roll(first, -1)
    return first, last, np.cumsum(first) - 1


def _score_block(block: AlignedBlock, vocab: TagVocabulary, options: Options, totals: _Totals,
                 source: BlockSource, on_spans) -> None:
    """Decode, match and count one block of aligned sentences."""
    import numpy as np

    prefix_of, type_of, invalid_of, rejected_of = vocab.arrays()
    n = len(block.gold)
    first, last, sentence_in_block = _sentence_of(block, n)
    if options.mode == "strict":
        _check_rejected(block, vocab, rejected_of, sentence_in_block, source)
    spans = {}
    for side, ids, lines, name in (("gold", block.gold, block.gold_line, source.gold_name),
                                   ("pred", block.pred, block.pred_line, source.pred_name)):
        prefix, type_ = prefix_of[ids], type_of[ids]
        counts = np.bincount(ids, minlength=len(vocab.names))
        previous = totals.tag_counts[side]
        if previous is not None:
            counts[: len(previous)] += previous
        totals.tag_counts[side] = counts
        if totals.first_o_type[side] is None:
            at = _first(vocab.o_type_array()[ids])
            if at is not None:
                totals.first_o_type[side] = int(lines[at]) if lines is not None else -1
        if options.mode == "strict":
            begin, end, kind = strict_spans_np(prefix, type_, first, last, options.scheme)
            totals.dropped[side] += uncovered_runs_np(prefix, first, begin, end)
        else:
            begin, end, kind = lenient_spans_np(prefix, type_, first, last)
            count_transitions_np(vocab.raw_prefix_array()[ids], type_, first, last, totals.transitions[side])
            if totals.first_invalid[side] is None:
                at = _first(invalid_of[ids])
                if at is not None:
                    totals.first_invalid[side] = int(lines[at]) if lines is not None else -1
        if options.level == "token":
            # Token level: every token inside an entity tag is a one-token "entity" of its
            # type, so exact matching counts tokens whose types agree (O is no class).
            begin = np.flatnonzero(prefix != 0)
            end, kind = begin + 1, type_[begin]
        if options.types is not None:
            wanted = np.array([name in options.types for name in vocab.type_names])
            keep = wanted[kind]
            begin, end, kind = begin[keep], end[keep], kind[keep]
        spans[side] = (begin, end, kind)
    sentence_of = sentence_in_block + totals.sentences
    _match_exact(spans["gold"], spans["pred"], sentence_of, vocab.type_names, totals)
    if totals.partial is not None:
        totals.partial.add_block(spans["gold"], spans["pred"], sentence_of, vocab.type_names)
    if on_spans is not None:
        on_spans(block, totals.sentences, _with_sentence(spans["gold"], sentence_in_block),
                 _with_sentence(spans["pred"], sentence_in_block), vocab.type_names)
    totals.tokens += n
    totals.correct_tags += int(np.count_nonzero(block.gold == block.pred))
    totals.sentences += block.n_sentences


def _first(flags) -> int | None:
    """Index of the first True, or None."""
    import numpy as np

    return int(np.argmax(flags)) if flags.any() else None


def _check_rejected(block: AlignedBlock, vocab: TagVocabulary, rejected_of, sentence_in_block,
                    source: BlockSource) -> None:
    """Strict mode refuses invalid tags and prefixes outside the scheme: name the first
    (in sentence order, gold before prediction within a sentence)."""
    import numpy as np

    found = []
    for ids, lines, name in ((block.gold, block.gold_line, source.gold_name),
                             (block.pred, block.pred_line, source.pred_name)):
        bad = rejected_of[ids]
        if bad.any():
            at = int(np.argmax(bad))
            found.append((int(sentence_in_block[at]), at, ids, lines, name))
    if found:
        _, at, ids, lines, name = min(found, key=lambda f: f[0])
        where = f"{name}:{int(lines[at])}" if lines is not None else name
        raise vocab.rejection(int(ids[at]), where)


def _with_sentence(spans, sentence_in_block):
    begin, end, kind = spans
    return sentence_in_block[begin], begin, end, kind


def _match_exact(gold, pred, sentence_of, type_names: list[str], totals: _Totals) -> None:
    """Exact span-and-type matching of a block; adds per-type and per-sentence counts."""
    import numpy as np

    n = len(sentence_of) + 1
    n_types = len(type_names)

    def keys(spans):
        begin, end, kind = spans
        return (begin * n + end) * n_types + kind

    g_keys, p_keys = keys(gold), keys(pred)
    g_hit = np.isin(g_keys, p_keys, assume_unique=True)
    p_hit = np.isin(p_keys, g_keys, assume_unique=True)
    g_kind, p_kind = gold[2], pred[2]
    add_type_counts(totals, g_kind, p_kind, g_hit, p_hit, n_types)
    # Per-sentence cells: one row per (sentence, type) with any count.
    cell_key = np.concatenate((sentence_of[gold[0]] * n_types + g_kind, sentence_of[pred[0]] * n_types + p_kind))
    if not len(cell_key):
        return
    values = np.zeros((len(cell_key), 3), dtype=np.int64)
    values[: len(g_kind), 0] = g_hit
    values[: len(g_kind), 2] = ~g_hit
    values[len(g_kind):, 1] = ~p_hit
    unique, inverse = np.unique(cell_key, return_inverse=True)
    summed = np.stack([np.bincount(inverse, weights=values[:, c], minlength=len(unique)) for c in range(3)],
                      axis=1).astype(np.int64)
    # Stored at once in the compact int32 table, so memory grows only by 20 bytes a cell.
    totals.sentence_counts.add_many(unique // n_types, unique % n_types, summed[:, 0], summed[:, 1],
                                    summed[:, 2], type_names)


class _PartialTally:
    """Partial-match counts of every schema, plus per-sentence cells of the chosen one.

    The cells hold doubled credit so that half credit stays an integer: ``tp`` is
    ``2·(COR + ½·PAR)``, ``fp`` and ``fn`` twice what ACT and POS leave over. Precision,
    recall and F1 are ratios, so the doubling changes none of them; bootstrap
    intervals resample these cells.
    """

    def __init__(self, schema: str) -> None:
        from ..partial import PartialMatcher

        self.schema = schema
        self.matcher = PartialMatcher()
        self.cells = SentenceCounts()

    def add_block(self, gold, pred, sentence_of, type_names: list[str]) -> None:
        """Match every sentence of a block that has an entity on either side.

        Flat spans never overlap on one side, so a prediction whose span equals a gold
        span can only be matched with that gold entity. A sentence where every entity
        either has a same-span partner or overlaps nothing on the other side is counted
        with array operations; the others (boundary errors) go through nervaluate's
        greedy matching (:class:`~seqeval_suite.partial.PartialMatcher`) one by one.
        """
        import numpy as np

        hard = _overlapping_sentences(gold, pred, sentence_of)
        self._add_easy(gold, pred, sentence_of, hard, type_names)
        if not len(hard):
            return
        from ..partial import doubled_credit

        by_sentence: dict[int, tuple[list, list]] = {int(h): ([], []) for h in hard}
        for side, (begin, end, kind) in enumerate((gold, pred)):
            chosen = np.isin(sentence_of[begin], hard)
            for s, b, e, k in zip(sentence_of[begin[chosen]].tolist(), begin[chosen].tolist(),
                                  end[chosen].tolist(), kind[chosen].tolist()):
                by_sentence[s][side].append((b, e, type_names[k]))
        for s in sorted(by_sentence):
            g, p = by_sentence[s]
            counts = self.matcher.add(g, p)[self.schema]
            tp, fp, fn = doubled_credit(counts, self.schema)
            self.cells.add(s, "*", tp, fp, fn)

    def _add_easy(self, gold, pred, sentence_of, hard, type_names: list[str]) -> None:
        """Counts of the sentences without partial overlaps: same-span pairs, SPU, MIS."""
        import numpy as np

        from ..partial import SCHEMAS, MatchCounts

        n = len(sentence_of) + 1
        g_keep = ~np.isin(sentence_of[gold[0]], hard)
        p_keep = ~np.isin(sentence_of[pred[0]], hard)
        gb, ge, gk = (a[g_keep] for a in gold)
        pb, pe, pk = (a[p_keep] for a in pred)
        if not len(gb) and not len(pb):
            return
        _, gi, pi = np.intersect1d(gb * n + ge, pb * n + pe, assume_unique=True, return_indices=True)
        same = gk[gi] == pk[pi]
        n_types = len(type_names)
        g_sent, p_sent = sentence_of[gb], sentence_of[pb]
        paired_g = np.zeros(len(gb), dtype=bool)
        paired_g[gi] = True
        paired_p = np.zeros(len(pb), dtype=bool)
        paired_p[pi] = True
        # Per sentence: same-span pairs of one type, of two types, unpaired gold, unpaired pred.
        keys = np.concatenate((g_sent[gi][same], g_sent[gi][~same], g_sent[~paired_g], p_sent[~paired_p]))
        kind = np.repeat(np.arange(4), (int(same.sum()), int((~same).sum()), int((~paired_g).sum()),
                                        int((~paired_p).sum())))
        sentences, inverse = np.unique(keys, return_inverse=True)
        table = np.zeros((len(sentences), 4), dtype=np.int64)
        np.add.at(table, (inverse, kind), 1)
        both, differ, mis, spu = (table[:, k] for k in range(4))
        by_schema = {
            "strict": (both, differ), "type": (both, differ),   # (COR, INC)
            "exact": (both + differ, 0 * both), "partial": (both + differ, 0 * both),
        }
        for schema in SCHEMAS:
            cor, inc = by_schema[schema]
            self.matcher.overall[schema] += MatchCounts(cor=int(cor.sum()), inc=int(inc.sum()),
                                                        mis=int(mis.sum()), spu=int(spu.sum()))
        cor, inc = by_schema[self.schema]
        twice = 2 * cor  # no PAR where nothing overlaps partially
        self.cells.add_many(sentences, np.zeros(len(sentences), dtype=np.int64), twice,
                            2 * (cor + inc + spu) - twice, 2 * (cor + inc + mis) - twice, ["*"])
        # Per type, each type on its own: a same-span pair of one type is COR; every other
        # entity of the type overlaps nothing of its type, so it is MIS or SPU.
        tp = np.bincount(gk[gi][same], minlength=n_types)
        g_total = np.bincount(gk, minlength=n_types)
        p_total = np.bincount(pk, minlength=n_types)
        for t in np.flatnonzero(g_total + p_total).tolist():
            counts = MatchCounts(cor=int(tp[t]), mis=int(g_total[t] - tp[t]), spu=int(p_total[t] - tp[t]))
            cell = self.matcher.per_type.setdefault(type_names[t], {s: MatchCounts() for s in SCHEMAS})
            for schema in SCHEMAS:
                cell[schema] += counts

    def fill(self, report: Report) -> None:
        """Put the chosen schema's figures where a report's scores are read from."""
        from ..partial import as_counts

        report.match = self.schema
        report.partial = self.matcher.results()
        report.match_cells = self.cells
        report.exact_per_type = report.per_type
        report.per_type = {t: as_counts(c[self.schema], self.schema) for t, c in self.matcher.per_type.items()}
        report.micro_override = as_counts(self.matcher.overall[self.schema], self.schema)


def _overlapping_sentences(gold, pred, sentence_of):
    """Sentences holding an entity that overlaps an entity of the other side without
    having the same span (sorted int array)."""
    import numpy as np

    n = len(sentence_of)
    hard = []
    for (b1, e1, _), (b2, e2, _) in ((gold, pred), (pred, gold)):
        # Tokens each side covers (flat spans: at most one entity a token) and the span
        # that starts at each token.
        covered = np.zeros(n + 1, dtype=np.int64)
        np.add.at(covered, b2, 1)
        np.add.at(covered, e2, -1)
        inside = np.concatenate(([0], np.cumsum(np.cumsum(covered)[:-1] > 0)))
        overlaps = inside[e1] - inside[b1] > 0
        end_of = np.full(n + 1, -1, dtype=np.int64)
        end_of[b2] = e2
        exact = end_of[b1] == e1
        hard.append(sentence_of[b1[overlaps & ~exact]])
    return np.unique(np.concatenate(hard))


def _invalid_by_tag(counts, vocab: TagVocabulary) -> Counter:
    import numpy as np

    found = Counter()
    if counts is not None:
        for tag_id in np.flatnonzero(counts).tolist():
            if vocab.invalid[tag_id]:
                found[vocab.names[tag_id]] = int(counts[tag_id])
    return found


def _span_report(totals: _Totals, vocab: TagVocabulary, options: Options, source: BlockSource) -> Report:
    report = Report(per_type={}, mode=options.mode, scheme_setting=options.scheme, suffix=options.suffix,
                    types=options.types)
    report.per_type = {vocab.type_names[t]: Counts(*c) for t, c in totals.per_type.items()}
    report.sentence_counts = totals.sentence_counts
    report.tokens, report.sentences, report.correct_tags = totals.tokens, totals.sentences, totals.correct_tags
    invalid = {side: _invalid_by_tag(totals.tag_counts[side], vocab) for side in ("gold", "pred")}
    for side, name in (("gold", source.gold_name), ("pred", source.pred_name)):
        _check_not_a_tag_column(invalid[side], totals.tokens, side, name, source.trailing_column(side))
    report.types_present = _types_present(totals.tag_counts.values(), vocab.type_of, vocab.type_names)
    report.invalid_tags = {side: sum(c.values()) for side, c in invalid.items()}
    if totals.partial is not None:
        totals.partial.fill(report)
    report.warnings.extend(source.warnings)
    names = {"gold": source.gold_name, "pred": source.pred_name}
    if options.mode == "strict":
        report.scheme, report.scheme_note = options.scheme, "named"
        report.ill_formed, report.ill_formed_kind = dict(totals.dropped), "dropped_runs"
        for side, n in totals.dropped.items():
            if n:
                report.warnings.append(
                    f"{names[side]}: {n} ill-formed {options.scheme} run{'s' if n != 1 else ''} "
                    "yielded no entity (strict mode)"
                )
    else:
        describe_scheme(report, totals.transitions, options.scheme)
        for side in ("gold", "pred"):
            if invalid[side]:
                line = totals.first_invalid[side]
                report.warnings.append(invalid_warning(names[side], invalid[side], line if line != -1 else None))
    for side in ("gold", "pred"):
        o_type = _tags_where(totals.tag_counts[side], vocab.o_type_array(), vocab)
        if o_type:
            line = totals.first_o_type[side]
            report.warnings.append(_o_type_warning(names[side], o_type, line if line != -1 else None))
    report.documents = max(source.documents, 1) if report.sentences else 0
    return report


#: A side with more invalid tags than this share of its tokens, at least NOT_TAGS_MIN of
#: them and NOT_TAGS_DISTINCT different ones, is not a tag column: tokens, or label ids,
#: read as tags (a few stray values such as X or [PAD] repeated are only invalid tags).
NOT_TAGS_SHARE, NOT_TAGS_MIN, NOT_TAGS_DISTINCT = 0.5, 10, 5


def _check_not_a_tag_column(invalid: Counter, tokens: int, side: str, name: str, trailing: bool = False) -> None:
    """Refuse to score a column that mostly holds no tags (``evaluate gold.conll`` on a
    ``token tag`` file scores the token column as gold otherwise), or, when the tags are
    the last field of lines split on a delimiter (``trailing``), mostly empty cells: lines
    ending with the ``--delimiter``.

    Raises:
        DataError: naming the input and showing some of the values.
    """
    empty = invalid.get("", 0)
    if trailing and empty > NOT_TAGS_SHARE * tokens:
        # Only an explicit --delimiter makes empty cells: lines ending with it (conlleval.pl's
        # -d drops such trailing empty fields; str.split keeps them).
        raise DataError(
            f"{name}: {empty} of {tokens} cells in the {side} tag column are empty: do the lines end with the "
            "delimiter?",
            hint="remove the trailing delimiter (e.g. sed 's/\\t$//'), or choose the columns with "
                 "--gold-column/--pred-column",
        )
    n = sum(invalid.values())
    if n < NOT_TAGS_MIN or n <= NOT_TAGS_SHARE * tokens or len(invalid) < NOT_TAGS_DISTINCT:
        return
    # Most frequent first, ties by value: the same examples whichever reader interned them.
    examples = ", ".join(repr(t) for t, _ in sorted(invalid.items(), key=lambda kv: (-kv[1], kv[0]))[:3])
    raise DataError(
        f"{name}: {n} of {tokens} values in the {side} tag column are not tags ({examples}): "
        "is the prediction file missing, or are the tags in another column?",
        hint="one-file input needs 'token ... gold pred'; give the prediction file too, "
             "or --gold-column/--pred-column",
    )


def _tags_where(counts, flags, vocab: TagVocabulary) -> Counter:
    """Tag -> count of the tags whose id ``flags`` marks."""
    import numpy as np

    found = Counter()
    if counts is not None:
        for tag_id in np.flatnonzero(counts[: len(flags)] * flags[: len(counts)]).tolist():
            found[vocab.names[tag_id]] = int(counts[tag_id])
    return found


def _types_present(counts_by_side, type_of, type_names: list[str]) -> list[str]:
    """Entity types that occur in any tag of either side, sorted."""
    import numpy as np

    present: set[str] = set()
    for counts in counts_by_side:
        if counts is not None:
            present.update(type_names[t] for t in np.unique(type_of[np.flatnonzero(counts)]).tolist())
    present.discard("")
    return sorted(present)


def _o_type_warning(name: str, found: Counter, line: int | None) -> str:
    """CoNLL-2003 holds ``I-O``/``B-O`` tags, an annotation error that makes entities of type O."""
    n = sum(found.values())
    examples = ", ".join(repr(t) for t, _ in sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[:3])
    where = f"{name}:{line}" if line is not None else name
    return (f"{where}: {n} tag{'s' if n != 1 else ''} with entity type 'O' ({examples}; the first on this line) "
            "make entities of type O: an annotation error, as in CoNLL-2003's I-O?")


def describe_scheme(report: Report, transitions: dict[str, Counter], scheme: str) -> None:
    """Name the scheme (given or detected on gold) and count ill-formed transitions."""
    if scheme != "auto":
        report.scheme, report.scheme_note = scheme, "named"
        used = scheme
    else:
        detection = detect_scheme(transitions["gold"])
        report.scheme, report.scheme_note = detection.label(), detection.note
        used = detection.scheme
    if used is None:
        report.ill_formed = {"gold": None, "pred": None}
    else:
        report.ill_formed = {side: ill_formed_transitions(t, used) for side, t in transitions.items()}


def invalid_warning(name: str, invalid: Counter, first_line: int | None = None) -> str:
    """One warning for all invalid tags of a side: count, commonest tags, first line."""
    n = sum(invalid.values())
    common = sorted(invalid.items(), key=lambda item: (-item[1], item[0]))[:3]
    examples = ", ".join(repr(t) for t, _ in common)
    where = f"{name}:{first_line}" if first_line is not None else name
    return (
        f"{where}: {n} invalid tag{'s' if n != 1 else ''} read as O ({examples}; the first on this line); "
        "seqeval would turn some of these into entities of made-up types"
    ) if first_line is not None else (
        f"{where}: {n} invalid tag{'s' if n != 1 else ''} read as O ({examples}); "
        "seqeval would turn some of these into entities of made-up types"
    )


# ------------------------------------------------------------------- conlleval mode
def _conlleval_report(state: ChunkState, vocab: ConllevalVocabulary, options: Options,
                      source: BlockSource) -> Report:
    import numpy as np

    from ..conlleval import ChunkCounter

    names = vocab.ce_type_names
    counter = ChunkCounter()
    counter.gold.update({names[t]: n for t, n in state.gold.items()})
    counter.found.update({names[t]: n for t, n in state.found.items()})
    counter.correct.update({names[t]: n for t, n in state.correct.items()})
    counter.tokens, counter.correct_tags, counter.sentence = state.tokens, state.correct_tags, state.sentences
    report = counter_report(counter, options)
    report.sentence_counts = state.sentence_counts
    outside = {}
    for side in ("gold", "pred"):
        counts = state.outside[side]
        found = Counter()
        for tag_id in np.flatnonzero(counts).tolist():
            if vocab.outside[tag_id]:
                found[vocab.names[tag_id]] = int(counts[tag_id])
        outside[side] = found
    report.invalid_tags = {side: sum(c.values()) for side, c in outside.items()}
    import numpy as np

    report.types_present = _types_present(state.outside.values(), np.array(vocab.ce_type, dtype=np.int64),
                                          vocab.ce_type_names)
    report.warnings.extend(source.warnings)
    _conlleval_warnings(report, state.misscored, outside, source.gold_name, source.pred_name)
    report.documents = max(source.documents, 1) if report.sentences else 0
    return report


def counter_report(counter, options: Options) -> Report:
    """A conlleval-mode :class:`Report` of finished chunk counts."""
    keep = set(options.types) if options.types is not None else None
    per_type = {}
    for t in set(counter.gold) | set(counter.found):
        if keep is not None and t not in keep:
            continue
        c = counter.correct.get(t, 0)
        per_type[t] = Counts(c, counter.found.get(t, 0) - c, counter.gold.get(t, 0) - c)
    report = Report(per_type=per_type, mode="conlleval", scheme_setting=options.scheme, suffix=False,
                    types=options.types, tokens=counter.tokens, sentences=counter.sentence,
                    correct_tags=counter.correct_tags, conlleval_counter=counter)
    report.scheme, report.scheme_note = (options.scheme, "named") if options.scheme != "auto" else (
        "n/a", "conlleval.pl does not use a scheme")
    report.ill_formed, report.ill_formed_kind = {"gold": None, "pred": None}, "not counted in conlleval mode"
    return report


def _conlleval_warnings(report: Report, misscored: str | None, outside: dict[str, Counter],
                        gold_name: str, pred_name: str) -> None:
    """Warn about tags conlleval.pl mis-scores and tags outside the BIO family."""
    if misscored:
        report.warnings.append(
            f"the data hold {misscored}, which conlleval.pl mis-scores; "
            "--mode lenient scores them as seqeval does"
        )
    for side, c in outside.items():
        if c:
            name = gold_name if side == "gold" else pred_name
            n = sum(c.values())
            common = sorted(c.items(), key=lambda item: (-item[1], item[0]))[:3]
            examples = ", ".join(repr(t) for t, _ in common)
            column = " gold" if side == "gold" else " predicted"
            report.warnings.append(
                f"{name}: {n}{column} tag{'s' if n != 1 else ''} outside the BIO family ({examples}) "
                "scored as conlleval.pl scores them"
            )

