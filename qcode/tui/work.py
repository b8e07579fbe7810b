"""Running store work off the UI thread, so the workbench never freezes on a big project."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from textual.widget import Widget
from textual.worker import get_current_worker

from qcode.errors import QcodeError

T = TypeVar("T")

# Steps that change the project run one after another, in the order they were asked
# for, so an undo pressed right after a coding never overtakes it.
WRITES = threading.Lock()


def in_background(widget: Widget, job: Callable[[], T], done: Callable[[T], None],
                  *, writes: bool = False, group: str = "load") -> None:
    """Run `job` in a thread worker, then `done(result)` on the UI thread.

    A QcodeError becomes a notification (one line, nothing changed, as the step was one
    transaction). Anything else is a bug: it is notified too and kept in `app.errors`
    (the tests check it stays empty) rather than closing the researcher's workbench.
    """
    app = widget.app

    def run() -> None:
        try:
            if writes:
                with WRITES:
                    result = job()
            else:
                result = job()
        except QcodeError as exc:
            app.call_from_thread(app.notify, str(exc), title="Not done", severity="error")
            return
        except Exception as exc:
            getattr(app, "errors", []).append(exc)
            app.call_from_thread(app.notify, f"internal error: {type(exc).__name__}: {exc}",
                                 title="Not done", severity="error")
            return
        if get_current_worker().is_cancelled:
            return  # a newer load of the same group replaced this one: it draws instead
        app.call_from_thread(done, result)

    # Loads are exclusive (the newest wins); writes must each run to the end.
    widget.run_worker(run, thread=True, group=group, exclusive=not writes)
