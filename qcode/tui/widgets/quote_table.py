"""The quotes table: codings as rows, of which only the pages on screen are in memory.

A line-API scroll view (after toolong's `LogLines`): it is told how many rows there are
and how to load a page of them; pages are loaded in thread workers as they scroll into
view and kept in a small LRU cache, so 100,000 codings open and scroll like 100.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qcode.reports.quotes import QuoteRow, filed_under
from qcode.tui.widgets.list_keys import list_bindings
from qcode.tui.work import in_background

PAGE_SIZE = 100
CACHED_PAGES = 30  # 3,000 rows at most, whatever the project holds
IN_FLIGHT = 2  # page loads at once: more only slow each other down

PageLoader = Callable[[int, int], list[QuoteRow]]
"""(offset, limit) -> rows; runs in a worker thread."""


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[QuoteRow, str], str]  # (row, its cases) -> cell text
    minimum: int
    weight: float
    keep: int  # when the table is too narrow, the lowest `keep` goes first


def _text(value: str | None) -> str:
    return " ".join((value or "").split())


# Minimums wide enough to read a cell: at 80 columns that keeps source, case, code,
# subdivision and quote, and drops emphasis, notes and coder (the detail line under the
# table shows them for the current row).
COLUMNS: tuple[Column, ...] = (
    Column("Source", lambda r, c: _text(r.source) or "(no source)", 12, 2.0, 6),
    Column("Case", lambda r, c: c, 4, 0.7, 7),
    Column("Code", lambda r, c: _text(r.code), 14, 3.0, 9),
    Column("Subdivision", lambda r, c: _text(filed_under(r)), 12, 2.5, 5),
    Column("Emphasis", lambda r, c: _text(r.emphasis), 10, 1.5, 3),
    Column("Notes", lambda r, c: _text(r.notes), 10, 1.5, 1),
    Column("Coder", lambda r, c: _text(r.coder), 8, 0.8, 2),
    Column("Quote", lambda r, c: _text(r.text), 28, 6.0, 10),
)


def layout(width: int, columns: Sequence[Column] = COLUMNS) -> list[tuple[Column, int]]:
    """The columns that fit in `width` cells (one space between), with their widths.

    Narrow terminals drop the least needed columns first (the detail line under the
    table shows them for the current row); the room left is shared by weight.
    """
    shown = list(columns)
    while len(shown) > 1 and sum(c.minimum for c in shown) + len(shown) - 1 > width:
        shown.remove(min(shown, key=lambda c: c.keep))
    spare = max(0, width - sum(c.minimum for c in shown) - (len(shown) - 1))
    total_weight = sum(c.weight for c in shown) or 1.0
    widths = [c.minimum + int(spare * c.weight / total_weight) for c in shown]
    widths[-1] += max(0, width - sum(widths) - (len(shown) - 1))  # rounding: to the last
    return list(zip(shown, widths, strict=True))


def fit(text: str, width: int) -> str:
    """`text` in exactly `width` cells: padded, or cut with an ellipsis."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


class QuoteTable(ScrollView, can_focus=True):
    """Rows of codings loaded a page at a time; Enter posts `Selected` for the row."""

    DEFAULT_CSS = """
    QuoteTable {
        height: 1fr;
        background: $surface;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    QuoteTable > .quote-table--header { background: $panel; color: $foreground;
                                        text-style: bold; }
    QuoteTable > .quote-table--cursor { background: $block-cursor-blurred-background;
                                        color: $block-cursor-blurred-foreground; }
    QuoteTable:focus > .quote-table--cursor { background: $block-cursor-background;
                                              color: $block-cursor-foreground;
                                              text-style: $block-cursor-text-style; }
    QuoteTable > .quote-table--loading { color: $text-muted; text-style: italic; }
    """
    COMPONENT_CLASSES = {"quote-table--header", "quote-table--cursor", "quote-table--loading"}

    BINDINGS = list_bindings("Open")

    class Highlighted(Message):
        """The cursor moved, or the row under it arrived (`row` is None while loading)."""

        def __init__(self, table: QuoteTable, index: int, row: QuoteRow | None) -> None:
            super().__init__()
            self.table = table
            self.index = index
            self.row = row

        @property
        def control(self) -> QuoteTable:
            return self.table

    class Selected(Message):
        """Enter (or a double click) on a loaded row."""

        def __init__(self, table: QuoteTable, row: QuoteRow) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> QuoteTable:
            return self.table

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.page_size = PAGE_SIZE  # read here, so a test can make pages small
        self.cached_pages = CACHED_PAGES
        self.total = 0
        self.cursor = 0
        self.cases: Mapping[str | None, str] = {}
        self._loader: PageLoader | None = None
        self._generation = 0
        self._pages: OrderedDict[int, list[QuoteRow]] = OrderedDict()
        self._loading: set[int] = set()
        self._layout: tuple[int, list[tuple[Column, int]]] = (-1, [])

    # -- data -------------------------------------------------------------------------

    def show(self, total: int, loader: PageLoader, cases: Mapping[str | None, str],
             first_page: list[QuoteRow] | None = None, keep_position: bool = False) -> None:
        """Show `total` rows that `loader` reads a page at a time.

        `cases` gives the Case column: source name -> its interview partners;
        `first_page`, when already read, saves a round trip. With `keep_position` (the
        same filter, read again after a change) the cursor and the scroll position stay
        where the researcher left them.
        """
        self._generation += 1
        self._pages.clear()
        self._loading.clear()
        self._loader = loader
        self.total = total
        self.cases = cases
        if first_page is not None:
            self._pages[0] = first_page
        self.virtual_size = Size(self.scrollable_content_region.width, total + 1)
        if keep_position:
            self.cursor = max(0, min(self.cursor, total - 1))
        else:
            self.cursor = 0
            self.scroll_to(y=0, animate=False)
        self._scroll_to_cursor()
        self.refresh()
        self._ensure_pages()
        self._announce()

    def set_cases(self, cases: Mapping[str | None, str]) -> None:
        """The Case column's values arrived (or changed)."""
        self.cases = cases
        self.refresh()
        self._announce()

    def row_at(self, index: int) -> QuoteRow | None:
        """Row `index` if its page is loaded (and mark the page as recently used)."""
        if not 0 <= index < self.total:
            return None
        page = index // self.page_size
        rows = self._pages.get(page)
        if rows is None:
            return None
        self._pages.move_to_end(page)
        at = index - page * self.page_size
        return rows[at] if at < len(rows) else None

    @property
    def current(self) -> QuoteRow | None:
        return self.row_at(self.cursor)

    @property
    def cached_rows(self) -> int:
        """How many rows are in memory (never more than `cached_pages` pages)."""
        return sum(len(rows) for rows in self._pages.values())

    def _visible_rows(self) -> tuple[int, int]:
        top = int(self.scroll_offset.y)
        return top, max(1, self.scrollable_content_region.height - 1)

    def _ensure_pages(self) -> None:
        """Load the pages on screen that are not here yet; when idle, the next one too.

        At most IN_FLIGHT loads run at once (the rest wait for one to finish), so
        dragging the scrollbar over 100,000 rows does not start a thousand queries.
        """
        if self._loader is None or not self.total:
            return
        top, height = self._visible_rows()
        last_row = min(self.total - 1, top + height - 1)
        wanted = list(range(top // self.page_size, last_row // self.page_size + 1))
        if self.cursor // self.page_size not in wanted:
            wanted.insert(0, self.cursor // self.page_size)
        for page in wanted:
            if len(self._loading) >= IN_FLIGHT:
                return
            if page not in self._pages and page not in self._loading:
                self._load(page)
        following = last_row // self.page_size + 1
        more = following * self.page_size < self.total
        if more and not self._loading and following not in self._pages:
            self._load(following)  # so that the next page down is already here

    def _load(self, page: int) -> None:
        loader, generation, size = self._loader, self._generation, self.page_size
        assert loader is not None
        self._loading.add(page)

        def done(rows: list[QuoteRow]) -> None:
            if generation != self._generation:
                return  # a page of an older filter
            self._loading.discard(page)
            self._pages[page] = rows
            while len(self._pages) > self.cached_pages:
                self._pages.popitem(last=False)
            self.refresh()
            if self.cursor // self.page_size == page:
                self._announce()
            self._ensure_pages()

        in_background(self, lambda: loader(page * size, size), done,
                      group=f"quote-page-{page}")

    def _announce(self) -> None:
        self.post_message(self.Highlighted(self, self.cursor, self.current))

    # -- drawing ----------------------------------------------------------------------

    def _columns(self, width: int) -> list[tuple[Column, int]]:
        if self._layout[0] != width:
            self._layout = (width, layout(width))
        return self._layout[1]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        columns = self._columns(width)
        if y == 0:  # the header stays put while the rows scroll under it
            header = base + self.get_component_rich_style("quote-table--header")
            text = " ".join(fit(column.title, w) for column, w in columns)
            return Strip([Segment(text, header)]).extend_cell_length(width, header).crop(0, width)
        index = int(self.scroll_offset.y) + y - 1
        if index >= self.total:
            return Strip.blank(width, base)
        style = base
        if index == self.cursor:
            style = base + self.get_component_rich_style("quote-table--cursor")
        row = self.row_at(index)
        if row is None:
            loading = style + self.get_component_rich_style("quote-table--loading")
            return Strip([Segment(fit(f"  loading row {index + 1:,}…", width), loading)])
        case = self.cases.get(row.source, "")
        text = " ".join(fit(column.value(row, case), w) for column, w in columns)
        return Strip([Segment(text, style)]).extend_cell_length(width, style).crop(0, width)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.total + 1)
        self._scroll_to_cursor()
        self._ensure_pages()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._ensure_pages()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- moving -----------------------------------------------------------------------

    def _scroll_to_cursor(self) -> None:
        top, height = self._visible_rows()
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def move_to(self, index: int) -> None:
        """Put the cursor on row `index` (clamped) and scroll it into view."""
        index = max(0, min(self.total - 1, index))
        if index == self.cursor:
            return
        self.cursor = index
        self._scroll_to_cursor()
        self.refresh()
        self._ensure_pages()
        self._announce()

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * self._visible_rows()[1])

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(self.total - 1)

    def action_select(self) -> None:
        row = self.current
        if row is None:
            if self.total:
                self.notify("That row is still loading", severity="warning")
            return
        self.post_message(self.Selected(self, row))

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            return
        index = int(self.scroll_offset.y) + event.y - 1
        if index >= self.total:
            return
        if index == self.cursor and event.chain >= 2:
            self.action_select()
        else:
            self.move_to(index)
