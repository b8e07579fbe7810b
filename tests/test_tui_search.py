"""The search screen and "/" in the reader, driven with keys; the store checked after."""

from __future__ import annotations

from textual.widgets import DataTable
from tui_helpers import app_for, create_subdivisions, settle

from qcode.reports.search import SearchQuery, plan
from qcode.services.coding import CodingRow, list_codings
from qcode.services.project import open_project
from qcode.tui.screens.coding_form import CodingForm
from qcode.tui.screens.picker import FuzzyPicker
from qcode.tui.screens.reader import ReaderScreen
from qcode.tui.screens.search import AutocodePreview, SearchScreen
from qcode.tui.widgets.transcript import TranscriptView

SOURCE = "IP1_state_housing_institute"


def every_coding(location: str) -> list[CodingRow]:
    with open_project(location) as project:
        return list_codings(project)


async def test_search_opens_a_hit_selected_and_slash_finds_in_the_reader(
        demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f11")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"subsidy", "enter")
        await settle(pilot)
        table = app.screen.query_one("#hits", DataTable)
        hits = app.screen.hits
        assert table.row_count == len(hits) > 3
        assert hits[1].source == SOURCE and hits[1].text == "subsidy"
        await pilot.press("down", "enter")  # the second hit
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        view = app.screen.query_one(TranscriptView)
        assert view.selection is not None
        assert (view.selection.start, view.selection.end) == (hits[1].start, hits[1].end)
        await pilot.press("f")  # on to the next hit of this search in this source
        assert view.selection is not None and view.selection.start == hits[2].start

        await pilot.press("escape", "slash")
        await settle(pilot)
        await pilot.press(*"families", "enter")
        await settle(pilot)
        after = view.text.index("families", hits[2].end)
        assert view.selection is not None
        assert (view.selection.start, view.selection.end) == (after, after + len("families"))
        await pilot.press("F")
        assert view.selection is not None and view.selection.start < after
        assert view.text[view.selection.start:view.selection.end].lower() == "families"
        assert not app.errors


async def test_auto_code_the_ticked_sentences_as_one_undoable_step(demo_copy: str) -> None:
    with open_project(demo_copy) as project:
        sentences = plan(project, SearchQuery("tranches"), "sentence")
    assert len(sentences) >= 3
    before = every_coding(demo_copy)
    app = app_for(demo_copy)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f11")
        await settle(pilot)
        await pilot.press(*"tranches", "enter")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AutocodePreview)
        await pilot.press("s")  # whole sentences
        await settle(pilot)
        preview = app.screen
        title = str(preview.query_one("#title").render())
        assert f"{len(preview.spans):,} span" in title and "all ticked" in title
        await pilot.press("down", "space")  # untick the second
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, FuzzyPicker)
        await pilot.press(*"Payment in tranches", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CodingForm)
        await pilot.press("tab", "tab", *"Financing", "enter")
        await create_subdivisions(pilot)
        added = [r for r in every_coding(demo_copy) if r.code == "Payment in tranches"]
        wanted = [s for n, s in enumerate(sentences) if n != 1]
        assert sorted((r.source, r.start, r.end) for r in added) == sorted(
            (s.source, s.start, s.end) for s in wanted)
        assert {(r.subdivision, r.coder) for r in added} == {("Financing", "maria")}

        await pilot.press("u")  # the whole run, at once
        await settle(pilot)
        assert every_coding(demo_copy) == before
        assert not app.errors
