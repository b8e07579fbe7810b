"""Search every transcript, open a hit in the reader, auto-code what the search found."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Header, Input, Label, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from qcode.errors import QcodeError
from qcode.progress import Progress
from qcode.reports.search import (
    UNITS,
    Hit,
    PlannedSpan,
    SearchQuery,
    SearchResult,
    plan,
    search,
)
from qcode.services import search_index
from qcode.services.autocode import AutocodeResult, AutoSpan, autocode
from qcode.services.codebook import list_subdivisions
from qcode.services.codebook_edit import usual_filing
from qcode.services.coding_edit import recent_codes
from qcode.tui.long_work import run_long
from qcode.tui.screens.base import WorkbenchScreen
from qcode.tui.screens.coding_form import CodingDetails, CodingForm
from qcode.tui.widgets.keys_footer import KeysFooter
from qcode.tui.widgets.quote_table import fit
from qcode.tui.work import in_background

# Rows the results table holds: a page a researcher reads, not 100,000 lines.
SHOWN = 1000
CONTEXT_CELLS = 36
# Below this width the table keeps only the source (cut to SOURCE_CELLS) and the hit in
# its context; HIT_CELLS is what a hit usually takes.
NARROW, SOURCE_CELLS, HIT_CELLS = 100, 14, 10
MODES = [("Words", "word"), ("Lemma", "lemma"), ("Fuzzy", "fuzzy"), ("Regex", "regex")]


def parse_where(value: str) -> tuple[list[str], list[tuple[str, str]]]:
    """Cases and attribute filters as typed: "IP4, stakeholder group=NGO"."""
    cases, attributes = [], []
    for part in (p.strip() for p in value.split(",")):
        name, sep, wanted = part.partition("=")
        if sep and name.strip():
            attributes.append((name.strip(), wanted.strip()))
        elif part:
            cases.append(part)
    return cases, attributes


class SearchScreen(WorkbenchScreen):
    """Type a query and Enter; Enter on a hit opens it in the reader; a auto-codes."""

    DEFAULT_CSS = """
    SearchScreen #search-row { height: 3; }
    SearchScreen #query { width: 1fr; }
    SearchScreen #mode { width: 14; }
    SearchScreen #speaker { width: 18; }
    SearchScreen #where { width: 30; }
    SearchScreen #status { height: 1; padding: 0 1; background: $boost; color: $text-muted; }
    """
    BINDINGS = [
        Binding("a", "autocode", "Auto-code"),
        Binding("escape", "edit_query", "Edit query", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="search-row"):
            yield Input(placeholder="Search every transcript: words, a phrase, word*, a OR b",
                        id="query")
            yield Select(MODES, value="word", allow_blank=False, id="mode")
            yield Input(placeholder="speaker", id="speaker")
            yield Input(placeholder="cases, attribute=value", id="where")
        yield Static("Enter searches · Enter on a hit opens it · a auto-codes the hits",
                     id="status")
        yield DataTable(id="hits", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "Search"
        self.query_: SearchQuery | None = None
        self.hits: list[Hit] = []
        self._narrow: bool | None = None  # the columns' layout, set as hits are shown
        self._index_ready = False  # the word index is known to be built
        self.query_one("#query", Input).focus()

    def _columns(self, table: DataTable[object]) -> int:
        """Set the table's columns for its width; the context cells on each side.

        Below 100 columns the speaker and the offsets go and the source is shortened,
        so the hit and its words on both sides stay in view."""
        narrow = self.size.width < NARROW
        context = CONTEXT_CELLS if not narrow else max(
            10, (self.size.width - SOURCE_CELLS - HIT_CELLS - 8) // 2)
        if narrow != self._narrow:
            self._narrow = narrow
            table.clear(columns=True)
            table.add_column("Source", width=SOURCE_CELLS if narrow else None)
            if not narrow:
                table.add_column("Speaker")
            table.add_column(Text("Left", justify="right"), width=context)
            table.add_column("Hit")
            table.add_column("Right", width=context)
            if not narrow:
                table.add_column("Offsets")
        return context

    def current_query(self) -> SearchQuery:
        cases, attributes = parse_where(self.query_one("#where", Input).value)
        mode = self.query_one("#mode", Select).value
        return SearchQuery(self.query_one("#query", Input).value.strip(),
                           str(mode) if isinstance(mode, str) else "word",
                           speaker=self.query_one("#speaker", Input).value.strip() or None,
                           cases=cases, attributes=attributes)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.run_search()

    @on(Select.Changed, "#mode")
    def _mode_changed(self) -> None:
        if self.query_one("#query", Input).value.strip():
            self.run_search()

    def run_search(self) -> None:
        """Search in the background; the table fills when the hits are there."""
        query = self.current_query()
        if not query.text and not query.speaker:
            self.notify("Type what to search for (or a speaker, for every turn of theirs)",
                        severity="warning")
            return
        project = self.project
        if not self._index_ready:
            # The first search of a project builds its word index (seconds for
            # thousands of sources): under a progress bar, once.
            def built(ready: bool) -> None:
                self._index_ready = True
                if ready:
                    self.run_search()

            def check(ready: bool) -> None:
                if ready:
                    built(True)
                else:
                    run_long(self, "Building the search index (once; imports and edits "
                             "keep it current)",
                             lambda progress: search_index.ensure_index(project, progress),
                             built)

            in_background(self, lambda: search_index.is_ready(project), check,
                          group="search")
            return
        self.query_one("#hits").loading = True
        self._status("Searching…")

        def job() -> SearchResult | QcodeError:
            try:
                return search(project, query, limit=SHOWN)
            except QcodeError as exc:  # a bad pattern, an unknown speaker: say it here
                return exc

        in_background(self, job, lambda result: self._show(query, result), group="search")

    def _show(self, query: SearchQuery, result: SearchResult | QcodeError) -> None:
        table = self.query_one("#hits", DataTable)
        table.loading = False
        if isinstance(result, QcodeError):
            self._status(f"Not searched: {result}")
            self.notify(str(result), title="Not searched", severity="error")
            return
        self.query_, self.hits = query, result.hits
        table.clear()
        context = self._columns(table)
        for n, hit in enumerate(result.hits):
            # The column keeps the words next to the hit, however wide the context.
            left = Text(hit.left[-context:], justify="right")
            word = Text(" ".join(hit.text.split()), style="bold reverse")
            if self._narrow:
                table.add_row(fit(hit.source, SOURCE_CELLS), left, word,
                              hit.right[:context], key=str(n))
            else:
                table.add_row(hit.source, hit.speaker or "", left, word,
                              hit.right[:context], f"{hit.start}-{hit.end}", key=str(n))
        sources = len({h.source_id for h in result.hits})
        found = f"{len(result.hits)} hit{'s' if len(result.hits) != 1 else ''}"
        line = (f"{found} in {sources} source{'s' if sources != 1 else ''}" if result.complete
                else f"the first {found} shown: narrow the search for the rest")
        if result.forms:
            line += f" · searched {', '.join(result.forms[:12])}"
            line += " …" if len(result.forms) > 12 else ""
        self._status(line + (" · Enter opens · a auto-codes" if result.hits else ""))
        if result.hits:
            table.focus()

    def _status(self, line: str) -> None:
        self.query_one("#status", Static).update(Text(line))

    @on(DataTable.RowSelected, "#hits")
    def _open(self, event: DataTable.RowSelected) -> None:
        """The hit in its transcript, selected; f and F there go through its hits."""
        from qcode.tui.screens.reader import ReaderScreen

        hit = self.hits[int(str(event.row_key.value))]
        reader = ReaderScreen(hit.source, hit.start, select_to=hit.end)
        reader.hits = [(h.start, h.end) for h in self.hits if h.source_id == hit.source_id]
        self.app.push_screen(reader)

    def action_edit_query(self) -> None:
        self.query_one("#query", Input).focus()

    # -- auto-coding --------------------------------------------------------------------

    def action_autocode(self) -> None:
        """Preview every span (deselect the wrong ones), pick the code, code them all."""
        query = self.query_
        if query is None or not self.hits:
            self.notify("Search first: auto-coding codes what the search found",
                        severity="warning")
            return
        project = self.project

        def chosen(picked: tuple[str, list[PlannedSpan]] | None) -> None:
            if picked and picked[1]:
                self._ask_code(query, *picked)

        self.app.push_screen(AutocodePreview(query, lambda unit: plan(project, query, unit)),
                             chosen)

    def _ask_code(self, query: SearchQuery, unit: str, spans: list[PlannedSpan]) -> None:
        project, coder = self.project, self.coder

        def offer(names: list[str]) -> None:
            self.pick(f"Auto-code {len(spans)} span{'s' if len(spans) != 1 else ''} with",
                      names, lambda code: self._ask_filing(query, unit, spans, code),
                      allow_new="code")

        in_background(self, lambda: recent_codes(project, coder), offer, group="picker")

    def _ask_filing(self, query: SearchQuery, unit: str, spans: list[PlannedSpan],
                    code: str) -> None:
        project = self.project

        def prefill() -> tuple[list[str], CodingDetails]:
            primary, others = project.read(usual_filing, code)
            names = [s.name for s in list_subdivisions(project)]
            return names, CodingDetails("", "", primary or "", tuple(others))

        def show(found: tuple[list[str], CodingDetails]) -> None:
            def done(details: CodingDetails | None) -> None:
                if details is not None:
                    self._run(query, unit, spans, code, details)

            self.app.push_screen(CodingForm(code, found[0], found[1],
                                            f"Auto-code {len(spans)} spans"), done)

        in_background(self, prefill, show, group="picker")

    def _run(self, query: SearchQuery, unit: str, spans: list[PlannedSpan], code: str,
             details: CodingDetails) -> None:
        project, coder = self.project, self.coder
        wanted = [AutoSpan(s.source_id, s.start, s.end) for s in spans]

        def job(progress: Progress) -> AutocodeResult:
            return autocode(project, wanted, code, subdivision=details.subdivision or None,
                            other_subdivisions=details.others, emphasis=details.emphasis,
                            notes=details.notes, coder=coder,
                            query=f"{query.describe()}, unit {unit}", progress=progress)

        def done(result: AutocodeResult) -> None:
            skipped = f"; {result.duplicates} had it already" if result.duplicates else ""
            self.notify(f"Auto-coded {result.coded} span{'s' if result.coded != 1 else ''} "
                        f"with {code}{skipped} (u undoes all)")

        run_long(self, f"Auto-coding {len(wanted):,} spans with {code}", job, done)


class AutocodePreview(ModalScreen[tuple[str, list[PlannedSpan]] | None]):
    """Every span the run would code, all ticked; space unticks; c goes on to the code."""

    DEFAULT_CSS = """
    AutocodePreview { align: center middle; }
    AutocodePreview > Vertical {
        width: 110; max-width: 100%; height: 80%; border: thick $primary;
        background: $panel; padding: 0 1;
    }
    AutocodePreview SelectionList { height: 1fr; }
    AutocodePreview #units, AutocodePreview #hint { color: $text-muted; }
    """
    BINDINGS = [
        Binding("c", "confirm", "Code the ticked"),
        Binding("h", "unit('hit')", "Hits"),
        Binding("s", "unit('sentence')", "Sentences"),
        Binding("t", "unit('turn')", "Turns"),
        Binding("p", "unit('paragraph')", "Paragraphs"),
        Binding("a", "toggle_all", "All/none"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, query: SearchQuery, load: Callable[[str], list[PlannedSpan]],
                 unit: str = "hit") -> None:
        super().__init__()
        self.search_query = query
        self.load = load
        self.unit = unit
        self.spans: list[PlannedSpan] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Auto-code what {self.search_query.describe()} found", id="title")
            yield Label("", id="units")
            yield SelectionList[int](id="spans")
            yield Label("space unticks · a all/none · h s t p: hit, sentence, turn, paragraph "
                        "· c on to the code · Esc cancels", id="hint")

    def on_mount(self) -> None:
        self.action_unit(self.unit)

    def action_unit(self, unit: str) -> None:
        """Widen every hit to `unit` (as the reader selects it) and list the spans again."""
        assert unit in UNITS
        self.unit = unit
        shown = " · ".join(f"[b reverse] {u} [/]" if u == unit else u for u in UNITS)
        self.query_one("#units", Label).update(f"Code each: {shown}")
        listing = self.query_one("#spans", SelectionList)
        listing.loading = True
        load = self.load
        in_background(self, lambda: load(unit), self._fill, group="preview")

    def _fill(self, spans: list[PlannedSpan]) -> None:
        self.spans = spans
        listing: SelectionList[int] = self.query_one("#spans", SelectionList)
        listing.loading = False
        listing.clear_options()
        listing.add_options([Selection(_line(span), n, True) for n, span in enumerate(spans)])
        # Every span of the search is here, not only the page of hits the screen showed.
        sources = len({span.source_id for span in spans})
        self.query_one("#title", Label).update(
            f"Auto-code what {self.search_query.describe()} found: {len(spans):,} "
            f"span{'s' if len(spans) != 1 else ''} in {sources:,} "
            f"source{'s' if sources != 1 else ''}, all ticked")
        if spans:
            listing.highlighted = 0  # space acts on the first span straight away
        listing.focus()

    def action_toggle_all(self) -> None:
        listing: SelectionList[int] = self.query_one("#spans", SelectionList)
        if len(listing.selected) == len(self.spans):
            listing.deselect_all()
        else:
            listing.select_all()

    def action_confirm(self) -> None:
        listing: SelectionList[int] = self.query_one("#spans", SelectionList)
        chosen = [self.spans[n] for n in sorted(listing.selected)]
        if not chosen:
            self.notify("Nothing ticked: space ticks a span, a ticks all", severity="warning")
            return
        self.dismiss((self.unit, chosen))

    def action_cancel(self) -> None:
        self.dismiss(None)


def _line(span: PlannedSpan) -> Text:
    words = " ".join(span.text.split())
    words = words if len(words) <= 120 else words[:119] + "…"
    line = Text()
    line.append(f"{span.source} {span.start}-{span.end}", style="bold")
    if span.unit != "hit":
        line.append(f" [{span.unit}]", style="dim")
    line.append("  ")
    if span.unit == "hit":  # a bare word says little: show it in its context
        line.append(span.left, style="dim")
        line.append(words, style="bold")
        line.append(span.right, style="dim")
    else:
        line.append(words)
    return line

