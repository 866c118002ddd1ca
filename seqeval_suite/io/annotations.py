"""Reading annotators' tags for agreement (SPEC §6): :func:`read_corpus`.

Reads every annotator's tags -- one file each (CoNLL, JSON Lines, a Label Studio
export or a spaCy DocBin), several tag columns of one CoNLL file, one export that
holds a team's work (Prodigy ``db-out``, Label Studio JSON or JSON-MIN, doccano 1.2;
:mod:`seqeval_suite.io.exports`), or in-memory lists of sentences -- into a
:class:`Corpus`: per annotator, the tags of every token in corpus order, and per
sentence whether that annotator labelled it (a sentence whose tags are all "missing"
cells such as ``?`` was not labelled; one only partly missing is left out and
counted; a task an annotator of a team export did not answer was not labelled).
CoNLL files (paths, ``-``, FIFOs, ``.gz``) are read once each by the block reader,
in aligned blocks, as integer tag ids (:func:`_read_files`);
other formats through :func:`~seqeval_suite.io.formats.read_tagged`.
Every reader checks that the annotators hold the same sentences and the same tokens,
and raises a :class:`~seqeval_suite.errors.DataError` naming file and line where not.
Scoring the corpus is :mod:`seqeval_suite.agreement`'s job.
"""
from __future__ import annotations

import os
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping, NamedTuple, Sequence

from ..errors import DataError, UsageError
from ..core.options import Options
from .conll import Block, BlockReader, Sentence, display_name
from .formats import detect_format
from .tagged import LABEL_ID_HINT, check_tag_strings

DEFAULT_MISSING = ("?", "_", "")


# ------------------------------------------------------------------ the API

def read_corpus(annotations, *, columns=None, names=None, tag_column: int = -1, options: Options | None = None,
                missing: frozenset[str] = frozenset(DEFAULT_MISSING), keep_tokens: bool = False,
                format_in: str | None = None, labels=None, alignment: str = "strict") -> Corpus:
    """Read every annotator's tags into one :class:`Corpus`, checking that they align.

    Files are read in ``format_in``, or each in the format its extension implies
    (:func:`~seqeval_suite.io.formats.detect_format`); ``labels`` and ``alignment``
    are passed to the JSON readers (``labels`` names doccano 1.2's integer label ids
    too: :func:`~seqeval_suite.io.jsonl.load_label_ids`).

    One file that holds several annotators (a Prodigy, Label Studio or doccano 1.2
    export; see :mod:`seqeval_suite.io.exports`) is read as one annotator per person,
    named by the export (``names`` renames them, in :func:`annotators_in` order), its
    answers grouped into sentences by task. Among several files, each is one
    annotator, aligned by position; a file that holds several annotators' answers to
    the same task is refused there.

    Raises:
        DataError: fewer than two annotators (a team export naming one is named so),
            files that do not align, bad records (naming file and line or task).
        UsageError: ``columns`` with several files or a non-CoNLL file, bad ``labels``.

    >>> import json, pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "team.jsonl"
    >>> rows = [{"text": "Ann left", "spans": [{"start": 0, "end": 3, "label": "PER"}], "_annotator_id": "ner-a"},
    ...         {"text": "Ann left", "spans": [], "_annotator_id": "ner-b"}]
    >>> _ = p.write_text("".join(json.dumps(r) + "\\n" for r in rows))
    >>> corpus = read_corpus(p)
    >>> [a.name for a in corpus.annotations], corpus.tags_of(0), corpus.tags_of(1)
    (['ner-a', 'ner-b'], ['B-PER', 'O'], ['O', 'O'])
    """
    options = options or Options.build()
    if isinstance(columns, str):
        try:
            columns = [int(c) for c in columns.split(",") if c.strip()]
        except ValueError:
            raise UsageError(f"bad column list {columns!r}", hint="give 0-based indices such as 1,2,3") from None
    if isinstance(annotations, (str, os.PathLike)):
        annotations = [annotations]
    if isinstance(annotations, Mapping):
        if names is None:
            names = list(annotations)
        annotations = list(annotations.values())
    annotations = list(annotations)
    if annotations and all(isinstance(a, (str, os.PathLike)) for a in annotations):
        paths = [str(a) for a in annotations]
        formats = [(format_in or detect_format(p)).lower() for p in paths]
        if columns is not None:
            if len(paths) != 1:
                raise UsageError("--columns reads one file", hint="give one file with --columns, or several files without")
            if formats[0] != "conll":
                raise UsageError(
                    f"--columns reads a CoNLL file, but {display_name(paths[0])} is read as {formats[0]}",
                    hint="give one file per annotator instead, or --format-in conll if the file is CoNLL",
                )
            columns = list(columns)
            if len(set(columns)) != len(columns):
                raise DataError(f"column list {columns} names a column twice", hint="each annotator has one column")
            resolved = _resolve_names([f"col{c}" for c in columns], names)
            _check_names(resolved)
            return _read_columns(paths[0], columns, resolved, options, missing, keep_tokens)
        if not all(f == "conll" for f in formats):
            team = _team_export(paths, formats, options)
            if team is not None:
                resolved = _resolve_names(team.annotators, names)
                _check_names(resolved)
                return _read_team(team, resolved, missing, keep_tokens, labels, alignment)
        resolved = _resolve_names([Path(p).name.split(".")[0] if p != "-" else "stdin" for p in paths], names)
        _check_names(resolved)
        if all(f == "conll" for f in formats):
            return _read_files(paths, resolved, tag_column, options, missing, keep_tokens)
        return _read_formats(paths, formats, resolved, tag_column, options, missing, keep_tokens, labels, alignment)
    if columns is not None:
        raise UsageError("columns apply to a file", hint="pass one path with columns")
    if format_in is not None:
        raise UsageError("format_in applies to files", hint="pass paths, or leave format_in out for tag lists")
    resolved = _resolve_names([f"a{i + 1}" for i in range(len(annotations))], names)
    _check_names(resolved)
    return _read_lists(annotations, resolved, missing)


def annotators_in(path: str | os.PathLike, format: str | None = None) -> list[str]:
    """The people whose annotations one export holds (see
    :func:`seqeval_suite.io.exports.annotators_in`): the annotators ``read_corpus``
    makes of that file alone; an empty list for a file that names none (one annotator).

    >>> annotators_in("no-such-file.conll")
    []
    """
    from .exports import annotators_in as scan

    fmt = (format or detect_format(path)).lower()
    return scan(path, fmt) if fmt not in ("conll", "spacy", "docbin") else []


# ------------------------------------------------------------------ the corpus
@dataclass
class Annotation:
    """One annotator's tags over the whole corpus, flat, with sentence-level coverage.

    Attributes:
        name: the annotator's name (file stem, or from ``names``).
        source: how messages name where the tags came from (``file`` or ``file[col]``).
        tags: every token's tag, in corpus order (strings are interned, one object
            per distinct tag, so a large corpus costs one pointer per token).
        lines: each token's line number (empty for in-memory input).
        labelled: per sentence, 1 when this annotator labelled it.
        partial, partial_line: sentences only partly marked missing (left out), and
            the line of the first such cell.
        reader: the reader the tags came from (documents are counted there).
        ids: every token's tag as an index into :attr:`Corpus.tag_names` (a numpy
            array, filled by :func:`seqeval_suite.agreement._encode`); the block reader fills only these and
            leaves ``tags`` None until :meth:`Corpus.tags_of` asks for them.
    """

    name: str
    source: str
    tags: list[str] | None = field(default_factory=list)
    lines: array = field(default_factory=lambda: array("i"))
    labelled: bytearray = field(default_factory=bytearray)
    partial: int = 0
    partial_line: int | None = None
    reader: object | None = None
    ids: object | None = None


@dataclass
class Corpus:
    """All annotators over the same sentences: ``offsets[s]:offsets[s+1]`` is sentence s."""

    annotations: list[Annotation]
    offsets: array = field(default_factory=lambda: array("q", [0]))
    tokens: list[str] | None = None
    warnings: list[str] = field(default_factory=list)
    #: The distinct tags of all annotators; ``Annotation.ids`` index it (see :func:`seqeval_suite.agreement._encode`).
    tag_names: list[str] | None = None
    #: CoNLL input that marks documents: each sentence's count of ``-DOCSTART-`` lines
    #: before it, and the count in the whole input (the first file's), else None and 0.
    sentence_documents: list[int] | None = None
    docstarts: int = 0

    def tags_of(self, k: int) -> list[str]:
        """Annotator k's tags as strings (made from the integer ids when only those were read)."""
        annotation = self.annotations[k]
        if annotation.tags is None:
            names = self.tag_names
            annotation.tags = [names[i] for i in annotation.ids.tolist()]
        return annotation.tags

    @property
    def sentences(self) -> int:
        """Number of (non-empty) sentences."""
        return len(self.offsets) - 1

    @property
    def size(self) -> int:
        """Number of tokens."""
        return self.offsets[-1]


class _Collector:
    """Adds sentences to a :class:`Corpus`, interning tags and noting missing cells."""

    def __init__(self, corpus: Corpus, missing: frozenset[str], keep_tokens: bool) -> None:
        self.corpus = corpus
        self.missing = missing
        self.intern: dict[str, str] = {}
        if keep_tokens:
            corpus.tokens = []

    def add(self, columns: Sequence[Sequence[str]], lines: Sequence[Sequence[int]] | None, tokens=None) -> None:
        corpus, missing, intern = self.corpus, self.missing, self.intern
        for k, (annotation, tags) in enumerate(zip(corpus.annotations, columns)):
            annotation.tags.extend(map(intern.setdefault, tags, tags))
            if lines is not None:
                annotation.lines.extend(lines[k])
            if missing.isdisjoint(tags):
                annotation.labelled.append(1)
                continue
            # A '?' cell means the annotator did not label the sentence (issue 3);
            # a sentence only partly marked is left out too, and counted in a warning.
            annotation.labelled.append(0)
            if not all(t in missing for t in tags):
                annotation.partial += 1
                if annotation.partial_line is None and lines is not None:
                    annotation.partial_line = next(lines[k][i] for i, t in enumerate(tags) if t in missing)
        corpus.offsets.append(corpus.offsets[-1] + len(columns[0]))
        if corpus.tokens is not None and tokens is not None:
            corpus.tokens.extend(tokens)


def _team_export(paths: Sequence[str], formats: Sequence[str], options: Options):
    """The one export among ``paths`` that holds several annotators, to be read as a team;
    None when the files are one annotator each.

    Raises:
        DataError: a lone export that names fewer than two annotators; among several
            files, one holding several annotators' answers to the same task (reading it
            as one annotator would keep only some of them).
    """
    from .exports import open_export

    exports = [open_export(p, f, encoding=options.encoding) if f not in ("conll", "spacy") and p != "-" else None
               for p, f in zip(paths, formats)]
    if len(paths) == 1:
        team = exports[0]
        if team is not None and len(team.annotators) < 2:
            listed = f" ({', '.join(team.annotators)})" if team.annotators else ""
            raise DataError(
                f"agreement needs at least two annotators, but {display_name(paths[0])} holds the answers of "
                f"{len(team.annotators)}{listed}",
                hint="export the dataset with every annotator's answers, or give one file per annotator",
            )
        return team
    for path, team in zip(paths, exports):
        if team is not None and (team.shared or team.shape == "labelstudio-min"):
            what = "a Label Studio JSON-MIN export" if team.shape == "labelstudio-min" else "an export"
            raise DataError(
                f"{display_name(path)} is {what} holding {len(team.annotators)} annotator(s) "
                f"({', '.join(team.annotators)}), but each of several files is read as one annotator",
                hint=f"give {display_name(path)} alone to compare the annotators in it",
            )
    return None


def _read_team(team, names: Sequence[str], missing: frozenset[str], keep_tokens: bool, labels,
               alignment: str) -> Corpus:
    """A :class:`Corpus` of a team export, one annotator per person: a task an annotator
    did not answer holds missing cells (``?``, or another of ``missing``) and is not
    labelled by them, as a CoNLL file with such cells would be."""
    sentences, warnings = team.read(labels=labels, alignment=alignment)
    cell = "?" if "?" in missing or not missing else min(missing)
    source = display_name(team.path)
    corpus = Corpus([Annotation(n, source) for n in names], warnings=warnings)
    collect = _Collector(corpus, missing, keep_tokens)
    for sentence in sentences:
        width = len(sentence.tokens)
        columns = [tags if tags is not None else [cell] * width for tags in sentence.tags]
        collect.add(columns, [[line] * width for line in sentence.lines], sentence.tokens)
        for annotation, tags in zip(corpus.annotations, sentence.tags):
            if tags is None:  # not labelled, whatever --missing names
                annotation.labelled[-1] = 0
    return corpus


def _check_names(names: Sequence[str]) -> None:
    if len(names) < 2:
        raise DataError(
            f"agreement needs at least two annotators, got {len(names)}",
            hint="give two or more files, or one file with --columns 1,2",
        )
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise DataError(f"annotator name {name!r} given twice", hint="pass distinct names with --names a,b,c")
        seen.add(name)


def _resolve_names(default: Sequence[str], names: Sequence[str] | str | None) -> list[str]:
    if names is None:
        return list(default)
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",")]
    names = list(names)
    if len(names) != len(default):
        raise DataError(
            f"{len(names)} names for {len(default)} annotators",
            hint="give one name per file (or per column), comma-separated",
        )
    if any(not n for n in names):
        raise DataError("an annotator name is empty", hint="--names a,b,c")
    return names


def _reader(path: str, options: Options, columns: tuple[int, ...] = ()) -> BlockReader:
    return BlockReader(path, conlleval=options.mode == "conlleval", delimiter=options.delimiter,
                       comments=options.comments, encoding=options.encoding, columns=columns)


_COLUMN_HINT = "column indices are 0-based and the token is column 0; check --columns / --tag-column"


def _column(sentence: Sentence, column: int, source: str) -> list[str]:
    from ..core.source import column_of

    return column_of(sentence, column, source, _COLUMN_HINT)


def _read_files(paths: Sequence[str], names: Sequence[str], tag_column: int, options: Options,
                missing: frozenset[str], keep_tokens: bool) -> Corpus:
    """Read annotators' CoNLL files (paths, ``-``, FIFOs, ``.gz``) once each, in aligned
    blocks of whole sentences, into a :class:`Corpus` of integer tag ids.

    Raises:
        DataError: a file that ends early or goes on, sentences of other lengths or
            tokens, a missing tag column (each naming the files, sentence and lines).
    """
    from ..core.source import blocks_aligned, side_ids
    from ..core.vocab import TagVocabulary

    readers: list[BlockReader] = []
    try:
        for path in paths:
            readers.append(_reader(path, options, (tag_column,)))
        vocab = TagVocabulary(False, "auto", False)  # only interns tags: lenient parsing never refuses one
        ids: list[list] = [[] for _ in readers]
        lines: list[list] = [[] for _ in readers]
        firsts, documents, tokens, done = [], [], 0, 0
        token_text: list[str] | None = [] if keep_tokens else None
        while (first_block := readers[0].take()) is not None:
            blocks = [first_block] + [r.take(first_block.n_sentences, readers[0].bytes_taken) for r in readers[1:]]
            for block, reader in zip(blocks[1:], readers[1:]):
                if not (isinstance(first_block, Block) and isinstance(block, Block)
                        and blocks_aligned(first_block, block, tag_column, tag_column)):
                    _check_blocks(first_block, block, readers[0], reader, done, tag_column)
            for k, (block, reader) in enumerate(zip(blocks, readers)):
                ids[k].append(side_ids(block, tag_column, vocab, reader.name, _COLUMN_HINT))
                lines[k].append(block.token_line)
            tokens = _add_layout(first_block, tokens, firsts, documents, token_text)
            done += first_block.n_sentences
        for reader in readers[1:]:
            extra = reader.take(1)
            if extra is not None:
                _raise_uneven([readers[0], reader], [None, extra.sentence(0)], done)
    finally:
        for reader in readers:
            reader.close()
    corpus = Corpus([Annotation(n, r.name, tags=None, reader=r) for n, r in zip(names, readers)])
    if not _fill_arrays(corpus, vocab, ids, lines, firsts, tokens, missing, token_text):
        return corpus
    _note_documents(corpus, documents, readers[0].documents)
    documents = {r.name: r.documents for r in readers}
    if len(set(documents.values())) > 1:
        listed = ", ".join(f"{name} has {n}" for name, n in documents.items())
        corpus.warnings.append(f"-DOCSTART- lines differ: {listed}; documents are taken from each pair's reference")
    return corpus


def _fill_arrays(corpus: Corpus, vocab, ids: list[list], lines: list[list], firsts: list, tokens: int,
                 missing: frozenset[str], token_text: list[str] | None) -> bool:
    """Give each annotation of ``corpus`` its tag ids, lines and coverage from the per-block
    arrays read (one list per annotator); False when there were no tokens at all."""
    import numpy as np

    corpus.tokens = token_text
    corpus.tag_names = list(vocab.names)
    if not tokens:
        for annotation in corpus.annotations:
            annotation.ids = np.zeros(0, dtype=np.int32)
        return False
    starts = np.concatenate(firsts)
    corpus.offsets = array("q", np.append(starts, tokens).astype(np.int64).tobytes())
    is_missing = np.array([name in missing for name in vocab.names], dtype=bool)
    for k, annotation in enumerate(corpus.annotations):
        annotation.ids = np.concatenate(ids[k]).astype(np.int32)
        annotation.lines = array("i", np.concatenate(lines[k]).astype(np.int32).tobytes())
        _coverage(annotation, is_missing[annotation.ids], starts, tokens)
    return True


def _add_layout(block, tokens: int, firsts: list, documents: list, token_text: list[str] | None) -> int:
    """Add a block's sentence starts (shifted by the ``tokens`` read before it), its
    sentences' ``-DOCSTART-`` counts and, when kept, its token texts; returns the tokens
    read with it."""
    if token_text is not None:
        for k in range(block.n_sentences):
            token_text.extend(block.sentence(k).column(0))
    firsts.append(block.sentence_first + tokens)
    documents.append(block.sentence_document)
    return tokens + block.n_tokens


def _note_documents(corpus: Corpus, per_block: list, docstarts: int) -> None:
    """Keep each sentence's ``-DOCSTART-`` count (blocks' ``sentence_document`` arrays)
    when the input marks documents, so a consensus written as CoNLL keeps them."""
    import numpy as np

    if docstarts:
        corpus.sentence_documents = np.concatenate(per_block).astype(np.int64).tolist()
        corpus.docstarts = docstarts


def _check_blocks(first_block, block, first_reader, reader, done: int, tag_column: int) -> None:
    """The precise check of two blocks the fast comparison found different (or could
    not compare): raises the error naming the first difference."""
    n = block.n_sentences if block is not None else 0
    for k in range(min(first_block.n_sentences, n)):
        _check_same_tokens([first_block.sentence(k), block.sentence(k)], [first_reader, reader], done + k + 1,
                           tag_column)
    if n < first_block.n_sentences:
        _raise_uneven([first_reader, reader], [first_block.sentence(n), None], done + n)


def _coverage(annotation: Annotation, missing_cell, starts, tokens: int) -> None:
    """Set ``labelled``, ``partial`` and ``partial_line`` from per-token missing flags, as
    :class:`_Collector` does sentence by sentence."""
    import numpy as np

    lengths = np.diff(np.append(starts, tokens))
    missing_count = np.add.reduceat(missing_cell.astype(np.int64), starts)
    annotation.labelled = bytearray((missing_count == 0).astype(np.uint8).tobytes())
    partial = np.flatnonzero((missing_count > 0) & (missing_count < lengths))
    annotation.partial = int(len(partial))
    if len(partial):
        s = int(partial[0])
        k = int(starts[s]) + int(np.argmax(missing_cell[starts[s]:starts[s] + lengths[s]]))
        annotation.partial_line = annotation.lines[k]


def _raise_uneven(readers, sentences, index: int) -> None:
    shorter = next(r.name for r, s in zip(readers, sentences) if s is None)
    longer, first = next((r.name, s) for r, s in zip(readers, sentences) if s is not None)
    raise DataError(
        f"{shorter} ends after {index} sentences but {longer} goes on "
        f"(sentence {index + 1} at {longer}:{first.lines[0]})",
        hint="every annotator's file must hold the same sentences; is one file truncated?",
    )


def _check_same_tokens(sentences: Sequence[Sentence], readers, index: int, tag_column: int) -> None:
    """Every annotator's sentence has the first one's length and (when files carry
    tokens besides tags) the same tokens, as ``evaluate`` checks gold against pred."""
    first, first_name = sentences[0], readers[0].name
    width = len(first.rows[0])
    tokens = first.column(0) if width >= 2 and tag_column % width != 0 else None
    for sentence, reader in zip(sentences[1:], readers[1:]):
        if len(sentence.rows) != len(first.rows):
            raise DataError(
                f"sentence {index} has {len(first.rows)} tokens in {first_name} (line {first.lines[0]}) "
                f"but {len(sentence.rows)} in {reader.name} (line {sentence.lines[0]})",
                hint="annotators' files must hold the same tokens; was one re-tokenized?",
            )
        other_width = len(sentence.rows[0])
        if tokens is None or other_width < 2 or tag_column % other_width == 0:
            continue
        other = sentence.column(0)
        if other != tokens:
            k = next(i for i, (a, b) in enumerate(zip(tokens, other)) if a != b)
            raise DataError(
                f"token mismatch at sentence {index}, token {k + 1}: {tokens[k]!r} at "
                f"{first_name}:{first.lines[k]} but {other[k]!r} at {reader.name}:{sentence.lines[k]}",
                hint="annotators' files must hold the same tokens in the same order",
            )


def _read_columns(path: str, columns: Sequence[int], names: Sequence[str], options: Options,
                  missing: frozenset[str], keep_tokens: bool) -> Corpus:
    """Read several tag columns of one CoNLL file (one annotator each) once, in blocks of
    whole sentences, into a :class:`Corpus` of integer tag ids, as :func:`_read_files`
    reads one column of several files (issue 15: the line engine took 3.6 s for 5
    columns of 1M tokens).

    Raises:
        DataError: a line without one of ``columns`` (naming file and line).
    """
    from ..core.source import side_ids
    from ..core.vocab import TagVocabulary

    reader = _reader(path, options, tuple(columns))
    vocab = TagVocabulary(False, "auto", False)  # only interns tags: lenient parsing never refuses one
    ids: list[list] = [[] for _ in columns]
    lines: list = []
    firsts, documents, tokens = [], [], 0
    token_text: list[str] | None = [] if keep_tokens else None
    try:
        while (block := reader.take()) is not None:
            for k, column in enumerate(columns):
                ids[k].append(side_ids(block, column, vocab, reader.name, _COLUMN_HINT))
            lines.append(block.token_line)
            tokens = _add_layout(block, tokens, firsts, documents, token_text)
    finally:
        reader.close()
    sources = [f"{reader.name}[{c}]" for c in columns]
    corpus = Corpus([Annotation(n, s, tags=None, reader=reader) for n, s in zip(names, sources)])
    if _fill_arrays(corpus, vocab, ids, [lines] * len(columns), firsts, tokens, missing, token_text):
        _note_documents(corpus, documents, reader.documents)
    return corpus


class _Tagged(NamedTuple):
    """One annotator's sentence from a file of any format."""

    tokens: list[str] | None  # None: a CoNLL file with no token column besides the tags
    tags: list[str]
    lines: Sequence[int]  # per token: its line (JSON Lines), task (Label Studio) or doc (DocBin)


class _FormatInput:
    """One annotator's file in any format, as :class:`_Tagged` sentences.

    CoNLL files go through the same :class:`~seqeval_suite.io.conll.BlockReader` as the all-CoNLL path, so
    ``--tag-column``, ``--delimiter`` and conlleval splitting mean the same; the other
    formats go through :func:`~seqeval_suite.io.formats.read_tagged`.
    """

    def __init__(self, path: str, fmt: str, tag_column: int, options: Options, labels, alignment: str,
                 missing: frozenset[str] = frozenset()) -> None:
        self.format = fmt
        # DocBin tokens with no NER annotation were not labelled: they become a missing
        # cell, so a sentence partly without annotation is left out and counted.
        self.missing_cell = ("?" if "?" in missing else min(missing)) if missing else None
        self.tag_column = tag_column
        self.name = display_name(path)
        self.conll: BlockReader | None = None
        self.tagged = None
        if fmt == "conll":
            self.conll = _reader(path, options)
        else:
            from .formats import read_tagged

            self.tagged = read_tagged(path, format=fmt, labels=labels, alignment=alignment,
                                      encoding=options.encoding)

    @property
    def warnings(self) -> list[str]:
        """What the reader repaired (spans snapped to tokens, overlaps dropped)."""
        return list(self.tagged.warnings) if self.tagged is not None else []

    def where(self, line: int) -> str:
        """A place in the file as messages name it: line, Label Studio task or DocBin doc."""
        if self.format == "labelstudio":
            return f"{self.name} task {line}"
        if self.format == "spacy":
            return f"{self.name} doc {line}"
        return f"{self.name}:{line}"

    def __iter__(self) -> Iterator[_Tagged]:
        if self.conll is not None:
            column = self.tag_column
            for sentence in self.conll.sentences():
                width = len(sentence.rows[0])
                tokens = sentence.column(0) if width >= 2 and column % width != 0 else None
                yield _Tagged(tokens, _column(sentence, column, self.name), sentence.lines)
        else:
            cell = self.missing_cell
            for sentence in self.tagged:
                tags = sentence.with_missing(cell) if cell is not None and hasattr(sentence, "with_missing") \
                    else list(sentence.tags)
                yield _Tagged(list(sentence.tokens), tags, [sentence.line] * len(sentence.tags))


def _read_formats(paths: Sequence[str], formats: Sequence[str], names: Sequence[str], tag_column: int,
                  options: Options, missing: frozenset[str], keep_tokens: bool, labels, alignment: str) -> Corpus:
    """Read annotators' files of any formats (at least one not CoNLL), checking that they align."""
    inputs = [_FormatInput(p, f, tag_column, options, labels, alignment, missing) for p, f in zip(paths, formats)]
    # Documents mean different things across formats (-DOCSTART- blocks, records,
    # DocBin docs), so pair reports carry no reader and are not compared on them.
    corpus = Corpus([Annotation(n, i.name) for n, i in zip(names, inputs)])
    collect = _Collector(corpus, missing, keep_tokens)
    iterators = [iter(i) for i in inputs]
    index = 0
    while True:
        sentences = [next(it, None) for it in iterators]
        if all(s is None for s in sentences):
            break
        if any(s is None for s in sentences):
            _raise_uneven_formats(inputs, sentences, index)
        index += 1
        tokens = _check_same_format_tokens(sentences, inputs, index)
        collect.add([s.tags for s in sentences], [s.lines for s in sentences], tokens if keep_tokens else None)
    for i in inputs:
        corpus.warnings.extend(i.warnings)
    return corpus


def _raise_uneven_formats(inputs: Sequence[_FormatInput], sentences: Sequence[_Tagged | None], index: int) -> None:
    shorter = next(i.name for i, s in zip(inputs, sentences) if s is None)
    longer, first = next((i, s) for i, s in zip(inputs, sentences) if s is not None)
    raise DataError(
        f"{shorter} ends after {index} sentences but {longer.name} goes on "
        f"(sentence {index + 1} at {longer.where(first.lines[0])})",
        hint="every annotator's file must hold the same sentences; is one file truncated?",
    )


def _check_same_format_tokens(sentences: Sequence[_Tagged], inputs: Sequence[_FormatInput],
                              index: int) -> list[str] | None:
    """Every annotator's sentence has the same length and, where a file carries tokens,
    the same tokens as the first annotator that carries them. Returns those tokens."""
    k_ref = next((k for k, s in enumerate(sentences) if s.tokens is not None), 0)
    ref, ref_in = sentences[k_ref], inputs[k_ref]
    for sentence, other in zip(sentences, inputs):
        if sentence is ref:
            continue
        both = ref.tokens is not None and sentence.tokens is not None
        k = _first_difference(ref.tokens, sentence.tokens) if both else None
        if len(sentence.tags) != len(ref.tags):
            first = "" if k is None else f"; they first differ at token {k + 1}: " + _token_pair(ref, sentence, k)
            raise DataError(
                f"sentence {index} has {len(ref.tags)} tokens at {ref_in.where(ref.lines[0])} "
                f"but {len(sentence.tags)} at {other.where(sentence.lines[0])}{first}",
                hint="annotators' files must hold the same tokens; was one re-tokenized?",
            )
        if k is not None:
            raise DataError(
                f"token mismatch at sentence {index}, token {k + 1}: {ref.tokens[k]!r} at "
                f"{ref_in.where(ref.lines[k])} but {sentence.tokens[k]!r} at {other.where(sentence.lines[k])}",
                hint="annotators' files must hold the same tokens in the same order",
            )
    return ref.tokens if ref.tokens is not None else ref.tags


def _first_difference(a: Sequence[str], b: Sequence[str]) -> int | None:
    """The first index where two token lists differ (a missing token counts), or None."""
    for k, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return k
    return None if len(a) == len(b) else min(len(a), len(b))


def _token_pair(a: _Tagged, b: _Tagged, k: int) -> str:
    def token(s: _Tagged) -> str:
        return repr(s.tokens[k]) if k < len(s.tokens) else "the sentence's end"

    return f"{token(a)} against {token(b)}"


def _read_lists(annotators: Sequence[Sequence[Sequence[str] | None]], names: Sequence[str],
                missing: frozenset[str]) -> Corpus:
    corpus = Corpus([Annotation(n, n) for n in names])
    collect = _Collector(corpus, missing, keep_tokens=False)
    counts = {len(a) for a in annotators}
    if len(counts) != 1:
        listed = ", ".join(f"{n} has {len(a)}" for n, a in zip(names, annotators))
        raise DataError(f"annotators cover different numbers of sentences: {listed}")
    for index, sentences in enumerate(zip(*annotators), 1):
        if any(isinstance(s, str) for s in sentences):
            raise UsageError("expected, per annotator, a list of sentences, each a list of tags")
        lengths = {len(s) for s in sentences if s is not None}
        if len(lengths) > 1:
            listed = ", ".join(f"{n} {len(s)}" for n, s in zip(names, sentences) if s is not None)
            raise DataError(f"sentence {index} has different lengths: {listed}")
        length = lengths.pop() if lengths else 0
        if not length:
            continue
        # None stands for a sentence the annotator did not label.
        columns = [list(s) if s is not None else ["?"] * length for s in sentences]
        for name, column in zip(names, columns):
            check_tag_strings(column, f"annotator {name}, sentence {index}",
                              hint=LABEL_ID_HINT + "; a sentence an annotator did not label is None as a whole")
        collect.add(columns, None)
    return corpus
