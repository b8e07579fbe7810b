"""Coding as a team: `qcode coders` and `qcode agreement`."""

from __future__ import annotations

import json
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import click

from qcode.cells import excel_value
from qcode.cli.common import opened, project_argument
from qcode.cli.output import emit, note
from qcode.cli.report_cmds import table_output, write_table
from qcode.errors import InputError

# pandas loads only when a command runs (see report_cmds), so `qcode --help` stays quick.


def _format(fmt: str, as_json: bool, output: Path | None) -> str:
    if as_json:
        return "json"
    if fmt == "table" and output is not None and output.suffix.lower() == ".xlsx":
        return "xlsx"
    return fmt


@click.command()
@project_argument
@table_output
def coders(project: str, fmt: str, as_json: bool, output: Path | None) -> None:
    """List coders with their codings, quotes, axial links, memos, first and last coding.

    Everyone who ever worked on the project is listed, also with no codings yet.

    \b
    Examples:
      qcode coders study.qcode
      qcode coders study.qcode --json
    """
    from qcode.reports.coders import coders as coder_table

    with opened(project) as p:
        table = coder_table(p)
    write_table(table, _format(fmt, as_json, output), output)


@dataclass(frozen=True)
class _Section:
    key: str
    title: str
    method: str
    table: Any  # a pandas DataFrame


@click.command()
@project_argument
@click.option("--coders", "coder_names", nargs=2, required=True, metavar="A B",
              help="The two coders to compare.")
@click.option("--source", "sources", multiple=True,
              help="Compare in this source only (repeatable). Default: every source both "
                   "coders have coded.")
@click.option("--code", "codes", multiple=True,
              help="Compare this code only (repeatable). Default: every code either used.")
@click.option("--overlap", type=click.IntRange(1, 100), default=90, show_default=True,
              help="Segment overlap: the share of the longer span two codings must have in "
                   "common to match, in percent.")
@click.option("--only", type=click.Choice(["characters", "segments"]),
              help="Show one of the two figures (a single table, e.g. for CSV).")
@click.option("--disagreements", is_flag=True,
              help="Instead of the figures: the codings that do not match, side by side.")
@table_output
def agreement(project: str, coder_names: tuple[str, str], sources: tuple[str, ...],
              codes: tuple[str, ...], overlap: int, only: str | None, disagreements: bool,
              fmt: str, as_json: bool, output: Path | None) -> None:
    """Intercoder agreement of two coders: percent agreement, Cohen's kappa, segment overlap.

    Character level, as NVivo's coding comparison: every character of a source is a
    unit, coded or not by each coder; agreement % and Cohen's kappa per code and source,
    then pooled per code and overall. Segment overlap: two codings of the same code
    match when they share at least --overlap % of the longer span (an approximation of
    what commercial tools report). Every table says how it was computed. An .xlsx file
    gets all three tables and a sheet with the methods.

    \b
    Examples:
      qcode agreement study.qcode --coders ana ben
      qcode agreement study.qcode --coders ana ben --code Self-management --json
      qcode agreement study.qcode --coders ana ben --disagreements -o discuss.xlsx
    """
    from qcode.reports.agreement import agreement as compare

    fmt = _format(fmt, as_json, output)
    if fmt == "xlsx" and output is None:
        raise InputError("--format xlsx writes a file: add --output agreement.xlsx")
    with opened(project) as p:
        found = compare(p, coder_names[0], coder_names[1], sources, codes, overlap)
    who = f"A = {found.coder_a}, B = {found.coder_b}"
    every = [
        _Section("characters", f"Character-level agreement and Cohen's kappa ({who})",
                 found.methods["characters"], found.characters),
        _Section("segments", f"Segment overlap of at least {overlap}%, an approximation "
                             f"({who})", found.methods["segments"], found.segments),
        _Section("disagreements", f"Disagreeing segments ({who})",
                 found.methods["disagreements"], found.disagreements),
    ]
    if fmt == "xlsx":
        assert output is not None
        _write_workbook(every, found.scope, output)
        return
    if disagreements:
        shown = [every[2]]
    else:
        shown = [s for s in every[:2] if only is None or s.key == only]
    with output.open("w", encoding="utf-8", newline="") if output else nullcontext() as handle:
        if fmt == "json":
            document = {"coders": {"a": found.coder_a, "b": found.coder_b},
                        "overlap": overlap, "scope": found.scope}
            for section in shown:
                document[section.key] = {"title": section.title, "method": section.method,
                                         "rows": _records(section.table)}
            click.echo(json.dumps(document, ensure_ascii=False, indent=2, default=str),
                       file=handle)
        else:
            _write_text(shown, found.scope, fmt, handle)
    if output is not None:
        note(f"wrote {output}")


def _records(table: Any) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in table.to_dict(orient="records")]


def _write_text(sections: list[_Section], scope: list[str], fmt: str,
                handle: IO[str] | None) -> None:
    """Each table under its title, with a line saying how it was computed."""
    for number, section in enumerate(sections):
        rows, columns = _records(section.table), [str(c) for c in section.table.columns]
        if number:
            click.echo("", file=handle)
        if fmt == "csv":
            # Comment lines: pandas.read_csv(..., comment="#") reads a single table back.
            click.echo(f"# {section.title}\n# method: {section.method}", file=handle)
        elif fmt == "markdown":
            click.echo(f"## {section.title}\n", file=handle)
        else:
            click.echo(section.title, file=handle)
        emit(rows, columns, fmt, file=handle)
        if fmt == "markdown":
            click.echo(f"\nMethod: {section.method}", file=handle)
        elif fmt == "table":
            click.echo(f"Method: {section.method}", file=handle)
    if fmt in ("table", "markdown"):
        click.echo("", file=handle)
        click.echo("\n".join(f"Scope: {line}" for line in scope), file=handle)


def _write_workbook(sections: list[_Section], scope: list[str], output: Path) -> None:
    import pandas as pd

    about = pd.DataFrame(
        [{"table": s.key, "title": s.title, "method": s.method} for s in sections]
        + [{"table": "scope", "title": "", "method": line} for line in scope],
        columns=["table", "title", "method"])
    with pd.ExcelWriter(output) as workbook:
        for section in sections:
            section.table.map(excel_value).to_excel(workbook, index=False,
                                                    sheet_name=section.key)
        about.to_excel(workbook, index=False, sheet_name="method")
    note(f"wrote {output}")


COMMANDS = [coders, agreement]
