"""Driving the real workbench with Textual's Pilot, and reading the store afterwards."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from qcode.services.coding import CodingRow, list_codings
from qcode.services.project import open_project
from qcode.tui.app import QcodeApp, make_app
from qcode.tui.screens.picker import FuzzyPicker
from qcode.tui.screens.reader import ReaderScreen
from qcode.tui.widgets.transcript import TranscriptView


async def settle(pilot: Pilot[None]) -> None:
    """Wait until workers are done and what they handed back is on screen."""
    for _ in range(3):
        for _attempt in range(20):
            try:
                await pilot.app.workers.wait_for_complete()
                break
            except WorkerCancelled:  # an exclusive load replaced by a newer one: wait again
                await pilot.pause()
        await pilot.pause()


async def until(pilot: Pilot[None], ready: Callable[[], bool], seconds: float = 20) -> None:
    """Settle, then keep pausing until `ready()` holds: a busy machine draws late."""
    await settle(pilot)
    deadline = time.monotonic() + seconds
    while not ready():
        assert time.monotonic() < deadline, "the screen never got there"
        await pilot.pause(0.05)


def app_for(location: str, coder: str = "maria") -> QcodeApp:
    return make_app(location, coder)


async def open_source(pilot: Pilot[None], name: str) -> TranscriptView:
    """Filter the sources list by `name` and open the first match with Enter."""
    await settle(pilot)
    await pilot.press(*name, "enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReaderScreen)
    return pilot.app.screen.query_one(TranscriptView)


def codings_of(location: str, source: str) -> list[CodingRow]:
    with open_project(location) as project:
        return [row for row in list_codings(project) if row.source == source]


async def create_subdivisions(pilot: Pilot[None], count: int = 1) -> None:
    """Answer the coding form's question about each new subdivision name: create it."""
    for _ in range(count):
        await settle(pilot)
        picker = pilot.app.screen
        assert isinstance(picker, FuzzyPicker) and "no subdivision" in picker.title_text
        await pilot.press(*"create", "enter")
    await settle(pilot)


def record_notices(app: QcodeApp, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every notification the app shows, kept: toasts vanish before a busy test looks."""
    shown: list[str] = []
    notify = app.notify

    def seen(message: str, **options: Any) -> None:
        shown.append(str(message))
        notify(message, **options)

    monkeypatch.setattr(app, "notify", seen)
    return shown
