"""The study's figures: mentions by group, then within each group by subdivision (as
the study's figures 13-16), each a table and its bar chart. `qcode figures` draws them
into a folder, `qcode export markdown` writes them beside their tables, and
`api.figures` does the first from Python; one list, so the three agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qcode.reports.mentions import Filters, mentions
from qcode.services.codebook import factor_groups, list_subdivisions
from qcode.services.project import Project

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class StudyFigure:
    name: str  # the file name's stem: "overview", or the group's name as a slug
    title: str
    table: pd.DataFrame
    figure: Figure


def study_figures(project: Project) -> list[StudyFigure]:
    """The overview by group, then one figure per group that has mentions."""
    from qcode.reports.charts import bar_chart

    groups = factor_groups(project)
    overview = mentions(project, "group")
    found = [StudyFigure("overview", "Mentions by group", overview,
                         bar_chart(overview, "group", "Mentions by group", None))]
    for top in (s.name for s in list_subdivisions(project) if s.parent is None):
        table = mentions(project, "subdivision", filters=Filters(subtree=top))
        if table["mentions"].sum():
            found.append(StudyFigure(slug(top), top, table,
                                     bar_chart(table, "subdivision", top, groups)))
    return found


def draw_figures(project: Project, folder: Path, kind: str = "png") -> list[Path]:
    """Draw every study figure into `folder` as .png, .svg or .pdf; the files written."""
    from qcode.reports.charts import save

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for found in study_figures(project):
        path = folder / f"{found.name}.{kind}"
        save(found.figure, path)
        written.append(path)
    return written


def slug(name: str) -> str:
    """A file name's stem from a group's name: "Inclusion criteria" -> inclusion-criteria."""
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())
