"""Projects from older qcode versions upgrade with a backup; newer ones are refused."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import text

from qcode.cli.main import cli
from qcode.errors import ConstraintError, ProjectError
from qcode.resources import resource_dir
from qcode.services.cases import list_cases
from qcode.services.coding import CodingRequest, code_span, list_codings
from qcode.services.project import init_project, open_project, project_summary
from qcode.store.engine import make_engine
from qcode.store.migrate import head_revision
from qcode.store.models import Base

FIXTURES = Path(__file__).parent / "fixtures" / "migrations"


def sqlite_project_at(revision: str, path: Path) -> Path:
    db = sqlite3.connect(path)
    db.executescript((FIXTURES / f"rev{revision}.sql").read_text())
    db.close()
    return path


def alembic_upgrade(location: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    engine = make_engine(location)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()


def dump(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    lines = list(db.iterdump())
    db.close()
    return lines


def revision_of(path: Path) -> str:
    db = sqlite3.connect(path)
    (revision,) = db.execute("SELECT version_num FROM alembic_version").fetchone()
    db.close()
    return str(revision)


def assert_revision1_data_intact(location: str) -> None:
    with open_project(location) as project:
        summary = project_summary(project)
        assert (summary.name, summary.language) == ("Revision 1 study", "es")
        assert summary.schema_version == int(head_revision())
        (coding,) = list_codings(project)
        assert (coding.text, coding.code, coding.emphasis, coding.notes, coding.coder) == (
            "The subsidy rules changed in 2019,", "Rule changes", "frustrated", "nachfragen",
            "maria",
        )
        assert (coding.subdivision, coding.cases) == ("Programme rules", ["IP1"])
        assert list_cases(project)[0].attributes == {"stakeholder group": "government body"}
        # Revision 2's rule now holds for old projects too.
        with pytest.raises(ConstraintError):
            code_span(project, CodingRequest(source="IP1", start=0, end=10_000, code="x"))


@pytest.mark.parametrize("revision", ["0001", "0002", "0003", "0004", "0005", "0006", "0007"])
def test_an_older_file_upgrades_with_its_data_and_a_backup(tmp_path: Path, revision: str) -> None:
    path = sqlite_project_at(revision, tmp_path / "old.qcode")
    before = dump(path)
    with open_project(path) as project:
        assert project.backup == f"{path}.bak-{revision}"
    backup = Path(f"{path}.bak-{revision}")
    assert revision_of(backup) == revision
    assert dump(backup) == before
    assert revision_of(path) == head_revision()
    assert_revision1_data_intact(str(path))
    with open_project(path) as again:  # already current: no second backup
        assert again.backup is None


def test_the_upgrade_is_a_step_in_history_that_names_its_backup(tmp_path: Path) -> None:
    path = sqlite_project_at("0005", tmp_path / "old.qcode")
    with open_project(path):
        pass
    listed = CliRunner().invoke(cli, ["history", str(path), "--everyone", "--json"])
    assert listed.exit_code == 0, listed.output
    [step] = json.loads(listed.stdout)
    assert step["step"] == f"upgrade the project from schema 0005 to {head_revision()}"
    assert (step["state"], step["backup"]) == ("cannot be undone", f"{path}.bak-0005")
    before = dump(path)
    undone = CliRunner().invoke(cli, ["undo", str(path)])
    assert undone.exit_code != 0
    assert undone.stderr.count("\n") == 1 and f"{path}.bak-0005" in undone.stderr
    assert "cannot undo 'upgrade the project" in undone.stderr
    assert dump(path) == before


def test_the_cli_says_where_the_backup_is(tmp_path: Path) -> None:
    path = sqlite_project_at("0001", tmp_path / "old.qcode")
    result = CliRunner().invoke(cli, ["sources", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert f"the old file is kept as {path}.bak-0001" in result.stderr


def test_a_revision1_database_upgrades_on_postgresql(pg_database: str) -> None:
    alembic_upgrade(pg_database, "0001")
    engine = make_engine(pg_database)
    inserts = [line for line in (FIXTURES / "rev0001.sql").read_text().split(";\n")
               if line.startswith("INSERT") and "alembic_version" not in line]
    with engine.begin() as connection:
        connection.execute(text("SET session_replication_role = replica"))  # dump order
        for statement in inserts:
            if '"coding_subdivisions"' in statement:
                statement = statement.replace(",1)", ",true)")
            connection.execute(text(statement.replace(":", r"\:")))
        # The dump gives ids; a real database's sequences are past them (the upgrade
        # writes a step, and its first coder takes the next id).
        for table in ("coders", "sources", "quotes", "codes", "codings", "subdivisions",
                      "cases", "attributes"):
            connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT max(id) FROM {table}))"))
    engine.dispose()
    assert_revision1_data_intact(pg_database)


def test_a_project_from_a_newer_qcode_is_refused_untouched(tmp_path: Path) -> None:
    path = sqlite_project_at("0001", tmp_path / "new.qcode")
    db = sqlite3.connect(path)
    db.execute("UPDATE alembic_version SET version_num = '0099'")
    db.commit()
    db.close()
    before = dump(path)
    with pytest.raises(ProjectError, match=r"newer qcode \(schema 0099.*pip install -U qcode"):
        open_project(path)
    assert dump(path) == before
    assert not list(tmp_path.glob("*.bak-*"))


def test_models_and_migrations_build_the_same_schema(location: str) -> None:
    """A project made from the models equals one built by running every migration."""
    alembic_upgrade(location, "head")
    engine = make_engine(location)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


def test_new_projects_are_stamped_at_head(location: str) -> None:
    with init_project(location) as project:
        with project.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head_revision()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"these are my notes, not a database" * 100, "cannot open"),
        (None, "not a qcode project"),
    ],
    ids=["text file", "other database"],
)
def test_files_that_are_not_projects_are_refused(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "x.qcode"
    if content is None:
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE budget (item TEXT)")
        db.commit()
        db.close()
    else:
        path.write_bytes(content)
    with pytest.raises(ProjectError, match=message):
        open_project(path)


def test_missing_and_existing_files(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="qcode init"):
        open_project(tmp_path / "nothing.qcode")
    init_project(str(tmp_path / "a.qcode")).close()
    with pytest.raises(ProjectError, match="already exists"):
        init_project(str(tmp_path / "a.qcode"))
    with pytest.raises(ProjectError, match="does not exist"):
        init_project(str(tmp_path / "no" / "dir" / "b.qcode"))


def test_the_revisions_read_from_file_names_are_alembics() -> None:
    """Opening a project compares revisions without Alembic: its list must be Alembic's."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from qcode.resources import resource_dir
    from qcode.store.revisions import known_revisions

    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    scripts = ScriptDirectory.from_config(config)
    assert known_revisions() == [s.revision for s in reversed(list(scripts.walk_revisions()))]
    assert head_revision() == scripts.get_current_head()


def test_an_upgrade_keeps_the_guids_earlier_exports_wrote_and_homes_every_code(
        tmp_path: Path) -> None:
    # What a program that imported an export of this project before the upgrade holds:
    # GUIDs derived from the project's name and creation time and each row's id.
    from datetime import UTC, datetime

    from qcode.interop.refi import project_namespace, stable_guid

    path = sqlite_project_at("0006", tmp_path / "old.qcode")
    namespace = project_namespace("Revision 1 study",
                                  datetime(2021, 3, 1, 10, tzinfo=UTC).isoformat())
    with open_project(path):
        pass
    db = sqlite3.connect(path)
    code = db.execute("SELECT c.id, c.guid, s.name FROM codes c "
                      "JOIN subdivisions s ON s.id = c.subdivision_id").fetchone()
    coding = db.execute("SELECT id, guid FROM codings").fetchone()
    guids = [g for (g,) in db.execute("SELECT guid FROM sources UNION ALL "
                                      "SELECT guid FROM coders UNION ALL SELECT guid FROM cases")]
    db.close()
    assert code[1] == stable_guid(namespace, "code", code[0])
    assert code[2] == "Programme rules"  # where its coding is filed
    assert coding[1] == stable_guid(namespace, "coding", coding[0])
    assert len(guids) == len(set(guids)) and all(guids)
