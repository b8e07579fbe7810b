"""Sources: every transcript with its case, attributes, size, codings and progress."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Header, Input

from qcode.cells import cell_text
from qcode.clock import clock
from qcode.progress import Progress
from qcode.reports.intervals import covered, merged
from qcode.services.blind import BlindStatus, blind_status
from qcode.services.cases import list_cases
from qcode.services.coding_edit import source_spans
from qcode.services.media import RecordingInfo, attach
from qcode.services.project import Project
from qcode.services.sources import coding_coverage, list_sources
from qcode.services.steps import revision
from qcode.tui.long_work import run_long
from qcode.tui.screens.base import WorkbenchScreen
from qcode.tui.widgets.keys_footer import KeysFooter
from qcode.tui.work import in_background

if TYPE_CHECKING:
    from qcode.ingest.importer import ImportReport
    from qcode.transcribe.recording import Transcribed


@dataclass(frozen=True)
class SourceLine:
    name: str
    cases: str
    words: int
    codings: int
    coverage: float
    attributes: dict[str, str]
    blind: str = ""  # how the source is coded blind, for this coder; "" when it is not

    def matches(self, words: list[str]) -> bool:
        haystack = " ".join([self.name, self.cases, self.blind,
                             *self.attributes.values()]).lower()
        return all(word in haystack for word in words)


# Rows put in the table at once (more than a screen holds), then per chunk after a paint.
FIRST_ROWS, ROWS_PER_CHUNK = 100, 400


def _short(value: str, width: int = 30) -> str:
    return value if len(value) <= width else value[:width - 1] + "…"


def progress_bar(share: float, width: int = 10) -> str:
    filled = round(share * width)
    return "█" * filled + "░" * (width - filled) + f" {share:4.0%}"


def blind_label(status: BlindStatus, coder: str) -> str:
    """The Blind column for `coder`: whose codings they see there, and until when."""
    if not status.hiding:
        return "finished: all visible"
    if status.hides_from(coder):
        mine = " (you: finished)" if coder in status.finished else ""
        return f"only yours {status.until()}{mine}"
    return f"{', '.join(status.coders)} blind (you see all)"


def load_sources(project: Project, coder: str) -> tuple[list[str], list[SourceLine]]:
    """The sources as the table lists them for `coder` (blind coding counts only theirs)."""
    cases = {c.key: c for c in list_cases(project)}
    coverage = coding_coverage(project)
    blind = {s.source_id: s for s in blind_status(project)}
    attributes: list[str] = []
    lines = []
    for source in list_sources(project):
        values: dict[str, str] = {}
        for key in source.cases:
            for name, value in cases[key].attributes.items():
                if name not in attributes:
                    attributes.append(name)
                values.setdefault(name, cell_text(value))
        codings, share = source.codings, coverage.get(source.id, 0.0)
        status = blind.get(source.id)
        if status is not None and status.hides_from(coder):
            # Counting the others' codings would tell how far they are: only the coder's own.
            spans = source_spans(project, source.id, viewer=coder)
            codings = len(spans)
            share = covered(merged((s.start, s.end) for s in spans)) / source.characters \
                if source.characters else 0.0
        lines.append(SourceLine(source.name, ", ".join(source.cases), source.words,
                                codings, share, values,
                                blind_label(status, coder) if status is not None else ""))
    return attributes, lines


class SourcesScreen(WorkbenchScreen):
    """Type to filter; up and down choose; Enter opens the transcript."""

    BINDINGS = [
        Binding("enter", "open", "Open"),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("escape", "clear", "Clear filter", show=False),
        Binding("P", "pseudonymise", "Pseudonymise names", show=False),
        # A control key: the filter line has the focus and takes every letter typed.
        Binding("ctrl+g", "cases", "Cases", id="sources.cases"),
        Binding("ctrl+o", "import_files", "Import"),
        Binding("ctrl+r", "recording", "Recording", show=False),  # F1 lists it
        Binding("ctrl+t", "transcribe", "Transcribe", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Filter sources: name, case, stakeholder group...",
                    id="filter")
        yield DataTable(id="sources", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "Sources"
        self.attributes: list[str] = []
        self.lines: list[SourceLine] = []
        self._pending: list[SourceLine] = []  # matching rows not in the table yet
        self._filled_for = 0  # which fill is running: a newer filter stops an older one

    def reload(self) -> None:
        project, coder = self.project, self.coder
        self.query_one("#sources").loading = True
        in_background(self, lambda: load_sources(project, coder), self._show)

    def _show(self, found: tuple[list[str], list[SourceLine]]) -> None:
        self.attributes, self.lines = found
        table = self.query_one("#sources", DataTable)
        table.loading = False
        self._fill(self.query_one("#filter", Input).value)

    def _fill(self, query: str) -> None:
        """The matching sources into the table: a screenful at once, the rest in chunks
        after the paint. The table measures every cell it is given (0.5 s for 2,000
        sources), which held up the start and every key typed into the filter."""
        table = self.query_one("#sources", DataTable)
        table.clear(columns=True)
        # The Blind column is there only while some source is coded blind.
        blind = any(line.blind for line in self.lines)
        table.add_columns("Source", "Case", "Words", "Codings", "Coded",
                          *(["Blind"] if blind else []), *self.attributes)
        words = query.lower().split()
        self._pending = [line for line in self.lines if line.matches(words)]
        self._filled_for += 1
        self._add_rows(self._filled_for, FIRST_ROWS)

    def _add_rows(self, fill: int, count: int = ROWS_PER_CHUNK) -> None:
        if fill != self._filled_for:  # the filter changed since: that fill took over
            return
        table = self.query_one("#sources", DataTable)
        blind = "Blind" in (str(column.label) for column in table.columns.values())
        chunk, self._pending = self._pending[:count], self._pending[count:]
        for line in chunk:
            table.add_row(line.name, line.cases, line.words, line.codings,
                          progress_bar(line.coverage),
                          *([line.blind] if blind else []),
                          *(_short(line.attributes.get(a, "")) for a in self.attributes),
                          key=line.name)
        if self._pending:
            self.call_after_refresh(self._add_rows, fill)
        else:  # the list is whole on screen: the rest of the workbench loads behind it
            self.call_after_refresh(self.workbench.warm_up)

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

    def action_pseudonymise(self) -> None:
        """Replace real names with pseudonyms in every source (P, or the palette)."""
        from qcode.tui.screens.pseudonyms import PseudonymsScreen

        self.app.push_screen(PseudonymsScreen())

    def action_import_files(self) -> None:
        """Transcripts into the project from a file or a folder (searched through), as
        one undoable step under a progress bar, like `qcode import`."""
        def chosen(answer: str) -> None:
            path = Path(answer.strip().strip("'\"")).expanduser()
            if not path.exists():
                self.notify(f"{path} does not exist: give a transcript file or a folder",
                            severity="warning")
                return
            project, coder = self.project, self.coder

            def job(progress: Progress) -> ImportReport:
                from qcode.ingest.importer import import_paths

                return import_paths(project, [path], coder=coder, progress=progress)

            run_long(self, f"Importing {path.name}", job, self._imported)

        self.ask("Import transcripts from (a file or a folder; .docx .odt .pdf .rtf .txt "
                 ".vtt .srt ...)", chosen)

    def _imported(self, report: ImportReport) -> None:
        line = (f"{report.count('imported')} imported, {report.count('duplicate')} "
                f"skipped as the same text, {report.count('refused')} refused")
        refused = [item.detail for item in report.items if item.status == "refused"]
        self.notify(line + (f": {refused[0]}" if refused else "") + " (u undoes)",
                    severity="warning" if refused else "information", timeout=10)
        self.reload()

    def action_recording(self) -> None:
        """Attach (or replace) the recording of the source under the cursor, as
        `qcode media attach` does: one undoable step, the file read before it."""
        table = self.query_one("#sources", DataTable)
        if not table.row_count:
            self.notify("No source here to attach a recording to", severity="warning")
            return
        name = str(table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value)
        project, coder = self.project, self.coder

        def chosen(answer: str) -> None:
            path = Path(answer.strip().strip("'\"")).expanduser()

            def job() -> tuple[RecordingInfo, int]:
                return attach(project, name, path, coder=coder), revision(project)

            def done(outcome: tuple[RecordingInfo, int]) -> None:
                info, now = outcome
                self.notify(f"Attached {info.path} to {name} ({clock(info.duration)}); space "
                            "in the transcript plays a quote; u undoes")
                self.workbench.saw_revision(now)
                self.reload()

            in_background(self, job, done, writes=True, group="write")

        self.ask(f"Recording of {name} (an audio or video file: .m4a .mp3 .wav .mp4 ...)",
                 chosen)

    def action_transcribe(self) -> None:
        """A recording made into a new source on this machine, under a progress bar
        (Escape stops it, storing nothing), like `qcode transcribe`."""
        def chosen(answer: str) -> None:
            path = Path(answer.strip().strip("'\"")).expanduser()
            project, coder = self.project, self.coder

            def job(progress: Progress) -> Transcribed:
                from qcode.transcribe.recording import transcribe_recording

                return transcribe_recording(project, path, coder=coder, progress=progress)

            run_long(self, f"Transcribing {path.name}", job, self._transcribed)

        self.ask("Transcribe the recording (an audio or video file; English with the "
                 "engine installed with qcode)", chosen)

    def _transcribed(self, done: Transcribed) -> None:
        self.notify(f"Transcribed {done.source}: {done.words} words by {done.engine} in "
                    f"{done.seconds:.0f} s; a draft to correct (E in the transcript); "
                    "u undoes", timeout=10)
        self.reload()

    def action_cases(self) -> None:
        """Cases and their attributes; linking offers the source under the cursor."""
        from qcode.tui.screens.cases import CasesScreen

        table = self.query_one("#sources", DataTable)
        here = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value \
            if table.row_count else None
        self.app.push_screen(CasesScreen(source=here))

    def on_screen_resume(self) -> None:
        self.reload()  # on first show, and after reading: codings and progress changed
        # Back from a source, the old filter stays on show but selected, so what is typed
        # next starts a new filter instead of running on from the old one ("IP5IP2");
        # an arrow key keeps it for editing, Escape clears it.
        self.query_one("#filter", Input).select_all()
