"""Coding as a team: `qcode coders` and `qcode agreement`."""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import click

from qcode.cells import excel_value, excel_writer
from qcode.cli.common import opened, project_argument
from qcode.cli.output import Output, note, output_options, working, write_rows
from qcode.cli.report_cmds import write_table
from qcode.errors import InputError
from qcode.files import written, written_text
from qcode.names import clean_name

# pandas loads only when a command runs (see report_cmds), so `qcode --help` stays quick.


@click.command()
@project_argument
@output_options
def coders(project: str, out: Output) -> None:
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
    write_table(table, out)


@dataclass(frozen=True)
class _Section:
    key: str
    title: str
    method: str
    table: Any  # a pandas DataFrame


PAIRWISE = ("characters", "segments")
ALPHA = ("alpha_codes", "alpha_categories")


def _spread_coders(args: list[str]) -> tuple[list[str], list[str] | None]:
    """`--coders a b c` as `--coders a --coders b --coders c`, which click can parse.

    Also returns the same with the last name of the last group of three or more handed
    back as a plain argument, for `--coders ana ben study.qcode` (project written last),
    or None where there is no such group.
    """
    spread: list[str] = []
    last_group: tuple[int, str] | None = None  # (index of its last name in spread, name)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            spread.extend(args[i:])
            break
        if arg != "--coders" and not arg.startswith("--coders="):
            spread.append(arg)
            i += 1
            continue
        names = [arg.partition("=")[2]] if "=" in arg else []
        i += 1
        while i < len(args) and not (args[i].startswith("-") and len(args[i]) > 1):
            names.append(args[i])
            i += 1
        if not names:
            spread.append("--coders")  # click says it needs a value
        for name in names:
            spread += ["--coders", name]
        last_group = (len(spread) - 1, names[-1]) if len(names) >= 3 else None
    if last_group is None:
        return spread, None
    index, name = last_group
    return spread, spread[:index - 1] + [name] + spread[index + 1:]


class _CodersCommand(click.Command):
    """A command whose --coders takes two or more names: `--coders ana ben cem`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        spread, handed_back = _spread_coders(list(args))
        try:
            return super().parse_args(ctx, spread)
        except click.MissingParameter as exc:
            if handed_back is None or exc.param is None or exc.param.name != "project":
                raise
            return super().parse_args(ctx, handed_back)


def _letters(names: list[str]) -> dict[str, str]:
    """A, B, C ... for the coders, as the tables' columns call them."""
    return {(chr(ord("a") + i) if i < 26 else f"coder{i + 1}"): name
            for i, name in enumerate(names)}


@click.command(cls=_CodersCommand)
@project_argument
@click.option("--coders", "coder_names", multiple=True, required=True, metavar="A B [C ...]",
              help="The coders to compare: two for every figure; three or more for "
                   "Krippendorff's alpha only (kappa and segment overlap are pairwise).")
@click.option("--source", "sources", multiple=True,
              help="Compare in this source only (repeatable). Default: every source all "
                   "the coders have coded.")
@click.option("--code", "codes", multiple=True,
              help="Compare this code only (repeatable). Default: every code any used.")
@click.option("--subdivision", metavar="NAME",
              help="Compare the codes filed under this subdivision (or beneath it), taken "
                   "as the categories of uα and cuα. Default: all compared codes.")
@click.option("--overlap", type=click.IntRange(1, 100), default=90, show_default=True,
              help="Segment overlap: the share of the longer span two codings must have in "
                   "common to match, in percent.")
@click.option("--only", type=click.Choice(PAIRWISE + ALPHA),
              help="Show one of the figures (a single table, e.g. for CSV).")
@click.option("--disagreements", is_flag=True,
              help="Instead of the figures: the codings that do not match, side by side.")
@output_options
def agreement(project: str, coder_names: tuple[str, ...], sources: tuple[str, ...],
              codes: tuple[str, ...], subdivision: str | None, overlap: int, only: str | None,
              disagreements: bool, out: Output) -> None:
    """Intercoder agreement: percent agreement, Cohen's kappa, segment overlap, unitizing alpha.

    Character level, as NVivo's coding comparison (two coders): every character of a
    source is a unit, coded or not by each coder; agreement % and Cohen's kappa per code
    and source, then pooled per code and overall. Segment overlap (two coders): two
    codings of the same code match when they share at least --overlap % of the longer
    span (an approximation of what commercial tools report). Krippendorff's unitizing
    alpha (two or more coders): binary |uα per code, and uα, |uα and cuα over a set of
    codes as categories (--subdivision), per source and pooled. Every table says how it
    was computed. An .xlsx file gets every table and a sheet with the methods.

    \b
    Examples:
      qcode agreement study.qcode --coders ana ben
      qcode agreement study.qcode --coders ana ben cem --subdivision "Inclusion criteria"
      qcode agreement study.qcode --coders ana ben --code Self-management --json
      qcode agreement study.qcode --coders ana ben --disagreements -o discuss.xlsx
    """
    from qcode.reports.agreement import agreement as compare
    from qcode.reports.unitizing import unitizing

    names = list(coder_names)
    pairwise = len(names) == 2
    if not pairwise and (disagreements or only in PAIRWISE):
        what = "--disagreements" if disagreements else f"--only {only}"
        raise InputError(f"{what} compares two coders, and --coders names {len(names)}; "
                         "name two, or use --only alpha_codes|alpha_categories")
    if out.format == "parquet":
        raise click.UsageError("agreement writes several tables: give -o with .xlsx, "
                               ".json, .jsonl, .csv, .tsv or .md")
    wants_alpha = out.format == "xlsx" or not (disagreements or only in PAIRWISE)
    with opened(project) as p, working("comparing the coders character by character"):
        alpha = (unitizing(p, names, sources, codes, subdivision)
                 if wants_alpha or subdivision else None)
        # With --subdivision every figure compares the codes filed under it.
        compared = tuple(alpha.categories) if alpha is not None and subdivision else codes
        found = compare(p, names[0], names[1], sources, compared, overlap) if pairwise else None
    every: list[_Section] = []
    if found is not None:
        who = f"A = {found.coder_a}, B = {found.coder_b}"
        every += [
            _Section("characters", f"Character-level agreement and Cohen's kappa ({who})",
                     found.methods["characters"], found.characters),
            _Section("segments", f"Segment overlap of at least {overlap}%, an approximation "
                                 f"({who})", found.methods["segments"], found.segments),
        ]
    if alpha is not None and wants_alpha:
        coders_list = ", ".join(alpha.coders)
        every += [
            _Section("alpha_codes", f"Krippendorff's binary unitizing alpha |uα per code "
                                    f"(coders {coders_list})",
                     alpha.methods["alpha_codes"], alpha.codes),
            _Section("alpha_categories", f"Krippendorff's uα, |uα and cuα over "
                                         f"{alpha.category_label} (coders {coders_list})",
                     alpha.methods["alpha_categories"], alpha.category_table),
        ]
    if found is not None:
        every.append(_Section("disagreements",
                              f"Disagreeing segments (A = {found.coder_a}, B = {found.coder_b})",
                              found.methods["disagreements"], found.disagreements))
    scope = list(found.scope if found is not None else alpha.scope if alpha else [])
    if not pairwise:
        scope.append("character-level kappa and segment overlap compare two coders; with "
                     f"{len(names)} coders only Krippendorff's alpha is computed (run "
                     "--coders A B for a pair)")
    if out.format == "xlsx":
        assert out.path is not None
        _write_workbook(every, scope, out.path)
        return
    if disagreements:
        shown = [s for s in every if s.key == "disagreements"]
    else:
        shown = [s for s in every if s.key != "disagreements" and (only is None or s.key == only)]
    with written_text(out.path) if out.path else nullcontext(sys.stdout) as handle:
        if out.format == "jsonl":
            for section in shown:
                for row in _records(section.table):
                    handle.write(json.dumps({"table": section.key, **row}, ensure_ascii=False,
                                            default=str) + "\n")
        elif out.format == "json":
            document: dict[str, Any] = {"coders": _letters([clean_name(n) for n in names])}
            if pairwise:
                document["overlap"] = overlap
            if alpha is not None:
                document["subdivision"] = alpha.subdivision
                document["categories"] = alpha.categories
            document["scope"] = scope
            for section in shown:
                document[section.key] = {"title": section.title, "method": section.method,
                                         "rows": _records(section.table)}
            handle.write(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")
        else:
            _write_sections(shown, scope, out, handle)
    if out.path is not None:
        note(f"wrote {out.path}")


def _records(table: Any) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in table.to_dict(orient="records")]


def _write_sections(sections: list[_Section], scope: list[str], out: Output,
                    handle: IO[str]) -> None:
    """Each table under its title, with a line saying how it was computed."""
    for number, section in enumerate(sections):
        rows, columns = _records(section.table), [str(c) for c in section.table.columns]
        if number:
            click.echo("", file=handle)
        if out.format in ("csv", "tsv"):
            # Comment lines: pandas.read_csv(..., comment="#") reads a single table back.
            click.echo(f"# {section.title}\n# method: {section.method}", file=handle)
        elif out.format == "markdown":
            click.echo(f"## {section.title}\n", file=handle)
        else:
            click.echo(section.title, file=handle)
        write_rows(rows, columns, out, handle)
        if out.format == "markdown":
            click.echo(f"\nMethod: {section.method}", file=handle)
        elif out.format == "table":
            click.echo(f"Method: {section.method}", file=handle)
    if out.format in ("table", "markdown"):
        click.echo("", file=handle)
        click.echo("\n".join(f"Scope: {line}" for line in scope), file=handle)


def _write_workbook(sections: list[_Section], scope: list[str], output: Path) -> None:
    import pandas as pd

    about = pd.DataFrame(
        [{"table": s.key, "title": s.title, "method": s.method} for s in sections]
        + [{"table": "scope", "title": "", "method": line} for line in scope],
        columns=["table", "title", "method"])
    # Text stays text, never a formula; the file is whole or not there.
    with written(output) as temporary, excel_writer(temporary) as workbook:
        for section in sections:
            section.table.map(excel_value).to_excel(workbook, index=False,
                                                    sheet_name=section.key)
        about.to_excel(workbook, index=False, sheet_name="method")
    note(f"wrote {output}")


COMMANDS = [coders, agreement]
