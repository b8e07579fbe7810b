"""The study's figures: mentions by group, then within each group by subdivision (as
the study's figures 13-16), the groups by stakeholder group, and the saturation curve;
each a table and its chart. `qcode figures` draws them into a folder, `qcode export
markdown` writes them beside their tables, and `api.figures` does the first from
Python; one list, so the three agree. `mentions_chart` draws what `qcode report
mentions --chart` asks for, coloured the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qcode.reports.chart_style import ChartStyle
from qcode.reports.mentions import Filters, mentions
from qcode.services.codebook import list_subdivisions
from qcode.services.project import Project, project_summary

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class StudyFigure:
    name: str  # the file name's stem: "overview", or the group's name as a slug
    title: str
    table: pd.DataFrame
    figure: Figure


def study_figures(project: Project, style: ChartStyle | None = None,
                  stakeholder: str | None = None) -> list[StudyFigure]:
    """The overview by group, one figure per group that has mentions, the groups by
    stakeholder group (the case attribute `stakeholder`, else one named so) and the
    saturation curve, each where there is something to draw."""
    from qcode.reports.charts import bar_chart, crosstab_chart, saturation_chart
    from qcode.reports.figure_colours import (
        dimension_colours,
        stakeholder_attribute,
        subdivision_groups,
    )
    from qcode.reports.progress import saturation

    style = project_style(project, style)
    overview = mentions(project, "group")
    heading = title_for(style, "mentions", "group")
    found = [StudyFigure("overview", heading, overview, bar_chart(
        overview, "group", heading, style=style, colours=dimension_colours(project, "group")))]
    for top in (s.name for s in list_subdivisions(project) if s.parent is None):
        table = mentions(project, "subdivision", filters=Filters(subtree=top))
        if table["mentions"].sum():
            bars = subdivision_groups(project, top)
            found.append(StudyFigure(slug(top), top, table, bar_chart(
                table, "subdivision", top, bars.groups or None, style=style,
                colours=bars.colours, ungrouped=style.word(bars.ungrouped))))
    attribute = stakeholder or stakeholder_attribute(project)
    if attribute:
        across = f"attribute:{attribute}"
        table = mentions(project, "group", across=across)
        if int(table["Total"].iloc[-1]):
            heading = title_for(style, "mentions", "group", attribute)
            found.append(StudyFigure(f"by-{slug(attribute)}", heading, table, crosstab_chart(
                table, "group", heading, style=style,
                colours=dimension_colours(project, across))))
    progress = saturation(project)
    if len(progress):
        found.append(StudyFigure("saturation", style.word("saturation"), progress,
                                 saturation_chart(progress, style)))
    return found


def mentions_chart(project: Project, table: pd.DataFrame, by: str, across: str | None,
                   subtree: str | None = None, unit: str = "mentions",
                   title: str | None = None, stacked: bool = True,
                   style: ChartStyle | None = None) -> Figure:
    """The chart of a `mentions` table: bars grouped by group (over the whole tree) or
    factor group (inside `subtree`) for subdivisions, stable colours for groups and
    attribute values, a crosstab as stacked bars; `title` None says what is counted."""
    from qcode.reports.charts import bar_chart, crosstab_chart
    from qcode.reports.figure_colours import dimension_colours, subdivision_groups

    style = project_style(project, style)
    label = str(table.columns[0])
    heading = title if title is not None else title_for(
        style, unit, label, across and dimension_label(across), subtree)
    if across is not None:
        return crosstab_chart(table, label, heading, stacked, unit, style=style,
                              colours=dimension_colours(project, across, subtree))
    if by.strip().lower() == "subdivision":
        bars = subdivision_groups(project, subtree)
        return bar_chart(table, label, heading, bars.groups or None, unit, style=style,
                         colours=bars.colours, ungrouped=style.word(bars.ungrouped))
    return bar_chart(table, label, heading, None, unit, style=style,
                     colours=dimension_colours(project, by, subtree))


def draw_figures(project: Project, folder: Path, kind: str = "png",
                 style: ChartStyle | None = None, stakeholder: str | None = None
                 ) -> list[Path]:
    """Draw every study figure into `folder` as .png, .svg or .pdf; the files written."""
    from qcode.reports.charts import save

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for found in study_figures(project, style, stakeholder):
        path = folder / f"{found.name}.{kind}"
        save(found.figure, path)
        written.append(path)
    return written


def project_style(project: Project, style: ChartStyle | None) -> ChartStyle:
    """`style` (or the default) speaking the project's language unless told otherwise."""
    style = style or ChartStyle()
    if style.language is not None:
        return style
    return style.for_language(project_summary(project).language)


def title_for(style: ChartStyle, unit: str, by: str, across: str | None = None,
              subtree: str | None = None) -> str:
    """"Mentions by group", "Menciones por grupo y stakeholder group", "... in X"."""
    words = [style.word(unit).capitalize(), style.word("by"), style.dimension(by)]
    if across:
        words += [style.word("across"), style.dimension(across)]
    if subtree:
        words += [style.word("in"), subtree]
    return " ".join(words)


def dimension_label(dimension: str) -> str:
    """What a dimension is called in a title: an attribute's name, else the dimension."""
    kind, _, name = dimension.partition(":")
    return name.strip() if kind.strip().lower() == "attribute" else dimension.strip().lower()


def slug(name: str) -> str:
    """A file name's stem from a group's name: "Inclusion criteria" -> inclusion-criteria."""
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())
