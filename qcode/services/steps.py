"""Steps: the one way anything changes a project, and the record that lets undo replay it.

`step(project, label, coder)` (also `Project.step`) opens one transaction and notes the
rows it inserts, updates and deletes, whether through ORM objects (at each flush) or
through Core INSERT/UPDATE/DELETE statements run with the step's session. The record
is an `Action` row written in the same transaction, so a change and its undo
information are committed together or not at all; after a crash the history is whole.
Every committed step also moves the project's revision on by one, which is how an open
workbench learns that something changed (`revision`).

Inserted rows with long texts are recorded without them, by a digest of their values:
an import of ten thousand transcripts would otherwise store its texts twice. Undo
checks the digest, deletes the row and only then keeps its values in the record, for
a redo.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Result,
    Table,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction
from sqlalchemy.sql.dml import Delete, Insert, Update

from qcode.services import lookup
from qcode.services.backup import guarded
from qcode.services.project import Project
from qcode.store.models import Action, Base, Coder, ProjectInfo, utcnow

# A researcher can step back through at least this many of their own steps.
KEEP_ACTIONS = 500
_TRIM_EVERY = 25
# The key under which an insert's record holds the digest of the row it inserted.
DIGEST = "#digest"
_LABEL = "qcode.step.label"
_BACKUP = "qcode.step.backup"

Row = dict[str, Any]
Key = tuple[Any, ...]

_TABLE_ORDER = {table.name: n for n, table in enumerate(Base.metadata.sorted_tables)}
# Coders are who did things, not things done: undo never removes one (their steps,
# kept as history, point at them).
_UNRECORDED = {Action.__tablename__, Coder.__tablename__}


@dataclass(frozen=True)
class Change:
    """One row's change: kind is insert, update or delete; before/after as stored.

    An insert's `after` may hold only the row's key and its DIGEST (see the module).
    """

    kind: str
    table: str
    before: Row | None
    after: Row | None


class _Recorder:
    """Collects the rows one step changes, in an order that replays.

    Within a flush SQLAlchemy saves parents before children and deletes children before
    parents; the record keeps that order, so replaying it forwards (redo) or backwards
    (undo) never breaks a foreign key.
    """

    def __init__(self) -> None:
        self.changes: list[Change] = []
        self._before: dict[tuple[str, Key], Row | None] = {}
        self._savepoints: dict[SessionTransaction, int] = {}

    _EVENTS = ("before_flush", "after_flush", "do_orm_execute", "after_transaction_create",
               "after_soft_rollback")

    def attach(self, session: Session) -> None:
        for name in self._EVENTS:
            event.listen(session, name, getattr(self, name))

    def detach(self, session: Session) -> None:
        for name in self._EVENTS:
            event.remove(session, name, getattr(self, name))

    # --- savepoints: what a rolled-back savepoint changed was never done -------------

    def after_transaction_create(self, _session: Session,
                                 transaction: SessionTransaction) -> None:
        if transaction.nested:
            self._savepoints[transaction] = len(self.changes)

    def after_soft_rollback(self, _session: Session,
                            previous: SessionTransaction) -> None:
        mark = self._savepoints.pop(previous, None)
        if mark is not None:
            del self.changes[mark:]

    # --- ORM flushes ---------------------------------------------------------------------

    def before_flush(self, session: Session, _ctx: UOWTransaction, _instances: object) -> None:
        self._before = {}
        wanted: dict[str, set[Key]] = {}
        for obj in list(session.dirty) + list(session.deleted):
            table, key = _identity(obj)
            if key is not None and table.name not in _UNRECORDED:
                wanted.setdefault(table.name, set()).add(key)
        for name, keys in wanted.items():
            for key, row in rows_by_key(session, table_named(name), keys).items():
                self._before[(name, key)] = row
        # Rows the database itself will delete along with their parents.
        deleted: dict[str, list[Key]] = {}
        for obj in session.deleted:
            table, key = _identity(obj)
            if key is not None and table.name not in _UNRECORDED:
                deleted.setdefault(table.name, []).append(key)
        for name, doomed in deleted.items():
            self._before.update(_cascade(session, table_named(name), doomed))

    def after_flush(self, session: Session, _ctx: UOWTransaction) -> None:
        inserted: dict[str, set[Key]] = {}
        for obj in session.new:
            table, key = _identity(obj)
            if key is not None and table.name not in _UNRECORDED:
                inserted.setdefault(table.name, set()).add(key)
        saves: list[Change] = []
        for name, keys in inserted.items():
            saves.extend(_inserts(session, table_named(name), keys))
        self.changes.extend(_settle(session, saves, self._before))
        self._before = {}

    # --- Core statements -------------------------------------------------------------

    def do_orm_execute(self, state: ORMExecuteState) -> Result[Any] | None:
        """Record an INSERT/UPDATE/DELETE run through the step's session, then run it."""
        statement = state.statement
        if not isinstance(statement, Insert | Update | Delete):
            return None
        # The plain table: an ORM statement's is annotated, and selects give entities.
        table = Base.metadata.tables.get(getattr(statement.table, "name", ""))
        if table is None or table.name in _UNRECORDED:
            return None
        if isinstance(statement, Insert):
            if statement._returning:  # noqa: SLF001 - the caller's columns would change
                raise AssertionError("a recorded INSERT must not ask for RETURNING itself")
            # The stored rows come back with the insert: nothing to read again.
            result = state.invoke_statement(statement=statement.returning(*table.columns))
            frozen = result.freeze()
            names = [c.name for c in table.columns]
            self.changes.extend(Change("insert", table.name, None,
                                       compact(table, dict(zip(names, row, strict=True))))
                                for row in frozen.data)
            return frozen()
        if isinstance(state.parameters, list):
            raise AssertionError("a recorded UPDATE/DELETE takes one set of values, not many")
        chosen = select(table)
        if statement.whereclause is not None:
            chosen = chosen.where(statement.whereclause)
        before = {(table.name, key_of(table, row)): dict(row)
                  for row in state.session.execute(chosen).mappings()}
        if isinstance(statement, Delete) and before:
            before.update(_cascade(state.session, table, [key for _, key in before]))
        result = state.invoke_statement()
        self.changes.extend(_settle(state.session, [], before))
        return result


def _inserts(session: Session, table: Table, keys: set[Key]) -> list[Change]:
    return [Change("insert", table.name, None, compact(table, row))
            for row in rows_by_key(session, table, keys).values()]


def _settle(session: Session, saves: list[Change],
            before: Mapping[tuple[str, Key], Row | None]) -> list[Change]:
    """The inserts in `saves` with the updates and deletes of the rows read `before`."""
    saves = list(saves)
    deletes: list[Change] = []
    keys_of: dict[str, set[Key]] = {}
    for (name, key), row in before.items():
        if row is not None:
            keys_of.setdefault(name, set()).add(key)
    for name, keys in keys_of.items():
        now = rows_by_key(session, table_named(name), keys)
        for key in keys:
            old = before[(name, key)]
            new = now.get(key)
            if new is None:
                deletes.append(Change("delete", name, old, None))
            elif new != old:
                saves.append(Change("update", name, old, new))
    saves.sort(key=lambda c: (_TABLE_ORDER[c.table], c.kind != "insert",
                              _sort_key(c.table, c.after)))
    deletes.sort(key=lambda c: (-_TABLE_ORDER[c.table], _sort_key(c.table, c.before)))
    return saves + deletes


def _cascade(session: Session, parent: Table, keys: list[Key]) -> dict[tuple[str, Key], Row]:
    """The rows ON DELETE CASCADE would remove with the `parent` rows of `keys`."""
    found: dict[tuple[str, Key], Row] = {}
    for child in Base.metadata.sorted_tables:
        for fk in child.foreign_key_constraints:
            if fk.referred_table is not parent or fk.ondelete != "CASCADE":
                continue
            (column,) = fk.columns  # every qcode foreign key is one column
            rows = session.execute(select(child).where(
                column.in_([key[0] for key in keys]))).mappings().all()
            child_keys = []
            for row in rows:
                key = key_of(child, row)
                found.setdefault((child.name, key), dict(row))
                child_keys.append(key)
            if child_keys:
                found.update(_cascade(session, child, child_keys))
    return found


# --- rows, keys and digests ------------------------------------------------------------


def table_named(name: str) -> Table:
    return Base.metadata.tables[name]


def _identity(obj: object) -> tuple[Table, Key | None]:
    state = inspect(obj)
    table = state.mapper.local_table
    assert isinstance(table, Table)
    key = state.mapper.primary_key_from_instance(obj)
    return table, (tuple(key) if all(k is not None for k in key) else None)


def key_of(table: Table, row: Any) -> Key:
    """A row's primary key, from anything indexed by column name."""
    return tuple(row[c.name] for c in table.primary_key.columns)


def _sort_key(table: str, row: Row | None) -> Key:
    return key_of(table_named(table), row) if row else ()


def key_batches(table: Table, keys: Iterable[Key], size: int = 500
                ) -> Iterator[ColumnElement[bool]]:
    """WHERE conditions picking the rows of these keys, `size` keys at a time."""
    columns = list(table.primary_key.columns)
    ordered = list(keys)
    for i in range(0, len(ordered), size):
        chunk = ordered[i:i + size]
        yield (columns[0].in_([k[0] for k in chunk]) if len(columns) == 1
               else tuple_(*columns).in_(chunk))


def rows_by_key(session: Session, table: Table, keys: set[Key]) -> dict[Key, Row]:
    """The stored rows of `table` with these primary keys, read in batches."""
    found: dict[Key, Row] = {}
    for where in key_batches(table, sorted(keys, key=repr)):
        for row in session.execute(select(table).where(where)).mappings():
            found[key_of(table, row)] = dict(row)
    return found


def digest(row: Row) -> str:
    """A short fingerprint of a stored row's values, to tell whether it changed since."""
    body = json.dumps({k: v for k, v in row.items() if k != DIGEST},
                      sort_keys=True, ensure_ascii=False, default=_iso)
    return hashlib.blake2b(body.encode(), digest_size=12).hexdigest()


# Longer texts of an inserted row (a transcript, a quote) are left to its digest.
_KEPT_TEXT = 80


def compact(table: Table, row: Row) -> Row:
    """An inserted row as the record keeps it: whole, or without its long texts.

    Keys, references and short values stay as they are (an edit finds the steps on
    its source by them, and a small row is compared whole); a long text, where an
    import's size is, is dropped and the row's digest kept instead.
    """
    if not any(isinstance(value, str) and len(value) > _KEPT_TEXT for value in row.values()):
        return row
    kept = {name: value for name, value in row.items()
            if not (isinstance(value, str) and len(value) > _KEPT_TEXT)}
    return {**kept, **{c.name: row[c.name] for c in table.primary_key.columns},
            DIGEST: digest(row)}


def is_compact(row: Row | None) -> bool:
    return row is not None and DIGEST in row


def same_row(stored: Row | None, recorded: Row | None) -> bool:
    """Whether the stored row is the one a record describes (whole, or by digest)."""
    if stored is None or recorded is None:
        return stored is recorded
    if is_compact(recorded):
        return digest(stored) == recorded[DIGEST]
    return stored == recorded


# --- the step itself -------------------------------------------------------------------


@contextmanager
def step(project: Project, label: str, coder: str | None = None, *, dry_run: bool = False,
         undoable: bool = True, backup_before: str | None = None,
         backup: str | None = None) -> Iterator[Session]:
    """One step: a transaction whose row changes are recorded for undo, then committed.

    `dry_run` rolls everything back and records nothing, so a preview sees every effect
    and keeps none. `backup_before` names a bulk operation: a .qcode file is backed up
    first (qcode.services.backup.guarded) and the step names that copy. A step with
    `undoable` false (a repair, a copy) is recorded as history but not replayed; undo
    stops there and names its backup (`backup` names a copy made beforehand, as a
    schema upgrade does). A step that changed nothing leaves no record.
    """
    guard = guarded(project, backup_before) if backup_before and not dry_run else nullcontext()
    with guard as made, project.transaction(rollback=dry_run) as session:
        if made is not None and made.path is not None:
            session.info[_BACKUP] = str(made.path)
        elif backup is not None:
            session.info[_BACKUP] = backup
        recorder = _Recorder()
        if undoable:
            recorder.attach(session)
        try:
            yield session
            session.flush()
        finally:
            if undoable:
                recorder.detach(session)
        if dry_run or (undoable and not recorder.changes):
            return
        # Only now: a step that changed nothing adds no coder either.
        who = lookup.coder(session, coder)
        record(session, who.id, str(session.info.get(_LABEL, label)), recorder.changes,
               undoable, session.info.get(_BACKUP))


def backup_made(session: Session) -> str | None:
    """The copy the step of this session made before it began (None: no copy)."""
    found = session.info.get(_BACKUP)
    return str(found) if found else None


@contextmanager
def savepoint(session: Session) -> Iterator[None]:
    """A part of a step that fails alone: its changes, and their record, roll back and
    the rest of the step goes on (an import's refused file among good ones)."""
    lookup.hold_sqlite_writer(session)  # a savepoint must not open the transaction itself
    with session.begin_nested():
        yield


def relabel(session: Session, label: str) -> None:
    """Name the step this session belongs to once its outcome is known ("import 12 files")."""
    session.info[_LABEL] = label


def record(session: Session, coder_id: int, label: str, changes: list[Change],
           undoable: bool = True, backup: str | None = None) -> None:
    """Store one step in the caller's transaction, and move the revision on."""
    # A new step ends the coder's redo chain, as in every editor.
    session.execute(delete(Action).where(Action.coder_id == coder_id,
                                         Action.state == "undone"))
    action_id = session.scalar(insert(Action).values(
        coder_id=coder_id, label=label[:300], changes=dump(changes), state="done",
        undoable=undoable, backup=backup, created_at=utcnow()).returning(Action.id))
    # The oldest steps go now and then, not on every step (a few more are kept between).
    if action_id is not None and action_id % _TRIM_EVERY == 0:
        kept = select(Action.id).where(Action.coder_id == coder_id).order_by(
            Action.id.desc()).limit(KEEP_ACTIONS).subquery()
        oldest = session.scalar(select(func.min(kept.c.id)))
        if oldest is not None:
            session.execute(delete(Action).where(Action.coder_id == coder_id,
                                                 Action.id < oldest))
    advance_revision(session)


def advance_revision(session: Session) -> None:
    """Move the project's revision on: last of all in a transaction, so the row is held
    only until the commit and no two writers can wait on each other for it."""
    session.execute(update(ProjectInfo).values(revision=ProjectInfo.revision + 1))


def revision(project: Project) -> int:
    """How many steps, undos and redos the project has seen: cheap enough to poll."""
    with project.reading() as session:
        return int(session.scalar(select(ProjectInfo.revision)) or 0)


# --- the record as JSON ----------------------------------------------------------------


def dump(changes: list[Change]) -> str:
    return json.dumps(
        [[c.kind, c.table, c.before, c.after] for c in changes],
        ensure_ascii=False, separators=(",", ":"), default=_iso,
    )


def load(text: str) -> list[Change]:
    return [Change(kind, table, _decode(table, before), _decode(table, after))
            for kind, table, before, after in json.loads(text)]


def _iso(value: object) -> str:
    """Dates and times as JSON holds them (json.dumps asks only for what it cannot
    write itself, so the rows need no pass of their own first)."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a stored value")


def _decode(table_name: str, row: Row | None) -> Row | None:
    """JSON back to stored values: dates and datetimes by their column's type."""
    if row is None:
        return None
    table = table_named(table_name)
    decoded: Row = {}
    for name, value in row.items():
        python_type = _python_type(table, name) if name != DIGEST else None
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
