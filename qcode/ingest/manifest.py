"""The participants manifest: one row per interview partner, typed attributes.

The first column names the case (IP1...). A `file`/`source` column maps the row to
source files (several separated by ";"); a `name` column gives the display name;
every other column becomes an attribute, typed number, date or text from its values.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from qcode.errors import InputError
from qcode.ingest.csvfile import read_csv
from qcode.ingest.limits import check_file_size
from qcode.ingest.xlsxfile import read_workbook
from qcode.names import clean_name, name_key
from qcode.services.cases import AttributeValue, CaseRow
from qcode.values import SLASHED, as_date, as_number

FILE_COLUMNS = {"file", "files", "source", "sources", "filename", "file name"}
NAME_COLUMNS = {"name", "case name", "interview partner"}


def read_manifest(path: Path, dayfirst: bool | None = None,
                  said: list[str] | None = None) -> list[CaseRow]:
    """Read a CSV or XLSX manifest; a bad file raises InputError and nothing is stored.

    Dates written with slashes or dots (3/5/2021, 14/03/2021, as Excel writes them in
    a CSV) are read in the order the column shows (a 14 can only be a day); where no
    value tells, `dayfirst` says, or the file is refused. What was read is added to
    `said`, for the person importing.
    """
    if not path.is_file():
        raise InputError(f"{path}: no such participants file")
    check_file_size(path, "participants file")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        header, rows = _read_xlsx(path)
    elif suffix in {".csv", ".tsv", ".txt"}:
        header, rows = _read_csv(path)
    else:
        raise InputError(f"{path}: participants must be a .csv or .xlsx file")
    return _to_cases(path, header, rows, dayfirst, said if said is not None else [])


def _read_csv(path: Path) -> tuple[list[str], list[list[Any]]]:
    table = [row for row in read_csv(path) if any(c.strip() for c in row)]
    if not table:
        raise InputError(f"{path}: the participants file has no rows")
    return table[0], table[1:]


def _read_xlsx(path: Path) -> tuple[list[str], list[list[Any]]]:
    sheets = read_workbook(path, "participants file")
    table = [
        row for row in (sheets[0].rows if sheets else [])
        if any(c is not None and str(c).strip() for c in row)
    ]
    if not table:
        raise InputError(f"{path}: the first sheet has no rows")
    return ["" if h is None else str(h) for h in table[0]], table[1:]


def _to_cases(path: Path, header: list[str], rows: list[list[Any]], dayfirst: bool | None,
              said: list[str]) -> list[CaseRow]:
    keys = [name_key(h) for h in header]
    if not header or not keys[0]:
        raise InputError(f"{path}: the first column needs a header, e.g. 'case'")
    file_col = next((i for i, k in enumerate(keys) if k in FILE_COLUMNS and i > 0), None)
    name_col = next((i for i, k in enumerate(keys) if k in NAME_COLUMNS and i > 0), None)
    attr_cols = [i for i in range(1, len(header)) if i not in (file_col, name_col) and keys[i]]
    types = {i: _column_type([_cell(r, i) for r in rows]) for i in attr_cols}
    orders: dict[int, bool] = {}  # column -> day first, for dates written 3/5/2021
    for i in attr_cols:
        if types[i] == "text":
            order = _date_order(path, header[i], [_cell(r, i) for r in rows], dayfirst)
            if order is not None:
                types[i], orders[i] = "date", order
                example = next(str(v).strip() for v in (_cell(r, i) for r in rows)
                               if v is not None and str(v).strip())
                said.append(f"read column {clean_name(header[i])!r} as dates, "
                            f"{'day' if order else 'month'} first ({example} is "
                            f"{_slashed(example, order).isoformat()})")
    cases, seen = [], set()
    for line, row in enumerate(rows, start=2):
        key = clean_name(str(_cell(row, 0) or ""))
        if not key:
            raise InputError(f"{path}, row {line}: the first column (case) is empty")
        if key.casefold() in seen:
            raise InputError(f"{path}, row {line}: case {key} appears twice")
        seen.add(key.casefold())
        attributes: dict[str, tuple[str, AttributeValue]] = {}
        for i in attr_cols:
            value = _cell(row, i)
            if value is not None and str(value).strip():
                try:
                    typed = (_slashed(str(value), orders[i]) if i in orders
                             else _typed(value, types[i]))
                except InputError as exc:
                    raise InputError(f"{path}, row {line}, column {clean_name(header[i])!r}: "
                                     f"{exc}; correct it and import again") from exc
                attributes[clean_name(header[i])] = (types[i], typed)
        files = []
        if file_col is not None and _cell(row, file_col):
            files = [f.strip() for f in str(_cell(row, file_col)).split(";") if f.strip()]
        name = _cell(row, name_col) if name_col is not None else None
        cases.append(CaseRow(key, clean_name(str(name)) if name else None, attributes, files))
    return cases


def _cell(row: list[Any], i: int) -> Any:
    value = row[i] if i < len(row) else None
    return value.strip() if isinstance(value, str) else value


def _column_type(values: list[Any]) -> str:
    present = [v for v in values if v is not None and str(v).strip()]
    if present and all(as_number(v) is not None for v in present):
        return "number"
    if present and all(as_date(v) is not None for v in present):
        return "date"
    return "text"


def _typed(value: Any, kind: str) -> AttributeValue:
    if kind == "number":
        number = as_number(value)
        assert number is not None
        return number
    if kind == "date":
        day = as_date(value)
        assert day is not None
        return day
    return str(value).strip()


def _date_order(path: Path, column: str, values: list[Any],
                dayfirst: bool | None) -> bool | None:
    """True (day first) or False (month first) when every value of the column is a
    date written like 3/5/2021; None when they are not all such dates."""
    present = [str(v).strip() for v in values if v is not None and str(v).strip()]
    found = [SLASHED.fullmatch(v) for v in present]
    if not present or not all(found):
        return None
    parts = [(int(m.group(1)), int(m.group(2))) for m in found if m is not None]
    day_first = any(first > 12 for first, _ in parts)
    month_first = any(second > 12 for _, second in parts)
    if day_first and month_first:
        return None  # 14/03 and 03/14 in one column: not dates of one kind; kept as text
    if day_first or month_first:  # the column itself tells, whatever was given
        return day_first
    if dayfirst is None:
        raise InputError(
            f"{path}: column {clean_name(column)!r} holds dates like {present[0]} that "
            "could be day or month first; import again with --dayfirst or --monthfirst")
    return dayfirst


def _slashed(text: str, dayfirst: bool) -> date:
    """A date written like 14/03/2021 (day first) or 3/14/2021, via dateutil."""
    from dateutil import parser

    try:
        return parser.parse(text.strip(), dayfirst=dayfirst, yearfirst=False).date()
    except (ValueError, OverflowError) as exc:
        raise InputError(f"{text!r} is not a date ({exc})") from exc
