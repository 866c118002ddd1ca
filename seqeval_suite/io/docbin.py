"""spaCy ``.spacy`` DocBin files, read and written with spaCy's own API.

Gold entities come from ``doc.ents`` and become IOB2 tags. A Doc with sentence
boundaries gives one sentence per ``doc.sents``; otherwise the whole Doc is one
sentence; an entity that crosses a sentence boundary is split in two there, and
counted in a warning. Whitespace tokens (spaCy keeps runs of spaces as tokens) are
dropped, since column formats cannot hold them. spaCy is imported only when a DocBin
is used.

Tokens with no NER annotation (``ent_iob`` 0, spaCy's missing value, as
``Doc.set_ents(default="missing")`` or a Doc whose entities were never set leaves
them) are scored as spaCy's own NER scorer scores them (``spacy.scorer.get_ner_prf``):
in gold, a predicted entity touching one of them is neither right nor wrong and is
left out (:meth:`PartlyAnnotated.masked`); gold entities all count. The reader counts
such tokens in a warning, and how many predicted entities were left out.

:func:`read_docbin_spans` reads the same sentences with entities that may nest or
overlap (issue 17): from ``doc.ents`` or from a span group, ``doc.spans[key]``.
"""
from __future__ import annotations

from bisect import bisect_right
from functools import partial
from typing import Iterable, Iterator, Sequence

from ..errors import DataError
from .jsonl import Entity, SpanReader, blank_warning, without_space_tokens
from .tagged import SpanSentence, TaggedSentence


def sentence_bounds(doc) -> list[tuple[int, int]]:
    """``(start, end)`` token offsets of a Doc's sentences: ``doc.sents`` when sentence
    boundaries are set, else the whole Doc (``doc.sents`` would raise)."""
    if doc.has_annotation("SENT_START"):
        return [(s.start, s.end) for s in doc.sents]
    return [(0, len(doc))]


def doc_sentences(doc) -> list[tuple[list[str], list[str]]]:
    """``(tokens, IOB2 tags)`` per sentence of a spaCy Doc, from ``doc.ents``."""
    return [(tokens, tags) for tokens, tags, _ in _tagged_sentences(doc, _Counts(), "")]


class _Counts:
    """What a DocBin reader counts for its warnings (issue 16, case 9)."""

    def __init__(self) -> None:
        self.unannotated = 0  # tokens with no NER annotation
        self.unannotated_docs = 0
        self.crossing = 0  # entities split at a sentence boundary
        self.crossing_example = ""
        self.scored_as_gold = False  # whether a prediction was masked against this file
        self.left_out = 0  # predicted entities touching unannotated gold tokens
        self.as_missing: str | None = None  # the missing cell agree marked them with

    def warnings(self, path: str) -> list[str]:
        """One line per kind of thing counted."""
        out = []
        if self.crossing:
            verb = "y crosses a sentence boundary (doc.sents) and was" if self.crossing == 1 else \
                "ies cross a sentence boundary (doc.sents) and were"
            out.append(f"{path}: {self.crossing} entit{verb} split in two there, e.g. {self.crossing_example}")
        if self.unannotated:
            if self.as_missing is not None:
                what = (f"read as missing cells ({self.as_missing!r}): their sentences count as not labelled "
                        "by this annotator")
            elif self.scored_as_gold:
                what = (f"as spaCy's scorer does, {self.left_out} predicted "
                        f"entit{'y' if self.left_out == 1 else 'ies'} touching them left out (neither right nor wrong)")
            else:
                what = "read as O"
            out.append(f"{path}: {self.unannotated} token(s) in {self.unannotated_docs} doc(s) have no NER "
                       f"annotation (spaCy's missing value, as set_ents(default='missing') leaves them); {what}")
        return out


class PartlyAnnotated(TaggedSentence):
    """A DocBin sentence some of whose tokens have no NER annotation.

    Attributes (besides :class:`~seqeval_suite.io.tagged.TaggedSentence`'s):
        unannotated: positions (in ``tokens``) of the tokens without annotation.
    """

    def masked(self, pred: TaggedSentence) -> TaggedSentence:
        """``pred`` scored against this gold sentence as spaCy scores it: a predicted
        entity touching an unannotated gold token is neither right nor wrong, so its
        tags become O (``spacy.scorer.get_ner_prf``: ``all(token.ent_iob != 0 ...)``).

        Entities are decoded leniently (seqeval's rules, which read every scheme's
        well-formed tags right); ``pred`` is returned as it is when none touches.
        """
        from ..core.tags import decode_sentences

        counts: _Counts = self.counts  # type: ignore[attr-defined]
        counts.scored_as_gold = True
        unannotated = self.unannotated  # type: ignore[attr-defined]
        spans = decode_sentences([pred.tags])[0][0]
        touching = [(b, e) for b, e, _ in spans if any(b <= k < e for k in unannotated)]
        if not touching:
            return pred
        counts.left_out += len(touching)
        tags = list(pred.tags)
        for b, e in touching:
            tags[b:e] = ["O"] * (e - b)
        return TaggedSentence(pred.tokens, tags, pred.line)

    def with_missing(self, cell: str) -> list[str]:
        """The tags with ``cell`` (an agreement missing cell such as ``?``) on every
        unannotated token, for an annotator's file: those tokens were not labelled."""
        self.counts.as_missing = cell  # type: ignore[attr-defined]
        tags = list(self.tags)
        for k in self.unannotated:  # type: ignore[attr-defined]
            tags[k] = cell
        return tags


def _tagged_sentences(doc, counts: _Counts, where: str) -> Iterator[tuple[list[str], list[str], list[int]]]:
    """``(tokens, IOB2 tags, positions without NER annotation)`` per sentence of ``doc``;
    entities crossing a sentence boundary and unannotated tokens are added to ``counts``."""
    tags = ["O"] * len(doc)
    for ent in doc.ents:
        tags[ent.start] = f"B-{ent.label_}"
        for i in range(ent.start + 1, ent.end):
            tags[i] = f"I-{ent.label_}"
    # spaCy's missing NER value is ent_iob 0 (Token.ent_iob_ ''); a Doc whose entities
    # were never set has it on every token (doc.has_annotation("ENT_IOB") is False).
    missing = [t.i for t in doc if t.ent_iob == 0]
    if missing:
        counts.unannotated += len(missing)
        counts.unannotated_docs += 1
    bounds = sentence_bounds(doc)
    if len(bounds) > 1:
        _count_crossing(doc, bounds, counts, where)
    gaps = set(missing)
    for start, end in bounds:
        keep = [i for i in range(start, end) if not doc[i].text.isspace()]
        if keep:
            yield [doc[i].text for i in keep], [tags[i] for i in keep], [k for k, i in enumerate(keep) if i in gaps]


def _count_crossing(doc, bounds: list[tuple[int, int]], counts: _Counts, where: str) -> None:
    """Count the entities of ``doc`` that end past the sentence they start in."""
    starts = [start for start, _ in bounds]
    for ent in doc.ents:
        end = bounds[bisect_right(starts, ent.start) - 1][1]
        if ent.end > end:
            counts.crossing += 1
            if not counts.crossing_example:
                counts.crossing_example = f"{where}: {ent.text!r} ({ent.label_}, tokens {ent.start}-{ent.end})"


class DocBinReader:
    """Iterates the sentences of a ``.spacy`` file: ``DocBin().from_disk(path).get_docs(vocab)``.

    A sentence with tokens that have no NER annotation is a :class:`PartlyAnnotated`,
    which the scoring core asks to mask the prediction paired with it.
    """

    def __init__(self, path: str) -> None:
        self.path = str(path)
        self.documents = 0
        self._counts = _Counts()

    @property
    def warnings(self) -> list[str]:
        """Entities split at sentence boundaries; tokens without NER annotation (and, once
        this file was scored as gold, the predicted entities left out over them)."""
        return self._counts.warnings(self.path)

    def __iter__(self) -> Iterator[TaggedSentence]:
        self.documents = 0
        counts = self._counts = _Counts()
        for index, doc in enumerate(_docs(self.path), 1):
            self.documents += 1
            for tokens, tags, unannotated in _tagged_sentences(doc, counts, f"doc {index}"):
                if not unannotated:
                    yield TaggedSentence(tokens, tags, index)
                    continue
                sentence = PartlyAnnotated(tokens, tags, index)
                sentence.unannotated = unannotated  # type: ignore[attr-defined]
                sentence.counts = counts  # type: ignore[attr-defined]
                yield sentence


def _docs(path: str) -> Iterator:
    """The Docs of a ``.spacy`` file: ``DocBin().from_disk(path).get_docs(Vocab())``.

    Raises:
        DataError: no such file, or not a DocBin.
    """
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    try:
        docbin = DocBin().from_disk(path)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except Exception as exc:  # spaCy raises ValueError/KeyError/msgpack errors on junk
        raise DataError(f"{path}: not a spaCy DocBin ({type(exc).__name__})",
                        hint="create it with spacy.tokens.DocBin(...).to_disk(path)") from None
    return docbin.get_docs(Vocab())


def read_docbin_spans(path, span_key: str | None = None) -> SpanReader:
    """Read a ``.spacy`` DocBin as sentences whose entities may nest or overlap (issue 17).

    Entities come from ``doc.ents`` (``span_key=None``) or from the span group
    ``doc.spans[span_key]``, which may nest, overlap and repeat. Sentences are those
    of :func:`doc_sentences` (``doc.sents`` when set, else the whole Doc; whitespace
    tokens dropped, and a span covering only whitespace left out with a warning).
    One Doc is one document.

    Args:
        path: the ``.spacy`` file.
        span_key: the span group to read, or None for ``doc.ents``.

    Returns:
        A :class:`~seqeval_suite.io.jsonl.SpanReader` of ``SpanSentence``: ``line`` is
        the Doc's 1-based index, ``document`` its 0-based one. A Doc without the span
        group has no entities; ``notes`` counts such Docs. Reading ``doc.ents``, tokens
        with no NER annotation are read as outside every entity and counted in
        ``warnings``.

    Raises:
        DataError: while iterating: no such file, not a DocBin; a ``span_key`` no Doc
            has (the message lists the keys present); a span that crosses a sentence
            boundary or is empty (naming the file, the Doc and the span's text).

    >>> import pathlib, tempfile
    >>> from spacy.tokens import Doc, DocBin, Span
    >>> from spacy.vocab import Vocab
    >>> doc = Doc(Vocab(), words=["Bank", "of", "China"])
    >>> doc.spans["sc"] = [Span(doc, 0, 3, "ORG"), Span(doc, 2, 3, "LOC")]
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "n.spacy"
    >>> DocBin(docs=[doc]).to_disk(p)
    >>> [s.entities for s in read_docbin_spans(p, "sc")]
    [[(0, 3, 'ORG'), (2, 3, 'LOC')]]
    """
    return SpanReader(str(path), partial(_docbin_spans, span_key=span_key))


def _docbin_spans(reader: SpanReader, *, span_key: str | None) -> Iterator[SpanSentence]:
    """The sentences of :func:`read_docbin_spans`, Doc by Doc."""
    docs: Iterable = _docs(reader.path)
    if span_key is not None:
        docs = list(docs)  # the key is checked in every Doc before any sentence is given
        _check_span_key(docs, span_key, reader.path)
    lacking = 0
    blank: list[str] = []
    counts = _Counts()
    for index, doc in enumerate(docs, 1):
        reader.documents = index
        if span_key is None:
            spans = doc.ents
            missing = sum(t.ent_iob == 0 for t in doc)
            counts.unannotated += missing
            counts.unannotated_docs += missing > 0
        elif span_key in doc.spans:
            spans = doc.spans[span_key]
        else:
            lacking += 1
            spans = ()
        where = f"{reader.path}: doc {index}"
        for tokens, entities in _span_sentences(doc, spans, where, blank):
            yield SpanSentence(tokens, entities, index, index - 1, reader.path)
    if lacking:
        reader.notes.append(f"{reader.path}: {lacking} doc(s) without span group {span_key!r} read as "
                            "having no entities")
    if blank:
        reader.warnings.append(blank_warning(reader.path, blank))
    if counts.unannotated:
        # Nested scoring pairs span sets, not tags: the tokens are counted, not masked.
        reader.warnings.append(f"{reader.path}: {counts.unannotated} token(s) in {counts.unannotated_docs} doc(s) "
                               "have no NER annotation (spaCy's missing value), read as no entity; without "
                               "--nested, predicted entities touching them are left out, as spaCy's scorer does")


def _check_span_key(docs: Sequence, span_key: str, path: str) -> None:
    """Refuse a span key that no Doc has (a misspelt key would read as no entities).

    Raises:
        DataError: listing the span keys the Docs have.
    """
    if not docs or any(span_key in doc.spans for doc in docs):
        return
    present = sorted({key for doc in docs for key in doc.spans})
    raise DataError(f"{path}: no doc has a span group {span_key!r} (span keys present: "
                    f"{', '.join(map(repr, present)) if present else 'none'})",
                    hint="pass one of the keys present, or no span key to read doc.ents")


def _span_sentences(doc, spans, where: str, blank: list[str]) -> Iterator[tuple[list[str], list[Entity]]]:
    """``(tokens, entities)`` per sentence of ``doc`` (:func:`sentence_bounds`), the
    ``spans`` placed in their sentence; spans covering only whitespace are appended to
    ``blank`` as examples.

    Raises:
        DataError: a span that is empty or crosses a sentence boundary, naming ``where``.
    """
    bounds = sentence_bounds(doc)
    starts = [start for start, _ in bounds]
    placed: list[list[Entity]] = [[] for _ in bounds]
    for span in spans:
        if span.start >= span.end:
            raise DataError(f"{where}: empty span at token {span.start} ({span.label_})")
        k = bisect_right(starts, span.start) - 1
        start, end = bounds[k]
        if span.end > end:
            raise DataError(f"{where}: span {span.text!r} ({span.label_}, tokens {span.start}-{span.end}) "
                            "crosses a sentence boundary",
                            hint="an entity must lie within one sentence of doc.sents")
        placed[k].append((span.start - start, span.end - start, span.label_))
    for (start, end), entities in zip(bounds, placed):
        tokens, kept, lost = without_space_tokens([doc[i].text for i in range(start, end)], entities)
        blank.extend(f"{where}: {doc[start + s:start + e].text!r} {label}" for s, e, label in lost)
        if tokens:
            yield tokens, kept


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
