"""Alembic glue: create new projects from the models, upgrade old ones safely.

A new project is created from the models and stamped at head. An older project is
upgraded automatically; a SQLite file is copied first (the services pass the copying
in, see qcode.services.backup, as the store sits below them). A project written by a
newer qcode is refused rather than guessed at.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, insert, inspect, text

from qcode.errors import ProjectError
from qcode.resources import resource_dir
from qcode.store.ddl import quote_bounds_statements
from qcode.store.models import Base, ProjectInfo, utcnow
from qcode.store.revisions import head_revision, known_revisions, schema_version

if TYPE_CHECKING:
    from alembic.config import Config


def _config(connection: Connection | None = None) -> Config:
    # Alembic is loaded only to create or upgrade a schema: opening a current project
    # reads its revision with one query (qcode.cli.main keeps commands quick to start).
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def current_revision(connection: Connection) -> str | None:
    """The revision a project is at, or None for a database without qcode tables."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


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
    from alembic import command

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
    if current not in known_revisions():
        raise ProjectError(
            f"the project was written by a newer qcode (schema {current}, this qcode knows "
            f"up to {head}); upgrade qcode with `pip install -U qcode`"
        )
    made = backup(current) if backup is not None else None
    from alembic import command

    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite's way to alter a table is to rebuild it (Alembic's batch mode);
            # with foreign keys on, dropping the old table would fire the ON DELETE
            # actions of every row that refers to it. They go off, outside the
            # transaction (the pragma does nothing inside one), and every reference
            # is checked before the upgrade commits.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                command.upgrade(_config(connection), "head")
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
                    if broken is not None:
                        raise ProjectError(f"the upgrade would leave a row of {broken[0]} "
                                           f"referring to a missing {broken[2]} row; "
                                           "nothing was changed")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
    return current, (str(made) if made else None)

