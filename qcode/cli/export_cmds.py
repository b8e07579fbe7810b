"""`qcode export`: files for supervisors and other tools."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from qcode.cli.common import opened, project_argument
from qcode.cli.output import note, working
from qcode.errors import InputError

F = TypeVar("F", bound=Callable[..., Any])


def across_option(what: str) -> Callable[[F], F]:
    """--across ATTRIBUTE, by default the stakeholder group (as the reports find it)."""
    return click.option("--across", metavar="ATTRIBUTE",
                        help=f"{what} (default: the stakeholder group, 'stakeholder group' "
                             "or a like name, when the cases have one).")


@click.group()
def export() -> None:
    """Export the project: xlsx, csv, markdown, html, and REFI-QDA (qdpx, qdc).

    \b
    Example:
      qcode export xlsx study.qcode coded.xlsx
    """


@export.command("xlsx")
@project_argument
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@across_option("The case attribute of the crosstab sheet")
def xlsx_cmd(project: str, out: Path, across: str | None) -> None:
    """The coded Excel workbook for supervisors, ready to print.

    Sheets: Read me (what each sheet holds and how mentions are counted), Coding
    (quote | code | emphasis | subdivision | other subdivisions | notes, then the quote
    as written in the coding sheet, source, case, coder, date, start, end), one per
    case, Codebook, Cases, and mentions by group, by subdivision within each group and
    by stakeholder group, with charts. Every sheet prints landscape, one page wide.
    `qcode sheet import` reads it back.

    \b
    Example:
      qcode export xlsx study.qcode coded.xlsx
      qcode export xlsx study.qcode coded.xlsx --across "interview language"
    """
    from qcode.export.xlsx import EXCEL_CELL_LIMIT, export_xlsx
    from qcode.services.sources import quotes_longer_than

    if out.suffix.lower() != ".xlsx":
        raise InputError(f"{out}: the workbook's name must end in .xlsx")
    if not out.parent.exists():
        raise InputError(f"{out.parent} does not exist; create it first")
    with opened(project) as p, working("writing the workbook"):
        written = export_xlsx(p, out, across=across)
        long_quotes = p.read(quotes_longer_than, EXCEL_CELL_LIMIT)
    note(f"wrote {out}: " + ", ".join(f"{name} ({n} rows)" for name, n in written.items()))
    if long_quotes:
        note(f"{long_quotes} quote{'s are' if long_quotes != 1 else ' is'} longer than Excel's "
             f"{EXCEL_CELL_LIMIT:,} characters a cell: cut in the workbook, marked there, "
             "and whole in the project (qcode export csv keeps them whole)")


@export.command("csv")
@project_argument
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
def csv_cmd(project: str, outdir: Path) -> None:
    """One UTF-8 CSV per table: codings (the researcher's layout), codebook, cases,
    mentions by group and by subdivision, saturation. Text that a spreadsheet would
    run as a formula (=, +, -, @) starts with an apostrophe.

    \b
    Example:
      qcode export csv study.qcode tables/
    """
    from qcode.export.files import export_csv

    with opened(project) as p, working("writing the tables"):
        written = export_csv(p, outdir)
    for path in written:
        click.echo(str(path))
    note(f"wrote {len(written)} CSV files in {outdir}")


@export.command("markdown")
@project_argument
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
def markdown_cmd(project: str, outdir: Path) -> None:
    """A readable report (report.md) with the mention tables and their figures.

    \b
    Example:
      qcode export markdown study.qcode report/
    """
    from qcode.export.files import export_markdown

    with opened(project) as p, working("drawing the report"):
        path = export_markdown(p, outdir)
    click.echo(str(path))


@export.command("html")
@project_argument
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@across_option("The case attribute to count and filter quotes by")
def html_cmd(project: str, outdir: Path, across: str | None) -> None:
    """A report to open in the browser: OUTDIR/index.html, with the figures in
    OUTDIR/figures as SVG files.

    Mentions by group and by subdivision (with factor groups), the crosstab by
    stakeholder group, the codebook, and every quote with its context, case, emphasis
    and notes, filtered by typing or by case. Needs no server and no network: send the
    folder, and open index.html by double-clicking it. It prints as a report.

    \b
    Example:
      qcode export html study.qcode report/
    """
    from qcode.export.html import export_html

    with opened(project) as p, working("writing the report"):
        page = export_html(p, outdir, across)
    click.echo(str(page))
    note(f"open {page.name} in any browser (no server or network needed); the figures are "
         f"also in {page.parent / 'figures'} as SVG files")


def _new_file(out: Path, suffix: str, what: str) -> None:
    if out.suffix.lower() != suffix:
        raise InputError(f"{out}: the {what}'s name must end in {suffix}")
    if not out.parent.exists():
        raise InputError(f"{out.parent} does not exist; create it first")


@export.command("qdpx")
@project_argument
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--for", "receiver",
              type=click.Choice(["standard", "nvivo-windows", "qualcoder"]),
              default="standard", show_default=True,
              help="The program that reads the file: nvivo-windows counts offsets in "
                   "UTF-16 code units with CRLF line ends as two; qualcoder ties cases "
                   "to their texts through case codes, as QualCoder reads them.")
def qdpx_cmd(project: str, out: Path, receiver: str) -> None:
    """The whole project as a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA
    and QualCoder.

    Sources, the codebook (subdivisions as folders, each code once in its place,
    tied by sets to the other subdivisions it is filed under), codings with emphasis
    and notes,
    cases and attributes, memos and axial links. Quotes that are not anchored in
    their source go in as notes, not selections, and are counted on stderr.

    Items keep the GUIDs they came in with (or got in qcode), and codes their place
    in the codebook, so the other program matches a re-export with what it has.

    \b
    Examples:
      qcode export qdpx study.qcode study.qdpx
      qcode export qdpx study.qcode for-nvivo.qdpx --for nvivo-windows
      qcode export qdpx study.qcode for-qualcoder.qdpx --for qualcoder
    """
    from qcode.interop.qdpx_export import export_qdpx

    _new_file(out, ".qdpx", "project file")
    with opened(project) as p, working("writing the project file"):
        summary = export_qdpx(p, out, receiver)
    note(summary.line())


@export.command("qdc")
@project_argument
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def qdc_cmd(project: str, out: Path) -> None:
    """The codebook alone as a REFI-QDA codebook (.qdc): subdivisions as folders,
    codes with their descriptions and colours.

    \b
    Example:
      qcode export qdc study.qcode codebook.qdc
    """
    from qcode.interop.qdc_export import export_qdc

    _new_file(out, ".qdc", "codebook file")
    with opened(project) as p, working("writing the codebook"):
        summary = export_qdc(p, out)
    note(summary.line())


COMMANDS = [export]
