"""The short form after picking a code: emphasis, notes, primary and other subdivisions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from qcode.tui.screens.picker import FuzzyPicker


@dataclass(frozen=True)
class CodingDetails:
    emphasis: str
    notes: str
    subdivision: str
    others: tuple[str, ...]


def split_names(value: str) -> tuple[str, ...]:
    """Other subdivisions as typed: separated by semicolons (names may hold commas)."""
    return tuple(name.strip() for name in value.split(";") if name.strip())


class CodingForm(ModalScreen[CodingDetails | None]):
    """Enter saves from any field; ctrl+o picks a subdivision for the field in focus."""

    DEFAULT_CSS = """
    CodingForm { align: center middle; }
    CodingForm > Vertical {
        width: 80; max-width: 100%; height: auto; border: thick $primary;
        background: $panel; padding: 0 1;
    }
    CodingForm Horizontal { height: 1; margin-top: 1; }
    CodingForm Horizontal > Label { width: 22; color: $text-muted; }
    CodingForm Input, CodingForm Input:focus {
        border: none; height: 1; padding: 0 1; width: 1fr;
    }
    CodingForm Input:focus { background: $boost; text-style: bold; }
    CodingForm #hint { margin-top: 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+o", "pick", "Pick subdivision"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(self, code: str, subdivisions: Sequence[str], details: CodingDetails,
                 title: str = "Code") -> None:
        super().__init__()
        self.code = code
        self.subdivisions = list(subdivisions)
        self.details = details
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"{self.title_text}: [b]{self.code}[/b]")
            for label, field, value, hint in (
                ("Emphasis", "emphasis", self.details.emphasis, "how it was stressed"),
                ("Notes", "notes", self.details.notes, "theory, links, to self"),
                ("Subdivision", "subdivision", self.details.subdivision, "primary; ctrl+o picks"),
                ("Other subdivisions", "others", "; ".join(self.details.others),
                 "separated by ; ctrl+o adds"),
            ):
                with Horizontal():
                    yield Label(label)
                    yield Input(value, id=field, placeholder=hint)
            yield Label("Enter saves · Esc cancels · Tab next field", id="hint")

    def on_mount(self) -> None:
        self.query_one("#emphasis", Input).focus()

    @on(Input.Submitted)
    def action_save(self) -> None:
        def value(field: str) -> str:
            return self.query_one(f"#{field}", Input).value.strip()

        self.dismiss(CodingDetails(value("emphasis"), value("notes"), value("subdivision"),
                                   split_names(value("others"))))

    def action_pick(self) -> None:
        focused = self.focused
        field = focused if isinstance(focused, Input) and focused.id in (
            "subdivision", "others") else self.query_one("#subdivision", Input)

        def chosen(name: str | None) -> None:
            if not name:
                return
            if field.id == "others":
                names = split_names(field.value)
                field.value = "; ".join((*names, name)) if name not in names else field.value
            else:
                field.value = name
            field.focus()

        self.app.push_screen(
            FuzzyPicker("Subdivision", self.subdivisions, allow_new="subdivision"), chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)
