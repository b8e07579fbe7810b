"""The writing half of the Python API (`qcode.api` re-exports it): each call is a step.

Each function runs one step through `Project.step`, the same path the workbench and
the `qcode` commands take, so it lands in `qcode history` with its label and coder,
`undo` takes it back, and an open workbench shows it within a second. Each returns
what it created (an id, or the service's own summary).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pandas as pd

from qcode.errors import InputError
from qcode.ingest.importer import ImportReport, import_paths
from qcode.services import axial, codebook_edit, coding_edit
from qcode.services import history as steps_history
from qcode.services import memos as memo_service
from qcode.services.cases import AttributeValue, CaseRow, upsert_case
from qcode.services.codebook_edit import MergeResult
from qcode.services.coding import CodingRequest, code_span
from qcode.services.history import ActionInfo
from qcode.services.project import Project


def code(project: Project, source: str, start: int, end: int, code_name: str, *,
         subdivision: str | None = None, others: Sequence[str] = (),
         emphasis: str | None = None, notes: str | None = None,
         coder: str | None = None) -> int:
    """Code the span [start, end) of `source` with `code_name`; returns the coding's id."""
    result = code_span(project, CodingRequest(
        source=source, start=start, end=end, code=code_name, subdivision=subdivision,
        other_subdivisions=others, emphasis=emphasis, notes=notes, coder=coder))
    assert result.coding_id is not None
    return result.coding_id


def remove_coding(project: Project, coding_id: int, coder: str | None = None) -> None:
    """Remove one coding (its quote goes too when nothing else codes it)."""
    with project.step(f"remove coding {coding_id}", coder) as session:
        coding_edit.remove_coding(session, coding_id)


def create_code(project: Project, name: str, description: str | None = None,
                colour: str | None = None, coder: str | None = None) -> int:
    """Create a code; returns its id."""
    with project.step(f"add code {name!r}", coder) as session:
        return codebook_edit.create_code(session, name, description, colour)


def rename_code(project: Project, old: str, new: str, coder: str | None = None) -> None:
    with project.step(f"rename code {old!r} to {new!r}", coder) as session:
        codebook_edit.rename_code(session, old, new)


def merge_codes(project: Project, source: str, target: str,
                coder: str | None = None) -> MergeResult:
    """Give every coding of `source` the code `target`, then delete `source`."""
    with project.step(f"merge code {source!r} into {target!r}", coder) as session:
        return codebook_edit.merge_codes(session, source, target)


def create_subdivision(project: Project, name: str, parent: str | None = None,
                       kind: str = "subdivision", description: str | None = None,
                       coder: str | None = None) -> int:
    """Create a group, factor group or subdivision under `parent`; returns its id."""
    with project.step(f"add subdivision {name!r}", coder) as session:
        return codebook_edit.create_subdivision(session, name, parent, kind, description)


def rename_subdivision(project: Project, old: str, new: str, coder: str | None = None) -> None:
    with project.step(f"rename subdivision {old!r} to {new!r}", coder) as session:
        codebook_edit.rename_subdivision(session, old, new)


def link(project: Project, from_ref: str, relation: str, to_ref: str, *,
         note: str | None = None, quotes: Iterable[int] = (), directed: bool = True,
         coder: str | None = None) -> axial.LinkInfo:
    """Relate two subdivisions (or codes, as "code:NAME"); returns the link."""
    with project.step(f"link {from_ref} {relation} {to_ref}", coder) as session:
        return axial.link(session, from_ref, to_ref, relation, note=note, quotes=quotes,
                          coder=coder, directed=directed)


def memo(project: Project, title: str, body: str = "", on: str | None = None,
         coder: str | None = None) -> memo_service.MemoInfo:
    """Write a memo on "source:NAME", "case:KEY", "code:NAME"... or in the journal."""
    with project.step(f"write the memo {title!r}", coder) as session:
        target = memo_service.parse_target(on) if on is not None else None
        return memo_service.add_memo(session, title, body, target, coder)


def set_attributes(project: Project, case: str, values: Mapping[str, AttributeValue | int],
                   name: str | None = None, coder: str | None = None) -> None:
    """Create the case `case` if new and set its attributes (typed by their values)."""
    typed: dict[str, tuple[str, AttributeValue]] = {}
    for attribute, value in values.items():
        if isinstance(value, bool) or not isinstance(value, str | int | float | date):
            raise InputError(f"attribute {attribute!r}: give text, a number or a date")
        kind = ("date" if isinstance(value, date) else "text" if isinstance(value, str)
                else "number")
        typed[attribute] = (kind, float(value) if kind == "number" else value)  # type: ignore[arg-type]
    with project.step(f"set attributes of case {case!r}", coder) as session:
        upsert_case(session, CaseRow(key=case, name=name, attributes=typed))


def import_files(project: Project, paths: Sequence[str | Path],
                 participants: str | Path | None = None,
                 coder: str | None = None, dayfirst: bool | None = None) -> ImportReport:
    """Import transcripts (files or folders) as one step, like `qcode import`;
    `dayfirst` reads participants' dates like 3/5/2021 day first (True) or month first."""
    return import_paths(project, [Path(p) for p in paths],
                        Path(participants) if participants is not None else None, coder,
                        dayfirst=dayfirst)


def undo(project: Project, coder: str | None = None) -> ActionInfo | None:
    """Take back the coder's last step (from any front end); None when there is none."""
    return steps_history.undo(project, coder)


def redo(project: Project, coder: str | None = None) -> ActionInfo | None:
    return steps_history.redo(project, coder)


def history(project: Project, coder: str | None = None, limit: int = 20,
            everyone: bool = False) -> pd.DataFrame:
    """The latest steps, newest first, as `qcode history --json` lists them."""
    return pd.DataFrame([asdict(step) for step in
                         steps_history.history(project, coder, limit, everyone=everyone)])


__all__ = ["code", "create_code", "create_subdivision", "history", "import_files", "link",
           "memo", "merge_codes", "redo", "remove_coding", "rename_code",
           "rename_subdivision", "set_attributes", "undo"]
