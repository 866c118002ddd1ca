"""Tag schemes: parsing tags, the schemes' pattern tables, scheme detection.

The decoders built on these tables live in :mod:`seqeval_suite.core.decode` (SPEC §2);
the pure-Python decoders that once stood here are test oracles (``tests/oracles.py``):

* ``lenient`` — the entities seqeval 1.2.2's default ``get_entities`` extracts, with
  ``L-`` read as ``E-`` and ``U-`` as ``S-``; invalid tags are read as ``O``.
* ``strict`` — only entities well formed under a named scheme. IOB2, IOE2, IOBES and
  BILOU follow seqeval 1.2.2's ``mode="strict"`` pattern tables; IOB1, IOE1 and IO
  follow SPEC §2's definitions (seqeval gets IOB1 wrong and has no IO).

conlleval.pl's own chunk rules live in :mod:`seqeval_suite.conlleval`.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Sequence

Span = tuple[int, int, str]
"""An entity within one sentence: ``(start, end, type)``, end exclusive."""

SCHEMES = ("IOB1", "IOB2", "IOE1", "IOE2", "IOBES", "BILOU", "IO")
ALIASES = {"BIO": "IOB2", "BIOES": "IOBES", "IOB": "IOB2", "BILOU": "BILOU", "BIOLU": "BILOU"}
PREFIXES = frozenset("BIESLU")

#: The prefixes each scheme allows besides ``O``.
SCHEME_PREFIXES: dict[str, frozenset[str]] = {
    "IOB1": frozenset("IB"),
    "IOB2": frozenset("IB"),
    "IOE1": frozenset("IE"),
    "IOE2": frozenset("IE"),
    "IOBES": frozenset("IBES"),
    "BILOU": frozenset("BILU"),
    "IO": frozenset("I"),
}

#: Bare prefixes (``B``, ``I`` ... with no type) are entities of this type, as in seqeval.
UNTYPED = "_"


def normalize_scheme(name: str) -> str:
    """Return the canonical name of a scheme (case-insensitive, aliases resolved).

    >>> normalize_scheme("bioes")
    'IOBES'
    >>> normalize_scheme("auto")
    'auto'
    """
    upper = name.strip().upper()
    if upper == "AUTO":
        return "auto"
    upper = ALIASES.get(upper, upper)
    if upper not in SCHEMES:
        from .errors import UsageError

        raise UsageError(
            f"unknown scheme {name!r}",
            hint="choose one of auto, " + ", ".join(SCHEMES) + " (aliases BIO, BIOES)",
        )
    return upper


def looks_like_another(tag: str) -> bool:
    """Whether ``tag`` holds a character that would make it a second tag looking like a
    first: invisible (zero-width, format, control, no-break space) or whitespace around
    it (left by an explicit ``--delimiter``, or inside a JSON string). Such tags are
    invalid outside conlleval mode, which reads tags as conlleval.pl does.

    >>> looks_like_another("B-PER\u200b"), looks_like_another("B-PER "), looks_like_another("B-PER")
    (True, True, False)
    """
    return not tag.isprintable() or tag != tag.strip()


def parse_tag(tag: str, suffix: bool = False) -> tuple[str, str] | None:
    """Split a tag into ``(prefix, type)``, or return None when the tag is invalid.

    Valid tags (SPEC §2) are ``O``, ``PREFIX-TYPE`` with a prefix in B/I/E/S/L/U and a
    non-empty type, and a bare prefix, whose type is ``_``. With ``suffix`` the tag
    reads ``TYPE-PREFIX``. Types may contain ``-``: the prefix is split off at the
    first (last, with ``suffix``) hyphen only.

    >>> parse_tag("B-ORG-GOV")
    ('B', 'ORG-GOV')
    >>> parse_tag("PER-E", suffix=True)
    ('E', 'PER')
    >>> parse_tag("I")
    ('I', '_')
    >>> parse_tag("[PAD]") is None
    True
    """
    if tag == "O":
        return ("O", "")
    if suffix:
        prefix, sep, rest = tag[-1:], tag[-2:-1], tag[:-2]
    else:
        prefix, sep, rest = tag[:1], tag[1:2], tag[2:]
    if prefix not in PREFIXES:
        return None
    if len(tag) == 1:
        return (prefix, UNTYPED)
    if sep != "-" or not rest:
        return None
    return (prefix, rest)


class TagTable:
    """Parses each distinct tag once; decoding then works on cached ``(prefix, type)``.

    ``lenient`` tables read L as E and U as S and map invalid tags to O, counting them.
    """

    def __init__(self, *, suffix: bool = False, lenient: bool = True) -> None:
        self.suffix = suffix
        self.lenient = lenient
        self._cache: dict[str, tuple[str, str] | None] = {}
        self.invalid = Counter()

    def parse(self, tag: str) -> tuple[str, str] | None:
        """Return the cached parse of ``tag`` (None when invalid)."""
        try:
            return self._cache[tag]
        except KeyError:
            parsed = parse_tag(tag, self.suffix)
            if parsed is not None and self.lenient:
                parsed = (_LENIENT_PREFIX[parsed[0]], parsed[1])
            self._cache[tag] = parsed
            return parsed

    def parse_all(self, tags: Sequence[str]) -> list[tuple[str, str]]:
        """Parse a sentence's tags, reading invalid ones as O and counting them."""
        cache = self._cache
        out = []
        for tag in tags:
            parsed = cache.get(tag) if tag in cache else self.parse(tag)
            if parsed is None:
                self.invalid[tag] += 1
                parsed = _OUTSIDE
            out.append(parsed)
        return out


_OUTSIDE = ("O", "")
_LENIENT_PREFIX = {"B": "B", "I": "I", "E": "E", "S": "S", "L": "E", "U": "S", "O": "O"}


_ANY = "IOBESLU"
_PATTERNS: dict[str, dict[str, tuple[tuple[str, str, str], ...]]] = {
    "IOB2": {
        "start": ((_ANY, "B", "any"),),
        "inside": (("B", "I", "same"), ("I", "I", "same")),
        "end": (("I", "O", "any"), ("I", "I", "diff"), ("I", "B", "any"),
                ("B", "O", "any"), ("B", "I", "diff"), ("B", "B", "any")),
    },
    "IOE2": {
        "start": (("O", "I", "any"), ("O", "E", "any"), ("E", "I", "any"),
                  ("E", "E", "any"), ("I", "I", "diff"), ("I", "E", "diff")),
        "inside": (("I", "E", "same"), ("I", "I", "same")),
        "end": (("E", _ANY, "any"),),
    },
    "IOBES": {
        "start": ((_ANY, "B", "any"), (_ANY, "S", "any")),
        "inside": (("B", "I", "same"), ("B", "E", "same"), ("I", "I", "same"),
                   ("I", "E", "same")),
        "end": (("S", _ANY, "any"), ("E", _ANY, "any")),
    },
    "BILOU": {
        "start": ((_ANY, "B", "any"), (_ANY, "U", "any")),
        "inside": (("B", "I", "same"), ("B", "L", "same"), ("I", "I", "same"),
                   ("I", "L", "same")),
        "end": (("U", _ANY, "any"), ("L", _ANY, "any")),
    },
    # Not in seqeval: an IO entity is a run of I-X of one type.
    "IO": {
        "start": (("O", "I", "any"), ("I", "I", "diff")),
        "inside": (("I", "I", "same"),),
        "end": (("I", "O", "any"), ("I", "I", "diff")),
    },
}


def _compile(patterns: tuple[tuple[str, str, str], ...]) -> dict[tuple[str, str], str]:
    """Turn a pattern table into a lookup ``(prev, cur) -> 'any'|'same'|'diff'|'both'``."""
    table: dict[tuple[str, str], set[str]] = {}
    for prevs, curs, cond in patterns:
        for a in prevs:
            for b in curs:
                table.setdefault((a, b), set()).add(cond)
    return {k: ("any" if "any" in v or v == {"same", "diff"} else v.pop()) for k, v in table.items()}


_COMPILED = {
    scheme: {kind: _compile(pats) for kind, pats in table.items()}
    for scheme, table in _PATTERNS.items()
}


def strict_type(tag_type: str) -> str:
    """seqeval's strict mode strips hyphens around the type (``Token.tag``)."""
    return tag_type.strip("-") or UNTYPED


Transition = tuple[str, str, bool]
"""``(previous prefix, current prefix, same type)``; sentences start and end with O."""


def count_transitions(parsed: Sequence[tuple[str, str]], into: Counter) -> None:
    """Add one sentence's prefix transitions (with O before and after) to ``into``."""
    prev_p, prev_t = "O", ""
    for p, t in parsed:
        into[(prev_p, p, prev_t == t)] += 1
        prev_p, prev_t = p, t
    into[(prev_p, "O", False)] += 1


def _allowed(scheme: str, prev: str, cur: str, same: bool) -> bool:
    """Whether the transition prev→cur is well formed under ``scheme``."""
    if scheme == "IO":
        return True
    if scheme in ("IOB1", "IOB2"):
        if cur == "I" and scheme == "IOB2":
            return prev in "BI" and same
        if cur == "B" and scheme == "IOB1":
            return prev in "BI" and same
        return True
    if scheme in ("IOE1", "IOE2"):
        if prev == "I" and scheme == "IOE2":
            return cur in "IE" and same
        if prev == "E" and scheme == "IOE1":
            return cur in "IE" and same
        return True
    begin, inside, last, unit = ("B", "I", "E", "S") if scheme == "IOBES" else ("B", "I", "L", "U")
    if prev in (begin, inside):
        return cur in (inside, last) and same
    return cur not in (inside, last)


def ill_formed_transitions(transitions: Counter, scheme: str) -> int:
    """How many transitions in the histogram ``scheme`` does not allow."""
    allowed = SCHEME_PREFIXES[scheme] | {"O"}
    total = 0
    for (prev, cur, same), n in transitions.items():
        if prev not in allowed or cur not in allowed or not _allowed(scheme, prev, cur, same):
            total += n
    return total


@dataclass(frozen=True, slots=True)
class Detection:
    """The outcome of scheme detection: a scheme name or None, and a plain explanation."""

    scheme: str | None
    note: str

    def label(self) -> str:
        """A short label for reports: the scheme, or ``ambiguous``/``mixed``/``none``."""
        if self.scheme:
            return self.scheme
        return self.note.split(":")[0]


def detect_scheme(transitions: Counter) -> Detection:
    """Detect the scheme from a transition histogram (see :func:`count_transitions`).

    B/I/O data is IOB1 or IOB2; the transitions decide (I-X after O or another type
    is IOB1 evidence, B-X after O or another type is IOB2 evidence); likewise I/E/O
    data between IOE1 and IOE2. Data with I- prefixes only is IOB1 when an I-X follows
    an I-Y (the original CoNLL-2003 files), else ambiguous between IO and IOB1.
    """
    prefixes = {cur for (_, cur, _), n in transitions.items() if n and cur != "O"}
    if not prefixes:
        return Detection(None, "none: no entity tags")

    def count(prevs: str, curs: str, same: bool | None = None) -> int:
        return sum(
            n for (a, b, s), n in transitions.items()
            if a in prevs and b in curs and (same is None or s == same)
        )

    if prefixes & set("LU") and prefixes & set("ES"):
        return Detection(None, "mixed: both E-/S- and L-/U- prefixes")
    if prefixes & set("LU"):
        return Detection("BILOU", "L-/U- prefixes")
    if "S" in prefixes or {"B", "E"} <= prefixes:
        return Detection("IOBES", "S- or both B- and E- prefixes")
    if prefixes == {"I"}:
        # IOB1 writes B- only between two adjacent entities of one type, so IOB1 data
        # such as the original CoNLL-2003 files may hold no B- at all.
        switches = count("I", "I", same=False)
        if switches:
            return Detection("IOB1", f"I- prefixes only, I-X right after I-Y ({switches}), as in IOB1")
        return Detection(None, "ambiguous: IO or IOB1, I- prefixes only (IOB1 needs B- only between "
                               "adjacent entities of one type)")
    if prefixes <= set("BI"):
        iob1 = count("O", "I") + count("BI", "I", same=False)
        iob2 = count("O", "B") + count("BI", "B", same=False)
        return _choose("IOB1", iob1, "IOB2", iob2, "I-X after O or another type", "B-X after O or another type")
    iob1 = count("I", "O") + count("I", "IE", same=False)
    iob2 = count("E", "O") + count("E", "IE", same=False)
    return _choose("IOE1", iob1, "IOE2", iob2, "I-X before O or another type", "E-X before O or another type")


def _choose(a: str, a_evidence: int, b: str, b_evidence: int, a_why: str, b_why: str) -> Detection:
    if a_evidence and b_evidence:
        return Detection(None, f"mixed: {a} evidence ({a_why}, {a_evidence}) and {b} evidence ({b_why}, {b_evidence})")
    if a_evidence:
        return Detection(a, f"{a_why} ({a_evidence})")
    if b_evidence:
        return Detection(b, f"{b_why} ({b_evidence})")
    return Detection(None, f"ambiguous: {a} or {b}, the transitions cannot tell")


# ------------------------------------------------------- vectorised decoding (numpy)
#: Integer prefix codes of the vectorised decoders. Lenient tables use O, B, I, E, S only.
PREFIX_CODE = {"O": 0, "B": 1, "I": 2, "E": 3, "S": 4, "L": 5, "U": 6}
