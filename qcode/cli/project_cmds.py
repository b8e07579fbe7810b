"""`qcode init`, `qcode info` and `qcode demo`."""

from __future__ import annotations

import click

from qcode.cli.common import opened, project_argument
from qcode.cli.output import Output, emit, note, output_options
from qcode.errors import InputError


@click.command()
@project_argument
@click.option("--name", help="The study's name (default: the file name).")
@click.option("--language", default="en", show_default=True,
              help="Language of the transcripts (en, es, de...): used for lemmas and search.")
def init(project: str, name: str | None, language: str) -> None:
    """Create an empty project: a .qcode file, or a database URL for teams.

    \b
    Examples:
      qcode init study.qcode --name "Housing study" --language es
      qcode init postgresql+psycopg://me@db.example/housing
    """
    from qcode.services.project import describe_location, init_project, project_summary

    with init_project(project, name=name, language=language) as created:
        summary = project_summary(created)
    note(f"created {describe_location(project)} ({summary.name!r}, language {language}, "
         f"schema {summary.schema_version})")
    note(f"next: qcode import {project} TRANSCRIPTS... --participants participants.csv")


@click.command()
@click.argument("project", metavar="[PROJECT]", required=False)
@output_options
def info(project: str | None, out: Output) -> None:
    """Show a project's name, language and schema version; without PROJECT, this
    qcode's version and what it can use on this machine.

    \b
    Examples:
      qcode info study.qcode --json
      qcode info
    """
    if project is None:
        from qcode.installation import installation

        facts = installation()
        emit([facts], list(facts), out)
        return
    from qcode.services.project import describe_location, project_summary

    with opened(project) as opened_project:
        summary = project_summary(opened_project)
    row = {"name": summary.name, "language": summary.language,
           "schema_version": summary.schema_version,
           "location": describe_location(summary.location)}
    emit([row], list(row), out)


@click.command()
@click.argument("path", metavar="PROJECT", default="demo.qcode")
def demo(path: str) -> None:
    """Build the demo study (12 interviews, coded) at PROJECT and show what to try.

    PROJECT is a new .qcode file (default demo.qcode) or the URL of an empty
    PostgreSQL database, for trying the shared team setup.

    \b
    Example:
      qcode demo            # writes demo.qcode in this folder
      qcode demo postgresql+psycopg://me@server/demo
    """
    from qcode.ingest.demo import DEMO_NAME, build_demo
    from qcode.services.project import describe_location, open_project, project_summary
    from qcode.store.engine import sqlite_path

    existing = sqlite_path(path)
    if existing is not None and existing.exists() and existing.stat().st_size > 0:
        # Run twice (README's "Try it", then its tour): the demo is there, not an error.
        with open_project(path) as found:
            is_demo = project_summary(found).name == DEMO_NAME
        if not is_demo:
            raise InputError(f"{path} exists and is not the demo study; give a new file "
                             "name, e.g. qcode demo demo2.qcode")
        note(f"{path} is the demo study already (delete it to build it afresh)")
    else:
        summary = build_demo(path, progress=lambda message: note(f"  {message}..."))
        note(
            f"built {describe_location(path)}: {summary.sources} transcripts, {summary.cases} "
            f"interview partners, {summary.codings} codings ({summary.anchored} anchored, "
            f"{summary.unanchored} kept unanchored)"
        )
    path = describe_location(path)
    click.echo(
        "\nTry next:\n"
        f"  qcode sources {path}\n"
        f"  qcode cases {path}\n"
        f"  qcode subdivisions {path}\n"
        f"  qcode codings {path} --format json\n"
        f"  qcode text {path} IP9_familia_beneficiaria | head -20"
    )


COMMANDS = [init, info, demo]
