"""`qcode tui`: open the workbench (and `qcode study.qcode` as a shortcut)."""

from __future__ import annotations

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

    make_app(project, coder).run()


COMMANDS = [tui]
