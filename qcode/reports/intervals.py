"""Character spans as intervals: their union, its size, and what two unions share.

Kept apart from the agreement report (and its pandas) because the workbench's sources
screen measures coverage with them as it starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The union of spans as sorted, disjoint (start, end) intervals."""
    result: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if result and start <= result[-1][1]:
            if end > result[-1][1]:
                result[-1] = (result[-1][0], end)
        else:
            result.append((start, end))
    return result


def covered(intervals: Sequence[tuple[int, int]]) -> int:
    """Characters in sorted, disjoint intervals."""
    return sum(end - start for start, end in intervals)


def shared(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> int:
    """Characters in both of two sorted, disjoint interval lists."""
    total, i, j = 0, 0, 0
    while i < len(a) and j < len(b):
        total += max(0, min(a[i][1], b[j][1]) - max(a[i][0], b[j][0]))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total
