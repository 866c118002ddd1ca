"""The reproducibility signature printed with every score, in the spirit of sacrebleu's.

It records every setting that changes a number, so that a published figure can be
reproduced: ``mode:lenient|scheme:auto|suffix:no|types:all|match:strict|version:0.1.0``.
"""
from __future__ import annotations

from typing import Iterable


def signature(
    *,
    mode: str,
    scheme: str,
    suffix: bool,
    types: Iterable[str] | None,
    match: str = "strict",
    extra: dict[str, str] | None = None,
) -> str:
    """Build the signature string.

    >>> signature(mode="conlleval", scheme="auto", suffix=False, types=["PER", "LOC"])
    'mode:conlleval|scheme:auto|suffix:no|types:LOC,PER|match:strict|version:0.1.0'
    """
    from ._version import __version__

    parts = {
        "mode": mode,
        "scheme": scheme,
        "suffix": "yes" if suffix else "no",
        "types": ",".join(sorted(types)) if types else "all",
        "match": match,
    }
    parts.update(extra or {})
    parts["version"] = __version__
    return "|".join(f"{k}:{v}" for k, v in parts.items())
