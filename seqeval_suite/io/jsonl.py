"""JSON readers and writers: token/tag JSON Lines, character-offset spans, Label Studio.

Dialects of JSON Lines, sniffed per record:

* ``tokens`` — ``{"tokens": [...], "tags": [...]}`` or Hugging Face's
  ``{"tokens": [...], "ner_tags": [...]}`` with tag names, or integer ids plus a label
  list (``labels=``, as in the dataset's ``features``);
* ``prodigy`` — ``{"text": ..., "spans": [{"start", "end", "label"}, ...]}``
  (Prodigy's ``tokens``, when present and consistent with ``text``, are used as the
  tokenization; records answered ``reject`` or ``ignore`` are skipped);
* ``doccano`` — ``{"text": ..., "label": [[start, end, label], ...]}`` (also
  ``labels``, and ``entities`` as ``{"start_offset", "end_offset", "label"}``).

Label Studio's export is one JSON array of tasks (``data.text`` and the first
annotation that was not cancelled). Texts are tokenized with a blank spaCy English
tokenizer (no model download) and spans aligned with ``Doc.char_span``:
``alignment="strict"`` refuses a span that does not fall on token boundaries (the
error gives the count and examples), ``expand`` and ``contract`` widen or narrow it
(and a warning gives the count and examples); ``report_misaligned=True`` turns the
strict refusal into a warning and leaves such spans out (``validate`` uses it). Overlapping spans cannot be tagged:
the longest is kept and the others reported. Only this module and
:mod:`seqeval_suite.io.docbin` import spaCy, and only when a text must be tokenized.
"""
from __future__ import annotations

import io
import json
import os
from typing import Any, Iterator, Sequence

from ..errors import DataError, UsageError
from .tagged import DocumentCounter, TaggedSentence, document_id

ALIGNMENTS = ("strict", "expand", "contract")
TAG_KEYS = ("tags", "ner_tags")
MAX_EXAMPLES = 3


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


def sniff_dialect(record: Any) -> str | None:
    """Which JSON Lines dialect a record is in, or None.

    >>> sniff_dialect({"text": "Ann", "spans": [{"start": 0, "end": 3, "label": "PER"}]})
    'prodigy'
    >>> sniff_dialect({"text": "Ann", "label": [[0, 3, "PER"]]})
    'doccano'
    """
    if not isinstance(record, dict):
        return None
    if isinstance(record.get("tokens"), list) and any(k in record for k in TAG_KEYS):
        return "tokens"
    if isinstance(record.get("text"), str):
        if isinstance(record.get("spans"), list):
            return "prodigy"
        for key in ("label", "labels", "entities"):
            if isinstance(record.get(key), list):
                return "doccano"
        if "spans" not in record and not any(k in record for k in ("label", "labels", "entities")):
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
        self._nlp = None

    @property
    def nlp(self):
        if self._nlp is None:
            import spacy

            self._nlp = spacy.blank("en")
        return self._nlp

    def doc(self, text: str, tokens: list | None = None):
        """A Doc over ``text``: from Prodigy's tokens when they rebuild the text, else tokenized."""
        if tokens and all(isinstance(t, dict) and "text" in t for t in tokens):
            from spacy.tokens import Doc

            words = [t["text"] for t in tokens]
            spaces = [bool(t.get("ws", True)) for t in tokens]
            doc = Doc(self.nlp.vocab, words=words, spaces=spaces)
            if doc.text == text or doc.text.rstrip() == text:
                return doc
        return self.nlp.make_doc(text)

    def tags(self, doc, spans: list[tuple[int, int, str]], where: str) -> tuple[list[str], list[str]]:
        """IOB2 tags of ``doc`` for character ``spans``; whitespace tokens are dropped."""
        from spacy.util import filter_spans

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
        """Raise (strict) or warn about spans not on token boundaries, and about overlaps."""
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


def _doccano_spans(record: dict, where: str) -> list[tuple[int, int, str]]:
    spans = []
    for key in ("label", "labels", "entities"):
        for item in record.get(key) or []:
            if isinstance(item, dict):
                start, end, label = item.get("start_offset", item.get("start")), item.get(
                    "end_offset", item.get("end")), item.get("label")
            elif isinstance(item, (list, tuple)) and len(item) >= 3:
                start, end, label = item[0], item[1], item[2]
            else:
                raise DataError(f"{where}: {key} item {item!r} is not [start, end, label]")
            spans.append(_checked_span(start, end, label, record["text"], where))
    return spans


def _prodigy_spans(record: dict, where: str) -> list[tuple[int, int, str]]:
    spans = []
    for item in record.get("spans") or []:
        if not isinstance(item, dict):
            raise DataError(f"{where}: span {item!r} is not an object with start, end, label")
        spans.append(_checked_span(item.get("start"), item.get("end"), item.get("label"), record["text"], where))
    return spans


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
        self.labels = load_labels(labels)
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
        for lineno, record in _json_lines(self.path, self.encoding):
            simple = _simple_token_record(record)
            if simple is not None:  # the common case, with no per-record objects beyond the sentence
                self.dialects.add("tokens")
                self._documents.add(document_id(record))
                if simple[0]:
                    yield TaggedSentence(simple[0], simple[1], lineno)
                continue
            where = _Where(self.path, lineno)
            dialect = sniff_dialect(record)
            if dialect is None:
                raise DataError(
                    f"{where}: not a record this reader knows",
                    hint="expected tokens + tags/ner_tags, text + spans (Prodigy) or text + label (doccano)",
                )
            self.dialects.add(dialect)
            if record.get("answer") in ("reject", "ignore"):
                self.skipped += 1
                continue
            self._documents.add(document_id(record))
            if dialect == "tokens":
                tokens, tags = self._token_record(record, where)
            else:
                spans = _prodigy_spans(record, where) if dialect == "prodigy" else _doccano_spans(record, where)
                doc = self.aligner.doc(record["text"], record.get("tokens") if dialect == "prodigy" else None)
                tokens, tags = self.aligner.tags(doc, spans, where)
            if tokens:
                yield TaggedSentence(tokens, tags, lineno)
        if self.skipped:
            self.notes.append(f"{self.path}: {self.skipped} record(s) answered reject/ignore skipped")
        self.aligner.finish(self.warnings)

    def _token_record(self, record: dict, where: str) -> tuple[list[str], list[str]]:
        tokens = record["tokens"]
        key = next(k for k in TAG_KEYS if k in record)
        tags = record[key]
        if not isinstance(tags, list) or len(tags) != len(tokens):
            raise DataError(f"{where}: {len(tokens)} tokens but {key} has "
                            f"{len(tags) if isinstance(tags, list) else 'no list of'} tags")
        if _all_strings(tags):  # the common case, checked in one pass in C
            return (tokens if _all_strings(tokens) else [str(t) for t in tokens]), tags
        if any(isinstance(t, bool) or not isinstance(t, (int, str)) for t in tags):
            raise DataError(f"{where}: {key} must hold tag names or integer ids")
        if any(isinstance(t, int) for t in tags):
            if self.labels is None:
                raise DataError(f"{where}: {key} holds integer ids but no label list was given",
                                hint="pass --labels O,B-PER,I-PER,... (the dataset's label names, in id order)")
            try:
                if any(isinstance(t, int) and t < 0 for t in tags):
                    raise IndexError
                tags = [self.labels[t] if isinstance(t, int) else t for t in tags]
            except IndexError:
                raise DataError(f"{where}: tag id out of range for {len(self.labels)} labels") from None
        return [str(t) for t in tokens], list(tags)


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
        fh = io.TextIOWrapper(fh, encoding=encoding)
    lineno = 0
    loads = json.loads
    # orjson parses a line about twice as fast; where it refuses one (a BOM, a lone CR,
    # NaN, a huge integer, a blank line, bad JSON) the standard library decides, so what
    # is accepted and every message stay the standard library's.
    fast = _orjson_loads() if codec == "utf-8" else None
    with fh:
        for raw in fh:
            lineno += 1
            if fast is not None:
                try:
                    record = fast(raw)
                except ValueError:
                    pass
                else:
                    yield lineno, record
                    continue
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
                lineno += max(len(parts) - 1, 0)
                continue
            try:
                yield lineno, loads(text)
            except json.JSONDecodeError:
                if text.strip():
                    _loads(text, path, lineno)


def _orjson_loads():
    """``orjson.loads`` (a dependency; None if it is missing, then json alone parses)."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - installed with the package
        return None
    return orjson.loads


def _loads(text: str, path: str, lineno: int) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}:{lineno}: not valid JSON ({exc.msg})",
                        hint="JSON Lines need one JSON object per line") from None


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
        try:
            with open(self.path, encoding="utf-8-sig") as fh:
                tasks = json.load(fh)
        except FileNotFoundError:
            raise DataError(f"{self.path}: no such file") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise DataError(f"{self.path}: not a JSON file ({exc})",
                            hint="Label Studio's JSON export is one array of tasks; JSON Lines need .jsonl") from None
        if isinstance(tasks, dict):
            tasks = [tasks]
        if not isinstance(tasks, list):
            raise DataError(f"{self.path}: expected a JSON array of Label Studio tasks")
        cancelled = 0
        for index, task in enumerate(tasks, 1):
            where = f"{self.path}: task {index}"
            text = _task_text(task, where)
            annotation = _first_annotation(task)
            if annotation is None:
                cancelled += 1
                continue
            self._documents.add(document_id(task))
            spans = []
            for item in annotation.get("result") or []:
                value = item.get("value") or {}
                names = value.get("labels") or value.get("hypertextlabels") or []
                if "start" not in value or not names:
                    continue
                spans.append(_checked_span(value.get("start"), value.get("end"), names[0], text, where))
            tokens, tags = self.aligner.tags(self.aligner.doc(text), spans, where)
            if tokens:
                yield TaggedSentence(tokens, tags, index)
        if cancelled:
            self.notes.append(f"{self.path}: {cancelled} task(s) without a usable annotation skipped")
        self.aligner.finish(self.warnings)


def _task_text(task: Any, where: str) -> str:
    data = task.get("data") if isinstance(task, dict) else None
    if not isinstance(data, dict):
        raise DataError(f"{where}: no data object", hint="is this a Label Studio JSON export?")
    if isinstance(data.get("text"), str):
        return data["text"]
    strings = [v for v in data.values() if isinstance(v, str)]
    if len(strings) == 1:
        return strings[0]
    raise DataError(f"{where}: cannot tell which data field holds the text", hint="name it 'text'")


def _first_annotation(task: dict) -> dict | None:
    for annotation in task.get("annotations") or task.get("completions") or []:
        if isinstance(annotation, dict) and not annotation.get("was_cancelled"):
            return annotation
    return None


def write_jsonl(path: str, sentences, *, tag_key: str = "tags") -> None:
    """Write sentences as ``{"tokens": [...], "tags": [...]}`` JSON Lines, atomically."""
    from ..atomic import write_text

    lines = [json.dumps({"tokens": list(t), tag_key: list(g)}, ensure_ascii=False) for t, g in sentences]
    write_text(path, "".join(line + "\n" for line in lines))
