"""The benchmark configuration: a YAML file naming corpora, systems and how to score them.

:func:`load_config` reads the file with a safe loader, checks every key before any
work starts, and raises one :class:`~seqeval_suite.errors.ConfigError` listing *all*
problems, each with the config file and a key path such as
``systems[2].predictions.news-test``. Paths in the file are relative to the file.

The schema (every key is documented in the README, section ``run``)::

    name: demo-ner                 # optional, default: the file's stem
    title: Demo NER benchmark      # optional
    description: ...               # optional
    scoring: {mode: lenient, scheme: auto, suffix: false, types: null, match: strict,
              primary: micro_f1, seed: 0, resamples: 1000, level: 0.95, alpha: 0.05}
    analysis: false                # true: error breakdown and confusion matrix per corpus
    corpora:
      - {id: news-test, path: ../corpora/demo/news.test.conll, scheme: IOB2,
         types: [...], label_map: {...}, delimiter: null, encoding: utf-8, comments: false}
    systems:
      - {id: crf, name: CRF, url: ..., predictions: {news-test: [a.conll, b.conll]},
         label_map: {...}, types: [...]}
      - {id: rules, spacy: ../corpora/demo/ruler-pipeline, label_map: {PERSON: PER}}
    outputs: [markdown, csv, latex, json, html]
"""
from __future__ import annotations

import difflib
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

MODES = ("lenient", "conlleval", "strict")
#: strict is exact span-and-type matching; the others are the partial-match schemas.
MATCHES = ("strict", "exact", "partial", "type")
PRIMARY_METRICS = ("micro_f1", "micro_p", "micro_r", "macro_f1", "macro_p", "macro_r", "weighted_f1")
OUTPUTS = ("markdown", "csv", "latex", "json", "html")
CORRECTIONS = ("holm",)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

TOP_KEYS = ("name", "title", "description", "scoring", "corpora", "systems", "outputs", "analysis")
SCORING_KEYS = ("mode", "scheme", "suffix", "types", "match", "primary", "seed", "resamples", "level",
                "alpha", "correction", "beta")
CORPUS_KEYS = ("id", "name", "path", "scheme", "types", "label_map", "delimiter", "encoding", "comments",
               "gold_column", "layers", "layer_names", "nested", "span_key", "type_map")
SYSTEM_KEYS = ("id", "name", "url", "description", "predictions", "prediction_column", "spacy", "label_map",
               "types", "checkpoints")
CHECKPOINT_KEYS = ("gold", "predictions", "steps", "step_pattern", "train")
TRAIN_KEYS = ("gold", "predictions", "steps")


@dataclass(frozen=True)
class Scoring:
    """How every unit is scored (shared by all corpora and systems)."""

    mode: str = "lenient"
    scheme: str = "auto"
    suffix: bool = False
    types: tuple[str, ...] | None = None
    match: str = "strict"
    primary: str = "micro_f1"
    seed: int = 0
    resamples: int = 1000
    level: float = 0.95
    alpha: float = 0.05
    correction: str = "holm"
    #: F-beta's beta: when not 1, boards add a micro F-beta column (issue 18).
    beta: float = 1.0


@dataclass(frozen=True)
class Corpus:
    """One gold corpus. ``file`` is the path as written in the config."""

    id: str
    path: Path
    file: str
    name: str = ""
    scheme: str | None = None
    types: tuple[str, ...] | None = None
    label_map: dict[str, str | None] = field(default_factory=dict)
    delimiter: str | None = None
    encoding: str = "utf-8"
    comments: bool = False
    #: The gold tag column of a CoNLL file (0-based, negative from the end; None: the last).
    gold_column: int | None = None
    #: Nested entities (issue 17): layered CoNLL columns (``"2,3"``), their names, span
    #: inputs read with overlaps kept, a spaCy span key, a type map applied to both sides.
    layers: str | None = None
    layer_names: tuple[str, ...] | None = None
    nested: bool = False
    span_key: str | None = None
    type_map: dict | None = None

    @property
    def is_nested(self) -> bool:
        """Whether units on this corpus go through :mod:`seqeval_suite.nested`."""
        return bool(self.layers or self.nested or self.span_key or self.type_map)


@dataclass(frozen=True)
class Series:
    """A checkpoint series (issue 18): a gold file and one prediction file per checkpoint.

    ``files`` are the prediction files in the order found (a folder's in name order),
    each with the path as outputs may show it; ``steps`` pairs with them when given.
    """

    gold: Path
    gold_file: str
    files: tuple[tuple[Path, str], ...]
    steps: tuple[int | float, ...] | None = None


@dataclass(frozen=True)
class Checkpoints:
    """A system's ``checkpoints:``: the learning curve drawn on the board."""

    dev: Series
    step_pattern: str | None = None
    train: Series | None = None


@dataclass(frozen=True)
class System:
    """One system: prediction files per corpus (one per run), or a spaCy pipeline."""

    id: str
    name: str = ""
    url: str | None = None
    description: str | None = None
    predictions: dict[str, tuple[tuple[Path, str], ...]] = field(default_factory=dict)
    spacy: str | None = None
    spacy_is_path: bool = False
    label_map: dict[str, str | None] = field(default_factory=dict)
    types: tuple[str, ...] | None = None
    #: The tag column of its CoNLL prediction files (0-based, negative from the end; None: the last).
    prediction_column: int | None = None
    #: Its checkpoint series, scored into a learning curve on the board (issue 18).
    checkpoints: Checkpoints | None = None

    @property
    def kind(self) -> str:
        """``spacy`` or ``predictions``."""
        return "spacy" if self.spacy is not None else "predictions"


@dataclass(frozen=True)
class Config:
    """A validated benchmark configuration."""

    name: str
    title: str
    description: str | None
    scoring: Scoring
    corpora: tuple[Corpus, ...]
    systems: tuple[System, ...]
    outputs: tuple[str, ...]
    source: str
    #: Add per corpus an error breakdown of every system and the top system's confusions.
    analysis: bool = False


# ------------------------------------------------------------------ loading YAML
def _safe_loader():
    """A yaml.SafeLoader subclass that rejects duplicate keys instead of keeping the last."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def construct_mapping(loader, node, deep=False):
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=True)
            try:
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {excerpt(key)} (first on line {seen[key] + 1})", key_node.start_mark)
                seen[key] = key_node.start_mark.line
            except TypeError:  # unhashable key; SafeLoader reports it itself
                pass
        return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)

    def compose_document(loader):
        node = yaml.SafeLoader.compose_document(loader)
        _check_expansion(node)
        return node

    Loader.compose_document = compose_document
    return Loader


#: The most values a config may hold once its aliases are expanded: a real config holds
#: a few hundred; an alias bomb (each alias repeating the last one tenfold) billions.
MAX_EXPANDED_NODES = 100_000


def _check_expansion(root) -> None:
    """Refuse a document whose aliases expand to more than :data:`MAX_EXPANDED_NODES`
    values, before anything is constructed or echoed (the composed graph shares aliased
    nodes, so this walk costs one step per distinct node).

    Raises:
        yaml.YAMLError: naming the line of the biggest alias use.
    """
    import yaml

    sizes: dict[int, int] = {}

    def size(node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        sizes[id(node)] = 1  # a cycle (recursive alias) counts once while being measured
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        sizes[id(node)] = min(total, MAX_EXPANDED_NODES + 1)
        return sizes[id(node)]

    if root is not None and size(root) > MAX_EXPANDED_NODES:
        raise yaml.composer.ComposerError(
            None, None, f"the aliases expand to more than {MAX_EXPANDED_NODES:,} values (an alias bomb?)",
            root.start_mark)


def excerpt(value: Any, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters, for messages that echo a value.

    >>> excerpt("x" * 100, 10)
    "'xxxxx...(102 characters)"
    """
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit - 4]}...({len(text)} characters)"


def read_yaml(path: str | os.PathLike) -> Any:
    """Parse a YAML file safely; syntax errors become a ConfigError with file and line."""
    import yaml

    name = str(path)
    if os.path.isdir(name):
        raise ConfigError(f"{name}: is a directory, not a config file", hint="give the path of a .yaml file")
    try:
        with open(name, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        raise ConfigError(f"{name}: no such config file") from None
    except OSError as exc:
        raise ConfigError(f"{name}: cannot read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{name}: not UTF-8 text", hint="save the config as UTF-8") from None
    try:
        return yaml.load(text, Loader=_safe_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark is not None else name
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        hint = ("a config needs no aliases that large: write the values out"
                if "alias bomb" in problem else "check the indentation and quoting")
        raise ConfigError(f"{where}: invalid YAML: {problem}", hint=hint) from None


# ------------------------------------------------------------------ validation
class _Problems:
    """Collects every problem with its key path, to report them all at once."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[tuple[str, str]] = []

    def add(self, key: str, message: str) -> None:
        self.items.append((key, message))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        lines = [f"{self.source}: {key}: {message}" if key else f"{self.source}: {message}"
                 for key, message in self.items]
        n = len(lines)
        head = (f"{self.source}: {n} problem{'s' if n != 1 else ''} in the config "
                "(the README section 'run' documents every key)")
        raise ConfigError("\n".join([head, *("  " + line for line in lines)]))


def _unknown_keys(data: dict, allowed: tuple[str, ...], where: str, problems: _Problems) -> None:
    for key in data:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known keys: {', '.join(allowed)})"
            shown = str(key) if len(str(key)) <= 60 else excerpt(str(key))
            problems.add(_join(where, shown), f"unknown key{hint}")


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _type_name(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean", int: "an integer",
            float: "a number", type(None): "empty"}.get(type(value), type(value).__name__)


def _expect(value: Any, kinds: tuple[type, ...], what: str, key: str, problems: _Problems) -> bool:
    # bool is an int subclass: `seed: yes` must not pass as an integer.
    ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
    if not ok:
        problems.add(key, f"expected {what}, got {_type_name(value)}")
    return ok


def _string(data: dict, key: str, where: str, problems: _Problems, *, default=None, required=False):
    if key not in data or data[key] is None:
        if required:
            problems.add(_join(where, key), "missing (required)")
        return default
    value = data[key]
    if _expect(value, (str,), "a string", _join(where, key), problems):
        if required and not value.strip():
            problems.add(_join(where, key), "must not be empty")
        return value
    return default


def _ident(data: dict, key: str, where: str, problems: _Problems) -> str | None:
    value = _string(data, key, where, problems, required=True)
    if value and not _ID.match(value):
        problems.add(_join(where, key), f"{excerpt(value)} is not a valid id: use letters, digits, '.', '_' and '-'")
        return None
    return value


def _choice(value: Any, choices: tuple[str, ...], key: str, problems: _Problems, note: str = "") -> str | None:
    if not _expect(value, (str,), "a string", key, problems):
        return None
    if value.lower() not in choices:
        problems.add(key, f"{excerpt(value)} is not one of {', '.join(choices)}{note}")
        return None
    return value.lower()


def _types(value: Any, key: str, problems: _Problems) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not _expect(value, (list,), "a list of entity type names", key, problems):
        return None
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip() or any(ch.isspace() for ch in item) or not item.isprintable():
            problems.add(f"{key}[{i}]", f"expected a type name (a non-empty string without spaces or invisible "
                                        f"characters), got {excerpt(item)}")
        else:
            out.append(item)
    if not value:
        problems.add(key, "an empty list would score nothing; leave the key out to score every type")
    return tuple(sorted(set(out)))


def _label_map(value: Any, key: str, problems: _Problems) -> dict[str, str | None]:
    if value is None:
        return {}
    if not _expect(value, (dict,), "a mapping from label to label (or null to drop it)", key, problems):
        return {}
    out: dict[str, str | None] = {}
    for source, target in value.items():
        where = f"{key}.{source}"
        # A source is matched against the data as written, so a key with an invisible
        # character repairs such tags (PER<U+200B> -> PER); a target must be printable.
        if not isinstance(source, str) or not source or any(ch in " \t\n\r" for ch in source):
            problems.add(where, f"a label must be a non-empty string without spaces, got {excerpt(source)}")
            continue
        if target is None or (isinstance(target, str) and target == "O"):
            out[source] = None  # dropped: its tags become O
        elif isinstance(target, str) and target and not any(ch.isspace() for ch in target) and target.isprintable():
            out[source] = target
        else:
            problems.add(where, f"maps to {excerpt(target)}: expected a label (a string without spaces or invisible "
                                "characters) or null to drop it")
    return out


def _resolve(base: Path, written: str) -> Path:
    path = Path(os.path.expanduser(written))
    return path if path.is_absolute() else base / path


def _file(base: Path, written: Any, key: str, problems: _Problems) -> Path | None:
    if not _expect(written, (str,), "a file path", key, problems):
        return None
    path = _resolve(base, written)
    if path.is_dir():
        problems.add(key, f"{written}: is a directory, not a file")
    elif not path.is_file():
        problems.add(key, f"{written}: no such file (paths are relative to the config file)")
    else:
        return path
    return None


def _scoring(data: Any, problems: _Problems) -> Scoring:
    if data is None:
        return Scoring()
    if not _expect(data, (dict,), "a mapping", "scoring", problems):
        return Scoring()
    _unknown_keys(data, SCORING_KEYS, "scoring", problems)
    values: dict[str, Any] = {}
    if "mode" in data:
        values["mode"] = _choice(data["mode"], MODES, "scoring.mode", problems)
    if "scheme" in data:
        values["scheme"] = _scheme(data["scheme"], "scoring.scheme", problems)
    if "suffix" in data and _expect(data["suffix"], (bool,), "true or false", "scoring.suffix", problems):
        values["suffix"] = data["suffix"]
        if data["suffix"] and values.get("mode") == "conlleval":
            problems.add("scoring.suffix", "has no meaning in mode conlleval: conlleval.pl has no such option "
                                           "(use mode lenient or strict with suffix)")
    if "types" in data:
        values["types"] = _types(data["types"], "scoring.types", problems)
    if "match" in data:
        values["match"] = _choice(data["match"], MATCHES, "scoring.match", problems)
        if values["match"] not in (None, "strict") and values.get("mode") == "conlleval":
            problems.add("scoring.match", f"{values['match']} matching needs entity spans, which conlleval "
                                          "mode does not keep: use mode lenient or strict")
    if "primary" in data:
        from .core.options import canonical_metric

        primary = canonical_metric(data["primary"]) if isinstance(data["primary"], str) else data["primary"]
        values["primary"] = _choice(primary, PRIMARY_METRICS, "scoring.primary", problems)
    if "correction" in data:
        values["correction"] = _choice(data["correction"], CORRECTIONS, "scoring.correction", problems)
    if "seed" in data and _expect(data["seed"], (int,), "an integer", "scoring.seed", problems):
        values["seed"] = data["seed"]
    if "resamples" in data and _expect(data["resamples"], (int,), "an integer", "scoring.resamples", problems):
        from .core.options import MAX_RESAMPLES

        if not 0 <= data["resamples"] <= MAX_RESAMPLES:
            problems.add("scoring.resamples", f"must lie between 0 (no intervals) and {MAX_RESAMPLES:,}, "
                                              f"got {data['resamples']:,}")
        values["resamples"] = data["resamples"]
    for key in ("level", "alpha"):
        if key in data and _expect(data[key], (int, float), "a number", f"scoring.{key}", problems):
            if not 0 < data[key] < 1:
                problems.add(f"scoring.{key}", f"must lie strictly between 0 and 1, got {data[key]}")
            values[key] = float(data[key])
    if "beta" in data and _expect(data["beta"], (int, float), "a number", "scoring.beta", problems):
        import math

        if isinstance(data["beta"], bool) or not math.isfinite(data["beta"]) or data["beta"] <= 0:
            problems.add("scoring.beta", f"must be a positive number (0.5 favours precision, 2 recall), "
                                         f"got {data['beta']}")
        else:
            values["beta"] = float(data["beta"])
    return Scoring(**{k: v for k, v in values.items() if v is not None})


def _scheme(value: Any, key: str, problems: _Problems) -> str | None:
    from .schemes import normalize_scheme

    if not _expect(value, (str,), "a scheme name", key, problems):
        return None
    try:
        return normalize_scheme(value)
    except Exception:
        problems.add(key, f"{excerpt(value)} is not a scheme: use auto, IOB1, IOB2, IOE1, IOE2, IOBES, BILOU or IO")
        return None


def _list_of_mappings(data: Any, key: str, problems: _Problems) -> list:
    if data is None:
        problems.add(key, "missing (required): a list with at least one entry")
        return []
    if not _expect(data, (list,), "a list", key, problems):
        return []
    if not data:
        problems.add(key, "must hold at least one entry")
    return data


def _entries(data: Any, section: str, keys: tuple[str, ...], problems: _Problems):
    """Yield ``(index, key path, entry, id)`` for each mapping of a list section, after
    checking its keys and that its id is unique (an entry that is not a mapping is
    reported and skipped)."""
    seen: dict[str, int] = {}
    for i, entry in enumerate(_list_of_mappings(data, section, problems)):
        where = f"{section}[{i}]"
        if not _expect(entry, (dict,), "a mapping", where, problems):
            continue
        _unknown_keys(entry, keys, where, problems)
        ident = _ident(entry, "id", where, problems)
        if ident is not None:
            if ident in seen:
                problems.add(f"{where}.id", f"duplicate id {excerpt(ident)} (also {section}[{seen[ident]}])")
            seen.setdefault(ident, i)
        yield i, where, entry, ident


def _corpora(data: Any, base: Path, scoring: Scoring, problems: _Problems) -> list[Corpus]:
    out: list[Corpus] = []
    for i, where, entry, cid in _entries(data, "corpora", CORPUS_KEYS, problems):
        path = _file(base, entry.get("path"), f"{where}.path", problems) if "path" in entry else None
        if "path" not in entry:
            problems.add(f"{where}.path", "missing (required): the gold file (CoNLL, .jsonl, .json or .spacy)")
        scheme = _scheme(entry["scheme"], f"{where}.scheme", problems) if entry.get("scheme") is not None else None
        if scoring.mode == "strict" and (scheme or scoring.scheme) == "auto":
            problems.add(f"{where}.scheme", "strict mode needs a named scheme (here or in scoring.scheme)")
        comments = entry.get("comments", False)
        _expect(comments, (bool,), "true or false", f"{where}.comments", problems)
        encoding = _string(entry, "encoding", where, problems, default="utf-8")
        if encoding:
            import codecs

            try:
                if not codecs.lookup(encoding)._is_text_encoding:  # base64, rot13...: bytes to bytes
                    problems.add(f"{where}.encoding", f"{excerpt(encoding)} is not a text encoding")
            except LookupError:
                problems.add(f"{where}.encoding", f"unknown encoding {excerpt(encoding)}")
        if entry.get("delimiter") == "":
            problems.add(f"{where}.delimiter", "an empty separator splits nothing; leave the key out to split on "
                                               "any whitespace")
        elif isinstance(entry.get("delimiter"), str) and scoring.mode == "conlleval":
            from .core.options import delimiter_regex_problem

            problem = delimiter_regex_problem(entry["delimiter"])
            if problem:
                problems.add(f"{where}.delimiter", f"{problem}; in conlleval mode it is a regular expression, as "
                                                   "conlleval.pl's -d")
        corpus = Corpus(
            id=cid or f"#{i}", path=path or Path(), file=entry.get("path") if isinstance(entry.get("path"), str) else "",
            name=_string(entry, "name", where, problems, default=None) or cid or "",
            scheme=scheme, types=_types(entry.get("types"), f"{where}.types", problems),
            label_map=_label_map(entry.get("label_map"), f"{where}.label_map", problems),
            delimiter=_string(entry, "delimiter", where, problems), encoding=encoding or "utf-8",
            comments=bool(comments), gold_column=_column(entry, "gold_column", where, problems),
            **_nested_keys(entry, where, scoring, problems),
        )
        out.append(corpus)
    return out


def _nested_keys(entry: dict, where: str, scoring: Scoring, problems: _Problems) -> dict:
    """The nested-entity keys of a corpus entry, checked (see :mod:`seqeval_suite.nested`)."""
    from .errors import UsageError
    from .nested import parse_layers, parse_type_map

    out: dict = {}
    if entry.get("layers") is not None:
        layers = entry["layers"]
        if isinstance(layers, list):
            layers = ",".join(str(c) for c in layers)
        try:
            parse_layers(str(layers), one_file=False)
            out["layers"] = str(layers)
        except UsageError as exc:
            problems.add(f"{where}.layers", f"{exc.message}: give the tag columns of gold and predictions, "
                                            "e.g. [2, 3]")
    names = entry.get("layer_names")
    if names is not None:
        if isinstance(names, list) and all(isinstance(n, str) and n for n in names):
            out["layer_names"] = tuple(names)
        else:
            problems.add(f"{where}.layer_names", "expected a list of names")
    for key in ("nested",):
        if key in entry:
            if _expect(entry[key], (bool,), "true or false", f"{where}.{key}", problems):
                out[key] = entry[key]
    if entry.get("span_key") is not None:
        out["span_key"] = _string(entry, "span_key", where, problems)
    if entry.get("type_map") is not None:
        mapping = entry["type_map"]
        if isinstance(mapping, dict) and all(isinstance(k, str) and (v is None or isinstance(v, str))
                                             for k, v in mapping.items()):
            out["type_map"] = parse_type_map(dict(mapping))
        else:
            problems.add(f"{where}.type_map", "expected a mapping of type names to type names (null drops a type)")
    if (out.get("layers") or out.get("nested") or out.get("span_key") or out.get("type_map")) \
            and scoring.mode == "conlleval":
        problems.add(f"{where}.layers", "nested entities cannot be scored in conlleval mode: use lenient or strict")
    return out


def _column(entry: dict, key: str, where: str, problems: _Problems) -> int | None:
    """A tag column index (0-based as on the command line; negative counts from the end)."""
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(_join(where, key), f"expected a column index (0 is the token column, -1 the last), "
                                        f"got {_type_name(value)} {excerpt(value)}")
        return None
    return value


def _runs(value: Any, base: Path, key: str, problems: _Problems) -> tuple[tuple[Path, str], ...]:
    files = value if isinstance(value, list) else [value]
    if isinstance(value, list) and not value:
        problems.add(key, "an empty list: give at least one prediction file")
    out = []
    for j, written in enumerate(files):
        where = f"{key}[{j}]" if isinstance(value, list) else key
        path = _file(base, written, where, problems)
        if path is not None:
            out.append((path, written))
    return tuple(out)


def _spacy(value: Any, base: Path, key: str, problems: _Problems) -> tuple[str | None, bool]:
    if not _expect(value, (str,), "a pipeline directory or an installed package name", key, problems):
        return None, False
    path = _resolve(base, value)
    if path.is_dir():
        if not (path / "config.cfg").is_file():
            problems.add(key, f"{value}: a directory without config.cfg is not a spaCy pipeline")
        return str(path), True
    if "/" in value or os.sep in value or value.startswith("."):
        problems.add(key, f"{value}: no such pipeline directory (paths are relative to the config file)")
        return None, False
    import re
    from importlib.util import find_spec

    # Only a top-level name: find_spec("pkg.mod") would import (run) pkg to look inside it.
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", value):
        problems.add(key, f"{excerpt(value)}: not a pipeline directory nor a package name (a spaCy package "
                          "is a top-level name such as en_core_web_sm)")
        return None, False
    if find_spec(value.replace("-", "_")) is None:
        problems.add(key, f"{value}: neither a pipeline directory nor an installed spaCy package "
                          "(nothing is downloaded: install the package first)")
        return None, False
    return value, False


def _systems(data: Any, base: Path, corpus_ids: list[str], problems: _Problems) -> list[System]:
    out: list[System] = []
    for i, where, entry, sid in _entries(data, "systems", SYSTEM_KEYS, problems):
        has_preds, has_spacy = entry.get("predictions") is not None, entry.get("spacy") is not None
        predictions: dict[str, tuple[tuple[Path, str], ...]] = {}
        spacy, spacy_is_path = None, False
        if has_preds and has_spacy:
            problems.add(where, "give either predictions or spacy, not both")
        elif not has_preds and not has_spacy:
            problems.add(where, "needs predictions (files per corpus) or spacy (a pipeline)")
        elif has_spacy:
            spacy, spacy_is_path = _spacy(entry["spacy"], base, f"{where}.spacy", problems)
        elif _expect(entry["predictions"], (dict,), "a mapping from corpus id to file(s)",
                     f"{where}.predictions", problems):
            for cid, value in entry["predictions"].items():
                key = f"{where}.predictions.{cid}"
                if cid not in corpus_ids:
                    close = difflib.get_close_matches(str(cid), corpus_ids, n=1)
                    problems.add(key, f"no corpus with id {excerpt(cid)}" + (f" (did you mean {close[0]!r}?)" if close else ""))
                    continue
                predictions[cid] = _runs(value, base, key, problems)
            for cid in corpus_ids:
                if cid not in entry["predictions"]:
                    problems.add(f"{where}.predictions.{cid}", "missing: every system needs predictions for every corpus")
        url = _string(entry, "url", where, problems)
        if url and not re.match(r"^https?://\S+$", url):
            # Boards link to it: only web addresses, never javascript: or file: links.
            problems.add(f"{where}.url", f"{excerpt(url)}: give an address starting with http:// or https://")
            url = None
        out.append(System(
            id=sid or f"#{i}", name=_string(entry, "name", where, problems) or sid or "", url=url,
            description=_string(entry, "description", where, problems),
            predictions=predictions, spacy=spacy, spacy_is_path=spacy_is_path,
            label_map=_label_map(entry.get("label_map"), f"{where}.label_map", problems),
            types=_types(entry.get("types"), f"{where}.types", problems),
            prediction_column=_column(entry, "prediction_column", where, problems),
            checkpoints=_checkpoints(entry, base, where, problems),
        ))
    return out


def _checkpoints(entry: dict, base: Path, where: str, problems: _Problems) -> Checkpoints | None:
    """A system's ``checkpoints`` mapping, checked as ``seqeval-suite curve`` checks its
    arguments (steps found for every file, no step twice), with key paths."""
    if entry.get("checkpoints") is None:
        return None
    key = f"{where}.checkpoints"
    value = entry["checkpoints"]
    if not _expect(value, (dict,), "a mapping with gold and predictions", key, problems):
        return None
    _unknown_keys(value, CHECKPOINT_KEYS, key, problems)
    if entry.get("label_map"):
        problems.add(f"{where}.label_map", "cannot be combined with checkpoints (their files are scored as "
                                           "written): rename the labels in the checkpoint files")
    pattern = _string(value, "step_pattern", key, problems)
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            problems.add(f"{key}.step_pattern", f"not a regular expression ({exc})")
            pattern = None
    column = entry.get("prediction_column")
    pred_column = column if isinstance(column, int) and not isinstance(column, bool) else None
    dev = _series(value, base, key, pattern, problems, pred_column)
    train = None
    if value.get("train") is not None:
        if _expect(value["train"], (dict,), "a mapping with gold and predictions", f"{key}.train", problems):
            _unknown_keys(value["train"], TRAIN_KEYS, f"{key}.train", problems)
            train = _series(value["train"], base, f"{key}.train", pattern, problems, pred_column)
    if dev is None:
        return None
    return Checkpoints(dev=dev, step_pattern=pattern, train=train)


def _series(value: dict, base: Path, key: str, pattern: str | None, problems: _Problems,
            pred_column: int | None = None) -> Series | None:
    from .curves import STEP_PATTERN, resolve_checkpoints
    from .errors import SeqevalSuiteError

    if "gold" not in value:
        problems.add(f"{key}.gold", "missing (required): the gold file the checkpoints are scored on")
    if "predictions" not in value:
        problems.add(f"{key}.predictions", "missing (required): a folder of checkpoint files or a list of files")
    gold = _file(base, value.get("gold"), f"{key}.gold", problems) if "gold" in value else None
    written = value.get("predictions")
    written = written if isinstance(written, list) else [written]
    paths = []
    for j, item in enumerate(written if "predictions" in value else []):
        where = f"{key}.predictions" + (f"[{j}]" if isinstance(value["predictions"], list) else "")
        if not _expect(item, (str,), "a file or folder path", where, problems):
            continue
        path = _resolve(base, item)
        if not path.exists():
            problems.add(where, f"{item}: no such file or folder (paths are relative to the config file)")
            continue
        paths.append((path, item))
    steps = value.get("steps")
    if steps is not None and not (isinstance(steps, list) and steps and all(
            isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in steps)):
        problems.add(f"{key}.steps", "expected a list of finite numbers, one per checkpoint file")
        steps = None
    if gold is None or not paths:
        return None
    shown = {str(p): w for p, w in paths}
    from .curves import scored_against_itself

    for path, item in paths:
        if scored_against_itself(str(path), str(gold), pred_column):
            problems.add(f"{key}.predictions", f"{item} is the series' gold file, read at its tag column: it "
                                               "would be scored against itself (100 on every metric)")
            return None
    try:
        found = resolve_checkpoints([str(p) for p, _ in paths], steps=steps, step_pattern=pattern or STEP_PATTERN,
                                    exclude=[str(gold)], pred_column=pred_column)
    except SeqevalSuiteError as exc:
        message = exc.message
        # Name files as the config does (a folder as written plus the file's name).
        for full in sorted(set(re.findall(r"(/\S+?)(?=[:,;)]?(?:\s|$))", message)), key=len, reverse=True):
            message = message.replace(full, _shown_path(full, shown))
        message = message.replace("--steps", "steps:").replace("--step-pattern", "step_pattern:")
        problems.add(f"{key}.predictions", message + "; give steps: (one per file, in the files' order) or "
                                                     "step_pattern: (a regular expression)")
        return None
    files = tuple((Path(c.path), _shown_path(c.path, shown)) for c in found)
    return Series(gold=gold, gold_file=str(value["gold"]), files=files,
                  steps=tuple(c.step for c in found) if steps is not None else None)


def _shown_path(path: str, written: dict[str, str]) -> str:
    """A checkpoint file as the config names it: itself, or its folder as written plus its name."""
    if path in written:
        return written[path]
    folder = os.path.dirname(path)
    return os.path.join(written.get(folder, folder), os.path.basename(path))


def _outputs(value: Any, problems: _Problems) -> tuple[str, ...]:
    if value is None:
        return OUTPUTS
    if not _expect(value, (list,), f"a list of formats ({', '.join(OUTPUTS)})", "outputs", problems):
        return OUTPUTS
    out = []
    for i, item in enumerate(value):
        fmt = _choice(item, OUTPUTS, f"outputs[{i}]", problems)
        if fmt and fmt not in out:
            out.append(fmt)
    if not value:
        problems.add("outputs", "an empty list would write nothing")
    return tuple(f for f in OUTPUTS if f in out)


def effective_types(*lists: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The intersection of the type filters that are set (None: no filter).

    >>> effective_types(None, ("LOC", "PER"), ("PER", "ORG"))
    ('PER',)
    >>> effective_types(None, None) is None
    True
    """
    chosen = [set(x) for x in lists if x is not None]
    if not chosen:
        return None
    return tuple(sorted(set.intersection(*chosen)))


def _check_types(config_corpora: list[Corpus], systems: list[System], scoring: Scoring, problems: _Problems) -> None:
    for i, corpus in enumerate(config_corpora):
        for j, system in enumerate(systems):
            types = effective_types(scoring.types, corpus.types, system.types)
            if types == ():
                problems.add(f"systems[{j}].types", f"with scoring.types and corpora[{i}].types no entity type is left to score")


def _check_columns(config_corpora: list[Corpus], systems: list[System], problems: _Problems) -> None:
    """Tag columns are for CoNLL files, and no file may be scored against itself: the same
    file read at the same column on both sides scores 100 on every metric (issue 16)."""
    from .io.conll import same_column
    from .io.formats import detect_format

    for i, corpus in enumerate(config_corpora):
        if corpus.gold_column is not None and corpus.file and detect_format(corpus.file) != "conll":
            problems.add(f"corpora[{i}].gold_column", f"only CoNLL files have columns, not {detect_format(corpus.file)}")
        for j, system in enumerate(systems):
            for k, (path, written) in enumerate(system.predictions.get(corpus.id, ())):
                where = f"systems[{j}].predictions.{corpus.id}" + (f"[{k}]" if len(system.predictions[corpus.id]) > 1 else "")
                if system.prediction_column is not None and detect_format(written) != "conll":
                    problems.add(f"systems[{j}].prediction_column",
                                 f"only CoNLL files have columns, not {detect_format(written)} ({excerpt(written)})")
                    continue
                if corpus.is_nested or not corpus.file:
                    continue
                if detect_format(corpus.file) != "conll" or detect_format(written) != "conll":
                    # One record per sentence, one tag sequence per record: the same file is the same tags.
                    if path.is_file() and corpus.path.is_file() and os.path.samefile(path, corpus.path):
                        problems.add(where, f"{excerpt(written)} is corpora[{i}]'s gold file: it would be scored "
                                            "against itself (100 on every metric)")
                    continue
                column = same_column(corpus.path, path, corpus.gold_column, system.prediction_column,
                                     delimiter=corpus.delimiter, encoding=corpus.encoding, comments=corpus.comments)
                if column is not None:
                    problems.add(where, f"{excerpt(written)} is corpora[{i}]'s gold file, read at the same column "
                                        f"({column}) on both sides: it would be scored against itself (100 on "
                                        f"every metric); name the columns with corpora[{i}].gold_column and "
                                        f"systems[{j}].prediction_column")


def _check_formats(config_corpora: list[Corpus], systems: list[System], scoring: Scoring, problems: _Problems) -> None:
    """conlleval mode reads CoNLL text as the script does: other formats are refused up front."""
    from .io.formats import detect_format

    if scoring.mode != "conlleval":
        return
    for i, corpus in enumerate(config_corpora):
        if corpus.file and detect_format(corpus.file) != "conll":
            problems.add(f"corpora[{i}].path", f"conlleval mode reads CoNLL only, not {detect_format(corpus.file)}")
    for j, system in enumerate(systems):
        for cid, runs in (system.predictions or {}).items():
            for k, (_, written) in enumerate(runs):
                if detect_format(written) != "conll":
                    problems.add(f"systems[{j}].predictions.{cid}[{k}]",
                                 f"conlleval mode reads CoNLL only, not {detect_format(written)}")


def validate(data: Any, source: str | os.PathLike, *, base: Path | None = None) -> Config:
    """Check a parsed config and build a :class:`Config`, reporting all problems at once.

    Args:
        data: what the YAML file holds.
        source: the config file's path (named in messages; its folder resolves paths).
        base: the folder relative paths start from (default: ``source``'s folder).

    >>> validate([], "bench.yaml")
    Traceback (most recent call last):
    ...
    seqeval_suite.errors.ConfigError: bench.yaml: 1 problem in the config (the README section 'run' documents every key)
      bench.yaml: expected a mapping at the top level, got a list
    """
    source = str(source)
    problems = _Problems(source)
    base = Path(source).resolve().parent if base is None else base
    if not isinstance(data, dict):
        problems.add("", f"expected a mapping at the top level, got {_type_name(data)}")
        problems.raise_if_any()
    _unknown_keys(data, TOP_KEYS, "", problems)
    name = _string(data, "name", "", problems)
    if name is not None and not _ID.match(name):
        problems.add("name", f"{excerpt(name)} names the output folder: use letters, digits, '.', '_' and '-'")
    name = name or Path(source).stem
    scoring = _scoring(data.get("scoring"), problems)
    corpora = _corpora(data.get("corpora"), base, scoring, problems)
    systems = _systems(data.get("systems"), base, list(dict.fromkeys(c.id for c in corpora)), problems)
    _check_types(corpora, systems, scoring, problems)
    _check_formats(corpora, systems, scoring, problems)
    _check_columns(corpora, systems, problems)
    if scoring.mode == "strict" and scoring.scheme == "auto":
        for j, system in enumerate(systems):
            if system.checkpoints is not None:
                problems.add(f"systems[{j}].checkpoints", "strict mode needs scoring.scheme for the checkpoints "
                                                          "(they are scored with the scoring settings)")
    outputs = _outputs(data.get("outputs"), problems)
    title = _string(data, "title", "", problems) or name
    description = _string(data, "description", "", problems)
    analysis = data.get("analysis", False)
    _expect(analysis, (bool,), "true or false", "analysis", problems)
    problems.raise_if_any()
    return Config(name=name, title=title, description=description, scoring=scoring,
                  corpora=tuple(corpora), systems=tuple(systems), outputs=outputs, source=source,
                  analysis=bool(analysis))


def load_config(path: str | os.PathLike) -> Config:
    """Read and validate a benchmark config (see the module docstring for the schema)."""
    return validate(read_yaml(path), path)


def map_tag(tag: str, mapping: dict[str, str | None], *, suffix: bool = False) -> str:
    """Rename a tag's entity type through ``mapping`` (a type mapped to None becomes O).

    >>> map_tag("B-PERSON", {"PERSON": "PER"}), map_tag("I-NORP", {"NORP": None}), map_tag("O", {})
    ('B-PER', 'O', 'O')
    >>> map_tag("GPE-B", {"GPE": "LOC"}, suffix=True)
    'LOC-B'
    """
    if not mapping or "-" not in tag:
        return tag
    if suffix:
        kind, _, prefix = tag.rpartition("-")
    else:
        prefix, _, kind = tag.partition("-")
    if kind not in mapping:
        return tag
    target = mapping[kind]
    if target is None:
        return "O"
    return f"{target}-{prefix}" if suffix else f"{prefix}-{target}"

