"""The memo editor, the one way to write a memo everywhere: the first line is the title,
what follows is the body; ctrl+s saves, Escape closes (asking before typed text goes).

`write_memo` is the whole "memo on this" step of the reader and the codebook (m, w):
it opens the thing's memo when it has one, asks which when it has several, and starts
a new one otherwise; `new_memo` and `edit_memo` are the two halves, which the memos
screen uses too. Every save is one undoable step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from sqlalchemy.orm import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static, TextArea

from qcode.services.memos import MemoInfo, Target, add_memo, list_memos, update_memo
from qcode.tui.screens.base import WorkbenchScreen
from qcode.tui.screens.discard import close_or_ask
from qcode.tui.screens.picker import FuzzyPicker
from qcode.tui.work import in_background


@dataclass(frozen=True)
class MemoDraft:
    """What the editor hands back: the title (as given, or as typed) and the body."""

    title: str
    body: str


class MemoEditor(ModalScreen[MemoDraft | None]):
    """A memo as one text: the first line its title, the rest its body."""

    DEFAULT_CSS = """
    MemoEditor { align: center middle; }
    MemoEditor > Vertical {
        width: 90; max-width: 100%; height: 80%; min-height: 10;
        border: thick $primary; background: $panel; padding: 0 1;
    }
    MemoEditor #memo-on { color: $text-muted; height: 1; }
    MemoEditor TextArea { height: 1fr; }
    MemoEditor #memo-hint { height: 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Close"),
    ]

    def __init__(self, on: str, title: str = "", body: str = "") -> None:
        """An editor for the memo `title` (with `body`) on `on` ("code: Self-help")."""
        super().__init__()
        self.target_text = on
        self.start_text = f"{title}\n{body}" if title or body else ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"Memo on {self.target_text}"), id="memo-on")
            yield TextArea(self.start_text, id="memo-body", soft_wrap=True,
                           tab_behavior="focus")
            yield Label("The first line is the title · ctrl+s saves · Esc closes",
                        id="memo-hint")

    def on_mount(self) -> None:
        body = self.query_one("#memo-body", TextArea)
        body.focus()
        body.move_cursor(body.document.end)

    @property
    def text(self) -> str:
        return self.query_one("#memo-body", TextArea).text

    def action_save(self) -> None:
        title, _, body = self.text.partition("\n")
        if not title.strip():
            self.notify("A memo needs a title: write it on the first line",
                        severity="warning")
            return
        self.dismiss(MemoDraft(title.strip(), body))

    def action_cancel(self) -> None:
        close_or_ask(self, self.text != self.start_text, "this memo's changes")


Write = Callable[[str, Callable[[Session], MemoInfo], str], None]


def new_memo(screen: WorkbenchScreen, target: Target | None, on: str, title: str = "",
             write: Write | None = None) -> None:
    """The editor for a new memo on `target` (None: the journal), `title` suggested."""
    coder = screen.coder
    save = write or (lambda label, step, message: screen.change(label, step, message=message))

    def saved(draft: MemoDraft | None) -> None:
        if draft is not None:
            save(f"write memo {draft.title!r}",
                 lambda session: add_memo(session, draft.title, draft.body, target, coder),
                 f"Memo saved: {draft.title}")

    screen.app.push_screen(MemoEditor(on, title), saved)


def edit_memo(screen: WorkbenchScreen, memo: MemoInfo, on: str,
              write: Write | None = None) -> None:
    """The editor on an existing memo; saving a change is one undoable step."""
    save = write or (lambda label, step, message: screen.change(label, step, message=message))

    def saved(draft: MemoDraft | None) -> None:
        if draft is not None and (draft.title, draft.body) != (memo.title, memo.body):
            save(f"edit memo {memo.title!r}",
                 lambda session: update_memo(session, memo.id, title=draft.title,
                                             body=draft.body),
                 f"Memo saved: {draft.title}")

    screen.app.push_screen(MemoEditor(on, memo.title, memo.body), saved)


def write_memo(screen: WorkbenchScreen, target: Target, on: str, title: str) -> None:
    """`m` on a thing: its memo if it has one, which one if several, else a new one.

    Args:
        screen: The screen asking; the memo is written through its `change`.
        target: What the memo is on, as `add_memo` takes it.
        on: The target as the editor shows it ("source: IP4_social_worker_agency").
        title: The title suggested for a new memo.
    """
    project = screen.project
    new = "+ a new memo"

    def found(memos: list[MemoInfo]) -> None:
        if not memos:
            new_memo(screen, target, on, title)
        elif len(memos) == 1:
            edit_memo(screen, memos[0], on)
        else:
            by_title = {f"{m.title} ({m.updated_at:%Y-%m-%d})": m for m in memos}

            def chosen(label: str | None) -> None:
                if label == new:
                    new_memo(screen, target, on, title)
                elif label in by_title:
                    edit_memo(screen, by_title[label], on)

            screen.app.push_screen(FuzzyPicker(f"Memos on {on}", [*by_title, new]), chosen)

    in_background(screen, lambda: project.read(list_memos, target=target), found,
                  group="picker")
