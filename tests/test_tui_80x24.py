"""At 80x24 the screens keep what matters in view: the F keys, the quotes' main
columns, a search hit with its words on both sides."""

from __future__ import annotations

from textual.widgets import DataTable
from tui_helpers import app_for, settle, until

from qcode.tui.widgets.nav_bar import NavBar
from qcode.tui.widgets.quote_table import QuoteTable


async def test_every_screens_f_key_is_in_view_at_80_columns(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("f4", "f5", "f6", "f7", "f8", "f11", "f12", "f3"):
            await pilot.press(key)
            await settle(pilot)
            bar = app.screen.query_one(NavBar)
            line = bar.render_line(0).text
            for wanted in ("F3", "F4", "F5", "F6", "F7", "F8", "F11", "F12"):
                assert wanted in line, (key, line)
        assert not app.errors


async def test_quotes_at_80_columns_keep_source_code_subdivision_and_quote(
        demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        header = app.screen.query_one(QuoteTable).render_line(0).text
        for title in ("Source", "Code", "Subdivisi", "Quote"):
            assert title in header
        assert "Coder" not in header and "Emphasis" not in header


async def test_a_search_hit_stays_in_view_at_80_columns(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f11")
        await settle(pilot)
        await pilot.press(*"subsidy", "enter")
        await settle(pilot)
        table = app.screen.query_one("#hits", DataTable)
        assert table.row_count > 0
        # The table sizes its columns to new rows when it is next idle: wait for that.
        await until(pilot, lambda: "subsidy" in table.render_line(1).text.lower())
        line = table.render_line(1).text  # the first hit, under the header
        assert "subsidy" in line.lower()
        assert len(line.rstrip()) <= 80


async def test_an_f_key_shows_its_sections_own_list(demo_copy: str) -> None:
    from qcode.tui.screens.quotes import QuotesScreen
    from qcode.tui.screens.reader import ReaderScreen
    from qcode.tui.screens.sources import SourcesScreen

    app = app_for(demo_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("enter")  # a quote opened in its transcript, over the quotes
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("f5")  # the quotes list again
        await settle(pilot)
        assert isinstance(app.screen, QuotesScreen)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, SourcesScreen)
        await pilot.press("f5")  # from elsewhere too: the list, not the transcript
        await settle(pilot)
        assert isinstance(app.screen, QuotesScreen)
        assert not app.errors


async def test_axial_links_are_readable_at_80_columns(demo_copy: str) -> None:
    from qcode import writes
    from qcode.services.project import open_project

    with open_project(demo_copy) as project:
        writes.link(project, "subdivision:Savings requirement", "cause",
                    "subdivision:Microcredit", note="saving first, then the loan")
    app = app_for(demo_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        table = app.screen.query_one("#links", DataTable)
        # The table sizes its columns to new rows when it is next idle: wait for that.
        await until(pilot, lambda: "Microcredit" in table.render_line(1).text)
        header = table.render_line(0).text
        row = table.render_line(1).text
        assert "From" in header and "Relation" in header and "To" in header
        assert "Savings" in row and "cause" in row and "Microcredit" in row
