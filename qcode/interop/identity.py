"""Keeping the identities other programs gave their items (REFI-QDA GUIDs) on import."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

# The schema's GUIDType, after qcode.interop.refi.normal_guid (lower case, no braces).
_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def adopt_guid(session: Session, row: Any, guid: str | None) -> None:
    """Give `row`, just made by an import, the GUID the file gave its item.

    A GUID the schema would refuse, or one another row of the table has already (the
    same file imported into a project that holds a copy of it), is not taken: the row
    keeps the new GUID it was made with, and a re-export still validates.
    """
    if not guid or not _GUID.fullmatch(guid) or row.guid == guid:
        return
    taken = _taken(session, type(row))
    if guid not in taken:
        taken.add(guid)
        row.guid = guid


def _taken(session: Session, model: type[Any]) -> set[str]:
    """The GUIDs of a table as this session knows them: read once, then kept up to
    date by adopt_guid (an import of 50,000 selections asked once per selection)."""
    known: dict[type[Any], set[str]] = session.info.setdefault("qcode.import.guids", {})
    if model not in known:
        with session.no_autoflush:
            known[model] = set(session.scalars(select(model.guid)))
        known[model].update(getattr(other, "guid", None) or "" for other in session.new
                            if type(other) is model)
    return known[model]
