"""Moving spans of a text through an edit of that text: pure functions, no store.

A transcript is corrected long after coding began; every quote, speaker turn and page
start is a span or a point of the old text and must land on the same words of the new
one. `Alignment` maps old positions to new ones, from a character diff of the two texts
(rapidfuzz's Levenshtein opcodes: linear memory and fast on hour-long transcripts,
where difflib takes minutes) or from replacements known exactly (pseudonymisation).

`remap` then places each span:

- a span no change touches moves by the length of the changes before it, exactly;
- a span a change touches keeps its words if they are still found where it went
  (a diff may place an insertion next to a quote inside it), is re-anchored to the
  best match near its old place and flagged if its words changed, and becomes
  unanchored when its words are gone;
- with known replacements (`known=True`) a touched span simply covers what its words
  became: the change was asked for, so there is nothing to review.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from qcode.anchor import nearest_occurrence

# A re-anchored quote must be at least this alike its old words (rapidfuzz ratio, 0-100)
# unless some of its old words survived where it went; below it the words are gone.
MIN_SCORE = 60.0
# How far beyond a touched span's new place its words are looked for (characters).
SEARCH_MARGIN = 40

MOVED = "moved"  # the same words, wherever they are now
REWRITTEN = "rewritten"  # known replacements changed its words, as asked
REANCHORED = "reanchored"  # its words changed: placed on the best match, to review
UNANCHORED = "unanchored"  # its words are gone: no offsets, kept with its codings


@dataclass(frozen=True)
class Change:
    """One changed region: old[old_start:old_end] became new[new_start:new_end]."""

    old_start: int
    old_end: int
    new_start: int
    new_end: int


@dataclass(frozen=True)
class Replacement:
    """old[start:end] is to become `text` (a known edit, such as a pseudonym)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Placed:
    """Where a span went: offsets in the new text (None when unanchored) and how."""

    key: int
    start: int | None
    end: int | None
    status: str
    score: float = 100.0

    @property
    def anchored(self) -> bool:
        return self.start is not None


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class Alignment:
    """How positions of `old` map to positions of `new`, given the changed regions.

    Positions are boundaries between characters (0..len). A position inside a changed
    region, or where text was inserted, has two images: `side="left"` takes the one
    before the change, `side="right"` the one after.
    """

    def __init__(self, old: str, new: str, changes: Sequence[Change]) -> None:
        self.old = old
        self.new = new
        self.changes = list(changes)
        self._old_starts = [c.old_start for c in self.changes]
        self._old_ends = [c.old_end for c in self.changes]

    @classmethod
    def of(cls, old: str, new: str) -> Alignment:
        """The alignment of two texts by a character diff, widened to whole words."""
        return cls(old, new, diff(old, new))

    @classmethod
    def replacing(cls, old: str, replacements: Iterable[Replacement]) -> Alignment:
        """The new text made by `replacements` (non-overlapping) and its exact alignment."""
        ordered = sorted(replacements, key=lambda r: (r.start, r.end))
        parts: list[str] = []
        changes: list[Change] = []
        at = shift = 0
        for r in ordered:
            if r.start < at or r.end < r.start or r.end > len(old):
                raise ValueError(f"replacement {r.start}-{r.end} overlaps another or the end")
            parts.append(old[at:r.start])
            parts.append(r.text)
            new_start = r.start + shift
            if old[r.start:r.end] != r.text:  # the same text again is no change
                changes.append(Change(r.start, r.end, new_start, new_start + len(r.text)))
            shift += len(r.text) - (r.end - r.start)
            at = r.end
        parts.append(old[at:])
        return cls(old, "".join(parts), changes)

    def position(self, p: int, side: str = "left") -> int:
        """The image of old position `p` in the new text."""
        if side == "left":
            k = bisect_left(self._old_ends, p)  # the first change ending at or after p
            if k == len(self.changes) or self.changes[k].old_start > p:
                return p + self._shift_before(k)
            c = self.changes[k]
            if p == c.old_end and c.old_start < c.old_end:
                return c.new_end
            return c.new_start
        k = bisect_right(self._old_starts, p) - 1  # the last change starting at or before p
        if k < 0 or self.changes[k].old_end < p:
            return p + self._shift_before(k + 1)
        c = self.changes[k]
        if p == c.old_start and c.old_start < c.old_end:
            return c.new_start
        return c.new_end

    def _shift_before(self, k: int) -> int:
        if k == 0:
            return 0
        c = self.changes[k - 1]
        return c.new_end - c.old_end

    def touching(self, start: int, end: int) -> list[Change]:
        """The changes inside old[start:end]; an insertion at either edge is outside."""
        found = []
        k = bisect_left(self._old_ends, start)
        while k < len(self.changes) and self.changes[k].old_start <= end:
            c = self.changes[k]
            if c.old_start < c.old_end:
                inside = c.old_start < end and c.old_end > start
            else:
                inside = start < c.old_start < end
            if inside:
                found.append(c)
            k += 1
        return found

    def survivors(self, start: int, end: int) -> int:
        """How many word characters of old[start:end] no change touched."""
        alive = sum(1 for ch in self.old[start:end] if _word(ch))
        for c in self.touching(start, end):
            lo, hi = max(start, c.old_start), min(end, c.old_end)
            alive -= sum(1 for ch in self.old[lo:hi] if _word(ch))
        return alive


def diff(old: str, new: str) -> list[Change]:
    """The changed regions between two texts, each widened to whole words.

    A character diff of "chose" and "picked" keeps the "c" and the "e": the word was
    replaced, so changes that start or end inside a word take in the rest of it, and
    changes that then touch are joined. Widening moves both sides of a change by the
    same characters of an unchanged stretch, so the alignment stays exact.
    """
    raw = [Change(op.src_start, op.src_end, op.dest_start, op.dest_end)
           for op in Levenshtein.opcodes(old, new) if op.tag != "equal"]
    changes: list[Change] = []
    for c in raw:
        i1, i2, j1, j2 = c.old_start, c.old_end, c.new_start, c.new_end
        floor = changes[-1].old_end if changes else 0
        # Left: while the character before is a word character and the change begins
        # with one (on either side), the change starts inside a word.
        while i1 > floor and _word(old[i1 - 1]) and (
                (i1 < i2 and _word(old[i1])) or (j1 < j2 and _word(new[j1]))):
            i1, j1 = i1 - 1, j1 - 1
        changes = _join(changes, Change(i1, i2, j1, j2))
    widened: list[Change] = []
    for k, c in enumerate(changes):
        i1, i2, j1, j2 = c.old_start, c.old_end, c.new_start, c.new_end
        ceiling = changes[k + 1].old_start if k + 1 < len(changes) else len(old)
        while i2 < ceiling and _word(old[i2]) and (
                (i1 < i2 and _word(old[i2 - 1])) or (j1 < j2 and _word(new[j2 - 1]))):
            i2, j2 = i2 + 1, j2 + 1
        widened = _join(widened, Change(i1, i2, j1, j2))
    return widened


def _join(changes: list[Change], c: Change) -> list[Change]:
    """Append `c`, merging it into the last change when they touch."""
    if changes and changes[-1].old_end >= c.old_start:
        last = changes[-1]
        changes[-1] = Change(last.old_start, max(last.old_end, c.old_end),
                             last.new_start, max(last.new_end, c.new_end))
    else:
        changes.append(c)
    return changes


def remap(alignment: Alignment, spans: Iterable[tuple[int, int, int]],
          known: bool = False) -> list[Placed]:
    """Place every (key, start, end) span of the old text in the new one.

    Every span gets exactly one `Placed`, in the order given: none is ever dropped.
    `known` says the changes are replacements asked for (not a diff's guess), so a
    span they touch covers what its words became, unflagged.
    """
    return [_place(alignment, key, start, end, known) for key, start, end in spans]


def _place(a: Alignment, key: int, start: int, end: int, known: bool) -> Placed:
    if not a.touching(start, end):
        # Right of an insertion at its start, left of one at its end: it keeps its words.
        return Placed(key, a.position(start, "right"), a.position(end, "left"), MOVED)
    lo, hi = a.position(start, "left"), a.position(end, "right")
    old_text = a.old[start:end]
    lo, hi = _trimmed(a.new, lo, hi, old_text)
    if known:
        if hi <= lo:
            return Placed(key, None, None, UNANCHORED, 0.0)
        return Placed(key, lo, hi, REWRITTEN, fuzz.ratio(old_text, a.new[lo:hi]))
    same = nearest_occurrence(a.new, old_text, a.position(start, "right"), lo, hi)
    if same is not None:
        return Placed(key, same, same + len(old_text), MOVED)
    candidates: list[tuple[float, int, int]] = []
    if hi > lo:
        score = fuzz.ratio(old_text, a.new[lo:hi])
        if score >= MIN_SCORE or a.survivors(start, end) > 0:
            candidates.append((score, lo, hi))
    found = _best_match(a.new, old_text, lo, hi)
    if found is not None and found[0] >= MIN_SCORE:
        candidates.append(found)
    if not candidates:
        return Placed(key, None, None, UNANCHORED, 0.0)
    # The diff's own region wins a tie: it is where the words were.
    score, best_lo, best_hi = max(candidates, key=lambda c: c[0])
    return Placed(key, best_lo, best_hi, REANCHORED, round(score, 1))


def _trimmed(text: str, lo: int, hi: int, like: str) -> tuple[int, int]:
    """[lo, hi) without white space at an end where `like` has none."""
    if not like[:1].isspace():
        while lo < hi and text[lo].isspace():
            lo += 1
    if not like[-1:].isspace():
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
    return lo, hi


def _best_match(text: str, words: str, lo: int, hi: int) -> tuple[float, int, int] | None:
    """The best fuzzy match of `words` around text[lo:hi], widened to whole words."""
    margin = max(SEARCH_MARGIN, len(words) // 2)
    w_lo, w_hi = max(0, lo - margin), min(len(text), hi + margin)
    window = text[w_lo:w_hi]
    if not words.strip() or len(window) < len(words):
        return None
    match = fuzz.partial_ratio_alignment(words, window)
    if match is None or match.dest_end <= match.dest_start:
        return None
    start, end = _whole_words(text, w_lo + match.dest_start, w_lo + match.dest_end)
    start, end = _trimmed(text, start, end, words)
    if end <= start:
        return None
    return fuzz.ratio(words, text[start:end]), start, end


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) so it neither starts nor ends inside a word."""
    while 0 < start < len(text) and _word(text[start - 1]) and _word(text[start]):
        start -= 1
    while 0 < end < len(text) and _word(text[end - 1]) and _word(text[end]):
        end += 1
    return start, end

