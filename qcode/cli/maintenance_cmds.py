"""Looking after a project: `qcode check` (and --repair) and `qcode backup`."""

from __future__ import annotations

from pathlib import Path

import click

from qcode.cli.common import opened, project_argument
from qcode.cli.output import Output, emit, note, output_options
from qcode.columns import CHECK_COLUMNS
from qcode.errors import InputError


@click.command()
@project_argument
@click.option("--repair", is_flag=True,
              help="Back up the project, then fix what can be fixed without losing work "
                   "(one transaction) and list what remains.")
@output_options
def check(project: str, repair: bool, out: Output) -> None:
    """Check PROJECT for damage: the file, references, quotes, duplicates, sources.

    Looks at SQLite's integrity and foreign key checks, quotes whose offsets leave
    their source or whose words differ from it, quotes nothing holds on to, a coding
    given twice, sources whose length, word count or fingerprint disagree with their
    text, speaker turns past the end, unreadable undo records, and recordings that
    moved or changed. Exit code 0 when the project is clean, 1 when problems remain.

    With --repair a backup is made first; quotes are anchored again where their words
    are (else kept unanchored), lost codes and coders come back as named
    placeholders, and no coding is ever removed except an identical second copy.

    \b
    Example:
      qcode check study.qcode
      qcode check study.qcode --repair --json
    """
    from qcode.services.check import check as check_project
    from qcode.services.check import repair as repair_project
    with opened(project) as opened_project:
        report = repair_project(opened_project) if repair else check_project(opened_project)
    for line in report.notes:
        note(line)
    rows: list[dict[str, object]]
    if repair:
        rows = [{"status": "repaired", "kind": f.kind, "where": f.where, "detail": f.detail}
                for f in report.repaired]
        rows += [{"status": "remains", "kind": f.kind, "where": f.where, "detail": f.detail}
                 for f in report.findings]
        columns = ["status", "kind", "where", "detail"]
    else:
        rows = [{"kind": f.kind, "where": f.where, "detail": f.detail,
                 "repairable": f.repairable} for f in report.findings]
        columns = CHECK_COLUMNS
    if rows or out.format != "table":
        emit(rows, columns, out)
    if report.backup is not None:
        note(f"backed up first to {report.backup}")
    if repair and report.repaired:
        note(f"repaired {len(report.repaired)} problem(s)")
    if report.clean:
        note(f"{project}: clean, no problems found")
        return
    fixable = sum(f.repairable for f in report.findings)
    hint = f", {fixable} of them repairable with --repair" if fixable and not repair else ""
    note(f"{project}: {len(report.findings)} problem(s) remain{hint}")
    raise click.exceptions.Exit(1)


@click.command()
@project_argument
@click.argument("dest", required=False, type=click.Path(path_type=Path))
@click.option("--list", "show", is_flag=True, help="List the backups in the backups folder.")
@output_options
def backup(project: str, dest: Path | None, show: bool, out: Output) -> None:
    """Copy PROJECT safely, even while the workbench or a script is writing to it.

    Without DEST the copy goes to the backups folder beside the project
    (study.qcode.backups/), where qcode also keeps the last 5 automatic backups it
    makes before every import, sheet import, merge and repair. DEST may be a new file
    name or a folder. A project on PostgreSQL is backed up by the server (pg_dump).

    \b
    Example:
      qcode backup study.qcode
      qcode backup study.qcode /media/stick/study-2025-03-14.qcode
      qcode backup study.qcode --list
    """
    from qcode.services.backup import backup as backup_project
    from qcode.services.backup import backups_dir, list_backups
    from qcode.store.engine import sqlite_path

    if show:
        path = sqlite_path(project)
        if path is None:
            raise InputError("a project on a server has no backups folder; use pg_dump")
        rows = [{"backup": str(p), "size": p.stat().st_size} for p in list_backups(path)]
        emit(rows, ["backup", "size"], out)
        if not rows:
            note(f"no backups in {backups_dir(path)} yet")
        return
    with opened(project) as opened_project:  # opening checks it is a project at all
        made = backup_project(opened_project, dest)
    if made.note:
        note(made.note)
        return
    note(f"backed up {project} to {made.path}")


COMMANDS = [check, backup]
