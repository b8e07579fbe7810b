"""Coding from a script: `qcode code` and `qcode delete-code`."""

from __future__ import annotations

import click

from qcode.cli.common import opened, project_argument
from qcode.cli.output import Output, emit, note, output_options


@click.command()
@project_argument
@click.argument("source")
@click.argument("start", type=click.IntRange(min=0))
@click.argument("end", type=click.IntRange(min=1))
@click.argument("code_name", metavar="CODE")
@click.option("--subdivision", help="The primary subdivision to file the coding under.")
@click.option("--other", "others", multiple=True, help="A further subdivision (repeatable).")
@click.option("--emphasis", help="How the speaker stressed it, or your reading of it.")
@click.option("--notes", help="Notes: theory, links, memos to self.")
@click.option("--coder", help="Who codes (default: $QCODE_CODER or your login).")
@output_options
def code(project: str, source: str, start: int, end: int, code_name: str,
         subdivision: str | None, others: tuple[str, ...], emphasis: str | None,
         notes: str | None, coder: str | None, out: Output) -> None:
    """Code the span START-END of SOURCE (by name or id) with CODE.

    Offsets count Unicode characters from 0, END exclusive, in the text that
    `qcode text` prints. New codes and subdivisions are created and reported.

    \b
    Example:
      qcode code study.qcode IP3_interview 120 245 "Self-management" \\
          --subdivision "Participation of households" --other "Empowerment" \\
          --emphasis "proud" --notes "compare IP9"
    """
    from qcode.services.coding import CodingRequest, code_span

    request = CodingRequest(source=source, start=start, end=end, code=code_name,
                            subdivision=subdivision, other_subdivisions=others,
                            emphasis=emphasis, notes=notes, coder=coder)
    with opened(project) as p:
        result = code_span(p, request)
    if result.new_code:
        note(f"new code {code_name!r}")
    for name in result.new_subdivisions:
        note(f"new subdivision {name!r}")
    emit([{"coding": result.coding_id, "source": result.source, "start": start, "end": end,
           "code": code_name}], ["coding", "source", "start", "end", "code"],
         out)


@click.command("delete-code")
@project_argument
@click.argument("code_name", metavar="CODE")
def delete_code(project: str, code_name: str) -> None:
    """Delete a code that has no codings (one with codings is refused).

    \b
    Example:
      qcode delete-code study.qcode "Unused idea"
    """
    from qcode.services.codebook import delete_code as delete_code_service

    with opened(project) as p:
        delete_code_service(p, code_name)
    note(f"deleted code {code_name!r}")


@click.command()
@project_argument
@click.argument("coding_id", metavar="CODING", type=int)
@click.argument("source")
@click.argument("start", type=click.IntRange(min=0))
@click.argument("end", type=click.IntRange(min=1))
@output_options
def anchor(project: str, coding_id: int, source: str, start: int, end: int, out: Output) -> None:
    """Place an unanchored coding (from a sheet import) at START-END of SOURCE.

    The other codings on the same quote move with it.

    \b
    Example:
      qcode codings study.qcode --unanchored
      qcode anchor study.qcode 57 IP3_interview 1200 1315
    """
    from qcode.services.coding import anchor_coding

    with opened(project) as p:
        row = anchor_coding(p, coding_id, source, start, end)
    emit([{"coding": row.id, "source": row.source, "start": row.start, "end": row.end,
           "text": row.text}], ["coding", "source", "start", "end", "text"],
         out)


COMMANDS = [code, delete_code, anchor]
