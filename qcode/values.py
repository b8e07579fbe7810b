"""Attribute values as people write them: numbers and dates in text.

One reading for a participants file (qcode.ingest.manifest) and for a value typed in the
workbench (qcode.services.cases.read_value): 41, 41.5, 41,5 and 1,200 are numbers;
2021-03-14, 14.03.2021 and 2021/03/14 are dates; 3/5/2021 could be either order, so it
is only a date once the order is known.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

NUMBER = re.compile(r"[+-]?(\d+([.,]\d+)?|\d{1,3}(,\d{3})+(\.\d+)?)")
DECIMAL_COMMA = re.compile(r"[+-]?\d+,(\d{1,2}|\d{4,})")  # 41,5 but not 1,200
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d")
# Day and month in either order, then the year: how spreadsheets write dates in a CSV.
SLASHED = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})")


def as_number(value: Any) -> float | None:
    """The number a cell or typed text holds, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    if not NUMBER.fullmatch(text):
        return None
    if DECIMAL_COMMA.fullmatch(text):  # a decimal comma, not a thousands separator
        text = text.replace(",", ".")
    return float(text.replace(",", ""))


def as_date(value: Any) -> date | None:
    """The date a cell or typed text holds in one of the unambiguous forms, else None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(str(value).strip(), fmt).date()
        except ValueError:
            continue
    return None
