"""The evaluator's fast path: whole files scored with numpy, at about the cost of reading them.

Files are read in blocks of whole sentences; tags become small integers (one parse per
distinct tag), spans come from vectorised decoders, matching compares integer keys.
Anything this path does not reproduce exactly raises
:class:`~seqeval_suite.io.conll.Unsupported` before a result exists, and
:func:`seqeval_suite.evaluate.evaluate` runs the streaming path instead (which also
produces every error message), so both paths give identical reports
(``tests/test_core_fastpath.py`` holds them to that).
"""
from __future__ import annotations

import os
from collections import Counter

from .conlleval import ChunkCounter
from .counts import Counts
from .io.conll import Unsupported
from .evaluate import (
    Options,
    _conlleval_warnings,
    _counter_report,
    _describe_scheme,
    _invalid_warning,
    _tagged_format,
)
from .report import Report, SentenceCounts
from .schemes import SCHEME_PREFIXES, TagTable, strict_type

_WORDS = 4
#: Odd multipliers that mix a tag's 8-byte words into one key.
_PACK_MULT = (1, 0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9)


class _LazyMasks:
    """``_MASKS[n]``: a uint64 keeping the low ``n`` bytes (numpy imported on first use)."""

    table = None

    def __getitem__(self, index):
        import numpy as np

        if self.table is None:
            self.table = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)
        return self.table[index]


_MASKS = _LazyMasks()


class _TagVocabulary:
    """Interns tag byte strings to dense ids and keeps each id's decoded properties."""

    def __init__(self, strict: bool, scheme: str, suffix: bool) -> None:
        import numpy as np

        self.strict, self.scheme = strict, scheme
        self.table = TagTable(suffix=suffix, lenient=not strict)
        self.allowed = SCHEME_PREFIXES.get(scheme, frozenset()) if strict else None
        self.names: list[str] = []
        self.keys = np.zeros(0, dtype=np.uint64)   # sorted packed keys
        self.key_ids = np.zeros(0, dtype=np.int64)  # id of each sorted key
        self.raw: list[bytes] = []
        self.prefix: list[int] = []
        self.type_id: list[int] = []
        self.invalid: list[bool] = []
        self.type_names: list[str] = [""]
        self._type_index = {"": 0}

    def ids(self, block, fields):
        """Dense tag ids of the given fields of a block."""
        import numpy as np

        start = block.field_start[fields]
        length = block.field_end[fields] - start
        if len(length) == 0:
            return np.zeros(0, dtype=np.int64)
        longest = int(length.max())
        if longest > 8 * _WORDS:
            raise Unsupported("long tag")
        # A tag of up to 32 bytes is up to four little-endian words, masked to its length;
        # the key mixes them, and every occurrence is checked against its word tuple below.
        words = block.words()
        parts = [words[start + 8 * w] & _MASKS[np.clip(length - 8 * w, 0, 8)]
                 for w in range((longest + 7) // 8)]
        key = parts[0].copy()
        for w, part in enumerate(parts[1:], 1):
            key ^= part * np.uint64(_PACK_MULT[w])
        ids = self._lookup(key)
        if ids is None:
            self._add(np.unique(key[~self._found(key)]), key, block, start, length)
            ids = self._lookup(key)
        if longest > 8:  # a mixed key could collide: check every occurrence exactly
            for w, part in enumerate(parts):
                if (self._word(w)[ids] != part).any():
                    raise Unsupported("tag key collision")
        return ids

    def _word(self, w: int):
        """Word ``w`` of every known tag's bytes, by tag id."""
        import numpy as np

        out = np.zeros(len(self.names), dtype=np.uint64)
        for i, raw in enumerate(self.raw):
            chunk = raw[8 * w: 8 * w + 8]
            out[i] = int.from_bytes(chunk, "little") if chunk else 0
        return out

    def _found(self, key):
        import numpy as np

        if not len(self.keys):
            return np.zeros(len(key), dtype=bool)
        pos = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
        return self.keys[pos] == key

    def _lookup(self, key):
        import numpy as np

        if not len(self.keys):
            return None
        pos = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
        if not (self.keys[pos] == key).all():
            return None
        return self.key_ids[pos]

    def _add(self, new_keys, key, block, start, length) -> None:
        import numpy as np

        for value in new_keys.tolist():
            at = int(np.flatnonzero(key == value)[0])
            s = int(start[at])
            raw = block.data[s:s + int(length[at])]
            self.raw.append(raw)
            self._register(raw.decode("utf-8"))
            self.keys = np.append(self.keys, np.uint64(value))
            self.key_ids = np.append(self.key_ids, len(self.names) - 1)
        order = np.argsort(self.keys, kind="stable")
        self.keys, self.key_ids = self.keys[order], self.key_ids[order]

    def _register(self, tag: str) -> None:
        from .schemes import PREFIX_CODE

        self.names.append(tag)
        parsed = self.table.parse(tag)
        if self.strict and (parsed is None or (parsed[0] != "O" and parsed[0] not in self.allowed)):
            raise Unsupported("strict mode rejects a tag")  # the streaming path names the line
        invalid = parsed is None
        if invalid or parsed[0] == "O":
            self.prefix.append(0)
            self.type_id.append(0)
        else:
            name = strict_type(parsed[1]) if self.strict else parsed[1]
            index = self._type_index.get(name)
            if index is None:
                index = self._type_index[name] = len(self.type_names)
                self.type_names.append(name)
            self.prefix.append(PREFIX_CODE[parsed[0]])
            self.type_id.append(index)
        self.invalid.append(invalid)

    def arrays(self):
        """Per-id prefix code, type id and invalid flag as numpy arrays."""
        import numpy as np

        return (np.array(self.prefix, dtype=np.int64), np.array(self.type_id, dtype=np.int64),
                np.array(self.invalid, dtype=bool))


class _BlockPairs:
    """Aligned blocks of whole sentences from gold and prediction (one file: the same
    block twice), as ``(gold block, pred block, gold column, pred column)``.

    Readers are closed when iteration ends, however it ends; ``readers`` stays
    available for the counts a report needs afterwards.
    """

    def __init__(self, gold, pred, options: Options, *, conlleval: bool) -> None:
        from .io.conll import BlockReader

        self.one_file = pred is None
        self.conlleval = conlleval
        g_reader = BlockReader(str(gold), conlleval=conlleval)
        p_reader = None if self.one_file else BlockReader(str(pred), conlleval=conlleval)
        self.readers = (g_reader, p_reader)
        g_col, p_col = (-2, -1) if self.one_file else (-1, -1)
        self.g_col = g_col if options.gold_column is None else options.gold_column
        self.p_col = p_col if options.pred_column is None else options.pred_column

    def __iter__(self):
        g_reader, p_reader = self.readers
        try:
            while True:
                g_block = g_reader.take()
                if g_block is None:
                    break
                if self.one_file:
                    if self.conlleval and g_reader.width < 2:
                        raise Unsupported("fewer than two fields")
                    p_block = g_block
                else:
                    p_block = p_reader.take(g_block.n_sentences)
                    _check_blocks_aligned(g_block, p_block, self.g_col, self.p_col)
                yield g_block, p_block, self.g_col, self.p_col
            if p_reader is not None and p_reader.take() is not None:
                raise Unsupported("prediction has more sentences")
        finally:
            g_reader.close()
            if p_reader is not None:
                p_reader.close()


def fast_eligible(gold, pred, options: Options) -> bool:
    """Whether the block reader can take these inputs (otherwise: the streaming path)."""
    paths = isinstance(gold, (str, os.PathLike)) and (pred is None or isinstance(pred, (str, os.PathLike)))
    return (
        paths and options.delimiter is None
        and not options.comments and options.encoding.lower().replace("_", "-") in ("utf-8", "utf8")
        and str(gold) != "-" and (pred is None or str(pred) != "-")
        and all(_tagged_format(path, options) == "conll" for path in (gold, pred) if path is not None)
        and options.match == "strict"  # partial matching needs spans, which the fast path never builds
        and not os.environ.get("SEQEVAL_SUITE_NO_FAST_PATH")
    )


class _Totals:
    """Everything the fast path accumulates over blocks."""

    def __init__(self) -> None:
        self.tokens = self.correct_tags = self.sentences = 0
        self.per_type: dict[int, list[int]] = {}
        self.sentence_counts = SentenceCounts()
        self.tag_counts = {"gold": None, "pred": None}
        self.first_invalid: dict[str, int | None] = {"gold": None, "pred": None}
        self.transitions = {"gold": Counter(), "pred": Counter()}
        self.dropped = {"gold": 0, "pred": 0}


def fast_score(gold, pred, options: Options) -> Report:
    """Score files with the block reader and vectorised decoders (see the module docstring)."""

    strict = options.mode == "strict"
    vocab = _TagVocabulary(strict, options.scheme, options.suffix)
    totals = _Totals()
    blocks = _BlockPairs(gold, pred, options, conlleval=False)
    for g_block, p_block, g_col, p_col in blocks:
        g_ids = vocab.ids(g_block, g_block.column_fields(g_col))
        p_ids = vocab.ids(p_block, p_block.column_fields(p_col))
        _score_block(g_ids, p_ids, g_block, p_block, vocab, options, totals)
    if not totals.sentences:
        raise Unsupported("no sentences")
    g_reader, p_reader = blocks.readers
    return _fast_report(totals, vocab, options, g_reader, p_reader)


def _check_blocks_aligned(g_block, p_block, g_col: int, p_col: int) -> None:
    """Same sentences, same lengths and (when both files carry them) the same tokens."""
    import numpy as np

    if p_block is None or p_block.n_sentences != g_block.n_sentences or p_block.n_tokens != g_block.n_tokens:
        raise Unsupported("sentences differ")
    if not np.array_equal(g_block.sentence_first, p_block.sentence_first):
        raise Unsupported("sentence lengths differ")
    gw, pw = g_block.token_width, p_block.token_width
    check = np.flatnonzero((gw >= 2) & (pw >= 2) & (g_col % gw != 0) & (p_col % pw != 0))
    if not len(check):
        return
    g_field, p_field = g_block.token_first_field[check], p_block.token_first_field[check]
    g_start, p_start = g_block.field_start[g_field], p_block.field_start[p_field]
    g_len = g_block.field_end[g_field] - g_start
    if not np.array_equal(g_len, p_block.field_end[p_field] - p_start):
        raise Unsupported("tokens differ")
    g_words, p_words = g_block.words(), p_block.words()
    offset = 0
    while len(g_len):  # compare 8 bytes at a time, dropping tokens already compared
        mask = _MASKS[np.minimum(g_len, 8)]
        if not np.array_equal(g_words[g_start + offset] & mask, p_words[p_start + offset] & mask):
            raise Unsupported("tokens differ")
        longer = g_len > 8
        g_start, p_start, g_len = g_start[longer], p_start[longer], g_len[longer] - 8
        offset += 8


def _score_block(g_ids, p_ids, g_block, p_block, vocab: _TagVocabulary, options: Options, totals: _Totals) -> None:
    """Decode, match and count one block of aligned sentences."""
    import numpy as np

    from .schemes import lenient_spans_np, strict_spans_np, uncovered_runs_np

    prefix_of, type_of, invalid_of = vocab.arrays()
    n = len(g_ids)
    first = np.zeros(n, dtype=bool)
    first[g_block.sentence_first] = True
    last = np.roll(first, -1)
    sentence_of = np.cumsum(first) - 1 + totals.sentences
    spans = {}
    for side, ids, block in (("gold", g_ids, g_block), ("pred", p_ids, p_block)):
        prefix, type_ = prefix_of[ids], type_of[ids]
        if options.mode == "strict":
            begin, end, kind = strict_spans_np(prefix, type_, first, last, options.scheme)
            totals.dropped[side] += uncovered_runs_np(prefix, first, begin, end)
        else:
            begin, end, kind = lenient_spans_np(prefix, type_, first, last)
            _count_transitions_np(prefix, type_, first, last, totals.transitions[side])
            counts = np.bincount(ids, minlength=len(vocab.names))
            previous = totals.tag_counts[side]
            if previous is not None:
                counts[: len(previous)] += previous
            totals.tag_counts[side] = counts
            if totals.first_invalid[side] is None and invalid_of[ids].any():
                totals.first_invalid[side] = int(block.token_line[np.argmax(invalid_of[ids])])
        if options.types is not None:
            wanted = np.array([name in options.types for name in vocab.type_names])
            keep = wanted[kind]
            begin, end, kind = begin[keep], end[keep], kind[keep]
        spans[side] = (begin, end, kind)
    _match_np(spans["gold"], spans["pred"], sentence_of, vocab.type_names, totals)
    totals.tokens += n
    totals.correct_tags += int(np.count_nonzero(g_ids == p_ids))
    totals.sentences += g_block.n_sentences


def _count_transitions_np(prefix, type_, first, last, into: Counter) -> None:
    """Vectorised :func:`count_transitions` for a block (lenient prefixes O/B/I/E/S)."""
    import numpy as np

    prev_p, prev_t = np.roll(prefix, 1), np.roll(type_, 1)
    prev_p[first] = 0
    prev_t[first] = -1  # nothing equals the type before a sentence's start...
    same = (prev_t == type_) | (first & (prefix == 0))  # ...except O's empty type
    codes = np.bincount((prev_p * 5 + prefix) * 2 + same, minlength=50)
    letters = "OBIES"
    for code in np.flatnonzero(codes).tolist():
        pair, same_flag = divmod(code, 2)
        into[(letters[pair // 5], letters[pair % 5], bool(same_flag))] += int(codes[code])
    ends = np.bincount(prefix[last], minlength=5)
    for code in np.flatnonzero(ends).tolist():
        into[(letters[code], "O", False)] += int(ends[code])


def _match_np(gold, pred, sentence_of, type_names: list[str], totals: _Totals) -> None:
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
    tp = np.bincount(g_kind[g_hit], minlength=n_types)
    fn = np.bincount(g_kind[~g_hit], minlength=n_types)
    fp = np.bincount(p_kind[~p_hit], minlength=n_types)
    for t in np.flatnonzero(tp + fn + fp).tolist():
        cell = totals.per_type.setdefault(t, [0, 0, 0])
        cell[0] += int(tp[t])
        cell[1] += int(fp[t])
        cell[2] += int(fn[t])
    # Per-sentence cells: one row per (sentence, type) with any count.
    cell_key = np.concatenate((sentence_of[gold[0]] * n_types + g_kind, sentence_of[pred[0]] * n_types + p_kind))
    if not len(cell_key):
        return
    values = np.zeros((len(cell_key), 3), dtype=np.int64)
    values[: len(g_kind), 0] = g_hit
    values[: len(g_kind), 2] = ~g_hit
    values[len(g_kind):, 1] = ~p_hit
    unique, inverse = np.unique(cell_key, return_inverse=True)
    summed = np.zeros((len(unique), 3), dtype=np.int64)
    np.add.at(summed, inverse, values)
    # Stored at once in the compact int32 table, so memory grows only by 20 bytes a cell.
    totals.sentence_counts.add_many(unique // n_types, unique % n_types, summed[:, 0], summed[:, 1],
                                    summed[:, 2], type_names)


def _fast_report(totals: _Totals, vocab: _TagVocabulary, options: Options, g_reader, p_reader) -> Report:
    """Build the same :class:`Report` the streaming path builds."""
    import numpy as np

    gold_name, pred_name = g_reader.path, (p_reader.path if p_reader is not None else g_reader.path)
    report = Report(per_type={}, mode=options.mode, scheme_setting=options.scheme, suffix=options.suffix,
                    types=options.types)
    report.per_type = {vocab.type_names[t]: Counts(*c) for t, c in totals.per_type.items()}
    report.sentence_counts = totals.sentence_counts
    report.tokens, report.sentences, report.correct_tags = totals.tokens, totals.sentences, totals.correct_tags
    invalid = {}
    for side in ("gold", "pred"):
        counts = totals.tag_counts[side]
        found = Counter()
        if counts is not None:
            for tag_id in np.flatnonzero(counts).tolist():
                if tag_id < len(vocab.invalid) and vocab.invalid[tag_id]:
                    found[vocab.names[tag_id]] = int(counts[tag_id])
        invalid[side] = found
    report.invalid_tags = {side: sum(c.values()) for side, c in invalid.items()}
    if p_reader is not None and g_reader.documents != p_reader.documents:
        report.warnings.append(
            f"-DOCSTART- lines differ: {gold_name} has {g_reader.documents}, "
            f"{pred_name} has {p_reader.documents}; documents are taken from gold"
        )
    if options.mode == "strict":
        report.scheme, report.scheme_note = options.scheme, "named"
        report.ill_formed, report.ill_formed_kind = dict(totals.dropped), "dropped_runs"
        for side, n in totals.dropped.items():
            if n:
                name = gold_name if side == "gold" else pred_name
                report.warnings.append(
                    f"{name}: {n} ill-formed {options.scheme} run{'s' if n != 1 else ''} yielded no entity (strict mode)"
                )
    else:
        _describe_scheme(report, totals.transitions, options.scheme)
        for side in ("gold", "pred"):
            if invalid[side]:
                name = gold_name if side == "gold" else pred_name
                report.warnings.append(_invalid_warning(name, invalid[side], totals.first_invalid[side]))
    report.documents = max(g_reader.documents, 1) if report.sentences else 0
    return report


# --------------------------------------------------------- fast path: conlleval mode
# Prefix codes of conlleval.pl's rules; every other prefix behaves alike ("other").
_CE = {"O": 0, "B": 1, "I": 2, "E": 3, ".": 4, "[": 5, "]": 6}
_CE_OTHER = 7


class _ConllevalVocabulary(_TagVocabulary):
    """Tag ids with conlleval.pl's reading: prefix code, type id, canonical id, flags."""

    def __init__(self) -> None:
        super().__init__(False, "auto", False)
        self.ce_prefix: list[int] = []
        self.ce_type: list[int] = []
        self.canonical: list[int] = []
        self.slu: list[bool] = []
        self.eb_code: list[int] = []   # 1 for an E- tag, 2 for a B- tag (misscored check)
        self.outside: list[bool] = []  # outside the BIO family (warned about)
        self._pairs: dict[tuple[str, str], int] = {}

    def _register(self, tag: str) -> None:
        from .conlleval import split_tag

        self.names.append(tag)
        prefix, type_ = split_tag(tag)
        self.ce_prefix.append(_CE.get(prefix, _CE_OTHER))
        index = self._type_index.get(type_)
        if index is None:
            index = self._type_index[type_] = len(self.type_names)
            self.type_names.append(type_)
        self.ce_type.append(index)
        self.canonical.append(self._pairs.setdefault((prefix, type_), len(self._pairs)))
        letter = tag[:1] if len(tag) == 1 or tag[1:2] == "-" else ""
        self.slu.append(letter in ("S", "L", "U"))
        self.eb_code.append({"E": 1, "B": 2}.get(letter, 0))
        self.outside.append(self.table.parse(tag) is None and tag != "-X-")

    def ce_arrays(self):
        """Per-id arrays: prefix code, type id, canonical id, S/L/U flag, E/B code, outside."""
        import numpy as np

        return tuple(np.array(a) for a in (self.ce_prefix, self.ce_type, self.canonical, self.slu,
                                          self.eb_code, self.outside))


def _ce_end(prev, cur, prev_t, cur_t):
    """conlleval.pl's endOfChunk, vectorised over prefix codes (SPEC §3)."""
    return (((prev == 1) | (prev == 2)) & ((cur == 1) | (cur == 0))
            | (prev == 3) & ((cur == 3) | (cur == 2) | (cur == 0))
            | (prev != 0) & (prev != 4) & (prev_t != cur_t)
            | (prev == 5) | (prev == 6))


def _ce_start(prev, cur, prev_t, cur_t):
    """conlleval.pl's startOfChunk, vectorised over prefix codes (SPEC §3)."""
    return ((cur == 1) & ((prev == 1) | (prev == 2) | (prev == 0))
            | (cur == 2) & ((prev == 0) | (prev == 3))
            | (cur == 3) & ((prev == 3) | (prev == 0))
            | (cur != 0) & (cur != 4) & (prev_t != cur_t)
            | (cur == 5) | (cur == 6))


class _ChunkState:
    """conlleval.pl's state carried from one block to the next."""

    def __init__(self) -> None:
        self.last = (0, 0, 0, 0)  # gold prefix, gold type, guess prefix, guess type
        self.in_correct = False
        self.since = 0            # sentence where the open correct chunk started
        self.gold: dict[int, int] = {}
        self.found: dict[int, int] = {}
        self.correct: dict[int, int] = {}
        self.tokens = self.correct_tags = self.sentences = 0
        self.sentence_counts = SentenceCounts()
        self.keep: set[str] | None = None
        self.outside = {"gold": None, "pred": None}
        self.misscored: str | None = None


def fast_conlleval(gold, pred, options: Options) -> Report:
    """conlleval mode over blocks: conlleval.pl's per-line state machine, vectorised."""
    vocab = _ConllevalVocabulary()
    state = _ChunkState()
    state.keep = set(options.types) if options.types is not None else None
    blocks = _BlockPairs(gold, pred, options, conlleval=True)
    for g_block, p_block, g_col, p_col in blocks:
        g_ids = vocab.ids(g_block, g_block.column_fields(g_col))
        p_ids = vocab.ids(p_block, p_block.column_fields(p_col))
        _conlleval_block(g_ids, p_ids, g_block, vocab, state)
    if not state.sentences:
        raise Unsupported("no sentences")
    g_reader, p_reader = blocks.readers
    _conlleval_finish(state, g_reader.ends_with_boundary, vocab.type_names)
    return _conlleval_report(state, vocab, options, g_reader, p_reader)


def _conlleval_block(g_ids, p_ids, block, vocab: _ConllevalVocabulary, state: _ChunkState) -> None:
    """Run one block of sentences, each preceded by a boundary step, through the machine."""
    import numpy as np

    prefix_of, type_of, canonical_of, slu_of, eb_of, outside_of = vocab.ce_arrays()
    n_tok, n_sent = len(g_ids), block.n_sentences
    first = np.zeros(n_tok, dtype=bool)
    first[block.sentence_first] = True
    sentence_in_block = np.cumsum(first) - 1
    steps = n_tok + n_sent
    token_step = np.arange(n_tok) + sentence_in_block + 1
    step_sentence = np.zeros(steps, dtype=np.int64)
    step_sentence[token_step] = sentence_in_block + state.sentences
    # A boundary step belongs to the sentence before it (it can only close chunks).
    boundary_step = block.sentence_first + np.arange(n_sent)
    step_sentence[boundary_step] = np.arange(n_sent) + state.sentences - 1
    gp, gt, pp, pt = (np.zeros(steps, dtype=np.int64) for _ in range(4))
    gp[token_step], gt[token_step] = prefix_of[g_ids], type_of[g_ids]
    pp[token_step], pt[token_step] = prefix_of[p_ids], type_of[p_ids]
    lgp, lgt, lpp, lpt = (np.concatenate(([v], a[:-1])) for v, a in zip(state.last, (gp, gt, pp, pt)))
    gold_end, guess_end = _ce_end(lgp, gp, lgt, gt), _ce_end(lpp, pp, lpt, pt)
    gold_start, guess_start = _ce_start(lgp, gp, lgt, gt), _ce_start(lpp, pp, lpt, pt)
    close = gold_end & guess_end & (lpt == lgt)
    leave = (gold_end != guess_end) | (pt != gt)
    enter = gold_start & guess_start & (pt == gt)
    # After a step the state is `enter` if any of the three held there, else unchanged.
    decisive = np.where(close | leave | enter, np.arange(steps), -1)
    last_decisive = np.maximum.accumulate(decisive)
    after = np.where(last_decisive >= 0, enter[np.maximum(last_decisive, 0)], state.in_correct)
    before = np.concatenate(([state.in_correct], after[:-1]))
    counted = before & close
    entered_at = np.concatenate(([-1], last_decisive[:-1]))
    since = np.where(entered_at >= 0, step_sentence[np.maximum(entered_at, 0)], state.since)
    n_types = len(vocab.type_names)
    for target, kinds in ((state.gold, gt[gold_start]), (state.found, pt[guess_start]), (state.correct, lgt[counted])):
        counts = np.bincount(kinds, minlength=n_types)
        for t in np.flatnonzero(counts).tolist():
            target[t] = target.get(t, 0) + int(counts[t])
    # Per-sentence cells (correct, found, gold); a correct chunk goes to its start sentence.
    keys = np.concatenate((since[counted] * n_types + lgt[counted],
                           step_sentence[guess_start] * n_types + pt[guess_start],
                           step_sentence[gold_start] * n_types + gt[gold_start]))
    kind = np.repeat(np.arange(3), (int(counted.sum()), int(guess_start.sum()), int(gold_start.sum())))
    if len(keys):
        unique, inverse = np.unique(keys, return_inverse=True)
        summed = np.zeros((len(unique), 3), dtype=np.int64)
        np.add.at(summed, (inverse, kind), 1)
        _store_cells(state, unique // n_types, unique % n_types, summed, vocab.type_names)
    if steps:
        state.last = (int(gp[-1]), int(gt[-1]), int(pp[-1]), int(pt[-1]))
        state.in_correct = bool(after[-1])
        if state.in_correct and last_decisive[-1] >= 0:
            state.since = int(step_sentence[last_decisive[-1]])
    state.tokens += n_tok
    state.correct_tags += int(np.count_nonzero(canonical_of[g_ids] == canonical_of[p_ids]))
    for side, ids in (("gold", g_ids), ("pred", p_ids)):
        counts = np.bincount(ids, minlength=len(vocab.names))
        previous = state.outside[side]
        if previous is not None:
            counts[: len(previous)] += previous
        state.outside[side] = counts
    if state.misscored is None:
        state.misscored = _misscored_np(g_ids, p_ids, first, sentence_in_block, slu_of, eb_of)
    state.sentences += n_sent


def _misscored_np(g_ids, p_ids, first, sentence_in_block, slu_of, eb_of) -> str | None:
    """:func:`misscored_reason` for the first sentence of a block that has a reason."""
    import numpy as np

    found = []
    for ids in (g_ids, p_ids):
        slu = slu_of[ids]
        eb = eb_of[ids]
        e_to_b = (eb == 2) & (np.roll(eb, 1) == 1) & ~first
        reason = slu | e_to_b
        at = np.flatnonzero(reason)
        found.append((int(sentence_in_block[at[0]]), "S-/L-/U- tags" if slu[at[0]] else "E→B transitions")
                     if len(at) else None)
    candidates = [f for f in found if f is not None]
    if not candidates:
        return None
    first_sentence = min(f[0] for f in candidates)
    for f in found:  # gold is looked at before pred within a sentence
        if f is not None and f[0] == first_sentence:
            return f[1]
    return None


def _conlleval_finish(state: _ChunkState, trailing_boundary: bool, type_names: list[str]) -> None:
    """The closing boundary step (when the input ends with one), then the end rule."""
    import numpy as np

    if trailing_boundary:
        lgp, lgt, lpp, lpt = (np.array([v]) for v in state.last)
        zero = np.zeros(1, dtype=np.int64)
        gold_end = bool(_ce_end(lgp, zero, lgt, zero)[0])
        guess_end = bool(_ce_end(lpp, zero, lpt, zero)[0])
        if state.in_correct:
            if gold_end and guess_end and state.last[3] == state.last[1]:
                state.in_correct = False
                _charge_correct(state, state.last[1], type_names)
            elif gold_end != guess_end:
                state.in_correct = False
        state.last = (0, 0, 0, 0)
    if state.in_correct:
        _charge_correct(state, state.last[1], type_names)
        state.in_correct = False


def _charge_correct(state: _ChunkState, type_id: int, type_names: list[str]) -> None:
    import numpy as np

    state.correct[type_id] = state.correct.get(type_id, 0) + 1
    _store_cells(state, np.array([state.since]), np.array([type_id]), np.array([[1, 0, 0]]), type_names)


def _store_cells(state: _ChunkState, sentence, kind, summed, type_names: list[str]) -> None:
    """Add (correct, found, gold) cells to the per-sentence table as tp, fp, fn.

    The table is additive, so a sentence may get several rows for one type (a correct
    chunk is charged to the sentence where it started, possibly in an earlier block).
    """
    import numpy as np

    if state.keep is not None:
        wanted = np.array([name in state.keep for name in type_names])[kind]
        sentence, kind, summed = sentence[wanted], kind[wanted], summed[wanted]
    correct, found, gold = summed[:, 0], summed[:, 1], summed[:, 2]
    state.sentence_counts.add_many(sentence, kind, correct, found - correct, gold - correct, type_names)


def _conlleval_report(state: _ChunkState, vocab: _ConllevalVocabulary, options: Options, g_reader, p_reader) -> Report:
    """The same :class:`Report` :func:`_score_conlleval` builds."""
    import numpy as np

    names = vocab.type_names
    counter = ChunkCounter()
    counter.gold.update({names[t]: n for t, n in state.gold.items()})
    counter.found.update({names[t]: n for t, n in state.found.items()})
    counter.correct.update({names[t]: n for t, n in state.correct.items()})
    counter.tokens, counter.correct_tags, counter.sentence = state.tokens, state.correct_tags, state.sentences
    report = _counter_report(counter, options)
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
    gold_name = g_reader.path
    pred_name = p_reader.path if p_reader is not None else gold_name
    if p_reader is not None and g_reader.documents != p_reader.documents:
        report.warnings.append(
            f"-DOCSTART- lines differ: {gold_name} has {g_reader.documents}, "
            f"{pred_name} has {p_reader.documents}; documents are taken from gold"
        )
    _conlleval_warnings(report, state.misscored, outside, gold_name, pred_name)
    report.documents = max(g_reader.documents, 1) if report.sentences else 0
    return report
