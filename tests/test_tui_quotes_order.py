"""Quotes screen (issue 17, bug 10): sources in natural order, and `sub:` rows that say
why they are there."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from tui_helpers import app_for, settle, until

from qcode.reports.quotes import QuoteRow
from qcode.services.coding import list_codings
from qcode.services.project import open_project
from qcode.tui.screens.quotes import QuotesScreen
from qcode.tui.widgets import quote_table
from qcode.tui.widgets.quote_table import QuoteTable

ALL = 384  # codings in the demo study
NATURAL = [f"IP{n}" for n in range(1, 13)]  # how a researcher counts the interviews


@pytest.fixture(autouse=True)
def _own_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCODE_CONFIG_DIR", str(tmp_path / "config"))


async def open_quotes(pilot: Pilot[None]) -> QuoteTable:
    await settle(pilot)
    await pilot.press("f5")
    await settle(pilot)
    assert isinstance(pilot.app.screen, QuotesScreen)
    table = pilot.app.screen.query_one(QuoteTable)
    await until(pilot, lambda: table.current is not None)
    return table


def cells(table: QuoteTable, y: int) -> dict[str, str]:
    """Screen line `y` of the table cut into its columns, as the researcher reads it."""
    line = table.render_line(y).text
    found, at = {}, 0
    for column, width in quote_table.layout(table.scrollable_content_region.width):
        found[column.title] = line[at:at + width].strip()
        at += width + 1
    return found


def on_screen(table: QuoteTable, column: str) -> dict[int, str]:
    """Row index -> that column's cell, for the rows on screen now."""
    top = int(table.scroll_offset.y)
    return {top + y - 1: cells(table, y)[column]
            for y in range(1, table.size.height) if top + y - 1 < table.total}


async def test_sources_run_ip1_ip2_to_ip12_not_ip10_first(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_quotes(pilot)
        assert table.total == ALL
        first = cells(table, 1)
        assert first["Source"].startswith("IP1_"), first
        assert first["Case"] == "IP1"
        # Paging down the table, the interviews come as they are counted. (A page may
        # skip a row from view when the detail line changes height: no matter here.)
        case_of = on_screen(table, "Case")
        while table.cursor < ALL - 1:
            await pilot.press("pagedown")
            await until(pilot, lambda: "loading" not in table.render_line(
                table.size.height - 1).text)
            case_of.update(on_screen(table, "Case"))
        assert case_of[ALL - 1] == "IP12"
        seen: list[str] = []
        for index in sorted(case_of):
            if not seen or seen[-1] != case_of[index]:
                seen.append(case_of[index])
        assert seen == NATURAL
        assert not app.errors


def cursor_cell(table: QuoteTable, column: str) -> str:
    return cells(table, table.cursor - int(table.scroll_offset.y) + 1)[column]


async def go_to(pilot: Pilot[None], table: QuoteTable, wanted: Callable[[QuoteRow], bool],
                ) -> QuoteRow:
    """Put the cursor on the first row that is `wanted` (the filtered rows fit in the
    first page, so all are loaded)."""
    index = next(i for i in range(table.total) if (row := table.row_at(i)) and wanted(row))
    table.move_to(index)
    await until(pilot, lambda: table.current is not None and wanted(table.current))
    assert table.current is not None
    return table.current


# At 80 columns the Subdivision cell holds ten characters: the name must come first.
@pytest.mark.parametrize("size", [(200, 40), (80, 24)], ids=["200x40", "80x24"])
async def test_sub_filter_row_filed_there_as_another_subdivision_says_so(
        demo_copy: str, size: tuple[int, int]) -> None:
    with open_project(demo_copy) as project:
        # A coding filed under Programme rules besides its primary subdivision.
        other = next(r for r in list_codings(project)
                     if "Programme rules" in r.other_subdivisions
                     and r.subdivision not in (None, "Programme rules"))
    app = app_for(demo_copy)
    async with app.run_test(size=size) as pilot:
        table = await open_quotes(pilot)
        await pilot.press("slash", *'sub:"Programme rules"', "enter")
        await until(pilot, lambda: table.total < ALL and table.current is not None)
        await go_to(pilot, table, lambda row: row.coding_id == other.id)
        cell = cursor_cell(table, "Subdivision")
        if size[0] >= 200:
            assert cell == "Programme rules (also)"
        else:
            assert cell.startswith("Programme"), cell
        # The line under the table names the primary one and the rest.
        detail = str(app.screen.query_one("#detail").render()).splitlines()[0]
        assert f"{other.subdivision} · also " in detail and "Programme rules" in detail
        # A row whose primary subdivision is Programme rules shows just that.
        await go_to(pilot, table, lambda row: row.subdivision == "Programme rules")
        cell = cursor_cell(table, "Subdivision")
        assert cell.startswith("Programme") and "(also)" not in cell
        assert not app.errors
