"""Convert tagged files between schemes and formats: ``seqeval-suite convert``.

Tags are decoded into entity spans and the spans encoded in the target scheme, so a
conversion is lossless whenever the target can express the input. Only IO cannot
express two adjacent entities of the same type: they merge, and the result counts
each such merge in ``merged``.

>>> to_scheme(["B-PER", "I-PER", "B-PER", "O"], "BILOU")
['B-PER', 'L-PER', 'U-PER', 'O']
>>> to_scheme(["B-PER", "I-PER", "B-PER", "O"], "IOB1")
['I-PER', 'I-PER', 'B-PER', 'O']
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterable, Sequence


from .errors import DataError, UsageError
from .schemes import UNTYPED, Span, normalize_scheme
from .core.tags import decode_sentences  # noqa: F401  (part of this module's API)

OUTPUT_FORMATS = ("conll", "jsonl", "spacy")


def _tag(prefix: str, type_: str, suffix: bool) -> str:
    if type_ == UNTYPED:
        return prefix  # a bare prefix, as the input had it
    return f"{type_}-{prefix}" if suffix else f"{prefix}-{type_}"


def encode(spans: Sequence[Span], length: int, scheme: str, *, suffix: bool = False) -> list[str]:
    """Tags for ``length`` tokens holding ``spans`` (sorted, non-overlapping) in ``scheme``.

    >>> encode([(0, 2, "X"), (2, 3, "X")], 4, "IOE1")
    ['I-X', 'E-X', 'I-X', 'O']
    """
    scheme = normalize_scheme(scheme)
    tags = ["O"] * length
    ends = {end: type_ for _, end, type_ in spans}
    starts = {start: type_ for start, _, type_ in spans}
    for start, end, type_ in spans:
        single = end - start == 1
        for i in range(start, end):
            tags[i] = _tag("I", type_, suffix)
        if scheme == "IOB2":
            tags[start] = _tag("B", type_, suffix)
        elif scheme == "IOE2":
            tags[end - 1] = _tag("E", type_, suffix)
        elif scheme in ("IOBES", "BILOU"):
            begin, last, unit = ("B", "E", "S") if scheme == "IOBES" else ("B", "L", "U")
            if single:
                tags[start] = _tag(unit, type_, suffix)
            else:
                tags[start] = _tag(begin, type_, suffix)
                tags[end - 1] = _tag(last, type_, suffix)
        elif scheme == "IOB1" and ends.get(start) == type_:
            # IOB1: B- only where an entity directly follows one of the same type.
            tags[start] = _tag("B", type_, suffix)
        elif scheme == "IOE1" and starts.get(end) == type_:
            tags[end - 1] = _tag("E", type_, suffix)
    return tags


def adjacent_same_type(spans: Sequence[Span]) -> int:
    """How many entities directly follow one of the same type (IO merges these)."""
    ends = {end: type_ for _, end, type_ in spans}
    return sum(1 for start, _, type_ in spans if ends.get(start) == type_)


def decode(tags: Sequence[str], *, from_scheme: str = "auto", suffix: bool = False) -> tuple[list[Span], int]:
    """Entity spans of one sentence and how many ill-formed runs yielded none (see
    :func:`decode_sentences`).

    >>> decode(["O", "I-X", "I-X"], from_scheme="IOB2")
    ([], 1)
    """
    spans, dropped, _ = decode_sentences([tags], from_scheme=from_scheme, suffix=suffix)
    return spans[0], dropped


def to_scheme(tags: Sequence[str], scheme: str, *, from_scheme: str = "auto", suffix: bool = False) -> list[str]:
    """Re-tag one sentence in ``scheme`` (see :func:`encode`)."""
    spans, _ = decode(tags, from_scheme=from_scheme, suffix=suffix)
    return encode(spans, len(tags), scheme, suffix=suffix)


@dataclass
class ConvertResult:
    """What :func:`convert_file` did."""

    source: str
    target: str
    from_format: str
    to_format: str
    to_scheme: str
    sentences: int = 0
    tokens: int = 0
    entities: int = 0
    merged: int = 0
    dropped_runs: int = 0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def output_format(path: str, to_format: str | None) -> str:
    """The output format: given, or from the extension (``.jsonl``, ``.spacy``, else conll)."""
    if to_format:
        fmt = to_format.lower()
        if fmt not in OUTPUT_FORMATS:
            raise UsageError(f"unknown output format {to_format!r}", hint="choose conll, jsonl or spacy")
        return fmt
    name = str(path).lower()
    return "jsonl" if name.endswith(".jsonl") else "spacy" if name.endswith(".spacy") else "conll"


def convert_file(
    source: str | os.PathLike,
    target: str | os.PathLike,
    *,
    to_scheme: str = "IOB2",
    to_format: str | None = None,
    from_scheme: str = "auto",
    from_format: str | None = None,
    column: int = -1,
    suffix: bool = False,
    **reader_opts,
) -> ConvertResult:
    """Convert ``source`` into ``target`` (written atomically, only after a full read).

    Args:
        source: any file :func:`~seqeval_suite.io.formats.read_tagged` reads.
        target: the output file.
        to_scheme: the target scheme (IOB1, IOB2, IOE1, IOE2, IOBES, BILOU, IO).
        to_format: ``conll``, ``jsonl`` or ``spacy`` (default: from ``target``'s extension).
        from_scheme: ``auto`` (lenient decoding) or the input's scheme (strict decoding;
            ill-formed runs are dropped and counted).
        from_format: the input format (default: from the extension).
        column: the tag column of a CoNLL input.
        suffix: tags read and are written ``TYPE-PREFIX``.
        **reader_opts: passed to the reader.
    """
    from .io.formats import read_tagged

    scheme = normalize_scheme(to_scheme)
    if scheme == "auto":
        raise UsageError("--to-scheme needs a scheme name", hint="IOB1, IOB2, IOE1, IOE2, IOBES, BILOU or IO")
    fmt = output_format(str(target), to_format)
    tagged = read_tagged(source, format=from_format, column=column, **reader_opts)
    result = ConvertResult(str(source), str(target), tagged.format, fmt, scheme)
    read = [(list(tokens), tags) for tokens, tags, _line in tagged]
    all_spans, result.dropped_runs, invalid = decode_sentences([tags for _, tags in read], from_scheme=from_scheme,
                                                               suffix=suffix)
    converted: list[tuple[list[str], list[Span]]] = []
    for (tokens, _), spans in zip(read, all_spans):
        converted.append((tokens, spans))
        result.sentences += 1
        result.tokens += len(tokens)
        result.entities += len(spans)
        if scheme == "IO":
            result.merged += adjacent_same_type(spans)
    result.warnings += tagged.warnings
    result.notes += tagged.notes
    if invalid:
        n = sum(invalid.values())
        result.warnings.append(f"{source}: {n} invalid tag(s) read as O, e.g. "
                               + ", ".join(repr(t) for t, _ in invalid.most_common(3)))
    if result.merged:
        result.warnings.append(f"IO cannot separate adjacent entities of one type: {result.merged} merged")
    if result.dropped_runs:
        result.warnings.append(f"{result.dropped_runs} ill-formed {normalize_scheme(from_scheme)} run(s) "
                               "yielded no entity and became O")
    _write(str(target), fmt, converted, scheme, suffix)
    return result


def _write(path: str, fmt: str, sentences: list[tuple[list[str], list[Span]]], scheme: str, suffix: bool) -> None:
    if fmt == "spacy":
        from .io.docbin import write_docbin

        write_docbin(path, sentences)
        return
    tagged = [(tokens, encode(spans, len(tokens), scheme, suffix=suffix)) for tokens, spans in sentences]
    if fmt == "jsonl":
        from .io.jsonl import write_jsonl

        write_jsonl(path, tagged)
        return
    from .atomic import write_text

    write_text(path, conll_text(tagged))


def conll_text(sentences: Iterable[tuple[Sequence[str], Sequence[str]]]) -> str:
    """Two-column CoNLL text, a blank line after each sentence.

    >>> print(conll_text([(["EU", "rejects"], ["B-ORG", "O"])]), end="")
    EU B-ORG
    rejects O
    <BLANKLINE>
    """
    out = []
    for tokens, tags in sentences:
        for token, tag in zip(tokens, tags):
            if not token or any(c.isspace() for c in token):
                raise DataError(f"token {token!r} cannot be written to CoNLL (empty or holds whitespace)",
                                hint="convert to jsonl or spacy instead")
            out.append(f"{token} {tag}\n")
        out.append("\n")
    return "".join(out)
