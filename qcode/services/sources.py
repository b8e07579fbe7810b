"""Sources: storing imported text once, exactly, and listing it back."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from qcode.errors import InputError
from qcode.names import natural_key
from qcode.services import lookup
from qcode.services.project import Project
from qcode.services.steps import table_named
from qcode.store.models import (
    Coding,
    Quote,
    Recording,
    Source,
    SourcePage,
    SpeakerTurn,
    TimeMark,
)


@dataclass(frozen=True)
class Turn:
    """A speaker turn as a span of the source text."""

    start: int
    end: int
    speaker: str
    begin_seconds: float | None = None
    end_seconds: float | None = None


@dataclass(frozen=True)
class NewSource:
    """A decoded document ready to store: `text` is what every offset refers to."""

    name: str
    text: str
    format: str
    original_filename: str | None = None
    encoding: str | None = None
    language: str | None = None
    turns: Sequence[Turn] = ()
    pages: Sequence[int] = ()  # start offset of each page, for paged originals (PDF)
    # Positions whose time is known: (offset, seconds), from timestamps in the
    # transcript or from transcription (qcode.services.timeline reads them).
    marks: Sequence[tuple[int, float]] = ()
    transcription: str | None = None  # JSON: the engine, model and settings that made it


@dataclass(frozen=True)
class AddedSource:
    name: str
    imported: bool
    duplicate_of: str | None = None


@dataclass(frozen=True)
class SourceInfo:
    id: int
    name: str
    format: str
    original_filename: str | None
    encoding: str | None
    characters: int
    words: int
    turns: int
    codings: int
    cases: list[str]
    imported_at: datetime
    recording: str | None = None  # its path as stored (`qcode media list` says more)
    transcription: str | None = None  # the engine and model that made it, if transcribed


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def word_count(text: str) -> int:
    """Words as a source counts them: runs of non-space characters."""
    return len(text.split())


def twin_source(session: Session, text: str, guid: str | None) -> Source | None:
    """The source in the project holding `text` already.

    Empty sources (documents kept from another program's project) all share the empty
    text, so for an empty `text` only the empty source with the same `guid` is its twin.
    """
    if text:
        return session.scalars(select(Source).where(
            Source.content_hash == content_hash(text), Source.length > 0)).first()
    if not guid:
        return None
    return session.scalars(select(Source).where(
        Source.guid == guid, Source.length == 0)).first()


def one_time_each(marks: Sequence[tuple[int, float]]) -> dict[int, float]:
    """Known times by offset, one each: where two are given at one offset, the first."""
    return dict(reversed(list(marks)))


def add_source(project: Project, new: NewSource, coder: str | None = None) -> AddedSource:
    """Store one source as its own step; the same text twice is skipped."""
    with project.step(f"import {new.name}", coder) as session:
        return store_source(session, new, coder)


def store_source(session: Session, new: NewSource, coder: str | None = None) -> AddedSource:
    """Add `new` inside the caller's step, unless the project has its text already."""
    if not new.text.strip():
        raise InputError(f"{new.name}: the text is empty; nothing to import")
    existing = twin_source(session, new.text, None)
    if existing is not None:
        return AddedSource(existing.name, imported=False, duplicate_of=existing.name)
    return AddedSource(insert_source(session, new, coder).name, imported=True)


def insert_source(session: Session, new: NewSource, coder: str | None = None) -> Source:
    """Add `new` as a source in the caller's transaction, with its turns and pages.

    The name is made free (`free_source_name`); the caller has checked that the text
    is not empty and not in the project already (every importer looks for its own
    kind of twin first).
    """
    source = Source(
        name=free_source_name(session, new.name),
        text=new.text,
        length=len(new.text),
        word_count=word_count(new.text),
        content_hash=content_hash(new.text),
        format=new.format,
        original_filename=new.original_filename,
        encoding=new.encoding,
        language=new.language,
        imported_by_id=lookup.coder(session, coder).id,
        transcription=new.transcription,
    )
    session.add(source)
    session.flush()
    # Thousands of turns per transcript: one Core executemany on the table (by column
    # names), not an ORM object each, nor the ORM's bulk path.
    if new.turns:
        session.execute(insert(table_named(SpeakerTurn.__tablename__)), [
            {"source_id": source.id, "start_offset": t.start, "end_offset": t.end,
             "speaker": t.speaker, "begin_seconds": t.begin_seconds,
             "end_seconds": t.end_seconds}
            for t in new.turns
        ])
    if new.marks:
        kept = one_time_each(new.marks)
        session.execute(insert(table_named(TimeMark.__tablename__)), [
            {"source_id": source.id, "at_offset": at, "seconds": seconds}
            for at, seconds in sorted(kept.items())
        ])
    if new.pages:
        session.execute(insert(table_named(SourcePage.__tablename__)), [
            {"source_id": source.id, "number": n, "start_offset": at}
            for n, at in enumerate(new.pages, 1)
        ])
    return source


def free_source_name(session: Session, name: str) -> str:
    """`name`, or `name (2)`, `name (3)`... when two files share a stem."""
    taken = set(
        session.scalars(select(Source.name).where(Source.name.like(f"{name}%"))).all()
    )
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name} ({n})"
    return candidate


def list_sources(project: Project) -> list[SourceInfo]:
    """Every source with its size, turns, codings and cases (counted in SQL)."""
    with project.reading() as session:
        codings = (
            select(Quote.source_id, func.count(Coding.id).label("n"))
            .join(Coding, Coding.quote_id == Quote.id)
            .group_by(Quote.source_id)
            .subquery()
        )
        turns = (
            select(SpeakerTurn.source_id, func.count().label("n"))
            .group_by(SpeakerTurn.source_id)
            .subquery()
        )
        rows = session.execute(
            select(
                Source.id,
                Source.name,
                Source.format,
                Source.original_filename,
                Source.encoding,
                Source.length,
                Source.word_count,
                func.coalesce(turns.c.n, 0),
                func.coalesce(codings.c.n, 0),
                Source.imported_at,
                Recording.path,
                Source.transcription,
            )
            .outerjoin(codings, codings.c.source_id == Source.id)
            .outerjoin(turns, turns.c.source_id == Source.id)
            .outerjoin(Recording, Recording.source_id == Source.id)
            .order_by(Source.name)
        ).all()
        cases = lookup.cases_by_source(session)
        found = [
            SourceInfo(
                id=r[0], name=r[1], format=r[2], original_filename=r[3], encoding=r[4],
                characters=r[5], words=r[6], turns=r[7], codings=r[8],
                cases=cases.get(r[0], []), imported_at=r[9], recording=r[10],
                transcription=_engine(r[11]),
            )
            for r in rows
        ]
        return sorted(found, key=lambda s: natural_key(s.name))


def _engine(transcription: str | None) -> str | None:
    """"pocketsphinx en-us (bundled), en" from the JSON a transcription stored."""
    if not transcription:
        return None
    try:
        made = json.loads(transcription)
    except ValueError:
        return transcription[:100]
    if not isinstance(made, dict):
        return str(made)[:100]
    said = [str(made[k]) for k in ("engine", "model", "language") if made.get(k)]
    return " ".join(said[:2]) + (f", {said[2]}" if len(said) > 2 else "") or None


def source_text(project: Project, ref: str) -> tuple[str, str]:
    """The stored text of a source (by id or name), exactly as every offset sees it."""
    with project.reading() as session:
        source = lookup.source(session, ref)
        return source.name, source.text


def source_pages(project: Project, ref: str) -> list[int]:
    """Where each page of the original starts in the stored text (empty if unpaged)."""
    with project.reading() as session:
        return [page.start for page in lookup.source(session, ref).pages]


def all_texts(project: Project) -> list[tuple[str, str, str | None, list[str]]]:
    """(name, text, original file name, case keys) of every source, for anchoring."""
    with project.reading() as session:
        cases = lookup.cases_by_source(session)
        return [
            (name, text, filename, cases.get(source_id, []))
            for source_id, name, text, filename in session.execute(
                select(Source.id, Source.name, Source.text, Source.original_filename)
            )
        ]


def coding_coverage(project: Project) -> dict[int, float]:
    """Per source id, the share of its characters inside at least one coded quote."""
    covered: dict[int, int] = {}
    with project.reading() as session:
        lengths = dict(session.execute(select(Source.id, Source.length)).all())
        rows = session.execute(
            select(Quote.source_id, Quote.start, Quote.end)
            .where(Quote.anchor != "unanchored", Quote.id.in_(select(Coding.quote_id)))
            .order_by(Quote.source_id, Quote.start)
        )
        current, reach = None, 0
        for source_id, start, end in rows:
            assert source_id is not None and start is not None and end is not None
            if source_id != current:
                current, reach = source_id, 0
            if end > reach:  # count only what earlier quotes did not cover already
                covered[source_id] = covered.get(source_id, 0) + end - max(start, reach)
                reach = end
    return {sid: covered.get(sid, 0) / length for sid, length in lengths.items() if length}


@dataclass(frozen=True)
class SourceDocument:
    """A source as the reader shows it: its text, language and speaker turns."""

    id: int
    name: str
    text: str
    language: str | None
    turns: list[Turn]


def open_source(project: Project, ref: str) -> SourceDocument:
    with project.reading() as session:
        source = lookup.source(session, ref)
        turns = [Turn(t.start, t.end, t.speaker, t.begin_seconds, t.end_seconds)
                 for t in source.turns]
        return SourceDocument(source.id, source.name, source.text, source.language, turns)


def quotes_longer_than(session: Session, limit: int) -> int:
    """How many quotes hold more than `limit` characters (for exports with a cell limit)."""
    return int(session.scalar(select(func.count(Quote.id)).where(func.length(Quote.text) > limit))
               or 0)
