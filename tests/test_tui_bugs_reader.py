"""Bugs of the reader and its coding form (issue 17), driven with keys as a researcher
would, each checked on the store or the screen."""

from __future__ import annotations

from textual import events
from textual.widgets import Input, Static
from tui_helpers import app_for, codings_of, open_source, settle

from qcode import writes
from qcode.services.codebook import list_subdivisions
from qcode.services.project import open_project
from qcode.tui.screens.coding_form import CodingForm
from qcode.tui.screens.picker import FuzzyPicker

SOURCE = "IP4_social_worker_agency"
SENTENCE = "I'm grateful for that."


def subdivision_names(location: str) -> set[str]:
    with open_project(location) as project:
        return {s.name for s in list_subdivisions(project)}


async def _code_sentence(pilot, view, code: str) -> None:  # type: ignore[no-untyped-def]
    view.go_to(view.text.index(SENTENCE) + 3)
    await pilot.press("s", "c")
    await settle(pilot)
    await pilot.press(*code, "enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CodingForm)


async def test_a_mistyped_subdivision_is_not_created_without_asking(demo_copy: str) -> None:
    before = subdivision_names(demo_copy)
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "IP4")
        await _code_sentence(pilot, view, "Gratitude")
        await pilot.press("tab", "tab", *"Socal aproach", "enter")
        await settle(pilot)
        # Not saved: asked, with the closest existing name first.
        assert isinstance(app.screen, FuzzyPicker)
        assert "no subdivision 'Socal aproach'" in app.screen.title_text
        assert app.screen.names[0] == "Social approach"
        assert "new subdivision at the top of the tree" in app.screen.names[-1]
        assert "Gratitude" not in [r.code for r in codings_of(demo_copy, SOURCE)]
        await pilot.press("enter")  # take the closest name: back in the form, corrected
        await settle(pilot)
        assert isinstance(app.screen, CodingForm)
        assert app.screen.query_one("#subdivision", Input).value == "Social approach"
        await pilot.press("enter")
        await settle(pilot)
        assert not app.errors
    (new,) = [r for r in codings_of(demo_copy, SOURCE) if r.code == "Gratitude"]
    assert new.subdivision == "Social approach"
    assert subdivision_names(demo_copy) == before


async def test_a_new_subdivision_is_created_when_the_researcher_says_so(
        demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "IP4")
        await _code_sentence(pilot, view, "Gratitude")
        await pilot.press("tab", "tab", "tab", *"Bureaucracy; Employer loyalty", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FuzzyPicker)
        assert "'Employer loyalty'" in app.screen.title_text
        await pilot.press("end")  # to the last choice: create it
        await pilot.press(*"create", "enter")
        await settle(pilot)
        assert not app.errors
    (new,) = [r for r in codings_of(demo_copy, SOURCE) if r.code == "Gratitude"]
    assert sorted(new.other_subdivisions) == ["Bureaucracy", "Employer loyalty"]
    assert "Employer loyalty" in subdivision_names(demo_copy)


async def test_repeat_takes_code_and_filing_not_emphasis_or_notes_across_restarts(
        demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "IP4")
        await _code_sentence(pilot, view, "Gratitude")
        await pilot.press(*"warm", "tab", *"check IP3", "tab", *"Social approach", "enter")
        await settle(pilot)
    # A new workbench, another transcript: r still knows the last code and its filing.
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "IP3")
        view.go_to(0)
        await pilot.press("s", "r")
        await settle(pilot)
        assert not app.errors
    with open_project(demo_copy) as project:
        from qcode.services.coding import list_codings

        rows = [r for r in list_codings(project) if r.code == "Gratitude"]
    assert len(rows) == 2
    repeated = next(r for r in rows if r.source != SOURCE)
    assert repeated.subdivision == "Social approach"
    assert (repeated.emphasis, repeated.notes) == (None, None)


async def test_brackets_keep_following_the_same_code(demo_copy: str) -> None:
    # At 2389 two codes share a quote; the newest ("Zeta") is the one drawn last there.
    with open_project(demo_copy) as project:
        writes.code(project, SOURCE, 2389, 2504, "Zeta")
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "IP4")
        view.go_to(12469)  # "Expecting a finished house", alone here
        await pilot.press("left_square_bracket")
        assert view.cursor == 2389
        await pilot.press("right_square_bracket")  # back along the same code, not Zeta's
        assert view.cursor == 12469


async def test_after_saving_the_new_coding_is_shown_not_hidden_by_the_selection(
        demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "IP4")
        await _code_sentence(pilot, view, "Gratitude")
        await pilot.press("enter")
        await settle(pilot)
        assert view.selection is None
        assert "Gratitude" in [s.code for s in view.spans_at(view.cursor)]
        side = str(app.screen.query_one("#side", Static).render())
        assert "1 coding here" in side and "Gratitude" in side


async def test_keys_typed_quickly_after_tab_land_in_the_next_field(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "IP4")
        await _code_sentence(pilot, view, "Gratitude")
        # As a fast typist's keys arrive: all queued before any is handled.
        for key in ["w", "a", "r", "m", "tab", "n", "o", "t", "e"]:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CodingForm)
        assert form.query_one("#emphasis", Input).value == "warm"
        assert form.query_one("#notes", Input).value == "note"
