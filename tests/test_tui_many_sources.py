"""A project of many sources: the list shows at once and fills in behind, and a filter
typed while it fills shows only what matches."""

from __future__ import annotations

from pathlib import Path

from helpers import add_text
from textual.widgets import DataTable
from tui_helpers import app_for, settle, until

from qcode.services.project import init_project
from qcode.tui.screens.sources import FIRST_ROWS

COUNT = FIRST_ROWS * 3 + 17


def many(tmp_path: Path) -> str:
    location = str(tmp_path / "many.qcode")
    with init_project(location) as project:
        for n in range(1, COUNT + 1):
            add_text(project, f"IP{n}_interview", f"Interviewer: Question {n}?\nIP{n}: Answer.\n")
    return location


async def test_every_source_is_listed_in_order_after_the_first_screenful(
        tmp_path: Path) -> None:
    app = app_for(many(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.screen.query_one("#sources", DataTable)
        await until(pilot, lambda: table.row_count == COUNT)
        names = [str(table.get_row_at(n)[0]) for n in (0, 1, 9, COUNT - 1)]
        assert names == ["IP1_interview", "IP2_interview", "IP10_interview",
                         f"IP{COUNT}_interview"]


async def test_a_filter_typed_while_the_list_fills_shows_only_matches(
        tmp_path: Path) -> None:
    app = app_for(many(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.screen.query_one("#sources", DataTable)
        await until(pilot, lambda: table.row_count >= FIRST_ROWS)
        await pilot.press(*"IP30")  # IP30, IP300..IP317
        await settle(pilot)
        await pilot.pause(0.2)
        shown = sorted(str(table.get_row_at(n)[0]) for n in range(table.row_count))
        assert shown == sorted(f"IP{n}_interview" for n in range(1, COUNT + 1)
                               if f"ip{n}_interview".find("ip30") >= 0)
        assert not app.errors
