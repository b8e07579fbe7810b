"""A fuzzy picker: type part of a name, pick it from the list, or create a new one."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

NEW = "\x00new"


def rank(query: str, names: Sequence[str], limit: int = 50) -> tuple[list[str], list[str]]:
    """Names holding every typed word (in the given order), then merely similar ones."""
    words = query.lower().split()
    if not words:
        return list(names[:limit]), []
    # Names that begin with what was typed first (in their given order, recent codes
    # first), then the others holding every word: "Building" finds "Building in
    # stages" before "Assisted vs. unassisted building".
    typed = " ".join(words)
    holding = [n for n in names if all(w in n.lower() for w in words)]
    containing = sorted(holding, key=lambda n: not n.lower().startswith(typed))[:limit]
    seen = set(containing)
    similar = [
        name for name, _score, _ in process.extract(
            query, names, scorer=fuzz.WRatio, limit=limit, score_cutoff=60)
        if name not in seen
    ]
    return containing, similar[:max(0, limit - len(containing))]


class FuzzyPicker(ModalScreen[str | None]):
    """Returns the chosen name, a new name typed in (when allowed), or None."""

    DEFAULT_CSS = """
    FuzzyPicker { align: center middle; }
    FuzzyPicker > Vertical {
        width: 70; max-width: 95%; height: auto; max-height: 80%;
        border: thick $primary; background: $panel; padding: 0 1;
    }
    FuzzyPicker OptionList { height: auto; max-height: 16; }
    FuzzyPicker Label { width: 100%; }  /* a long question wraps instead of being cut */
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "cursor(1)", "Next", show=False),
        Binding("up", "cursor(-1)", "Previous", show=False),
    ]

    def __init__(self, title: str, names: Sequence[str], allow_new: str | None = None,
                 value: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.names = list(names)
        self.known = {n.lower() for n in self.names}  # to offer a new name only if new
        self.allow_new = allow_new  # e.g. "code": typing a new name offers to create it
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text)
            yield Input(value=self.value, placeholder="type to search", id="query")
            yield OptionList(id="choices")

    def on_mount(self) -> None:
        self._fill(self.value)

    @on(Input.Changed, "#query")
    def _typed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def _fill(self, query: str) -> None:
        choices = self.query_one("#choices", OptionList)
        choices.clear_options()
        containing, similar = rank(query, self.names)
        # What holds the typed words comes first; then, for a name not there yet, the
        # offer to create it (so Enter creates it); then names that merely look alike.
        options = [Option(name) for name in containing]
        if self.allow_new and query.strip() and query.strip().lower() not in self.known:
            options.append(Option(f"+ new {self.allow_new}: {query.strip()}", id=NEW))
        options += [Option(name) for name in similar]
        choices.add_options(options)
        if options:
            choices.highlighted = 0

    def action_cursor(self, delta: int) -> None:
        choices = self.query_one("#choices", OptionList)
        if choices.option_count:
            now = choices.highlighted or 0
            choices.highlighted = max(0, min(choices.option_count - 1, now + delta))

    @on(Input.Submitted, "#query")
    def _submitted(self) -> None:
        choices = self.query_one("#choices", OptionList)
        if choices.highlighted is None:
            typed = self.query_one("#query", Input).value.strip()
            self.dismiss(typed if self.allow_new and typed else None)
            return
        self._choose(choices.get_option_at_index(choices.highlighted))

    @on(OptionList.OptionSelected, "#choices")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option)

    def _choose(self, option: Option) -> None:
        if option.id == NEW:
            self.dismiss(self.query_one("#query", Input).value.strip())
        else:
            self.dismiss(str(option.prompt))

    def action_cancel(self) -> None:
        self.dismiss(None)
