"""The reader made clear (issue 17): jumps land mid-view, code names in a margin,
readable text on every code colour, editing a coding's code and span, and `t` on a
transcript without speaker turns."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from tui_helpers import app_for, codings_of, open_source, settle

from qcode import writes
from qcode.services.coding_edit import Span
from qcode.services.project import open_project
from qcode.tui.contrast import BLACK, WHITE, contrast, text_on
from qcode.tui.screens.coding_form import CodingForm
from qcode.tui.widgets.transcript import TranscriptView

SOURCE = "IP4_social_worker_agency"


def _line_text(view, y: int) -> str:  # type: ignore[no-untyped-def]
    return "".join(segment.text for segment in view.render_line(y))



async def edit_social_accompaniment(pilot: Pilot[None]) -> tuple[TranscriptView, Span]:
    """IP4 open, the cursor on its "Social accompaniment" coding, and `e` pressed."""
    view = await open_source(pilot, "IP4")
    span = next(s for s in view.spans if s.code == "Social accompaniment")
    view.go_to(span.start)
    await pilot.press("e")
    await settle(pilot)
    return view, span

async def test_a_jump_puts_the_coding_mid_view(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_source(pilot, "IP4")
        far = max(s.start for s in view.spans)
        view.go_to(far)
        await pilot.pause()
        height = view.scrollable_content_region.height
        row = view._line_of(view.cursor) - view.scroll_offset.y
        # Not on the bottom line with nothing after it to read: about the middle.
        assert height // 4 <= row <= 3 * height // 4


async def test_code_names_stand_in_a_margin_beside_their_lines(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "IP4")
        span = next(s for s in view.spans if s.code == "Social accompaniment")
        view.go_to(span.start)
        await pilot.pause()
        y = view._line_of(span.start) - view.scroll_offset.y
        assert "▌Social accompaniment" in _line_text(view, y)
        await pilot.press("l")  # off: the text takes the whole width again
        await pilot.pause()
        y = view._line_of(span.start) - view.scroll_offset.y
        assert "Social accompaniment" not in _line_text(view, y)


@pytest.mark.parametrize("background", ["#4363d8", "#3cb44b", "#e6194b", "#808080",
                                        "#469990", "#ffe119", "#000075", "#f58231"])
def test_text_on_a_code_colour_meets_wcag_contrast(background: str) -> None:
    chosen = text_on(background)
    assert chosen in (BLACK, WHITE)
    assert contrast(chosen, background) >= 4.5
    other = WHITE if chosen == BLACK else BLACK
    assert contrast(chosen, background) >= contrast(other, background)


async def test_edit_changes_a_codings_code(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view, span = await edit_social_accompaniment(pilot)
        form = app.screen
        assert isinstance(form, CodingForm)
        form.query_one("#code", Input).value = "Accompaniment by social workers"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*"create", "enter")  # a new code: asked first, then made
        await settle(pilot)
        assert not app.errors
    (row,) = [r for r in codings_of(demo_copy, SOURCE) if r.id == span.coding_id]
    assert (row.code, row.start, row.end) == ("Accompaniment by social workers",
                                              span.start, span.end)


async def test_edit_moves_a_quotes_start_and_end_and_undo_puts_it_back(
        demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view, span = await edit_social_accompaniment(pilot)
        await pilot.press("ctrl+r")  # move the start and end
        await settle(pilot)
        assert view.selection is not None
        assert (view.selection.start, view.selection.end) == (span.start, span.end)
        await pilot.press("less_than_sign", "less_than_sign")  # two words shorter
        shorter = view.selection
        assert shorter is not None and shorter.end < span.end
        await pilot.press("enter")
        await settle(pilot)
        assert not app.errors
        (row,) = [r for r in codings_of(demo_copy, SOURCE) if r.id == span.coding_id]
        assert (row.start, row.end) == (span.start, shorter.end)
        assert row.text == view.text[span.start:shorter.end]
        await pilot.press("u")
        await settle(pilot)
    (row,) = [r for r in codings_of(demo_copy, SOURCE) if r.id == span.coding_id]
    assert (row.start, row.end) == (span.start, span.end)


async def test_moving_one_of_two_codes_on_a_quote_leaves_the_other(demo_copy: str) -> None:
    with open_project(demo_copy) as project:
        # "Expecting a finished house" and "Legal ownership" share 2389-2504.
        from qcode.services.coding_edit import revise_coding

        ids = {r.code: r.id for r in codings_of(demo_copy, SOURCE) if r.start == 2389}
        with project.step("move", "maria") as session:
            revise_coding(session, ids["Legal ownership"], start=2389, end=2450)
    rows = {r.code: (r.start, r.end) for r in codings_of(demo_copy, SOURCE)
            if r.id in ids.values()}
    assert rows == {"Expecting a finished house": (2389, 2504), "Legal ownership": (2389, 2450)}


async def test_t_without_speaker_turns_selects_the_paragraph_and_says_why(
        demo_copy: str, tmp_path: Path) -> None:
    plain = tmp_path / "fieldnotes.txt"
    plain.write_text("First paragraph of notes, no speakers here.\n\n"
                     "Second paragraph, also plain.\n", encoding="utf-8")
    with open_project(demo_copy) as project:
        writes.import_files(project, [plain])
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "fieldnotes")
        view.go_to(view.text.index("Second") + 3)
        await pilot.press("t")
        await settle(pilot)
        assert view.selection is not None
        assert view.text[view.selection.start:view.selection.end] == (
            "Second paragraph, also plain.")
        assert any("No speaker turns" in str(n.message) for n in app._notifications)


async def test_escape_in_the_coding_form_asks_before_dropping_what_was_typed(
        demo_copy: str) -> None:
    from qcode.tui.screens.picker import FuzzyPicker

    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "IP4")
        view.go_to(view.text.index("I'm grateful for that."))
        await pilot.press("s", "c")
        await settle(pilot)
        await pilot.press(*"Gratitude", "enter")
        await settle(pilot)
        await pilot.press(*"warm", "escape")
        await settle(pilot)
        assert isinstance(app.screen, FuzzyPicker)
        await pilot.press("escape")  # Escape again: keep editing
        await settle(pilot)
        assert isinstance(app.screen, CodingForm)
        assert app.screen.query_one("#emphasis", Input).value == "warm"
        await pilot.press("enter")
        await settle(pilot)
        assert not app.errors
    assert "Gratitude" in [r.code for r in codings_of(demo_copy, SOURCE)]


async def test_editing_starts_on_the_code_and_a_new_code_name_is_asked_about(
        demo_copy: str) -> None:
    from qcode.tui.screens.picker import FuzzyPicker

    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view, span = await edit_social_accompaniment(pilot)
        form = app.screen
        assert isinstance(form, CodingForm) and form.focused is form.query_one("#code")
        await pilot.press("ctrl+u", *"Social acompaniment", "enter")  # a typo
        await settle(pilot)
        assert isinstance(app.screen, FuzzyPicker)
        assert "no code 'Social acompaniment'" in app.screen.title_text
        assert app.screen.names[0] == "Social accompaniment"
        await pilot.press("enter")  # the existing code, back in the form
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert not app.errors
    (row,) = [r for r in codings_of(demo_copy, SOURCE) if r.id == span.coding_id]
    assert row.code == "Social accompaniment"
    with open_project(demo_copy) as project:
        from qcode.services.codebook import list_codes

        assert "Social acompaniment" not in {c.name for c in list_codes(project)}


def test_the_picker_puts_names_beginning_with_what_was_typed_first() -> None:
    from qcode.tui.screens.picker import rank

    names = ["Assisted vs. unassisted building", "Building in stages", "Self-building"]
    containing, _similar = rank("Building", names)
    assert containing[0] == "Building in stages"
    assert set(containing) == set(names)
