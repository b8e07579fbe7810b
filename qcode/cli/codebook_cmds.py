"""Restructuring the codebook: codes (rename, recolour, merge) and the subdivision tree."""

from __future__ import annotations

import click

from qcode.cli.common import opened, project_argument
from qcode.cli.output import note
from qcode.vocabulary import SUBDIVISION_KINDS

dry_run_option = click.option(
    "--dry-run", is_flag=True, help="Say what would change, and change nothing."
)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@click.command("add-code")
@project_argument
@click.argument("name")
@click.option("--description", help="What the code means.")
@click.option("--color", "colour", metavar="#RRGGBB",
              help="Its colour (default: the next colour of the palette).")
def add_code(project: str, name: str, description: str | None, colour: str | None) -> None:
    """Create a code before using it (coding creates codes too).

    \b
    Example:
      qcode add-code study.qcode "Consolidation over time" \\
          --description "Houses grow as families can pay" --color "#3cb44b"
    """
    from qcode.services import codebook_edit as edit

    with opened(project) as p, p.step(f"add code {name!r}") as s:
        edit.create_code(s, name, description, colour)
    note(f"added code {name!r}")


@click.command("rename-code")
@project_argument
@click.argument("old")
@click.argument("new")
def rename_code(project: str, old: str, new: str) -> None:
    """Rename code OLD to NEW; its codings keep it.

    If NEW is already another code, the rename is refused: join the two with
    `qcode merge-codes` instead.

    \b
    Example:
      qcode rename-code study.qcode "Self management" "Self-management"
    """
    from qcode.services import codebook_edit as edit

    with opened(project) as p, p.step(f"rename code {old!r} to {new!r}") as s:
        edit.rename_code(s, old, new)
    note(f"renamed code {old!r} to {new!r}")


@click.command("recolour-code")
@project_argument
@click.argument("code_name", metavar="CODE")
@click.argument("colour", metavar="#RRGGBB")
def recolour_code(project: str, code_name: str, colour: str) -> None:
    """Give CODE a colour, as #RRGGBB (quote it: the shell reads # as a comment).

    \b
    Example:
      qcode recolour-code study.qcode "Self-management" "#4363d8"
    """
    from qcode.services import codebook_edit as edit

    with opened(project) as p, p.step(f"recolour code {code_name!r}") as s:
        edit.recolour_code(s, code_name, colour)
    note(f"code {code_name!r} is now {colour.strip().lower()}")


@click.command("describe-code")
@project_argument
@click.argument("code_name", metavar="CODE")
@click.argument("description")
def describe_code(project: str, code_name: str, description: str) -> None:
    """Set the description of CODE ("" clears it).

    \b
    Example:
      qcode describe-code study.qcode "Self-management" \\
          "Families organise and decide the building work themselves"
    """
    from qcode.services import codebook_edit as edit

    with opened(project) as p, p.step(f"describe code {code_name!r}") as s:
        edit.describe_code(s, code_name, description)
    note(f"described code {code_name!r}" if description.strip()
         else f"cleared the description of code {code_name!r}")


@click.command("merge-codes")
@project_argument
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="INTO")
@dry_run_option
def merge_codes(project: str, source: str, target: str, dry_run: bool) -> None:
    """Give every coding of code FROM the code INTO, then delete FROM.

    Where a quote already carries INTO by the same coder, the two codings become
    one: subdivisions of both are kept (INTO's primary stays primary), emphasis
    and notes are joined with " / ". Memos and axial links move to INTO.
    Mention counts do not change, except that a subdivision both codings were
    filed under now counts once.

    \b
    Example:
      qcode merge-codes study.qcode "Self management" "Self-management" --dry-run
      qcode merge-codes study.qcode "Self management" "Self-management"
    """
    from qcode.services import codebook_edit as edit

    with opened(project) as p, p.step(f"merge code {source!r} into {target!r}",
                                      dry_run=dry_run) as s:
        done = edit.merge_codes(s, source, target)
    extra = "".join(f", {_plural(n, w)} moved" for n, w in ((done.memos, "memo"),
                                                            (done.links, "axial link")) if n)
    summary = (f"{_plural(done.moved, 'coding')} moved, {done.folded} folded into codings "
               f"already coded {done.target!r}{extra}")
    if dry_run:
        note(f"dry run: merging {done.source!r} into {done.target!r} would give {summary}; "
             f"nothing was changed")
    else:
        note(f"merged {done.source!r} into {done.target!r}: {summary}; "
             f"{done.source!r} is deleted")


@click.command("move-codings")
@project_argument
@click.argument("code_name", metavar="CODE")
@click.option("--from", "old", required=True, metavar="SUBDIVISION",
              help="The subdivision the codings are filed under now.")
@click.option("--to", "new", required=True, metavar="SUBDIVISION",
              help="The subdivision to file them under instead.")
@dry_run_option
def move_codings(project: str, code_name: str, old: str, new: str, dry_run: bool) -> None:
    """File every coding of CODE that is under one subdivision under another.

    A mention keeps being primary or other; a coding already under the new
    subdivision just loses the old one.

    \b
    Example:
      qcode move-codings study.qcode "Self-management" \\
          --from "Participation" --to "Participation of households"
    """
    from qcode.services import codebook_edit as edit

    with opened(project) as p, p.step(
            f"move the codings of {code_name!r} from {old!r} to {new!r}",
            dry_run=dry_run) as s:
        moved = edit.move_codings(s, code_name, old, new)
    action = "would re-file" if dry_run else "re-filed"
    tail = "; nothing was changed" if dry_run else ""
    note(f"{action} {_plural(moved, 'coding')} of {code_name!r} from {old!r} to {new!r}{tail}")


@click.command("add-subdivision")
@project_argument
@click.argument("name")
@click.option("--parent", help="The group or factor group it goes under (default: top).")
@click.option("--kind", type=click.Choice(SUBDIVISION_KINDS), default="subdivision",
              show_default=True, help="What the node is.")
@click.option("--description", help="What it covers.")
def add_subdivision(project: str, name: str, parent: str | None, kind: str,
                    description: str | None) -> None:
    """Add a group, factor group or subdivision to the tree, last among its siblings.

    \b
    Example:
      qcode add-subdivision study.qcode "Inclusion criteria" --kind group
      qcode add-subdivision study.qcode "Social approach" --kind factor_group \\
          --parent "Inclusion criteria"
      qcode add-subdivision study.qcode "Income limits" --parent "Social approach"
    """
    from qcode.services import codebook_edit as edit

    with opened(project) as p, p.step(f"add subdivision {name!r}") as s:
        edit.create_subdivision(s, name, parent, kind, description)
    where = f"under {parent!r}" if parent else "at the top"
    note(f"added {kind.replace('_', ' ')} {name!r} {where}")


@click.command("rename-subdivision")
@project_argument
@click.argument("old")
@click.argument("new")
def rename_subdivision(project: str, old: str, new: str) -> None:
    """Rename a group, factor group or subdivision; its mentions keep it.

    \b
    Example:
      qcode rename-subdivision study.qcode "Particpation" "Participation"
    """
    from qcode.services import codebook_edit as edit

    with opened(project) as p, p.step(f"rename subdivision {old!r} to {new!r}") as s:
        edit.rename_subdivision(s, old, new)
    note(f"renamed subdivision {old!r} to {new!r}")


@click.command("move-subdivision")
@project_argument
@click.argument("name")
@click.option("--parent", help="The node to put it under.")
@click.option("--top", is_flag=True, help="Put it at the top level.")
def move_subdivision(project: str, name: str, parent: str | None, top: bool) -> None:
    """Put a node, with everything below it, under another node (or at the top).

    Moving a node under itself or under a node below it is refused.

    \b
    Example:
      qcode move-subdivision study.qcode "Income limits" --parent "Social approach"
      qcode move-subdivision study.qcode "Criticism" --top
    """
    from qcode.services import codebook_edit as edit

    if (parent is None) == (not top):
        raise click.UsageError("give either --parent NODE or --top")
    with opened(project) as p, p.step(f"move subdivision {name!r}") as s:
        edit.move_subdivision(s, name, parent)
    note(f"moved {name!r} " + (f"under {parent!r}" if parent else "to the top"))


@click.command("move-code")
@project_argument
@click.argument("name")
@click.option("--parent", help="The subdivision to put it under.")
@click.option("--top", is_flag=True, help="Put it at the top level.")
def move_code(project: str, name: str, parent: str | None, top: bool) -> None:
    """Give a code its place in the codebook tree (under a subdivision, or at the top).

    Its codings stay filed where they are (`qcode move-codings` re-files them); the
    workbench, the reports and REFI-QDA exports show the code there even unused.

    \b
    Example:
      qcode move-code study.qcode "Addressing affordability" --parent "Social approach"
    """
    from qcode.services import codebook_edit as edit

    if (parent is None) == (not top):
        raise click.UsageError("give either --parent SUBDIVISION or --top")
    with opened(project) as p, p.step(f"move the code {name!r}") as s:
        edit.move_code(s, name, parent)
    note(f"moved the code {name!r} " + (f"under {parent!r}" if parent else "to the top"))


@click.command("describe-subdivision")
@project_argument
@click.argument("name")
@click.argument("description")
def describe_subdivision(project: str, name: str, description: str) -> None:
    """Set the description of a group, factor group or subdivision ("" clears it).

    \b
    Example:
      qcode describe-subdivision study.qcode "Income limits" \\
          "Who may apply, by household income"
    """
    from qcode.services import codebook_edit as edit

    with opened(project) as p, p.step(f"describe subdivision {name!r}") as s:
        edit.describe_subdivision(s, name, description)
    note(f"described subdivision {name!r}" if description.strip()
         else f"cleared the description of subdivision {name!r}")


@click.command("recolour-subdivision")
@project_argument
@click.argument("name")
@click.argument("colour", metavar="#RRGGBB")
def recolour_subdivision(project: str, name: str, colour: str) -> None:
    """Give a group, factor group or subdivision a colour, as #RRGGBB (quoted).

    \b
    Example:
      qcode recolour-subdivision study.qcode "Inclusion criteria" "#911eb4"
    """
    from qcode.services import codebook_edit as edit

    with opened(project) as p, p.step(f"recolour subdivision {name!r}") as s:
        edit.recolour_subdivision(s, name, colour)
    note(f"subdivision {name!r} is now {colour.strip().lower()}")


@click.command("delete-subdivision")
@project_argument
@click.argument("name")
def delete_subdivision(project: str, name: str) -> None:
    """Delete a node that has no mentions, no nodes below it, links or memos.

    A node still in use is refused, never emptied: re-file its codings with
    `qcode move-codings` and move its children with `qcode move-subdivision` first.

    \b
    Example:
      qcode delete-subdivision study.qcode "Unused idea"
    """
    from qcode.services import codebook_edit as edit

    with opened(project) as p, p.step(f"delete subdivision {name!r}") as s:
        edit.delete_subdivision(s, name)
    note(f"deleted subdivision {name!r}")


COMMANDS = [add_code, rename_code, recolour_code, describe_code, merge_codes, move_codings,
            move_code, add_subdivision, rename_subdivision, move_subdivision, describe_subdivision,
            recolour_subdivision, delete_subdivision]
