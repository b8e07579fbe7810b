"""Which codes a unit of text (a sentence, turn or paragraph) carries, by the codings.

The rule: a unit carries a code when one coding of that code covers most of the unit
(at least half of its characters), or when most of the coding's quote (at least half
of it) lies inside the unit. The first half is the plain reading; the second is there
for long units: a researcher quotes a phrase, and the turn or paragraph that holds the
phrase is the turn that speaks of it, though the quote covers a fifth of it. A unit
that a coding touches without either (a sentence a long quote only grazes) is
*partly coded*: neither clearly coded nor clearly not, it is left out of learning and
of scoring, and is not suggested on either, since someone coded part of it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

MOST = 0.5  # "most of": at least this share of the characters

Span = tuple[int, int]


@dataclass(frozen=True)
class CodedSpan:
    """One coding as the rule sees it: where its quote is and its code."""

    start: int
    end: int
    code: str


@dataclass(frozen=True)
class UnitLabels:
    """What the codings say of one unit: its codes, and whether any coding touches it."""

    codes: frozenset[str]
    touched: bool

    @property
    def partly_coded(self) -> bool:
        """Touched by a coding, yet given no code by the rule."""
        return self.touched and not self.codes


def label_units(units: Sequence[Span], codings: Sequence[CodedSpan]) -> list[UnitLabels]:
    """The labels of every unit of one source; `units` in text order, not overlapping."""
    starts = [start for start, _ in units]
    codes: list[set[str]] = [set() for _ in units]
    touched = [False] * len(units)
    for coding in codings:
        length = coding.end - coding.start
        if length <= 0:
            continue
        n = max(0, bisect_right(starts, coding.start) - 1)
        while n < len(units) and units[n][0] < coding.end:
            start, end = units[n]
            shared = min(end, coding.end) - max(start, coding.start)
            if shared > 0:
                touched[n] = True
                if shared >= MOST * (end - start) or shared >= MOST * length:
                    codes[n].add(coding.code)
            n += 1
    return [UnitLabels(frozenset(found), hit) for found, hit in zip(codes, touched, strict=True)]
