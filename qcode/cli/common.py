"""What every command shares: the PROJECT argument, opening it, common option parsing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from qcode.cli.output import note

if TYPE_CHECKING:
    from qcode.services.project import Project

project_argument = click.argument("project", metavar="PROJECT")


@contextmanager
def opened(location: str) -> Iterator[Project]:
    """Open PROJECT (a .qcode file or a database URL), saying so if it was upgraded.

    Bulk commands back the project up in their step (`Project.step(backup_before=...)`),
    which names the copy in `qcode history`.
    """
    from qcode.services.project import open_project

    project = open_project(location)
    if project.backup:
        note(f"upgraded {location} to the current schema; the old file is kept as "
             f"{project.backup}")
    try:
        yield project
    finally:
        project.close()


def attribute_filter(_ctx: click.Context, _param: click.Parameter,
                     values: tuple[str, ...]) -> list[tuple[str, str]]:
    """Click callback for repeatable `--attribute NAME=VALUE`: (name, value) pairs.

    Raises:
        click.BadParameter: A value without "=" or without a name.
    """
    pairs = []
    for value in values:
        name, sep, wanted = value.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{value!r}: write NAME=VALUE, e.g. 'stakeholder group=NGO'")
        pairs.append((name.strip(), wanted.strip()))
    return pairs
