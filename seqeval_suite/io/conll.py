"""The CoNLL reader: :class:`BlockReader`, which reads an input once in blocks of
whole sentences, parsed with numpy (:func:`parse_block`) where the bytes allow it and by
its line engine (:class:`ConllReader`) from there on otherwise.

A corpus is never held in memory. UTF-8 with or without a BOM, LF or CRLF, ``-`` for
stdin, FIFOs and transparent ``.gz`` are accepted in every mode.
"""
from __future__ import annotations

import codecs
import gzip
import io
import os
import re
import sys
import zlib
from dataclasses import dataclass, field
from typing import IO, Iterator

from ..conlleval import BOUNDARY, split_perl
from ..errors import DataError

DOCSTART = "-DOCSTART-"


@dataclass(slots=True)
class Sentence:
    """One sentence: the fields of each token row and the row's 1-based line number."""

    rows: list[list[str]]
    lines: list[int]
    document: int = 0

    def column(self, index: int) -> list[str]:
        """The values of one column (negative indices count from the end)."""
        return [row[index] for row in self.rows]


def display_name(path: str | os.PathLike) -> str:
    """How a path is named in messages (``<stdin>`` for ``-``)."""
    return "<stdin>" if str(path) == "-" else str(path)


def _open_binary(path: str) -> IO[bytes]:
    """Open a path (``-``: stdin) for binary reading; ``.gz`` files are decompressed.

    Raises:
        DataError: a directory, a missing or unreadable file; reading a ``.gz`` file that
            is not gzip, or is truncated, raises it too, naming the file.
    """
    if path == "-":
        return sys.stdin.buffer
    if os.path.isdir(path):
        raise DataError(f"{path}: is a directory, not a file", hint="give the path of a CoNLL file")
    try:
        if path.endswith(".gz"):
            return io.BufferedReader(_GzipGuard(gzip.open(path, "rb"), path))
        return open(path, "rb")
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except PermissionError:
        raise DataError(f"{path}: permission denied") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot open ({exc.strerror or exc})") from None


class _GzipGuard(io.RawIOBase):
    """A gzip stream whose decompression errors name the file (gzip's own do not)."""

    def __init__(self, stream, path: str) -> None:
        self._stream, self._path = stream, path

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self._stream.read(len(buffer))
        except (OSError, EOFError, zlib.error) as exc:
            raise DataError(f"{self._path}: not a valid gzip file ({exc})",
                            hint="is it really compressed? rename it without .gz if it is plain text") from None
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._stream.close()
        super().close()


class _LoneCR:
    """A binary stream in which a CR not followed by LF ends a line, as LF does (old Mac
    files end lines with CR alone; read as one line they would be one token). CRLF is
    left as it is; a CR at the end of a read is held back until the next read shows
    whether LF follows."""

    _LONE = re.compile(rb"\r(?!\n)")

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._held = b""

    def read(self, size: int = -1) -> bytes:
        data = self._held + self._stream.read(size)
        self._held = b""
        if data.endswith(b"\r"):
            more = self._stream.read(1)  # one byte more tells CRLF from a lone CR
            if more == b"\n":
                data += more
            else:
                self._held = more  # empty at the end of the input
        if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
            data = self._LONE.sub(b"\n", data)
        return data

    def close(self) -> None:
        self._stream.close()


class _Chained(io.RawIOBase):
    """Bytes already read, then the rest of a stream: the line reader carries on where
    the block reader stopped, so no input is ever read (or opened) twice."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head, self._rest = memoryview(head), rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if len(self._head):
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        n = min(len(data), len(buffer))
        buffer[:n] = data[:n]
        if len(data) > n:  # _LoneCR returns one byte more when a read ends inside a CRLF
            self._head = memoryview(data)[n:]
        return n


def _ascii_compatible(encoding: str) -> bool:
    """Whether lines can be split on the byte ``\\n`` and decoded one by one."""
    try:
        return "a\n".encode(encoding) == b"a\n"
    except (LookupError, UnicodeError):
        return False


@dataclass
class ConllReader:
    """Reads one CoNLL file sentence by sentence.

    Args:
        path: a file path, ``-`` for stdin; ``.gz`` files are decompressed.
        delimiter: split columns on this string instead of any whitespace (in
            conlleval mode, a Perl regex as conlleval.pl's ``-d``).
        comments: skip lines starting with ``#``.
        conlleval: split and bound sentences exactly as conlleval.pl does (SPEC §3):
            single-space split, ``-X-`` boundaries, ``-DOCSTART-`` is a token, and every
            line must have as many fields as the first.
        encoding: the file's text encoding (a BOM is dropped for UTF-8).
    """

    path: str
    delimiter: str | None = None
    comments: bool = False
    conlleval: bool = False
    encoding: str = "utf-8"
    documents: int = field(default=0, init=False)
    lines_read: int = field(default=0, init=False)
    nonblank_lines: int = field(default=0, init=False)
    #: Whether the last line read was a sentence boundary (blank, or ``-X-`` in conlleval mode).
    ends_with_boundary: bool = field(default=True, init=False)
    #: Field count of the lines (conlleval mode), once the stream is read.
    width: int = field(default=-1, init=False)

    @property
    def name(self) -> str:
        """The file's name as messages show it."""
        return display_name(self.path)

    def __iter__(self) -> Iterator[Sentence]:
        binary = _open_binary(str(self.path))
        try:
            yield from self.read_stream(binary, strip_bom=True)
        finally:
            if str(self.path) != "-":
                binary.close()

    def read_stream(self, binary: IO[bytes], *, first_line: int = 1, width: int = -1,
                    strip_bom: bool = False) -> Iterator[Sentence]:
        """Sentences from an open binary stream whose first line is ``first_line``.

        ``width`` is the field count already fixed by earlier lines (conlleval mode).
        Lines are decoded one at a time, so an undecodable byte is reported with its
        line, from a pipe as from a file.

        Raises:
            DataError: undecodable bytes, a NUL byte, a column count that changes.
        """
        if not _ascii_compatible(self.encoding):
            text = io.TextIOWrapper(binary, encoding=self.encoding, errors="strict", newline="\n")
            try:
                yield from self._sentences(text, first_line, width)
            except UnicodeError as exc:  # (UTF-16 without a BOM is a plain UnicodeError)
                raise DataError(f"{self.name}: bytes that are not valid {self.encoding} ({exc})",
                                hint="convert the file to UTF-8 or pass --encoding (utf-16-le or utf-16-be "
                                     "for UTF-16 without a byte-order mark)") from None
            return
        yield from self._sentences(self._decoded(binary, first_line, strip_bom), first_line, width)

    def _decoded(self, binary: IO[bytes], first_line: int, strip_bom: bool) -> Iterator[str]:
        encoding = self.encoding
        utf8 = codecs.lookup(encoding).name == "utf-8"
        for lineno, raw in enumerate(binary, first_line):
            if strip_bom and lineno == first_line and utf8 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[3:]
            try:
                yield raw.decode(encoding)
            except UnicodeDecodeError as exc:
                sample = raw[max(0, exc.start - 8): exc.end + 8]
                raise DataError(
                    f"{self.name}:{lineno}: bytes that are not valid {self.encoding} ({sample!r})",
                    hint="convert the file to UTF-8 or pass --encoding",
                ) from None

    def _split(self, line: str) -> list[str]:
        if self.conlleval:
            return split_perl(line, self.delimiter)
        if self.delimiter is None:
            return line.split()
        if not line.strip():
            return []
        return line.split(self.delimiter)

    def _sentences(self, text, first_line: int = 1, width: int = -1) -> Iterator[Sentence]:
        conlleval = self.conlleval
        comments = self.comments
        split = self._split
        name = self.name
        rows: list[list[str]] = []
        lines: list[int] = []
        document = self.documents
        lineno = first_line - 1
        for lineno, line in enumerate(text, first_line):
            if line.endswith("\n"):
                line = line[:-1]
            if line.endswith("\r"):
                line = line[:-1]
            if "\x00" in line:
                raise DataError(f"{name}:{lineno}: NUL byte in line", hint="is this a binary file?")
            if comments and line.startswith("#"):
                continue
            fields = split(line)
            self.ends_with_boundary = not fields or (conlleval and fields[0] == BOUNDARY)
            if not fields:
                if rows:
                    yield Sentence(rows, lines, document)
                    rows, lines = [], []
                if not conlleval:
                    width = -1
                continue
            self.nonblank_lines += 1
            if conlleval:
                if width < 0:
                    width = len(fields)
                elif len(fields) != width:
                    raise _feature_error(name, lineno, line, len(fields), width)
                if fields[0] == DOCSTART:
                    self.documents += 1
                if fields[0] == BOUNDARY:
                    if rows:
                        yield Sentence(rows, lines, document)
                        rows, lines = [], []
                    continue
            elif fields[0] == DOCSTART:
                if rows:
                    yield Sentence(rows, lines, document)
                    rows, lines = [], []
                self.documents += 1
                document = self.documents
                width = -1
                continue
            elif width < 0:
                width = len(fields)
            elif len(fields) != width:
                raise _column_error(name, lineno, line, len(fields), width)
            rows.append(fields)
            lines.append(lineno)
        if rows:
            yield Sentence(rows, lines, document)
        self.lines_read = lineno
        self.width = width


def _feature_error(name: str, lineno: int, line: str, got: int, want: int) -> DataError:
    hint = "lines must all have as many fields as the first, as conlleval.pl requires"
    if "\t" in line:
        hint = "the file looks tab-separated: pass --delimiter '\\t'"
    return DataError(
        f"{name}:{lineno}: unexpected number of features: {got} fields where the first line has {want}",
        hint=hint,
    )


def _column_error(name: str, lineno: int, line: str, got: int, want: int) -> DataError:
    return DataError(
        f"{name}:{lineno}: {got} columns where the sentence's earlier lines have {want}",
        hint="a token containing a space? pass --delimiter '\\t' for tab-separated files",
    )


# ------------------------------------------------------------------ fast block reader
class Unsupported(Exception):
    """:func:`parse_block` cannot take these bytes exactly.

    Raised for anything numpy parsing does not reproduce byte for byte (Unicode
    whitespace, NUL bytes, undecodable bytes, a column count that changes, too few
    columns, ...). :class:`BlockReader` then hands the same bytes, and the rest of the
    input, to the line reader (:class:`ConllReader`), which reads them or raises the
    precise :class:`DataError`; nothing is read twice.
    """


#: Bytes that ``str.split()`` treats as whitespace and that are ASCII (one byte each).
_ASCII_SPACE = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
#: Non-ASCII characters ``str.split()`` also splits on, as UTF-8 byte patterns.
_UNICODE_SPACE = rb"\xc2[\x85\xa0]|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f|\xe3\x80\x80"
_DOCSTART_BYTES = DOCSTART.encode()


@dataclass
class Block:
    """Token-level arrays of one block of whole sentences (see :func:`parse_block`).

    Field positions index ``data``; ``token_*`` arrays have one entry per token line;
    ``sentence_first`` holds the index of each sentence's first token.
    """

    data: bytes
    arr: object
    field_start: object
    field_end: object
    token_first_field: object
    token_width: object
    token_line: object
    token_line_start: object
    sentence_first: object
    documents: int
    lines: int
    #: Width of the block's token and ``-X-`` lines (conlleval mode; -1 when none).
    width: int = -1
    #: Whether the block's last line is a sentence boundary (None: no lines).
    ends_with_boundary: bool | None = None
    #: Per sentence, the ``-DOCSTART-`` lines before it (within the block until the
    #: reader adds those of earlier blocks); all 0 in conlleval mode, as the script.
    sentence_document: object = None

    def words(self):
        """Little-endian uint64 windows starting at every byte (``words[i]`` = bytes i..i+7)."""
        import numpy as np

        return np.ndarray((len(self.data) - 7,), dtype="<u8", buffer=self.data, strides=(1,))

    @property
    def n_tokens(self) -> int:
        """Tokens in the block."""
        return len(self.token_width)

    @property
    def n_sentences(self) -> int:
        """Non-empty sentences in the block."""
        return len(self.sentence_first)

    def sentence(self, k: int) -> Sentence:
        """Sentence ``k`` of the block as strings (for messages; not on the hot path)."""
        first = int(self.sentence_first[k])
        stop = int(self.sentence_first[k + 1]) if k + 1 < self.n_sentences else self.n_tokens
        rows = []
        for t in range(first, stop):
            f0 = int(self.token_first_field[t])
            rows.append([self.data[int(self.field_start[f]):int(self.field_end[f])].decode("utf-8")
                         for f in range(f0, f0 + int(self.token_width[t]))])
        return Sentence(rows, [int(x) for x in self.token_line[first:stop]])

    def column_fields(self, column: int):
        """Field indices of one column for every token (negative counts from the end)."""
        import numpy as np

        width = self.token_width
        index = np.full(len(width), column, dtype=np.int64) if column >= 0 else width + column
        if len(width) and (index.min() < 0 or (index >= width).any()):
            raise Unsupported("column out of range")
        return self.token_first_field + index


def _space_table():
    import numpy as np

    table = np.zeros(256, dtype=bool)
    table[list(_ASCII_SPACE)] = True
    return table


def _first_field_is(word: bytes, arr, field_start, field_end, first_field, lines):
    """Which of ``lines`` have ``word`` as their first field (vectorised)."""
    import numpy as np

    starts = field_start[first_field[lines]]
    hit = field_end[first_field[lines]] - starts == len(word)
    for k, byte in enumerate(word):
        hit &= arr[np.minimum(starts + k, len(arr) - 1)] == byte
    return hit


def _check_conlleval_bytes(data: bytes) -> None:
    """The block reader splits like Perl's ``split(/ /)`` only on plain single-space lines:
    the byte checks here (one-byte searches are memchr-fast), the spaces' neighbours in
    :func:`_check_conlleval_spaces` once the whitespace mask exists."""
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        raise Unsupported("spacing that conlleval.pl splits into empty fields")
    if any(c in data for c in (b"\t", b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e", b"\x1f")):
        raise Unsupported("whitespace that conlleval.pl does not split on")


def _check_conlleval_spaces(arr, space) -> None:
    """Every space must sit between two non-whitespace bytes: no double space, no space
    at a line's start or end or at the input's ends (where ``split(/ /)`` makes empty
    fields). One vectorised pass; five two-byte searches of the block took 3x longer."""
    import numpy as np

    spaces = np.flatnonzero(arr == 32)
    if len(spaces) and (spaces[0] == 0 or spaces[-1] == len(arr) - 1
                        or space[spaces - 1].any() or space[spaces + 1].any()):
        raise Unsupported("spacing that conlleval.pl splits into empty fields")


def parse_block(data: bytes, first_line: int, conlleval: bool = False):
    """Parse whole lines of CoNLL bytes into a :class:`Block` (numpy, no per-line objects).

    Columns are split on whitespace exactly as ``str.split()`` does; blank lines and
    ``-DOCSTART-`` lines end sentences, and ``-DOCSTART-`` lines count documents.
    ``first_line`` is the 1-based number of the block's first line.

    Raises:
        Unsupported: for input only the line reader handles exactly.
    """
    import re

    import numpy as np

    if b"\x00" in data:
        raise Unsupported("NUL byte")
    if conlleval:
        _check_conlleval_bytes(data)
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise Unsupported("undecodable bytes") from None
        if not conlleval and re.search(_UNICODE_SPACE, data):
            raise Unsupported("Unicode whitespace")
    padded = data + bytes(32)  # lets 8-byte windows start at any byte (tags up to 32 bytes)
    arr = np.frombuffer(padded, dtype=np.uint8)[: len(data)]
    newlines = np.flatnonzero(arr == 10)
    if data and not data.endswith(b"\n"):
        newlines = np.append(newlines, len(data))
    n_lines = len(newlines)
    space = _space_table()[arr]
    if conlleval:
        _check_conlleval_spaces(arr, space)
    edges = np.flatnonzero(np.diff(space, prepend=True, append=True)).astype(np.int32)
    field_start, field_end = edges[0::2], edges[1::2]
    # Fields before each line's end, so widths come from one search per line.
    before_end = np.searchsorted(field_start, newlines)
    width = np.diff(before_end, prepend=0)
    first_field = before_end - width
    token = width > 0
    documents = 0
    block_width = -1
    doc_lines = np.zeros(0, dtype=np.int64)
    if _DOCSTART_BYTES in data:
        has = np.flatnonzero(token)
        doc_lines = has[_first_field_is(_DOCSTART_BYTES, arr, field_start, field_end, first_field, has)]
        documents = len(doc_lines)
        if not conlleval:  # conlleval.pl reads -DOCSTART- as a token
            token[doc_lines] = False
    if conlleval:
        nonblank = np.flatnonzero(token)
        if len(nonblank):
            block_width = int(width[nonblank[0]])
            if (width[nonblank] != block_width).any():
                raise Unsupported("the number of features changes")
            if BOUNDARY.encode() in data:
                token[nonblank[_first_field_is(BOUNDARY.encode(), arr, field_start, field_end, first_field,
                                               nonblank)]] = False
    previous_token = np.concatenate(([False], token[:-1]))
    same_sentence = token & previous_token
    if not conlleval and (width[1:][same_sentence[1:]] != width[:-1][same_sentence[1:]]).any():
        raise Unsupported("column count changes within a sentence")
    lines = np.flatnonzero(token)
    line_start = np.concatenate(([0], newlines[:-1] + 1))
    sentence_first = np.flatnonzero(~same_sentence[lines])
    if conlleval or not len(doc_lines):
        sentence_document = np.zeros(len(sentence_first), dtype=np.int64)
    else:
        sentence_document = np.searchsorted(doc_lines, lines[sentence_first])
    return Block(
        data=padded, arr=arr, field_start=field_start, field_end=field_end,
        token_first_field=first_field[lines], token_width=width[lines],
        token_line=lines + first_line, token_line_start=line_start[lines],
        sentence_first=sentence_first, documents=documents, lines=n_lines, width=block_width,
        ends_with_boundary=bool(not token[-1]) if n_lines else None, sentence_document=sentence_document,
    )


#: Bytes read per block: large enough that per-block overhead vanishes, small enough
#: that numpy temporaries stay a few tens of MB (memory is flat in the corpus size).
BLOCK_SIZE = 1 << 20


#: Tokens per block in line mode (the line reader has no byte budget of its own).
LINE_BLOCK_TOKENS = 1 << 15


@dataclass
class LineBlock:
    """Whole sentences read by the line reader: the same questions a :class:`Block`
    answers, from Python strings (for input the byte parser does not take exactly)."""

    sentences: list[Sentence]

    @property
    def n_sentences(self) -> int:
        """Sentences in the block."""
        return len(self.sentences)

    @property
    def n_tokens(self) -> int:
        """Tokens in the block."""
        return sum(len(s.rows) for s in self.sentences)

    @property
    def sentence_first(self):
        """Index of each sentence's first token."""
        import numpy as np

        lengths = np.array([len(s.rows) for s in self.sentences], dtype=np.int64)
        return np.concatenate(([0], np.cumsum(lengths)[:-1])) if len(lengths) else lengths

    @property
    def token_line(self):
        """1-based line of every token."""
        import numpy as np

        return np.fromiter((n for s in self.sentences for n in s.lines), dtype=np.int64)

    @property
    def sentence_document(self):
        """Per sentence, the ``-DOCSTART-`` lines before it in the input."""
        import numpy as np

        return np.fromiter((s.document for s in self.sentences), dtype=np.int64, count=len(self.sentences))

    def sentence(self, k: int) -> Sentence:
        """Sentence ``k`` of the block."""
        return self.sentences[k]


class BlockReader:
    """Reads a CoNLL input once, in blocks of whole sentences, from a path, ``-``
    (stdin), a FIFO or a ``.gz`` file.

    Blocks are parsed with numpy (:func:`parse_block`) while the bytes allow it exactly;
    from the first block they do not (Unicode whitespace, conlleval.pl's empty fields, a
    missing column, a column count that changes, ...) and for ``delimiter``,
    ``comments`` or another encoding, the rest of the input goes through the line
    reader (:class:`ConllReader`), continuing from the bytes already read, which also
    names every problem with its line. ``take(n)`` returns a :class:`Block` or a
    :class:`LineBlock` of exactly ``n`` sentences when it can (fewer at the end);
    ``take()`` whatever whole sentences the next read holds; None when nothing is left.

    Args:
        path: the input; ``columns`` the field indices the caller will read (a block
            lacking one goes to the line reader, which names the line).
    """

    def __init__(self, path: str, block_size: int | None = None, conlleval: bool = False, *,
                 delimiter: str | None = None, comments: bool = False, encoding: str = "utf-8",
                 columns: tuple[int, ...] = ()) -> None:
        self.path = str(path)
        self.name = display_name(self.path)
        self.conlleval = conlleval
        self.columns = columns
        self.width = -1
        self.block_size = block_size or BLOCK_SIZE
        self._fh = _LoneCR(_open_binary(self.path))
        self._pending = b""
        self._line = 1
        self._eof = False
        self._first = True
        self._block_documents = 0
        self._ends_with_boundary = True
        self.sentences_read = 0
        self.bytes_read = 0
        #: Bytes the last block taken spans (0 from the line reader): a hint of how much
        #: a reader kept in step with this one should read for the same sentences.
        self.bytes_taken = 0
        self.nonblank = False
        self._lines = ConllReader(self.path, delimiter=delimiter, comments=comments, conlleval=conlleval,
                                  encoding=encoding)
        self._line_iter: Iterator[Sentence] | None = None
        plain = delimiter is None and not comments and codecs.lookup(encoding).name == "utf-8"
        if not plain:
            self._to_lines()

    @property
    def documents(self) -> int:
        """``-DOCSTART-`` lines read so far."""
        return self._lines.documents if self._line_iter is not None else self._block_documents

    @property
    def ends_with_boundary(self) -> bool:
        """Whether the input's last line is a sentence boundary (once it is read)."""
        return self._lines.ends_with_boundary if self._line_iter is not None else self._ends_with_boundary

    def empty_error(self) -> DataError:
        """The error for an input that held no sentence."""
        what = "is empty" if self.bytes_read == 0 else "has only blank lines"
        return DataError(f"{self.name} {what}: no tokens to score", hint="is this the right file?")

    def close(self) -> None:
        """Close the input (stdin stays open)."""
        if self.path != "-":
            self._fh.close()

    def _fill(self, size: int) -> None:
        chunk = self._fh.read(size)
        if self._first:
            self._first = False
            if chunk.startswith(b"\xef\xbb\xbf"):
                chunk = chunk[3:]
        if not chunk:
            self._eof = True
        self.bytes_read += len(chunk)
        if not self.nonblank and chunk.strip():
            self.nonblank = True
        self._pending += chunk

    def _to_lines(self) -> None:
        """Hand the rest of the input, from the pending bytes on, to the line reader."""
        if self._first:
            self._fill(self.block_size)  # drops a BOM
        self._lines.documents = self._block_documents  # the line engine counts on from here
        stream = io.BufferedReader(_Chained(self._pending, _Counting(self._fh, self)))
        self._pending = b""
        self._line_iter = self._lines.read_stream(stream, first_line=self._line, width=self.width)

    def _parse_pending(self) -> tuple[Block, int]:
        """Parse the whole lines held; return the block and where its last line ends."""
        data = self._pending
        cut = len(data) if self._eof else data.rfind(b"\n") + 1
        block = parse_block(data[:cut], self._line, self.conlleval)
        if self.conlleval and block.width >= 0:
            if self.width < 0:
                self.width = block.width
            elif block.width != self.width:
                raise Unsupported("the number of features changes")
        for column in self.columns:
            block.column_fields(column)
        return block, cut

    def take(self, n: int | None = None, size_hint: int = 0) -> Block | LineBlock | None:
        """The next ``n`` whole sentences (fewer at the end of the input), or the whole
        sentences of the next read when ``n`` is None; None when nothing is left.

        ``size_hint``: about how many bytes the ``n`` sentences span (another reader's
        :attr:`bytes_taken` for the same sentences). Reading that much before parsing
        saves parsing the block again when the first read falls short; the result is
        the same with any hint."""
        if self._line_iter is None:
            try:
                return self._take_block(n, size_hint)
            except Unsupported:
                self._to_lines()
        self.bytes_taken = 0
        return self._take_lines(n)

    def sentences(self) -> Iterator[Sentence]:
        """Every sentence as strings, with its lines and document number (for commands
        that lint, convert or group sentences rather than score them); the input is
        closed at the end. Reads with the line reader from the start."""
        try:
            if self._line_iter is None and self._first:
                self._to_lines()
            while (block := self.take()) is not None:
                yield from (block.sentence(k) for k in range(block.n_sentences))
        finally:
            self.close()

    def _take_lines(self, n: int | None) -> LineBlock | None:
        sentences, tokens = [], 0
        for sentence in self._line_iter:
            if self.conlleval and self.width < 0:
                self.width = len(sentence.rows[0])
            sentences.append(sentence)
            tokens += len(sentence.rows)
            if len(sentences) == n or (n is None and tokens >= LINE_BLOCK_TOKENS):
                break
        if not sentences:
            return None
        self.sentences_read += len(sentences)
        return LineBlock(sentences)

    def _take_block(self, n: int | None, size_hint: int = 0) -> Block | None:
        if not self._eof and len(self._pending) < self.block_size:
            self._fill(self.block_size)
        # Tags of other lengths make the same sentences a little longer or shorter here:
        # 1/32 more (a 5-byte tag where the other file has 4 on every token of ~15 bytes
        # is ~6% more; the rare shortfall costs one more parse, as before) and a page.
        wanted = size_hint + (size_hint >> 5) + 4096 if size_hint else 0
        while not self._eof and len(self._pending) < wanted:
            self._fill(wanted - len(self._pending))
        while True:
            block, cut = self._parse_pending()
            # Unless the input has ended, the last sentence may go on in the next read.
            complete = block.n_sentences if self._eof else max(block.n_sentences - 1, 0)
            want = complete if n is None else n
            if self._eof or (want > 0 and complete >= want):
                break
            self._fill(self.block_size)
        if self._eof and block.ends_with_boundary is not None:
            self._ends_with_boundary = block.ends_with_boundary
        keep = min(want, complete)
        if keep <= 0:
            self._block_documents += block.documents
            self._line += block.lines
            self._pending = b""
            return None
        return self._split(block, keep, cut)

    def _split(self, block: Block, n: int, cut: int) -> Block:
        """Keep the first ``n`` sentences; the bytes after them stay pending."""
        if n < block.n_sentences:
            end_token = int(block.sentence_first[n])
            byte = int(block.token_line_start[end_token])
            lines_used = int(block.token_line[end_token]) - self._line
            kept = block.data[:byte]  # (only counted; the arrays still index the full buffer)
            block = Block(
                data=block.data, arr=block.arr, field_start=block.field_start, field_end=block.field_end,
                token_first_field=block.token_first_field[:end_token],
                token_width=block.token_width[:end_token], token_line=block.token_line[:end_token],
                token_line_start=block.token_line_start[:end_token],
                sentence_first=block.sentence_first[:n],
                documents=_count_docstarts(kept) if _DOCSTART_BYTES in kept else 0, lines=lines_used,
                sentence_document=block.sentence_document[:n],
            )
            self._pending = self._pending[byte:]
            self._line += lines_used
            self.bytes_taken = byte
        else:
            self._pending = self._pending[cut:]
            self._line += block.lines
            self.bytes_taken = cut
        block.sentence_document = block.sentence_document + self._block_documents
        self._block_documents += block.documents
        self.sentences_read += block.n_sentences
        return block


class _Counting:
    """Counts the bytes the line reader takes from a stream (for the empty-input error)."""

    def __init__(self, stream: IO[bytes], reader: BlockReader) -> None:
        self._stream, self._reader = stream, reader

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._reader.bytes_read += len(data)
        if not self._reader.nonblank and data.strip():
            self._reader.nonblank = True
        return data


def head(block: Block | LineBlock, n: int) -> Block | LineBlock:
    """The first ``n`` sentences of a block."""
    if isinstance(block, LineBlock):
        return LineBlock(block.sentences[:n])
    end = int(block.sentence_first[n]) if n < block.n_sentences else block.n_tokens
    return Block(
        data=block.data, arr=block.arr, field_start=block.field_start, field_end=block.field_end,
        token_first_field=block.token_first_field[:end], token_width=block.token_width[:end],
        token_line=block.token_line[:end], token_line_start=block.token_line_start[:end],
        sentence_first=block.sentence_first[:n], documents=0, lines=0, width=block.width,
        sentence_document=block.sentence_document[:n],
    )


#: ASCII bytes that ``str.split()`` splits on but ``bytes.split()`` does not (the block
#: parser and the line reader split as ``str.split()`` does; non-ASCII whitespace sends
#: the input to the line reader).
_STR_ONLY_SPACE = bytes.maketrans(b"\x1c\x1d\x1e\x1f", b"    ")


def _count_docstarts(data: bytes) -> int:
    """Exact count of ``-DOCSTART-`` lines (first field, fields split as ``str.split()``
    splits them) in whole lines of bytes."""
    n = 0
    for line in data.translate(_STR_ONLY_SPACE).split(b"\n"):
        fields = line.split(None, 1)
        if fields and fields[0] == _DOCSTART_BYTES:
            n += 1
    return n


def column_count(path: str | os.PathLike, *, delimiter: str | None = None, encoding: str = "utf-8",
                 comments: bool = False, limit: int = 1000) -> int | None:
    """The number of columns of the first token row among the first ``limit`` lines of a
    CoNLL file (``.gz`` read transparently), or None when there is none or it is unreadable.

    ``-DOCSTART-`` rows are skipped (their width may differ from the tokens'), and with
    ``comments`` the ``#`` lines, as the reader skips them.
    """
    try:
        with gzip.open(path, "rt", encoding=encoding, errors="replace") if str(path).endswith(".gz") \
                else open(path, encoding=encoding, errors="replace") as fh:
            for _, line in zip(range(limit), fh):
                fields = line.split(delimiter) if delimiter else line.split()
                if not line.strip() or (comments and line.startswith("#")) or fields[0] == DOCSTART:
                    continue
                return len(fields)
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile):
        return None
    return None


def same_column(gold: str | os.PathLike, pred: str | os.PathLike, gold_column: int | None,
                pred_column: int | None, *, delimiter: str | None = None, encoding: str = "utf-8",
                comments: bool = False) -> int | None:
    """The 0-based column both sides would read when gold and prediction are the same file
    read at the same tag column (a file scored against itself: every figure 100), else None.

    Columns are as ``--gold-column``/``--pred-column`` take them (None: the last column;
    negative: from the end); they are compared once resolved against the file's columns.
    """
    try:
        if not (os.path.isfile(gold) and os.path.isfile(pred) and os.path.samefile(gold, pred)):
            return None
    except OSError:
        return None
    width = column_count(gold, delimiter=delimiter, encoding=encoding, comments=comments)
    if width is None:
        return None
    g, p = _resolved_column(gold_column, width), _resolved_column(pred_column, width)
    return g if g is not None and g == p else None


def _resolved_column(column: int | None, width: int) -> int | None:
    column = -1 if column is None else column
    return column % width if -width <= column < width else None
