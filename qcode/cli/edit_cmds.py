"""Correcting transcripts: `qcode edit`, `replace`, `versions`, `restore` and `review`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from qcode.cli.common import opened, project_argument
from qcode.cli.output import Output, emit, note, output_options
from qcode.columns import REVIEW_COLUMNS, VERSION_COLUMNS
from qcode.errors import QcodeError

if TYPE_CHECKING:  # the services load when a command runs: `qcode --help` stays quick
    from qcode.services.project import Project
    from qcode.services.source_edit import EditResult, FlaggedQuote

_MOVE_COLUMNS = ["quote", "status", "codings", "start", "end", "was", "now"]


def _report(result: EditResult, out: Output, every: bool) -> None:
    """The summary line on stderr; the quotes to look at (or all of them) as a table."""
    note(result.summary())
    if not result.changed:
        return
    shown = result.quotes if every else tuple(result.flagged)
    rows = [{"quote": q.quote_id, "status": q.status, "codings": q.codings,
             "start": q.start, "end": q.end, "was": q.old_text, "now": q.text}
            for q in shown]
    if rows or out.format == "json":
        emit(rows, _MOVE_COLUMNS, out)


_every_option = click.option("--all", "every", is_flag=True,
                             help="List every quote of the source, not only the flagged.")
_reason_option = click.option("--reason", help="Why the text changed; kept with the version.")
_coder_option = click.option("--coder", help="Who edits (default: $QCODE_CODER or your login).")


@click.command()
@project_argument
@click.argument("source")
@_reason_option
@_coder_option
@_every_option
@output_options
def edit(project: str, source: str, reason: str | None, coder: str | None, every: bool,
         out: Output) -> None:
    """Correct a transcript in your editor ($VISUAL or $EDITOR); codings follow the words.

    On save, quotes move with their words; a quote whose words you changed is
    re-anchored and flagged for review, one whose words you deleted is kept
    unanchored with its codings. The text before is kept as a version (`qcode
    versions`, `qcode restore`). Closing the editor without saving changes nothing.

    \b
    Example:
      EDITOR=nano qcode edit study.qcode IP4_interview --reason "names checked"
      qcode review study.qcode
    """
    from qcode.ingest.text import normalise_newlines
    from qcode.services.source_edit import draft_note, edit_source, with_draft
    from qcode.services.sources import source_text

    with opened(project) as p:
        name, before = source_text(p, source)
        edited = click.edit(before, extension=".txt", require_save=True)
        if edited is None:
            note(f"{name}: not saved in the editor; nothing was changed")
            return
        after = normalise_newlines(edited)
        # Editors end the file with a newline; one the text did not have is not an edit.
        if not before.endswith("\n") and after.endswith("\n") and not after.endswith("\n\n"):
            after = after[:-1]
        try:
            result = edit_source(p, name, after, reason or "edited", coder, based_on=before)
        except QcodeError as exc:  # refused, busy, disk full: the typing must not go with it
            raise with_draft(exc, name, after) from exc
        except Exception:  # a bug: the traceback stays the one of the bug
            note(draft_note(name, after))
            raise
    _report(result, out, every)


@click.command()
@project_argument
@click.argument("source")
@click.argument("new_file", metavar="NEWFILE",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_reason_option
@_coder_option
@_every_option
@output_options
def replace(project: str, source: str, new_file: Path, reason: str | None, coder: str | None,
            every: bool, out: Output) -> None:
    """Replace a source's text with a re-transcribed file, keeping its codings.

    NEWFILE is read as `qcode import` reads files (.txt .md .docx .odt .rtf .pdf .vtt
    .srt ...), with its own speaker turns, pages and timestamps. Quotes move with their words as in
    `qcode edit`; the old text is kept as a version.

    \b
    Example:
      qcode replace study.qcode IP4_interview IP4_corrected.docx
    """
    from qcode.writes import replace_text

    with opened(project) as p:
        result = replace_text(p, source, new_file, reason, coder)
    _report(result, out, every)


@click.command()
@project_argument
@click.argument("source")
@click.option("--show", "show", type=click.IntRange(min=1), metavar="N",
              help="Print the text of version N instead of the list.")
@output_options
def versions(project: str, source: str, show: int | None, out: Output) -> None:
    """List the saved versions of a source's text (each edit keeps the text before it).

    \b
    Example:
      qcode versions study.qcode IP4_interview
      qcode versions study.qcode IP4_interview --show 1 > IP4_v1.txt
    """
    from qcode.services.source_edit import list_versions, version_text

    with opened(project) as p:
        if show is not None:
            click.echo(version_text(p, source, show), nl=False)
            return
        found = list_versions(p, source)
    rows = [{"version": v.number, "saved": v.created_at, "coder": v.coder, "reason": v.reason,
             "characters": v.characters, "words": v.words, "quotes": v.quotes} for v in found]
    emit(rows, VERSION_COLUMNS,
         out)
    if not found:
        note(f"{source} has not been edited: there are no versions")


@click.command()
@project_argument
@click.argument("source")
@click.option("--version", "number", type=click.IntRange(min=1), required=True, metavar="N",
              help="The version to put back (`qcode versions` lists them).")
@_coder_option
@_every_option
@output_options
def restore(project: str, source: str, number: int, coder: str | None, every: bool,
            out: Output) -> None:
    """Put back an earlier version of a source: its text and every quote's place exactly.

    The text it replaces is saved as a new version first, so a restore can itself
    be undone by restoring again. Quotes made after that version move with the text.

    \b
    Example:
      qcode restore study.qcode IP4_interview --version 1
    """
    from qcode.services.source_edit import restore_version

    with opened(project) as p:
        result = restore_version(p, source, number, coder)
    _report(result, out, every)


@click.command()
@project_argument
@click.option("--source", help="Only the quotes of this source.")
@click.option("--clear", "clear", multiple=True, type=int, metavar="ID",
              help="Accept quote ID as it is now: its flag goes (repeatable).")
@click.option("--clear-all", is_flag=True,
              help="Accept every listed quote (asks first; --yes does not).")
@click.option("--yes", is_flag=True, help="With --clear-all: do not ask first.")
@output_options
def review(project: str, source: str | None, clear: tuple[int, ...], clear_all: bool,
           yes: bool, out: Output) -> None:
    """List quotes an edit changed, with their old and new words; accept them.

    A re-anchored quote now covers the words shown; an unanchored one lost its
    words and keeps its codings (place it with `qcode anchor`). Accepting a quote
    only clears its flag; --clear-all accepts every one listed, after asking.

    \b
    Example:
      qcode review study.qcode
      qcode review study.qcode --clear 57 --clear 58
      qcode review study.qcode --source IP4_interview --clear-all --yes
    """
    from qcode.services.source_edit import clear_review, flagged_quotes

    with opened(project) as p:
        if clear:
            cleared = clear_review(p, clear, source)
            note(f"accepted {cleared} quote{'' if cleared == 1 else 's'}")
            return
        found = flagged_quotes(p, source)
        if clear_all:
            _clear_all(p, found, source, yes)
            return
    rows = [{"quote": q.quote_id, "source": q.source, "anchor": q.anchor, "start": q.start,
             "end": q.end, "codings": q.codings, "text": q.text, "note": q.note}
            for q in found]
    emit(rows, REVIEW_COLUMNS,
         out)
    if not found:
        note("no quote is flagged for review")


def _clear_all(project: Project, found: list[FlaggedQuote], source: str | None,
               yes: bool) -> None:
    """Accept every flagged quote listed, once the researcher has said yes."""
    from qcode.services.source_edit import clear_review

    if not found:
        note("no quote is flagged for review; nothing to accept")
        return
    many = f"{len(found)} flagged quote{'' if len(found) == 1 else 's'}"
    where = f" of {source}" if source else ""
    if not yes:
        # Their notes are the only record of what each edit did to the quote.
        click.confirm(f"Accept all {many}{where} as they are now? Their review notes "
                      "(what each edit changed) are deleted", abort=True)
    # Exactly the quotes counted above: one flagged meanwhile is left for a look.
    cleared = clear_review(project, [q.quote_id for q in found], source)
    note(f"accepted {cleared} quote{'' if cleared == 1 else 's'}")


COMMANDS = [edit, replace, versions, restore, review]
