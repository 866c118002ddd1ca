"""BRAT standoff files (issue 17): entities that nest, overlap or repeat.

A BRAT document is two files with one stem: ``doc.txt`` holds the text and
``doc.ann`` the annotations, one a line, each opening with an id whose first
character names its kind (brat's standoff format: https://brat.nlplab.org/standoff.html).
:func:`read_brat` reads a folder of such pairs (or one pair) into
:class:`~seqeval_suite.io.tagged.SpanSentence` objects; :func:`write_brat` writes them.

The rules, and where each comes from:

* **Encoding and offsets.** Both files are UTF-8 and offsets count Unicode code
  points of the ``.txt`` as brat reads it. brat opens files with the ``utf8`` codec
  through ``codecs.open``, which reads bytes untranslated (brat's
  server/src/annotation.py, ``open_textfile``), so the ``\\r`` of a ``\\r\\n`` line
  end is a character that offsets count, and a byte order mark is decoded as U+FEFF,
  character 0, so brat's offsets count it too. Tools that drop the BOM before
  counting write offsets one short: when the ``.txt`` starts with a BOM and every
  text column of the ``.ann`` matches only with offsets that skip it, they are read
  so and ``notes`` says so. A BOM at the start of the ``.ann`` is dropped.
* **Sentences.** Each non-blank line of the ``.txt`` (ended by ``\\n``) is one
  sentence, as brat's ``newline`` sentence splitter cuts them (tools.conf
  ``Sentences splitter:newline``, which splits at newline characters only), the
  layout of corpora prepared one sentence per line. brat's other splitter,
  ``regex`` (its default when tools.conf names none), is not reproduced: a corpus
  whose lines are paragraphs is read one paragraph a sentence.
  ``line`` is the sentence's 1-based line in the ``.txt``; ``document`` numbers the
  pairs (0-based, in file-name order) and ``source`` is the ``.ann`` path.
* **Tokens.** ``tokenizer="whitespace"``: maximal runs of non-whitespace characters,
  as brat's default tokenizer (tools.conf ``Tokens tokenizer:whitespace``) cuts them;
  ``"spacy"``: spaCy's blank English tokenizer, the one the JSON readers use, applied
  line by line (whitespace tokens dropped). A BOM is never part of a token.
* **Entities.** A text-bound line ``T1<TAB>TYPE START END<TAB>TEXT`` is an entity on
  the tokens its characters cover. The text column, when present, must match the
  ``.txt`` (brat refuses a mismatch too): it starts with the annotated text, and only
  whitespace (such as the ``\\r`` of a CRLF ``.ann``) follows. A text-bound
  annotation that is the trigger of an event (``E1<TAB>TYPE:T3 ...``) is not an
  entity, as brat separates triggers from entities; triggers are counted apart.
* **Alignment.** ``alignment="strict"`` refuses offsets that do not fall on token
  boundaries; ``"expand"`` widens them to the tokens they touch, ``"contract"``
  narrows them to the tokens wholly inside (a warning per file gives the count and
  examples). An entity that covers no token (an empty span, or one inside a token
  under ``contract``) is dropped with a warning. An entity may not cross a line break.
* **Discontinuous entities** (``T1<TAB>PER 0 4;10 15``; brat joins the fragments'
  texts with one space in the text column, older brat without): ``"span"`` reads one
  entity from the first fragment's start to the last fragment's end, ``"split"`` one
  entity per fragment, ``"skip"`` none. Fragments may not overlap (brat refuses that too).
* **Ignored.** Events ``E``, relations ``R``, attributes ``A``/``M``, notes ``#``,
  equivalences ``*`` and normalizations ``N`` carry no entity; they are counted in
  ``counts["ignored"]`` and named in ``notes``. Any other id is an error.

Every problem in the data is a :class:`~seqeval_suite.errors.DataError` naming the
file and, where there is one, the line.
"""
from __future__ import annotations

import os
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Iterable, Iterator, Mapping, NamedTuple, Sequence

from .. import atomic
from ..errors import DataError, UsageError, where
from .tagged import SpanSentence

__all__ = ["BratCorpus", "read_brat", "write_brat", "TOKENIZERS", "ALIGNMENTS", "DISCONTINUOUS"]

TOKENIZERS = ("whitespace", "spacy")
ALIGNMENTS = ("strict", "expand", "contract")
DISCONTINUOUS = ("span", "split", "skip")

#: id prefix -> the kind of annotation that carries no entity (brat's standoff kinds).
IGNORED_KINDS = {"E": "events", "R": "relations", "A": "attributes", "M": "attributes",
                 "#": "notes", "*": "equivalences", "N": "normalizations"}
#: the letters of each ignored kind, for notes.
_KIND_LETTERS = {"events": "E", "relations": "R", "attributes": "A/M", "notes": "#",
                 "equivalences": "*", "normalizations": "N"}
MAX_EXAMPLES = 3
BOM = "\ufeff"
_TOKEN = re.compile(r"\S+")
_OFFSET = re.compile(r"[0-9]+")


# ------------------------------------------------------------------ the API

def read_brat(path: str | os.PathLike, *, tokenizer: str = "whitespace", alignment: str = "strict",
              discontinuous: str = "span") -> BratCorpus:
    """Read BRAT standoff files: a folder of ``.ann``/``.txt`` pairs, or one of a pair.

    A folder's pairs are read in ``.ann`` file-name order (its top level only; files
    whose names start with ``.`` are skipped); a ``.ann`` or ``.txt`` path reads that
    one pair, its partner found by stem. The rules are in the module docstring.

    Args:
        path: a folder, a ``.ann`` file or a ``.txt`` file.
        tokenizer: ``whitespace`` or ``spacy``.
        alignment: ``strict``, ``expand`` or ``contract``.
        discontinuous: ``span``, ``split`` or ``skip``.

    Returns:
        A :class:`BratCorpus`: iterating it yields one
        ``SpanSentence(tokens, entities, line, document, source)`` per non-blank line.

    Raises:
        UsageError: an unknown option value.
        DataError: no such path, an empty folder, a file without its partner (now);
            bad bytes, a malformed or duplicate ``T`` line, offsets that do not match
            the text, a misaligned span under ``strict`` (while iterating).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = write_brat(folder, [[SpanSentence(["Ann", "Lee", "in", "Oslo"], [(0, 2, "PER"), (3, 4, "LOC")], 1)]])
    ...     corpus = read_brat(folder)
    ...     got = [(s.tokens, s.entities, s.line, s.document) for s in corpus]
    >>> got, corpus.documents, corpus.counts["entities"]
    ([(['Ann', 'Lee', 'in', 'Oslo'], [(0, 2, 'PER'), (3, 4, 'LOC')], 1, 0)], 1, 2)
    """
    options = _Options(_choice("tokenizer", tokenizer, TOKENIZERS), _choice("alignment", alignment, ALIGNMENTS),
                       _choice("discontinuous", discontinuous, DISCONTINUOUS))
    path = os.fspath(path)
    return BratCorpus(path, _pairs(path), options)


def write_brat(folder: str | os.PathLike,
               documents: Iterable[Sequence[SpanSentence]] | Mapping[str, Sequence[SpanSentence]], *,
               overwrite: bool = False) -> list[str]:
    """Write documents as BRAT ``.txt``/``.ann`` pairs in ``folder``, each file atomically.

    The ``.txt`` holds one sentence a line, its tokens joined by single spaces; the
    ``.ann`` one ``T`` line per entity, ids ``T1``, ``T2``, ... in sentence order and,
    within a sentence, by start (longer first, then type). :func:`read_brat` with
    ``tokenizer="whitespace"`` reads back the same tokens and entities.

    Args:
        folder: where to write (created if missing). Other files in it stay, and
            :func:`read_brat` on the folder reads them too.
        documents: lists of sentences, one per document, named ``doc0001``,
            ``doc0002``, ... (wider numbers past 9999); or a mapping name -> sentences
            (:func:`read_brat` numbers documents in file-name order).
        overwrite: replace existing files of the same names.

    Returns:
        The ``.ann`` paths written, in document order.

    Raises:
        UsageError: a file exists and ``overwrite`` is false; a bad or repeated name.
        DataError: a sentence that BRAT text cannot carry: no tokens, a token that is
            empty or holds whitespace, an entity outside the sentence or with a type
            that is empty or holds whitespace, a document opening with U+FEFF (it would
            read back as a byte order mark). Nothing is written then.
    """
    named = _named_documents(documents)
    folder = os.fspath(folder)
    targets = [(os.path.join(folder, f"{name}.txt"), os.path.join(folder, f"{name}.ann")) for name, _ in named]
    if not overwrite:
        for path in (p for pair in targets for p in pair):
            if os.path.lexists(path):
                raise UsageError(f"{path} exists", hint="pass overwrite=True (--overwrite) to replace it")
    rendered = [_render_document(sentences, txt) for (_, sentences), (txt, _) in zip(named, targets)]
    for (txt_text, ann_text), (txt, ann) in zip(rendered, targets):
        atomic.write_text(txt, txt_text)
        atomic.write_text(ann, ann_text)
    return [ann for _, ann in targets]


class BratCorpus:
    """The sentences of BRAT documents, read when iterated (see :func:`read_brat`).

    After iteration: ``documents`` (pairs read), ``warnings`` (what alignment
    repaired or dropped), ``notes`` (what was left out on purpose) and ``counts``::

        {"entities": 9,        # entities yielded
         "textbound": 11,      # T lines read
         "triggers": 1,        # T lines that are event triggers, not entities
         "misaligned": 2,      # spans snapped by expand/contract
         "dropped": 1,         # entities that covered no token
         "discontinuous": {"read": 2, "rule": "split", "entities": 4},
         "ignored": {"events": 1, "relations": 1, "attributes": 2, "notes": 1,
                     "equivalences": 1, "normalizations": 1}}

    Iterating again reads the files again and starts the tallies afresh.
    """

    def __init__(self, path: str, pairs: list[tuple[str, str]], options: _Options) -> None:
        self.path = path
        self.pairs = pairs
        self.options = options
        self._reset()

    def _reset(self) -> None:
        self.documents = 0
        self.warnings: list[str] = []
        self.notes: list[str] = []
        self._tally = _Tally(self.options.discontinuous)

    @property
    def counts(self) -> dict:
        """What was read, left out and repaired so far (shape in the class docstring)."""
        return self._tally.counts()

    def __iter__(self) -> Iterator[SpanSentence]:
        self._reset()
        for index, (ann, txt) in enumerate(self.pairs):
            sentences = _read_document(ann, txt, index, self.options, self._tally, self.warnings, self.notes)
            self.documents += 1
            yield from sentences
        self.notes.extend(self._tally.notes(self.path))


# ------------------------------------------------------------------ options and files

class _Options(NamedTuple):
    tokenizer: str
    alignment: str
    discontinuous: str


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    """``value`` if it is one of ``allowed``.

    Raises:
        UsageError: naming the option and the values it takes.
    """
    if value not in allowed:
        raise UsageError(f"unknown {name} {value!r}", hint=f"choose {', '.join(allowed)}")
    return value


def _pairs(path: str) -> list[tuple[str, str]]:
    """``(ann, txt)`` paths for a folder or for one file of a pair.

    Raises:
        DataError: no such path, not a ``.ann``/``.txt`` file, an empty folder, or a
            file whose partner is missing.
    """
    if os.path.isdir(path):
        return _folder_pairs(path)
    if not os.path.exists(path):
        raise DataError(f"{path}: no such file or folder")
    stem, ext = os.path.splitext(path)
    if ext not in (".ann", ".txt"):
        raise DataError(f"{path}: not a BRAT file", hint="give a folder of .ann/.txt pairs, or a .ann or .txt file")
    ann, txt = stem + ".ann", stem + ".txt"
    partner = txt if ext == ".ann" else ann
    if not os.path.isfile(partner):
        raise DataError(f"{partner}: no such file, the partner of {path}", hint=_PARTNER_HINT)
    return [(ann, txt)]


_PARTNER_HINT = "each .ann needs the .txt it annotates; a document without annotations needs an empty .ann"


def _folder_pairs(folder: str) -> list[tuple[str, str]]:
    """Every ``.ann`` of ``folder`` with its ``.txt``, sorted by ``.ann`` file name.

    Raises:
        DataError: the folder holds neither, or a file lacks its partner.
    """
    names = [n for n in os.listdir(folder) if not n.startswith(".") and os.path.isfile(os.path.join(folder, n))]
    anns = sorted(n for n in names if n.endswith(".ann"))
    stems = {n[:-4] for n in anns}
    texts = {n[:-4] for n in names if n.endswith(".txt")}
    if not anns and not texts:
        raise DataError(f"{folder}: no .ann files", hint="give a folder holding BRAT .ann/.txt pairs")
    lone = sorted([(s + ".ann", s + ".txt") for s in stems - texts] + [(s + ".txt", s + ".ann") for s in texts - stems])
    if lone:
        have, missing = lone[0]
        more = f" ({len(lone)} files lack a partner)" if len(lone) > 1 else ""
        raise DataError(f"{os.path.join(folder, missing)}: no such file, the partner of "
                        f"{os.path.join(folder, have)}{more}", hint=_PARTNER_HINT)
    return [(os.path.join(folder, n), os.path.join(folder, n[:-4] + ".txt")) for n in anns]


def _read_utf8(path: str) -> str:
    """The text of a UTF-8 file, a BOM kept as U+FEFF (as brat's ``utf8`` codec keeps it).

    Raises:
        DataError: the file cannot be read, or holds bytes that are not UTF-8 (with
            the line of the first).
    """
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DataError(f"{where(path, line)}: bytes that are not valid UTF-8 (byte {exc.start})",
                        hint="brat reads .txt and .ann files as UTF-8; re-encode the file") from None


# ------------------------------------------------------------------ the .ann file

@dataclass(frozen=True, slots=True)
class _TextBound:
    """One ``T`` line: id, type, character fragments (sorted), text column, .ann line."""

    id: str
    type: str
    fragments: tuple[tuple[int, int], ...]
    text: str | None
    line: int
    #: ``(line, text)`` of the first .ann line the text column ran onto, if it did.
    overflow: tuple[int, str] | None = None


@dataclass(slots=True)
class _Ann:
    """What a ``.ann`` holds for this reader: text-bound lines, trigger ids, ignored kinds."""

    textbounds: list[_TextBound] = field(default_factory=list)
    triggers: set[str] = field(default_factory=set)
    ignored: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def _parse_ann(path: str, content: str) -> _Ann:
    """Parse a ``.ann`` file's text (lines end with ``\\n``; blank lines are skipped).

    Lines without a tab right after a ``T`` line with a text column are joined to that
    column: brat writes the text of a span over a line break as it is.

    Raises:
        DataError: a line without a tab, an unknown id kind, a malformed ``T`` or
            ``E`` line, or a ``T`` id given twice.
    """
    parsed = _Ann()
    first_line: dict[str, int] = {}
    blanks, text_open = "", False
    for number, raw in enumerate(content.removeprefix(BOM).split("\n"), 1):
        if not raw.strip():
            blanks += "\n" + raw
            continue
        parts = raw.split("\t", 2)
        if len(parts) < 2 and text_open:
            # The text column of an entity over a line break of the .txt runs onto the
            # next lines: joined back, the entity is refused for crossing a line, under
            # its own id, instead of this line for lacking a tab (see _check_textbound).
            last = parsed.textbounds[-1]
            parsed.textbounds[-1] = replace(last, text=f"{last.text}{blanks}\n{raw}",
                                            overflow=last.overflow or (number, raw))
            blanks = ""
            continue
        blanks, text_open = "", False
        ident = parts[0]
        if len(parts) < 2 or not ident or ident != ident.strip():
            raise _not_an_annotation(path, number, raw)
        kind = ident[0]
        if kind == "T":
            if ident in first_line:
                raise DataError(f"{where(path, number)}: id {ident} is given twice (first on line {first_line[ident]})")
            first_line[ident] = number
            parsed.textbounds.append(_parse_textbound(parts, path, number))
            text_open = parsed.textbounds[-1].text is not None
        elif kind in IGNORED_KINDS:
            parsed.ignored[IGNORED_KINDS[kind]] += 1
            if kind == "E":
                parsed.triggers.add(_event_trigger(parts[1], path, number))
        else:
            raise DataError(f"{where(path, number)}: {ident!r} is not a brat annotation id",
                            hint="ids start with T, E, R, A, M, N, # or *")
    return parsed


def _not_an_annotation(path: str, number: int, raw: str) -> DataError:
    """The error for a line that is not ``ID<TAB>...``."""
    return DataError(f"{where(path, number)}: {raw.rstrip()!r} is not ID<TAB>ANNOTATION",
                     hint="BRAT fields are separated by tabs, not spaces")


def _parse_textbound(parts: list[str], path: str, number: int) -> _TextBound:
    """A ``T`` line split at its first two tabs: id, ``TYPE START END[;START END...]``, text.

    Raises:
        DataError: no type or offsets, offsets that are not two non-negative integers
            per fragment, a fragment whose start is after its end, overlapping fragments.
    """
    ident, loc = parts[0], where(path, number)
    type_, _, offsets = parts[1].strip().partition(" ")
    if not type_ or not offsets.strip():
        raise DataError(f"{loc}: {ident} has no TYPE START END in {parts[1].strip()!r}",
                        hint="a text-bound line is T1<TAB>TYPE START END<TAB>TEXT")
    fragments = sorted(_fragment(piece, ident, loc) for piece in offsets.split(";"))
    for (_, end), (start, _) in zip(fragments, fragments[1:]):
        if start < end:
            raise DataError(f"{loc}: {ident} has overlapping fragments {offsets.strip()!r}")
    text = parts[2] if len(parts) == 3 and parts[2].strip() else None
    return _TextBound(ident, type_, tuple(fragments), text, number)


def _fragment(piece: str, ident: str, loc: str) -> tuple[int, int]:
    """``(start, end)`` of one ``START END`` fragment.

    Raises:
        DataError: not two non-negative integers, or start after end.
    """
    numbers = piece.split()
    if len(numbers) != 2 or not all(_OFFSET.fullmatch(n) for n in numbers):
        raise DataError(f"{loc}: {ident} offsets {piece.strip()!r} are not START END (two non-negative integers)",
                        hint="a text-bound line is T1<TAB>TYPE START END<TAB>TEXT, fragments joined by ';'")
    start, end = int(numbers[0]), int(numbers[1])
    if start > end:
        raise DataError(f"{loc}: {ident} starts after it ends ({start} > {end})")
    return start, end


def _event_trigger(body: str, path: str, number: int) -> str:
    """The trigger id of an event line's ``TYPE:TRIGGER [ROLE:ARG ...]``.

    Raises:
        DataError: the line has no ``TYPE:TRIGGER``.
    """
    head = body.split()[0] if body.split() else ""
    _, colon, trigger = head.partition(":")
    if not colon or not trigger:
        raise DataError(f"{where(path, number)}: event {body.strip()!r} has no TYPE:TRIGGER")
    return trigger


# ------------------------------------------------------------------ checking offsets against the text

def _bom_shift(text: str, textbounds: list[_TextBound]) -> int:
    """0 when offsets count a leading BOM (brat's reading), 1 when they skip it.

    Offsets are taken to skip it only when the text columns say so: some are
    present, all match when 1 is added to every offset, and not all match as is.
    """
    if not text.startswith(BOM):
        return 0
    with_text = [tb for tb in textbounds if tb.text is not None]
    if not with_text or all(_text_matches(tb, text, 0) for tb in with_text):
        return 0
    return 1 if all(_text_matches(tb, text, 1) for tb in with_text) else 0


def _text_matches(tb: _TextBound, text: str, shift: int) -> bool:
    """Whether ``tb``'s text column matches ``text`` with ``shift`` added to its offsets."""
    if any(end + shift > len(text) for _, end in tb.fragments):
        return False
    pieces = [text[start + shift:end + shift] for start, end in tb.fragments]
    # brat >= 1.3 joins the fragments' texts with one space; older brat did not.
    return any(_column_holds(tb.text, joined) for joined in {" ".join(pieces), "".join(pieces)})


def _column_holds(column: str, expected: str) -> bool:
    """The text column starts with ``expected`` and only whitespace follows (a CRLF ``\\r``)."""
    return column.startswith(expected) and not column[len(expected):].strip()


def _check_textbound(tb: _TextBound, text: str, ann: str, txt: str) -> None:
    """Check ``tb``'s offsets against the ``.txt``: within it, and its text column matching.

    Raises:
        DataError: offsets past the end of the text; a text column that differs from
            the text at the offsets (with a hint when ``\\r\\n`` line ends explain it),
            or, when lines were joined to it, the first of them lacking a tab.
    """
    loc = where(ann, tb.line)
    for start, end in tb.fragments:
        if end > len(text):
            raise DataError(f"{loc}: {tb.id} offsets [{start}:{end}] run past the end of {txt} "
                            f"({len(text)} characters)", hint=_OFFSETS_HINT)
    if tb.text is None or _text_matches(tb, text, 0):
        return
    if tb.overflow is not None:  # the lines joined to the text column were not its text
        raise _not_an_annotation(ann, *tb.overflow)
    actual = " ".join(text[start:end] for start, end in tb.fragments)
    hint = _OFFSETS_HINT
    if "\r\n" in text and _text_matches(tb, text.replace("\r\n", "\n"), 0):
        hint = ("the offsets count '\\n' line ends but the .txt has '\\r\\n' (converted after annotation, "
                "e.g. by git core.autocrlf?); convert it back to '\\n' line ends")
    raise DataError(f"{loc}: {tb.id} text {tb.text.rstrip()!r} does not match {txt} at "
                    f"{_fragments_str(tb.fragments)}, which holds {actual!r}", hint=hint)


_OFFSETS_HINT = ("the offsets do not match the text: is the .txt in another encoding than UTF-8, "
                 "or was it edited after annotation?")


def _fragments_str(fragments) -> str:
    """``[0:4]`` or ``[0:4;10:15]`` for messages."""
    return "[" + ";".join(f"{start}:{end}" for start, end in fragments) + "]"


def _check_one_line(tb: _TextBound, span: tuple[int, int], text: str, ann: str, txt: str, rule: str) -> None:
    """Refuse a span whose text (leading and trailing whitespace aside) holds a line break.

    Raises:
        DataError: naming the ``.ann`` line and id; a sentence is one line of the ``.txt``.
    """
    start, end = span
    if "\n" not in text[start:end].strip():
        return
    hint = "the .txt must hold one sentence per line"
    if len(tb.fragments) > 1 and rule == "span":
        hint += "; a discontinuous entity whose fragments are on different lines can be read with --discontinuous split"
    first = text.count("\n", 0, start) + 1
    last = first + text.count("\n", start, end)
    raise DataError(f"{where(ann, tb.line)}: {tb.id} {tb.type} [{start}:{end}] crosses a line break "
                    f"of {txt} (lines {first}-{last})", hint=hint)


# ------------------------------------------------------------------ the .txt: lines and tokens

class _Line(NamedTuple):
    """One line of the ``.txt``: 1-based number, first character, tokens with their offsets."""

    number: int
    start: int
    tokens: list[str]
    starts: list[int]
    ends: list[int]


def _lines(text: str, tokenizer: str) -> list[_Line]:
    """Every line of ``text`` (split at ``\\n``) with its tokens; offsets are the whole text's.

    A leading BOM stays character 0 (offsets count it) but joins no token.
    """
    work = " " + text[1:] if text.startswith(BOM) else text
    lines, start = [], 0
    for number, content in enumerate(work.split("\n"), 1):
        tokens, starts, ends = _tokens(content, start, tokenizer)
        lines.append(_Line(number, start, tokens, starts, ends))
        start += len(content) + 1
    return lines


def _tokens(content: str, offset: int, tokenizer: str) -> tuple[list[str], list[int], list[int]]:
    """Tokens of one line and their start/end offsets (``offset`` added), no whitespace tokens."""
    tokens, starts, ends = [], [], []
    if tokenizer == "whitespace":
        for m in _TOKEN.finditer(content):
            tokens.append(m.group())
            starts.append(offset + m.start())
            ends.append(offset + m.end())
        return tokens, starts, ends
    for token in _spacy_tokenizer()(content):
        if not token.text.isspace():
            tokens.append(token.text)
            starts.append(offset + token.idx)
            ends.append(offset + token.idx + len(token.text))
    return tokens, starts, ends


@lru_cache(maxsize=1)
def _spacy_tokenizer():
    """spaCy's blank English tokenizer (no model download), built once."""
    import spacy

    return spacy.blank("en").tokenizer


def _snap(line: _Line, start: int, end: int, alignment: str) -> tuple[tuple[int, int] | None, bool]:
    """``((first, last) token span or None, whether start/end fell on token boundaries)``.

    Off boundaries, ``expand`` takes the tokens the span touches and ``contract`` the
    tokens wholly inside it (spaCy's ``char_span`` alignment modes); ``strict`` none.
    """
    first, last = bisect_right(line.ends, start), bisect_left(line.starts, end)
    if first < last and line.starts[first] == start and line.ends[last - 1] == end:
        return (first, last), True
    if alignment == "expand" and first < last:
        return (first, last), False
    if alignment == "contract":
        inner_first, inner_last = bisect_left(line.starts, start), bisect_right(line.ends, end)
        if inner_first < inner_last:
            return (inner_first, inner_last), False
    return None, False


# ------------------------------------------------------------------ one document

class _Placer:
    """Puts a document's entity spans on the tokens of its lines, and keeps the repairs."""

    def __init__(self, ann: str, text: str, lines: list[_Line], alignment: str) -> None:
        self.ann, self.text, self.lines, self.alignment = ann, text, lines, alignment
        self._line_starts = [line.start for line in lines]
        self.misaligned: list[str] = []
        self.dropped: list[str] = []
        self.entities: dict[int, list[tuple[int, int, str]]] = defaultdict(list)

    def place(self, tb: _TextBound, span: tuple[int, int]) -> bool:
        """Add ``tb``'s entity over character ``span``; False when it covers no token."""
        start, end = span
        example = f"{where(self.ann, tb.line)}: {tb.id} {self.text[start:end]!r} [{start}:{end}] {tb.type}"
        inner = self.text[start:end]
        first_char = start + len(inner) - len(inner.lstrip())
        index = bisect_right(self._line_starts, first_char) - 1
        tokens, on_boundaries = _snap(self.lines[index], start, end, self.alignment) if end > start else (None, True)
        if not on_boundaries:
            self.misaligned.append(example)
        if tokens is None:
            if on_boundaries or self.alignment != "strict":
                self.dropped.append(example)
            return False
        self.entities[index].append((tokens[0], tokens[1], tb.type))
        return True

    def finish(self, warnings: list[str]) -> None:
        """Raise (strict) or warn about spans off token boundaries, and warn about drops.

        Raises:
            DataError: under ``strict``, naming the first misaligned span's line and id.
        """
        n = len(self.misaligned)
        if n and self.alignment == "strict":
            more = f" ({n} spans in this file)" if n > 1 else ""
            raise DataError(f"{self.misaligned[0]} does not fall on token boundaries{more}",
                            hint="pass --alignment expand (or contract) to snap spans to tokens")
        if n:
            done = "expanded" if self.alignment == "expand" else "contracted"
            warnings.append(f"{self.ann}: {n} span{_s(n)} not on token boundaries {done} to tokens, e.g. "
                            + "; ".join(self.misaligned[:MAX_EXAMPLES]))
        if self.dropped:
            k = len(self.dropped)
            warnings.append(f"{self.ann}: {k} entit{'ies' if k != 1 else 'y'} covering no token dropped, e.g. "
                            + "; ".join(self.dropped[:MAX_EXAMPLES]))


def _s(n: int) -> str:
    return "s" if n != 1 else ""


def _read_document(ann: str, txt: str, index: int, options: _Options, tally: _Tally,
                   warnings: list[str], notes: list[str]) -> list[SpanSentence]:
    """The sentences of one ``.ann``/``.txt`` pair, tallies and messages updated.

    Raises:
        DataError: see :func:`read_brat`.
    """
    text = _read_utf8(txt)
    parsed = _parse_ann(ann, _read_utf8(ann))
    shift = _bom_shift(text, parsed.textbounds)
    if shift:
        notes.append(f"{ann}: {txt} starts with a byte order mark that its offsets skip (its text "
                            "columns match only so); read them so, unlike brat, which counts it as character 0")
    placer = _Placer(ann, text, _lines(text, options.tokenizer), options.alignment)
    tally.read_file(parsed)
    for tb in parsed.textbounds:
        if shift:
            tb = _TextBound(tb.id, tb.type, tuple((s + 1, e + 1) for s, e in tb.fragments), tb.text, tb.line)
        _check_textbound(tb, text, ann, txt)
        if tb.id in parsed.triggers:
            tally.triggers += 1
            continue
        spans = _entity_spans(tb, options.discontinuous)
        for span in spans:
            _check_one_line(tb, span, text, ann, txt, options.discontinuous)
        placed = sum(placer.place(tb, span) for span in spans)
        tally.entity(tb, ann, placed)
    placer.finish(warnings)
    tally.misaligned += len(placer.misaligned)
    tally.dropped += len(placer.dropped)
    return [SpanSentence(line.tokens, sorted(placer.entities.get(k, [])), line.number, index, ann)
            for k, line in enumerate(placer.lines) if line.tokens]


def _entity_spans(tb: _TextBound, rule: str) -> list[tuple[int, int]]:
    """The character spans ``tb`` becomes under the discontinuous ``rule``."""
    if len(tb.fragments) == 1 or rule == "split":
        return list(tb.fragments)
    if rule == "skip":
        return []
    return [(tb.fragments[0][0], tb.fragments[-1][1])]


class _Tally:
    """Counts over a corpus, and the notes they make (see :attr:`BratCorpus.counts`)."""

    def __init__(self, rule: str) -> None:
        self.rule = rule
        self.entities = self.textbound = self.triggers = self.misaligned = self.dropped = 0
        self.discontinuous = self.discontinuous_entities = 0
        self.discontinuous_examples: list[str] = []
        self.ignored: dict[str, int] = dict.fromkeys(IGNORED_KINDS.values(), 0)

    def read_file(self, parsed: _Ann) -> None:
        """Count a parsed ``.ann``'s text-bound lines and ignored annotations."""
        self.textbound += len(parsed.textbounds)
        for kind, n in parsed.ignored.items():
            self.ignored[kind] += n

    def entity(self, tb: _TextBound, ann: str, placed: int) -> None:
        """Count the entities one text-bound line became."""
        self.entities += placed
        if len(tb.fragments) > 1:
            self.discontinuous += 1
            self.discontinuous_entities += placed
            self.discontinuous_examples.append(f"{where(ann, tb.line)}: {tb.id}")

    def counts(self) -> dict:
        """The counts as a plain dict."""
        return {"entities": self.entities, "textbound": self.textbound, "triggers": self.triggers,
                "misaligned": self.misaligned, "dropped": self.dropped,
                "discontinuous": {"read": self.discontinuous, "rule": self.rule,
                                  "entities": self.discontinuous_entities},
                "ignored": dict(self.ignored)}

    def notes(self, path: str) -> list[str]:
        """One note per kind of thing left out or reshaped on purpose."""
        out = []
        n = self.discontinuous
        if n:
            done = {"span": "each read as one entity from its first fragment's start to its last fragment's end",
                    "split": f"split into {self.discontinuous_entities} entities, one per fragment",
                    "skip": "left out"}[self.rule]
            out.append(f"{path}: {n} discontinuous entit{'ies' if n != 1 else 'y'} (fragments joined by ';') "
                       f"{done} (discontinuous={self.rule}), e.g. " + "; ".join(self.discontinuous_examples[:MAX_EXAMPLES]))
        if self.triggers:
            k = self.triggers
            out.append(f"{path}: {k} text-bound annotation{_s(k)} that trigger{'s' if k == 1 else ''} events "
                       "left out (brat counts event triggers apart from entities)")
        ignored = [f"{n} {kind if n != 1 else kind[:-1]} ({_KIND_LETTERS[kind]})"
                   for kind, n in self.ignored.items() if n]
        if ignored:
            out.append(f"{path}: annotations that carry no entity ignored: " + ", ".join(ignored))
        return out


# ------------------------------------------------------------------ writing

def _named_documents(documents) -> list[tuple[str, Sequence[SpanSentence]]]:
    """``(name, sentences)`` per document: given names, or ``doc0001``, ``doc0002``, ...

    Raises:
        UsageError: a name that is empty, hidden, holds a path separator, or repeats.
    """
    if isinstance(documents, Mapping):
        named = [(str(name), list(sentences)) for name, sentences in documents.items()]
    else:
        listed = [list(sentences) for sentences in documents]
        width = max(4, len(str(len(listed))))
        named = [(f"doc{k:0{width}d}", sentences) for k, sentences in enumerate(listed, 1)]
    seen: set[str] = set()
    for name, _ in named:
        if not name or name.startswith(".") or "/" in name or os.sep in name or name in seen:
            raise UsageError(f"bad or repeated document name {name!r}",
                             hint="names are distinct file stems without '/' and not starting with '.'")
        seen.add(name)
    return named


def _render_document(sentences: Sequence[SpanSentence], txt: str) -> tuple[str, str]:
    """``(txt text, ann text)`` of one document: a line per sentence, a ``T`` line per entity.

    Raises:
        DataError: see :func:`write_brat`; the location is the ``.txt`` line the
            sentence would have.
    """
    lines, ann_lines, offset = [], [], 0
    for number, sentence in enumerate(sentences, 1):
        _check_writable(sentence, txt, number)
        line = " ".join(sentence.tokens)
        starts, pos = [], offset
        for token in sentence.tokens:
            starts.append(pos)
            pos += len(token) + 1
        for start, end, type_ in sorted(sentence.entities, key=lambda e: (e[0], -e[1], e[2])):
            first, last = starts[start], starts[end - 1] + len(sentence.tokens[end - 1])
            ann_lines.append(f"T{len(ann_lines) + 1}\t{type_} {first} {last}\t{line[first - offset:last - offset]}\n")
        lines.append(line + "\n")
        offset += len(line) + 1
    if lines and lines[0].startswith(BOM):
        raise DataError(f"{where(txt, 1)}: the first token starts with U+FEFF, which would read back as a byte order mark")
    return "".join(lines), "".join(ann_lines)


def _check_writable(sentence: SpanSentence, txt: str, number: int) -> None:
    """Refuse a sentence that would not read back the same from BRAT text.

    Raises:
        DataError: no tokens; a token empty or holding whitespace (the reader splits
            at whitespace); an entity outside the sentence; a type empty or holding
            whitespace (a ``T`` line's type ends at the first space).
    """
    loc = where(txt, number)
    tokens = sentence.tokens
    if not tokens:
        raise DataError(f"{loc}: a sentence without tokens cannot be a line of BRAT text (it would read back as none)")
    for k, token in enumerate(tokens):
        if not isinstance(token, str) or not token or _TOKEN.fullmatch(token) is None:
            raise DataError(f"{loc}: token {k} {token!r} is empty or holds whitespace; it would not read back")
    for start, end, type_ in sentence.entities:
        if not (_is_int(start) and _is_int(end) and 0 <= start < end <= len(tokens)):
            raise DataError(f"{loc}: entity ({start!r}, {end!r}, {type_!r}) is outside the sentence's "
                            f"{len(tokens)} tokens")
        if not isinstance(type_, str) or _TOKEN.fullmatch(type_) is None:
            raise DataError(f"{loc}: entity type {type_!r} is empty or holds whitespace")


def _is_int(value) -> bool:
    """An integer offset (a bool is not one)."""
    return isinstance(value, int) and not isinstance(value, bool)
