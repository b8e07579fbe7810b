"""Reading .xlsx workbooks (coding sheets, participants) without trusting them.

A workbook is read as what the researcher sees: each cell's value, a merged cell's
value in every cell it covers (a subdivision merged over three rows files all three
codings), hidden rows and columns like the others (hiding is a view, not a deletion).
A formula gives the result Excel saved with it. A workbook whose formulas have no
saved result at all (written by a script, never opened in a spreadsheet program) is
refused, naming a cell, because qcode cannot compute them and reading them as empty
would drop rows unseen; once a program has saved results, a formula without one is
an empty text (=IF(...; ""; ...)) and reads as empty.

Before openpyxl opens the file its size and zip container are checked (see
qcode.ingest.limits), and the cells read are capped, so a sheet that claims a
million columns fails fast instead of filling the memory.
"""

from __future__ import annotations

import posixpath
import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeTree
from defusedxml import DefusedXmlException

from qcode.errors import InputError, reason
from qcode.ingest.limits import ZIP_ERRORS, check_archive, check_file_size, check_rows

# Cells (empty ones inside a row included) one workbook may hold: a 100,000-coding
# export of qcode has about 2.5 million.
MAX_CELLS = 20_000_000
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# <mergeCell ref="A2:A3"/>, its only attribute; read by pattern because parsing a whole
# large sheet again as XML, only for the few merges at its end, would double the time.
# Bounded attribute run: a tag that never closes must not make every later tag rescan.
_MERGE = re.compile(rb'<(?:[\w.-]{1,40}:)?mergeCell\s[^>]{0,400}?\bref="([A-Za-z]{1,3})(\d{1,7})'
                    rb'(?::([A-Za-z]{1,3})(\d{1,7}))?"')


@dataclass(frozen=True)
class SheetValues:
    """One sheet: its name and rows of cell values (row 1 first, trailing blanks cut)."""

    title: str
    rows: list[list[Any]]


def read_workbook(path: Path, what: str = "workbook") -> list[SheetValues]:
    """Every sheet of the .xlsx at `path` as values; one InputError for any problem."""
    check_file_size(path, what)
    check_archive(path, "an Excel workbook (.xlsx)")
    _count_rows(path)
    sheets, formulas = _read(path, data_only=False)
    if formulas:
        # The saved results, read only when there are formulas: most sheets have none.
        cached, _ = _read(path, data_only=True)
        results = {sheet.title: sheet.rows for sheet in cached}
        values = [_at(results.get(title, []), r, c) for title, r, c, _ in formulas]
        if all(value is None for value in values):
            title, r, c, formula = formulas[0]
            raise InputError(
                f"{path}, sheet {title!r}, cell {column_letter(c)}{r + 1}: the formula "
                f"{str(formula)[:60]} has no saved result (nor has any other); open the "
                "workbook in Excel or LibreOffice and save it, then import again")
        rows_of = {sheet.title: sheet.rows for sheet in sheets}
        for (title, r, c, _), value in zip(formulas, values, strict=True):
            rows_of[title][r][c] = value
    merges = _merged_ranges(path)
    for sheet in sheets:
        spans = merges.get(sheet.title, [])
        covered = sum((r2 - r1 + 1) * (c2 - c1 + 1) for r1, c1, r2, c2 in spans)
        if covered > MAX_CELLS:
            raise InputError(f"{path}, sheet {sheet.title!r}: merged cells cover more than "
                             f"{MAX_CELLS:,} cells; unmerge them and save the workbook again")
        _fill_merged(sheet.rows, spans)
    return sheets


def _at(rows: list[list[Any]], r: int, c: int) -> Any:
    return rows[r][c] if r < len(rows) and c < len(rows[r]) else None


def _read(path: Path, data_only: bool
          ) -> tuple[list[SheetValues], list[tuple[str, int, int, Any]]]:
    # openpyxl warns on stderr about what it drops (data validation, odd dates); qcode
    # reports what matters as its own one line.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return _read_cells(path, data_only)
        except InputError:
            raise
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise InputError(f"{path}: cannot read this workbook ({reason(exc)}); "
                             "open it in Excel or LibreOffice and save it again") from exc


def _read_cells(path: Path, data_only: bool
                ) -> tuple[list[SheetValues], list[tuple[str, int, int, Any]]]:
    from openpyxl import load_workbook

    sheets: list[SheetValues] = []
    formulas: list[tuple[str, int, int, Any]] = []
    cells = 0
    book = load_workbook(path, read_only=True, data_only=data_only)
    try:
        for sheet in book.worksheets:
            # The stored dimension is a claim; padding every row to it is how a sheet
            # "A1:XFD1048576" would ask for 17 billion cells.
            sheet.reset_dimensions()
            rows: list[list[Any]] = []
            for r, row in enumerate(sheet.iter_rows()):
                check_rows(r, f"{path}, sheet {sheet.title!r}")  # r rows so far, the header too
                cells += len(row)
                if cells > MAX_CELLS:
                    raise InputError(
                        f"{path}, sheet {sheet.title!r}: more than {MAX_CELLS:,} cells; "
                        "is it the right file? delete the unused rows and columns")
                values = []
                for c, cell in enumerate(row):
                    if getattr(cell, "data_type", None) == "f":
                        formulas.append((sheet.title, r, c, cell.value))
                    values.append(cell.value)
                while values and values[-1] is None:
                    values.pop()
                rows.append(values)
            sheets.append(SheetValues(sheet.title, rows))
    finally:
        book.close()
    return sheets, formulas


def _count_rows(path: Path) -> None:
    """Refuse a sheet of too many rows before openpyxl opens it: without a stated size
    it reads the whole sheet once only to measure it (35 s for a million rows). The
    rows are counted in the packed stream, a megabyte at a time."""
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                name = info.filename.casefold()
                if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    continue
                rows, carry = 0, b""
                with archive.open(info) as part:
                    while chunk := part.read(2**20):
                        # "<row" or a prefixed "<x:row ": a row element opens. The last
                        # three bytes go on with the next chunk: too short to hold a
                        # whole mark, long enough to join one cut in two.
                        data = carry + chunk
                        rows += data.count(b"<row") + data.count(b":row ")
                        carry = data[-3:]
                        check_rows(rows - 1, f"{path}, {posixpath.basename(info.filename)}")
    except ZIP_ERRORS as exc:
        raise InputError(f"{path}: cannot read this workbook ({reason(exc)}); "
                         "open it in Excel or LibreOffice and save it again") from exc


def _merged_ranges(path: Path) -> dict[str, list[tuple[int, int, int, int]]]:
    """Sheet name -> its merged ranges as 0-based (first row, first column, last row,
    last column), found through the workbook's sheet list and relationships."""
    found: dict[str, list[tuple[int, int, int, int]]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            names = {name.casefold(): name for name in archive.namelist()}
            book, rels = names.get("xl/workbook.xml"), names.get("xl/_rels/workbook.xml.rels")
            if book is None or rels is None:
                return found
            targets = {rel.get("Id"): rel.get("Target") or ""
                       for rel in _parse(archive.read(rels))}
            for sheet in _parse(archive.read(book)).iter(f"{{{_MAIN}}}sheet"):
                target = targets.get(sheet.get(f"{{{_RELS}}}id"), "")
                entry = (target.lstrip("/") if target.startswith("/")
                         else posixpath.normpath(posixpath.join("xl", target)))
                if not target or entry.casefold() not in names:
                    continue
                data = archive.read(names[entry.casefold()])
                if b"mergeCell" in data:
                    found[sheet.get("name") or ""] = [_span(m) for m in _MERGE.finditer(data)]
    except (*ZIP_ERRORS, KeyError, DefusedXmlException, SafeTree.ParseError) as exc:
        raise InputError(f"{path}: cannot read this workbook ({reason(exc)}); "
                         "open it in Excel or LibreOffice and save it again") from exc
    return found


def _parse(data: bytes) -> Any:
    return SafeTree.fromstring(data, forbid_dtd=True)


def _span(match: re.Match[bytes]) -> tuple[int, int, int, int]:
    first_col, first_row, last_col, last_row = match.groups()
    last_col, last_row = last_col or first_col, last_row or first_row
    return (int(first_row) - 1, _column_index(first_col), int(last_row) - 1,
            _column_index(last_col))


def _fill_merged(rows: list[list[Any]], spans: list[tuple[int, int, int, int]]) -> None:
    """The value of each merged range's first cell in every cell of the range, within
    the rows and columns the sheet has (a range may claim the whole sheet)."""
    width = max((len(row) for row in rows), default=0)
    for first_row, first_col, last_row, last_col in spans:
        if first_row >= len(rows) or first_col >= len(rows[first_row]):
            continue
        value = rows[first_row][first_col]
        if value is None:
            continue
        for r in range(first_row, min(last_row, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(first_col, min(last_col, width - 1) + 1):
                if c >= len(row):
                    row.extend([None] * (c + 1 - len(row)))
                if row[c] is None:
                    row[c] = value


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + letter - 64
    return index - 1


def column_letter(index: int) -> str:
    """The spreadsheet name of the 0-based column `index` (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
