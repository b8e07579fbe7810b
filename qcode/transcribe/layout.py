"""From what an engine heard to a source a researcher reads and codes.

Segments are joined into paragraphs: a new one where the speaker changes, after a
long pause, or once a paragraph has grown past a screenful, so the text reads like a
transcript rather than one block. Where a speaker is known the paragraph opens with
"Name: ", as imported transcripts do, and the speaker's turn carries its start and end
time. Every segment's start and end and every word's start become time marks, so
`qcode play` finds a quote's moment exactly rather than by interpolating.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qcode.ingest.formats.segments import word_starts
from qcode.services.sources import NewSource, Turn
from qcode.transcribe.transcript import Segment, Transcript

PAUSE_SECONDS = 2.0  # silence longer than a breath: the talk moved on
PARAGRAPH_WORDS = 150  # about a screenful; longer blocks are hard to read and to code
FORMAT = "transcription"


@dataclass
class _Draft:
    """The text as it grows, with the marks and turns that point into it."""

    duration: float
    parts: list[str] = field(default_factory=list)
    length: int = 0
    marks: list[tuple[int, float]] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)

    def write(self, text: str) -> int:
        at = self.length
        self.parts.append(text)
        self.length += len(text)
        return at

    def mark(self, at: int, seconds: float) -> None:
        # Engines round word ends past the end of the sound now and then.
        self.marks.append((at, min(max(seconds, 0.0), self.duration)))


def to_source(transcript: Transcript, name: str, original_filename: str, language: str,
              transcription: str) -> NewSource:
    """The source made of `transcript`: readable paragraphs, time marks and turns;
    `transcription` is the JSON that says how it was made."""
    draft = _Draft(transcript.duration)
    previous: Segment | None = None
    turn: tuple[int, str, float] | None = None  # where the open turn starts, who, when
    words = 0
    for segment in transcript.segments:
        said = segment.text.strip()
        if not said:
            continue
        new_speaker = segment.speaker != (previous.speaker if previous else None)
        if new_speaker and turn is not None and previous is not None:
            draft.turns.append(_closed(turn, draft, previous))
            turn = None
        if previous is not None:
            pause = segment.start - previous.end
            new_paragraph = new_speaker or pause >= PAUSE_SECONDS or words >= PARAGRAPH_WORDS
            draft.write("\n\n" if new_paragraph else " ")
            words = 0 if new_paragraph else words
        if new_speaker and segment.speaker:
            draft.write(f"{segment.speaker}: ")
            turn = (draft.length, segment.speaker, segment.start)
        _write_segment(draft, segment, said)
        words += len(said.split())
        previous = segment
    if turn is not None and previous is not None:
        draft.turns.append(_closed(turn, draft, previous))
    return NewSource(name=name, text="".join(draft.parts), format=FORMAT,
                     original_filename=original_filename, language=language,
                     turns=draft.turns, marks=draft.marks, transcription=transcription)


def _write_segment(draft: _Draft, segment: Segment, said: str) -> None:
    """`said` at the end of the text, marked at its start, its words' starts and its end."""
    at = draft.write(said)
    draft.mark(at, segment.start)
    for found, start in word_starts(said, ((w.text, w.start) for w in segment.words)):
        draft.mark(at + found, start)
    draft.mark(draft.length, segment.end)


def _closed(turn: tuple[int, str, float], draft: _Draft, last: Segment) -> Turn:
    start, speaker, begin = turn
    return Turn(start, draft.length, speaker, begin, last.end)
