"""The memo editor: a memo's text in a TextArea; ctrl+s saves, Esc cancels.

Any screen of the workbench can open it. `write_memo` is the whole "new memo on this"
step the reader and the codebook use: the editor with a prefilled title, then one
undoable action that writes the memo.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea

from qcode.services.memos import Target, add_memo
from qcode.tui.screens.base import WorkbenchScreen


@dataclass(frozen=True)
class MemoDraft:
    """What the editor hands back: the title (as given, or as typed) and the body."""

    title: str
    body: str


class MemoEditor(ModalScreen[MemoDraft | None]):
    """Write or edit a memo's body; with `ask_title` the title is a field above it."""

    DEFAULT_CSS = """
    MemoEditor { align: center middle; }
    MemoEditor > Vertical {
        width: 90; max-width: 100%; height: 80%; min-height: 10;
        border: thick $primary; background: $panel; padding: 0 1;
    }
    MemoEditor #memo-on { color: $text-muted; height: 1; }
    MemoEditor #memo-title-row { height: 1; margin-bottom: 1; }
    MemoEditor #memo-title-row > Label { width: 7; color: $text-muted; }
    MemoEditor #memo-title { width: 1fr; }
    MemoEditor #memo-heading { height: 1; text-style: bold; margin-bottom: 1; }
    MemoEditor TextArea { height: 1fr; }
    MemoEditor #memo-hint { height: 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, on: str, title: str, body: str = "", ask_title: bool = False) -> None:
        """A new memo's editor (`ask_title`) or an existing memo's.

        Args:
            on: What the memo is on, as shown above it ("code: Self-management").
            title: The memo's title (prefilled in the field when `ask_title`).
            body: The text to start from.
            ask_title: Whether the title can be changed here (a new memo).
        """
        super().__init__()
        self.target_text = on
        self.memo_title = title
        self.start_body = body
        self.ask_title = ask_title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"Memo on {self.target_text}"), id="memo-on")
            if self.ask_title:
                with Horizontal(id="memo-title-row"):
                    yield Label("Title")
                    yield Input(self.memo_title, id="memo-title", compact=True,
                                placeholder="a few words on what it is about")
            else:
                yield Static(Text(self.memo_title), id="memo-heading")
            yield TextArea(self.start_body, id="memo-body", soft_wrap=True, tab_behavior="focus")
            hint = "ctrl+s saves · Esc cancels"
            if self.ask_title:
                hint += " · Tab moves between title and text"
            yield Label(hint, id="memo-hint")

    def on_mount(self) -> None:
        body = self.query_one("#memo-body", TextArea)
        body.focus()
        body.move_cursor(body.document.end)

    def action_save(self) -> None:
        title = self.memo_title
        if self.ask_title:
            title = self.query_one("#memo-title", Input).value.strip()
            if not title:
                self.notify("A memo needs a title", severity="warning")
                self.query_one("#memo-title", Input).focus()
                return
        self.dismiss(MemoDraft(title, self.query_one("#memo-body", TextArea).text))

    def action_cancel(self) -> None:
        self.dismiss(None)


def write_memo(screen: WorkbenchScreen, target: Target | None, on: str, title: str) -> None:
    """Open the editor for a new memo on `target`; saving writes it as one undoable action.

    Args:
        screen: The screen asking; the memo is written through its `change`.
        target: What the memo is on, as `add_memo` takes it; None for the journal.
        on: The target as the editor shows it ("source: IP4_social_worker_agency").
        title: The title to prefill.
    """
    coder = screen.coder

    def saved(draft: MemoDraft | None) -> None:
        if draft is not None:
            screen.change(f"write memo {draft.title!r}",
                          lambda session: add_memo(session, draft.title, draft.body, target,
                                                   coder),
                          message=f"Memo saved: {draft.title}")

    screen.app.push_screen(MemoEditor(on, title, ask_title=True), saved)
