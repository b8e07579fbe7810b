"""The workbench application: one factory used by `qcode tui` and by the tests."""

from __future__ import annotations

import gc
import importlib
import os
import threading
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from qcode.services.project import Project, open_project, project_summary
from qcode.tui import settings
from qcode.tui.keys import load_keymap, named

THEMES = ("textual-dark", "textual-light")
POLL_SECONDS = 1.0
# Imported in the background once the sources list is up, so no screen's first visit
# waits for them: the other screens and what they draw with (pandas for the counts).
WARM_UP = ("qcode.tui.screens.codebook", "qcode.tui.screens.quotes",
           "qcode.tui.screens.counts", "qcode.tui.screens.axial", "qcode.tui.screens.memos",
           "qcode.tui.screens.search", "qcode.tui.screens.disagreements",
           "qcode.tui.screens.reader", "pandas")


def _mode(module: str, screen: str) -> Callable[[], Screen[None]]:
    """A mode's screen, its module imported when the mode is first shown: the workbench
    starts with only the sources screen loaded."""
    def make() -> Screen[None]:
        made: Screen[None] = getattr(importlib.import_module(
            f"qcode.tui.screens.{module}"), screen)()
        return made

    return make


def _warm_up(language: str) -> None:
    for module in WARM_UP:
        importlib.import_module(module)
    # spaCy's sentence splitter for the project's language: the first transcript opened
    # would otherwise load it (a second of work) while its text is being drawn.
    from qcode.ingest.sentences import sentence_spans

    sentence_spans("One. Two.", language)



def _settle_heap() -> None:
    """Once the workbench is on screen, set what it loaded aside from garbage collection.

    Everything imported by then (spaCy, SQLAlchemy, Textual, the first screen) lives as
    long as the app. Left in the collector's care, each full collection walks all of it
    again, a pause of 0.1-0.2 s that fell in the middle of applying a code. Frozen, a
    collection walks only what was made since: the screens, codings and lines in use.
    Once per process: a later app (a test's) would otherwise pin the earlier one's
    screens and rows, which the collector could then never free.
    """
    global _heap_settled
    if _heap_settled:
        return
    _heap_settled = True
    gc.collect()
    gc.freeze()


_heap_settled = False


class QcodeApp(App[None]):
    """Open and axial coding of one project, keyboard-first."""

    CSS_PATH = "qcode.tcss"
    TITLE = "qcode"
    ENABLE_COMMAND_PALETTE = True
    MODES = {"sources": _mode("sources", "SourcesScreen"),
             "codebook": _mode("codebook", "CodebookScreen"),
             "axial": _mode("axial", "AxialScreen"), "quotes": _mode("quotes", "QuotesScreen"),
             "disagreements": _mode("disagreements", "DisagreementsScreen"),
             "counts": _mode("counts", "CountsScreen"), "memos": _mode("memos", "MemosScreen"),
             "search": _mode("search", "SearchScreen")}
    DEFAULT_MODE = "sources"
    # The screens' F keys are on the line under the title (NavBar), not in the footer.
    BINDINGS = named("app", [
        Binding("f1", "help", "Help"),
        Binding("f2", "toggle_theme", "Light/dark"),
        Binding("f3", "go('sources')", "Sources", show=False),
        Binding("f4", "go('codebook')", "Codebook", show=False),
        Binding("f5", "go('quotes')", "Quotes", show=False),
        Binding("f6", "go('counts')", "Counts", show=False),
        Binding("f7", "go('axial')", "Axial", show=False),
        Binding("f8", "go('memos')", "Memos", show=False),
        Binding("f9", "switch_coder", "Coder", show=False),
        Binding("f10", "cycle_showing", "Whose codings", show=False),
        Binding("f11", "go('search')", "Search", show=False),
        Binding("f12", "go('disagreements')", "Disagreements", show=False),
        Binding("ctrl+q", "quit", "Quit"),
    ])

    def __init__(self, project: Project, coder: str, ask_coder: bool = False) -> None:
        super().__init__()
        self.project = project
        self.coder = coder
        self.ask_coder = ask_coder
        summary = project_summary(project)
        self.project_name = summary.name
        self.language = summary.language
        self.errors: list[BaseException] = []
        self._warming = False  # the background imports (warm_up) have been started
        # Whose codings the screens show: None for every coder's, else one coder's. It
        # is always on the title bar, so nobody thinks work vanished behind a filter.
        self.showing: str | None = None
        self._show_coder()
        keymap, self.keymap_problem = load_keymap()
        self.set_keymap(keymap)
        remembered = settings.load().get("theme")
        self.theme = remembered if remembered in THEMES else THEMES[0]

    def _show_coder(self) -> None:
        shown = "all coders" if self.showing is None else (
            "mine only" if self.showing == self.coder else f"{self.showing}'s only")
        # Coder and filter first: a long project name is what the header may cut off.
        self.sub_title = f"coder: {self.coder} · showing {shown} · {self.project_name}"

    def action_cycle_showing(self) -> None:
        """Show every coder's codings, then mine only, then each other coder's (F10)."""
        from qcode.services.coding import coder_names
        from qcode.tui.work import in_background

        def cycle(names: list[str]) -> None:
            order: list[str | None] = [None, self.coder]
            order += [name for name in names if name != self.coder]
            at = order.index(self.showing) if self.showing in order else 0
            self.showing = order[(at + 1) % len(order)]
            self._show_coder()
            screen = self.screen
            if hasattr(screen, "reload"):
                screen.reload()

        in_background(self.screen, lambda: coder_names(self.project), cycle)

    async def action_go(self, mode: str) -> None:
        """F3...F12: that section's own list, whatever was opened over it there (a
        transcript opened from the quotes, say). A screen holding typed text that is not
        saved yet (a modal form, the text editor, unapplied pseudonyms) stays."""
        from qcode.tui.screens.base import WorkbenchScreen

        if self.current_mode != mode:
            await self.switch_mode(mode)
        while len(self.screen_stack) > 1:
            top = self.screen_stack[-1]
            if not isinstance(top, WorkbenchScreen) or not top.can_leave():
                break
            await self.pop_screen()

    def action_help(self) -> None:
        """F1: the screen's workflow and keys; F1 again closes it."""
        from qcode.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpScreen(self.screen))

    def on_mount(self) -> None:
        if self.keymap_problem:
            self.notify(self.keymap_problem, severity="warning", timeout=10)
        if self.ask_coder:  # the first start on this machine: whose coding is this?
            self.action_switch_coder()
        self.call_after_refresh(self._after_first_paint)
        # Steps taken elsewhere (another coder, a script, `qcode` in another terminal)
        # move the project's revision on: look at it every second and redraw the
        # screen in front when it moved.
        self._revision: int | None = None
        seconds = float(os.environ.get("QCODE_POLL_SECONDS", POLL_SECONDS))
        if seconds > 0:
            self.set_interval(seconds, self._poll)

    def _after_first_paint(self) -> None:
        _settle_heap()

    def warm_up(self) -> None:
        """Import the other screens (and spaCy) in the background, once: called when the
        sources list is on screen, so the two do not compete for the interpreter."""
        if self._warming:
            return
        self._warming = True
        # A daemon thread: a quick quit must not wait for imports nobody needs any more.
        threading.Thread(target=_warm_up, args=(self.language or "en",), name="qcode-warm-up",
                         daemon=True).start()

    def _poll(self) -> None:
        from qcode.services.steps import revision
        from qcode.tui.work import in_background

        project = self.project

        def seen(now: int) -> None:
            changed = self._revision is not None and now != self._revision
            self._revision = now
            screen = self.screen
            if changed and hasattr(screen, "reload"):
                screen.reload()

        in_background(self.screen, lambda: revision(project), seen, group="poll")

    def saw_revision(self, now: int) -> None:
        """The screen has drawn the project at revision `now` (after its own step)."""
        self._revision = now

    def action_switch_coder(self) -> None:
        """Ask who codes from now on; remembered for the next start."""
        from qcode.tui.screens.prompt import TextPrompt

        def answered(name: str | None) -> None:
            if name:
                self.coder = name
                settings.remember(coder=name)
                self._show_coder()
                self.notify(f"Coding as {name}")
                if hasattr(self.screen, "reload"):  # blind coding: what they see changes
                    self.screen.reload()

        self.push_screen(TextPrompt("Who is coding? (every coding records its coder)",
                                    self.coder), answered)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette lists every action of the screen in front, with its key."""
        yield from super().get_system_commands(screen)
        seen = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.description in seen:
                continue
            seen.add(binding.description)
            yield SystemCommand(binding.description, f"key: {binding.key_display or binding.key}",
                                partial(self.run_action, binding.action, active.node))
        yield SystemCommand("Switch coder", "Code as someone else (F9)", self.action_switch_coder)
        yield SystemCommand("Whose codings", "All coders, mine, or one other coder's (F10)",
                            self.action_cycle_showing)
        if "Pseudonymise names" not in seen:  # the sources screen lists it with its key
            yield SystemCommand("Pseudonymise names", "Replace real names in every source",
                                self.action_pseudonymise)

    def action_pseudonymise(self) -> None:
        """Open the pseudonyms screen (names in the sources and their pseudonyms)."""
        from qcode.tui.screens.pseudonyms import PseudonymsScreen

        self.push_screen(PseudonymsScreen())

    def action_toggle_theme(self) -> None:
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]
        settings.remember(theme=self.theme)

    def on_unmount(self) -> None:
        self.project.close()
        # What was frozen is the collector's again: an app run inside a longer-lived
        # process (the tests, a notebook) must not leave its screens behind for good.
        gc.unfreeze()


def resolve_coder(given: str | None) -> str | None:
    """The coder to work as: given, else remembered, else None (the app asks)."""
    return given or settings.load().get("coder")


def make_app(location: str | Path, coder: str | None = None) -> QcodeApp:
    """The workbench on the project at `location` (upgraded first if it is older)."""
    from qcode.services.lookup import default_coder_name

    project = open_project(location)
    who = resolve_coder(coder)
    if who is not None:
        settings.remember(coder=who)
    return QcodeApp(project, who or default_coder_name(), ask_coder=who is None)
