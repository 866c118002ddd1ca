"""Convert tagged files between schemes and formats: ``seqeval-suite convert``.

Tags are decoded into entity spans and the spans encoded in the target scheme, so a
conversion is lossless whenever the target can express the input. Only IO cannot
express two adjacent entities of the same type: they merge, and the result counts
each such merge in ``merged``.

**Nested entities** (issue 17) are read when asked for: layered CoNLL (``layers``, one
tag column per layer), span inputs with their overlaps kept (``nested``: JSON Lines,
Label Studio, a DocBin's ``doc.ents`` or ``doc.spans[span_key]``) and BRAT standoff.
Layered CoNLL, BRAT, JSON Lines ``entities`` records and a DocBin span group hold them
all; a flat output (one tag column, ``doc.ents``) holds the outer ones only. The rules:

* **Layered output** (:func:`layer_columns`): column k holds the entities at nesting
  depth k, depth as :func:`seqeval_suite.nested.depths` defines it (1 + the number of
  longer entities containing it), GermEval 2014's outer/inner layout carried on to any
  depth. A column has one tag a token, so of two entities of one depth that share a
  token (crossing spans, or one span with two types) only one keeps its column: the
  first in (start, longest first, type) order. After every entity that fits has its
  own column, each of the others goes to the first deeper column free over its tokens
  (new columns are added as needed); ``moved`` counts them. Every sentence of a file
  has the same number of columns: as many as the deepest placement needs, and at
  least as many as a layered input had.
* **Flat output** (:func:`outer_entities`): the outer entities (depth 1); where outer
  entities cross, the longest first (then the earlier, then by type). ``dropped``
  counts the rest, and a warning says how many.

Reading the written file back (``--layers``, ``--nested``, BRAT, the span group) gives
the entities read, as a multiset: ``tests/test_nested_convert.py`` checks this on
random nested, crossing and repeated spans.

>>> to_scheme(["B-PER", "I-PER", "B-PER", "O"], "BILOU")
['B-PER', 'L-PER', 'U-PER', 'O']
>>> to_scheme(["B-PER", "I-PER", "B-PER", "O"], "IOB1")
['I-PER', 'I-PER', 'B-PER', 'O']
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterable, Sequence


from .errors import DataError, SeqevalSuiteError, UsageError
from .io.tagged import SpanSentence
from .schemes import UNTYPED, Span, normalize_scheme
from .core.tags import decode_sentences  # noqa: F401  (part of this module's API)

OUTPUT_FORMATS = ("conll", "layered", "jsonl", "spacy", "brat")
#: Input formats; ``layered`` is CoNLL read with ``layers``.
INPUT_FORMATS = ("conll", "jsonl", "labelstudio", "spacy", "brat")
#: Span formats :func:`seqeval_suite.nested.open_spans` reads.
SPAN_INPUTS = ("jsonl", "labelstudio", "spacy", "brat")
#: Span formats read flat unless ``nested`` or ``span_key`` says otherwise.
FLAT_OR_NESTED = ("jsonl", "labelstudio", "spacy")
DEFAULT_SCHEME = "IOB2"
MAX_EXAMPLES = 3


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


# ---------------------------------------------------------------------- nested geometry
def layer_columns(entities: Sequence[Span]) -> tuple[list[int], int]:
    """The layered-CoNLL column (0-based) of each entity of one sentence, and how many
    entities sit deeper than their nesting depth (the rule is in the module docstring).

    Args:
        entities: ``(start, end, type)``, end exclusive, in any order; they may nest,
            cross and repeat.

    Returns:
        ``(columns, moved)``: ``columns[k]`` is entity k's column; no two entities of
        a column share a token.

    >>> layer_columns([(0, 3, "ORG"), (2, 3, "LOC"), (1, 4, "PER")])  # PER crosses ORG
    ([0, 2, 1], 1)
    """
    from .nested import depths

    level = depths([s for s, _, _ in entities], [e for _, e, _ in entities])
    order = sorted(range(len(entities)),
                   key=lambda k: (level[k], entities[k][0], -entities[k][1], entities[k][2]))
    width = max((end for _, end, _ in entities), default=0)
    taken: list[bytearray] = []
    columns = [-1] * len(entities)

    def place(k: int, column: int) -> bool:
        start, end, _ = entities[k]
        while len(taken) <= column:
            taken.append(bytearray(width))
        if any(taken[column][start:end]):
            return False
        taken[column][start:end] = b"\x01" * (end - start)
        columns[k] = column
        return True

    # Two passes, so that a moved entity never pushes one of the next depth out of its
    # own column: the first places every entity that fits at its depth.
    for k in order:
        place(k, level[k] - 1)
    moved = 0
    for k in order:
        if columns[k] < 0:
            moved += 1
            column = level[k]
            while not place(k, column):
                column += 1
    return columns, moved


def outer_entities(entities: Sequence[Span]) -> list[Span]:
    """The entities of one sentence that a flat output keeps: the outer ones (depth 1),
    the longest first where they cross (then the earlier, then by type); sorted.

    >>> outer_entities([(0, 3, "ORG"), (2, 3, "LOC"), (2, 6, "PER"), (6, 7, "LOC")])
    [(2, 6, 'PER'), (6, 7, 'LOC')]
    """
    from .nested import depths

    level = depths([s for s, _, _ in entities], [e for _, e, _ in entities])
    outer = sorted((e for e, d in zip(entities, level) if d == 1), key=lambda e: (e[0] - e[1], e[0], e[2]))
    taken: set[int] = set()
    kept = []
    for start, end, type_ in outer:
        if taken.isdisjoint(range(start, end)):
            taken.update(range(start, end))
            kept.append((start, end, type_))
    return sorted(kept)


# ---------------------------------------------------------------------- reading
@dataclass
class Corpus:
    """What :func:`read_corpus` read: every sentence, its entities possibly nested.

    ``format`` is the input format (``layered`` for CoNLL read with ``layers``);
    ``nested`` whether entities were read with their overlaps; ``layers`` the tag
    columns of a layered input (0 otherwise); ``dropped_runs`` ill-formed tag runs that
    yielded no entity under a strict ``from_scheme``.
    """

    format: str
    sentences: list[SpanSentence]
    nested: bool = False
    layers: int = 0
    dropped_runs: int = 0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: ``-DOCSTART-`` lines a CoNLL source held (those after its last sentence too).
    docstarts: int = 0


def input_format(source: str | os.PathLike, from_format: str | None) -> str:
    """The input format: given, or ``brat`` for a folder, a ``.ann`` file or a ``.txt``
    beside a ``.ann`` of its stem (brat's pairing); else by extension
    (:func:`seqeval_suite.io.formats.detect_format`: another ``.txt`` is CoNLL).

    Raises:
        UsageError: an unknown ``from_format``.
    """
    if from_format:
        fmt = {"json": "labelstudio", "docbin": "spacy"}.get(from_format.lower(), from_format.lower())
        if fmt not in INPUT_FORMATS:
            raise UsageError(f"unknown input format {from_format!r}", hint="choose " + ", ".join(INPUT_FORMATS))
        return fmt
    path = os.fspath(source)
    stem, ext = os.path.splitext(path)
    if os.path.isdir(path) or ext.lower() == ".ann" or (ext.lower() == ".txt" and os.path.isfile(stem + ".ann")):
        return "brat"
    from .io.formats import detect_format

    return detect_format(path)


def read_corpus(source: str | os.PathLike, *, from_format: str | None = None, layers=None, nested: bool = False,
                span_key: str | None = None, tokenizer: str | None = None, discontinuous: str | None = None,
                token_column: int = 0, from_scheme: str = "auto", column: int = -1, suffix: bool = False,
                **reader_opts) -> Corpus:
    """Read ``source`` whole, flat or nested (see :func:`convert_file` for the arguments).

    Nested when ``layers`` is given (layered CoNLL), when ``nested`` or ``span_key``
    is (span inputs), and always for BRAT; flat otherwise.

    Raises:
        UsageError: options that do not fit the input (see :func:`_check_input_options`).
        DataError: bad input, naming the file and line.
    """
    fmt = input_format(source, from_format)
    spans = fmt == "brat" or (fmt in SPAN_INPUTS and (nested or span_key is not None))
    _check_input_options(str(source), fmt, spans, layers=layers, nested=nested, tokenizer=tokenizer,
                         discontinuous=discontinuous, token_column=token_column, from_scheme=from_scheme,
                         column=column)
    if spans:
        return _read_spans(str(source), fmt, span_key=span_key if fmt == "spacy" else None,
                           tokenizer=tokenizer or "whitespace", discontinuous=discontinuous or "span",
                           **reader_opts)
    if fmt == "conll":
        columns, option = (_layer_columns_arg(layers), "--layers") if layers is not None else ((column,), "--column")
        return _read_conll(str(source), columns, option, token_column=token_column, from_scheme=from_scheme,
                           suffix=suffix, nested=layers is not None, **reader_opts)
    return _read_tagged(source, fmt, from_scheme=from_scheme, suffix=suffix, **reader_opts)


def _check_input_options(source: str, fmt: str, spans: bool, *, layers, nested: bool, tokenizer, discontinuous,
                         token_column: int, from_scheme: str, column: int) -> None:
    """Refuse reading options the input cannot use (no silent fallbacks); ``spans``:
    the input is read as entity spans.

    Raises:
        UsageError: ``layers`` with a non-CoNLL input or with ``column``; ``nested``
            CoNLL without ``layers``; ``tokenizer``/``discontinuous`` without BRAT input;
            ``token_column`` without ``layers``; a strict ``from_scheme`` for spans.
    """
    if layers is not None and fmt != "conll":
        raise UsageError(f"--layers names tag columns of a CoNLL file, but {source} is {fmt}",
                         hint="drop --layers; span inputs keep their overlaps with --nested")
    if layers is not None and column != -1:
        raise UsageError("--layers and --column both name tag columns; give one")
    if nested and fmt == "conll" and layers is None:
        raise UsageError(f"{source}: nested input in CoNLL needs --layers",
                         hint="name the tag columns, one a layer, e.g. --layers 1,2,3")
    if token_column != 0 and layers is None:
        raise UsageError("--token-column applies to layered CoNLL input (--layers)")
    for name, value in (("--tokenizer", tokenizer), ("--discontinuous", discontinuous)):
        if value is not None and fmt != "brat":
            raise UsageError(f"{name} applies to BRAT input, but {source} is {fmt}")
    if spans and normalize_scheme(from_scheme) != "auto":
        raise UsageError(f"--from-scheme decodes tags, but {source} is read as {fmt} entity spans",
                         hint="drop --from-scheme")


def _layer_columns_arg(layers) -> tuple[int, ...]:
    """``--layers`` for one file: its tag columns (``"1,2,3"`` or ints), distinct, no token column.

    Raises:
        UsageError: a malformed spec, the ``GOLD:PRED`` form, a repeated column, column 0.
    """
    from .nested import parse_layers

    if isinstance(layers, str) and ":" in layers:
        raise UsageError(f"--layers {layers!r}: convert reads one annotation, so one list of columns",
                         hint="e.g. --layers 1,2,3 (the GOLD:PRED form is for evaluate)")
    columns = parse_layers(layers, one_file=False)[0]
    if len(set(columns)) != len(columns):
        raise UsageError(f"--layers {layers!r} names a column twice")
    if 0 in columns:
        raise UsageError(f"--layers {layers!r}: column 0 holds the tokens", hint="tag columns count from 1")
    return columns


def _read_conll(source: str, columns: tuple[int, ...], option: str, *, token_column: int, from_scheme: str,
                suffix: bool, nested: bool, delimiter=None, comments: bool = False, encoding: str = "utf-8",
                **_json_opts) -> Corpus:
    """CoNLL: tokens from ``token_column``, one layer of tags per column (one column:
    flat input), each layer decoded as a flat tag sequence and the layers' entities
    pooled. ``option`` names the columns' option in messages.

    Raises:
        DataError: a missing column (file and line), a tag a strict scheme lacks (file
            and line), any error of the CoNLL reader.
    """
    from .io.conll import BlockReader

    reader = BlockReader(source, delimiter=delimiter, comments=comments, encoding=encoding)
    read = []
    for sentence in reader.sentences():
        tokens = _conll_column(sentence, token_column, reader.name, "--token-column")
        read.append((tokens, [_conll_column(sentence, c, reader.name, option) for c in columns], sentence))
    tag_lists = [tags for _, layers, _ in read for tags in layers]
    places = [(reader.name, sentence.lines) for _, layers, sentence in read for _ in layers]
    decoded, dropped, invalid = _decode_located(tag_lists, places, from_scheme=from_scheme, suffix=suffix)
    corpus = Corpus("layered" if nested else "conll", [], nested=nested, layers=len(columns) if nested else 0,
                    dropped_runs=dropped)
    spans = iter(decoded)
    for tokens, layers, sentence in read:
        entities = [span for _ in layers for span in next(spans)]
        corpus.sentences.append(SpanSentence(tokens, entities, sentence.lines[0], sentence.document, source))
    corpus.warnings += _tag_warnings(reader.name, invalid, dropped, from_scheme)
    corpus.docstarts = reader.documents
    return corpus


def _conll_column(sentence, column: int, name: str, option: str) -> list[str]:
    """One column of a CoNLL sentence (every row of a sentence has the same width).

    Raises:
        DataError: the sentence's rows lack the column, naming its first line.
    """
    try:
        return sentence.column(column)
    except IndexError:
        width = len(sentence.rows[0])
        raise DataError(f"{name}:{sentence.lines[0]}: no column {column} (the line has {width}, "
                        f"numbered 0 to {width - 1})",
                        hint=f"{option} counts columns from 0, the token") from None


def _decode_located(tag_lists: list[list[str]], places: list[tuple[str, list[int]]], *, from_scheme: str,
                    suffix: bool):
    """:func:`decode_sentences` over ``tag_lists``; a tag a strict scheme refuses is
    named with its ``file:line`` (``places``: the file and each tag's line).

    Raises:
        DataError: as :func:`decode_sentences`, located.
    """
    try:
        return decode_sentences(tag_lists, from_scheme=from_scheme, suffix=suffix)
    except DataError as exc:
        # Only the failing call pays for finding the tag: one decode per tag until it fails.
        for tags, (name, lines) in zip(tag_lists, places):
            for tag, line in zip(tags, lines):
                try:
                    decode_sentences([[tag]], from_scheme=from_scheme, suffix=suffix)
                except DataError as located:
                    raise DataError(f"{name}:{line}: {located.message}", hint=located.hint) from None
        raise exc


def _tag_warnings(name: str, invalid, dropped: int, from_scheme: str) -> list[str]:
    """Warnings for tags read as O and ill-formed runs that yielded no entity."""
    out = []
    if invalid:
        out.append(f"{name}: {sum(invalid.values())} invalid tag(s) read as O, e.g. "
                   + ", ".join(repr(t) for t, _ in invalid.most_common(MAX_EXAMPLES)))
    if dropped:
        out.append(f"{dropped} ill-formed {normalize_scheme(from_scheme)} run(s) yielded no entity and became O")
    return out


def _read_spans(source: str, fmt: str, *, span_key, tokenizer: str, discontinuous: str, labels=None,
                alignment: str = "strict", encoding: str = "utf-8", **_conll_opts) -> Corpus:
    """Span input through :func:`seqeval_suite.nested.open_spans`, overlaps kept."""
    from .nested import open_spans

    reader = open_spans(source, fmt, span_key=span_key, tokenizer=tokenizer, discontinuous=discontinuous,
                        labels=labels, alignment=alignment, encoding=encoding)
    sentences = list(reader)
    return Corpus(fmt, sentences, nested=True, warnings=list(getattr(reader, "warnings", [])),
                  notes=list(getattr(reader, "notes", [])))


def _read_tagged(source, fmt: str, *, from_scheme: str, suffix: bool, **reader_opts) -> Corpus:
    """JSON Lines, Label Studio or DocBin read flat, through
    :func:`~seqeval_suite.io.formats.read_tagged`."""
    from .io.formats import read_tagged

    tagged = read_tagged(source, format=fmt, **reader_opts)
    try:
        read = [(list(tokens), list(tags), line) for tokens, tags, line in tagged]
    except DataError as exc:
        # The tag reader knows no token-offset records; the span reader does.
        if fmt == "jsonl" and "not a record this reader knows" in exc.message:
            raise DataError(exc.message, hint="records with entities or layers hold nested entities: pass "
                                              "--nested (nested=True)") from None
        raise
    # A record's tags share its line (JSON Lines record, Label Studio task, DocBin doc).
    places = [(tagged.path, [line] * len(tags)) for _, tags, line in read]
    decoded, dropped, invalid = _decode_located([tags for _, tags, _ in read], places, from_scheme=from_scheme,
                                                suffix=suffix)
    corpus = Corpus(tagged.format, [SpanSentence(tokens, spans, line, 0, tagged.path)
                                    for (tokens, _, line), spans in zip(read, decoded)], dropped_runs=dropped)
    corpus.warnings += tagged.warnings
    corpus.notes += tagged.notes
    corpus.warnings += _tag_warnings(str(source), invalid, dropped, from_scheme)
    return corpus


# ---------------------------------------------------------------------- converting
@dataclass
class ConvertResult:
    """What :func:`convert_file` did.

    ``entities`` counts the entities written; ``dropped`` those a flat output could not
    hold (nested input); ``layers`` the tag columns of a layered output and ``moved``
    its entities placed deeper than their nesting depth; ``merged`` adjacent entities
    of one type that IO merged; ``dropped_runs`` ill-formed runs of a strictly decoded
    input; ``documents`` the BRAT documents written.
    """

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
    nested: bool = False
    layers: int = 0
    moved: int = 0
    dropped: int = 0
    documents: int = 0
    span_key: str | None = None
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The one-line summary ``convert`` prints.

        >>> ConvertResult("a.conll", "b.conll", "conll", "conll", "BILOU", 4, 29, 7).summary()
        'a.conll (conll) -> b.conll (conll, BILOU): 4 sentences, 29 tokens, 7 entities'
        """
        # ", nested" only where the same file could be read flat (as without --nested).
        source = f"{self.from_format}, nested" if self.nested and self.from_format in FLAT_OR_NESTED else self.from_format
        line = (f"{self.source} ({source}) -> {self.target} ({self.to_format}, {self.to_scheme}): "
                f"{_n(self.sentences, 'sentence')}, {_n(self.tokens, 'token')}, {_n(self.entities, 'entity')}")
        facts = []
        if self.to_format == "layered":
            facts.append(_n(self.layers, "layer"))
            facts.append(f"{_n(self.moved, 'entity')} moved to a deeper layer")
        if self.to_format == "brat":
            facts.append(_n(self.documents, "document"))
        if self.nested and self.to_format in ("conll", "spacy") and self.span_key is None:
            facts.append(f"{_n(self.dropped, 'inner or crossing entity')} dropped")
        return line + ("; " + ", ".join(facts) if facts else "")


def _n(count: int, noun: str) -> str:
    """``1 entity``, ``2 entities``; the last word of ``noun`` takes the plural."""
    if count == 1:
        return f"{count} {noun}"
    head, _, last = noun.rpartition(" ")
    plural = last[:-1] + "ies" if last.endswith("y") else last + "s"
    return f"{count} {head + ' ' if head else ''}{plural}"


def output_format(path: str, to_format: str | None, *, nested: bool = False) -> str:
    """The output format: given, or from the name: ``.jsonl``, ``.spacy``, ``.brat``
    (a folder), else CoNLL, ``layered`` for nested input and ``conll`` (one tag
    column) for flat input.

    Raises:
        UsageError: an unknown ``to_format``.
    """
    if to_format:
        fmt = to_format.lower()
        if fmt not in OUTPUT_FORMATS:
            raise UsageError(f"unknown output format {to_format!r}", hint="choose " + ", ".join(OUTPUT_FORMATS))
        return fmt
    name = str(path).lower().rstrip("/" + os.sep)
    for suffix, fmt in ((".jsonl", "jsonl"), (".spacy", "spacy"), (".brat", "brat")):
        if name.endswith(suffix):
            return fmt
    return "layered" if nested else "conll"


def convert_file(
    source: str | os.PathLike,
    target: str | os.PathLike,
    *,
    to_scheme: str | None = None,
    to_format: str | None = None,
    from_scheme: str = "auto",
    from_format: str | None = None,
    column: int = -1,
    suffix: bool = False,
    layers: str | Sequence[int] | None = None,
    nested: bool = False,
    span_key: str | None = None,
    tokenizer: str | None = None,
    discontinuous: str | None = None,
    token_column: int = 0,
    **reader_opts,
) -> ConvertResult:
    """Convert ``source`` into ``target`` (written atomically, only after a full read).

    Args:
        source: any file :func:`~seqeval_suite.io.formats.read_tagged` reads; with
            ``layers`` a layered CoNLL file; BRAT (see :func:`input_format`).
        target: the output file (a folder for BRAT: new or empty, created if missing).
        to_scheme: the target scheme of tag outputs (IOB1, IOB2, IOE1, IOE2, IOBES,
            BILOU, IO; default IOB2). Refused for outputs without tags (BRAT, JSON
            Lines of nested input).
        to_format: ``conll``, ``layered``, ``jsonl``, ``spacy`` or ``brat`` (default:
            by :func:`output_format`). JSON Lines holds ``tags`` for flat input and
            ``entities`` (``[start, end, type]`` token offsets) for nested input.
        from_scheme: ``auto`` (lenient decoding) or the input's scheme (strict decoding;
            ill-formed runs are dropped and counted), for each tag column.
        from_format: the input format (default: :func:`input_format`).
        column: the tag column of a flat CoNLL input.
        suffix: tags read and are written ``TYPE-PREFIX``.
        layers: nested input in layered CoNLL: its tag columns (``"1,2,3"``, 0-based),
            one layer each.
        nested: read a span input (JSON Lines, Label Studio, DocBin) with overlapping
            entities kept (BRAT always is).
        span_key: a DocBin input's span group ``doc.spans[span_key]`` (read nested);
            for DocBin output, the span group that holds every entity (``doc.ents``
            holds the outer ones).
        tokenizer, discontinuous: BRAT input: see :func:`seqeval_suite.io.brat.read_brat`.
        token_column: the token column of a layered input (1 for GermEval's ``index token``).
        **reader_opts: passed to the reader (``delimiter``, ``comments``, ``encoding``,
            ``labels``, ``alignment``).

    Returns:
        A :class:`ConvertResult`; its ``summary()`` is the line the CLI prints.

    Raises:
        UsageError: options that do not fit the input or output (one line, no output).
        DataError: bad input, naming the file and line; nothing is written. An output
            that cannot be written (naming it).
    """
    scheme = _target_scheme(to_scheme)
    corpus = read_corpus(source, from_format=from_format, layers=layers, nested=nested, span_key=span_key,
                         tokenizer=tokenizer, discontinuous=discontinuous, token_column=token_column,
                         from_scheme=from_scheme, column=column, suffix=suffix, **reader_opts)
    fmt = output_format(str(target), to_format, nested=corpus.nested)
    _check_output_options(str(target), fmt, corpus, to_scheme=to_scheme, span_key=span_key)
    result = ConvertResult(str(source), str(target), corpus.format, fmt, _scheme_label(fmt, corpus, scheme, span_key),
                           nested=corpus.nested, dropped_runs=corpus.dropped_runs,
                           span_key=span_key if fmt == "spacy" else None)
    result.warnings += corpus.warnings
    result.notes += corpus.notes
    result.sentences = len(corpus.sentences)
    result.tokens = sum(len(s.tokens) for s in corpus.sentences)
    try:
        WRITERS[fmt](str(target), corpus, result, scheme=scheme, suffix=suffix, span_key=span_key)
    except OSError as exc:  # a read-only or full disk: one line, not a traceback
        raise DataError(f"{target}: cannot write ({exc.strerror or exc})") from None
    if result.merged:
        result.warnings.append(f"IO cannot separate adjacent entities of one type: {result.merged} merged")
    return result


def _target_scheme(to_scheme: str | None) -> str:
    """The output scheme (IOB2 when not given).

    Raises:
        UsageError: ``auto`` or an unknown name.
    """
    scheme = normalize_scheme(to_scheme or DEFAULT_SCHEME)
    if scheme == "auto":
        raise UsageError("--to-scheme needs a scheme name", hint="IOB1, IOB2, IOE1, IOE2, IOBES, BILOU or IO")
    return scheme


def _check_output_options(target: str, fmt: str, corpus: Corpus, *, to_scheme, span_key) -> None:
    """Refuse output options that the output cannot use.

    Raises:
        UsageError: ``to_scheme`` for an output without tags; ``span_key`` when
            neither side is a DocBin; a BRAT output named like a file.
    """
    if to_scheme is not None and (fmt == "brat" or (fmt == "jsonl" and corpus.nested)):
        raise UsageError(f"--to-scheme applies to tag outputs; {fmt} output of nested entities holds spans",
                         hint="drop --to-scheme, or write --to-format layered")
    if span_key is not None and fmt != "spacy" and corpus.format != "spacy":
        raise UsageError("--span-key names a DocBin span group, but neither input nor output is .spacy")
    if fmt == "brat" and target.lower().endswith((".ann", ".txt")):
        raise UsageError(f"{target}: BRAT output is a folder of .ann/.txt pairs", hint="name a folder, e.g. out.brat")


def _scheme_label(fmt: str, corpus: Corpus, scheme: str, span_key) -> str:
    """The second item of the summary's output: the scheme of tag outputs, else what holds the spans."""
    if fmt == "brat" or (fmt == "jsonl" and corpus.nested):
        return "spans"
    if fmt == "spacy" and span_key is not None:
        return f"doc.spans[{span_key!r}]"
    return scheme


# ---------------------------------------------------------------------- writing
def _write_flat(path: str, corpus: Corpus, result: ConvertResult, *, scheme: str, suffix: bool, fmt: str,
                **_) -> None:
    """One tag column (CoNLL, JSON Lines ``tags``) or ``doc.ents``: the outer entities."""
    kept = [outer_entities(s.entities) if corpus.nested else sorted(s.entities) for s in corpus.sentences]
    _count_flat(corpus, kept, result)
    if scheme == "IO":
        result.merged += sum(adjacent_same_type(spans) for spans in kept)
    if fmt == "spacy":
        from .io.docbin import write_docbin

        write_docbin(path, [(s.tokens, spans) for s, spans in zip(corpus.sentences, kept)])
        return
    tagged = [(s.tokens, encode(spans, len(s.tokens), scheme, suffix=suffix)) for s, spans in zip(corpus.sentences, kept)]
    if fmt == "jsonl":
        from .io.jsonl import write_jsonl

        write_jsonl(path, tagged)
        return
    from .atomic import write_text

    numbers = document_numbers(corpus)
    write_text(path, conll_text(tagged, documents=numbers, docstarts=corpus.docstarts if numbers else 0))


def document_numbers(corpus: Corpus) -> list[int] | None:
    """Each sentence's document number (the ``-DOCSTART-`` lines read before it) when
    the source is CoNLL that marks documents, else None: a CoNLL output then keeps the
    source's ``-DOCSTART-`` lines (they were dropped), other sources write none."""
    if corpus.format not in ("conll", "layered"):
        return None
    numbers = [s.document for s in corpus.sentences]
    return numbers if any(numbers) or corpus.docstarts else None


def _docstart_lines(previous: int, current: int, columns: int = 1, separator: str = " ") -> str:
    """The ``-DOCSTART-`` blocks between two sentences: one per document started, so a
    converted file has the source's documents (empty ones too)."""
    return f"-DOCSTART-{separator}{separator.join(['O'] * columns)}\n\n" * max(0, current - previous)


def _count_flat(corpus: Corpus, kept: list[list[Span]], result: ConvertResult) -> None:
    """Entities written and dropped by a flat output, and the warning for the dropped."""
    result.entities = sum(map(len, kept))
    result.dropped = sum(len(s.entities) for s in corpus.sentences) - result.entities
    if result.dropped:
        dropped = _n(result.dropped, "inner or crossing entity")
        result.warnings.append(
            f"a flat {result.to_format} output holds one entity a token: {dropped} "
            "dropped, the outer ones kept (longest first where they cross); --to-format layered, brat or jsonl "
            "(or spacy with --span-key) keeps every entity")


def _write_conll(path: str, corpus: Corpus, result: ConvertResult, **opts) -> None:
    """CoNLL with one tag column (:func:`_write_flat`)."""
    _write_flat(path, corpus, result, fmt="conll", **opts)


def _write_spacy(path: str, corpus: Corpus, result: ConvertResult, *, span_key, **opts) -> None:
    """A DocBin: ``doc.ents`` only (flat), or every entity in ``doc.spans[span_key]`` too."""
    if span_key is None:
        _write_flat(path, corpus, result, fmt="spacy", span_key=None, **opts)
        return
    result.entities = sum(len(s.entities) for s in corpus.sentences)
    write_docbin_spans(path, [(s.tokens, s.entities) for s in corpus.sentences], span_key)


def _write_jsonl(path: str, corpus: Corpus, result: ConvertResult, **opts) -> None:
    """JSON Lines: ``tags`` records for flat input, ``entities`` records for nested input."""
    if not corpus.nested:
        _write_flat(path, corpus, result, fmt="jsonl", **opts)
        return
    from .atomic import write_text

    result.entities = sum(len(s.entities) for s in corpus.sentences)
    write_text(path, entities_jsonl_text(corpus.sentences))


def _write_layered(path: str, corpus: Corpus, result: ConvertResult, *, scheme: str, suffix: bool, **_) -> None:
    """Layered CoNLL: the columns of :func:`layer_columns`, as many in every sentence."""
    from .atomic import write_text

    placed = []
    for sentence in corpus.sentences:
        columns, moved = layer_columns(sentence.entities)
        result.moved += moved
        placed.append(columns)
    result.layers = max([corpus.layers, 1] + [c + 1 for columns in placed for c in columns])
    rows = []
    for sentence, columns in zip(corpus.sentences, placed):
        layers: list[list[Span]] = [[] for _ in range(result.layers)]
        for entity, c in zip(sentence.entities, columns):
            layers[c].append(entity)
        if scheme == "IO":
            result.merged += sum(adjacent_same_type(sorted(spans)) for spans in layers)
        tags = [encode(sorted(spans), len(sentence.tokens), scheme, suffix=suffix) for spans in layers]
        rows.append((sentence, tags))
    result.entities = sum(len(s.entities) for s in corpus.sentences)
    write_text(path, layered_text(rows, docstarts=corpus.docstarts if document_numbers(corpus) else None))


def _write_brat(path: str, corpus: Corpus, result: ConvertResult, **_) -> None:
    """BRAT: one ``.ann``/``.txt`` pair per input document, into a new or empty folder."""
    documents = _documents(corpus)
    result.documents = len(documents)
    result.entities = sum(len(s.entities) for s in corpus.sentences)
    write_brat_folder(path, documents)


WRITERS = {"conll": _write_conll, "layered": _write_layered, "jsonl": _write_jsonl, "spacy": _write_spacy,
           "brat": _write_brat}


def _documents(corpus: Corpus) -> dict[str, list[SpanSentence]] | list[list[SpanSentence]]:
    """The sentences grouped by document (runs of one ``document`` number): named by
    their ``.ann`` stems for BRAT input, so names survive a BRAT-to-BRAT conversion;
    a list (``doc0001``, ...) otherwise."""
    groups: list[list[SpanSentence]] = []
    last = object()
    for sentence in corpus.sentences:
        if not groups or sentence.document != last:
            groups.append([])
            last = sentence.document
        groups[-1].append(sentence)
    if corpus.format != "brat":
        return groups
    return {os.path.splitext(os.path.basename(g[0].source))[0]: g for g in groups}


def write_brat_folder(folder: str, documents) -> None:
    """:func:`seqeval_suite.io.brat.write_brat` into a new or empty ``folder``, all at
    once: the files are written to a hidden folder beside it, which is then renamed.

    Raises:
        UsageError: ``folder`` is a file, or a folder that is not empty.
        DataError: a sentence BRAT text cannot carry (see ``write_brat``); nothing is written.
    """
    import shutil
    import tempfile

    from .io.brat import write_brat

    folder = os.path.normpath(folder)
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise UsageError(f"{folder} is a file; BRAT output is a folder", hint="name a new or empty folder")
    if os.path.isdir(folder) and os.listdir(folder):
        raise UsageError(f"{folder} is a folder that is not empty; BRAT output goes into a new or empty folder",
                         hint="name a new folder, or empty this one")
    parent = os.path.dirname(os.path.abspath(folder))
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=f".{os.path.basename(folder)}.", suffix=".tmp", dir=parent)
    try:
        try:
            write_brat(staging, documents)
        except SeqevalSuiteError as exc:
            # write_brat names the files it would write: name them where the user looks.
            raise type(exc)(exc.message.replace(staging, folder), hint=exc.hint) from None
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)  # mkdtemp makes 0700; give what mkdir would
        os.replace(staging, folder)  # POSIX rename replaces an empty folder
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_docbin_spans(path: str, sentences: Iterable[tuple[Sequence[str], Sequence[Span]]], span_key: str) -> int:
    """A DocBin, one Doc a sentence, every entity in ``doc.spans[span_key]`` and the
    outer ones (:func:`outer_entities`) in ``doc.ents``; written atomically.

    :func:`seqeval_suite.io.docbin.read_docbin_spans` with the same key reads the
    entities back. Returns the number of Docs.
    """
    from spacy.tokens import Doc, DocBin, Span as SpacySpan
    from spacy.vocab import Vocab

    from .atomic import write_bytes

    vocab = Vocab()
    docbin = DocBin(attrs=["ENT_IOB", "ENT_TYPE"], store_user_data=False)
    n = 0
    for tokens, spans in sentences:
        doc = Doc(vocab, words=list(tokens))
        doc.ents = [SpacySpan(doc, s, e, label=t) for s, e, t in outer_entities(spans)]
        doc.spans[span_key] = [SpacySpan(doc, s, e, label=t) for s, e, t in sorted(spans)]
        docbin.add(doc)
        n += 1
    write_bytes(path, docbin.to_bytes())
    return n


def entities_jsonl_text(sentences: Iterable[SpanSentence]) -> str:
    """JSON Lines ``{"tokens": [...], "entities": [[start, end, "TYPE"], ...]}``, one
    record a sentence, entities by start (longest first, then type), as
    :func:`seqeval_suite.io.jsonl.read_jsonl_spans` reads them.

    >>> print(entities_jsonl_text([SpanSentence(["Bank", "of", "China"], [(2, 3, "LOC"), (0, 3, "ORG")], 1)]), end="")
    {"tokens": ["Bank", "of", "China"], "entities": [[0, 3, "ORG"], [2, 3, "LOC"]]}
    """
    import json

    lines = []
    for sentence in sentences:
        entities = sorted(sentence.entities, key=lambda e: (e[0], -e[1], e[2]))
        lines.append(json.dumps({"tokens": list(sentence.tokens), "entities": [list(e) for e in entities]},
                                ensure_ascii=False) + "\n")
    return "".join(lines)


def layered_text(rows: Iterable[tuple[SpanSentence, Sequence[Sequence[str]]]], *,
                 docstarts: int | None = None) -> str:
    """Layered CoNLL: ``token<TAB>layer1<TAB>layer2 ...``, a blank line after each sentence.

    ``rows``: each sentence with its tag lists, one a layer; with ``docstarts`` (the
    ``-DOCSTART-`` lines of a CoNLL source), those rows where the sentences' document
    numbers put them, and the rest after the last sentence.

    Raises:
        DataError: a token that is empty or holds whitespace (it would not read back),
            naming the sentence's source and line.

    >>> layered_text([(SpanSentence(["Bank", "of", "China"], [], 1), [["B-ORG", "I-ORG", "I-ORG"],
    ...                                                               ["O", "O", "B-LOC"]])]).splitlines()
    ['Bank\\tB-ORG\\tO', 'of\\tI-ORG\\tO', 'China\\tI-ORG\\tB-LOC', '']
    """
    out = []
    previous = 0
    width = 1
    for sentence, layers in rows:
        width = len(layers)
        if docstarts is not None:
            out.append(_docstart_lines(previous, sentence.document, width, "\t"))
            previous = max(previous, sentence.document)
        for k, token in enumerate(sentence.tokens):
            _check_token(token, sentence)
            out.append("\t".join([token] + [tags[k] for tags in layers]) + "\n")
        out.append("\n")
    if docstarts is not None:
        out.append(_docstart_lines(previous, docstarts, width, "\t"))
    return "".join(out)


def _check_token(token: str, sentence: SpanSentence | None = None) -> None:
    """Refuse a token CoNLL cannot hold.

    Raises:
        DataError: the token is empty or holds whitespace, naming where the sentence was read.
    """
    if token and not any(c.isspace() for c in token):
        return
    where = f"{sentence.source}:{sentence.line}: " if sentence is not None and sentence.source else ""
    raise DataError(f"{where}token {token!r} cannot be written to CoNLL (empty or holds whitespace)",
                    hint="convert to jsonl or spacy instead")


def conll_text(sentences: Iterable[tuple[Sequence[str], Sequence[str]]], *,
               documents: Sequence[int] | None = None, docstarts: int = 0) -> str:
    """Two-column CoNLL text, a blank line after each sentence; with ``documents`` (each
    sentence's document number, :func:`document_numbers`), the ``-DOCSTART-`` lines,
    up to ``docstarts`` of them (those after the last sentence too).

    >>> print(conll_text([(["EU", "rejects"], ["B-ORG", "O"])], documents=[1]), end="")
    -DOCSTART- O
    <BLANKLINE>
    EU B-ORG
    rejects O
    <BLANKLINE>
    """
    out = []
    previous = 0
    for k, (tokens, tags) in enumerate(sentences):
        if documents is not None:
            out.append(_docstart_lines(previous, documents[k]))
            previous = max(previous, documents[k])
        for token, tag in zip(tokens, tags):
            _check_token(token)
            out.append(f"{token} {tag}\n")
        out.append("\n")
    if documents is not None:
        out.append(_docstart_lines(previous, docstarts))
    return "".join(out)
