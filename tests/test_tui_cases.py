"""Issue 17, cases in the workbench: a study begun there gets its stakeholder split.

Keys go in through the real app at 80x24 (the smallest terminal we support); the store
and the screen are checked after each change.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import TRANSCRIPT, add_text, snapshot
from textual.pilot import Pilot
from textual.widgets import DataTable, Static
from tui_helpers import app_for, record_notices, settle, until

from qcode import writes
from qcode.reports.mentions import mentions
from qcode.services.cases import CaseInfo, list_cases
from qcode.services.coding import CodingRequest, code_span
from qcode.services.project import init_project, open_project
from qcode.tui.screens.cases import CasesScreen
from qcode.tui.screens.picker import FuzzyPicker
from qcode.tui.screens.prompt import TextPrompt
from qcode.tui.screens.sources import SourcesScreen

SMALL = (80, 24)
BETO = "IP2: We built the second room ourselves.\nInterviewer: With a loan?\n"


@pytest.fixture
def fresh(tmp_path: Path) -> str:
    """An empty study with two imported transcripts, coded, and no cases yet."""
    location = str(tmp_path / "study.qcode")
    with init_project(location) as project:
        add_text(project, "IP1_ana", TRANSCRIPT)
        add_text(project, "IP2_beto", BETO)
        for source, text, phrase in (("IP1_ana", TRANSCRIPT, "They chose the layout"),
                                     ("IP1_ana", TRANSCRIPT, "Self-management"),
                                     ("IP2_beto", BETO, "We built the second room")):
            start = text.index(phrase)
            code_span(project, CodingRequest(source, start, start + len(phrase),
                                             "Self-building", subdivision="Process"))
    return location


async def open_cases(pilot: Pilot[None]) -> CasesScreen:
    await settle(pilot)
    await pilot.press("ctrl+g")
    await until(pilot, lambda: isinstance(pilot.app.screen, CasesScreen))
    screen = pilot.app.screen
    assert isinstance(screen, CasesScreen)
    await settle(pilot)
    return screen


async def answer(pilot: Pilot[None], text: str) -> None:
    """Replace what the open prompt holds with `text`, and press Enter."""
    await until(pilot, lambda: isinstance(pilot.app.screen, TextPrompt))
    await pilot.press("ctrl+a", "ctrl+k", *text, "enter")
    await settle(pilot)


async def choose(pilot: Pilot[None], text: str) -> None:
    """Type `text` into the open picker and take what comes first."""
    await until(pilot, lambda: isinstance(pilot.app.screen, FuzzyPicker))
    await pilot.press(*text, "enter")
    await settle(pilot)


def cases_of(location: str) -> dict[str, CaseInfo]:
    with open_project(location) as project:
        return {case.key: case for case in list_cases(project)}


def table_rows(screen: CasesScreen) -> list[list[str]]:
    table = screen.query_one("#cases", DataTable)
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


async def test_a_study_begun_in_the_workbench_gets_its_stakeholder_split(fresh: str) -> None:
    app = app_for(fresh)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_cases(pilot)
        summary = screen.query_one("#summary", Static)
        assert "No cases yet" in str(summary.render())
        for key, group, source in (("IP2", "NGO", "IP2_beto"), ("IP1", "academic", "IP1_ana")):
            await pilot.press("a")
            await answer(pilot, key)
            assert screen.current_key == key  # the cursor is on the new case
            await pilot.press("e")  # on the key column: which attribute?
            await choose(pilot, "group")  # new the first time, picked the second
            await answer(pilot, group)
            await pilot.press("l")
            await choose(pilot, source)
        assert not app.errors
        assert table_rows(screen) == [["IP1", "", "IP1_ana", "academic"],
                                      ["IP2", "", "IP2_beto", "NGO"]]  # IP1 first
        assert str(summary.render()) == (
            "2 cases · 1 attribute · 0 of 2 sources without a case")
        # At 80 columns the case, its sources and the keys that matter are all in view.
        table = screen.query_one("#cases", DataTable)
        shown = sum(column.get_render_width(table) for column in table.columns.values())
        assert shown <= SMALL[0]
        keys = {str(key.description): key.region for key in screen.query("FooterKey")}
        for needed in ("Add", "Value", "Link", "Unlink", "Rename"):
            assert keys[needed].right <= SMALL[0], f"{needed} is cut off"
        # Back on the sources, each transcript shows its case and its group.
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, SourcesScreen))
        await settle(pilot)
        sources = app.screen.query_one("#sources", DataTable)
        assert [sources.get_row_at(r)[1] for r in range(2)] == ["IP1", "IP2"]
    found = cases_of(fresh)
    assert found["IP1"] == CaseInfo("IP1", None, ["IP1_ana"], {"group": "academic"})
    assert found["IP2"] == CaseInfo("IP2", None, ["IP2_beto"], {"group": "NGO"})
    with open_project(fresh) as project:
        split = mentions(project, by="attribute:group")
    assert dict(zip(split["group"], split["mentions"], strict=True)) == {
        "academic": 2, "NGO": 1}


async def test_undo_takes_back_a_value_and_a_delete_that_was_asked_for(
        demo_copy: str) -> None:
    before = cases_of(demo_copy)["IP4"]
    assert before.attributes["stakeholder group"] == "project executing agency"
    app = app_for(demo_copy)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "down")  # IP4's transcript on the sources
        screen = await open_cases(pilot)
        assert screen.current_key == "IP4"  # opened from a source: on its case
        await pilot.press("e")
        await choose(pilot, "stakeholder")
        await answer(pilot, "NGO")
        assert cases_of(demo_copy)["IP4"].attributes["stakeholder group"] == "NGO"
        await pilot.press("u")
        await until(pilot, lambda: "project executing agency" in table_rows(screen)[3])
        assert cases_of(demo_copy)["IP4"] == before
        # Delete asks first, and keeping the case is what a hasty Enter does.
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, FuzzyPicker))
        question = app.screen
        assert isinstance(question, FuzzyPicker)
        assert question.title_text.startswith("Delete IP4 and its 6 values, ")
        assert question.title_text.endswith("1 source tie? Its sources stay.")
        await pilot.press("enter")
        await settle(pilot)
        assert "IP4" in cases_of(demo_copy)
        await pilot.press("d")
        await choose(pilot, "delete")
        assert "IP4" not in cases_of(demo_copy)
        assert "IP4" not in [row[0] for row in table_rows(screen)]
        await pilot.press("u")
        await until(pilot, lambda: "IP4" in [row[0] for row in table_rows(screen)])
        assert not app.errors
    assert cases_of(demo_copy)["IP4"] == before


async def test_bad_input_says_so_in_one_line_and_changes_nothing(
        fresh: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with open_project(fresh) as project:
        writes.set_attributes(project, "IP1", {"age": 41})
    before = snapshot(fresh)
    app = app_for(fresh)
    shown = record_notices(app, monkeypatch)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_cases(pilot)
        await pilot.press("a")
        await answer(pilot, "")  # an empty key
        await pilot.press("a")
        await answer(pilot, "ip1")  # IP1's key, in other letters
        await pilot.press("right", "right", "right", "e")  # on the age column
        await answer(pilot, "forty")
        await pilot.press("left", "left", "left", "e")  # on the key: a new attribute
        await choose(pilot, "born")
        await answer(pilot, "3/5/1980")
        assert screen.current_key == "IP1"
        assert table_rows(screen) == [["IP1", "", "", "41"]]
        assert not app.errors
    assert shown == [
        "a case needs a key, such as IP13",
        "there is a case 'IP1' already; choose another key",
        "'age' holds numbers and 'forty' is not one",
        "write the date '3/5/1980' as year-month-day, e.g. 2021-03-14 "
        "(with slashes, day and month could be either way round)",
    ]
    assert snapshot(fresh) == before


async def test_the_source_the_screen_was_opened_from_is_offered_for_linking(
        fresh: str) -> None:
    app = app_for(fresh)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("down")  # IP2_beto on the sources
        screen = await open_cases(pilot)
        await pilot.press("a")
        await answer(pilot, "IP2")
        await pilot.press("right", "right", "enter")  # Enter on the Sources cell links
        await until(pilot, lambda: isinstance(app.screen, FuzzyPicker))
        await pilot.press("enter")  # what is offered first: the source we came from
        await settle(pilot)
        assert cases_of(fresh)["IP2"].sources == ["IP2_beto"]
        await pilot.press("L")
        await choose(pilot, "")
        assert cases_of(fresh)["IP2"].sources == []
        await pilot.press("u")  # the unlink undone
        await until(pilot, lambda: table_rows(screen)[0][2] == "IP2_beto")
        assert not app.errors
    assert cases_of(fresh)["IP2"].sources == ["IP2_beto"]


async def test_a_value_spelled_in_another_case_takes_the_spelling_in_use(
        demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=SMALL) as pilot:
        await open_cases(pilot)
        await pilot.press("a")
        await answer(pilot, "IP13")
        await pilot.press("e")
        await choose(pilot, "stakeholder group")
        await answer(pilot, "Beneficiary")  # the others wrote "beneficiary"
        assert not app.errors
    assert cases_of(demo_copy)["IP13"].attributes["stakeholder group"] == "beneficiary"
