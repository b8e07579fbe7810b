"""The counts screen inside a group (its factor groups) and the crosstab in row and
column percentages (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_tui_counts import grid, grid_lines, open_counts, shown, summary
from textual.pilot import Pilot
from tui_helpers import app_for, settle

from qcode.tui.widgets.bar_chart import BarChart
from qcode.tui.widgets.cross_table import Crosstab


@pytest.fixture(autouse=True)
def _own_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCODE_CONFIG_DIR", str(tmp_path / "config"))



async def look_inside(pilot: Pilot[None], chart: BarChart, label: str) -> None:
    """`i` on the bar called `label`: the counts one level down inside it."""
    chart.move_to([b.label for b in chart.bars].index(label))
    await pilot.press("i")
    await settle(pilot)

async def test_inside_a_group_its_factor_groups_are_counted(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        chart = await open_counts(pilot)
        await look_inside(pilot, chart, "Inclusion criteria")
        lines = shown(chart)
        assert any("Social approach" in line and "45" in line and "54%" in line
                   for line in lines)
        assert any("User-centric approach" in line and "38" in line for line in lines)
        assert "Inclusion criteria" in summary(pilot)
        await pilot.press("o")  # back out to every group
        await settle(pilot)
        assert any("Inclusion criteria" in line for line in shown(chart))
        assert not app.errors


async def test_the_crosstab_in_row_and_column_percentages(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_counts(pilot)
        await pilot.press("x")
        await settle(pilot)
        table = grid(pilot)
        counts = table.data
        await pilot.press("percent_sign")
        await settle(pilot)
        assert "% of each row" in summary(pilot)
        first = grid_lines(table)[table.header_height]
        row = counts.counts[0]
        assert first.split()[-1] == "100%"  # the Total column of a row
        assert f"{round(100 * row[0] / row[-1])}%" in first
        await pilot.press("percent_sign")
        await settle(pilot)
        assert "% of each column" in summary(pilot)
        total_row = grid_lines(table)[table.header_height + len(counts.rows) - 1]
        assert total_row.split()[-1] == "100%"
        await pilot.press("percent_sign")  # back to counts
        await settle(pilot)
        assert "%" not in grid_lines(table)[table.header_height]
        assert not app.errors


def test_row_and_column_shares_add_up_to_100() -> None:
    data = Crosstab("group", ["a", "b", "Total"], ["x", "y", "z", "Total"],
                    [[1, 1, 1, 3], [2, 0, 5, 7], [3, 1, 6, 10]])
    rows = data.percents("row")
    assert [sum(r[:-1]) for r in rows] == [100, 100, 100]
    assert rows[1] == [29.0, 0.0, 71.0, 100.0]
    columns = data.percents("column")
    assert [sum(columns[r][c] for r in range(2)) for c in range(4)] == [100, 100, 100, 100]
    assert [columns[2][c] for c in range(4)] == [100.0] * 4


async def test_o_goes_back_out_one_level_at_a_time(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        chart = await open_counts(pilot)
        await look_inside(pilot, chart, "Inclusion criteria")
        # the subdivisions of a factor group
        await look_inside(pilot, chart, "Social approach")
        assert "Social approach" in summary(pilot)
        await pilot.press("o")  # back to the factor groups, not to the top
        await settle(pilot)
        assert "Inclusion criteria" in summary(pilot)
        assert "Social approach" in [b.label for b in chart.bars]
        assert not app.errors
