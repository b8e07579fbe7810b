"""Escape on anything the researcher types into: close it, but ask before typed text is
thrown away. Keep editing is the first choice, so Enter (or Escape again) is safe."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

KEEP_EDITING = "Keep editing"
DISCARD = "Discard what I typed"


def close_or_ask(screen: Screen[Any], changed: bool, what: str = "what you typed") -> None:
    """Dismiss `screen` with None at once when nothing was typed, else after asking."""
    from qcode.tui.screens.picker import FuzzyPicker

    if not changed:
        screen.dismiss(None)
        return

    def answered(choice: str | None) -> None:
        if choice == DISCARD:
            screen.dismiss(None)

    screen.app.push_screen(FuzzyPicker(f"Throw away {what}?", [KEEP_EDITING, DISCARD]),
                           answered)
