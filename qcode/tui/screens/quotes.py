"""Quotes: every coding in one table, narrowed by one filter line; Enter opens the quote.

The filter line takes `code:NAME`, `sub:NAME` (that subdivision and all under it),
`case:KEY`, `attr:NAME=VALUE`, `coder:NAME` and `source:NAME`; everything else are
words the quote must hold. Names with spaces go in double quotes: `code:"Rule changes"`,
`attr:"stakeholder group=NGO"`. `f` offers every such term in a fuzzy picker.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field, fields, replace

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Header, Input, Label, Static

from qcode.cells import cell_text
from qcode.clock import clock
from qcode.errors import QcodeError
from qcode.names import natural_key
from qcode.reports.quotes import (
    QuoteFilter,
    QuoteRow,
    count_quotes,
    quote_order,
    quote_rows,
)
from qcode.services.blind import hidden_names
from qcode.services.cases import list_cases
from qcode.services.codebook import list_codes, list_subdivisions
from qcode.services.project import Project
from qcode.tui.screens.base import WorkbenchScreen
from qcode.tui.screens.reader import ReaderScreen
from qcode.tui.widgets.keys_footer import KeysFooter
from qcode.tui.widgets.quote_table import QuoteTable
from qcode.tui.work import in_background

PREFIXES = {
    "code": "code",
    "sub": "subdivision",
    "subdivision": "subdivision",
    "case": "case",
    "attr": "attribute",
    "attribute": "attribute",
    "coder": "coder",
    "source": "source",
    "src": "source",
}
PLACEHOLDER = "code:NAME sub:NAME case:KEY attr:NAME=VALUE coder:NAME words · f picks"
HINT = 'names with spaces in quotes: code:"Rule changes" attr:"stakeholder group=NGO"'
TYPING_PAUSE = 0.3  # seconds of no typing before the filter applies by itself


@dataclass(frozen=True)
class ParsedFilter:
    """What a filter line asks for, and what in it could not be understood."""

    wanted: QuoteFilter
    problems: tuple[str, ...] = ()


def parse_filter(line: str) -> ParsedFilter:
    """Read a filter line: `prefix:value` terms and free words (see the module doc)."""
    try:
        tokens = shlex.split(line)
    except ValueError:  # an open quote while typing: read it as if closed
        try:
            tokens = shlex.split(line + '"')
        except ValueError:
            tokens = line.split()
    values: dict[str, object] = {}
    words: list[str] = []
    problems: list[str] = []
    for token in tokens:
        prefix, colon, value = token.partition(":")
        field = PREFIXES.get(prefix.strip().lower()) if colon else None
        if field is None:
            words.append(token)
            continue
        value = value.strip()
        if not value:
            continue  # "code:" still being typed
        if field == "attribute":
            name, equals, wanted = value.partition("=")
            if not equals or not name.strip() or not wanted.strip():
                problems.append(f"attr:{value} needs NAME=VALUE")
                continue
            values[field] = (name.strip(), wanted.strip())
        else:
            values[field] = value
    if words:
        values["text"] = " ".join(words)
    return ParsedFilter(QuoteFilter(**values), tuple(problems))  # type: ignore[arg-type]


def term(prefix: str, value: str) -> str:
    """`prefix:value` as the filter line reads it back (quoted when it must be)."""
    if value and not any(c.isspace() or c in "\"'\\" for c in value):
        return f"{prefix}:{value}"
    return prefix + ":" + '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def describe(wanted: QuoteFilter) -> str:
    """The filter in words, for the status line."""
    parts = []
    for item in fields(QuoteFilter):
        value = getattr(wanted, item.name)
        if value and item.name != "viewer":  # who looks is not a filter of theirs
            if item.name == "attribute":
                value = f"{value[0]} = {value[1]}"
            parts.append(f"{'words' if item.name == 'text' else item.name} {value}")
    return " · ".join(parts)


def blind_note(sources: list[str]) -> str:
    """What blind coding hides from the coder, in a few words for a status line."""
    shown = ", ".join(sources[:3]) + (f" and {len(sources) - 3} more" if len(sources) > 3
                                      else "")
    return f"blind: only your codings on {shown}"


@dataclass(frozen=True)
class Counted:
    """How many codings a filter lets through (their ids in table order), of how many."""

    wanted: QuoteFilter
    total: int
    everything: int
    first_page: list[QuoteRow]
    problem: str | None = None
    order: list[int] = field(default_factory=list)
    blind: list[str] = field(default_factory=list)  # sources showing only the coder's own


def cases_by_source(project: Project) -> dict[str | None, str]:
    """Each source's interview partners, as the table's Case column shows them."""
    found: dict[str | None, list[str]] = {}
    for case in list_cases(project):
        for source in case.sources:
            found.setdefault(source, []).append(case.key)
    return {source: ", ".join(sorted(keys, key=natural_key))
            for source, keys in found.items()}


def filter_terms(project: Project, coder: str) -> list[str]:
    """Every term the filter line knows, for the picker (subdivisions in tree order,
    the rest in natural order: the picker lists them as given)."""
    codes = sorted((c.name for c in list_codes(project)), key=natural_key)
    terms = [term("code", name) for name in codes]
    terms += [term("sub", s.name) for s in list_subdivisions(project)]
    cases = list_cases(project)
    terms += [term("case", key) for key in sorted((c.key for c in cases), key=natural_key)]
    attributes = sorted({(name, cell_text(value)) for c in cases
                         for name, value in c.attributes.items()},
                        key=lambda pair: (natural_key(pair[0]), natural_key(pair[1])))
    terms += [term("attr", f"{name}={value}") for name, value in attributes]
    terms.append(term("coder", coder))
    return terms


class QuotesScreen(WorkbenchScreen):
    """Every coding as a row; type a filter above; Enter opens the quote in its transcript."""

    BINDINGS = [
        Binding("slash", "focus_filter", "Filter"),
        Binding("f", "pick_term", "Filter term"),
        Binding("escape", "escape", "Clear filter", show=False),
        Binding("down", "focus_table", "To the table", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.applied = ""  # the filter line the table shows
        self._request = 0
        self._typing: Timer | None = None
        self._cases: dict[str | None, str] | None = None
        self._everything: int | None = None  # codings in all, until the next change
        self._shown = False  # whether the table has shown any filter yet

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filter-row"):
            yield Label("Filter", id="filter-label")
            yield Input(placeholder=PLACEHOLDER, id="filter", compact=True)
        yield Static("", id="status")
        yield QuoteTable(id="quotes")
        yield Static("", id="detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "Quotes"
        self.table.focus()

    @property
    def table(self) -> QuoteTable:
        return self.query_one("#quotes", QuoteTable)

    @property
    def filter_input(self) -> Input:
        return self.query_one("#filter", Input)

    # -- loading ----------------------------------------------------------------------

    def on_screen_resume(self) -> None:
        self.reload()  # on first show, and after coding in the reader

    def reload(self) -> None:
        """Count and read again (after a change), keeping the researcher's place."""
        self._cases = self._everything = None
        self._load(self.applied, keep_position=True)

    def use_filter(self, line: str) -> None:
        """Show the codings of this filter line (as if typed and Enter pressed)."""
        self.filter_input.value = line
        self._load(line)

    def _load(self, line: str, keep_position: bool = False) -> None:
        """Count what `line` lets through; the table then loads the pages it shows."""
        if self._typing is not None:
            self._typing.stop()
            self._typing = None
        parsed = parse_filter(line)
        showing = self.workbench.showing
        if showing is not None and parsed.wanted.coder is None:  # F10: one coder's codings
            parsed = replace(parsed, wanted=replace(parsed.wanted, coder=showing))
        viewer = self.coder  # blind coding: others' codings there stay out of the table
        parsed = replace(parsed, wanted=replace(parsed.wanted, viewer=viewer))
        keep_position = keep_position and line == self.applied and self._shown
        self.applied = line
        self._request += 1
        request, project, known = self._request, self.project, self._everything
        page_size = self.table.page_size
        if not keep_position:
            self.query_one("#status", Static).update("Counting...")

        # One query after the other in one worker: side by side they slow each other.
        def job() -> Counted:
            everything = known if known is not None else count_quotes(
                project, QuoteFilter(viewer=viewer))
            hidden = hidden_names(project, viewer)
            problem = "; ".join(parsed.problems) or None
            try:
                # Sorted once here; every page after is a lookup by id (quote_order).
                order = quote_order(project, parsed.wanted)
            except QcodeError as exc:  # e.g. a code name still being typed
                return Counted(parsed.wanted, 0, everything, [], str(exc), blind=hidden)
            # The `sub:` name goes along so each row can say why the filter let it in.
            first = [] if keep_position else quote_rows(project, order[:page_size],
                                                        parsed.wanted.subdivision)
            return Counted(parsed.wanted, len(order), everything, first, problem, order,
                           hidden)

        def done(counted: Counted) -> None:
            if request != self._request:
                return  # a newer filter was asked for meanwhile
            self._everything = counted.everything
            self._shown = True
            order, subtree = counted.order, counted.wanted.subdivision
            self.table.show(counted.total, lambda offset, limit: quote_rows(
                project, order[offset:offset + limit], subtree), self._cases or {},
                first_page=None if keep_position else counted.first_page,
                keep_position=keep_position)
            self._status(counted)
            if self._cases is None:  # the Case column fills in when they arrive
                in_background(self, lambda: cases_by_source(project), self._got_cases,
                              group="quote-cases")

        in_background(self, job, done, group="quotes")

    def _got_cases(self, cases: dict[str | None, str]) -> None:
        self._cases = cases
        self.table.set_cases(cases)

    def _status(self, counted: Counted) -> None:
        status = self.query_one("#status", Static)
        described = describe(counted.wanted)
        if counted.problem:
            text = f"{counted.problem} · showing {counted.total:,}"
        elif described:
            text = f"{counted.total:,} of {counted.everything:,} codings · {described}"
        else:
            text = f"{counted.total:,} codings · {HINT}"
        if counted.blind:  # say why others' codings are missing, so none seem lost
            text = f"{blind_note(counted.blind)} · {text}"
        status.set_class(bool(counted.problem), "-problem")
        status.update(Text(text))

    # -- the filter line --------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _typed(self, event: Input.Changed) -> None:
        if event.value == self.applied:
            return
        if self._typing is not None:
            self._typing.stop()
        self._typing = self.set_timer(TYPING_PAUSE, lambda: self._load(event.value))

    @on(Input.Submitted, "#filter")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value != self.applied or self._typing is not None:
            self._load(event.value)
        self.table.focus()

    def action_focus_filter(self) -> None:
        self.filter_input.focus()

    def action_focus_table(self) -> None:
        self.table.focus()

    def action_escape(self) -> None:
        if self.filter_input.has_focus:
            self.table.focus()
        elif self.filter_input.value:
            self.use_filter("")

    def action_pick_term(self) -> None:
        project, coder = self.project, self.coder

        def picked(chosen: str) -> None:
            line = self.filter_input.value.rstrip()
            self.use_filter(f"{line} {chosen}".strip())

        def offer(terms: list[str]) -> None:
            self.pick("Add to the filter", terms, picked)

        in_background(self, lambda: filter_terms(project, coder), offer, group="picker")

    # -- the row under the cursor -----------------------------------------------------

    @on(QuoteTable.Highlighted, "#quotes")
    def _highlighted(self, event: QuoteTable.Highlighted) -> None:
        detail = self.query_one("#detail", Static)
        row = event.row
        if row is None:
            detail.update("" if event.table.total else "No coding matches the filter.")
            return
        # Most telling first: the panel is short at 80x24 and cuts what comes last.
        text = Text.assemble((row.code, "bold"), " · ", row.subdivision or "(no subdivision)")
        if row.time is not None:  # first: the last line is cut when notes are long
            text.append(f" · at {clock(row.time)}")
        if row.also:  # the table's cell shows one of them at most
            text.append(" · also " + ", ".join(row.also))
        text.append("\n“" + " ".join(row.text.split()) + "”")
        if row.emphasis:
            text.append("\nemphasis: ", "italic").append(row.emphasis)
        if row.notes:
            text.append("\nnotes: ", "italic").append(row.notes)
        case = event.table.cases.get(row.source, "")
        span = f" {row.start}-{row.end}" if row.start is not None else " (not anchored)"
        text.append(f"\n{row.source or '(no source)'}" + (f" ({case})" if case else "")
                    + f"{span} · coded by {row.coder}", "dim")
        detail.update(text)

    @on(QuoteTable.Selected, "#quotes")
    def _open(self, event: QuoteTable.Selected) -> None:
        row = event.row
        if row.source is None or row.start is None or row.end is None:
            self.notify("This quote is not anchored in a source; "
                        "`qcode codings --unanchored` lists such codings", severity="warning")
            return
        self.app.push_screen(ReaderScreen(row.source, row.start, select_to=row.end))
