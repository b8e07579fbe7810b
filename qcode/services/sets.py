"""Sets: named groups of sources and codes, as other programs keep them.

MAXQDA's document sets, ATLAS.ti's document and code groups and NVivo's sets come in
from REFI-QDA files as sets and go back out as they came; a researcher makes their own
("Phase 1 interviews", "Literature"). A set of sources narrows any report to those
sources (`--sources-in SET`). Every function works inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from qcode.errors import InputError, NotFoundError
from qcode.names import clean_name, name_key, natural_key, text_or_none
from qcode.services import lookup
from qcode.services.project import Project
from qcode.store.models import Code, ItemSet, SetCode, SetSource, Source


@dataclass(frozen=True)
class SetInfo:
    """One set as listings show it: its members by name, in natural order."""

    name: str
    sources: list[str]
    codes: list[str]
    description: str | None


def list_sets(project: Project) -> list[SetInfo]:
    with project.reading() as session:
        sets = session.scalars(select(ItemSet)).all()
        sources: dict[int, list[str]] = {}
        for set_id, name in session.execute(
                select(SetSource.set_id, Source.name).join(Source)):
            sources.setdefault(set_id, []).append(name)
        codes: dict[int, list[str]] = {}
        for set_id, name in session.execute(select(SetCode.set_id, Code.name).join(Code)):
            codes.setdefault(set_id, []).append(name)
        return sorted((SetInfo(s.name, sorted(sources.get(s.id, []), key=natural_key),
                               sorted(codes.get(s.id, []), key=natural_key), s.description)
                       for s in sets), key=lambda s: natural_key(s.name))


def find_set(session: Session, name: str, create: bool = False) -> tuple[ItemSet, bool]:
    """The set called `name` (compared as names are); made when `create` is set."""
    key = name_key(name)
    if not key:
        raise InputError("a set needs a name")
    found = session.scalars(select(ItemSet).where(ItemSet.name_key == key)).first()
    if found is not None:
        return found, False
    if not create:
        raise NotFoundError(f"no set named {name!r}; `qcode sets` lists them")
    made = ItemSet(name=clean_name(name), name_key=key)
    session.add(made)
    session.flush()
    return made, True


def add_to_set(session: Session, name: str, sources: Sequence[str] = (),
               codes: Sequence[str] = (), description: str | None = None) -> ItemSet:
    """Put sources and codes in the set `name`, made if new; members it has stay.

    Raises:
        NotFoundError: A source or code named is not in the project.
    """
    found, _ = find_set(session, name, create=True)
    if description is not None:
        found.description = text_or_none(description)
    for ref in sources:
        add_member(session, found, lookup.source(session, ref))
    for ref in codes:
        add_member(session, found, lookup.code(session, ref)[0])
    session.flush()
    return found


def add_member(session: Session, found: ItemSet, member: Source | Code) -> bool:
    """Put one source or code in a set; False when it was in it already."""
    row: SetSource | SetCode = (SetSource(set_id=found.id, source_id=member.id)
                                if isinstance(member, Source)
                                else SetCode(set_id=found.id, code_id=member.id))
    with session.no_autoflush:
        if session.get(type(row), (found.id, member.id)) is not None:
            return False
    session.add(row)
    return True


def remove_from_set(session: Session, name: str, sources: Sequence[str] = (),
                    codes: Sequence[str] = ()) -> bool:
    """Take sources and codes out of the set `name`; with none named, delete the set
    (its sources and codes stay in the project). Returns whether the set was deleted."""
    found, _ = find_set(session, name)
    if not sources and not codes:
        session.delete(found)
        session.flush()
        return True
    for ref in sources:
        row = session.get(SetSource, (found.id, lookup.source(session, ref).id))
        if row is not None:
            session.delete(row)
    for ref in codes:
        code_row = session.get(SetCode, (found.id, lookup.code(session, ref)[0].id))
        if code_row is not None:
            session.delete(code_row)
    session.flush()
    return False


def sources_in(session: Session, names: Sequence[str]) -> Select[Any]:
    """The ids of the sources in any of the sets named (for a report's filter).

    Raises:
        NotFoundError: No set has one of the names (a typo would count nothing).
    """
    ids = [find_set(session, name)[0].id for name in names]
    return select(SetSource.source_id).where(SetSource.set_id.in_(ids))
