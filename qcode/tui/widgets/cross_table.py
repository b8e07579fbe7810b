"""A crosstab of counts that never shows a column cut in half.

A clipped number misleads ("2" of "25"), so columns are shown whole or not at all:
left and right move a cell cursor and the view follows column by column, with the row
labels fixed on the left and arrows saying that more columns lie either way. Column
titles wrap over up to three header lines, so narrow numbers get narrow columns.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qcode.reports.percent import shares
from qcode.tui.widgets.quote_table import fit

# What a cell shows: the count, or its share of its row or of its column (%).
SHOWN = ("counts", "row", "column")

HEADER_LINES = 3
WIDEST = 12  # a column title wraps at this width; longer words are cut


@dataclass(frozen=True)
class Crosstab:
    """Counts of rows by columns; the last row and column may be totals."""

    title: str  # what the rows are (the label column's header)
    rows: Sequence[str]
    columns: Sequence[str]
    counts: Sequence[Sequence[int]]  # counts[row][column]
    totals: bool = True

    def count(self, row: str, column: str) -> int:
        return self.counts[list(self.rows).index(row)][list(self.columns).index(column)]

    def percents(self, within: str) -> list[list[float]]:
        """Each cell as a share of its row ("row") or of its column ("column"), the
        shares of one row or column adding up to exactly 100 (the Total row or column is
        then 100 each). Without totals, the shares are of what the table holds."""
        body_rows = len(self.rows) - 1 if self.totals else len(self.rows)
        body_columns = len(self.columns) - 1 if self.totals else len(self.columns)
        result = [[0.0] * len(self.columns) for _ in self.rows]
        if within == "row":
            for r, row in enumerate(self.counts):
                parts = shares(row[:body_columns])
                result[r][:body_columns] = parts
                if self.totals:
                    result[r][-1] = 100.0 if any(row[:body_columns]) else 0.0
        else:
            for c in range(len(self.columns)):
                column = [self.counts[r][c] for r in range(body_rows)]
                parts = shares(column)
                for r in range(body_rows):
                    result[r][c] = parts[r]
                if self.totals:
                    result[-1][c] = 100.0 if any(column) else 0.0
        return result


def title_lines(title: str, width: int) -> list[str]:
    """A column title wrapped to `width`, in at most HEADER_LINES lines."""
    lines = textwrap.wrap(title, width) or [""]
    if len(lines) > HEADER_LINES:
        lines = lines[:HEADER_LINES - 1] + [fit(" ".join(lines[HEADER_LINES - 1:]), width)]
    return lines


class CrossTable(ScrollView, can_focus=True):
    """A crosstab with a cell cursor; Enter posts `Selected` with the row and column."""

    DEFAULT_CSS = """
    CrossTable {
        height: 1fr;
        background: $surface;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    CrossTable > .cross-table--header { background: $panel; color: $foreground;
                                        text-style: bold; }
    CrossTable > .cross-table--total { text-style: bold; }
    CrossTable > .cross-table--zero { color: $text-muted; }
    CrossTable > .cross-table--more { color: $text-accent; text-style: bold; }
    CrossTable > .cross-table--cursor { background: $block-cursor-blurred-background;
                                        color: $block-cursor-blurred-foreground; }
    CrossTable:focus > .cross-table--cursor { background: $block-cursor-background;
                                              color: $block-cursor-foreground;
                                              text-style: $block-cursor-text-style; }
    """
    COMPONENT_CLASSES = {"cross-table--header", "cross-table--total", "cross-table--zero",
                         "cross-table--more", "cross-table--cursor"}

    BINDINGS = [
        Binding("enter", "select", "Quotes"),
        Binding("up", "move(-1, 0)", "Up", show=False),
        Binding("down", "move(1, 0)", "Down", show=False),
        Binding("left", "move(0, -1)", "Left", show=False),
        Binding("right", "move(0, 1)", "Right", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "edge(-1)", "First column", show=False),
        Binding("end", "edge(1)", "Last column", show=False),
    ]

    class Selected(Message):
        """Enter (or a double click) on a cell."""

        def __init__(self, table: CrossTable, row: str, column: str) -> None:
            super().__init__()
            self.table = table
            self.row = row
            self.column = column

        @property
        def control(self) -> CrossTable:
            return self.table

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.data = Crosstab("", [], [], [])
        self.shown = "counts"
        self._percents: list[list[float]] = []
        self.row = 0
        self.column = 0
        self.left = 0  # the first value column on screen
        self._widths: list[int] = []
        self._titles: list[list[str]] = []

    # -- data and layout --------------------------------------------------------------

    def set_data(self, data: Crosstab) -> None:
        """Show this crosstab, keeping the cursor on the same labels where it can."""
        old = self.data
        row = old.rows[self.row] if self.row < len(old.rows) else ""
        column = old.columns[self.column] if self.column < len(old.columns) else ""
        self.data = data
        self._percents = data.percents(self.shown) if self.shown != "counts" else []
        self.row = list(data.rows).index(row) if row in data.rows else 0
        self.column = list(data.columns).index(column) if column in data.columns else 0
        self._widths = []
        for n, column in enumerate(data.columns):
            digits = max((len(f"{r[n]:,}") for r in data.counts), default=1)
            longest_word = max((len(w) for w in column.split()), default=1)
            self._widths.append(max(digits, min(longest_word, WIDEST), 4))
        self._titles = [title_lines(c, w) for c, w in zip(data.columns, self._widths,
                                                          strict=True)]
        self.left = min(self.left, max(0, len(data.columns) - 1))
        self._resized()
        self.refresh()

    @property
    def header_height(self) -> int:
        return max((len(t) for t in self._titles), default=1)

    @property
    def label_width(self) -> int:
        width = self.scrollable_content_region.width
        longest = max([len(self.data.title)] + [len(r) for r in self.data.rows])
        return max(8, min(longest, width // 3))

    def visible_columns(self) -> list[int]:
        """The value columns that fit whole, starting at `left`."""
        room = self.scrollable_content_region.width - self.label_width - 2  # for "▶"
        shown: list[int] = []
        for n in range(self.left, len(self.data.columns)):
            room -= self._widths[n] + 2
            if room < 0 and shown:
                break
            shown.append(n)
        return shown

    def _resized(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width,
                                 self.header_height + len(self.data.rows))
        self._follow_cursor()

    def on_resize(self, event: events.Resize) -> None:
        self._resized()

    def _follow_cursor(self) -> None:
        if self.column < self.left:
            self.left = self.column
        while self.left < self.column and self.column not in self.visible_columns():
            self.left += 1
        top = int(self.scroll_offset.y)
        height = max(1, self.scrollable_content_region.height - self.header_height)
        if self.row < top:
            self.scroll_to(y=self.row, animate=False)
        elif self.row >= top + height:
            self.scroll_to(y=self.row - height + 1, animate=False)

    # -- drawing ----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not self.data.columns:
            return Strip.blank(width, base)
        columns = self.visible_columns()
        more_left = self.left > 0
        more_right = bool(columns) and columns[-1] < len(self.data.columns) - 1
        label_width = self.label_width
        if y < self.header_height:  # the header stays put while the rows scroll
            header = base + self.get_component_rich_style("cross-table--header")
            more = header + self.get_component_rich_style("cross-table--more")
            label = self.data.title if y == self.header_height - 1 else ""
            segments = [Segment(fit(label, label_width - 2), header),
                        Segment("◀ " if more_left and y == 0 else "  ", more)]
            for n in columns:
                lines = self._titles[n]
                at = y - (self.header_height - len(lines))  # titles sit on the bottom line
                title = lines[at] if 0 <= at < len(lines) else ""
                segments.append(Segment(" " + title.rjust(self._widths[n]) + " ", header))
            used = sum(s.cell_length for s in segments)
            if more_right and y == 0:
                segments.append(Segment(fit(" ▶", width - used), more))
            return Strip(segments).extend_cell_length(width, header).crop(0, width)
        index = int(self.scroll_offset.y) + y - self.header_height
        if index >= len(self.data.rows):
            return Strip.blank(width, base)
        is_total = self.data.totals and index == len(self.data.rows) - 1
        row_style = base + (self.get_component_rich_style("cross-table--total")
                            if is_total else Style())
        cursor = self.get_component_rich_style("cross-table--cursor")
        zero = self.get_component_rich_style("cross-table--zero")
        total = self.get_component_rich_style("cross-table--total")
        label_style = row_style + cursor if index == self.row else row_style
        segments = [Segment(fit(self.data.rows[index], label_width), label_style)]
        for n in columns:
            count = self.data.counts[index][n]
            style = row_style
            if self.data.totals and n == len(self.data.columns) - 1:
                style += total
            if count == 0:
                style += zero
            if index == self.row and n == self.column:
                style += cursor
            text = f"{self._percents[index][n]:.0f}%" if self._percents else f"{count:,}"
            segments.append(Segment(" " + text.rjust(self._widths[n]) + " ", style))
        return Strip(segments).extend_cell_length(width, row_style).crop(0, width)

    def show(self, what: str) -> None:
        """Counts, or row or column percentages, in the same cells."""
        self.shown = what
        self.set_data(self.data)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- moving -----------------------------------------------------------------------

    def move_to(self, row: int, column: int) -> None:
        if not self.data.rows:
            return
        self.row = max(0, min(len(self.data.rows) - 1, row))
        self.column = max(0, min(len(self.data.columns) - 1, column))
        self._follow_cursor()
        self.refresh()

    def action_move(self, rows: int, columns: int) -> None:
        self.move_to(self.row + rows, self.column + columns)

    def action_page(self, direction: int) -> None:
        height = max(1, self.scrollable_content_region.height - self.header_height)
        self.move_to(self.row + direction * height, self.column)

    def action_edge(self, direction: int) -> None:
        self.move_to(self.row, 0 if direction < 0 else len(self.data.columns) - 1)

    def action_select(self) -> None:
        if self.data.rows and self.data.columns:
            self.post_message(self.Selected(self, self.data.rows[self.row],
                                            self.data.columns[self.column]))

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_offset.y) + event.y - self.header_height
        if event.y < self.header_height or index >= len(self.data.rows):
            return
        x, column = self.label_width, None
        for n in self.visible_columns():
            if x <= event.x < x + self._widths[n] + 2:
                column = n
            x += self._widths[n] + 2
        if column is None:
            return
        if (index, column) == (self.row, self.column) and event.chain >= 2:
            self.action_select()
        else:
            self.move_to(index, column)
