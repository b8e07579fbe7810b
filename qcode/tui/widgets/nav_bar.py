"""The line under the title of every workbench screen: the screens and their F keys.

The footer has room for the keys of the screen in front; the way to the other screens
stays in view here, the one in front marked. A click goes there too.
"""

from __future__ import annotations

from textual.app import RenderResult
from textual.content import Content
from textual.widget import Widget

# (mode, key, name, short name): the order of the F keys.
SCREENS = (
    ("sources", "F3", "Sources", "Sources"),
    ("codebook", "F4", "Codebook", "Codes"),
    ("quotes", "F5", "Quotes", "Quotes"),
    ("counts", "F6", "Counts", "Counts"),
    ("axial", "F7", "Axial", "Axial"),
    ("memos", "F8", "Memos", "Memos"),
    ("search", "F11", "Search", "Search"),
    ("disagreements", "F12", "Disagreements", "Agree"),
)


def labels(width: int) -> list[tuple[str, str, str]]:
    """(mode, key, name) of each screen, the names as long as `width` allows."""
    for short in (False, True):
        items = [(mode, key, brief if short else name) for mode, key, name, brief in SCREENS]
        if sum(len(key) + len(name) + 2 for _, key, name in items) - 1 <= width:
            return items
    return [(mode, key, brief) for mode, key, _, brief in SCREENS]


class NavBar(Widget):
    """F3 Sources · F4 Codebook ...; the screen in front reversed."""

    DEFAULT_CSS = """
    NavBar { height: 1; background: $panel; color: $text-muted; }
    """

    def render(self) -> RenderResult:
        current = self.app.current_mode
        parts = []
        for mode, key, name in labels(self.size.width):
            style = "reverse " if mode == current else ""
            parts.append(Content.from_markup(
                f"[{style}@click=app.go('{mode}')][b]{key}[/b] {name}[/]"))
        return Content(" ").join(parts)
