"""Timestamps written inside transcripts, read as times in the recording.

Transcribers and their tools write the time a passage starts into the text:
"[00:01:23]", "[01:23]", "(01:23)", "[00:01:23.5]", f4/f5's "#00:01:23-4#" (tenths
after the dash, usually at the end of a paragraph), a time opening a line before the
speaker ("00:01:23 Maria: ..."), a time alone on a line, or a line naming the speaker
and the time with the words on the next line (Otter and Teams: "Maria Lopez  1:02";
Zoom's saved transcript: "[Maria Lopez] 11:02:09"). Each becomes a mark: the position
of the first word after it, with its time in seconds.

A time inside a sentence ("we met at 12:30") is not a timestamp. Bracketed and hashed
times count anywhere; a bare time only in the places tools write one, and only when
two or more lines have that shape (a single one is more likely a heading). Every
pattern reads a bounded number of characters from where it starts, so the scan takes
time in proportion to the text, whatever the text holds.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import replace
from typing import NamedTuple

from qcode.clock import clock_seconds, seconds_of_parts
from qcode.ingest.formats.document import Document
from qcode.ingest.turns import find_turns
from qcode.services.sources import Turn

# In brackets minutes are written with two digits ("(03:16)"; "(3:16)" is a verse or a
# ratio); f4/f5's "#00:01:23-4#" always has hours, and tenths after a dash.
_INLINE = re.compile(r"([\[(#])(?:(\d{1,2}):(\d{2})|(\d{2,3})):(\d{2})(?:([.,-])(\d{1,3}))?"
                     r"([\])#])")
_CLOSING = {"[": "]", "(": ")", "#": "#"}
_OPENING = re.compile(r"^(\d[\d:.,]{3,11})([ \t]{0,8})", re.MULTILINE)
_LABEL = re.compile(r"[^\W\d_][^\n:]{0,40}:")
_HEADING = re.compile(r"[ \t](\d[\d:.,]{3,11})[ \t]{0,8}$", re.MULTILINE)
_WORD = re.compile(r"\S")
_SPACES = re.compile(r"[ \t]*")
_LINE_CONTENT = re.compile(r"[^\n]")
# A speaker's name before the time on a heading line, and a label after an opening
# time, are this short: a longer run is a sentence that happens to end in a time.
_LONGEST_NAME = 80
_MOST_NAME_WORDS = 6
_MOST_LABEL_WORDS = 5
_DAY = 24 * 3600.0


class Stamp(NamedTuple):
    """One timestamp: `text[start:end]` as written, and what it times.

    (A tuple, not a dataclass: a transcript may hold a million of them.)
    """

    start: int
    end: int
    seconds: float
    at: int  # the first character after it that is not white space
    cut: tuple[int, int]  # what stripping takes out: it, the space beside it, or its line
    speaker: str = ""  # the speaker a heading line names ("Maria Lopez  1:02")


def find_timestamps(text: str) -> list[Stamp]:
    """The timestamps in `text`, in order; their cuts never overlap, so stripping takes
    out each character once."""
    loose = _inline(text)
    openings, alone = _openings(text)
    if len(openings) + len(alone) >= 2:
        loose = sorted(loose + alone)
    else:
        openings = []
    headings = _headings(text)
    found = _placed(text, loose) + openings + (headings if len(headings) >= 2 else [])
    found.sort(key=lambda stamp: stamp.start)
    kept: list[Stamp] = []
    for stamp in found:
        if kept and stamp.start < kept[-1].end:
            continue  # a time written inside another's brackets: the first counts
        if kept and stamp.cut[0] < kept[-1].cut[1]:  # both would take the line break between
            taken = kept[-1].cut[1]
            stamp = stamp._replace(cut=(taken, max(taken, stamp.cut[1])))
        kept.append(stamp)
    # A timestamp followed by another (f4's at the end of a paragraph, the next one's
    # at the start of the next) times the words after both.
    words_at: dict[int, int] = {}
    for n in range(len(kept) - 1, -1, -1):
        stamp = kept[n]
        kept[n] = stamp._replace(at=words_at.get(stamp.at, stamp.at))
        words_at[stamp.start] = kept[n].at
    return kept


def with_timestamps(document: Document) -> Document:
    """`document` with a mark at each timestamp its text holds (the text unchanged).

    Speaker turns get their times too: a heading line ("Maria Lopez  1:02") makes the
    turns, a time opening a turn's line is its start, and a time ending it (f4's
    "#00:01:23-4#") its end, kept out of the turn's span.
    """
    stamps = find_timestamps(document.text)
    if not stamps:
        return document
    return replace(document, marks=_joined(document.marks, stamps),
                   turns=_timed_turns(document, stamps))


def strip_timestamps(document: Document) -> Document:
    """`document` without the timestamps in its text, their times kept as marks.

    A timestamp goes with the space after it (or before it, at the end of a line), and a
    line holding nothing else goes whole, so no double spaces or empty lines are left;
    a heading line keeps its speaker's name. Every offset (turns, pages, marks) is moved
    to the same character in the new text.
    """
    stamps = find_timestamps(document.text)
    if not stamps:
        return document
    timed = replace(document, marks=_joined(document.marks, stamps),
                    turns=_timed_turns(document, stamps))
    cuts = _Cuts([stamp.cut for stamp in stamps])
    text = cuts.apply(timed.text)
    turns = []
    for turn in timed.turns:
        start = cuts.new(turn.start)
        turns.append(replace(turn, start=start, end=_trimmed(text, cuts.new(turn.end), start)))
    return replace(
        timed, text=text,
        turns=[turn for turn in turns if turn.end > turn.start],
        pages=[cuts.new(at) for at in timed.pages],
        marks=_unique([(cuts.new(at), seconds) for at, seconds in timed.marks]),
    )


def _inline(text: str) -> list[tuple[int, int, float]]:
    found = []
    for match in _INLINE.finditer(text):
        opening, hours, minutes, only_minutes, seconds, point, fraction, closing = \
            match.groups()
        hashed = opening == "#"
        if closing != _CLOSING[opening] or hashed and hours is None or point == "-" \
                and not hashed:
            continue
        time = seconds_of_parts(hours, minutes, only_minutes, seconds, fraction)
        if time is not None:
            found.append((match.start(), match.end(), time))
    return found


def _openings(text: str) -> tuple[list[Stamp], list[tuple[int, int, float]]]:
    """Times opening a line before a tab or a speaker's label, and times alone on one."""
    stamps, alone = [], []
    for match in _OPENING.finditer(text):
        seconds = clock_seconds(match.group(1))
        if seconds is None:
            continue
        start, end, gap = match.start(), match.end(1), match.group(2)
        if match.end() == len(text) or text[match.end()] == "\n":
            alone.append((start, end, seconds))
        elif "\t" in gap or gap and _is_label(text, match.end()):
            stamps.append(Stamp(start, end, seconds, match.end(), (start, match.end())))
    return stamps, alone


def _is_label(text: str, at: int) -> bool:
    label = _LABEL.match(text, at)
    return label is not None and len(label.group().split()) <= _MOST_LABEL_WORDS


def _headings(text: str) -> list[Stamp]:
    """Lines naming a speaker, then the time: "Maria Lopez  1:02" (two spaces or a tab
    apart, as Otter and Teams write them) or "[Maria Lopez] 11:02:09" (Zoom).

    Zoom writes the time of day: its first time is taken as the transcript's time 0
    (where that falls in the recording is the recording's offset, `media attach
    --offset`), and a meeting past midnight runs on.
    """
    stamps = []
    day_began: float | None = None
    for match in _HEADING.finditer(text):
        seconds = clock_seconds(match.group(1))
        clock = match.start(1)
        line = text.rfind("\n", max(0, clock - _LONGEST_NAME), clock) + 1
        if seconds is None or line == 0 and clock > _LONGEST_NAME:
            continue
        written = text[line:clock]
        name = written.rstrip(" \t")
        gap = written[len(name):]
        bracketed = name.startswith("[") and name.endswith("]")
        speaker = name[1:-1].strip() if bracketed else name.strip()
        if (not speaker or ":" in name or "[" in speaker or "]" in speaker
                or not (bracketed or name[0].isalpha())
                or len(speaker.split()) > _MOST_NAME_WORDS
                or not (bracketed or len(gap) >= 2 or "\t" in gap)):
            continue
        if bracketed:
            day_began = seconds if day_began is None else day_began
            seconds = (seconds - day_began) % _DAY
        cut_end = match.end()
        at = _word_after(text, cut_end)
        stamps.append(Stamp(clock, match.end(1), seconds, at, (line + len(name), cut_end),
                            speaker))
    return stamps


def _placed(text: str, found: list[tuple[int, int, float]]) -> list[Stamp]:
    """Stamps for timestamps written at `found` (start, end, seconds, in order).

    Timestamps with only spaces between them ("[00:01:23] [00:01:24]") go as one: the
    first takes them all out, and all of them time the first word after the last.
    """
    stamps: list[Stamp] = []
    i = 0
    while i < len(found):
        j = i
        while j + 1 < len(found) and found[j + 1][0] == _after_spaces(text, found[j][1]):
            j += 1
        cut, at = _cut(text, found[i][0], found[j][1])
        stamps += [Stamp(start, end, seconds, at, cut if k == i else (cut[1], cut[1]))
                   for k, (start, end, seconds) in enumerate(found[i:j + 1], start=i)]
        i = j + 1
    return stamps


def _cut(text: str, start: int, end: int) -> tuple[tuple[int, int], int]:
    """What stripping takes out with timestamps written at text[start:end], and where
    the words they time begin.

    Only the spaces beside them are looked at, never the rest of their line: a line of a
    million timestamps costs no more than a million lines of one.
    """
    after = _after_spaces(text, end)
    if after < len(text) and text[after] != "\n":  # words follow: the space after it
        return (start, after), after
    before = start
    while before > 0 and text[before - 1] in " \t":
        before -= 1
    if before > 0 and text[before - 1] != "\n":  # it ends a line: the space before it
        return (before, after), _word_after(text, after)
    return _whole_line(text, before, after), _word_after(text, after)


def _after_spaces(text: str, at: int) -> int:
    return _SPACES.match(text, at).end()  # type: ignore[union-attr]  # "*" always matches


def _whole_line(text: str, line: int, line_end: int) -> tuple[int, int]:
    """A line holding only a timestamp, with its line break; and the blank line after
    it too when one came before it (or it opened the text), so paragraphs stay apart
    by one blank line, not two."""
    rest = _LINE_CONTENT.search(text, line_end)
    if rest is None:  # the last line: it goes with the line breaks before it instead
        start = line
        while start > 0 and text[start - 1] == "\n":
            start -= 1
        return start, line_end
    end = line_end + 1
    if line == 0 or text.startswith("\n\n", line - 2):
        while end < len(text) and text[end] == "\n":
            end += 1
    return line, end


def _word_after(text: str, at: int) -> int:
    word = _WORD.search(text, at)
    return len(text) if word is None else word.start()


def _joined(marks: Sequence[tuple[int, float]], stamps: list[Stamp]) -> list[tuple[int, float]]:
    """The marks a reader gave, then the timestamps', sorted; one time per offset (the
    reader's wins: a caption's or a segment's time is the recording's own)."""
    return _unique([*marks, *((stamp.at, stamp.seconds) for stamp in stamps)])


def _unique(marks: Sequence[tuple[int, float]]) -> list[tuple[int, float]]:
    kept: dict[int, float] = {}
    for at, seconds in marks:
        kept.setdefault(at, seconds)
    return sorted(kept.items())


def _timed_turns(document: Document, stamps: list[Stamp]) -> list[Turn]:
    text = document.text
    if any(stamp.speaker for stamp in stamps):
        return _heading_turns(text, stamps)
    # Labels after a timestamp the reader does not know ("(01:23) IP4: ...") show once
    # the timestamps are out of the way; the reader's own turns stand unless they do.
    between = _turns_between(text, stamps)
    turns = between if len(between) > len(document.turns) else list(document.turns)
    starts = [stamp.start for stamp in stamps]
    ends = {stamp.end: stamp for stamp in stamps}
    timed = []
    for turn in turns:
        # The last timestamp before the turn's words, on their line or timing it.
        i = bisect_right(starts, turn.start) - 1
        line = text.rfind("\n", 0, turn.start) + 1
        if turn.begin_seconds is None and i >= 0 and (
                stamps[i].start >= line or line <= stamps[i].at <= turn.start):
            turn = replace(turn, begin_seconds=stamps[i].seconds)
        closing = ends.get(turn.end)
        if closing is not None and closing.start > turn.start:
            # "B: Not at first. #00:00:14-1#": the time the turn ends, not its words.
            turn = replace(turn, end=_trimmed(text, closing.start, turn.start),
                           end_seconds=turn.end_seconds if turn.end_seconds is not None
                           else closing.seconds)
        if turn.end > turn.start:
            timed.append(turn)
    return timed


def _heading_turns(text: str, stamps: list[Stamp]) -> list[Turn]:
    """A turn from each heading line's next line to the next heading."""
    headings = [stamp for stamp in stamps if stamp.speaker]
    turns = []
    for i, heading in enumerate(headings):
        stop = len(text)
        if i + 1 < len(headings):
            stop = text.rfind("\n", 0, headings[i + 1].start) + 1
        end = _trimmed(text, stop, heading.at)
        if end > heading.at:
            turns.append(Turn(heading.at, end, heading.speaker, heading.seconds))
    return turns


def _turns_between(text: str, stamps: list[Stamp]) -> list[Turn]:
    """Speaker turns the timestamps hid from the reader ("(01:23) IP4: ..."): found in
    the text without them, and placed back in the text with them."""
    cuts = _Cuts([stamp.cut for stamp in stamps])
    return [replace(turn, start=cuts.old(turn.start, after=True),
                    end=cuts.old(turn.end, after=False))
            for turn in find_turns(cuts.apply(text))]


def _trimmed(text: str, end: int, start: int = 0) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


class _Cuts:
    """Pieces taken out of a text (sorted, apart), and where offsets go."""

    def __init__(self, cuts: list[tuple[int, int]]) -> None:
        self.cuts = [cut for cut in cuts if cut[1] > cut[0]]
        self.starts = [start for start, _ in self.cuts]
        self.removed = [0]  # characters taken out before each cut (and in all of them)
        for start, end in self.cuts:
            self.removed.append(self.removed[-1] + end - start)
        # Where each cut falls in the new text.
        self.new_starts = [start - self.removed[i] for i, start in enumerate(self.starts)]

    def apply(self, text: str) -> str:
        kept, at = [], 0
        for start, end in self.cuts:
            kept.append(text[at:start])
            at = end
        kept.append(text[at:])
        return "".join(kept)

    def new(self, offset: int) -> int:
        """Where `offset` of the old text is in the new one (inside a cut: where it was)."""
        i = bisect_right(self.starts, offset) - 1
        if i < 0:
            return offset
        start, end = self.cuts[i]
        return start - self.removed[i] if offset <= end else offset - self.removed[i + 1]

    def old(self, offset: int, after: bool) -> int:
        """Where `offset` of the new text was in the old one: where a cut was, after it
        (a span's start) or before it (a span's end)."""
        find = bisect_right if after else bisect_left
        return offset + self.removed[find(self.new_starts, offset)]
