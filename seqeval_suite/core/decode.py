"""Vectorised decoders: tag-id arrays of a block of sentences in, entity arrays out.

Every mode decodes here and nowhere else: :func:`lenient_spans_np` (seqeval's default
mode, SPEC §2), :func:`strict_spans_np` (seqeval's strict mode for each scheme; IOB1 and
IOE1 as SPEC §2 defines them), and conlleval.pl's chunk rules :func:`ce_end` /
:func:`ce_start`, which :mod:`seqeval_suite.core.chunks` runs as the script's state
machine. Inputs are per-token int arrays (prefix code, type id) and bool arrays marking
each sentence's first and last token; outputs are ``(begin, end, type)`` int arrays,
end exclusive, in token order.
"""
from __future__ import annotations

from collections import Counter

from ..schemes import _COMPILED, PREFIX_CODE

_CONDITION_CODE = {"any": 1, "same": 2, "diff": 3}


def _condition_tables():
    """The seqeval pattern tables as 7x7 integer arrays (0: no pattern)."""
    import numpy as np

    tables = {}
    for scheme, kinds in _COMPILED.items():
        tables[scheme] = {}
        for kind, table in kinds.items():
            grid = np.zeros((7, 7), dtype=np.int8)
            for (prev, cur), cond in table.items():
                grid[PREFIX_CODE[prev], PREFIX_CODE[cur]] = _CONDITION_CODE[cond]
            tables[scheme][kind] = grid
    return tables


_TABLES = None


def _holds(grid, prev_p, cur_p, same):
    """Vectorised :func:`_matches`: which (prev, cur) pairs a pattern table accepts."""
    cond = grid[prev_p, cur_p]
    return (cond == 1) | ((cond == 2) & same) | ((cond == 3) & ~same)


def _neighbours(prefix, type_, first, last):
    """Previous and next prefix/type of every token, O (type 0) across sentence edges."""
    import numpy as np

    prev_p, prev_t = np.roll(prefix, 1), np.roll(type_, 1)
    next_p, next_t = np.roll(prefix, -1), np.roll(type_, -1)
    prev_p[first] = 0
    prev_t[first] = 0
    next_p[last] = 0
    next_t[last] = 0
    return prev_p, prev_t, next_p, next_t


def lenient_spans_np(prefix, type_, first, last):
    """The lenient decoder (oracle: ``tests/oracles.py`` ``decode_lenient``) over a whole block of sentences at once.

    Args:
        prefix: int array of lenient prefix codes (O 0, B 1, I 2, E 3, S 4) per token.
        type_: int array of type ids per token (any value for O).
        first, last: bool arrays marking each sentence's first and last token.

    Returns:
        ``(begin, end, type)`` int arrays, end exclusive, in token order.
    """
    import numpy as np

    prev_p, prev_t, next_p, next_t = _neighbours(prefix, type_, first, last)
    inside = prefix != 0
    start = inside & ((prefix == 1) | (prefix == 4) | (prev_p == 0) | (prev_p == 3) | (prev_p == 4)
                      | (prev_t != type_))
    end = inside & ((prefix == 3) | (prefix == 4) | (next_p == 0) | (next_p == 1) | (next_p == 4)
                    | (next_t != type_))
    starts = np.flatnonzero(start)
    ends = np.flatnonzero(end)
    # Each entity begins at the latest start at or before its last token (seqeval's
    # begin_offset); after every end the next non-O token is a start, so this is exact.
    begins = starts[np.cumsum(start)[ends] - 1] if len(ends) else ends
    return begins, ends + 1, type_[ends]


def strict_spans_np(prefix, type_, first, last, scheme: str):
    """The strict decoder (oracle: ``tests/oracles.py`` ``decode_strict``) over a whole block of sentences at once.

    Tokens split into segments: a token continues the segment before it when the
    scheme's inside pattern holds. A segment is an entity when its first token is a
    start and its last token is a well-formed end (seqeval's loop; for IOB1 and IOE1
    SPEC §2's rules). Prefix codes are :data:`PREFIX_CODE`. Returns ``(begin, end,
    type)`` int arrays, end exclusive.
    """
    import numpy as np

    global _TABLES
    if _TABLES is None:
        _TABLES = _condition_tables()
    n = len(prefix)
    prev_p, prev_t, next_p, next_t = _neighbours(prefix, type_, first, last)
    same_prev = prev_t == type_
    b_code, i_code, e_code = PREFIX_CODE["B"], PREFIX_CODE["I"], PREFIX_CODE["E"]
    if scheme == "IOB1":
        inside = (prefix == i_code) & ((prev_p == b_code) | (prev_p == i_code)) & same_prev
    elif scheme == "IOE1":
        inside = (prev_p == i_code) & same_prev & ((prefix == i_code) | (prefix == e_code))
    else:
        tables = _TABLES[scheme]
        inside = _holds(tables["inside"], prev_p, prefix, same_prev)
    inside[first] = False
    begin = np.flatnonzero(~inside)
    last_tok = np.append(begin[1:], n) - 1
    p_begin, p_last = prefix[begin], prefix[last_tok]
    if scheme == "IOB1":
        ok = (p_begin == i_code) | (
            (p_begin == b_code) & (prev_p[begin] != 0) & same_prev[begin])
    elif scheme == "IOE1":
        ok = (p_last == i_code) | (
            (p_last == e_code) & (next_p[last_tok] != 0) & (next_t[last_tok] == type_[last_tok]))
    else:
        start = _holds(tables["start"], prev_p[begin], p_begin, same_prev[begin])
        end = _holds(tables["end"], p_last, next_p[last_tok], type_[last_tok] == next_t[last_tok])
        ok = start & end
    ok &= p_begin != 0
    begin, last_tok = begin[ok], last_tok[ok]
    return begin, last_tok + 1, type_[begin]


def uncovered_runs_np(prefix, first, begins, ends) -> int:
    """Runs (oracle: ``tests/oracles.py`` ``uncovered_runs``) over a block: runs of non-O tokens no span covers."""
    import numpy as np

    cover = np.zeros(len(prefix) + 1, dtype=np.int64)
    np.add.at(cover, begins, 1)
    np.add.at(cover, ends, -1)
    loose = (prefix != 0) & (np.cumsum(cover[:-1]) == 0)
    before = np.roll(loose, 1)
    before[first] = False
    return int(np.count_nonzero(loose & ~before))


def count_transitions_np(prefix, type_, first, last, into: Counter) -> None:
    """Vectorised :func:`~seqeval_suite.schemes.count_transitions` for a block, on the
    tags' own prefix codes (O/B/I/E/S/L/U, :data:`~seqeval_suite.schemes.PREFIX_CODE`)."""
    import numpy as np

    prev_p, prev_t = np.roll(prefix, 1), np.roll(type_, 1)
    prev_p[first] = 0
    prev_t[first] = -1  # nothing equals the type before a sentence's start...
    same = (prev_t == type_) | (first & (prefix == 0))  # ...except O's empty type
    codes = np.bincount((prev_p.astype(np.int16) * 7 + prefix) * 2 + same, minlength=98)
    letters = "OBIESLU"
    for code in np.flatnonzero(codes).tolist():
        pair, same_flag = divmod(code, 2)
        into[(letters[pair // 7], letters[pair % 7], bool(same_flag))] += int(codes[code])
    ends = np.bincount(prefix[last], minlength=7)
    for code in np.flatnonzero(ends).tolist():
        into[(letters[code], "O", False)] += int(ends[code])


def ce_end(prev, cur, prev_t, cur_t):
    """conlleval.pl's endOfChunk, vectorised over prefix codes (SPEC §3)."""
    return (((prev == 1) | (prev == 2)) & ((cur == 1) | (cur == 0))
            | (prev == 3) & ((cur == 3) | (cur == 2) | (cur == 0))
            | (prev != 0) & (prev != 4) & (prev_t != cur_t)
            | (prev == 5) | (prev == 6))


def ce_start(prev, cur, prev_t, cur_t):
    """conlleval.pl's startOfChunk, vectorised over prefix codes (SPEC §3)."""
    return ((cur == 1) & ((prev == 1) | (prev == 2) | (prev == 0))
            | (cur == 2) & ((prev == 0) | (prev == 3))
            | (cur == 3) & ((prev == 3) | (prev == 0))
            | (cur != 0) & (cur != 4) & (prev_t != cur_t)
            | (cur == 5) | (cur == 6))
