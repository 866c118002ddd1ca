"""Atomic file writes: a temp file in the target's folder, then a rename.

A reader never sees a half-written file, and a failed run leaves the old file intact.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_text(path: str | os.PathLike, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (the parent folder is created)."""
    write_bytes(path, text.encode(encoding))


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (the parent folder is created).

    Raises:
        UsageError: ``path`` is a folder, or a file stands where its folder should be.
    """
    from .errors import UsageError

    target = Path(path)
    if target.is_dir():
        raise UsageError(f"{path} is a folder, not a file", hint="give a file name for the output")
    for parent in target.parents:
        if parent.exists():
            if not parent.is_dir():
                raise UsageError(f"{parent} is a file, not a folder", hint="give an output folder that is a folder")
            break
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp creates 0600; give the file the permissions a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
