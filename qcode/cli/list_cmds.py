"""Listing what a project holds: sources, cases, codes, subdivisions, codings, text."""

from __future__ import annotations

from dataclasses import asdict

import click

from qcode.cli.common import opened, project_argument
from qcode.cli.output import Output, emit, output_options
from qcode.columns import CODE_COLUMNS, CODING_COLUMNS, SOURCE_COLUMNS, SUBDIVISION_COLUMNS


@click.command()
@project_argument
@output_options
def sources(project: str, out: Output) -> None:
    """List sources with their cases, size, speaker turns and codings.

    \b
    Example:
      qcode sources study.qcode --format csv > sources.csv
    """
    from qcode.services.sources import list_sources

    with opened(project) as p:
        rows = [asdict(s) for s in list_sources(p)]
    emit(rows, SOURCE_COLUMNS, out)


@click.command()
@project_argument
@output_options
def cases(project: str, out: Output) -> None:
    """List interview partners (cases) with their sources and attributes.

    \b
    Example:
      qcode cases study.qcode --json
    """
    from qcode.services.cases import case_rows, list_cases

    with opened(project) as p:
        found = list_cases(p)
    rows, columns = case_rows(found)
    emit(rows, columns, out)


@click.command()
@project_argument
@output_options
def codes(project: str, out: Output) -> None:
    """List codes with their descriptions and number of codings.

    \b
    Example:
      qcode codes study.qcode --format markdown
    """
    from qcode.services.codebook import list_codes

    with opened(project) as p:
        rows = [asdict(c) for c in list_codes(p)]
    emit(rows, CODE_COLUMNS, out)


@click.command()
@project_argument
@output_options
def subdivisions(project: str, out: Output) -> None:
    """List the subdivision tree (groups, factor groups, subdivisions) with mentions.

    Mentions here are each node's own; reports roll them up the tree.

    \b
    Example:
      qcode subdivisions study.qcode
    """
    from qcode.services.codebook import list_subdivisions

    with opened(project) as p:
        rows = [asdict(s) for s in list_subdivisions(p)]
    emit(rows, SUBDIVISION_COLUMNS, out)


@click.command()
@project_argument
@click.option("--unanchored", is_flag=True,
              help="Only codings whose quote could not be placed in a source.")
@click.option("--coder", help="List as this coder sees it: on sources they code blind "
                              "(`qcode blind`), only their own codings until all finish.")
@output_options
def codings(project: str, unanchored: bool, coder: str | None, out: Output) -> None:
    """List every coding: source, case, span (and its time in the interview, where known),
    quote, code, emphasis, notes, subdivisions.

    \b
    Example:
      qcode codings study.qcode --format json > codings.json
      qcode codings study.qcode --unanchored
      qcode codings study.qcode --coder ana
    """
    from qcode.services.coding import list_codings

    with opened(project) as p:
        rows = [asdict(c) for c in list_codings(p, unanchored_only=unanchored,
                                                viewer=coder)]
    emit(rows, CODING_COLUMNS, out)


@click.command()
@project_argument
@click.argument("source")
def text(project: str, source: str) -> None:
    """Print a source's stored text exactly; every offset counts in this text.

    \b
    Example:
      qcode text study.qcode IP3_interview > IP3.txt
    """
    from qcode.services.sources import source_text

    with opened(project) as p:
        _, body = source_text(p, source)
    click.echo(body, nl=False)


COMMANDS = [sources, cases, codes, subdivisions, codings, text]
