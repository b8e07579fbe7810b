"""The short form after picking a code: emphasis, notes, primary and other subdivisions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from qcode.names import name_key
from qcode.tui.screens.discard import close_or_ask
from qcode.tui.screens.picker import FuzzyPicker


@dataclass(frozen=True)
class CodingDetails:
    emphasis: str
    notes: str
    subdivision: str
    others: tuple[str, ...]
    code: str = ""  # editing: the code, changed or not
    move: bool = False  # editing: the researcher asked to move the quote's start and end


def split_names(value: str) -> tuple[str, ...]:
    """Other subdivisions as typed: separated by semicolons (names may hold commas)."""
    return tuple(name.strip() for name in value.split(";") if name.strip())


def closest(name: str, names: Sequence[str], limit: int = 5) -> list[str]:
    """The existing names a mistyped one most resembles, best first."""
    return [found for found, _score, _ in process.extract(
        name, names, scorer=fuzz.WRatio, limit=limit, score_cutoff=50)]


def new_label(name: str) -> str:
    """The choice that creates a subdivision, saying where it goes."""
    return f"Create {name!r} as a new subdivision at the top of the tree"


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
    CodingForm #hint { margin-top: 1; color: $text-muted; width: 100%; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+o", "pick", "Pick subdivision"),
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+r", "move", "Move start/end", show=False),
        # Priority: the app moves the focus before it hands on the next key. Otherwise
        # the field handles Tab in its own turn, after keys typed quickly behind the
        # Tab had already been sent to it.
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False,
                priority=True),
    ]

    def __init__(self, code: str, subdivisions: Sequence[str], details: CodingDetails,
                 title: str = "Code", codes: Sequence[str] | None = None) -> None:
        """`codes` (every code name) makes it the form that edits a coding: the code
        can be changed there, and ctrl+r moves the quote's start and end."""
        super().__init__()
        self.code = code
        self.codes = list(codes) if codes is not None else None
        self.subdivisions = list(subdivisions)
        self.details = details
        self.title_text = title
        self.known = {name_key(name) for name in self.subdivisions}
        self.known_codes = {name_key(name) for name in self.codes or ()}
        self.confirmed_codes: set[str] = set()  # new codes the researcher chose to make
        self.confirmed: set[str] = set()  # new names the researcher chose to create
        self.move_asked = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"{self.title_text}: [b]{self.code}[/b]")
            if self.codes is not None:
                with Horizontal():
                    yield Label("Code")
                    yield Input(self.code, id="code", placeholder="ctrl+o picks")
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
            yield Label("Enter saves · Esc cancels · Tab next field" + (
                " · ctrl+r moves the quote's start and end" if self.codes is not None
                else ""), id="hint")

    def on_mount(self) -> None:
        self.initial = [field.value for field in self.query(Input)]  # Escape compares
        # Editing a coding starts on its code; a new coding's code is chosen already.
        self.query_one("#code" if self.codes is not None else "#emphasis", Input).focus()

    @on(Input.Submitted)
    def action_save(self) -> None:
        def value(field: str) -> str:
            return self.query_one(f"#{field}", Input).value.strip()

        details = CodingDetails(value("emphasis"), value("notes"), value("subdivision"),
                                split_names(value("others")),
                                value("code") if self.codes is not None else self.code,
                                self.move_asked)
        if self.codes is not None and not details.code:
            self.notify("A coding needs a code", severity="warning")
            return
        if self.codes is not None and name_key(details.code) not in self.known_codes | {
                name_key(self.code)} | self.confirmed_codes:
            self._confirm("code", details.code)  # a typo must not become a new code
            return
        for field, name in [("subdivision", details.subdivision)] + [
                ("others", name) for name in details.others]:
            if name and name_key(name) not in self.known | self.confirmed:
                self._confirm(field, name)  # a typo must not become a new subdivision
                return
        self.dismiss(details)

    def action_move(self) -> None:
        """Save what was typed, then move the quote's start and end in the text."""
        if self.codes is not None:
            self.move_asked = True
            self.action_save()

    def _confirm(self, field: str, name: str) -> None:
        """Ask about a name that is not there yet: the closest ones, or create it."""
        code = field == "code"
        create = (f"Create {name!r} as a new code" if code else new_label(name))
        choices = [*closest(name, self.codes if code and self.codes else self.subdivisions),
                   create]
        box = self.query_one(f"#{field}", Input)

        def chosen(choice: str | None) -> None:
            if choice == create:
                (self.confirmed_codes if code else self.confirmed).add(name_key(name))
                self.action_save()  # on to the next unknown name, or save
                return
            if choice:  # an existing name in place of the typed one; Enter then saves
                if field == "others":
                    box.value = "; ".join(choice if other == name else other
                                          for other in split_names(box.value))
                else:
                    box.value = choice
            box.focus()

        what = "code" if code else "subdivision"
        self.app.push_screen(
            FuzzyPicker(f"There is no {what} {name!r}. Did you mean one of these?",
                        choices), chosen)

    def action_pick(self) -> None:
        focused = self.focused
        if isinstance(focused, Input) and focused.id == "code" and self.codes is not None:
            def coded(name: str | None) -> None:
                if name:
                    focused.value = name
                focused.focus()

            self.app.push_screen(FuzzyPicker("Code", self.codes, allow_new="code"), coded)
            return
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
        typed = [field.value for field in self.query(Input)]
        close_or_ask(self, typed != self.initial)
