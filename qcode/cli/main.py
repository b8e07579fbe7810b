"""The `qcode` entry point: one group, errors as one line, --debug for tracebacks."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from qcode import __version__
from qcode.errors import QcodeError


class QcodeGroup(click.Group):
    """Turns errors into one line on stderr and exit code 1 (usage errors stay 2)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # `qcode study.qcode` opens the workbench, as editors open the file they are given.
        if args and args[0] not in self.commands and not args[0].startswith("-") and (
            args[0].endswith(".qcode") or "://" in args[0] or os.path.isfile(args[0])
        ):
            args = ["tui", *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
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


def _register() -> None:
    from qcode.cli import (
        axial_cmds,
        blind_cmds,
        codebook_cmds,
        coding_cmds,
        copy_cmd,
        edit_cmds,
        export_cmds,
        history_cmds,
        import_cmd,
        list_cmds,
        maintenance_cmds,
        merge_cmd,
        project_cmds,
        pseudonym_cmds,
        report_cmds,
        search_cmds,
        sheet_cmds,
        team_cmds,
        tui_cmd,
    )

    for module in (project_cmds, import_cmd, list_cmds, coding_cmds, sheet_cmds, report_cmds,
                   export_cmds, codebook_cmds, axial_cmds, tui_cmd, copy_cmd,
                   team_cmds, merge_cmd, blind_cmds, maintenance_cmds, search_cmds,
                   edit_cmds, pseudonym_cmds, history_cmds):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    """Console entry point."""
    cli(prog_name="qcode")


if __name__ == "__main__":  # pragma: no cover
    main()
