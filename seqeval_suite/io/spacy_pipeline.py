"""Run a spaCy pipeline over a corpus's own tokens and turn ``doc.ents`` into IOB2 tags.

This is the only module that loads spaCy pipelines. The corpus is never re-tokenized:
each sentence becomes ``Doc(nlp.vocab, words=tokens)`` and the pipeline's components
run on it, so predicted tags line up with gold token for token. Nothing is downloaded:
a pipeline is a directory on disk or an installed package.
"""
from __future__ import annotations

import functools
from typing import Iterable, Iterator, Sequence

from ..errors import DataError


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
