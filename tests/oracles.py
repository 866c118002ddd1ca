"""Pure-Python reference decoders, the oracles of the vectorised ones in
:mod:`seqeval_suite.core.decode` (one sentence at a time, written for reading, not speed).

They follow SPEC §2: lenient = seqeval 1.2.2's ``get_entities`` with ``L-`` read as
``E-`` and ``U-`` as ``S-``; strict = seqeval's ``mode="strict"`` pattern tables for
IOB2, IOE2, IOBES and BILOU, SPEC's definitions for IOB1, IOE1 and IO.
"""
from __future__ import annotations

from typing import Iterable, Sequence

from seqeval_suite.schemes import _COMPILED, _OUTSIDE, Span

def decode_lenient(parsed: Sequence[tuple[str, str]]) -> list[Span]:
    """Decode one sentence as seqeval 1.2.2's default mode does.

    ``parsed`` holds ``(prefix, type)`` pairs with prefixes in B/I/E/S/O (see
    :class:`TagTable`). The rules are seqeval's ``end_of_chunk``/``start_of_chunk``:
    B and S always start an entity, E and S always end one, and I or E after O,
    after E/S, or after another type start one.

    >>> decode_lenient([("B", "PER"), ("I", "PER"), ("O", ""), ("I", "LOC")])
    [(0, 2, 'PER'), (3, 4, 'LOC')]
    """
    spans: list[Span] = []
    prev_p, prev_t = "O", ""
    begin = 0
    for i, (p, t) in enumerate(parsed):
        if prev_p != "O" and (
            prev_p in "ES" or p in "BSO" or prev_t != t
        ):
            spans.append((begin, i, prev_t))
        if p != "O" and (p in "BS" or prev_p in "ESO" or prev_t != t):
            begin = i
        prev_p, prev_t = p, t
    if prev_p != "O":
        spans.append((begin, len(parsed), prev_t))
    return spans


# seqeval 1.2.2 scheme.py pattern tables: (previous prefixes, current prefixes, type
# condition). "same"/"diff" compare the two tokens' types; "any" ignores them.
def _matches(table: dict[tuple[str, str], str], prev: tuple[str, str], cur: tuple[str, str]) -> bool:
    cond = table.get((prev[0], cur[0]))
    if cond is None:
        return False
    if cond == "any":
        return True
    return (prev[1] == cur[1]) == (cond == "same")


def decode_strict(parsed: Sequence[tuple[str, str]], scheme: str) -> list[Span]:
    """Decode one sentence keeping only entities well formed under ``scheme``.

    ``parsed`` holds ``(prefix, type)`` pairs whose prefixes the scheme allows (the
    caller rejects others). Ill-formed runs yield no entity.

    >>> decode_strict([("O", ""), ("I", "X"), ("I", "X")], "IOB2")
    []
    >>> decode_strict([("I", "X"), ("I", "X"), ("B", "X"), ("O", "")], "IOB1")
    [(0, 2, 'X'), (2, 3, 'X')]
    """
    if scheme == "IOB1":
        return _decode_iob1(parsed)
    if scheme == "IOE1":
        return _decode_ioe1(parsed)
    tables = _COMPILED[scheme]
    start, inside, end_ = tables["start"], tables["inside"], tables["end"]
    tokens = list(parsed) + [_OUTSIDE]
    spans: list[Span] = []
    # A direct transcription of seqeval's Tokens.entities loop.
    i, prev = 0, _OUTSIDE
    n = len(tokens)
    while i < n:
        token = tokens[i]
        if _matches(start, prev, token):
            j, inner_prev = i + 1, token
            while j < n and _matches(inside, inner_prev, tokens[j]):
                inner_prev = tokens[j]
                j += 1
            if j < n and _matches(end_, tokens[j - 1], tokens[j]):
                spans.append((i, j, token[1]))
            i = j
        else:
            i += 1
        prev = tokens[i - 1]
    return spans


def _decode_iob1(parsed: Sequence[tuple[str, str]]) -> list[Span]:
    """IOB1 (SPEC §2): I-X runs are entities; B-X starts one only right after type X."""
    spans: list[Span] = []
    begin, cur_type, well_formed = -1, "", False
    for i, (p, t) in enumerate(parsed):
        if p == "I" and begin >= 0 and cur_type == t:
            continue
        if begin >= 0 and well_formed:
            spans.append((begin, i, cur_type))
        if p == "O":
            begin = -1
            continue
        # B-X is well formed only directly after an entity (or run) of the same type.
        well_formed = p == "I" or (begin >= 0 and cur_type == t)
        begin, cur_type = i, t
    if begin >= 0 and well_formed:
        spans.append((begin, len(parsed), cur_type))
    return spans


def _decode_ioe1(parsed: Sequence[tuple[str, str]]) -> list[Span]:
    """IOE1 (SPEC §2): I-X runs are entities; E-X ends one only right before type X."""
    spans: list[Span] = []
    begin, cur_type, closed = -1, "", False
    for i, (p, t) in enumerate(parsed):
        same = begin >= 0 and cur_type == t
        if same and not closed:
            if p == "E":
                closed = True
            continue  # I-X or E-X continuing the open run
        if begin >= 0:
            # A run closed by E-X is well formed only when an X entity follows at once.
            if not closed or (same and p != "O"):
                spans.append((begin, i, cur_type))
        if p == "O":
            begin = -1
            continue
        begin, cur_type, closed = i, t, p == "E"
    if begin >= 0 and not closed:
        spans.append((begin, len(parsed), cur_type))
    return spans


def uncovered_runs(parsed: Sequence[tuple[str, str]], spans: Iterable[Span]) -> int:
    """Count maximal runs of non-O tokens that no span covers (dropped ill-formed runs)."""
    covered = bytearray(len(parsed))
    for s, e, _ in spans:
        covered[s:e] = b"\x01" * (e - s)
    runs, inside = 0, False
    for i, (p, _) in enumerate(parsed):
        loose = p != "O" and not covered[i]
        if loose and not inside:
            runs += 1
        inside = loose
    return runs


# ---------------------------------------------------------------- scheme detection
