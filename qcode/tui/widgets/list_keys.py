"""The keys every list-like widget of the workbench answers to, declared once."""

from __future__ import annotations

from textual.binding import Binding, BindingType


def list_bindings(select: str) -> list[BindingType]:
    """Enter (described as `select`), arrows, page keys, Home and End."""
    return [
        Binding("enter", "select", select),
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
    ]
