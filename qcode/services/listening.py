"""Which stretch of a recording a quote is: what `qcode play`, `qcode clip` and the
reader's play key hand to the player or to ffmpeg."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from qcode.clock import clock, clock_seconds
from qcode.errors import InputError
from qcode.services import lookup
from qcode.services.media import project_folder, recording_of
from qcode.services.project import Project
from qcode.services.timeline import KNOWN, Timeline, timeline
from qcode.store.models import Source

# Bounded: a position or a time of ten thousand digits is refused, not computed.
_POSITION = re.compile(r"[0-9]{1,9}")
_SECONDS = re.compile(r"[0-9]{1,7}(?:\.[0-9]{1,3})?s")


@dataclass(frozen=True)
class Stretch:
    """A stretch of a source's recording, in the recording's own seconds."""

    source: str
    recording: Path
    video: bool
    start: float
    end: float | None  # None: play on from `start`
    how: str  # known when both ends are known times, else how the guess was made

    def describe(self) -> str:
        until = f"-{clock(self.end)}" if self.end is not None else " on"
        said = "" if self.how == KNOWN else f" ({self.how})"
        return f"{self.source}'s recording {clock(self.start)}{until}{said}"


def stretch_of(project: Project, source: str, start: int | float,
               end: int | float | None) -> Stretch:
    """The stretch of `source`'s recording from `start` to `end`: ints are positions in
    the text (a quote's offsets), floats the transcript's own seconds.

    Raises:
        NotFoundError: No such source, or it has no recording where the project says.
        InputError: A position outside the text, or nothing tells the time there.
    """
    folder = project_folder(project)
    with project.reading() as session:
        return stretch_in(session, folder, lookup.source(session, source), start, end)


def stretch_in(session: Session, folder: Path | None, source: Source, start: int | float,
               end: int | float | None) -> Stretch:
    recording = recording_of(session, folder, source)
    line = timeline(session, source)
    hows: list[str] = []

    def seconds(value: int | float) -> float:
        if isinstance(value, float):
            return value
        if not 0 <= value <= source.length:
            raise InputError(f"position {value} is outside {source.name} (0-{source.length})")
        found = line.at(value)
        if found.seconds is None:
            raise InputError(f"nothing tells the time in {source.name}; import its "
                             "transcript with timestamps, or attach its recording")
        hows.append(found.how)
        return found.seconds

    begin = line.in_recording(seconds(start))
    finish = line.in_recording(seconds(end)) if end is not None else None
    if begin >= recording.duration:
        raise InputError(f"{clock(begin)} is past the end of {source.name}'s recording "
                         f"({clock(recording.duration)}); if the recording is not the whole "
                         "interview, check its --offset (`qcode media attach`)")
    if end is not None and type(end) is type(start) and end <= start:
        raise InputError(f"the end ({end}) is not after the start ({start}); give a later end")
    if finish is not None and finish <= begin:
        finish = None  # a guess put the end at the start: play on rather than nothing
    if finish is not None:
        finish = min(finish, recording.duration)
    how = next((h for h in hows if h != KNOWN), KNOWN)
    return Stretch(source.name, recording.found_at, recording.kind == "video", begin, finish,
                   how)


def source_timeline(project: Project, source_id: int) -> Timeline | None:
    """What the workbench shows of time in a source: None when nothing tells it (no
    known times and no recording)."""
    with project.reading() as session:
        source = session.get(Source, source_id)
        if source is None:
            return None
        line = timeline(session, source)
    return line if line.points or line.end_seconds is not None else None


def position_or_time(text: str) -> int | float:
    """A command-line START or END: digits are a position in the text (as `qcode code`
    takes them), "01:23", "1:02:03.5" or "83.5s" a time in the transcript."""
    text = text.strip()
    if _POSITION.fullmatch(text):
        return int(text)
    if _SECONDS.fullmatch(text):
        return float(text[:-1])
    seconds = clock_seconds(text)
    if seconds is None:
        raise InputError(f"{text!r}: give a position in the text (1234) or a time "
                         "(01:23, 1:02:03.5 or 83.5s)")
    return seconds
