"""What the codebook tree shows, line by line: plain data, no widgets.

The codebook screen only draws these rows; filtering the tree by typed words and
finding where an item sits are decided here, where a test can check them directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from qcode.services.codebook import CodeInfo, SubdivisionInfo

KIND_LABELS = {"group": "group", "factor_group": "factor group", "subdivision": "subdivision"}
ALL_CODES = "All codes"


@dataclass(frozen=True)
class Entry:
    """What a tree line stands for: a subdivision, or a code (under a subdivision)."""

    kind: str  # "subdivision", "code", or "all" (the list of every code)
    name: str
    under: str | None = None  # for a code: the subdivision it is shown under

    @property
    def key(self) -> str:
        """How the entry is remembered in the settings (whether it is collapsed)."""
        return f"{self.kind}:{self.name}"


ALL = Entry("all", ALL_CODES)


@dataclass(frozen=True)
class CodebookData:
    nodes: list[SubdivisionInfo]
    codes: list[CodeInfo]
    placements: list[tuple[int, str, int]]


@dataclass(frozen=True)
class Row:
    """One line of the tree, drawn under the line of `parent` (None: the top level)."""

    entry: Entry
    parent: Entry | None
    count: int  # mentions for a subdivision (rolled up), codings for a code
    note: str = ""  # what kind of subdivision: may be left out where room is short
    colour: str | None = None  # a code's swatch
    bold: bool = False  # the top-level groups
    matched: bool = False  # holds every word of the filter (its ancestors do not)


def rolled_up(data: CodebookData) -> dict[int, int]:
    """Each node's mentions with everything under it."""
    total = {n.id: n.mentions for n in data.nodes}
    by_name = {n.name: n for n in data.nodes}
    for node in reversed(data.nodes):  # depth-first order: children come after parents
        if node.parent is not None:
            total[by_name[node.parent].id] += total[node.id]
    return total


def matches(query: str, name: str) -> bool:
    """True when `name` holds every word typed, in any case (as the pickers match)."""
    lowered = name.lower()
    return all(word in lowered for word in query.lower().split())


def all_rows(data: CodebookData) -> list[Row]:
    """Every line, parents before their children: the subdivision tree with the codes
    filed under each subdivision, then every code under "All codes"."""
    totals = rolled_up(data)
    colours = {c.name: c.color for c in data.codes}
    filed: dict[int, list[tuple[str, int]]] = {}
    for sid, code, count in data.placements:
        filed.setdefault(sid, []).append((code, count))
    rows = []
    for info in data.nodes:
        entry = Entry("subdivision", info.name)
        parent = Entry("subdivision", info.parent) if info.parent else None
        group = info.kind == "group"
        rows.append(Row(entry, parent, totals[info.id],
                        note="" if group else KIND_LABELS[info.kind], bold=group))
        rows += [Row(Entry("code", code, info.name), entry, count, colour=colours.get(code))
                 for code, count in filed.get(info.id, [])]
    rows.append(Row(ALL, None, len(data.codes), bold=True))
    rows += [Row(Entry("code", c.name), ALL, c.codings, colour=c.color) for c in data.codes]
    return rows


def codebook_rows(data: CodebookData, query: str = "") -> list[Row]:
    """The lines to show: all of them, or those matching `query` with their ancestors
    (so a match is seen where it sits)."""
    rows = all_rows(data)
    if not query.split():
        return rows
    hit = [matches(query, row.entry.name) for row in rows]
    shown: set[Entry] = set()
    for row, matched in zip(reversed(rows), reversed(hit), strict=True):
        if matched or row.entry in shown:  # children come after parents: seen first here
            shown.add(row.entry)
            if row.parent is not None:
                shown.add(row.parent)
    return [Row(row.entry, row.parent, row.count, row.note, row.colour, row.bold, matched)
            for row, matched in zip(rows, hit, strict=True) if row.entry in shown]


def ancestors(rows: list[Row], entry: Entry) -> list[Entry]:
    """The entries above `entry` in the tree, nearest first."""
    parent_of = {row.entry: row.parent for row in rows}
    found = []
    above = parent_of.get(entry)
    while above is not None:
        found.append(above)
        above = parent_of.get(above)
    return found


def find(rows: list[Row], kind: str, name: str) -> Entry | None:
    """The first line (in tree order) for the item `kind` `name`: a code filed under
    several subdivisions is found under the first."""
    return next((row.entry for row in rows
                 if row.entry.kind == kind and row.entry.name == name), None)
