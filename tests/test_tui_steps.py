"""Every change made with the workbench's keys is one step: `u` takes it back exactly
(every table as before) and `U` puts it back exactly, the Pilot pressing the keys."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from helpers import snapshot
from test_tui_codebook import open_codebook, point_at
from textual.pilot import Pilot
from tui_helpers import app_for, create_subdivisions, open_source, settle

from qcode.services.copy import copy_project
from qcode.tui.screens.codebook import CodebookScreen, Entry
from qcode.tui.screens.reader import ReaderScreen

SENTENCE = "I'm grateful for that."

Keys = Callable[[Pilot[None]], Awaitable[None]]


async def _in_reader(pilot: Pilot[None], *keys: str) -> None:
    view = await open_source(pilot, "IP4")
    view.go_to(view.text.index(SENTENCE))
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def code_a_sentence(pilot: Pilot[None]) -> None:
    await _in_reader(pilot, "s", "c")
    await pilot.press(*"Gratitude", "enter")
    await settle(pilot)
    await pilot.press(*"warm", "tab", *"check", "tab", *"Self-help", "enter")
    await create_subdivisions(pilot)


async def add_a_code_to_a_quote(pilot: Pilot[None]) -> None:
    await _in_reader(pilot, "n", "a")
    await pilot.press(*"Second reading", "enter")
    await settle(pilot)
    await pilot.press("enter")


async def remove_a_coding(pilot: Pilot[None]) -> None:
    await _in_reader(pilot, "n", "x")


async def edit_a_coding(pilot: Pilot[None]) -> None:
    await _in_reader(pilot, "n", "e")
    pilot.app.screen.query_one("#emphasis").value = ""  # type: ignore[attr-defined]
    await pilot.press("tab", *"sceptical", "enter")  # from the code to the emphasis


async def new_subdivision(pilot: Pilot[None]) -> None:
    screen = await open_codebook(pilot)
    await point_at(pilot, screen, Entry("subdivision", "Financing instruments"))
    await pilot.press("s", *"Remittances", "enter")


async def rename_a_code(pilot: Pilot[None]) -> None:
    screen = await open_codebook(pilot)
    await point_at(pilot, screen, Entry("code", "Rule changes"))
    await pilot.press("r", "ctrl+a", "ctrl+k", *"Changing rules", "enter")


ACTIONS: list[tuple[str, Keys]] = [
    ("code a sentence", code_a_sentence),
    ("add a code to a quote", add_a_code_to_a_quote),
    ("remove a coding", remove_a_coding),
    ("edit a coding", edit_a_coding),
    ("new subdivision", new_subdivision),
    ("rename a code", rename_a_code),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def study(request: pytest.FixtureRequest, demo_copy: str) -> str:
    """The demo in a .qcode file, or copied into a PostgreSQL database."""
    if request.param == "sqlite":
        return demo_copy
    database: str = request.getfixturevalue("pg_database")
    copy_project(demo_copy, database)
    return database


@pytest.mark.store
@pytest.mark.parametrize("name, keys", ACTIONS, ids=[name for name, _ in ACTIONS])
async def test_u_and_U_replay_a_workbench_step_exactly(study: str, name: str,
                                                       keys: Keys) -> None:
    before = snapshot(study)
    app = app_for(study)
    async with app.run_test(size=(120, 40)) as pilot:
        await keys(pilot)
        await settle(pilot)
        after = snapshot(study)
        assert after != before, f"{name} changed nothing"
        assert isinstance(app.screen, ReaderScreen | CodebookScreen)
        await pilot.press("u")
        await settle(pilot)
        assert snapshot(study) == before
        await pilot.press("U")
        await settle(pilot)
        assert snapshot(study) == after
        assert not app.errors
