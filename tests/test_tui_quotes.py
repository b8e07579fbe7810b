"""The quotes table driven as a researcher would: filter, scroll, open a quote, code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.pilot import Pilot
from tui_helpers import app_for, settle

from qcode.cli.main import cli
from qcode.reports.quotes import QuoteFilter, count_quotes, quote_page
from qcode.services.project import open_project
from qcode.tui.app import THEMES
from qcode.tui.screens.coding_form import CodingForm
from qcode.tui.screens.picker import FuzzyPicker
from qcode.tui.screens.quotes import QuotesScreen, parse_filter, term
from qcode.tui.screens.reader import ReaderScreen
from qcode.tui.widgets import quote_table
from qcode.tui.widgets.quote_table import QuoteTable
from qcode.tui.widgets.transcript import Selection, TranscriptView

ALL = 384  # codings in the demo study


@pytest.fixture(autouse=True)
def _own_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCODE_CONFIG_DIR", str(tmp_path / "config"))


async def open_quotes(pilot: Pilot[None]) -> QuoteTable:
    await settle(pilot)
    await pilot.press("f5")
    await settle(pilot)
    assert isinstance(pilot.app.screen, QuotesScreen)
    return pilot.app.screen.query_one(QuoteTable)


async def type_filter(pilot: Pilot[None], line: str) -> None:
    await pilot.press("slash", *line, "enter")
    await settle(pilot)


def status(pilot: Pilot[None]) -> str:
    return str(pilot.app.screen.query_one("#status").render())


def shown(table: QuoteTable) -> list[str]:
    """The table's lines as they are on screen: the header, then the rows."""
    return [table.render_line(y).text for y in range(table.size.height)]


def background(table: QuoteTable, y: int) -> object:
    first = next(iter(table.render_line(y)))
    return first.style.bgcolor if first.style else None


def cli_codings(location: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(cli, ["codings", location, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.output)
    return rows


def counted(location: str, wanted: QuoteFilter) -> int:
    with open_project(location) as project:
        return count_quotes(project, wanted)


async def test_filter_by_code_shows_what_the_store_and_the_cli_count(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_quotes(pilot)
        assert table.total == ALL
        assert status(pilot).startswith(f"{ALL} codings")
        await type_filter(pilot, 'code:"Rule changes"')
        expected = counted(demo_copy, QuoteFilter(code="Rule changes"))
        assert table.total == expected
        assert status(pilot).startswith(f"{expected} of {ALL} codings")
        header, *rows = shown(table)
        assert "Code" in header and "Quote" in header
        assert len([r for r in rows if r.strip()]) == expected  # 13 fit on screen
        assert all("Rule changes" in row for row in rows[:expected])
        assert app.focused is table  # Enter in the filter goes on to the table
        assert not app.errors
    by_cli = [r for r in cli_codings(demo_copy) if r["code"] == "Rule changes"]
    assert len(by_cli) == expected > 0


async def test_filter_by_case_and_by_stakeholder_group(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_quotes(pilot)
        await type_filter(pilot, "case:IP4")
        by_case = counted(demo_copy, QuoteFilter(case="IP4"))
        assert table.total == by_case
        assert by_case == len([r for r in cli_codings(demo_copy) if "IP4" in r["cases"]])
        assert all(" IP4 " in row for row in shown(table)[1:] if row.strip())

        table.focus()
        await pilot.press("escape")  # clears the filter
        await settle(pilot)
        assert table.total == ALL
        await type_filter(pilot, 'attr:"stakeholder group=NGO" roof')
        both = QuoteFilter(attribute=("stakeholder group", "NGO"), text="roof")
        assert table.total == counted(demo_copy, both) > 0
        assert "stakeholder group = NGO" in status(pilot)
        assert not app.errors


async def test_enter_opens_the_quote_selected_in_its_transcript(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_quotes(pilot)
        await pilot.press("down", "down", "down")
        row = table.current
        assert row is not None and table.cursor == 3
        assert row.code in str(app.screen.query_one("#detail").render())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        view = app.screen.query_one(TranscriptView)
        assert app.screen.source_name == row.source
        assert view.selection == Selection(row.start, row.end)
        assert view.text[row.start:row.end] == row.text
        await pilot.press("escape", "escape")  # the first one clears the selection
        await settle(pilot)
        assert isinstance(app.screen, QuotesScreen)
        assert table.cursor == 3  # back where the researcher left the table


async def test_a_code_added_from_the_table_is_counted_on_return(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_quotes(pilot)
        row = table.current
        assert row is not None
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("c")  # the quote is selected: code it once more
        await settle(pilot)
        assert isinstance(app.screen, FuzzyPicker)
        await pilot.press(*"Second reading", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CodingForm)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, QuotesScreen)
        assert table.total == ALL + 1
        assert status(pilot).startswith(f"{ALL + 1} codings")
        await type_filter(pilot, 'code:"Second reading"')
        assert table.total == 1
        new = table.current
        assert new is not None and (new.source, new.start, new.end) == (
            row.source, row.start, row.end)
        assert not app.errors


async def test_picking_a_subdivision_term_filters_its_whole_subtree(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_quotes(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FuzzyPicker)
        await pilot.press(*"sub inclusion criteria", "enter")
        await settle(pilot)
        assert app.screen.query_one("#filter").value == 'sub:"Inclusion criteria"'
        group = counted(demo_copy, QuoteFilter(subdivision="Inclusion criteria"))
        one = counted(demo_copy, QuoteFilter(subdivision="Income thresholds"))
        assert table.total == group > one > 0


async def test_scrolling_to_the_end_loads_the_last_page_only(
        demo_copy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(quote_table, "PAGE_SIZE", 20)
    monkeypatch.setattr(quote_table, "CACHED_PAGES", 3)
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_quotes(pilot)
        await pilot.press("end")
        await settle(pilot)
        with open_project(demo_copy) as project:
            (last,) = quote_page(project, QuoteFilter(), ALL - 1, 1)
        assert table.cursor == ALL - 1
        assert table.current == last
        lines = shown(table)
        assert last.code[:10] in lines[-1] and "loading" not in "".join(lines)
        for _ in range(8):
            await pilot.press("pageup")
            await settle(pilot)
        assert table.cached_rows <= 3 * 20  # the cache holds pages, never the table
        assert table.current is not None
        assert not app.errors


async def test_an_unknown_name_is_said_in_the_status_line(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_quotes(pilot)
        await type_filter(pilot, "code:Nonsense")
        assert table.total == 0
        assert "no code named 'Nonsense'" in status(pilot)
        assert "No coding matches" in str(app.screen.query_one("#detail").render())
        await type_filter(pilot, "attr:background")
        assert "NAME=VALUE" in status(pilot)
        assert not app.errors


@pytest.mark.parametrize("theme", THEMES)
async def test_usable_at_80_by_24_in_both_themes(demo_copy: str, theme: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        table = await open_quotes(pilot)
        header, first, second, *rest = shown(table)
        assert len(rest) >= 8  # a good screenful of rows under the filter and details
        for column in ("Source", "Case", "Code", "Subdivi", "Quote"):
            assert column in header
        assert background(table, 1) != background(table, 2)  # the current row stands out
        assert "Filter" in str(app.screen.query_one("#filter-label").render())


def test_the_filter_line_reads_prefixes_quotes_and_words() -> None:
    parsed = parse_filter('code:"Rule changes" SUB:Criticism case:IP4 '
                          'attr:"stakeholder group=NGO" coder:maria roof tiles "code:')
    assert parsed.wanted == QuoteFilter(code="Rule changes", subdivision="Criticism", case="IP4",
                                        attribute=("stakeholder group", "NGO"), coder="maria",
                                        text="roof tiles")
    assert parse_filter("IP4: said").wanted == QuoteFilter(text="IP4: said")
    assert parse_filter("attr:oops").problems
    assert term("code", "Rule changes") == 'code:"Rule changes"'
    assert term("case", "IP4") == "case:IP4"
    assert parse_filter(term("code", 'The "best" one')).wanted.code == 'The "best" one'


async def test_a_quote_opened_from_the_table_is_in_view_with_its_coding(
        demo_copy: str) -> None:
    from textual.widgets import Static

    app = app_for(demo_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_quotes(pilot)
        for _ in range(12):  # a quote far down its transcript
            await pilot.press("down")
        row = table.current
        assert row is not None
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen.query_one(TranscriptView)
        top, height = view.scroll_offset.y, view.scrollable_content_region.height
        assert top <= view._line_of(row.start) < top + height  # on screen, not at the top
        side = str(app.screen.query_one("#side", Static).render())
        assert "0 codings here" not in side and row.code in side
