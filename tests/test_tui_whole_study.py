"""The domain's study from an empty project to counts by stakeholder group, in the
workbench alone, at 80x24 (issue 17): import, codebook, coding, cases, counts."""

from __future__ import annotations

from pathlib import Path

from test_tui_cases import answer, choose, open_cases
from tui_helpers import app_for, settle, until

from qcode.reports.mentions import mentions
from qcode.services.project import init_project, open_project
from qcode.tui.long_work import LongWork
from qcode.tui.screens.coding_form import CodingForm
from qcode.tui.screens.counts import CountsScreen
from qcode.tui.screens.reader import ReaderScreen
from qcode.tui.widgets.cross_table import CrossTable

ANA = ("Interviewer: How did the family pay for the house?\n\n"
       "IP1: We saved for three years before the loan. The savings came first.\n")
BETO = ("Interviewer: And the second room?\n\n"
        "IP2: We built it ourselves with a small loan. Saving first was a rule.\n")


async def test_from_an_empty_project_to_counts_by_stakeholder_group(tmp_path: Path) -> None:
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "IP1_ana.txt").write_text(ANA, encoding="utf-8")
    (folder / "IP2_beto.txt").write_text(BETO, encoding="utf-8")
    location = str(tmp_path / "study.qcode")
    init_project(location).close()

    app = app_for(location)
    async with app.run_test(size=(80, 24)) as pilot:
        # Import the transcripts.
        await settle(pilot)
        await pilot.press("ctrl+o")
        await answer(pilot, str(folder))
        await until(pilot, lambda: not isinstance(app.screen, LongWork))
        await settle(pilot)
        # The codebook: a group and a subdivision under it.
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("s")
        await answer(pilot, "Financing instruments")
        await pilot.press("s")  # the cursor is on the new group: this goes under it
        await answer(pilot, "Savings requirement")
        # Open coding in each transcript, filed under the subdivision.
        for source, sentence in (("IP1", "The savings came first."),
                                 ("IP2", "Saving first was a rule.")):
            await pilot.press("f3")
            await settle(pilot)
            await pilot.press(*source, "enter")
            await until(pilot, lambda: isinstance(app.screen, ReaderScreen)
                        and bool(app.screen.query("#transcript")))
            view = app.screen.view  # type: ignore[attr-defined]
            view.go_to(view.text.index(sentence) + 2)
            await pilot.press("s", "c")
            await settle(pilot)
            await pilot.press(*"Saving before borrowing", "enter")
            await until(pilot, lambda: isinstance(app.screen, CodingForm))
            if source == "IP1":
                await pilot.press("tab", "tab", *"Savings requirement")
            await pilot.press("enter")  # IP2: the form remembers the filing
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
        # Cases: who is who, by stakeholder group.
        await pilot.press("f3")
        await open_cases(pilot)
        for key, group, source in (("IP1", "academic", "IP1_ana"), ("IP2", "NGO", "IP2_beto")):
            await pilot.press("a")
            await answer(pilot, key)
            await pilot.press("e")
            await choose(pilot, "stakeholder group")
            await answer(pilot, group)
            await pilot.press("l")
            await choose(pilot, source)
        await pilot.press("escape")
        # The counts by stakeholder group.
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, CountsScreen)
        await pilot.press("x")
        await settle(pilot)
        grid = app.screen.query_one(CrossTable)
        assert {"academic", "NGO"} <= set(grid.data.columns)
        assert grid.data.count("Financing instruments", "academic") == 1
        assert grid.data.count("Financing instruments", "NGO") == 1
        assert not app.errors
    with open_project(location) as project:
        table = mentions(project, "group", across="attribute:stakeholder group")
    row = table[table["group"] == "Financing instruments"].iloc[0]
    assert (row["academic"], row["NGO"]) == (1, 1)
