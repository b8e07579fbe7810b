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
