"""`qcode export csv` and `qcode export markdown`: the project for people without Excel.

CSV: one UTF-8 file per table, cells as stored except that text a spreadsheet would
run as a formula gets a leading apostrophe (see qcode.cells.neutralise); `qcode sheet
import` and the participants reader take it off again. Markdown: one
readable report with the mention tables and the figures beside it as PNG files.
"""

from __future__ import annotations

import csv
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from qcode.cells import CSV_LINE_END, csv_value, markdown_table
from qcode.files import written, written_text
from qcode.reports.mentions import Filters, mentions
from qcode.reports.progress import codebook, saturation
from qcode.services.cases import list_cases
from qcode.services.codebook import factor_groups, list_subdivisions
from qcode.services.coding import list_codings
from qcode.services.project import Project, project_summary

CODING_COLUMNS = ["quote", "code", "emphasis", "subdivision", "other subdivisions", "notes",
                  "source", "case", "start", "end", "coder"]


def tables(project: Project, with_codings: bool = True) -> dict[str, pd.DataFrame]:
    """The project's tables by file name: codings, codebook, cases, counts, saturation.

    The xlsx export writes the codings itself (with continuation rows) and asks
    without them, so a large project's codings are loaded once.
    """
    found = _summaries(project)
    if with_codings:
        found = {"codings": _codings(project), **found}
    return found


def _codings(project: Project) -> pd.DataFrame:
    rows = [asdict(r) for r in list_codings(project)]
    return pd.DataFrame(
        [[r["text"], r["code"], r["emphasis"], r["subdivision"],
          "; ".join(r["other_subdivisions"]), r["notes"], r["source"], "; ".join(r["cases"]),
          r["start"], r["end"], r["coder"]] for r in rows],
        columns=CODING_COLUMNS,
    )


def _summaries(project: Project) -> dict[str, pd.DataFrame]:
    cases = list_cases(project)
    attributes = list(dict.fromkeys(a for c in cases for a in c.attributes))
    case_table = pd.DataFrame(
        [[c.key, c.name, "; ".join(c.sources), *(c.attributes.get(a) for a in attributes)]
         for c in cases],
        columns=["case", "name", "sources", *attributes],
    )
    return {
        "codebook": codebook(project),
        "cases": case_table,
        "mentions_by_group": mentions(project, "group"),
        "mentions_by_subdivision": mentions(project, "subdivision"),
        "saturation": saturation(project),
    }


def export_csv(project: Project, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in tables(project).items():
        path = folder / f"{name}.csv"
        table = table.map(csv_value).rename(columns=lambda c: csv_value(str(c)))
        with written(path) as temporary:
            table.to_csv(temporary, index=False, encoding="utf-8", quoting=csv.QUOTE_MINIMAL,
                         lineterminator=CSV_LINE_END)
        paths.append(path)
    return paths


def export_markdown(project: Project, folder: Path) -> Path:
    """report.md with the counts per group and inside each group, and their figures."""
    from qcode.reports.charts import bar_chart, save

    folder.mkdir(parents=True, exist_ok=True)
    summary = project_summary(project)
    groups = factor_groups(project)
    overview = mentions(project, "group")
    lines = [f"# {summary.name}", "",
             f"{int(overview['mentions'].sum())} mentions in all. Percentages add up to "
             "100 (largest remainder).", "", "## Mentions by group", ""]
    save(bar_chart(overview, "group", "Mentions by group"), folder / "overview.png")
    lines += [_markdown(overview), "", "![Mentions by group](overview.png)", ""]
    for number, top in enumerate(s.name for s in list_subdivisions(project) if s.parent is None):
        inside = mentions(project, "subdivision", filters=Filters(subtree=top))
        if not inside["mentions"].sum():
            continue
        picture = f"group-{number + 1}.png"
        save(bar_chart(inside, "subdivision", top, groups), folder / picture)
        lines += [f"## {top}", "", _markdown(inside), "", f"![{top}]({picture})", ""]
    lines += ["## Saturation", "", _markdown(saturation(project)), ""]
    path = folder / "report.md"
    with written_text(path) as handle:
        handle.write("\n".join(lines))
    return path


def _markdown(table: pd.DataFrame) -> str:
    rows = list(table.itertuples(index=False, name=None))
    return "\n".join(markdown_table(list(table.columns), rows))
