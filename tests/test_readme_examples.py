"""Every ``$`` command in the README prints what the README shows (issue 21).

Each fenced block holding lines that start with ``$ `` is a shell session: its
commands run in order, in one bash process, from a scratch copy of the repository's
data folders (so the paths are the repo root's, and nothing an example writes lands in
the work tree). A command's stdout and stderr are merged, as a terminal shows them,
and compared with the lines up to the next ``$``. The only normalising is the scratch
folder's path; a line ``...`` in the README stands for any number of lines (the
JSON example is shortened that way). ``>>>`` Python blocks run as doctests in the
same scratch folder, and every command's ``--help`` example runs the same way.
"""
from __future__ import annotations

import doctest
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DATA_DIRS = ("corpora", "configs", "leaderboard")
_FENCE = re.compile(r"^(`{3,})(\w*)\s*$")
_MARK = "\x1eREADME-EXAMPLE-{}\x1e"


def fenced_blocks(text: str):
    """Yield ``(first_line_number, language, lines)`` for each fenced block (1-based)."""
    lines = text.splitlines()
    k = 0
    while k < len(lines):
        opened = _FENCE.match(lines[k])
        if not opened:
            k += 1
            continue
        fence, language = opened.groups()
        end = k + 1
        while end < len(lines) and lines[end].rstrip() != fence:
            end += 1
        yield k + 1, language, lines[k + 1:end]
        k = end + 1


def shell_session(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Split a console block into ``(command, expected_output_lines)`` pairs.

    A command ends at a line not ending in ``\\``; its output is every line up to the
    next ``$ `` line.
    """
    session: list[tuple[str, list[str]]] = []
    k = 0
    while k < len(lines):
        if not lines[k].startswith("$ "):
            if session:
                session[-1][1].append(lines[k])
            k += 1
            continue
        command = [lines[k][2:]]
        while command[-1].endswith("\\") and k + 1 < len(lines):
            k += 1
            command.append(lines[k])
        session.append(("\n".join(command), []))
        k += 1
    return session


def console_examples():
    text = README.read_text(encoding="utf-8")
    for line, _language, lines in fenced_blocks(text):
        session = shell_session(lines)
        if session:
            yield pytest.param(session, id=f"README.md:{line}")


def doctest_blocks():
    text = README.read_text(encoding="utf-8")
    for line, language, lines in fenced_blocks(text):
        if language == "python" and any(x.startswith(">>>") for x in lines):
            yield pytest.param(line, _with_blanklines(lines), id=f"README.md:{line}")


def _with_blanklines(lines: list[str]) -> str:
    """Doctest source in which a blank line inside an expected output is kept.

    A reader sees the output as Python prints it; doctest would end the expected
    output at the first blank line, so blank lines followed by more output (before
    the next ``>>>``) become ``<BLANKLINE>``.
    """
    out = list(lines)
    for k, line in enumerate(out):
        if line.strip():
            continue
        rest = out[k + 1:]
        following = next((x for x in rest if x.strip()), None)
        if k and following is not None and not following.startswith(">>>"):
            out[k] = "<BLANKLINE>"
    return "\n".join(out) + "\n"


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A folder that looks like the repo root for the examples: its data folders."""
    for name in DATA_DIRS:
        shutil.copytree(ROOT / name, tmp_path / name,
                        ignore=shutil.ignore_patterns(".seqeval-suite-cache"))
    return tmp_path


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("SEQEVAL_SUITE_DEBUG", None)
    env.update(COLUMNS="200", NO_COLOR="1", PYTHONIOENCODING="utf-8")
    # the examples call the installed entry point; make sure it is this interpreter's
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def run_session(session, cwd: Path) -> list[list[str]]:
    """Run the commands in one bash process; return each one's output lines."""
    script = []
    for k, (command, _expected) in enumerate(session):
        script.append(f"printf '%s\\n' '{_MARK.format(k)}'")
        # `echo $?` must see the previous command's status, not printf's
        script.append("(exit ${__rc:-0})")
        script.append(f"{{ {command}\n}} 2>&1; __rc=$?")
    done = subprocess.run(["bash", "-c", "\n".join(script)], cwd=cwd, env=_environment(),
                          capture_output=True, text=True, timeout=300)
    assert not done.stderr, done.stderr
    outputs = []
    pieces = re.split("\x1eREADME-EXAMPLE-\\d+\x1e\n", done.stdout)
    for piece in pieces[1:]:
        outputs.append(_normalise(piece, cwd).splitlines())
    return outputs


def _normalise(text: str, cwd: Path) -> str:
    text = text.replace(str(cwd) + os.sep, "").replace(str(cwd), ".")
    return "\n".join(line.rstrip() for line in text.splitlines())


def matches(expected: list[str], actual: list[str]) -> bool:
    """True when ``actual`` is ``expected``, a ``...`` line standing for any lines."""
    expected = [line.rstrip() for line in expected]
    while expected and not expected[-1]:
        expected.pop()
    actual = list(actual)
    while actual and not actual[-1]:
        actual.pop()
    pattern = "\n".join(".*?" if line.strip() == "..." else re.escape(line)
                        for line in expected)
    return re.fullmatch(pattern, "\n".join(actual), flags=re.DOTALL) is not None


@pytest.mark.parametrize("session", list(console_examples()))
def test_readme_console_example_prints_what_the_readme_shows(session, scratch):
    outputs = run_session(session, scratch)
    assert len(outputs) == len(session)
    for (command, expected), actual in zip(session, outputs):
        assert matches(expected, actual), (
            f"$ {command}\n--- README ---\n" + "\n".join(expected)
            + "\n--- actual ---\n" + "\n".join(actual))


@pytest.mark.parametrize("line, source", list(doctest_blocks()))
def test_readme_python_example_runs_as_written(line, source, scratch, monkeypatch):
    monkeypatch.chdir(scratch)
    parser = doctest.DocTestParser()
    test = parser.get_doctest(source, {}, f"README.md:{line}", str(README), line)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    output: list[str] = []
    runner.run(test, out=output.append)
    assert runner.failures == 0, "".join(output)


def test_matches_treats_an_ellipsis_line_as_any_lines_and_nothing_else():
    assert matches(["{", "  ...", "}"], ["{", "  a", "  b", "}"])
    assert matches(["a", "b"], ["a", "b", ""])
    assert not matches(["a", "b"], ["a", "c"])
    assert not matches(["a"], ["a", "b"])


def test_the_readme_has_console_examples_to_check():
    assert len(list(console_examples())) >= 10


def help_examples():
    """``(command, example)`` for every example line in every command's ``--help``."""
    from click.testing import CliRunner

    from seqeval_suite.cli import main

    runner = CliRunner()
    for name in main.list_commands(None):
        text = runner.invoke(main, [name, "--help"], terminal_width=400).output
        examples = [line.strip() for line in text.splitlines() if line.strip().startswith("seqeval-suite ")]
        yield name, examples


@pytest.mark.parametrize("name, examples", list(help_examples()))
def test_help_examples_run_from_the_repo_root(name, examples, scratch):
    assert examples, f"`seqeval-suite {name} --help` shows no example"
    for example in examples:
        done = subprocess.run(["bash", "-c", example], cwd=scratch, env=_environment(),
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"$ {example}\n{done.stderr}"
        assert (done.stdout + done.stderr).strip(), f"$ {example} printed nothing"


def bash_block_commands():
    """``seqeval-suite`` lines of the README's ``bash`` blocks (synopses with ``[...]`` aside)."""
    text = README.read_text(encoding="utf-8")
    for line, language, lines in fenced_blocks(text):
        if language != "bash":
            continue
        for k, command in enumerate(lines):
            command = re.sub(r"\s+#.*$", "", command).strip()
            if command.startswith("seqeval-suite ") and "[" not in command:
                yield pytest.param(command, id=f"README.md:{line + 1 + k}")


@pytest.mark.parametrize("command", list(bash_block_commands()))
def test_readme_bash_commands_run_from_the_repo_root(command, scratch):
    done = subprocess.run(["bash", "-c", command], cwd=scratch, env=_environment(),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"$ {command}\n{done.stderr}"


def test_readme_markdown_board_is_the_committed_demo_board():
    text = README.read_text(encoding="utf-8")
    boards = [lines for _line, language, lines in fenced_blocks(text) if language == "markdown"]
    assert boards, "the README shows the demo board"
    board = (ROOT / "leaderboard" / "demo-ner" / "leaderboard.md").read_text(encoding="utf-8")
    assert matches(boards[0], [line.rstrip() for line in board.splitlines()])


def update_readme() -> int:
    """Rewrite each README console block's outputs with what its commands print now.

    For a maintainer who changed an output on purpose: ``python
    tests/test_readme_examples.py --update``, then read ``git diff README.md``.
    Blocks whose output the README shortens with ``...`` are left for a hand edit.
    """
    import tempfile

    lines = README.read_text(encoding="utf-8").splitlines()
    changed = 0
    for start, _language, block in reversed(list(fenced_blocks("\n".join(lines)))):
        session = shell_session(block)
        if not session or any(x.strip() == "..." for _c, out in session for x in out):
            continue
        with tempfile.TemporaryDirectory() as folder:
            for name in DATA_DIRS:
                shutil.copytree(ROOT / name, Path(folder) / name,
                                ignore=shutil.ignore_patterns(".seqeval-suite-cache"))
            outputs = run_session(session, Path(folder))
        if all(matches(expected, actual) for (_c, expected), actual in zip(session, outputs)):
            continue
        new = []
        for (command, _expected), actual in zip(session, outputs):
            new += ["$ " + command.split("\n")[0], *command.split("\n")[1:], *actual]
        lines[start:start + len(block)] = new
        changed += 1
    README.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return changed


if __name__ == "__main__" and sys.argv[1:] == ["--update"]:
    print(f"{update_readme()} block(s) rewritten; check git diff README.md")
