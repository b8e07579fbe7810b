"""A horizontal bar chart of counts in the terminal, as the study's figures draw them.

One line per bar: label, a bar of Unicode blocks scaled to the largest count, the count
and its percentage. The bars grow and shrink with the terminal's width.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.segment import Segment
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qcode.tui.widgets.list_keys import list_bindings
from qcode.tui.widgets.quote_table import fit

EIGHTHS = " ▏▎▍▌▋▊▉"


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    percent: float
    muted: bool = False  # a bucket such as "(no subdivision)": drawn, but quieter


def bar_text(count: int, largest: int, width: int) -> str:
    """`count` as a bar of `width` cells at most, in eighths of a cell."""
    if width <= 0 or largest <= 0 or count <= 0:
        return " " * max(0, width)
    eighths = max(1, round(count / largest * width * 8))  # a count above 0 always shows
    full, part = divmod(eighths, 8)
    text = "█" * full + (EIGHTHS[part] if part else "")
    return text + " " * (width - len(text))


def percent_text(percent: float) -> str:
    return f"{percent:g}%"


class BarChart(ScrollView, can_focus=True):
    """Bars with a cursor; Enter posts `Selected` for the bar under it."""

    DEFAULT_CSS = """
    BarChart {
        height: 1fr;
        background: $surface;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
        padding: 0 1;
    }
    BarChart > .bar-chart--bar { color: $primary; }
    BarChart > .bar-chart--muted { color: $text-muted; }
    BarChart > .bar-chart--cursor { background: $block-cursor-blurred-background; }
    BarChart:focus > .bar-chart--cursor { background: $block-cursor-background 40%; }
    """
    COMPONENT_CLASSES = {"bar-chart--bar", "bar-chart--muted", "bar-chart--cursor"}

    BINDINGS = list_bindings("Quotes")

    class Selected(Message):
        def __init__(self, chart: BarChart, bar: Bar) -> None:
            super().__init__()
            self.chart = chart
            self.bar = bar

        @property
        def control(self) -> BarChart:
            return self.chart

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.bars: list[Bar] = []
        self.cursor = 0

    def set_bars(self, bars: Sequence[Bar]) -> None:
        """Draw these bars, keeping the cursor on the same label if it is still there."""
        current = self.bars[self.cursor].label if self.bars else None
        self.bars = list(bars)
        labels = [b.label for b in self.bars]
        self.cursor = labels.index(current) if current in labels else 0
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.bars))
        self._scroll_to_cursor()
        self.refresh()

    @property
    def current(self) -> Bar | None:
        return self.bars[self.cursor] if self.bars else None

    def line_text(self, index: int, width: int) -> tuple[str, str, str]:
        """Bar `index` drawn in `width` cells: (label, bar, figures)."""
        bar = self.bars[index]
        largest = max(b.count for b in self.bars)
        numbers = max(len(f"{b.count:,}") for b in self.bars)
        figures = f" {bar.count:>{numbers},} {percent_text(bar.percent):>4}"
        longest = max(len(b.label) for b in self.bars)
        label_width = min(longest, max(12, width * 2 // 5))
        bar_width = max(0, width - label_width - len(figures) - 1)
        return (fit(bar.label, label_width) + " ", bar_text(bar.count, largest, bar_width),
                figures)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = int(self.scroll_offset.y) + y
        if index >= len(self.bars):
            return Strip.blank(width, base)
        if index == self.cursor:
            base += self.get_component_rich_style("bar-chart--cursor")
        label, bar, figures = self.line_text(index, width)
        muted = self.get_component_rich_style("bar-chart--muted")
        if self.bars[index].muted:
            label_style, bar_style = base + muted, base + muted
        else:
            label_style, bar_style = base, base + self.get_component_rich_style("bar-chart--bar")
        segments = [Segment(label, label_style), Segment(bar, bar_style), Segment(figures, base)]
        return Strip(segments).extend_cell_length(width, base).crop(0, width)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.bars))
        self._scroll_to_cursor()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        top = int(self.scroll_offset.y)
        height = max(1, self.scrollable_content_region.height)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def move_to(self, index: int) -> None:
        if not self.bars:
            return
        self.cursor = max(0, min(len(self.bars) - 1, index))
        self._scroll_to_cursor()
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.scrollable_content_region.height))

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self.bars) - 1)

    def action_select(self) -> None:
        if self.current is not None:
            self.post_message(self.Selected(self, self.current))

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_offset.y) + event.y
        if index >= len(self.bars):
            return
        if index == self.cursor and event.chain >= 2:
            self.action_select()
        else:
            self.move_to(index)
