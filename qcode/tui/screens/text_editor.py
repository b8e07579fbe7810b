"""Correcting a transcript in the workbench: the whole text in an editor; ctrl+s saves.

Saving runs `edit_source` in the background: quotes move with their words, changed
ones are flagged for review, and the text before is kept as a version. The reader
then opens again on the new text, where the cursor was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Label, TextArea

from qcode.errors import QcodeError
from qcode.services.source_edit import EditResult, draft_note, edit_source, with_draft
from qcode.tui.screens.discard import close_or_ask
from qcode.tui.widgets.keys_footer import KeysFooter
from qcode.tui.work import in_background

if TYPE_CHECKING:
    from qcode.tui.screens.reader import ReaderScreen

# Characters the editor would turn into line breaks (it splits lines as Python does):
# shown as control pictures of the same length, put back on save, so offsets hold.
_SHOWN_AS = {"\v": "\u240b", "\f": "\u240c", "\x1c": "\u241c", "\x1d": "\u241d",
             "\x1e": "\u241e", "\x85": "\u2424", "\u2028": "\ue028", "\u2029": "\ue029"}
_DRAFT_SECONDS = 60


def for_editor(text: str) -> tuple[str, dict[str, str]] | None:
    """The text as the editor can hold it, and how to put it back; None if it cannot."""
    used = {ch: shown for ch, shown in _SHOWN_AS.items() if ch in text}
    if any(shown in text for shown in used.values()):
        return None  # a stand-in already in the text would come back as something else
    for ch, shown in used.items():
        text = text.replace(ch, shown)
    return text, {shown: ch for ch, shown in used.items()}


def from_editor(text: str, back: dict[str, str]) -> str:
    for shown, ch in back.items():
        text = text.replace(shown, ch)
    return text


class SourceTextEditor(Screen[str | None]):
    """The transcript's text, editable; dismisses with the new text, or None."""

    DEFAULT_CSS = """
    SourceTextEditor #edit-hint { height: 1; color: $text-muted; padding: 0 1; }
    SourceTextEditor TextArea { height: 1fr; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, name: str, text: str, offset: int = 0) -> None:
        super().__init__()
        self.source_name = name
        self.start_text = text
        self.cursor_offset = offset

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(Text("ctrl+s saves: codings move with their words, changed quotes are "
                         "flagged for review, the text before is kept as a version · Esc "
                         "cancels"), id="edit-hint")
        yield TextArea(self.start_text, id="source-text", soft_wrap=True, tab_behavior="focus")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = f"Editing {self.source_name}"
        area = self.query_one("#source-text", TextArea)
        before = self.start_text[:self.cursor_offset]
        row = before.count("\n")
        area.move_cursor((row, len(before) - (before.rfind("\n") + 1)), center=True)
        area.focus()

    @property
    def text(self) -> str:
        return self.query_one("#source-text", TextArea).text

    def action_save(self) -> None:
        self.dismiss(self.text if self.text != self.start_text else None)

    def action_cancel(self) -> None:
        close_or_ask(self, self.text != self.start_text, "your changes to the text")


def edit_text(reader: ReaderScreen) -> None:
    """Open the reader's transcript in the editor; on save, store it and reopen the reader."""
    document = reader.document
    prepared = for_editor(document.text)
    if prepared is None:
        reader.notify("This text holds characters the editor cannot show; correct it with "
                      "`qcode edit` instead", severity="warning")
        return
    shown, back = prepared
    project, coder, name = reader.project, reader.coder, document.name
    offset = reader.view.cursor

    def saved(result: EditResult | None) -> None:
        from qcode.tui.screens.reader import ReaderScreen

        if result is None:  # not stored: the notification says where the text is
            return
        reader.notify(result.summary(), title="Text saved", timeout=10,
                      severity="warning" if result.flagged else "information")
        if reader.app.screen is reader:
            reader.app.switch_screen(ReaderScreen(result.source, offset=offset))

    def done(edited: str | None) -> None:
        if edited is None:
            return
        new_text = from_editor(edited, back)

        def not_saved(message: str) -> None:
            # Long enough to copy the draft's path: the editor has closed already.
            reader.app.call_from_thread(reader.notify, message, title="Not saved",
                                        severity="error", timeout=_DRAFT_SECONDS)

        def job() -> EditResult | None:
            try:
                return edit_source(project, name, new_text, "edited in the workbench", coder,
                                   based_on=document.text)
            except QcodeError as exc:  # refused, busy, disk full: the typing must not go too
                not_saved(str(with_draft(exc, name, new_text)))
                return None
            except Exception:  # a bug: reported as one (app.errors), the draft named beside it
                not_saved(draft_note(name, new_text))
                raise

        in_background(reader, job, saved, writes=True, group="write")

    reader.app.push_screen(SourceTextEditor(name, shown, offset), done)
