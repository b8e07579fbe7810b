"""`qcode export`: files for supervisors and other tools."""

from __future__ import annotations

from pathlib import Path

import click

from qcode.cli.common import opened, project_argument
from qcode.cli.output import note
from qcode.errors import InputError


@click.group()
def export() -> None:
    """Export the project: xlsx (more formats follow).

    \b
    Example:
      qcode export xlsx study.qcode coded.xlsx
    """


@export.command("xlsx")
@project_argument
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def xlsx_cmd(project: str, out: Path) -> None:
    """The coded Excel workbook in the researcher's layout, for supervisors.

    Sheets: Coding (quote | code | emphasis | subdivision | other subdivisions | notes,
    plus source, case, start, end, coder), one per case, Codebook, Cases, and mention
    counts with bar charts. `qcode sheet import` reads it back.

    \b
    Example:
      qcode export xlsx study.qcode coded.xlsx
    """
    from qcode.export.xlsx import export_xlsx

    if out.suffix.lower() != ".xlsx":
        raise InputError(f"{out}: the workbook's name must end in .xlsx")
    if not out.parent.exists():
        raise InputError(f"{out.parent} does not exist; create it first")
    with opened(project) as p:
        written = export_xlsx(p, out)
    note(f"wrote {out}: " + ", ".join(f"{name} ({n} rows)" for name, n in written.items()))


COMMANDS = [export]
