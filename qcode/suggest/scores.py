"""Precision, recall and F1 at the unit level: each (unit, code) pair is one decision."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass
class Tally:
    """Decisions of one code (or of all, pooled): hits, false alarms and misses."""

    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        if predicted and actual:
            self.true_positive += 1
        elif predicted:
            self.false_positive += 1
        elif actual:
            self.false_negative += 1

    def count(self, predicted: Any, actual: Any) -> None:
        """Add many decisions at once: two boolean arrays of the same shape."""
        self.true_positive += int((predicted & actual).sum())
        self.false_positive += int((predicted & ~actual).sum())
        self.false_negative += int((~predicted & actual).sum())

    def __iadd__(self, other: Tally) -> Tally:
        self.true_positive += other.true_positive
        self.false_positive += other.false_positive
        self.false_negative += other.false_negative
        return self

    @property
    def units(self) -> int:
        """How many units really carry the code."""
        return self.true_positive + self.false_negative

    @property
    def precision(self) -> float | None:
        """Of the units suggested, the share that carry the code; None if none was."""
        said = self.true_positive + self.false_positive
        return self.true_positive / said if said else None

    @property
    def recall(self) -> float | None:
        """Of the units that carry the code, the share suggested; None if none does."""
        return self.true_positive / self.units if self.units else None

    @property
    def f1(self) -> float | None:
        """The harmonic mean of precision and recall (0 when nothing was right)."""
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


def pooled(tallies: Iterable[Tally]) -> Tally:
    """Micro-averaging: every decision of every code counted together."""
    total = Tally()
    for tally in tallies:
        total += tally
    return total
