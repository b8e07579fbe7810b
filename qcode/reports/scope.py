"""Which sources a report looks at: by case attribute, and in which language.

Shared by the pandas reports (mentions, terms) and the light ones (quotes, search), so
it imports no pandas: `qcode search` starts without loading it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from qcode.errors import InputError, NotFoundError
from qcode.names import name_key
from qcode.store.models import Attribute, CaseAttribute, Source, SourceCase


def attribute_named(session: Session, name: str) -> Attribute:
    """The case attribute called `name` (any case and spacing), or a clear error."""
    found = session.scalars(select(Attribute).where(Attribute.name_key == name_key(name))).first()
    if found is None:
        known = ", ".join(session.scalars(select(Attribute.name)).all()) or "none yet"
        raise NotFoundError(f"no case attribute {name!r} (known: {known})")
    return found


def sources_with(session: Session, name: str, value: str) -> Select[Any]:
    """Sources of the cases whose attribute `name` equals `value` (typed comparison)."""
    attribute = attribute_named(session, name)
    if attribute.type == "number":
        try:
            matches: ColumnElement[bool] = CaseAttribute.value_number == float(value)
        except ValueError as exc:
            raise InputError(f"attribute {name!r} holds numbers; {value!r} is not one") from exc
    elif attribute.type == "date":
        try:
            matches = CaseAttribute.value_date == date.fromisoformat(value)
        except ValueError as exc:
            raise InputError(f"attribute {name!r} holds dates; give YYYY-MM-DD") from exc
    else:
        matches = func.lower(CaseAttribute.value_text) == value.lower()
    return (
        select(SourceCase.source_id)
        .join(CaseAttribute, CaseAttribute.case_id == SourceCase.case_id)
        .where(CaseAttribute.attribute_id == attribute.id, matches)
    )


def source_languages(session: Session) -> dict[int | None, str]:
    """Each source's language: its own, else its case's "language" attribute."""
    found: dict[int | None, str] = {
        sid: lang for sid, lang in session.execute(
            select(Source.id, Source.language).where(Source.language.is_not(None))
        ) if lang
    }
    for sid, lang in session.execute(
        select(SourceCase.source_id, func.min(CaseAttribute.value_text))
        .join(CaseAttribute, CaseAttribute.case_id == SourceCase.case_id)
        .join(Attribute, Attribute.id == CaseAttribute.attribute_id)
        .where(Attribute.name_key == "language")
        .group_by(SourceCase.source_id)
    ):
        if lang and sid not in found:
            found[sid] = lang.strip().lower()[:2]
    return found
