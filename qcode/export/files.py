"""`qcode export csv` and `qcode export markdown`: the project for people without Excel.

CSV: one UTF-8 file per table, cells as stored except that text a spreadsheet would
run as a formula gets a leading apostrophe (see qcode.cells.neutralise); `qcode sheet
import` and the participants reader take it off again. Markdown: one
readable report with the mention tables and the figures beside it as PNG files.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pandas as pd

from qcode.cells import markdown_table, write_csv
from qcode.columns import CODING_COLUMNS
from qcode.files import written_text
from qcode.reports.mentions import mentions
from qcode.reports.progress import codebook, saturation
from qcode.services.cases import case_rows, list_cases
from qcode.services.coding import list_codings
from qcode.services.project import Project, project_summary


def tables(project: Project) -> dict[str, pd.DataFrame]:
    """The project's tables by file name: codings, codebook, cases, counts, saturation."""
    return {"codings": _codings(project), **_summaries(project)}


def _codings(project: Project) -> pd.DataFrame:
    """The codings in the columns `qcode codings` lists them in (one schema)."""
    rows = [asdict(r) for r in list_codings(project)]
    # object columns: an unanchored coding's missing offsets must not turn 28 into 28.0
    return pd.DataFrame([[row[c] for c in CODING_COLUMNS] for row in rows],
                        columns=CODING_COLUMNS, dtype=object)


def case_table(project: Project) -> pd.DataFrame:
    """The cases with an attribute per column, as `qcode cases` lists them."""
    rows, columns = case_rows(list_cases(project))
    return pd.DataFrame([[row.get(c) for c in columns] for row in rows], columns=columns)


def _summaries(project: Project) -> dict[str, pd.DataFrame]:
    return {
        "codebook": codebook(project),
        "cases": case_table(project),
        "mentions_by_group": mentions(project, "group"),
        "mentions_by_subdivision": mentions(project, "subdivision"),
        "saturation": saturation(project),
    }


def export_csv(project: Project, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in tables(project).items():
        path = folder / f"{name}.csv"
        rows = table.astype(object).where(table.notna(), None).to_numpy().tolist()
        with written_text(path) as handle:
            write_csv(handle, list(table.columns), rows)
        paths.append(path)
    return paths


def export_markdown(project: Project, folder: Path) -> Path:
    """report.md with the counts per group and inside each group, and their figures."""
    from qcode.reports.charts import save
    from qcode.reports.figures import study_figures

    folder.mkdir(parents=True, exist_ok=True)
    summary = project_summary(project)
    figures = study_figures(project)
    overview = figures[0]
    lines = [f"# {summary.name}", "",
             f"{int(overview.table['mentions'].sum())} mentions in all. Percentages add up "
             "to 100 (largest remainder).", ""]
    for found in figures:
        picture = f"{found.name}.png"
        save(found.figure, folder / picture)
        lines += [f"## {found.title}", "", _markdown(found.table), "",
                  f"![{found.title}]({picture})", ""]
    if not any(found.name == "saturation" for found in figures):  # no interviews yet
        lines += ["## Saturation", "", _markdown(saturation(project)), ""]
    path = folder / "report.md"
    with written_text(path) as handle:
        handle.write("\n".join(lines))
    return path


def _markdown(table: pd.DataFrame) -> str:
    rows = list(table.itertuples(index=False, name=None))
    return "\n".join(markdown_table(list(table.columns), rows))
