"""`qcode import`: transcripts and the participants manifest; REFI-QDA projects.

`qcode import PROJECT FILES...` stays as it always was. REFI-QDA files come in as
`qcode import qdpx PROJECT FILE.qdpx` and `qcode import qdc PROJECT FILE.qdc`, and
QualCoder projects as `qcode import qualcoder PROJECT NAME.qda`: the word after
`import` picks the importer, so the command stays one command rather than a group (a
group would take the project's name for a subcommand and break the old form).
`qcode import PROJECT FILE.qdpx` (or `.qdc`, or a `NAME.qda` folder, given alone)
routes there too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from qcode.cli.common import opened, project_argument
from qcode.cli.output import Output, emit, note, output_options, progress_bar

if TYPE_CHECKING:
    from qcode.interop.qdc_import import ImportSummary


class _ImportCommand(click.Command):
    """`import`, which hands `import qdpx ...` and `import qdc ...` to their commands."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        args = list(args)
        if args and args[0] in REFI_COMMANDS:
            command = REFI_COMMANDS[args[0]]
            return command.make_context(f"{info_name} {args[0]}", args[1:], parent, **extra)
        positional = [a for a in args if not a.startswith("-")]
        suffix = Path(positional[-1]).suffix.lower() if len(positional) == 2 else ""
        if suffix in _BY_SUFFIX:  # `qcode import PROJECT FILE.qdpx` or `... FOLDER.qda`
            command = REFI_COMMANDS[_BY_SUFFIX[suffix]]
            return command.make_context(f"{info_name}", args, parent, **extra)
        return super().make_context(info_name, args, parent, **extra)


@click.command("import", cls=_ImportCommand)
@project_argument
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--participants", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV/XLSX manifest: first column the case (IP1...), a file column "
                   "optional, every other column an attribute.")
@click.option("--dayfirst/--monthfirst", default=None,
              help="Read participants' dates like 3/5/2021 as day/month or month/day "
                   "(needed only when no date in the column has a day over 12).")
@click.option("--strip-timestamps", is_flag=True,
              help="Take timestamps such as [00:01:23] or #00:01:23-4# out of the text; "
                   "their times are kept either way.")
@click.option("--coder", help="Who imports (default: $QCODE_CODER or your login).")
@output_options
def import_(project: str, paths: tuple[Path, ...], participants: Path | None,
            dayfirst: bool | None, strip_timestamps: bool, coder: str | None,
            out: Output) -> None:
    """Import transcripts (files or folders, searched recursively).

    Formats: .txt .md .docx .odt .rtf .pdf (text layer) .vtt .srt, and what
    transcription tools write: Whisper .json and .tsv, oTranscribe .otr.
    Timestamps in a transcript ([00:01:23], (01:23), #00:01:23-4#, Otter's and
    Teams' "Name  0:03" lines) are kept as the times of the words after them.
    Projects and codebooks of NVivo, ATLAS.ti, MAXQDA, QualCoder (REFI-QDA):
    `qcode import qdpx PROJECT FILE.qdpx` and `qcode import qdc PROJECT FILE.qdc`;
    a QualCoder project folder directly: `qcode import qualcoder PROJECT NAME.qda`.

    The whole import is one step (`qcode undo` takes it back): a refused file is
    reported and the others go in. The same text imported twice is skipped. Exit
    code 1 if any file was refused.

    \b
    Example:
      qcode import study.qcode interviews/ --participants participants.csv
    """
    from qcode.ingest.importer import collect_files, import_paths

    with opened(project) as opened_project:
        total = len(collect_files(paths))
        with progress_bar(total, "importing") as update:
            report = import_paths(opened_project, list(paths), participants, coder,
                                  progress=lambda done, _total, name: update(done, name),
                                  dayfirst=dayfirst, strip_timestamps=strip_timestamps)
    rows = [{"file": str(i.path), "status": i.status, "source": i.source, "detail": i.detail}
            for i in report.items]
    emit(rows, ["file", "status", "source", "detail"], out)
    summary = (f"{report.count('imported')} imported, {report.count('duplicate')} skipped "
               f"as duplicates, {report.count('refused')} refused")
    refused = [item.detail for item in report.items if item.status == "refused"]
    # One refusal is said in full here (the detail names the file and what to do), so
    # the person at the terminal reads it whatever --format printed on stdout.
    if len(refused) == 1:
        summary += f": {refused[0]}"
    elif refused:
        summary += " (the detail column says why)"
    if report.manifest:
        summary += (f"; {report.manifest.cases} cases from {participants}, "
                    f"{report.manifest.links} source links")
        for reading in report.read:
            note(reading)
        for missing in report.manifest.unmatched_files:
            note(f"warning: participants file names {missing!r}, which is not imported")
        if report.manifest.cases_without_source:
            note(f"warning: no source for case{_s(report.manifest.cases_without_source)} "
                 f"{', '.join(report.manifest.cases_without_source)} (name the files in a "
                 "`file` column, or start their names with the case, e.g. P1R1.txt)")
        if report.manifest.sources_without_case:
            note(f"warning: no case for source{_s(report.manifest.sources_without_case)} "
                 f"{', '.join(report.manifest.sources_without_case)}")
    note(summary)
    if report.count("refused"):
        raise click.exceptions.Exit(1)


def _s(items: list[str]) -> str:
    return "" if len(items) == 1 else "s"


def _print_summary(summary: ImportSummary, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
        return
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(summary.counts.items()))
    click.echo(f"{'would import' if summary.dry_run else 'imported'} from {summary.file}: "
               f"{counts or 'nothing'}")
    for item in summary.skipped:
        click.echo(f"not imported: {item.element} {item.name!r}: {item.reason}")
    for line in summary.notes:
        note(line)
    if summary.dry_run:
        note("dry run: nothing was changed")


_dry_run = click.option("--dry-run", is_flag=True,
                        help="Read everything and report, then change nothing.")
_as_json = click.option("--json", "as_json", is_flag=True, help="The summary as JSON.")
_coder = click.option("--coder", help="Coder for codings without a known user "
                      "(default: $QCODE_CODER or your login).")


@click.command("qdpx")
@project_argument
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_dry_run
@_coder
@_as_json
def import_qdpx_cmd(project: str, file: Path, dry_run: bool, coder: str | None,
                    as_json: bool) -> None:
    """Import a REFI-QDA project (.qdpx) in one transaction.

    Sources, codes (nested to any depth), codings, notes, cases, variables, links and
    users come in; every element that does not is listed with the reason.

    \b
    Example:
      qcode import qdpx study.qcode nvivo-export.qdpx --dry-run
    """
    from qcode.interop.qdpx_import import import_qdpx

    with opened(project) as opened_project:
        summary = import_qdpx(opened_project, file, dry_run=dry_run, coder=coder)
    _print_summary(summary, as_json)


@click.command("qdc")
@project_argument
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_dry_run
@_as_json
def import_qdc_cmd(project: str, file: Path, dry_run: bool, as_json: bool) -> None:
    """Import a REFI-QDA codebook (.qdc): codes, folders as subdivisions, sets.

    \b
    Example:
      qcode import qdc study.qcode atlas-codebook.qdc
    """
    from qcode.interop.qdc_import import import_qdc

    with opened(project) as opened_project:
        summary = import_qdc(opened_project, file, dry_run=dry_run)
    _print_summary(summary, as_json)


@click.command("qualcoder")
@project_argument
@click.argument("path", metavar="QUALCODER_PROJECT",
                type=click.Path(exists=True, path_type=Path))
@_dry_run
@_coder
@_as_json
def import_qualcoder_cmd(project: str, path: Path, dry_run: bool, coder: str | None,
                         as_json: bool) -> None:
    """Import a QualCoder project (its NAME.qda folder or the data.qda in it).

    Categories (nested), codes, text sources, codings with their coders, cases and
    attributes, memos, the journal and annotations come in, in one transaction;
    pictures, audio and video are listed as not imported. QualCoder's file is only
    read, never changed.

    \b
    Example:
      qcode import qualcoder study.qcode ~/QualCoder/housing.qda --dry-run
    """
    from qcode.interop.qualcoder_import import import_qualcoder

    with opened(project) as opened_project:
        summary = import_qualcoder(opened_project, path, dry_run=dry_run, coder=coder)
    _print_summary(summary, as_json)


REFI_COMMANDS: dict[str, click.Command] = {"qdpx": import_qdpx_cmd, "qdc": import_qdc_cmd,
                                           "qualcoder": import_qualcoder_cmd}
# What `qcode import PROJECT PATH` hands on by PATH's suffix (a QualCoder project is a
# folder called NAME.qda holding data.qda).
_BY_SUFFIX = {".qdpx": "qdpx", ".qdc": "qdc", ".qda": "qualcoder"}

COMMANDS = [import_]
