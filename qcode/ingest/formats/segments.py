"""Timed segments made into a transcript: subtitle cues and transcription segments.

Subtitles (.vtt, .srt) and transcription tools (Whisper) give the same thing: pieces of
speech, each with its start and end in the recording, often its speaker, sometimes the
start of each word. The stored text reads like a transcript: consecutive segments of
one speaker make one paragraph, opened by the speaker's name, and one turn timed from
the first start to the last end. A mark at the start and end of every segment (and at
the start of every word whose start is known) keeps the finer times inside a merged
turn.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from qcode.ingest.formats.document import Document
from qcode.services.sources import Turn


@dataclass(frozen=True)
class Segment:
    begin: float
    end: float
    speaker: str  # "" when not known
    text: str  # one line, without leading or trailing space
    words: Sequence[tuple[int, float]] = field(default_factory=tuple)  # (offset in text, start)


# Words follow each other one space apart; a word not found this close after the last
# one is spelt differently in the segment's text, and has no mark.
_WORD_REACH = 50


def word_starts(text: str, words: Iterable[tuple[str, float | None]]) -> list[tuple[int, float]]:
    """Where each timed word (as written, its start) begins in a segment's `text`, in
    order; a word not found there, or without a time, is left out. Bounded: each word
    is looked for only a little way past the last."""
    starts, at = [], 0
    for written, seconds in words:
        written = written.strip()
        if not written:
            continue
        found = text.find(written, at, at + len(written) + _WORD_REACH)
        if found == -1:
            continue
        at = found + len(written)
        if seconds is not None:
            starts.append((found, seconds))
    return starts


@dataclass
class _Paragraph:
    speaker: str
    begin: float
    end: float
    parts: list[Segment]
    length: int  # characters of the segments' text, with a space between two


def segments_document(segments: Sequence[Segment], pause: float | None = None,
                      longest: int | None = None) -> Document:
    """A transcript of `segments` (in order, none empty).

    Segments of an unnamed speaker all run on in one paragraph, unless `pause` is
    given: then a silence that long, or a paragraph already `longest` characters long,
    starts a new one (speech a tool did not split by speaker reads in paragraphs).
    """
    paragraphs: list[_Paragraph] = []
    for segment in segments:
        last = paragraphs[-1] if paragraphs else None
        if last is not None and last.speaker == segment.speaker and (
                segment.speaker or pause is None
                or segment.begin - last.end < pause
                and (longest is None or last.length < longest)):
            last.parts.append(segment)
            last.end = segment.end
            last.length += 1 + len(segment.text)
        else:
            paragraphs.append(_Paragraph(segment.speaker, segment.begin, segment.end,
                                         [segment], len(segment.text)))
    pieces: list[str] = []
    length = 0
    turns: list[Turn] = []
    marks: list[tuple[int, float]] = []
    for paragraph in paragraphs:
        opening = ("\n\n" if pieces else "") + (f"{paragraph.speaker}: "
                                                 if paragraph.speaker else "")
        pieces.append(opening)
        length += len(opening)
        start = length
        for n, segment in enumerate(paragraph.parts):
            if n:
                pieces.append(" ")
                length += 1
            for at, seconds in [(0, segment.begin), *segment.words]:
                if not marks or length + at > marks[-1][0]:  # the segment's own time first
                    marks.append((length + at, seconds))
            pieces.append(segment.text)
            length += len(segment.text)
            # Its end too: the pause before the next segment is not spread over its words.
            marks.append((length, segment.end))
        turns.append(Turn(start, length, paragraph.speaker, paragraph.begin, paragraph.end))
    return Document("".join(pieces), None, turns, marks=marks)
