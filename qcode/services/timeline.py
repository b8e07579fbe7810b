"""The time of any position in a source: where to play a quote from.

Times are known at some positions: subtitle cues and transcription segments (speaker
turns with begin and end seconds), timestamps the transcript carried and word times
(time marks). Between two known positions the time is interpolated by characters, as
speech runs at a roughly even pace; before the first and after the last, the start of
the text (time 0) and the end of the recording anchor an estimate. Each answer says
which it is, so a listener knows how far to trust it.

Times here are the transcript's own ("[00:01:23]"); a recording that starts before
the interview adds its offset (`Recording.offset_seconds`) when it is played.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.store.models import Recording, Source, SpeakerTurn, TimeMark

KNOWN, INTERPOLATED, ESTIMATED = "known", "interpolated", "estimated"


@dataclass(frozen=True)
class TimeAt:
    seconds: float | None  # None: nothing tells the time here
    how: str  # known, interpolated, estimated (or "unknown" with no seconds)


@dataclass(frozen=True)
class Timeline:
    """A source's known (offset, seconds) points in text order, times never falling."""

    points: tuple[tuple[int, float], ...]
    length: int  # characters in the text
    end_seconds: float | None  # the transcript time at the recording's end, if any
    offset: float  # where the transcript's time 0 falls in the recording

    @cached_property
    def offsets(self) -> list[int]:
        """The points' offsets, for bisecting (once: a listing asks thousands of times)."""
        return [at for at, _ in self.points]

    def at(self, position: int) -> TimeAt:
        points = self.points
        if not points and self.end_seconds is None:
            return TimeAt(None, "unknown")
        offsets = self.offsets
        i = bisect_right(offsets, position)
        if i and offsets[i - 1] == position:
            return TimeAt(points[i - 1][1], KNOWN)
        before = points[i - 1] if i else None
        after = points[i] if i < len(points) else None
        how = INTERPOLATED
        if before is None:  # before the first known time: the text starts at time 0
            before, how = (0, 0.0), ESTIMATED
        if after is None:  # after the last: the text ends where the recording does
            if self.end_seconds is None or self.end_seconds < before[1]:
                return TimeAt(before[1], ESTIMATED)  # at least the last known time
            after, how = (self.length, self.end_seconds), ESTIMATED
        span = after[0] - before[0]
        share = (position - before[0]) / span if span > 0 else 0.0
        return TimeAt(before[1] + share * (after[1] - before[1]), how)

    def in_recording(self, seconds: float) -> float:
        return seconds + self.offset


def timeline(session: Session, source: Source) -> Timeline:
    """What `source` tells about time: its marks, its timed turns and its recording."""
    return timelines(session, [source.id]).get(source.id) or Timeline(
        (), source.length, None, 0.0)


def timelines(session: Session, source_ids: Iterable[int] | None = None) -> dict[int, Timeline]:
    """The timeline of every source that tells anything about time (of `source_ids`,
    or all): three queries however many sources, for listings of every quote."""
    wanted = None if source_ids is None else set(source_ids)

    def only(query: Any, column: Any) -> Any:
        return query if wanted is None else query.where(column.in_(wanted))

    found: dict[int, dict[int, float]] = {}
    for source_id, at, seconds in session.execute(only(
            select(TimeMark.source_id, TimeMark.offset, TimeMark.seconds),
            TimeMark.source_id)):
        found.setdefault(source_id, {})[at] = seconds
    for source_id, start, end, begin, finish in session.execute(only(
            select(SpeakerTurn.source_id, SpeakerTurn.start, SpeakerTurn.end,
                   SpeakerTurn.begin_seconds, SpeakerTurn.end_seconds)
            .where(SpeakerTurn.begin_seconds.is_not(None)), SpeakerTurn.source_id)):
        known = found.setdefault(source_id, {})
        known.setdefault(start, begin)
        if finish is not None:
            known.setdefault(end, finish)
    recordings = {r.source_id: r for r in session.scalars(only(
        select(Recording), Recording.source_id))}
    lengths = {source_id: length for source_id, length in session.execute(
        select(Source.id, Source.length).where(Source.id.in_(set(found) | set(recordings))))}
    lines = {}
    for source_id, length in lengths.items():
        recording = recordings.get(source_id)
        offset = recording.offset_seconds if recording is not None else 0.0
        last = recording.duration_seconds - offset if recording is not None else None
        lines[source_id] = Timeline(_rising(sorted(found.get(source_id, {}).items())),
                                    length, last, offset)
    return lines


def time_in(lines: dict[int, Timeline], source_id: int | None,
            position: int | None) -> float | None:
    """The time at `position` of a source in `lines` (from `timelines`), to a tenth of a
    second; None when nothing tells it. What listings show beside each quote."""
    line = lines.get(source_id) if source_id is not None else None
    found = line.at(position).seconds if line is not None and position is not None else None
    return round(found, 1) if found is not None else None


def _rising(points: list[tuple[int, float]]) -> tuple[tuple[int, float], ...]:
    """The most points whose times never fall, in text order: a mistyped timestamp
    ("[00:10:00]" for 00:01:00) is left out rather than running time backwards around
    it. The longest non-decreasing run of times, found in n log n (patience sorting)."""
    tails: list[float] = []  # the smallest last time of a run of each length
    tail_at: list[int] = []  # which point ends that run
    before: list[int] = []  # the point before each one in its run
    for n, (_, seconds) in enumerate(points):
        length = bisect_right(tails, seconds)
        before.append(tail_at[length - 1] if length else -1)
        if length == len(tails):
            tails.append(seconds)
            tail_at.append(n)
        else:
            tails[length], tail_at[length] = seconds, n
    kept: list[tuple[int, float]] = []
    n = tail_at[-1] if tail_at else -1
    while n >= 0:
        kept.append(points[n])
        n = before[n]
    return tuple(reversed(kept))
