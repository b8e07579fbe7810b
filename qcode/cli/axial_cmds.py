"""Axial coding and memos from a script: link, links, unlink, memo, memos, delete-memo."""

from __future__ import annotations

from dataclasses import asdict
from typing import IO, TYPE_CHECKING

import click

from qcode.cli.common import opened, project_argument
from qcode.cli.output import Output, emit, note, output_options
from qcode.columns import LINK_COLUMNS, MEMO_COLUMNS

if TYPE_CHECKING:
    from qcode.services.axial import LinkInfo
    from qcode.services.memos import MemoInfo

# A memo's body is cut to this on the terminal; files and --json give it whole.
BODY_PREVIEW = 60


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _emit_links(links: list[LinkInfo], out: Output) -> None:
    emit([asdict(info) for info in links], LINK_COLUMNS, out)


def _emit_memos(found: list[MemoInfo], out: Output) -> None:
    rows = [asdict(m) for m in found]
    if out.for_people:  # a long body is cut on the terminal; files keep it whole
        for row in rows:
            row["body"] = _preview(row["body"])
    emit(rows, MEMO_COLUMNS, out)


def _preview(body: str) -> str:
    first = body.strip().split("\n", 1)[0]
    more = first != body.strip()
    if len(first) > BODY_PREVIEW:
        first, more = first[:BODY_PREVIEW].rstrip(), True
    return first + (" …" if more else "")


@click.command()
@project_argument
@click.argument("from_ref", metavar="FROM")
@click.argument("relation")
@click.argument("to_ref", metavar="TO")
@click.option("--note", "link_note", help="Your note on the link: why you see this relation.")
@click.option("--quote", "quote_ids", type=int, multiple=True, metavar="ID",
              help="Id of a quote that supports the link (repeatable).")
@click.option("--coding", "coding_ids", type=int, multiple=True, metavar="ID",
              help="Id of a coding (as `qcode codings` lists them) whose quote supports "
                   "the link (repeatable).")
@click.option("--undirected", is_flag=True, help="The relation holds both ways.")
@click.option("--coder", help="Who links (default: $QCODE_CODER or your login).")
@output_options
def link(project: str, from_ref: str, relation: str, to_ref: str, link_note: str | None,
         quote_ids: tuple[int, ...], coding_ids: tuple[int, ...], undirected: bool,
         coder: str | None, out: Output) -> None:
    """Relate two subdivisions (or codes): FROM RELATION TO.

    RELATION is one of cause, consequence, context, interaction, contradiction, or a
    relation of your own ("enables", "undermines"). FROM and TO are subdivision
    names; a name that is only a code is taken as that code, and "code:NAME" or
    "subdivision:NAME" says which where both exist.

    \b
    Example:
      qcode link study.qcode "Housing subsidy" cause "Participation of households" \\
          --coding 12 --coding 40 --note "IP3 and IP9 say so independently"
      qcode link study.qcode "Microcredit" interaction "code:Access to credit" --undirected
    """
    from qcode.services import axial
    from qcode.vocabulary import RELATIONS

    with opened(project) as p, p.step(f"link {from_ref} {relation} {to_ref}", coder) as s:
        quotes = [*quote_ids, *(axial.quote_of_coding(s, c) for c in coding_ids)]
        info = axial.link(s, from_ref, to_ref, relation, note=link_note, quotes=quotes,
                          coder=coder, directed=not undirected)
    if info.relation not in RELATIONS:
        # A typo ("cuase") would otherwise pass as a relation of the researcher's own.
        note(f"{info.relation!r} is a relation of your own (the method's: "
             f"{', '.join(RELATIONS)})")
    note(f"linked {info.id}: {info.label()}"
         + (f" ({_plural(info.quotes, 'quote')})" if info.quotes else ""))
    _emit_links([info], out)


@click.command()
@project_argument
@click.option("--node", metavar="NAME",
              help="Only the links from or to this subdivision (or code:NAME).")
@click.option("--graph", is_flag=True,
              help="Draw the links of --node as arrows instead of a table.")
@output_options
def links(project: str, node: str | None, graph: bool, out: Output) -> None:
    """List axial links with their relation, supporting quotes and note.

    With --graph, draw one subdivision's links (outgoing, incoming, undirected) as
    arrows, for a quick look in the terminal.

    \b
    Example:
      qcode links study.qcode
      qcode links study.qcode --node "Housing subsidy" --graph
      qcode links study.qcode --format csv > links.csv
    """
    from qcode.services import axial

    if graph and node is None:
        raise click.UsageError("--graph draws the links of one node; give --node NAME")
    with opened(project) as p:
        if graph:
            assert node is not None
            click.echo(p.read(axial.link_graph, node))
            return
        found = p.read(axial.list_links, node)
    _emit_links(found, out)


@click.command()
@project_argument
@click.argument("link_id", metavar="LINK_ID", type=int)
def unlink(project: str, link_id: int) -> None:
    """Delete an axial link (`qcode links` shows the ids), and the memos on it.

    The supporting quotes stay with their codings.

    \b
    Example:
      qcode links study.qcode --node "Housing subsidy"
      qcode unlink study.qcode 3
    """
    from qcode.services import axial

    with opened(project) as p, p.step(f"remove link {link_id}") as s:
        removed = axial.remove_link(s, link_id)
    extra = []
    if removed.memos:
        extra.append(f"{_plural(removed.memos, 'memo')} on it deleted")
    if removed.link.quotes:
        extra.append("the supporting quotes stay with their codings")
    note(f"removed link {link_id}: {removed.link.label()}"
         + (f" ({'; '.join(extra)})" if extra else ""))


@click.command()
@project_argument
@click.argument("title")
@click.option("--body", help="The memo's text.")
@click.option("--body-file", type=click.File("r", encoding="utf-8"), metavar="FILE",
              help="Read the memo's text from FILE (- for standard input).")
@click.option("--on", "target", metavar="KIND:NAME",
              help="What the memo is about: source:NAME, case:KEY, code:NAME, "
                   "subdivision:NAME or link:ID (default: the project journal).")
@click.option("--coder", help="Who writes (default: $QCODE_CODER or your login).")
@output_options
def memo(project: str, title: str, body: str | None, body_file: IO[str] | None,
         target: str | None, coder: str | None, out: Output) -> None:
    """Write a memo on a source, case, code, subdivision or link, or in the journal.

    Without --on the memo goes into the project journal.

    \b
    Example:
      qcode memo study.qcode "Cost drives dropout" --on "subdivision:Housing subsidy" \\
          --body "IP3, IP7 and IP9 all left after the second instalment."
      qcode memo study.qcode "Week 3" --body-file notes/week3.md
    """
    from qcode.services import memos as memo_service

    if body is not None and body_file is not None:
        raise click.UsageError("give the text with --body or --body-file, not both")
    text = body_file.read() if body_file is not None else body or ""
    with opened(project) as p, p.step(f"write the memo {title!r}", coder) as s:
        parsed = memo_service.parse_target(target) if target is not None else None
        info = memo_service.add_memo(s, title, text, parsed, coder)
    where = (f"on {info.target_kind} {info.target_name!r}" if info.target_name
             else "in the project journal")
    note(f"added memo {info.id} {where}")
    _emit_memos([info], out)


@click.command()
@project_argument
@click.option("--on", "target", metavar="KIND[:NAME]",
              help="Only memos on this kind of target (source, case, code, subdivision, "
                   "link, project), or on one target (code:NAME...).")
@click.option("--search", metavar="TEXT", help="Only memos whose title or body contain TEXT "
                                                "(any case).")
@output_options
def memos(project: str, target: str | None, search: str | None, out: Output) -> None:
    """List memos, oldest first; in a table the body is cut to its first line.

    \b
    Example:
      qcode memos study.qcode --search subsidy
      qcode memos study.qcode --on project
      qcode memos study.qcode --on "code:Self-management" --format json
    """
    from qcode.services import memos as memo_service

    with opened(project) as p:
        if target is not None and ":" in target:
            found = p.read(memo_service.list_memos, search=search,
                           target=memo_service.parse_target(target))
        else:
            found = p.read(memo_service.list_memos, target_kind=target, search=search)
    _emit_memos(found, out)


@click.command("delete-memo")
@project_argument
@click.argument("memo_id", metavar="MEMO_ID", type=int)
def delete_memo(project: str, memo_id: int) -> None:
    """Delete a memo (`qcode memos` shows the ids).

    \b
    Example:
      qcode delete-memo study.qcode 7
    """
    from qcode.services import memos as memo_service

    with opened(project) as p, p.step(f"delete memo {memo_id}") as s:
        info = memo_service.delete_memo(s, memo_id)
    note(f"deleted memo {memo_id} {info.title!r}")


COMMANDS = [link, links, unlink, memo, memos, delete_memo]
