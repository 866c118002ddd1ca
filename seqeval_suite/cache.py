"""The runner's unit cache: one JSON file per unit result, named by the unit's key.

A damaged or unreadable entry is a miss (the unit is scored again), never an error.
"""
from __future__ import annotations

import json
import os
from pathlib import Path


class UnitCache:
    """Unit results stored as JSON files named by their key (``None`` folder: no cache)."""

    def __init__(self, folder: str | os.PathLike | None) -> None:
        self.folder = Path(folder) if folder is not None else None
        self.hits = 0

    def get(self, key: str) -> dict | None:
        """The cached result for ``key``, or None (a damaged entry counts as a miss)."""
        if self.folder is None:
            return None
        try:
            with open(self.folder / f"{key}.json", encoding="utf-8") as fh:
                entry = json.load(fh)
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        self.hits += 1
        return entry.get("result")

    def put(self, key: str, result: dict) -> None:
        """Store a result (key order kept: a cached result must read back identical); a cache
        that cannot be written is skipped, not an error."""
        if self.folder is None:
            return
        from .atomic import write_text

        try:
            write_text(self.folder / f"{key}.json", json.dumps({"key": key, "result": result}))
        except OSError:
            pass
