"""Cases (interview partners) and their typed attributes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qcode.errors import InputError, NotFoundError
from qcode.names import clean_name, name_key, natural_key
from qcode.services import lookup
from qcode.services.project import Project
from qcode.store.models import Attribute, Case, CaseAttribute, Memo, Source, SourceCase
from qcode.values import SLASHED, as_date, as_number

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


# --- one case at a time: what the workbench's cases screen does -----------------------

# The widths of the key and name columns (Case.key, Case.name).
KEY_LENGTH, NAME_LENGTH = 100, 300


@dataclass(frozen=True)
class CaseSheet:
    """Everything the cases screen shows and offers, read in one go."""

    cases: list[CaseInfo]  # in natural order of their keys: IP2 before IP10
    attributes: dict[str, str]  # every attribute's name and type, oldest first
    sources: list[str]  # every source's name, to link
    memos: dict[str, int]  # memos written on each case (deleting the case deletes them)


def case_sheet(project: Project) -> CaseSheet:
    """The cases with their sources and values, the attributes with their types, the
    sources there are to link and how many memos each case has."""
    cases = sorted(list_cases(project), key=lambda case: natural_key(case.key))
    with project.reading() as session:
        attributes = {name: kind for name, kind in session.execute(
            select(Attribute.name, Attribute.type).order_by(Attribute.id))}
        sources = sorted(session.scalars(select(Source.name)), key=natural_key)
        memos = {key: count for key, count in session.execute(
            select(Case.key, func.count(Memo.id)).join(Memo, Memo.case_id == Case.id)
            .group_by(Case.key))}
    return CaseSheet(cases, attributes, sources, memos)


def add_case(session: Session, key: str, name: str | None = None) -> str:
    """Create the case `key` (IP13) inside the caller's step; returns the key as stored.

    Raises:
        InputError: The key is empty, too long, or another case's already.
    """
    key = _free_key(session, key)
    session.add(Case(key=key, name=_case_name(name)))
    session.flush()
    return key


def rename_case(session: Session, key: str, new_key: str) -> str:
    """Give case `key` a new key; its sources, values and memos stay with it.

    Raises:
        NotFoundError: No case has the key `key`.
        InputError: The new key is empty, too long, or another case's already.
    """
    case = _case(session, key)
    case.key = _free_key(session, new_key, keep=case.id)
    session.flush()
    return case.key


def name_case(session: Session, key: str, name: str | None) -> None:
    """Set the display name of case `key` (a person's or a body's name); empty clears it."""
    _case(session, key).name = _case_name(name)
    session.flush()


def delete_case(session: Session, key: str) -> None:
    """Delete case `key`, its attribute values, its memos and its ties to sources.

    The sources themselves stay. An attribute no case holds a value of any more goes
    too, so its type is chosen afresh by the next value given (see `clear_attribute`).
    Every row deleted is recorded by the caller's step, so an undo brings all back.
    """
    case = _case(session, key)
    held = set(session.scalars(select(CaseAttribute.attribute_id)
                               .where(CaseAttribute.case_id == case.id)))
    session.delete(case)  # the database deletes values, ties and memos with it
    session.flush()
    _drop_unused(session, held)


def set_attribute(session: Session, key: str, attribute: str, typed: str) -> AttributeValue:
    """Set attribute `attribute` of case `key` to the value `typed` reads as.

    The value is read as the attribute's type (`read_value`); an attribute new to the
    project takes the type of its first value. Returns the stored value.

    Raises:
        NotFoundError: No case has the key `key`.
        InputError: No attribute name, or a value the attribute's type cannot hold.
    """
    case = _case(session, key)
    name = clean_name(attribute)
    if not name:
        raise InputError("an attribute needs a name, such as 'stakeholder group'")
    known = session.scalars(select(Attribute).where(Attribute.name_key == name_key(name))
                            ).first()
    kind, value = read_value(typed, known.type if known else None, name)
    _upsert_case(session, CaseRow(key=case.key,
                                  attributes={known.name if known else name: (kind, value)}))
    session.flush()
    return value


def clear_attribute(session: Session, key: str, attribute: str) -> bool:
    """Remove the value of `attribute` from case `key`; False if it had none.

    Once no case holds a value of the attribute, the attribute goes as well: left
    behind, its type would refuse the next value of another type ("12" typed by
    mistake would keep a "stakeholder group" numeric, invisibly).
    """
    case = _case(session, key)
    known = session.scalars(select(Attribute).where(
        Attribute.name_key == name_key(attribute))).first()
    stored = session.get(CaseAttribute, (case.id, known.id)) if known else None
    if stored is None or known is None:
        return False
    session.delete(stored)
    session.flush()
    _drop_unused(session, {known.id})
    return True


def link_case_source(session: Session, key: str, source: str) -> bool:
    """Tie the source named `source` to case `key`; False if it was tied already."""
    case = _case(session, key)
    return link_source(session, lookup.source(session, source).id, case.id)


def unlink_case_source(session: Session, key: str, source: str) -> bool:
    """Untie the source named `source` from case `key` (both stay); False if not tied."""
    case = _case(session, key)
    return unlink_source(session, lookup.source(session, source).id, case.id)


def unlink_source(session: Session, source_id: int, case_id: int) -> bool:
    """Untie a source from a case (inside the caller's transaction); False if not tied."""
    tie = session.get(SourceCase, (source_id, case_id))
    if tie is None:
        return False
    session.delete(tie)
    session.flush()
    return True


# A value typed in the workbench reads as the same value in a participants file does
# (qcode.values). 3/5/2021: 3 May or 5 March? A file's column may tell; one typed value
# cannot.


def read_value(typed: str, kind: str | None = None,
               attribute: str = "the attribute") -> tuple[str, AttributeValue]:
    """What the researcher typed as a (type, value) pair for an attribute of type `kind`.

    A number reads as a number (41, 41.5, 41,5, 1,200), a date as a date (2021-03-14,
    14.03.2021, 2021/03/14), anything else as text. Without `kind` (a new attribute)
    the value picks the type; with it, the value must be of that type.

    Raises:
        InputError: Nothing typed, a date that could be read two ways, or a value the
            attribute's type cannot hold.
    """
    text = clean_name(typed)
    if not text:
        raise InputError(f"no value for {attribute}; clear it instead")
    if kind in ("text", "category"):
        return kind, text
    number, day = as_number(text), as_date(text)
    if kind is None and number is not None:
        return "number", number
    if kind is None and day is not None:
        return "date", day
    if kind == "number" and number is not None:
        return kind, number
    if kind == "date" and day is not None:
        return kind, day
    if kind == "number":
        raise InputError(f"{attribute!r} holds numbers and {text!r} is not one")
    if SLASHED.fullmatch(text):
        raise InputError(f"write the date {text!r} as year-month-day, e.g. 2021-03-14 "
                         f"(with slashes, day and month could be either way round)")
    if kind == "date":
        raise InputError(f"{attribute!r} holds dates and {text!r} is not one; "
                         f"write it as year-month-day, e.g. 2021-03-14")
    return "text", text


def _case(session: Session, key: str) -> Case:
    found = session.scalars(select(Case).where(Case.key == clean_name(key))).first()
    if found is None:
        raise NotFoundError(f"no case with the key {key!r}")
    return found


def _free_key(session: Session, key: str, keep: int | None = None) -> str:
    """`key` as stored, if no other case than `keep` has it. Keys differing only in
    case (IP1, ip1) count as one: a reader of the tables could not tell them apart."""
    key = clean_name(key)
    if not key:
        raise InputError("a case needs a key, such as IP13")
    if len(key) > KEY_LENGTH:
        raise InputError(f"a case key has at most {KEY_LENGTH} characters")
    for other_id, other in session.execute(select(Case.id, Case.key)):
        if other_id != keep and other.casefold() == key.casefold():
            raise InputError(f"there is a case {other!r} already; choose another key")
    return key


def _case_name(name: str | None) -> str | None:
    name = clean_name(name or "")
    if len(name) > NAME_LENGTH:
        raise InputError(f"a case name has at most {NAME_LENGTH} characters")
    return name or None


def _drop_unused(session: Session, attribute_ids: set[int]) -> None:
    """Delete those of `attribute_ids` that no case holds a value of any more."""
    held = set(session.scalars(select(CaseAttribute.attribute_id)
                               .where(CaseAttribute.attribute_id.in_(attribute_ids))))
    for attribute_id in attribute_ids - held:
        attribute = session.get(Attribute, attribute_id)
        if attribute is not None:
            session.delete(attribute)
    session.flush()
