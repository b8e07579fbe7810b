"""The text of oTranscribe's HTML, and where its timestamps stood.

oTranscribe keeps a transcript as the HTML of its editor: paragraphs as <p> or <div>,
line breaks as <br>, and each timestamp as `<span class="timestamp"
data-timestamp="83.2">0:01:23</span>` followed by a no-break space (older files hold
"1:23" in data-timestamp). The text keeps the words, a blank line between paragraphs,
runs of white space as one space, and no tags; a timestamp becomes a mark at the first
word after it.

The scan is one pass with str.find and patterns of bounded length: html.parser takes
time in the square of the input on unclosed comments and tags (a file of "<!--"
repeated would stall the import), and a transcript needs nothing it adds.
"""

from __future__ import annotations

import html
import math
import re

from qcode.clock import clock_seconds

# What may open a tag or a comment: a "<" before anything else is text, and a run of
# them is passed over here, not one by one.
_OPENER = re.compile(r"<[A-Za-z/!]")
_NAME = re.compile(r"/?([A-Za-z][A-Za-z0-9]{0,15})(?=[\s/>])")
_CLASS = re.compile(r"""\bclass\s*=\s*(?:"([^"]{0,200})"|'([^']{0,200})'|([^\s"'>]{1,200}))""",
                    re.IGNORECASE)
_TIME = re.compile(r"""\bdata-timestamp\s*=\s*(?:"([^"]{0,40})"|'([^']{0,40})'|([^\s"'>]{1,40}))""",
                   re.IGNORECASE)
_BLOCKS = frozenset({"p", "div", "li", "ul", "ol", "blockquote", "tr", "table",
                     "h1", "h2", "h3", "h4", "h5", "h6"})
# What separates the words before and after a tag, weakest first.
_SEPARATORS = ("", " ", "\n", "\n\n")


def text_and_marks(markup: str) -> tuple[str, list[tuple[int, float]]]:
    """The text of `markup` and its marks (offset of the first word after a timestamp,
    seconds)."""
    out = _Text()
    at, length = 0, len(markup)
    closer = -1  # the next ">", kept: "<" after "<" before it does not search again
    inside = 0  # spans open inside a timestamp's span, whose text is the time shown
    while at < length:
        found = _OPENER.search(markup, at)
        opener = length if found is None else found.start()
        if not inside:
            out.words(markup[at:opener])
        if opener == length:
            break
        if markup.startswith("<!--", opener):
            end = markup.find("-->", opener + 4)
            at = length if end == -1 else end + 3
            continue
        if closer <= opener:
            closer = markup.find(">", opener + 1)
        if closer == -1:  # no tag is closed after this: the rest is text
            if not inside:
                out.words(markup[opener:])
            break
        if markup[opener + 1] == "!":  # <!DOCTYPE ...>: no text
            at = closer + 1
            continue
        name = _NAME.match(markup, opener + 1)
        if name is None or name.end() > closer:
            if not inside:
                out.words("<")  # a "<" that opens no tag is text
            at = opener + 1
            continue
        at = closer + 1
        tag, closing = name.group(1).lower(), markup[opener + 1] == "/"
        if inside:
            if tag == "span":
                inside += -1 if closing else 1
        elif tag == "span" and not closing:
            seconds = _timestamp(markup[name.end():closer])
            if seconds is not None:
                out.timestamp(seconds)
                inside = 1
        elif tag == "br":
            out.separate("\n")
        elif tag in _BLOCKS:
            out.separate("\n\n")
    return out.finish()


def _timestamp(attributes: str) -> float | None:
    """The seconds a timestamp span holds, or None if the span is no timestamp."""
    found = _CLASS.search(attributes)
    names = next((group for group in found.groups() if group), "") if found else ""
    time = _TIME.search(attributes)
    if "timestamp" not in names.split() or time is None:
        return None
    written = html.unescape(next((group for group in time.groups() if group), "")).strip()
    try:
        seconds = float(written)
    except ValueError:
        return clock_seconds(written)
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


class _Text:
    """Text as it is written out, with what separates it and the times waiting for a word."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.length = 0
        self.separator = ""
        self.waiting: list[float] = []
        self.marks: list[tuple[int, float]] = []

    def words(self, data: str) -> None:
        if not data:
            return
        data = html.unescape(data)
        words = data.split()  # a no-break space is white space here too
        if data[0].isspace():
            self.separate(" ")
        if words:
            self._write(" ".join(words))
            if data[-1].isspace():
                self.separate(" ")

    def separate(self, separator: str) -> None:
        if _SEPARATORS.index(separator) > _SEPARATORS.index(self.separator):
            self.separator = separator

    def timestamp(self, seconds: float) -> None:
        self.waiting.append(seconds)

    def _write(self, words: str) -> None:
        if self.length and self.separator:
            self.pieces.append(self.separator)
            self.length += len(self.separator)
        self.separator = ""
        self.marks += [(self.length, seconds) for seconds in self.waiting]
        self.waiting.clear()
        self.pieces.append(words)
        self.length += len(words)

    def finish(self) -> tuple[str, list[tuple[int, float]]]:
        self.marks += [(self.length, seconds) for seconds in self.waiting]
        return "".join(self.pieces), self.marks
