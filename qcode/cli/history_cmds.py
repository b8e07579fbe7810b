"""`qcode undo`, `qcode redo`, `qcode history`: the workbench's undo log from the shell.

The same per-coder log the workbench's `u`/`U` use (qcode.services.history), so a
scripted run (an auto-coding, a merge of codes) is taken back exactly like a key press.
"""

from __future__ import annotations

import click

from qcode.cli.common import opened, project_argument
from qcode.cli.output import chosen_format, emit, note, output_options

_CODER = click.option("--coder", help="Whose steps (default: $QCODE_CODER or your login).")


@click.command()
@project_argument
@_CODER
def undo(project: str, coder: str | None) -> None:
    """Take back your last step (a coding, an auto-coding run, a codebook change...).

    Refused, changing nothing, when someone's later work changed the same rows.

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
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="How many of the latest steps.")
@output_options
def history_(project: str, coder: str | None, limit: int, fmt: str, as_json: bool) -> None:
    """List your latest steps, newest first, and whether each is done or undone.

    \b
    Example:
      qcode history study.qcode --limit 5
    """
    from qcode.services.history import history

    with opened(project) as store:
        steps = history(store, coder, limit)
    rows = [{"id": s.id, "step": s.label, "state": s.state,
             "when": s.created_at.isoformat(timespec="seconds")} for s in steps]
    emit(rows, ["id", "step", "state", "when"], chosen_format(fmt, as_json))


COMMANDS = [undo, redo, history_]
