"""Mentions by subdivision inside their groups, as the study's figures 13-16 show them.

One row per subdivision with its group (the top of its tree), its factor group (where
the tree has one), its count, its share of the group and its share of all mentions.
The workbook's and the HTML report's tables both read it, so they agree with each
other and with `qcode report mentions --by subdivision`.
"""

from __future__ import annotations

from dataclasses import dataclass

from qcode.names import name_key
from qcode.reports.mentions import NO_SUBDIVISION, Filters, count_mentions
from qcode.reports.percent import shares
from qcode.services.codebook import factor_groups, list_subdivisions
from qcode.services.project import Project


@dataclass(frozen=True)
class BreakdownRow:
    group: str
    factor_group: str | None
    subdivision: str
    mentions: int
    percent_of_group: float
    percent_of_all: float


def group_breakdown(project: Project, filters: Filters | None = None,
                    decimals: int = 0) -> list[BreakdownRow]:
    """Every subdivision with mentions, grouped: groups largest first, inside a group its
    factor groups largest first, then subdivisions largest first; "(no subdivision)"
    last, as a group of its own. Both shares add up to 100 (largest remainder)."""
    counted = count_mentions(project, "subdivision", filters=filters, decimals=decimals)
    nodes = list_subdivisions(project)
    top = {node.name: node.path.split(" / ")[0] for node in nodes}
    factors = factor_groups(project, nodes)
    by_group: dict[str, list[tuple[str, int, float]]] = {}
    for name, count, percent in counted.rows:
        if count:
            by_group.setdefault(top.get(name, name), []).append((name, count, percent))
    totals = {group: sum(n for _, n, _ in rows) for group, rows in by_group.items()}
    order = sorted(by_group, key=lambda g: (g == NO_SUBDIVISION, -totals[g], name_key(g)))
    result: list[BreakdownRow] = []
    for group in order:
        rows = by_group[group]
        factor_totals: dict[str | None, int] = {}
        for name, n, _ in rows:
            factor = factors.get(name)
            factor_totals[factor] = factor_totals.get(factor, 0) + n
        rows.sort(key=lambda r: (factors.get(r[0]) is None, -factor_totals[factors.get(r[0])],
                                 factors.get(r[0]) or "", -r[1], name_key(r[0])))
        within = shares([n for _, n, _ in rows], decimals)
        result.extend(BreakdownRow(group, factors.get(name), name, n, share, percent)
                      for (name, n, percent), share in zip(rows, within, strict=True))
    return result
