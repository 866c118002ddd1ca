"""Run a spaCy pipeline over a corpus's own tokens and turn ``doc.ents`` into IOB2 tags.

This is the only module that loads spaCy pipelines. The corpus is never re-tokenized:
each sentence becomes ``Doc(nlp.vocab, words=tokens)`` and the pipeline's components
run on it, so predicted tags line up with gold token for token. When the gold marks
documents, :func:`tag_documents` builds one Doc per document instead (sentence starts
set from the gold sentences), so components that read context beyond the sentence see
what spaCy's own ``nlp.evaluate`` gives them (issue 19). Nothing is downloaded: a
pipeline is a directory on disk or an installed package.
"""
from __future__ import annotations

import functools
from bisect import bisect_right
from typing import Iterable, Iterator, Sequence

from ..errors import DataError

#: A token entity: ``(start, end, label)``, end exclusive.
Entity = tuple[int, int, str]


@functools.lru_cache(maxsize=4)
def load_pipeline(name: str):
    """Load a pipeline directory or installed package once per process."""
    import spacy

    try:
        return spacy.load(name)
    except OSError as exc:
        raise DataError(f"{name}: cannot load the spaCy pipeline ({exc})",
                        hint="give a pipeline directory saved with nlp.to_disk, or an installed package") from None
    except Exception as exc:  # a broken config.cfg or missing component factory
        raise DataError(f"{name}: cannot load the spaCy pipeline ({type(exc).__name__}: {exc})") from None


def ents_to_iob2(length: int, ents: Iterable[tuple[int, int, str]]) -> list[str]:
    """IOB2 tags for ``length`` tokens from ``(start, end, label)`` spans, end exclusive.

    >>> ents_to_iob2(4, [(0, 2, "PERSON"), (3, 4, "GPE")])
    ['B-PERSON', 'I-PERSON', 'O', 'B-GPE']
    """
    tags = ["O"] * length
    for start, end, label in ents:
        tags[start] = f"B-{label}"
        for i in range(start + 1, end):
            tags[i] = f"I-{label}"
    return tags


def tag_sentences(name: str, sentences: Iterable[Sequence[str]], *, batch_size: int = 256) -> Iterator[list[str]]:
    """IOB2 tags that the pipeline ``name`` predicts for each sentence of tokens.

    Args:
        name: a pipeline directory or an installed package name.
        sentences: token lists; each becomes one Doc built from exactly these words.
        batch_size: Docs per ``nlp.pipe`` batch.

    Yields:
        One tag list per sentence, as long as the sentence (labels as the pipeline names them).
    """
    from spacy.tokens import Doc

    nlp = load_pipeline(name)
    docs = (Doc(nlp.vocab, words=list(tokens)) for tokens in sentences)
    # nlp.pipe runs every component on a ready-made Doc and skips the tokenizer.
    for doc in nlp.pipe(docs, batch_size=batch_size):
        yield ents_to_iob2(len(doc), ((e.start, e.end, e.label_) for e in doc.ents))


def split_entities(sentence_first: Sequence[int], ents: Iterable[Entity]) -> tuple[list[list[Entity]], list[Entity]]:
    """A document's entities per sentence, with offsets counted from the sentence's start.

    ``sentence_first`` holds each sentence's first token (ascending, the first 0). An
    entity that crosses a sentence boundary is cut there: one entity per sentence it
    covers, with the same label (what scoring the document's tags written out sentence
    by sentence gives). Cut entities are also returned, as they were, in the second list.

    >>> split_entities([0, 3], [(1, 2, "PER"), (2, 5, "LOC")])
    ([[(1, 2, 'PER'), (2, 3, 'LOC')], [(0, 2, 'LOC')]], [(2, 5, 'LOC')])
    """
    firsts = list(sentence_first)
    per_sentence: list[list[Entity]] = [[] for _ in firsts]
    cut = []
    for start, end, label in ents:
        k = bisect_right(firsts, start) - 1
        if k + 1 < len(firsts) and firsts[k + 1] < end:
            cut.append((start, end, label))
        while start < end:
            stop = min(end, firsts[k + 1]) if k + 1 < len(firsts) else end
            if stop > start:  # an empty sentence inside the entity gets no piece
                per_sentence[k].append((start - firsts[k], stop - firsts[k], label))
            start, k = stop, k + 1
    return per_sentence, cut


def tag_documents(name: str, sentences: Sequence[Sequence[str]], documents: Sequence[int], *,
                  batch_size: int = 32, cut: list | None = None) -> Iterator[list[str]]:
    """IOB2 tags that the pipeline ``name`` predicts for each sentence, run document by document.

    Consecutive sentences with the same number in ``documents`` form one Doc:
    ``Doc(nlp.vocab, words=..., sent_starts=...)`` with a sentence start at every gold
    sentence's first token (and nowhere else), run through the whole pipeline as
    ``nlp.evaluate`` runs an Example's predicted Doc. ``doc.ents`` are split back into
    the sentences by :func:`split_entities`.

    Args:
        name: a pipeline directory or an installed package name.
        sentences: token lists, in document order.
        documents: per sentence, its document's number (only changes matter).
        batch_size: Docs per ``nlp.pipe`` batch.
        cut: when given, every entity cut at a sentence boundary is appended to it as
            ``(text, label)``.

    Yields:
        One tag list per sentence, in the order of ``sentences``.
    """
    from itertools import accumulate, groupby

    from spacy.tokens import Doc

    if len(documents) != len(sentences):
        raise ValueError(f"{len(sentences)} sentences but {len(documents)} document numbers")
    nlp = load_pipeline(name)
    sizes = [sum(1 for _ in run) for _, run in groupby(documents)]

    def docs() -> Iterator:
        done = 0
        for size in sizes:
            words: list[str] = []
            starts: list[bool] = []
            for tokens in sentences[done:done + size]:
                words.extend(tokens)
                starts.extend(k == 0 for k in range(len(tokens)))
            done += size
            yield Doc(nlp.vocab, words=words, sent_starts=starts)

    done = 0
    for size, doc in zip(sizes, nlp.pipe(docs(), batch_size=batch_size)):
        lengths = [len(tokens) for tokens in sentences[done:done + size]]
        firsts = list(accumulate(lengths[:-1], initial=0))
        per_sentence, crossing = split_entities(firsts, ((e.start, e.end, e.label_) for e in doc.ents))
        if cut is not None:
            cut.extend((doc[s:e].text, label) for s, e, label in crossing)
        for length, ents in zip(lengths, per_sentence):
            yield ents_to_iob2(length, ents)
        done += size


def pipeline_fingerprint(name: str, is_path: bool) -> str:
    """A content hash of a pipeline directory, or package name and version, for caching."""
    import hashlib
    import os

    digest = hashlib.sha256()
    if is_path:
        for root, dirs, files in os.walk(name):
            dirs.sort()
            for file in sorted(files):
                full = os.path.join(root, file)
                digest.update(os.path.relpath(full, name).replace(os.sep, "/").encode() + b"\0")
                with open(full, "rb") as fh:
                    digest.update(hashlib.sha256(fh.read()).digest())
    else:
        from importlib.metadata import PackageNotFoundError, version

        try:
            digest.update(f"{name}=={version(name)}".encode())
        except PackageNotFoundError:
            digest.update(name.encode())
    import spacy

    digest.update(f"spacy=={spacy.__version__}".encode())
    return digest.hexdigest()
