"""Axial coding in the workbench: link subdivisions, support and browse the links."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Static
from tui_helpers import app_for, settle

from qcode.services import axial
from qcode.services.project import open_project
from qcode.tui.screens.axial import AxialScreen
from qcode.tui.screens.picker import FuzzyPicker
from qcode.tui.screens.reader import ReaderScreen
from qcode.tui.widgets.transcript import TranscriptView


def links_of(location: str) -> list[axial.LinkInfo]:
    with open_project(location) as project, project.transaction() as session:
        return axial.list_links(session)


async def open_axial(pilot: Pilot[None]) -> AxialScreen:
    await settle(pilot)
    await pilot.press("f7")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AxialScreen)
    return pilot.app.screen


async def make_link(pilot: Pilot[None]) -> None:
    await pilot.press("n")
    assert isinstance(pilot.app.screen, FuzzyPicker)
    await pilot.press(*"Savings requirement", "enter")
    await pilot.press(*"cause", "enter")
    await pilot.press(*"Repayment terms", "enter")
    await pilot.press(*"families borrow to save", "enter")
    await settle(pilot)


async def test_link_two_subdivisions_with_a_note_and_a_supporting_quote(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_axial(pilot)
        await make_link(pilot)
        (link,) = links_of(demo_copy)
        assert (link.from_name, link.relation, link.to_name, link.note, link.coder) == (
            "Savings requirement", "cause", "Repayment terms", "families borrow to save",
            "maria")
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, FuzzyPicker)
        await pilot.press("enter")  # the first quote coded under either end
        await settle(pilot)
        (link,) = links_of(demo_copy)
        assert link.quotes == 1
        detail = str(screen.query_one("#detail", Static).render())
        assert "1 supporting quote" in detail and "outgoing" in detail

        await pilot.press("o")  # the quote in its transcript, selected
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        view = app.screen.query_one(TranscriptView)
        with open_project(demo_copy) as project, project.transaction() as session:
            (quote,) = axial.link_quotes(session, link.id)
        assert view.selection is not None
        assert view.text[view.selection.start:view.selection.end] == quote.text
        assert not app.errors


async def test_change_the_relation_remove_and_undo(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_axial(pilot)
        await make_link(pilot)
        await pilot.press("r", *"contradicts", "enter")
        await settle(pilot)
        assert [link.relation for link in links_of(demo_copy)] == ["contradiction"]
        await pilot.press("r", *"enables", "down", "enter")  # a relation of one's own
        await settle(pilot)
        relations = [link.relation for link in links_of(demo_copy)]
        await pilot.press("delete")
        await settle(pilot)
        assert links_of(demo_copy) == []
        await pilot.press("u")
        await settle(pilot)
        assert [link.relation for link in links_of(demo_copy)] == relations
        assert not app.errors


async def test_the_graph_of_one_subdivision(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_axial(pilot)
        await make_link(pilot)
        await pilot.press("g", *"Repayment terms", "enter")
        await settle(pilot)
        drawn = str(screen.query_one("#detail", Static).render())
        assert "Repayment terms: 1 link" in drawn
        assert "incoming" in drawn and "Savings requirement ──cause──▶ Repayment terms" in drawn
