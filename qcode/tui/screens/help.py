"""F1: how the screen in front is used, in a few lines, beside all of its keys.

F1 again (or Escape) closes it. Each key is listed with its name, which a keymap file
uses to move it (qcode.tui.keys).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from qcode.tui.keys import keymap_file

# What each screen is for and the usual way through it, in the domain's words.
WORKFLOWS: dict[str, tuple[str, ...]] = {
    "sources": (
        "Every transcript with its case, attributes, size and how much of it is coded.",
        "Type to filter, Enter opens the transcript to read and code it.",
        "ctrl+g opens the cases: add interview partners, their attributes (such as the "
        "stakeholder group) and link them to transcripts.",
        "ctrl+o imports transcripts; ctrl+r attaches the recording of the transcript under "
        "the cursor (space in the transcript then plays a quote); ctrl+t transcribes a "
        "recording into a new transcript on this machine.",
    ),
    "reader": (
        "Read, select a quote, code it: open coding.",
        "Select with w (word), s (sentence), t (turn), p (paragraph) or shift+arrows; "
        "< and > shrink or grow it by a word.",
        "c codes the selection: pick or type a code, then emphasis, notes and where it is "
        "filed (subdivisions). r repeats the last code and filing on a new selection.",
        "n/N go from coding to coding, ] and [ along one code; e edits the coding at the "
        "cursor (its code, or ctrl+r to move its start and end); x removes it.",
        "Space plays the selection (or on from the cursor) from the transcript's "
        "recording, and stops it; the side shows the time at the cursor "
        "(`qcode media attach` links a recording).",
        "u undoes any step, also after a restart; Escape goes back to the list.",
    ),
    "codebook": (
        "The subdivision tree (groups, factor groups, subdivisions) and the codes filed "
        "in it, with their mentions: axial coding's structure.",
        "Type to filter, Enter on a code lists its quotes; n new code, s new subdivision, "
        "m moves, r renames, M merges two codes, o moves codings between subdivisions.",
    ),
    "quotes": (
        "Every coded quote in one table: filter by code, subdivision, source, case, "
        "coder or words (/ then e.g. code:Subsidy sub:Microcredit).",
        "Enter opens the quote in its transcript.",
    ),
    "counts": (
        "Mentions counted by group, subdivision or code (d), and by stakeholder group "
        "(x) or any case attribute (a): the study's tables and figures.",
        "Enter on a row lists its quotes.",
    ),
    "axial": (
        "Relations between subdivisions (cause, consequence, context, interaction, "
        "contradiction), each supported by quotes.",
        "n makes a link, q adds a quote to the link at the cursor, o opens its quotes, "
        "r changes the relation, g draws the graph around a subdivision.",
    ),
    "memos": (
        "Memos on the project, a source, a code or a subdivision: theory as it grows.",
        "n writes one (title on the first line, body below), e edits, / searches.",
    ),
    "search": (
        "Every transcript searched at once: words, a phrase, word*, a OR b, or lemmas.",
        "Enter opens a hit selected in its transcript; a auto-codes the hits (preview "
        "first, one undoable step).",
    ),
    "disagreements": (
        "Where two coders coded differently: their segments side by side.",
        "ctrl+o chooses the two coders, Enter opens A's span, ctrl+b B's.",
    ),
    "cases": (
        "Interview partners (cases) with their attributes, and the transcripts of each.",
        "a adds a case, e sets an attribute value, l links a transcript; counts by "
        "stakeholder group use these attributes.",
    ),
}


def screen_name(screen: Screen[object]) -> str:
    """`reader` for ReaderScreen: the first part of its keys' names too."""
    return type(screen).__name__.removesuffix("Screen").lower()


class HelpScreen(ModalScreen[None]):
    """The workflow of the screen underneath and every key it (and the app) answers."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $panel; padding: 0 1;
    }
    """
    BINDINGS = [Binding("f1,escape", "close", "Close help")]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        # Built as Text, not markup: keys such as "[" and "]" would read as tags.
        name = screen_name(self.under)
        text = Text()
        text.append(f"{name.capitalize()}\n", style="bold")
        for line in WORKFLOWS.get(name, ()):
            text.append(f"{line}\n")
        text.append("\nKeys\n", style="bold")
        # The screen's own keys first, those of every screen next, the app's last.
        order = {name: 0, "workbench": 1, "app": 3}
        bindings = sorted((active.binding for active in self.under.active_bindings.values()),
                          key=lambda b: order.get((b.id or "").partition(".")[0], 2))
        seen: set[str] = set()
        for binding in bindings:
            if not binding.description or (binding.id or binding.key) in seen:
                continue
            seen.add(binding.id or binding.key)
            text.append(f"  {self.app.get_key_display(binding):>10}  ", style="bold")
            text.append(f"{binding.description:<30} ")
            text.append(f"{binding.id or ''}\n", style="dim")
        text.append(f"\nMove any key in {keymap_file()}, e.g. "
                    '"reader.repeat_code" = "R". F1 or Escape closes this.', style="dim")
        with VerticalScroll():
            yield Static(text)

    def action_close(self) -> None:
        self.dismiss(None)
