"""spaCy ``.spacy`` DocBin files, read and written with spaCy's own API.

Gold entities come from ``doc.ents`` and become IOB2 tags. A Doc with sentence
boundaries gives one sentence per ``doc.sents``; otherwise the whole Doc is one
sentence. Whitespace tokens (spaCy keeps runs of spaces as tokens) are dropped, since
column formats cannot hold them. spaCy is imported only when a DocBin is used.
"""
from __future__ import annotations

from typing import Iterable, Iterator, Sequence

from ..errors import DataError
from .tagged import TaggedSentence


def doc_sentences(doc) -> list[tuple[list[str], list[str]]]:
    """``(tokens, IOB2 tags)`` per sentence of a spaCy Doc, from ``doc.ents``."""
    tags = ["O"] * len(doc)
    for ent in doc.ents:
        tags[ent.start] = f"B-{ent.label_}"
        for i in range(ent.start + 1, ent.end):
            tags[i] = f"I-{ent.label_}"
    if doc.has_annotation("SENT_START"):
        bounds = [(s.start, s.end) for s in doc.sents]
    else:
        bounds = [(0, len(doc))]
    out = []
    for start, end in bounds:
        keep = [i for i in range(start, end) if not doc[i].text.isspace()]
        if keep:
            out.append(([doc[i].text for i in keep], [tags[i] for i in keep]))
    return out


class DocBinReader:
    """Iterates the sentences of a ``.spacy`` file: ``DocBin().from_disk(path).get_docs(vocab)``."""

    def __init__(self, path: str) -> None:
        self.path = str(path)
        self.documents = 0
        self.warnings: list[str] = []

    def __iter__(self) -> Iterator[TaggedSentence]:
        from spacy.tokens import DocBin
        from spacy.vocab import Vocab

        try:
            docbin = DocBin().from_disk(self.path)
        except FileNotFoundError:
            raise DataError(f"{self.path}: no such file") from None
        except Exception as exc:  # spaCy raises ValueError/KeyError/msgpack errors on junk
            raise DataError(f"{self.path}: not a spaCy DocBin ({type(exc).__name__})",
                            hint="create it with spacy.tokens.DocBin(...).to_disk(path)") from None
        for index, doc in enumerate(docbin.get_docs(Vocab()), 1):
            self.documents += 1
            for tokens, tags in doc_sentences(doc):
                yield TaggedSentence(tokens, tags, index)


def write_docbin(path: str, sentences: Iterable[tuple[Sequence[str], Sequence[tuple[int, int, str]]]]) -> int:
    """Write sentences given as ``(tokens, spans)`` to a DocBin, one Doc each, atomically.

    ``spans`` are ``(start, end, type)`` token offsets, end exclusive. Returns the
    number of Docs written.
    """
    from spacy.tokens import Doc, DocBin, Span
    from spacy.vocab import Vocab

    from ..atomic import write_bytes

    vocab = Vocab()
    docbin = DocBin(attrs=["ENT_IOB", "ENT_TYPE"], store_user_data=False)
    n = 0
    for tokens, spans in sentences:
        doc = Doc(vocab, words=list(tokens))
        doc.ents = [Span(doc, start, end, label=label) for start, end, label in spans]
        docbin.add(doc)
        n += 1
    write_bytes(path, docbin.to_bytes())
    return n
