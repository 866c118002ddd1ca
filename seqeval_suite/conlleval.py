"""An exact emulation of conlleval.pl (2004-01-26, default options), flaws included.

conlleval.pl does not extract spans; it counts chunks with a small state machine over
the token stream (SPEC §3). This module is that machine. Sentence boundaries are
tokens tagged O with an empty type that are not counted, exactly as in the script.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

BOUNDARY = "-X-"
_TAG = re.compile(r"^([^-]*)-(.*)$", re.DOTALL)


def split_perl(line: str, delimiter: str | None = None) -> list[str]:
    """Split a line as conlleval.pl's ``split(/$delimiter/, $line)`` does.

    The default delimiter is one space: tabs do not split, two spaces make an empty
    field, a leading space makes an empty first field, trailing empty fields are
    dropped (so a line of spaces has no fields).

    >>> split_perl("a  b O ")
    ['a', '', 'b', 'O']
    >>> split_perl("   ")
    []
    """
    fields = line.split(" ") if delimiter is None else re.split(delimiter, line)
    while fields and fields[-1] == "":
        fields.pop()
    return fields


def split_tag(tag: str) -> tuple[str, str]:
    """Split a tag into conlleval.pl's ``(prefix, type)``.

    A tag matching ``^([^-]*)-(.*)$`` splits at its first hyphen; any other tag is its
    own prefix with an empty type. A type Perl finds false (``0``) becomes empty.

    >>> split_tag("B-ORG-GOV")
    ('B', 'ORG-GOV')
    >>> split_tag("S")
    ('S', '')
    >>> split_tag("I-0")
    ('I', '')
    """
    m = _TAG.match(tag)
    if m is None:
        return tag, ""
    prefix, type_ = m.group(1), m.group(2)
    return prefix, ("" if type_ == "0" else type_)


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


class ChunkCounter:
    """conlleval.pl's counting loop, fed one token (or boundary) at a time.

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


def format_report(counter: ChunkCounter, types: Sequence[str] | None = None) -> str:
    """Render counts exactly as conlleval.pl prints them (SPEC §3).

    ``types`` restricts the per-type lines and the totals to those types.
    """
    gold, found, correct = counter.gold, counter.found, counter.correct
    if types is not None:
        keep = set(types)
        gold = Counter({k: v for k, v in gold.items() if k in keep})
        found = Counter({k: v for k, v in found.items() if k in keep})
        correct = Counter({k: v for k, v in correct.items() if k in keep})
    n_gold, n_found, n_correct = sum(gold.values()), sum(found.values()), sum(correct.values())
    lines = [
        f"processed {counter.tokens} tokens with {n_gold} phrases; "
        f"found: {n_found} phrases; correct: {n_correct}.\n"
    ]
    if counter.tokens > 0:
        precision = 100 * n_correct / n_found if n_found else 0.0
        recall = 100 * n_correct / n_gold if n_gold else 0.0
        fb1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        accuracy = 100 * counter.correct_tags / counter.tokens
        lines.append(
            "accuracy: %6.2f%%; precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f\n"
            % (accuracy, precision, recall, fb1)
        )
    for type_ in sorted_types(list(gold) + list(found)):
        c, f, g = correct.get(type_, 0), found.get(type_, 0), gold.get(type_, 0)
        precision = 100 * c / f if f else 0.0
        recall = 100 * c / g if g else 0.0
        fb1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        lines.append(
            "%s: precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f  %d\n"
            % (pad_bytes(type_, 17), precision, recall, fb1, f)
        )
    return "".join(lines)


def sorted_types(keys: list[str]) -> list[str]:
    """conlleval.pl's type list: byte-order sort, adjacent duplicates dropped, except
    that a key following a false (empty) key is always kept.

    >>> sorted_types(["PER", "LOC", "PER", "", ""])
    ['', '', 'LOC', 'PER']
    """
    out: list[str] = []
    last: str | None = None
    for key in sorted(keys, key=lambda k: k.encode("utf-8")):
        if not last or last != key:
            out.append(key)
        last = key
    return out


def pad_bytes(text: str, width: int) -> str:
    """Right-align like Perl's ``%17s``: the width counts UTF-8 bytes."""
    missing = width - len(text.encode("utf-8"))
    return " " * missing + text if missing > 0 else text
