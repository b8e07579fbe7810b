"""Reading CSV files the way spreadsheet programs write them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from qcode.ingest.text import decode_transcript


def read_csv(path: Path) -> list[list[str]]:
    """The rows of a CSV file in any encoding qcode reads; "," ";" or tab separated.

    Only the separator is guessed: quoting stays Excel's (doubled quotes inside quoted
    cells), because guessing it misreads cells that quote speech.
    """
    text = decode_transcript(path.read_bytes(), str(path)).text
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
