"""Backups of a .qcode file: on demand, and automatically before every bulk operation.

A backup is a consistent snapshot taken with SQLite's online backup API, so it is
safe while the workbench or a script is writing to the project (WAL lets the copy
read one committed state while they write the next). It is written under a partial
name and renamed when complete, so a crash or a kill never leaves half a backup
looking like a whole one.

Automatic backups go next to the project, in `<file>.backups/` (`study.qcode.backups/`):
researchers look for them beside their study, and they travel with the folder when
it is copied to a stick or a cloud drive. They are named after the time and the
operation (`study-20250314-101500-before-import.qcode`); the newest KEEP_AUTOMATIC
are kept. Backups made with `qcode backup` are never removed by the rotation.

`guarded` wraps a bulk operation: the copy is made before it writes anything, and
once it has ended, a copy of a project the operation left unchanged (it failed
before committing, or had nothing to do) is removed again, and only a copy of a
project that did change takes part in the rotation. So five failed tries in a row
never push the good backups of earlier states out of the folder.

A project on PostgreSQL is backed up by the server (pg_dump); qcode says so and goes on.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from qcode.errors import InputError, ProjectError, QcodeError
from qcode.store.engine import SQLITE_BUSY_TIMEOUT_MS, sqlite_path

if TYPE_CHECKING:  # project.py imports this module: the name is for type hints only
    from qcode.services.project import Project

KEEP_AUTOMATIC = 5
SERVER_NOTE = ("this project lives on a database server: back it up there "
               "(pg_dump); qcode made no copy")
_STAMP = r"-\d{8}-\d{6}-"
_PARTIAL = ".partial"


@dataclass(frozen=True)
class BackupResult:
    """Where a backup went (None on a server), and older automatic ones removed."""

    path: Path | None
    removed: list[Path] = field(default_factory=list)
    note: str | None = None


def backups_dir(project_file: Path) -> Path:
    """The folder for a project's backups: `study.qcode.backups/` beside the file."""
    return project_file.with_name(project_file.name + ".backups")


def backup(project_or_path: Project | str | Path, dest: str | Path | None = None,
           label: str = "backup") -> BackupResult:
    """Copy the project to `dest`, or into its backups folder; safe while others write.

    Args:
        project_or_path: An open project, or the location of one (file or URL).
        dest: A new file, or an existing folder to put the copy in. Default: the
            project's backups folder, where this copy is never rotated away.
        label: The word the file name ends with in the backups folder.

    Raises:
        InputError: `dest` exists already, or is the project itself.
        ProjectError: The project file is missing, or the copy cannot be written.
    """
    source = _source_file(project_or_path)
    if source is None:
        return BackupResult(None, note=SERVER_NOTE)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    if dest is None:
        target = _free_name(backups_dir(source), f"{source.stem}-{stamp}-{label}", source.suffix)
    else:
        target = Path(dest)
        if target.is_dir():
            target = _free_name(target, f"{source.stem}-{stamp}", source.suffix)
        elif target.exists():
            raise InputError(f"{target} exists already; give a new file name or a folder")
        if target.resolve() == source.resolve():
            raise InputError(f"{target} is the project itself; give another file name")
        if not target.parent.is_dir():
            raise InputError(f"folder {target.parent} does not exist; create it first")
    copy_sqlite(source, target)
    return BackupResult(target)


@contextmanager
def guarded(project: Project, operation: str) -> Iterator[BackupResult]:
    """Back the project up before a bulk operation run inside this block.

    The copy is made on entry, before the block writes anything. On exit, whether the
    block succeeded or raised: when no transaction was committed to the project
    meanwhile (by the block or by anyone else), the copy holds what the project still
    holds, so it is removed, and the rotation leaves the older backups alone; when the
    project changed, the copy stays and the oldest automatic backups are rotated away.

    Raises:
        ProjectError: The copy cannot be made (nothing was changed).
    """
    source = _source_file(project)
    if source is None:
        yield BackupResult(None, note=SERVER_NOTE)
        return
    # Watched from before the copy: a commit by anyone from here on counts as a change.
    watch = _ChangeWatch(source)
    try:
        made = _automatic_copy(project, operation)
        try:
            yield made
        finally:
            # Housekeeping only: a copy that cannot be removed or rotated harms nothing,
            # and must not hide the operation's own outcome.
            with suppress(OSError):
                if watch.changed():
                    rotate(source)
                elif made.path is not None:
                    made.path.unlink(missing_ok=True)
    finally:
        watch.close()


class _ChangeWatch:
    """Whether any connection commits to a SQLite file from now on.

    SQLite's `PRAGMA data_version` changes on a connection whenever another
    connection, in this process or any other, commits a change to the file; a
    transaction rolled back, or one that only read, leaves it as it was.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.inode = _inode(path)
        self.connection: sqlite3.Connection | None = None
        self.version: int | None = None
        try:
            self.connection = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
            self.version = self._read()
        except sqlite3.Error:
            self.close()  # cannot watch: every outcome counts as a change, keeping the copy

    def _read(self) -> int:
        assert self.connection is not None
        return int(self.connection.execute("PRAGMA data_version").fetchone()[0])

    def changed(self) -> bool:
        if self.connection is None or self.version is None or _inode(self.path) != self.inode:
            return True  # unknown, or the file was replaced: keep the copy
        try:
            return self._read() != self.version
        except sqlite3.Error:
            return True

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _automatic_copy(project: Project, operation: str) -> BackupResult:
    """An automatic backup in the backups folder, not rotated; None on a server."""
    if _source_file(project) is None:
        return BackupResult(None, note=SERVER_NOTE)
    try:
        made = backup(project, label=f"before-{operation}")
    except (OSError, QcodeError) as exc:
        raise ProjectError(f"cannot make the automatic backup before {operation} ({exc}); "
                           "nothing was changed") from exc
    return made


def rotate(project_file: Path, keep: int = KEEP_AUTOMATIC) -> list[Path]:
    """Remove all but the newest `keep` automatic backups (and stale partial copies)."""
    folder = backups_dir(project_file)
    if not folder.is_dir():
        return []
    prefix = f"{project_file.stem}-"
    named = re.compile(re.escape(project_file.stem) + _STAMP + r"before-.+"
                       + re.escape(project_file.suffix))
    automatic = [p for p in folder.iterdir() if named.fullmatch(p.name)]
    # Name order is time order (the stamp leads); mtime breaks ties within a second.
    automatic.sort(key=lambda p: (p.stat().st_mtime_ns, p.name))
    removed = automatic[:max(len(automatic) - keep, 0)]
    for path in removed:
        path.unlink(missing_ok=True)
    for partial in folder.glob(f".{prefix}*{_PARTIAL}"):  # left by a killed backup
        partial.unlink(missing_ok=True)
    return removed


def list_backups(project_file: Path) -> list[Path]:
    """The project's backups in its backups folder, oldest first."""
    folder = backups_dir(project_file)
    if not folder.is_dir():
        return []
    named = re.compile(re.escape(project_file.stem) + _STAMP + ".+"
                       + re.escape(project_file.suffix))
    found = [p for p in folder.iterdir() if named.fullmatch(p.name)]
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name))


def backup_before_upgrade(project_file: Path, revision: str) -> Path:
    """The copy kept before a schema upgrade: `<file>.bak-<revision>` beside the file.

    It stays out of the rotation: it is the one copy an older qcode can still open.
    """
    target = project_file.with_name(f"{project_file.name}.bak-{revision}")
    n = 1
    while target.exists():
        n += 1
        target = project_file.with_name(f"{project_file.name}.bak-{revision}-{n}")
    copy_sqlite(project_file, target)
    return target


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a consistent snapshot of the SQLite file `source` to the new file `target`.

    The copy is written as a hidden partial file beside `target` and renamed when
    complete; `target` appears whole or not at all.
    """
    if not source.is_file():
        raise ProjectError(f"no project at {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}{_PARTIAL}")
    partial.unlink(missing_ok=True)
    reader = sqlite3.connect(source, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    try:
        writer = sqlite3.connect(partial)
        try:
            # All pages in one step: one read snapshot, so writers committing meanwhile
            # (WAL) neither block the copy nor make it restart.
            reader.backup(writer)
        finally:
            writer.close()
        os.replace(partial, target)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise ProjectError(f"cannot back up {source} to {target}: {exc}") from exc
    except OSError:
        partial.unlink(missing_ok=True)
        raise
    finally:
        reader.close()


def _source_file(project_or_path: Project | str | Path) -> Path | None:
    location = (str(project_or_path) if isinstance(project_or_path, str | Path)
                else project_or_path.location)
    return sqlite_path(location)


def _free_name(folder: Path, stem: str, suffix: str) -> Path:
    target = folder / f"{stem}{suffix}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{stem}-{n}{suffix}"
    return target
