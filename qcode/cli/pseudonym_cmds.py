"""`qcode pseudonymise`: replace real names with pseudonyms; suggest, export, drop the map."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from qcode.cli.common import opened, project_argument
from qcode.cli.output import Output, emit, note, output_options, progress_bar, write_rows
from qcode.columns import PSEUDONYM_COLUMNS, SUGGESTION_COLUMNS
from qcode.errors import InputError
from qcode.files import written_text

if TYPE_CHECKING:  # the services load when a command runs: `qcode --help` stays quick
    from qcode.services.pseudonymise import Mapping



def read_map(path: Path) -> list[Mapping]:
    """The rows of a names file: original,pseudonym[,kind], with or without a header."""
    from qcode.ingest.csvfile import read_csv
    from qcode.services.pseudonymise import Mapping, check_mappings

    rows = [row for row in read_csv(path) if any(cell.strip() for cell in row)]
    header = [c.strip().lower() for c in rows[0]] if rows else []
    if all(name in header for name in PSEUDONYM_COLUMNS[:2]):
        # A header: its columns by name, so `--suggest -o names.csv` reads back as is.
        where = [header.index(name) for name in PSEUDONYM_COLUMNS if name in header]
        rows = [[row[i] if i < len(row) else "" for i in where] for row in rows[1:]]
    if not rows:
        raise InputError(f"{path}: no names; write one per line as original,pseudonym[,kind]")
    found = []
    for n, row in enumerate(rows, 1):
        if len(row) < 2:
            raise InputError(f"{path}, row {n}: {','.join(row)!r} has no pseudonym; write "
                             "original,pseudonym[,kind]")
        found.append(Mapping(row[0], row[1], row[2] if len(row) > 2 else None))
    return check_mappings(found, str(path))


@click.command()
@project_argument
@click.option("--map", "map_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV of original,pseudonym[,kind]: added to the stored mapping, then "
                   "applied.")
@click.option("--ignore-case", is_flag=True,
              help="Match names in any case (default: exactly as written, whole words).")
@click.option("--dry-run", is_flag=True, help="Say what would be replaced; change nothing.")
@click.option("--suggest", "suggest_names", is_flag=True,
              help="List names that may need a pseudonym (capitalised words, speakers, "
                   "named entities where a trained spaCy pipeline is installed).")
@click.option("--limit", type=click.IntRange(min=1), help="With --suggest: at most this many.")
@click.option("--export-map", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the stored mapping to a CSV file (the key to the real names).")
@click.option("--drop-map", is_flag=True,
              help="Delete the mapping and every saved version or undo step holding a "
                   "real name.")
@click.option("--yes", is_flag=True, help="With --drop-map: do not ask first.")
@click.option("--coder", help="Who does it (default: $QCODE_CODER or your login).")
@output_options
def pseudonymise(project: str, map_file: Path | None, ignore_case: bool, dry_run: bool,
                 suggest_names: bool, limit: int | None, export_map: Path | None,
                 drop_map: bool, yes: bool, coder: str | None, out: Output) -> None:
    """Replace real names, places and organisations with pseudonyms everywhere.

    Names are replaced in every source (each keeps its text before as a version;
    quotes keep covering the same words) and in source names, speaker labels,
    case names and attributes, coding notes and emphasis, memos, link notes, code
    and subdivision descriptions and history labels; case keys, code and
    subdivision names that hold a name are listed for you to rename. Whole words,
    case-sensitive, longest first ("Maria Lopez" before "Maria"). A .qcode file is
    backed up first. The mapping stays in the project, apart from the texts, and is
    never exported; --drop-map removes it and the saved versions that still hold
    real names.

    \b
    Examples:
      qcode pseudonymise study.qcode --suggest
      qcode pseudonymise study.qcode --map names.csv --dry-run
      qcode pseudonymise study.qcode --map names.csv
      qcode pseudonymise study.qcode --export-map key.csv
      qcode pseudonymise study.qcode --drop-map
    """
    modes = [suggest_names, export_map is not None, drop_map]
    if sum(modes) > 1 or (any(modes) and map_file is not None):
        raise InputError("give one of --map, --suggest, --export-map or --drop-map at a time")
    if suggest_names:
        _suggest(project, limit, out)
    elif export_map is not None:
        _export(project, export_map)
    elif drop_map:
        _drop(project, yes)
    else:
        _apply(project, read_map(map_file) if map_file else [], ignore_case, dry_run, coder, out)


def _apply(project: str, mappings: list[Mapping], ignore_case: bool, dry_run: bool,
           coder: str | None, out: Output) -> None:
    from qcode.services.pseudonymise import kept_line
    from qcode.services.pseudonymise import pseudonymise as run
    from qcode.services.sources import list_sources
    from qcode.services.text_diff import REWRITTEN

    # The service backs a .qcode file up itself, once the map has been checked.
    with opened(project) as p:
        total = len(list_sources(p))
        with progress_bar(total, "pseudonymising") as update:
            report = run(p, mappings, ignore_case=ignore_case, coder=coder, dry_run=dry_run,
                         progress=lambda done, _all, name: update(done, name))
    rows = [{"source": edit.source, "names replaced": report.by_source.get(edit.source, 0),
             "quotes changed": edit.count(REWRITTEN), "version": edit.version}
            for edit in report.edits]
    emit(rows, ["source", "names replaced", "quotes changed", "version"], out)
    names = sum(report.replaced.values())
    note(f"{'would replace' if dry_run else 'replaced'} {names} occurrence"
         f"{'' if names == 1 else 's'} of {len(report.replaced)} of the {report.mappings} "
         f"mapped names in {len(report.edits)} source{'' if len(report.edits) == 1 else 's'}")
    fields = ", ".join(f"{label} ({n})" for label, n in report.fields.items() if n)
    if fields:
        note(f"also {'would change' if dry_run else 'changed'}: {fields}")
    kept = kept_line(report.kept)
    if kept:
        note(f"warning: {kept}")
    if dry_run:
        note("dry run: nothing was changed")


def _suggest(project: str, limit: int | None, out: Output) -> None:
    from qcode.services.pseudonymise import suggest

    with opened(project) as p:
        found = suggest(p, limit)
    # The columns of a names file first: the CSV goes back in as --map once edited.
    rows = [{"original": s.text, "pseudonym": s.pseudonym, "kind": s.kind, "count": s.count,
             "sources": s.sources} for s in found]
    emit(rows, SUGGESTION_COLUMNS, out)
    if not found:
        note("no candidate names found")
    else:
        note("copy the names that identify someone into a CSV (original,pseudonym,kind) and "
             "apply it with --map")


def _export(project: str, path: Path) -> None:
    from qcode.services.pseudonymise import stored_mappings

    if path.exists():
        raise InputError(f"{path} exists already; give a new file name")
    with opened(project) as p:
        found = stored_mappings(p)
    if not found:
        raise InputError("this project holds no pseudonym mapping; nothing to export")
    with written_text(path) as out:
        write_rows([{"original": m.original, "pseudonym": m.pseudonym, "kind": m.kind or ""}
                    for m in found], list(PSEUDONYM_COLUMNS), Output("csv"), out)
    note(f"wrote {len(found)} names to {path}: it is the key to the real names, keep it safe")


def _drop(project: str, yes: bool) -> None:
    from qcode.services.backup import backups_dir, list_backups
    from qcode.services.pseudonymise import (
        drop_mapping,
        kept_line,
        names_kept,
        names_left,
        stored_mappings,
    )
    from qcode.store.engine import sqlite_path

    with opened(project) as p:
        if not stored_mappings(p):
            raise InputError("this project holds no pseudonym mapping; nothing to drop")
        left = names_left(p)
        if left:
            shown = ", ".join(f"{name} ({n})" for name, n in sorted(left.items())[:5])
            note(f"warning: mapped names still in the sources, not yet replaced: {shown}; "
                 "`qcode pseudonymise PROJECT` replaces them first")
        # After the drop nothing can tell these names are real: say so while it can.
        kept = kept_line(names_kept(p, ignore_case=True))
        if kept:
            note(f"warning: {kept}")
        if not yes:
            click.confirm("Delete the mapping and every saved version and undo step that "
                          "holds a real name? This cannot be undone", abort=True)
        report = drop_mapping(p)
    note(f"dropped {report.mappings} names, {report.versions} saved version"
         f"{'' if report.versions == 1 else 's'} and {report.steps} undo step"
         f"{'' if report.steps == 1 else 's'} that held real names")
    if report.labels:
        note(f"took the names out of {report.labels} label{'' if report.labels == 1 else 's'} "
             "of the steps and versions kept")
    if report.reindexed:
        note("rebuilt the search index from the pseudonymised texts")
    path = sqlite_path(project)
    if path is not None:
        backups = list_backups(path)
        if backups:
            note(f"{len(backups)} backup{'' if len(backups) == 1 else 's'} in "
                 f"{backups_dir(path)} still hold the real names: delete them or keep them "
                 "safe")
    else:
        note("on a database server, deleted rows stay on disk until the server's VACUUM "
             "FULL; ask whoever runs it")


COMMANDS = [pseudonymise]
