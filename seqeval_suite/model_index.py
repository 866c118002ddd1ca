"""Hugging Face ``model-index`` metadata for one system of a leaderboard (issue 19).

A model card on the Hugging Face Hub reports evaluation results in the ``model-index``
key of its YAML front matter (the spec is hub-docs' ``modelcard.md``; the Hub and
``huggingface_hub``'s ``model_index_to_eval_results`` read it). This module turns one
system of a ``results.json`` into that block and merges it into a card.

Decisions, stated once:

- **Values are fractions** (0.8328, not 83.28), as model cards on the Hub write
  precision, recall and F1. By default a value is the exact double the leaderboard
  computes (YAML keeps every digit, so it reads back equal); ``digits`` rounds it with
  Python's ``round``.
- **Every figure is computed from the counts** by :func:`seqeval_suite.runner.run_scores`,
  as the boards do; derived figures a ``results.json`` may also hold (schema version 2)
  are not read, so every schema version exports the same numbers.
- **Several runs:** the value is the mean over the runs (``statistics.mean``, as the
  board's), the metric's name says ``(mean of 3 runs)`` and its ``args`` hold ``runs``
  and ``std`` (sample standard deviation, as on the board).
- **The signature** goes into each metric's ``args`` (``signature`` and ``tool``),
  which ``model_index_to_eval_results`` keeps as ``EvalResult.metric_args``. A
  ``source`` block is written only when a URL is given: the Hub requires one with it.

>>> results = {"version": "0.1.0", "settings": {"match": "strict"},
...            "corpora": [{"id": "news", "name": "News"}],
...            "systems": [{"id": "crf", "name": "CRF"}],
...            "results": [{"system": "crf", "corpus": "news", "signature": "mode:lenient",
...                         "runs": [{"per_type": {"PER": {"tp": 3, "fp": 1, "fn": 1}},
...                                   "tokens": 10, "correct_tags": 9}]}]}
>>> [entry] = model_index(results, "crf")
>>> entry["results"][0]["dataset"]
{'type': 'news', 'name': 'News', 'split': 'test'}
>>> [(m["name"], m["value"]) for m in entry["results"][0]["metrics"]][:3]
[('micro precision', 0.75), ('micro recall', 0.75), ('micro F1', 0.75)]
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import mean, stdev
from typing import Iterable, Mapping

import yaml

from .errors import DataError, UsageError

TASK_TYPE = "token-classification"
TASK_NAME = "Named Entity Recognition"
DEFAULT_SPLIT = "test"
#: The front-matter key the Hub reads evaluation results from.
KEY = "model-index"

# (results key of run_scores, HF metric type, name, sklearn-style ``average``)
_METRICS = (
    ("micro_p", "precision", "micro precision", "micro"),
    ("micro_r", "recall", "micro recall", "micro"),
    ("micro_f1", "f1", "micro F1", "micro"),
    ("macro_f1", "f1", "macro F1", "macro"),
)


@dataclass(frozen=True, slots=True)
class DatasetRef:
    """Where a corpus lives on the Hub: a dataset id and the split that was scored."""

    id: str
    split: str = DEFAULT_SPLIT


def parse_dataset(spec: str) -> tuple[str, DatasetRef]:
    """Read a ``--dataset`` value, ``CORPUS=HF_ID[:SPLIT]``.

    A Hub dataset id has no ``:``, so the first ``:`` after ``=`` starts the split.

    >>> parse_dataset("news-test=conll2003:validation")
    ('news-test', DatasetRef(id='conll2003', split='validation'))
    >>> parse_dataset("web-test=my-org/web-ner")
    ('web-test', DatasetRef(id='my-org/web-ner', split='test'))

    Raises:
        UsageError: (exit 2) the value is not of that form.
    """
    corpus, sep, target = spec.partition("=")
    hf_id, colon, split = target.partition(":")
    corpus, hf_id, split = corpus.strip(), hf_id.strip(), split.strip()
    if not sep or not corpus or not hf_id or (colon and not split):
        raise UsageError(f"--dataset {spec!r}: expected CORPUS=HF_ID[:SPLIT]",
                         hint="for example --dataset news-test=conll2003:test")
    return corpus, DatasetRef(hf_id, split or DEFAULT_SPLIT)


def dataset_map(specs: Iterable[str], results: dict, where: str) -> dict[str, DatasetRef]:
    """The ``--dataset`` values as ``{corpus id: DatasetRef}``, checked against the corpora
    of ``results`` (read from the file ``where``).

    Raises:
        UsageError: (exit 2) a malformed value, a corpus named twice, or a corpus that
            ``results`` does not have (the message lists those it has).
    """
    known = [c["id"] for c in results["corpora"]]
    out: dict[str, DatasetRef] = {}
    for spec in specs:
        corpus, ref = parse_dataset(spec)
        if corpus not in known:
            raise UsageError(f"--dataset {spec!r}: {where} has no corpus {corpus!r}; its corpora: "
                             + ", ".join(known), hint="name a corpus id before '='")
        if corpus in out:
            raise UsageError(f"--dataset names corpus {corpus!r} twice", hint="give one --dataset per corpus")
        out[corpus] = ref
    return out


def read_results(path: str) -> dict:
    """Read a leaderboard ``results.json`` and check the parts an export uses.

    Raises:
        DataError: (exit 1) the file is missing, is not JSON, is not a seqeval-suite
            ``results.json``, or lacks the corpora, systems or counts (the message
            names the file).
    """
    import json

    # Read here rather than through the renderers' loader: an export needs none of them.
    from .runner import RESULTS_SCHEMA_VERSION

    hint = "give the results.json that `seqeval-suite run` wrote"
    try:
        with open(path, encoding="utf-8-sig") as fh:  # a BOM an editor added is no error
            data = json.load(fh)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file", hint=hint) from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory", hint="give the results.json inside it") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except ValueError as exc:  # bad JSON or bad UTF-8
        raise DataError(f"{path}: not a results file ({exc})", hint=hint) from None
    if not isinstance(data, dict) or data.get("kind") != "seqeval-suite leaderboard":
        raise DataError(f"{path}: not a seqeval-suite results.json", hint=hint)
    # Every version so far holds the counts, and only the counts are read (version 2
    # added derived figures beside them); a newer version may have moved them.
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= RESULTS_SCHEMA_VERSION:
        raise DataError(f"{path}: results schema version {version!r}, this tool reads versions 1 to "
                        f"{RESULTS_SCHEMA_VERSION}", hint="export with the seqeval-suite version that wrote it")
    for key in ("corpora", "systems", "results"):
        if not isinstance(data.get(key), list) or not all(isinstance(x, dict) and (key == "results" or "id" in x)
                                                          for x in data[key]):
            raise DataError(f"{path}: not a seqeval-suite results.json ('{key}' is missing or malformed)", hint=hint)
    for entry in data["results"]:
        runs = entry.get("runs")
        if not entry.get("system") or not entry.get("corpus") or not isinstance(runs, list) or not runs or \
                not all(isinstance(r, dict) and isinstance(r.get("per_type"), dict) for r in runs):
            raise DataError(f"{path}: not a seqeval-suite results.json (a result without counts)", hint=hint)
    return data


def model_index(
    results: dict,
    system: str,
    *,
    datasets: Mapping[str, DatasetRef] | None = None,
    task_name: str = TASK_NAME,
    model_name: str | None = None,
    digits: int | None = None,
    source_url: str | None = None,
    where: str = "results.json",
) -> list[dict]:
    """The ``model-index`` value (a list of one model) for ``system`` of ``results``.

    Args:
        results: a ``results.json`` as read by :func:`read_results`.
        system: the system id.
        datasets: corpus id -> Hub dataset id and split; other corpora are exported under
            their own id, split ``test``.
        task_name: the task's pretty name (its type is always ``token-classification``).
        model_name: the model's name in the index (default: the system id).
        digits: round values (and standard deviations) to this many decimals; None
            keeps every digit.
        source_url: adds ``source: {name: <board title>, url: source_url}`` to each result.
        where: the file ``results`` came from, for messages.

    Returns:
        ``[{"name": ..., "results": [...]}]``, one result per corpus in board order,
        each with micro precision, recall and F1, macro F1 and, when the counts have
        tokens and correct tags, token accuracy.

    Raises:
        DataError: (exit 1) no such system (the message lists the ids), or counts that
            cannot be scored.
    """
    from .runner import run_scores

    ids = [s["id"] for s in results["systems"]]
    if system not in ids:
        raise DataError(f"{where}: no system {system!r}; its systems: " + ", ".join(ids),
                        hint="pass one of them to --system")
    datasets = datasets or {}
    settings = results.get("settings") or {}
    match = settings.get("match", "strict")
    tool = f"seqeval-suite {results.get('version', '')}".strip()
    entries = {e["corpus"]: e for e in results["results"] if e["system"] == system}
    out = []
    for corpus in results["corpora"]:
        entry = entries.get(corpus["id"])
        if entry is None:
            continue
        runs = entry["runs"]
        try:
            scored = [run_scores(run) for run in runs]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise DataError(f"{where}: counts of {system} on {corpus['id']} cannot be read ({type(exc).__name__}: "
                            f"{exc})", hint="give the results.json that `seqeval-suite run` wrote") from None
        series = [(hf_type, name, average, [s[key] for s in scored]) for key, hf_type, name, average in _METRICS]
        accuracy = _accuracies(runs)
        if accuracy is not None:
            series.append(("accuracy", "token accuracy", None, accuracy))
        metrics = [_metric(hf_type, name, average, values, match=match, digits=digits, tool=tool,
                           signature=entry.get("signature"))
                   for hf_type, name, average, values in series]
        ref = datasets.get(corpus["id"], DatasetRef(corpus["id"]))
        result = {
            "task": {"type": TASK_TYPE, "name": task_name},
            "dataset": {"type": ref.id, "name": corpus.get("name") or corpus["id"], "split": ref.split},
            "metrics": metrics,
        }
        if source_url:
            result["source"] = {"name": results.get("title") or results.get("name") or tool, "url": source_url}
        out.append(result)
    return [{"name": model_name or system, "results": out}]


def _accuracies(runs: list[dict]) -> list[float] | None:
    """Token accuracy (correct tags / tokens) of each run, or None when a run lacks them."""
    values = []
    for run in runs:
        tokens, correct = run.get("tokens"), run.get("correct_tags")
        if not isinstance(tokens, int) or not isinstance(correct, int) or isinstance(tokens, bool) or tokens <= 0:
            return None
        values.append(correct / tokens)
    return values


def _metric(hf_type: str, name: str, average: str | None, values: list[float], *, match: str,
            digits: int | None, tool: str, signature: str | None) -> dict:
    """One metric entry: the mean over runs, its name, and what reproduces it in ``args``."""
    value = float(mean(values))
    if match != "strict" and hf_type != "accuracy":
        name += f", {match} match"
    if len(values) > 1:
        name += f" (mean of {len(values)} runs)"
    args: dict = {}
    if average is not None:
        args["average"] = average
    args["runs"] = len(values)
    if len(values) > 1:
        args["std"] = _round(float(stdev(values)), digits)
    args["tool"] = tool
    if signature:
        args["signature"] = signature
    return {"type": hf_type, "value": _round(value, digits), "name": name, "args": args}


def _round(value: float, digits: int | None) -> float:
    return value if digits is None else round(value, digits)


def to_yaml(index: list[dict]) -> str:
    """The ``model-index:`` block as YAML text (key order as built, every float digit kept).

    >>> print(to_yaml([{"name": "crf", "results": []}]), end="")
    model-index:
    - name: crf
      results: []
    """
    return yaml.safe_dump({KEY: index}, sort_keys=False, allow_unicode=True, default_flow_style=False)


# ------------------------------------------------------------------ model cards
# Front matter as the Hub finds it (huggingface_hub's repocard REGEX_YAML_BLOCK): optional
# whitespace, a line `---`, then YAML up to the next line that is `---` (trailing blanks
# allowed). We also take `---` right after the opening line as empty front matter.
_OPEN = re.compile(r"\s*---(\r\n|\n)")
_CLOSE = re.compile(r"^---[ \t]*(?:\r\n|\n|\Z)", re.M)
_KEY_LINE = re.compile(re.escape(KEY) + r"[ \t]*:(?:[ \t]|\r?\n|$)")
_SEQUENCE_ITEM = re.compile(r"-(?:[ \t]|\r?\n|$)")


@dataclass(frozen=True, slots=True)
class MergedCard:
    """A model card with the block merged in; ``rewritten`` when the whole front matter had
    to be dumped again (its comments and layout are then lost)."""

    text: str
    rewritten: bool = False


def merge_card(card: str, index: list[dict], *, where: str = "README.md") -> MergedCard:
    """Put ``index`` under the ``model-index`` key of a model card's front matter.

    Everything outside that key is kept as it was, character for character: the body
    after the closing ``---``, a leading BOM, and the other front-matter keys with their
    comments. An existing ``model-index`` is replaced where it stands; otherwise the key
    is added at the end of the front matter. A card without front matter gets one. Only
    when the key cannot be spliced as text (an unusual layout) is the front matter
    dumped again, and ``rewritten`` says so.

    >>> merge_card("---\\nlicense: mit  # ok\\n---\\n# Model\\n", [{"name": "m", "results": []}]).text
    '---\\nlicense: mit  # ok\\nmodel-index:\\n- name: m\\n  results: []\\n---\\n# Model\\n'

    Raises:
        DataError: (exit 1) the front matter is not YAML, or not a mapping.
    """
    bom = "\ufeff" if card.startswith("\ufeff") else ""
    text = card[len(bom):]
    opened = _OPEN.match(text)
    closed = _CLOSE.search(text, opened.end()) if opened else None
    if opened is None or closed is None:
        first_end = text.find("\n")
        nl = "\r\n" if first_end > 0 and text[first_end - 1] == "\r" else "\n"
        block = _newlines(to_yaml(index), nl)
        return MergedCard(f"{bom}---{nl}{block}---{nl}{text}")
    nl = opened.group(1)
    head, content, tail = text[:opened.end()], text[opened.end():closed.start()], text[closed.start():]
    try:
        data = yaml.safe_load(content)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {head.count(chr(10)) + mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "cannot parse"
        raise DataError(f"{where}: the front matter is not valid YAML ({problem}{line})",
                        hint="fix the YAML between the --- lines") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise DataError(f"{where}: the front matter is a {type(data).__name__}, not a mapping of keys",
                        hint="model card metadata is a YAML mapping (key: value lines)")
    wanted = {**data, KEY: index}
    spliced = _splice(content, _newlines(to_yaml(index), nl), nl, present=KEY in data)
    try:
        # the splice must mean exactly the old keys plus the new block, or it is not used
        ok = spliced is not None and yaml.safe_load(spliced) == wanted
    except yaml.YAMLError:
        ok = False
    if ok:
        return MergedCard(f"{bom}{head}{spliced}{tail}")
    dumped = yaml.safe_dump(wanted, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return MergedCard(f"{bom}{head}{_newlines(dumped, nl)}{tail}", rewritten=True)


def _splice(content: str, block: str, nl: str, *, present: bool) -> str | None:
    """``content`` with the top-level ``model-index`` key's lines replaced by ``block``
    (or ``block`` appended when the key is not ``present``); None when the key is present
    but not written as a plain ``model-index:`` line (appending would make it a duplicate
    key, which stricter YAML readers reject). A key's lines run to the next line at
    column 0 that is not a sequence item (PyYAML writes a key's sequence at the key's
    own indentation); blank lines at its end stay."""
    lines = re.findall(r"[^\n]*\n|[^\n]+", content)  # on LF only, as YAML (str.splitlines splits more)
    start = next((k for k, line in enumerate(lines) if _KEY_LINE.match(line)), None)
    if start is None and present:
        return None
    if start is None:
        if content and not content.endswith("\n"):
            content += nl
        return content + block
    end = start + 1
    while end < len(lines) and (lines[end][:1] in (" ", "\t") or not lines[end].strip()
                                or _SEQUENCE_ITEM.match(lines[end])):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return "".join(lines[:start]) + block + "".join(lines[end:])


def _newlines(text: str, nl: str) -> str:
    return text if nl == "\n" else text.replace("\n", nl)
