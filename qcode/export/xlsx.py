"""`qcode export xlsx`: the workbook a supervisor opens, reads on screen and prints.

Sheets: "Read me" (what each sheet holds, the study, the date, how mentions are
counted, in the project's language), "Coding" (every coding in the layout `quote |
code | emphasis | subdivision | other subdivisions | notes`, then the quote as written
in the coding sheet where it differs, source, case, coder, date, start, end), one sheet
per case, "Codebook", "Cases", and the mention sheets with native charts
(qcode.export.xlsx_counts). Rows that continue a quote leave the quote cell empty, as
the researcher does, so `qcode sheet import` reads the file back to the same codings.
Every sheet prints landscape, one page wide (qcode.export.xlsx_layout).

Written with xlsxwriter in constant-memory mode: rows go to disk as they are written.
Every text cell is written as a string, so a cell starting with = + - @ shows as text
and Excel never runs it as a formula.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from qcode import files
from qcode.cells import XLSX_OPTIONS, join_lists
from qcode.export import xlsx_counts
from qcode.export.files import case_table
from qcode.export.xlsx_layout import Column, printable, row_height, start_sheet, widths
from qcode.export.xlsx_words import texts, words
from qcode.names import natural_key
from qcode.reports.breakdown import group_breakdown
from qcode.reports.figure_colours import group_colours, value_colours
from qcode.reports.mentions import count_mentions
from qcode.reports.progress import codebook
from qcode.reports.scope import stakeholder_attribute
from qcode.services.coding import CodingRow, list_codings
from qcode.services.project import Project, project_summary

AS_WRITTEN = "quote as written"
LAYOUT = ["quote", "code", "emphasis", "subdivision", "other subdivisions", "notes",
          AS_WRITTEN, "source", "case", "coder", "date", "start", "end"]
_COLUMNS = [Column("quote", 30, 45), Column("code", 12, 24), Column("emphasis", 10, 20),
            Column("subdivision", 12, 22), Column("other subdivisions", 12, 22),
            Column("notes", 10, 30), Column(AS_WRITTEN, 20, 36), Column("source", 10, 28),
            Column("case", 6, 12), Column("coder", 7, 12), Column("date", 11, 11, wrap=False),
            Column("start", 7, 9, wrap=False), Column("end", 7, 9, wrap=False)]
# Printed: the layout through the date; the offsets are for `qcode sheet import` and
# scripts, and would only make the printed text smaller.
_PRINTED = LAYOUT.index("date")
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
    as_written: str | None
    source: str | None
    case: str
    coder: str
    when: float  # an Excel date serial: converted once, written in two sheets
    start: int | None
    end: int | None


def export_xlsx(project: Project, path: Path, across: str | None = None) -> dict[str, int]:
    """Write the workbook; returns how many rows each sheet got.

    `across` names the case attribute of the crosstab sheet; by default the project's
    "stakeholder group" when it has one.
    """
    codings: list[_CodingCells] = []
    by_case: dict[str, list[_CodingCells]] = {}
    for row in list_codings(project):
        cells = _cells(row)
        codings.append(cells)
        for key in row.cases or ["(no case)"]:
            by_case.setdefault(key, []).append(cells)
    # The two tables the workbook shows as they are; its counts are its own sheets.
    tables = {"codebook": codebook(project), "cases": case_table(project)}
    summary = project_summary(project)
    counts = _Counts(
        groups=count_mentions(project, "group", decimals=1),
        breakdown=group_breakdown(project, decimals=1),
        across=None, group_colours=group_colours(project), value_colours={},
    )
    if across is None:
        across = project.read(stakeholder_attribute)
    if across is not None:
        counts = counts._replace(
            across=count_mentions(project, "group", across=f"attribute:{across}"),
            value_colours=value_colours(project, across))
    with files.written(path) as temporary:
        return _write_book(temporary, _Book(summary.name, summary.language, codings,
                                            by_case, tables, counts, across))


def _cells(row: CodingRow) -> _CodingCells:
    return _CodingCells(
        (row.source, row.start, row.end, row.text if row.start is None else ""),
        fit_cell(row.text), row.code, row.emphasis, row.subdivision,
        "; ".join(row.other_subdivisions), row.notes and fit_cell(row.notes),
        row.as_written and fit_cell(row.as_written), row.source, "; ".join(row.cases),
        row.coder, _excel_serial(_local(row.created_at)), row.start, row.end,
    )


_EXCEL_EPOCH = datetime(1899, 12, 30)  # day 0 for every date after February 1900


def _excel_serial(moment: datetime) -> float:
    """`moment` as Excel stores a date: days since its epoch. Made once per coding and
    written as a number in a date format in each sheet the coding is on."""
    return (moment - _EXCEL_EPOCH).total_seconds() / 86_400


def _local(moment: datetime) -> datetime:
    """A stored time (UTC) as the exporter's local time without zone: Excel has none."""
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.replace(tzinfo=None)


class _Counts(NamedTuple):
    groups: Any
    breakdown: Any
    across: Any
    group_colours: dict[str, str]
    value_colours: dict[str, str]


class _Book(NamedTuple):
    study: str
    language: str | None
    codings: list[_CodingCells]
    by_case: dict[str, list[_CodingCells]]
    tables: dict[str, Any]
    counts: _Counts
    across: str | None


# Sheets every workbook has; a case's sheet never takes one of these names.
_FIXED_SHEETS = ("Read me", "Coding", "Codebook", "Cases", "Mentions by group",
                 "Mentions by subdivision", "Mentions by stakeholder group")


def _write_book(path: Path, content: _Book) -> dict[str, int]:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, **XLSX_OPTIONS})
    formats = _formats(book)
    said = texts(content.language)
    written: dict[str, int] = {}
    described: dict[str, str] = {}
    try:
        # First in the book, written last: it lists what the other sheets hold.
        readme = book.add_worksheet("Read me")
        columns = _COLUMNS
        column_widths = widths(columns, (_layout(c) for c in content.codings))
        heights = [row_height(_layout(c), column_widths, [col.wrap for col in columns])
                   for c in content.codings]
        written["Coding"] = _coding_sheet(book, "Coding", content, content.codings, heights,
                                          columns, column_widths, formats)
        described["Coding"] = said["Coding"]
        row_of = {id(c): n for n, c in enumerate(content.codings)}
        for key in sorted(content.by_case, key=natural_key):
            name = _sheet_name(key, set(written) | set(_FIXED_SHEETS))
            rows = content.by_case[key]
            written[name] = _coding_sheet(book, name, content, rows,
                                          [heights[row_of[id(c)]] for c in rows],
                                          columns, column_widths, formats)
            described[name] = said["case"].format(case=key)
        for title, table in (("Codebook", "codebook"), ("Cases", "cases")):
            written[title] = _table_sheet(book, title, content.tables[table], formats,
                                          content.study)
            described[title] = said[title]
        _count_sheets(book, content, formats, written, described)
        _readme(readme, content, said, written, described, formats)
    finally:
        book.close()
    return written


def _count_sheets(book: Any, content: _Book, formats: dict[str, Any],
                  written: dict[str, int], described: dict[str, str]) -> None:
    said, named = texts(content.language), words(content.language)
    counts = content.counts
    sheets: list[tuple[str, Callable[..., int], Any, str, dict[str, str]]] = [
        ("Mentions by group", xlsx_counts.group_sheet, counts.groups, "",
         counts.group_colours),
        ("Mentions by subdivision", xlsx_counts.breakdown_sheet, counts.breakdown, "",
         counts.group_colours)]
    if counts.across is not None:
        sheets.append(("Mentions by stakeholder group", xlsx_counts.crosstab_sheet,
                       counts.across, f" ({content.across})", counts.value_colours))
    for title, write, counted, detail, colours in sheets:
        written[title] = write(book, title, counted, named, formats,
                               f"{content.study}: {title}{detail}", colours)
        described[title] = said[title]


def _formats(book: Any) -> dict[str, Any]:
    add = book.add_format
    return {
        "header": add({"bold": True, "bg_color": "#DDE3EE", "border": 1, "text_wrap": True,
                       "valign": "top"}),
        "wrap": add({"text_wrap": True, "valign": "top"}),
        "top": add({"valign": "top"}),
        "bold": add({"bold": True, "valign": "top"}),
        "title": add({"bold": True, "font_size": 14}),
        "date": add({"num_format": "yyyy-mm-dd", "valign": "top", "align": "left"}),
        "percent": add({"num_format": "0%", "valign": "top"}),
        "percent_1": add({"num_format": "0.0%", "valign": "top"}),
        "bold_percent": add({"num_format": "0%", "bold": True, "valign": "top"}),
    }


def _layout(cells: _CodingCells) -> tuple[object, ...]:
    return (cells.quote, cells.code, cells.emphasis, cells.subdivision,
            cells.other_subdivisions, cells.notes, cells.as_written, cells.source,
            cells.case, cells.coder, "0000-00-00", cells.start, cells.end)


def _sheet_name(name: str, taken: set[str]) -> str:
    clean = "".join("_" if c in _FORBIDDEN else c for c in name).strip("'")[:_MAX_SHEET_NAME]
    candidate, n = clean or "case", 1
    lowered = {t.lower() for t in taken}
    while candidate.lower() in lowered:
        n += 1
        candidate = f"{clean[:_MAX_SHEET_NAME - 4]} ({n})"
    return candidate


def _coding_sheet(book: Any, name: str, content: _Book, rows: Sequence[_CodingCells],
                  heights: Sequence[float | None], columns: Sequence[Column],
                  column_widths: Sequence[int], formats: dict[str, Any]) -> int:
    sheet = start_sheet(book, name, columns, column_widths, formats)
    # A 100,000-coding export writes about 1.7 million cells. Each column's type and
    # format are known, so the cells go straight to write_string / write_number rather
    # than through _cell's per-cell type tests; write_row would be slower still (it
    # dispatches on type per cell) and would write a styled blank for an empty value.
    # As in _cell, None and "" write no cell at all; 0 is a real offset and is written.
    string, number = sheet.write_string, sheet.write_number
    wrap, top, day = formats["wrap"], formats["top"], formats["date"]
    previous: tuple[object, ...] | None = None
    for n, (cells, height) in enumerate(zip(rows, heights, strict=True), start=1):
        (quote_key, quote, code, emphasis, subdivision, others, notes, as_written, source,
         case, coder, created, start, end) = cells
        if height is not None:
            sheet.set_row(n, height)  # before the row's cells: constant memory writes rows once
        if quote_key == previous:  # a further code on the quote above: its cells stay empty
            quote = as_written = ""
        elif quote:
            string(n, 0, quote, wrap)
        previous = quote_key
        if code:
            string(n, 1, code, wrap)
        if emphasis:
            string(n, 2, emphasis, wrap)
        if subdivision:
            string(n, 3, subdivision, wrap)
        if others:
            string(n, 4, others, wrap)
        if notes:
            string(n, 5, notes, wrap)
        if as_written:
            string(n, 6, as_written, wrap)
        if source:
            string(n, 7, source, wrap)
        if case:
            string(n, 8, case, wrap)
        if coder:
            string(n, 9, coder, top)
        number(n, 10, created, day)
        if start is not None:
            number(n, 11, start, top)
        if end is not None:
            number(n, 12, end, top)
    sheet.autofilter(0, 0, max(len(rows), 1), len(LAYOUT) - 1)
    printable(sheet, content.study, len(rows), _PRINTED)
    _release(sheet)
    return len(rows)


def _release(sheet: Worksheet) -> None:
    """Close the sheet's temporary file until the book is assembled.

    In constant-memory mode each sheet keeps a temporary file open from its creation to
    the end; a workbook with a sheet per case then ran out of open files (1,024 on
    Linux, 256 on macOS). xlsxwriter reopens a closed one when it assembles the book.
    """
    close = getattr(sheet, "_opt_close", None)
    if close is not None and getattr(sheet, "row_data_fh", None) is not None:
        close()


def _cell(sheet: Worksheet, row: int, column: int, value: object,
          formats: dict[str, Any]) -> None:
    if value is None or value == "":
        return  # an empty cell costs nothing; the column's width and filter still apply
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value, formats["top"])
    elif isinstance(value, int | float):
        sheet.write_number(row, column, value, formats["top"])
    elif isinstance(value, datetime | date):
        sheet.write_datetime(row, column, _local(value) if isinstance(value, datetime)
                             else value, formats["date"])
    else:
        # write_string never turns "=SUM(...)" or "+49..." into a formula.
        sheet.write_string(row, column, fit_cell(str(value)), formats["wrap"])


def fit_cell(text: str) -> str:
    """`text`, or as much of it as Excel holds with a note that the rest was cut."""
    if len(text) <= EXCEL_CELL_LIMIT:
        return text
    marker = f" [... cut: {len(text):,} characters in all; the project holds the full text]"
    return text[:EXCEL_CELL_LIMIT - len(marker)] + marker


def _plain_sheet(book: Any, name: str, header: Sequence[str], rows: Iterable[Sequence[object]],
                 formats: dict[str, Any], title: str) -> int:
    values = [[_plain(v) for v in row] for row in rows]
    columns = [Column(h, 8, 40) for h in header]
    column_widths = widths(columns, values)
    sheet = start_sheet(book, name, columns, column_widths, formats)
    wrapped = [True] * len(columns)
    for n, row in enumerate(values, start=1):
        height = row_height(row, column_widths, wrapped)
        if height is not None:
            sheet.set_row(n, height)
        for column, value in enumerate(row):
            _cell(sheet, n, column, value, formats)
    sheet.autofilter(0, 0, max(len(values), 1), len(header) - 1)
    printable(sheet, title, len(values), len(header) - 1)
    return len(values)


def _plain(value: object) -> object:
    value = join_lists(value)
    if isinstance(value, float) and value != value:  # NaN: a case without this attribute
        return None
    if hasattr(value, "to_pydatetime"):  # a pandas Timestamp: a real date cell
        return value.to_pydatetime()
    return value


def _table_sheet(book: Any, name: str, table: Any, formats: dict[str, Any], title: str) -> int:
    return _plain_sheet(book, name, [str(c) for c in table.columns],
                        table.itertuples(index=False, name=None), formats, title)


def _readme(sheet: Worksheet, content: _Book, said: dict[str, str], written: dict[str, int],
            described: dict[str, str], formats: dict[str, Any]) -> None:
    """The first sheet: the study, the date, each sheet and how the numbers are counted."""
    sheet.set_column(0, 0, 32)
    sheet.set_column(1, 1, 90)
    sheet.set_column(2, 2, 8)
    sheet.write_string(0, 0, content.study, formats["title"])
    sheet.write_string(1, 0, said["exported"], formats["bold"])
    sheet.write_datetime(1, 1, datetime.now().replace(microsecond=0), formats["date"])
    sheet.write_string(2, 0, said["language"], formats["bold"])
    sheet.write_string(2, 1, content.language or "", formats["top"])
    row = 4
    for n, text in enumerate((said["sheet"], said["holds"], said["rows"])):
        sheet.write_string(row, n, text, formats["header"])
    for name, count in written.items():
        row += 1
        text = described.get(name, "")
        height = row_height(["", text, ""], [32, 90, 8], [False, True, False])
        if height is not None:
            sheet.set_row(row, height)
        sheet.write_string(row, 0, name, formats["top"])
        sheet.write_string(row, 1, text, formats["wrap"])
        sheet.write_number(row, 2, count, formats["top"])
    row += 2
    sheet.write_string(row, 0, said["rules"], formats["bold"])
    for key in ("rule_mention", "rule_percent", "rule_cases", "rule_rows", "rule_offsets"):
        row += 1
        height = row_height([said[key]], [90], [True])
        if height is not None:
            sheet.set_row(row, height)
        sheet.write_string(row, 1, said[key], formats["wrap"])
    printable(sheet, content.study, row, 2, landscape=False)
