"""Changing codings one at a time, as the workbench does: edit, file, remove.

Each function works inside the caller's step (`Project.step`), so it can be undone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from qcode.errors import ConstraintError, NotFoundError
from qcode.names import text_or_none
from qcode.services import blind, lookup
from qcode.services.coding import check_span
from qcode.services.project import Project
from qcode.store.models import (
    AxialLinkQuote,
    Code,
    Coder,
    Coding,
    CodingSubdivision,
    Quote,
    Source,
    Subdivision,
)


@dataclass(frozen=True)
class Span:
    """A coding as the reader draws it: where, which code and colour, filed where."""

    coding_id: int
    quote_id: int
    start: int
    end: int
    code: str
    color: str | None
    coder: str
    subdivision: str | None
    other_subdivisions: tuple[str, ...]
    emphasis: str | None
    notes: str | None


def _coding(session: Session, coding_id: int) -> Coding:
    coding = session.get(Coding, coding_id)
    if coding is None:
        raise NotFoundError(f"no coding {coding_id}; it may have been removed (undo brings "
                            f"it back)")
    return coding


def update_coding(
    session: Session,
    coding_id: int,
    *,
    emphasis: str | None = None,
    notes: str | None = None,
    subdivision: str | None = None,
    other_subdivisions: Sequence[str] = (),
) -> list[str]:
    """Set a coding's emphasis, notes and subdivisions (replacing the old filing).

    Returns the names of subdivisions that had to be created.
    """
    coding = _coding(session, coding_id)
    coding.emphasis = text_or_none(emphasis)
    coding.notes = text_or_none(notes)
    # Old links go first: the one-primary index must never see two at once.
    for link in list(coding.subdivisions):
        session.delete(link)
    session.flush()
    created: list[str] = []
    seen: set[int] = set()
    wanted = [(subdivision, True)] if subdivision and subdivision.strip() else []
    wanted += [(name, False) for name in other_subdivisions if name.strip()]
    for name, primary in wanted:
        node, new = lookup.subdivision(session, name, create=True)
        if new:
            created.append(node.name)
        if node.id in seen:
            continue
        seen.add(node.id)
        session.add(CodingSubdivision(coding_id=coding.id, subdivision_id=node.id,
                                      is_primary=primary))
    session.flush()
    return created


def revise_coding(session: Session, coding_id: int, *, code: str | None = None,
                  start: int | None = None, end: int | None = None) -> bool:
    """Give one coding another code, or move its quote's start and end in its source.

    Other codings on the same quote stay where they are: the revised coding takes a
    quote of its own (the one already at the new span, if any), and the quote it left
    goes when nothing holds on to it any more. Returns whether the code was new.
    """
    coding = _coding(session, coding_id)
    quote = session.get(Quote, coding.quote_id)
    assert quote is not None
    new_code = False
    if code is not None and code.strip():
        target_code, new_code = lookup.code(session, code, create=True)
        coding.code_id = target_code.id
    if quote.start is None or quote.end is None or quote.source_id is None:
        if start is not None or end is not None:
            raise ConstraintError(f"coding {coding_id} is not placed in a source yet; "
                                  "anchor it first")
    else:
        start = quote.start if start is None else start
        end = quote.end if end is None else end
        if (start, end) != (quote.start, quote.end):
            source = session.get(Source, quote.source_id)
            assert source is not None
            check_span(source, start, end)
            coding.quote_id = _quote_at(session, source, start, end).id
    session.flush()
    duplicate = session.scalar(select(func.count()).where(
        Coding.quote_id == coding.quote_id, Coding.code_id == coding.code_id,
        Coding.coder_id == coding.coder_id, Coding.id != coding.id))
    if duplicate:
        raise ConstraintError("that quote already has this code from this coder; "
                              "remove one of the two instead")
    if coding.quote_id != quote.id:
        _drop_if_unused(session, quote)
    return new_code


def _quote_at(session: Session, source: Source, start: int, end: int) -> Quote:
    """The quote at [start, end) of `source`, made (placed by hand) if there is none."""
    found = session.scalars(select(Quote).where(
        Quote.source_id == source.id, Quote.start == start, Quote.end == end)).first()
    if found is not None:
        return found
    made = Quote(source_id=source.id, start=start, end=end, text=source.text[start:end],
                 anchor="manual")
    session.add(made)
    session.flush()
    return made


def _drop_if_unused(session: Session, quote: Quote) -> None:
    """Delete a quote no coding and no axial link holds on to any more."""
    others = session.scalar(select(func.count()).where(Coding.quote_id == quote.id)) or 0
    supports = session.scalar(
        select(func.count()).where(AxialLinkQuote.quote_id == quote.id)) or 0
    if not others and not supports:
        session.expire(quote)
        session.delete(quote)
        session.flush()


def remove_coding(session: Session, coding_id: int) -> None:
    """Remove one coding; its quote goes too when nothing else holds on to it."""
    coding = _coding(session, coding_id)
    quote = session.get(Quote, coding.quote_id)
    for link in list(coding.subdivisions):
        session.delete(link)
    session.delete(coding)
    session.flush()
    if quote is not None:
        _drop_if_unused(session, quote)


def source_spans(project: Project, source_id: int, coder: str | None = None,
                 viewer: str | None = None) -> list[Span]:
    """Every anchored coding of one source in text order (or one coder's), to draw.

    `viewer` is who looks: where they code the source blind and not everyone has
    finished, only their own codings are drawn (see `qcode.services.blind`).
    """
    with project.reading() as session:
        return spans_in(session, source_id, coder=coder, viewer=viewer)


def spans_in(session: Session, source_id: int, coding_ids: Sequence[int] | None = None,
             coder: str | None = None, viewer: str | None = None) -> list[Span]:
    """`source_spans` inside the caller's transaction, optionally only `coding_ids`."""
    sub = aliased(Subdivision)
    codings = select(Coding.id, Quote.id, Quote.start, Quote.end, Code.name, Code.color,
                     Coder.name, Coding.emphasis, Coding.notes)
    filings = (select(CodingSubdivision.coding_id, sub.name, CodingSubdivision.is_primary)
               .join(sub, CodingSubdivision.subdivision_id == sub.id)
               .join(Coding, CodingSubdivision.coding_id == Coding.id)
               .join(Quote, Coding.quote_id == Quote.id)
               .where(Quote.source_id == source_id).order_by(sub.name))
    if coding_ids is not None:
        codings = codings.where(Coding.id.in_(coding_ids))
        filings = filings.where(Coding.id.in_(coding_ids))
    if coder is not None:
        codings = codings.where(Coder.name == coder)
    visible = blind.visible_to(session, viewer)
    if visible is not None:
        codings = codings.where(visible)
    rows = session.execute(
        codings.join(Quote, Coding.quote_id == Quote.id)
        .join(Code, Coding.code_id == Code.id)
        .join(Coder, Coding.coder_id == Coder.id)
        .where(Quote.source_id == source_id, Quote.anchor != "unanchored")
        .order_by(Quote.start, Quote.end, Coding.id)
    ).all()
    filed: dict[int, list[tuple[str, bool]]] = {}
    for coding_id, name, is_primary in session.execute(filings):
        filed.setdefault(coding_id, []).append((name, is_primary))
    spans = []
    for coding_id, quote_id, start, end, code, color, coder, emphasis, notes in rows:
        assert start is not None and end is not None  # anchored quotes only
        links = filed.get(coding_id, [])
        primary = next((name for name, is_primary in links if is_primary), None)
        others = tuple(name for name, is_primary in links if not is_primary)
        spans.append(Span(coding_id, quote_id, start, end, code, color, coder, primary, others,
                          emphasis, notes))
    return spans


@dataclass(frozen=True)
class Filing:
    """A code and where it was filed: what the reader's repeat key applies again."""

    code: str
    subdivision: str | None
    others: tuple[str, ...]


def last_filing(project: Project, coder: str) -> Filing | None:
    """The code and subdivisions of the coder's newest coding, None before the first.

    Read from the store, so repeating works in any transcript and after a restart, and
    an undone coding is no longer the one repeated. Emphasis and notes belong to one
    quote and are not part of it.
    """
    with project.reading() as session:
        who = lookup.known_coder(session, coder)
        if who is None:
            return None
        newest = session.execute(
            select(Coding.id, Code.name).join(Code, Coding.code_id == Code.id)
            .where(Coding.coder_id == who.id).order_by(Coding.id.desc()).limit(1)).first()
        if newest is None:
            return None
        links = session.execute(
            select(Subdivision.name, CodingSubdivision.is_primary)
            .join(CodingSubdivision, CodingSubdivision.subdivision_id == Subdivision.id)
            .where(CodingSubdivision.coding_id == newest.id).order_by(Subdivision.name)).all()
    primary = next((name for name, is_primary in links if is_primary), None)
    return Filing(newest.name, primary,
                  tuple(name for name, is_primary in links if not is_primary))


def recent_codes(project: Project, coder: str | None = None) -> list[str]:
    """Every code name, the coder's most recently used first, then the rest by name."""
    with project.reading() as session:
        who = lookup.known_coder(session, coder)  # a reader adds no coder
        last_used = (
            select(Coding.code_id, func.max(Coding.id).label("last"))
            .where(Coding.coder_id == (who.id if who else None))
            .group_by(Coding.code_id).subquery()
        )
        rows = session.execute(
            select(Code.name, last_used.c.last)
            .outerjoin(last_used, last_used.c.code_id == Code.id)
        ).all()
    used = sorted((r for r in rows if r.last is not None), key=lambda r: -r.last)
    unused = sorted((r for r in rows if r.last is None), key=lambda r: r.name.lower())
    return [r.name for r in used + unused]
