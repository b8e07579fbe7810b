"""Placing a researcher's quote at its exact span in a source.

Sheet quotes are rarely verbatim: typographic quotes and dashes, other whitespace and
line breaks, a capital letter at the start, "(...)" or "[...]" elisions, and words in
square brackets the speaker never said. The quote is split into the fragments the
speaker did say; they must appear in order, and the span runs from the start of the
first to the end of the last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Elisions and the researcher's own bracketed words both separate spoken fragments.
_GAP = re.compile(r"\(\s*(?:\.\s*){2,}\)|\(\s*…\s*\)|\[[^\]]*\]|…|(?:\.\s*){3,}")
_FOLD = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u00a0": " ",
    }
)
MAX_GAP = 2000  # characters allowed between two fragments of one shortened quote


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    kind: str  # "exact" when the sheet text is the source text verbatim, else "normalised"


def fold(text: str) -> tuple[str, list[int]]:
    """`text` compared loosely, with each folded character's index in `text`.

    Whitespace runs become one space; typographic quotes and dashes become ASCII;
    letters are lower-cased one character for one (so indexes still line up).
    """
    out: list[str] = []
    where: list[int] = []
    in_space = False
    for i, ch in enumerate(text.translate(_FOLD)):
        if ch.isspace():
            if not in_space:
                out.append(" ")
                where.append(i)
            in_space = True
            continue
        in_space = False
        lower = ch.lower()
        out.append(lower if len(lower) == 1 else ch)
        where.append(i)
    return "".join(out), where


class SourceIndex:
    """A source prepared once for anchoring many quotes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded, self.where = fold(text)

    def anchor(self, quote: str) -> Anchor | None:
        """The span of `quote` in this source, or None when it cannot be placed."""
        if not quote.strip():
            return None
        exact = self.text.find(quote.strip())
        if exact >= 0:
            return Anchor(exact, exact + len(quote.strip()), "exact")
        fragments = [f for f in (fold(part)[0].strip() for part in _GAP.split(quote)) if f]
        if not fragments:
            return None
        first = self.folded.find(fragments[0])
        while first >= 0:
            end = self._rest(fragments[1:], first + len(fragments[0]))
            if end is not None:
                return Anchor(self.where[first], self.where[end - 1] + 1, "normalised")
            first = self.folded.find(fragments[0], first + 1)
        return None

    def _rest(self, fragments: list[str], pos: int) -> int | None:
        for fragment in fragments:
            found = self.folded.find(fragment, pos, pos + MAX_GAP + len(fragment))
            if found < 0:
                return None
            pos = found + len(fragment)
        return pos
