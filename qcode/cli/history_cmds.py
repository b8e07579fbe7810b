"""`qcode undo`, `qcode redo`, `qcode history`: the workbench's undo log from the shell.

The same per-coder log the workbench's `u`/`U` use (qcode.services.history), so a
scripted run (an auto-coding, a merge of codes) is taken back exactly like a key press.
"""

from __future__ import annotations

import click

from qcode.cli.common import opened, project_argument
from qcode.cli.output import Output, emit, note, output_options
from qcode.columns import HISTORY_COLUMNS

_CODER = click.option("--coder", help="Whose steps (default: $QCODE_CODER or your login).")


@click.command()
@project_argument
@_CODER
def undo(project: str, coder: str | None) -> None:
    """Take back your last step (a coding, an import, a merge, a codebook change...).

    Steps from the workbench, from commands and from Python are all in one history.
    Refused, changing nothing, when someone's later work changed the same rows or
    depends on them.

    \b
    Example:
      qcode undo study.qcode
    """
    from qcode.services.history import undo as undo_step

    with opened(project) as store:
        step = undo_step(store, coder)
    note("nothing to undo" if step is None else f"undid {step.label!r} ({step.coder})")


@click.command()
@project_argument
@_CODER
def redo(project: str, coder: str | None) -> None:
    """Do again the step you last undid.

    \b
    Example:
      qcode redo study.qcode
    """
    from qcode.services.history import redo as redo_step

    with opened(project) as store:
        step = redo_step(store, coder)
    note("nothing to redo" if step is None else f"redid {step.label!r} ({step.coder})")


@click.command("history")
@project_argument
@_CODER
@click.option("--everyone", is_flag=True, help="Every coder's steps, not only yours.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="How many of the latest steps.")
@output_options
def history_(project: str, coder: str | None, everyone: bool, limit: int, out: Output) -> None:
    """List the latest steps, newest first: what, who, when, done or undone.

    Every change is a step, whether made in the workbench, by a command or from
    Python. A step that cannot be undone row by row (a repair, a schema upgrade)
    says so and names the copy made before it.

    \b
    Example:
      qcode history study.qcode --limit 5
      qcode history study.qcode --everyone --json
    """
    from qcode.services.history import history

    with opened(project) as store:
        steps = history(store, coder, limit, everyone=everyone)
    rows = [{"id": s.id, "step": s.label, "coder": s.coder,
             "state": s.state if s.undoable else "cannot be undone",
             "when": s.created_at.isoformat(timespec="seconds"), "backup": s.backup or ""}
            for s in steps]
    emit(rows, HISTORY_COLUMNS, out)


COMMANDS = [undo, redo, history_]
