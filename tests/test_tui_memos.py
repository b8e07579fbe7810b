"""Memos and the journal (F8), and writing memos from the codebook and the reader."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import DataTable, Static, TextArea
from tui_helpers import app_for, open_source, settle

from qcode.services.memos import MemoInfo, add_memo, list_memos
from qcode.services.project import open_project
from qcode.tui.screens.codebook import Entry
from qcode.tui.screens.memo_editor import MemoEditor
from qcode.tui.screens.memos import MemosScreen
from qcode.tui.screens.picker import FuzzyPicker

SOURCE = "IP4_social_worker_agency"


def memos_of(location: str) -> list[MemoInfo]:
    with open_project(location) as project, project.transaction() as session:
        return list_memos(session)


def seed(location: str) -> None:
    """Three memos written earlier from the command line: journal, code, source."""
    with open_project(location) as project, project.transaction() as session:
        add_memo(session, "Week 1", "Started open coding with the agency interviews.",
                 coder="maria")
        add_memo(session, "Savings as a gate", "Families without a formal income cannot "
                 "save the deposit.", ("code", "Saving as a barrier"), coder="maria")
        add_memo(session, "Second pass", "Listened again; the laughter was ironic.",
                 ("source", SOURCE), coder="ana")


async def open_memos(pilot: Pilot[None]) -> MemosScreen:
    await settle(pilot)
    await pilot.press("f8")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, MemosScreen)
    return screen


def listed(screen: MemosScreen) -> list[str]:
    """The titles in the list, top to bottom."""
    table = screen.query_one("#memo-list", DataTable)
    return [str(table.get_row_at(row)[0]) for row in range(table.row_count)]


async def test_a_project_journal_memo_from_the_memos_screen(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_memos(pilot)
        assert listed(screen) == []
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, FuzzyPicker)
        assert app.screen.names[0] == "project journal"
        assert "code: Saving as a barrier" in app.screen.names
        assert f"source: {SOURCE}" in app.screen.names and "case: IP4" in app.screen.names
        await pilot.press(*"journal", "enter")
        assert isinstance(app.screen, MemoEditor)  # the first line is the title
        await pilot.press(*"Week 1", "enter", *"Coded IP1 and IP2.", "enter",
                          *"Saturation soon?", "ctrl+s")
        await settle(pilot)
        assert listed(screen) == ["Week 1"]
        assert "Saturation soon?" in str(screen.query_one("#memo-text", Static).content)
        assert not app.errors
    (memo,) = memos_of(demo_copy)
    assert (memo.title, memo.body, memo.target_kind, memo.coder) == (
        "Week 1", "Coded IP1 and IP2.\nSaturation soon?", "project", "maria")


async def test_a_memo_on_a_code_from_the_codebook(demo_copy: str) -> None:
    from test_tui_codebook import open_codebook, point_at

    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        codebook = await open_codebook(pilot)
        await point_at(pilot, codebook, Entry("code", "Saving as a barrier"))
        await pilot.press("w")
        assert isinstance(app.screen, MemoEditor)
        await pilot.press(*"Only families with savings get in.", "ctrl+s")
        await settle(pilot)
        memos = await open_memos(pilot)
        assert listed(memos) == ["Memo on Saving as a barrier"]
        assert not app.errors
    (memo,) = memos_of(demo_copy)
    assert (memo.target_kind, memo.target_name, memo.body) == (
        "code", "Saving as a barrier", "Only families with savings get in.")


async def test_a_memo_on_a_source_from_the_reader_and_undo(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_source(pilot, "IP4")
        await pilot.press("m")
        assert isinstance(app.screen, MemoEditor)
        await pilot.press(*"She speaks for the agency, not herself.", "ctrl+s")
        await settle(pilot)
        (memo,) = memos_of(demo_copy)
        assert (memo.title, memo.target_kind, memo.target_name) == (
            f"Memo on {SOURCE}", "source", SOURCE)
        assert memo.body == "She speaks for the agency, not herself."
        await pilot.press("u")  # writing it was one step, undone like a coding
        await settle(pilot)
        assert memos_of(demo_copy) == []
        await pilot.press("m", "escape")  # Esc cancels and asks nothing
        await settle(pilot)
        assert memos_of(demo_copy) == []
        assert not app.errors


async def test_search_finds_a_memo_by_a_word_of_its_body(demo_copy: str) -> None:
    seed(demo_copy)
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_memos(pilot)
        assert sorted(listed(screen)) == ["Savings as a gate", "Second pass", "Week 1"]
        await pilot.press("slash", *"IRONIC")
        await settle(pilot)
        assert listed(screen) == ["Second pass"]
        assert "laughter" in str(screen.query_one("#memo-text", Static).content)
        await pilot.press("escape", "escape")  # back to the list, then clear the search
        await settle(pilot)
        assert len(listed(screen)) == 3
        assert not app.errors


async def test_edit_the_body_and_retitle(demo_copy: str) -> None:
    seed(demo_copy)
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_memos(pilot)
        await pilot.press("slash", *"deposit", "enter")
        await settle(pilot)
        assert listed(screen) == ["Savings as a gate"]
        await pilot.press("enter")  # Enter edits, like e
        assert isinstance(app.screen, MemoEditor)
        await pilot.press("escape")
        await pilot.press("e")
        assert isinstance(app.screen, MemoEditor)
        body = app.screen.query_one(TextArea)
        assert body.text.startswith("Savings as a gate\nFamilies without")
        await pilot.press("enter", *"IP9 says the same.", "ctrl+s")
        await settle(pilot)
        await pilot.press("r", "ctrl+a", "ctrl+k", *"Savings gate", "enter")
        await settle(pilot)
        assert listed(screen) == ["Savings gate"]
        assert not app.errors
    memo = next(m for m in memos_of(demo_copy) if m.target_kind == "code")
    assert memo.title == "Savings gate"
    assert memo.body == ("Families without a formal income cannot save the deposit.\n"
                         "IP9 says the same.")


async def test_delete_then_undo_brings_it_back(demo_copy: str) -> None:
    seed(demo_copy)
    before = memos_of(demo_copy)
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_memos(pilot)
        await pilot.press("slash", *"Week", "enter")
        await settle(pilot)
        await pilot.press("delete")
        await settle(pilot)
        assert "Week 1" not in [m.title for m in memos_of(demo_copy)]
        assert listed(screen) == []
        await pilot.press("u")
        await settle(pilot)
        assert listed(screen) == ["Week 1"]
        assert not app.errors
    assert memos_of(demo_copy) == before


async def test_filter_by_kind(demo_copy: str) -> None:
    seed(demo_copy)
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_memos(pilot)
        shown = {}
        for kind in ("project", "source", "case", "code", "subdivision", "link", "all"):
            await pilot.press("k")
            await settle(pilot)
            assert screen.kind == kind
            shown[kind] = sorted(listed(screen))
        assert not app.errors
    assert shown == {"project": ["Week 1"], "source": ["Second pass"], "case": [],
                     "code": ["Savings as a gate"], "subdivision": [], "link": [],
                     "all": ["Savings as a gate", "Second pass", "Week 1"]}


async def test_fits_80x24_in_the_light_theme(demo_copy: str) -> None:
    seed(demo_copy)
    app = app_for(demo_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        screen = await open_memos(pilot)
        table = screen.query_one("#memo-list", DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert table.row_count == 3 and table.scrollable_content_region.height >= 3
        detail = screen.query_one("#detail")
        assert detail.region.height >= 5
        await pilot.press("e")
        assert isinstance(app.screen, MemoEditor)
        assert app.screen.query_one(TextArea).region.height >= 5
        assert not app.errors


async def test_m_opens_the_memo_a_source_already_has(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_source(pilot, "IP4")
        await pilot.press("m")
        await settle(pilot)
        await pilot.press(*"First thought.", "ctrl+s")
        await settle(pilot)
        await pilot.press("m")  # the same memo again, not a second one
        await settle(pilot)
        assert isinstance(app.screen, MemoEditor)
        assert app.screen.text == f"Memo on {SOURCE}\nFirst thought."
        await pilot.press("enter", *"Second thought.", "ctrl+s")
        await settle(pilot)
        assert not app.errors
    (memo,) = memos_of(demo_copy)
    assert memo.body == "First thought.\nSecond thought."


async def test_escape_asks_before_typed_text_is_thrown_away(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_source(pilot, "IP4")
        await pilot.press("m")
        await settle(pilot)
        await pilot.press(*"A thought worth keeping", "escape")
        await settle(pilot)
        assert isinstance(app.screen, FuzzyPicker)  # asked, with Keep editing first
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MemoEditor)
        assert app.screen.text.endswith("A thought worth keeping")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press(*"discard", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, MemoEditor)
        assert memos_of(demo_copy) == []
        assert not app.errors
