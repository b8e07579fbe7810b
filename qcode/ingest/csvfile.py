"""Reading CSV files the way spreadsheet programs write them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from qcode.cells import unneutralise
from qcode.errors import InputError
from qcode.ingest.limits import check_rows
from qcode.ingest.text import decode_transcript


def read_csv(path: Path) -> list[list[str]]:
    """The rows of a CSV file in any encoding qcode reads; "," ";" or tab separated.

    Only the separator is guessed: quoting stays Excel's (doubled quotes inside quoted
    cells), because guessing it misreads cells that quote speech. The apostrophe qcode's
    CSV exports put before formula-like text is taken off, so exports read back exactly.
    """
    text = decode_transcript(path.read_bytes(), str(path)).text
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            check_rows(len(rows), str(path))  # the header is a row too
            rows.append([unneutralise(cell) for cell in row])
        return rows
    except csv.Error as exc:  # mostly a cell over 128 kB: a quote mark left open
        raise InputError(
            f"{path}, line {reader.line_num}: {exc}; is a quote mark (\") left open "
            "there? close it and import again"
        ) from exc
