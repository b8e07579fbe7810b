"""The counts screen: the study's mention figures as bars, by stakeholder group, live."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.pilot import Pilot
from tui_helpers import app_for, open_source, settle

from qcode.reports.mentions import mentions
from qcode.reports.quotes import QuoteFilter, count_quotes
from qcode.services.project import open_project
from qcode.tui.app import THEMES
from qcode.tui.screens.counts import CountsScreen
from qcode.tui.screens.picker import FuzzyPicker
from qcode.tui.screens.quotes import QuotesScreen, term
from qcode.tui.widgets.bar_chart import BarChart, bar_text
from qcode.tui.widgets.cross_table import CrossTable
from qcode.tui.widgets.quote_table import QuoteTable

SENTENCE = "I'm grateful for that."


@pytest.fixture(autouse=True)
def _own_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCODE_CONFIG_DIR", str(tmp_path / "config"))


def report(location: str, by: str = "group", across: str | None = None) -> list[tuple]:
    with open_project(location) as project:
        table = mentions(project, by, across=across)
    return [tuple(row) for row in table.itertuples(index=False)]


async def open_counts(pilot: Pilot[None]) -> BarChart:
    await settle(pilot)
    await pilot.press("f6")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CountsScreen)
    return pilot.app.screen.query_one(BarChart)


def shown(chart: BarChart) -> list[str]:
    return [chart.render_line(y).text for y in range(chart.size.height)]


def summary(pilot: Pilot[None]) -> str:
    return str(pilot.app.screen.query_one("#summary").render())


def grid(pilot: Pilot[None]) -> CrossTable:
    table = pilot.app.screen.query_one(CrossTable)
    assert table.display
    return table


def grid_lines(table: CrossTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_group_totals_are_the_reports_with_bars_counts_and_percentages(
        demo_copy: str) -> None:
    expected = report(demo_copy)
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        chart = await open_counts(pilot)
        assert [(b.label, b.count, b.percent) for b in chart.bars] == expected
        assert sum(b.percent for b in chart.bars) == 100
        total = sum(count for _, count, _ in expected)
        assert summary(pilot) == f"{total} mentions by subdivision group"
        lines = shown(chart)
        largest, count, percent = expected[0]
        assert largest in lines[0] and f" {count} " in lines[0] and f"{percent:g}%" in lines[0]
        full = lines[0].count("█")
        half = [line for line in lines if expected[-1][0] in line][0]
        assert 0 < half.count("█") < full  # bars scaled to the largest
        assert not app.errors


async def test_d_cycles_group_subdivision_code(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        chart = await open_counts(pilot)
        for by in ("subdivision", "code", "group"):
            await pilot.press("d")
            await settle(pilot)
            assert [(b.label, b.count) for b in chart.bars] == [
                row[:2] for row in report(demo_copy, by)]
        assert "by subdivision group" in summary(pilot)


async def test_x_shows_the_crosstab_by_stakeholder_group(demo_copy: str) -> None:
    expected = report(demo_copy, across="attribute:stakeholder group")
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_counts(pilot)
        await pilot.press("x")
        await settle(pilot)
        data = grid(pilot).data
        assert "NGO" in data.columns and "beneficiary" in data.columns
        assert data.columns[-1] == "Total" and data.rows[-1] == "Total"
        assert [(label, *counts) for label, counts in zip(data.rows, data.counts,
                                                          strict=True)] == expected
        assert "by subdivision group and stakeholder group" in summary(pilot)
        lines = grid_lines(grid(pilot))
        inclusion = [line for line in lines if line.startswith("Inclusion criteria")][0]
        assert inclusion.split()[2:] == [str(n) for n in expected[0][1:]]  # all fit at 120
        await pilot.press("x")  # and back to the bars
        await settle(pilot)
        assert app.screen.query_one(BarChart).display


async def test_a_coding_in_the_reader_is_counted_when_switching_back(demo_copy: str) -> None:
    before = dict((label, n) for label, n, _ in report(demo_copy))
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        chart = await open_counts(pilot)
        assert chart.bars[0].label == "Inclusion criteria"
        assert chart.bars[0].count == before["Inclusion criteria"]

        await pilot.press("f3")  # back to the sources, to code in the reader
        view = await open_source(pilot, "IP4")
        view.go_to(view.text.index(SENTENCE))
        await pilot.press("s", "c")
        await settle(pilot)
        await pilot.press(*"Gratitude", "enter")
        await settle(pilot)
        await pilot.press("tab", "tab", *"Social approach", "enter")
        await settle(pilot)

        await pilot.press("f6")
        await settle(pilot)
        assert app.screen.query_one(BarChart) is chart
        now = {b.label: b.count for b in chart.bars}
        assert now["Inclusion criteria"] == before["Inclusion criteria"] + 1
        assert now == {label: n for label, n, _ in report(demo_copy)}
        assert summary(pilot).startswith(f"{sum(before.values()) + 1} mentions")
        assert not app.errors


async def test_enter_on_a_bar_lists_its_quotes(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_counts(pilot)
        await pilot.press("down", "enter")  # the second largest group
        await settle(pilot)
        assert isinstance(app.screen, QuotesScreen)
        table = app.screen.query_one(QuoteTable)
        group = report(demo_copy)[1][0]
        with open_project(demo_copy) as project:
            expected = count_quotes(project, QuoteFilter(subdivision=group))
        assert table.total == expected > 0
        assert app.screen.query_one("#filter").value == term("sub", group)


async def test_enter_on_a_crosstab_cell_lists_its_quotes(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_counts(pilot)
        await pilot.press("x")
        await settle(pilot)
        data = grid(pilot).data
        await pilot.press("right", "enter")
        await settle(pilot)
        assert isinstance(app.screen, QuotesScreen)
        wanted = QuoteFilter(subdivision=data.rows[0],
                             attribute=("stakeholder group", data.columns[1]))
        with open_project(demo_copy) as project:
            expected = count_quotes(project, wanted)
        assert app.screen.query_one(QuoteTable).total == expected > 0


async def test_another_attribute_is_picked_and_asked_for_when_there_is_none(
        demo_copy: str) -> None:
    db = sqlite3.connect(demo_copy)  # a study that never recorded stakeholder groups
    db.execute("UPDATE attributes SET name = 'sector', name_key = 'sector' "
               "WHERE name_key = 'stakeholder group'")
    db.commit()
    db.close()
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_counts(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, FuzzyPicker)
        await pilot.press(*"sector", "enter")
        await settle(pilot)
        data = grid(pilot).data
        assert "NGO" in data.columns
        assert [row[-1] for row in data.counts] == [
            row[-1] for row in report(demo_copy, across="attribute:sector")]

        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"affiliation", "enter")
        await settle(pilot)
        assert "Techo Digno" in grid(pilot).data.columns
        assert "and affiliation" in summary(pilot)
        assert not app.errors


@pytest.mark.parametrize("theme", THEMES)
async def test_usable_at_80_by_24_in_both_themes(demo_copy: str, theme: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        chart = await open_counts(pilot)
        lines = shown(chart)
        for bar, line in zip(chart.bars, lines, strict=False):
            assert line.rstrip().endswith(f"{bar.count} {bar.percent:>3g}%")
            assert "█" in line
        first = list(chart.render_line(0))
        bar_style = [s.style for s in first if "█" in s.text][0]
        assert bar_style is not None and bar_style.color != bar_style.bgcolor

        await pilot.press("x")  # six stakeholder groups and a total do not fit in 80
        await settle(pilot)
        table = grid(pilot)
        expected = report(demo_copy, across="attribute:stakeholder group")
        for _ in range(len(table.data.columns)):
            visible = table.visible_columns()
            assert len(visible) < len(table.data.columns)
            header = grid_lines(table)[0]
            assert header.rstrip().endswith("▶") == (visible[-1] < len(table.data.columns) - 1)
            row = [line for line in grid_lines(table) if line.startswith("Criticism")][0]
            # Only whole columns: the numbers on screen are the report's, none cut short.
            assert row.split()[1:] == [str(expected[1][1 + n]) for n in visible]
            await pilot.press("right")
        assert "◀" in grid_lines(table)[0]


def test_bars_are_drawn_in_eighths_of_a_cell() -> None:
    assert bar_text(10, 10, 4) == "████"
    assert bar_text(5, 10, 4) == "██  "
    assert bar_text(1, 16, 4) == "▎   "
    assert bar_text(1, 1000, 4).strip() == "▏"  # never invisible
    assert bar_text(0, 10, 4) == "    "
