"""Streaming reader for CoNLL column files.

Sentences are yielded one at a time, each holding its rows' fields and line numbers
and nothing else, so a corpus is never held in memory. UTF-8 with or without a BOM,
LF or CRLF, ``-`` for stdin and transparent ``.gz`` are accepted in every mode.
"""
from __future__ import annotations

import codecs
import gzip
import io
import os
import sys
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
    if path == "-":
        return sys.stdin.buffer
    if os.path.isdir(path):
        raise DataError(f"{path}: is a directory, not a file", hint="give the path of a CoNLL file")
    try:
        if path.endswith(".gz"):
            return gzip.open(path, "rb")
        return open(path, "rb")
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except PermissionError:
        raise DataError(f"{path}: permission denied") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot open ({exc.strerror or exc})") from None


def _first_bad_line(path: str, encoding: str) -> tuple[int, bytes] | None:
    """Find the first line that does not decode (rescanned only after a failure)."""
    try:
        with _open_binary(path) as fh:
            for lineno, raw in enumerate(fh, 1):
                try:
                    raw.decode(encoding)
                except UnicodeDecodeError as exc:
                    return lineno, raw[max(0, exc.start - 8): exc.end + 8]
    except (OSError, DataError, EOFError):
        return None
    return None


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

    @property
    def name(self) -> str:
        """The file's name as messages show it."""
        return display_name(self.path)

    def __iter__(self) -> Iterator[Sentence]:
        path = str(self.path)
        encoding = self.encoding
        if codecs.lookup(encoding).name == "utf-8":
            encoding = "utf-8-sig"
        binary = _open_binary(path)
        text = io.TextIOWrapper(binary, encoding=encoding, errors="strict", newline="\n")
        try:
            yield from self._sentences(text)
        except UnicodeDecodeError:
            found = _first_bad_line(path, encoding) if path != "-" else None
            if found:
                lineno, sample = found
                raise DataError(
                    f"{self.name}:{lineno}: bytes that are not valid {self.encoding} ({sample!r})",
                    hint="convert the file to UTF-8 or pass --encoding",
                ) from None
            raise DataError(
                f"{self.name}: bytes that are not valid {self.encoding}",
                hint="convert the file to UTF-8 or pass --encoding",
            ) from None
        finally:
            if path != "-":
                text.close()

    def _split(self, line: str) -> list[str]:
        if self.conlleval:
            return split_perl(line, self.delimiter)
        if self.delimiter is None:
            return line.split()
        if not line.strip():
            return []
        return line.split(self.delimiter)

    def _sentences(self, text: IO[str]) -> Iterator[Sentence]:
        conlleval = self.conlleval
        comments = self.comments
        split = self._split
        name = self.name
        rows: list[list[str]] = []
        lines: list[int] = []
        width = -1
        document = 0
        lineno = 0
        for lineno, line in enumerate(text, 1):
            if line.endswith("\n"):
                line = line[:-1]
            if line.endswith("\r"):
                line = line[:-1]
            if "\x00" in line:
                raise DataError(f"{name}:{lineno}: NUL byte in line", hint="is this a binary file?")
            if comments and line.startswith("#"):
                continue
            fields = split(line)
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
