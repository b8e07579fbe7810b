"""What every format reader returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from qcode.services.sources import Turn


@dataclass(frozen=True)
class Document:
    text: str
    encoding: str | None = None
    turns: Sequence[Turn] = ()
    pages: Sequence[int] = field(default_factory=tuple)  # start offset of page 1, 2, ...
    # Positions whose time is known, (offset, seconds): timestamps the transcript
    # carried, or segment and word times of a transcription tool's output.
    marks: Sequence[tuple[int, float]] = field(default_factory=tuple)


def join_paragraphs(paragraphs: Sequence[str]) -> tuple[str, list[int]]:
    """Non-empty paragraphs joined by a blank line, with where each one starts."""
    text, starts = "", []
    for paragraph in paragraphs:
        if not paragraph.strip():
            continue
        if text:
            text += "\n\n"
        starts.append(len(text))
        text += paragraph
    return text, starts
