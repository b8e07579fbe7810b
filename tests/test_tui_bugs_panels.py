"""Issue 17, bugs 5, 6, 8 and 9: what the codebook, axial and sources screens tell the user."""

from __future__ import annotations

import pytest
from test_tui_axial import links_of, open_axial
from test_tui_codebook import open_codebook, point_at, tree_of
from textual.widgets import DataTable, Input, Label, Static
from tui_helpers import app_for, open_source, record_notices, settle, until

from qcode.reports.mentions import mentions
from qcode.services.project import open_project
from qcode.tui.screens.codebook import Entry
from qcode.tui.screens.picker import FuzzyPicker
from qcode.tui.screens.sources import SourcesScreen


async def test_the_codebook_panel_shows_a_renamed_code_at_once(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_codebook(pilot)
        await point_at(pilot, screen, Entry("code", "Rule changes"))
        details = screen.query_one("#details", Static)
        assert "Rule changes" in str(details.render())
        await pilot.press("r", "ctrl+a", "ctrl+k", *"Changing rules", "enter")
        # No cursor key pressed: the panel alone must follow the rename.
        await until(pilot, lambda: "Changing rules" in str(details.render()))
        assert "Rule changes" not in str(details.render())
        assert screen.selected == Entry("code", "Changing rules")
        assert not app.errors


async def test_axial_open_quote_without_links_says_how_to_make_one(
        demo_copy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert links_of(demo_copy) == []  # the demo study has no axial links
    app = app_for(demo_copy)
    shown = record_notices(app, monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_axial(pilot)
        await pilot.press("o")
        await settle(pilot)
    assert shown == ["There are no links yet: n makes one"]


async def test_a_new_sources_filter_after_reading_starts_fresh(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_source(pilot, "IP5")
        await pilot.press("escape")  # back to the sources list
        await settle(pilot)
        assert isinstance(app.screen, SourcesScreen)
        field = app.screen.query_one("#filter", Input)
        table = app.screen.query_one("#sources", DataTable)
        assert field.value == "IP5"  # still shows what the list is filtered by
        await pilot.press(*"IP2")
        await until(pilot, lambda: table.row_count == 1)
        assert field.value == "IP2"
        assert table.get_row_at(0)[0] == "IP2_municipal_planning"
        await pilot.press("backspace")  # editing the new filter works as usual
        assert field.value == "IP"
        await pilot.press("escape")
        await until(pilot, lambda: table.row_count == 12)
        assert field.value == ""
        assert not app.errors


async def test_deleting_a_subdivision_with_codings_offers_to_move_them_first(
        demo_copy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_for(demo_copy)
    shown = record_notices(app, monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_codebook(pilot)
        await point_at(pilot, screen, Entry("subdivision", "Savings requirement"))
        await pilot.press("delete")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, FuzzyPicker)
        question = str(picker.query_one(Label).render())
        assert "Savings requirement" in question and "11 codings" in question
        await pilot.press(*"Repayment terms", "enter")
        await settle(pilot)
        assert "Savings requirement" not in tree_of(demo_copy)
        with open_project(demo_copy) as project:
            subs = mentions(project, by="subdivision")
        counts = dict(zip(subs["subdivision"], subs["mentions"], strict=True))
        assert counts["Repayment terms"] == 12 + 11
        await pilot.press("u")  # one step: undo brings the subdivision and its filing back
        await settle(pilot)
        assert tree_of(demo_copy)["Savings requirement"] == "Financing instruments"
        assert not app.errors
    assert not [m for m in shown if "qcode " in m]  # no CLI command to go and run
