"""`qcode import`: transcripts and the participants manifest."""

from __future__ import annotations

from pathlib import Path

import click

from qcode.cli.common import opened, project_argument
from qcode.cli.output import chosen_format, emit, note, output_options, progress_bar
from qcode.ingest.importer import collect_files, import_paths


@click.command("import")
@project_argument
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--participants", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV/XLSX manifest: first column the case (IP1...), a file column "
                   "optional, every other column an attribute.")
@click.option("--coder", help="Who imports (default: $QCODE_CODER or your login).")
@output_options
def import_(project: str, paths: tuple[Path, ...], participants: Path | None,
            coder: str | None, fmt: str, as_json: bool) -> None:
    """Import transcripts (files or folders, searched recursively).

    Formats: .txt .md .docx .odt .rtf .pdf (text layer) .vtt .srt.

    Each file is one transaction: a refused file is reported and the others go in.
    The same text imported twice is skipped. Exit code 1 if any file was refused.

    \b
    Example:
      qcode import study.qcode interviews/ --participants participants.csv
    """
    with opened(project) as opened_project:
        total = len(collect_files(paths))
        with progress_bar(total, "importing") as update:
            report = import_paths(opened_project, list(paths), participants, coder,
                                  progress=lambda done, _total, path: update(done, path.name))
    rows = [{"file": str(i.path), "status": i.status, "source": i.source, "detail": i.detail}
            for i in report.items]
    emit(rows, ["file", "status", "source", "detail"], chosen_format(fmt, as_json))
    summary = (f"{report.count('imported')} imported, {report.count('duplicate')} skipped "
               f"as duplicates, {report.count('refused')} refused")
    if report.manifest:
        summary += (f"; {report.manifest.cases} cases from {participants}, "
                    f"{report.manifest.links} source links")
        for missing in report.manifest.unmatched_files:
            note(f"warning: participants file names {missing!r}, which is not imported")
    note(summary)
    if report.count("refused"):
        raise click.exceptions.Exit(1)


COMMANDS = [import_]
