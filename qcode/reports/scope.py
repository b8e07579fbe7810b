"""Which sources a report looks at: by case attribute, and in which language.

Shared by the pandas reports (mentions, terms) and the light ones (quotes, search), so
it imports no pandas: `qcode search` starts without loading it.
"""

from __future__ import annotations

from collections.abc import Iterable
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


def attribute_values(session: Session, name: str) -> list[str]:
    """Every value the case attribute `name` holds in the project, written as the
    mention counts label them ("41", not "41.0"; dates as YYYY-MM-DD)."""
    attribute = attribute_named(session, name)
    found: set[str] = set()
    for text, number, day in session.execute(
        select(CaseAttribute.value_text, CaseAttribute.value_number, CaseAttribute.value_date)
        .where(CaseAttribute.attribute_id == attribute.id)
    ):
        if text is not None:
            found.add(text)
        elif number is not None:
            found.add(str(int(number)) if float(number).is_integer() else str(number))
        elif day is not None:
            found.add(day.isoformat())
    return sorted(found)


# How studies name the case attribute that holds the stakeholder group, most specific
# first; the study compared its counts by it.
STAKEHOLDER = "stakeholder group"
_STAKEHOLDER_NAMES = (STAKEHOLDER, "stakeholder", "grupo de actores", "actor", "group", "grupo")


def pick_stakeholder(names: Iterable[str]) -> str | None:
    """Of the attribute names given, the one that holds the stakeholder group: a usual
    name, else any name with "stakeholder" in it; None when none looks like it."""
    keys = {name_key(name): name for name in names}
    for wanted in _STAKEHOLDER_NAMES:
        if name_key(wanted) in keys:
            return keys[name_key(wanted)]
    return next((name for key, name in sorted(keys.items()) if "stakeholder" in key), None)


def stakeholder_attribute(session: Session) -> str | None:
    """The project's stakeholder attribute as spelled there (see pick_stakeholder)."""
    return pick_stakeholder(session.scalars(select(Attribute.name)))
