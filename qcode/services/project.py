"""Creating and opening projects: a SQLite file or a database URL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from qcode.errors import ProjectError
from qcode.services.backup import backup_before_upgrade
from qcode.store.engine import is_url, make_engine, sqlite_path
from qcode.store.migrate import create_schema, ensure_current, head_revision, is_empty
from qcode.store.models import ProjectInfo

P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class Project:
    """An open project. Pass it to the service functions; it holds no ORM state."""

    location: str
    engine: Engine
    backup: str | None = field(default=None)

    @contextmanager
    def transaction(self, rollback: bool = False) -> Iterator[Session]:
        """One raw transaction, for the step machinery only (qcode.services.steps and
        history): everything else writes through `step` and reads through `reading`.

        Committed when the block ends, rolled back on any error; with `rollback` it is
        always rolled back.
        """
        with Session(self.engine, expire_on_commit=False) as session:
            with session.begin() as transaction:
                yield session
                if rollback:
                    transaction.rollback()

    def step(self, label: str, coder: str | None = None, *, dry_run: bool = False,
             undoable: bool = True, backup_before: str | None = None,
             backup: str | None = None) -> AbstractContextManager[Session]:
        """One user-visible change: a transaction recorded for undo (see
        qcode.services.steps.step)."""
        from qcode.services.steps import step

        return step(self, label, coder, dry_run=dry_run, undoable=undoable,
                    backup_before=backup_before, backup=backup)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only transaction, always rolled back: what reports and lists use.

        The database refuses any write in it (SQLite's query_only, PostgreSQL's READ
        ONLY transaction), so a change can only come through a step.
        """
        with Session(self.engine, expire_on_commit=False) as session:
            with session.begin() as transaction:
                connection = session.connection()
                raw: Any = connection.connection.dbapi_connection
                sqlite = connection.dialect.name == "sqlite"
                if sqlite:
                    raw.execute("PRAGMA query_only = 1")
                else:
                    connection.exec_driver_sql("SET TRANSACTION READ ONLY")
                try:
                    yield session
                finally:
                    if sqlite:  # the pooled connection must write again for the next user
                        raw.execute("PRAGMA query_only = 0")
                    transaction.rollback()

    def read(self, query: Callable[Concatenate[Session, P], T], *args: P.args,
             **kwargs: P.kwargs) -> T:
        """Run a service function that takes a session, in its own read-only transaction.

        For callers above the services (the TUI) that must not handle sessions.
        """
        with self.reading() as session:
            return query(session, *args, **kwargs)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class ProjectSummary:
    name: str
    language: str
    schema_version: int
    location: str


def init_project(location: str, name: str | None = None, language: str = "en") -> Project:
    """Create a new, empty project at `location` (a file path or a database URL)."""
    path = sqlite_path(location)
    if path is not None and path.exists() and path.stat().st_size > 0:
        raise ProjectError(f"{path} already exists; open it, or choose a new file name")
    if path is not None and not path.parent.exists():
        raise ProjectError(f"folder {path.parent} does not exist; create it first")
    default_name = path.stem if path is not None else "qcode project"
    engine = make_engine(location)
    shown = describe_location(location)  # never the password, in any message
    with _disposed_on_error(engine, f"cannot create a project at {shown}"):
        if not is_empty(engine):
            raise ProjectError(f"{shown} already holds tables; give an empty database")
        create_schema(engine, name or default_name, language)
    return Project(location, engine)


def open_project(location: str | Path) -> Project:
    """Open an existing project, upgrading it (after a backup) if it is older."""
    location = str(location)
    path = sqlite_path(location)
    if path is not None and not path.exists():
        raise ProjectError(f"no project at {path}; create one with `qcode init {path}`")
    engine = make_engine(location)
    shown = describe_location(location)  # never the password, in any message
    with _disposed_on_error(engine, f"cannot open {shown}"):
        if is_empty(engine):
            raise ProjectError(
                f"{shown} is empty, not a qcode project; create one with `qcode init`"
            )
        upgraded = ensure_current(
            engine, None if path is None else partial(backup_before_upgrade, path))
    project = Project(location, engine, upgraded[1] if upgraded else None)
    if upgraded is not None:
        # A schema upgrade is a step of its own in the history, one that cannot be
        # undone row by row: it names the copy of the file made before it.
        with project.step(f"upgrade the project from schema {upgraded[0]} to "
                          f"{head_revision()}", undoable=False, backup=upgraded[1]):
            pass
    return project


@contextmanager
def _disposed_on_error(engine: Engine, failure: str) -> Iterator[None]:
    """Release the engine if opening fails; database errors become one clear line."""
    try:
        yield
    except DBAPIError as exc:
        engine.dispose()
        raise ProjectError(f"{failure}: {exc.orig}") from exc
    except ProjectError:
        engine.dispose()
        raise


def project_summary(project: Project) -> ProjectSummary:
    with project.reading() as session:
        info = session.scalars(select(ProjectInfo)).one()
        return ProjectSummary(info.name, info.language, info.schema_version, project.location)


def describe_location(location: str) -> str:
    """A short name for messages: the file name, or the URL without its password."""
    if is_url(location):
        return make_url(location).render_as_string(hide_password=True)
    return location
