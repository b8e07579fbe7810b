"""The `qcode` entry point: one group, errors as one line, --debug for tracebacks."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from qcode import __version__
from qcode.errors import QcodeError


class OneLineUsageError(click.UsageError):
    """A usage error as one line on stderr, exit code 2: what was wrong and where to
    read how (Click's own shows the usage and a hint on three)."""

    def __init__(self, error: click.UsageError, words: list[str] | None = None) -> None:
        super().__init__(error.format_message(), error.ctx)
        self.words = words or []

    def show(self, file: Any = None) -> None:
        path = self.ctx.command_path if self.ctx is not None else "qcode"
        if self.ctx is not None and self.ctx.parent is None:
            path = _command_path(self.ctx, self.words)
        message = " ".join(self.format_message().split())
        click.echo(f"qcode: usage error: {path}: {message} (see {path} --help)", err=True)


def _command_path(root: click.Context, words: list[str]) -> str:
    """The command the words name (`qcode report mentions`), for an error that Click
    raised before the command's own context existed."""
    path, command = [root.command_path], root.command
    for word in words:
        if not isinstance(command, click.Group):
            break
        found = command.get_command(root, word)
        if found is None:
            break
        path.append(word)
        command = found
    return " ".join(path)


class QcodeGroup(click.Group):
    """Turns errors into one line on stderr: exit code 1 when the operation failed,
    2 for a usage error (a bad option value, options that conflict)."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except (OneLineUsageError, click.exceptions.NoArgsIsHelpError):
            raise
        except click.UsageError as exc:
            raise OneLineUsageError(exc, list(args)) from exc

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # `qcode study.qcode` opens the workbench, as editors open the file they are given.
        if args and args[0] not in _MODULE_OF and not args[0].startswith("-") and (
            args[0].endswith(".qcode") or "://" in args[0] or os.path.isfile(args[0])
        ):
            args = ["tui", *args]
        ctx.meta["qcode.words"] = list(args)  # to name the command in a usage error
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_MODULE_OF)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module = _MODULE_OF.get(name)
        if module is None:
            return None
        commands = importlib.import_module(f"qcode.cli.{module}").COMMANDS
        return next(command for command in commands if command.name == name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (OneLineUsageError, click.exceptions.NoArgsIsHelpError):
            raise
        except click.UsageError as exc:  # a subcommand's arguments, or raised by a command
            if exc.ctx is None:
                exc.ctx = ctx
            raise OneLineUsageError(exc, ctx.meta.get("qcode.words")) from exc
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except QcodeError as exc:
            if _debug(ctx):
                raise
            click.echo(f"qcode: error: {exc}", err=True)
            ctx.exit(1)
        except BrokenPipeError:
            # The reader (`| head`) went away: nothing is wrong with the project.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(0)
        except OSError as exc:
            # The machine refused (disk full, permission, too many open files): one plain
            # line, as for any error the user can act on.
            if _debug(ctx):
                raise
            from qcode.files import machine_error

            click.echo(f"qcode: error: {machine_error(exc)}", err=True)
            ctx.exit(1)
        except MemoryError:
            if _debug(ctx):
                raise
            click.echo("qcode: error: out of memory (a file far larger than it looks, or "
                       "too little memory free); the unfinished step was rolled back, "
                       "nothing was changed", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("qcode: interrupted; the last unfinished step was rolled back", err=True)
            ctx.exit(130)
        except Exception as exc:
            if _debug(ctx):
                raise
            click.echo(
                f"qcode: internal error: {type(exc).__name__}: {exc} "
                "(run with --debug for the traceback)",
                err=True,
            )
            ctx.exit(1)


def _debug(ctx: click.Context) -> bool:
    return bool(ctx.obj and ctx.obj.get("debug"))


@click.group(cls=QcodeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qcode")
@click.option("--debug", is_flag=True, help="Show the full traceback on errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """qcode: code interview transcripts, count mentions, export tables.

    \b
    Start with the demo study:
      qcode demo demo.qcode
      qcode codings demo.qcode --format json
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


# Where each command lives. A command's module is imported only when the command runs
# (or when `qcode --help` lists them all), so `qcode info` does not pay for pandas or
# spaCy; each module imports what its commands need inside them (tests/test_cli_speed.py).
COMMAND_MODULES = {
    "project_cmds": ["init", "info", "demo"],
    "import_cmd": ["import"],
    "list_cmds": ["sources", "cases", "codes", "subdivisions", "codings", "text"],
    "coding_cmds": ["code", "delete-code", "anchor"],
    "sheet_cmds": ["sheet"],
    "report_cmds": ["report", "figures"],
    "export_cmds": ["export"],
    "codebook_cmds": ["add-code", "rename-code", "recolour-code", "describe-code",
                      "merge-codes", "move-codings", "move-code", "add-subdivision",
                      "rename-subdivision",
                      "move-subdivision", "describe-subdivision", "recolour-subdivision",
                      "delete-subdivision"],
    "axial_cmds": ["link", "links", "unlink", "memo", "memos", "delete-memo"],
    "tui_cmd": ["tui"],
    "copy_cmd": ["copy"],
    "team_cmds": ["coders", "agreement"],
    "merge_cmd": ["merge"],
    "blind_cmds": ["blind", "finish"],
    "maintenance_cmds": ["check", "backup"],
    "search_cmds": ["search", "autocode"],
    "edit_cmds": ["edit", "replace", "versions", "restore", "review"],
    "pseudonym_cmds": ["pseudonymise"],
    "history_cmds": ["undo", "redo", "history"],
    "set_cmds": ["sets", "set-add", "set-remove"],
    "media_cmds": ["media", "play", "clip"],
    "transcribe_cmd": ["transcribe"],
    "suggest_cmd": ["suggest"],
}
_MODULE_OF = {name: module for module, names in COMMAND_MODULES.items() for name in names}


def main() -> None:
    """Console entry point."""
    cli(prog_name="qcode")


if __name__ == "__main__":  # pragma: no cover
    main()
