"""Which colour each bar of a study's chart gets, from the whole project.

Colours are worked out from everything the project holds (every top-level group,
every factor group of a subtree, every value of a case attribute), not from what one
chart happens to show, so a filtered chart and the full one agree (qcode.reports.palette).
"""

from __future__ import annotations

from dataclasses import dataclass

from qcode.names import name_key
from qcode.reports import scope
from qcode.reports.mentions import EMPTY_BUCKETS
from qcode.reports.palette import PALETTE, stable_colours
from qcode.reports.scope import attribute_values
from qcode.services.codebook import SubdivisionInfo, factor_groups, list_subdivisions
from qcode.services.project import Project


@dataclass(frozen=True)
class BarGroups:
    """How the bars of a subdivision chart are grouped and coloured.

    `groups` maps a subdivision to its group (empty: one block, no legend); `colours`
    maps a group to its colour, or with no groups every bar's label to one colour;
    `ungrouped` is the legend's word for bars in no group.
    """

    groups: dict[str, str]
    colours: dict[str, str]
    ungrouped: str  # a key of ChartStyle.word


def group_colours(project: Project, nodes: list[SubdivisionInfo] | None = None
                  ) -> dict[str, str]:
    """A colour per top-level group: the codebook's colour where the researcher set one."""
    nodes = nodes if nodes is not None else list_subdivisions(project)
    tops = [n for n in nodes if n.parent is None]
    return stable_colours([n.name for n in tops], {n.name: n.color for n in tops},
                          neutral=EMPTY_BUCKETS)


def subdivision_groups(project: Project, subtree: str | None = None) -> BarGroups:
    """Over the whole tree, bars grouped by their top-level group; inside `subtree`, by
    factor group (subdivisions outside every factor group go grey), or where it has
    none, one block in the colour its top-level group has in every other chart."""
    nodes = list_subdivisions(project)
    colours = group_colours(project, nodes)
    parents = {n.name: n.parent for n in nodes}
    if subtree is None:
        return BarGroups({name: _top(parents, name) for name in parents}, colours,
                         "no group")
    under = _below(nodes, subtree)
    factors = {name: group for name, group in factor_groups(project, nodes).items()
               if name in under and group in under}
    if not factors:
        top = _top(parents, next((n for n in under if name_key(n) == name_key(subtree)),
                                 subtree))
        return BarGroups({}, dict.fromkeys(under, colours.get(top, PALETTE[0])), "no group")
    found = [n for n in nodes if n.kind == "factor_group" and n.name in under]
    return BarGroups(factors, stable_colours([n.name for n in found],
                                             {n.name: n.color for n in found}),
                     "no factor group")


def _top(parents: dict[str, str | None], name: str) -> str:
    """The top-level group above `name` (or `name` itself at the top)."""
    seen = {name}
    while (parent := parents.get(name)) and parent not in seen:
        seen.add(parent)
        name = parent
    return name


def value_colours(project: Project, attribute: str) -> dict[str, str]:
    """A colour per value of a case attribute, the same in every chart of the project."""
    with project.reading() as session:
        values = attribute_values(session, attribute)
    return stable_colours(values, neutral=EMPTY_BUCKETS)


def dimension_colours(project: Project, dimension: str, subtree: str | None = None
                      ) -> dict[str, str] | None:
    """Stable colours for the values of a report dimension, where it has a fixed set:
    an attribute's values, or the top-level groups; None where any order will do."""
    kind, _, arg = dimension.partition(":")
    kind = kind.strip().lower()
    if kind == "attribute":
        return value_colours(project, arg.strip())
    if kind == "group" and subtree is None:
        return group_colours(project)
    return None


def stakeholder_attribute(project: Project) -> str | None:
    """The case attribute that holds the stakeholder group, found by its name."""
    return project.read(scope.stakeholder_attribute)


def _below(nodes: list[SubdivisionInfo], subtree: str) -> set[str]:
    """`subtree` and every node under it."""
    inside = {name_key(subtree)}
    found: set[str] = set()
    for node in nodes:  # depth-first order: a parent comes before its children
        if name_key(node.name) in inside or (node.parent and name_key(node.parent) in inside):
            inside.add(name_key(node.name))
            found.add(node.name)
    return found
