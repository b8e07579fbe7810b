"""One way to print results: --format table|csv|json|markdown on every listing."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import IO, Any, TypeVar

import click

from qcode.cells import cell_text, csv_text, csv_writer, markdown_table

FORMATS = ("table", "csv", "json", "markdown")
F = TypeVar("F", bound=Callable[..., Any])


def output_options(func: F) -> F:
    """Add --format and its --json shortcut to a command."""
    func = click.option(
        "--json", "as_json", is_flag=True, help="Shortcut for --format json."
    )(func)
    func = click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
        help="Output format; json and csv are for scripts.",
    )(func)
    return func


def chosen_format(fmt: str, as_json: bool) -> str:
    return "json" if as_json else fmt


def emit(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str,
         file: IO[str] | None = None) -> None:
    """Print `rows` (dicts keyed by column) in `fmt` on stdout, or into `file`."""
    if fmt == "json":
        click.echo(json.dumps([dict(r) for r in rows], ensure_ascii=False, indent=2,
                              default=_json_value), file=file)
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv_writer(buffer)
        # CSV goes into spreadsheets: text that would run as a formula is neutralised,
        # in the header too (attribute names are columns).
        writer.writerow([csv_text(str(c)) for c in columns])
        writer.writerows([[csv_text(row.get(c)) for c in columns] for row in rows])
        click.echo(buffer.getvalue(), nl=False, file=file)
    elif fmt == "markdown":
        for line in markdown_table(columns, [[row.get(c) for c in columns] for row in rows]):
            click.echo(line, file=file)
    else:
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        table = Table(*columns, show_lines=False)
        for row in rows:
            # Text, not markup: "They [the families] chose" must print its brackets.
            table.add_row(*[Text(cell_text(row.get(c))) for c in columns])
        # Piped into a file or another program, a table must not be cut to 80 columns.
        width = None if file is None and sys.stdout.isatty() else 100_000
        Console(soft_wrap=False, width=width, file=file).print(table)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def note(message: str) -> None:
    """A message for the person at the terminal (stderr, so stdout stays parseable)."""
    click.echo(message, err=True)


@contextmanager
def progress_bar(total: int, label: str) -> Iterator[Callable[[int, str], None]]:
    """A progress bar on stderr when it is a terminal; yields update(done, what)."""
    if total < 2 or not sys.stderr.isatty():
        yield lambda _done, _what: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("{task.fields[what]}"))
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total, what="")
        yield lambda done, what: bar.update(task, completed=done, what=what)
