"""Alembic environment for qcode projects.

qcode runs migrations itself (qcode.store.migrate) and hands over an open connection;
developers can also run `alembic` from the repository root with QCODE_DATABASE_URL set
to write a new revision.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy.engine import Connection

from qcode.store.engine import make_engine
from qcode.store.models import Base


def _schema_object(name: str | None, type_: str, _parents: object) -> bool:
    """Leave out the full-text search index (qcode.services.search_index): derived data
    that the first search creates, so autogenerate must not offer to drop it."""
    return not (type_ == "table" and (name or "").startswith("search_index"))


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=True,
        compare_type=True,
        include_name=_schema_object,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("qcode migrations run online only: give a database, not --sql")

_connection = context.config.attributes.get("connection")
if _connection is not None:
    _run(_connection)
else:
    _url = os.environ.get("QCODE_DATABASE_URL") or context.config.get_main_option(
        "sqlalchemy.url"
    )
    if not _url:
        raise SystemExit("set QCODE_DATABASE_URL to the project to migrate")
    with make_engine(_url).connect() as _conn:
        _run(_conn)
