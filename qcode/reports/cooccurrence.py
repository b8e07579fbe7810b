"""Which subdivisions (or codes) occur together, counted in SQL.

Two ways of being together:
- "coding": one coding filed under both subdivisions (for codes: one quote carrying
  both codes); the count is of codings (quotes);
- "overlap": two codings whose quotes overlap in the text, one with each item; the
  count is of such pairs of codings.
The table is symmetric; the diagonal holds how many codings each item has.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import and_, distinct, func, select
from sqlalchemy.orm import aliased

from qcode.errors import InputError
from qcode.names import natural_key
from qcode.services.project import Project
from qcode.store.models import Code, Coding, CodingSubdivision, Quote, Subdivision


def cooccurrence(project: Project, of: str = "subdivision", mode: str = "coding") -> pd.DataFrame:
    """A square table: rows and columns are the items, in name order."""
    if of not in ("subdivision", "code"):
        raise InputError(f"co-occurrence of {of!r}: choose subdivision or code")
    if mode not in ("coding", "overlap"):
        raise InputError(f"co-occurrence by {mode!r}: choose coding or overlap")
    items = _items(of)
    a, b = items.alias("a"), items.alias("b")
    if mode == "coding":
        together = a.c.quote_id == b.c.quote_id if of == "code" else a.c.coding_id == b.c.coding_id
        unit = a.c.quote_id if of == "code" else a.c.coding_id
        query = (
            select(a.c.name, b.c.name, func.count(distinct(unit)))
            .select_from(a)
            .join(b, and_(together, a.c.item != b.c.item))
            .group_by(a.c.name, b.c.name)
        )
    else:
        qa, qb = aliased(Quote), aliased(Quote)
        query = (
            select(a.c.name, b.c.name, func.count())
            .select_from(a)
            .join(qa, qa.id == a.c.quote_id)
            .join(qb, and_(qb.source_id == qa.source_id, qb.start < qa.end, qa.start < qb.end))
            .join(b, and_(b.c.quote_id == qb.id, b.c.coding_id != a.c.coding_id,
                          a.c.item != b.c.item))
            .group_by(a.c.name, b.c.name)
        )
    own = select(items.c.name, func.count(distinct(items.c.coding_id))).group_by(items.c.name)
    with project.reading() as session:
        pairs = session.execute(query).all()
        totals = {name: n for name, n in session.execute(own).all()}
    names = sorted(totals, key=natural_key)
    table = pd.DataFrame(0, index=names, columns=names, dtype="int64")
    for left, right, count in pairs:
        table.loc[left, right] = count
    for name, count in totals.items():
        table.loc[name, name] = count
    table.index.name = of
    return table.reset_index()


def _items(of: str) -> Any:
    """(coding_id, quote_id, item, name) for every coding and its codes or subdivisions."""
    query: Any
    if of == "code":
        query = select(Coding.id.label("coding_id"), Coding.quote_id.label("quote_id"),
                       Code.id.label("item"), Code.name.label("name")).join(
            Code, Code.id == Coding.code_id)
    else:
        query = (
            select(Coding.id.label("coding_id"), Coding.quote_id.label("quote_id"),
                   Subdivision.id.label("item"), Subdivision.name.label("name"))
            .join(CodingSubdivision, CodingSubdivision.coding_id == Coding.id)
            .join(Subdivision, Subdivision.id == CodingSubdivision.subdivision_id)
        )
    return query.subquery("items")


def pairs(square: pd.DataFrame) -> list[dict[str, Any]]:
    """The square table as tidy long rows {row, column, count}, one per pair that
    occurs (both orders; the diagonal is each item's own codings)."""
    label = str(square.columns[0])
    return [{"row": r[label], "column": str(column), "count": r[column]}
            for r in square.to_dict(orient="records")
            for column in square.columns if column != label and r[column]]
