"""How the workbook's sheets look on screen and on paper: widths, row heights, print setup.

Excel and LibreOffice do not grow a row for wrapped text that a program wrote (the
rows of a generated file have no measured height), so wrapped quotes overlapped the
next row; and with no print setup a sheet printed one column per portrait page. Here
every width comes from the content within bounds, every row gets the height its
longest wrapped cell needs, and every sheet prints landscape, one page wide, with its
header row on each page and page numbers in the footer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from xlsxwriter.worksheet import Worksheet

LINE_POINTS = 15.0  # one line of the default 11-point Calibri
MAX_ROW_POINTS = 409.0  # the tallest row Excel allows
# Characters of ordinary text that fit in one unit of column width: the unit is the
# width of a digit in 11-point Calibri, and most letters are narrower. A little low, so
# that a row comes out a little too tall rather than cut.
CHARS_PER_UNIT = 1.2


@dataclass(frozen=True)
class Column:
    """A column's header and the bounds of its width (in Excel's character units)."""

    title: str
    narrowest: int
    widest: int
    wrap: bool = True


def widths(columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> list[int]:
    """Each column as wide as its longest line (header included), within its bounds."""
    longest = [max(len(word) for word in column.title.split()) for column in columns]
    for row in rows:
        for i, value in enumerate(row):
            if value is not None and value != "":
                longest[i] = max(longest[i], _longest_line(value))
    return [max(c.narrowest, min(c.widest, n + 1)) for c, n in zip(columns, longest, strict=True)]


def _longest_line(value: object) -> int:
    text = value if isinstance(value, str) else str(value)
    if len(text) < 40 and "\n" not in text:
        return len(text)
    return max(len(line) for line in text.splitlines() or [""])


def lines(text: str, width: int) -> int:
    """How many lines `text` takes wrapped at spaces in a column `width` units wide."""
    per_line = max(1, int(width * CHARS_PER_UNIT))
    count = 0
    for paragraph in text.split("\n"):
        count += 1
        if len(paragraph) <= per_line:
            continue
        used = 0
        for word in paragraph.split(" "):
            need = used + 1 + len(word) if used else len(word)
            if used and need > per_line:  # the word starts the next line
                count += 1
                need = len(word)
            while need > per_line:  # a word longer than a line is broken across lines
                count += 1
                need -= per_line
            used = need
    return count


def row_height(cells: Sequence[object], column_widths: Sequence[int],
               wrapped: Sequence[bool]) -> float | None:
    """The height in points a row needs for its wrapped cells; None for one line."""
    most = 1
    for value, width, wraps in zip(cells, column_widths, wrapped, strict=True):
        if wraps and isinstance(value, str) and value:
            if len(value) > width * CHARS_PER_UNIT or "\n" in value:
                most = max(most, lines(value, width))
    if most == 1:
        return None
    return min(MAX_ROW_POINTS, most * LINE_POINTS + 3)


def printable(sheet: Worksheet, title: str, last_row: int, last_column: int,
              landscape: bool = True) -> None:
    """Print setup: one page wide (as many pages long as it takes), header row repeated,
    the study and sheet named at the top and page numbers at the bottom of each page."""
    if landscape:
        sheet.set_landscape()
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.print_area(0, 0, max(last_row, 1), last_column)
    sheet.hide_gridlines(0)  # gridlines on screen and on paper: rows are easy to follow
    sheet.set_header(f"&L&8{_header_text(title)}&R&8&A", {"margin": 0.25})  # &A: the sheet
    sheet.set_footer("&C&8&P / &N", {"margin": 0.25})


def _header_text(text: str) -> str:
    # "&" starts a code in Excel's header language; a literal one is written "&&".
    return text.replace("&", "&&")[:120]


def start_sheet(book: Any, name: str, columns: Sequence[Column], column_widths: Sequence[int],
                formats: dict[str, Any]) -> Worksheet:
    """A sheet with its header row, widths and frozen header."""
    sheet = book.add_worksheet(name)
    for i, width in enumerate(column_widths):
        sheet.set_column(i, i, width)
    sheet.set_row(0, row_height([c.title for c in columns], column_widths,
                                [True] * len(columns)))
    for i, column in enumerate(columns):
        sheet.write_string(0, i, column.title, formats["header"])
    sheet.freeze_panes(1, 0)
    return sheet
