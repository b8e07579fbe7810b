"""Counts: mentions by subdivision group, subdivision or code, drawn as bars, or as a
crosstab by stakeholder group (or any case attribute); read again whenever it is shown,
so a coding made in the reader is counted when the researcher comes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Static

from qcode.reports.mentions import EMPTY_BUCKETS, Filters, mentions
from qcode.reports.scope import pick_stakeholder
from qcode.services.blind import hidden_names
from qcode.services.cases import list_cases
from qcode.services.project import Project
from qcode.tui.screens.base import WorkbenchScreen
from qcode.tui.screens.quotes import QuotesScreen, blind_note, term
from qcode.tui.widgets.bar_chart import Bar, BarChart
from qcode.tui.widgets.cross_table import SHOWN, Crosstab, CrossTable
from qcode.tui.widgets.keys_footer import KeysFooter
from qcode.tui.work import in_background

if TYPE_CHECKING:
    import pandas as pd

DIMENSIONS = {"group": "subdivision group", "subdivision": "subdivision", "code": "code"}
TOTAL = "Total"


@dataclass(frozen=True)
class Counted:
    by: str
    across: str | None
    table: pd.DataFrame
    blind: tuple[str, ...] = ()  # sources where only the coder's own codings count


def attribute_names(project: Project) -> list[str]:
    """The case attributes of the project, in the order first met."""
    names: dict[str, None] = {}
    for case in list_cases(project):
        names.update(dict.fromkeys(case.attributes))
    return list(names)


def bars_of(table: pd.DataFrame) -> list[Bar]:
    """The one-way report as bars (its order; empty buckets quieter)."""
    label = table.columns[0]
    return [Bar(str(row[label]), int(row["mentions"]), float(row["percent"]),
                muted=str(row[label]) in EMPTY_BUCKETS)
            for _, row in table.iterrows()]


class CountsScreen(WorkbenchScreen):
    """Mention counts as bars; d changes what is counted, x splits by stakeholder group."""

    BINDINGS = [
        Binding("d", "next_dimension", "Group/sub/code"),
        Binding("x", "toggle_crosstab", "Stakeholder groups"),
        Binding("a", "pick_attribute", "Attribute"),
        Binding("i", "inside", "Inside the group"),
        Binding("o", "outside", "Out of the group", show=False),
        Binding("percent_sign", "percent", "Counts/row %/column %"),
        Binding("r", "reload", "Reload", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.by = "group"
        self.across: str | None = None  # the attribute of the crosstab, when shown
        self.attribute: str | None = None  # the attribute chosen for crosstabs
        self.counted: Counted | None = None
        self.inside_path: list[str] = []  # the groups gone into with i, outermost first
        self._request = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="summary")
        yield BarChart(id="bars")
        yield CrossTable(id="crosstab")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "Counts"
        self.query_one("#bars", BarChart).focus()

    def on_screen_resume(self) -> None:
        self.reload()  # on first show, and after coding elsewhere

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Count again from the store, as the screen is set now."""
        self._request += 1
        request, project, by, across = self._request, self.project, self.by, self.across
        showing = self.workbench.showing  # F10: one coder's codings only
        # Blind coding: on sources the coder codes blind, others' codings do not count.
        # Inside a group, "group" is the level below it: its factor groups, say.
        filters = Filters(coders=[showing] if showing is not None else (), viewer=self.coder,
                          subtree=self.inside)
        viewer = self.coder

        def job() -> Counted:
            hidden = tuple(hidden_names(project, viewer))
            if across is None:
                return Counted(by, None, mentions(project, by, filters=filters), hidden)
            return Counted(by, across, mentions(project, by, across=f"attribute:{across}",
                                                filters=filters), hidden)

        def done(counted: Counted) -> None:
            if request == self._request:
                self._show(counted)

        in_background(self, job, done, group="counts")

    def _show(self, counted: Counted) -> None:
        self.counted = counted
        what = DIMENSIONS[counted.by]
        if self.inside is not None:
            what = (f"{'part' if counted.by == 'group' else what} of {self.inside} "
                    "(o: out)")
        summary = self.query_one("#summary", Static)
        crosstab = counted.across is not None
        self.set_class(crosstab, "-crosstab")
        if counted.across is None:
            bars = bars_of(counted.table)
            total = sum(b.count for b in bars)
            self.query_one("#bars", BarChart).set_bars(bars)
            summary.update(Text.assemble((f"{total:,}", "bold"), f" mentions by {what}",
                                         self._blind_note(counted)))
            if self.query_one("#crosstab").has_focus:
                self.query_one("#bars").focus()
            return
        table = counted.table
        grand = int(table[TOTAL].iloc[-1]) if TOTAL in table.columns else 0
        shown = self.query_one("#crosstab", CrossTable).shown
        percent = {"row": " · % of each row", "column": " · % of each column"}.get(shown, "")
        summary.update(Text.assemble((f"{grand:,}", "bold"),
                                     f" mentions by {what} and {counted.across}{percent}",
                                     self._blind_note(counted)))
        self._fill_crosstab(table, what)

    @staticmethod
    def _blind_note(counted: Counted) -> str:
        return f" · {blind_note(list(counted.blind))}" if counted.blind else ""

    def _fill_crosstab(self, table: pd.DataFrame, what: str) -> None:
        label = table.columns[0]
        grid = self.query_one("#crosstab", CrossTable)
        grid.set_data(Crosstab(
            what.capitalize(), [str(v) for v in table[label]],
            [str(c) for c in table.columns[1:]],
            [[int(v) for v in row] for row in table[table.columns[1:]].itertuples(index=False)]))
        grid.focus()

    # -- what is counted --------------------------------------------------------------

    def action_next_dimension(self) -> None:
        order = list(DIMENSIONS)
        self.by = order[(order.index(self.by) + 1) % len(order)]
        self.reload()

    def action_toggle_crosstab(self) -> None:
        if self.across is not None:
            self.across = None
            self.reload()
            return
        if self.attribute is not None:
            self._across(self.attribute)
            return

        def found(names: list[str]) -> None:
            usual = pick_stakeholder(names)
            if usual is not None:
                self._across(usual)
            else:
                self._ask_attribute(names)

        project = self.project
        in_background(self, lambda: attribute_names(project), found, group="picker")

    def action_pick_attribute(self) -> None:
        project = self.project
        in_background(self, lambda: attribute_names(project), self._ask_attribute,
                      group="picker")

    def _ask_attribute(self, names: list[str]) -> None:
        if not names:
            self.notify("No case has attributes yet: `qcode import --participants` reads "
                        "them from a manifest", severity="warning")
            return
        self.pick("Count across which case attribute?", names, self._across)

    def action_percent(self) -> None:
        """The crosstab's cells as counts, as shares of their row, of their column."""
        if self.across is None:
            self.notify("Percentages of rows and columns are for the crosstab: x opens it",
                        severity="warning")
            return
        grid = self.query_one("#crosstab", CrossTable)
        grid.show(SHOWN[(SHOWN.index(grid.shown) + 1) % len(SHOWN)])
        if self.counted is not None:
            self._show(self.counted)

    def action_inside(self) -> None:
        """Count inside the group at the cursor: its factor groups or subdivisions."""
        if self.by != "group":
            self.notify("Inside works on groups: d until the counts are by group",
                        severity="warning")
            return
        label = self._current_label()
        if label is None or label in EMPTY_BUCKETS or label == TOTAL:
            self.notify("Put the cursor on a group first", severity="warning")
            return
        self.inside_path.append(label)
        self.reload()

    def action_outside(self) -> None:
        """One level back out (o), as i went in."""
        if self.inside_path:
            self.inside_path.pop()
            self.reload()

    @property
    def inside(self) -> str | None:
        """The group whose insides are counted now, if any."""
        return self.inside_path[-1] if self.inside_path else None

    def _current_label(self) -> str | None:
        if self.across is None:
            bar = self.query_one("#bars", BarChart).current
            return bar.label if bar is not None else None
        grid = self.query_one("#crosstab", CrossTable)
        return grid.data.rows[grid.row] if grid.data.rows else None

    def _across(self, attribute: str) -> None:
        self.attribute = self.across = attribute
        self.reload()

    # -- from a count to its quotes ---------------------------------------------------

    @on(BarChart.Selected, "#bars")
    async def _bar_chosen(self, event: BarChart.Selected) -> None:
        if event.bar.muted:
            self.notify(f"The quotes table cannot list {event.bar.label} yet",
                        severity="warning")
            return
        await self.show_quotes(self._term(event.bar.label))

    @on(CrossTable.Selected, "#crosstab")
    async def _cell_chosen(self, event: CrossTable.Selected) -> None:
        empty = [name for name in (event.row, event.column) if name in EMPTY_BUCKETS]
        if empty:  # listing more than the cell counts would mislead
            self.notify(f"The quotes table cannot list {empty[0]} yet", severity="warning")
            return
        terms = []
        if event.row != TOTAL:
            terms.append(self._term(event.row))
        if self.across and event.column != TOTAL:
            terms.append(term("attr", f"{self.across}={event.column}"))
        await self.show_quotes(" ".join(terms))

    def _term(self, label: str) -> str:
        return term("code" if self.by == "code" else "sub", label)

    async def show_quotes(self, line: str) -> None:
        """Switch to the quotes table, filtered by `line`."""
        await self.app.switch_mode("quotes")
        while len(self.app.screen_stack) > 1 and not isinstance(self.app.screen, QuotesScreen):
            await self.app.pop_screen()
        screen = self.app.screen
        if isinstance(screen, QuotesScreen):
            screen.use_filter(line)
