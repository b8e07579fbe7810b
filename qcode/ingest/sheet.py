"""Reading a coding sheet in the researcher's layout.

`quote | code | emphasis | subdivision | other subdivisions | notes`, one row per
coding; a row with an empty quote is a further code on the quote of the row above;
"other subdivisions" holds several names separated by ";", "," or new lines.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from qcode.errors import InputError
from qcode.ingest.text import decode_transcript
from qcode.names import name_key

COLUMNS = ("quote", "code", "emphasis", "subdivision", "other subdivisions", "notes")
_SPLIT_OTHERS = re.compile(r"[;,\n]")


@dataclass(frozen=True)
class SheetCoding:
    code: str
    emphasis: str
    subdivision: str
    other_subdivisions: list[str]
    notes: str
    row: int


@dataclass
class SheetQuote:
    """A quote as written in the sheet and every coding given to it."""

    text: str
    row: int
    codings: list[SheetCoding] = field(default_factory=list)


def read_sheet_csv(path: Path) -> list[SheetQuote]:
    """The quotes of a CSV coding sheet, continuation rows folded into their quote."""
    text = decode_transcript(path.read_bytes(), str(path)).text
    table = list(csv.reader(io.StringIO(text)))
    if not table:
        raise InputError(f"{path}: the sheet is empty")
    header = [name_key(h) for h in table[0]]
    missing = [c for c in ("quote", "code") if c not in header]
    if missing:
        raise InputError(f"{path}: the header needs columns {', '.join(missing)}")
    index = {c: header.index(c) for c in COLUMNS if c in header}

    def cell(row: list[str], column: str) -> str:
        i = index.get(column)
        return row[i].strip() if i is not None and i < len(row) else ""

    quotes: list[SheetQuote] = []
    for line, row in enumerate(table[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        code = cell(row, "code")
        if not code:
            raise InputError(f"{path}, row {line}: the code cell is empty")
        quote = cell(row, "quote")
        if quote:
            quotes.append(SheetQuote(quote, line))
        elif not quotes:
            raise InputError(f"{path}, row {line}: a continuation row needs a quote above it")
        others = [o.strip() for o in _SPLIT_OTHERS.split(cell(row, "other subdivisions"))]
        quotes[-1].codings.append(
            SheetCoding(
                code=code,
                emphasis=cell(row, "emphasis"),
                subdivision=cell(row, "subdivision"),
                other_subdivisions=[o for o in others if o],
                notes=cell(row, "notes"),
                row=line,
            )
        )
    return quotes
