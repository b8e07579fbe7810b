"""Undo and redo: every step a coder takes is one transaction plus a record of its rows.

`action(project, label)` opens a transaction like `Project.session()` and notes, at each
flush, the rows inserted, updated and deleted (read back from the database, so defaults
and rows removed by ON DELETE CASCADE are caught too). The record is stored in the same
transaction, so a step and its undo information are committed together or not at all;
after a crash the history is still there. Undo replays the rows backwards, redo forwards,
each in one transaction, and refuses (changing nothing) when later work by someone else
touched the same rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, delete, event, func, insert, inspect, select, tuple_, update
from sqlalchemy.orm import Session, UOWTransaction

from qcode.errors import ConstraintError
from qcode.services import lookup
from qcode.services.project import Project
from qcode.store.models import Action, Base

# A researcher can step back through at least this many of their own actions.
KEEP_ACTIONS = 500

Row = dict[str, Any]
Key = tuple[Any, ...]

_TABLE_ORDER = {table.name: n for n, table in enumerate(Base.metadata.sorted_tables)}


@dataclass(frozen=True)
class ActionInfo:
    id: int
    label: str
    coder: str
    state: str
    created_at: datetime


@dataclass(frozen=True)
class Change:
    """One row's change: kind is insert, update or delete; before/after as stored."""

    kind: str
    table: str
    before: Row | None
    after: Row | None


class _Recorder:
    """Collects the rows one action changes, flush by flush, in an order that replays.

    Within a flush SQLAlchemy saves parents before children and deletes children before
    parents; the record keeps that order, so replaying it forwards (redo) or backwards
    (undo) never breaks a foreign key.
    """

    def __init__(self) -> None:
        self.changes: list[Change] = []
        self._before: dict[tuple[str, Key], Row | None] = {}

    def before_flush(self, session: Session, _ctx: UOWTransaction, _instances: object) -> None:
        self._before = {}
        wanted: dict[str, set[Key]] = {}
        for obj in list(session.dirty) + list(session.deleted):
            table, key = _identity(obj)
            if key is not None:
                wanted.setdefault(table.name, set()).add(key)
        for name, keys in wanted.items():
            for key, row in _rows(session, _table(name), keys).items():
                self._before[(name, key)] = row
        # Rows the database itself will delete along with their parents.
        for obj in session.deleted:
            table, key = _identity(obj)
            if key is not None:
                self._collect_cascade(session, table, [key])

    def _collect_cascade(self, session: Session, parent: Table, keys: list[Key]) -> None:
        for child in Base.metadata.sorted_tables:
            for fk in child.foreign_key_constraints:
                if fk.referred_table is not parent or fk.ondelete != "CASCADE":
                    continue
                (column,) = fk.columns  # every qcode foreign key is one column
                ids = [key[0] for key in keys]
                rows = session.execute(select(child).where(column.in_(ids))).mappings().all()
                found = []
                for row in rows:
                    key = _key_of(child, row)
                    self._before.setdefault((child.name, key), dict(row))
                    found.append(key)
                if found:
                    self._collect_cascade(session, child, found)

    def after_flush(self, session: Session, _ctx: UOWTransaction) -> None:
        inserted: dict[str, set[Key]] = {}
        for obj in session.new:
            table, key = _identity(obj)
            if key is not None:
                inserted.setdefault(table.name, set()).add(key)
        saves: list[Change] = []
        for name, keys in inserted.items():
            for row in _rows(session, _table(name), keys).values():
                saves.append(Change("insert", name, None, row))
        deletes: list[Change] = []
        updated_keys: dict[str, set[Key]] = {}
        for (name, key), before in self._before.items():
            if before is not None:
                updated_keys.setdefault(name, set()).add(key)
        for name, keys in updated_keys.items():
            now = _rows(session, _table(name), keys)
            for key in keys:
                before = self._before[(name, key)]
                after = now.get(key)
                if after is None:
                    deletes.append(Change("delete", name, before, None))
                elif after != before:
                    saves.append(Change("update", name, before, after))
        saves.sort(key=lambda c: (_TABLE_ORDER[c.table], c.kind != "insert",
                                  _sort_key(c.table, c.after)))
        deletes.sort(key=lambda c: (-_TABLE_ORDER[c.table], _sort_key(c.table, c.before)),
                     reverse=False)
        self.changes.extend(saves + deletes)
        self._before = {}


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _identity(obj: object) -> tuple[Table, Key | None]:
    state = inspect(obj)
    table = state.mapper.local_table
    assert isinstance(table, Table)
    key = state.mapper.primary_key_from_instance(obj)
    return table, (tuple(key) if all(k is not None for k in key) else None)


def _key_of(table: Table, row: Any) -> Key:
    return tuple(row[c.name] for c in table.primary_key.columns)


def _sort_key(table: str, row: Row | None) -> Key:
    return _key_of(_table(table), row) if row else ()


def _rows(session: Session, table: Table, keys: set[Key]) -> dict[Key, Row]:
    """The stored rows of `table` with these primary keys, read in batches."""
    columns = list(table.primary_key.columns)
    found: dict[Key, Row] = {}
    ordered = sorted(keys, key=repr)
    for i in range(0, len(ordered), 500):
        chunk = ordered[i:i + 500]
        if len(columns) == 1:
            where = columns[0].in_([k[0] for k in chunk])
        else:
            where = tuple_(*columns).in_(chunk)
        for row in session.execute(select(table).where(where)).mappings():
            found[_key_of(table, row)] = dict(row)
    return found


@contextmanager
def action(project: Project, label: str, coder: str | None = None) -> Iterator[Session]:
    """One undoable step: a transaction whose row changes are recorded with it.

    Write through ORM objects inside the block; Core statements bypass the record.
    """
    with project.session() as session:
        who = lookup.coder(session, coder)
        recorder = _Recorder()
        event.listen(session, "before_flush", recorder.before_flush)
        event.listen(session, "after_flush", recorder.after_flush)
        try:
            yield session
            session.flush()
        finally:
            event.remove(session, "before_flush", recorder.before_flush)
            event.remove(session, "after_flush", recorder.after_flush)
        if recorder.changes:
            _record(session, who.id, label, recorder.changes)


def _record(session: Session, coder_id: int, label: str, changes: list[Change]) -> None:
    # A new step ends the coder's redo chain, as in every editor.
    session.execute(delete(Action).where(Action.coder_id == coder_id,
                                         Action.state == "undone"))
    session.add(Action(coder_id=coder_id, label=label, changes=_dump(changes), state="done"))
    session.flush()
    kept = select(Action.id).where(Action.coder_id == coder_id).order_by(
        Action.id.desc()).limit(KEEP_ACTIONS).subquery()
    oldest = session.scalar(select(func.min(kept.c.id)))
    if oldest is not None:
        session.execute(delete(Action).where(Action.coder_id == coder_id, Action.id < oldest))


def undo(project: Project, coder: str | None = None) -> ActionInfo | None:
    """Take back the coder's last step; None when there is nothing to undo."""
    return _replay(project, coder, "done", backwards=True)


def redo(project: Project, coder: str | None = None) -> ActionInfo | None:
    """Do again the coder's last undone step; None when there is nothing to redo."""
    return _replay(project, coder, "undone", backwards=False)


def _replay(project: Project, coder: str | None, state: str,
            backwards: bool) -> ActionInfo | None:
    with project.session() as session:
        who = lookup.known_coder(session, coder)
        if who is None:  # someone who never did anything has nothing to undo
            return None
        order = Action.id.desc() if backwards else Action.id.asc()
        found = session.scalars(
            select(Action).where(Action.coder_id == who.id, Action.state == state).order_by(order)
        ).first()
        if found is None:
            return None
        changes = _load(found.changes)
        steps = reversed(changes) if backwards else iter(changes)
        for change in steps:
            _apply(session, change, backwards, found.label)
        found.state = "undone" if backwards else "done"
        return ActionInfo(found.id, found.label, who.name, found.state, found.created_at)


def _apply(session: Session, change: Change, backwards: bool, label: str) -> None:
    table = _table(change.table)
    kind = change.kind
    have, want = (change.after, change.before) if backwards else (change.before, change.after)
    if backwards:
        kind = {"insert": "delete", "delete": "insert", "update": "update"}[kind]
    row = have if kind == "delete" else want
    assert row is not None
    key = _key_of(table, row)
    current = _rows(session, table, {key}).get(key)
    changed_since = (current is not None) if kind == "insert" else (current != have)
    if changed_since:
        raise ConstraintError(
            f"cannot {'undo' if backwards else 'redo'} {label!r}: later work changed the "
            f"same {change.table} row; nothing was changed"
        )
    where = [c == v for c, v in zip(table.primary_key.columns, key, strict=True)]
    if kind == "insert":
        session.execute(insert(table).values(**row))
    elif kind == "delete":
        session.execute(delete(table).where(*where))
    else:
        session.execute(update(table).where(*where).values(**row))


def history(project: Project, coder: str | None = None, limit: int = 20) -> list[ActionInfo]:
    """The coder's latest steps, newest first, with whether each is done or undone."""
    with project.session() as session:
        who = lookup.known_coder(session, coder)
        if who is None:
            return []
        rows = session.scalars(
            select(Action).where(Action.coder_id == who.id).order_by(Action.id.desc())
            .limit(limit)
        ).all()
        return [ActionInfo(a.id, a.label, who.name, a.state, a.created_at) for a in rows]


def _dump(changes: list[Change]) -> str:
    return json.dumps(
        [[c.kind, c.table, _encode(c.before), _encode(c.after)] for c in changes],
        ensure_ascii=False, separators=(",", ":"),
    )


def _load(text: str) -> list[Change]:
    return [Change(kind, table, _decode(table, before), _decode(table, after))
            for kind, table, before, after in json.loads(text)]


def _encode(row: Row | None) -> Row | None:
    if row is None:
        return None
    return {k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in row.items()}


def _decode(table_name: str, row: Row | None) -> Row | None:
    """JSON back to stored values: dates and datetimes by their column's type."""
    if row is None:
        return None
    table = _table(table_name)
    decoded: Row = {}
    for name, value in row.items():
        python_type = _python_type(table, name)
        if value is not None and python_type is datetime:
            value = datetime.fromisoformat(value)
        elif value is not None and python_type is date:
            value = date.fromisoformat(value)
        decoded[name] = value
    return decoded


def _python_type(table: Table, column: str) -> type | None:
    try:
        return table.c[column].type.python_type
    except NotImplementedError:
        return None
