"""Percentages that add up to exactly 100."""

from __future__ import annotations

from collections.abc import Sequence


def shares(counts: Sequence[int], decimals: int = 0) -> list[float]:
    """Each count's share of the total, rounded so the shares sum to exactly 100.

    Largest-remainder rounding: every share is first rounded down to `decimals`
    places; the units still missing to reach 100 go, one each, to the shares with the
    largest remainders (ties to the larger count, then to the earlier one). So
    844 / 1300 shows as 65 and 40 / 72 + 32 / 72 as 56 + 44.
    """
    total = sum(counts)
    if total == 0:
        return [0.0 for _ in counts]
    unit = 10**decimals
    exact = [c * 100 * unit / total for c in counts]
    floors = [int(e) for e in exact]
    missing = 100 * unit - sum(floors)
    order = sorted(range(len(counts)), key=lambda i: (-(exact[i] - floors[i]), -counts[i], i))
    for i in order[:missing]:
        floors[i] += 1
    return [f / unit for f in floors]
