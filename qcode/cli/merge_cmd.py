"""`qcode merge`: bring a copy coded by someone else back into this project."""

from __future__ import annotations

import click

from qcode.cli.common import opened, project_argument
from qcode.cli.output import Output, emit, note, output_options
from qcode.errors import InputError


@click.command()
@project_argument
@click.argument("other", metavar="OTHER")
@click.option("--map", "mappings", multiple=True, metavar="THEIRS=OURS",
              help="A code renamed in OTHER: its codings join the code named OURS here "
                   "(repeatable).")
@click.option("--dry-run", is_flag=True, help="Report what would be merged; change nothing.")
@output_options
def merge(project: str, other: str, mappings: tuple[str, ...], dry_run: bool, out: Output) -> None:
    """Merge OTHER (a copy of PROJECT coded by someone else) into PROJECT.

    Sources are matched by their text, codes, subdivisions and cases by name; every
    coder's codings are kept, nothing is dropped, and what is here already is not
    doubled, so merging twice changes nothing the second time. Near-duplicate code
    names, codes that look renamed, and edits made on both sides are listed; the
    target's version is kept, and --map joins a renamed code to its name here.

    \b
    Example:
      qcode merge study.qcode study-ben.qcode --dry-run
      qcode merge study.qcode study-ben.qcode --map "Self help=Self-help"
    """
    from qcode.services.merge import merge as merge_projects

    code_map = {}
    for item in mappings:
        theirs, sep, ours = item.partition("=")
        if not sep or not theirs.strip() or not ours.strip():
            raise InputError(f"--map {item!r}: write THEIRS=OURS, e.g. --map 'Self help=Self-help'")
        code_map[theirs.strip()] = ours.strip()
    with opened(project) as target, \
            opened(other) as theirs_project:
        report = merge_projects(target, theirs_project, code_map, dry_run=dry_run)
    kinds = sorted(set(report.added) | set(report.already_here))
    rows = [{"what": k, "added": report.added.get(k, 0),
             "already here": report.already_here.get(k, 0)} for k in kinds]
    emit(rows, ["what", "added", "already here"], out)
    for theirs_name, ours_name, score in report.near_duplicates:
        note(f"near duplicate: {theirs_name!r} (other copy) and {ours_name!r} (here), "
             f"{score:.0f}% alike; --map '{theirs_name}={ours_name}' joins them")
    for theirs_name, ours_name, shared in report.renamed:
        note(f"looks renamed: {theirs_name!r} there codes {shared} of the same quotes as "
             f"{ours_name!r} here; --map '{theirs_name}={ours_name}' joins them")
    for conflict in report.conflicts:
        note(f"conflict: {conflict}")
    note("dry run: nothing was changed" if dry_run else "merged")


COMMANDS = [merge]
