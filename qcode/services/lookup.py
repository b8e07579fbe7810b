"""Finding and creating rows by the names users type, inside a caller's transaction."""

from __future__ import annotations

import getpass
import os
from collections import defaultdict
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
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
    query = select(Coder).where(Coder.name == name)
    found = session.scalars(query).first()
    return found if found is not None else get_or_add(session, query, Coder(name=name))[0]


def known_coder(session: Session, name: str | None) -> Coder | None:
    """The coder named `name` (default: the current one) if they exist; never adds one."""
    name = clean_name(name or default_coder_name())
    return session.scalars(select(Coder).where(Coder.name == name)).first()


def source(session: Session, ref: str) -> Source:
    """A source by name, else by id (`ref` all digits), else by original file name.

    The order is fixed, so a source named "7" beside the source with id 7 always gives
    the same answer: the one named "7". Names come first because the workbench and the
    importers pass names (names are unique, so a name never picks the wrong source).
    """
    found = session.scalars(select(Source).where(Source.name == ref)).first()
    if found is None and ref.isdigit():
        found = session.get(Source, int(ref))
    if found is None:
        # Two imports of one file name: the first imported, not whichever comes first.
        found = session.scalars(select(Source).where(Source.original_filename == ref)
                                .order_by(Source.id)).first()
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
    return get_or_add(session, select(Code).where(Code.name_key == name_key(name)),
                      Code(name=clean_name(name), name_key=name_key(name), color=colour))


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
    return get_or_add(session, select(Subdivision).where(Subdivision.name_key == name_key(name)),
                      Subdivision(name=clean_name(name), name_key=name_key(name),
                                  parent=parent, kind=kind,
                                  position=next_position(session, parent)))


def next_position(session: Session, parent: Subdivision | None,
                  exclude: Subdivision | None = None) -> int:
    """One past the last node or code under `parent` (None: the top level), so a new or
    moved entry of the codebook tree goes last there."""
    nodes = Subdivision.parent_id.is_(None) if parent is None else (
        Subdivision.parent_id == parent.id)
    if exclude is not None:
        nodes = nodes & (Subdivision.id != exclude.id)
    codes = Code.subdivision_id.is_(None) if parent is None else (
        Code.subdivision_id == parent.id)
    with session.no_autoflush:
        last = [session.scalar(select(func.max(Subdivision.position)).where(nodes)),
                session.scalar(select(func.max(Code.position)).where(codes))]
    return max((n for n in last if n is not None), default=-1) + 1


def home_code(session: Session, code: Code, parent: Subdivision | None) -> None:
    """Put `code` last under `parent` in the codebook tree (None: the top level)."""
    code.position = next_position(session, parent)
    code.subdivision = parent


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


Row = TypeVar("Row")


def get_or_add(session: Session, query: Select[Any], row: Row) -> tuple[Row, bool]:
    """Add `row` (True) unless another coder has just added its twin: then that (False).

    Callers look first and call this for a row that was not there, but on a shared
    project someone else may add the same code, subdivision or quote span in between.
    The insert runs in a savepoint, so a clash with their committed row rolls back only
    the savepoint, and `query` then finds their row.
    """
    session.flush()  # pending rows must not fail inside the savepoint and be taken for a clash
    hold_sqlite_writer(session)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        found = session.scalars(query).first()
        if found is None:
            raise
        return found, False
    return row, True


def hold_sqlite_writer(session: Session) -> None:
    """On SQLite, open the transaction now, taking the write lock (elsewhere: nothing).

    Callers use it before a savepoint, or before reading what they are about to change
    so that no other writer changes it in between. pysqlite starts a transaction only
    at the first INSERT/UPDATE/DELETE; a SAVEPOINT issued before that would start one
    itself, and releasing it would commit early. BEGIN IMMEDIATE waits (busy_timeout)
    for another writer instead of failing later.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    dbapi_connection: Any = connection.connection.dbapi_connection
    if not dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def cases_by_source(session: Session) -> dict[int, list[str]]:
    """Case keys per source id, for listings."""
    cases: dict[int, list[str]] = defaultdict(list)
    for source_id, key in session.execute(
        select(SourceCase.source_id, Case.key).join(Case, SourceCase.case_id == Case.id)
        .order_by(Case.key)
    ):
        cases[source_id].append(key)
    return cases
