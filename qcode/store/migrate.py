"""Alembic glue: create new projects from the models, upgrade old ones safely.

A new project is created from the models and stamped at head. An older project is
upgraded automatically; a SQLite file is copied first (the services pass the copying
in, see qcode.services.backup, as the store sits below them). A project written by a
newer qcode is refused rather than guessed at.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, insert, inspect, text

from qcode.errors import ProjectError
from qcode.resources import resource_dir
from qcode.store.ddl import quote_bounds_statements
from qcode.store.models import Base, ProjectInfo, utcnow


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest schema revision this qcode knows."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "migrations/ holds no revision"
    return head


def schema_version(revision: str) -> int:
    """Revision ids are zero-padded numbers ('0002'); the number is the schema version."""
    return int(revision)


def current_revision(connection: Connection) -> str | None:
    """The revision a project is at, or None for a database without qcode tables."""
    return MigrationContext.configure(connection).get_current_revision()


def is_empty(engine: Engine) -> bool:
    """True when the database holds no tables at all (a new project)."""
    return not inspect(engine).get_table_names()


def create_schema(engine: Engine, name: str, language: str) -> None:
    """Build every table from the models, name the project, stamp it at head: one step."""
    with engine.begin() as connection:
        build_schema(connection, name, language)


def build_schema(connection: Connection, name: str, language: str) -> None:
    """`create_schema` inside the caller's transaction (`qcode copy` fills it in the same)."""
    head = head_revision()
    Base.metadata.create_all(connection)
    for statement in quote_bounds_statements(connection.dialect.name):
        connection.execute(text(statement))
    connection.execute(
        insert(ProjectInfo).values(
            id=1, name=name, language=language, schema_version=schema_version(head),
            created_at=utcnow(),
        )
    )
    command.stamp(_config(connection), head)


def ensure_current(engine: Engine, backup: Callable[[str], Path] | None
                   ) -> tuple[str, str | None] | None:
    """Bring an existing project to head. Returns None when it was current already,
    else the revision it had and the backup's path (None when none was made).

    `backup(revision)` copies the SQLite file before anything changes and returns the
    copy's path (None for servers, where the upgrade runs in one transaction instead).
    """
    head = head_revision()
    with engine.connect() as connection:
        current = current_revision(connection)
    if current == head:
        return None
    if current is None:
        raise ProjectError(
            "this database has tables but is not a qcode project; "
            "give a new file name or an empty database"
        )
    known = {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}
    if current not in known:
        raise ProjectError(
            f"the project was written by a newer qcode (schema {current}, this qcode knows "
            f"up to {head}); upgrade qcode with `pip install -U qcode`"
        )
    made = backup(current) if backup is not None else None
    with engine.begin() as connection:
        command.upgrade(_config(connection), "head")
    return current, (str(made) if made else None)

