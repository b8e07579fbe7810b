"""Engines for a project: a SQLite file (`study.qcode`) or a SQLAlchemy URL for teams."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

SQLITE_BUSY_TIMEOUT_MS = 10_000


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
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # foreign_keys is per connection and off by default in SQLite.
        cursor.execute("PRAGMA foreign_keys=ON")
        # WAL lets a reader (reports, the TUI) work while a writer commits.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()
