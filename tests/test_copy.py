"""`qcode copy`: a project up to PostgreSQL and back down to a file, losslessly."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url

from qcode.cli.main import cli
from qcode.errors import ProjectError
from qcode.services.coding import CodingRequest, code_span, list_codings
from qcode.services.copy import copy_project
from qcode.services.project import open_project, project_summary
from qcode.store.engine import make_engine
from qcode.store.migrate import current_revision, head_revision
from qcode.store.models import Base, Code, Coding, Quote, Source

Rows = dict[str, list[tuple[Any, ...]]]


def table_rows(location: str) -> Rows:
    """Every table's rows as sorted tuples, timestamps in UTC (SQLite keeps them naive)."""
    engine = make_engine(location)
    try:
        with engine.connect() as conn:
            return {
                table.name: sorted(
                    (tuple(_utc(v) for v in row) for row in conn.execute(select(table))),
                    key=repr,
                )
                for table in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def _utc(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def codings_json(location: str) -> str:
    result = run("codings", location, "--json")
    assert result.exit_code == 0, result.output
    return result.stdout


def test_demo_goes_up_to_postgresql_and_back_down_unchanged(
    demo_copy: str, pg_database: str, tmp_path: Path
) -> None:
    back = str(tmp_path / "back.qcode")

    up = run("copy", demo_copy, pg_database)
    assert up.exit_code == 0, up.output
    down = run("copy", pg_database, back)
    assert down.exit_code == 0, down.output

    original, on_server, returned = (table_rows(x) for x in (demo_copy, pg_database, back))
    assert sum(len(rows) for rows in original.values()) > 1000
    assert all(original[name] for name in ("sources", "quotes", "codings", "subdivisions",
                                           "coding_subdivisions", "cases", "project"))
    assert on_server == original
    assert returned == original
    assert codings_json(back) == codings_json(demo_copy)
    with open_project(pg_database) as project, project.transaction() as session:
        assert current_revision(session.connection()) == head_revision()
        assert project.backup is None
        assert project_summary(project).name == project_summary(
            open_project(demo_copy)).name


def test_new_rows_on_the_server_copy_get_fresh_ids(demo_copy: str, pg_database: str) -> None:
    copy_project(demo_copy, pg_database)
    with open_project(pg_database) as project:
        with project.transaction() as session:
            highest = {model: session.scalar(select(func.max(model.id)))
                       for model in (Coding, Quote, Code)}
            source = session.scalars(select(Source).order_by(Source.id)).first()
            assert source is not None
            taken = set(session.execute(
                select(Quote.start, Quote.end).where(Quote.source_id == source.id)).all())
        start = next(s for s in range(source.length - 5) if (s, s + 5) not in taken)
        result = code_span(project, CodingRequest(
            source=source.name, start=start, end=start + 5, code="A code new on the server",
            coder="someone new"))
        with project.transaction() as session:
            coding = session.get(Coding, result.coding_id)
            assert coding is not None
            assert coding.id == highest[Coding] + 1
            assert coding.quote_id == highest[Quote] + 1
            assert coding.code_id == highest[Code] + 1


def test_file_to_file_copies_everything(demo_copy: str, tmp_path: Path) -> None:
    target = tmp_path / "copy.qcode"
    summary = copy_project(demo_copy, target)
    assert table_rows(str(target)) == table_rows(demo_copy)
    assert summary.rows == sum(len(rows) for rows in table_rows(demo_copy).values())


def test_a_database_that_holds_anything_is_refused_and_left_alone(
    demo_copy: str, pg_database: str, tmp_path: Path
) -> None:
    copy_project(demo_copy, pg_database)
    before = table_rows(pg_database)
    small = tmp_path / "small.qcode"
    assert run("init", str(small)).exit_code == 0

    result = run("copy", str(small), pg_database)

    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "already holds tables" in result.stderr
    assert table_rows(pg_database) == before


def test_an_existing_file_is_refused_and_left_alone(demo_copy: str, tmp_path: Path) -> None:
    target = tmp_path / "taken.qcode"
    assert run("init", str(target)).exit_code == 0
    content = target.read_bytes()

    result = run("copy", demo_copy, str(target))

    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert target.read_bytes() == content


class Interrupted(Exception):
    pass


def _fail_in_codings(_done: int, _total: int, table: str) -> None:
    if table == "codings":
        raise Interrupted


def test_a_failed_copy_leaves_the_database_empty(demo_copy: str, pg_database: str) -> None:
    with pytest.raises(Interrupted):
        copy_project(demo_copy, pg_database, progress=_fail_in_codings)
    engine = make_engine(pg_database)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()
    copy_project(demo_copy, pg_database)  # and it can be used for the next try
    assert table_rows(pg_database) == table_rows(demo_copy)


def test_a_failed_copy_removes_the_new_file(demo_copy: str, tmp_path: Path) -> None:
    target = tmp_path / "half.qcode"
    with pytest.raises(Interrupted):
        copy_project(demo_copy, target, progress=_fail_in_codings)
    assert list(tmp_path.glob("half.qcode*")) == []


def test_the_password_never_shows(demo_copy: str, pg_database: str, tmp_path: Path) -> None:
    secret = "s3cret-Pa55"
    unreachable = make_url(pg_database).set(
        password=secret, database="qcode_no_such_database").render_as_string(
        hide_password=False)

    down = str(tmp_path / "x.qcode")
    for args in (("copy", demo_copy, unreachable), ("copy", unreachable, down)):
        result = run(*args)
        assert result.exit_code == 1
        assert secret not in result.output
        assert "***" in result.stderr, result.stderr

    with pytest.raises(ProjectError) as refused:
        copy_project(unreachable, tmp_path / "y.qcode")
    chain: BaseException | None = refused.value
    while chain is not None:  # what --debug would print, too
        assert secret not in str(chain)
        chain = chain.__cause__ or chain.__context__


def test_an_older_file_is_upgraded_before_it_is_copied(tmp_path: Path) -> None:
    old = tmp_path / "old.qcode"
    db = sqlite3.connect(old)
    db.executescript((Path(__file__).parent / "fixtures/migrations/rev0001.sql").read_text())
    db.close()
    target = tmp_path / "new.qcode"

    copy_project(old, target)

    assert Path(f"{old}.bak-0001").exists()
    with open_project(target) as project:
        assert project.backup is None
        assert project_summary(project).schema_version == int(head_revision())
        (coding,) = list_codings(project)
        assert (coding.code, coding.coder, coding.cases) == ("Rule changes", "maria", ["IP1"])
