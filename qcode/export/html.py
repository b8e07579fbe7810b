"""`qcode export html`: the study as a report a supervisor opens in the browser.

The folder holds index.html and figures/*.svg. The page carries everything itself
(styles, script, the figures inlined), so it opens by double-click, offline, from a
USB stick or an e-mail attachment; the SVG files are there to reuse in a thesis. This
module gathers the numbers and quotes (the same functions the report commands use, so
the page agrees with `qcode report mentions`); html_page.py writes the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qcode.errors import InputError
from qcode.export.html_quotes import GroupQuotes, quote_groups
from qcode.files import written_text
from qcode.names import name_key
from qcode.reports.breakdown import BreakdownRow, group_breakdown
from qcode.reports.mentions import count_mentions, frame
from qcode.reports.percent import shares
from qcode.reports.scope import STAKEHOLDER, pick_stakeholder
from qcode.services.cases import CaseInfo, list_cases
from qcode.services.codebook import SubdivisionInfo, list_subdivisions
from qcode.services.coding import list_codings
from qcode.services.project import Project, project_summary
from qcode.services.sources import list_sources

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from qcode.reports.figures import StudyFigure

FIGURES = "figures"  # the subfolder of the SVG files


@dataclass(frozen=True)
class Drawn:
    """A figure as the page shows it: its SVG markup, and its file for reuse."""

    title: str
    file: str  # relative to the report folder
    svg: str


@dataclass(frozen=True)
class Share:
    label: str
    mentions: int
    percent: float


@dataclass(frozen=True)
class SubdivisionShare:
    factor_group: str | None
    subdivision: str
    mentions: int
    percent: float  # of the group
    of_all: float  # of every mention (the `--by subdivision` report)


@dataclass(frozen=True)
class GroupCounts:
    """One group's figure: its subdivisions, and its factor groups where it has them."""

    name: str
    total: int
    rows: list[SubdivisionShare]
    factor_groups: list[Share]
    figure: Drawn | None


@dataclass(frozen=True)
class Crosstab:
    """Mentions by group across the values of a case attribute, with column shares."""

    attribute: str
    label: str  # the row dimension's name ("group")
    rows: list[str]
    columns: list[str]
    counts: dict[tuple[str, str], int]
    percent: dict[tuple[str, str], float]  # of the column's total
    figure: Drawn | None


@dataclass(frozen=True)
class CodeEntry:
    code: str
    description: str | None
    codings: int
    subdivisions: list[str]


@dataclass(frozen=True)
class Report:
    """Everything the page shows, in plain values (html_page.py only writes it out)."""

    title: str
    language: str
    made: date
    totals: list[tuple[str, int]]
    overview: list[Share]
    overview_figure: Drawn
    groups: list[GroupCounts]
    across: str  # the case attribute of the crosstab and the filter
    crosstab: Crosstab | None
    saturation: Drawn | None
    cases: list[CaseInfo]
    subdivisions: list[SubdivisionInfo]
    codes: list[CodeEntry]
    quotes: list[GroupQuotes]
    notes: list[str] = field(default_factory=list)  # what the page should say it lacks


def export_html(project: Project, folder: Path, across: str | None = None) -> Path:
    """Write the report into `folder` (index.html and figures/); returns index.html.

    `across` names the case attribute to count and filter by (default: the
    "stakeholder group", when the project has one).
    """
    from qcode.export.html_page import render

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} is a file; give a folder for the report "
                         "(index.html and its figures go in it)")
    if folder.suffix.lower() in (".html", ".htm"):
        raise InputError(f"{folder}: give a folder for the report, not a page's name "
                         "(index.html is written in it)")
    report = gather(project, folder, across)
    page = folder / "index.html"
    # The page last: it only ever names figures that are already written.
    with written_text(page) as handle:
        handle.write(render(report))
    return page


def gather(project: Project, folder: Path, across: str | None = None) -> Report:
    """The report's numbers and quotes; the figures are drawn into `folder`/figures."""
    from qcode.reports.figures import study_figures

    summary = project_summary(project)
    cases = list_cases(project)
    attribute, notes = _attribute(cases, across)
    (folder / FIGURES).mkdir(parents=True, exist_ok=True)  # once the input is known good
    tree = list_subdivisions(project)
    rows = list_codings(project)
    by_group: dict[str, list[BreakdownRow]] = {}
    for row in group_breakdown(project):
        by_group.setdefault(row.group, []).append(row)
    # The study's own figures, so the page shows what `qcode figures` draws. They are
    # told apart by their tables (a group's name may be anything, even "Saturation").
    found = study_figures(project, stakeholder=attribute)
    try:
        overview = found[0]
        tops = {node.name for node in tree if node.parent is None}
        groups = [_group(f.title, by_group.get(f.title, []),
                         _drawn(f.figure, f.title, f.name, folder))
                  for f in found[1:] if f.title in tops and f.table.columns[0] == "subdivision"]
        crossed = next((f for f in found[1:] if "Total" in f.table.columns), None)
        progress = next((f for f in found[1:] if "interview" in f.table.columns), None)
        crosstab = _crosstab(project, attribute, crossed, folder) if attribute else None
        saturation = (_drawn(progress.figure, progress.title, progress.name, folder)
                      if progress is not None else None)
        overview_figure = _drawn(overview.figure, overview.title, overview.name, folder)
    finally:
        import matplotlib.pyplot as plt

        for figure in found:  # saving closes a figure; one not shown must close too
            plt.close(figure.figure)
    return Report(
        title=summary.name, language=summary.language or "en", made=date.today(),
        totals=[("interviews", len(list_sources(project))), ("interview partners", len(cases)),
                ("codes", len({r.code for r in rows})), ("codings", len(rows)),
                ("mentions", int(overview.table["mentions"].sum()))],
        overview=_shares(overview.table),
        overview_figure=overview_figure, groups=groups,
        across=attribute or across or STAKEHOLDER, crosstab=crosstab, saturation=saturation,
        cases=cases, subdivisions=tree, codes=_codes(project),
        quotes=quote_groups(project, rows, tree), notes=notes)


def _attribute(cases: Sequence[CaseInfo], wanted: str | None) -> tuple[str | None, list[str]]:
    """The case attribute to compare by, as the project spells it, and what to say
    when there is none. Asked for by name, a missing one is a mistake; the default
    (the stakeholder group) may simply not be there."""
    names = list(dict.fromkeys(a for case in cases for a in case.attributes))
    if wanted is not None:
        for name in names:
            if name_key(name) == name_key(wanted):
                return name, []
        known = ", ".join(repr(n) for n in names) or "none yet"
        raise InputError(f"no case attribute {wanted!r} (the cases have: {known})")
    found = pick_stakeholder(names)
    if found is not None:
        return found, []
    return None, [f"The cases have no attribute {STAKEHOLDER!r}: no crosstab, and the "
                  "quotes filter by case only (qcode export html --across NAME picks "
                  "another attribute)."]


def _shares(table: pd.DataFrame) -> list[Share]:
    label = table.columns[0]
    return [Share(str(r[label]), int(r["mentions"]), float(r["percent"]))
            for r in table.to_dict("records")]


def _group(name: str, breakdown: list[BreakdownRow], figure: Drawn | None) -> GroupCounts:
    """One group's rows as `group_breakdown` orders them (factor groups together), and
    the shares of its factor groups: the level below the group, as `--subtree GROUP --by
    group` counts it, where a subdivision outside every factor group is a bucket of
    its own."""
    rows = [SubdivisionShare(b.factor_group, b.subdivision, b.mentions, b.percent_of_group,
                             b.percent_of_all) for b in breakdown]
    factors: list[Share] = []
    if any(r.factor_group for r in rows):
        totals: dict[str, int] = {}
        for r in rows:
            bucket = r.factor_group or r.subdivision
            totals[bucket] = totals.get(bucket, 0) + r.mentions
        factors = [Share(label, n, share) for (label, n), share
                   in zip(totals.items(), shares(list(totals.values())), strict=True)]
    return GroupCounts(name, sum(r.mentions for r in rows), rows, factors, figure)


def _crosstab(project: Project, attribute: str, found: StudyFigure | None,
              folder: Path) -> Crosstab:
    counted = count_mentions(project, "group", f"attribute:{attribute}")
    table = frame(counted)
    label = str(table.columns[0])
    rows = [str(v) for v in table[label] if v != "Total"]
    columns = [str(c) for c in table.columns[1:] if c != "Total"]
    counts = {(str(r[label]), str(c)): int(r[c]) for r in table.to_dict("records")
              for c in table.columns[1:]}
    percent = {(str(t["row"]), str(t["column"])): float(t["percent"]) for t in counted.tidy()}
    figure = _drawn(found.figure, found.title, found.name, folder) if found else None
    return Crosstab(attribute, label, rows, columns, counts, percent, figure)


def _codes(project: Project) -> list[CodeEntry]:
    from qcode.reports.progress import codebook

    return [CodeEntry(str(r["code"]), _text(r["description"]), int(r["codings"]),
                      list(r["subdivisions"]))
            for r in codebook(project).to_dict("records")]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _drawn(figure: Figure, title: str, name: str, folder: Path) -> Drawn:
    """Save `figure` as figures/NAME.svg and keep its markup to inline in the page."""
    from qcode.reports.charts import save

    path = folder / FIGURES / f"{name}.svg"
    save(figure, path)
    svg = path.read_text(encoding="utf-8")
    # Inline in HTML, an SVG's XML prologue and doctype are not allowed: drop them.
    return Drawn(title, f"{FIGURES}/{path.name}", svg[svg.find("<svg"):])
