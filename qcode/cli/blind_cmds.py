"""Blind double coding: `qcode blind` and `qcode finish`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from qcode.cli.common import opened, project_argument
from qcode.cli.output import Output, emit, note, output_options
from qcode.columns import BLIND_COLUMNS
from qcode.errors import InputError

if TYPE_CHECKING:
    from qcode.services import blind as service



def _status_rows(found: list[service.BlindStatus]) -> list[dict[str, object]]:
    return [{"source": s.source, "state": s.state, "coders": list(s.coders),
             "finished": list(s.finished), "waiting_for": list(s.waiting_for)}
            for s in found]


def _said(status: service.BlindStatus) -> str:
    if status.hiding:
        return (f"{status.source}: blind {status.until()} (finished: "
                f"{', '.join(status.finished) or 'nobody yet'})")
    return f"{status.source}: {', '.join(status.coders)} have all finished; every " \
           "coding is visible"


def _finish(project: str, source: str, coder: str | None) -> None:
    from qcode.services import blind as service
    from qcode.services.lookup import default_coder_name

    who = coder or default_coder_name()
    with opened(project) as p, p.step(f"finish blind coding of {source}", who) as s:
        status = service.finish(s, source, who)
    note(_said(status))


@click.command()
@project_argument
@click.argument("sources", nargs=-1, metavar="[SOURCE]...")
@click.option("--coders", "coder_names", nargs=2, metavar="A B",
              help="Make SOURCEs blind for these two coders (run again with other names "
                   "to add a third).")
@click.option("--finish", "finishing", is_flag=True,
              help="Mark --coder finished on SOURCE (as `qcode finish`).")
@click.option("--coder", help="With --finish: who has finished (default: $QCODE_CODER or "
                              "your login).")
@click.option("--lift", "lifting", is_flag=True,
              help="End blind coding on SOURCEs: every coding is visible again.")
@click.option("--status", "status_only", is_flag=True,
              help="List blind sources and who has finished (the default with no option).")
@output_options
def blind(project: str, sources: tuple[str, ...], coder_names: tuple[str, str] | None,
          finishing: bool, coder: str | None, lifting: bool, status_only: bool,
          out: Output) -> None:
    """Blind double coding: hide coders' codings from each other on chosen sources.

    While a source is blind and not every listed coder has finished, each listed coder
    sees only their own codings there (reader, quotes, counts, `qcode codings
    --coder`), and `qcode agreement` refuses to compare it. When all have finished,
    everything is visible and agreement runs. A guard against peeking by accident,
    not access control.

    \b
    Examples:
      qcode blind study.qcode IP3 IP4 --coders ana ben
      qcode blind study.qcode IP3 --finish --coder ana
      qcode blind study.qcode --status --json
      qcode blind study.qcode IP3 --lift
    """
    from qcode.services import blind as service

    chosen = [name for name, on in (("--coders", coder_names is not None),
                                    ("--finish", finishing), ("--lift", lifting),
                                    ("--status", status_only)) if on]
    if len(chosen) > 1:
        raise InputError(f"{' and '.join(chosen)} do different things; give one of them")
    if coder is not None and not finishing:
        raise InputError("--coder says who finished: use it with --finish (or --coders A B "
                         "to make sources blind)")
    if finishing:
        if len(sources) != 1:
            raise InputError("--finish takes one SOURCE: qcode blind PROJECT IP3 --finish "
                             "--coder ana")
        _finish(project, sources[0], coder)
        return
    if lifting:
        with opened(project) as p, p.step(
                f"lift blind coding on {', '.join(sources) or 'every source'}") as s:
            lifted = service.lift(s, sources)
        note(f"lifted blind coding on {', '.join(lifted)}: every coding is visible again")
        return
    if coder_names is not None:
        with opened(project) as p, p.step(
                f"code {', '.join(sources)} blind for {' and '.join(coder_names)}") as s:
            found = service.set_blind(s, sources, coder_names)
        for status in found:
            note(_said(status))
        return
    with opened(project) as p:
        found = service.blind_status(p, sources)
    emit(_status_rows(found), BLIND_COLUMNS, out)
    if not found and out.format == "table":
        note("no source is coded blind; `qcode blind PROJECT SOURCE --coders A B` starts")


@click.command()
@project_argument
@click.argument("source")
@click.option("--coder", help="Who has finished (default: $QCODE_CODER or your login).")
def finish(project: str, source: str, coder: str | None) -> None:
    """Say you have finished coding SOURCE blind; when all have, everything is visible.

    \b
    Example:
      qcode finish study.qcode IP3 --coder ana
    """
    _finish(project, source, coder)


COMMANDS = [blind, finish]
