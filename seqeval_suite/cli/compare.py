"""``seqeval-suite compare``: paired significance test of two systems on the same gold."""
from __future__ import annotations

import click

from ..core.options import MAX_RESAMPLES

from . import check_paths, emit, warn
from .evaluate import _unescape, nested_options, scoring_options, wants_nested

SCHEMA_VERSION = 1
FORMAT_CHOICES = ["table", "json", "csv", "markdown", "latex"]


def compare_files(gold: str, pred_a: str, pred_b: str, *, test: str = "ar", resamples: int | None = None,
                  seed: int = 0, level: float = 0.95, unit: str = "sentence", metric: str = "micro_f1",
                  nested: dict | None = None, **scoring) -> tuple[dict, list[str]]:
    """Score both predictions against ``gold`` and test the difference (SPEC §7).

    Returns the JSON-ready result and the evaluators' warnings. ``scoring`` takes the
    keyword arguments of :func:`seqeval_suite.evaluate`. ``nested`` (issue 17) holds the
    nested-input settings of :func:`seqeval_suite.nested.evaluate_nested` (``layers``,
    ``type_map``, ``span_key``, ...): each system is then scored by it, ``scoring``
    giving its other arguments, and the same statistics run on its per-sentence counts
    (exact matching, entities as a multiset). The point of each system is that
    report's micro score.

    Raises:
        UsageError: ``--unit document`` without documents in gold; nested input from
            stdin (gold is read once per system). DataError: a prediction whose
            sentences are not gold's (naming both files and the sentence).
    """
    if nested is not None:
        reports = _score_nested(gold, [pred_a, pred_b], nested, scoring)
    else:
        from ..evaluate import score_systems

        reports = score_systems(gold, [pred_a, pred_b], **scoring)
    from ..evaluate import missing_types_error

    error = missing_types_error(reports, _type_list(scoring.get("types")))
    if error is not None:  # a typo in --types would compare two scores of 0
        raise error
    return compare_reports(gold, (pred_a, pred_b), reports, test=test, resamples=resamples, seed=seed,
                           level=level, unit=unit, metric=metric)


def _type_list(types) -> list[str] | None:
    """``--types`` as a list (the CLI gives ``PER,LOC``, the API a list)."""
    if types is None or isinstance(types, (list, tuple)):
        return types
    return [t for t in str(types).split(",") if t]


def _score_nested(gold: str, preds: list[str], nested: dict, scoring: dict) -> list:
    """One :func:`~seqeval_suite.nested.evaluate_nested` report per prediction; each
    checks that its prediction holds gold's sentences, token for token."""
    from ..errors import UsageError
    from ..nested import evaluate_nested

    if "-" in (gold, *preds):
        raise UsageError("nested compare reads gold once per system, and '-' (stdin) can be read only once",
                         hint="save the input to a file and name it")
    return [evaluate_nested(gold, pred, **nested, **scoring) for pred in preds]


def compare_reports(gold: str, preds: tuple[str, str], reports: list, *, test: str = "ar",
                    resamples: int | None = None, seed: int = 0, level: float = 0.95, unit: str = "sentence",
                    metric: str = "micro_f1") -> tuple[dict, list[str]]:
    """The comparison of two systems' reports on the same gold: bootstrap CIs, the
    paired test, over the per-sentence count matrices (shape sentences × types × 3)."""
    from .. import stats

    report_a, report_b = reports
    # The same type columns for both systems: a type only one system predicts still counts.
    # With no entity on any side, one all-zero column: stats' approximate randomization
    # cannot reshape zero type columns, and a column without counts changes no metric
    # (macro averages over types present).
    types = sorted(set(report_a.per_type) | set(report_b.per_type)) or [""]
    matrix_a = report_a.sentence_counts.dense(report_a.sentences, types)
    matrix_b = report_b.sentence_counts.dense(report_b.sentences, types)
    units = _documents(gold, report_a) if unit == "document" else None
    result = stats.paired_test(matrix_a, matrix_b, test=test, resamples=resamples, seed=seed,
                               metric=metric, level=level, units=units)
    systems = {}
    for name, path, matrix in (("a", preds[0], matrix_a), ("b", preds[1], matrix_b)):
        ci = stats.bootstrap_ci(matrix, metric=metric, level=level, seed=seed, units=units)
        systems[name] = {"file": _name(path), metric: ci.point,
                         "ci": {"low": ci.low, "high": ci.high, "level": level, "resamples": ci.resamples}}
    data = {
        "schema_version": SCHEMA_VERSION,
        "test": test,
        "metric": metric,
        "p_value": result.p_value,
        "delta": result.delta,
        "better": result.better,
        "ci": {"low": result.ci_low, "high": result.ci_high, "level": level,
               "method": f"paired percentile bootstrap over {unit}s"},
        "resamples": result.resamples,
        "seed": seed,
        "unit": unit,
        "sentences": report_a.sentences,
        "systems": systems,
        "signature": report_a.signature,
    }
    return data, [*report_a.warnings, *report_b.warnings]


def _finite(value: float) -> float:
    """FloatRange lets NaN through (every comparison with it is false)."""
    if value != value:
        raise click.BadParameter("nan is not a confidence level; give a number between 0 and 1 (0.95)")
    return value


def _canonical_metric(name: str) -> str:
    from ..core.options import canonical_metric

    return canonical_metric(name)


def _name(path: str) -> str:
    """Only the file name: results must not depend on where the files live (SPEC §4)."""
    import os

    return os.path.basename(path) if path != "-" else "-"


def _documents(gold: str, report):
    """Document number of every gold sentence, for ``--unit document``: counted by the
    reader while it scored (``-DOCSTART-`` lines), so gold is not read again."""
    from ..errors import UsageError

    if report.sentence_documents is None:
        kind = "layered CoNLL gold (--layers)" if report.nested is not None else "CoNLL gold"
        raise UsageError(f"{gold}: --unit document needs {kind}, whose -DOCSTART- lines mark documents",
                         hint="use --unit sentence")
    return report.sentence_documents


def render_comparison(data: dict, fmt: str) -> str:
    """Text of a comparison result in ``fmt`` (table, json, csv, markdown, latex)."""
    import json

    from ..render.text import aligned, csv_text, latex, markdown

    if fmt == "json":
        return json.dumps(data, indent=2, sort_keys=True) + "\n"
    metric = data["metric"]
    pct = round(data["ci"]["level"] * 100, 4)
    header = ["system", "file", metric, f"{pct:g}% CI low", f"{pct:g}% CI high"]
    rows = [[name.upper(), s["file"], f"{s[metric]:.4f}", f"{s['ci']['low']:.4f}", f"{s['ci']['high']:.4f}"]
            for name, s in data["systems"].items()]
    rows.append(["A - B", "", f"{data['delta']:+.4f}", f"{data['ci']['low']:+.4f}", f"{data['ci']['high']:+.4f}"])
    summary = (f"{data['test']} test, {data['resamples']} resamples, seed {data['seed']}: "
               f"p = {data['p_value']:.4g}; better: {(data['better'] or 'neither').upper()}")
    if fmt == "csv":
        return csv_text(header + ["p_value", "test"], [r + [f"{data['p_value']:.6g}", data["test"]] for r in rows])
    if fmt == "markdown":
        return markdown(header, rows, left=2) + f"\n{summary}\n"
    if fmt == "latex":
        return latex(header, rows, left=2, rule_before=2) + f"% {summary}\n"
    return aligned(header, rows, left=2) + f"\n{summary}\n"


@click.command()
@click.argument("gold", type=str)
@click.argument("pred_a", type=str)
@click.argument("pred_b", type=str)
@scoring_options
@click.option("--test", type=click.Choice(["ar", "bootstrap"]), default="ar", show_default=True,
              help="ar: approximate randomization; bootstrap: paired bootstrap.")
@click.option("--resamples", type=click.IntRange(1, MAX_RESAMPLES), default=None,
              help="Shuffles or resamples (default: 10000 for ar, 1000 for bootstrap).")
@click.option("--seed", type=click.IntRange(0), default=0, show_default=True, help="Random seed; same seed, same result.")
@click.option("--level", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.95,
              show_default=True, callback=lambda ctx, param, value: _finite(value),
              help="Confidence level of the intervals.")
@click.option("--unit", type=click.Choice(["sentence", "document"]), default="sentence", show_default=True,
              help="What the bootstrap and the shuffles resample.")
@click.option("--metric", type=click.Choice(["micro_f1", "micro_p", "micro_r", "macro_f1",
                                           "micro_precision", "micro_recall"]),
              metavar="[micro_f1|micro_p|micro_r|macro_f1]", default="micro_f1", show_default=True,
              callback=lambda ctx, param, value: _canonical_metric(value),
              help="The metric tested (names as in a config's scoring.primary; micro_precision and "
                   "micro_recall are accepted too).")
@click.option("--format", "-f", "fmt", type=click.Choice(FORMAT_CHOICES), default="table", show_default=True)
@click.option("--output", "-o", default=None, metavar="FILE", help="Write here (atomically) instead of stdout.")
@nested_options
@click.option("--quiet", "-q", is_flag=True, help="Do not print warnings.")
def compare(gold, pred_a, pred_b, mode, scheme, suffix, types, delimiter, comments, encoding,
            test, resamples, seed, level, unit, metric, fmt, output, layers, layer_names, nested, span_key,
            type_map, tokenizer, discontinuous, quiet):
    """Test whether PRED_A and PRED_B differ significantly on GOLD.

    Prints each system's score with its bootstrap CI, the difference A - B with the
    paired bootstrap CI of the difference, and the p-value of the chosen test.
    Nested entities (--layers, --nested, --span-key or BRAT folders) are scored as
    `evaluate` scores them (exact match, the overall figures); both predictions must
    hold gold's sentences.

    \b
    Examples:
      seqeval-suite compare corpora/compare/gold.conll corpora/compare/sys_a.conll corpora/compare/sys_b.conll
      seqeval-suite compare corpora/compare/gold.conll corpora/compare/sys_a.conll corpora/compare/sys_b.conll --test bootstrap -f json
      seqeval-suite compare corpora/nested/gold.conll corpora/nested/pred.conll corpora/nested/gold.conll --layers 1,2,3
      seqeval-suite compare corpora/nested/gold.brat corpora/nested/pred.brat corpora/nested/gold.brat --resamples 1000
    """
    check_paths([gold, pred_a, pred_b], output)
    settings = None
    if wants_nested(gold, None, layers, nested, span_key):
        if layer_names:
            raise click.UsageError("--layer-names: compare tests the overall score, not layers; leave it out")
        settings = {"layers": layers, "type_map": type_map, "span_key": span_key, "tokenizer": tokenizer,
                    "discontinuous": discontinuous}
    elif type_map or layer_names:
        raise click.UsageError(f"{'--type-map' if type_map else '--layer-names'} needs nested input "
                               "(--layers, --nested, --span-key or BRAT)")
    data, warnings = compare_files(
        gold, pred_a, pred_b, test=test, resamples=resamples, seed=seed, level=level, unit=unit,
        metric=metric, nested=settings, mode=mode.lower(), scheme=scheme, suffix=suffix, types=types,
        delimiter=_unescape(delimiter), comments=comments, encoding=encoding,
    )
    text = render_comparison(data, fmt)
    if not quiet:
        for message in dict.fromkeys(warnings):
            warn(message)
    emit(text, output)
