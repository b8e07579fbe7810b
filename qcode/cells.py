"""How one value is written into a table cell: screen, CSV, Markdown or Excel.

Lists (other subdivisions, cases) become "a; b"; whole floats lose their ".0"; dates
are ISO. One place, so every output of qcode writes a value the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any


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


def markdown_table(columns: Sequence[Any], rows: Sequence[Sequence[Any]]) -> list[str]:
    """The lines of a Markdown table; pipes escaped, line breaks folded."""
    lines = ["| " + " | ".join(str(c) for c in columns) + " |",
             "|" + "|".join("---" for _ in columns) + "|"]
    for row in rows:
        cells = [cell_text(v).replace("|", "\\|").replace("\n", " ") for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return lines
