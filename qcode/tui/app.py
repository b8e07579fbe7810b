"""The workbench application: one factory used by `qcode tui` and by the tests."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding

from qcode.services.project import Project, open_project, project_summary
from qcode.tui import settings
from qcode.tui.screens.codebook import CodebookScreen
from qcode.tui.screens.sources import SourcesScreen

THEMES = ("textual-dark", "textual-light")


class QcodeApp(App[None]):
    """Open and axial coding of one project, keyboard-first."""

    CSS_PATH = "qcode.tcss"
    TITLE = "qcode"
    ENABLE_COMMAND_PALETTE = True
    MODES = {"sources": SourcesScreen, "codebook": CodebookScreen}
    DEFAULT_MODE = "sources"
    BINDINGS = [
        Binding("f1", "show_help_panel", "Keys"),
        Binding("f2", "toggle_theme", "Light/dark"),
        Binding("f4", "switch_mode('codebook')", "Codebook"),
        Binding("ctrl+q", "quit", "Quit"),
    ]

    def __init__(self, project: Project, coder: str) -> None:
        super().__init__()
        self.project = project
        self.coder = coder
        summary = project_summary(project)
        self.language = summary.language
        self.sub_title = f"{summary.name} · coder: {coder}"
        self.errors: list[BaseException] = []
        remembered = settings.load().get("theme")
        self.theme = remembered if remembered in THEMES else THEMES[0]

    def action_toggle_theme(self) -> None:
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]
        settings.remember(theme=self.theme)

    def on_unmount(self) -> None:
        self.project.close()


def resolve_coder(given: str | None) -> str | None:
    """The coder to work as: given, else remembered, else None (the app asks)."""
    return given or settings.load().get("coder")


def make_app(location: str | Path, coder: str | None = None) -> QcodeApp:
    """The workbench on the project at `location` (upgraded first if it is older)."""
    from qcode.services.lookup import default_coder_name

    project = open_project(location)
    who = resolve_coder(coder) or default_coder_name()
    settings.remember(coder=who)
    return QcodeApp(project, who)
