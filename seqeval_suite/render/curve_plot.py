"""The learning-curve plot of ``seqeval-suite curve --plot`` (issue 18), PNG or SVG.

matplotlib (the optional ``plot`` extra) is imported inside :func:`plot_curve` only, so
that importing this module, and starting the command line, stays fast and works
without it. The figure is drawn on an Agg canvas without pyplot, so no global state or
display is involved. Output is reproducible: the SVG's ids are salted with a fixed
string and neither format records a date.
"""
from __future__ import annotations

import os

#: File extension -> matplotlib format name.
PLOT_FORMATS = {".png": "png", ".svg": "svg"}
# (JSON key, label, colour) of the plotted metrics, in drawing order.
_METRICS = (("precision", "precision", "#1f77b4"), ("recall", "recall", "#ff7f0e"), ("f1", "F1", "#2ca02c"))
_TRAIN_COLOUR = "#7f7f7f"
_BEST_COLOUR = "#d62728"


def plot_format(path: str) -> str:
    """The format a plot file's extension asks for.

    Raises:
        UsageError: an extension other than .png or .svg.

    >>> plot_format("out/curve.PNG"), plot_format("curve.svg")
    ('png', 'svg')
    """
    from ..errors import UsageError

    ext = os.path.splitext(str(path))[1].lower()
    if ext not in PLOT_FORMATS:
        raise UsageError(f"--plot {path}: the file must end in .png or .svg", hint="e.g. --plot curve.png")
    return PLOT_FORMATS[ext]


def require_matplotlib() -> None:
    """Fail early, before any scoring, when the plot extra is not installed.

    Raises:
        SeqevalSuiteError: (exit 1) matplotlib cannot be imported.
    """
    from importlib.util import find_spec

    from ..errors import SeqevalSuiteError

    if find_spec("matplotlib") is None:
        raise SeqevalSuiteError("--plot needs matplotlib, which is not installed",
                                hint="pip install 'seqeval-suite[plot]'")


def plot_curve(data: dict, path: str) -> None:
    """Draw P, R and F1 of the dev series against step, each with its CI band, the
    best checkpoint marked and, when present, the train series' F1; write ``path``
    (.png or .svg) atomically.

    Args:
        data: :meth:`seqeval_suite.curves.Curve.to_dict`'s result.
        path: the output file; its extension picks the format.

    Raises:
        UsageError: a bad extension, or an output folder that is a file.
    """
    import io

    from ..atomic import write_bytes

    fmt = plot_format(path)
    figure = _figure(data)
    buffer = io.BytesIO()
    import matplotlib

    # Fixed id salt and no date: the same data give the same bytes (SPEC §4).
    with matplotlib.rc_context({"svg.hashsalt": "seqeval-suite", "svg.fonttype": "path"}):
        metadata = {"Software": "seqeval-suite"} if fmt == "png" else {"Date": None, "Creator": "seqeval-suite"}
        figure.savefig(buffer, format=fmt, metadata=metadata)
    write_bytes(path, buffer.getvalue())


def _figure(data: dict):
    """The matplotlib Figure of a curve (Agg canvas, no pyplot)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 4.8), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    dev = data["series"]["dev"]
    steps = [c["step"] for c in dev["checkpoints"]]
    pct = f"{round(data['settings']['level'] * 100, 4):g}%"
    for key, label, colour in _METRICS:
        values = [c["micro"][key] for c in dev["checkpoints"]]
        low = [c["micro"]["ci"][key]["low"] for c in dev["checkpoints"]]
        high = [c["micro"]["ci"][key]["high"] for c in dev["checkpoints"]]
        axes.fill_between(steps, low, high, color=colour, alpha=0.18, linewidth=0)
        axes.plot(steps, values, marker="o", markersize=4, color=colour, label=f"dev {label}")
    train = data["series"].get("train")
    if train is not None:
        t_steps = [c["step"] for c in train["checkpoints"]]
        axes.fill_between(t_steps, [c["micro"]["ci"]["f1"]["low"] for c in train["checkpoints"]],
                          [c["micro"]["ci"]["f1"]["high"] for c in train["checkpoints"]],
                          color=_TRAIN_COLOUR, alpha=0.12, linewidth=0)
        axes.plot(t_steps, [c["micro"]["f1"] for c in train["checkpoints"]], linestyle="--", marker=".",
                  color=_TRAIN_COLOUR, label="train F1")
    _mark_best(axes, data)
    axes.set_xlabel("step")
    axes.set_ylabel("micro score")
    axes.set_title(f"{dev['gold']}: micro P, R, F1 with {pct} bootstrap CI bands", fontsize=10)
    axes.grid(True, alpha=0.3)
    axes.legend(loc="lower right", fontsize=8)
    return figure


def _mark_best(axes, data: dict) -> None:
    """A star on the best checkpoint's F1, a dotted line at its step, and a label."""
    from ..curves import step_text

    best = data["best"]
    axes.axvline(best["step"], color=_BEST_COLOUR, linestyle=":", linewidth=1)
    axes.plot([best["step"]], [best["f1"]], marker="*", markersize=14, color=_BEST_COLOUR, linestyle="none",
              label=f"best: step {step_text(best['step'])}")
    axes.annotate(f"best F1 {best['f1']:.4f}", (best["step"], best["f1"]), textcoords="offset points",
                  xytext=(0, 10), ha="center", fontsize=8, color=_BEST_COLOUR,
                  bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
