"""`qcode copy`: a whole project up to a PostgreSQL server and back down to a file."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from qcode.cli.output import note

# Below this many rows a copy takes well under a second: no bar.
BAR_FROM_ROWS = 5_000


@click.command()
@click.argument("source", metavar="SOURCE")
@click.argument("target", metavar="TARGET")
def copy(source: str, target: str) -> None:
    """Copy the project SOURCE, whole, to TARGET: a new .qcode file or an empty database.

    Everything is copied with its ids (sources, cases, quotes, codings, subdivisions,
    links, memos, undo history), so the copy reports exactly what the original does.
    TARGET must not hold anything yet; if the copy fails, it is left as it was.

    \b
    Examples:
      qcode copy study.qcode postgresql+psycopg://me@db.example/housing   # up
      qcode copy postgresql+psycopg://me@db.example/housing backup.qcode  # down
    """
    from qcode.services.copy import copy_project

    with _rows_bar("copying") as progress:
        summary = copy_project(source, target, progress=progress)
    note(f"copied {summary.name!r} from {summary.source} to {summary.target}: "
         f"{summary.rows} rows in {summary.tables} tables")


@contextmanager
def _rows_bar(label: str) -> Iterator[Callable[[int, int, str], None]]:
    """A progress bar on stderr (on a terminal) that starts once the row count is known."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    if not sys.stderr.isatty():
        yield lambda _done, _total, _table: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("{task.fields[table]}"))
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None, table="", visible=False)

        def update(done: int, total: int, table: str) -> None:
            bar.update(task, completed=done, total=total, table=table,
                       visible=total >= BAR_FROM_ROWS)

        yield update


COMMANDS = [copy]
