"""Every rule of the store, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from helpers import TRANSCRIPT, add_text, code_phrase, span_of
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.exc import DBAPIError

from qcode.errors import ConstraintError, InputError
from qcode.services.codebook import delete_code, list_codes
from qcode.services.coding import CodingRequest, code_span, list_codings
from qcode.services.project import Project
from qcode.store.models import (
    AxialLink,
    CaseAttribute,
    Code,
    Coding,
    CodingSubdivision,
    Memo,
    ProjectInfo,
    Quote,
    Source,
    Subdivision,
)


def raw(project: Project, statement: object) -> None:
    """Run one statement straight against the database, bypassing the services."""
    with project.transaction() as session:
        session.execute(statement)  # type: ignore[call-overload]


def source_id(project: Project) -> int:
    with project.transaction() as session:
        return session.scalars(select(Source.id)).one()


def test_coding_past_the_end_is_refused_with_the_valid_range(project: Project) -> None:
    add_text(project)
    request = CodingRequest(source="IP4_interview", start=10, end=len(TRANSCRIPT) + 5,
                            code="Too long")
    with pytest.raises(ConstraintError, match=rf"past the end .* \({len(TRANSCRIPT)} characters"):
        code_span(project, request)
    assert list_codings(project) == []
    assert list_codes(project) == []  # the failed coding left no new code behind


def test_reversed_span_is_refused(project: Project) -> None:
    add_text(project)
    with pytest.raises(InputError, match="empty or reversed"):
        code_span(project, CodingRequest(source="IP4_interview", start=30, end=30, code="x"))


def test_database_refuses_a_quote_past_the_end_even_without_the_service(
    project: Project,
) -> None:
    add_text(project)
    sid = source_id(project)
    n = len(TRANSCRIPT)
    with pytest.raises(DBAPIError, match="past the end of its source"):
        raw(project, insert(Quote).values(source_id=sid, start=n - 2, end=n + 1,
                                          text="abc", anchor="manual"))


def test_database_refuses_a_reversed_or_mismatched_quote(project: Project) -> None:
    add_text(project)
    sid = source_id(project)
    with pytest.raises(DBAPIError):
        raw(project, insert(Quote).values(source_id=sid, start=5, end=5, text="",
                                          anchor="manual"))
    with pytest.raises(DBAPIError):  # the text copy must be as long as the span
        raw(project, insert(Quote).values(source_id=sid, start=0, end=9, text="short",
                                          anchor="manual"))
    with pytest.raises(DBAPIError):  # an unanchored quote has no offsets
        raw(project, insert(Quote).values(source_id=sid, start=0, end=5, text="Inter",
                                          anchor="unanchored"))


def test_a_quote_keeps_the_exact_source_text(project: Project) -> None:
    add_text(project)
    code_phrase(project, "Self-management was the key, honestly.")
    (row,) = list_codings(project)
    assert row.text == "Self-management was the key, honestly."
    assert TRANSCRIPT[row.start:row.end] == row.text  # type: ignore[misc]


def test_deleting_a_code_with_codings_is_refused_and_nothing_is_orphaned(
    project: Project,
) -> None:
    add_text(project)
    code_phrase(project, "They chose the layout themselves.", code="Families decide")
    with pytest.raises(ConstraintError, match="has 1 codings"):
        delete_code(project, "families decide")
    with pytest.raises(DBAPIError):  # the foreign key refuses it too
        raw(project, delete(Code))
    assert [c.codings for c in list_codes(project)] == [1]
    assert len(list_codings(project)) == 1


def test_deleting_an_unused_code_works(project: Project) -> None:
    add_text(project)
    code_phrase(project, "They chose the layout themselves.", code="Used")
    with project.transaction() as session:
        session.add(Code(name="Unused", name_key="unused"))
    delete_code(project, "Unused")
    assert [c.name for c in list_codes(project)] == ["Used"]


def test_deleting_a_source_with_quotes_is_refused(project: Project) -> None:
    add_text(project)
    code_phrase(project, "They chose the layout themselves.")
    with pytest.raises(DBAPIError):
        raw(project, delete(Source))


def test_names_match_regardless_of_case_spaces_and_hyphens(project: Project) -> None:
    add_text(project)
    code_phrase(project, "They chose the layout themselves.", code="Self-management")
    code_phrase(project, "Later they built a second room.", code="  self management ")
    assert [(c.name, c.codings) for c in list_codes(project)] == [("Self-management", 2)]


def test_the_same_code_twice_on_one_quote_is_refused(project: Project) -> None:
    add_text(project)
    code_phrase(project, "They chose the layout themselves.")
    with pytest.raises(ConstraintError, match="already coded"):
        code_phrase(project, "They chose the layout themselves.", code="SELF-MANAGEMENT")
    # A second, different code on the same quote shares the quote.
    code_phrase(project, "They chose the layout themselves.", code="Freedom of choice")
    with project.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Quote)) == 1


def test_primary_and_other_subdivisions_are_mentions(project: Project) -> None:
    add_text(project)
    code_phrase(project, "They chose the layout themselves.", subdivision="Self-determination",
                other_subdivisions=["Participation", "Empowerment", "self determination"])
    (row,) = list_codings(project)
    assert row.subdivision == "Self-determination"
    assert row.other_subdivisions == ["Empowerment", "Participation"]
    with project.transaction() as session:
        assert session.scalar(select(func.count()).select_from(CodingSubdivision)) == 3


def test_a_coding_has_at_most_one_primary_subdivision(project: Project) -> None:
    add_text(project)
    code_phrase(project, "They chose the layout themselves.", subdivision="Self-determination")
    with project.transaction() as session:
        coding_id = session.scalars(select(Coding.id)).one()
        session.add(Subdivision(name="Other", name_key="other"))
        session.flush()
        other_id = session.scalars(select(Subdivision.id).where(Subdivision.name == "Other")).one()
    with pytest.raises(DBAPIError):
        raw(project, insert(CodingSubdivision).values(
            coding_id=coding_id, subdivision_id=other_id, is_primary=True))


def test_a_subdivision_in_use_cannot_be_deleted(project: Project) -> None:
    add_text(project)
    code_phrase(project, "They chose the layout themselves.", subdivision="Self-determination")
    with pytest.raises(DBAPIError):
        raw(project, delete(Subdivision))


def test_an_axial_link_has_exactly_one_end_on_each_side(project: Project) -> None:
    with project.transaction() as session:
        a = Subdivision(name="A", name_key="a")
        b = Subdivision(name="B", name_key="b")
        c = Code(name="C", name_key="c")
        session.add_all([a, b, c])
        session.flush()
        ids = (a.id, b.id, c.id)
    raw(project, insert(AxialLink).values(from_subdivision_id=ids[0], to_subdivision_id=ids[1],
                                          relation="cause"))
    with pytest.raises(DBAPIError):
        raw(project, insert(AxialLink).values(from_subdivision_id=ids[0], from_code_id=ids[2],
                                              to_subdivision_id=ids[1], relation="cause"))
    with pytest.raises(DBAPIError):
        raw(project, insert(AxialLink).values(from_code_id=ids[2], relation="cause"))


def test_a_memo_has_at_most_one_target(project: Project) -> None:
    add_text(project)
    sid = source_id(project)
    raw(project, insert(Memo).values(title="project memo", body=""))
    raw(project, insert(Memo).values(title="source memo", body="", source_id=sid))
    with pytest.raises(DBAPIError):
        with project.transaction() as session:
            code = Code(name="C", name_key="c")
            session.add(code)
            session.flush()
            session.execute(insert(Memo).values(title="two", body="", source_id=sid,
                                                code_id=code.id))


def test_a_case_attribute_holds_exactly_one_value(project: Project) -> None:
    with project.transaction() as session:
        session.execute(
            text("INSERT INTO cases (key, guid, created_at) "
                 "VALUES ('IP1', '00000000-0000-4000-8000-000000000001', CURRENT_TIMESTAMP)")
        )
        session.execute(text("INSERT INTO attributes (name, name_key, type, guid) "
                             "VALUES ('age', 'age', 'number', "
                             "'00000000-0000-4000-8000-000000000002')"))
    with pytest.raises(DBAPIError):
        raw(project, insert(CaseAttribute).values(case_id=1, attribute_id=1))


def test_the_project_table_has_one_row(project: Project) -> None:
    with pytest.raises(DBAPIError):
        raw(project, insert(ProjectInfo).values(id=2, name="second", language="en",
                                                schema_version=1))


def test_an_unplaceable_quote_is_kept_unanchored(project: Project) -> None:
    add_text(project)
    code_span(project, CodingRequest(source="IP4_interview", start=None, end=None,
                                     code="Lost quote", sheet_text="words never said"))
    (row,) = list_codings(project)
    assert (row.anchor, row.start, row.text) == ("unanchored", None, "words never said")


def test_span_helper_matches_transcript() -> None:
    start, end = span_of(TRANSCRIPT, "Later they built")
    assert TRANSCRIPT[start:end] == "Later they built"
