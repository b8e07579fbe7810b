"""How one value is written into a table cell: screen, CSV, Markdown or Excel.

Lists (other subdivisions, cases) become "a; b"; whole floats lose their ".0"; dates
are ISO. One place, so every output of qcode writes a value the same way.

Text from researchers and other programs may start like a spreadsheet formula
("=cmd|' /C calc'!A0", "+1+1", "@SUM(A1)"). A spreadsheet program opening a CSV
file runs such a cell (CSV injection), so every CSV cell holding text is
*neutralised* as OWASP advises: a leading apostrophe, which Excel and LibreOffice
take as "this is text" and do not show; also when spaces or control characters come
before the "=", and rows end with CRLF so a line break inside a cell stays inside it.
Workbooks need no apostrophe: their text cells are written as string cells
(`XLSX_OPTIONS`, `excel_writer`), which no program evaluates. qcode's own CSV readers
take the apostrophe off again (`unneutralise`), so an exported sheet reads back to
exactly the stored text.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

# First characters that make a spreadsheet program read a cell as a formula (OWASP
# CSV injection guidance: = + - @, and tab and carriage return, which some programs
# skip before looking).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Whitespace and control characters a program may skip before it looks for "=".
_LEADING = re.compile(r"[\s\x00-\x1f\x7f]*")
# Rows end with CRLF (RFC 4180): the csv module then quotes every cell holding a CR or
# an LF, so no line break inside a cell can start a row of its own in a spreadsheet
# (with LF endings a bare CR was written unquoted, and what followed it ran).
CSV_LINE_END = "\r\n"
# A signed plain number ("-3", "+2.5") is read as that number and runs nothing.
_PLAIN_NUMBER = re.compile(r"[+-]?\d+([.,]\d+)?")
# xlsxwriter options: text is always a string cell, never a formula, number or link.
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False,
                "strings_to_urls": False}


def join_lists(value: Any) -> Any:
    """A list as "a; b"; anything else unchanged."""
    if isinstance(value, list | tuple):
        return "; ".join(cell_text(v) for v in value)
    return value


def cell_text(value: Any) -> str:
    """`value` as text for a table cell."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return str(join_lists(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def excel_value(value: Any) -> Any:
    """`value` as Excel can hold it: no lists, no time zones (times become UTC)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return join_lists(value)


def _formula_like(text: str) -> bool:
    # Checked after any leading apostrophes, so that text which itself starts with
    # "'=" gains one more and reads back unchanged (see `unneutralise`).
    bare = text.lstrip("'")
    if _PLAIN_NUMBER.fullmatch(bare.strip()):
        return False
    skipped = len(bare) - len(_LEADING.sub("", bare, count=1))
    return bare.startswith(FORMULA_STARTS) or bare[skipped:].startswith(FORMULA_STARTS[:4])


def neutralise(text: str) -> str:
    """`text` for a CSV cell: an apostrophe in front when a spreadsheet would run it."""
    return "'" + text if _formula_like(text) else text


def unneutralise(text: str) -> str:
    """A CSV cell as qcode wrote it back to the text it came from (`neutralise` undone)."""
    return text[1:] if text.startswith("'") and _formula_like(text[1:]) else text


def csv_text(value: Any) -> str:
    """`value` as a CSV cell: as `cell_text`, text neutralised, numbers and dates as they are."""
    text = cell_text(value)
    if isinstance(value, bool | int | float | date | datetime) or value is None:
        return text
    return neutralise(text)


def csv_writer(handle: IO[str], delimiter: str = ",") -> Any:
    """A csv.writer for a file or buffer opened with newline="": CRLF rows, as above."""
    return csv.writer(handle, delimiter=delimiter, lineterminator=CSV_LINE_END)


def write_csv(handle: IO[str], columns: Sequence[Any], rows: Sequence[Sequence[Any]],
              delimiter: str = ",", headers: bool = True) -> None:
    """Rows as CSV (or TSV) into a handle opened with newline="": every cell through
    `csv_text`, the header too (attribute names are columns). The one CSV writer of
    listings and exports, so both give the same cells."""
    writer = csv_writer(handle, delimiter=delimiter)
    if headers:
        writer.writerow([csv_text(str(c)) for c in columns])
    writer.writerows([[csv_text(value) for value in row] for row in rows])


def excel_writer(path: Path) -> pd.ExcelWriter:
    """A pandas ExcelWriter whose text cells stay text (pandas' default engine,
    openpyxl, writes a string starting with "=" as a formula)."""
    import pandas as pd

    return pd.ExcelWriter(path, engine="xlsxwriter",
                          engine_kwargs={"options": dict(XLSX_OPTIONS)})


def markdown_table(columns: Sequence[Any], rows: Sequence[Sequence[Any]]) -> list[str]:
    """The lines of a Markdown table; pipes escaped, line breaks folded."""
    lines = ["| " + " | ".join(str(c) for c in columns) + " |",
             "|" + "|".join("---" for _ in columns) + "|"]
    for row in rows:
        cells = [cell_text(v).replace("|", "\\|").replace("\n", " ") for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return lines
