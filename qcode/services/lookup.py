"""Finding and creating rows by the names users type, inside a caller's transaction."""

from __future__ import annotations

import getpass
import os
from collections import defaultdict
from typing import TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from qcode.errors import InputError, NotFoundError
from qcode.names import clean_name, name_key
from qcode.store.models import Case, Code, Coder, Source, SourceCase, Subdivision

# Twelve colours that stay distinct from each other on dark and light terminals; a new
# code takes the next one, so neighbouring codes in the codebook differ.
CODE_COLOURS = (
    "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4",
    "#f032e6", "#bfef45", "#469990", "#9a6324", "#800000", "#808000",
)


def default_coder_name() -> str:
    """The coder recorded when none is given: $QCODE_CODER, else the login name."""
    return os.environ.get("QCODE_CODER") or getpass.getuser() or "coder"


def coder(session: Session, name: str | None) -> Coder:
    name = clean_name(name or default_coder_name())
    found = session.scalars(select(Coder).where(Coder.name == name)).first()
    if found is None:
        found = Coder(name=name)
        session.add(found)
        session.flush()
    return found


def source(session: Session, ref: str) -> Source:
    """A source by id, by name, or by its original file name."""
    query = select(Source).where(
        or_(Source.name == ref, Source.original_filename == ref)
    )
    if ref.isdigit():
        query = select(Source).where(or_(Source.id == int(ref), Source.name == ref))
    found = session.scalars(query).first()
    if found is None:
        raise NotFoundError(f"no source named {ref!r}; `qcode sources` lists them")
    return found


def code(session: Session, name: str, create: bool = False) -> tuple[Code, bool]:
    """The code called `name` (compared by name_key); created when `create` is set."""
    found = _named(session, Code, name, "code", create)
    if found is not None:
        return found, False
    used = session.scalar(select(func.count()).select_from(Code)) or 0
    colour = CODE_COLOURS[used % len(CODE_COLOURS)]
    return _added(session, Code(name=clean_name(name), name_key=name_key(name), color=colour))


def subdivision(
    session: Session,
    name: str,
    create: bool = False,
    parent: Subdivision | None = None,
    kind: str = "subdivision",
) -> tuple[Subdivision, bool]:
    """The subdivision (or group) called `name`; created under `parent` when `create`."""
    found = _named(session, Subdivision, name, "subdivision", create)
    if found is not None:
        return found, False
    # Last among its siblings, so a reordered tree keeps its order.
    siblings = Subdivision.parent_id.is_(None) if parent is None else (
        Subdivision.parent_id == parent.id)
    last = session.scalar(select(func.max(Subdivision.position)).where(siblings))
    return _added(session, Subdivision(name=clean_name(name), name_key=name_key(name),
                                       parent=parent, kind=kind,
                                       position=0 if last is None else last + 1))


Named = TypeVar("Named", Code, Subdivision)


def _named(session: Session, model: type[Named], name: str, what: str,
           create: bool) -> Named | None:
    """The row whose name_key matches `name`; None only when it may be created."""
    key = name_key(name)
    if not key:
        raise InputError(f"a {what} name cannot be empty")
    found = session.scalars(select(model).where(model.name_key == key)).first()
    if found is None and not create:
        raise NotFoundError(f"no {what} named {name!r}; `qcode {what}s` lists them")
    return found


def _added(session: Session, row: Named) -> tuple[Named, bool]:
    session.add(row)
    session.flush()
    return row, True


def cases_by_source(session: Session) -> dict[int, list[str]]:
    """Case keys per source id, for listings."""
    cases: dict[int, list[str]] = defaultdict(list)
    for source_id, key in session.execute(
        select(SourceCase.source_id, Case.key).join(Case, SourceCase.case_id == Case.id)
        .order_by(Case.key)
    ):
        cases[source_id].append(key)
    return cases
