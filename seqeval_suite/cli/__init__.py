"""The ``seqeval-suite`` command line: a click group whose commands load lazily.

Each command lives in its own module and is a thin layer over the Python API. Our
own errors become one line on stderr and exit code 1 (data, config) or 2 (usage);
click's usage errors exit 2. No traceback reaches the user unless ``--debug``.
"""
from __future__ import annotations

import importlib
import os
import sys

import click

from ..errors import SeqevalSuiteError

#: command name -> "module:attribute"; modules are imported only when used.
COMMANDS = {
    "evaluate": "seqeval_suite.cli.evaluate:evaluate",
    "run": "seqeval_suite.cli.run:run",
    "render": "seqeval_suite.cli.run:render",
    "agree": "seqeval_suite.cli.agree:agree",
    "compare": "seqeval_suite.cli.compare:compare",
    "errors": "seqeval_suite.cli.errors:errors",
    "convert": "seqeval_suite.cli.convert:convert",
    "validate": "seqeval_suite.cli.convert:validate",
    "curve": "seqeval_suite.cli.curve:curve",
    "threshold": "seqeval_suite.cli.threshold:threshold",
    "export": "seqeval_suite.cli.export:export",
}


def _available(target: str) -> bool:
    """Whether a command's module is installed (checked without importing it)."""
    from importlib.util import find_spec

    return find_spec(target.split(":")[0]) is not None


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name, target in COMMANDS.items() if _available(target))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None or not _available(target):
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SeqevalSuiteError as exc:
            if _debug(ctx):
                raise
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # The reader of our output went away (`| head`): stop quietly, as Unix tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(1)
        except RecursionError:
            # json and yaml parse nested lists and objects recursively: an input nested a
            # thousand levels deep is bad data, whichever reader met it.
            if _debug(ctx):
                raise
            click.echo("error: an input is nested too deeply to read (JSON or YAML lists or objects hundreds of "
                       "levels deep reach Python's recursion limit) (hint: is every input the right file? "
                       "seqeval-suite --debug COMMAND ... shows where it happened)", err=True)
            sys.exit(1)
        except Exception as exc:  # the last line of defence: never a traceback
            if _debug(ctx):
                raise
            click.echo(
                f"error: internal error ({type(exc).__name__}: {exc}); rerun as seqeval-suite --debug COMMAND ... "
                "and report it at the project's issue tracker",
                err=True,
            )
            sys.exit(1)


def _debug(ctx: click.Context) -> bool:
    root = ctx.find_root()
    return bool((root.params or {}).get("debug")) or bool(os.environ.get("SEQEVAL_SUITE_DEBUG"))


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show Python tracebacks for errors.")
@click.version_option(package_name="seqeval-suite", prog_name="seqeval-suite")
def main(debug: bool) -> None:
    """Exact, fast evaluation of NER and other sequence labelling.

    Scores agree with seqeval (--mode lenient, the default) or byte for byte with
    conlleval.pl (--mode conlleval). Exit codes: 0 ok, 1 bad data or config,
    2 usage error.
    """


def check_paths(inputs, output: str | None = None, option: str = "--output") -> None:
    """Usage errors no command may run with: stdin named twice, or an output file that
    is one of the inputs or an existing file inside an input folder (a folder of
    checkpoints, a BRAT folder): writing it would destroy the data.

    Raises:
        UsageError: (exit 2) naming ``option`` and the path.
    """
    from ..errors import UsageError

    named = [str(p) for p in inputs if p is not None]
    if named.count("-") > 1:
        raise UsageError("'-' (stdin) is given more than once; stdin can be read only once",
                         hint="read at most one input from stdin")
    if not output or output == "-" or not os.path.isfile(output):
        return
    target = os.path.realpath(output)
    for path in named:
        if path == "-" or not os.path.exists(path):
            continue
        if os.path.isdir(path):
            inside = os.path.commonpath([os.path.realpath(path), target]) == os.path.realpath(path)
            if inside:
                raise UsageError(f"{option} {output} is a file inside the input folder {path}; writing it "
                                 "would destroy that data", hint="choose an output outside the input folders")
        elif os.path.samefile(path, output):
            raise UsageError(f"{option} {output} is one of the inputs; writing it would destroy that data",
                             hint="choose another output file")


def check_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """click callback: an encoding Python does not know is a usage error (exit 2)."""
    import codecs

    if value is None:
        return value
    try:
        text = codecs.lookup(value)._is_text_encoding  # base64, rot13...: bytes to bytes, no text
    except LookupError:
        raise click.BadParameter(f"unknown encoding {value!r} (e.g. utf-8, latin-1, cp1252)") from None
    if not text:
        raise click.BadParameter(f"{value!r} is not a text encoding (e.g. utf-8, latin-1, cp1252)")
    return value


def check_delimiter(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """click callback: an empty column separator is a usage error (exit 2); leave the
    option out to split on any whitespace."""
    if value is not None and value == "":
        raise click.BadParameter("an empty separator splits nothing; leave the option out to split on any "
                                 "whitespace, or give e.g. '\t'")
    return value


def warn(message: str) -> None:
    """Print one warning line on stderr."""
    click.echo(f"warning: {message}", err=True)


#: Parameters that name what a command writes, never what it reads.
OUTPUT_PARAMS = frozenset({"output", "plot", "consensus_output", "target", "output_dir", "card", "disagreements"})


def input_paths() -> list[str]:
    """Every existing file or folder the running command was given as an argument or
    option value (gold, predictions, a folder of checkpoints, ``--labels FILE``,
    ``--type-map FILE``...), outputs left out."""
    ctx = click.get_current_context(silent=True)
    found: list[str] = []
    while ctx is not None:
        for name, value in ctx.params.items():
            if name in OUTPUT_PARAMS:
                continue
            for item in value if isinstance(value, (tuple, list)) else (value,):
                if isinstance(item, str) and item != "-" and os.path.exists(item):
                    found.append(item)
        ctx = ctx.parent
    return found


def _option_of(path: str) -> str:
    """The command-line option that named an output ``path`` (``--output`` by default)."""
    ctx = click.get_current_context(silent=True)
    for name, value in (ctx.params.items() if ctx is not None else ()):
        if name in OUTPUT_PARAMS and value == path:
            return "--" + name.replace("_", "-")
    return "--output"


def emit(text: str, output: str | None) -> None:
    """Write a command's result to stdout, or atomically to ``output``.

    Raises:
        UsageError: ``output`` is one of the command's input files (issue 16: nothing
            the user had is overwritten), whichever option named it.
    """
    if output and output != "-":
        from ..atomic import write_text

        check_paths(input_paths(), output, _option_of(output))

        try:
            write_text(output, text)
        except OSError as exc:
            raise SeqevalSuiteError(f"{output}: cannot write ({exc.strerror or exc})") from None
    else:
        click.echo(text, nl=False)
