"""Correcting and pseudonymising transcripts in the workbench: keys in, the store checked."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import pytest
from helpers import TRANSCRIPT, add_text, code_phrase, span_of
from textual.widgets import DataTable, Label, TextArea
from tui_helpers import app_for, codings_of, open_source, record_notices, settle

from qcode.services.backup import list_backups
from qcode.services.coding import CodingRequest, code_span
from qcode.services.project import init_project, open_project
from qcode.services.pseudonymise import stored_mappings
from qcode.services.source_edit import flagged_quotes, list_versions
from qcode.services.sources import NewSource, add_source, source_text
from qcode.store import engine as store_engine
from qcode.tui.screens.picker import FuzzyPicker
from qcode.tui.screens.prompt import TextPrompt
from qcode.tui.screens.pseudonyms import PseudonymsScreen
from qcode.tui.screens.reader import ReaderScreen
from qcode.tui.screens.text_editor import SourceTextEditor, for_editor, from_editor

SOURCE = "IP4_interview"
PHRASES = ["They chose the layout themselves", "Self-management was the key"]


@pytest.fixture
def study(tmp_path: Path) -> str:
    location = str(tmp_path / "study.qcode")
    with init_project(location) as project:
        add_text(project)
        for phrase in PHRASES:
            code_phrase(project, phrase, code=phrase.split()[0])
    return location


async def test_edit_mode_saves_the_text_and_the_codings_follow_their_words(
        study: str) -> None:
    app = app_for(study)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "IP4")
        # Esc asks before throwing changes away; discarding leaves the text as it was.
        await pilot.press("E")
        await settle(pilot)
        await pilot.press(*"typo ", "escape")
        await settle(pilot)
        assert isinstance(app.screen, FuzzyPicker)
        await pilot.press(*"discard", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert list_versions(app.project, SOURCE) == []

        view.go_to(TRANSCRIPT.index("Self-management"))
        await pilot.press("E")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, SourceTextEditor)
        area = editor.query_one(TextArea)
        # The editor opens where the reader's cursor was.
        assert area.cursor_location == (4, TRANSCRIPT.split("\n")[4].index("Self"))
        area.move_cursor((0, len("Interview IP4")))
        await pilot.press(*" (recorded)")
        area.move_cursor((4, len("IP4: They ")))
        await pilot.press("shift+right", *["shift+right"] * 4, *"picked")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert not app.errors
        new = TRANSCRIPT.replace("Interview IP4", "Interview IP4 (recorded)").replace(
            "They chose", "They picked")
        assert app.screen.query_one("#transcript").text == new  # type: ignore[attr-defined]
    with open_project(study) as project:
        assert source_text(project, SOURCE)[1] == new
        [flag] = flagged_quotes(project)
        assert flag.text == "They picked the layout themselves"
        assert [v.reason for v in list_versions(project, SOURCE)] == [
            "edited in the workbench"]
    rows = {r.code: r for r in codings_of(study, SOURCE)}
    assert (rows["Self-management"].start, rows["Self-management"].end) == tuple(
        x + 12 for x in span_of(TRANSCRIPT, PHRASES[1]))  # " (recorded)", "picked"
    assert rows["They"].text == "They picked the layout themselves"


async def test_a_busy_project_on_saving_keeps_the_text_and_says_where(
        study: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_engine, "SQLITE_BUSY_TIMEOUT_MS", 300)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where drafts go
    app = app_for(study)
    shown = record_notices(app, monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_source(pilot, "IP4")
        await pilot.press("E")
        await settle(pilot)
        area = app.screen.query_one(TextArea)
        area.move_cursor((0, len("Interview IP4")))
        await pilot.press(*" (recorded)")
        holder = sqlite3.connect(study, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")  # another program writing while we save
        try:
            await pilot.press("ctrl+s")
            await settle(pilot)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert not app.errors
        assert isinstance(app.screen, ReaderScreen)
        [message] = [m for m in shown if "kept in" in m]
        assert message.startswith("the project is busy")
    draft = Path(message.split("kept in ", 1)[1].split(";", 1)[0])
    assert draft.parent == tmp_path
    assert draft.read_text(encoding="utf-8") == TRANSCRIPT.replace(
        "Interview IP4", "Interview IP4 (recorded)")
    with open_project(study) as project:
        assert source_text(project, SOURCE)[1] == TRANSCRIPT
        assert list_versions(project, SOURCE) == []


def test_characters_the_editor_would_split_lines_at_come_back_unchanged() -> None:
    text = "Page one\fPage two\u2028same line\n"
    prepared = for_editor(text)
    assert prepared is not None
    shown, back = prepared
    assert len(shown) == len(text) and "\f" not in shown
    assert from_editor(shown, back) == text
    assert for_editor("a\fb \u240c") is None  # a stand-in already there: refused


NAMED = ("Interviewer: Who ran the credit office?\n\n"
         "IP1: Pedro ran it. Everyone trusted Pedro with the money.\n")


async def test_the_pseudonyms_screen_asks_first_then_applies_with_a_backup(
        tmp_path: Path) -> None:
    location = str(tmp_path / "named.qcode")
    with init_project(location) as project:
        add_source(project, NewSource("IP1_interview", NAMED, "txt"))
        start, end = span_of(NAMED, "Everyone trusted Pedro with the money.")
        code_span(project, CodingRequest("IP1_interview", start, end, "Trust"))
    app = app_for(location)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "P")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PseudonymsScreen)
        table = screen.query_one(DataTable)
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert names == ["Pedro"]  # "Everyone" opens a sentence: not taken for a name
        table.move_cursor(row=names.index("Pedro"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"a colleague", "enter")
        await settle(pilot)
        # ctrl+s shows what would change and asks; Enter on the first choice cancels.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FuzzyPicker)
        shown = str(app.screen.query_one(Label).render())
        assert "Would replace 2 occurrences in 1 source" in shown
        assert "IP1_interview: 2 names" in shown and "backed up first" in shown
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert source_text(app.project, "IP1_interview")[1] == NAMED
        assert stored_mappings(app.project) == []
        assert list_backups(Path(location)) == []
        # Asked again, "apply" replaces the name, after a backup of the file.
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press(*"apply", "enter")
        await settle(pilot)
        assert not app.errors
    expected = NAMED.replace("Pedro", "a colleague")
    with open_project(location) as project:
        assert source_text(project, "IP1_interview")[1] == expected
    [row] = codings_of(location, "IP1_interview")
    assert (row.start, row.end, row.text) == (
        *span_of(expected, "Everyone trusted a colleague with the money."),
        "Everyone trusted a colleague with the money.")
    [copy] = list_backups(Path(location))
    assert copy.name.endswith("-before-pseudonymise.qcode")
    with open_project(str(copy)) as project:
        assert source_text(project, "IP1_interview")[1] == NAMED
