"""The order of the bars in a chart grouped by (factor) group.

A thesis figure reads top to bottom: the largest group first, inside it the largest
subdivision first, so both the groups and their parts can be compared at a glance.
Bars without a group come last, as one block, and the empty buckets ("(no
subdivision)") at its very end, where the tables put them too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from qcode.names import natural_key
from qcode.reports.mentions import EMPTY_BUCKETS


def order_by_group(rows: Sequence[tuple[str, int]],
                   groups: Mapping[str, str]) -> list[tuple[str, int, str | None]]:
    """(label, count, group or None) from top to bottom: groups by their totals, bars
    by their counts within their group, ties by name as a researcher counts."""
    totals: dict[str, int] = {}
    for label, count in rows:
        if label in groups:
            totals[groups[label]] = totals.get(groups[label], 0) + count
    rank = {name: place for place, name in enumerate(
        sorted(totals, key=lambda name: (-totals[name], natural_key(name))))}
    placed = [(label, count, groups.get(label)) for label, count in rows]
    placed.sort(key=lambda row: (
        rank.get(row[2] or "", len(rank)),
        row[0] in EMPTY_BUCKETS, -row[1], natural_key(row[0])))
    return placed
