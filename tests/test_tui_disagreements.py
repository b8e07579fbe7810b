"""The disagreements screen (F12): two coders' disagreeing segments, side by side.

The demo's codings are all by "researcher"; ben codes IP4 too: once exactly as
researcher did (a match, not listed) and once with a code of his own (listed, with
"(not coded)" on researcher's side). Every other coding of researcher on IP4 has no
partner and is listed with "(not coded)" on ben's side.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, ProgressBar
from tui_helpers import app_for, codings_of, settle

from qcode.reports.agreement import NOT_CODED
from qcode.services import blind
from qcode.services.coding import CodingRequest, code_span
from qcode.services.project import open_project
from qcode.tui.screens.disagreements import DisagreementsScreen, default_pair
from qcode.tui.screens.picker import FuzzyPicker
from qcode.tui.screens.reader import ReaderScreen
from qcode.tui.widgets.transcript import TranscriptView

SOURCE = "IP4_social_worker_agency"
OWN_CODE = "Ben's reading"


def ben_codes_ip4(location: str) -> tuple[int, int]:
    """ben repeats researcher's first coding on IP4 and adds one of his own; its span."""
    first = codings_of(location, SOURCE)[0]
    assert first.start is not None and first.end is not None
    own = (first.end + 5, first.end + 80)
    with open_project(location) as project:
        code_span(project, CodingRequest(source=SOURCE, start=first.start, end=first.end,
                                         code=first.code, coder="ben"))
        code_span(project, CodingRequest(source=SOURCE, start=own[0], end=own[1],
                                         code=OWN_CODE, coder="ben"))
    return own


async def open_disagreements(pilot: Pilot[None]) -> DisagreementsScreen:
    """F12 from the sources list, once the comparison is shown."""
    await settle(pilot)
    await pilot.press("f12")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DisagreementsScreen)
    return screen


def test_the_default_pair_is_me_and_the_busiest_other_coder() -> None:
    assert default_pair(["ana", "ben", "carla"], "carla") == ("carla", "ana")
    assert default_pair(["ana", "ben"], "zed") == ("ana", "ben")  # I have not coded yet
    assert default_pair(["ana"], "ana") is None


async def test_f12_lists_disagreements_filters_them_and_opens_one_in_the_reader(
        demo_copy: str) -> None:
    own = ben_codes_ip4(demo_copy)
    researcher_on_ip4 = len([r for r in codings_of(demo_copy, SOURCE)
                             if r.coder == "researcher"])
    app = app_for(demo_copy, coder="researcher")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_disagreements(pilot)
        table = screen.query_one("#pairs", DataTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert labels == ["Source", "Code", "A: researcher", "B: ben", "Overlap"]
        # Every coding of researcher but the matched one, and ben's own coding.
        assert table.row_count == researcher_on_ip4 - 1 + 1
        assert "A = researcher, B = ben" in str(screen.query_one("#status").render())

        await pilot.press(*"ben's")  # the filter has the focus: typing narrows by code
        await settle(pilot)
        assert table.row_count == 1
        code, a_cell, b_cell = (str(c) for c in table.get_row_at(0)[1:4])
        ben_said = " ".join(screen.shown[0].b_text.split())
        assert (code, a_cell) == (OWN_CODE, NOT_CODED)
        assert b_cell.rstrip("…") and ben_said.startswith(b_cell.rstrip("…"))
        detail = str(screen.query_one("#detail").render())
        assert f"ben {own[0]}-{own[1]}" in detail and f"researcher: {NOT_CODED}" in detail

        # Enter opens the transcript with the span selected (ben's: researcher has none).
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        view = app.screen.query_one(TranscriptView)
        assert view.selection is not None
        assert (view.selection.start, view.selection.end) == own
        await pilot.press("escape", "escape")  # the first clears the selection
        await settle(pilot)
        assert app.screen is screen

        # ctrl+o chooses the coders: B first offered is the current B.
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, FuzzyPicker)
        await pilot.press("enter")  # A: researcher, as now
        await settle(pilot)
        assert isinstance(app.screen, FuzzyPicker)
        await pilot.press("escape")  # no B chosen: the comparison stays as it was
        await settle(pilot)
        assert screen.pair == ("researcher", "ben") and table.row_count == 1
        assert not app.errors


async def test_a_blind_source_is_refused_in_one_line_on_the_screen(demo_copy: str) -> None:
    ben_codes_ip4(demo_copy)
    with open_project(demo_copy) as project, project.transaction() as s:
        blind.set_blind(s, [SOURCE], ["researcher", "ben"])
    app = app_for(demo_copy, coder="researcher")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f12")
        await settle(pilot)
        status = str(app.screen.query_one("#status").render())
        assert "refused" in status and "coded blind until ben and researcher finish" in status
        assert app.screen.query_one("#pairs", DataTable).row_count == 0
        assert not app.errors


async def test_a_long_comparison_shows_its_progress_and_escape_stops_it(
        demo_copy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Comparing two coders over a large study takes a while: a bar says how far it is,
    and Escape stops it without a word of error."""
    import threading

    from qcode.reports import agreement as agreement_module

    ben_codes_ip4(demo_copy)
    gate = threading.Event()
    real_match = agreement_module._match

    def slow_match(*args: Any, **kwargs: Any) -> Any:
        gate.wait(10)  # held until the test has pressed Escape
        return real_match(*args, **kwargs)

    monkeypatch.setattr(agreement_module, "_match", slow_match)
    app = app_for(demo_copy, coder="researcher")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f12")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DisagreementsScreen)
        bar = screen.query_one("#progress", ProgressBar)
        assert bar.display and screen.busy
        assert "Escape stops" in str(screen.query_one("#status").render())
        await pilot.press("escape")
        gate.set()  # the comparison goes on to its next report, and stops there
        await settle(pilot)
        assert not bar.display and not screen.busy
        assert "Comparison stopped" in str(screen.query_one("#status").render())
        assert screen.query_one("#pairs", DataTable).row_count == 0
    assert app.errors == []


async def test_the_bar_counts_sources_and_codes_compared(demo_copy: str) -> None:
    ben_codes_ip4(demo_copy)
    seen: list[tuple[int, int]] = []
    app = app_for(demo_copy, coder="researcher")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_disagreements(pilot)
        original = screen._progressed

        def record(request: int, done: int, total: int, what: str) -> None:
            seen.append((done, total))
            original(request, done, total, what)

        screen._progressed = record  # type: ignore[method-assign]
        screen._load("researcher", "ben")
        await settle(pilot)
        bar = screen.query_one("#progress", ProgressBar)
        assert not bar.display  # done: the table is shown instead
        assert screen.query_one("#pairs", DataTable).row_count > 0
    assert seen and seen[-1][0] == seen[-1][1] and seen[-1][1] > 1
