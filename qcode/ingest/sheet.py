"""Reading coding sheets in the researcher's layout (.xlsx or .csv).

`quote | code | emphasis | subdivision | other subdivisions | notes`, one row per
coding, found by header names in any column order (case, spacing and a few synonyms
tolerated), optionally with a `source`, `case` or `interview` column. A row with an
empty quote is a further code on the quote of the row above; "other subdivisions"
holds several names separated by ";", "," or new lines. A workbook may hold one sheet
or one sheet per interview partner (the sheet's name is the case); a CSV file's name
plays the sheet's part.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qcode.errors import InputError
from qcode.ingest.csvfile import read_csv
from qcode.ingest.limits import check_file_size, refuse_locked
from qcode.ingest.xlsxfile import column_letter, read_workbook
from qcode.names import clean_name, name_key

# Each field and the header names that mean it (compared by name_key).
HEADERS: dict[str, tuple[str, ...]] = {
    "quote": ("quote", "citation", "quotation", "text", "segment"),
    "code": ("code", "codes", "open code", "label"),
    "emphasis": ("emphasis", "stress"),
    "subdivision": ("subdivision", "category", "main subdivision", "primary subdivision"),
    "other subdivisions": ("other subdivisions", "other subdivision", "sub category",
                           "subcategory", "sub categories", "further subdivisions",
                           "other categories"),
    "notes": ("notes", "note", "memo", "memos", "comment", "comments"),
    "source": ("source", "document", "file", "transcript"),
    "case": ("case", "cases", "interview partner", "participant", "interview"),
    "coder": ("coder", "coded by"),
    "start": ("start",),
    "end": ("end",),
}
_LOOKUP = {name_key(alias): field for field, aliases in HEADERS.items() for alias in aliases}
_SPLIT_OTHERS = re.compile(r"[;,\n]")
MAX_NAME = 300  # longest code or subdivision name the store holds
_HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class SheetCoding:
    code: str
    emphasis: str
    subdivision: str
    other_subdivisions: list[str]
    notes: str
    row: int
    coder: str = ""


@dataclass
class SheetQuote:
    """A quote as written in the sheet, where it stands, and every coding given to it."""

    text: str
    sheet: str
    row: int
    source: str = ""
    case: str = ""
    codings: list[SheetCoding] = field(default_factory=list)
    start: int | None = None  # offsets, when the sheet carries them (qcode's own export)
    end: int | None = None
    file: str = ""  # the sheet's file, for messages


@dataclass(frozen=True)
class Table:
    """One sheet's cells: its name and rows of strings (row 1 first)."""

    name: str
    rows: list[list[str]]


def read_sheet(path: Path) -> list[SheetQuote]:
    """Every quote of a coding sheet file; bad files raise one clear InputError."""
    return quotes_from_tables(path, read_tables(path))


def read_tables(path: Path) -> list[Table]:
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    check_file_size(path, "coding sheet")
    refuse_locked(path, "an Excel workbook (.xlsx)")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _xlsx_tables(path)
    if suffix in {".csv", ".tsv", ".txt"}:
        return [_csv_table(path)]
    raise InputError(f"{path}: a coding sheet must be .xlsx or .csv")


def _xlsx_tables(path: Path) -> list[Table]:
    return [Table(sheet.title, [[_text(c) for c in row] for row in sheet.rows])
            for sheet in read_workbook(path, "coding sheet")]


def _csv_table(path: Path) -> Table:
    return Table(path.stem, read_csv(path))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def quotes_from_tables(path: Path, tables: Sequence[Table]) -> list[SheetQuote]:
    quotes: list[SheetQuote] = []
    found_layout = False
    for table in tables:
        header_at, columns = _header(table)
        if columns is None:
            continue
        found_layout = True
        quotes += _table_quotes(path, table, header_at, columns)
    if not found_layout:
        names = ", ".join(repr(t.name) for t in tables)
        raise InputError(
            f"{path}: no sheet ({names}) has a header row with 'quote' and 'code' columns; "
            "name the columns quote | code | emphasis | subdivision | other subdivisions | notes"
        )
    return quotes


def _header(table: Table) -> tuple[int, dict[str, int] | None]:
    for at, row in enumerate(table.rows[:_HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for i, cell in enumerate(row):
            known = _LOOKUP.get(name_key(cell))
            if known and known not in columns:
                columns[known] = i
        if "quote" in columns and "code" in columns:
            return at, columns
    return 0, None


def _table_quotes(
    path: Path, table: Table, header_at: int, columns: dict[str, int]
) -> list[SheetQuote]:
    letters = {f: column_letter(i) for f, i in columns.items()}

    def cell(row: list[str], name: str) -> str:
        i = columns.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    def where(line: int, name: str) -> str:
        return f"{path}, sheet {table.name!r}, row {line}, column {letters[name]} ({name})"

    quotes: list[SheetQuote] = []
    for line, row in enumerate(table.rows[header_at + 1:], start=header_at + 2):
        if not any(c.strip() for c in row):
            continue
        quote, code = cell(row, "quote"), clean_name(cell(row, "code"))
        if not code:
            raise InputError(f"{where(line, 'code')}: the code is empty; give every row a code")
        if quote:
            quotes.append(SheetQuote(quote, table.name, line, cell(row, "source"),
                                     cell(row, "case"), start=_offset(cell(row, "start")),
                                     end=_offset(cell(row, "end")), file=str(path)))
        elif not quotes or quotes[-1].sheet != table.name:
            raise InputError(
                f"{where(line, 'quote')}: the quote is empty but there is no quote above "
                "to add this code to"
            )
        others = [clean_name(o) for o in _SPLIT_OTHERS.split(cell(row, "other subdivisions"))]
        subdivision = clean_name(cell(row, "subdivision"))
        for name, value in (("code", [code]), ("subdivision", [subdivision]),
                            ("other subdivisions", others)):
            if any(len(v) > MAX_NAME for v in value):
                raise InputError(f"{where(line, name)}: a name longer than {MAX_NAME} "
                                 "characters; is a quote in the wrong column?")
        quotes[-1].codings.append(
            SheetCoding(code, cell(row, "emphasis"), subdivision, [o for o in others if o],
                        cell(row, "notes"), line, clean_name(cell(row, "coder")))
        )
    return quotes


def _offset(value: str) -> int | None:
    """An offset cell: a whole number (Excel may store it as 120.0), else None."""
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if number.is_integer() and number >= 0 else None

