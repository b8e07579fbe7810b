"""Saturation and the codebook report: how coding grew, interview by interview."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import func, select

from qcode.names import natural_key
from qcode.services.codebook import list_subdivisions
from qcode.services.project import Project
from qcode.store.models import (
    Attribute,
    CaseAttribute,
    Code,
    Coding,
    CodingSubdivision,
    Quote,
    Source,
    SourceCase,
    Subdivision,
)


def interview_order(project: Project) -> list[tuple[int, str, date | None]]:
    """(source id, name, date) in interview order: by the earliest date-typed case
    attribute of each source's cases (an "interview date"), then by name."""
    with project.reading() as session:
        dates = dict(
            session.execute(
                select(SourceCase.source_id, func.min(CaseAttribute.value_date))
                .join(CaseAttribute, CaseAttribute.case_id == SourceCase.case_id)
                .join(Attribute, Attribute.id == CaseAttribute.attribute_id)
                .where(Attribute.type == "date")
                .group_by(SourceCase.source_id)
            ).all()
        )
        sources = session.execute(select(Source.id, Source.name)).all()
    ordered = sorted(sources, key=lambda s: (dates.get(s[0]) is None, dates.get(s[0]) or date.min,
                                             natural_key(s[1])))
    return [(sid, name, dates.get(sid)) for sid, name in ordered]


def saturation(project: Project) -> pd.DataFrame:
    """Per interview, in interview order: codes and subdivisions used there for the
    first time, and the running totals. Levelling-off totals suggest saturation."""
    order = interview_order(project)
    with project.reading() as session:
        code_use = session.execute(
            select(Quote.source_id, Coding.code_id)
            .join(Quote, Quote.id == Coding.quote_id)
            .group_by(Quote.source_id, Coding.code_id)
        ).all()
        subdivision_use = session.execute(
            select(Quote.source_id, CodingSubdivision.subdivision_id)
            .join(Coding, Coding.id == CodingSubdivision.coding_id)
            .join(Quote, Quote.id == Coding.quote_id)
            .group_by(Quote.source_id, CodingSubdivision.subdivision_id)
        ).all()
    rows = []
    seen_codes: set[int] = set()
    seen_subdivisions: set[int] = set()
    codes_in = _by_source(code_use)
    subdivisions_in = _by_source(subdivision_use)
    for position, (sid, name, day) in enumerate(order, start=1):
        new_codes = codes_in.get(sid, set()) - seen_codes
        new_subdivisions = subdivisions_in.get(sid, set()) - seen_subdivisions
        seen_codes |= new_codes
        seen_subdivisions |= new_subdivisions
        rows.append({
            "interview": position, "source": name, "date": day,
            "codes_used": len(codes_in.get(sid, set())), "new_codes": len(new_codes),
            "total_codes": len(seen_codes), "new_subdivisions": len(new_subdivisions),
            "total_subdivisions": len(seen_subdivisions),
        })
    return pd.DataFrame(rows, columns=["interview", "source", "date", "codes_used", "new_codes",
                                       "total_codes", "new_subdivisions", "total_subdivisions"])


def _by_source(pairs: object) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    for source_id, item in pairs:  # type: ignore[attr-defined]
        found.setdefault(source_id, set()).add(item)
    return found


def codebook(project: Project) -> pd.DataFrame:
    """Every code: description, its place in the codebook tree, codings, quotes,
    sources, where it is filed most, and when it was first and last used."""
    paths = {node.id: node.path for node in list_subdivisions(project)}
    with project.reading() as session:
        counts = session.execute(
            select(
                Code.name, Code.description, Code.subdivision_id, func.count(Coding.id),
                func.count(func.distinct(Coding.quote_id)),
                func.count(func.distinct(Quote.source_id)),
                func.min(Coding.created_at), func.max(Coding.created_at),
            )
            .outerjoin(Coding, Coding.code_id == Code.id)
            .outerjoin(Quote, Quote.id == Coding.quote_id)
            .group_by(Code.id, Code.name, Code.description, Code.subdivision_id)
        ).all()
        filed = session.execute(
            select(Code.name, Subdivision.name, func.count())
            .join(Coding, Coding.code_id == Code.id)
            .join(CodingSubdivision, CodingSubdivision.coding_id == Coding.id)
            .join(Subdivision, Subdivision.id == CodingSubdivision.subdivision_id)
            .group_by(Code.name, Subdivision.name)
        ).all()
    under: dict[str, list[tuple[int, str]]] = {}
    for code, subdivision, n in filed:
        under.setdefault(code, []).append((n, subdivision))

    rows = [
        {
            "code": name, "description": description,
            "place": paths.get(home) if home is not None else None,
            "codings": codings, "quotes": quotes, "sources": sources,
            "subdivisions": [s for _, s in sorted(under.get(name, []),
                                                  key=lambda x: (-x[0], x[1]))],
            "first_used": first, "last_used": last,
        }
        for name, description, home, codings, quotes, sources, first, last in counts
    ]
    rows.sort(key=lambda r: (-int(str(r["codings"])), str(r["code"])))
    return pd.DataFrame(rows, columns=["code", "description", "place", "codings", "quotes",
                                       "sources", "subdivisions", "first_used", "last_used"])
