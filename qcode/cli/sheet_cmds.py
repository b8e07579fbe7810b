"""`qcode sheet import`: coding sheets in the researcher's layout."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from qcode.cli.common import opened, project_argument
from qcode.cli.output import Output, emit, emit_document, note, output_options

if TYPE_CHECKING:
    from qcode.ingest.sheet_import import SheetReport


@click.group()
def sheet() -> None:
    """Coding sheets: quote | code | emphasis | subdivision | other subdivisions | notes.

    \b
    Example:
      qcode sheet import study.qcode coding.xlsx --dry-run
    """


@sheet.command("import")
@project_argument
@click.argument("sheets", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--coder", help="Whose coding this is (default: $QCODE_CODER or your login).")
@click.option("--dry-run", is_flag=True, help="Show what would happen; change nothing.")
@output_options
def import_(project: str, sheets: tuple[Path, ...], coder: str | None, dry_run: bool,
            out: Output) -> None:
    """Import coding sheets (.xlsx or .csv), anchoring each quote in the sources.

    Columns are found by their header names in any order (citation, category,
    sub-category and memo are understood too); a `source` or `case` column, or a sheet
    named after a case (IP3), says where to look first. A row with an empty quote is a
    further code on the quote above. A quote that cannot be placed surely is kept as an
    unanchored coding (see `qcode codings --unanchored`) and listed with its best
    candidates. All of it is one transaction; importing a sheet again adds nothing twice.

    \b
    Example:
      qcode sheet import study.qcode coding.xlsx --json > sheet-report.json
    """
    from qcode.ingest.sheet_import import import_sheets

    with opened(project) as p:
        report = import_sheets(p, list(sheets), coder, dry_run)
    if out.format == "json":  # the summary, with every row
        emit_document(_summary(report), out)
    else:
        # On screen, the rows that need the researcher; in files, every row.
        rows = [_row(asdict(item)) for item in report.items
                if not out.for_people or item.status == "unanchored"]
        if rows or not out.for_people:
            emit(rows, ["sheet", "row", "code", "status", "stored", "source", "start", "end",
                        "score", "method", "reason", "candidates"], out)
    prefix = "dry run, nothing stored: " if dry_run else ""
    note(f"{prefix}{report.rows} rows: {report.codings} new codings, {report.anchored} "
         f"anchored, {report.unanchored} unanchored, {report.already_there} already there; "
         f"{len(report.created_codes)} new codes, {len(report.created_subdivisions)} new "
         "subdivisions")


def _summary(report: SheetReport) -> dict[str, object]:
    return {
        "dry_run": report.dry_run,
        "rows": report.rows,
        "codings": report.codings,
        "anchored": report.anchored,
        "unanchored": report.unanchored,
        "already_there": report.already_there,
        "created_codes": report.created_codes,
        "created_subdivisions": report.created_subdivisions,
        "per_row": [asdict(item) for item in report.items],
    }


def _row(data: dict[str, Any]) -> dict[str, Any]:
    data["candidates"] = [f"{c['source']} {c['start']}-{c['end']} ({c['score']:g})"
                          for c in data["candidates"]]
    return data


COMMANDS = [sheet]
