"""The workbench as a whole: who codes, the theme, opening it from the command line."""

from __future__ import annotations

from click.testing import CliRunner
from tui_helpers import settle

from qcode.cli.main import cli
from qcode.tui import settings
from qcode.tui.app import make_app
from qcode.tui.screens.prompt import TextPrompt
from qcode.tui.screens.sources import SourcesScreen


async def test_the_first_start_asks_who_codes_and_remembers_it(demo_copy: str) -> None:
    app = make_app(demo_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("ctrl+a", "ctrl+k", *"Lucia", "enter")
        await settle(pilot)
        assert app.coder == "Lucia"
        assert "coder: Lucia" in app.sub_title
    assert settings.load()["coder"] == "Lucia"
    again = make_app(demo_copy)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, SourcesScreen)  # no question the second time
        assert again.coder == "Lucia"


async def test_light_and_dark_themes_toggle_and_are_remembered(demo_copy: str) -> None:
    app = make_app(demo_copy, "maria")
    async with app.run_test(size=(80, 24)) as pilot:
        first = app.theme
        await pilot.press("f2")
        assert app.theme != first
    assert settings.load()["theme"] == app.theme
    assert make_app(demo_copy, "maria").theme == app.theme


async def test_the_sources_list_shows_progress_and_filters_by_typing(demo_copy: str) -> None:
    from textual.widgets import DataTable

    app = make_app(demo_copy, "maria")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 12
        row = table.get_row_at(0)
        assert row[0] == "IP1_state_housing_institute" and row[1] == "IP1"
        assert row[3] > 0 and "%" in row[4]  # codings and the share of text coded
        await pilot.press(*"beneficiary")  # a stakeholder group
        await pilot.pause()
        assert table.row_count == 1
        assert table.get_row_at(0)[0] == "IP9_familia_beneficiaria"


def test_the_tui_command_has_help_and_refuses_a_missing_project(tmp_path: object) -> None:
    runner = CliRunner()
    assert "workbench" in runner.invoke(cli, ["tui", "--help"]).output
    result = runner.invoke(cli, [f"{tmp_path}/missing.qcode"])
    assert result.exit_code == 1
    assert "missing.qcode" in result.stderr and len(result.stderr.strip().splitlines()) == 1


async def test_f10_shows_whose_codings_and_says_so_in_the_title(demo_copy: str) -> None:
    from tui_helpers import open_source

    from qcode.tui.screens.counts import CountsScreen

    app = make_app(demo_copy, "maria")
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "IP4")
        everyone = len(view.spans)
        sentence = "I'm grateful for that."
        view.go_to(view.text.index(sentence))
        await pilot.press("s", "c")
        await settle(pilot)
        await pilot.press(*"Gratitude", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert len(view.spans) == everyone + 1
        assert "showing all coders" in app.sub_title

        await pilot.press("f10")
        await settle(pilot)
        assert "showing mine only" in app.sub_title
        assert [s.code for s in view.spans] == ["Gratitude"]

        await pilot.press("f10")
        await settle(pilot)
        assert "showing researcher's only" in app.sub_title
        assert len(view.spans) == everyone and "Gratitude" not in {s.code for s in view.spans}

        await pilot.press("f6")  # the counts follow the same choice
        await settle(pilot)
        assert isinstance(app.screen, CountsScreen)
        summary = app.screen.query_one("#summary")
        assert str(summary.render()).startswith("557 mentions")  # the demo's, not maria's
        await pilot.press("f10")  # back to every coder
        await settle(pilot)
        assert "showing all coders" in app.sub_title
        assert str(summary.render()).startswith("558 mentions")
        assert not app.errors


async def test_other_coders_new_codings_show_up_by_themselves(
        demo_copy: str, monkeypatch: object) -> None:
    import asyncio

    from tui_helpers import open_source

    from qcode.services.coding import CodingRequest, code_span
    from qcode.services.project import open_project

    monkeypatch.setenv("QCODE_POLL_SECONDS", "0.2")  # type: ignore[attr-defined]
    app = make_app(demo_copy, "maria")
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "IP4")
        before = len(view.spans)
        await asyncio.sleep(0.5)  # the first look notes how the store is
        sentence = "I'm grateful for that."
        start = view.text.index(sentence)
        with open_project(demo_copy) as elsewhere:  # Ben, on another machine
            code_span(elsewhere, CodingRequest(source="IP4_social_worker_agency",
                                               start=start, end=start + len(sentence),
                                               code="Gratitude", coder="ben"))
        for _ in range(40):
            await asyncio.sleep(0.1)
            await pilot.pause()
            if len(view.spans) > before:
                break
        assert [s.coder for s in view.spans if s.code == "Gratitude"] == ["ben"]
        # Ben takes it back from his shell: the step's undo shows here by itself too.
        from click.testing import CliRunner

        from qcode.cli.main import cli
        undone = CliRunner().invoke(cli, ["undo", demo_copy, "--coder", "ben"])
        assert undone.exit_code == 0 and "undid" in undone.stderr, undone.output
        for _ in range(40):
            await asyncio.sleep(0.1)
            await pilot.pause()
            if len(view.spans) == before:
                break
        assert [s for s in view.spans if s.code == "Gratitude"] == []
        assert not app.errors
