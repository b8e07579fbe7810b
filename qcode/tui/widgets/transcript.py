"""The transcript: wrapped text with coded spans in their code's colour, a cursor and a
selection made by keyboard (characters, words, sentences, turns, paragraphs) or mouse.

A line-API scroll view: only the lines on screen are rendered, so a 300,000-character
transcript with thousands of codings opens as fast as a short one.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.actions import SkipAction
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qcode.ingest.units import WORD as _WORD
from qcode.ingest.units import TextUnits
from qcode.services.coding_edit import Span
from qcode.services.sources import Turn
from qcode.tui.contrast import text_on
from qcode.tui.keys import named

# The margin of code labels beside the text: its width, and the width of the view from
# which it shows unless the researcher has toggled it (l).
LABEL_WIDTH = 24
LABELS_FROM = 80


@dataclass(frozen=True)
class Selection:
    start: int
    end: int


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Display lines as (start, end) offsets: each text line broken at spaces to `width`."""
    width = max(width, 10)
    lines: list[tuple[int, int]] = []
    at = 0
    for line in text.split("\n"):
        start, stop = at, at + len(line)
        while stop - start > width:
            cut = text.rfind(" ", start, start + width + 1)
            cut = cut + 1 if cut > start else start + width
            lines.append((start, cut))
            start = cut
        lines.append((start, stop))
        at = stop + 1
    return lines


class TranscriptView(ScrollView, can_focus=True):
    """A read-only transcript to select and code spans in."""

    DEFAULT_CSS = """
    TranscriptView {
        background: $surface;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    TranscriptView > .transcript--cursor { background: $foreground; color: $background; }
    TranscriptView > .transcript--selection { background: $accent 60%; }
    TranscriptView > .transcript--speaker { text-style: bold; }
    """
    COMPONENT_CLASSES = {"transcript--cursor", "transcript--selection", "transcript--speaker"}

    BINDINGS = named("transcript", [
        Binding("left", "move(-1)", "Left", show=False),
        Binding("right", "move(1)", "Right", show=False),
        Binding("shift+left", "move(-1, True)", "Select left", show=False),
        Binding("shift+right", "move(1, True)", "Select right", show=False),
        Binding("ctrl+left", "word(-1)", "Word left", show=False),
        Binding("ctrl+right", "word(1)", "Word right", show=False),
        Binding("ctrl+shift+left", "word(-1, True)", "Select word left", show=False),
        Binding("ctrl+shift+right", "word(1, True)", "Select word right", show=False),
        Binding("up", "line(-1)", "Up", show=False),
        Binding("down", "line(1)", "Down", show=False),
        Binding("shift+up", "line(-1, True)", "Select up", show=False),
        Binding("shift+down", "line(1, True)", "Select down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "home", "Line start", show=False),
        Binding("end", "end", "Line end", show=False),
        Binding("ctrl+home", "jump(0)", "Top", show=False),
        Binding("ctrl+end", "jump(-1)", "Bottom", show=False),
        Binding("w", "select_unit('word')", "Word"),
        Binding("s", "select_unit('sentence')", "Sentence"),
        Binding("t", "select_unit('turn')", "Turn"),
        Binding("p", "select_unit('paragraph')", "Paragraph"),
        Binding("greater_than_sign", "resize_selection(1)", "Extend", show=False),
        Binding("less_than_sign", "resize_selection(-1)", "Shrink", show=False),
        Binding("escape", "clear_selection", "Clear", show=False),
    ])

    class CursorMoved(Message):
        """The cursor or the selection changed; the side panel follows."""

        def __init__(self, view: TranscriptView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, text: str, spans: Sequence[Span] = (), turns: Sequence[Turn] = (),
                 *, id: str | None = None,  # noqa: A002 - Textual's name
                 language: str = "en") -> None:
        super().__init__(id=id)
        self.language = language
        self.text = text
        self.turns = list(turns)
        # Words, sentences, turns, paragraphs: defined once, shared with auto-coding.
        self._text_units = TextUnits(text, self.turns, language)
        self.cursor = 0
        self.mark: int | None = None
        self._lines: list[tuple[int, int]] = [(0, 0)]
        self._starts: list[int] = [0]
        self._width = 0
        self._spans: list[Span] = []
        self._by_line: list[list[int]] = []
        self.labels: bool | None = None  # the code margin: None shows it when wide enough
        self.set_spans(spans)

    # -- data -------------------------------------------------------------------------

    def set_spans(self, spans: Sequence[Span]) -> None:
        """Show these codings (after coding, undo, redo...)."""
        self._spans = sorted(spans, key=lambda s: (s.start, -s.end, s.coding_id))
        self._index_spans()
        self.refresh()
        self.post_message(self.CursorMoved(self))

    def set_sentences(self, sentences: list[tuple[int, int]]) -> None:
        """Sentence boundaries worked out in the background (else on the first use)."""
        self._text_units.set_sentences(sentences)

    def add_spans(self, spans: Sequence[Span]) -> None:
        """Show new codings at once, before the next full reload."""
        known = {s.coding_id for s in self._spans}
        self.set_spans(self._spans + [s for s in spans if s.coding_id not in known])

    @property
    def spans(self) -> list[Span]:
        return self._spans

    def spans_at(self, offset: int) -> list[Span]:
        """The codings whose quote covers `offset` (looked up in its line's index: this
        runs on every cursor move)."""
        line = self._line_of(offset)
        near = self._by_line[line] if line < len(self._by_line) else range(len(self._spans))
        return [self._spans[n] for n in near if self._spans[n].start <= offset < self._spans[n].end]

    @property
    def selection(self) -> Selection | None:
        if self.mark is None or self.mark == self.cursor:
            return None
        return Selection(min(self.mark, self.cursor), max(self.mark, self.cursor))

    def select(self, start: int, end: int) -> None:
        """Select [start, end) and put the cursor at its end."""
        start, end = max(0, start), min(len(self.text), end)
        self.mark, self.cursor = start, end
        self._changed(jump=True)

    def go_to(self, offset: int) -> None:
        """Put the cursor at `offset`; a jump off screen brings it to mid-view."""
        self.mark = None
        self.cursor = max(0, min(len(self.text), offset))
        self._changed(jump=True)

    # -- layout -----------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._rewrap()

    @property
    def labels_shown(self) -> bool:
        """Whether the margin of code labels is drawn beside the text."""
        return self.labels if self.labels is not None else self.size.width >= LABELS_FROM

    def toggle_labels(self) -> None:
        self.labels = not self.labels_shown
        self._rewrap()
        self.refresh()

    def _margin(self) -> int:
        return LABEL_WIDTH if self.labels_shown else 0

    def _rewrap(self) -> None:
        # Wrap as if the scrollbar were there: its arrival must not re-break the lines.
        width = max(self.size.width - self.styles.gutter.width - 1 - self._margin(), 10)
        if width == self._width:
            return
        first = self._width == 0  # the first layout: a quote opened on is brought to view
        self._width = width
        self._lines = wrap(self.text, width - 1)  # one cell for the cursor at line ends
        self._starts = [start for start, _ in self._lines]
        self.virtual_size = Size(width, len(self._lines))
        self._index_spans()
        if first:
            # A quote opened on goes mid-view, once Textual has taken in the new size:
            # the frame after this one (a scroll before it is clamped back to the top).
            self.call_after_refresh(self.call_after_refresh, self._scroll_to_cursor, True)
        else:
            self._scroll_to_cursor()

    def _index_spans(self) -> None:
        if not self._width:  # not wrapped yet: the first resize indexes the lines
            self._by_line = []
            return
        self._by_line = [[] for _ in self._lines]
        for n, span in enumerate(self._spans):
            line = self._line_of(span.start)
            while line < len(self._lines) and self._lines[line][0] < span.end:
                self._by_line[line].append(n)
                line += 1

    def _line_of(self, offset: int) -> int:
        return max(0, bisect_right(self._starts, offset) - 1)

    # -- drawing ----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if index >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        margin = self._margin()
        text = self._text_strip(index, width - margin)
        if not margin:
            return text
        return Strip.join([text, self._labels_strip(index, margin)])

    def _labels_strip(self, index: int, width: int) -> Strip:
        """The codes beside one line: a bar in each code's colour for every coding over
        the line, with the code's name on the line where its quote starts. Twelve
        colours cannot tell 66 codes apart; names can."""
        base = self.rich_style
        segments = [Segment(" ", base)]
        for n in self._by_line[index] if self._by_line else []:
            span = self._spans[n]
            segments.append(Segment("▌", base + Style(color=span.color or "#808080")))
            if self._line_of(span.start) == index:
                segments.append(Segment(f"{span.code} ", base + Style(bold=True)))
        strip = Strip(segments)
        if strip.cell_length > width:  # more than fits: cut, and say so
            strip = Strip(list(strip.crop(0, width - 1))).extend_cell_length(width - 1, base)
            strip = Strip.join([strip, Strip([Segment("…", base)])])
        return strip.extend_cell_length(width, base)

    def _text_strip(self, index: int, width: int) -> Strip:
        start, end = self._lines[index]
        base = self.rich_style
        cursor_style = self.get_component_rich_style("transcript--cursor")
        selected_style = self.get_component_rich_style("transcript--selection")
        speaker_style = self.get_component_rich_style("transcript--speaker")
        spans = [self._spans[n] for n in self._by_line[index]] if self._by_line else []
        selection = self.selection
        cuts = {start, end}
        for span in spans:
            cuts.update((max(start, span.start), min(end, span.end)))
        if selection:
            cuts.update(min(end, max(start, edge)) for edge in (selection.start, selection.end))
        bold_end = self._speaker_end(start)
        if bold_end:
            cuts.add(min(end, bold_end))
        if self.has_focus and start <= self.cursor <= end:
            cuts.update((self.cursor, min(self.cursor + 1, end)))
        points = sorted(c for c in cuts if start <= c <= end)
        segments: list[Segment] = []
        for a, b in zip(points, points[1:], strict=False):
            if a == b:
                continue
            style = base
            covering = [s for s in spans if s.start <= a < s.end]
            if covering:
                colour = covering[-1].color or "#808080"
                style += Style(bgcolor=colour, color=text_on(colour),
                               underline=len(covering) > 1)
            if bold_end and a < bold_end:
                style += speaker_style
            if selection and selection.start <= a < selection.end:
                style += selected_style
            if self.has_focus and a == self.cursor:
                style += cursor_style
            segments.append(Segment(self.text[a:b], style))
        if self.has_focus and self.cursor == end and self._line_of(self.cursor) == index:
            segments.append(Segment(" ", base + cursor_style))
        return Strip(segments).extend_cell_length(width, base).crop(0, width)

    def _speaker_end(self, line_start: int) -> int:
        """Where the speaker label that starts this line ends, else 0."""
        return self._text_units.label_end(line_start)

    # -- moving -----------------------------------------------------------------------

    def _moved(self, offset: int, extend: bool) -> None:
        if extend and self.mark is None:
            self.mark = self.cursor
        elif not extend:
            self.mark = None
        self.cursor = max(0, min(len(self.text), offset))
        self._changed()

    def _changed(self, jump: bool = False) -> None:
        self._scroll_to_cursor(jump)
        self.refresh()
        self.post_message(self.CursorMoved(self))

    def _scroll_to_cursor(self, jump: bool = False, immediate: bool = True) -> None:
        """Keep the cursor in view: by the least scroll as it moves, but a jump to a line
        out of view puts it mid-view, with the lines around it to read."""
        if not self._lines:
            return
        line = self._line_of(self.cursor)
        top, height = self.scroll_offset.y, self.scrollable_content_region.height
        if jump and not top <= line < top + height:
            self.scroll_to(y=max(0, line - height // 2), animate=False, immediate=immediate)
        else:
            self.scroll_to_region(Region(0, line, 1, 1), animate=False, immediate=immediate)

    def action_move(self, delta: int, extend: bool = False) -> None:
        self._moved(self.cursor + delta, extend)

    def action_word(self, direction: int, extend: bool = False) -> None:
        if direction > 0:
            found = _WORD.search(self.text, self.cursor)
            while found and found.end() <= self.cursor:
                found = _WORD.search(self.text, found.end())
            target = found.end() if found else len(self.text)
        else:
            target = 0
            for match in _WORD.finditer(self.text, max(0, self.cursor - 200), self.cursor):
                if match.start() < self.cursor:
                    target = match.start()
        self._moved(target, extend)

    def action_line(self, delta: int, extend: bool = False) -> None:
        line = self._line_of(self.cursor)
        column = self.cursor - self._lines[line][0]
        target = max(0, min(len(self._lines) - 1, line + delta))
        start, end = self._lines[target]
        self._moved(min(start + column, end), extend)

    def action_page(self, direction: int) -> None:
        self.action_line(direction * max(1, self.scrollable_content_region.height - 1))

    def action_home(self) -> None:
        self._moved(self._lines[self._line_of(self.cursor)][0], False)

    def action_end(self) -> None:
        self._moved(self._lines[self._line_of(self.cursor)][1], False)

    def action_jump(self, where: int) -> None:
        self._moved(0 if where == 0 else len(self.text), False)

    def action_clear_selection(self) -> None:
        if self.selection is None:
            raise SkipAction()  # nothing selected: Escape means what the screen says
        self.mark = None
        self._changed()

    # -- selecting units --------------------------------------------------------------

    def units(self, unit: str) -> list[tuple[int, int]]:
        """Every span of one kind, in text order: word, sentence, turn, paragraph.

        The text never changes in the reader, so each kind is worked out once.
        """
        return self._text_units.spans(unit)

    def action_select_unit(self, unit: str) -> None:
        """Select the unit at the cursor; pressed again, take in the next one too."""
        if unit == "turn" and not self.turns:
            # Without "Name:" labels at line starts there are no turns to select; the
            # paragraph is the nearest thing, and the researcher is told why.
            self.notify("No speaker turns in this transcript (no lines start with a "
                        "speaker's name and a colon): selected the paragraph")
            unit = "paragraph"
        spans = self.units(unit)
        if not spans:
            return
        current = self.selection
        if current is not None:
            ends = [b for _, b in spans]
            if current.end in ends:  # already on a boundary: grow by the next unit
                following = [s for s in spans if s[0] >= current.end]
                if following:
                    self.select(current.start, following[0][1])
                return
        starts = [a for a, _ in spans]
        n = max(0, bisect_right(starts, self.cursor) - 1)
        if spans[n][1] < self.cursor and n + 1 < len(spans):
            n += 1
        self.select(*spans[n])

    def action_resize_selection(self, words: int) -> None:
        """Move the selection's end by one word forward (extend) or back (shrink)."""
        current = self.selection or Selection(self.cursor, self.cursor)
        if words > 0:
            found = _WORD.search(self.text, current.end)
            end = found.end() if found else current.end
        else:
            earlier = [m.end() for m in _WORD.finditer(self.text, current.start, current.end)
                       if m.end() < current.end]
            end = earlier[-1] if earlier else current.end
        self.select(current.start, end)

    # -- mouse ------------------------------------------------------------------------

    def _offset_at(self, x: int, y: int) -> int:
        index = min(len(self._lines) - 1, self.scroll_offset.y + y)
        start, end = self._lines[max(0, index)]
        return min(start + max(0, x - 1), end)  # one column of padding on the left

    def on_mouse_down(self, event: events.MouseDown) -> None:
        self.focus()
        self.capture_mouse()
        offset = self._offset_at(event.x, event.y)
        self.mark, self.cursor = offset, offset
        self._changed()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if event.button and self.mark is not None:
            self.cursor = self._offset_at(event.x, event.y)
            self._changed()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        self.release_mouse()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
