"""What every command shares: the PROJECT argument and opening it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from qcode.cli.output import note
from qcode.services.project import Project, open_project

project_argument = click.argument("project", metavar="PROJECT")


@contextmanager
def opened(location: str) -> Iterator[Project]:
    """Open PROJECT (a .qcode file or a database URL), saying so if it was upgraded."""
    project = open_project(location)
    if project.backup:
        note(f"upgraded {location} to the current schema; the old file is kept as "
             f"{project.backup}")
    try:
        yield project
    finally:
        project.close()
