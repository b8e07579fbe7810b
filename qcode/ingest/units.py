"""The units a researcher codes by: words, sentences, speaker turns and paragraphs.

The reader selects them with w, s, t and p; auto-coding widens search hits to them. Both
use this one definition, so a sentence coded from a search is the sentence the reader
would select: without the speaker label ("IP4: ") in front and without surrounding
white space.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from qcode.services.sources import Turn

UNITS = ("word", "sentence", "turn", "paragraph")
WORD = re.compile(r"\w+(?:[-'’]\w+)*")

Span = tuple[int, int]


def speaker_labels(text: str, turns: Sequence[Turn]) -> dict[int, int]:
    """Where each speaker label ("IP4: ") starts and where its turn's words begin.

    A turn's span is what was said; its label stands before it on the same line.
    """
    found = {}
    for turn in turns:
        line_start = text.rfind("\n", 0, turn.start) + 1
        label = text[line_start:turn.start]
        if label.strip() and turn.speaker.strip() in label:
            found[line_start] = turn.start
    return found


class TextUnits:
    """Every unit of one text, each kind worked out once (the text does not change)."""

    def __init__(self, text: str, turns: Sequence[Turn] = (), language: str = "en",
                 sentences: list[Span] | None = None) -> None:
        self.text = text
        self.turns = list(turns)
        self.language = language
        self.sentences = sentences
        self._label_end = speaker_labels(text, self.turns)
        self._units: dict[str, list[Span]] = {}

    def label_end(self, line_start: int) -> int:
        """Where the speaker label that starts this line ends, else 0."""
        return self._label_end.get(line_start, 0)

    def set_sentences(self, sentences: list[Span]) -> None:
        """Sentence boundaries worked out elsewhere (in the background, in the reader)."""
        self.sentences = sentences
        self._units.pop("sentence", None)

    def spans(self, unit: str) -> list[Span]:
        """Every span of one kind, in text order: word, sentence, turn, paragraph."""
        if unit not in self._units:
            self._units[unit] = self._find(unit)
        return self._units[unit]

    def covering(self, unit: str, start: int, end: int) -> Span | None:
        """The run of `unit` spans that [start, end) touches, from the first to the last.

        None when no span of that kind overlaps it (a hit inside a speaker label, or
        outside every turn).
        """
        spans = self.spans(unit)
        starts = [a for a, _ in spans]
        n = max(0, bisect_right(starts, start) - 1)
        while n < len(spans) and spans[n][1] <= start:
            n += 1
        if n >= len(spans) or spans[n][0] >= end:
            return None
        last = n
        while last + 1 < len(spans) and spans[last + 1][0] < end:
            last += 1
        return spans[n][0], spans[last][1]

    def _find(self, unit: str) -> list[Span]:
        if unit == "word":
            return [m.span() for m in WORD.finditer(self.text)]
        if unit == "sentence":
            if self.sentences is None:
                from qcode.ingest.sentences import sentence_spans

                self.sentences = sentence_spans(self.text, self.language)
            return [self._without_label(a, b) for a, b in self.sentences]
        if unit == "turn":
            return [self._without_label(*self._trimmed(t.start, t.end)) for t in self.turns]
        if unit != "paragraph":
            raise ValueError(f"unknown unit {unit!r}; choose one of {', '.join(UNITS)}")
        spans, at = [], 0
        for line in self.text.split("\n"):
            if line.strip():
                spans.append(self._without_label(*self._trimmed(at, at + len(line))))
            at += len(line) + 1
        return spans

    def _trimmed(self, start: int, end: int) -> Span:
        chunk = self.text[start:end]
        return start + len(chunk) - len(chunk.lstrip()), end - (len(chunk) - len(chunk.rstrip()))

    def _without_label(self, start: int, end: int) -> Span:
        """A sentence or turn without the speaker label in front of it."""
        label_end = self.label_end(start)
        if label_end and label_end < end:
            return self._trimmed(label_end, end)
        return start, end
