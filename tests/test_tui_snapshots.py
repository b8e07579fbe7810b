"""What the main screens look like at 80x24 and 120x40, on the demo study.

Review the SVGs under tests/__snapshots__ before accepting a change
(`pytest tests/test_tui_snapshots.py --snapshot-update`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from tui_helpers import app_for, settle

from qcode.services.coding import CodingRequest, code_span, list_codings
from qcode.services.project import open_project
from qcode.tui.screens.reader import ReaderScreen
from qcode.tui.widgets.transcript import TranscriptView

SIZES = [(80, 24), (120, 40)]


async def steady(pilot: Pilot[None]) -> None:
    """Workers done, and no blinking cursor to catch half-way."""
    await settle(pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def switch_to(key: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press(key)
        await steady(pilot)

    return run


async def reader_on_a_coding(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press(*"IP4", "enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReaderScreen)
    view = pilot.app.screen.query_one(TranscriptView)
    await pilot.press("n", "n")  # the second coding of the transcript
    view.select(view.cursor, view.cursor + 40)
    await steady(pilot)


SCREENS = {
    "sources": steady,
    "reader": reader_on_a_coding,
    "codebook": switch_to("f4"),
    "quotes": switch_to("f5"),
    "counts": switch_to("f6"),
    "axial": switch_to("f7"),
    "memos": switch_to("f8"),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_snapshot(screen: str, size: tuple[int, int], demo_copy: str,
                         snap_compare: Callable[..., bool]) -> None:
    assert snap_compare(app_for(demo_copy), run_before=SCREENS[screen], terminal_size=size)


async def disagreements_of_two_coders(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("f12")
    await steady(pilot)


def test_disagreements_snapshot(demo_copy: str, snap_compare: Callable[..., bool]) -> None:
    """F12 with a second coder on IP4: one match, one code of his own, the rest unmatched."""
    with open_project(demo_copy) as project:
        first = next(r for r in list_codings(project) if r.source == "IP4_social_worker_agency")
        assert first.start is not None and first.end is not None
        for start, end, code in ((first.start, first.end, first.code),
                                 (first.end + 5, first.end + 80, "Ben's reading")):
            code_span(project, CodingRequest(source="IP4_social_worker_agency", start=start,
                                             end=end, code=code, coder="ben"))
    assert snap_compare(app_for(demo_copy, coder="researcher"),
                        run_before=disagreements_of_two_coders, terminal_size=(80, 24))
