"""Pure-Python reference decoders, the oracles of the vectorised ones in
:mod:`seqeval_suite.core.decode` (one sentence at a time, written for reading, not speed).

They follow SPEC §2: lenient = seqeval 1.2.2's ``get_entities`` with ``L-`` read as
``E-`` and ``U-`` as ``S-``; strict = seqeval's ``mode="strict"`` pattern tables for
IOB2, IOE2, IOBES and BILOU, SPEC's definitions for IOB1, IOE1 and IO.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

from seqeval_suite.conlleval import split_tag
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


# ----------------------------------------------------------------- conlleval.pl
def end_of_chunk(prev: str, cur: str, prev_type: str, cur_type: str) -> bool:
    """conlleval.pl's endOfChunk: did a chunk end at the previous token?"""
    return (
        (prev == "B" and cur in ("B", "O"))
        or (prev == "I" and cur in ("B", "O"))
        or (prev == "E" and cur in ("E", "I", "O"))
        or (prev != "O" and prev != "." and prev_type != cur_type)
        or prev in ("[", "]")
    )


def start_of_chunk(prev: str, cur: str, prev_type: str, cur_type: str) -> bool:
    """conlleval.pl's startOfChunk: does a chunk start at the current token?"""
    return (
        (cur == "B" and prev in ("B", "I", "O"))
        or (cur == "I" and prev in ("O",))
        or (cur == "E" and prev in ("E", "O"))
        or (cur == "I" and prev == "E")
        or (cur != "O" and cur != "." and prev_type != cur_type)
        or cur in ("[", "]")
    )


class ChunkMachine:
    """conlleval.pl's counting loop, fed one token (or boundary) at a time (the
    reference the vectorised machine in seqeval_suite.core.chunks is tested against).

    Counts are kept per type (``gold``, ``found``, ``correct``) and, for resampling,
    per sentence: each count is charged to the sentence being read when it is made,
    except a correct chunk, which is charged to the sentence where it started.
    """

    def __init__(self) -> None:
        self.gold: Counter = Counter()
        self.found: Counter = Counter()
        self.correct: Counter = Counter()
        self.tokens = 0
        self.correct_tags = 0
        self._last = ("O", "", "O", "")
        self._in_correct = False
        self._correct_since = 0
        self.sentence = 0
        #: sentence index -> Counter of (type, kind) for kind in gold/found/correct
        self.by_sentence: dict[int, Counter] = {}

    def _charge(self, sentence: int, type_: str, kind: str) -> None:
        bucket = self.by_sentence.get(sentence)
        if bucket is None:
            bucket = self.by_sentence[sentence] = Counter()
        bucket[(type_, kind)] += 1

    def add(self, gold_tag: str, pred_tag: str, *, boundary: bool = False) -> None:
        """Process one line: a token, or a boundary (blank line or ``-X-``)."""
        if boundary:
            gold, gold_type, guess, guess_type = "O", "", "O", ""
        else:
            gold, gold_type = split_tag(gold_tag)
            guess, guess_type = split_tag(pred_tag)
        last_gold, last_gold_type, last_guess, last_guess_type = self._last
        gold_end = end_of_chunk(last_gold, gold, last_gold_type, gold_type)
        guess_end = end_of_chunk(last_guess, guess, last_guess_type, guess_type)
        if self._in_correct:
            if gold_end and guess_end and last_guess_type == last_gold_type:
                self._in_correct = False
                self.correct[last_gold_type] += 1
                self._charge(self._correct_since, last_gold_type, "correct")
            elif gold_end != guess_end or guess_type != gold_type:
                self._in_correct = False
        gold_start = start_of_chunk(last_gold, gold, last_gold_type, gold_type)
        guess_start = start_of_chunk(last_guess, guess, last_guess_type, guess_type)
        if gold_start and guess_start and guess_type == gold_type:
            self._in_correct = True
            self._correct_since = self.sentence
        if gold_start:
            self.gold[gold_type] += 1
            self._charge(self.sentence, gold_type, "gold")
        if guess_start:
            self.found[guess_type] += 1
            self._charge(self.sentence, guess_type, "found")
        if not boundary:
            if gold == guess and gold_type == guess_type:
                self.correct_tags += 1
            self.tokens += 1
        self._last = (gold, gold_type, guess, guess_type)

    def add_sentence(self, gold_tags: Sequence[str], pred_tags: Sequence[str]) -> None:
        """Process the boundary before a sentence (none before the first) and its tokens.

        Repeated boundary lines change nothing in conlleval.pl's state, so one boundary
        step between sentences is exact; a boundary can only close a chunk, whose
        correct count goes to the sentence where that chunk started.
        """
        add = self.add
        if self.sentence:
            add("O", "O", boundary=True)
        for g, p in zip(gold_tags, pred_tags):
            add(g, p)
        self.sentence += 1

    def finish(self, trailing_boundary: bool = True) -> None:
        """conlleval.pl's end of input: the last boundary line if the input ends with
        one (a blank or ``-X-`` line), then an open correct chunk counts."""
        if trailing_boundary and self.sentence:
            self.add("O", "O", boundary=True)
        if self._in_correct:
            last_gold_type = self._last[1]
            self.correct[last_gold_type] += 1
            self._charge(self._correct_since, last_gold_type, "correct")
            self._in_correct = False


def misscored_reason(gold_tags: Sequence[str], pred_tags: Sequence[str]) -> str | None:
    """Say why conlleval.pl would mis-score a sentence (S-/L-/U- tags, E→B), or None."""
    for tags in (gold_tags, pred_tags):
        prev = ""
        for tag in tags:
            prefix = tag[:1]
            if prefix in ("S", "L", "U") and (len(tag) == 1 or tag[1] == "-"):
                return "S-/L-/U- tags"
            if prefix == "B" and prev == "E":
                return "E→B transitions"
            prev = prefix if len(tag) == 1 or tag[1:2] == "-" else ""
    return None
