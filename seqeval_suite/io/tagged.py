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


#: What to do about label ids given where tag strings belong.
LABEL_ID_HINT = "map label ids to their names first (e.g. [names[i] for i in ids])"


def check_tag_strings(tags, where: str, hint: str = LABEL_ID_HINT) -> None:
    """Tags given in memory must be strings (issue 16 case 12): the first other value
    is a DataError naming ``where`` (side or annotator, and sentence) and its position.

    >>> check_tag_strings(["B-PER", "O"], "gold sentence 1")
    >>> check_tag_strings(["B-PER", 3], "gold sentence 1")
    Traceback (most recent call last):
    ...
    seqeval_suite.errors.DataError: gold sentence 1, token 2: 3 is not a tag string (hint: map label ids ...)
    """
    try:
        "".join(tags)  # one pass in C; the slow search only on a failure
    except TypeError:
        from ..errors import DataError

        k, tag = next((k, t) for k, t in enumerate(tags) if not isinstance(t, str))
        raise DataError(f"{where}, token {k + 1}: {tag!r} is not a tag string", hint=hint) from None
