"""Mention counts: the headline numbers of a study, by any dimension, counted in SQL.

A mention is one coding-to-subdivision connection; a coding filed under no
subdivision is one mention in the "(no subdivision)" bucket, so every dimension and
every crosstab adds up to the same total. With `distinct`, quotes are counted instead:
a quote counts once in each bucket it reaches, however many connections lead there.
Cases: a source with two interview partners counts its mentions for each of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    String,
    Subquery,
    and_,
    case,
    cast,
    distinct,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from qcode.errors import InputError
from qcode.names import natural_key
from qcode.reports.percent import shares
from qcode.reports.scope import attribute_named, sources_with
from qcode.services import blind, lookup
from qcode.services.project import Project
from qcode.services.sets import sources_in
from qcode.store.models import (
    Case,
    CaseAttribute,
    Code,
    Coder,
    Coding,
    CodingSubdivision,
    Quote,
    Source,
    SourceCase,
    Subdivision,
)

if TYPE_CHECKING:
    import pandas as pd

NO_SUBDIVISION = "(no subdivision)"
NO_CASE = "(no case)"
NO_VALUE = "(no value)"
EMPTY_BUCKETS = (NO_SUBDIVISION, NO_CASE, NO_VALUE, "(no source)")
_DEEPEST = 10_000


@dataclass(frozen=True)
class Filters:
    """Which codings count. Empty means no restriction."""

    sources: Sequence[str] = ()
    cases: Sequence[str] = ()
    coders: Sequence[str] = ()
    attributes: Sequence[tuple[str, str]] = ()  # (name, value)
    subtree: str | None = None
    viewer: str | None = None  # who looks: blind coding hides others' codings from them
    source_sets: Sequence[str] = ()  # only the sources in these sets (qcode.services.sets)


@dataclass(frozen=True)
class Counts:
    """Mention counts as plain rows, for callers that need no DataFrame (the CLI).

    One-way (`across` None): `rows` are (label, count, percent), largest first, empty
    buckets last. Two-way: `rows` are (by value, across value, count) in the order of
    the totals of each, without empty cells or totals.
    """

    by: str
    across: str | None
    rows: list[tuple[Any, ...]]

    def tidy(self) -> list[dict[str, Any]]:
        """Long rows with stable keys: one-way {by, mentions, percent}; two-way
        {row, column, count, percent} with percent the share of the column's total."""
        if self.across is None:
            return [{self.by: label, "mentions": n, "percent": pct}
                    for label, n, pct in self.rows]
        totals: dict[str, int] = {}
        for _, column, n in self.rows:
            totals[column] = totals.get(column, 0) + n
        return [{"row": row, "column": column, "count": n,
                 "percent": round(100 * n / totals[column], 1) if totals[column] else 0.0}
                for row, column, n in self.rows]


def mentions(
    project: Project,
    by: str = "group",
    across: str | None = None,
    distinct_quotes: bool = False,
    filters: Filters | None = None,
    decimals: int = 0,
    unit: str | None = None,
) -> pd.DataFrame:
    """Mention counts by one dimension (with `percent`), or a crosstab of two.

    Dimensions: "subdivision", "group" (the top level of the tree, or the level below
    `filters.subtree`), "level:N" (the tree's Nth level, 0 = top or the subtree node),
    "code", "source", "case", "attribute:NAME".

    `unit` says what is counted: "mentions" (the default), "quotes" (what
    `distinct_quotes` asks for) or "codings"; the count column keeps the name
    "mentions" so tables have stable columns.

    One-way: columns [<dimension>, "mentions", "percent"], largest first, empty buckets
    last; percentages add up to 100 (largest remainder). Crosstab: one row per `by`
    value, one column per `across` value, and a "Total" row and column.
    """
    return frame(count_mentions(project, by, across, distinct_quotes, filters, decimals, unit))


def frame(counted: Counts) -> pd.DataFrame:
    """Counts as `mentions` returns them: the one-way table, or the wide crosstab."""
    import pandas as pd

    if counted.across is None:
        return pd.DataFrame(counted.rows, columns=[counted.by, "mentions", "percent"])
    return _crosstab(counted)


def count_mentions(
    project: Project,
    by: str = "group",
    across: str | None = None,
    distinct_quotes: bool = False,
    filters: Filters | None = None,
    decimals: int = 0,
    unit: str | None = None,
) -> Counts:
    """What `mentions` counts, as plain rows (see Counts); the same arguments."""
    filters = filters or Filters()
    if filters.viewer is not None:
        with project.reading() as session:
            if not blind.hidden_sources(session, filters.viewer):
                filters = replace(filters, viewer=None)  # nothing hidden: fast counts hold
    unit = unit or ("quotes" if distinct_quotes else "mentions")
    if across is None and unit == "mentions" and _tree_dimension(by) and _only_subtree(filters):
        with project.reading() as session:
            return _one_way(_tree_counts(session, by, filters), _label(by), decimals)
    with project.reading() as session:
        base = _base(session, filters, [by] if across is None else [by, across])
        dims = [_dimension(session, base, by, filters, "a")]
        if across is not None:
            dims.append(_dimension(session, base, across, filters, "b"))
        counted = {
            "mentions": func.count(),
            "quotes": func.count(distinct(base.c.quote_id)),
            "codings": func.count(distinct(base.c.coding_id)),
        }.get(unit)
        if counted is None:
            raise InputError(f"cannot count {unit!r}; count mentions, quotes or codings")
        query: Select[Any] = select(*(d[0] for d in dims), counted).select_from(base)
        for _, join in dims:
            query = join(query)
        query = query.group_by(*(d[0] for d in dims))
        rows = session.execute(query).all()
    label = _label(by)
    if across is None:
        return _one_way(rows, label, decimals)
    return _two_way(rows, label, _label(across))


def _tree_dimension(dimension: str) -> bool:
    return dimension.partition(":")[0].strip().lower() in ("subdivision", "group", "level")


def _only_subtree(filters: Filters) -> bool:
    return not (filters.sources or filters.cases or filters.coders or filters.attributes
                or filters.viewer or filters.source_sets)


def _tree_counts(session: Session, by: str, filters: Filters) -> list[tuple[str, int]]:
    """Mentions per tree bucket without touching codings row by row.

    Unfiltered counts need only the links table (its subdivision index covers the
    GROUP BY) and, for the "(no subdivision)" bucket, all codings less those with a
    link: much faster on a million codings than joining every coding.
    """
    per_subdivision = (
        select(CodingSubdivision.subdivision_id.label("id"), func.count().label("n"))
        .group_by(CodingSubdivision.subdivision_id)
        .subquery("per_subdivision")
    )
    label, joins = _dimension(session, per_subdivision, by, filters, "a", key="id")
    query: Any = joins(select(label, func.sum(per_subdivision.c.n)).select_from(per_subdivision))
    if filters.subtree:  # only what lies under the subtree
        tree = subdivision_tree(session, filters.subtree, _DEEPEST, "subtree")
        query = query.where(per_subdivision.c.id.in_(select(tree.c.id)))
    counted = session.execute(query.group_by(label)).all()
    rows = [(str(row[0]), int(row[1])) for row in counted]
    rows = [(name, n) for name, n in rows if name != NO_SUBDIVISION]
    if not filters.subtree:
        unfiled = (session.scalar(select(func.count()).select_from(Coding)) or 0) - (
            session.scalar(select(func.count(distinct(CodingSubdivision.coding_id)))) or 0
        )
        if unfiled:
            rows.append((NO_SUBDIVISION, unfiled))
    return rows


def _base(session: Session, filters: Filters, dimensions: Sequence[str]) -> Subquery:
    """One row per mention: (coding, quote, subdivision or NULL, code, and the source
    where a filter or a dimension needs it).

    Joining every coding to its quote costs a lookup per coding (3.7 s of 3.8 at a
    million codings by code), so the quote is joined only when the source is asked for.
    """
    by_source = any(d.partition(":")[0].strip().lower() in ("source", "case", "attribute")
                    for d in dimensions)
    needs_quote = by_source or bool(filters.sources or filters.cases or filters.attributes
                                    or filters.viewer or filters.source_sets)
    columns = [Coding.id.label("coding_id"), Coding.quote_id.label("quote_id"),
               CodingSubdivision.subdivision_id.label("subdivision_id"),
               Coding.code_id.label("code_id")]
    query = select(*columns).outerjoin(CodingSubdivision,
                                       CodingSubdivision.coding_id == Coding.id)
    if needs_quote:
        query = query.add_columns(Quote.source_id.label("source_id")).join(
            Quote, Coding.quote_id == Quote.id)
    if filters.coders:
        query = query.where(
            Coding.coder_id.in_(select(Coder.id).where(Coder.name.in_(filters.coders)))
        )
    if filters.sources:
        query = query.where(Quote.source_id.in_(
            select(Source.id).where(or_(Source.name.in_(filters.sources),
                                        Source.original_filename.in_(filters.sources)))
        ))
    if filters.source_sets:
        query = query.where(Quote.source_id.in_(sources_in(session, filters.source_sets)))
    if filters.cases:
        keys = [k.lower() for k in filters.cases]
        query = query.where(Quote.source_id.in_(
            select(SourceCase.source_id).join(Case, SourceCase.case_id == Case.id)
            .where(func.lower(Case.key).in_(keys))
        ))
    for name, value in filters.attributes:
        query = query.where(Quote.source_id.in_(sources_with(session, name, value)))
    if filters.subtree:
        tree = subdivision_tree(session, filters.subtree, _DEEPEST, "subtree")
        query = query.where(CodingSubdivision.subdivision_id.in_(select(tree.c.id)))
    visible = blind.visible_to(session, filters.viewer)
    if visible is not None:
        query = query.where(visible)
    return query.subquery("m")


def subdivision_tree(session: Session, subtree: str | None, level: int, name: str) -> Subquery:
    """(id, bucket) for every node under the top (or `subtree`): bucket is the node's
    ancestor at depth `level`, or the node itself when it is not that deep."""
    sub = Subdivision.__table__
    if subtree:
        root, _ = lookup.subdivision(session, subtree)
        start = sub.c.id == root.id
    else:
        start = sub.c.parent_id.is_(None)
    anchor = select(sub.c.id, sub.c.id.label("bucket"), literal(0, Integer).label("depth"))
    tree = anchor.where(start).cte(name, recursive=True)
    child = sub.alias("child")
    tree = tree.union_all(
        select(
            child.c.id,
            case((tree.c.depth + 1 <= level, child.c.id), else_=tree.c.bucket),
            tree.c.depth + 1,
        ).where(child.c.parent_id == tree.c.id)
    )
    return select(tree.c.id, tree.c.bucket).subquery(f"{name}_nodes")


Joins = Callable[[Select[Any]], Select[Any]]


def _dimension(
    session: Session, base: Subquery, dimension: str, filters: Filters, tag: str,
    key: str = "subdivision_id",
) -> tuple[ColumnElement[Any], Joins]:
    """The label expression of `dimension` and a function adding its joins."""
    kind, _, arg = dimension.partition(":")
    kind = kind.strip().lower()
    if kind in ("subdivision", "group", "level"):
        if kind == "level":
            if not arg.strip().isdigit():
                raise InputError(f"--by {dimension}: give the level as a number, e.g. level:1")
            level = int(arg)
        else:
            level = _DEEPEST if kind == "subdivision" else (1 if filters.subtree else 0)
        tree = subdivision_tree(session, filters.subtree, level, f"tree_{tag}")
        bucket = _alias(Subdivision, f"bucket_{tag}")
        label = func.coalesce(bucket.c.name, NO_SUBDIVISION)
        return label, lambda q: q.outerjoin(tree, tree.c.id == base.c[key]).outerjoin(
            bucket, bucket.c.id == tree.c.bucket
        )
    if kind == "source":
        source = _alias(Source, f"source_{tag}")
        return func.coalesce(source.c.name, "(no source)"), lambda q: q.outerjoin(
            source, source.c.id == base.c.source_id
        )
    if kind == "code":
        code = _alias(Code, f"code_{tag}")
        return code.c.name, lambda q: q.join(code, code.c.id == base.c.code_id)
    if kind in ("case", "attribute"):
        link = _alias(SourceCase, f"link_{tag}")
        if kind == "case":
            owner = _alias(Case, f"case_{tag}")
            return func.coalesce(owner.c.key, NO_CASE), lambda q: q.outerjoin(
                link, link.c.source_id == base.c.source_id
            ).outerjoin(owner, owner.c.id == link.c.case_id)
        attribute = attribute_named(session, arg)
        value = _alias(CaseAttribute, f"value_{tag}")
        label = func.coalesce(
            value.c.value_text,
            # "41", not "41.0" (SQLite) or "41" (PostgreSQL): one label on either store
            case((value.c.value_number == func.round(value.c.value_number),
                  cast(cast(value.c.value_number, BigInteger), String)),
                 else_=cast(value.c.value_number, String)),
            cast(value.c.value_date, String),
            NO_VALUE,
        )
        return label, lambda q: q.outerjoin(link, link.c.source_id == base.c.source_id).outerjoin(
            value, and_(value.c.case_id == link.c.case_id, value.c.attribute_id == attribute.id)
        )
    raise InputError(
        f"cannot count by {dimension!r}; use subdivision, group, level:N, code, source, "
        "case or attribute:NAME"
    )


def _alias(model: Any, name: str) -> Any:
    """A named copy of `model`'s table for a join. A table alias, not the ORM's
    `aliased`: that configures every mapper of the store first, a fifth of the time a
    `qcode report mentions` takes."""
    return model.__table__.alias(name)


def _label(dimension: str) -> str:
    kind, _, arg = dimension.partition(":")
    return arg.strip() if kind.strip().lower() == "attribute" else dimension.strip().lower()


def _order(labels: Sequence[str], counts: Sequence[int]) -> list[int]:
    return sorted(range(len(labels)),
                  key=lambda i: (labels[i] in EMPTY_BUCKETS, -counts[i], natural_key(labels[i])))


def _one_way(rows: Sequence[Any], label: str, decimals: int) -> Counts:
    labels = [str(r[0]) for r in rows]
    counts = [int(r[1]) for r in rows]
    order = _order(labels, counts)
    labels, counts = [labels[i] for i in order], [counts[i] for i in order]
    return Counts(label, None, list(zip(labels, counts, shares(counts, decimals), strict=True)))


def _two_way(rows: Sequence[Any], by: str, across: str) -> Counts:
    """Long rows ordered by the totals of their row and of their column."""
    cells = [(str(r[0]), str(r[1]), int(r[2])) for r in rows if int(r[2])]
    rank = {}
    for position in (0, 1):
        totals: dict[str, int] = {}
        for cell in cells:
            name = cell[position]
            assert isinstance(name, str)
            totals[name] = totals.get(name, 0) + cell[2]
        names = list(totals)
        rank[position] = {names[i]: n for n, i in
                          enumerate(_order(names, [totals[name] for name in names]))}
    cells.sort(key=lambda cell: (rank[0][cell[0]], rank[1][cell[1]]))
    return Counts(by, across, cells)


def _crosstab(counted: Counts) -> pd.DataFrame:
    """The wide table of a two-way count: a row per `by` value, a column per `across`
    value, zeros where nothing was counted, and a "Total" row and column."""
    import pandas as pd

    by = counted.by
    if not counted.rows:
        return pd.DataFrame({by: ["Total"], "Total": [0]})
    rows = list(dict.fromkeys(row for row, _, _ in counted.rows))
    columns = list(dict.fromkeys(column for _, column, _ in counted.rows))
    # The columns in order of their totals, not of first appearance.
    totals = {c: sum(n for _, column, n in counted.rows if column == c) for c in columns}
    columns = [columns[i] for i in _order(columns, [totals[c] for c in columns])]
    wide = pd.DataFrame(0, index=rows, columns=columns)
    for row, column, n in counted.rows:
        wide.loc[row, column] = n
    wide["Total"] = wide.sum(axis=1)
    wide.loc["Total"] = wide.sum(axis=0)
    wide.index.name = by
    return wide.reset_index()
