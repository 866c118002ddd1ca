"""Learning curves on a board (issue 18): the ``curves`` of ``results.json`` as the rows,
lines and plot geometry the boards show (:mod:`seqeval_suite.render.leaderboard` lays
them out in Markdown and LaTeX), ``curves.csv``, and the HTML section's values.

A curve is what :meth:`seqeval_suite.curves.Curve.to_dict` gives (plus ``system`` and
``gold``); the figures shown are its own, in percent as on the boards. The plot is drawn
here as SVG coordinates (no plotting library: boards render with the core dependencies),
and the template prints it with autoescaping on.
"""
from __future__ import annotations

from . import text

#: Plot geometry in SVG user units: the frame, and the margins holding the axis labels.
WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 14, 40
LINES = (("f1", "F1", "#2f6fdf"), ("precision", "P", "#8a5cd1"), ("recall", "R", "#d9822b"))
TRAIN_COLOUR = "#5b6475"


def _pct(value: float) -> str:
    return f"{100 * value:.2f}"


def _step(step) -> str:
    from ..curves import step_text

    return step_text(step)


def system_names(results: dict) -> dict[str, str]:
    """System id -> the name boards show."""
    return {s["id"]: s.get("name") or s["id"] for s in results.get("systems", [])}


def curve_rows(curve: dict) -> tuple[list[str], list[list[str]]]:
    """The dev series as a board table: step, file, P, R, F1 (%), the F1 CI, macro F1 and
    a mark on the best checkpoint."""
    level = f"{round(curve['settings']['level'] * 100, 4):g}%"
    header = ["step", "file", "P (%)", "R (%)", "F1 (%)", f"F1 {level} CI", "macro F1 (%)", "best"]
    best = curve["best"]["step"]
    rows = []
    for c in curve["series"]["dev"]["checkpoints"]:
        micro, ci = c["micro"], c["micro"]["ci"]["f1"]
        rows.append([_step(c["step"]), c["file"], _pct(micro["precision"]), _pct(micro["recall"]), _pct(micro["f1"]),
                     f"{_pct(ci['low'])}–{_pct(ci['high'])}", _pct(c["macro"]["f1"]),
                     "best" if c["step"] == best else ""])
    return header, rows


def train_rows(curve: dict) -> tuple[list[str], list[list[str]]] | None:
    """The train series (when there is one): step, P, R, F1 (%)."""
    train = curve["series"].get("train")
    if not train:
        return None
    rows = [[_step(c["step"]), c["file"], _pct(c["micro"]["precision"]), _pct(c["micro"]["recall"]),
             _pct(c["micro"]["f1"])] for c in train["checkpoints"]]
    return ["step", "file", "P (%)", "R (%)", "F1 (%)"], rows


def summary_lines(curve: dict) -> list[str]:
    """The best checkpoint and its two paired tests, in words (figures in percent)."""
    best = curve["best"]
    lines = [f"Best checkpoint: step {_step(best['step'])} ({best['file']}), micro F1 {_pct(best['f1'])}."]
    for key, label in (("best_vs_last", "Best vs last"), ("best_vs_runner_up", "Best vs runner-up")):
        t = curve["tests"][key]
        if t.get("p_value") is None:
            lines.append(f"{label}: {t['verdict']}.")
            continue
        kind = "shuffles" if t["test"] == "ar" else "resamples"
        lines.append(f"{label} (step {_step(t['step'])}): ΔF1 {100 * t['delta']:+.2f} points, {t['test']} test with "
                     f"{t['resamples']} {kind}: {t['verdict']}.")
    return lines


def diagnosis_rows(curve: dict) -> list[list[str]]:
    """One row per rule: rule, kind, whether it fired, the finding."""
    fired = {True: "yes", False: "no", None: "n/a"}
    return [[f["rule"], f["kind"], fired[f["fired"]], f["message"]] for f in curve["diagnosis"]]


def curve_title(curve: dict, names: dict[str, str]) -> str:
    """A curve section's heading: the system's board name, the dev gold file as the
    config names it, its sentences and the number of checkpoints."""
    dev = curve["series"]["dev"]
    return (f"Learning curve: {names.get(curve['system'], curve['system'])} "
            f"({curve['gold']}, {dev['sentences']} sentences, {len(dev['checkpoints'])} checkpoints)")


# ------------------------------------------------------------------ CSV
def render_curves_csv(results: dict) -> str:
    """``curves.csv``: one row per checkpoint of every series of every curve (fractions,
    as :func:`seqeval_suite.curves.render_curve`'s CSV, with a ``system`` column first)."""
    from ..curves import render_curve

    out = []
    for k, curve in enumerate(results.get("curves") or []):
        lines = render_curve(curve, "csv").splitlines(keepends=True)
        if k == 0:
            out.append("system," + lines[0])
        out += [f"{text.csv_cell(curve['system'])}," + line for line in lines[1:]]
    return "".join(out)


# ------------------------------------------------------------------ HTML
def _scale(low: float, high: float, size: float, start: float, flip: bool = False):
    span = (high - low) or 1.0

    def to(value: float) -> float:
        share = (value - low) / span
        return round(start + (1 - share if flip else share) * size, 2)

    return to


def _y_range(values: list[float]) -> tuple[float, float]:
    """The plotted F1/P/R range: whole tens of percent around the data, at least 20
    points wide (widened upwards first, then downwards: all-zero curves get 0-20).

    >>> _y_range([0.0, 0.0]), _y_range([0.91, 0.99]), _y_range([0.43, 0.87])
    ((0.0, 0.2), (0.8, 1.0), (0.4, 0.9))
    """
    low = max(0.0, (min(values) * 10 // 1) / 10)
    high = min(1.0, -(-max(values) * 10 // 1) / 10)
    if high - low < 0.2:
        high = min(1.0, low + 0.2)
        low = max(0.0, high - 0.2)
    return low, high


def _ticks(steps: list) -> list:
    """At most 8 step labels, evenly picked, the first and last always shown."""
    if len(steps) <= 8:
        return steps
    every = -(-len(steps) // 8)
    return [s for i, s in enumerate(steps) if i % every == 0 or i == len(steps) - 1]


def plot(curve: dict) -> dict:
    """SVG geometry of a curve: P, R and F1 of the dev series against step, the F1 CI as
    a band, train F1 dashed, the best checkpoint circled, axes with ticks."""
    dev = curve["series"]["dev"]["checkpoints"]
    train = (curve["series"].get("train") or {}).get("checkpoints", [])
    steps = [c["step"] for c in dev] + [c["step"] for c in train]
    values = [c["micro"][k] for c in dev for k in ("precision", "recall", "f1")]
    values += [c["micro"]["ci"]["f1"][k] for c in dev for k in ("low", "high")] + [c["micro"]["f1"] for c in train]
    y_low, y_high = _y_range(values)
    x = _scale(min(steps), max(steps), WIDTH - LEFT - RIGHT, LEFT)
    y = _scale(y_low, y_high, HEIGHT - TOP - BOTTOM, TOP, flip=True)

    def points(series, key):
        return " ".join(f"{x(c['step'])},{y(c['micro'][key])}" for c in series)

    band = [f"{x(c['step'])},{y(c['micro']['ci']['f1']['high'])}" for c in dev]
    band += [f"{x(c['step'])},{y(c['micro']['ci']['f1']['low'])}" for c in reversed(dev)]
    best = next(c for c in dev if c["step"] == curve["best"]["step"])
    lines = [{"label": label, "colour": colour, "points": points(dev, key), "dash": ""} for key, label, colour in LINES]
    # A dot on every dev F1 point: a one-checkpoint curve has no line to draw.
    markers = [{"x": x(c["step"]), "y": y(c["micro"]["f1"]), "text": f"step {_step(c['step'])}: F1 "
                f"{_pct(c['micro']['f1'])}"} for c in dev]
    if train:
        lines.append({"label": "train F1", "colour": TRAIN_COLOUR, "points": points(train, "f1"), "dash": "5 4"})
    level = round(curve["settings"]["level"] * 100)
    y_ticks = [round(y_low + i * (y_high - y_low) / 4, 4) for i in range(5)]
    return {
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "top": TOP,
        "bottom": HEIGHT - BOTTOM, "band": " ".join(band), "band_label": f"F1 {level}% CI", "lines": lines,
        "markers": markers, "marker_colour": LINES[0][2],
        "best": {"x": x(best["step"]), "y": y(best["micro"]["f1"]),
                 "text": f"best: step {_step(best['step'])}, F1 {_pct(best['micro']['f1'])}"},
        "x_ticks": [{"x": x(s), "text": _step(s)} for s in _ticks(sorted(set(steps)))],
        "y_ticks": [{"y": y(v), "text": f"{100 * v:g}"} for v in y_ticks],
        "x_label": "step", "y_label": "%",
    }


def html_curves(results: dict) -> list[dict]:
    """What the page's curve sections show, as plain values (the template escapes them)."""
    names = system_names(results)
    out = []
    for k, curve in enumerate(results.get("curves") or []):
        header, rows = curve_rows(curve)
        train = train_rows(curve)
        out.append({
            "index": k, "title": curve_title(curve, names), "plot": plot(curve), "header": header, "rows": rows,
            "train": {"gold": curve["train_gold"], "header": train[0], "rows": train[1]} if train else None,
            "summary": summary_lines(curve), "diagnosis": diagnosis_rows(curve), "signature": curve["signature"],
        })
    return out
