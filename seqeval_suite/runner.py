"""The benchmark runner: a validated :class:`~seqeval_suite.config.Config` in, results data out.

Work is split into *units*, one per (system, corpus, run). Each unit is scored by the
one scoring core (:func:`~seqeval_suite.core.score.score`, on the same sources
``evaluate`` opens), so every figure on a board is what ``seqeval-suite evaluate``
gives for the same file and settings. Units may run in
parallel processes (``jobs``); results are assembled in config order, so they do not
depend on ``jobs``. A unit whose inputs, settings and tool version are unchanged is
read from a content-addressed cache instead of being scored again.

Nothing here prints: progress goes to an optional callback, and the results are a
plain JSON-able dict (``results.json``) that the renderers turn into boards.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from ._version import __version__
from .config import Config, Corpus, System, effective_types, map_tag
from .counts import Counts, macro, total, weighted
from .core.options import METRICS as STATS_METRICS
from .errors import DataError, SeqevalSuiteError
from .signature import signature
from .cache import UnitCache

#: 2 (issue 19): each run and each (system, corpus) entry carries ``derived`` P/R/F1 computed
#: from its counts; ``render`` still reads version 1 files (and adds them).
RESULTS_SCHEMA_VERSION = 2
#: Bumped whenever a cached unit's layout changes, so stale entries are ignored
#: (5: entries carry a checksum, and curves are cached; 6: units list the types present;
#: 7: count cells over the types used, sorted).
CACHE_VERSION = 7
CACHE_DIR = ".seqeval-suite-cache"
# Markers that stand for the input files in cached warnings (their paths are not part
# of the cache key, and outputs must not hold absolute paths).
GOLD_MARK, PRED_MARK = "\x1bGOLD\x1b", "\x1bPRED\x1b"

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Unit:
    """One piece of work: one run of one system on one corpus."""

    system: str
    corpus: str
    run: int
    kind: str  # "predictions" or "spacy"
    gold: str
    gold_file: str
    pred: str
    pred_file: str
    spacy_is_path: bool
    options: dict
    gold_map: dict
    pred_map: dict
    analysis: bool = False

    @property
    def label(self) -> str:
        """How progress and messages name the unit."""
        return f"{self.system} on {self.corpus} (run {self.run + 1})"


# ------------------------------------------------------------------ planning
def unit_options(config: Config, corpus: Corpus, system: System) -> dict:
    """The evaluator's settings for one (corpus, system) pair, as ``Options.build`` kwargs."""
    s = config.scoring
    types = effective_types(s.types, corpus.types, system.types)
    return {
        "mode": s.mode, "scheme": corpus.scheme or s.scheme, "suffix": s.suffix,
        "types": list(types) if types is not None else None, "delimiter": corpus.delimiter,
        "comments": corpus.comments, "encoding": corpus.encoding, "match": s.match,
        **({"gold_column": corpus.gold_column} if corpus.gold_column is not None else {}),
        **({"pred_column": system.prediction_column} if system.prediction_column is not None else {}),
        **({"nested": {"layers": corpus.layers, "layer_names": list(corpus.layer_names or []) or None,
                       "span_key": corpus.span_key, "type_map": corpus.type_map}} if corpus.is_nested else {}),
    }


def plan(config: Config) -> list[Unit]:
    """Every unit of a config, in config order (systems, then corpora, then runs)."""
    units = []
    for system in config.systems:
        for corpus in config.corpora:
            options = unit_options(config, corpus, system)
            if system.spacy is not None:
                runs: tuple[tuple[str, str], ...] = ((system.spacy, _spacy_name(system)),)
            else:
                runs = tuple((str(p), w) for p, w in system.predictions[corpus.id])
            # Predictions go through the system's map first (its labels -> the corpus's),
            # then through the corpus's map, which renames gold too.
            pred_map = _compose(system.label_map, corpus.label_map)
            for k, (pred, pred_file) in enumerate(runs):
                units.append(Unit(
                    system=system.id, corpus=corpus.id, run=k, kind=system.kind,
                    gold=str(corpus.path), gold_file=_public_path(corpus.file), pred=pred,
                    pred_file=pred_file if system.spacy is not None else _public_path(pred_file),
                    spacy_is_path=system.spacy_is_path, options=options,
                    gold_map=dict(corpus.label_map), pred_map=pred_map, analysis=config.analysis,
                ))
    return units


def _spacy_name(system: System) -> str:
    return "spacy:" + (Path(system.spacy).name if system.spacy_is_path else system.spacy)


def _public_path(written: str) -> str:
    """A path as outputs may show it: as written in the config, never absolute."""
    return written if not os.path.isabs(os.path.expanduser(written)) else Path(written).name


def _compose(first: dict, second: dict) -> dict:
    """One label map equal to applying ``first`` and then ``second``.

    >>> _compose({"PERSON": "PER", "NORP": None}, {"PER": "P", "LOC": "L"})
    {'PERSON': 'P', 'NORP': None, 'PER': 'P', 'LOC': 'L'}
    """
    out = {}
    for source, target in first.items():
        out[source] = None if target is None else second.get(target, target)
    for source, target in second.items():
        out.setdefault(source, target)
    return out


# ------------------------------------------------------------------ scoring one unit
def _sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def unit_key(unit: Unit, hashed: dict[str, str] | None = None) -> tuple[str, dict]:
    """The cache key of a unit (a hash of input bytes, settings and tool version) and the
    input hashes it was built from.

    ``hashed`` maps paths already hashed in this run to their hash (and is filled), so a
    gold file shared by many units is read once.
    """
    hashed = {} if hashed is None else hashed
    try:
        gold_hash = _hash_once(unit.gold, hashed)
        if unit.kind == "spacy":
            from .io.spacy_pipeline import pipeline_fingerprint

            pred_hash = pipeline_fingerprint(unit.pred, unit.spacy_is_path)
        else:
            pred_hash = _hash_once(unit.pred, hashed)
    except OSError as exc:
        raise DataError(f"{exc.filename}: cannot read ({exc.strerror})") from None
    hashes = {"gold": gold_hash, "pred": pred_hash}
    material = {
        "cache": CACHE_VERSION, "version": __version__, "kind": unit.kind, "inputs": hashes,
        "options": unit.options, "gold_map": unit.gold_map, "pred_map": unit.pred_map,
        "analysis": unit.analysis,
    }
    key = hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()
    return key, hashes


def _hash_once(path: str, hashed: dict[str, str]) -> str:
    if path not in hashed:
        hashed[path] = _sha256_file(path)
    return hashed[path]


def _mapped(pairs, gold_map: dict, pred_map: dict, suffix: bool) -> Iterator:
    from .evaluate import Pair

    for pair in pairs:
        gold = [map_tag(t, gold_map, suffix=suffix) for t in pair.gold] if gold_map else pair.gold
        pred = [map_tag(t, pred_map, suffix=suffix) for t in pair.pred] if pred_map else pair.pred
        yield Pair(gold, pred, pair.gold_lines, pair.pred_lines, pair.tokens)


def _spacy_source(unit: Unit, options):
    """Pairs of gold tags and the pipeline's tags on the gold file's own tokens.

    When the gold marks documents (CoNLL ``-DOCSTART-`` lines, JSON Lines or Label
    Studio document ids, the Docs of a DocBin), the pipeline tags one Doc per document
    with the gold sentence starts set, as spaCy's ``nlp.evaluate`` runs it, and its
    entities are split back into the sentences (an entity crossing a sentence boundary
    is cut there, and counted in a warning); otherwise each sentence is its own Doc
    (issue 19). Document numbers follow the reader's rule: in conlleval mode, where
    ``-DOCSTART-`` is a token as conlleval.pl reads it, a sentence starting with it
    starts a document.
    """
    from .evaluate import Pair, PairSource
    from .io.formats import detect_format, read_tagged
    from .io.spacy_pipeline import tag_documents, tag_sentences

    from .io.conll import BlockReader
    from .io.tagged import TaggedSentence

    sentences: list[tuple[list[str], list[str], list[int]]] = []
    documents: list[int] = []
    partly: dict[int, Any] = {}
    if detect_format(unit.gold) == "conll":
        import dataclasses

        from .core.source import ConllSource, column_of
        from .io.conll import DOCSTART

        conll = ConllSource(unit.gold, None, dataclasses.replace(options, gold_column=-1, pred_column=-1))
        reader = conll.gold_reader
        conlleval, starts = options.mode == "conlleval", 0
        for block, _, _ in conll.side_blocks():
            numbers = block.sentence_document.tolist()  # all 0 in conlleval mode, as the script
            for k in range(block.n_sentences):
                sentence = block.sentence(k)
                if len(sentence.rows[0]) < 2:
                    raise DataError(f"{reader.name}:{sentence.lines[0]}: a spaCy system needs the gold "
                                    "tokens, but the line has one column",
                                    hint="the gold file needs 'token ... tag'")
                tokens = sentence.column(0)
                gold_column = -1 if options.gold_column is None else options.gold_column
                sentences.append((tokens, column_of(sentence, gold_column, reader.name), sentence.lines))
                starts += conlleval and tokens[0] == DOCSTART
                documents.append(starts if conlleval else numbers[k])
        marked = reader.documents > 0
    else:
        reader = read_tagged(unit.gold, encoding=options.encoding)
        for s in reader:
            sentences.append((s.tokens, s.tags, [s.line] * len(s.tags)))
            if type(s) is not TaggedSentence and hasattr(s, "masked"):
                partly[len(sentences) - 1] = s  # DocBin gold with tokens of no NER annotation
            # A DocBin sentence's line is its Doc's index; JSON readers count documents as they go.
            documents.append(s.line if reader.format == "spacy" else reader.documents)
        marked = reader.format == "spacy"
        if reader.format in ("jsonl", "labelstudio") and sentences:
            # The count alone cannot tell one marked document from none: look for an id.
            from .io.jsonl import _json_lines, _load_tasks
            from .io.tagged import document_id

            records = ((record for _, record in _json_lines(unit.gold, options.encoding))
                       if reader.format == "jsonl" else _load_tasks(unit.gold, options.encoding))
            marked = any(document_id(record) is not None for record in records)
    tokens = [t for t, _, _ in sentences]
    cut: list[tuple[str, str]] = []
    predicted = tag_documents(unit.pred, tokens, documents, cut=cut) if marked else tag_sentences(unit.pred, tokens)

    def pairs() -> Iterator:
        for k, ((tokens, tags, lines), pred) in enumerate(zip(sentences, predicted)):
            if k in partly:  # as spaCy's scorer: entities touching unannotated gold tokens left out
                pred = list(partly[k].masked(TaggedSentence(tokens, pred, lines[0])).tags)
            yield Pair(tags, pred, lines, None)
        if not isinstance(reader, BlockReader):
            # What the gold reader repaired or counted (spans snapped, tokens without annotation).
            source.warnings.extend(reader.warnings)
        if cut:
            examples = "; ".join(f"{text!r} {label}" for text, label in cut[:3])
            source.warnings.append(
                f"{unit.pred}: {len(cut)} predicted entit{'ies' if len(cut) != 1 else 'y'} crossed a gold "
                f"sentence boundary and {'were' if len(cut) != 1 else 'was'} cut there into one entity "
                f"per sentence, e.g. {examples}")

    source = PairSource(pairs(), getattr(reader, "name", unit.gold), unit.pred_file, (reader,))
    return source


def score_unit(unit: Unit) -> dict:
    """Score one unit with the core evaluator and return its counts as plain data.

    The result holds the counts per type, corpus sizes, warnings (input files named by
    markers) and the per-sentence count cells that bootstrap intervals resample.
    """
    from .core.score import score
    from .core.source import PairBlockSource
    from .evaluate import Options, open_pairs, open_source

    settings = dict(unit.options)
    nested = settings.pop("nested", None)
    if nested is not None:
        return _score_nested_unit(unit, settings, nested)
    options = Options.build(**settings)
    if unit.kind == "spacy" or unit.gold_map or unit.pred_map:
        pairs = _spacy_source(unit, options) if unit.kind == "spacy" else open_pairs(unit.gold, unit.pred, options)
        if unit.gold_map or unit.pred_map:
            pairs.pairs = _mapped(pairs.pairs, unit.gold_map, unit.pred_map, options.suffix)
        source = PairBlockSource(pairs)
    else:
        source = open_source(unit.gold, unit.pred, options)
    errors = hook = None
    if unit.analysis:
        from .analysis import ErrorReport, error_hook

        errors = ErrorReport()
        hook = error_hook(errors)
    result = _unit_result(score(source, options, on_spans=hook, keep_tokens=hook is not None), unit)
    if errors is not None:
        result["analysis"] = _analysis_block(errors)
    return result


def _groupable(unit: Unit) -> bool:
    """Whether a unit can share one read of its gold with others (CoNLL prediction files
    without label maps: :func:`~seqeval_suite.core.score.score_each` reads them side by side)."""
    from .io.formats import detect_format

    return (unit.kind == "predictions" and not unit.gold_map and not unit.pred_map
            and "nested" not in unit.options and unit.options.get("mode") != "conlleval"
            and detect_format(unit.gold) == "conll" and detect_format(unit.pred) == "conll")


def score_group(units: list[Unit]) -> list[dict]:
    """Score units that share their gold file and settings in one pass over the gold.

    Each result is exactly :func:`score_unit`'s for that unit (gold is read once for all
    of them instead of once per unit; ``tests/test_runner_api.py`` checks the equality).
    """
    from .core.score import score_each
    from .core.source import ConllSource
    from .evaluate import Options

    if len(units) == 1 or not all(_groupable(u) for u in units):
        return [score_unit(u) for u in units]
    options = Options.build(**units[0].options)
    analyses = hooks = None
    if units[0].analysis:
        from .analysis import ErrorReport, error_hook

        analyses = [ErrorReport() for _ in units]
        hooks = [error_hook(errors) for errors in analyses]
    source = ConllSource(units[0].gold, [u.pred for u in units], options)
    reports = score_each(source, options, on_spans=hooks, keep_tokens=hooks is not None)
    results = [_unit_result(report, unit) for report, unit in zip(reports, units)]
    for result, errors in zip(results, analyses or []):
        result["analysis"] = _analysis_block(errors)
    return results


def _score_nested_unit(unit: Unit, settings: dict, nested: dict) -> dict:
    """A unit on a nested corpus (layered CoNLL or span files): prediction files only."""
    from .errors import DataError
    from .nested import evaluate_nested

    if unit.kind == "spacy" or unit.gold_map or unit.pred_map:
        raise DataError(f"{unit.label}: nested corpora take prediction files, without label_map",
                        hint="use the corpus's type_map to rename types")
    report = evaluate_nested(unit.gold, unit.pred, **nested, **settings)
    result = _unit_result(report, unit)
    if unit.analysis:
        from .analysis import analyze_nested

        scoring = {k: settings[k] for k in ("mode", "scheme", "suffix", "types", "delimiter", "comments", "encoding")
                   if k in settings}
        errors = analyze_nested(unit.gold, unit.pred, layers=nested.get("layers"), type_map=nested.get("type_map"),
                                span_key=nested.get("span_key"), **scoring)
        result["analysis"] = _analysis_block(errors)
    return result


def _unit_result(report, unit: Unit) -> dict:
    """A unit's report as the plain data the cache and the boards keep."""
    # Under a partial-match schema report.per_type holds its credit; the exact counts stay here.
    exact = report.exact_per_type if report.partial is not None else report.per_type
    result = {
        "per_type": {t: [c.tp, c.fp, c.fn] for t, c in sorted(exact.items())},
        "tokens": report.tokens,
        "sentences": report.sentences,
        "documents": report.documents,
        "correct_tags": report.correct_tags,
        "warnings": [_mark(w, unit) for w in report.warnings],
        "cells": _cells(report.sentence_counts),
    }
    if unit.options.get("types") is not None and report.types_present:
        # What a type filter is checked against (issue 16 case 6): the types of every tag read.
        result["types_present"] = list(report.types_present)
    if report.partial is not None:
        result["match"] = _match_block(report)
    return result


def _analysis_block(errors) -> dict:
    """What a board shows of an error analysis: the breakdown and the confusion matrix."""
    rows, columns, cells = errors.matrix()
    return {"breakdown": errors.breakdown(), "confusion": {"rows": rows, "columns": columns, "cells": cells}}


def _cells(sc) -> dict:
    """Sentence count cells as JSON-able rows ``[sentence, type index, tp, fp, fn]`` over
    the types that have a row, sorted by name: the same whether the unit was scored alone
    or in a group (whose shared vocabulary also knows the other systems' types)."""
    used = sorted({sc.types[int(t)] for t in sc.type_index})
    position = {name: k for k, name in enumerate(used)}
    remap = [position.get(name, -1) for name in sc.types]
    rows = [[int(s), remap[int(t)], int(a), int(b), int(c)]
            for s, t, a, b, c in zip(sc.sentence, sc.type_index, sc.tp, sc.fp, sc.fn)]
    return {"types": used, "rows": rows}


def _match_block(report) -> dict:
    """A partial-match schema's counts (overall and per type) and its per-sentence cells."""
    result = report.partial[report.match]
    keys = ("cor", "inc", "par", "mis", "spu")
    return {
        "schema": report.match,
        "overall": {k: result["micro"][k] for k in keys},
        "per_type": {t: {k: f[k] for k in keys} for t, f in result["per_type"].items()},
        "cells": _cells(report.match_cells),
    }


def _mark(message: str, unit: Unit) -> str:
    return message.replace(unit.gold, GOLD_MARK).replace(unit.pred, PRED_MARK)


def _unmark(message: str, unit: Unit) -> str:
    return message.replace(GOLD_MARK, unit.gold_file).replace(PRED_MARK, unit.pred_file)


def _score_safely(unit: Unit) -> tuple[str, Any]:
    """Run in a worker: our own errors come back as data (they do not pickle their hint)."""
    try:
        return "ok", score_unit(unit)
    except SeqevalSuiteError as exc:
        return "error", (type(exc).__name__, exc.message, exc.hint)


def _score_group_safely(units: list[Unit]) -> list[tuple[str, Any]]:
    """:func:`_score_safely` for a group; on an error the units are scored one by one, so
    the error is the one that unit alone gives, and the units before it still count."""
    try:
        return [("ok", result) for result in score_group(units)]
    except SeqevalSuiteError:
        if len(units) == 1:
            return [_score_safely(units[0])]
        return [_score_safely(unit) for unit in units]


def _groups(units: list[Unit], indices: list[int]) -> list[list[int]]:
    """``indices`` split into groups of units sharing gold and settings (config order kept)."""
    groups: dict[str, list[int]] = {}
    for i, unit in zip(indices, units):
        if not _groupable(unit):
            groups[f"#{i}"] = [i]
            continue
        key = json.dumps([unit.gold, unit.options, unit.analysis], sort_keys=True)
        groups.setdefault(key, []).append(i)
    return list(groups.values())


# ------------------------------------------------------------------ the run
def run_benchmark(
    config: Config,
    *,
    jobs: int = 1,
    cache_dir: str | os.PathLike | None = None,
    progress: Progress | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> dict:
    """Score every unit of ``config`` and return the results (the ``results.json`` data).

    Args:
        config: a validated config (:func:`~seqeval_suite.config.load_config`).
        jobs: worker processes; results do not depend on it.
        cache_dir: where unit results are cached (None: no cache).
        progress: called as ``progress(done, total, label)`` after each unit.
        on_warning: called with each cache entry that was found altered or damaged and
            scored again (not part of the results: they must not depend on the cache).

    Returns:
        A JSON-able dict: settings, corpora, systems and, per (system, corpus), the raw
        counts of every run (see :func:`seqeval_suite.render.leaderboard.boards`).

    Raises:
        DataError: a unit's files are bad (nothing is written by the runner).
    """
    units = plan(config)
    cache = UnitCache(cache_dir)
    hashed: dict[str, str] = {}
    keyed = [(unit, *unit_key(unit, hashed)) for unit in units]
    results: dict[int, dict] = {}
    todo = []
    for i, (unit, key, _) in enumerate(keyed):
        cached = cache.get(key)
        if cached is not None:
            results[i] = cached
        else:
            todo.append(i)
    done = len(results)
    if progress:
        progress(done, len(units), "cached")
    failed: dict[int, tuple] = {}
    for i, outcome in _execute([keyed[i][0] for i in todo], todo, jobs):
        status, payload = outcome
        unit = keyed[i][0]
        if status == "error":
            failed[i] = payload
            continue
        results[i] = payload
        cache.put(keyed[i][1], payload)
        done += 1
        if progress:
            progress(done, len(units), unit.label)
    if failed:
        # Units are scored grouped by gold file: the error reported is the first in config order.
        first = min(failed)
        kind, message, hint = failed[first]
        cls = DataError if kind == "DataError" else SeqevalSuiteError
        raise cls(f"{keyed[first][0].label}: {_readable(message, keyed[first][0])}", hint=hint)
    runs = [(unit, hashes, results[i]) for i, (unit, _, hashes) in enumerate(keyed)]
    _check_type_filters(config, runs)
    out = assemble(config, runs)
    curves = [_cached_curve(config, system, cache, hashed) for system in config.systems if system.checkpoints]
    if curves:
        out["curves"] = curves
    if on_warning:
        for message in cache.rejection_warnings():
            on_warning(message)
    stats = _stats_module()
    if stats is not None and config.scoring.resamples > 0:
        add_statistics(out, [r for _, _, r in runs], stats)
    return out


def _check_type_filters(config: Config, runs: list[tuple[Unit, dict, dict]]) -> None:
    """A type a unit is asked to score that no gold or predicted tag of its corpus has is
    a typo, not a score of 0 (issue 16 case 6, as ``evaluate --types``): a config error
    naming the keys that asked for it. Each unit is checked on its own effective filter
    (scoring ∩ corpus ∩ system), so a global list over corpora of different type
    inventories is fine where a corpus narrows it.

    Raises:
        ConfigError: naming ``scoring.types``, ``corpora[i].types`` or ``systems[j].types``
            and the types the corpus has.
    """
    from .errors import ConfigError

    present: dict[str, set[str]] = {}
    complete: dict[str, bool] = {}
    for unit, _, result in runs:
        if unit.options.get("types") is not None:
            complete[unit.corpus] = complete.get(unit.corpus, True) and "types_present" in result
            present.setdefault(unit.corpus, set()).update(result.get("types_present", ()))
    corpus_index = {c.id: i for i, c in enumerate(config.corpora)}
    system_index = {s.id: j for j, s in enumerate(config.systems)}
    problems: list[str] = []
    for unit, _, _ in runs:
        if unit.options.get("types") is None or not complete.get(unit.corpus):
            continue  # no filter on this unit, or a unit whose reader does not list its types
        missing = [t for t in unit.options["types"] if t not in present[unit.corpus]]
        if not missing:
            continue
        i, j = corpus_index[unit.corpus], system_index[unit.system]
        lists = (("scoring.types", config.scoring.types), (f"corpora[{i}].types", config.corpora[i].types),
                 (f"systems[{j}].types", config.systems[j].types))
        keys = [where for where, types in lists if types and set(missing) & set(types)]
        message = (f"{' and '.join(keys)}: {', '.join(missing)} occurs in no gold or predicted tag of corpus "
                   f"{unit.corpus} (types present: {', '.join(sorted(present[unit.corpus])) or 'none'})")
        if message not in problems:
            problems.append(message)
    if problems:
        raise ConfigError(f"{config.source}: " + "; ".join(problems),
                          hint="check the spelling of the types (a type no tag has would score 0)")


# ------------------------------------------------------------------ learning curves
def curve_settings(config: Config, system: System) -> dict:
    """How a system's checkpoint series is scored: the board's mode, scheme, suffix and
    types (scoring ∩ system), exact matching, and the board's statistics settings."""
    s = config.scoring
    types = effective_types(s.types, system.types)
    return {"mode": s.mode, "scheme": s.scheme, "suffix": s.suffix,
            "types": list(types) if types is not None else None,
            # Checkpoint files are the system's own outputs: read at its prediction column.
            **({"pred_column": system.prediction_column} if system.prediction_column is not None else {}),
            # The diagnosis needs a noise level (CI widths) even when the board has no statistics.
            "resamples": s.resamples or 1000, "seed": s.seed, "level": s.level, "alpha": s.alpha}


def score_curve(config: Config, system: System) -> dict:
    """The learning curve of ``system``'s ``checkpoints`` as ``results.json`` holds it:
    :meth:`seqeval_suite.curves.Curve.to_dict` plus the system id, the gold file as the
    config names it and the evaluators' warnings (file names only, SPEC §4).

    Raises:
        DataError: a checkpoint file whose tokens are not gold's (as ``curve`` reports it).
    """
    from .curves import STEP_PATTERN, learning_curve

    cp = system.checkpoints
    settings = curve_settings(config, system)
    train = cp.train
    curve = learning_curve(
        str(cp.dev.gold), [str(p) for p, _ in cp.dev.files], steps=cp.dev.steps,
        step_pattern=cp.step_pattern or STEP_PATTERN,
        train_gold=str(train.gold) if train else None, train_preds=[str(p) for p, _ in train.files] if train else (),
        train_steps=train.steps if train else None, **settings)
    data = curve.to_dict()
    for key in ("schema_version", "version"):
        data.pop(key)
    gold_names = {str(cp.dev.gold): os.path.basename(cp.dev.gold)}
    if train:
        gold_names[str(train.gold)] = os.path.basename(train.gold)
    warnings = []
    for message in curve.warnings:
        for path, name in gold_names.items():
            message = message.replace(path, name)
        for path, _ in cp.dev.files + (train.files if train else ()):
            message = message.replace(str(path), path.name)
        warnings.append(message)
    return {"system": system.id, "gold": _public_path(cp.dev.gold_file),
            "train_gold": _public_path(train.gold_file) if train else None, **data, "warnings": warnings}


def curve_key(config: Config, system: System, hashed: dict[str, str]) -> str:
    """The cache key of a system's curve: every file's bytes, the settings, the tool version."""
    cp = system.checkpoints
    series = [cp.dev] + ([cp.train] if cp.train else [])
    try:
        inputs = [[_hash_once(str(s.gold), hashed), [[p.name, _hash_once(str(p), hashed)] for p, _ in s.files],
                   list(s.steps) if s.steps is not None else None] for s in series]
    except OSError as exc:
        raise DataError(f"{exc.filename}: cannot read ({exc.strerror})") from None
    material = {"cache": CACHE_VERSION, "version": __version__, "kind": "curve", "inputs": inputs,
                "settings": curve_settings(config, system), "step_pattern": cp.step_pattern,
                "gold": cp.dev.gold_file, "train_gold": cp.train.gold_file if cp.train else None}
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def _cached_curve(config: Config, system: System, cache: UnitCache, hashed: dict[str, str]) -> dict:
    key = curve_key(config, system, hashed)
    cached = cache.get(key)
    if cached is not None:
        return cached
    from .errors import ConfigError, UsageError

    try:
        result = score_curve(config, system)
    except SeqevalSuiteError as exc:
        # A usage error here comes from the config's settings (exit 1), not a command line.
        kind = ConfigError if isinstance(exc, UsageError) else type(exc)
        raise kind(f"{system.id} checkpoints: {exc.message}", hint=exc.hint) from None
    cache.put(key, result)
    return result


def _stats_module():
    """``seqeval_suite.stats`` when it offers ``runs_ci``, ``paired_test`` and ``holm`` (issue 5)."""
    try:
        from . import stats
    except ImportError:
        return None
    if not all(hasattr(stats, name) for name in ("runs_ci", "paired_test", "holm")):
        return None
    return stats


def _dense(result: dict, n_sentences: int, types: list[str]):
    """A unit's sentence cells as the (sentences, types, 3) tp/fp/fn array of the stats API.

    Under a partial-match schema the cells are the schema's overall doubled credit in
    one pseudo-type ``*`` (see ``evaluate._PartialTally``): right for micro metrics only.
    """
    import numpy as np

    cells = result["match"]["cells"] if "match" in result else result["cells"]
    column = {t: i for i, t in enumerate(types)}
    rows = cells["rows"]
    n_sentences = max([n_sentences, *(r[0] + 1 for r in rows)])
    out = np.zeros((n_sentences, len(types), 3), dtype=np.int64)
    names = cells["types"]
    for sentence, type_index, tp, fp, fn in rows:
        out[sentence, column[names[type_index]]] += (tp, fp, fn)
    return out




def add_statistics(results: dict, unit_results: list[dict], stats) -> None:
    """Add to each (system, corpus) entry the bootstrap CI of the primary metric and,
    against the corpus's top system, a paired test with Holm-corrected p-values.

    With several runs, the interval comes from ``stats.runs_ci`` (sentences resampled
    and a random run drawn per resample, so run-to-run variance widens it) and the
    paired test uses each system's median run.
    """
    s = results["settings"]
    primary = s["primary"]
    metric = primary if primary in STATS_METRICS else None  # others have no statistics
    if metric is not None and s["match"] != "strict" and not primary.startswith("micro"):
        metric = None  # partial-match cells pool the types, so only micro metrics resample
    if metric is None:
        s["statistics"] = None
        s["statistics_note"] = f"no confidence intervals or significance marks for {primary}"
        if s["match"] != "strict":
            s["statistics_note"] += f" under {s['match']} matching (micro metrics have them)"
        return
    extra = {"ci": f"bootstrap-{s['resamples']}", "level": str(s["level"]), "test": f"ar-{s['resamples']}",
             "alpha": str(s["alpha"]), "correction": s["correction"], "seed": str(s["seed"])}
    s["statistics"] = {
        "ci": "percentile bootstrap over sentences; with several runs a random run per resample",
        "test": "approximate randomization against the top system (median runs)",
        "correction": "Holm over the comparisons on one corpus",
    }
    position = 0
    by_pair: dict[tuple[str, str], list] = {}
    for entry in results["results"]:
        n = len(entry["runs"])
        by_pair[(entry["system"], entry["corpus"])] = unit_results[position:position + n]
        position += n
    options = {"resamples": s["resamples"], "seed": s["seed"], "metric": metric}
    for corpus in results["corpora"]:
        entries = [e for e in results["results"] if e["corpus"] == corpus["id"]]
        types = sorted({t for e in entries for r in by_pair[(e["system"], e["corpus"])] for t in r["per_type"]})
        if s["match"] != "strict":
            types = ["*"]
        median_run = {}
        for e in entries:
            runs = [_dense(r, corpus["sentences"], types) for r in by_pair[(e["system"], e["corpus"])]]
            scores = [run_scores(run)[primary] for run in e["runs"]]
            median_run[e["system"]] = runs[sorted(range(len(scores)), key=lambda k: (scores[k], k))[(len(scores) - 1) // 2]]
            ci = stats.runs_ci(runs, level=s["level"], **options)
            e["ci"] = {"low": float(ci.low), "high": float(ci.high), "level": s["level"], "method": ci.method}
            e["signature"] = e["signature"].replace(
                "|version:", "|" + "|".join(f"{k}:{v}" for k, v in extra.items()) + "|version:")
        means = {e["system"]: sum(run_scores(r)[primary] for r in e["runs"]) / len(e["runs"]) for e in entries}
        top = min(means, key=lambda sid: (-means[sid], sid))
        others = [e for e in entries if e["system"] != top]
        tests = [stats.paired_test(median_run[top], median_run[e["system"]], test="ar", interval=False, **options)
                 for e in others]
        adjusted = stats.holm([float(t.p_value) for t in tests])
        for e in entries:
            if e["system"] == top:
                e["significance"] = {"top": True}
                e["tied_with_top"] = True
        for e, test, p_holm in zip(others, tests, adjusted):
            e["significance"] = {"top": False, "versus": top, "p_value": float(test.p_value),
                                 "p_holm": float(p_holm), "delta": float(test.delta)}
            e["tied_with_top"] = bool(float(p_holm) >= s["alpha"])


def _readable(message: str, unit: Unit) -> str:
    """Name the inputs in an error message by their paths relative to the current folder."""
    for path in (unit.gold, unit.pred):
        if os.path.isabs(path):
            message = message.replace(path, os.path.relpath(path))
    return message


def _execute(units: list[Unit], indices: list[int], jobs: int):
    """Yield ``(index, outcome)`` for each unit, group by group (units sharing a gold file
    and settings are scored in one pass), in this process or in a pool."""
    by_index = dict(zip(indices, units))
    groups = _groups(units, indices)
    work = [[by_index[i] for i in group] for group in groups]
    if jobs <= 1 or len(work) <= 1:
        outcomes = map(_score_group_safely, work)
        for group, outcome in zip(groups, outcomes):
            yield from zip(group, outcome)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=min(jobs, len(work))) as pool:
        # map() returns results in submission order whatever order they finish in.
        for group, outcome in zip(groups, pool.map(_score_group_safely, work)):
            yield from zip(group, outcome)


def scoring_settings(config: Config) -> dict:
    """The settings block of ``results.json``."""
    s = asdict(config.scoring)
    s["types"] = list(s["types"]) if s["types"] is not None else None
    s["std"] = "sample standard deviation over runs (n-1 denominator); none with one run"
    s["overall"] = "unweighted mean over corpora of each system's per-corpus figures"
    s["zero_division"] = 0.0
    if s["beta"] == 1.0:
        del s["beta"]  # F1 alone: results.json as before F-beta existed
    return s


def assemble(config: Config, runs: list[tuple[Unit, dict, dict]]) -> dict:
    """Build the results dict from scored units (pure: the same inputs give the same dict)."""
    by_pair: dict[tuple[str, str], list[dict]] = {}
    for unit, hashes, result in runs:
        entry = {
            "file": unit.pred_file,
            "sha256": hashes["pred"],
            "per_type": {t: {"tp": c[0], "fp": c[1], "fn": c[2]} for t, c in result["per_type"].items()},
            "tokens": result["tokens"],
            "sentences": result["sentences"],
            "correct_tags": result["correct_tags"],
            "warnings": [_unmark(w, unit) for w in result["warnings"]],
        }
        if "match" in result:
            entry["match"] = {k: result["match"][k] for k in ("schema", "overall", "per_type")}
        if "analysis" in result:
            entry["analysis"] = result["analysis"]
        entry["derived"] = derived_figures(entry, config.scoring.beta)
        by_pair.setdefault((unit.system, unit.corpus), []).append(entry)
    gold_hashes = {unit.corpus: hashes["gold"] for unit, hashes, _ in runs}
    corpus_sizes = {unit.corpus: (r["sentences"], r["tokens"]) for unit, _, r in runs}
    entries = []
    for system in config.systems:
        for corpus in config.corpora:
            options = unit_options(config, corpus, system)
            entries.append({
                "system": system.id,
                "corpus": corpus.id,
                "signature": signature(mode=options["mode"], scheme=options["scheme"], suffix=options["suffix"],
                                       types=options["types"], match=config.scoring.match,
                                       extra=_signature_extra(config, options)),
                "label_map": _compose(system.label_map, corpus.label_map) or None,
                "runs": by_pair[(system.id, corpus.id)],
                "derived": entry_derived(by_pair[(system.id, corpus.id)]),
            })
    return {
        "schema_version": RESULTS_SCHEMA_VERSION,
        "kind": "seqeval-suite leaderboard",
        "version": __version__,
        "name": config.name,
        "title": config.title,
        "description": config.description,
        "settings": scoring_settings(config),
        "outputs": list(config.outputs),
        "corpora": [{
            "id": c.id, "name": c.name, "file": _public_path(c.file), "sha256": gold_hashes[c.id],
            "sentences": corpus_sizes[c.id][0], "tokens": corpus_sizes[c.id][1],
            "scheme": c.scheme or config.scoring.scheme,
            "types": list(c.types) if c.types is not None else None,
            "label_map": dict(c.label_map) or None,
        } for c in config.corpora],
        "systems": [{
            "id": s.id, "name": s.name, "url": s.url, "description": s.description, "kind": s.kind,
            "label_map": dict(s.label_map) or None, "types": list(s.types) if s.types is not None else None,
        } for s in config.systems],
        "results": entries,
    }


def default_output_dir(config: Config) -> Path:
    """``leaderboard/<name>`` relative to the current folder (SPEC §8)."""
    return Path("leaderboard") / config.name


def warnings_of(results: dict) -> list[str]:
    """Every warning of every run, prefixed with the system and corpus it came from."""
    out = []
    for entry in results["results"]:
        for k, run in enumerate(entry["runs"]):
            for message in run["warnings"]:
                out.append(f"{entry['system']} on {entry['corpus']} (run {k + 1}): {message}")
    for curve in results.get("curves") or []:
        out.extend(f"{curve['system']} checkpoints: {message}" for message in curve.get("warnings", ()))
    return out


def _signature_extra(config: Config, options: dict) -> dict | None:
    """Settings beyond the flat ones that change a board's numbers (beta, nested input)."""
    extra = {}
    nested = options.get("nested")
    if nested:
        from .nested import _layers_setting, _type_map_setting

        extra["nested"] = _layers_setting(nested["layers"], "spans")
        extra["type_map"] = _type_map_setting(nested["type_map"])
    if config.scoring.beta != 1.0:
        extra["beta"] = f"{config.scoring.beta:g}"
    return extra or None


def run_scores(run: dict, beta: float = 1.0) -> dict[str, float]:
    """Every metric of one run, computed from its counts (keys as :data:`ALL_METRICS`,
    plus ``f1:<type>`` per type, and ``micro_f<beta>`` (``micro_f0.5``) when ``beta`` is not 1).

    >>> s = run_scores({"per_type": {"PER": {"tp": 1, "fp": 1, "fn": 0}}})
    >>> s["micro_p"], s["micro_r"], round(s["f1:PER"], 4)
    (0.5, 1.0, 0.6667)
    """
    if "match" in run:
        per_type, micro = _match_counts(run["match"])
    else:
        per_type = {t: Counts(c["tp"], c["fp"], c["fn"]) for t, c in run["per_type"].items()}
        micro = total(per_type.values())
    mac, wei = macro(per_type), weighted(per_type)
    scores = {
        "micro_p": micro.precision, "micro_r": micro.recall, "micro_f1": micro.f1,
        "macro_p": mac.precision, "macro_r": mac.recall, "macro_f1": mac.f1, "weighted_f1": wei.f1,
    }
    for t, c in per_type.items():
        scores[f"f1:{t}"] = c.f1
    if beta != 1.0:
        from .core.options import f_beta_name
        from .counts import fbeta_of

        scores[f"micro_{f_beta_name(beta).lower()}"] = fbeta_of(micro.precision, micro.recall, beta)
    return scores


def _match_counts(block: dict) -> tuple[dict[str, Counts], Counts]:
    """Per-type and overall counts of a partial-match schema (overall is not their sum)."""
    from .partial import MatchCounts, as_counts

    schema = block["schema"]
    per_type = {t: as_counts(MatchCounts(**c), schema) for t, c in block["per_type"].items()}
    return per_type, as_counts(MatchCounts(**block["overall"]), schema)


# ------------------------------------------------------------------ derived figures (issue 19)
#: What a ``derived`` block is, said once in every (system, corpus) entry.
DERIVED_NOTE = ("computed from the counts in this file (0/0 is 0.0): micro, macro, weighted and per_type "
                "are means over runs, std their sample standard deviations (null with one run); each run's "
                "own figures are in its derived block")


def _prf(counts) -> dict[str, float]:
    return {"precision": counts.precision, "recall": counts.recall, "f1": counts.f1}


def derived_figures(run: dict, beta: float = 1.0) -> dict:
    """P/R/F1 of one run (micro, macro, weighted and per type) from its counts, as the
    boards compute them: the partial-match schema's counts when the run has ``match``.

    >>> d = derived_figures({"per_type": {"PER": {"tp": 1, "fp": 1, "fn": 0}}})
    >>> d["micro"], d["per_type"]["PER"]["recall"]
    ({'precision': 0.5, 'recall': 1.0, 'f1': 0.6666666666666666}, 1.0)
    """
    if "match" in run:
        per_type, micro = _match_counts(run["match"])
    else:
        per_type = {t: Counts(c["tp"], c["fp"], c["fn"]) for t, c in run["per_type"].items()}
        micro = total(per_type.values())
    out = {"micro": _prf(micro), "macro": _prf(macro(per_type)), "weighted": _prf(weighted(per_type)),
           "per_type": {t: _prf(c) for t, c in per_type.items()}}
    if beta != 1.0:
        from .counts import fbeta_of

        out["micro"]["fbeta"] = fbeta_of(micro.precision, micro.recall, beta)
    return out


def entry_derived(runs: list[dict]) -> dict:
    """The mean (and, with several runs, the sample standard deviation) over runs of each
    run's ``derived`` figures; a type missing from a run counts 0 there, as on the boards."""
    from statistics import mean, stdev

    figures = [run["derived"] for run in runs]
    types = sorted({t for f in figures for t in f["per_type"]})

    def over_runs(summary) -> dict:
        out = {group: {k: summary([f[group][k] for f in figures]) for k in figures[0][group]}
               for group in ("micro", "macro", "weighted")}
        out["per_type"] = {t: {k: summary([f["per_type"].get(t, {}).get(k, 0.0) for f in figures])
                               for k in ("precision", "recall", "f1")} for t in types}
        return out

    return {"note": DERIVED_NOTE, **over_runs(mean), "std": over_runs(stdev) if len(runs) > 1 else None}
