"""Aligned blocks of gold and predicted tag ids, from any input, each input read once.

A :class:`BlockSource` is what the scorer consumes: an iterator of :class:`AlignedBlock`
(both sides' tag ids over the same sentences, with sentence offsets and, where the
input has them, line numbers), plus the names, document counts and warnings a report
needs. :class:`ConllSource` reads CoNLL inputs with
:class:`~seqeval_suite.io.conll.BlockReader` (paths, stdin, FIFOs, ``.gz``; numpy
parsing where the bytes allow it, the line reader from there on otherwise);
:class:`TaggedSource` batches two :func:`~seqeval_suite.io.formats.read_tagged`
readers (JSON Lines, Label Studio, DocBin); :class:`PairBlockSource` any stream of
sentence pairs (Python lists, a spaCy pipeline's output, mapped tags);
:class:`ArraySource` tag-id arrays already in memory (agreement's corpus).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ..errors import DataError
from ..io.conll import Block, BlockReader, Sentence, head
from ..io.tagged import TaggedSentence
from .options import Options


@dataclass(slots=True)
class AlignedBlock:
    """Whole sentences of both sides.

    ``gold``/``pred`` are int64 tag ids (one vocabulary), ``sentence_first`` the index of
    each sentence's first token, ``gold_line``/``pred_line`` the 1-based line of each
    token (None when the input has no lines), ``tokens`` the token strings per sentence
    (only when the source was asked to keep them), ``documents`` per sentence the
    ``-DOCSTART-`` lines before it in gold (CoNLL input only).
    """

    gold: object
    pred: object
    sentence_first: object
    gold_line: object = None
    pred_line: object = None
    tokens: list | None = None
    documents: object = None

    @property
    def n_sentences(self) -> int:
        """Sentences in the block."""
        return len(self.sentence_first)


class BlockSource:
    """Base of the scorer's inputs; subclasses fill :meth:`blocks`."""

    gold_name = "gold"
    pred_name = "pred"
    one_file = False

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def blocks(self, vocab, keep_tokens: bool = False) -> Iterator[AlignedBlock]:
        """Aligned blocks, tags interned into ``vocab``."""
        raise NotImplementedError

    @property
    def documents(self) -> int:
        """Documents in gold (``-DOCSTART-`` lines) once the input is read."""
        return 0

    @property
    def ends_with_boundary(self) -> bool:
        """Whether the gold input ends with a boundary line (conlleval.pl's last step)."""
        return True

    def empty_error(self) -> DataError:
        """The error for input without a sentence."""
        return DataError("no tokens to score", hint="the input holds no sentences")

    def trailing_column(self, side: str) -> bool:
        """Whether ``side``'s (``gold`` or ``pred``) tags are the last field of lines split
        on an explicit delimiter, so that empty tags may come from lines ending with it."""
        return False


# ----------------------------------------------------------------------------- CoNLL
def side_ids(block, column: int, vocab, name: str, hint: str | None = None):
    """Tag ids of one column of a :class:`~seqeval_suite.io.conll.Block` or
    :class:`~seqeval_suite.io.conll.LineBlock`.

    Raises:
        DataError: a sentence has no such column (naming ``name`` and the line; ``hint``
            replaces the default advice).
    """
    if isinstance(block, Block):
        return vocab.ids(block, block.column_fields(column))
    tags = []
    for sentence in block.sentences:
        tags.extend(column_of(sentence, column, name, hint or _COLUMN_HINT))
    return vocab.ids_of(tags)


_COLUMN_HINT = ("one-file input needs 'token ... gold pred'; give the prediction file too, "
                "or --gold-column/--pred-column")


def column_of(sentence: Sentence, column: int, name: str, hint: str = _COLUMN_HINT) -> list[str]:
    """One column of a sentence.

    Raises:
        DataError: the sentence's lines have no such column (``hint`` says what to do).
    """
    try:
        return sentence.column(column)
    except IndexError:
        width = len(sentence.rows[0])
        raise DataError(
            f"{name}:{sentence.lines[0]}: no column {column}: the line has {width} column{'s' if width != 1 else ''}",
            hint=hint,
        ) from None


def _block_tokens(block) -> list[list[str]]:
    return [block.sentence(k).column(0) for k in range(block.n_sentences)]


class ConllSource(BlockSource):
    """One CoNLL input (``token ... gold pred``), or a gold input and one or more
    prediction inputs read side by side (``compare`` scores two systems in one pass,
    reading gold once)."""

    def __init__(self, gold: str, pred: str | list[str] | None, options: Options) -> None:
        super().__init__()
        conlleval = options.mode == "conlleval"
        preds = [] if pred is None else list(pred) if isinstance(pred, (list, tuple)) else [pred]
        self.one_file = not preds
        g_col, p_col = (-2, -1) if self.one_file else (-1, -1)
        self.g_col = g_col if options.gold_column is None else options.gold_column
        self.p_col = p_col if options.pred_column is None else options.pred_column
        self.conlleval = conlleval
        self.delimiter = options.delimiter
        opts = dict(conlleval=conlleval, delimiter=options.delimiter, comments=options.comments,
                    encoding=options.encoding)
        g_cols = (self.g_col, self.p_col) if self.one_file else (self.g_col,)
        self.gold_reader = BlockReader(str(gold), columns=g_cols, **opts)
        self.pred_readers: list[BlockReader] = []
        try:
            for path in preds:
                self.pred_readers.append(BlockReader(str(path), columns=(self.p_col,), **opts))
        except BaseException:
            self.close()
            raise
        self.gold_name = self.gold_reader.name
        self.pred_name = self.pred_readers[0].name if self.pred_readers else self.gold_name
        #: One view per prediction input (this source is the first): its names and warnings.
        self.views: list[BlockSource] = [self] + [_PredView(self, r.name) for r in self.pred_readers[1:]]

    @property
    def pred_reader(self) -> BlockReader | None:
        """The (first) prediction input's reader; None for one-file input."""
        return self.pred_readers[0] if self.pred_readers else None

    def close(self) -> None:
        """Close every input."""
        for reader in (self.gold_reader, *self.pred_readers):
            reader.close()

    @property
    def documents(self) -> int:
        return self.gold_reader.documents

    @property
    def ends_with_boundary(self) -> bool:
        return self.gold_reader.ends_with_boundary

    def empty_error(self) -> DataError:
        for reader in (self.gold_reader, *self.pred_readers):
            if not reader.nonblank:
                return reader.empty_error()
        return super().empty_error()

    def trailing_column(self, side: str) -> bool:
        return self.delimiter is not None and (self.g_col if side == "gold" else self.p_col) == -1

    def side_blocks(self) -> Iterator[tuple]:
        """``(gold block, [pred block per prediction input], sentences before them)``,
        checked for alignment; one-file input gives the gold block as its prediction."""
        g_reader = self.gold_reader
        done = 0
        try:
            while True:
                g_block = g_reader.take()
                if g_block is None:
                    break
                if self.one_file:
                    if self.conlleval:
                        self._check_two_fields(g_block)
                    p_blocks = [g_block]
                else:
                    p_blocks = [r.take(g_block.n_sentences, g_reader.bytes_taken) for r in self.pred_readers]
                    problems = [p for p in (self._misaligned(g_block, b, done, v.pred_name)
                                            for b, v in zip(p_blocks, self.views)) if p is not None]
                    if problems:
                        # The sentences before the first bad one are scored first, so that
                        # a problem there (a tag strict mode refuses) is the one reported,
                        # as when sentences are read one at a time.
                        k, error = min(problems, key=lambda p: p[0])
                        if k:
                            yield head(g_block, k), [head(b, k) for b in p_blocks], done
                        raise error
                yield g_block, p_blocks, done
                done += g_block.n_sentences
            for reader, view in zip(self.pred_readers, self.views):
                extra = reader.take(1)
                if extra is not None:
                    raise _ends_error(done, view.pred_name, self.gold_name, extra.sentence(0).lines[0])
                if g_reader.documents != reader.documents:
                    view.warnings.append(
                        f"-DOCSTART- lines differ: {self.gold_name} has {g_reader.documents}, "
                        f"{view.pred_name} has {reader.documents}; documents are taken from gold"
                    )
        finally:
            self.close()

    def blocks(self, vocab, keep_tokens: bool = False) -> Iterator[AlignedBlock]:
        for aligned in self.blocks_each(vocab, keep_tokens):
            yield aligned[0]

    def blocks_each(self, vocab, keep_tokens: bool = False) -> Iterator[list[AlignedBlock]]:
        """Per step, one :class:`AlignedBlock` per prediction input (gold read once)."""
        for g_block, p_blocks, _ in self.side_blocks():
            g_ids = side_ids(g_block, self.g_col, vocab, self.gold_name)
            tokens = _block_tokens(g_block) if keep_tokens and self._has_tokens(g_block) else None
            # conlleval.pl reads -DOCSTART- as a token: one document, as its sentences say.
            documents = g_block.sentence_document * 0 if self.conlleval else g_block.sentence_document
            yield [AlignedBlock(g_ids, side_ids(p_block, self.p_col, vocab, view.pred_name), g_block.sentence_first,
                                g_block.token_line, p_block.token_line, tokens, documents)
                   for p_block, view in zip(p_blocks, self.views)]

    def sentence_pairs(self) -> Iterator[tuple]:
        """``(gold tags, pred tags, gold lines, pred lines, tokens or None)`` per sentence,
        as Python lists (for analyses that need strings, not ids)."""
        for g_block, (p_block, *_), _ in self.side_blocks():
            for k in range(g_block.n_sentences):
                g = g_block.sentence(k)
                p = g if p_block is g_block else p_block.sentence(k)
                width = len(g.rows[0])
                tokens = g.column(0) if self.g_col % width != 0 else None
                yield (column_of(g, self.g_col, self.gold_name), column_of(p, self.p_col, self.pred_name),
                       g.lines, p.lines, tokens)

    def _has_tokens(self, block) -> bool:
        sentence = block.sentence(0)
        width = len(sentence.rows[0])
        return self.g_col % width != 0

    def _check_two_fields(self, block) -> None:
        sentence = block.sentence(0)
        width = len(sentence.rows[0])
        if width < 2:
            raise DataError(
                f"{self.gold_name}:{sentence.lines[0]}: unexpected number of features: "
                f"{width} field where conlleval.pl needs at least 2",
                hint="the file needs 'token ... gold pred'; for tab-separated files pass --delimiter '\\t'",
            )

    def _misaligned(self, g_block, p_block, done: int, pred_name: str) -> tuple[int, DataError] | None:
        """None when the blocks hold the same sentences, lengths and tokens (where both
        inputs carry tokens); else the block's first bad sentence and the error for it."""
        if (isinstance(g_block, Block) and isinstance(p_block, Block)
                and blocks_aligned(g_block, p_block, self.g_col, self.p_col)):
            return None
        n_pred = p_block.n_sentences if p_block is not None else 0
        for k in range(min(g_block.n_sentences, n_pred)):
            try:
                check_aligned(g_block.sentence(k), p_block.sentence(k), done + k + 1, self.gold_name,
                              pred_name, self.g_col, self.p_col)
            except DataError as error:
                return k, error
        if n_pred < g_block.n_sentences:
            return n_pred, _ends_error(done + n_pred, self.gold_name, pred_name,
                                       g_block.sentence(n_pred).lines[0])
        return None


class _PredView(BlockSource):
    """A further prediction input of a :class:`ConllSource`: its own name and warnings,
    the source's gold."""

    def __init__(self, source: ConllSource, pred_name: str) -> None:
        super().__init__()
        self.source = source
        self.gold_name, self.pred_name = source.gold_name, pred_name

    @property
    def documents(self) -> int:
        return self.source.documents

    @property
    def ends_with_boundary(self) -> bool:
        return self.source.ends_with_boundary

    def empty_error(self) -> DataError:
        return self.source.empty_error()

    def trailing_column(self, side: str) -> bool:
        return self.source.trailing_column(side)


def check_aligned(g: Sentence, p: Sentence, index: int, g_name: str, p_name: str, gold_col: int,
                  pred_col: int) -> None:
    """Sentences must have the same length and, when both files carry tokens, the same tokens.

    Raises:
        DataError: naming both files, the sentence, the lines and the first difference.
    """
    if len(g.rows) != len(p.rows):
        raise length_error(index, len(g.rows), len(p.rows), f"{g_name} (line {g.lines[0]})",
                           f"{p_name} (line {p.lines[0]})")
    g_width, p_width = len(g.rows[0]), len(p.rows[0])
    if g_width < 2 or p_width < 2 or gold_col % g_width == 0 or pred_col % p_width == 0:
        return
    for k, (g_row, p_row) in enumerate(zip(g.rows, p.rows)):
        if g_row[0] != p_row[0]:
            raise token_error(index, k, g_row[0], p_row[0], f"{g_name}:{g.lines[k]}", f"{p_name}:{p.lines[k]}")


def length_error(index: int, n_gold: int, n_pred: int, gold_where: str, pred_where: str) -> DataError:
    """Sentence ``index`` (1-based) has other lengths in the two inputs."""
    return DataError(f"sentence {index} has {n_gold} tokens in {gold_where} but {n_pred} in {pred_where}",
                     hint="the files must hold the same tokens; was the prediction re-tokenized?")


def token_error(index: int, k: int, gold_token: str, pred_token: str, gold_where: str,
                pred_where: str) -> DataError:
    """Token ``k`` (0-based) of sentence ``index`` (1-based) differs between the inputs."""
    return DataError(f"token mismatch at sentence {index}, token {k + 1}: {gold_token!r} at {gold_where} "
                     f"but {pred_token!r} at {pred_where}",
                     hint="gold and prediction must hold the same tokens in the same order")


def blocks_aligned(g_block: Block, p_block: Block, g_col: int, p_col: int) -> bool:
    """Whether two byte blocks hold the same sentences, lengths and (where both files
    carry them) tokens: one vectorised comparison, 8 bytes at a time."""
    import numpy as np

    from .vocab import MASKS

    if p_block.n_sentences != g_block.n_sentences or p_block.n_tokens != g_block.n_tokens:
        return False
    if not np.array_equal(g_block.sentence_first, p_block.sentence_first):
        return False
    gw, pw = g_block.token_width, p_block.token_width
    check = np.flatnonzero((gw >= 2) & (pw >= 2) & (g_col % gw != 0) & (p_col % pw != 0))
    if not len(check):
        return True
    g_field, p_field = g_block.token_first_field[check], p_block.token_first_field[check]
    g_start, p_start = g_block.field_start[g_field], p_block.field_start[p_field]
    g_len = g_block.field_end[g_field] - g_start
    if not np.array_equal(g_len, p_block.field_end[p_field] - p_start):
        return False
    g_words, p_words = g_block.words(), p_block.words()
    offset = 0
    while len(g_len):  # compare 8 bytes at a time, dropping tokens already compared
        mask = MASKS[np.minimum(g_len, 8)]
        if not np.array_equal(g_words[g_start + offset] & mask, p_words[p_start + offset] & mask):
            return False
        longer = g_len > 8
        g_start, p_start, g_len = g_start[longer], p_start[longer], g_len[longer] - 8
        offset += 8
    return True


# ------------------------------------------------------------------ sentence pairs
#: Tokens per block when batching sentence pairs.
PAIR_BLOCK_TOKENS = 1 << 15


class PairBlockSource(BlockSource):
    """Batches a :class:`~seqeval_suite.evaluate.PairSource` (any reader of Python
    sentence pairs) into aligned blocks of tag ids."""

    def __init__(self, source) -> None:
        super().__init__()
        self.source = source
        self.gold_name, self.pred_name = source.gold_name, source.pred_name
        self.warnings = source.warnings  # the reader may add to them while it is read

    @property
    def documents(self) -> int:
        return self.source.documents

    @property
    def ends_with_boundary(self) -> bool:
        readers = self.source.readers
        return readers[0].ends_with_boundary if readers else True

    def empty_error(self) -> DataError:
        for reader in self.source.readers:
            if hasattr(reader, "empty_error") and not reader.nonblank:
                return reader.empty_error()
            if getattr(reader, "nonblank_lines", None) == 0:
                what = "is empty" if reader.lines_read == 0 else "has only blank lines"
                return DataError(f"{reader.name} {what}: no tokens to score", hint="is this the right file?")
        return super().empty_error()

    def blocks(self, vocab, keep_tokens: bool = False) -> Iterator[AlignedBlock]:
        gold, pred, g_lines, p_lines, lengths, tokens = [], [], [], [], [], []
        has_lines = [True, True]
        for pair in self.source.pairs:
            n = len(pair.gold)
            if not n:  # empty sentences are not counted (SPEC §2)
                continue
            gold.extend(pair.gold)
            pred.extend(pair.pred)
            for k, (lines, into) in enumerate(((pair.gold_lines, g_lines), (pair.pred_lines, p_lines))):
                if lines is None:
                    has_lines[k] = False
                elif has_lines[k]:
                    into.extend(lines)
            lengths.append(n)
            if keep_tokens:
                tokens.append(pair.tokens)
            if len(gold) >= PAIR_BLOCK_TOKENS:
                yield self._block(vocab, gold, pred, g_lines, p_lines, lengths, tokens, has_lines, keep_tokens)
                gold, pred, g_lines, p_lines, lengths, tokens = [], [], [], [], [], []
        if lengths:
            yield self._block(vocab, gold, pred, g_lines, p_lines, lengths, tokens, has_lines, keep_tokens)

    @staticmethod
    def _block(vocab, gold, pred, g_lines, p_lines, lengths, tokens, has_lines, keep_tokens) -> AlignedBlock:
        import numpy as np

        first = np.concatenate(([0], np.cumsum(np.array(lengths[:-1], dtype=np.int64)))).astype(np.int64)
        return AlignedBlock(
            vocab.ids_of(gold), vocab.ids_of(pred), first,
            np.array(g_lines, dtype=np.int64) if has_lines[0] else None,
            np.array(p_lines, dtype=np.int64) if has_lines[1] else None,
            tokens if keep_tokens else None,
        )


# ------------------------------------------------------------------ arrays in memory
#: Tokens per block when scoring arrays already in memory.
ARRAY_BLOCK_TOKENS = 1 << 20


class ArraySource(BlockSource):
    """Two sides already held as tag-id arrays over one list of tag names (an
    agreement corpus), restricted to some sentences, scored in blocks.

    Args:
        tag_names: the names the ids index.
        gold_ids, pred_ids: int arrays, one id per token of the whole corpus.
        starts: int64 array, the first token of every corpus sentence, then the corpus size.
        sentences: the corpus sentences to score (sorted int array).
        gold_line, pred_line: per-token line arrays, or None.
        names: ``(gold name, pred name)`` as messages show them.
        reader: the gold side's reader (documents, conlleval.pl's last boundary), or None.
    """

    def __init__(self, tag_names: list[str], gold_ids, pred_ids, starts, sentences, gold_line=None,
                 pred_line=None, *, names: tuple[str, str] = ("gold", "pred"), reader=None) -> None:
        super().__init__()
        self.tag_names = tag_names
        self.gold_ids, self.pred_ids = gold_ids, pred_ids
        self.starts, self.sentences = starts, sentences
        self.gold_line, self.pred_line = gold_line, pred_line
        self.gold_name, self.pred_name = names
        self.reader = reader

    @property
    def documents(self) -> int:
        return self.reader.documents if self.reader is not None else 0

    @property
    def ends_with_boundary(self) -> bool:
        return self.reader.ends_with_boundary if self.reader is not None else True

    def blocks(self, vocab, keep_tokens: bool = False) -> Iterator[AlignedBlock]:
        import numpy as np

        remap = vocab.ids_of(self.tag_names)
        starts, chosen = self.starts, self.sentences
        if not len(chosen):
            return
        lengths = starts[chosen + 1] - starts[chosen]
        # Blocks of whole sentences of about ARRAY_BLOCK_TOKENS tokens each.
        cut = np.searchsorted(np.cumsum(lengths), np.arange(1, int(lengths.sum()) // ARRAY_BLOCK_TOKENS + 1)
                              * ARRAY_BLOCK_TOKENS)
        for part in np.split(np.arange(len(chosen)), np.unique(cut[(cut > 0) & (cut < len(chosen))])):
            sentence, length = chosen[part], lengths[part]
            if int(sentence[-1]) - int(sentence[0]) + 1 == len(part):  # consecutive sentences: a view
                tokens = slice(int(starts[sentence[0]]), int(starts[sentence[-1] + 1]))
            else:
                tokens = np.repeat(starts[sentence] - np.concatenate(([0], np.cumsum(length)[:-1])), length) \
                    + np.arange(int(length.sum()))
            first = np.concatenate(([0], np.cumsum(length)[:-1])).astype(np.int64)
            yield AlignedBlock(
                remap[self.gold_ids[tokens]], remap[self.pred_ids[tokens]], first,
                self.gold_line[tokens] if self.gold_line is not None else None,
                self.pred_line[tokens] if self.pred_line is not None else None,
            )


# ------------------------------------------------------------- tagged files (JSON etc.)
def _zip_tagged(gold, pred):
    """Pairs of sentences; a file that ends first is an error naming both files."""
    gold_iter, pred_iter = iter(gold), iter(pred)
    index = 0
    while True:
        g, p = next(gold_iter, None), next(pred_iter, None)
        if g is None and p is None:
            return
        if g is None or p is None:
            longer, shorter = (gold.path, pred.path) if g is not None else (pred.path, gold.path)
            raise _ends_error(index, longer, shorter, (g or p).line)
        index += 1
        yield g, p


def check_tagged_aligned(g, p, index: int, g_name: str, p_name: str) -> None:
    """Two :class:`~seqeval_suite.io.tagged.TaggedSentence` must hold the same tokens.

    Raises:
        DataError: naming both files, the sentence, its lines and the first difference.
    """
    g_where, p_where = f"{g_name}:{g.line}", f"{p_name}:{p.line}"
    if len(g.tokens) != len(p.tokens):
        raise length_error(index, len(g.tokens), len(p.tokens), f"{g_name} (line {g.line})",
                           f"{p_name} (line {p.line})")
    if g.tokens == p.tokens:
        return
    k = next(k for k, (a, b) in enumerate(zip(g.tokens, p.tokens)) if a != b)
    raise token_error(index, k, g.tokens[k], p.tokens[k], g_where, p_where)


def aligned_tagged(gold, pred) -> Iterator[tuple]:
    """Pairs of :class:`~seqeval_suite.io.tagged.TaggedSentence` of two readers,
    checked to hold the same tokens (errors name both files)."""
    for index, (g, p) in enumerate(_zip_tagged(gold, pred), 1):
        check_tagged_aligned(g, p, index, gold.path, pred.path)
        yield g, masked_pred(g, p)


def masked_pred(g, p):
    """``p`` as scored against gold ``g``: a gold sentence with tokens of no NER
    annotation (a DocBin's :class:`~seqeval_suite.io.docbin.PartlyAnnotated`) masks
    the predicted entities touching them, as spaCy's scorer leaves them out."""
    return g.masked(p) if type(g) is not TaggedSentence and hasattr(g, "masked") else p


class TaggedSource(BlockSource):
    """Two :func:`~seqeval_suite.io.formats.read_tagged` readers (JSON Lines, Label
    Studio, DocBin, CoNLL) batched into aligned blocks, with no per-token objects."""

    def __init__(self, gold, pred) -> None:
        super().__init__()
        self.gold, self.pred = gold, pred
        self.gold_name, self.pred_name = gold.path, pred.path

    @property
    def documents(self) -> int:
        return self.gold.documents

    def blocks(self, vocab, keep_tokens: bool = False) -> Iterator[AlignedBlock]:
        # One flat loop (this runs once per sentence): _zip_tagged and aligned_tagged's
        # checks, inlined.
        gold, pred = self.gold, self.pred
        pred_iter = iter(pred)
        batch = _TaggedBatch()
        index = 0
        for g in gold:
            p = next(pred_iter, None)
            if p is None:
                raise _ends_error(index, gold.path, pred.path, g.line)
            index += 1
            if g.tokens != p.tokens:
                check_tagged_aligned(g, p, index, gold.path, pred.path)
            if type(g) is not TaggedSentence:
                p = masked_pred(g, p)
            if g.tags:
                batch.add(g, p, keep_tokens)
                if len(batch.gold) >= PAIR_BLOCK_TOKENS:
                    yield batch.block(vocab, keep_tokens)
                    batch = _TaggedBatch()
        extra = next(pred_iter, None)
        if extra is not None:
            raise _ends_error(index, pred.path, gold.path, extra.line)
        if batch.lengths:
            yield batch.block(vocab, keep_tokens)
        self.warnings.extend(gold.warnings + pred.warnings)


def _ends_error(index: int, longer: str, shorter: str, line: int) -> DataError:
    return DataError(
        f"{shorter} ends after {index} sentences but {longer} goes on "
        f"(sentence {index + 1} at {longer}:{line})",
        hint="is the prediction file truncated, or the wrong file?",
    )


class _TaggedBatch:
    def __init__(self) -> None:
        self.gold, self.pred, self.lengths, self.g_line, self.p_line, self.tokens = [], [], [], [], [], []

    def add(self, g, p, keep_tokens: bool) -> None:
        self.gold += g.tags
        self.pred += p.tags
        self.lengths.append(len(g.tags))
        self.g_line.append(g.line)
        self.p_line.append(p.line)
        if keep_tokens:
            self.tokens.append(list(g.tokens))

    def block(self, vocab, keep_tokens: bool) -> AlignedBlock:
        import numpy as np

        lengths = np.array(self.lengths, dtype=np.int64)
        first = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
        return AlignedBlock(vocab.ids_of(self.gold), vocab.ids_of(self.pred), first,
                            np.repeat(np.array(self.g_line, dtype=np.int64), lengths),
                            np.repeat(np.array(self.p_line, dtype=np.int64), lengths),
                            self.tokens if keep_tokens else None)
