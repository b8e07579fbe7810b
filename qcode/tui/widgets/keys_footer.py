"""The footer of every workbench screen: the keys that matter, drawn once per change."""

from __future__ import annotations

from textual.widgets import Footer


class KeysFooter(Footer):
    """Textual's footer, redrawn only when the keys it shows have changed.

    Textual rebuilds the footer (a widget per key, each styled anew) for every bindings
    signal, and one focus change sends two of them, so opening a transcript rebuilt it
    several times over with the same keys: about half the time to open a long one, and
    half of every screen's first visit. Every workbench screen uses this one.
    """

    _drawn: tuple[object, ...] | None = None

    def _keys(self) -> tuple[object, ...]:
        """Everything `Footer.compose` draws from: the same keys, the same footer.

        `_bindings_ready` is Footer's own flag (not public API): without it a footer
        drawn empty before the bindings arrive would never be redrawn. Textual is pinned
        (pyproject), and the reader's snapshot tests fail if a new version changes this.
        """
        shown = tuple((key, active.binding, active.enabled, active.tooltip)
                      for key, active in self.screen.active_bindings.items())
        return (self._bindings_ready, self.show_command_palette,
                self.app.ENABLE_COMMAND_PALETTE, shown)

    async def recompose(self) -> None:
        """Rebuild the keys, unless they would come out as they are."""
        if not self.is_attached:
            return
        keys = self._keys()
        if keys == self._drawn:
            return
        self._drawn = keys
        await super().recompose()
