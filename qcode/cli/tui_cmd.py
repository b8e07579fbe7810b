"""`qcode tui`: open the workbench (and `qcode study.qcode` as a shortcut)."""

from __future__ import annotations

import os
import sys
import threading

import click

from qcode.cli.common import project_argument


@click.command()
@project_argument
@click.option("--coder", help="Who codes (remembered for next time; default: the last "
                              "coder, else $QCODE_CODER or your login).")
def tui(project: str, coder: str | None) -> None:
    """Open the coding workbench on PROJECT in the terminal.

    Sources, the reader/coder, codebook, quotes, counts: F1 lists the keys of each
    screen, ctrl+p every action. Each coding step is saved at once and can be undone
    (u) and redone (U), also after a restart.

    \b
    Example:
      qcode tui demo.qcode --coder maria
      qcode demo.qcode
    """
    from qcode.tui.app import make_app

    app = make_app(project, coder)
    app.run()
    leave(app.return_code or 0)


def leave(code: int) -> None:
    """End the process once the workbench has closed, without Python's own teardown.

    By then the project is closed (the app closes it as it unmounts) and the terminal
    restored; taking apart everything the workbench loaded (SQLAlchemy, Textual, spaCy)
    kept the researcher who quit waiting 0.35-0.4 s more. A step still being written is
    waited for first, so no coding is cut off.
    """
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


COMMANDS = [tui]
