"""The project's own error types and the exit codes they map to (SPEC §5).

Every problem a user can cause is raised as one of these; the CLI turns them into
one line on stderr and an exit code, never a traceback.
"""
from __future__ import annotations


class SeqevalSuiteError(Exception):
    """Base class of every error this package raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} (hint: {self.hint})"
        return self.message


class DataError(SeqevalSuiteError):
    """Bad input data: the message names the file, the line and what is wrong."""

    exit_code = 1


class ConfigError(SeqevalSuiteError):
    """A bad benchmark configuration (all problems are collected in one message)."""

    exit_code = 1


class UsageError(SeqevalSuiteError):
    """An impossible combination of options, such as strict mode with `--scheme auto`."""

    exit_code = 2


def where(path: str, line: int | None = None) -> str:
    """Format a location as ``file:line`` for error messages.

    >>> where("gold.conll", 12)
    'gold.conll:12'
    """
    return f"{path}:{line}" if line is not None else str(path)
