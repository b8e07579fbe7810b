"""Placing a researcher's quote at its exact span in the sources.

Sheet quotes are rarely verbatim: typographic quotes and dashes, other whitespace and
line breaks, a capital letter at the start, "(...)" or "[...]" elisions, the
researcher's own words in square or round brackets, small transcription differences.
The search goes from strict to loose and stops at the first level that finds anything:

1. the quote verbatim;
2. the spoken fragments (the quote split at elisions and square brackets; then also at
   round brackets) on folded text, in order, each within MAX_GAP of the one before;
3. rapidfuzz alignment around the places where most of the quote's words occur.

Every level yields scored candidates with offsets in the original text. A quote is
placed only when its best candidate is strong and no other place scores alike;
otherwise it stays unanchored and the candidates are reported, never guessed.

Candidates come from a word index built once per corpus (a fragment is looked up by
its rarest word; fuzzy search votes with the quote's words), so the work per quote
grows with the quote and the places it might be, not with the corpus size.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

_ELISION = r"\(\s*(?:\.\s*){2,}\)|\(\s*…\s*\)|\[\s*(?:\.\s*){2,}\]|\[\s*…\s*\]|…|(?:\.\s*){3,}"
# A researcher's words in brackets are short. Bounded, so a quote full of "[" with no
# "]" costs time in proportion to its length (unbounded, each "[" would scan the rest).
_BRACKETED = 300
_SQUARE = re.compile(rf"{_ELISION}|\[[^\]]{{0,{_BRACKETED}}}\]")
_ROUND = re.compile(rf"{_ELISION}|\[[^\]]{{0,{_BRACKETED}}}\]|\([^)]{{0,{_BRACKETED}}}\)")
_WORD = re.compile(r"\w+")
_FOLD = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u00a0": " ",
    }
)
MAX_GAP = 2000  # characters an elision may leave out between two fragments
MAX_REPLACED = 40  # characters the researcher's bracketed words may stand for
_LOOSER = 95.0  # score of a fragment fit that is wider than the tightest one
MIN_SCORE = 90.0  # a fuzzy match below this is too weak to place
TIE_MARGIN = 2.0  # two places scoring within this of each other are ambiguous
_FUZZY_REGIONS = 5  # how many voted regions get a full alignment
_COMMON = 500  # a word found more often than this says nothing about where a quote is
_ALIGN_WHOLE = 1000  # characters of a quote aligned whole; a longer one by its two ends
_ALIGN_END = 200  # characters of each end of a long quote that find its place


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


@dataclass(frozen=True)
class Candidate:
    """A place a quote may belong: source key, original offsets, score 0-100."""

    source: str
    start: int
    end: int
    score: float
    method: str  # "exact", "normalised" or "fuzzy"


@dataclass(frozen=True)
class Placement:
    """The outcome for one quote: the chosen candidate, or None and why."""

    chosen: Candidate | None
    candidates: list[Candidate] = field(default_factory=list)
    reason: str = ""


class _Text:
    def __init__(self, key: str, text: str) -> None:
        self.key = key
        self.text = text
        self.folded, self.where = fold(text)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the folded range [start, end)."""
        return self.where[start], self.where[end - 1] + 1


class Corpus:
    """Sources prepared once for placing many quotes."""

    def __init__(self, sources: Iterable[tuple[str, str]]) -> None:
        self.texts = {key: _Text(key, text) for key, text in sources}
        # Where each folded word occurs: (source key, offset in the folded text).
        self._postings: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for item in self.texts.values():
            for match in _WORD.finditer(item.folded):
                self._postings[match.group()].append((item.key, match.start()))

    def place(self, quote: str, prefer: Sequence[str] = ()) -> Placement:
        """Place `quote`, looking in the `prefer`red sources first, then everywhere."""
        if not quote.strip():
            return Placement(None, reason="the quote is empty")
        scopes = [set(prefer) & set(self.texts)] if prefer else []
        scopes.append(set(self.texts))
        placement = Placement(None, reason="not found in any source")
        for scope in scopes:
            if scope:
                placement = self._place_in(quote, scope)
                if placement.chosen is not None:
                    return placement
        return placement  # the search of every source, with its candidates

    def _place_in(self, quote: str, scope: set[str]) -> Placement:
        found = self._verbatim(quote.strip(), scope)
        for splitter in (_SQUARE, _ROUND):
            if found:
                break
            found = self._fragments(quote, splitter, scope)
        if not found:
            found = self._fuzzy(quote, scope)
        return _decide(found)

    def _verbatim(self, quote: str, scope: set[str]) -> list[Candidate]:
        found = []
        for key, start in self._starts(fold(quote)[0], scope):
            begin = self.texts[key].where[start]
            if self.texts[key].text.startswith(quote, begin):
                found.append(Candidate(key, begin, begin + len(quote), 100.0, "exact"))
        return found

    def _fragments(self, quote: str, splitter: re.Pattern[str], scope: set[str]) -> list[Candidate]:
        fragments, gaps = _split(quote, splitter)
        if not fragments:
            return []
        # Look up the most selective fragment, then walk out to the others: a short
        # first fragment ("One [technician] told me...") would match everywhere.
        k = min(range(len(fragments)), key=lambda i: self._rarest(fragments[i])[0])
        placed = []
        for key, at in self._starts(fragments[k], scope):
            folded = self.texts[key].folded
            start = _back(folded, fragments[:k], gaps[:k], at)
            end = _rest(folded, fragments[k + 1:], gaps[k:], at + len(fragments[k]))
            if start is not None and end is not None:
                placed.append((key, start, end))
        # Where the fragments fit in several ways, the tightest fit is the quote; looser
        # ones score lower, and only an equally tight one makes it ambiguous.
        tightest = min((end - start for _, start, end in placed), default=0)
        found = []
        for key, start, end in placed:
            begin, stop = self.texts[key].span(start, end)
            score = 100.0 if end - start == tightest else _LOOSER
            found.append(Candidate(key, begin, stop, score, "normalised"))
        return found

    def _rarest(self, fragment: str) -> tuple[int, int, str]:
        """(occurrences, offset, word) of the fragment's rarest whole word.

        The first and last words may be cut off mid-word, so they count only when the
        fragment has no others. A fragment without words gives occurrences = infinity.
        """
        words = [(m.start(), m.group()) for m in _WORD.finditer(fragment)]
        inner = words[1:-1] if len(words) >= 3 else words
        if not inner:
            return sys.maxsize, 0, ""
        offset, word = min(inner, key=lambda w: len(self._postings.get(w[1], ())))
        return len(self._postings.get(word, ())), offset, word

    def _starts(self, fragment: str, scope: set[str]) -> list[tuple[str, int]]:
        """Where `fragment` occurs in folded text, found through its rarest whole word."""
        count, offset, word = self._rarest(fragment)
        if count == sys.maxsize:
            return [
                (key, at) for key in sorted(scope) for at in _all(self.texts[key].folded, fragment)
            ]
        return [
            (key, pos - offset)
            for key, pos in self._postings.get(word, [])
            if key in scope and pos >= offset
            and self.texts[key].folded.startswith(fragment, pos - offset)
        ]

    def _fuzzy(self, quote: str, scope: set[str]) -> list[Candidate]:
        spoken = " ".join(fold(p)[0].strip() for p in _ROUND.split(quote) if p.strip())
        votes: Counter[tuple[str, int]] = Counter()
        for word in _WORD.finditer(spoken):
            postings = self._postings.get(word.group(), [])
            if len(word.group()) < 3 or len(postings) > _COMMON:
                continue
            for key, pos in postings:
                if key in scope:  # vote for where the quote would start, in 100-char bins
                    votes[(key, max(0, pos - word.start()) // 100)] += 1
        found = []
        for (key, bin_), _ in votes.most_common(_FUZZY_REGIONS):
            item = self.texts[key]
            lo = max(0, bin_ * 100 - 100)
            hi = min(len(item.folded), bin_ * 100 + len(spoken) + 200)
            aligned = _align(spoken, item.folded[lo:hi])
            if aligned is not None:
                start, end = _whole_words(item.folded, lo + aligned[0], lo + aligned[1])
                begin, stop = item.span(start, end)
                found.append(Candidate(key, begin, stop, round(aligned[2], 1), "fuzzy"))
        return found


def _align(spoken: str, window: str) -> tuple[int, int, float] | None:
    """Where in `window` the quote `spoken` fits best, and how well (0-100).

    A partial alignment costs the product of the two lengths over every placement, so
    a quote of thousands of words would take minutes: a long quote's place is found
    from its opening and closing words, then the whole is scored against that span.
    """
    if len(spoken) <= _ALIGN_WHOLE:
        match = fuzz.partial_ratio_alignment(spoken, window)
        if match is None or match.dest_end <= match.dest_start:
            return None
        return match.dest_start, match.dest_end, match.score
    head = fuzz.partial_ratio_alignment(spoken[:_ALIGN_END], window)
    if head is None or head.dest_end <= head.dest_start:
        return None
    # Where an end did not align from its very first (last) character, widen by what
    # was left over, so a slip in the opening words does not cut them off.
    start = max(0, head.dest_start - head.src_start)
    tail = fuzz.partial_ratio_alignment(spoken[-_ALIGN_END:], window[start:])
    if tail is None or tail.dest_end <= tail.dest_start:
        return None
    end = min(len(window), start + tail.dest_end + (_ALIGN_END - tail.src_end))
    return start, end, fuzz.ratio(spoken, window[start:end])


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) so it neither starts nor ends inside a word."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    return start, end


def _all(text: str, fragment: str, lo: int = 0, hi: int | None = None) -> list[int]:
    """Every start of `fragment` inside text[lo:hi], overlapping ones included."""
    end = len(text) if hi is None else hi
    found, at = [], text.find(fragment, lo, end)
    while at >= 0:
        found.append(at)
        at = text.find(fragment, at + 1, end)
    return found


def nearest(positions: Iterable[int], near: int, unique: bool = False) -> int | None:
    """The position closest to `near`; the earlier one when two are as close.

    With `unique`, two as close make it ambiguous, and the answer is None: a caller
    that moves a quote there would be guessing.
    """
    ranked = sorted(positions, key=lambda p: (abs(p - near), p))
    if not ranked:
        return None
    if unique and len(ranked) > 1 and abs(ranked[1] - near) == abs(ranked[0] - near):
        return None
    return ranked[0]


def nearest_occurrence(text: str, words: str, near: int, lo: int = 0, hi: int | None = None,
                       unique: bool = False) -> int | None:
    """Where `words` occur verbatim in text[lo:hi] closest to `near` (see `nearest`).

    A quote whose span no longer holds its words usually sits a little off: the
    occurrence nearest the old place is the one it meant.
    """
    return nearest(_all(text, words, lo, hi), near, unique)


def _split(quote: str, splitter: re.Pattern[str]) -> tuple[list[str], list[int]]:
    """The spoken fragments of `quote`, and the largest gap allowed before each next one.

    An elision may leave out much; the researcher's bracketed words replace a few.
    """
    fragments: list[str] = []
    gaps: list[int] = []
    pos = 0
    for separator in [*splitter.finditer(quote), None]:
        piece = fold(quote[pos:separator.start() if separator else len(quote)])[0].strip()
        if piece:
            fragments.append(piece)
        if separator is not None:
            elision = re.fullmatch(_ELISION, separator.group()) is not None
            if fragments and len(gaps) < len(fragments):
                gaps.append(MAX_GAP if elision else MAX_REPLACED)
            elif gaps and elision:
                gaps[-1] = MAX_GAP
            pos = separator.end()
    return fragments, gaps


def _back(folded: str, fragments: list[str], gaps: list[int], pos: int) -> int | None:
    """Start of the earlier `fragments`, each found closest before the next one."""
    for fragment, gap in zip(reversed(fragments), reversed(gaps), strict=True):
        found = folded.rfind(fragment, max(0, pos - gap - len(fragment) - 2), pos)
        if found < 0:
            return None
        pos = found
    return pos


def _rest(folded: str, fragments: list[str], gaps: list[int], pos: int) -> int | None:
    for fragment, gap in zip(fragments, gaps, strict=False):
        found = folded.find(fragment, pos, pos + gap + len(fragment) + 2)
        if found < 0:
            return None
        pos = found + len(fragment)
    return pos


def _decide(found: list[Candidate]) -> Placement:
    # Overlapping candidates are one place seen from two search windows: keep the best.
    unique: list[Candidate] = []
    for c in sorted(found, key=lambda c: (-c.score, c.source, c.start)):
        if not any(u.source == c.source and u.start < c.end and c.start < u.end for u in unique):
            unique.append(c)
    if not unique:
        return Placement(None, reason="not found in any source")
    best = unique[0]
    if best.score < MIN_SCORE:
        return Placement(None, unique[:3], f"best match too weak (score {best.score:g})")
    rivals = [c for c in unique[1:] if c.score >= best.score - TIE_MARGIN]
    if rivals:
        return Placement(None, unique[:3], f"ambiguous: {len(rivals) + 1} places match alike")
    return Placement(best, unique[:3])
