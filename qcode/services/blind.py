"""Blind double coding: coders who must not see each other's codings on a source yet.

A source is *blind* for the coders listed on it (table `blind_coders`) until every one
of them has finished. While it is, a listed coder sees only their own codings there:
the reader, the quotes table, the counts and `qcode codings --coder` leave the others
out, and agreement refuses to compare the source. Once all have finished, nothing is
hidden any more; lifting removes the listing altogether.

This is a guard against peeking by accident, not access control: whoever switches to
another coder's name sees what that coder sees.

The write functions work inside the caller's step, so finishing can be undone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session

from qcode.errors import InputError
from qcode.names import clean_name, natural_key
from qcode.services import lookup
from qcode.services.project import Project
from qcode.store.models import BlindCoder, Coder, Coding, Quote, Source


@dataclass(frozen=True)
class BlindStatus:
    """One blind source: who codes it blind and who has finished."""

    source_id: int
    source: str
    coders: tuple[str, ...]
    finished: tuple[str, ...]

    @property
    def waiting_for(self) -> tuple[str, ...]:
        """The listed coders who have not finished yet."""
        return tuple(name for name in self.coders if name not in self.finished)

    @property
    def hiding(self) -> bool:
        """True while others' codings are hidden (someone has not finished)."""
        return bool(self.waiting_for)

    @property
    def state(self) -> str:
        return "blind" if self.hiding else "finished"

    def hides_from(self, coder: str) -> bool:
        """True when `coder` may see only their own codings on this source."""
        return self.hiding and clean_name(coder) in self.coders

    def until(self) -> str:
        """"until ana and ben finish", naming who has not finished yet."""
        names = self.waiting_for
        if not names:
            return "all have finished"
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"until {listed} finish{'es' if len(names) == 1 else ''}"


# -- reading --------------------------------------------------------------------------


def statuses(session: Session, sources: Iterable[int] | None = None) -> list[BlindStatus]:
    """Every blind source (or only those ids), in natural name order."""
    query = (select(BlindCoder.source_id, Source.name, Coder.name, BlindCoder.finished_at)
             .join(Source, Source.id == BlindCoder.source_id)
             .join(Coder, Coder.id == BlindCoder.coder_id))
    if sources is not None:
        query = query.where(BlindCoder.source_id.in_(list(sources)))
    found: dict[int, tuple[str, list[str], list[str]]] = {}
    for source_id, source, coder, finished_at in session.execute(query):
        _, coders, finished = found.setdefault(source_id, (source, [], []))
        coders.append(coder)
        if finished_at is not None:
            finished.append(coder)
    result = [BlindStatus(source_id, name, tuple(sorted(coders, key=natural_key)),
                          tuple(sorted(finished, key=natural_key)))
              for source_id, (name, coders, finished) in found.items()]
    return sorted(result, key=lambda s: natural_key(s.source))


def blind_status(project: Project, sources: Sequence[str] = ()) -> list[BlindStatus]:
    """The blind sources of the project, or of the named ones (by name or id)."""
    with project.reading() as session:
        ids = [lookup.source(session, ref).id for ref in sources] if sources else None
        return statuses(session, ids)


def source_status(project: Project, source_id: int) -> BlindStatus | None:
    """The blind status of one source, or None when it is not blind-coded."""
    with project.reading() as session:
        found = statuses(session, [source_id])
    return found[0] if found else None


def _pending() -> Select[Any]:
    """Sources some listed coder has not finished yet."""
    return select(BlindCoder.source_id).where(BlindCoder.finished_at.is_(None))


def _hidden_from(coder: str) -> Select[Any]:
    """Sources where `coder` is listed and someone has not finished: only their own."""
    return (select(BlindCoder.source_id)
            .join(Coder, Coder.id == BlindCoder.coder_id)
            .where(Coder.name == clean_name(coder), BlindCoder.source_id.in_(_pending())))


def hidden_sources(session: Session, coder: str) -> list[int]:
    """Ids of the sources where blind coding shows `coder` only their own codings."""
    return list(session.scalars(_hidden_from(coder)))


def visible_to(session: Session, coder: str | None) -> ColumnElement[bool] | None:
    """A WHERE condition on Coding and Quote: the codings `coder` may see.

    None when nothing is hidden from `coder` (no condition needed, so the usual fast
    queries stay as they are). The query must join Coding to Quote.
    """
    if coder is None or not hidden_sources(session, coder):
        return None
    me = select(Coder.id).where(Coder.name == clean_name(coder)).scalar_subquery()
    # Quotes without a source are never blind; NOT IN on NULL would drop them.
    return or_(Quote.source_id.is_(None), Quote.source_id.not_in(_hidden_from(coder)),
               Coding.coder_id == me)


def hidden_names(project: Project, coder: str) -> list[str]:
    """Names of the sources where `coder` sees only their own codings, for the UI."""
    with project.reading() as session:
        ids = hidden_sources(session, coder)
        return [s.source for s in statuses(session, ids)] if ids else []


def refuse_blind(session: Session, source_ids: Iterable[int], what: str = "agreement") -> None:
    """Raise InputError when any of these sources is still being coded blind.

    Comparing coders there would show each the other's codings before all finished.
    """
    waiting = [s for s in statuses(session, source_ids) if s.hiding]
    if waiting:
        first = waiting[0]
        more = f" (and {len(waiting) - 1} more blind source(s))" if len(waiting) > 1 else ""
        raise InputError(
            f"{what} refused: source {first.source!r} is coded blind {first.until()}"
            f"{more}; each runs `qcode finish PROJECT {first.source} --coder NAME`, or "
            f"compare other sources with --source")


# -- changing -------------------------------------------------------------------------


def _coder_name(name: str) -> str:
    cleaned = clean_name(name)
    if not cleaned:
        raise InputError("a coder's name is empty; give names like --coders ana ben")
    return cleaned


def set_blind(session: Session, sources: Sequence[str], coders: Sequence[str]) -> list[BlindStatus]:
    """Make `sources` blind for `coders` (added to any coders already listed there).

    Coders already listed keep their state (finished or not); a new name is created as
    a coder, as coding would. Returns the sources' status afterwards.

    Raises:
        InputError: No source, fewer than two coders in all, or an empty name.
        NotFoundError: A source is not in the project.
    """
    if not sources:
        raise InputError("name the sources to code blind: qcode blind PROJECT IP3 IP4 "
                         "--coders ana ben")
    names = list(dict.fromkeys(_coder_name(n) for n in coders))
    ids = list(dict.fromkeys(lookup.source(session, ref).id for ref in sources))
    people = [lookup.coder(session, name) for name in names]
    for source_id in ids:
        listed = set(session.scalars(
            select(BlindCoder.coder_id).where(BlindCoder.source_id == source_id)))
        if len(listed | {p.id for p in people}) < 2:
            raise InputError(f"blind coding needs at least two coders; got {names!r}: "
                             "give --coders A B")
        for person in people:
            if person.id not in listed:
                session.add(BlindCoder(source_id=source_id, coder_id=person.id))
    session.flush()
    return statuses(session, ids)


def finish(session: Session, source: str, coder: str) -> BlindStatus:
    """Mark `coder` finished on a blind source; returns the source's status after.

    Finishing twice changes nothing (the first time is kept).

    Raises:
        InputError: The source is not blind, or `coder` is not one of its blind coders.
        NotFoundError: The source is not in the project.
    """
    found = lookup.source(session, source)
    name = _coder_name(coder)
    rows = {c: row for row, c in session.execute(
        select(BlindCoder, Coder.name).join(Coder, Coder.id == BlindCoder.coder_id)
        .where(BlindCoder.source_id == found.id))}
    if not rows:
        raise InputError(f"source {found.name!r} is not coded blind; `qcode blind PROJECT "
                         "--status` lists the blind sources")
    row = rows.get(name)
    if row is None:
        listed = ", ".join(sorted(rows, key=natural_key))
        raise InputError(f"{name!r} does not code {found.name!r} blind (its blind coders: "
                         f"{listed}); give --coder with one of them")
    if row.finished_at is None:
        row.finished_at = datetime.now(UTC)
        session.flush()
    return statuses(session, [found.id])[0]


def lift(session: Session, sources: Sequence[str]) -> list[str]:
    """End blind coding on `sources` (every coding visible again); returns their names.

    Raises:
        InputError: No source named, or a named source is not blind.
        NotFoundError: A source is not in the project.
    """
    if not sources:
        raise InputError("name the sources to lift blind coding on: qcode blind PROJECT IP3 "
                         "--lift")
    lifted = []
    chosen = {found.id: found for found in (lookup.source(session, ref) for ref in sources)}
    for found in chosen.values():
        rows = list(session.scalars(select(BlindCoder).where(BlindCoder.source_id == found.id)))
        if not rows:
            raise InputError(f"source {found.name!r} is not coded blind; nothing to lift")
        for row in rows:
            session.delete(row)
        lifted.append(found.name)
    session.flush()
    return lifted

