"""The quotes table: codings filtered and read a page at a time, for 100,000 and more.

Only the page on screen is ever loaded; the count and each page are one query each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from qcode.reports.mentions import subdivision_tree
from qcode.reports.scope import sources_with
from qcode.services import blind, lookup
from qcode.services.project import Project
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
    """One page of the filtered codings, by source, then position in the text."""
    with project.reading() as session:
        query = _filtered(session, wanted, _rows_query()).order_by(*_ORDER)
        return [QuoteRow(*row) for row in session.execute(query.offset(offset).limit(limit))]


def quote_order(project: Project, wanted: QuoteFilter) -> list[int]:
    """The ids of the filtered codings in table order: sorted once, then paged by id.

    Sorting 100,000 codings for every page costs a quarter to half a second a page;
    holding their ids (a few MB, not the table) makes each page a lookup by key.
    """
    with project.reading() as session:
        query = _filtered(session, wanted, _joined(select(Coding.id).select_from(Coding)))
        return list(session.scalars(query.order_by(*_ORDER)))


def quote_rows(project: Project, coding_ids: Sequence[int]) -> list[QuoteRow]:
    """The rows of these codings, in the order given."""
    if not coding_ids:
        return []
    with project.reading() as session:
        found = {row[0]: QuoteRow(*row) for row in session.execute(
            _rows_query().where(Coding.id.in_(coding_ids)))}
    return [found[i] for i in coding_ids if i in found]


_ORDER = (Source.name, Quote.start, Coding.id)


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
