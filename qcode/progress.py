"""Long work reports how far it is, and the researcher may stop it.

Every service that walks many sources or spans takes a `Progress` callback, called as
progress(done, in all, what it is at). The command line draws it as a bar; the
workbench too, and its callback raises `Cancelled` once Escape was pressed: the step's
transaction then rolls back, so a cancelled job changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from qcode.errors import QcodeError

Progress = Callable[[int, int, str], None]


class Cancelled(QcodeError):
    """The researcher stopped the work; its transaction was rolled back."""

    def __init__(self) -> None:
        super().__init__("cancelled: nothing was changed")
