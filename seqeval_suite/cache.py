"""The runner's unit cache: one JSON file per unit result, named by the unit's key.

Each entry is ``{"key": ..., "sha256": ..., "result": ...}``; ``sha256`` is the digest
of the result's JSON text (:func:`result_checksum`). An entry is trusted only when its
key and checksum match, so a hand-edited count cannot reach a board (issue 16, case 13:
an altered entry gave F1 88.89 instead of 86.49). Anything else - unreadable JSON, a
wrong key or shape, a missing or wrong checksum - is a miss: the unit is scored again
and the entry rewritten, never an error. Rejected entries are listed in
:attr:`UnitCache.rejected` so the caller can say so.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path


def result_checksum(result: dict) -> str:
    """The sha256 (hex) of ``result``'s JSON text as :meth:`UnitCache.put` writes it.

    The text keeps the result's key order, since a cached result must read back
    identical to a fresh one (key order included); ``json`` round-trips floats exactly,
    so the digest of a parsed entry equals the digest taken when it was written.

    >>> result_checksum({"tp": 1}) == result_checksum(json.loads('{"tp": 1}'))
    True
    """
    return hashlib.sha256(json.dumps(result).encode("utf-8")).hexdigest()


class UnitCache:
    """Unit results stored as JSON files named by their key (``None`` folder: no cache).

    Attributes:
        hits: entries read back and trusted.
        rejected: ``"<file name>: <reason>"`` for each entry found but not trusted
            (altered, damaged or written before checksums); each was scored again.
    """

    def __init__(self, folder: str | os.PathLike | None) -> None:
        self.folder = Path(folder) if folder is not None else None
        self.hits = 0
        self.rejected: list[str] = []

    def get(self, key: str) -> dict | None:
        """The cached result for ``key``, or None: absent, or found but not trusted (then
        recorded in :attr:`rejected`)."""
        if self.folder is None:
            return None
        name = f"{key}.json"
        try:
            with open(self.folder / name, encoding="utf-8") as fh:
                text = fh.read()
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:  # ValueError: bytes that are not UTF-8
            self._reject(name, f"unreadable ({getattr(exc, 'strerror', None) or 'not UTF-8'})")
            return None
        problem, result = _check_entry(text, key)
        if problem:
            self._reject(name, problem)
            return None
        self.hits += 1
        return result

    def put(self, key: str, result: dict) -> None:
        """Store a result with its checksum (key order kept: a cached result must read back
        identical); a cache that cannot be written is skipped, not an error."""
        if self.folder is None:
            return
        from .atomic import write_text

        entry = {"key": key, "sha256": result_checksum(result), "result": result}
        try:
            write_text(self.folder / f"{key}.json", json.dumps(entry))
        except OSError:
            pass

    def rejection_warnings(self) -> list[str]:
        """One warning per rejected entry, ready to print."""
        return [f"cache entry {item}: not trusted, scored again" for item in self.rejected]

    def _reject(self, name: str, reason: str) -> None:
        self.rejected.append(f"{name}: {reason}")


def _check_entry(text: str, key: str) -> tuple[str | None, dict | None]:
    """(problem, None) for an entry not to trust, else (None, result)."""
    try:
        entry = json.loads(text)
    except (ValueError, RecursionError):
        return "not valid JSON", None
    if not isinstance(entry, dict):
        return "not a cache entry", None
    if entry.get("key") != key:
        return "its key does not match its file name", None
    result = entry.get("result")
    if not isinstance(result, dict):
        return "its result is not an object", None
    checksum = entry.get("sha256")
    if not isinstance(checksum, str):
        return "no checksum (written by an older version)", None
    if checksum != result_checksum(result):
        return "checksum mismatch", None
    return None, result
