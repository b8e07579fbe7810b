"""What a speech engine hears, and what every engine offers qcode.

An engine turns a 16 kHz mono WAV file (qcode.transcribe.audio makes one) into
segments: stretches of speech with their start and end in seconds, their text, the
speaker where the engine tells speakers apart, and the times of single words where it
gives them. qcode.transcribe.layout makes a source of that.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from qcode.progress import Progress

# Asked now and then while an engine works; True stops it (it raises Cancelled).
IsCancelled = Callable[[], bool]


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str
    speaker: str | None = None
    words: tuple[Word, ...] = ()


@dataclass(frozen=True)
class Transcript:
    segments: tuple[Segment, ...]
    duration: float  # seconds of sound the engine was given


class Engine(Protocol):
    """A speech recogniser that runs on this machine, its model loaded."""

    @property
    def name(self) -> str:
        """As --engine names it."""

    @property
    def version(self) -> str:
        """Of the package that recognises."""

    @property
    def model(self) -> str:
        """Which model: a name, or the folder it was read from."""

    @property
    def settings(self) -> Mapping[str, object]:
        """What else shapes its output; stored on the source with the rest."""

    def transcribe(self, audio: Path, language: str, progress: Progress,
                   cancelled: IsCancelled) -> Transcript:
        """Segments of the 16 kHz mono WAV `audio`, calling progress(seconds done,
        seconds in all, what) as it goes; raises Cancelled once `cancelled()` is True."""
        ...
