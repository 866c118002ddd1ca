"""A linter for annotation files: ``seqeval-suite validate``.

:func:`validate_file` reads a tagged file of any format (see
:func:`seqeval_suite.io.formats.read_tagged`) and returns a :class:`Validation`: the
detected scheme, counts of tokens, sentences, documents and entities per type, and
every problem found, each with its line: invalid tags, transitions the scheme does not
allow, mixed schemes, suspicious types (seen once; case variants such as ``Per`` and
``PER``) and overlong lines. :func:`render_validation` turns it into text or JSON.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Iterator

from .schemes import (
    count_transitions,
    detect_scheme,
    ill_formed_transitions,
    looks_like_another,
    normalize_scheme,
    parse_tag,
)

SCHEMA_VERSION = 1
#: Findings that are worth a look but are often fine (a type that occurs once in a
#: small file is usually real): reported as hints, which fail only under ``strict``.
HINT_KINDS = frozenset({"rare-type"})


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding: its kind, where it is (``line`` may be None) and what is wrong."""

    kind: str
    line: int | None
    message: str


@dataclass
class Validation:
    """What :func:`validate_file` found in one file."""

    path: str
    format: str
    scheme: str
    scheme_note: str
    tokens: int = 0
    sentences: int = 0
    documents: int = 0
    entities: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Findings of the kinds in :data:`HINT_KINDS` (types seen once): not problems
    #: unless ``strict``.
    hints: list[Problem] = field(default_factory=list)
    #: CoNLL: the tag column checked (0-based) and how many columns the file has.
    column: int | None = None
    columns: int | None = None
    strict: bool = False

    @property
    def clean(self) -> bool:
        """True when no problem was found, nor a hint under ``strict`` (the CLI exits 0)."""
        return not self.problems and not (self.strict and self.hints)

    def to_dict(self) -> dict:
        """The JSON form (``schema_version`` first)."""
        data = asdict(self)
        data["problem_counts"] = dict(sorted(Counter(p.kind for p in self.problems).items()))
        data["clean"] = self.clean
        return {"schema_version": SCHEMA_VERSION, **data}


@dataclass
class _Sentence:
    tags: list[str]
    where: list[int | None]  # the line of each token, when the format has lines per token
    line: int
    per_token_lines: bool


def _sentences(path: str, fmt: str, column: int, opts: dict, counts: dict) -> Iterator[_Sentence]:
    """Sentences with per-token lines for CoNLL, record lines for the other formats."""
    if fmt == "conll":
        from .io.conll import BlockReader

        conll_opts = {k: v for k, v in opts.items() if k in ("delimiter", "comments", "encoding") and v is not None}
        reader = BlockReader(path, **conll_opts)
        for sentence in reader.sentences():
            counts.setdefault("columns", len(sentence.rows[0]))
            try:
                tags = sentence.column(column)
            except IndexError:
                from .errors import DataError

                raise DataError(f"{path}:{sentence.lines[0]}: no column {column}",
                                hint="pass --column with the tag column's index (0 is the token)") from None
            yield _Sentence(tags, list(sentence.lines), sentence.lines[0], True)
        counts["documents"] = max(reader.documents, 1) if reader.nonblank else 0
        return
    from .io.formats import read_tagged

    tagged = read_tagged(path, format=fmt, column=column, report_misaligned=True, **opts)
    for sentence in tagged:
        yield _Sentence(list(sentence.tags), [sentence.line] * len(sentence.tags), sentence.line, False)
    counts["documents"] = tagged.documents
    counts["warnings"] = list(tagged.warnings)
    counts["notes"] = list(tagged.notes)


def _where(sentence: _Sentence, k: int) -> str:
    if sentence.per_token_lines:
        return f"line {sentence.where[k]}"
    return f"line {sentence.line} token {k + 1}"


def validate_file(
    path: str,
    *,
    format: str | None = None,
    column: int = -1,
    scheme: str = "auto",
    suffix: bool = False,
    max_line_length: int = 1000,
    strict: bool = False,
    **reader_opts,
) -> Validation:
    """Lint one annotation file.

    Args:
        path: the file; its format is taken from the extension unless ``format``.
        format: ``conll``, ``jsonl``, ``labelstudio`` or ``spacy``.
        column: the tag column of a CoNLL file (default: the last).
        scheme: ``auto`` (detect) or the scheme the file should follow.
        suffix: tags read ``TYPE-PREFIX``.
        max_line_length: lines longer than this many characters are reported
            (a missing newline or a wrong delimiter); line formats only.
        **reader_opts: passed to the reader (``delimiter``, ``comments``,
            ``encoding``, ``labels``, ``alignment``).
        strict: hints (a type seen once) count as problems.

    Returns:
        A :class:`Validation`; ``.clean`` is False when any problem was found
        (or, with ``strict``, any hint).
    """
    from .io.formats import detect_format

    fmt = (format or detect_format(path)).lower()
    wanted = normalize_scheme(scheme)
    counts: dict = {}
    sentences: list[_Sentence] = []
    transitions: Counter = Counter()
    entities: Counter = Counter()
    problems: list[Problem] = []
    tokens = 0
    for sentence in _sentences(str(path), fmt, column, reader_opts, counts):
        raw = []
        for k, tag in enumerate(sentence.tags):
            parsed = None if looks_like_another(tag) else parse_tag(tag, suffix)
            if parsed is None:
                problems.append(Problem("invalid-tag", sentence.where[k],
                                        f"{_where(sentence, k)}: invalid tag {tag!r}"))
                parsed = ("O", "")
            elif parsed[0] != "O" and parsed[1] == "O":
                problems.append(Problem("type-O", sentence.where[k],
                                        f"{_where(sentence, k)}: tag {tag!r} has entity type 'O' "
                                        "(an annotation error, as CoNLL-2003's I-O?)"))
            raw.append(parsed)
        count_transitions(raw, transitions)
        tokens += len(sentence.tags)
        sentences.append(sentence)
    from .core.tags import decode_sentences

    for spans in decode_sentences([sentence.tags for sentence in sentences], suffix=suffix)[0]:
        entities.update(type_ for _, _, type_ in spans)
    if not sentences:
        problems.append(Problem("empty", None, "no tokens: the file holds no sentence"))
    detection = detect_scheme(transitions)
    used = wanted if wanted != "auto" else detection.scheme
    if used is None and detection.note.startswith("mixed") and ":" in detection.note:
        used = _majority_scheme(transitions)
    if detection.note.startswith("mixed"):
        problems.append(Problem("mixed-scheme", None, f"mixed schemes: {detection.note.split(': ', 1)[1]}"))
    if used is not None:
        problems += _ill_formed(sentences, used, suffix)
    problems += _suspicious_types(entities)
    if fmt == "conll":
        problems += _overlong_lines(str(path), max_line_length, reader_opts.get("encoding") or "utf-8")
    for message in counts.get("warnings", []):
        problems.append(Problem("spans", None, message))
    problems.sort(key=lambda p: (p.line is None, p.line or 0))
    hints = [p for p in problems if p.kind in HINT_KINDS]
    problems = [p for p in problems if p.kind not in HINT_KINDS]
    columns = counts.get("columns")
    label = detection.label()
    found = detection.note.split(": ", 1)[1] if detection.scheme is None and ": " in detection.note else detection.note
    note = found if wanted == "auto" else f"named; detected: {label} ({found})"
    return Validation(
        path=str(path), format=fmt, scheme=wanted if wanted != "auto" else label, scheme_note=note,
        tokens=tokens, sentences=len(sentences), documents=counts.get("documents", 0),
        entities=dict(sorted(entities.items())), problems=problems, notes=counts.get("notes", []),
        hints=hints, strict=strict, columns=columns,
        column=None if columns is None else (column if column >= 0 else columns + column),
    )


def _majority_scheme(transitions: Counter) -> str | None:
    """With mixed evidence, check against the scheme that fewer transitions violate."""
    prefixes = {cur for (_, cur, _), n in transitions.items() if cur != "O"}
    candidates = ("IOB1", "IOB2") if prefixes <= set("BI") else ("IOE1", "IOE2") if prefixes <= set("IE") else ()
    if not candidates:
        return None
    return min(candidates, key=lambda s: ill_formed_transitions(transitions, s))


def _ill_formed(sentences: list[_Sentence], scheme: str, suffix: bool) -> list[Problem]:
    """Every transition ``scheme`` does not allow, with the line of the offending token."""
    verdicts: dict[tuple[str, str, bool], bool] = {}
    problems = []
    for sentence in sentences:
        parsed = [parse_tag(t, suffix) or ("O", "") for t in sentence.tags]
        prev, prev_type, prev_tag = "O", "", "start of sentence"
        for k, (p, t) in enumerate(parsed + [("O", "")]):
            key = (prev, p, prev_type == t)
            bad = verdicts.get(key)
            if bad is None:
                bad = verdicts[key] = ill_formed_transitions(Counter({key: 1}), scheme) > 0
            if bad:
                tag = sentence.tags[k] if k < len(sentence.tags) else "end of sentence"
                at = k if k < len(sentence.tags) else k - 1
                problems.append(Problem(
                    "ill-formed", sentence.where[at],
                    f"{_where(sentence, at)}: {prev_tag} -> {tag} is not allowed in {scheme}",
                ))
            prev, prev_type = p, t
            if k < len(sentence.tags):
                prev_tag = sentence.tags[k]
    return problems


def _suspicious_types(entities: Counter) -> list[Problem]:
    problems = []
    for type_, n in sorted(entities.items()):
        if n == 1:
            problems.append(Problem("rare-type", None, f"type {type_!r} occurs once: a typo?"))
    by_folded: dict[str, list[str]] = {}
    for type_ in sorted(entities):
        by_folded.setdefault(type_.casefold(), []).append(type_)
    for variants in by_folded.values():
        if len(variants) > 1:
            problems.append(Problem("case-variant", None, "types differing only in case: "
                                    + ", ".join(f"{v} ({entities[v]})" for v in variants)))
    return problems


def _overlong_lines(path: str, limit: int, encoding: str) -> list[Problem]:
    if path == "-" or limit <= 0:
        return []
    import gzip

    opener = gzip.open if path.endswith(".gz") else open
    problems = []
    with opener(path, "rt", encoding="utf-8-sig" if encoding == "utf-8" else encoding, errors="replace") as fh:
        for lineno, line in enumerate(fh, 1):
            n = len(line.rstrip("\r\n"))
            if n > limit:
                problems.append(Problem("overlong-line", lineno, f"line {lineno}: {n} characters (limit {limit})"))
    return problems


def render_validation(result: Validation, fmt: str = "table") -> str:
    """Text (``table``) or ``json`` for a :class:`Validation`."""
    if fmt == "json":
        return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
    lines = [
        f"file:       {result.path} ({result.format})",
        *([f"tags:       column {result.column} (0-based; of {result.columns} columns; --column picks another)"]
          if result.column is not None else []),
        f"scheme:     {result.scheme} ({result.scheme_note})",
        f"tokens:     {result.tokens}",
        f"sentences:  {result.sentences}",
        f"documents:  {result.documents}",
        "entities:   " + (", ".join(f"{t} {n}" for t, n in result.entities.items()) or "none"),
    ]
    if not result.problems:
        lines.append("problems:   none")
    else:
        kinds = Counter(p.kind for p in result.problems)
        lines.append(f"problems:   {len(result.problems)} (" + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) + ")")
        lines += [f"  {p.kind}: {p.message}" for p in result.problems]
    if result.hints:
        counted = " (counted as problems: --strict)" if result.strict else ""
        lines.append(f"hints:      {len(result.hints)}{counted}")
        lines += [f"  {p.kind}: {p.message}" for p in result.hints]
    lines += [f"note:       {n}" for n in result.notes]
    return "\n".join(lines) + "\n"
