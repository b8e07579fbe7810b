"""Sets of sources and codes: listing them, and putting members in or taking them out."""

from __future__ import annotations

from dataclasses import asdict

import click

from qcode.cli.common import opened, project_argument
from qcode.cli.output import Output, emit, note, output_options
from qcode.columns import SET_COLUMNS


@click.command()
@project_argument
@output_options
def sets(project: str, out: Output) -> None:
    """List the sets of sources and codes (MAXQDA's document sets, ATLAS.ti's groups,
    your own), with their members.

    \b
    Example:
      qcode sets study.qcode --format json
    """
    from qcode.services.sets import list_sets

    with opened(project) as p:
        rows = [asdict(s) for s in list_sets(p)]
    emit(rows, SET_COLUMNS, out)


@click.command("set-add")
@project_argument
@click.argument("name")
@click.option("--source", "sources", multiple=True, metavar="SOURCE",
              help="A source to put in the set (repeatable).")
@click.option("--code", "codes", multiple=True, metavar="CODE",
              help="A code to put in the set (repeatable).")
@click.option("--description", help="What the set holds.")
def set_add(project: str, name: str, sources: tuple[str, ...], codes: tuple[str, ...],
            description: str | None) -> None:
    """Put sources and codes in a set, making the set if it is new.

    A set of sources narrows any mention report: `--sources-in NAME`.

    \b
    Example:
      qcode set-add study.qcode "Officials" --source IP1 --source IP2
      qcode report mentions study.qcode --by group --sources-in "Officials"
    """
    from qcode.services.sets import add_to_set

    with opened(project) as p, p.step(f"add to the set {name!r}") as s:
        add_to_set(s, name, sources, codes, description)
    note(f"set {name!r}: added {len(sources)} sources and {len(codes)} codes")


@click.command("set-remove")
@project_argument
@click.argument("name")
@click.option("--source", "sources", multiple=True, metavar="SOURCE",
              help="A source to take out of the set (repeatable).")
@click.option("--code", "codes", multiple=True, metavar="CODE",
              help="A code to take out of the set (repeatable).")
def set_remove(project: str, name: str, sources: tuple[str, ...],
               codes: tuple[str, ...]) -> None:
    """Take sources and codes out of a set; naming none deletes the set (its sources
    and codes stay in the project).

    \b
    Example:
      qcode set-remove study.qcode "Officials" --source IP2
      qcode set-remove study.qcode "Officials"
    """
    from qcode.services.sets import remove_from_set

    with opened(project) as p, p.step(f"remove from the set {name!r}") as s:
        deleted = remove_from_set(s, name, sources, codes)
    note(f"deleted the set {name!r}" if deleted else
         f"set {name!r}: took out {len(sources)} sources and {len(codes)} codes")


COMMANDS = [sets, set_add, set_remove]
