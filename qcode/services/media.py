"""Recordings beside sources: attach, relink, detach, list and check them.

A project keeps where each recording is, never the media: interviews are large and
personal, and researchers keep them where their ethics approval says. The path is
stored relative to the project file's folder when there is one (a study folder moved
whole, or synced to another machine, still finds its recordings), otherwise absolute.
Size and SHA-256 say when a recording was replaced or re-encoded; every change here
is one step the user can undo.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.errors import ConstraintError, InputError, NotFoundError
from qcode.media.probe import AUDIO, VIDEO, MediaFacts, checksum, probe
from qcode.names import natural_key
from qcode.services import lookup
from qcode.services.project import Project
from qcode.store.engine import sqlite_path
from qcode.store.models import Recording, Source

OK, MISSING, CHANGED = "ok", "missing", "changed"


@dataclass(frozen=True)
class RecordingInfo:
    source: str
    path: str  # as stored: relative to the project's folder where it can be
    found_at: Path  # where qcode looks for it on this machine
    kind: str
    duration: float
    size: int
    offset: float
    checksum: str
    status: str  # ok, missing or changed


def project_folder(project: Project) -> Path | None:
    """The folder of a project file, where relative recording paths start; None for a
    server database (paths are then stored whole)."""
    return folder_of(project.location)


def folder_of(location: str) -> Path | None:
    path = sqlite_path(location)
    return path.resolve().parent if path is not None else None


def recording_problems(session: Session, folder: Path | None) -> list[tuple[str, str]]:
    """(source, what is wrong) for every recording missing or changed, by its size: the
    checksum would read every recording whole, gigabytes for a study on video
    (`list_recordings(verify=True)` does that when asked)."""
    found = []
    for name, recording in session.execute(select(Source.name, Recording).join(
            Recording, Recording.source_id == Source.id)):
        status = status_of(recording, folder, verify=False)
        path = found_at(folder, recording.path)
        if status == MISSING:
            found.append((name, f"the recording is not at {path}; if it moved, run "
                                f"`qcode media relink PROJECT {name} NEW_PATH`"))
        elif status == CHANGED:
            found.append((name, f"the recording at {path} is not the one attached (its "
                                "size differs); if it was re-encoded on purpose, run "
                                f"`qcode media relink PROJECT {name} {path} --changed`"))
    return sorted(found, key=lambda item: natural_key(item[0]))


def stored_path(folder: Path | None, path: Path) -> str:
    whole = path.resolve()
    if folder is None:
        return str(whole)
    try:
        return os.path.relpath(whole, folder)
    except ValueError:  # another drive on Windows: no relative path exists
        return str(whole)


def found_at(folder: Path | None, stored: str) -> Path:
    path = Path(stored)
    return path if path.is_absolute() or folder is None else Path(os.path.normpath(folder / path))


def beside(transcript: Path) -> list[Path]:
    """The recordings with the same stem as `transcript` in its folder (IP4.docx and
    IP4.m4a): the audio ones if there are any, else the video ones, in name order. One
    is the transcript's recording; several leave the choice to the researcher."""
    for kinds in (AUDIO, VIDEO):
        found = sorted(p for p in transcript.parent.glob(f"{_escaped(transcript.stem)}.*")
                       if p.suffix.lower() in kinds and p.is_file())
        if found:
            return found
    return []


def attach_in_step(session: Session, folder: Path | None, source: Source, path: Path,
                   offset: float = 0.0, coder: str | None = None,
                   facts: MediaFacts | None = None) -> Recording:
    """Give `source` the recording at `path` (replacing one it had), in the caller's step."""
    if not math.isfinite(offset) or offset < 0:
        raise InputError(f"--offset {offset:g}: give the seconds into the recording where "
                         "the transcript starts, 0 or more")
    facts = facts or probe(path)
    if offset >= facts.duration:
        raise InputError(f"--offset {offset:g}: the recording {path.name} lasts only "
                         f"{facts.duration:.1f} s")
    recording = session.get(Recording, source.id) or Recording(source_id=source.id)
    recording.path = stored_path(folder, path)
    recording.kind, recording.size = facts.kind, facts.size
    recording.duration_seconds, recording.checksum = facts.duration, facts.checksum
    recording.offset_seconds = offset
    recording.attached_by_id = lookup.coder(session, coder).id
    session.add(recording)
    session.flush()
    return recording


def attach(project: Project, source: str, path: Path, offset: float = 0.0,
           coder: str | None = None) -> RecordingInfo:
    """Attach the recording at `path` to `source`, as one step.

    Raises:
        NotFoundError: No such source.
        InputError: The file is missing, not a recording, or shorter than `offset`.
    """
    facts = probe(path)  # before the step: hashing a long video holds no lock
    folder = project_folder(project)
    with project.step(f"attach recording {path.name} to {source}", coder) as session:
        found = lookup.source(session, source)
        recording = attach_in_step(session, folder, found, path, offset, coder, facts)
        return _info(found.name, recording, folder, OK)


def relink(project: Project, source: str, path: Path, accept_changed: bool = False,
           coder: str | None = None) -> RecordingInfo:
    """Point `source`'s recording at `path` (it moved), keeping its offset.

    Raises:
        NotFoundError: The source has no recording.
        ConstraintError: The file at `path` is not the same recording (another size or
            checksum) and `accept_changed` is off.
    """
    facts = probe(path)
    folder = project_folder(project)
    with project.step(f"relink the recording of {source}", coder) as session:
        found = lookup.source(session, source)
        recording = _recording_of(session, found)
        if (facts.size, facts.checksum) != (recording.size, recording.checksum) \
                and not accept_changed:
            raise ConstraintError(
                f"{path}: not the recording {found.name} had (another size or checksum); "
                "if it was re-encoded or trimmed on purpose, run again with --changed")
        recording = attach_in_step(session, folder, found, path, recording.offset_seconds,
                                   coder, facts)
        return _info(found.name, recording, folder, OK)


def detach(project: Project, source: str, coder: str | None = None) -> str:
    """Forget `source`'s recording (the file itself is left alone); its stored path."""
    with project.step(f"detach the recording of {source}", coder) as session:
        recording = _recording_of(session, lookup.source(session, source))
        session.delete(recording)
        return recording.path


def list_recordings(project: Project, verify: bool = False) -> list[RecordingInfo]:
    """Every source's recording, in natural order of source names, with its status:
    missing when the file is not where the project says; changed when its size differs,
    or (with `verify`) its SHA-256 does."""
    folder = project_folder(project)
    with project.reading() as session:
        listed = [_info(name, recording, folder, status_of(recording, folder, verify))
                  for name, recording in session.execute(select(Source.name, Recording).join(
                      Recording, Recording.source_id == Source.id))]
    return sorted(listed, key=lambda r: natural_key(r.source))


def recording_of(session: Session, folder: Path | None, source: Source) -> RecordingInfo:
    """`source`'s recording where this machine finds it, or NotFoundError saying how to
    attach or relink one."""
    recording = _recording_of(session, source)
    status = status_of(recording, folder, verify=False)
    if status == MISSING:
        raise NotFoundError(f"the recording of {source.name} is not at "
                            f"{found_at(folder, recording.path)}; if it moved, run "
                            f"`qcode media relink PROJECT {source.name} NEW_PATH`")
    return _info(source.name, recording, folder, status)


def status_of(recording: Recording, folder: Path | None, verify: bool) -> str:
    path = found_at(folder, recording.path)
    if not path.is_file():
        return MISSING
    if path.stat().st_size != recording.size:
        return CHANGED
    if verify and checksum(path) != recording.checksum:
        return CHANGED
    return OK


def source_recorded_as(session: Session, checksum: str) -> str | None:
    """The source whose recording has this checksum, if any."""
    return session.scalar(select(Source.name).join(
        Recording, Recording.source_id == Source.id).where(Recording.checksum == checksum))


def _recording_of(session: Session, source: Source) -> Recording:
    recording = session.get(Recording, source.id)
    if recording is None:
        raise NotFoundError(f"{source.name} has no recording; attach one with "
                            f"`qcode media attach PROJECT {source.name} FILE`")
    return recording


def _info(name: str, recording: Recording, folder: Path | None, status: str) -> RecordingInfo:
    return RecordingInfo(name, recording.path, found_at(folder, recording.path),
                         recording.kind, recording.duration_seconds, recording.size,
                         recording.offset_seconds, recording.checksum, status)


def _escaped(stem: str) -> str:
    """`stem` with glob's special characters taken literally ("IP4 [pilot]")."""
    return "".join(f"[{c}]" if c in "*?[]" else c for c in stem)
