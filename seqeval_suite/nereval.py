"""An exact emulation of GermEval 2014's official scorer ``nereval.perl`` (2014-05-19).

``nereval.perl`` (Max Kisselew, derived from conlleval.pl) scores the two annotation
levels of the GermEval 2014 NER task: an outer (level 1) and an inner (level 2) tag per
token. It runs four chunk-counting machines over one token stream, prints four metrics
and a per-type table. This module reproduces its counts and its default text output
byte for byte (``tests/test_nereval.py`` compares both with the script when
``NEREVAL_PERL`` names a copy). The rules below were verified by reading and running the
script; "the script" is nereval.perl throughout.

Reading (the script's own one-file input)
  N1. Lines end at ``\\n``; one trailing ``\\r`` is dropped. A line that is empty,
      starts with ``#`` or starts with a TAB is skipped entirely. A skipped line is *not*
      a sentence boundary: the machines never reset, so a chunk open at the end of one
      sentence runs on into the next (``B-PER`` / blank line / ``I-PER`` is one chunk).
  N2. Every other line is split at TABs, trailing empty fields dropped. It must have as
      many fields as the first such line (else the script prints ``unexpected number of
      features`` to stderr and exits 1), at least six fields, and a first field other
      than conlleval's boundary mark ``-X-`` (else it dies with ``unexpected number of
      features in line``). So ``-X-`` is no boundary any more, only a way to fail; and
      because the field-count check comes first, a line with a new field count is
      reported as such even when it is also short.
  N3. The last four fields are gold outer, gold inner, guessed outer, guessed inner.
      Each processed line is one token.

Tags
  N4. A tag matching ``^([^-]*)-(.+?)(deriv|part)?$`` splits into chunk tag, type and
      special type; the lazy type leaves one trailing ``deriv``/``part`` to the special
      type (``B-LOCderiv`` -> ``B, LOC, deriv``; ``B-LOCderivpart`` -> ``B, LOCderiv,
      part``; ``B-deriv`` -> ``B, deriv, ''``). Any other tag is all chunk tag (``O``,
      ``I-``), with empty type and special type.
  N5. Label check (the script's ``check_labels``), per line in the order guessed inner,
      guessed outer, gold inner, gold outer. The chunk tag must contain ``B``, ``I`` or
      ``O`` somewhere; one containing ``O`` is accepted as it is; otherwise the type must
      contain one of ``LOC ORG PER MISC OTH Skill Knowledge`` (a substring test: ``XLOCX``
      passes). The script then prints ``Error in _chunk_ label, line "..."`` (or
      ``_type_``) to *stdout* and exits with status 0 and no scores. Here every
      rejection is a :class:`~seqeval_suite.errors.DataError` naming the file and line.
  N6. A chunk tag that passes N5 without being exactly ``B``, ``I`` or ``O`` (``BX``,
      ``O-``, ``IO``) never starts or ends a chunk, and ``B`` after it starts none.

Counting (four machines: outer/inner x strict/loose)
  N7. A machine compares a "kind": type and special type in strict mode, the type alone
      in loose mode. Per-type keys are the kind as one string (``LOCderiv`` / ``LOC``).
  N8. Only chunk tags start and end chunks: a chunk starts at ``B`` after ``B``, ``I``
      or ``O`` and at ``I`` after ``O``; one ends before ``B`` or ``O`` that follows
      ``B`` or ``I``. A type change alone does neither (``B-PER I-LOC`` is one PER
      chunk). The state before the first token is chunk tag ``O`` with empty kind.
  N9. Per token: (a) while a candidate correct chunk is open: if gold and guess both
      end here (and the previous token's kinds agree) it is a true positive, credited to
      the previous token's kind (the chunk's *last* token, not its first); otherwise, if
      only one side ends or the current kinds differ, the candidate is dropped.
      (b) If both sides start here with the same kind, a candidate opens.
      (c) A gold start counts a gold chunk, a guessed start a found chunk, under the
      current kind. (d) The token's tag is correct when the chunk tags and kinds agree.
  N10. There is no flush after the last token: a correct chunk still open at the end of
      the input is counted as gold and found but never as a true positive.

Scores (in percent, as printed with ``%6.2f``; 0 when a denominator is 0)
  N11. 1. Strict, combined (official): P = 100(TPo+TPi)/(Fo+Fi), R = 100(TPo+TPi)/(Go+Gi),
      F = 2PR/(P+R), accuracy = 100((Co+Ci)/2)/tokens over the strict machines (TP true
      positives, F found, G gold chunks, C correct tags). 2. Loose, combined: the same over
      the loose machines. 3.1 / 3.2: outer / inner strict alone, accuracy = 100(C/tokens).
  N12. Per type: the types are the byte-sorted, de-duplicated gold and found kinds of
      all four machines (a kind credited with true positives but never started is not
      listed). Each gets outer and inner strict P/R/F (P = 100 TP/found); outer and inner
      loose lines follow only for a type not ending in ``deriv`` or ``part``.

Not emulated: the ``-l`` (LaTeX), ``-v`` (chunk listing) and ``-d`` (delimiter) options.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import zip_longest
from typing import NamedTuple

from .errors import DataError, where

BOUNDARY = "-X-"
MIN_FIELDS = 6
COARSE_TYPES = ("LOC", "ORG", "PER", "MISC", "OTH", "Skill", "Knowledge")

_TAG = re.compile(r"^([^-]*)-(.+?)(deriv|part)?$")
_TYPE_WORD = re.compile("|".join(COARSE_TYPES))
_SPECIAL_WORD = re.compile("deriv|part")
# Tag positions in a row (gold outer, gold inner, pred outer, pred inner), in the order
# the script checks them (N5): the first bad one in this order is the one reported.
_CHECK_ORDER = (3, 2, 1, 0)
_ROLE = ("gold outer", "gold inner", "pred outer", "pred inner")


class Tag(NamedTuple):
    """One tag split as N4: chunk tag, type and special type."""

    chunk: str
    type: str
    special: str


OUTSIDE = Tag("O", "", "")


@lru_cache(maxsize=4096)
def split_tag(tag: str) -> Tag:
    """Split a tag into chunk tag, type and special type (rule N4).

    Args:
        tag: one tag string.

    Returns:
        a :class:`Tag`; a tag without the ``X-TYPE`` form is all chunk tag.

    >>> split_tag("B-LOCderiv"), split_tag("B-LOCderivpart")[1], split_tag("O")
    (Tag(chunk='B', type='LOC', special='deriv'), 'LOCderiv', Tag(chunk='O', type='', special=''))
    """
    m = _TAG.match(tag)
    if m is None:
        return Tag(tag, "", "")
    return Tag(m.group(1), m.group(2), m.group(3) or "")


def label_problem(tag: Tag) -> str | None:
    """Which part of a split tag nereval.perl's label check rejects (rule N5).

    Returns:
        None for an accepted tag, else ``"chunk"``, ``"type"`` or ``"special type"``
        (the words of the script's ``Error in _..._ label`` message).

    >>> label_problem(split_tag("E-PER")), label_problem(split_tag("B-FOO"))
    ('chunk', 'type')
    >>> label_problem(split_tag("BX-xLOCx")) is None, label_problem(split_tag("O-FOO")) is None
    (True, True)
    """
    # Substring tests, as the script's unanchored regexes: "OB" or "BX" are chunk tags too.
    if not any(letter in tag.chunk for letter in "BIO"):
        return "chunk"
    if "O" in tag.chunk:
        return None
    if not _TYPE_WORD.search(tag.type):
        return "type"
    if tag.special and not _SPECIAL_WORD.search(tag.special):
        return "special type"  # unreachable after N4's split; kept as the script has it
    return None


def _starts(prev: str, cur: str) -> bool:
    """Rule N8's chunk start between two chunk tags (types play no part)."""
    return (cur == "B" and prev in ("B", "I", "O")) or (cur == "I" and prev == "O")


def _ends(prev: str, cur: str) -> bool:
    """Rule N8's chunk end between two chunk tags (types play no part)."""
    return prev in ("B", "I") and cur in ("B", "O")


@dataclass(frozen=True, slots=True)
class NerevalCounts:
    """The counts of one of nereval.perl's four machines (rule N9).

    Attributes:
        tp: correct chunks (the script's ``correctChunk``).
        found_guessed: chunks started in the prediction (TP + FP).
        found_correct: chunks started in gold (TP + FN).
        correct_tags: tokens whose chunk tag and kind agree.
        tp_per_type, found_guessed_per_type, found_correct_per_type: the same per kind
            (type, plus special type in strict mode); a true positive is keyed by the
            chunk's last token (N9a), so its key may be missing from the found dicts.
    """

    tp: int
    found_guessed: int
    found_correct: int
    correct_tags: int
    tp_per_type: Mapping[str, int]
    found_guessed_per_type: Mapping[str, int]
    found_correct_per_type: Mapping[str, int]


def count_layer(pairs: Sequence[tuple[Tag, Tag]], *, strict: bool) -> NerevalCounts:
    """Run one of the script's machines over a layer (rules N7-N10).

    Args:
        pairs: ``(gold, pred)`` split tags of one level, one pair per token, in input
            order with no boundaries (N1).
        strict: compare type and special type (True) or the type alone (False).

    Returns:
        the machine's :class:`NerevalCounts`.

    >>> c = count_layer([(split_tag("B-LOC"), split_tag("B-LOC")), (OUTSIDE, OUTSIDE)], strict=True)
    >>> c.tp, c.found_guessed, c.found_correct, c.correct_tags
    (1, 1, 1, 2)
    """
    def kind(t: Tag) -> tuple[str, str]:
        return (t.type, t.special) if strict else (t.type, "")

    tp = found_guessed = found_correct = correct_tags = 0
    tp_per: Counter[str] = Counter()
    guessed_per: Counter[str] = Counter()
    correct_per: Counter[str] = Counter()
    prev_g = prev_p = OUTSIDE
    candidate = False
    for g, p in pairs:
        kg, kp = kind(g), kind(p)
        if candidate:
            g_end, p_end = _ends(prev_g.chunk, g.chunk), _ends(prev_p.chunk, p.chunk)
            if g_end and p_end and kind(prev_g) == kind(prev_p):
                candidate = False
                tp += 1
                tp_per["".join(kind(prev_g))] += 1
            elif g_end != p_end or kg != kp:
                candidate = False
        g_start, p_start = _starts(prev_g.chunk, g.chunk), _starts(prev_p.chunk, p.chunk)
        if g_start and p_start and kg == kp:
            candidate = True
        if g_start:
            found_correct += 1
            correct_per["".join(kg)] += 1
        if p_start:
            found_guessed += 1
            guessed_per["".join(kp)] += 1
        if g.chunk == p.chunk and kg == kp:
            correct_tags += 1
        prev_g, prev_p = g, p
    # N10: no final check here; a candidate still open is simply lost.
    return NerevalCounts(tp, found_guessed, found_correct, correct_tags,
                         dict(tp_per), dict(guessed_per), dict(correct_per))


def _percent(numerator: int, denominator: int) -> float:
    """``100*n/d`` in the script's order of operations, 0.0 when ``d`` is 0."""
    return 100 * numerator / denominator if denominator > 0 else 0.0


def _fb1(precision: float, recall: float) -> float:
    """The script's ``2*P*R/(P+R)``, 0.0 when both are 0."""
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def _prf(tp: int, found_guessed: int, found_correct: int) -> dict:
    """Counts with P/R/F1 in percent (as printed) and as fractions."""
    precision, recall = _percent(tp, found_guessed), _percent(tp, found_correct)
    p_frac = tp / found_guessed if found_guessed > 0 else 0.0
    r_frac = tp / found_correct if found_correct > 0 else 0.0
    return {
        "tp": tp, "found_guessed": found_guessed, "found_correct": found_correct,
        "precision": precision, "recall": recall, "f1": _fb1(precision, recall),
        "precision_fraction": p_frac, "recall_fraction": r_frac, "f1_fraction": _fb1(p_frac, r_frac),
    }


def _sort_key(text: str) -> bytes:
    """Perl's default ``sort`` compares bytes; surrogate escapes stand for raw bytes."""
    return text.encode("utf-8", "surrogateescape")


def _shows_loose(type_: str) -> bool:
    """N12: loose lines only for a per-type key not ending in deriv/part."""
    return not type_.endswith(("deriv", "part"))


@dataclass(frozen=True, slots=True)
class NerevalResult:
    """The four machines' counts over one input, and the token count.

    Every figure the script prints is computed from these by :meth:`metrics`.
    """

    tokens: int
    outer_strict: NerevalCounts
    inner_strict: NerevalCounts
    outer_loose: NerevalCounts
    inner_loose: NerevalCounts

    def types(self) -> list[str]:
        """The per-type section's keys (rule N12): byte-sorted gold and found kinds.

        Only keys from chunk starts are listed; the script's de-duplication also keeps a
        key after a false one (``""``/``"0"``), which N5 makes impossible for a start.
        """
        keys: set[str] = set()
        for counts in (self.outer_strict, self.outer_loose, self.inner_strict, self.inner_loose):
            keys.update(counts.found_correct_per_type, counts.found_guessed_per_type)
        return sorted(keys, key=_sort_key)

    def metrics(self) -> dict:
        """The script's four metrics and per-type figures (rules N11, N12).

        Returns:
            ``{"tokens": n, "strict_combined": m, "loose_combined": m, "outer_strict": m,
            "inner_strict": m, "per_type": {type: {"outer_strict": t, "inner_strict": t
            [, "outer_loose": t, "inner_loose": t]}}}``. Each ``m`` holds ``tp``,
            ``found_guessed``, ``found_correct``, ``precision``, ``recall``, ``f1`` and
            ``accuracy`` in percent as the script computes them, and the same as
            ``*_fraction``; accuracy is None for an input without tokens (the script
            prints no metrics then). Each ``t`` holds the same without accuracy; loose
            entries exist only where the script prints them (N12).
        """
        os_, is_, ol, il = self.outer_strict, self.inner_strict, self.outer_loose, self.inner_loose
        out: dict = {"tokens": self.tokens}
        out["strict_combined"] = self._combined(os_, is_)
        out["loose_combined"] = self._combined(ol, il)
        out["outer_strict"] = self._level(os_)
        out["inner_strict"] = self._level(is_)
        out["per_type"] = {t: self._per_type(t) for t in self.types()}
        return out

    def _combined(self, outer: NerevalCounts, inner: NerevalCounts) -> dict:
        """Metric 1 or 2: pooled counts of both levels; accuracy is the mean of both."""
        figures = _prf(outer.tp + inner.tp, outer.found_guessed + inner.found_guessed,
                       outer.found_correct + inner.found_correct)
        mean_correct = (outer.correct_tags + inner.correct_tags) / 2
        return self._with_accuracy(figures, 100 * mean_correct / self.tokens if self.tokens else None,
                                   mean_correct / self.tokens if self.tokens else None)

    def _level(self, counts: NerevalCounts) -> dict:
        """Metric 3.1 or 3.2; the script divides before multiplying by 100 here."""
        figures = _prf(counts.tp, counts.found_guessed, counts.found_correct)
        fraction = counts.correct_tags / self.tokens if self.tokens else None
        return self._with_accuracy(figures, 100 * fraction if fraction is not None else None, fraction)

    @staticmethod
    def _with_accuracy(figures: dict, percent: float | None, fraction: float | None) -> dict:
        """Insert the accuracy keys after f1 and before the fractions."""
        head = {k: figures[k] for k in ("tp", "found_guessed", "found_correct", "precision", "recall", "f1")}
        tail = {k: figures[k] for k in ("precision_fraction", "recall_fraction", "f1_fraction")}
        return {**head, "accuracy": percent, **tail, "accuracy_fraction": fraction}

    def _per_type(self, type_: str) -> dict:
        """One per-type block of N12."""
        machines = {"outer_strict": self.outer_strict, "inner_strict": self.inner_strict}
        if _shows_loose(type_):
            machines.update(outer_loose=self.outer_loose, inner_loose=self.inner_loose)
        return {
            name: _prf(c.tp_per_type.get(type_, 0), c.found_guessed_per_type.get(type_, 0),
                       c.found_correct_per_type.get(type_, 0))
            for name, c in machines.items()
        }


def _score(rows: Sequence[tuple[Tag, Tag, Tag, Tag]]) -> NerevalResult:
    """Run the four machines over validated, split rows."""
    outer = [(r[0], r[2]) for r in rows]
    inner = [(r[1], r[3]) for r in rows]
    return NerevalResult(
        tokens=len(rows),
        outer_strict=count_layer(outer, strict=True),
        inner_strict=count_layer(inner, strict=True),
        outer_loose=count_layer(outer, strict=False),
        inner_loose=count_layer(inner, strict=False),
    )


def _split_row(tags: Sequence[str], locations: Sequence[str]) -> tuple[Tag, Tag, Tag, Tag]:
    """Split and check the four tags of one row (N4, N5).

    Raises:
        DataError: the first tag (in the script's order) the label check rejects, at
            its location.
    """
    split = tuple(split_tag(t) for t in tags)
    for k in _CHECK_ORDER:
        problem = label_problem(split[k])
        if problem is not None:
            raise DataError(
                f"{locations[k]}: {_ROLE[k]} tag {tags[k]!r} has a bad {problem} label "
                f"(nereval.perl check_labels)",
                hint="nereval.perl prints 'Error in _" + problem.replace(" ", "_")
                + "_ label' and stops with exit status 0 and no scores; chunk tags need "
                "B, I or O, types one of " + ", ".join(COARSE_TYPES))
    return split  # type: ignore[return-value]


def nereval_rows(rows: Iterable[Sequence[str]]) -> NerevalResult:
    """Score rows exactly as nereval.perl does (rules N4-N10).

    Args:
        rows: ``(gold_outer, gold_inner, pred_outer, pred_inner)`` tag strings, one row
            per token, in file order, skipped lines already removed; sentence breaks are
            not marked because the script ignores them (N1).

    Returns:
        a :class:`NerevalResult`.

    Raises:
        DataError: a row without four tags, or a tag the script's label check rejects
            (N5), named by its 1-based row number.

    >>> r = nereval_rows([("B-PER", "O", "B-PER", "O"), ("O", "O", "O", "O")])
    >>> r.metrics()["strict_combined"]["f1"]
    100.0
    """
    split = []
    for n, row in enumerate(rows, 1):
        if len(row) != 4:
            raise DataError(f"row {n}: {len(row)} tags, need gold outer, gold inner, pred outer, pred inner")
        split.append(_split_row(row, [f"row {n}"] * 4))
    return _score(split)


def _physical_lines(path: str | os.PathLike) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` as Perl reads them: split at ``\\n`` only, one trailing
    ``\\r`` dropped (N1); bytes that are not UTF-8 survive as surrogate escapes.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror})") from None
    pieces = data.split(b"\n")
    if pieces[-1] == b"":
        pieces.pop()
    for n, raw in enumerate(pieces, 1):
        text = raw.decode("utf-8", "surrogateescape")
        yield n, text.removesuffix("\r")


def _data_lines(path: str | os.PathLike, comments: bool) -> Iterator[tuple[int, list[str]]]:
    """The lines the script reads as tokens, split into fields (N1, N2's split)."""
    for n, line in _physical_lines(path):
        if not line or line.startswith("\t") or (comments and line.startswith("#")):
            continue
        fields = line.split("\t")
        while fields and fields[-1] == "":
            fields.pop()  # Perl's split drops trailing empty fields
        yield n, fields


def _pick(fields: list[str], columns: Sequence[int], location: str) -> list[str]:
    """The given columns of a line, or a DataError naming the missing one."""
    try:
        return [fields[c] for c in columns]
    except IndexError:
        missing = next(c for c in columns if not -len(fields) <= c < len(fields))
        raise DataError(f"{location}: no column {missing} (the line has {len(fields)} fields)") from None


def _combined_rows(path, gold_columns, pred_columns, comments) -> list[tuple[Tag, Tag, Tag, Tag]]:
    """Rows of the script's own one-file input, checked as N2 and N5 say."""
    rows = []
    width = None
    for n, fields in _data_lines(path, comments):
        at = where(str(path), n)
        if width is None:
            width = len(fields)
        elif len(fields) != width:
            raise DataError(f"{at}: {len(fields)} fields, but the first token line has {width}",
                            hint="nereval.perl: 'unexpected number of features' (exit status 1)")
        if fields[0] == BOUNDARY or len(fields) < MIN_FIELDS:
            raise DataError(
                f"{at}: " + (f"first field is conlleval's boundary {BOUNDARY!r}" if fields[0] == BOUNDARY
                             else f"{len(fields)} fields, nereval.perl needs at least {MIN_FIELDS}"),
                hint="nereval.perl dies: 'unexpected number of features in line'; it takes the last "
                     "four TAB-separated fields as gold outer, gold inner, pred outer, pred inner")
        rows.append(_split_row(_pick(fields, [*gold_columns, *pred_columns], at), [at] * 4))
    return rows


def _paired_rows(gold, pred, gold_columns, pred_columns, token_column, comments) -> list[tuple[Tag, Tag, Tag, Tag]]:
    """Rows of a gold and a system file read side by side, token line by token line."""
    rows = []
    for g, p in zip_longest(_data_lines(gold, comments), _data_lines(pred, comments)):
        if g is None or p is None:
            path, other, line = (gold, pred, g[0]) if p is None else (pred, gold, p[0])
            raise DataError(f"{where(str(path), line)}: a token line with no partner, "
                            f"{other} has fewer token lines",
                            hint="the two files must hold the same tokens in the same order")
        (gn, g_fields), (pn, p_fields) = g, p
        g_at, p_at = where(str(gold), gn), where(str(pred), pn)
        g_token = _pick(g_fields, [token_column], g_at)[0]
        p_token = _pick(p_fields, [token_column], p_at)[0]
        if g_token != p_token:
            raise DataError(f"{g_at} and {p_at}: tokens differ ({g_token!r} vs {p_token!r})",
                            hint="the two files must hold the same tokens in the same order")
        tags = _pick(g_fields, gold_columns, g_at) + _pick(p_fields, pred_columns, p_at)
        rows.append(_split_row(tags, [g_at, g_at, p_at, p_at]))
    return rows


def nereval_files(
    gold: str | os.PathLike,
    pred: str | os.PathLike | None = None,
    *,
    gold_columns: tuple[int, int] | None = None,
    pred_columns: tuple[int, int] | None = None,
    token_column: int = 1,
    comments: bool = True,
) -> NerevalResult:
    """Score files exactly as nereval.perl does.

    Args:
        gold: with ``pred`` None, the script's own input: TAB-separated lines whose last
            four fields are gold outer, gold inner, pred outer, pred inner (N1-N3, all
            checked). Otherwise the gold file in GermEval's 4-column TSV (``index token
            outer inner``, ``#`` comments, blank lines between sentences).
        pred: the system's file in the same 4-column layout, read beside ``gold``: the
            two must have the same number of token lines (N1 skips the rest in each
            file independently) and the same token on each. N2's field-count and ``-X-``
            rules belong to the one-file layout and are not applied here.
        gold_columns, pred_columns: ``(outer, inner)`` field indices of the tags; default
            ``(-2, -1)`` in each of two files, ``(-4, -3)`` and ``(-2, -1)`` of one file.
        token_column: the field compared between two files.
        comments: skip lines starting with ``#`` (the script always does; False reads
            them as token lines, for files whose first column may be ``#``).

    Returns:
        a :class:`NerevalResult`.

    Raises:
        DataError: an unreadable file, a line the script rejects (N2, N5), a missing
            column, or (two files) a token or line-count mismatch; the message names the
            file(s) and line(s). Where the script prints an error and exits with status 0
            (bad labels), this raises too.
    """
    if pred is None:
        rows = _combined_rows(gold, gold_columns or (-4, -3), pred_columns or (-2, -1), comments)
    else:
        rows = _paired_rows(gold, pred, gold_columns or (-2, -1), pred_columns or (-2, -1),
                            token_column, comments)
    return _score(rows)


def _pad(text: str, width: int) -> str:
    """Right-align as Perl's ``%10s`` does: the width counts bytes, not characters."""
    return " " * max(0, width - len(_sort_key(text))) + text


def _block(title: str, figures: dict, *, last: bool = False) -> list[str]:
    """One numbered section of the script's report.

    ``%`` formatting on purpose: Python's ``%6.2f`` and Perl's ``printf`` both round the
    exact binary value, so the printed digits agree (checked against the script).
    """
    return [
        f"\n{title}:\n",
        "Accuracy: %6.2f%%;\n" % figures["accuracy"],
        "Precision: %6.2f%%;\n" % figures["precision"],
        "Recall: %6.2f%%;\n" % figures["recall"],
        "FB1: %6.2f\n" % figures["f1"] + ("\n" if last else ""),
    ]


_MACHINE_LABEL = {"outer_strict": "Outer strict", "inner_strict": "Inner strict",
                  "outer_loose": "Outer loose", "inner_loose": "Inner loose"}


def render_nereval(result: NerevalResult) -> str:
    """nereval.perl's default stdout, byte for byte once encoded as UTF-8 with
    surrogate escapes (rules N11, N12).

    Args:
        result: from :func:`nereval_rows` or :func:`nereval_files`.

    Returns:
        the text: the two ``Found`` lines, the four numbered sections (only when there
        is at least one token, as in the script), the per-type section.

    >>> print(render_nereval(nereval_rows([("B-PER", "O", "B-PER", "O")])).splitlines()[0])
    STRICT: Found: 1 outer and 0 inner phrases; Gold: 1 (outer) and 0 (inner).
    """
    m = result.metrics()
    os_, is_, ol, il = result.outer_strict, result.inner_strict, result.outer_loose, result.inner_loose
    out = [
        (f"STRICT: Found: {os_.found_guessed} outer and {is_.found_guessed} inner phrases; "
         f"Gold: {os_.found_correct} (outer) and {is_.found_correct} (inner).\n"),
        (f"LOOSE: Found: {ol.found_guessed} outer and {il.found_guessed} inner phrases; "
         f"Gold: {ol.found_correct} (outer) and {il.found_correct} (inner).\n"),
    ]
    if result.tokens > 0:
        out += _block("1. Strict, Combined Evaluation (official)", m["strict_combined"])
        out += _block("2. Loose, Combined Evaluation", m["loose_combined"])
        out += _block("3.1 Per-Level Evaluation (outer chunks)", m["outer_strict"])
        out += _block("3.2 Per-Level Global Evaluation (inner chunks)", m["inner_strict"], last=True)
    out.append("\nEvaluation per type and mode:\n=============================\n\n")
    for type_, machines in m["per_type"].items():
        out.append(f"==> {_pad(type_, 10)}\n==============\n")
        for name, f in machines.items():
            out.append("%s: Precision: %6.2f%%; Recall: %6.2f%%; FB1: %6.2f\n"
                       % (_MACHINE_LABEL[name], f["precision"], f["recall"], f["f1"]))
    out.append("\n")
    return "".join(out)
