"""Tag lists to entity spans through the core's decoders, for code that holds tags in
memory (``convert``, ``validate`` and the span readers' tag layers)."""
from __future__ import annotations

from collections import Counter
from typing import Sequence

from ..errors import DataError
from ..schemes import normalize_scheme

Span = tuple[int, int, str]


def decode_sentences(sentences: Sequence[Sequence[str]], *, from_scheme: str = "auto",
                     suffix: bool = False) -> tuple[list[list[Span]], int, Counter]:
    """Entity spans of many sentences at once, through the scoring core's decoders.

    ``from_scheme="auto"`` decodes leniently (seqeval's rules, which read every scheme's
    well-formed tags right); a named scheme decodes strictly under it.

    Returns:
        ``(spans per sentence, ill-formed runs that yielded no entity, invalid tags
        read as O)``; spans are ``(start, end, type)``, end exclusive.

    Raises:
        DataError: with a named scheme, a tag that scheme does not have.
    """
    import numpy as np

    from .options import Options
    from .score import decode_entities
    from .vocab import TagVocabulary

    scheme = normalize_scheme(from_scheme)
    strict = scheme != "auto"
    vocab = TagVocabulary(strict, scheme, suffix)
    ids = vocab.ids_of([t for tags in sentences for t in tags])
    lengths = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
    _, _, invalid_of, rejected_of = vocab.arrays()
    if strict and rejected_of[ids].any():
        tag = vocab.names[int(ids[int(np.argmax(rejected_of[ids]))])]
        raise DataError(f"tag {tag!r} is not a {scheme} tag", hint="check --from-scheme, or use auto")
    invalid = Counter({vocab.names[t]: int(n) for t, n in enumerate(np.bincount(ids, minlength=len(vocab.names)))
                       if n and invalid_of[t]})
    spans: list[list[Span]] = [[] for _ in sentences]
    nonempty = lengths > 0
    if not nonempty.any():
        return spans, 0, invalid
    first = np.concatenate(([0], np.cumsum(lengths[nonempty])[:-1]))
    where = np.flatnonzero(nonempty)
    options = Options(mode="strict" if strict else "lenient", scheme=scheme, suffix=suffix)
    sentence, start, end, kind, dropped = decode_entities(ids, first, vocab, options, dropped=True)
    names = vocab.type_names
    for s, b, e, k in zip(where[sentence].tolist(), start.tolist(), end.tolist(), kind.tolist()):
        spans[s].append((b, e, names[k]))
    return spans, dropped, invalid
