"""Backups: a consistent copy while someone codes, rotation, and the copy before bulk work."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import add_text, code_phrase
from sqlalchemy import func, select

from qcode.cli.main import cli
from qcode.errors import ProjectError
from qcode.ingest.demo import demo_dir
from qcode.services import backup as backups
from qcode.services.check import check
from qcode.services.codebook_edit import create_code
from qcode.services.coding import CodingRequest, code_span
from qcode.services.project import Project, init_project, open_project
from qcode.services.sources import list_sources
from qcode.services.steps import backup_made
from qcode.store.models import Coding, CodingSubdivision


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def codings_in(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute("SELECT count(*) FROM codings").fetchone()[0])
    finally:
        db.close()


def test_a_backup_taken_while_a_coder_writes_is_a_whole_project(demo_copy: str,
                                                                 tmp_path: Path) -> None:
    before = codings_in(Path(demo_copy))
    stop = threading.Event()
    written: list[int] = []

    def coder() -> None:  # codes sentence after sentence, each with its filing
        with open_project(demo_copy) as project:
            start = 0
            while not stop.is_set() and start < 6000:
                code_span(project, CodingRequest(
                    source="IP4_social_worker_agency", start=start, end=start + 30,
                    code="Written during backup", subdivision="Backup filing", coder="writer"))
                written.append(start)
                start += 40

    thread = threading.Thread(target=coder)
    thread.start()
    copies = []
    try:
        while len(written) < 5:  # the writer is well under way
            thread.join(0.01)
        for n in range(3):
            copies.append(backups.backup(demo_copy, tmp_path / f"copy{n}.qcode").path)
    finally:
        stop.set()
        thread.join()
    assert written
    counts = []
    for copy in copies:
        assert copy is not None
        with open_project(copy) as project:
            assert check(project).clean
            with project.transaction() as session:
                codings = session.scalar(select(func.count()).select_from(Coding)) or 0
                unfiled = session.scalar(
                    select(func.count()).select_from(Coding)
                    .where(~Coding.subdivisions.any(CodingSubdivision.is_primary))
                    .where(Coding.code.has(name="Written during backup"))) or 0
        assert unfiled == 0  # each coding came with its filing, or not at all
        counts.append(codings)
    assert before <= counts[0] <= counts[-1] <= before + len(written)


def bulk_step(project: Project, operation: str, n: int = 0) -> Path | None:
    """A bulk step that changes something, as an import does: the copy made first stays."""
    with project.step(f"{operation} {n}", backup_before=operation) as session:
        create_code(session, f"Made by {operation} {n}")
        made = backup_made(session)
    return Path(made) if made else None


def test_automatic_backups_keep_the_newest_five_and_never_remove_manual_ones(
        demo_copy: str) -> None:
    path = Path(demo_copy)
    manual = backups.backup(path).path
    with open_project(path) as project:
        made = [bulk_step(project, "import", n) for n in range(7)]
    folder = backups.backups_dir(path)
    assert manual is not None and manual.parent == folder
    assert all(p is not None and "-before-import" in p.name for p in made)
    newest = [p.name for p in made[2:] if p is not None]
    assert sorted(p.name for p in folder.iterdir()) == sorted([manual.name, *newest])
    assert backups.list_backups(path)[0] == manual


def test_a_killed_backup_leaves_no_copy_under_a_backups_name(demo_copy: str) -> None:
    path = Path(demo_copy)
    folder = backups.backups_dir(path)
    folder.mkdir()
    half = folder / f".{path.stem}-20250101-000000-before-import.qcode.partial"
    half.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with open_project(path) as project:
        bulk_step(project, "merge")
    assert not half.exists()
    (only,) = backups.list_backups(path)
    assert only.name.endswith("-before-merge.qcode") and codings_in(only) == codings_in(path)


def test_bulk_commands_back_up_first_and_dry_runs_do_not(tmp_path: Path) -> None:
    study = tmp_path / "study.qcode"
    assert run("init", str(study)).exit_code == 0
    folder = demo_dir()
    result = run("import", str(study), str(folder / "transcripts"))
    assert result.exit_code == 0, result.output
    assert run("sheet", "import", str(study), str(folder / "sheet" / "IP1.csv"),
               "--dry-run").exit_code == 0
    names = [p.name for p in backups.list_backups(study)]
    assert len(names) == 1 and names[0].endswith("-before-import.qcode")
    assert codings_in(backups.list_backups(study)[0]) == 0  # taken before the import
    result = run("sheet", "import", str(study), str(folder / "sheet" / "IP1.csv"))
    assert result.exit_code == 0, result.output
    other = tmp_path / "other.qcode"
    shutil.copy(study, other)
    extra = tmp_path / "IP9.txt"
    extra.write_text("IP9: a transcript only the other copy has.\n", encoding="utf-8")
    assert run("import", str(other), str(extra)).exit_code == 0
    assert run("merge", str(study), str(other), "--dry-run").exit_code == 0
    assert run("merge", str(study), str(other)).exit_code == 0
    # Merged once, a second merge has nothing to add: its copy would be the project.
    assert run("merge", str(study), str(other)).exit_code == 0
    assert run("export", "qdpx", str(study), str(tmp_path / "s.qdpx")).exit_code == 0
    fresh = tmp_path / "fresh.qcode"
    assert run("init", str(fresh)).exit_code == 0
    assert run("import", "qdpx", str(fresh), str(tmp_path / "s.qdpx"), "--dry-run").exit_code == 0
    assert backups.list_backups(fresh) == []
    made = [p.name.split("-before-")[1] for p in backups.list_backups(study)]
    assert made == ["import.qcode", "sheet-import.qcode", "merge.qcode"]


def test_failed_bulk_commands_leave_no_backup_and_evict_none(tmp_path: Path) -> None:
    study = tmp_path / "study.qcode"
    assert run("init", str(study)).exit_code == 0
    for n in range(3):  # three good imports: three backups of three different states
        transcript = tmp_path / f"IP{n + 1}.txt"
        transcript.write_text(f"IP{n + 1}: the rent was high in year {n}.\n", encoding="utf-8")
        assert run("import", str(study), str(transcript)).exit_code == 0
    good = [p.name for p in backups.list_backups(study)]
    assert len(good) == 3 and codings_in(study) == 0
    broken = tmp_path / "broken.qda"
    broken.mkdir()
    (broken / "data.qda").write_bytes(b"PK\x03\x04 a zip, not QualCoder's database" * 40)
    for _ in range(5):  # a researcher trying again and again
        failed = run("import", "qualcoder", str(study), str(broken))
        assert failed.exit_code == 1 and "not a QualCoder project" in failed.stderr
    refused = tmp_path / "empty.txt"
    refused.write_text("", encoding="utf-8")
    assert run("import", str(study), str(refused)).exit_code == 1
    assert [p.name for p in backups.list_backups(study)] == good

    # A command that fails after committing part of its work keeps its copy.
    fine = tmp_path / "IP7.txt"
    fine.write_text("IP7: this one goes in.\n", encoding="utf-8")
    partly = run("import", str(study), str(fine), str(refused))
    assert partly.exit_code == 1 and "1 imported" in partly.stderr
    after = backups.list_backups(study)
    assert [p.name for p in after[:3]] == good and len(after) == 4
    with open_project(after[-1]) as project:
        assert "IP7" not in {s.name for s in list_sources(project)}  # taken before it


def test_qcode_backup_to_a_file_a_folder_and_the_backups_folder(demo_copy: str,
                                                              tmp_path: Path) -> None:
    target = tmp_path / "out" / "study-copy.qcode"
    target.parent.mkdir()
    done = run("backup", demo_copy, str(target))
    assert done.exit_code == 0 and done.stderr == f"backed up {demo_copy} to {target}\n"
    assert codings_in(target) == codings_in(Path(demo_copy))
    again = run("backup", demo_copy, str(target))
    assert again.exit_code == 1 and again.stderr == (
        f"qcode: error: {target} exists already; give a new file name or a folder\n")
    into = run("backup", demo_copy, str(target.parent))
    assert into.exit_code == 0 and len(list(target.parent.glob("demo-*.qcode"))) == 1
    assert run("backup", demo_copy).exit_code == 0
    listed = run("backup", demo_copy, "--list", "--json")
    assert listed.exit_code == 0 and listed.stdout.count('"backup"') == 1


def test_a_project_on_postgresql_says_backups_are_the_servers_job(pg_database: str) -> None:
    with init_project(pg_database) as project:
        add_text(project)
        code_phrase(project, "chose the layout themselves", "Layout")
        assert bulk_step(project, "import") is None
    result = run("backup", pg_database)
    assert result.exit_code == 0 and result.stderr.count("\n") == 1
    assert "pg_dump" in result.stderr


def test_a_backup_of_a_missing_project_changes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no project at"):
        backups.backup(tmp_path / "nothing.qcode", tmp_path / "copy.qcode")
    assert list(tmp_path.iterdir()) == []
