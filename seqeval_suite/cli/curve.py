"""``seqeval-suite curve``: learning curves over checkpoints (issue 18).

A thin layer over :func:`seqeval_suite.curves.learning_curve`; the rules and their
defaults are stated in :mod:`seqeval_suite.curves`. Nothing here imports numpy or
matplotlib: the plot module is imported only when ``--plot`` is given.
"""
from __future__ import annotations

import math

import click

from ..core.options import MAX_RESAMPLES
from . import check_paths, emit, warn
from .evaluate import _unescape, scoring_options

FORMAT_CHOICES = ["table", "json", "csv", "markdown"]
_UNIT = click.FloatRange(0, 1)


def _finite(value: float | None) -> float | None:
    """FloatRange lets NaN through (every comparison with it is false)."""
    if value is not None and math.isnan(value):
        raise click.BadParameter("nan is not a number here")
    return value


def _steps(value: str | None):
    if value is None:
        return None
    from ..curves import parse_steps

    return parse_steps(value)


def _check_types(result, types: str | None) -> None:
    """``--types`` naming a type no file of a series has is a typo, as in ``evaluate``.

    Raises:
        DataError: naming the types and the series' gold file.
    """
    from ..errors import DataError

    requested = [t.strip() for t in types.split(",") if t.strip()] if types else []
    for series in (result.dev, result.train):
        missing = series.missing_types(requested) if series is not None else []
        if missing:
            present = sorted({t for r in series.reports for t in r.types_present})
            raise DataError(f"--types {','.join(missing)}: no such entity type in {series.gold} or its predictions",
                            hint="types present: " + (", ".join(present) or "none"))


@click.command()
@click.argument("gold", type=str)
@click.argument("preds", nargs=-1, required=True, type=str)
@scoring_options
@click.option("--steps", default=None, metavar="S1,S2,...",
              help="The steps of the prediction files, in the order given (a folder's files in name order); "
                   "default: the last number in each file name (checkpoint-1200.conll -> 1200).")
@click.option("--step-pattern", default=None, metavar="REGEX",
              help="Regular expression that finds the step in a file name without its extension (its first "
                   r"group, else the whole match); default: the last run of digits, \d+(?!.*\d).")
@click.option("--train-gold", default=None, metavar="FILE",
              help="Gold of a second series (train), which the overfitting rule needs.")
@click.option("--train", "train_preds", multiple=True, metavar="PATH",
              help="Train predictions: a file (repeat the option) or a folder of them.")
@click.option("--train-steps", default=None, metavar="S1,S2,...", help="The steps of the --train files.")
@click.option("--test", type=click.Choice(["ar", "bootstrap"]), default="ar", show_default=True,
              help="Paired test of the best checkpoint vs the last and vs the runner-up.")
@click.option("--resamples", type=click.IntRange(1, MAX_RESAMPLES), default=None,
              help="Bootstrap resamples of the CI bands and the test's shuffles or resamples "
                   "(default: 1000 for the bands; 10000 for ar, 1000 for bootstrap).")
@click.option("--seed", type=click.IntRange(0), default=0, show_default=True, help="Random seed; same seed, same result.")
@click.option("--level", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.95, show_default=True,
              callback=lambda ctx, param, value: _finite(value), help="Confidence level of the CI bands.")
@click.option("--alpha", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.05, show_default=True,
              callback=lambda ctx, param, value: _finite(value),
              help="A p-value below this says the best checkpoint is better; otherwise 'within noise'.")
@click.option("--window", type=click.IntRange(1), default=3, show_default=True,
              help="k: how many last checkpoints the plateau, improving and imbalance rules look at.")
@click.option("--epsilon", type=_UNIT, default=0.01, show_default=True,
              callback=lambda ctx, param, value: _finite(value), help="Smallest F1 gain that counts.")
@click.option("--noise", type=_UNIT, default=None, callback=lambda ctx, param, value: _finite(value),
              help="Noise level of F1 (default: the median half-width of the checkpoints' F1 CIs).")
@click.option("--imbalance", type=_UNIT, default=0.05, show_default=True,
              callback=lambda ctx, param, value: _finite(value),
              help="|P - R| above this on each of the last k checkpoints is an imbalance.")
@click.option("--flips", type=click.IntRange(1), default=2, show_default=True,
              help="Direction switches of F1 changes larger than the noise level that make a curve unstable.")
@click.option("--per-type", is_flag=True, help="Add per-type precision, recall and F1 of every checkpoint.")
@click.option("--format", "-f", "fmt", type=click.Choice(FORMAT_CHOICES), default="table", show_default=True)
@click.option("--digits", type=click.IntRange(0, 12), default=4, show_default=True,
              help="Decimals in table and markdown output.")
@click.option("--plot", default=None, metavar="FILE.png|FILE.svg",
              help="Also draw P, R and F1 against step with CI bands, best marked (needs matplotlib).")
@click.option("--output", "-o", default=None, metavar="FILE", help="Write here (atomically) instead of stdout.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print warnings.")
def curve(gold, preds, mode, scheme, suffix, types, delimiter, comments, encoding, steps, step_pattern,
          train_gold, train_preds, train_steps, test, resamples, seed, level, alpha, window, epsilon, noise,
          imbalance, flips, per_type, fmt, digits, plot, output, quiet):
    """Learning curve of the checkpoints PREDS (files or a folder) against GOLD.

    Scores every checkpoint (micro and macro P, R, F1 with bootstrap CIs), marks the
    best one (highest micro F1, the earliest on a tie), tests it against the last and
    the runner-up, and diagnoses the curve: improving, plateau, unstable,
    precision/recall imbalance and, with a train series, overfitting. The rules are
    stated in the README (`curve`) and in seqeval_suite/curves.py.

    \b
    Examples:
      seqeval-suite curve corpora/curve/dev.conll corpora/curve/dev --resamples 200
      seqeval-suite curve corpora/curve/dev.conll corpora/curve/dev --train-gold corpora/curve/train.conll --train corpora/curve/train --resamples 200
      seqeval-suite curve corpora/curve/dev.conll corpora/curve/dev/checkpoint-*.conll --resamples 200 --per-type -f markdown
      seqeval-suite curve corpora/curve/dev.conll corpora/curve/dev --resamples 200 -f json --plot curve.svg
    """
    from ..curves import STEP_PATTERN, Thresholds, learning_curve, render_curve

    check_paths([gold, *preds, train_gold, *train_preds], output)
    if plot:
        from ..render.curve_plot import plot_format, require_matplotlib

        plot_format(plot)
        require_matplotlib()
        check_paths([gold, *preds, train_gold, *train_preds], plot)
    if (train_steps is not None) and not train_preds:
        raise click.UsageError("--train-steps needs --train")
    result = learning_curve(
        gold, preds, steps=_steps(steps), step_pattern=step_pattern or STEP_PATTERN, train_gold=train_gold,
        train_preds=train_preds, train_steps=_steps(train_steps), test=test, resamples=resamples, seed=seed,
        level=level, alpha=alpha, per_type=per_type,
        thresholds=Thresholds(window=window, epsilon=epsilon, noise=noise, imbalance=imbalance, flips=flips),
        mode=mode.lower(), scheme=scheme, suffix=suffix, types=types, delimiter=_unescape(delimiter),
        comments=comments, encoding=encoding,
    )
    _check_types(result, types)
    data = result.to_dict()
    if plot:
        from ..render.curve_plot import plot_curve

        plot_curve(data, plot)
    if not quiet:
        for message in result.warnings:
            warn(message)
    emit(render_curve(data, fmt, digits=digits), output)
