"""Atomic file writes: a temp file in the target's folder, then a rename.

A reader never sees a half-written file, and a failed run leaves the old file intact.
Temp files are hidden (their names start with ``.``), created with the permissions a
plain ``open()`` would give (``0o666`` less the umask, applied by the kernel), and
fsynced before the rename, so a crash leaves the old or the new file, never an empty one.
For a set of files that must change together see :mod:`seqeval_suite.publish`.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

# No inheriting by child processes; no newline translation on Windows.
_EXTRA_FLAGS = getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def write_text(path: str | os.PathLike, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (the parent folder is created)."""
    write_bytes(path, text.encode(encoding))


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (the parent folder is created).

    Raises:
        UsageError: ``path`` is a folder, or a file stands where its folder should be.
        OSError: the file cannot be written (the old file, if any, is left as it was).
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
    tmp = write_new(target.parent, f".{target.name}.", data, suffix=".tmp")
    try:
        os.replace(tmp, target)
    except BaseException:
        remove_quietly(tmp)
        raise
    fsync_dir(target.parent)


def write_new(folder: str | os.PathLike, prefix: str, data: bytes, *, suffix: str = "") -> Path:
    """Write ``data`` to a new file ``folder/<prefix><random><suffix>`` and fsync it.

    The file is created exclusively (``O_EXCL``) with mode ``0o666`` less the umask, as
    a plain ``open()`` would; on any failure it is removed again.

    Returns:
        The new file's path.

    Raises:
        OSError: it cannot be created or written (disk full, ...).
    """
    while True:
        path = Path(folder) / f"{prefix}{secrets.token_hex(4)}{suffix}"
        try:
            write_exclusive(path, data)
            return path
        except FileExistsError:
            continue


def write_exclusive(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to the new file ``path`` and fsync it (mode ``0o666`` less the umask).

    Raises:
        FileExistsError: ``path`` exists (it is left alone).
        OSError: it cannot be written; the partial file is removed.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _EXTRA_FLAGS, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        remove_quietly(path)
        raise


def fsync_dir(folder: str | os.PathLike) -> None:
    """Make the renames in ``folder`` durable; skipped where folders cannot be fsynced."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems (and Windows) refuse fsync on a folder
    finally:
        os.close(fd)


def remove_quietly(path: str | os.PathLike) -> None:
    """Remove a file if it is there (cleanup must not hide the error being raised)."""
    try:
        os.unlink(path)
    except OSError:
        pass
