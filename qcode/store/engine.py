"""Engines for a project: a SQLite file (`study.qcode`) or a SQLAlchemy URL for teams.

On SQLite, a step that must wait for another program's write (the workbench and a
script on one file) is retried by SQLite's busy handler with growing pauses for up to
SQLITE_BUSY_TIMEOUT_MS; after that, and when the disk is full or the file read-only,
the error reaches the user as one line (a ProjectError) instead of a driver message.
The step's transaction is rolled back, so nothing of it is half-written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import OperationalError

from qcode.errors import ProjectBusyError, ProjectError

SQLITE_BUSY_TIMEOUT_MS = 10_000
_LAST_ERROR = "qcode_last_store_error"  # in a connection's info: see _plain_sqlite_error


def is_url(location: str) -> bool:
    """True when `location` is a database URL rather than a file path."""
    return "://" in location


def sqlite_path(location: str) -> Path | None:
    """The file behind a project location, or None for a server database."""
    if is_url(location):
        if location.startswith("sqlite"):
            _, _, path = location.partition(":///")
            return Path(path) if path else None
        return None
    return Path(location)


def make_engine(location: str) -> Engine:
    """An engine for `location`, with SQLite's pragmas set on every connection."""
    if not is_url(location):
        location = f"sqlite+pysqlite:///{Path(location)}"
    engine = create_engine(location)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "handle_error", _plain_sqlite_error)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # First, so that even switching to WAL waits for a busy file instead of failing.
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # foreign_keys is per connection and off by default in SQLite.
        cursor.execute("PRAGMA foreign_keys=ON")
        # WAL lets a reader (reports, the TUI) work while a writer commits.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


class _PlainStoreError(OperationalError):
    """A driver error re-raised with a message a researcher can act on.

    It stays an OperationalError, so code that handles database errors (a per-file
    import that reports and goes on, a search that falls back on a read-only file)
    keeps working; `orig` carries the plain message, as such code quotes `exc.orig`.
    """

    def __init__(self, message: str, statement: str | None, params: Any) -> None:
        super().__init__(statement, params, ProjectError(message))
        self.message = message

    def __str__(self) -> str:
        return self.message


class StoreBusyError(ProjectBusyError, _PlainStoreError):
    """The file stayed locked by another program for longer than qcode waits."""


class StoreWriteError(ProjectError, _PlainStoreError):
    """The file cannot take the write: disk full, read-only, I/O failure, damaged."""


def _plain_sqlite_error(context: ExceptionContext) -> None:
    """Raise SQLite's busy, disk-full, read-only, I/O and damage errors as one line.

    SQLAlchemy has already given up the statement; the session's transaction is rolled
    back as the exception leaves it, so the message can say nothing was changed.
    """
    error = context.original_exception
    name: str = getattr(error, "sqlite_errorname", "") or ""
    database = context.engine.url.database if context.engine is not None else None
    project = database or "the project"
    statement, params = context.statement, context.parameters
    info = context.connection.info if context.connection is not None else {}
    if (statement or "").startswith("ROLLBACK TO SAVEPOINT") and "no such savepoint" in str(
            error):
        # SQLite rolls a whole transaction back itself after some errors (disk full,
        # I/O); undoing the inner savepoint then fails. Report the error that did it.
        raise StoreWriteError(info.pop(_LAST_ERROR, None) or (
            f"SQLite rolled back the step on {project} after an error; nothing was "
            "changed; try again"), statement, params) from error
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        raise StoreBusyError(
            f"the project is busy: another program is writing to it ({project}); qcode "
            f"waited {SQLITE_BUSY_TIMEOUT_MS / 1000:g} s; nothing was changed; try again",
            statement, params,
        ) from error
    if name == "SQLITE_FULL":
        message = (f"the disk holding {project} is full; nothing was changed; free some "
                   "space and try again")
    elif name.startswith("SQLITE_READONLY"):
        message = (f"{project} is read-only; nothing was changed; make the file and its "
                   "folder writable, or work on a copy (`qcode backup` makes one)")
    elif name.startswith("SQLITE_CANTOPEN") and database:
        message = (f"{project} cannot be opened ({error}); check that the file and its "
                   f"folder can be read and written: SQLite keeps a journal ({project}-wal) "
                   "beside the file")
    elif name.startswith("SQLITE_IOERR"):
        message = (f"the disk failed while qcode used {project} ({error}); nothing was "
                   "changed; check that the disk has space and is attached, then try again")
    elif name in ("SQLITE_CORRUPT", "SQLITE_NOTADB") and database:
        message = (f"{project} is damaged or not a qcode project ({error}); run "
                   f"`qcode check {project}` or restore a copy from {project}.backups/")
    else:
        return
    info[_LAST_ERROR] = message
    raise StoreWriteError(message, statement, params) from error
