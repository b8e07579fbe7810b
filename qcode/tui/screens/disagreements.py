"""Disagreements: where two coders coded differently, side by side, one key from context.

The rows are `qcode agreement --disagreements`: every coding of coder A or B without a
match under the segment-overlap rule, beside the other coder's coding of the same code
that overlaps it most (or "(not coded)"). Typing filters by source and code; Enter
opens the source in the reader on A's span (B's where A did not code), ctrl+b on B's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Header, Input, Label, ProgressBar, Static

from qcode.errors import QcodeError
from qcode.names import natural_key
from qcode.progress import Cancelled, Progress
from qcode.reports.agreement import DEFAULT_OVERLAP, NOT_CODED, agreement
from qcode.reports.coders import coders
from qcode.services.project import Project
from qcode.tui.screens.base import WorkbenchScreen
from qcode.tui.screens.picker import FuzzyPicker
from qcode.tui.screens.reader import ReaderScreen
from qcode.tui.widgets.keys_footer import KeysFooter
from qcode.tui.work import in_background

MAX_ROWS = 2_000  # a DataTable stays quick at this size; typing narrows the rest


@dataclass(frozen=True)
class Disagreement:
    """One disagreeing pair: A's span and B's (either may be missing)."""

    source: str
    code: str
    a_span: tuple[int, int] | None
    a_text: str
    b_span: tuple[int, int] | None
    b_text: str
    overlap_pct: float | None

    def matches(self, words: list[str]) -> bool:
        haystack = f"{self.source} {self.code}".lower()
        return all(word in haystack for word in words)


@dataclass(frozen=True)
class Loaded:
    """What the screen shows for one pair of coders, or why it cannot."""

    coder_a: str
    coder_b: str
    rows: list[Disagreement] = field(default_factory=list)
    scope: list[str] = field(default_factory=list)
    problem: str | None = None


def coders_by_codings(project: Project) -> list[str]:
    """Coders with at least one coding, the busiest first (then by name)."""
    table = coders(project)
    busy = [(str(row["coder"]), int(row["codings"])) for row in table.to_dict("records")
            if int(row["codings"]) > 0]
    return [name for name, _ in sorted(busy, key=lambda c: (-c[1], natural_key(c[0])))]


def default_pair(names: list[str], me: str) -> tuple[str, str] | None:
    """The current coder (if they coded) and the other coder with most codings."""
    if len(names) < 2:
        return None
    first = me if me in names else names[0]
    return first, next(name for name in names if name != first)


def load_disagreements(project: Project, coder_a: str, coder_b: str,
                       overlap: int = DEFAULT_OVERLAP,
                       progress: Progress | None = None) -> Loaded | None:
    """The disagreeing segments of two coders; a refusal (e.g. blind) as `problem`;
    None when `progress` stopped the comparison."""
    try:
        found = agreement(project, coder_a, coder_b, overlap=overlap, progress=progress)
    except Cancelled:
        return None
    except QcodeError as exc:
        return Loaded(coder_a, coder_b, problem=str(exc))
    rows = []
    for row in found.disagreements.to_dict(orient="records"):
        a_span = (int(row["a_start"]), int(row["a_end"])) if row["a_start"] is not None else None
        b_span = (int(row["b_start"]), int(row["b_end"])) if row["b_start"] is not None else None
        rows.append(Disagreement(str(row["source"]), str(row["code"]), a_span,
                                 str(row["a_text"]), b_span, str(row["b_text"]),
                                 row["overlap_pct"]))
    return Loaded(found.coder_a, found.coder_b, rows, found.scope)


def _cell(text: str, width: int) -> Text:
    flat = " ".join(text.split())
    if flat == NOT_CODED:
        return Text(flat, style="dim italic")
    return Text(flat if len(flat) <= width else flat[:width - 1] + "…")


class DisagreementsScreen(WorkbenchScreen):
    """Two coders' disagreeing segments; type to filter, Enter opens the span in context."""

    DEFAULT_CSS = """
    DisagreementsScreen #filter-row { height: 1; }
    DisagreementsScreen #filter-label { padding: 0 1; color: $text-primary; text-style: bold; }
    DisagreementsScreen #filter { width: 1fr; }
    DisagreementsScreen #status { height: auto; max-height: 3; padding: 0 1;
                                  background: $boost; color: $text-muted; }
    DisagreementsScreen #status.-problem { color: $text-error; }
    DisagreementsScreen #progress { display: none; padding: 0 1; }
    DisagreementsScreen #progress.-busy { display: block; }
    DisagreementsScreen #pairs { height: 1fr; }
    DisagreementsScreen #detail {
        height: auto; max-height: 8; padding: 0 1; border-top: solid $primary;
        background: $surface;
    }
    """
    BINDINGS = [
        Binding("enter", "open('a')", "Open A's span", show=False),
        Binding("ctrl+b", "open('b')", "Open B's span"),
        Binding("ctrl+o", "choose_coders", "Coders"),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("escape", "clear", "Clear filter", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.pair: tuple[str, str] | None = None
        self.loaded: Loaded | None = None
        self.shown: list[Disagreement] = []
        self._request = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filter-row"):
            yield Label("Filter", id="filter-label")
            yield Input(placeholder="source or code...", id="filter", compact=True)
        yield Static("", id="status")
        yield ProgressBar(id="progress", show_eta=False)
        yield DataTable(id="pairs", cursor_type="row", zebra_stripes=True)
        yield Static("", id="detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "Disagreements"

    def on_screen_resume(self) -> None:
        self.reload()  # on first show, and after coding in the reader

    @property
    def table(self) -> DataTable[object]:
        return self.query_one("#pairs", DataTable)

    # -- loading ----------------------------------------------------------------------

    def reload(self) -> None:
        """Compare the chosen coders again (the current coder and the busiest other first)."""
        if self.pair is not None:
            self._load(*self.pair)
            return
        project, me = self.project, self.coder

        def chosen(names: list[str]) -> None:
            pair = default_pair(names, me)
            if pair is None:
                self._status("Disagreements need two coders with codings; so far: "
                             f"{', '.join(names) or 'nobody'}", problem=True)
                return
            self._load(*pair)

        in_background(self, lambda: coders_by_codings(project), chosen, group="coders")

    def _load(self, coder_a: str, coder_b: str) -> None:
        self.pair = (coder_a, coder_b)
        self._request += 1
        request, project = self._request, self.project
        self.table.loading = True
        self._status(f"Comparing {coder_a} and {coder_b}... (Escape stops)")
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.add_class("-busy")

        def progress(done: int, total: int, what: str) -> None:
            if request != self._request:  # stopped, or a newer comparison replaced it
                raise Cancelled()
            self.app.call_from_thread(self._progressed, request, done, total, what)

        def finished(loaded: Loaded | None) -> None:
            if request == self._request and loaded is not None:
                self._show(loaded)

        in_background(self, lambda: load_disagreements(project, coder_a, coder_b,
                                                       progress=progress),
                      finished, group="disagreements")

    def _progressed(self, request: int, done: int, total: int, what: str) -> None:
        if request == self._request:
            self.query_one("#progress", ProgressBar).update(total=total, progress=done)
            self._status(f"Comparing {self.pair[0]} and {self.pair[1]}: {what} "
                         "(Escape stops)" if self.pair else what)

    @property
    def busy(self) -> bool:
        return self.query_one("#progress", ProgressBar).has_class("-busy")

    def _show(self, loaded: Loaded) -> None:
        self.loaded = loaded
        self.table.loading = False
        self.query_one("#progress", ProgressBar).remove_class("-busy")
        self._fill(self.query_one("#filter", Input).value)

    def _status(self, text: str, problem: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.set_class(problem, "-problem")
        status.update(Text(text))

    def _fill(self, query: str) -> None:
        loaded = self.loaded
        if loaded is None:
            return
        table = self.table
        table.clear(columns=True)
        who = f"A = {loaded.coder_a}, B = {loaded.coder_b}"
        if loaded.problem:
            self.shown = []
            self._status(f"{who}: {loaded.problem}", problem=True)
            self._detail()
            return
        words = query.lower().split()
        matching = [row for row in loaded.rows if row.matches(words)]
        self.shown = matching[:MAX_ROWS]
        # The two texts share what the source and code leave of the width; the panel
        # below shows them whole.
        screen = self.size.width
        source_width = min(max((len(r.source) for r in self.shown), default=6),
                           max(12, screen // 6))
        code_width = min(max((len(r.code) for r in self.shown), default=4), max(14, screen // 5))
        text_width = max(12, (screen - source_width - code_width - len("Overlap") - 12) // 2)
        table.add_columns("Source", "Code", f"A: {loaded.coder_a}", f"B: {loaded.coder_b}",
                          "Overlap")
        for number, row in enumerate(self.shown):
            overlap = "" if row.overlap_pct is None else f"{row.overlap_pct:g}%"
            table.add_row(_cell(row.source, source_width), _cell(row.code, code_width),
                          _cell(row.a_text, text_width), _cell(row.b_text, text_width),
                          overlap, key=str(number))
        total = len(loaded.rows)
        counted = (f"{len(matching):,} of {total:,} disagreeing segments" if words
                   else f"{total:,} disagreeing segments")
        if len(matching) > MAX_ROWS:
            counted += f" (the first {MAX_ROWS:,} listed; type to narrow)"
        # Sources still coded blind are left out of the comparison: say so here too.
        left_out = [line for line in loaded.scope if line.startswith("left out")]
        self._status(" · ".join([who, counted, *left_out,
                                 "Enter opens A's span, ctrl+b B's · ctrl+o coders"]))
        self._detail()

    # -- the row under the cursor -----------------------------------------------------

    def _current(self) -> Disagreement | None:
        table = self.table
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return self.shown[int(key)] if key is not None else None

    @on(DataTable.RowHighlighted, "#pairs")
    def _highlighted(self) -> None:
        self._detail()

    def _detail(self) -> None:
        detail = self.query_one("#detail", Static)
        row = self._current()
        loaded = self.loaded
        if row is None or loaded is None:
            if loaded is None or loaded.problem or loaded.rows:
                detail.update("")
            else:  # say what was compared: "none" may mean nothing in common yet
                detail.update(Text("\n".join(["No disagreements: every coding of the two "
                                               "coders matches.", *loaded.scope])))
            return
        text = Text.assemble((row.code, "bold"), " · ", row.source)
        if row.overlap_pct is not None:
            text.append(f" · {row.overlap_pct:g}% of the longer span in common", "dim")
        for name, span, said in ((loaded.coder_a, row.a_span, row.a_text),
                                 (loaded.coder_b, row.b_span, row.b_text)):
            where = f" {span[0]}-{span[1]}" if span else ""
            text.append(f"\n{name}{where}: ", "italic")
            text.append(" ".join(said.split()) if span else NOT_CODED)
        detail.update(text)

    # -- keys -------------------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _typed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#filter")
    def _submitted(self) -> None:
        self.action_open("a")

    @on(DataTable.RowSelected, "#pairs")
    def _clicked(self) -> None:
        self.action_open("a")

    def action_cursor(self, delta: int) -> None:
        table = self.table
        table.move_cursor(row=table.cursor_row + delta)

    def action_clear(self) -> None:
        """Escape stops a comparison under way; otherwise it clears the filter."""
        if self.busy:
            self._request += 1  # the job stops at its next progress report
            self.pair = None if self.loaded is None else (self.loaded.coder_a,
                                                         self.loaded.coder_b)
            self.table.loading = False
            self.query_one("#progress", ProgressBar).remove_class("-busy")
            self._status("Comparison stopped: ctrl+o compares again", problem=True)
            return
        self.query_one("#filter", Input).value = ""

    def action_open(self, side: str) -> None:
        """Open the source in the reader on A's span (or B's), selected."""
        row = self._current()
        if row is None:
            self.notify("No disagreement matches the filter", severity="warning")
            return
        span = row.a_span if side == "a" else row.b_span
        if span is None:  # that coder did not code it: show where the other did
            span = row.b_span if side == "a" else row.a_span
        assert span is not None  # a disagreement always has at least one coding
        self.app.push_screen(ReaderScreen(row.source, span[0], select_to=span[1]))

    def action_choose_coders(self) -> None:
        """Pick coder A, then coder B (the current pair first in each list)."""
        project = self.project

        def offer(names: list[str]) -> None:
            if len(names) < 2:
                self.notify("Disagreements need two coders with codings", severity="warning")
                return
            now = self.pair or (names[0], names[1])

            def first(name: str | None) -> None:
                if name is None or name not in names:
                    return
                others = [n for n in names if n != name]
                second_default = now[1] if now[1] != name else others[0]
                others.sort(key=lambda n: n != second_default)

                def second(other: str | None) -> None:
                    if other is not None and other in others:
                        self._load(name, other)

                self.app.push_screen(FuzzyPicker(f"Coder B (to compare with {name})",
                                                 others), second)

            ordered = sorted(names, key=lambda n: n != now[0])
            self.app.push_screen(FuzzyPicker("Coder A", ordered), first)

        in_background(self, lambda: coders_by_codings(project), offer, group="picker")
