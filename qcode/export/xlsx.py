"""`qcode export xlsx`: the coded sheet in the researcher's layout, for supervisors.

Sheets: "Coding" (every coding, in the layout `quote | code | emphasis | subdivision
| other subdivisions | notes` plus source, case, start, end, coder), one sheet per
case, "Codebook", "Cases", and mention counts with native Excel bar charts. Rows
that continue a quote leave the quote cell empty, as the researcher does, so
`qcode sheet import` reads the file back to the same codings.

Written with xlsxwriter in constant-memory mode: rows go to disk as they are written.
Every text cell is written as a string, so a cell starting with = + - @ shows as text
and Excel never runs it as a formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from qcode import files
from qcode.cells import XLSX_OPTIONS, join_lists
from qcode.export.files import tables as project_tables
from qcode.names import natural_key
from qcode.services.coding import list_codings
from qcode.services.project import Project

LAYOUT = ["quote", "code", "emphasis", "subdivision", "other subdivisions", "notes",
          "source", "case", "start", "end", "coder"]
_WIDTHS = [60, 24, 20, 26, 30, 30, 22, 8, 8, 8, 12]
_MAX_SHEET_NAME = 31
# Excel holds at most this many characters in a cell; longer text (a whole transcript
# coded as one quote) is cut, and the cell says so, so nobody quotes it as complete.
EXCEL_CELL_LIMIT = 32_767
_FORBIDDEN = set("[]:*?/\\")


class _CodingCells(NamedTuple):
    """One coding's cells in `LAYOUT` order, made once for "Coding" and its case sheets."""

    quote_key: tuple[object, ...]  # same key as the row above: a further code on that quote
    quote: str
    code: str
    emphasis: str | None
    subdivision: str | None
    other_subdivisions: str
    notes: str | None
    source: str | None
    case: str
    start: int | None
    end: int | None
    coder: str


def export_xlsx(project: Project, path: Path) -> dict[str, int]:
    """Write the workbook; returns how many rows each sheet got."""
    codings: list[_CodingCells] = []
    by_case: dict[str, list[_CodingCells]] = {}
    for row in list_codings(project):
        cells = _CodingCells(
            (row.source, row.start, row.end, row.text if row.start is None else ""),
            fit_cell(row.text), row.code, row.emphasis, row.subdivision,
            "; ".join(row.other_subdivisions), row.notes and fit_cell(row.notes), row.source,
            "; ".join(row.cases),
            row.start, row.end, row.coder,
        )
        codings.append(cells)
        for key in row.cases or ["(no case)"]:
            by_case.setdefault(key, []).append(cells)
    tables = project_tables(project, with_codings=False)
    with files.written(path) as temporary:
        return _write_book(temporary, codings, by_case, tables)


# Sheets every workbook has; a case's sheet never takes one of these names.
_FIXED_SHEETS = ("Coding", "Codebook", "Cases", "Mentions by group", "Mentions by subdivision")


def _write_book(path: Path, codings: list[_CodingCells],
                by_case: dict[str, list[_CodingCells]], tables: dict[str, Any]
                ) -> dict[str, int]:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, **XLSX_OPTIONS})
    formats = {
        "header": book.add_format({"bold": True, "bg_color": "#DDE3EE", "border": 1}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "top": book.add_format({"valign": "top"}),
    }
    written: dict[str, int] = {}
    try:
        written["Coding"] = _coding_sheet(book, "Coding", codings, formats)
        for key in sorted(by_case, key=natural_key):
            name = _sheet_name(key, set(written) | set(_FIXED_SHEETS))
            written[name] = _coding_sheet(book, name, by_case[key], formats)
        written["Codebook"] = _table_sheet(book, "Codebook", tables["codebook"], formats)
        written["Cases"] = _table_sheet(book, "Cases", tables["cases"], formats)
        for title, name in (("Mentions by group", "mentions_by_group"),
                            ("Mentions by subdivision", "mentions_by_subdivision")):
            written[title] = _count_sheet(book, title, tables[name], formats)
    finally:
        book.close()
    return written


def _sheet_name(name: str, taken: set[str]) -> str:
    clean = "".join("_" if c in _FORBIDDEN else c for c in name).strip("'")[:_MAX_SHEET_NAME]
    candidate, n = clean or "case", 1
    while candidate.lower() in {t.lower() for t in taken}:
        n += 1
        candidate = f"{clean[:_MAX_SHEET_NAME - 4]} ({n})"
    return candidate


def _start(book: Any, name: str, header: Sequence[str], widths: Sequence[int],
           formats: dict[str, Any]) -> Worksheet:
    sheet = book.add_worksheet(name)
    for column, (title, width) in enumerate(zip(header, widths, strict=True)):
        sheet.set_column(column, column, width)
        sheet.write_string(0, column, title, formats["header"])
    sheet.freeze_panes(1, 0)
    return sheet


def _coding_sheet(book: Any, name: str, rows: Sequence[_CodingCells],
                  formats: dict[str, Any]) -> int:
    sheet = _start(book, name, LAYOUT, _WIDTHS, formats)
    # A 100,000-coding export writes about 1.7 million cells. Each column's type and
    # format are known, so the cells go straight to write_string / write_number rather
    # than through _cell's per-cell type tests; write_row would be slower still (it
    # dispatches on type per cell) and would write a styled blank for an empty value.
    # As in _cell, None and "" write no cell at all; 0 is a real offset and is written.
    string, number = sheet.write_string, sheet.write_number
    wrap, top = formats["wrap"], formats["top"]
    previous: tuple[object, ...] | None = None
    for n, (quote_key, quote, code, emphasis, subdivision, others, notes, source, case,
            start, end, coder) in enumerate(rows, start=1):
        if quote and quote_key != previous:  # else a further code on the quote above
            string(n, 0, quote, wrap)
        previous = quote_key
        if code:
            string(n, 1, code, top)
        if emphasis:
            string(n, 2, emphasis, top)
        if subdivision:
            string(n, 3, subdivision, top)
        if others:
            string(n, 4, others, top)
        if notes:
            string(n, 5, notes, wrap)
        if source:
            string(n, 6, source, top)
        if case:
            string(n, 7, case, top)
        if start is not None:
            number(n, 8, start, top)
        if end is not None:
            number(n, 9, end, top)
        if coder:
            string(n, 10, coder, top)
    sheet.autofilter(0, 0, max(len(rows), 1), len(LAYOUT) - 1)
    return len(rows)


def _cell(sheet: Worksheet, row: int, column: int, value: object, fmt: Any) -> None:
    if value is None or value == "":
        return  # an empty cell costs nothing; the column's width and filter still apply
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value, fmt)
    elif isinstance(value, int | float):
        sheet.write_number(row, column, value, fmt)
    else:
        # write_string never turns "=SUM(...)" or "+49..." into a formula.
        sheet.write_string(row, column, fit_cell(str(value)), fmt)


def fit_cell(text: str) -> str:
    """`text`, or as much of it as Excel holds with a note that the rest was cut."""
    if len(text) <= EXCEL_CELL_LIMIT:
        return text
    marker = f" [... cut: {len(text):,} characters in all; the project holds the full text]"
    return text[:EXCEL_CELL_LIMIT - len(marker)] + marker


def _plain_sheet(book: Any, name: str, header: Sequence[str], rows: Iterable[Sequence[object]],
                 formats: dict[str, Any]) -> int:
    sheet = _start(book, name, header, [max(12, min(40, len(h) + 4)) for h in header], formats)
    count = 0
    for n, values in enumerate(rows, start=1):
        for column, value in enumerate(values):
            _cell(sheet, n, column, _plain(value), formats["top"])
        count = n
    sheet.autofilter(0, 0, max(count, 1), len(header) - 1)
    return count


def _plain(value: object) -> object:
    value = join_lists(value)
    if isinstance(value, float) and value != value:  # NaN: a case without this attribute
        return None
    return value.isoformat() if isinstance(value, datetime | date) else value


def _table_sheet(book: Any, name: str, table: Any, formats: dict[str, Any]) -> int:
    return _plain_sheet(book, name, [str(c) for c in table.columns],
                        table.itertuples(index=False, name=None), formats)


def _count_sheet(book: Any, name: str, table: Any, formats: dict[str, Any]) -> int:
    count = _table_sheet(book, name, table, formats)
    chart = book.add_chart({"type": "bar"})
    chart.add_series({
        "name": name,
        "categories": [name, 1, 0, count, 0],
        "values": [name, 1, 1, count, 1],
        "data_labels": {"value": True},
        "fill": {"color": "#4363D8"},
    })
    chart.set_title({"name": name})
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True})  # largest first, as in the report
    chart.set_size({"width": 720, "height": max(300, 24 * count + 80)})
    book.get_worksheet_by_name(name).insert_chart(1, 4, chart)
    return count
