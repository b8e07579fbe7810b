"""Pseudonymising in the workbench: the names the sources use, a pseudonym for each.

The list holds the stored mapping and the suggestions (capitalised words, speakers,
named entities); Enter gives the row a pseudonym, ctrl+s applies them all through
`pseudonymise`: a dry run first shows what would change and asks, then the real run
backs a .qcode file up and changes every source (each keeps its text before as a
version).
"""

from __future__ import annotations

import textwrap

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Header, Label

from qcode.services.pseudonymise import (
    KINDS,
    Mapping,
    PseudonymReport,
    Suggestion,
    kept_line,
    suggest,
)
from qcode.services.pseudonymise import pseudonymise as apply_mapping
from qcode.tui.long_work import run_long
from qcode.tui.screens.base import WorkbenchScreen
from qcode.tui.screens.picker import FuzzyPicker
from qcode.tui.widgets.keys_footer import KeysFooter
from qcode.tui.work import in_background

SHOWN = 300  # suggestions listed; the rarest capitalised words are rarely names
SOURCES_SHOWN = 8  # sources named in the confirmation; the rest are counted
PREVIEW_WIDTH = 64  # the confirmation picker's width inside its border
CANCEL = "Cancel: change nothing"
APPLY = "Apply: replace the names"


def report_line(report: PseudonymReport) -> str:
    """What applying did (or, for a dry run, would do), in one line."""
    names = sum(report.replaced.values())
    line = (f"{'Would replace' if report.dry_run else 'Replaced'} {names} "
            f"occurrence{'' if names == 1 else 's'} in "
            f"{len(report.edits)} source{'' if len(report.edits) == 1 else 's'}")
    others = ", ".join(f"{label} ({n})" for label, n in report.fields.items() if n)
    return line + (f"; also {others}" if others else "")


def preview_text(report: PseudonymReport) -> str:
    """What the confirmation shows: the dry run's counts, per source, what stays."""
    lines = [f"Pseudonymise with {report.mappings} mapped name"
             f"{'' if report.mappings == 1 else 's'}?", report_line(report) + "."]
    by_source = sorted(report.by_source.items())
    lines += [f"  {name}: {n} name{'' if n == 1 else 's'}"
              for name, n in by_source[:SOURCES_SHOWN]]
    if len(by_source) > SOURCES_SHOWN:
        lines.append(f"  and {len(by_source) - SOURCES_SHOWN} more sources")
    kept = kept_line(report.kept)
    if kept:
        lines.append(kept[:1].upper() + kept[1:] + ".")
    lines.append("A .qcode file is backed up first; each changed source keeps its text "
                 "before as a version.")
    # The picker's title is cut, not wrapped, at its width: wrap it here.
    return "\n".join(textwrap.fill(line, PREVIEW_WIDTH, subsequent_indent="    "
                                    if line.startswith("  ") else "") for line in lines)


class PseudonymsScreen(WorkbenchScreen):
    """Names that may identify someone; Enter sets a pseudonym, ctrl+s previews and applies."""

    DEFAULT_CSS = """
    PseudonymsScreen #pseudonym-hint { height: auto; color: $text-muted; padding: 0 1; }
    PseudonymsScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("ctrl+s", "apply", "Apply all"),
        Binding("ctrl+n", "add_name", "Add a name"),
        Binding("x,delete", "clear_row", "Clear pseudonym"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Suggestion] = []
        self.typed: dict[str, str] = {}  # original -> pseudonym typed here, not yet applied

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(Text("Enter: type a pseudonym for the name (IP1, \"the agency\"...) · "
                         "ctrl+s: see what would change, then replace them all in every "
                         "source, name, note and memo · the mapping stays in the project, "
                         "never in exports"),
                    id="pseudonym-hint")
        yield DataTable(id="pseudonyms", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "Pseudonymise"
        self.reload()

    def reload(self) -> None:
        project = self.project
        self.query_one("#pseudonyms").loading = True
        in_background(self, lambda: suggest(project, SHOWN), self._show)

    def _show(self, found: list[Suggestion]) -> None:
        self.rows = found
        table = self.query_one("#pseudonyms", DataTable)
        table.loading = False
        table.clear(columns=True)
        table.add_columns("Name", "Kind", "Uses", "Sources", "Pseudonym")
        for s in found:
            table.add_row(Text(s.text), s.kind, s.count, s.sources,
                          Text(self.typed.get(s.text, s.pseudonym)), key=s.text)
        for name in self.typed:
            if name not in {s.text for s in found}:
                table.add_row(Text(name), "", 0, 0, Text(self.typed[name]), key=name)
        if not table.row_count:
            self.notify("No names found in the sources; ctrl+n adds one by hand")

    def _current(self) -> str | None:
        table = self.query_one("#pseudonyms", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return key

    @on(DataTable.RowSelected, "#pseudonyms")
    def _chosen(self) -> None:
        name = self._current()
        if name is None:
            return
        stored = next((s.pseudonym for s in self.rows if s.text == name), "")
        self.ask(f"Pseudonym for {name}", lambda value: self._set(name, value),
                 self.typed.get(name, stored))

    def _set(self, name: str, pseudonym: str) -> None:
        self.typed[name] = pseudonym
        table = self.query_one("#pseudonyms", DataTable)
        if name in table.rows:
            table.update_cell(name, table.ordered_columns[4].key, Text(pseudonym))
        else:
            table.add_row(Text(name), "", 0, 0, Text(pseudonym), key=name)

    def action_add_name(self) -> None:
        """A name the suggestions missed (lower case, or used once at a sentence start)."""
        self.ask("A name to replace, exactly as the transcripts write it",
                 lambda name: self._set(" ".join(name.split()), ""))

    def action_clear_row(self) -> None:
        name = self._current()
        if name is not None and name in self.typed:
            del self.typed[name]
            table = self.query_one("#pseudonyms", DataTable)
            stored = next((s.pseudonym for s in self.rows if s.text == name), "")
            table.update_cell(name, table.ordered_columns[4].key, Text(stored))

    def action_apply(self) -> None:
        """Show what would change (a dry run), and apply it once the researcher agrees."""
        kinds = {s.text: s.kind for s in self.rows}
        mappings = [Mapping(name, pseudonym, kinds.get(name) if kinds.get(name) in KINDS
                            else None)
                    for name, pseudonym in self.typed.items() if pseudonym.strip()]
        if not mappings and not any(s.pseudonym for s in self.rows):
            self.notify("Give at least one name a pseudonym first (Enter on its row)",
                        severity="warning")
            return
        project, coder = self.project, self.coder

        def answered(choice: str | None) -> None:
            if choice == APPLY:
                self._apply(mappings)

        def ask(report: PseudonymReport) -> None:
            self.app.push_screen(FuzzyPicker(escape(preview_text(report)), [CANCEL, APPLY]),
                                 answered)

        # The dry run writes and rolls back: it queues with the other writes.
        in_background(self, lambda: apply_mapping(project, mappings, coder=coder,
                                                  dry_run=True),
                      ask, writes=True, group="write")

    def _apply(self, mappings: list[Mapping]) -> None:
        project, coder = self.project, self.coder

        def done(report: PseudonymReport) -> None:
            self.typed.clear()
            saved = f"; backup in {report.backup}" if report.backup else ""
            self.notify(report_line(report) + saved, title="Pseudonymised", timeout=10)
            kept = kept_line(report.kept)
            if kept:
                self.notify(kept[:1].upper() + kept[1:], severity="warning", timeout=15)
            self.reload()

        run_long(self, "Pseudonymising every source",
                 lambda progress: apply_mapping(project, mappings, coder=coder,
                                                progress=progress), done)

    def can_leave(self) -> bool:
        return not self.typed  # pseudonyms typed but not applied yet

    def action_back(self) -> None:
        self.app.pop_screen()
