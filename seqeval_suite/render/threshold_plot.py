"""The precision-recall curves of a :class:`~seqeval_suite.thresholds.ThresholdReport`
as PNG or SVG, drawn with matplotlib (the optional ``plot`` extra).

Imported only when a plot is asked for: matplotlib takes longer to import than the
whole CLI may take to start. Figures are drawn on the Agg canvas directly, without
``pyplot``, so no global backend or figure state is touched. The output depends only on
the report: SVG element ids are salted with a constant and the date is left out.
"""
from __future__ import annotations

import io

from ..errors import UsageError

PLOT_FORMATS = ("png", "svg")


def plot_format(path: str) -> str:
    """The image format a file name asks for.

    Raises:
        UsageError: an extension other than ``.png`` or ``.svg``.

    >>> plot_format("out/pr.PNG")
    'png'
    """
    fmt = str(path).rsplit(".", 1)[-1].lower() if "." in str(path) else ""
    if fmt not in PLOT_FORMATS:
        raise UsageError(f"--plot {path}: give a .png or .svg file name")
    return fmt


def curve_xy(curve) -> tuple[list[float], list[float]]:
    """``(recall, precision)`` of a curve by rising recall, starting at scikit-learn's
    point (recall 0, precision 1); drawn as steps whose level on ``(R_{k-1}, R_k]`` is
    ``P_k``, the area average precision sums.

    >>> from seqeval_suite.thresholds import curve
    >>> curve_xy(curve([(0.9, True), (0.5, False), (0.2, True)], gold=4))
    ([0.0, 0.25, 0.25, 0.5], [1.0, 1.0, 0.5, 0.6666666666666666])
    """
    precision, recall, _ = curve.sklearn_layout()
    return recall[::-1], precision[::-1]


def render_plot(report, fmt: str = "png", *, title: str = "Precision-recall curve") -> bytes:
    """One line per type and a thicker one overall, each with its best-F1 point marked.

    Args:
        report: a :class:`~seqeval_suite.thresholds.ThresholdReport`.
        fmt: ``png`` or ``svg``.

    Returns:
        The image file's bytes.

    Raises:
        UsageError: an unknown ``fmt``.
    """
    if fmt not in PLOT_FORMATS:
        raise UsageError(f"unknown plot format {fmt!r}", hint="choose png or svg")
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"svg.hashsalt": "seqeval-suite"}):
        figure = Figure(figsize=(6.4, 4.8), dpi=100)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        for name, curve in report.curves():
            overall = name == "overall"
            recall, precision = curve_xy(curve)
            (line,) = axes.plot(recall, precision, drawstyle="steps-pre", linewidth=2.4 if overall else 1.3,
                                color="black" if overall else None,
                                label=f"{name} (AP {curve.average_precision:.3f})")
            best = curve.best()
            if best is not None:
                axes.plot([best.counts.recall], [best.counts.precision], marker="o", markersize=6,
                          color=line.get_color(), linestyle="none")
        axes.set_xlim(0, 1.02)
        axes.set_ylim(0, 1.05)
        axes.set_xlabel("recall (over all gold entities)")
        axes.set_ylabel("precision")
        axes.set_title(f"{title} (dots: best F1)")
        axes.grid(True, alpha=0.3)
        axes.legend(loc="lower left", fontsize="small")
        figure.tight_layout()
        buffer = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else None
        figure.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def write_plot(report, path: str) -> None:
    """Write :func:`render_plot`'s image to ``path`` atomically, in the format its
    extension names.

    Raises:
        UsageError: an extension other than ``.png``/``.svg``; ``path`` a folder.
        SeqevalSuiteError: the file cannot be written.
    """
    from ..atomic import write_bytes
    from ..errors import SeqevalSuiteError

    data = render_plot(report, plot_format(path))
    try:
        write_bytes(path, data)
    except OSError as exc:
        raise SeqevalSuiteError(f"{path}: cannot write ({exc.strerror or exc})") from None
