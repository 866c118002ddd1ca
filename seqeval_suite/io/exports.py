"""Exports that hold several annotators in one file (issue 20): :func:`open_export`.

An annotation tool exports a team's work as one file; ``agree`` reads such a file as
one annotator per person (:func:`seqeval_suite.io.annotations.read_corpus`). Shapes,
and what names the annotator:

* **Prodigy** ``db-out`` of a multi-user dataset (JSON Lines, one answer a record):
  ``_annotator_id`` (Prodigy 1.11+ writes ``"<dataset>-<session>"``), else
  ``_session_id``. Records answered ``reject`` or ``ignore`` are skipped and counted;
  answers from a binary interface (``_view_id`` ``ner`` or ``classification``, as
  ``ner.teach`` saves them: one suggested span accepted or rejected) are refused,
  naming file and line: they are not complete annotations.
* **Label Studio** JSON export (one array of tasks, several ``annotations`` a task):
  ``completed_by``, an integer user id or an object whose ``email`` is used when
  present. Cancelled annotations (``was_cancelled``, or ``skipped`` in old exports)
  are skipped and counted; ``predictions`` are a model's suggestions, not an
  annotator's, and are ignored (and counted).
* **Label Studio JSON-MIN** (one flat record per annotation, as
  ``label_studio_converter`` writes it: the task's data fields, ``id`` the task id,
  ``annotator``, ``annotation_id``, and a list of ``{start, end, text, labels}``
  regions under the labelling control's name): ``annotator``. The converter drops
  cancelled annotations before writing, so none can be counted.
* **doccano** 1.2 and earlier (JSON Lines, one document a record, every user's spans
  under ``annotations`` as ``{"label": <id>, "start_offset", "end_offset", "user"}``):
  ``user``. Labels are integer ids and need the names (:func:`load_label_ids`).
  doccano 1.2 does not record who finished a document, so every user named anywhere
  in the file is taken to have labelled every document: one with none of a user's
  spans reads as that user finding no entity (counted in a note). Later doccano
  versions write no user field (``backend/data_export`` in doccano's repository): a
  project without collaborative annotation exports one ``<username>.jsonl`` per
  member, which ``agree`` reads as one file per annotator; a collaborative
  project's ``all.jsonl`` merges everyone's spans and cannot be split.

Answers are grouped into sentences by the task they answer: Prodigy's
``_input_hash``, else ``_task_hash``, else the text; Label Studio's task ``id`` (else
its position); doccano's document ``id`` (else the text). Sentences come in the order
their first answer does; annotators are sorted by name (numeric ids by value), and
only those with at least one usable answer count. A task an annotator has no usable
answer for is *not labelled* by them (``None`` tags). Texts are tokenized once per
task (Prodigy's ``tokens`` when they rebuild the text, else spaCy's blank English
tokenizer) and each annotator's spans aligned to those tokens as
:class:`~seqeval_suite.io.jsonl.JsonlReader` does, so every annotator of a task has
the same tokens. Label Studio regions (JSON and JSON-MIN) follow
:class:`~seqeval_suite.io.jsonl.LabelStudioReader`'s rules: a region without offsets
or with several labels is refused, one with an empty label list left out and counted.
"""
from __future__ import annotations

import os
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..errors import DataError
from .formats import detect_format
from .jsonl import (
    DOCCANO_KEYS,
    LabelIds,
    _Aligner,
    _checked_span,
    _doccano_items,
    _is_int,
    _json_lines,
    _labelstudio_items,
    _load_tasks,
    _prodigy_items,
    _task_text,
    doccano_users,
    labelled_region,
    load_label_ids,
    one_label,
    refuse_binary,
    sniff_dialect,
    unlabelled_warning,
)

#: JSON-MIN keys that are the converter's own, not the task's data or a control's regions.
JSON_MIN_META = frozenset({"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time", "agreement"})
#: Prodigy fields naming the annotator, in the order they are looked for.
PRODIGY_ANNOTATOR_KEYS = ("_annotator_id", "_session_id")
#: Prodigy fields naming the task, in the order they are looked for (then the text).
PRODIGY_TASK_KEYS = ("_input_hash", "_task_hash")


# ------------------------------------------------------------------ the API
def annotators_in(path: str | os.PathLike, format: str | None = None, *, encoding: str = "utf-8") -> list[str]:
    """The people whose annotations an export holds, sorted by name (numeric ids by value).

    Args:
        path: a Prodigy or doccano JSON Lines export, or a Label Studio JSON or
            JSON-MIN export.
        format: ``jsonl`` or ``labelstudio`` (None: by extension, as ``agree`` picks it).
        encoding: the file's encoding.

    Returns:
        The annotators' names (see the module docstring for what names them); an empty
        list for a file that names no annotator (a CoNLL file, a plain per-annotator
        export), which ``agree`` reads as one annotator.

    Raises:
        DataError: as :func:`open_export`.

    >>> import json, pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "team.jsonl"
    >>> rows = [{"text": "Ann", "spans": [], "_annotator_id": who} for who in ("ner-ann", "ner-bob", "ner-ann")]
    >>> _ = p.write_text("".join(json.dumps(r) + "\\n" for r in rows))
    >>> annotators_in(p)
    ['ner-ann', 'ner-bob']
    """
    export = open_export(path, format, encoding=encoding)
    return list(export.annotators) if export is not None else []


def open_export(path: str | os.PathLike, format: str | None = None, *,
                encoding: str = "utf-8") -> TeamExport | None:
    """Scan an export for its annotators and answers (texts are not tokenized yet).

    Returns:
        A :class:`TeamExport`, or None when the file names no annotator: a CoNLL or
        DocBin file, JSON Lines whose first record has no ``_annotator_id`` /
        ``_session_id`` (Prodigy) nor doccano users, a Label Studio export none of
        whose annotations has ``completed_by``.

    Raises:
        DataError: naming file and line (JSON Lines) or task / record (Label Studio):
            a binary Prodigy answer, a record that does not name its annotator in a
            file whose others do, a record of another shape, bad JSON.
    """
    path = str(path)
    fmt = _normal_format(format or detect_format(path))
    if fmt == "jsonl":
        first = _first_record(path, encoding)
        if not isinstance(first, dict):
            return None
        dialect = sniff_dialect(first)
        if dialect == "prodigy" and _prodigy_annotator(first) is not None:
            return _scan_prodigy(path, encoding)
        if dialect == "doccano" and ("annotations" in first or doccano_users(first)):
            return _scan_doccano(path, encoding)
        return None
    if fmt == "labelstudio":
        tasks = _load_tasks(path, encoding)
        first = next((t for t in tasks if isinstance(t, dict)), None)
        if first is None:
            return None
        if any(k in first for k in ("data", "annotations", "completions")):
            return _scan_labelstudio(path, tasks)
        if "annotator" in first or "annotation_id" in first:
            return _scan_json_min(path, tasks)
    return None


class TeamSentence(NamedTuple):
    """One task as a sentence: its tokens, and per annotator (in
    :attr:`TeamExport.annotators` order) the tags, or None when that annotator did not
    label it, and the line (JSON Lines) or task / record index of their answer (the
    task's first answer for those who did not label it)."""

    tokens: list[str]
    tags: list[list[str] | None]
    lines: list[int]


class _Answer(NamedTuple):
    """One annotator's usable answer to one task, as scanned (spans still raw)."""

    task: Hashable  # the grouping key
    annotator: str
    text: str
    source: Any  # the record (Prodigy, JSON-MIN, doccano) or the annotation (Label Studio)
    line: int  # JSON Lines line, or 1-based task / record index
    where: str  # how messages name the answer
    tokens: list | None  # Prodigy's tokens


@dataclass
class TeamExport:
    """A scanned multi-annotator export (:func:`open_export`).

    Attributes:
        path: the file.
        shape: ``prodigy``, ``labelstudio``, ``labelstudio-min`` or ``doccano``.
        annotators: the people with a usable answer, sorted by name (numeric ids by value).
        answers: every usable answer, in file order.
        notes: what was skipped or assumed on purpose (rejected records, cancelled
            annotations, ignored predictions, doccano's documents without a user's span).
    """

    path: str
    shape: str
    annotators: list[str]
    answers: list[_Answer]
    notes: list[str] = field(default_factory=list)

    @property
    def shared(self) -> bool:
        """Whether some task was answered by two or more annotators."""
        seen: dict[Hashable, str] = {}
        for answer in self.answers:
            if seen.setdefault(answer.task, answer.annotator) != answer.annotator:
                return True
        return False

    def read(self, *, labels=None, alignment: str = "strict") -> tuple[list[TeamSentence], list[str]]:
        """Tokenize every task once and tag each annotator's spans on those tokens.

        Args:
            labels: doccano label names for integer label ids (:func:`load_label_ids`).
            alignment: ``strict``, ``expand`` or ``contract``, as for the JSON readers.

        Returns:
            ``(sentences, warnings)``: tasks with at least one token, in the order of
            their first answer; the notes, repeated answers (the last is kept) and
            what the aligner repaired.

        Raises:
            DataError: naming the answer: span offsets outside the text, a span
                without a label, an integer label without ``labels`` or not among
                them, two answers to one task with different texts; under
                ``strict``, spans off token boundaries (with examples).
        """
        label_ids = load_label_ids(labels) if self.shape == "doccano" else None
        aligner = _Aligner(self.path, alignment)
        unlabelled: list[str] = []
        tasks: dict[Hashable, dict[str, _Answer]] = {}
        repeated: list[str] = []
        for answer in self.answers:
            per = tasks.setdefault(answer.task, {})
            if answer.annotator in per:
                repeated.append(answer.where)
            per[answer.annotator] = answer
        sentences: list[TeamSentence] = []
        for per in tasks.values():
            first = min(per.values(), key=lambda a: a.line)
            for answer in per.values():
                if answer.text != first.text:
                    raise DataError(f"{answer.where}: the text differs from that of {first.where}, "
                                    "an answer to the same task",
                                    hint="answers are grouped by task id (Prodigy: _input_hash); "
                                         "was the export edited?")
            doc = aligner.doc(first.text, first.tokens, first.where)
            tokens: list[str] = []
            tags: list[list[str] | None] = []
            for name in self.annotators:
                answer = per.get(name)
                if answer is None:
                    tags.append(None)
                    continue
                spans = self._spans(answer, label_ids, unlabelled)
                tokens, annotator_tags = aligner.tags(doc, spans, answer.where)
                tags.append(annotator_tags)
            if tokens:
                lines = [per[n].line if n in per else first.line for n in self.annotators]
                sentences.append(TeamSentence(tokens, tags, lines))
        warnings = list(self.notes)
        if repeated:
            warnings.append(f"{self.path}: {len(repeated)} answer(s) repeat an annotator's earlier answer to the same "
                            f"task; the last one is kept, e.g. {repeated[0]}")
        if unlabelled:
            warnings.append(unlabelled_warning(self.path, unlabelled))
        aligner.finish(warnings)
        return sentences, warnings

    def _spans(self, answer: _Answer, label_ids: LabelIds | None, unlabelled: list[str]) -> list[tuple[int, int, str]]:
        """One answer's checked ``(start, end, label)`` character spans.

        Label Studio regions are read as :class:`~seqeval_suite.io.jsonl.LabelStudioReader`
        reads them: one with an empty label list is left out and described in
        ``unlabelled``; one with several labels is refused (a flat tag holds one type).
        """
        if self.shape in ("labelstudio", "labelstudio-min"):
            regions = (_labelstudio_items(answer.source, answer.where, unlabelled) if self.shape == "labelstudio"
                       else _min_items(answer.source, answer.where, unlabelled))
            return [one_label(region, start, end, names, answer.text, answer.where)
                    for region, start, end, names in regions]
        items: Iterable[tuple[Any, Any, Any]] = (
            _prodigy_items(answer.source, answer.where) if self.shape == "prodigy"
            else _doccano_items(answer.source, answer.where, label_ids, user=answer.annotator))
        return [_checked_span(start, end, label, answer.text, answer.where) for start, end, label in items]


# ------------------------------------------------------------------ scanning each shape
def _normal_format(fmt: str) -> str:
    fmt = fmt.lower()
    return "labelstudio" if fmt in ("json", "label-studio", "label_studio") else fmt


def _first_record(path: str, encoding: str) -> Any:
    """The first JSON Lines record, or None for a file with none."""
    lines = _json_lines(path, encoding)
    try:
        return next(lines, (0, None))[1]
    finally:
        lines.close()


def _name_of(value: Any) -> str | None:
    """An annotator's name from an id field: a non-empty string or an integer as text,
    or, for an object (Label Studio's expanded ``completed_by``), its ``email`` when
    present, else its ``id``."""
    if isinstance(value, Mapping):
        email = value.get("email")
        if isinstance(email, str) and email:
            return email
        value = value.get("id")
    if _is_int(value) or (isinstance(value, str) and value):
        return str(value)
    return None


def _prodigy_annotator(record: dict) -> str | None:
    for key in PRODIGY_ANNOTATOR_KEYS:
        name = _name_of(record.get(key))
        if name is not None:
            return name
    return None


def _prodigy_task(record: dict) -> Hashable:
    for key in PRODIGY_TASK_KEYS:
        value = record.get(key)
        if value is not None and not isinstance(value, (dict, list)):
            return key, value
    return "text", record["text"]


def _export(path: str, shape: str, answers: list[_Answer], notes: list[str]) -> TeamExport:
    return TeamExport(path, shape, sorted({a.annotator for a in answers}, key=_name_order), answers, notes)


def _name_order(name: str) -> tuple:
    """Annotators sort by name, numeric ids by value (``2`` before ``10``): an export's
    record order is the tool's (JSON-MIN puts a task's newest annotation first).

    >>> sorted(["10", "bob", "2", "alice"], key=_name_order)
    ['2', '10', 'alice', 'bob']
    """
    return (0, int(name), "") if name.isdigit() else (1, 0, name)


def _scan_prodigy(path: str, encoding: str) -> TeamExport:
    """A Prodigy ``db-out`` export whose records name their annotator."""
    answers: list[_Answer] = []
    skipped = 0
    for lineno, record in _json_lines(path, encoding):
        where = f"{path}:{lineno}"
        if sniff_dialect(record) != "prodigy":
            raise DataError(f"{where}: not a Prodigy record (text and spans)",
                            hint="a Prodigy db-out export holds one answer a line")
        refuse_binary(record, where)
        name = _prodigy_annotator(record)
        if name is None:
            raise DataError(f"{where}: the record has no _annotator_id or _session_id, though the file's first "
                            "record names its annotator",
                            hint="export the dataset again with prodigy db-out, or remove the records of no annotator")
        if record.get("answer") in ("reject", "ignore"):
            skipped += 1
            continue
        answers.append(_Answer(_prodigy_task(record), name, record["text"], record, lineno, where,
                               record.get("tokens")))
    notes = [f"{path}: {skipped} record(s) answered reject/ignore skipped (not labelled by their annotator)"] \
        if skipped else []
    return _export(path, "prodigy", answers, notes)


def _scan_labelstudio(path: str, tasks: list) -> TeamExport | None:
    """A Label Studio JSON export; None when no annotation names its annotator."""
    answers: list[_Answer] = []
    unnamed: str | None = None
    cancelled = predictions = 0
    for index, task in enumerate(tasks, 1):
        where = f"{path}: task {index}"
        if not isinstance(task, dict):
            raise DataError(f"{where}: not a task object", hint="is this a Label Studio JSON export?")
        predictions += len(task.get("predictions") or [])
        key = ("id", task["id"]) if task.get("id") is not None else ("index", index)
        text = None
        for k, annotation in enumerate(task.get("annotations") or task.get("completions") or [], 1):
            if not isinstance(annotation, dict):
                raise DataError(f"{where}: annotation {k} is not an object")
            if annotation.get("was_cancelled") or annotation.get("skipped"):
                cancelled += 1
                continue
            name = _name_of(annotation.get("completed_by"))
            if name is None:
                unnamed = unnamed or f"{where}, annotation {k}"
                continue
            if text is None:
                text = _task_text(task, where)
            answers.append(_Answer(key, name, text, annotation, index, f"{where} (annotation {k}, by {name})", None))
    if unnamed is not None:
        if not answers:
            return None  # a per-annotator export: LabelStudioReader reads it
        raise DataError(f"{unnamed}: the annotation has no completed_by, though others name their annotator",
                        hint="export the project again from Label Studio")
    notes = []
    if cancelled:
        notes.append(f"{path}: {cancelled} cancelled annotation(s) skipped (not labelled by their annotator)")
    if predictions:
        notes.append(f"{path}: {predictions} prediction(s) ignored (a model's suggestions, not an annotator's)")
    return _export(path, "labelstudio", answers, notes)


def _scan_json_min(path: str, records: list) -> TeamExport:
    """A Label Studio JSON-MIN export: one flat record per annotation."""
    answers: list[_Answer] = []
    for index, record in enumerate(records, 1):
        where = f"{path}: record {index}"
        if not isinstance(record, dict):
            raise DataError(f"{where}: not a JSON-MIN record (an object)")
        name = _name_of(record.get("annotator"))
        if name is None:
            raise DataError(f"{where}: the record has no annotator",
                            hint="Label Studio's JSON-MIN export names each record's annotator")
        key = ("id", record["id"]) if record.get("id") is not None else ("index", index)
        answers.append(_Answer(key, name, _min_text(record, where), record, index, f"{where} (by {name})", None))
    return _export(path, "labelstudio-min", answers, [])


def _min_text(record: dict, where: str) -> str:
    """The text of a JSON-MIN record: ``text``, else its only other string field."""
    if isinstance(record.get("text"), str):
        return record["text"]
    strings = [v for k, v in record.items() if k not in JSON_MIN_META and isinstance(v, str)]
    if len(strings) == 1:
        return strings[0]
    raise DataError(f"{where}: cannot tell which field holds the text", hint="name the data field 'text'")


def _min_items(record: dict, where: str, unlabelled: list[str]) -> Iterator[tuple[str, Any, Any, list]]:
    """Raw ``(region, start, end, label names)`` of a JSON-MIN record's labelled regions
    (lists of objects with ``labels`` under any control's name), as
    :func:`~seqeval_suite.io.jsonl._labelstudio_items` gives them: a region with an
    empty label list is described in ``unlabelled`` and left out.

    Raises:
        DataError: labels that are not a list of names, a region without offsets.
    """
    for key, value in record.items():
        if key in JSON_MIN_META or not isinstance(value, list):
            continue
        for k, item in enumerate(value):
            label_key = next((name for name in ("labels", "hypertextlabels") if name in item), None) \
                if isinstance(item, dict) else None
            if label_key is None:
                continue  # a per-region text area or choice, not a labelled region
            region, names = f"{where}, {key}[{k}]", item[label_key]
            if labelled_region(region, label_key, names, item, unlabelled,
                               hint="export the project's JSON-MIN from a Text labelling interface"):
                yield region, item.get("start"), item.get("end"), names


def _scan_doccano(path: str, encoding: str) -> TeamExport:
    """A doccano 1.2 export: every user's spans in each document's record."""
    records: list[tuple[int, dict]] = []
    users: dict[str, None] = {}
    for lineno, record in _json_lines(path, encoding):
        where = f"{path}:{lineno}"
        if sniff_dialect(record) != "doccano":
            raise DataError(f"{where}: not a doccano record (text and annotations)")
        if _has_unnamed_span(record):
            raise DataError(f"{where}: a span names no user, though the file's spans name their user",
                            hint="export the project again from doccano")
        for user in doccano_users(record):
            users.setdefault(user)
        records.append((lineno, record))
    answers: list[_Answer] = []
    no_span = 0
    for lineno, record in records:
        present = set(doccano_users(record))
        key = ("id", record["id"]) if record.get("id") is not None else ("text", record["text"])
        for user in users:
            no_span += user not in present
            answers.append(_Answer(key, user, record["text"], record, lineno, f"{path}:{lineno} (user {user})", None))
    notes = []
    if no_span and len(users) > 1:
        notes.append(f"{path}: {no_span} time(s) a user has no span in a document, read as that user finding no "
                     "entity there (doccano 1.2 does not record who finished a document)")
    return _export(path, "doccano", answers, notes)


def _has_unnamed_span(record: dict) -> bool:
    """Whether a doccano record holds a span with no ``user`` (the list form has none)."""
    return any(not isinstance(item, dict) or item.get("user") is None
               for key in DOCCANO_KEYS for item in record.get(key) or [])
