"""Long work in the workbench: a worker thread, a progress bar, and Escape to stop it.

The job runs in a Textual thread worker and reports through typed messages (Progressed,
Finished, Failed) that the screen handles on the UI thread, as toolong does for its
scans. Escape stops a job at its next progress report (`Cancelled` rolls its
transaction back: nothing changes); a read that reports no progress is simply left to
finish unseen. A failure is one line.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, ProgressBar

from qcode.errors import QcodeError
from qcode.progress import Cancelled, Progress
from qcode.tui.work import WRITES

T = TypeVar("T")


class LongWork(ModalScreen[None], Generic[T]):
    """`job(progress)` under a progress bar; `done(result)` once it has finished."""

    DEFAULT_CSS = """
    LongWork { align: center middle; }
    LongWork > Vertical {
        width: 70; max-width: 100%; height: auto; border: thick $primary;
        background: $panel; padding: 0 1;
    }
    LongWork #what { color: $text-muted; height: 1; }
    LongWork #hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    class Progressed(Message):
        def __init__(self, done: int, total: int, what: str) -> None:
            super().__init__()
            self.done, self.total, self.what = done, total, what

    class Finished(Message):
        def __init__(self, result: Any) -> None:
            super().__init__()
            self.result = result

    class Failed(Message):
        def __init__(self, text: str, cancelled: bool = False) -> None:
            super().__init__()
            self.text, self.cancelled = text, cancelled

    def __init__(self, title: str, job: Callable[[Progress], T], done: Callable[[T], None],
                 *, writes: bool = True) -> None:
        super().__init__()
        self.title_text = title
        self.job = job
        self.done = done
        self.writes = writes
        self.stop = threading.Event()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text)
            yield ProgressBar(total=None, show_eta=True, id="bar")
            yield Label("", id="what")
            yield Label("Escape cancels: nothing is changed", id="hint")

    def on_mount(self) -> None:
        self.run_job()

    @work(thread=True, exclusive=True, group="long-work")
    def run_job(self) -> None:
        def progress(done: int, total: int, what: str) -> None:
            if self.stop.is_set():
                raise Cancelled()
            self.post_message(self.Progressed(done, total, what))

        try:
            if self.writes:  # one write at a time, in the order they were asked for
                with WRITES:
                    result = self.job(progress)
            else:
                result = self.job(progress)
        except Cancelled as exc:
            self.post_message(self.Failed(str(exc)[:1].upper() + str(exc)[1:], True))
        except QcodeError as exc:
            self.post_message(self.Failed(str(exc)))
        except Exception as exc:  # a bug: said in one line, kept for the tests to see
            getattr(self.app, "errors", []).append(exc)
            self.post_message(self.Failed(f"internal error: {type(exc).__name__}: {exc}"))
        else:
            self.post_message(self.Finished(result))

    @on(Progressed)
    def _progressed(self, message: Progressed) -> None:
        self.query_one("#bar", ProgressBar).update(total=message.total or None,
                                                   progress=message.done)
        self.query_one("#what", Label).update(message.what)

    @on(Finished)
    def _finished(self, message: Finished) -> None:
        self.dismiss(None)
        if not self.stop.is_set() or self.writes:  # a write that finished did happen
            self.done(message.result)

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.dismiss(None)
        self.app.notify(message.text, title="Not done",
                        severity="warning" if message.cancelled else "error")

    def action_cancel(self) -> None:
        self.stop.set()
        self.query_one("#hint", Label).update("Cancelling…")
        if not self.writes:  # a read changes nothing: stop waiting for it at once
            self.dismiss(None)
            self.app.notify("Cancelled", severity="warning")


def run_long(screen: Any, title: str, job: Callable[[Progress], T],
             done: Callable[[T], None], *, writes: bool = True) -> None:
    """Show `job` running with its progress over `screen`; `done` gets its result."""
    screen.app.push_screen(LongWork(title, job, done, writes=writes))
