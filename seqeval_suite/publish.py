"""Publish a board - a set of output files in one folder - all at once, one run at a time.

Issue 16 (cases 15 and 16): writing ``leaderboard.md`` ... ``index.html`` one by one
left a mixed set when a late write failed (disk full) or the run was killed, and two
runs into one folder interleaved. So:

* :class:`BoardLock` makes runs into one folder take turns (``fcntl.flock``).
* :func:`publish_board` builds the complete new folder in a hidden staging folder beside
  it (same filesystem), carries over by hard link everything else the old folder holds
  (the ``.seqeval-suite-cache/`` folder, files the user keeps there), fsyncs it, and
  swaps the two folders with one ``renameat2(RENAME_EXCHANGE)`` (Linux >= 3.15, glibc
  >= 2.28). Until that call the old folder is untouched; after it the new one is
  complete. A failed or interrupted run (SIGINT, SIGTERM, SIGKILL) therefore leaves the
  previous board exactly as it was, or the complete new one - never a mix.

Fallbacks, each weaker and documented where it is taken:

1. The folder does not exist yet: a plain ``rename`` of the staging folder.
2. No ``RENAME_EXCHANGE`` (other OS, a filesystem refusing it): two renames, old folder
   aside then staging in place, with SIGINT/SIGTERM held off between them. Only a
   SIGKILL between the two leaves no folder; the next run (under the lock) puts the old
   one back before doing anything else.
3. The folder cannot be swapped at all - it is the current folder or holds it
   (``--output-dir .``: swapping would leave this and any shell in there in a deleted
   folder), it is a mount point, its parent is not writable, or hard links are refused:
   every file is first written in full as a hidden temp file and fsynced, then each is
   renamed over its target with SIGINT/SIGTERM held off. A failed write changes nothing;
   only a SIGKILL or power loss inside the rename loop (microseconds) can mix the set.

Hidden names are ``.<folder>.seqeval-suite-{new,old}-<hex>`` beside the folder and
``.seqeval-suite-new.<file>.<hex>`` inside it; they are removed on failure, and those a
SIGKILL left behind are removed by the next run into the folder. The swap gives the
folder a new inode: a shell whose current folder is the board must ``cd`` again, and
the folder's owner, ACLs and extended attributes are not carried over (its mode is).
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import secrets
import shutil
import signal
import stat
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from .atomic import fsync_dir, remove_quietly, write_exclusive, write_new
from .errors import SeqevalSuiteError, UsageError

TAG = "seqeval-suite"
#: The prefix of the temp files written inside the folder by the in-place fallback.
IN_PLACE_PREFIX = f".{TAG}-new."
# renameat2 flag from <linux/fs.h>; AT_FDCWD from <fcntl.h> (Linux).
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
# errno values meaning "this kernel or filesystem cannot exchange": try two renames.
_NO_EXCHANGE = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, getattr(errno, "ENOTSUP", errno.EOPNOTSUPP)}
# errno values of a link or rename that cannot work here at all: publish in place.
_NOT_HERE = {errno.EXDEV, errno.EPERM, errno.EACCES, errno.EROFS, errno.EBUSY, errno.EMLINK,
             errno.ENOSYS, errno.EOPNOTSUPP, getattr(errno, "ENOTSUP", errno.EOPNOTSUPP)}


class BoardBusy(SeqevalSuiteError):
    """Another run holds the folder's lock and we were told not to wait (exit 1)."""


class _CannotSwap(Exception):
    """The folder cannot be swapped here; nothing has changed yet (publish in place)."""


# ------------------------------------------------------------------ locking (case 16)
class BoardLock:
    """An exclusive lock on one output folder, held for a whole run or render.

    The lock is ``flock`` on a hidden file beside the folder,
    ``.<folder>.seqeval-suite-lock``: beside, not inside, so swapping the folder does
    not swap the lock away, and the board itself never holds it. The file is removed on
    release, so ``git status`` shows it only while a run is going (or after a SIGKILL,
    until the next run); a waiter that locked a removed file sees that its inode is no
    longer the path's and tries again. Where the parent folder is not writable, the
    folder itself is locked (it is then never swapped, see fallback 3).

    On entry, leftovers of a killed run into the folder are cleaned up (:func:`recover`),
    and until exit SIGTERM is turned into KeyboardInterrupt so cleanups run.

    Args:
        folder: the output folder (it may not exist yet; its parents are created).
        wait: wait for another run to finish; False raises :class:`BoardBusy`.
        on_wait: called once if we have to wait (to say so).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp, BoardLock(f"{tmp}/board"):
    ...     pass
    """

    def __init__(self, folder: str | os.PathLike, *, wait: bool = True,
                 on_wait: Callable[[], None] | None = None) -> None:
        self.folder = Path(folder)
        self.wait = wait
        self.on_wait = on_wait
        self._fd: int | None = None
        self._lock_file: Path | None = None
        self._signals = contextlib.ExitStack()

    def __enter__(self) -> BoardLock:  # noqa: PYI034 (typing.Self needs Python 3.11)
        real = _real(self.folder)
        _check_parents(real)
        try:
            real.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SeqevalSuiteError(f"{self.folder}: cannot create its folder ({exc.strerror or exc})") from None
        self._signals.enter_context(_sigterm_as_interrupt())
        try:
            self._acquire(real)
            try:
                recover(real)
            except OSError as exc:
                raise SeqevalSuiteError(f"{self.folder}: cannot clean up after an interrupted run "
                                        f"({exc.strerror or exc})") from None
        except BaseException:
            self._release()
            self._signals.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._release()
        self._signals.close()

    def _acquire(self, real: Path) -> None:
        try:
            import fcntl
        except ImportError:  # not POSIX: runs are not serialised there
            return

        announced = False
        while True:
            fd, lock_file = _open_lock(real)
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    if not self.wait:
                        raise BoardBusy(f"another seqeval-suite run is writing {self.folder}",
                                        hint="wait for it to finish, or leave out --no-wait") from None
                    if not announced and self.on_wait:
                        self.on_wait()
                    announced = True
                    fcntl.flock(fd, fcntl.LOCK_EX)
                if lock_file is None or _is_same_file(fd, lock_file):
                    self._fd, self._lock_file = fd, lock_file
                    return
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)  # the holder removed that file on release: lock the new one

    def _release(self) -> None:
        if self._fd is None:
            return
        if self._lock_file is not None:
            remove_quietly(self._lock_file)  # while still locked: see the class docstring
        os.close(self._fd)
        self._fd = self._lock_file = None


def board_lock(folder: str | os.PathLike, *, wait: bool = True,
               on_wait: Callable[[], None] | None = None) -> BoardLock:
    """The :class:`BoardLock` of ``folder`` (use it in a ``with``)."""
    return BoardLock(folder, wait=wait, on_wait=on_wait)


def _open_lock(real: Path) -> tuple[int, Path | None]:
    """An fd to flock: the lock file beside ``real``, or ``real`` itself where the parent
    is not writable; ``(fd, None)`` in the latter case."""
    if real.parent != real:
        lock_file = real.parent / f".{real.name}.{TAG}-lock"
        try:
            return os.open(lock_file, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666), lock_file
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
                raise SeqevalSuiteError(f"{real.parent}: cannot lock ({exc.strerror or exc})") from None
    try:
        return os.open(real, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)), None
    except OSError as exc:
        raise SeqevalSuiteError(f"{real}: cannot write there ({exc.strerror or exc})") from None


def _is_same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


# ------------------------------------------------------------------ cleanup after a kill
def _leftover(real: Path) -> re.Pattern:
    return re.compile(rf"\.{re.escape(real.name)}\.{TAG}-(new|old)-[0-9a-f]{{8}}\Z")


def recover(folder: str | os.PathLike) -> list[Path]:
    """Undo what a killed run into ``folder`` left behind (call it under the lock).

    A folder set aside by fallback 2 comes back if the board is missing (the kill fell
    between its two renames); staging folders, old folders and in-place temp files are
    removed. Names are matched exactly, so nothing of the user's is touched.

    Returns:
        The paths removed or restored.
    """
    real = _real(folder)
    if real.parent == real or not real.parent.is_dir():
        return []
    pattern = _leftover(real)
    found = sorted((p for p in real.parent.iterdir() if pattern.match(p.name)),
                   key=lambda p: p.lstat().st_mtime)
    done = []
    aside = [p for p in found if pattern.match(p.name).group(1) == "old"]
    if aside and not os.path.lexists(real):
        os.rename(aside[-1], real)
        done.append(aside.pop())
    for path in found:
        if path not in done:
            _remove_tree(path)
            done.append(path)
    if real.is_dir():
        for path in real.iterdir():
            if path.name.startswith(IN_PLACE_PREFIX) and path.is_file():
                remove_quietly(path)
                done.append(path)
    return done


# ------------------------------------------------------------------ publishing (case 15)
def publish_board(folder: str | os.PathLike, files: Mapping[str, str | bytes], *,
                  drop: Iterable[str] = ()) -> list[Path]:
    """Replace the board in ``folder`` by ``files`` (name -> text or bytes) all at once.

    Everything else in the folder is kept, except the files named in ``drop``: files of
    an earlier board set that the new set no longer has (``curves.csv`` once no system
    has checkpoints), so that no stale file is left beside the new set. Call it holding
    :class:`BoardLock`.
    See the module docstring for how, and for the fallbacks.

    Returns:
        ``folder / name`` for each file, in the order given.

    Raises:
        UsageError: a name is not a plain file name, or a folder stands where a file goes.
        OSError: a file cannot be written (disk full, ...); the old board is unchanged.
    """
    folder = Path(folder)
    real = _real(folder)
    data = {name: text.encode("utf-8") if isinstance(text, str) else bytes(text) for name, text in files.items()}
    _check_names(folder, real, data)
    dropped = {name for name in drop if name not in data and name == os.path.basename(name)}
    with _sigterm_as_interrupt():
        if _must_stay_in_place(real):
            _publish_in_place(real, data, dropped)
        else:
            try:
                _publish_by_swap(real, data, dropped)
            except _CannotSwap:
                _publish_in_place(real, data, dropped)
    return [folder / name for name in data]


def _publish_by_swap(real: Path, data: dict[str, bytes], dropped: set[str]) -> None:
    """Stage the complete new folder beside ``real`` and switch to it in one step."""
    staging = _make_staging(real)
    try:
        for name, content in data.items():
            write_exclusive(staging / name, content)
        if real.is_dir():
            _carry_over(real, staging, skip=set(data) | dropped)
        fsync_dir(staging)
        _switch(real, staging)
    finally:
        # Before the switch this is the unfinished new folder; after it, the old one.
        _remove_tree(staging)


def _make_staging(real: Path) -> Path:
    """A new hidden folder beside ``real``, with the mode ``real`` has (or would get)."""
    real.parent.mkdir(parents=True, exist_ok=True)
    while True:
        staging = real.parent / f".{real.name}.{TAG}-new-{secrets.token_hex(4)}"
        try:
            os.mkdir(staging, 0o700)
            break
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno in _NOT_HERE:
                raise _CannotSwap from exc
            raise
    os.chmod(staging, stat.S_IMODE(real.stat().st_mode) if real.is_dir() else _default_folder_mode())
    return staging


def _carry_over(source: Path, target: Path, *, skip: set[str]) -> None:
    """Hard-link every entry of ``source`` but ``skip`` into ``target`` (folders are made
    anew, recursively). Links, not copies: the old folder stays complete until the
    switch, nothing is duplicated, and a file another program holds open stays the same
    file. Symbolic links are linked themselves, not followed."""
    for entry in os.scandir(source):
        if entry.name in skip:
            continue
        destination = target / entry.name
        try:
            if entry.is_dir(follow_symlinks=False):
                os.mkdir(destination, 0o700)
                _carry_over(Path(entry.path), destination, skip=set())
                os.chmod(destination, stat.S_IMODE(entry.stat(follow_symlinks=False).st_mode))
            else:
                os.link(entry.path, destination, follow_symlinks=False)
        except OSError as exc:
            if exc.errno in _NOT_HERE:
                raise _CannotSwap from exc
            raise


def _switch(real: Path, staging: Path) -> None:
    """Make ``staging`` the folder ``real``; the old folder ends up at ``staging``'s name."""
    with _signals_held():
        if not os.path.lexists(real):
            os.rename(staging, real)
        else:
            try:
                _exchange(staging, real)
            except OSError as exc:
                if exc.errno in _NO_EXCHANGE:
                    _two_renames(real, staging)
                elif exc.errno in _NOT_HERE:
                    raise _CannotSwap from exc
                else:
                    raise
    fsync_dir(real.parent)


def _exchange(a: Path, b: Path) -> None:
    """Swap two paths atomically: ``renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE)``.

    Raises:
        OSError: with ENOSYS where libc has no renameat2 (not glibc >= 2.28 / Linux).
    """
    renameat2 = _renameat2()
    if renameat2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(b))


_LIBC: list = []


def _renameat2():
    """libc's renameat2, or None (looked up once)."""
    if not _LIBC:
        function = None
        try:
            # The symbols this process already has (libc among them); no library search.
            function = ctypes.CDLL(None, use_errno=True).renameat2
            function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
            function.restype = ctypes.c_int
        except (OSError, AttributeError, TypeError):
            function = None
        _LIBC.append(function)
    return _LIBC[0]


def _two_renames(real: Path, staging: Path) -> None:
    """Fallback 2: the old folder aside, then the new one in place; the old one ends up
    at ``staging``'s name, as after an exchange. Called with signals held."""
    aside = real.parent / f".{real.name}.{TAG}-old-{secrets.token_hex(4)}"
    try:
        os.rename(real, aside)
    except OSError as exc:
        if exc.errno in _NOT_HERE:
            raise _CannotSwap from exc
        raise
    try:
        os.rename(staging, real)
    except BaseException:
        os.rename(aside, real)
        raise
    os.rename(aside, staging)


def _publish_in_place(real: Path, data: dict[str, bytes], dropped: set[str]) -> None:
    """Fallback 3: write every file in full as a hidden temp file, then rename each."""
    real.mkdir(parents=True, exist_ok=True)
    temps: dict[str, Path] = {}
    try:
        for name, content in data.items():
            temps[name] = write_new(real, f"{IN_PLACE_PREFIX}{name}.", content)
        with _signals_held():
            for name, tmp in temps.items():
                os.replace(tmp, real / name)
            for name in dropped:
                remove_quietly(real / name)
        fsync_dir(real)
    finally:
        for tmp in temps.values():
            remove_quietly(tmp)  # only those not renamed are still there


# ------------------------------------------------------------------ helpers
def _real(folder: str | os.PathLike) -> Path:
    """The folder's absolute path with symbolic links resolved (a board reached through a
    symlink is swapped where it really is, and the symlink is kept)."""
    return Path(os.path.realpath(folder))


def _check_parents(real: Path) -> None:
    for parent in (real, *real.parents):
        if os.path.lexists(parent):
            if not parent.is_dir():
                raise UsageError(f"{parent} is a file, not a folder", hint="give an output folder that is a folder")
            return


def _check_names(folder: Path, real: Path, data: Mapping[str, bytes]) -> None:
    _check_parents(real)
    for name in data:
        if not name or name in (".", "..") or os.sep in name or (os.altsep and os.altsep in name):
            raise UsageError(f"{name!r} is not a file name", hint="outputs are files in one folder")
        if (real / name).is_dir() and not (real / name).is_symlink():
            raise UsageError(f"{folder / name} is a folder, not a file", hint="give a file name for the output")


def _must_stay_in_place(real: Path) -> bool:
    """Fallback 3 straight away: the root, a mount point, or the current folder or one
    holding it (a swap would strand this process in the deleted old folder)."""
    if real.parent == real or os.path.ismount(real):
        return True
    try:
        here = Path(os.path.realpath(os.getcwd()))
    except OSError:
        return False
    return here == real or real in here.parents


def _default_folder_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def _remove_tree(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        remove_quietly(path)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold off SIGINT and SIGTERM (they are delivered on exit), so a switch that takes
    more than one system call is not cut in half by Ctrl-C. SIGKILL cannot be held."""
    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt in this process, so ``finally`` cleanups run
    (by default SIGTERM ends Python without them). Only in the main thread and only if
    no one installed a handler; forked workers still die of it as before."""
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return
    owner = os.getpid()

    def interrupt(signum, frame):
        if os.getpid() != owner:  # a forked worker: die as it would have
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
            return
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
