"""The agreement report as one self-contained HTML page (issue 20).

:func:`render_agreement_html` takes the JSON data of an agreement report
(:meth:`seqeval_suite.agreement.AgreementReport.to_dict`, or the same object loaded
from a saved ``agree -f json`` file) and returns the page: a summary line, the
pairwise F1 heat map with its colour legend, per-type pairwise F1, the pairs, the
annotators, the chance-corrected figures and, when the data has them, the nested
input's tables and the ``quality``/``consensus``/``consensus_vs_gold`` blocks.

This module turns the data into plain strings, numbers and colours (the *view*); the
Jinja2 template ``templates/agreement.html`` lays them out with autoescaping on, so
every annotator name, entity type and file name is HTML-escaped. The page has inline
CSS and JS only, fetches nothing, and the same data gives the same bytes.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._version import __version__

DEFAULT_DIGITS = 4
#: The heat scale: one hue, lightness falling with the value, so the order of the cells
#: survives a greyscale print (each cell also prints its number). It stops at 57%
#: lightness so that the page's dark text keeps a WCAG AA contrast (4.5:1) on every cell.
_HUE, _SATURATION, _LIGHT, _DARK = 212, 62, 97.0, 57.0
LEGEND_STOPS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
_BUCKETS = ("flat", "nested", "outer", "inner")
#: Blocks other reports may add to the agreement JSON; each is shown when present.
EXTRA_BLOCKS = (("consensus", "Consensus"), ("consensus_vs_gold", "Consensus against gold"))
_NAME_KEYS = ("annotator", "name")
#: What a report inside an extra block shows beside its micro P/R/F1 and per-type table.
_REPORT_KEYS = ("sentences", "tokens", "accuracy", "signature")


# ------------------------------------------------------------------ view values
@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell as the template prints it.

    Attributes:
        text: what the cell shows (escaped by the template).
        kind: ``num``, ``text``, ``head`` (a row header), ``heat`` (coloured by
            value), ``undef`` (an undefined figure) or ``diag`` (the heat map's diagonal).
        title: the tooltip (the reason for ``undef`` cells).
        style: the inline background of a ``heat`` cell (:func:`heat_colour`).
        sort: the key the page's table sorter uses (numbers as text).
        value: the number a ``heat`` cell stands for, as text (``data-value``).
    """

    text: str
    kind: str = "num"
    title: str | None = None
    style: str | None = None
    sort: str = ""
    value: str | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """A table: ``header`` cells, body ``rows`` and optional ``foot`` rows."""

    id: str
    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    foot: tuple[tuple[Cell, ...], ...] = ()
    cls: str = ""
    caption: str | None = None


def _num(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def heat_colour(value: float) -> str:
    """The inline CSS of a heat cell for a value in [0, 1] (clipped).

    >>> heat_colour(0.0), heat_colour(1.0)
    ('background:hsl(212,62%,97.0%)', 'background:hsl(212,62%,57.0%)')
    """
    v = min(max(float(value), 0.0), 1.0)
    return f"background:hsl({_HUE},{_SATURATION}%,{_LIGHT - (_LIGHT - _DARK) * v:.1f}%)"


def _heat(value: float | None, digits: int, title: str, *, reason: str = "undefined") -> Cell:
    if value is None:
        return Cell("undefined", "undef", f"{title}: {reason}", sort="")
    text = _num(value, digits)
    return Cell(text, "heat", f"{title}: {text}", heat_colour(value), repr(float(value)), text)


def _plain(value: float | None, digits: int, title: str | None = None) -> Cell:
    if value is None:
        return Cell("-", "num", title)
    if isinstance(value, bool):
        return Cell("yes" if value else "no", "text", title, sort=str(int(value)))
    if isinstance(value, int):
        return Cell(str(value), "num", title, sort=str(value))
    return Cell(_num(value, digits), "num", title, sort=repr(float(value)))


def _stat(stat: Mapping | None, digits: int, title: str) -> Cell:
    """A kappa/alpha figure: its value, or ``undefined`` with the reason as tooltip."""
    stat = stat or {}
    value, items = stat.get("value"), stat.get("items")
    if value is None:
        return Cell("undefined", "undef", stat.get("reason") or "undefined")
    where = f" over {items} tokens" if items is not None else ""
    return Cell(_num(value, digits), "num", f"{title}{where}", sort=repr(float(value)))


def _head(text: str, *, kind: str = "text", title: str | None = None) -> Cell:
    return Cell(text, kind, title)


def _name(text: str) -> Cell:
    return Cell(text, "head", text, sort=text.lower())


# ------------------------------------------------------------------ sections
def _pair_title(p: Mapping) -> str:
    return f"{p['reference']} ~ {p['annotator']}"


def _no_shared(p: Mapping) -> str:
    return "the two share no labelled sentence" if not p.get("sentences") else "no report"


def _heat_map(data: Mapping, digits: int) -> Table:
    """Pairwise micro F1, annotators by annotators; the diagonal is blank."""
    names = list(data["annotators"])
    matrix = data.get("f1_matrix") or {}
    pairs = {frozenset((p["reference"], p["annotator"])): p for p in data.get("pairs", [])}
    rows = []
    for a in names:
        cells = [_name(a)]
        for b in names:
            if a == b:
                cells.append(Cell("\u2014", "diag", f"{a}: itself"))
                continue
            pair = pairs.get(frozenset((a, b)), {})
            value = (matrix.get(a) or {}).get(b, pair.get("f1"))
            title = f"{a} ~ {b}, micro F1"
            if pair:
                title = f"{_pair_title(pair)} ({pair.get('sentences', 0)} sentences, {pair.get('tokens', 0)} tokens)"
            cells.append(_heat(value, digits, title, reason=_no_shared(pair)))
        rows.append(tuple(cells))
    header = (Cell("", "text"), *(_head(n, title=n) for n in names))
    return Table("heat-map", header, tuple(rows), cls="heat-map",
                 caption="Pairwise entity micro F1 (rows and columns: annotators; symmetric)")


def _legend(digits: int) -> tuple[Cell, ...]:
    shown = min(digits, 1)
    return tuple(Cell(f"{v:.{shown}f}", "heat", None, heat_colour(v), value=f"{v:.{shown}f}") for v in LEGEND_STOPS)


def _scored_pairs(data: Mapping) -> list[Mapping]:
    return [p for p in data.get("pairs", []) if p.get("report") is not None]


def _per_type(data: Mapping, digits: int) -> Table | None:
    """Per entity type (rows), the F1 of every pair that shares sentences, and their mean."""
    per_type = data.get("per_type_f1") or {}
    if not per_type:
        return None
    pairs = _scored_pairs(data)
    keys = [f"{p['reference']}~{p['annotator']}" for p in pairs]
    rows = []
    for t, row in per_type.items():
        cells = [_name(t)]
        values = []
        for key, p in zip(keys, pairs):
            value = row.get(key)
            counts = ((p.get("report") or {}).get("per_type") or {}).get(t)
            title = f"{_pair_title(p)}, {t}"
            if counts is None:
                title += " (neither used this type on their shared sentences)"
            elif all(k in counts for k in ("tp", "fp", "fn")):
                title += f" (tp {counts['tp']}, fp {counts['fp']}, fn {counts['fn']})"
            cells.append(_heat(value, digits, title, reason="not scored"))
            if value is not None:
                values.append(value)
        if len(pairs) > 1:
            mean = sum(values) / len(values) if values else None
            cells.append(_heat(mean, digits, f"{t}, mean over {len(values)} pairs", reason="no pair scored"))
        rows.append(tuple(cells))
    header = (_head("type"), *(_head(f"{p['reference']} ~ {p['annotator']}", kind="num", title=_pair_title(p))
                               for p in pairs), *((_head("mean", kind="num"),) if len(pairs) > 1 else ()))
    return Table("per-type", header, tuple(rows), cls="heat-table per-type sortable",
                 caption="Entity F1 per type and pair (the reference is scored as gold)"
                 + (", and the mean over pairs" if len(pairs) > 1 else ""))


def _pairs(data: Mapping, digits: int) -> Table:
    """Every pair: shared sentences and tokens, micro P/R/F1 and the two kappas."""
    kappas = data.get("nested") is None
    header = ["reference", "annotator", "sentences", "tokens", "P", "R", "F1"]
    header += ["kappa", "kappa_entity"] if kappas else []
    titles = {"P": "micro precision", "R": "micro recall", "F1": "entity micro F1",
              "kappa": "Cohen's kappa over the tokens both labelled",
              "kappa_entity": "Cohen's kappa over the tokens where either has a non-O tag",
              "sentences": "sentences both labelled", "tokens": "tokens both labelled"}
    rows = []
    for p in data.get("pairs", []):
        micro = (p.get("report") or {}).get("micro")
        reason = _no_shared(p)
        cells = [_name(p["reference"]), _name(p["annotator"]),
                 _plain(p.get("sentences"), digits), _plain(p.get("tokens"), digits)]
        for key in ("precision", "recall"):
            cells.append(_plain(micro[key], digits) if micro else Cell("undefined", "undef", reason))
        cells.append(_heat(p.get("f1"), digits, f"{_pair_title(p)}, micro F1", reason=reason))
        if kappas:
            cells += [_stat(p.get("kappa"), digits, "Cohen's kappa"),
                      _stat(p.get("kappa_entity"), digits, "Cohen's kappa on entity tokens")]
        rows.append(tuple(cells))
    head = tuple(_head(h, kind="text" if k < 2 else "num", title=titles.get(h)) for k, h in enumerate(header))
    return Table("pairs", head, tuple(rows), cls="pairs sortable",
                 caption="Pairs (the reference is scored as gold; F1 is symmetric)")


def _leaderboard(data: Mapping, digits: int) -> Table | None:
    board = data.get("leaderboard")
    if not data.get("gold") or not board:
        return None
    rows = tuple((_plain(k, digits), _name(row["annotator"]),
                  _heat(row.get("f1"), digits, f"{row['annotator']} against {data['gold']}",
                        reason="no shared sentence"),
                  _plain(row.get("sentences"), digits)) for k, row in enumerate(board, 1))
    header = (_head("rank", kind="num"), _head("annotator"), _head("F1", kind="num"), _head("sentences", kind="num"))
    return Table("gold", header, rows, cls="gold",
                 caption=f"Annotators against gold {data['gold']}, best micro F1 first")


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _is_stat(value: Any) -> bool:
    return isinstance(value, Mapping) and "value" in value and "reason" in value


def _is_report(value: Any) -> bool:
    return isinstance(value, Mapping) and isinstance(value.get("micro"), Mapping) and "f1" in value["micro"]


def _flatten(value: Mapping, digits: int, prefix: str = "", depth: int = 0) -> dict[str, Cell]:
    """The scalar leaves of a JSON object as ``dotted.key -> Cell``: statistics as their
    value (undefined with the reason), a report as its micro P/R/F1, lists of scalars
    joined; F1 values in [0, 1] heat-coloured."""
    out: dict[str, Cell] = {}
    for key, item in value.items():
        path = f"{prefix}{key}"
        if _is_stat(item):
            out[path] = _stat(item, digits, path)
        elif _is_report(item):
            for stat in ("precision", "recall", "f1"):
                out[f"{path}.{stat}"] = _leaf(f"{path}.{stat}", item["micro"].get(stat), digits)
        elif isinstance(item, Mapping) and depth < 2:
            out.update(_flatten(item, digits, f"{path}.", depth + 1))
        elif isinstance(item, (list, tuple)) and all(_is_scalar(x) for x in item):
            out[path] = Cell(", ".join(_leaf(path, x, digits).text for x in item), "text")
        elif _is_scalar(item):
            out[path] = _leaf(path, item, digits)
        else:
            out[path] = Cell(f"({type(item).__name__}, not shown)", "text")
    return out


def _leaf(path: str, value: Any, digits: int) -> Cell:
    if isinstance(value, str):
        return Cell(value, "text", sort=value.lower())
    if isinstance(value, float) and path.rsplit(".", 1)[-1].endswith("f1") and 0.0 <= value <= 1.0:
        return _heat(value, digits, path)
    return _plain(value, digits)


def _per_annotator(block: Any, names: Sequence[str]) -> tuple[dict[str, Any] | None, dict]:
    """A block keyed by annotator (a name -> value mapping, a ``per_annotator`` key
    holding one, or a list of objects naming their annotator), and the block's other
    keys; (None, {}) when the block is not per annotator."""
    if isinstance(block, list) and block and all(isinstance(x, Mapping) for x in block):
        key = next((k for k in _NAME_KEYS if all(k in x for x in block)), None)
        if key is not None:
            return {str(x[key]): {k: v for k, v in x.items() if k != key} for x in block}, {}
    if isinstance(block, Mapping):
        inner = block.get("per_annotator")
        if isinstance(inner, (Mapping, list)):
            found, _ = _per_annotator(inner, names)
            if found is not None:
                return found, {k: v for k, v in block.items() if k != "per_annotator"}
        if block and set(block) <= set(names):
            return dict(block), {}
    return None, {}


def _annotators(data: Mapping, digits: int) -> tuple[Table, list[dict]]:
    """Mean pairwise F1 and labelled sentences per annotator, with the ``quality``
    block's columns when it is per annotator; other quality content as extra blocks."""
    names = list(data["annotators"])
    means = data.get("mean_pairwise_f1") or {}
    per = means.get("per_annotator") or {}
    labelled = data.get("labelled_sentences") or {}
    quality, rest = _per_annotator(data.get("quality"), names)
    extra_blocks = []
    columns: dict[str, dict[str, Cell]] = {}
    if quality is not None:
        for name, value in quality.items():
            flat = _flatten(value if isinstance(value, Mapping) else {"": value}, digits)
            columns[name] = flat
        if rest:
            extra_blocks.append(_block("Annotator quality: settings", rest, digits))
    elif data.get("quality") is not None:
        extra_blocks.append(_block("Annotator quality", data["quality"], digits))
    keys = list(dict.fromkeys(k for flat in columns.values() for k in flat))
    rows = []
    for name in names:
        cells = [_name(name), _heat(per.get(name), digits, f"{name}, mean micro F1 over their pairs",
                                    reason="no pair shares a sentence"),
                 _plain(labelled.get(name), digits)]
        cells += [columns.get(name, {}).get(k, Cell("-", "num")) for k in keys]
        rows.append(tuple(cells))
    header = [_head("annotator"), _head("mean pairwise F1", kind="num"), _head("labelled sentences", kind="num")]
    header += [_head(f"quality {k}".strip(), kind="num") for k in keys]
    foot = ((Cell("overall", "head"), _heat(means.get("overall"), digits, "mean micro F1 over all pairs",
                                            reason="no pair shares a sentence"),
             _plain(data.get("sentences"), digits), *(Cell("", "text") for _ in keys)),)
    return Table("annotators", tuple(header), tuple(rows), foot, cls="annotators sortable",
                 caption="Annotators: mean micro F1 over the pairs each is in"), extra_blocks


def _chance(data: Mapping, digits: int) -> dict:
    """Fleiss' kappa and Krippendorff's alpha with what they cover (per layer for
    layered CoNLL; the reason they are undefined for span input)."""
    m = len(data["annotators"])
    alphabet = data.get("alphabet") or data.get("kappa_on") or ""
    nested = data.get("nested")
    if nested is not None:
        layers = nested.get("kappa_layers")
        if not layers:
            return {"alphabet": alphabet, "lines": [], "table": None,
                    "reason": nested.get("kappa_reason") or "undefined for this input"}
        rows = []
        for name, k in layers.items():
            fleiss, alpha = k.get("fleiss_kappa") or {}, k.get("krippendorff_alpha") or {}
            rows.append((_name(name), _stat(fleiss, digits, "Fleiss' kappa"), _plain(fleiss.get("sentences"), digits),
                         _plain(fleiss.get("items"), digits), _stat(alpha, digits, "Krippendorff's alpha"),
                         _plain(alpha.get("items"), digits)))
        header = (_head("layer"), _head("Fleiss' kappa", kind="num"), _head("sentences", kind="num"),
                  _head("tokens", kind="num"), _head("Krippendorff's alpha", kind="num"), _head("tokens", kind="num"))
        return {"alphabet": alphabet, "lines": [], "reason": None,
                "table": Table("chance-layers", header, tuple(rows), cls="chance",
                               caption="Per layer (tag column), token level")}
    fleiss, alpha = data.get("fleiss_kappa") or {}, data.get("krippendorff_alpha") or {}
    everyone = "both" if m == 2 else f"all {m}"
    lines = [
        ("Fleiss' kappa", _stat(fleiss, digits, "Fleiss' kappa"),
         (f"over {fleiss.get('sentences', 0)} sentences ({fleiss.get('items', 0)} tokens) "
          f"labelled by {everyone} annotators")),
        ("Krippendorff's alpha (nominal)", _stat(alpha, digits, "Krippendorff's alpha"),
         f"over {alpha.get('items', 0)} tokens labelled by {'both' if m == 2 else 'two or more'} annotators"),
    ]
    return {"alphabet": alphabet, "lines": lines, "table": None, "reason": None}


def _nested_tables(data: Mapping, digits: int) -> list[Table]:
    """Nested input: per pair the layers' combined F1 and the bucket F1s; per pair and
    layer the F1 and, for layered CoNLL, Cohen's kappa."""
    pairs = [p for p in data.get("pairs", []) if p.get("nested")]
    if data.get("nested") is None or not pairs:
        return []
    rows = []
    for p in pairs:
        nested = p["nested"]
        combined = (nested.get("combined") or {}).get("micro") or {}
        entities, depth = nested.get("entities") or {}, nested.get("max_depth") or {}
        title = (f"{_pair_title(p)}, all layers: {entities.get('gold', '?')} reference entities "
                 f"(depth {depth.get('gold', '?')}), {entities.get('pred', '?')} annotator entities "
                 f"(depth {depth.get('pred', '?')})")
        cells = [_name(p["reference"]), _name(p["annotator"]), _heat(combined.get("f1"), digits, title)]
        for bucket in _BUCKETS:
            b = (nested.get("buckets") or {}).get(bucket) or {}
            tip = (f"{_pair_title(p)}, {bucket}: reference {b.get('gold', '?')} "
                   f"({b.get('gold_matched', '?')} matched), annotator {b.get('pred', '?')} "
                   f"({b.get('pred_matched', '?')} matched)")
            cells.append(_heat(b.get("f1"), digits, tip, reason="no entity in this bucket"))
        rows.append(tuple(cells))
    header = (_head("reference"), _head("annotator"), _head("combined", kind="num"),
              *(_head(b, kind="num") for b in _BUCKETS))
    tables = [Table("nested-pairs", header, tuple(rows), cls="nested heat-table",
                    caption="Nested entities per pair: F1 of the layers combined, and per bucket")]
    layers = list(dict.fromkeys(name for p in pairs for name in (p["nested"].get("layers") or {})))
    if layers:
        with_kappa = any(p.get("kappa_layers") for p in pairs)
        rows = []
        for p in pairs:
            cells = [_name(p["reference"]), _name(p["annotator"])]
            for name in layers:
                micro = ((p["nested"].get("layers") or {}).get(name) or {}).get("micro") or {}
                cells.append(_heat(micro.get("f1"), digits, f"{_pair_title(p)}, layer {name}", reason="not scored"))
                if with_kappa:
                    cells.append(_stat(((p.get("kappa_layers") or {}).get(name) or {}).get("kappa"), digits,
                                       f"Cohen's kappa, layer {name}"))
            rows.append(tuple(cells))
        header = [_head("reference"), _head("annotator")]
        for name in layers:
            header.append(_head(f"layer {name} F1", kind="num", title=f"layer {name}: entity micro F1"))
            if with_kappa:
                header.append(_head(f"layer {name} kappa", kind="num",
                                    title=f"layer {name}: Cohen's kappa (token level)"))
        tables.append(Table("nested-layers", tuple(header), tuple(rows), cls="nested heat-table",
                            caption="Per layer: entity F1" + (" and Cohen's kappa" if with_kappa else "")))
    return tables


def _block(title: str, value: Any, digits: int) -> dict:
    """A block whose shape this page does not know in advance: a report becomes its
    micro P/R/F1 and per-type table, a mapping of objects a table (one row each), a
    list of objects a table, anything else key/value rows of its scalar leaves."""
    tables: list[Table] = []
    pairs: list[tuple[str, Cell]] = []
    slug = "block-" + "".join(c if c.isalnum() else "-" for c in title.lower())
    if _is_report(value):
        micro = value["micro"]
        pairs = [(k, _leaf(k, micro.get(k), digits)) for k in ("precision", "recall", "f1") if k in micro]
        per_type = value.get("per_type") or {}
        if per_type:
            rows = tuple((_name(t), _plain(c.get("precision"), digits), _plain(c.get("recall"), digits),
                          _heat(c.get("f1"), digits, f"{title}, {t}"), _plain(c.get("support"), digits))
                         for t, c in per_type.items() if isinstance(c, Mapping))
            header = (_head("type"), *(_head(h, kind="num") for h in ("P", "R", "F1", "support")))
            tables.append(Table(f"{slug}-types", header, rows, cls="block-table", caption=f"{title}: per type"))
        pairs += list(_flatten({k: value[k] for k in _REPORT_KEYS if k in value}, digits).items())
        return {"title": title, "id": slug, "pairs": pairs, "tables": tables}
    rows_of = _rows_of(value)
    if rows_of is not None:
        tables.append(_object_table(slug, title, rows_of, digits))
        return {"title": title, "id": slug, "pairs": [], "tables": tables}
    if isinstance(value, Mapping):
        scalars = {k: v for k, v in value.items() if not (_rows_of(v) or _is_report(v))}
        pairs = list(_flatten(scalars, digits).items())
        for key, item in value.items():
            if key in scalars:
                continue
            inner = _block(f"{title}: {key}", item, digits)
            pairs += inner["pairs"]
            tables += inner["tables"]
        return {"title": title, "id": slug, "pairs": pairs, "tables": tables}
    return {"title": title, "id": slug, "pairs": list(_flatten({"value": value}, digits).items()), "tables": []}


def _rows_of(value: Any) -> list[tuple[str, Mapping]] | None:
    """A list of objects, or a mapping whose values are all objects: (row label, object)."""
    if isinstance(value, list) and value and all(isinstance(x, Mapping) for x in value):
        key = next((k for k in _NAME_KEYS if all(k in x for x in value)), None)
        return [(str(x[key]) if key else str(i), {k: v for k, v in x.items() if k != key})
                for i, x in enumerate(value, 1)]
    if (isinstance(value, Mapping) and value and all(isinstance(v, Mapping) and not _is_stat(v) for v in value.values())
            and len(value) > 1):
        return [(str(k), v) for k, v in value.items()]
    return None


def _object_table(slug: str, title: str, rows: Iterable[tuple[str, Mapping]], digits: int) -> Table:
    flat = [(label, _flatten(obj, digits)) for label, obj in rows]
    keys = list(dict.fromkeys(k for _, cells in flat for k in cells))
    body = tuple((_name(label), *(cells.get(k, Cell("-", "num")) for k in keys)) for label, cells in flat)
    return Table(f"{slug}-table", (_head(""), *(_head(k, kind="num") for k in keys)), body, cls="block-table",
                 caption=title)


def _summary(data: Mapping) -> dict:
    names = list(data["annotators"])
    nested = data.get("nested")
    nested_text = None
    if nested is not None:
        nested_text = (f"layered CoNLL, layers {', '.join(nested.get('layer_names') or [])}"
                       if nested.get("source") == "layers" else f"{nested.get('source')} spans")
    return {"names": names, "sentences": data.get("sentences", 0), "tokens": data.get("tokens", 0),
            "mode": data.get("mode", "?"), "scheme": data.get("scheme"), "gold": data.get("gold"),
            "kappa_on": data.get("kappa_on"), "signature": data.get("signature", ""), "nested": nested_text,
            "signature_parts": str(data.get("signature", "")).split("|")}


# ------------------------------------------------------------------ the page
@functools.lru_cache(maxsize=1)
def _environment():
    """Jinja2 over ``render/templates``: autoescaping on, unknown names an error."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def agreement_view(data: Mapping, *, digits: int | None = None, title: str | None = None) -> dict:
    """What the page shows, as plain strings, cells and tables (the template escapes them)."""
    digits = DEFAULT_DIGITS if digits is None else digits
    names = list(data["annotators"])
    annotators, quality_blocks = _annotators(data, digits)
    blocks = quality_blocks + [_block(label, data[key], digits) for key, label in EXTRA_BLOCKS
                               if data.get(key) is not None]
    return {
        "title": title or f"Annotator agreement: {', '.join(names)}",
        "version": __version__,
        "summary": _summary(data),
        "heat_map": _heat_map(data, digits),
        "legend": _legend(digits),
        "per_type": _per_type(data, digits),
        "gold": _leaderboard(data, digits),
        "pairs": _pairs(data, digits),
        "annotators": annotators,
        "chance": _chance(data, digits),
        "nested": _nested_tables(data, digits),
        "blocks": blocks,
        "warnings": list(data.get("warnings") or []),
    }


def render_agreement_html(data: dict, *, digits: int | None = None, title: str | None = None) -> str:
    """The agreement report as one self-contained HTML page.

    Args:
        data: :meth:`~seqeval_suite.agreement.AgreementReport.to_dict`, or the same
            object read back from ``agree -f json`` output.
        digits: digits after the decimal point (default 4, as the text formats).
        title: the page title (default: the annotators' names).

    Returns:
        The page: inline CSS and JS, nothing fetched, every user string escaped; the
        same data gives the same text.

    >>> from seqeval_suite.agreement import agree
    >>> page = render_agreement_html(agree({"a": [["B-PER"]], "b": [["B-LOC"]]}).to_dict())
    >>> page.startswith("<!DOCTYPE html>"), 'class="heat-map' in page
    (True, True)
    """
    page = _environment().get_template("agreement.html")
    return page.render(**agreement_view(data, digits=digits, title=title))
