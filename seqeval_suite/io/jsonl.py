"""JSON readers and writers: token/tag JSON Lines, character-offset spans, Label Studio.

Dialects of JSON Lines, sniffed per record:

* ``tokens`` — ``{"tokens": [...], "tags": [...]}`` or Hugging Face's
  ``{"tokens": [...], "ner_tags": [...]}`` with tag names, or integer ids plus a label
  list (``labels=``, as in the dataset's ``features``);
* ``prodigy`` — ``{"text": ..., "spans": [{"start", "end", "label"}, ...]}``
  (Prodigy's ``tokens``, when present and consistent with ``text``, are used as the
  tokenization; records answered ``reject`` or ``ignore`` are skipped; answers from
  Prodigy's binary interfaces, ``_view_id`` ``ner`` or ``classification`` as
  ``ner.teach`` writes them, are refused: one accepted or rejected suggestion is not
  a complete annotation);
* ``doccano`` — ``{"text": ..., "label": [[start, end, label], ...]}`` (also
  ``labels``, and ``entities`` as ``{"start_offset", "end_offset", "label"}``), and
  doccano 1.2's export ``annotations`` as ``{"label": <id>, "start_offset",
  "end_offset", "user"}``, whose integer label ids need the label names (``labels=``:
  doccano's label export or names for ids 1, 2, ..., see :func:`load_label_ids`). A
  file read here is one annotator:
  a record with several doccano users' spans is refused (``agree`` reads such a file
  as one annotator per user, :mod:`seqeval_suite.io.exports`).

Label Studio's export is one JSON array of tasks (``data.text`` and the one
annotation that was not cancelled: a task with several is refused, since a file read
here is one annotator; a labelled region without offsets is refused, one with an
empty label list is left out and counted, and one with several labels is refused by
the flat reader, which cannot tag two types on a token). Texts are tokenized with a blank spaCy English
tokenizer (no model download) and spans aligned with ``Doc.char_span``:
``alignment="strict"`` refuses a span that does not fall on token boundaries (the
error gives the count and examples), ``expand`` and ``contract`` widen or narrow it
(and a warning gives the count and examples); ``report_misaligned=True`` turns the
strict refusal into a warning and leaves such spans out (``validate`` uses it). Overlapping spans cannot be tagged:
the longest is kept and the others reported.

Nested and overlapping entities (issue 17) are read by :func:`read_jsonl_spans` and
:func:`read_labelstudio_spans` instead, as :class:`~seqeval_suite.io.tagged.SpanSentence`
with token-offset entities: the same dialects and alignment, every span kept, plus two
token-record forms for nested data, ``tokens`` + ``entities`` (token offsets) and
``tokens`` + ``layers`` (one tag list per nesting layer). Only this module and
:mod:`seqeval_suite.io.docbin` import spaCy, and only when a text must be tokenized.
"""
from __future__ import annotations

import functools
import io
import json
import os
from collections import Counter
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from ..errors import DataError, UsageError
from .tagged import DocumentCounter, SpanSentence, TaggedSentence, document_id

ALIGNMENTS = ("strict", "expand", "contract")
TAG_KEYS = ("tags", "ner_tags")
#: Keys holding a doccano record's spans: ``label``/``labels`` (JSONL exports),
#: ``entities`` (doccano 1.5+ with relations), ``annotations`` (doccano 1.2 and earlier).
DOCCANO_KEYS = ("label", "labels", "entities", "annotations")
#: Prodigy interfaces whose answers accept or reject one suggestion (``ner.teach``,
#: ``textcat.teach``, ``mark`` with them): not complete annotations of a text.
BINARY_VIEWS = frozenset({"ner", "classification"})
MAX_EXAMPLES = 3
#: Keys of a Label Studio result value (and result types) that make it a labelled region.
REGION_LABEL_KEYS = ("labels", "hypertextlabels")

#: A token entity: ``(start, end, type)``, end exclusive.
Entity = tuple[int, int, str]

#: Token records whose tags are decoded in one call of the scoring core's decoder:
#: a call per record costs about eight times its share of a batch.
DECODE_BATCH = 1024


def load_labels(labels: Sequence[str] | str | None) -> list[str] | None:
    """A label list from a list, a comma-separated string, or a file with one name a line.

    >>> load_labels("O,B-PER,I-PER")
    ['O', 'B-PER', 'I-PER']
    """
    if labels is None:
        return None
    if isinstance(labels, (list, tuple)):
        return _unique_labels(list(labels), "the label list")
    if os.path.isfile(labels):
        with open(labels, encoding="utf-8") as fh:
            text = fh.read()
        if text.lstrip().startswith("["):
            return _unique_labels([str(x) for x in json.loads(text)], labels)
        return _unique_labels([line.strip() for line in text.splitlines() if line.strip()], labels)
    if "," not in labels and (os.sep in labels or os.path.splitext(labels)[1] in (".txt", ".json", ".labels")):
        raise UsageError(f"--labels {labels}: no such file", hint="give a file of label names, or the names: O,B-PER,...")
    return _unique_labels([x.strip() for x in labels.split(",") if x.strip()], "--labels")


def _tag_names(labels) -> list[str] | None:
    """:func:`load_labels` of ``labels``, or None when they can only be doccano label
    ids (a mapping, doccano's label objects, :class:`LabelIds`), which name no tag ids."""
    if isinstance(labels, (Mapping, LabelIds)) or (
            isinstance(labels, (list, tuple)) and any(isinstance(x, Mapping) for x in labels)):
        return None
    return load_labels(labels)


def _unique_labels(names: list[str], where: str) -> list[str]:
    """Label names in id order; a name given twice would shift every id after it.

    Raises:
        UsageError: naming the repeated label.
    """
    seen: set[str] = set()
    for k, name in enumerate(names):
        if name in seen:
            raise UsageError(f"{where}: label {name!r} is given twice (again as id {k})",
                             hint="each label name once, in id order")
        seen.add(name)
    return names


@dataclass(frozen=True)
class LabelIds:
    """doccano label ids and their names, and where they came from (for messages)."""

    names: dict[int, str]
    source: str

    def name(self, label_id: int, where) -> str:
        """The name of ``label_id``.

        Raises:
            DataError: an id these labels do not name, naming ``where``.
        """
        try:
            return self.names[label_id]
        except KeyError:
            raise DataError(f"{where}: label id {label_id} is not among the {len(self.names)} labels of "
                            f"{self.source} (ids {_id_list(self.names)})",
                            hint="pass this project's label export from doccano (a JSON list of "
                                 '{"id": ..., "text": ...}), whose ids are the ones the annotations use') from None


def load_label_ids(labels) -> LabelIds | None:
    """Names for doccano 1.2's integer label ids.

    Accepts doccano's label export (a JSON list of ``{"id": 3, "text": "PER", ...}``,
    as a file or a list), a JSON object or mapping ``{id: name}``, or label names in id
    order (a list, ``"PER,ORG"`` or a file with one a line, or a JSON list of strings):
    the first is id 1, since doccano's ids are database keys counted from 1. A
    project's ids start at 1 only in a fresh database; the label export is exact.

    Raises:
        UsageError: a file that is not one of these, a label without an integer id or
            a name, an id or a name given twice.

    >>> load_label_ids([{"id": 4, "text": "PER"}, {"id": 5, "text": "ORG"}]).names
    {4: 'PER', 5: 'ORG'}
    >>> load_label_ids("PER,ORG").names
    {1: 'PER', 2: 'ORG'}
    """
    if labels is None or isinstance(labels, LabelIds):
        return labels
    if isinstance(labels, Mapping):
        return _from_mapping(labels, "the label mapping")
    if isinstance(labels, (list, tuple)):
        if labels and all(isinstance(x, Mapping) for x in labels):
            return _from_doccano(labels, "the label list")
        return _numbered([str(x) for x in labels], "the label list")
    path = str(labels)
    if not os.path.isfile(path):
        return _numbered(load_labels(path), "--labels")  # comma-separated names (refuses a missing file)
    with open(path, encoding="utf-8-sig") as fh:
        text = fh.read()
    if not text.lstrip().startswith(("[", "{")):
        return _numbered(load_labels(path), path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"--labels {path}: not valid JSON ({exc.msg})") from None
    if isinstance(data, dict):
        return _from_mapping(data, path)
    if isinstance(data, list) and data and all(isinstance(x, dict) for x in data):
        return _from_doccano(data, path)
    if isinstance(data, list) and all(isinstance(x, str) for x in data):
        return _numbered(data, path)
    raise UsageError(f"--labels {path}: expected doccano's label export (a JSON list of objects with id and text)",
                     hint="or a JSON object {id: name}, or names one a line")


def _numbered(names: list[str], source: str) -> LabelIds:
    names = load_labels(list(names))  # refuses a name given twice
    return LabelIds({k: name for k, name in enumerate(names, 1)}, f"{source}, numbered from 1")


def _from_doccano(items, source: str) -> LabelIds:
    out: dict[int, str] = {}
    for item in items:
        label_id, name = item.get("id"), item.get("text")
        if not _is_int(label_id) or not isinstance(name, str) or not name:
            raise UsageError(f"--labels {source}: {dict(item)!r} is not a doccano label (an integer id and a text)")
        _add_label(out, label_id, name, source)
    return LabelIds(out, source)


def _from_mapping(mapping: Mapping, source: str) -> LabelIds:
    out: dict[int, str] = {}
    for key, name in mapping.items():
        try:
            label_id = int(key)
        except (TypeError, ValueError):
            raise UsageError(f"--labels {source}: key {key!r} is not an integer label id") from None
        if not isinstance(name, str) or not name:
            raise UsageError(f"--labels {source}: label id {key} has no name")
        _add_label(out, label_id, name, source)
    return LabelIds(out, source)


def _add_label(out: dict[int, str], label_id: int, name: str, source: str) -> None:
    if label_id in out:
        raise UsageError(f"--labels {source}: label id {label_id} is given twice ({out[label_id]!r}, {name!r})")
    if name in out.values():
        raise UsageError(f"--labels {source}: label {name!r} is given twice", hint="each label once")
    out[label_id] = name


def _id_list(names: Mapping[int, str]) -> str:
    ids = sorted(names)
    if ids and ids == list(range(ids[0], ids[-1] + 1)) and len(ids) > 2:
        return f"{ids[0]}..{ids[-1]}"
    return ", ".join(map(str, ids))


def sniff_dialect(record: Any) -> str | None:
    """Which JSON Lines dialect a record is in, or None.

    >>> sniff_dialect({"text": "Ann", "spans": [{"start": 0, "end": 3, "label": "PER"}]})
    'prodigy'
    >>> sniff_dialect({"text": "Ann", "label": [[0, 3, "PER"]]})
    'doccano'
    >>> sniff_dialect({"text": "Ann", "annotations": [{"label": 4, "start_offset": 0, "end_offset": 3, "user": 1}]})
    'doccano'
    """
    if not isinstance(record, dict):
        return None
    if isinstance(record.get("tokens"), list) and any(k in record for k in TAG_KEYS):
        return "tokens"
    if isinstance(record.get("text"), str):
        if isinstance(record.get("spans"), list):
            return "prodigy"
        for key in DOCCANO_KEYS:
            if isinstance(record.get(key), list):
                return "doccano"
        if "spans" not in record and not any(k in record for k in DOCCANO_KEYS):
            return "prodigy"  # a text with no annotation: every token is O
    return None


class _Aligner:
    """Tokenizes texts with a blank spaCy pipeline and turns character spans into IOB2 tags."""

    def __init__(self, name: str, alignment: str, report_misaligned: bool = False) -> None:
        if alignment not in ALIGNMENTS:
            raise UsageError(f"unknown alignment {alignment!r}", hint="choose strict, expand or contract")
        self.name = name
        self.alignment = alignment
        self.report_misaligned = report_misaligned
        self.misaligned: list[str] = []
        self.dropped: list[str] = []
        self.overlaps: list[str] = []
        self.blank: list[str] = []
        self._nlp = None

    @property
    def nlp(self):
        if self._nlp is None:
            import spacy

            self._nlp = spacy.blank("en")
        return self._nlp

    def doc(self, text: str, tokens: list | None = None, where=None):
        """A Doc over ``text``: from Prodigy's tokens when they rebuild the text, else tokenized.

        Raises:
            DataError: a Prodigy token whose ``text`` is not a string (naming ``where``).
        """
        if tokens and all(isinstance(t, dict) and "text" in t for t in tokens):
            from spacy.tokens import Doc

            words = [t["text"] for t in tokens]
            if not _all_strings(words):
                k, value = next((k, w) for k, w in enumerate(words) if not isinstance(w, str))
                raise DataError(f"{where or self.name}: tokens[{k}].text is {json.dumps(value)}, not a string",
                                hint="a Prodigy token's text is the string it covers in the text")
            spaces = [bool(t.get("ws", True)) for t in tokens]
            doc = Doc(self.nlp.vocab, words=words, spaces=spaces)
            if doc.text == text or doc.text.rstrip() == text:
                return doc
        return self.nlp.make_doc(text)

    def align(self, doc, spans: list[tuple[int, int, str]], where: str) -> list:
        """spaCy ``Span``s of ``doc`` for character ``spans`` (``(start, end, label)``, end
        exclusive), in order; a span off token boundaries is recorded and, under
        ``expand``/``contract``, snapped (``Doc.char_span``'s alignment modes), else left out."""
        made = []
        text = doc.text
        for start, end, label in spans:
            span = doc.char_span(start, end, label=label, alignment_mode="strict")
            if span is None:
                example = f"{where}: {text[start:end]!r} [{start}:{end}] {label}"
                self.misaligned.append(example)
                if self.alignment == "strict":
                    continue
                span = doc.char_span(start, end, label=label, alignment_mode=self.alignment)
                if span is None:
                    self.dropped.append(example)
                    continue
            made.append(span)
        return made

    def entities(self, doc, spans: list[tuple[int, int, str]], where: str) -> tuple[list[str], list[Entity]]:
        """Tokens of ``doc`` and every aligned span as a ``(start, end, type)`` token entity.

        Unlike :meth:`tags`, overlapping and nested spans are all kept. Whitespace tokens
        are dropped as in :meth:`tags`; a span covering only whitespace is recorded in
        ``blank`` and left out.
        """
        made = [(s.start, s.end, s.label_) for s in self.align(doc, spans, where)]
        tokens, entities, blank = without_space_tokens([t.text for t in doc], made)
        self.blank.extend(f"{where}: {doc[s:e].text!r} {label}" for s, e, label in blank)
        return tokens, entities

    def tags(self, doc, spans: list[tuple[int, int, str]], where: str) -> tuple[list[str], list[str]]:
        """IOB2 tags of ``doc`` for character ``spans``; whitespace tokens are dropped."""
        from spacy.util import filter_spans

        made = self.align(doc, spans, where)
        kept = filter_spans(made)
        if len(kept) != len(made):
            kept_set = {(s.start, s.end, s.label_) for s in kept}
            for s in made:
                if (s.start, s.end, s.label_) not in kept_set:
                    self.overlaps.append(f"{where}: {s.text!r} {s.label_}")
        tags = ["O"] * len(doc)
        for span in kept:
            tags[span.start] = f"B-{span.label_}"
            for i in range(span.start + 1, span.end):
                tags[i] = f"I-{span.label_}"
        keep = [i for i, token in enumerate(doc) if not token.text.isspace()]
        # A dropped whitespace token inside an entity must not split it: the next kept
        # token keeps its I- tag, which continues the entity.
        return [doc[i].text for i in keep], [tags[i] for i in keep]

    def finish(self, warnings: list[str]) -> None:
        """Raise (strict) or warn about spans not on token boundaries, about overlaps, and
        about spans that covered only whitespace.

        Raises:
            DataError: under ``strict`` (without ``report_misaligned``), when any span
                was off token boundaries; the message gives the count and examples.
        """
        n = len(self.misaligned)
        if n and self.alignment == "strict" and self.report_misaligned:
            warnings.append(
                f"{self.name}: {n} span{'s' if n != 1 else ''} not on token boundaries (left out), e.g. "
                + "; ".join(self.misaligned[:MAX_EXAMPLES])
            )
        elif n and self.alignment == "strict":
            raise DataError(
                f"{self.name}: {n} span{'s' if n != 1 else ''} not on token boundaries, e.g. "
                + "; ".join(self.misaligned[:MAX_EXAMPLES]),
                hint="pass --alignment expand (or contract) to snap them to tokens",
            )
        elif n:
            done = "expanded" if self.alignment == "expand" else "contracted"
            warnings.append(
                f"{self.name}: {n} span{'s' if n != 1 else ''} not on token boundaries {done} to tokens, e.g. "
                + "; ".join(self.misaligned[:MAX_EXAMPLES])
            )
        if self.dropped:
            warnings.append(
                f"{self.name}: {len(self.dropped)} span(s) inside a single token dropped by contract, e.g. "
                + "; ".join(self.dropped[:MAX_EXAMPLES])
            )
        if self.overlaps:
            warnings.append(
                f"{self.name}: {len(self.overlaps)} overlapping span(s) dropped (the longest kept), e.g. "
                + "; ".join(self.overlaps[:MAX_EXAMPLES])
            )
        if self.blank:
            warnings.append(blank_warning(self.name, self.blank))


def _doccano_items(record: dict, where, label_ids=None, *, user=None) -> Iterator[tuple[Any, Any, Any]]:
    """Raw ``(start, end, label)`` of a doccano record's spans, offsets unchecked;
    ``label`` is what the file holds (a name, or a list of names in the ``labels``
    form), except that an integer id (doccano 1.2's ``annotations``) is looked up in
    ``label_ids`` (a :class:`LabelIds`). With ``user``, only
    that user's items (``user`` field, compared as text) are yielded.

    Raises:
        DataError: an item that is neither ``[start, end, label]`` nor an object; an
            integer label without ``label_ids``, or an id they do not name.
    """
    for key in DOCCANO_KEYS:
        for item in record.get(key) or []:
            if isinstance(item, dict):
                if user is not None and str(item.get("user")) != user:
                    continue
                label = item["label"] if "label" in item else item.get("labels")
                yield (item.get("start_offset", item.get("start")), item.get("end_offset", item.get("end")),
                       _doccano_label(label, label_ids, where))
            elif isinstance(item, (list, tuple)) and len(item) >= 3:
                if user is None:  # the list form names no user
                    yield item[0], item[1], item[2]
            else:
                raise DataError(f"{where}: {key} item {item!r} is not [start, end, label]")


def _has_label_ids(record: dict) -> bool:
    """Whether a doccano record's span objects hold integer label ids (doccano 1.2)."""
    return any(isinstance(item, dict) and _is_int(item.get("label"))
               for key in DOCCANO_KEYS for item in record.get(key) or [])


def _doccano_label(label: Any, label_ids, where) -> Any:
    """A doccano span's label: a name as it is; an integer id (doccano 1.2 and earlier
    export ids, not names) looked up in ``label_ids``.

    Raises:
        DataError: an id without ``label_ids``, or one they do not name (``where``).
    """
    if not _is_int(label):
        return label
    if label_ids is None:
        raise DataError(f"{where}: label {label} is an integer id (doccano 1.2 and earlier export label ids, "
                        "not names) but no label names were given",
                        hint='pass --labels with doccano\'s label export (a JSON list of {"id": 3, "text": "PER"}) '
                             "or a file of names, one a line, for ids 1, 2, 3, ...")
    return label_ids.name(label, where)


def doccano_users(record: dict) -> list[str]:
    """The distinct ``user`` values of a doccano record's span objects, as text, in order.

    >>> doccano_users({"text": "Ann", "annotations": [{"user": 2}, {"user": 1}, {"user": 2}]})
    ['2', '1']
    """
    users: dict[str, None] = {}
    for key in DOCCANO_KEYS:
        for item in record.get(key) or []:
            if isinstance(item, dict) and item.get("user") is not None:
                users.setdefault(str(item["user"]))
    return list(users)


def refuse_several_users(record: dict, where) -> None:
    """Refuse a doccano record holding several users' spans: a file read as one
    annotator would pool them.

    Raises:
        DataError: naming ``where`` and the users.
    """
    users = doccano_users(record)
    if len(users) > 1:
        raise DataError(f"{where}: the record holds the spans of {len(users)} doccano users "
                        f"({', '.join(users)}), but a file read here is one annotator",
                        hint="to compare the users, give this file alone to `seqeval-suite agree`")


def refuse_binary(record: dict, where) -> None:
    """Refuse a Prodigy answer from a binary interface (:data:`BINARY_VIEWS`).

    Raises:
        DataError: naming ``where`` and what to export instead.
    """
    view = record.get("_view_id")
    if isinstance(view, str) and view in BINARY_VIEWS:
        raise DataError(f"{where}: a binary Prodigy answer (_view_id {view!r}: one suggested span accepted or "
                        "rejected, as ner.teach saves it) is not a complete annotation of the text",
                        hint="export a dataset annotated with ner.manual or ner.correct (_view_id 'ner_manual')")


def _prodigy_items(record: dict, where) -> Iterator[tuple[Any, Any, Any]]:
    """Raw ``(start, end, label)`` of a Prodigy record's ``spans``, unchecked.

    Raises:
        DataError: a span that is not an object.
    """
    for item in record.get("spans") or []:
        if not isinstance(item, dict):
            raise DataError(f"{where}: span {item!r} is not an object with start, end, label")
        yield item.get("start"), item.get("end"), item["label"] if "label" in item else item.get("labels")


def _doccano_spans(record: dict, where: str, label_ids=None) -> list[tuple[int, int, str]]:
    return [_checked_span(s, e, label, record["text"], where)
            for s, e, label in _doccano_items(record, where, label_ids)]


def _prodigy_spans(record: dict, where: str) -> list[tuple[int, int, str]]:
    return [_checked_span(s, e, label, record["text"], where) for s, e, label in _prodigy_items(record, where)]


def _checked_spans(start, end, label, text: str, where) -> list[tuple[int, int, str]]:
    """One checked character span per label: a span labelled with a list of names
    (doccano's and Label Studio's multi-label spans) is one entity per name.

    Raises:
        DataError: as :func:`_checked_span`; an empty list of names has no label.
    """
    names = list(label) if isinstance(label, (list, tuple)) else [label]
    return [_checked_span(start, end, name, text, where) for name in names or [None]]


def _checked_span(start, end, label, text: str, where: str) -> tuple[int, int, str]:
    if not isinstance(start, int) or not isinstance(end, int) or not (0 <= start < end <= len(text)):
        raise DataError(f"{where}: span offsets {start!r}..{end!r} do not fit a text of {len(text)} characters")
    if not isinstance(label, str) or not label:
        raise DataError(f"{where}: span [{start}:{end}] has no label")
    return start, end, label


class JsonlReader:
    """Reads a JSON Lines file in any of the three dialects, one sentence per record."""

    def __init__(self, path: str, *, labels=None, alignment: str = "strict", encoding: str = "utf-8",
                 report_misaligned: bool = False) -> None:
        self.path = str(path)
        self.labels = _tag_names(labels)
        self._raw_labels = labels
        self._label_ids = None
        self.encoding = encoding
        self._documents = DocumentCounter()
        self.dialects: set[str] = set()
        self.warnings: list[str] = []
        self.notes: list[str] = []
        self.skipped = 0
        self.aligner = _Aligner(self.path, alignment, report_misaligned)

    @property
    def documents(self) -> int:
        """Documents read so far (:class:`~seqeval_suite.io.tagged.DocumentCounter`'s rule)."""
        return self._documents.documents

    def __iter__(self) -> Iterator[TaggedSentence]:
        # _json_lines, inlined: this loop runs once per record. The common record (tokens
        # and tags or ner_tags, lists of strings, no other key) is decoded straight into a
        # typed record (_token_record_decoder), whose types msgspec checks while parsing;
        # it takes no further function call. It holds no document id and no answer, so it only counts as a
        # record (DocumentCounter.add(None)). Any other line is parsed as plain JSON.
        documents, add_dialect = self._documents, self.dialects.add
        # tuple.__new__ makes the same TaggedSentence without the Python frame of its __new__
        make, sentence = tuple.__new__, TaggedSentence
        fh, codec, fast = _open_lines(self.path, self.encoding)
        typed, unset = _token_record_decoder() if fast is not None else (None, None)
        lineno = refused = 0
        with fh:
            for raw in fh:
                lineno += 1
                if fast is None:
                    lineno = yield from self._slow_line(raw, lineno, codec)
                    continue
                if typed is not None:
                    try:
                        rec = typed(raw)
                    except (ValueError, RecursionError):  # msgspec's errors, bad UTF-8, deep nesting
                        # A file whose first lines all have another shape (an id key, integer
                        # tags) would parse every line twice: from then on the plain parser
                        # alone reads it.
                        refused += 1
                        if refused == lineno == TYPED_TRIES:
                            typed = None
                    else:
                        tokens, tags = rec.tokens, rec.tags
                        if tags is unset:  # (with both keys, tags wins, as in _simple_token_record)
                            tags = rec.ner_tags
                        if tags is not unset and len(tags) == len(tokens):
                            documents.records += 1
                            add_dialect("tokens")
                            if tokens:
                                yield make(sentence, (tokens, tags, lineno))
                            continue
                try:
                    record = fast(raw)
                except (ValueError, RecursionError):  # the standard library decides (and names the line)
                    lineno = yield from self._slow_line(raw, lineno, codec)
                    continue
                yield from self._record(lineno, record)
        if self.skipped:
            self.notes.append(f"{self.path}: {self.skipped} record(s) answered reject/ignore skipped")
        self.aligner.finish(self.warnings)

    def _slow_line(self, raw, lineno: int, codec: str):
        """The sentences of a line the fast parser refused; returns the last line number
        consumed (:func:`_slow_records`)."""
        records = _slow_records(raw, lineno, self.path, self.encoding, codec)
        while True:
            try:
                lineno, record = next(records)
            except StopIteration as stop:
                return stop.value
            yield from self._record(lineno, record)

    def _record(self, lineno: int, record: Any) -> Iterator[TaggedSentence]:
        """The sentence of one parsed record (none for a rejected or empty one).

        Raises:
            DataError: naming ``path:line``: a record of no known dialect, or one its
                dialect's reader refuses.
        """
        simple = _simple_token_record(record)
        if simple is not None:  # a plain token record with more keys: no per-record objects beyond the sentence
            self.dialects.add("tokens")
            self._documents.add(document_id(record))
            if simple[0]:
                yield TaggedSentence(simple[0], simple[1], lineno)
            return
        where = _Where(self.path, lineno)
        dialect = sniff_dialect(record)
        if dialect is None:
            raise DataError(
                f"{where}: not a record this reader knows",
                hint="expected tokens + tags/ner_tags, text + spans (Prodigy) or text + label (doccano)",
            )
        self.dialects.add(dialect)
        if dialect == "prodigy":
            refuse_binary(record, where)
        if record.get("answer") in ("reject", "ignore"):
            self.skipped += 1
            return
        self._documents.add(document_id(record))
        if dialect == "tokens":
            tokens, tags = self._token_record(record, where)
        else:
            spans = _prodigy_spans(record, where) if dialect == "prodigy" else self._doccano_spans(record, where)
            doc = self.aligner.doc(record["text"], record.get("tokens") if dialect == "prodigy" else None, where)
            tokens, tags = self.aligner.tags(doc, spans, where)
        if tokens:
            yield TaggedSentence(tokens, tags, lineno)

    def _doccano_spans(self, record: dict, where) -> list[tuple[int, int, str]]:
        """A doccano record's checked spans; integer label ids are looked up in
        ``labels`` read as doccano label names (loaded on the first such record).

        Raises:
            DataError: a record holding several users' spans (one file is one annotator).
        """
        refuse_several_users(record, where)
        if self._label_ids is None and self._raw_labels is not None:
            self._label_ids = load_label_ids(self._raw_labels)
        return _doccano_spans(record, where, self._label_ids)

    def _token_record(self, record: dict, where: str) -> tuple[list[str], list[str]]:
        key = next(k for k in TAG_KEYS if k in record)
        return _token_tags(record["tokens"], record[key], key, self.labels, where)


def _token_tags(tokens: list, tags, key: str, labels: list[str] | None, where) -> tuple[list[str], list[str]]:
    """``(tokens, tag names)`` of one tag list of a token record, checked.

    Args:
        tokens: the record's tokens (any JSON values; made strings).
        tags: the record's tags under ``key``: names, or integer ids into ``labels``.

    Raises:
        DataError: a tag count that is not the token count, a tag that is neither a
            name nor an id, ids without ``labels``, an id out of range.
    """
    if not isinstance(tags, list) or len(tags) != len(tokens):
        raise DataError(f"{where}: {len(tokens)} tokens but {key} has "
                        f"{len(tags) if isinstance(tags, list) else 'no list of'} tags")
    tokens = checked_tokens(tokens, where)
    if _all_strings(tags):  # the common case, checked in one pass in C
        return tokens, tags
    if any(isinstance(t, bool) or not isinstance(t, (int, str)) for t in tags):
        raise DataError(f"{where}: {key} must hold tag names or integer ids")
    if any(isinstance(t, int) for t in tags):
        if labels is None:
            raise DataError(f"{where}: {key} holds integer ids but no label list was given",
                            hint="pass --labels O,B-PER,I-PER,... (the dataset's label names, in id order)")
        try:
            if any(isinstance(t, int) and t < 0 for t in tags):
                raise IndexError
            tags = [labels[t] if isinstance(t, int) else t for t in tags]
        except IndexError:
            raise DataError(f"{where}: tag id out of range for {len(labels)} labels") from None
    return tokens, list(tags)


def checked_tokens(tokens: list, where) -> list[str]:
    """A token record's tokens, every one a string.

    ``str()`` would make ``1`` the token ``"1"`` and ``null`` the token ``"None"``:
    a file that does not hold strings was written wrongly, and its tokens would no
    longer match the other file's (issue 16, case 8).

    Raises:
        DataError: naming ``where`` and the first token that is not a string.

    >>> checked_tokens(["Ann", "left"], "a.jsonl:1")
    ['Ann', 'left']
    """
    if _all_strings(tokens):  # checked in one pass in C
        return tokens
    k, value = next((k, t) for k, t in enumerate(tokens) if not isinstance(t, str))
    raise DataError(f"{where}: tokens[{k}] is {json.dumps(value)}, not a string",
                    hint='write every token as a JSON string ("1", not 1)')


def _simple_token_record(record) -> tuple[list[str], list[str]] | None:
    """``(tokens, tags)`` of a plain ``tokens`` + ``tags``/``ner_tags`` record whose
    tokens and tags are strings of equal count and which has no ``answer``; None for
    anything else (the full reader then checks it and names what is wrong)."""
    if type(record) is not dict or "answer" in record:
        return None
    tokens = record.get("tokens")
    tags = record["tags"] if "tags" in record else record.get("ner_tags")
    if (type(tokens) is not list or type(tags) is not list or len(tags) != len(tokens)
            or not _all_strings(tags) or not _all_strings(tokens)):
        return None
    return tokens, tags


def _all_strings(values: list) -> bool:
    """Whether every item is a str (``str.join`` refuses anything else)."""
    try:
        "".join(values)
    except TypeError:
        return False
    return True


class _Where:
    """``path:line`` for messages, formatted only when a message needs it."""

    __slots__ = ("path", "line")

    def __init__(self, path: str, line: int) -> None:
        self.path, self.line = path, line

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def _json_lines(path: str, encoding: str) -> Iterator[tuple[int, Any]]:
    """``(line number, parsed record)`` for every non-blank line.

    Lines are read as bytes and decoded one by one (faster than a text stream, and an
    undecodable byte is reported with its line); a UTF-8 BOM is dropped; a lone CR
    ends a line too, as in a text stream.
    """
    fh, codec, fast = _open_lines(path, encoding)
    lineno = 0
    with fh:
        for raw in fh:
            lineno += 1
            if fast is not None:
                try:
                    record = fast(raw)
                except (ValueError, RecursionError):  # the standard library decides (and names the line)
                    pass
                else:
                    yield lineno, record
                    continue
            lineno = yield from _slow_records(raw, lineno, path, encoding, codec)


def _open_lines(path: str, encoding: str) -> tuple[Any, str, Callable[[bytes], Any] | None]:
    """``(file, codec name, fast parser or None)`` for :func:`_json_lines`.

    msgspec parses a line about twice as fast as the standard library and reads what
    it accepts to the same values (integers of any size too); where it refuses one (a
    BOM, a lone CR, NaN, a lone surrogate, a blank line, bad JSON) :func:`_slow_records`
    and the standard library decide, so what is accepted and every message stay the
    standard library's.

    Raises:
        DataError: no such file, a directory, a file that cannot be opened.
    """
    import codecs

    codec = codecs.lookup(encoding).name
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot open ({exc.strerror or exc})") from None
    if "a\n".encode(codec) != b"a\n":  # not line-splittable as bytes (UTF-16, ...)
        fh = _DecodedLines(io.TextIOWrapper(fh, encoding=encoding), path, encoding)
    return fh, codec, _fast_loads() if codec == "utf-8" else None


class _DecodedLines:
    """The lines of a text stream in an encoding that is not line-splittable as bytes;
    a decoding error is a :class:`DataError` naming the file and the line."""

    def __init__(self, text: io.TextIOWrapper, path: str, encoding: str) -> None:
        self._text, self._path, self._encoding = text, path, encoding

    def __enter__(self) -> "_DecodedLines":
        return self

    def __exit__(self, *exc) -> None:
        self._text.close()

    def __iter__(self) -> Iterator[str]:
        lineno = 0
        try:
            for lineno, line in enumerate(self._text, 1):
                yield line
        except UnicodeError as exc:  # (UTF-16 without a BOM is a plain UnicodeError)
            raise DataError(f"{self._path}:{lineno + 1}: bytes that are not valid {self._encoding} ({exc})",
                            hint="pass --encoding (utf-16-le or utf-16-be for UTF-16 without a byte-order "
                                 "mark)") from None


def _slow_records(raw, lineno: int, path: str, encoding: str, codec: str):
    """The records of one line the fast parser refused (or that none parses), parsed by
    the standard library; returns the line number of the last line consumed (a lone CR
    splits a line in several).

    Raises:
        DataError: bytes not in ``encoding``, JSON that is not valid (naming the line).
    """
    import codecs

    if isinstance(raw, bytes):
        if lineno == 1 and codec == "utf-8" and raw.startswith(codecs.BOM_UTF8):
            raw = raw[3:]
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            raise DataError(f"{path}:{lineno}: bytes that are not valid {encoding}",
                            hint="pass --encoding") from None
    else:
        text = raw
    if "\r" in text[:-2]:  # a lone CR ends a line too (rare: old Mac files)
        parts = text.splitlines()
        for k, part in enumerate(parts):
            if part.strip():
                yield lineno + k, _loads(part, path, lineno + k)
        return lineno + max(len(parts) - 1, 0)
    try:
        record = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        if text.strip():
            _loads(text, path, lineno)
        return lineno
    yield lineno, record
    return lineno


def _fast_loads() -> Callable[[bytes], Any]:
    """``msgspec.json.decode``: any JSON to Python values, as ``json.loads`` reads them.
    Its errors (bad JSON, bad UTF-8) are ``ValueError`` subclasses."""
    import msgspec

    return msgspec.json.decode


#: Lines the typed decoder tries before a file whose every line it refused is left to
#: the plain parser alone.
TYPED_TRIES = 32


@functools.lru_cache(maxsize=1)
def _token_record_decoder() -> tuple[Callable[[bytes], Any], Any]:
    """``(decode, UNSET)``: ``decode`` parses one line holding just ``tokens`` and
    ``tags`` or ``ner_tags``, all lists of strings, into an object with those attributes
    (UNSET where a key is absent), and raises a ``ValueError`` on anything else (another
    key, another type, bad JSON or UTF-8), whose line the caller then parses as plain
    JSON."""
    import msgspec

    strings, absent = list[str], list[str] | msgspec.UnsetType
    record = msgspec.defstruct("TokenRecord", [("tokens", strings), ("tags", absent, msgspec.UNSET),
                                               ("ner_tags", absent, msgspec.UNSET)], forbid_unknown_fields=True)
    return msgspec.json.Decoder(record).decode, msgspec.UNSET


def _loads(text: str, path: str, lineno: int) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}:{lineno}: not valid JSON ({exc.msg})",
                        hint="JSON Lines need one JSON object per line") from None
    except RecursionError:
        raise DataError(f"{path}:{lineno}: JSON nested too deeply to read (it reaches Python's recursion limit)",
                        hint="a JSON Lines record holds tokens and tags; is this the right file?") from None


class LabelStudioReader:
    """Reads a Label Studio JSON export (one array of tasks), one sentence per task."""

    def __init__(self, path: str, *, alignment: str = "strict", encoding: str = "utf-8", labels=None,
                 report_misaligned: bool = False) -> None:
        self.path = str(path)
        self.encoding = encoding
        self._documents = DocumentCounter()
        self.warnings: list[str] = []
        self.notes: list[str] = []
        self.aligner = _Aligner(self.path, alignment, report_misaligned)

    @property
    def documents(self) -> int:
        """Documents read so far (:class:`~seqeval_suite.io.tagged.DocumentCounter`'s rule)."""
        return self._documents.documents

    def __iter__(self) -> Iterator[TaggedSentence]:
        tasks = _load_tasks(self.path)
        cancelled = 0
        unlabelled: list[str] = []
        for index, task in enumerate(tasks, 1):
            where = f"{self.path}: task {index}"
            text = _task_text(task, where)
            annotation = _only_annotation(task, where)
            if annotation is None:
                cancelled += 1
                continue
            self._documents.add(document_id(task))
            spans = [one_label(region, start, end, names, text, where)
                     for region, start, end, names in _labelstudio_items(annotation, where, unlabelled)]
            tokens, tags = self.aligner.tags(self.aligner.doc(text), spans, where)
            if tokens:
                yield TaggedSentence(tokens, tags, index)
        if cancelled:
            self.notes.append(f"{self.path}: {cancelled} task(s) without a usable annotation skipped")
        if unlabelled:
            self.warnings.append(unlabelled_warning(self.path, unlabelled))
        self.aligner.finish(self.warnings)


def _load_tasks(path: str, encoding: str = "utf-8") -> list:
    """The tasks of a Label Studio JSON export (one task object is a list of one).

    Raises:
        DataError: no such file, not JSON, or not an array of tasks.
    """
    import codecs

    if codecs.lookup(encoding).name == "utf-8":
        encoding = "utf-8-sig"  # Windows tools write a byte order mark
    try:
        with open(path, encoding=encoding) as fh:
            tasks = json.load(fh)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory, not a file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: not a JSON file ({exc})",
                        hint="Label Studio's JSON export is one array of tasks; JSON Lines need .jsonl") from None
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise DataError(f"{path}: expected a JSON array of Label Studio tasks")
    return tasks


def _labelstudio_items(annotation: dict, where: str, unlabelled: list[str]) -> Iterator[tuple[str, Any, Any, list]]:
    """Raw ``(region, start, end, label names)`` of an annotation's labelled text regions,
    ``region`` naming it for messages (``where`` and its 1-based place in ``result``).

    A result is a labelled region when its value holds ``labels`` (or
    ``hypertextlabels``) or its type says so; relations, choices and text areas are
    not regions. A region whose label list is empty has no type: it is left out, and
    described in ``unlabelled`` so that the reader can count it.

    Raises:
        DataError: a result that is not an object, a labelled region without start
            and end offsets, labels that are not a list.
    """
    for k, item in enumerate(annotation.get("result") or [], 1):
        region = f"{where}, region {k}"
        if not isinstance(item, dict):
            raise DataError(f"{region}: result {item!r} is not an object", hint="is this a Label Studio JSON export?")
        value = item.get("value")
        if not isinstance(value, dict):
            continue
        key = next((key for key in REGION_LABEL_KEYS if key in value), None)
        if key is None and item.get("type") not in REGION_LABEL_KEYS:
            continue  # relations, choices, text areas: not labelled regions
        names = value.get(key, []) if key is not None else []
        if labelled_region(region, key, names, value, unlabelled,
                           hint="export the project's JSON from a Text labelling interface (Labels on Text)"):
            yield region, value["start"], value["end"], names


def labelled_region(region: str, label_key, names, offsets: dict, unlabelled: list[str], *, hint: str) -> bool:
    """Check one Label Studio labelled region (full export or JSON-MIN): whether it
    makes entities. A region with an empty label list has no type: it is described in
    ``unlabelled`` (for the reader's count) and makes none (issue 16 case 8).

    Raises:
        DataError: labels that are not a list; no ``start``/``end`` offsets in ``offsets``.
    """
    if not isinstance(names, list):
        raise DataError(f"{region}: {label_key} is {names!r}, not a list of label names")
    if "start" not in offsets or "end" not in offsets:
        raise DataError(f"{region}: a labelled region ({', '.join(map(str, names)) or 'no label'}) "
                        "without start and end character offsets", hint=hint)
    if not names:
        unlabelled.append(f"{region} [{offsets['start']}:{offsets['end']}]")
        return False
    return True


def one_label(region: str, start, end, names: list, text: str, where: str) -> tuple[int, int, str]:
    """The checked span of a region read as one flat tag: it must have exactly one label.

    Raises:
        DataError: offsets outside ``text`` or no label (naming ``where``, as
            :func:`_checked_span`); several labels on the region (naming ``region``):
            a flat tag holds one type, and keeping the first would be a silent choice.
    """
    span = _checked_span(start, end, names[0], text, where)
    if len(names) > 1:
        raise DataError(f"{region}: {text[span[0]:span[1]]!r} [{span[0]}:{span[1]}] has {len(names)} labels "
                        f"({', '.join(map(str, names))}), but a flat tag holds one type",
                        hint="score the file with --nested (each label is one entity), "
                             "or keep one label per region")
    return span


def unlabelled_warning(name: str, examples: Sequence[str]) -> str:
    """The warning for Label Studio regions whose label list was empty (count and examples)."""
    return (f"{name}: {len(examples)} region(s) with an empty label list left out (no entity type), e.g. "
            + "; ".join(examples[:MAX_EXAMPLES]))


def _task_text(task: Any, where: str) -> str:
    data = task.get("data") if isinstance(task, dict) else None
    if not isinstance(data, dict):
        if isinstance(task, dict) and ("annotator" in task or "annotation_id" in task):
            raise DataError(f"{where}: a Label Studio JSON-MIN record (one annotation, no data object); "
                            "this reader takes the JSON export, one annotator a file",
                            hint="give the JSON-MIN file alone to `seqeval-suite agree` to compare its "
                                 "annotators, or export Label Studio's JSON")
        raise DataError(f"{where}: no data object", hint="is this a Label Studio JSON export?")
    if isinstance(data.get("text"), str):
        return data["text"]
    strings = [v for v in data.values() if isinstance(v, str)]
    if len(strings) == 1:
        return strings[0]
    raise DataError(f"{where}: cannot tell which data field holds the text", hint="name it 'text'")


def _only_annotation(task: dict, where: str) -> dict | None:
    """A task's one annotation that was not cancelled, or None when there is none.

    Raises:
        DataError: a task with several: a file read here is one annotator, and taking
            the first would be a silent choice (issue 16, case 8).
    """
    usable = [a for a in task.get("annotations") or task.get("completions") or []
              if isinstance(a, dict) and not a.get("was_cancelled")]
    if len(usable) > 1:
        named = [a for a in usable if a.get("completed_by") is not None]
        raise DataError(f"{where}: {len(usable)} annotations that were not cancelled, but a file read here "
                        "is one annotator",
                        hint="to compare them, give this file alone to `seqeval-suite agree`" if named else
                             "export one annotation per task (filter the export by annotator)")
    return usable[0] if usable else None


# ------------------------------------------------------------------ nested spans (issue 17)

class SpanReader:
    """An iterable of :class:`~seqeval_suite.io.tagged.SpanSentence` read from one file.

    Each iteration reads the file afresh and starts the attributes over, so they
    describe the current (or last) pass: ``documents`` counts the documents read so
    far (:class:`~seqeval_suite.io.tagged.DocumentCounter`'s rule; a DocBin's Docs),
    ``warnings`` what was repaired or left out (spans snapped to tokens, tags read as
    O), ``notes`` what was skipped on purpose (rejected records, cancelled tasks, Docs
    without the span group) and ``dialects`` the JSON Lines record forms seen.

    Made by :func:`read_jsonl_spans`, :func:`read_labelstudio_spans` and
    :func:`seqeval_suite.io.docbin.read_docbin_spans`.
    """

    def __init__(self, path: str, read: Callable[[SpanReader], Iterator[SpanSentence]]) -> None:
        self.path = str(path)
        self._read = read
        self.documents = 0
        self.warnings: list[str] = []
        self.notes: list[str] = []
        self.dialects: set[str] = set()

    def __iter__(self) -> Iterator[SpanSentence]:
        self.documents = 0
        self.warnings, self.notes, self.dialects = [], [], set()
        return self._read(self)


def without_space_tokens(words: Sequence[str], entities: Iterable[Entity]) -> tuple[list[str], list[Entity], list[Entity]]:
    """Drop whitespace tokens and re-index ``entities`` to the tokens kept.

    spaCy keeps runs of spaces as tokens; column formats cannot hold them, so every
    reader of texts drops them (as :meth:`_Aligner.tags` does for tags).

    Args:
        words: token texts of one sentence.
        entities: ``(start, end, type)`` offsets into ``words``, end exclusive.

    Returns:
        ``(kept tokens, entities re-indexed, entities that covered only whitespace)``;
        the last keep their offsets into ``words``, for messages.

    >>> without_space_tokens(["New", " ", "York", "now"], [(0, 3, "LOC"), (1, 2, "X")])
    (['New', 'York', 'now'], [(0, 2, 'LOC')], [(1, 2, 'X')])
    """
    before = [0] * (len(words) + 1)  # before[i]: how many of words[:i] are kept
    for i, word in enumerate(words):
        before[i + 1] = before[i] + (not word.isspace())
    kept: list[Entity] = []
    blank: list[Entity] = []
    for start, end, label in entities:
        if before[start] < before[end]:
            kept.append((before[start], before[end], label))
        else:
            blank.append((start, end, label))
    return [w for w in words if not w.isspace()], kept, blank


def blank_warning(name: str, examples: Sequence[str]) -> str:
    """The warning for spans that covered only whitespace tokens (count and examples)."""
    return (f"{name}: {len(examples)} span(s) covering only whitespace left out, e.g. "
            + "; ".join(examples[:MAX_EXAMPLES]))


def span_dialect(record: Any) -> str | None:
    """Which record form :func:`read_jsonl_spans` sees in a record, or None.

    A token record (``tokens`` and no ``text`` string) with ``layers`` is ``layers``,
    with ``entities`` is ``entities``; anything else is as :func:`sniff_dialect` says,
    so a record with a ``text`` string is always read as character offsets.

    >>> span_dialect({"tokens": ["Ann"], "entities": [[0, 1, "PER"]]}), span_dialect({"tokens": ["Ann"], "layers": []})
    ('entities', 'layers')
    """
    if isinstance(record, dict) and isinstance(record.get("tokens"), list) and not isinstance(record.get("text"), str):
        for form in ("layers", "entities"):
            if form in record:
                return form
    return sniff_dialect(record)


def read_jsonl_spans(path: str | os.PathLike, *, labels=None, alignment: str = "strict",
                     encoding: str = "utf-8") -> SpanReader:
    """Read JSON Lines as sentences whose entities may nest, overlap or repeat (issue 17).

    One sentence per record; the form is sniffed per record (:func:`span_dialect`):

    * ``{"tokens": [...], "entities": [[start, end, "TYPE"], ...]}``: token offsets,
      end exclusive;
    * ``{"tokens": [...], "layers": [[tags...], ...]}``: one tag list per nesting
      layer, each decoded leniently, their entities pooled;
    * ``tokens`` + ``tags``/``ner_tags``: flat tags decoded leniently (the decoder of
      :func:`seqeval_suite.convert.decode`); integer ids need ``labels``;
    * Prodigy ``text`` + ``spans`` and doccano ``text`` + ``label``: character spans
      aligned to tokens exactly as :class:`JsonlReader` does (Prodigy's tokens when
      they rebuild the text, else spaCy's blank English tokenizer; the same
      ``alignment`` rules and messages), except that every span is kept and a span
      labelled with a list of names is one entity per name; doccano 1.2's integer
      label ids are named by ``labels`` (:func:`load_label_ids`), and a record with
      several doccano users' spans is refused, as :class:`JsonlReader` does.

    A token record takes one of ``tags``, ``layers`` and ``entities``. Records answered
    ``reject`` or ``ignore`` are skipped and counted in ``notes``; a record with no
    tokens is no sentence but counts towards its document.

    Args:
        path: the ``.jsonl`` file.
        labels: tag names for integer tag ids, as :func:`load_labels` takes them, or
            doccano's label names for its integer label ids.
        alignment: ``strict``, ``expand`` or ``contract``, for character spans.
        encoding: the file's encoding.

    Returns:
        A :class:`SpanReader` of ``SpanSentence(tokens, entities, line, document,
        source)``: ``line`` the record's line, ``document`` 0-based, ``source`` the path.

    Raises:
        UsageError: an unknown ``alignment`` or a bad ``labels`` (at the call).
        DataError: while iterating, naming ``file:line``: a record of no known form,
            token offsets that are not integers with 0 <= start < end <= tokens or an
            entity without a label, a tag list whose length is not the token count,
            more than one of tags/layers/entities, character offsets outside the text;
            under ``strict``, spans off token boundaries (at the end, with examples).

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "n.jsonl"
    >>> _ = p.write_text('{"tokens": ["Bank", "of", "China"], "entities": [[0, 3, "ORG"], [2, 3, "LOC"]]}\\n')
    >>> [s.entities for s in read_jsonl_spans(p)]
    [[(0, 3, 'ORG'), (2, 3, 'LOC')]]
    """
    path = str(path)
    _Aligner(path, alignment)  # an unknown alignment is refused now, not on first read
    read = partial(_jsonl_spans, labels=_tag_names(labels), label_ids=_LabelIdsOnce(labels), alignment=alignment,
                   encoding=encoding)
    return SpanReader(path, read)


class _LabelIdsOnce:
    """doccano label ids from ``labels``, loaded when a record first needs them (names
    for tag ids need not be doccano's labels)."""

    def __init__(self, labels) -> None:
        self.labels = labels
        self.ids: LabelIds | None = None

    def __call__(self) -> LabelIds | None:
        if self.ids is None and self.labels is not None:
            self.ids = load_label_ids(self.labels)
        return self.ids


def _jsonl_spans(reader: SpanReader, *, labels: list[str] | None, label_ids: _LabelIdsOnce, alignment: str,
                 encoding: str) -> Iterator[SpanSentence]:
    """The sentences of :func:`read_jsonl_spans`, record by record, in file order."""
    aligner = _Aligner(reader.path, alignment)
    documents = DocumentCounter()
    batch = _TagBatch(reader.path)
    skipped = 0
    for lineno, record in _json_lines(reader.path, encoding):
        where = _Where(reader.path, lineno)
        dialect = span_dialect(record)
        if dialect is None:
            raise DataError(f"{where}: not a record this reader knows",
                            hint="expected tokens + entities/layers/tags, text + spans (Prodigy) "
                                 "or text + label (doccano)")
        reader.dialects.add(dialect)
        if dialect == "prodigy":
            refuse_binary(record, where)
        if record.get("answer") in ("reject", "ignore"):
            skipped += 1
            continue
        documents.add(document_id(record))
        reader.documents = documents.documents
        tokens, entities, layers = _span_record(record, dialect, labels, aligner, where, label_ids)
        batch.add(tokens, entities, layers, lineno, documents.documents - 1)
        if batch.full():
            yield from batch.flush()
    yield from batch.flush()
    if skipped:
        reader.notes.append(f"{reader.path}: {skipped} record(s) answered reject/ignore skipped")
    aligner.finish(reader.warnings)
    batch.finish(reader.warnings)


def _span_record(record: dict, dialect: str, labels: list[str] | None, aligner: _Aligner,
                 where, label_ids: Callable[[], LabelIds | None] = lambda: None,
                 ) -> tuple[list[str], list[Entity], list[list[str]]]:
    """``(tokens, entities, tag layers still to decode)`` of one record; ``label_ids``
    gives doccano's label names for integer label ids.

    Raises:
        DataError: as :func:`read_jsonl_spans` lists, naming ``where``; a doccano
            record with several users' spans, as :class:`JsonlReader` refuses it.
    """
    if dialect == "doccano":
        refuse_several_users(record, where)
    if dialect in ("prodigy", "doccano"):
        items = (_prodigy_items(record, where) if dialect == "prodigy"
                 else _doccano_items(record, where, label_ids() if _has_label_ids(record) else None))
        spans = [span for start, end, label in items for span in _checked_spans(start, end, label, record["text"], where)]
        doc = aligner.doc(record["text"], record.get("tokens") if dialect == "prodigy" else None, where)
        tokens, entities = aligner.entities(doc, spans, where)
        return tokens, entities, []
    forms = [form for form in ("tags", "layers", "entities")
             if form in record or (form == "tags" and any(k in record for k in TAG_KEYS))]
    if len(forms) > 1:
        raise DataError(f"{where}: a token record holds one of tags, layers or entities, not {' and '.join(forms)}")
    if dialect == "entities":
        tokens = checked_tokens(record["tokens"], where)
        return tokens, _token_entities(len(tokens), record["entities"], where), []
    return _tag_layers(record, labels, where)


def _tag_layers(record: dict, labels: list[str] | None, where) -> tuple[list[str], list[Entity], list[list[str]]]:
    """``(tokens, [], tag layers)`` of a ``tokens`` + ``tags``/``ner_tags`` (one layer)
    or ``tokens`` + ``layers`` record, every layer checked as :class:`JsonlReader` checks tags.

    Raises:
        DataError: ``layers`` not a list of lists; a layer as :func:`_token_tags` refuses.
    """
    tokens = record["tokens"]
    if "layers" not in record:
        key = next(k for k in TAG_KEYS if k in record)
        tokens, tags = _token_tags(tokens, record[key], key, labels, where)
        return tokens, [], [tags]
    layers = record["layers"]
    if not isinstance(layers, list) or not all(isinstance(layer, list) for layer in layers):
        raise DataError(f"{where}: layers must be a list of tag lists, one per nesting layer")
    checked = [_token_tags(tokens, layer, f"layers[{k}]", labels, where)[1] for k, layer in enumerate(layers)]
    return checked_tokens(tokens, where), [], checked


def _token_entities(n_tokens: int, entities: Any, where) -> list[Entity]:
    """The ``entities`` of a token record as ``(start, end, type)`` tuples, checked.

    Raises:
        DataError: not a list of ``[start, end, label]``; offsets that are not
            integers (booleans are not) with ``0 <= start < end <= n_tokens``; a label
            that is not a non-empty string.
    """
    if not isinstance(entities, list):
        raise DataError(f"{where}: entities must be a list of [start, end, label] token offsets")
    out: list[Entity] = []
    for item in entities:
        if not isinstance(item, (list, tuple)) or len(item) != 3:
            raise DataError(f"{where}: entity {item!r} is not [start, end, label]")
        start, end, label = item
        if not (_is_int(start) and _is_int(end) and 0 <= start < end <= n_tokens):
            raise DataError(f"{where}: entity {item!r}: token offsets must be integers with "
                            f"0 <= start < end <= {n_tokens} (the token count; end exclusive)")
        if not isinstance(label, str) or not label:
            raise DataError(f"{where}: entity {item!r} has no label (a non-empty string)")
        out.append((start, end, label))
    return out


def _is_int(value: Any) -> bool:
    """Whether a JSON value is an integer (``true`` is not, though Python says so)."""
    return isinstance(value, int) and not isinstance(value, bool)


class _TagBatch:
    """Sentences waiting, in file order, for their tag layers to be decoded: the scoring
    core's decoder is called once per :data:`DECODE_BATCH` records, not per record."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.waiting: list[tuple[list[str], list[Entity], list[list[str]], int, int]] = []
        self.dropped = 0
        self.invalid: Counter = Counter()

    def add(self, tokens: list[str], entities: list[Entity], layers: list[list[str]], line: int,
            document: int) -> None:
        """Queue one sentence; ``layers`` are tag lists whose entities join ``entities``."""
        self.waiting.append((tokens, entities, layers, line, document))

    def full(self) -> bool:
        """Whether the queue should be flushed now."""
        return len(self.waiting) >= DECODE_BATCH

    def flush(self) -> Iterator[SpanSentence]:
        """The queued sentences, with every layer decoded leniently (tags that are no
        entity tag read as O, as the scoring core reads them)."""
        from ..core.tags import decode_sentences

        waiting, self.waiting = self.waiting, []
        layers = [layer for item in waiting for layer in item[2]]
        decoded: Iterator[list] = iter(())
        if layers:
            spans, dropped, invalid = decode_sentences(layers)
            self.dropped += dropped
            self.invalid.update(invalid)
            decoded = iter(spans)
        for tokens, entities, tag_layers, line, document in waiting:
            for _ in tag_layers:
                entities.extend(next(decoded))
            if tokens:
                yield SpanSentence(tokens, entities, line, document, self.source)

    def finish(self, warnings: list[str]) -> None:
        """Warn about tags read as O and tag runs that made no entity."""
        if self.invalid:
            examples = ", ".join(repr(tag) for tag, _ in self.invalid.most_common(MAX_EXAMPLES))
            warnings.append(f"{self.source}: {sum(self.invalid.values())} tag(s) that are not entity tags "
                            f"read as O, e.g. {examples}")
        if self.dropped:
            warnings.append(f"{self.source}: {self.dropped} ill-formed tag run(s) made no entity")


def read_labelstudio_spans(path: str | os.PathLike, *, alignment: str = "strict",
                           encoding: str = "utf-8") -> SpanReader:
    """Read a Label Studio JSON export as sentences whose entities may nest or overlap.

    One sentence per task, from ``data.text`` and its one annotation not cancelled
    (as :class:`LabelStudioReader` reads it: a task with several is refused, tasks
    without one are counted in ``notes``). Every labelled region is kept, and a region
    with several labels is one entity per label; a region with an empty label list is
    left out and counted in ``warnings``. Texts are tokenized and regions aligned as in
    :func:`read_jsonl_spans`.

    Args:
        path: the ``.json`` export (one array of tasks, or one task).
        alignment: ``strict``, ``expand`` or ``contract``.
        encoding: the file's encoding (a UTF-8 byte order mark is dropped).

    Returns:
        A :class:`SpanReader` of ``SpanSentence``; ``line`` is the task's 1-based index.

    Raises:
        UsageError: an unknown ``alignment`` (at the call).
        DataError: while iterating, naming the file and task: not a JSON array of
            tasks, no text, several annotations not cancelled, a labelled region
            without offsets or with offsets outside the text; under ``strict``,
            regions off token boundaries.
    """
    path = str(path)
    _Aligner(path, alignment)  # an unknown alignment is refused now, not on first read
    return SpanReader(path, partial(_labelstudio_spans, alignment=alignment, encoding=encoding))


def _labelstudio_spans(reader: SpanReader, *, alignment: str, encoding: str) -> Iterator[SpanSentence]:
    """The sentences of :func:`read_labelstudio_spans`, task by task."""
    aligner = _Aligner(reader.path, alignment)
    documents = DocumentCounter()
    cancelled = 0
    unlabelled: list[str] = []
    for index, task in enumerate(_load_tasks(reader.path, encoding), 1):
        where = f"{reader.path}: task {index}"
        text = _task_text(task, where)
        annotation = _only_annotation(task, where)
        if annotation is None:
            cancelled += 1
            continue
        documents.add(document_id(task))
        reader.documents = documents.documents
        spans = [span for _, start, end, names in _labelstudio_items(annotation, where, unlabelled)
                 for span in _checked_spans(start, end, names, text, where)]
        tokens, entities = aligner.entities(aligner.doc(text), spans, where)
        if tokens:
            yield SpanSentence(tokens, entities, index, documents.documents - 1, reader.path)
    if cancelled:
        reader.notes.append(f"{reader.path}: {cancelled} task(s) without a usable annotation skipped")
    if unlabelled:
        reader.warnings.append(unlabelled_warning(reader.path, unlabelled))
    aligner.finish(reader.warnings)


def write_jsonl(path: str, sentences, *, tag_key: str = "tags") -> None:
    """Write sentences as ``{"tokens": [...], "tags": [...]}`` JSON Lines, atomically."""
    from ..atomic import write_text

    lines = [json.dumps({"tokens": list(t), tag_key: list(g)}, ensure_ascii=False) for t, g in sentences]
    write_text(path, "".join(line + "\n" for line in lines))
