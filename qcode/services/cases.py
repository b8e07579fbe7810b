"""Cases (interview partners) and their typed attributes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.errors import InputError
from qcode.names import clean_name, name_key, natural_key
from qcode.services.project import Project
from qcode.store.models import Attribute, Case, CaseAttribute, Source, SourceCase

AttributeValue = str | float | date


@dataclass(frozen=True)
class CaseRow:
    """One interview partner from a manifest: key, display name, typed attributes."""

    key: str
    name: str | None = None
    attributes: dict[str, tuple[str, AttributeValue]] = field(default_factory=dict)
    files: Sequence[str] = ()


@dataclass(frozen=True)
class CaseInfo:
    key: str
    name: str | None
    sources: list[str]
    attributes: dict[str, AttributeValue]


@dataclass(frozen=True)
class ManifestResult:
    cases: int
    links: int
    unmatched_files: list[str]
    cases_without_source: list[str] = field(default_factory=list)
    sources_without_case: list[str] = field(default_factory=list)


def apply_manifest(project: Project, rows: Sequence[CaseRow]) -> ManifestResult:
    """Create or update cases and link them to sources, all in one transaction.

    A row that names files is linked to the sources imported from those files; a row
    without files is linked to every source whose file name starts with its key and
    goes on with something else than the key's kind of character ("IP4_interview.txt"
    and "P1R1.txt" belong to IP4 and P1, "IP40.txt" never to IP4).
    """
    with project.step(f"apply a participants list of {len(rows)} cases") as session:
        return store_manifest(session, rows)


def store_manifest(session: Session, rows: Sequence[CaseRow]) -> ManifestResult:
    """`apply_manifest` inside the caller's step (an import applies it with its files)."""
    sources = session.execute(select(Source.id, Source.original_filename, Source.name)).all()
    links, unmatched, lonely = 0, [], []
    for row in rows:
        case = _upsert_case(session, row)
        if row.files:
            wanted = {f.casefold() for f in row.files}
            ids = [s.id for s in sources if (s.original_filename or "").casefold() in wanted]
            found = {(s.original_filename or "").casefold() for s in sources if s.id in ids}
            unmatched += [f for f in row.files if f.casefold() not in found]
        else:
            ids = [s.id for s in sources if _named_for(row.key, s.original_filename or s.name)]
        if not ids and not session.scalar(select(SourceCase.source_id)
                                          .where(SourceCase.case_id == case.id).limit(1)):
            lonely.append(case.key)
        for source_id in ids:
            links += _link(session, source_id, case.id)
    session.flush()
    linked = set(session.scalars(select(SourceCase.source_id)))
    caseless = sorted((s.name for s in sources if s.id not in linked), key=natural_key)
    return ManifestResult(len(rows), links, unmatched, lonely, caseless)


def _named_for(key: str, file_name: str) -> bool:
    """Whether a file is named for case `key`: it starts with the key, and what follows
    cannot continue it (a digit after P1, a letter or digit after Ana)."""
    key = clean_name(key)
    if not file_name.casefold().startswith(key.casefold()) or not key:
        return False
    after = file_name[len(key):len(key) + 1]
    if key[-1].isdigit():
        return not after.isdigit()
    return not after.isalnum()


def _upsert_case(session: Session, row: CaseRow) -> Case:
    key = clean_name(row.key)
    if not key:
        raise InputError("a case needs a key such as IP1 in the first column")
    case = session.scalars(select(Case).where(Case.key == key)).first()
    if case is None:
        case = Case(key=key)
        session.add(case)
    if row.name:
        case.name = row.name
    session.flush()
    for attr_name, (kind, value) in row.attributes.items():
        attribute = _attribute(session, attr_name, kind)
        stored = session.get(CaseAttribute, (case.id, attribute.id))
        if stored is None:
            stored = CaseAttribute(case_id=case.id, attribute_id=attribute.id)
            session.add(stored)
        stored.value_text = value if isinstance(value, str) else None
        stored.value_number = float(value) if isinstance(value, float) else None
        stored.value_date = value if isinstance(value, date) else None
    return case


def _attribute(session: Session, name: str, kind: str) -> Attribute:
    key = name_key(name)
    attribute = session.scalars(select(Attribute).where(Attribute.name_key == key)).first()
    if attribute is None:
        attribute = Attribute(name=clean_name(name), name_key=key, type=kind)
        session.add(attribute)
        session.flush()
    elif attribute.type != kind:
        raise InputError(
            f"attribute {name!r} holds {kind} values here but {attribute.type} values in "
            f"the project; make the column consistent"
        )
    return attribute


def _link(session: Session, source_id: int, case_id: int) -> int:
    if session.get(SourceCase, (source_id, case_id)) is not None:
        return 0
    session.add(SourceCase(source_id=source_id, case_id=case_id))
    return 1


def upsert_case(session: Session, row: CaseRow) -> Case:
    """Create or update one case and its attribute values inside the caller's transaction."""
    return _upsert_case(session, row)


def link_source(session: Session, source_id: int, case_id: int) -> bool:
    """Tie a source to a case (inside the caller's transaction); False if already tied."""
    return bool(_link(session, source_id, case_id))


def list_cases(project: Project) -> list[CaseInfo]:
    """Every case with its sources and attribute values.

    Three queries whatever the number of cases, and only source names are read: the
    workbench's sources, quotes and counts screens and the exports all start here.
    """
    with project.reading() as session:
        cases = session.execute(select(Case.id, Case.key, Case.name).order_by(Case.id)).all()
        values: dict[int, dict[str, AttributeValue]] = {case.id: {} for case in cases}
        for case_id, name, text, number, when in session.execute(
                select(CaseAttribute.case_id, Attribute.name, CaseAttribute.value_text,
                       CaseAttribute.value_number, CaseAttribute.value_date)
                .join(Attribute, CaseAttribute.attribute_id == Attribute.id)
                .order_by(CaseAttribute.case_id, CaseAttribute.attribute_id)):
            values[case_id][name] = _stored_value(text, number, when)
        sources: dict[int, list[str]] = {case.id: [] for case in cases}
        for case_id, source_name in session.execute(
                select(SourceCase.case_id, Source.name)
                .join(Source, SourceCase.source_id == Source.id)):
            sources[case_id].append(source_name)
    return [CaseInfo(case.key, case.name, sorted(sources[case.id], key=natural_key),
                     values[case.id])
            for case in cases]


def _stored_value(text: str | None, number: float | None,
                  when: date | None) -> AttributeValue:
    """The one value column that is set; 41, not 41.0, for a whole number."""
    if number is not None:
        return int(number) if number.is_integer() else number
    if when is not None:
        return when
    assert text is not None  # the one_value constraint: exactly one column is set
    return text


def case_rows(cases: list[CaseInfo]) -> tuple[list[dict[str, Any]], list[str]]:
    """Cases as flat rows, one column per attribute (as a spreadsheet holds them), and
    their columns: case, name, sources, then the attributes. An attribute named like a
    fixed column is listed as "attribute:NAME"."""
    fixed = ["case", "name", "sources"]
    attributes = list(dict.fromkeys(a for c in cases for a in c.attributes))
    named = {a: f"attribute:{a}" if a in fixed else a for a in attributes}
    rows = [{"case": c.key, "name": c.name, "sources": c.sources,
             **{named[a]: v for a, v in c.attributes.items()}} for c in cases]
    return rows, [*fixed, *named.values()]
