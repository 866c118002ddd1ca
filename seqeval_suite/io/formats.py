"""One entry point for every tagged-file format: :func:`read_tagged`.

``evaluate``, ``agree``, the runner, ``convert`` and ``validate`` can all take CoNLL,
JSON Lines (three dialects), a Label Studio JSON export or a spaCy DocBin through
this function. spaCy is imported only for the formats that need it.

>>> detect_format("train.spacy"), detect_format("dev.jsonl"), detect_format("x.conll.gz")
('spacy', 'jsonl', 'conll')
"""
from __future__ import annotations

import os
from typing import Iterator

from ..errors import UsageError
from .tagged import TaggedSentence

FORMATS = ("conll", "jsonl", "labelstudio", "spacy")

#: file extension -> format; anything else is read as CoNLL.
EXTENSIONS = {
    ".conll": "conll", ".txt": "conll", ".tsv": "conll", ".iob": "conll", ".bio": "conll",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "labelstudio", ".spacy": "spacy",
}


def detect_format(path: str | os.PathLike) -> str:
    """The format a file's extension implies (``.gz`` is looked through); default conll."""
    name = str(path).lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return EXTENSIONS.get(os.path.splitext(name)[1], "conll")


class TaggedFile:
    """An iterable of :class:`TaggedSentence` read from one file.

    After (or during) iteration, ``documents`` counts documents (``-DOCSTART-``
    blocks, JSON records, Label Studio tasks, DocBin docs), ``warnings`` holds what
    the reader repaired (misaligned or overlapping spans) and ``notes`` what it skipped
    on purpose (rejected records, cancelled tasks).
    """

    def __init__(self, path: str, format: str, reader) -> None:
        self.path = str(path)
        self.format = format
        self._reader = reader

    def __iter__(self) -> Iterator[TaggedSentence]:
        return iter(self._reader)

    @property
    def documents(self) -> int:
        """Documents seen so far."""
        return self._reader.documents

    @property
    def warnings(self) -> list[str]:
        """What the reader repaired (spans snapped to tokens, overlaps dropped), one line each."""
        return getattr(self._reader, "warnings", [])

    @property
    def notes(self) -> list[str]:
        """What the reader skipped on purpose (rejected records, cancelled tasks)."""
        return getattr(self._reader, "notes", [])


class _ConllTags:
    """CoNLL sentences as (tokens, tags, first line): tokens in column 0, tags in ``column``."""

    def __init__(self, path: str, column: int, **opts) -> None:
        from .conll import BlockReader

        self.reader = BlockReader(path, **opts)
        self.column = column
        self.warnings: list[str] = []

    @property
    def documents(self) -> int:
        return self.reader.documents

    def __iter__(self) -> Iterator[TaggedSentence]:
        from ..errors import DataError

        for sentence in self.reader.sentences():
            try:
                tags = sentence.column(self.column)
            except IndexError:
                raise DataError(
                    f"{self.reader.name}:{sentence.lines[0]}: no column {self.column}",
                    hint="pass --column with the tag column's index (0 is the token)",
                ) from None
            yield TaggedSentence(sentence.column(0), tags, sentence.lines[0])


def read_tagged(path: str | os.PathLike, *, format: str | None = None, column: int = -1, **reader_opts) -> TaggedFile:
    """Open a tagged file of any supported format.

    Args:
        path: the file (``-`` is stdin for CoNLL).
        format: ``conll``, ``jsonl``, ``labelstudio`` or ``spacy``; None picks it by
            extension (``.conll/.txt/.tsv/.gz`` conll, ``.jsonl`` JSON Lines with the
            dialect sniffed per record, ``.json`` Label Studio, ``.spacy`` DocBin).
        column: the tag column of a CoNLL file (default: the last).
        **reader_opts: passed to the reader: CoNLL ``delimiter``, ``comments``,
            ``encoding``; JSON ``labels`` (names for integer ``ner_tags``),
            ``alignment`` (``strict``, ``expand`` or ``contract``: what to do with a
            span not on token boundaries), ``report_misaligned`` (warn instead of
            refusing under ``strict``), ``encoding``.

    Returns:
        A :class:`TaggedFile`: iterate it for ``(tokens, tags, line)`` sentences.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.conll"
    >>> _ = p.write_text("EU B-ORG\\nrejects O\\n")
    >>> [tuple(s) for s in read_tagged(p)]
    [(['EU', 'rejects'], ['B-ORG', 'O'], 1)]
    """
    path = str(path)
    fmt = (format or detect_format(path)).lower()
    if fmt in ("json", "label-studio", "label_studio"):
        fmt = "labelstudio"
    if fmt in ("docbin",):
        fmt = "spacy"
    if fmt == "conll":
        opts = {k: v for k, v in reader_opts.items() if k in ("delimiter", "comments", "encoding") and v is not None}
        return TaggedFile(path, fmt, _ConllTags(path, column, **opts))
    if fmt == "jsonl":
        from .jsonl import JsonlReader

        return TaggedFile(path, fmt, JsonlReader(path, **_json_opts(reader_opts)))
    if fmt == "labelstudio":
        from .jsonl import LabelStudioReader

        return TaggedFile(path, fmt, LabelStudioReader(path, **_json_opts(reader_opts)))
    if fmt == "spacy":
        from .docbin import DocBinReader

        return TaggedFile(path, fmt, DocBinReader(path))
    raise UsageError(f"unknown input format {format!r}", hint="choose one of " + ", ".join(FORMATS))


def _json_opts(opts: dict) -> dict:
    return {k: v for k, v in opts.items() if k in ("labels", "alignment", "encoding", "report_misaligned") and v is not None}
