"""Messages the workbench's screens and workers send each other."""

from __future__ import annotations

from textual.message import Message


class ProjectChanged(Message):
    """Something was coded, edited, undone or redone: views showing counts refresh."""

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what
