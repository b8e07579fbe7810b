"""Copying a whole project, losslessly: a .qcode file up to a PostgreSQL database and back.

The target must be new (a file that does not exist yet, or is empty) or an empty
database. Its schema is built by qcode itself (stamped at head, like `qcode init`), then
every table's rows are copied in foreign-key order with their ids, all in one
transaction on the target: if anything fails, a database is left empty and a new file
is removed. The source is opened like any project (an older file is upgraded first) and
read from one snapshot, so a coder working on it meanwhile cannot make the copy
inconsistent.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Engine,
    Integer,
    Table,
    bindparam,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from qcode.errors import ProjectError
from qcode.progress import Progress
from qcode.services.project import describe_location, open_project
from qcode.store.engine import is_url, make_engine, sqlite_path
from qcode.store.migrate import build_schema
from qcode.store.models import Base, ProjectInfo

# Rows read and written per round trip: large enough to be fast on a server far away,
# small enough that a 100,000-coding project never sits in memory whole.
BATCH_ROWS = 2_000

"""Called as progress(rows copied, rows in all, table being copied)."""


@dataclass(frozen=True)
class CopySummary:
    """What `copy_project` copied; locations are shown without passwords."""

    source: str
    target: str
    name: str
    tables: int
    rows: int


def copy_project(source: str | Path, target: str | Path,
                 progress: Progress | None = None) -> CopySummary:
    """Copy the project at `source` into the new file or empty database `target`.

    Raises ProjectError, changing nothing, when the target already holds anything;
    on any failure during the copy the target is left as it was found.
    """
    source, target = str(source), str(target)
    shown_source, shown_target = describe_location(source), describe_location(target)
    locations = (source, target)
    path = sqlite_path(target)
    created_file = False
    if path is not None:
        if path.exists() and path.stat().st_size > 0:
            raise ProjectError(
                f"{path} already exists; copy into a new file or an empty database"
            )
        if not path.parent.exists():
            raise ProjectError(f"folder {path.parent} does not exist; create it first")
        created_file = not path.exists()
    else:
        # Refuse before opening the source, which may upgrade (change) it.
        with _reported(f"cannot open {shown_target}", locations):
            _check_target_empty(make_engine(target), shown_target, dispose=True)

    with _reported(f"cannot open {shown_source}", locations):
        project = open_project(source)
    engine = make_engine(target)
    try:
        with _reported(f"cannot copy {shown_source} to {shown_target}", locations):
            name, tables, rows = _copy(project.engine, engine, shown_target, progress)
    except BaseException:
        engine.dispose()
        if path is not None:
            _remove_file(path, keep_empty=not created_file)
        raise
    finally:
        project.close()
    engine.dispose()
    return CopySummary(shown_source, shown_target, name, tables, rows)


def _copy(source: Engine, target: Engine, shown_target: str,
          progress: Progress | None) -> tuple[str, int, int]:
    tables = Base.metadata.sorted_tables
    with _snapshot(source) as read, target.begin() as write:
        # Checked again inside the transaction: someone may have used it meanwhile.
        _check_target_empty(write, shown_target)
        project_table: Table = ProjectInfo.__table__  # type: ignore[assignment]
        info = dict(read.execute(select(project_table)).mappings().one())
        build_schema(write, info["name"], info["language"])
        counts = {t.name: read.scalar(select(func.count()).select_from(t)) or 0
                  for t in tables}
        total, done = sum(counts.values()), 0
        for table in tables:
            if table is project_table:
                # build_schema wrote the one row; give it the source's values.
                write.execute(update(table).where(table.c.id == info["id"])
                              .values(**_normalised(table, info)))
                done += 1
                continue
            for rows in _batches(read, table):
                _insert(write, table, rows)
                done += len(rows)
                if progress is not None:
                    progress(done, total, table.name)
        if write.dialect.name == "postgresql":
            _reset_sequences(write, tables)
        if progress is not None:
            progress(total, total, "")
    return info["name"], len(tables), total


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection whose reads all see the database as it was at the first one."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            with conn.begin():
                yield conn
        return
    with engine.connect() as conn:
        # pysqlite opens no transaction for reads; an explicit one pins a WAL snapshot.
        conn.exec_driver_sql("BEGIN")
        try:
            yield conn
        finally:
            conn.rollback()


def _batches(read: Connection, table: Table) -> Iterator[list[dict[str, Any]]]:
    query = select(table).order_by(*table.primary_key.columns)
    result = read.execution_options(yield_per=BATCH_ROWS).execute(query).mappings()
    for partition in result.partitions():
        yield [_normalised(table, row) for row in partition]


def _insert(write: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` keeping their ids; a table pointing at itself gets its links after."""
    own = [fk.parent for fk in table.foreign_keys if fk.column.table is table]
    if not own:
        write.execute(table.insert(), rows)
        return
    # A subdivision may name a parent with a higher id (it was moved): insert every row
    # without its parent, then set the parents, so no row waits for one not yet there.
    links = [row for row in rows if any(row[c.name] is not None for c in own)]
    write.execute(table.insert(), [{**row, **{c.name: None for c in own}} for row in rows])
    if links:
        (key,) = table.primary_key.columns  # every qcode table that points at itself
        write.execute(
            update(table).where(key == bindparam("_key"))
            .values({c.name: bindparam(f"_{c.name}") for c in own}),
            [{"_key": row[key.name], **{f"_{c.name}": row[c.name] for c in own}}
             for row in links],
        )


def _normalised(table: Table, row: Any) -> dict[str, Any]:
    """The row with every timestamp in UTC and aware (SQLite keeps them naive, in UTC)."""
    values = dict(row)
    for column in table.columns:
        value = values.get(column.name)
        if isinstance(value, datetime) and isinstance(column.type, DateTime):
            values[column.name] = (value.replace(tzinfo=UTC) if value.tzinfo is None
                                   else value.astimezone(UTC))
    return values


def _reset_sequences(write: Connection, tables: list[Table]) -> None:
    """Move each id sequence past the copied ids, so the next new row gets a fresh one."""
    for table in tables:
        keys: list[Column[Any]] = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        sequence = write.scalar(text("SELECT pg_get_serial_sequence(:table, :column)"),
                                {"table": table.name, "column": keys[0].name})
        if sequence is None:
            continue
        highest = write.scalar(select(func.max(keys[0])))
        # setval(seq, 1, false) makes the next id 1 again: right for an empty table.
        write.execute(select(func.setval(sequence, highest or 1, highest is not None)))


def _check_target_empty(bind: Engine | Connection, shown: str, dispose: bool = False) -> None:
    try:
        tables = inspect(bind).get_table_names()
    finally:
        if dispose and isinstance(bind, Engine):
            bind.dispose()
    if tables:
        raise ProjectError(
            f"{shown} already holds tables; copy into an empty database or a new file"
        )


def _remove_file(path: Path, keep_empty: bool) -> None:
    """Undo a file target: SQLite's side files go, the file itself goes or is emptied."""
    for side in (path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")):
        side.unlink(missing_ok=True)
    if keep_empty:
        path.write_bytes(b"")
    else:
        path.unlink(missing_ok=True)


@contextmanager
def _reported(failure: str, locations: tuple[str, ...]) -> Iterator[None]:
    """Database errors become one ProjectError line, with any password blanked out."""
    try:
        yield
    except ProjectError as exc:
        scrubbed = hide_passwords(str(exc), locations)
        if scrubbed == str(exc):
            raise
        raise ProjectError(scrubbed) from None
    except SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        raise ProjectError(hide_passwords(f"{failure}: {reason}", locations)) from None


def hide_passwords(message: str, locations: tuple[str, ...]) -> str:
    """`message` with the password of every database URL in `locations` replaced by ***."""
    for location in locations:
        if not is_url(location):
            continue
        try:
            password = make_url(location).password
        except Exception:  # an unparsable URL carries no password we could find
            continue
        if password:
            for form in {str(password), quote(str(password), safe="")}:
                message = message.replace(form, "***")
    return message
