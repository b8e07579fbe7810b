"""The quotes table: codings filtered and read a page at a time, for 100,000 and more.

Only the page on screen is ever loaded; the count and the order are one query each, a
page two (its rows, and the subdivisions they are filed under).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, false, func, or_, select
from sqlalchemy.orm import Session, aliased

from qcode.names import natural_key
from qcode.reports.mentions import subdivision_tree
from qcode.reports.scope import sources_with
from qcode.services import blind, lookup
from qcode.services.project import Project
from qcode.services.timeline import time_in, timelines
from qcode.store.models import (
    Case,
    Code,
    Coder,
    Coding,
    CodingSubdivision,
    Quote,
    Source,
    SourceCase,
    Subdivision,
)


@dataclass(frozen=True)
class QuoteFilter:
    """Which codings the table shows; empty fields do not restrict."""

    code: str | None = None
    subdivision: str | None = None  # this node and everything under it
    case: str | None = None
    attribute: tuple[str, str] | None = None
    coder: str | None = None
    text: str | None = None  # words in the quote, any case
    source: str | None = None
    viewer: str | None = None  # who looks: blind coding hides others' codings from them


@dataclass(frozen=True)
class QuoteRow:
    coding_id: int
    source_id: int | None
    source: str | None
    start: int | None
    end: int | None
    text: str
    code: str
    subdivision: str | None
    emphasis: str | None
    notes: str | None
    coder: str
    also: tuple[str, ...] = ()  # the other subdivisions it is filed under
    # Its subdivisions a `sub:` filter covers: the reason the filter let it in.
    matched: tuple[str, ...] = ()
    time: float | None = None  # where it starts in the interview, when anything tells


def filed_under(row: QuoteRow) -> str:
    """The Subdivision cell: the primary subdivision, or, when a `sub:` filter let the
    row in through others of its subdivisions, those, marked "(also)".

    Showing the primary there would leave the row a mystery; the matched names come
    first because at 80 columns the cell holds about ten characters.
    """
    if row.matched and row.subdivision not in row.matched:
        return ", ".join(row.matched) + " (also)"
    return row.subdivision or ", ".join(row.also)


def _filtered(session: Session, wanted: QuoteFilter, query: Select[Any]) -> Select[Any]:
    if wanted.code:
        code, _ = lookup.code(session, wanted.code)
        query = query.where(Coding.code_id == code.id)
    if wanted.subdivision:
        tree = subdivision_tree(session, wanted.subdivision, 10_000, "subtree")
        query = query.where(Coding.id.in_(
            select(CodingSubdivision.coding_id)
            .where(CodingSubdivision.subdivision_id.in_(select(tree.c.id)))
        ))
    if wanted.case:
        query = query.where(Quote.source_id.in_(
            select(SourceCase.source_id).join(Case, SourceCase.case_id == Case.id)
            .where(func.lower(Case.key) == wanted.case.lower())
        ))
    if wanted.attribute:
        query = query.where(Quote.source_id.in_(sources_with(session, *wanted.attribute)))
    if wanted.coder:
        query = query.where(Coder.name == wanted.coder)
    if wanted.source:
        query = query.where(or_(Source.name == wanted.source,
                                Source.original_filename == wanted.source))
    if wanted.text:
        for word in wanted.text.split():
            query = query.where(func.lower(Quote.text).contains(word.lower(), autoescape=True))
    visible = blind.visible_to(session, wanted.viewer)
    if visible is not None:
        query = query.where(visible)
    return query


def _joined(query: Select[Any]) -> Select[Any]:
    return (query.join(Quote, Coding.quote_id == Quote.id)
            .join(Code, Coding.code_id == Code.id)
            .join(Coder, Coding.coder_id == Coder.id)
            .outerjoin(Source, Quote.source_id == Source.id))


def count_quotes(project: Project, wanted: QuoteFilter) -> int:
    """How many codings the filter lets through."""
    with project.reading() as session:
        query = _filtered(session, wanted, _joined(select(func.count()).select_from(Coding)))
        return int(session.scalar(query) or 0)


def quote_page(project: Project, wanted: QuoteFilter, offset: int, limit: int) -> list[QuoteRow]:
    """One page of the filtered codings, in table order (see `quote_order`)."""
    page = quote_order(project, wanted)[offset:offset + limit]
    return quote_rows(project, page, wanted.subdivision)


def quote_order(project: Project, wanted: QuoteFilter) -> list[int]:
    """The ids of the filtered codings in table order: by source in natural order (IP2
    before IP10), then position in the text. Sorted once, then paged by id.

    Sorting 100,000 codings for every page costs a quarter to half a second a page;
    holding their ids (a few MB, not the table) makes each page a lookup by key. The
    sort is done here rather than in SQL, which only knows IP10 before IP2.
    """
    with project.reading() as session:
        columns: Any = select(Coding.id, Source.name, Quote.start).select_from(Coding)
        rows = list(session.execute(_filtered(session, wanted, _joined(columns))))
    # One key per source, not per coding: a project has far fewer sources than codings.
    keys = {name: natural_key(name) for name in {row[1] for row in rows}}
    # Codings without a source or a start first, as SQL sorts NULL on SQLite.
    rows.sort(key=lambda row: (keys[row[1]], -1 if row[2] is None else row[2], row[0]))
    return [row[0] for row in rows]


def quote_rows(project: Project, coding_ids: Sequence[int],
               subtree: str | None = None) -> list[QuoteRow]:
    """The rows of these codings, in the order given.

    `subtree` is the filter's `sub:` name: each row then says which of its
    subdivisions it covers (`matched`), so the table can show why the row is there.
    """
    if not coding_ids:
        return []
    with project.reading() as session:
        found = {row[0]: QuoteRow(*row) for row in session.execute(
            _rows_query().where(Coding.id.in_(coding_ids)))}
        also, matched = _filings(session, coding_ids, subtree)
        lines = timelines(session, {r.source_id for r in found.values() if r.source_id})
    return [replace(found[i], also=tuple(sorted(also.get(i, ()), key=natural_key)),
                    matched=tuple(sorted(matched.get(i, ()), key=natural_key)),
                    time=time_in(lines, found[i].source_id, found[i].start))
            for i in coding_ids if i in found]


def _filings(session: Session, coding_ids: Sequence[int], subtree: str | None,
             ) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Per coding: its other (non-primary) subdivisions, and those under `subtree`."""
    under: Any = false()
    if subtree:
        tree = subdivision_tree(session, subtree, 10_000, "subtree")
        under = Subdivision.id.in_(select(tree.c.id))
    query = (select(CodingSubdivision.coding_id, Subdivision.name,
                    CodingSubdivision.is_primary, under)
             .join(Subdivision, CodingSubdivision.subdivision_id == Subdivision.id)
             .where(CodingSubdivision.coding_id.in_(coding_ids)))
    also: dict[int, list[str]] = {}
    matched: dict[int, list[str]] = {}
    for coding_id, name, primary, is_under in session.execute(query):
        if not primary:
            also.setdefault(coding_id, []).append(name)
        if is_under:
            matched.setdefault(coding_id, []).append(name)
    return also, matched


def _rows_query() -> Any:
    primary = aliased(Subdivision)
    filed = aliased(CodingSubdivision)
    columns: Any = (
        select(Coding.id, Quote.source_id, Source.name, Quote.start, Quote.end, Quote.text,
               Code.name, primary.name, Coding.emphasis, Coding.notes, Coder.name)
        .select_from(Coding)
    )
    return (_joined(columns)
            .outerjoin(filed, (filed.coding_id == Coding.id) & filed.is_primary)
            .outerjoin(primary, filed.subdivision_id == primary.id))
