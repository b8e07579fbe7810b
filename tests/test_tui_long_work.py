"""Long work in the workbench: a progress bar, and Escape stops it with nothing changed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import ProgressBar
from tui_helpers import app_for, settle

from qcode.progress import Progress
from qcode.services.codebook import list_codes
from qcode.services.codebook_edit import create_code
from qcode.services.project import open_project
from qcode.tui.long_work import LongWork, run_long


async def wait_for(pilot: Pilot[None], ready: Callable[[], bool], seconds: float = 30) -> None:
    """Poll the screen: the long job is a worker still running, so no settling here."""
    deadline = time.monotonic() + seconds
    while not ready():
        assert time.monotonic() < deadline, "the screen never got there"
        await pilot.pause(0.05)


def code_names(location: str) -> set[str]:
    with open_project(location) as project:
        return {c.name for c in list_codes(project)}


async def test_escape_stops_long_work_and_its_step_changes_nothing(demo_copy: str) -> None:
    app = app_for(demo_copy)
    reported = threading.Event()
    finished: list[object] = []

    def job(progress: Progress) -> None:
        with app.project.step("a long test job", "maria") as session:
            create_code(session, "Half-way code")
            for n in range(100_000):  # stops at the first report after Escape
                progress(n, 100_000, f"source {n}")
                reported.set()
                threading.Event().wait(0.01)

    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        run_long(app.screen, "A long job", job, finished.append)
        await wait_for(pilot, lambda: isinstance(app.screen, LongWork) and reported.is_set())
        await wait_for(pilot, lambda: app.screen.query_one(ProgressBar).total == 100_000)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, LongWork))
        await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert "Cancelled: nothing was changed" in messages
        assert finished == []
        assert not app.errors
    assert "Half-way code" not in code_names(demo_copy)


async def test_long_work_that_finishes_hands_over_its_result(demo_copy: str) -> None:
    app = app_for(demo_copy)
    finished: list[int] = []

    def job(progress: Progress) -> int:
        for n in range(3):
            progress(n, 3, "")
        return 42

    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        run_long(app.screen, "A short job", job, finished.append)
        await wait_for(pilot, lambda: finished == [42])
        assert not isinstance(app.screen, LongWork)
        assert not app.errors


async def test_the_first_search_builds_the_index_under_a_progress_bar(
        demo_copy: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import DataTable

    from qcode.services import search_index
    from qcode.tui.screens import search as search_screen

    with open_project(demo_copy) as project:
        search_index.drop_index(project)
    shown: list[str] = []

    def recorded(screen, title, job, done, **options):  # type: ignore[no-untyped-def]
        shown.append(title)
        run_long(screen, title, job, done, **options)

    monkeypatch.setattr(search_screen, "run_long", recorded)
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f11")
        await settle(pilot)
        await pilot.press(*"subsidy", "enter")
        await wait_for(pilot, lambda: app.screen.query_one("#hits", DataTable).row_count > 0)
        assert not app.errors
    assert shown and shown[0].startswith("Building the search index")
    with open_project(demo_copy) as project:
        assert search_index.is_ready(project)
