"""One output contract for every listing (the way sqlite-utils and csvkit do it).

Every command that prints rows takes the same options (`output_options`) and writes
through `emit`: `--format table|csv|tsv|json|jsonl|markdown|xlsx|parquet`, `--json`,
`-o FILE` (the format read from its extension when --format is not given),
`--no-headers` and `--excel` (a byte-order mark, so Excel opens accents intact) for
CSV and TSV. The same columns, under the same names, in every format. A file is
written whole or not at all (qcode.files.written).
"""

from __future__ import annotations

import functools
import io
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from qcode.cells import cell_text, excel_value, markdown_table, write_csv
from qcode.errors import InputError

FORMATS = ("table", "csv", "tsv", "json", "jsonl", "markdown", "xlsx", "parquet")
BY_EXTENSION = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".json": "json",
                ".jsonl": "jsonl", ".ndjson": "jsonl", ".md": "markdown",
                ".markdown": "markdown", ".xlsx": "xlsx", ".parquet": "parquet",
                ".txt": "table"}
FILE_ONLY = ("xlsx", "parquet")  # binary: written to -o FILE, never to the terminal
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Output:
    """Where and how a command's rows go."""

    format: str = "table"
    path: Path | None = None
    headers: bool = True
    excel: bool = False  # CSV/TSV with a byte-order mark

    @property
    def for_people(self) -> bool:
        """A table on the terminal: room for notes and totals beside the data."""
        return self.format == "table" and self.path is None


def output_options(func: F) -> F:
    """Add the output options to a command; it receives them as one `out: Output`."""

    @functools.wraps(func)
    def command(*args: Any, fmt: str | None, as_json: bool, output: Path | None,
                no_headers: bool, excel: bool, **kwargs: Any) -> Any:
        return func(*args, out=chosen_output(fmt, as_json, output, no_headers, excel),
                    **kwargs)

    options = [
        click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
                     help="Output format (default: from -o's extension, else table); "
                          "xlsx and parquet need -o."),
        click.option("--json", "as_json", is_flag=True, help="Shortcut for --format json."),
        click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
                     help="Write to FILE instead of the screen (.csv .tsv .json .jsonl .md "
                          ".xlsx .parquet)."),
        click.option("--no-headers", is_flag=True, help="CSV/TSV without the header row."),
        click.option("--excel", is_flag=True,
                     help="CSV/TSV with a byte-order mark, so Excel reads accents right."),
    ]
    for option in reversed(options):
        command = option(command)
    return command  # type: ignore[return-value]


def chosen_output(fmt: str | None, as_json: bool, output: Path | None = None,
                  no_headers: bool = False, excel: bool = False) -> Output:
    """The Output the options ask for; conflicting options are a usage error (exit 2)."""
    if as_json and fmt not in (None, "json"):
        raise click.UsageError(f"--json and --format {fmt} ask for two formats; give one")
    fmt = "json" if as_json else fmt
    if fmt is None and output is not None:
        fmt = BY_EXTENSION.get(output.suffix.lower())
        if fmt is None:
            raise click.UsageError(
                f"-o {output}: cannot tell the format from {output.suffix or 'no extension'!r};"
                f" name the file {' '.join(sorted(BY_EXTENSION))} or give --format")
    fmt = fmt or "table"
    if fmt in FILE_ONLY and output is None:
        raise click.UsageError(f"--format {fmt} writes a file: add -o FILE.{fmt}")
    if (no_headers or excel) and fmt not in ("csv", "tsv"):
        raise click.UsageError(f"--no-headers and --excel are for csv and tsv, not {fmt}")
    return Output(fmt, output, not no_headers, excel)


def emit(rows: Sequence[dict[str, Any]], columns: Sequence[str],
         out: Output | str = Output()) -> None:
    """Write `rows` (dicts keyed by column) as `out` says: on stdout, or into its file."""
    if isinstance(out, str):
        out = Output(out)
    if out.path is None:
        write_rows(rows, columns, out, sys.stdout)
        return
    from qcode.files import written, written_text

    if out.format == "xlsx":
        with written(out.path) as temporary:
            _write_xlsx(rows, columns, temporary)
    elif out.format == "parquet":
        with written(out.path) as temporary:
            _write_parquet(rows, columns, temporary)
    else:
        with written_text(out.path) as handle:
            write_rows(rows, columns, out, handle)
    note(f"wrote {out.path}")


def emit_document(document: Any, out: Output) -> None:
    """A report that is one JSON document (a summary with its rows), for --format json."""
    text = json.dumps(document, ensure_ascii=False, indent=2, default=_json_value) + "\n"
    if out.path is None:
        sys.stdout.write(text)
        return
    from qcode.files import written_text

    with written_text(out.path) as handle:
        handle.write(text)
    note(f"wrote {out.path}")


def write_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], out: Output,
               file: IO[str]) -> None:
    """The rows in a text format, into an open `file` (emit opens it; a command with
    several tables writes them one after another)."""
    fmt = out.format
    if fmt == "json":
        file.write(json.dumps([{c: row.get(c) for c in columns} for row in rows],
                              ensure_ascii=False, indent=2, default=_json_value) + "\n")
    elif fmt == "jsonl":
        for row in rows:
            file.write(json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False,
                                  default=_json_value) + "\n")
    elif fmt in ("csv", "tsv"):
        # CSV goes into spreadsheets: text that would run as a formula is neutralised.
        buffer = io.StringIO()
        write_csv(buffer, columns, [[row.get(c) for c in columns] for row in rows],
                  delimiter="," if fmt == "csv" else "\t", headers=out.headers)
        file.write(("\ufeff" if out.excel else "") + buffer.getvalue())
    elif fmt == "markdown":
        for line in markdown_table(columns, [[row.get(c) for c in columns] for row in rows]):
            file.write(line + "\n")
    else:
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        table = Table(*columns, show_lines=False)
        for row in rows:
            # Text, not markup: "They [the families] chose" must print its brackets.
            table.add_row(*[Text(cell_text(row.get(c))) for c in columns])
        # Piped into a file or another program, a table must not be cut to 80 columns.
        width = None if file is sys.stdout and sys.stdout.isatty() else 100_000
        Console(soft_wrap=False, width=width, file=file).print(table)


def _write_xlsx(rows: Sequence[dict[str, Any]], columns: Sequence[str], path: Path) -> None:
    """One sheet, header bold and frozen, text never a formula (cells.XLSX_OPTIONS)."""
    import xlsxwriter

    from qcode.cells import XLSX_OPTIONS

    with xlsxwriter.Workbook(str(path), {"constant_memory": True, **XLSX_OPTIONS}) as book:
        sheet = book.add_worksheet("qcode")
        bold = book.add_format({"bold": True})
        dated = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        for n, column in enumerate(columns):
            sheet.write_string(0, n, str(column), bold)
        for r, row in enumerate(rows, 1):
            for n, column in enumerate(columns):
                value = excel_value(row.get(column))
                if isinstance(value, datetime | date):
                    sheet.write_datetime(r, n, value, dated)
                elif value is not None:
                    sheet.write(r, n, value)
        sheet.freeze_panes(1, 0)
        if columns:
            sheet.autofilter(0, 0, len(rows), len(columns) - 1)


def _write_parquet(rows: Sequence[dict[str, Any]], columns: Sequence[str], path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame([[excel_value(row.get(c)) for c in columns] for row in rows],
                         columns=list(columns))
    try:
        frame.to_parquet(path, index=False)
    except ImportError as exc:
        raise InputError("writing .parquet needs pyarrow: pip install pyarrow (or write "
                         ".csv, .json or .xlsx)") from exc


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def note(message: str) -> None:
    """A message for the person at the terminal (stderr, so stdout stays parseable)."""
    click.echo(message, err=True)


@contextmanager
def progress_bar(total: int, label: str) -> Iterator[Callable[..., None]]:
    """A progress bar on stderr when it is a terminal; yields update(done, what), or
    update(done, what, total) when the total is learnt on the way."""
    if total < 2 or not sys.stderr.isatty():
        yield lambda _done, _what, _total=None: None
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
        yield lambda done, what, whole=None: bar.update(task, completed=done, what=what,
                                                       total=whole or bar.tasks[0].total)


@contextmanager
def working(label: str) -> Iterator[None]:
    """A spinner with `label` on stderr while the block runs, when it is a terminal:
    work that takes more than a second shows that it is going on."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(label):
        yield
