"""The sentence every non-CoNLL reader yields (JSON Lines, Label Studio, DocBin)."""
from __future__ import annotations

from typing import NamedTuple


class TaggedSentence(NamedTuple):
    """One sentence: its tokens, its tags, and the 1-based line where it starts.

    For JSON Lines the line is the record's line; for Label Studio the task's index
    (1-based); for DocBin the document's index (1-based).
    """

    tokens: list[str]
    tags: list[str]
    line: int


class SpanSentence(NamedTuple):
    """One sentence with entities that may nest or overlap (issue 17's span inputs).

    ``entities`` are ``(start, end, type)`` token offsets within the sentence, end
    exclusive, in any order, duplicates allowed; ``line`` is the 1-based line (JSON
    Lines record, BRAT ``.txt`` line, Label Studio task index, DocBin doc index) where
    the sentence starts; ``document`` numbers the sentence's document (0-based) and
    ``source`` names the file messages should cite.
    """

    tokens: list[str]
    entities: list[tuple[int, int, str]]
    line: int
    document: int = 0
    source: str = ""


#: Keys naming a record's document, looked for at the top level, then under ``meta``
#: (Prodigy, Label Studio) and ``data`` (Label Studio).
DOCUMENT_KEYS = ("document_id", "doc_id")


def document_id(record) -> object | None:
    """The document id a JSON record carries (see :data:`DOCUMENT_KEYS`), or None.

    >>> document_id({"tokens": [], "meta": {"doc_id": "d7"}}), document_id({"tokens": []})
    ('d7', None)
    """
    if not isinstance(record, dict):
        return None
    for holder in (record, record.get("meta"), record.get("data")):
        if isinstance(holder, dict):
            for key in DOCUMENT_KEYS:
                value = holder.get(key)
                if value is not None and not isinstance(value, (dict, list)):
                    return value
    return None


class DocumentCounter:
    """Documents of a record file, by the one rule every format follows.

    A document is what the file marks as one: a ``-DOCSTART-`` section in CoNLL, a
    ``Doc`` in a DocBin and, in JSON Lines and Label Studio, a run of consecutive
    records with the same document id (:data:`DOCUMENT_KEYS`; a record without one
    continues the current document). A file with sentences but no marks is one
    document, as a CoNLL file without ``-DOCSTART-`` is.
    """

    __slots__ = ("marked", "records", "_last")

    def __init__(self) -> None:
        self.marked = 0
        self.records = 0
        self._last = None

    def add(self, doc_id) -> None:
        """Count one record whose document id is ``doc_id`` (None: no id)."""
        self.records += 1
        if doc_id is not None and doc_id != self._last:
            self.marked += 1
            self._last = doc_id

    @property
    def documents(self) -> int:
        """Documents so far: the marked ones, at least one once a record was read."""
        return max(self.marked, 1) if self.records else 0
