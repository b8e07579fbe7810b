"""Editing cases one at a time (the workbench's cases screen): each change one step,
bad input refused with nothing changed, undo bringing back everything a delete took."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from helpers import add_text, snapshot
from sqlalchemy.orm import Session

from qcode import writes
from qcode.errors import InputError, NotFoundError
from qcode.services import cases, history
from qcode.services.cases import CaseInfo, case_sheet, list_cases, read_value
from qcode.services.project import Project, init_project, open_project


@pytest.fixture
def study(tmp_path: Path) -> str:
    """Two transcripts and no cases yet: a study begun in the workbench."""
    location = str(tmp_path / "study.qcode")
    with init_project(location) as project:
        add_text(project, "IP1_ana")
        add_text(project, "IP2_beto", "IP2: We built it ourselves.\n")
    return location


def run(project: Project, label: str, edit: Callable[[Session], object]) -> object:
    with project.step(label) as session:
        return edit(session)


def only(project: Project, key: str) -> CaseInfo:
    [found] = [case for case in list_cases(project) if case.key == key]
    return found


def test_a_case_is_added_named_given_values_linked_and_renamed(study: str) -> None:
    with open_project(study) as project:
        assert run(project, "add", lambda s: cases.add_case(s, "  IP1 ", "Ana")) == "IP1"
        run(project, "group", lambda s: cases.set_attribute(s, "IP1", "group", "NGO"))
        run(project, "age", lambda s: cases.set_attribute(s, "IP1", "age", "41,5"))
        run(project, "date", lambda s: cases.set_attribute(s, "IP1", "met", "09.02.2021"))
        assert run(project, "link", lambda s: cases.link_case_source(s, "IP1", "IP1_ana"))
        assert not run(project, "again", lambda s: cases.link_case_source(s, "IP1", "IP1_ana"))
        assert run(project, "rename", lambda s: cases.rename_case(s, "IP1", "IP01")) == "IP01"
        run(project, "name", lambda s: cases.name_case(s, "IP01", "Ana López"))
        ip = only(project, "IP01")
        assert ip.name == "Ana López" and ip.sources == ["IP1_ana"]
        assert ip.attributes == {"group": "NGO", "age": 41.5, "met": date(2021, 2, 9)}
        # An attribute keeps its type: the next case's number is read as a number.
        run(project, "add", lambda s: cases.add_case(s, "IP2"))
        run(project, "age", lambda s: cases.set_attribute(s, "IP2", "AGE", "38"))
        assert only(project, "IP2").attributes == {"age": 38}
        sheet = case_sheet(project)
        assert [c.key for c in sheet.cases] == ["IP01", "IP2"]
        assert sheet.attributes == {"group": "text", "age": "number", "met": "date"}
        assert sheet.sources == ["IP1_ana", "IP2_beto"]


def test_unlinking_and_clearing_leave_sources_and_free_the_attribute_type(study: str) -> None:
    with open_project(study) as project:
        run(project, "add", lambda s: cases.add_case(s, "IP1"))
        run(project, "link", lambda s: cases.link_case_source(s, "IP1", "IP1_ana"))
        run(project, "mistake", lambda s: cases.set_attribute(s, "IP1", "group", "12"))
        assert run(project, "unlink", lambda s: cases.unlink_case_source(s, "IP1", "IP1_ana"))
        assert not run(project, "no tie", lambda s: cases.unlink_case_source(s, "IP1", "IP1_ana"))
        assert run(project, "clear", lambda s: cases.clear_attribute(s, "IP1", "group"))
        assert not run(project, "none", lambda s: cases.clear_attribute(s, "IP1", "group"))
        # Nobody holds "group" any more: it is gone, and text is welcome again.
        assert case_sheet(project).attributes == {}
        run(project, "group", lambda s: cases.set_attribute(s, "IP1", "group", "NGO"))
        assert only(project, "IP1") == CaseInfo("IP1", None, [], {"group": "NGO"})
        assert len(case_sheet(project).sources) == 2


def test_deleting_a_case_takes_its_ties_values_and_memos_and_undo_brings_them_back(
        study: str) -> None:
    with open_project(study) as project:
        writes.set_attributes(project, "IP1", {"group": "NGO"}, name="Ana")
        run(project, "link", lambda s: cases.link_case_source(s, "IP1", "IP1_ana"))
        writes.memo(project, "First contact", "Met at the cooperative.", on="case:IP1")
        assert case_sheet(project).memos == {"IP1": 1}
    before = snapshot(study)
    with open_project(study) as project:
        run(project, "delete", lambda s: cases.delete_case(s, "IP1"))
        sheet = case_sheet(project)
        assert sheet.cases == [] and sheet.attributes == {} and sheet.memos == {}
        assert sheet.sources == ["IP1_ana", "IP2_beto"]  # the sources stay
        assert history.undo(project) is not None
    assert snapshot(study) == before


@pytest.mark.parametrize(("edit", "message"), [
    (lambda s: cases.add_case(s, "   "), "a case needs a key"),
    (lambda s: cases.add_case(s, "ip1"), "there is a case 'IP1' already"),
    (lambda s: cases.add_case(s, "X" * 101), "at most 100 characters"),
    (lambda s: cases.rename_case(s, "IP1", "IP2"), "there is a case 'IP2' already"),
    (lambda s: cases.set_attribute(s, "IP1", "age", "forty"), "'age' holds numbers"),
    (lambda s: cases.set_attribute(s, "IP1", "met", "soon"), "'met' holds dates"),
    (lambda s: cases.set_attribute(s, "IP1", "born", "3/5/1980"), "year-month-day"),
    (lambda s: cases.set_attribute(s, "IP1", " ", "x"), "an attribute needs a name"),
    (lambda s: cases.set_attribute(s, "IP1", "group", "  "), "no value for group"),
])
def test_bad_input_is_refused_and_changes_nothing(
        study: str, edit: Callable[[Session], object], message: str) -> None:
    with open_project(study) as project:
        writes.set_attributes(project, "IP1", {"age": 41, "met": date(2021, 2, 9)})
        writes.set_attributes(project, "IP2", {})
    before = snapshot(study)
    with open_project(study) as project, pytest.raises(InputError, match=message):
        run(project, "bad", edit)
    assert snapshot(study) == before


def test_an_unknown_case_or_source_is_named_in_the_error(study: str) -> None:
    with open_project(study) as project:
        with pytest.raises(NotFoundError, match="no case with the key 'IP9'"):
            run(project, "rename", lambda s: cases.rename_case(s, "IP9", "IP10"))
        run(project, "add", lambda s: cases.add_case(s, "IP1"))
        with pytest.raises(NotFoundError, match="no source named 'nope'"):
            run(project, "link", lambda s: cases.link_case_source(s, "IP1", "nope"))


@pytest.mark.parametrize(("typed", "kind", "read"), [
    ("41", None, ("number", 41.0)),
    ("41,5", None, ("number", 41.5)),
    ("1,200", None, ("number", 1200.0)),
    ("2021-03-14", None, ("date", date(2021, 3, 14))),
    ("14.03.2021", None, ("date", date(2021, 3, 14))),
    ("  government   body ", None, ("text", "government body")),
    ("41", "text", ("text", "41")),
    ("NGO", "category", ("category", "NGO")),
    ("2021/03/14", "date", ("date", date(2021, 3, 14))),
    ("-3.5", "number", ("number", -3.5)),
])
def test_typed_values_are_read_as_a_participants_file_reads_them(
        typed: str, kind: str | None, read: tuple[str, object]) -> None:
    assert read_value(typed, kind) == read
