"""F1 explains the screen in front and lists its keys by name; a keymap file moves them."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static
from tui_helpers import app_for, codings_of, open_source, settle

from qcode.tui.screens.help import HelpScreen
from qcode.tui.screens.reader import ReaderScreen

SOURCE = "IP4_social_worker_agency"


def _shown(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


async def test_f1_explains_the_reader_and_lists_its_keys_and_f1_closes_it(
        demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_source(pilot, "IP4")
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = _shown(app)
        assert "c codes the selection" in text  # the workflow, in words
        assert "Repeat code" in text and "reader.repeat_code" in text  # key and its name
        keys = [line.split()[0] for line in text.splitlines()
                if line.startswith("  ") and line.split()]
        assert keys[:2] == ["c", "r"]  # the reader's own keys first
        assert "workbench.undo" in text and "app.search" in text
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)


async def test_a_keymap_file_moves_a_key(demo_copy: str, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCODE_CONFIG_DIR", str(tmp_path))
    (tmp_path / "keys.toml").write_text('"reader.repeat_code" = "R"\n', encoding="utf-8")
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "IP4")
        view.go_to(view.text.index("I'm grateful for that."))
        await pilot.press("s", "c")
        await settle(pilot)
        await pilot.press(*"Gratitude", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        view.go_to(view.text.index("Then the handover day"))
        await pilot.press("s", "R")  # the new key repeats
        await settle(pilot)
        view.go_to(view.text.index("budget cut"))
        await pilot.press("s", "r")  # the old one no longer does
        await settle(pilot)
        assert not app.errors
    rows = [r for r in codings_of(demo_copy, SOURCE) if r.code == "Gratitude"]
    assert sorted(r.text[:21] for r in rows) == ["I'm grateful for that", "Then the handover day"]


async def test_a_broken_keymap_file_is_one_warning_and_default_keys(
        demo_copy: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCODE_CONFIG_DIR", str(tmp_path))
    (tmp_path / "keys.toml").write_text('"reader.repeat_code" = \n', encoding="utf-8")
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert any("keys.toml" in m and "default keys" in m for m in messages)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
