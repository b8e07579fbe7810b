"""What every command shares: the PROJECT argument and opening it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from qcode.cli.output import note
from qcode.services.backup import before_bulk
from qcode.services.project import Project, open_project

project_argument = click.argument("project", metavar="PROJECT")


@contextmanager
def opened(location: str, backup_before: str | None = None) -> Iterator[Project]:
    """Open PROJECT (a .qcode file or a database URL), saying so if it was upgraded.

    `backup_before` names a bulk operation (an import, a merge): a .qcode file is
    backed up into its backups folder first, quietly, as every such command does (see
    qcode.services.backup); on a server there is nothing to copy, pg_dump's job.
    """
    project = open_project(location)
    if project.backup:
        note(f"upgraded {location} to the current schema; the old file is kept as "
             f"{project.backup}")
    try:
        if backup_before is not None:
            before_bulk(project, backup_before)
        yield project
    finally:
        project.close()
