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
