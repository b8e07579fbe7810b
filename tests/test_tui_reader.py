"""The reader/coder driven as a researcher would: keys in, the store checked afterwards."""

from __future__ import annotations

import pytest
from textual import events
from tui_helpers import app_for, codings_of, create_subdivisions, open_source, settle

from qcode.services import history
from qcode.services.project import open_project
from qcode.tui.screens.coding_form import CodingForm
from qcode.tui.screens.picker import FuzzyPicker

SOURCE = "IP4_social_worker_agency"
SENTENCE = "I'm grateful for that."


async def test_select_a_sentence_code_it_with_a_new_code_under_two_subdivisions(
        demo_copy: str) -> None:
    before = len(codings_of(demo_copy, SOURCE))
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "IP4")
        view.go_to(view.text.index(SENTENCE) + 3)
        await pilot.press("s")
        assert view.selection is not None
        assert view.text[view.selection.start:view.selection.end] == SENTENCE
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, FuzzyPicker)
        await pilot.press(*"Gratitude to employer", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CodingForm)
        await pilot.press(*"warm", "tab", *"check IP3", "tab")
        await pilot.press(*"Social approach", "tab", *"Self-help; Cost reduction")
        await pilot.press("enter")
        await create_subdivisions(pilot, 2)  # both are new: each confirmed
        assert not app.errors
    rows = codings_of(demo_copy, SOURCE)
    assert len(rows) == before + 1
    (new,) = [r for r in rows if r.code == "Gratitude to employer"]
    assert (new.text, new.emphasis, new.notes, new.coder) == (SENTENCE, "warm", "check IP3",
                                                              "maria")
    assert new.subdivision == "Social approach"
    assert sorted(new.other_subdivisions) == ["Cost reduction", "Self-help"]


async def test_undo_and_redo_from_the_reader_change_the_store(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "IP4")
        view.go_to(view.text.index(SENTENCE))
        await pilot.press("s", "c")
        await settle(pilot)
        await pilot.press(*"Gratitude", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert [r.code for r in codings_of(demo_copy, SOURCE)].count("Gratitude") == 1
        assert any(s.code == "Gratitude" for s in view.spans)  # drawn at once

        await pilot.press("u")
        await settle(pilot)
        assert "Gratitude" not in [r.code for r in codings_of(demo_copy, SOURCE)]
        assert not any(s.code == "Gratitude" for s in view.spans)

        await pilot.press("U")
        await settle(pilot)
        assert [r.code for r in codings_of(demo_copy, SOURCE)].count("Gratitude") == 1
        assert not app.errors


async def test_repeat_codes_a_new_selection_with_the_last_code_and_filing(
        demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "IP4")
        view.go_to(view.text.index(SENTENCE))
        await pilot.press("s", "c")
        await settle(pilot)
        await pilot.press(*"Gratitude", "enter")
        await settle(pilot)
        await pilot.press("tab", "tab", *"Social approach", "enter")
        await settle(pilot)
        later = "Then the handover day"
        view.go_to(view.text.index(later))
        await pilot.press("s", "r")
        await settle(pilot)
    rows = [r for r in codings_of(demo_copy, SOURCE) if r.code == "Gratitude"]
    assert [r.text.startswith(later) for r in rows] == [False, True]
    assert {r.subdivision for r in rows} == {"Social approach"}


async def test_edit_remove_and_undo_a_coding_at_the_cursor(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "IP4")
        await pilot.press("n")  # the first coding of the transcript
        await settle(pilot)
        (span,) = view.spans_at(view.cursor)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, CodingForm)
        form = app.screen
        form.query_one("#emphasis").value = ""  # type: ignore[attr-defined]
        await pilot.press("tab", *"sceptical", "enter")  # from the code to the emphasis
        await settle(pilot)
        edited = [r for r in codings_of(demo_copy, SOURCE) if r.id == span.coding_id]
        assert edited[0].emphasis == "sceptical"
        assert edited[0].subdivision == span.subdivision  # the filing is kept

        await pilot.press("x")
        await settle(pilot)
        assert span.coding_id not in [r.id for r in codings_of(demo_copy, SOURCE)]
        await pilot.press("u")
        await settle(pilot)
        back = [r for r in codings_of(demo_copy, SOURCE) if r.id == span.coding_id]
        assert back and back[0].emphasis == "sceptical"


async def test_a_second_code_on_the_same_quote(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "IP4")
        await pilot.press("n")
        await settle(pilot)
        (span,) = view.spans_at(view.cursor)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"Second reading", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    on_quote = [r for r in codings_of(demo_copy, SOURCE)
                if (r.start, r.end) == (span.start, span.end)]
    assert sorted(r.code for r in on_quote) == sorted([span.code, "Second reading"])


async def test_jumping_between_codings_and_to_the_next_of_the_same_code(
        demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "IP4")
        starts = sorted({s.start for s in view.spans})
        await pilot.press("n", "n")
        assert view.cursor == starts[1]
        await pilot.press("N")
        assert view.cursor == starts[0]
        code = view.spans_at(view.cursor)[-1].code
        same = sorted({s.start for s in view.spans if s.code == code})
        await pilot.press("right_square_bracket")
        assert view.cursor == (same[1] if len(same) > 1 else starts[0])


async def test_units_turn_and_paragraph_and_growing_the_selection(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "IP4")
        at = view.text.index(SENTENCE)
        view.go_to(at)
        await pilot.press("t")
        assert view.selection is not None
        turn = view.text[view.selection.start:view.selection.end]
        assert SENTENCE in turn and not turn.startswith("Rebeca Ortiz:")  # label left out
        view.go_to(at)
        await pilot.press("w")
        assert view.text[view.selection.start:view.selection.end] == "I'm"
        await pilot.press("greater_than_sign", "greater_than_sign")
        assert view.text[view.selection.start:view.selection.end] == "I'm grateful for"
        await pilot.press("less_than_sign")
        assert view.text[view.selection.start:view.selection.end] == "I'm grateful"
        await pilot.press("escape")
        assert view.selection is None
        view.go_to(at)
        await pilot.press("shift+right", "shift+right", "shift+right")
        assert view.text[view.selection.start:view.selection.end] == "I'm"


async def test_the_mouse_selects_a_span(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "IP4")
        await pilot.mouse_down(view, offset=(1, 0))
        # A drag is a move with the button held; Pilot's public hover() holds none.
        await pilot._post_mouse_events([events.MouseMove], view, offset=(10, 0), button=1)
        await pilot.mouse_up(view, offset=(10, 0))
        await pilot.pause()
        assert view.selection is not None
        assert view.text[view.selection.start:view.selection.end] == "Interview"
        await pilot.click(view, offset=(5, 1))
        assert view.selection is None
        assert view.text[view.cursor:].startswith(view.text.split("\n")[1][4:])


def test_reader_actions_go_through_the_undo_log(demo_copy: str) -> None:
    """The sheet import of the demo is not an undoable step: history starts empty."""
    with open_project(demo_copy) as project:
        assert history.history(project, "maria") == []


async def test_the_picker_offers_recent_codes_first_and_the_form_remembers_the_filing(
        demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "IP4")
        view.go_to(view.text.index(SENTENCE))
        await pilot.press("s", "c")
        await settle(pilot)
        await pilot.press(*"Gratitude", "enter")
        await settle(pilot)
        await pilot.press("tab", "tab", *"Social approach", "tab", *"Cost reduction", "enter")
        await create_subdivisions(pilot)
        view.go_to(view.text.index("Then the handover day"))
        await pilot.press("p", "c")  # a paragraph this time
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, FuzzyPicker)
        assert picker.names[0] == "Gratitude"  # the code used last comes first
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CodingForm)
        assert (form.details.subdivision, form.details.others) == ("Social approach",
                                                                   ("Cost reduction",))
        await pilot.press("enter")
        await settle(pilot)
    rows = [r for r in codings_of(demo_copy, SOURCE) if r.code == "Gratitude"]
    paragraph = [r for r in rows if r.text.startswith("Before the handover")]
    assert paragraph and paragraph[0].text.endswith(".")
    assert "\n" not in paragraph[0].text
    assert {r.subdivision for r in rows} == {"Social approach"}


async def test_undo_still_works_after_the_workbench_is_closed(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "IP4")
        view.go_to(view.text.index(SENTENCE))
        await pilot.press("s", "c")
        await settle(pilot)
        await pilot.press(*"Gratitude", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    assert "Gratitude" in [r.code for r in codings_of(demo_copy, SOURCE)]
    again = app_for(demo_copy)  # a new session, as after a crash
    async with again.run_test(size=(120, 40)) as pilot:
        await open_source(pilot, "IP4")
        await pilot.press("u")
        await settle(pilot)
    assert "Gratitude" not in [r.code for r in codings_of(demo_copy, SOURCE)]


async def test_the_garbage_collector_waits_only_for_the_first_paint(
        demo_copy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening holds back Python's collector (a long pause mid-paint), never for good."""
    import asyncio
    import gc

    from qcode.tui.screens import reader

    monkeypatch.setattr(reader, "GC_PAUSE_LIMIT", 0.3)
    app = app_for(demo_copy)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await open_source(pilot, "IP4")
            await settle(pilot)
            assert gc.isenabled()
            app.screen.dismiss()
            await settle(pilot)
            # Leaving before the text arrives: the app's timer turns it back on.
            await app.push_screen(reader.ReaderScreen("IP4"))
            gc.disable()  # as if the screen had gone before its text arrived
            app.screen.dismiss()
            await asyncio.sleep(0.5)
            await pilot.pause()
            assert gc.isenabled()
    finally:
        gc.enable()  # whatever happened above, the rest of the suite runs collected
