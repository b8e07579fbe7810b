"""Sources: every transcript with its case, attributes, size, codings and progress."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Footer, Header, Input

from qcode.cells import cell_text
from qcode.services.cases import list_cases
from qcode.services.project import Project
from qcode.services.sources import coding_coverage, list_sources
from qcode.tui.screens.base import WorkbenchScreen
from qcode.tui.work import in_background


@dataclass(frozen=True)
class SourceLine:
    name: str
    cases: str
    words: int
    codings: int
    coverage: float
    attributes: dict[str, str]

    def matches(self, words: list[str]) -> bool:
        haystack = " ".join([self.name, self.cases, *self.attributes.values()]).lower()
        return all(word in haystack for word in words)


def _short(value: str, width: int = 30) -> str:
    return value if len(value) <= width else value[:width - 1] + "…"


def progress_bar(share: float, width: int = 10) -> str:
    filled = round(share * width)
    return "█" * filled + "░" * (width - filled) + f" {share:4.0%}"


def load_sources(project: Project) -> tuple[list[str], list[SourceLine]]:
    cases = {c.key: c for c in list_cases(project)}
    coverage = coding_coverage(project)
    attributes: list[str] = []
    lines = []
    for source in list_sources(project):
        values: dict[str, str] = {}
        for key in source.cases:
            for name, value in cases[key].attributes.items():
                if name not in attributes:
                    attributes.append(name)
                values.setdefault(name, cell_text(value))
        lines.append(SourceLine(source.name, ", ".join(source.cases), source.words,
                                source.codings, coverage.get(source.id, 0.0), values))
    return attributes, lines


class SourcesScreen(WorkbenchScreen):
    """Type to filter; up and down choose; Enter opens the transcript."""

    BINDINGS = [
        Binding("enter", "open", "Open"),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("escape", "clear", "Clear filter", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Filter sources: name, case, stakeholder group...",
                    id="filter")
        yield DataTable(id="sources", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Sources"
        self.attributes: list[str] = []
        self.lines: list[SourceLine] = []

    def reload(self) -> None:
        project = self.project
        self.query_one("#sources").loading = True
        in_background(self, lambda: load_sources(project), self._show)

    def _show(self, found: tuple[list[str], list[SourceLine]]) -> None:
        self.attributes, self.lines = found
        table = self.query_one("#sources", DataTable)
        table.loading = False
        self._fill(self.query_one("#filter", Input).value)

    def _fill(self, query: str) -> None:
        table = self.query_one("#sources", DataTable)
        table.clear(columns=True)
        table.add_columns("Source", "Case", "Words", "Codings", "Coded", *self.attributes)
        words = query.lower().split()
        for line in self.lines:
            if line.matches(words):
                table.add_row(line.name, line.cases, line.words, line.codings,
                              progress_bar(line.coverage),
                              *(_short(line.attributes.get(a, "")) for a in self.attributes),
                              key=line.name)

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#filter")
    def _submitted(self) -> None:
        self.action_open()

    @on(DataTable.RowSelected, "#sources")
    def _clicked(self) -> None:
        self.action_open()

    def action_cursor(self, delta: int) -> None:
        table = self.query_one("#sources", DataTable)
        table.move_cursor(row=table.cursor_row + delta)

    def action_clear(self) -> None:
        self.query_one("#filter", Input).value = ""

    def action_open(self) -> None:
        table = self.query_one("#sources", DataTable)
        if not table.row_count:
            self.notify("No source matches the filter", severity="warning")
            return
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        assert key is not None
        from qcode.tui.screens.reader import ReaderScreen

        self.app.push_screen(ReaderScreen(key))

    def on_screen_resume(self) -> None:
        self.reload()  # on first show, and after reading: codings and progress changed
