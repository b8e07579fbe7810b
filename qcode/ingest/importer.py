"""`qcode import`: transcripts from files and folders, all of them one step."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from qcode.errors import InputError, QcodeError
from qcode.ingest.formats import READERS, timestamps
from qcode.ingest.limits import check_file_size, check_text
from qcode.ingest.manifest import read_manifest
from qcode.progress import Progress
from qcode.services import lookup
from qcode.services.cases import ManifestResult, store_manifest
from qcode.services.media import attach_in_step, beside, project_folder
from qcode.services.project import Project
from qcode.services.sources import NewSource, store_source
from qcode.services.steps import relabel, savepoint


@dataclass(frozen=True)
class ImportItem:
    path: Path
    status: str  # "imported", "duplicate" or "refused"
    source: str | None = None
    detail: str = ""


@dataclass
class ImportReport:
    items: list[ImportItem] = field(default_factory=list)
    manifest: ManifestResult | None = None
    read: list[str] = field(default_factory=list)  # how the participants file was read

    def count(self, status: str) -> int:
        return sum(1 for item in self.items if item.status == status)


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """The files to import: given files as they are, folders searched recursively."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in READERS
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            files.append(path)
    return files


def import_paths(
    project: Project,
    paths: Sequence[Path],
    participants: Path | None = None,
    coder: str | None = None,
    progress: Progress | None = None,
    take_backup: bool = True,
    dayfirst: bool | None = None,
    strip_timestamps: bool = False,
) -> ImportReport:
    """Import every transcript under `paths`, then link cases from `participants`
    (`dayfirst`: how to read its dates like 3/5/2021 when no value tells).
    `strip_timestamps` takes the timestamps written in the transcripts ("[00:01:23]")
    out of the stored text; their times are kept as time marks either way.

    One step, backed up first (unless `take_backup` is off: a new project has nothing
    to lose): `qcode undo` takes the whole import back. The manifest
    is read before anything is stored, so a bad manifest changes nothing. A refused
    file is reported and the others go in (each file is a savepoint of the step).
    """
    report = ImportReport()
    cases = (read_manifest(participants, dayfirst, report.read) if participants is not None
             else None)
    files = collect_files(paths)
    with project.step(f"import {len(files)} files", coder,
                      backup_before="import" if take_backup else None) as session:
        folder = project_folder(project)
        for n, path in enumerate(files, start=1):
            item = _import_one(session, path, coder, strip_timestamps)
            report.items.append(_with_recording(session, folder, item, coder))
            if progress is not None:
                progress(n, len(files), path.name)
        if cases is not None:
            report.manifest = store_manifest(session, cases)
        relabel(session, _label(report, participants))
    return report


def _with_recording(session: Session, folder: Path | None, item: ImportItem,
                    coder: str | None) -> ImportItem:
    """Attach the recording named like the transcript, found beside it (IP4.docx and
    IP4.m4a); a recording that cannot be read, or several named alike, is said, and the
    transcript stays."""
    found = beside(item.path) if item.status == "imported" and item.source else []
    if not found or item.source is None:
        return item
    if len(found) > 1:
        return replace(item, detail=f"recording not attached: {', '.join(f.name for f in found)} "
                                    "are all named like it; attach one with "
                                    f"`qcode media attach PROJECT {item.source} FILE`")
    recording = found[0]
    try:
        with savepoint(session):
            attach_in_step(session, folder, lookup.source(session, item.source), recording,
                           coder=coder)
    except QcodeError as exc:
        return replace(item, detail=f"recording not attached: {exc}")
    return replace(item, detail=f"recording {recording.name} attached")


def _label(report: ImportReport, participants: Path | None) -> str:
    imported = [item.source for item in report.items if item.status == "imported"]
    what = (f"import {imported[0]}" if len(imported) == 1
            else f"import {len(imported)} transcripts")
    return what + (f" and the participants in {participants.name}" if participants else "")


def _import_one(session: Session, path: Path, coder: str | None,
                strip_timestamps: bool = False) -> ImportItem:
    reader = READERS.get(path.suffix.lower())
    try:
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        if reader is None:
            known = ", ".join(sorted(READERS))
            raise InputError(
                f"{path}: {path.suffix or 'files without an extension'} cannot be imported; "
                f"save the transcript as one of {known}"
            )
        fmt, read = reader
        check_file_size(path, "transcript")  # before reading: a 2 GB file is refused at once
        document = read(path)
        if strip_timestamps:
            document = timestamps.strip_timestamps(document)
            if not document.text.strip():
                raise InputError(f"{path}: the file holds nothing but timestamps; "
                                 "nothing to import")
        check_text(document.text, str(path))
        with savepoint(session):
            added = store_source(session, NewSource(
                name=path.stem, text=document.text, format=fmt, original_filename=path.name,
                encoding=document.encoding, turns=document.turns, pages=document.pages,
                marks=document.marks,
            ), coder)
    except QcodeError as exc:
        return ImportItem(path, "refused", detail=str(exc))
    except OSError as exc:  # a reader met a damaged file (a zip seeking past its end)
        return ImportItem(path, "refused", detail=f"{path}: cannot read the file ({exc}); "
                                                  "is it damaged? save it again")
    except DBAPIError as exc:  # the file's savepoint was rolled back as a whole
        return ImportItem(path, "refused", detail=f"{path}: the store refused it ({exc.orig})")
    if not added.imported:
        return ImportItem(path, "duplicate", added.name, f"same text as {added.duplicate_of}")
    return ImportItem(path, "imported", added.name)
