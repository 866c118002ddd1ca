"""An exact emulation of conlleval.pl (2004-01-26, default options), flaws included.

conlleval.pl does not extract spans; it counts chunks with a small state machine over
the token stream (SPEC §3). That machine runs vectorised in
:mod:`seqeval_suite.core.chunks`; this module holds the script's line splitting, tag
splitting, its counts and its report text.
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
    >>> split_perl("ab", "x*")
    ['a', 'b']
    >>> split_perl("a\tb", "\t")
    ['a', 'b']
    """
    fields = line.split(" ") if delimiter is None else _split_regex(delimiter, line)
    while fields and fields[-1] == "":
        fields.pop()
    return fields


def _split_regex(delimiter: str, line: str) -> list[str]:
    """Perl's ``split(/delimiter/, line)`` before trailing empty fields are dropped.
    Python's ``re.split`` differs where a match is empty: Perl never splits on an empty
    match at the start of the line or where the previous match ended (``split(/x*/,
    "ab")`` is ``("a", "b")``, ``split(/ ?/, " a")`` is ``("", "a")``)."""
    fields, start, last_end = [], 0, -1
    for match in re.finditer(delimiter, line):
        begin, end = match.span()
        if begin == end and (begin == 0 or begin == last_end):
            continue
        fields.append(line[start:begin])
        fields.extend(g or "" for g in match.groups())  # Perl returns captured groups too
        start = last_end = end
    fields.append(line[start:])
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


class ChunkCounter:
    """conlleval.pl's counts, as its report prints them: chunks per type in gold
    (``gold``), in the prediction (``found``) and correct (``correct``), tokens and
    correctly tagged tokens, sentences. The counting itself is
    :mod:`seqeval_suite.core.chunks` (vectorised); a one-token-at-a-time reference
    version is the test oracle ``tests/oracles.py``'s ``ChunkMachine``.
    """

    def __init__(self) -> None:
        self.gold: Counter = Counter()
        self.found: Counter = Counter()
        self.correct: Counter = Counter()
        self.tokens = 0
        self.correct_tags = 0
        self.sentence = 0


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
