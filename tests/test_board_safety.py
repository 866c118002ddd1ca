"""Issue 16, cases 13, 15 and 16: no silent wrong number, nothing lost.

13. An altered cache entry is rescored, not trusted (checksums in entries).
15. A failed or interrupted run leaves the previous board exactly as it was (the new
    folder is staged and swapped in at once; kills are simulated in subprocesses).
16. Two runs into one folder take turns (a lock); the second one says it waits.
"""
from __future__ import annotations

import errno
import json
import os
import select
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from seqeval_suite import publish
from seqeval_suite.cache import UnitCache, result_checksum
from seqeval_suite.publish import BoardBusy, BoardLock, publish_board, recover
from seqeval_suite.render.leaderboard import render_all

REPO = Path(__file__).resolve().parent.parent
BOARD = REPO / "leaderboard" / "demo-ner"
FILES = ["index.html", "leaderboard.csv", "leaderboard.md", "leaderboard.tex", "results.json"]


# ------------------------------------------------------------------ helpers
def tree(folder: Path) -> dict[str, tuple]:
    """Every entry under ``folder`` (hidden ones too): relative path -> (kind, mode, content)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        rel = str(path.relative_to(folder))
        if stat.S_ISLNK(info.st_mode):
            out[rel] = ("link", os.readlink(path))
        elif stat.S_ISDIR(info.st_mode):
            out[rel] = ("dir", stat.S_IMODE(info.st_mode))
        else:
            out[rel] = ("file", stat.S_IMODE(info.st_mode), path.read_bytes())
    return out


def leftovers(folder: Path) -> list[str]:
    """Hidden entries beside ``folder`` and our temp files inside it."""
    beside = [p.name for p in folder.parent.iterdir() if p.name.startswith(".")]
    inside = [p.name for p in folder.iterdir() if p.name.startswith(publish.IN_PLACE_PREFIX)] \
        if folder.is_dir() else []
    return beside + inside


def retitled(results: dict, title: str) -> dict:
    return {**results, "title": title}


@pytest.fixture(scope="module")
def demo_results() -> dict:
    return json.loads((BOARD / "results.json").read_text(encoding="utf-8"))


@pytest.fixture
def board(tmp_path) -> Path:
    """A copy of the committed demo board with a cache, a user file, a user folder and a
    symlink - everything a new board must keep."""
    folder = tmp_path / "boards" / "demo-ner"
    # The committed board without a cache a run in the checkout may have left (CI runs the demo first).
    shutil.copytree(BOARD, folder, ignore=shutil.ignore_patterns(".seqeval-suite-cache"))
    cache = folder / ".seqeval-suite-cache"
    cache.mkdir()
    (cache / "abc.json").write_text('{"key": "abc"}')
    (folder / "NOTES.txt").write_text("kept by the user\n")
    (folder / "extra").mkdir()
    (folder / "extra" / "plot.svg").write_text("<svg/>")
    (folder / "latest").symlink_to("leaderboard.md")
    return folder


def _cli(*args: str, script: str = "", **kwargs) -> subprocess.CompletedProcess | subprocess.Popen:
    """Run ``seqeval-suite ARGS`` in a new Python process, after ``script`` (patches)."""
    code = f"import os, signal, sys\nimport seqeval_suite.publish as p\n{script}\n" \
           "from seqeval_suite.cli import main\nmain(sys.argv[1:], prog_name='seqeval-suite')\n"
    env = {k: v for k, v in os.environ.items() if k != "SEQEVAL_SUITE_DEBUG"}
    command = [sys.executable, "-c", code, *map(str, args)]
    if kwargs.pop("background", False):
        return subprocess.Popen(command, env=env, text=True, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, stdin=subprocess.PIPE, **kwargs)
    return subprocess.run(command, env=env, text=True, capture_output=True, timeout=60, check=False, **kwargs)


# ------------------------------------------------------------------ case 13: the cache
def test_cache_round_trip_is_identical_key_order_included():
    result = {"z": 1, "a": [1.5, 0.1 + 0.2], "m": {"y": None, "b": "é"}}
    cache = UnitCache(None)
    assert cache.get("k") is None
    import tempfile

    cache = UnitCache(tempfile.mkdtemp())
    cache.put("k", result)
    back = cache.get("k")
    assert json.dumps(back) == json.dumps(result) and cache.hits == 1 and cache.rejected == []


def _entry(key: str, result: dict) -> dict:
    return {"key": key, "sha256": result_checksum(result), "result": result}


GOOD = {"per_type": {"LOC": [99, 16, 26]}, "tokens": 2860}


@pytest.mark.parametrize("content, reason", [
    (json.dumps({**_entry("k", GOOD), "result": {"per_type": {"LOC": [99, 6, 26]}, "tokens": 2860}}),
     "checksum mismatch"),
    (json.dumps({**_entry("k", GOOD), "result": {"tokens": 2860, "per_type": {"LOC": [99, 16, 26]}}}),
     "checksum mismatch"),  # reordered: would not read back identical
    (json.dumps({"key": "k", "result": GOOD}), "no checksum"),
    (json.dumps({**_entry("k", GOOD), "sha256": 12}), "no checksum"),
    (json.dumps(_entry("other", GOOD)), "key does not match"),
    (json.dumps({**_entry("k", GOOD), "result": [1, 2]}), "result is not an object"),
    (json.dumps([1, 2]), "not a cache entry"),
    ('{"key": "k", "sha', "not valid JSON"),
    ("", "not valid JSON"),
    (b"\xff\xfe\x00", "not UTF-8"),
])
def test_cache_entry_not_to_trust_is_a_recorded_miss(tmp_path, content, reason):
    path = tmp_path / "k.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    cache = UnitCache(tmp_path)
    assert cache.get("k") is None
    assert cache.hits == 0 and len(cache.rejected) == 1
    assert cache.rejected[0].startswith("k.json: ") and reason in cache.rejected[0]
    assert cache.rejection_warnings() == [f"cache entry {cache.rejected[0]}: not trusted, scored again"]


def test_cache_absent_entry_is_a_silent_miss(tmp_path):
    cache = UnitCache(tmp_path)
    assert cache.get("nothing") is None and cache.rejected == []


def test_cache_altered_counts_are_rescored_not_trusted(tmp_path):
    """Issue 16 case 13: a cached count changed by hand reached the board (F1 88.89
    instead of 86.49). Now every altered entry is rescored and the board is the committed one."""
    for name in ("corpora", "configs"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns(".seqeval-suite-cache"))
    out = tmp_path / "board"
    first = _cli("run", tmp_path / "configs" / "demo.yaml", "-o", out, "-q")
    assert first.returncode == 0, first.stderr
    entries = sorted((out / ".seqeval-suite-cache").iterdir())
    for path in entries:
        entry = json.loads(path.read_text())
        for counts in entry["result"]["per_type"].values():
            counts[1] = 0  # no false positives: a better score than the data gives
        path.write_text(json.dumps(entry))
    again = _cli("run", tmp_path / "configs" / "demo.yaml", "-o", out, "-q")
    assert again.returncode == 0, again.stderr
    for name in FILES:
        assert (out / name).read_bytes() == (BOARD / name).read_bytes(), name
    rewritten = UnitCache(out / ".seqeval-suite-cache")
    assert all(rewritten.get(p.stem) is not None for p in entries) and rewritten.rejected == []


# ------------------------------------------------------------------ case 15: all at once
def test_publish_replaces_the_board_and_keeps_everything_else(board, demo_results):
    before = tree(board)
    mode = stat.S_IMODE(board.stat().st_mode)
    new = render_all(retitled(demo_results, "New title"))
    written = publish_board(board, new)
    assert written == [board / name for name in new]
    after = tree(board)
    for name, text in new.items():
        assert after[name] == ("file", 0o666 & ~_umask(), text.encode())
    kept = {k: v for k, v in before.items() if k not in new}
    assert {k: v for k, v in after.items() if k not in new} == kept
    assert stat.S_IMODE(board.stat().st_mode) == mode
    assert leftovers(board) == []


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


@pytest.mark.parametrize("mode", ["swap", "two renames", "in place"])
def test_publish_failed_late_write_leaves_old_board_exactly(board, demo_results, monkeypatch, mode):
    """Issue 16 case 15: a late output failing (disk full) left md/csv/tex new and
    results.json/index.html old. Now nothing changes, and no temp file is left."""
    before = tree(board)
    new = render_all(retitled(demo_results, "New title"))
    last = list(new)[-1]
    if mode == "two renames":
        monkeypatch.setattr(publish, "_exchange", _no_exchange)
    if mode == "in place":
        monkeypatch.setattr(publish, "_must_stay_in_place", lambda real: True)
    for name in ("write_exclusive", "write_new"):
        monkeypatch.setattr(publish, name, _full_disk_on(last, getattr(publish, name)))
    with pytest.raises(OSError) as caught:
        publish_board(board, new)
    assert caught.value.errno == errno.ENOSPC
    assert tree(board) == before
    assert leftovers(board) == []


def _full_disk_on(name: str, original):
    def write(*args, **kwargs):
        if name in str(args[0]) or name in str(args[1]):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return original(*args, **kwargs)
    return write


def _no_exchange(a, b):
    raise OSError(errno.EINVAL, "exchange not supported here")


@pytest.mark.parametrize("mode", ["two renames", "in place"])
def test_publish_fallbacks_give_the_same_board(board, demo_results, monkeypatch, mode):
    if mode == "two renames":
        monkeypatch.setattr(publish, "_exchange", _no_exchange)
    else:
        monkeypatch.setattr(publish, "_must_stay_in_place", lambda real: True)
    before = tree(board)
    new = render_all(retitled(demo_results, "New title"))
    publish_board(board, new)
    after = tree(board)
    assert {k: after[k][2] for k in new} == {k: v.encode() for k, v in new.items()}
    assert {k: v for k, v in after.items() if k not in new} == {k: v for k, v in before.items() if k not in new}
    assert leftovers(board) == []


def test_publish_into_a_new_folder_and_through_a_symlink(tmp_path, demo_results):
    files = render_all(demo_results)
    publish_board(tmp_path / "a" / "b", files)
    assert sorted(p.name for p in (tmp_path / "a" / "b").iterdir()) == FILES
    (tmp_path / "link").symlink_to(tmp_path / "a" / "b")
    publish_board(tmp_path / "link", render_all(retitled(demo_results, "Via link")))
    assert (tmp_path / "link").is_symlink()
    assert "Via link" in (tmp_path / "a" / "b" / "leaderboard.md").read_text()
    assert leftovers(tmp_path / "a" / "b") == [] and leftovers(tmp_path / "link") == []


def test_render_into_the_current_folder_stays_in_it(board, demo_results, monkeypatch, cli):
    """``--output-dir .``: the folder is not swapped away under the current folder."""
    source = board.parent / "new.json"
    source.write_text(render_all(retitled(demo_results, "Here"))["results.json"])
    monkeypatch.chdir(board)
    inode = os.stat(".").st_ino
    result = cli("render", source, "-o", ".", "-q")
    assert result.exit_code == 0, result.stderr
    assert os.stat(".").st_ino == inode and os.getcwd() == str(board)
    assert "Here" in Path("leaderboard.md").read_text() and Path("NOTES.txt").is_file()
    assert leftovers(board) == []


def test_run_cli_disk_full_is_one_line_and_changes_nothing(board, monkeypatch, cli):
    before = tree(board)
    original = publish.write_exclusive
    monkeypatch.setattr(publish, "write_exclusive", _full_disk_on("index.html", original))
    result = cli("render", REPO / "leaderboard" / "demo-ner" / "results.json", "-o", board)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "cannot write the board (No space left on device)" in result.stderr
    assert "previous board is left as it was" in result.stderr
    assert tree(board) == before and leftovers(board) == []


def test_publish_refuses_a_folder_where_a_file_goes(board, demo_results):
    from seqeval_suite.errors import UsageError

    (board / "leaderboard.md").unlink()
    (board / "leaderboard.md").mkdir()
    before = tree(board)
    with pytest.raises(UsageError, match="is a folder, not a file"):
        publish_board(board, render_all(demo_results))
    assert tree(board) == before


# Patches run in a subprocess before `seqeval-suite render`: where the run dies.
KILL_BEFORE_SWITCH = "p._switch = lambda real, staging: os.kill(os.getpid(), signal.SIGKILL)"
KILL_AFTER_EXCHANGE = """
exchange = p._exchange
def patched(a, b):
    exchange(a, b)
    os.kill(os.getpid(), signal.SIGKILL)
p._exchange = patched
"""
KILL_BETWEEN_TWO_RENAMES = """
def no_exchange(a, b):
    raise OSError(22, "no exchange")
p._exchange = no_exchange
rename, calls = os.rename, []
def patched(a, b):
    calls.append(a)
    if len(calls) == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    rename(a, b)
os.rename = patched
"""
KILL_IN_PLACE_BEFORE_RENAMES = """
p._must_stay_in_place = lambda real: True
held = p._signals_held
def patched():
    os.kill(os.getpid(), signal.SIGKILL)
    return held()
p._signals_held = patched
"""
INTERRUPT_DURING_EXCHANGE = """
exchange = p._exchange
def patched(a, b):
    os.kill(os.getpid(), signal.{signal})  # held off until the switch is done
    exchange(a, b)
p._exchange = patched
"""
INTERRUPT_BEFORE_SWITCH = """
write = p.write_exclusive
def patched(path, data):
    if str(path).endswith("index.html"):
        os.kill(os.getpid(), signal.{signal})
    write(path, data)
p.write_exclusive = patched
"""


@pytest.mark.parametrize("patch, expect", [
    (KILL_BEFORE_SWITCH, "old"),
    (KILL_AFTER_EXCHANGE, "new"),
    (KILL_BETWEEN_TWO_RENAMES, "old after recovery"),
    (KILL_IN_PLACE_BEFORE_RENAMES, "old"),
])
def test_sigkill_at_the_switch_leaves_old_or_new_board(board, demo_results, tmp_path, patch, expect):
    """A SIGKILL around the switch: the folder holds the complete old or new set; what
    the kill left behind is hidden and cleaned up by the next run into the folder."""
    old = tree(board)
    source = tmp_path / "new.json"
    source.write_text(render_all(retitled(demo_results, "After the kill"))["results.json"])
    new = {**old, **{k: ("file", 0o666 & ~_umask(), v.encode())
                     for k, v in render_all(json.loads(source.read_text())).items()}}
    result = _cli("render", source, "-o", board, "-q", script=patch)
    assert result.returncode == -signal.SIGKILL
    if expect == "old after recovery":
        assert not board.exists()  # the one window of fallback 2, repaired under the lock
        with BoardLock(board):
            pass
        expect = "old"
    visible = {k: v for k, v in tree(board).items() if not k.startswith(publish.IN_PLACE_PREFIX)}
    assert visible == (old if expect == "old" else new)  # the in-place fallback's temps are hidden
    with BoardLock(board):  # the next run cleans up first
        pass
    assert tree(board) == (old if expect == "old" else new)
    assert leftovers(board) == []


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("patch, expect", [
    (INTERRUPT_BEFORE_SWITCH, "old"),
    (INTERRUPT_DURING_EXCHANGE, "new"),
])
def test_interrupt_leaves_old_or_new_board_and_nothing_else(board, demo_results, tmp_path, patch, expect, signame):
    old = tree(board)
    source = tmp_path / "new.json"
    source.write_text(render_all(retitled(demo_results, "After Ctrl-C"))["results.json"])
    result = _cli("render", source, "-o", board, "-q", script=patch.format(signal=signame))
    assert result.returncode == 130 and result.stderr == "interrupted\n"
    after = tree(board)
    if expect == "old":
        assert after == old
    else:
        assert "After Ctrl-C" in after["leaderboard.md"][2].decode() and after["NOTES.txt"] == old["NOTES.txt"]
    assert leftovers(board) == []  # no staging folder, no old folder, no lock file


def test_recover_touches_only_our_own_names(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    mine = [tmp_path / ".b.seqeval-suite-new-0123abcd", tmp_path / ".b.seqeval-suite-old-0123abcd"]
    for path in mine:
        path.mkdir()
    theirs = [tmp_path / ".b.seqeval-suite-new-x", tmp_path / ".bb.seqeval-suite-new-0123abcd", tmp_path / ".b.other"]
    for path in theirs:
        path.mkdir()
    (folder / ".seqeval-suite-new.leaderboard.md.0123abcd").write_text("stale")
    (folder / ".keep").write_text("mine")
    assert len(recover(folder)) == 3
    assert all(p.exists() for p in theirs) and not any(p.exists() for p in mine)
    assert [p.name for p in folder.iterdir()] == [".keep"]


def test_run_demo_in_a_clean_checkout_leaves_git_status_clean(tmp_path):
    """The committed demo board is reproduced byte for byte; only the ignored cache is new."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs git and a git checkout")
    clone = tmp_path / "repo"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True, timeout=60)
    result = subprocess.run([sys.executable, "-m", "seqeval_suite", "run", "configs/demo.yaml", "-q"],
                            cwd=clone, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    status = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=clone,
                            capture_output=True, text=True, check=True).stdout
    ignored = [line for line in status.splitlines() if not line.startswith("!!")]
    assert ignored == [], status
    assert (clone / "leaderboard" / "demo-ner" / ".seqeval-suite-cache").is_dir()


# ------------------------------------------------------------------ case 16: one run at a time
HOLD_LOCK = ("import sys; from seqeval_suite.publish import BoardLock\n"
             "with BoardLock(sys.argv[1]):\n    print('locked', flush=True); sys.stdin.readline()\n")


def _hold(folder: Path) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(folder)], text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert holder.stdout.readline() == "locked\n"
    return holder


def _read_line(stream, seconds: float) -> str:
    ready, _, _ = select.select([stream], [], [], seconds)
    return stream.readline() if ready else ""


def test_lock_second_run_waits_and_says_so_once(board):
    holder = _hold(board)
    try:
        second = _cli("render", BOARD / "results.json", "-o", board, "-q", background=True)
        line = _read_line(second.stderr, 30)
        assert line == f"waiting for another seqeval-suite run writing {board}...\n"
        time.sleep(0.3)
        assert second.poll() is None  # still waiting
    finally:
        holder.communicate("\n", timeout=30)
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    assert out == "" and err == ""  # the message came once
    assert leftovers(board) == []


def test_lock_no_wait_fails_with_one_clear_line(board, tmp_path):
    before = tree(board)
    holder = _hold(board)
    try:
        result = _cli("render", BOARD / "results.json", "-o", board, "--no-wait")
    finally:
        holder.communicate("\n", timeout=30)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (f"error: another seqeval-suite run is writing {board} "
                             "(hint: wait for it to finish, or leave out --no-wait)\n")
    assert tree(board) == before


TRY_LOCK = """
import sys
from seqeval_suite.publish import BoardLock, BoardBusy
try:
    BoardLock(sys.argv[1], wait=False).__enter__()
except BoardBusy as exc:
    print(exc.exit_code)
"""


def test_lock_api_no_wait_raises(tmp_path):
    with BoardLock(tmp_path / "b"):
        holder = subprocess.run([sys.executable, "-c", TRY_LOCK, str(tmp_path / "b")],
                                capture_output=True, text=True, timeout=30, check=False)
    assert holder.stdout == f"{BoardBusy.exit_code}\n" == "1\n"
    assert [p.name for p in tmp_path.iterdir()] == []  # the lock file went with the lock


COUNT_IN_LOCK = """
import os, sys, time
from seqeval_suite.publish import BoardLock
folder, log, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
for _ in range(rounds):
    with BoardLock(folder):
        with open(log, "a") as fh:
            fh.write(f"in {os.getpid()}\\n")
        time.sleep(0.002)
        with open(log, "a") as fh:
            fh.write(f"out {os.getpid()}\\n")
"""


def test_lock_is_exclusive_across_processes_and_lock_file_swaps(tmp_path):
    """Four processes take the lock 40 times each; no two are ever inside at once, even
    though each release removes the lock file the others are waiting on."""
    folder, log = tmp_path / "board", tmp_path / "log"
    workers = [subprocess.Popen([sys.executable, "-c", COUNT_IN_LOCK, str(folder), str(log), "40"])
               for _ in range(4)]
    assert all(w.wait(timeout=120) == 0 for w in workers)
    lines = log.read_text().splitlines()
    assert len(lines) == 4 * 40 * 2
    for enter, leave in zip(lines[::2], lines[1::2]):
        assert enter.startswith("in ") and leave == "out " + enter[3:]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_two_concurrent_runs_each_leave_a_consistent_board(board, demo_results, tmp_path):
    """Issue 16 case 16: 6 of 60 trials gave md from one run and tex from the other. Two
    renders of different results race into one folder; every final set is one run's."""
    sources = []
    for title in ("Board A", "Board B"):
        source = tmp_path / f"{title[-1]}.json"
        source.write_text(render_all(retitled(demo_results, title))["results.json"])
        sources.append(source)
    winners = set()
    for _ in range(12):
        racers = [_cli("render", s, "-o", board, "-q", background=True) for s in sources]
        for racer in racers:
            _, err = racer.communicate(timeout=60)
            assert racer.returncode == 0, err
        final = json.loads((board / "results.json").read_text())
        expected = render_all(final)
        assert {n: (board / n).read_text() for n in expected} == expected
        assert (board / "NOTES.txt").read_text() == "kept by the user\n"
        winners.add(final["title"])
    assert winners <= {"Board A", "Board B"}
    assert leftovers(board) == []
