"""Finding and creating rows by the names users type, inside a caller's transaction."""

from __future__ import annotations

import getpass
import os
from collections import defaultdict

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


def case(session: Session, key: str) -> Case:
    found = session.scalars(select(Case).where(func.lower(Case.key) == key.lower())).first()
    if found is None:
        raise NotFoundError(f"no case {key!r}; `qcode cases` lists them")
    return found


def code(session: Session, name: str, create: bool = False) -> tuple[Code, bool]:
    """The code called `name` (compared by name_key); created when `create` is set."""
    key = _key(name, "code")
    found = session.scalars(select(Code).where(Code.name_key == key)).first()
    if found is not None:
        return found, False
    if not create:
        raise NotFoundError(f"no code named {name!r}; `qcode codes` lists them")
    used = session.scalar(select(func.count()).select_from(Code)) or 0
    found = Code(name=clean_name(name), name_key=key, color=CODE_COLOURS[used % len(CODE_COLOURS)])
    session.add(found)
    session.flush()
    return found, True


def subdivision(
    session: Session,
    name: str,
    create: bool = False,
    parent: Subdivision | None = None,
    kind: str = "subdivision",
) -> tuple[Subdivision, bool]:
    """The subdivision (or group) called `name`; created under `parent` when `create`."""
    key = _key(name, "subdivision")
    found = session.scalars(select(Subdivision).where(Subdivision.name_key == key)).first()
    if found is not None:
        return found, False
    if not create:
        raise NotFoundError(f"no subdivision named {name!r}; `qcode subdivisions` lists them")
    found = Subdivision(name=clean_name(name), name_key=key, parent=parent, kind=kind)
    session.add(found)
    session.flush()
    return found, True


def _key(name: str, what: str) -> str:
    key = name_key(name)
    if not key:
        raise InputError(f"a {what} name cannot be empty")
    return key


def cases_by_source(session: Session) -> dict[int, list[str]]:
    """Case keys per source id, for listings."""
    cases: dict[int, list[str]] = defaultdict(list)
    for source_id, key in session.execute(
        select(SourceCase.source_id, Case.key).join(Case, SourceCase.case_id == Case.id)
        .order_by(Case.key)
    ):
        cases[source_id].append(key)
    return cases
