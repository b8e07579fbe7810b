"""Auto-coding: one code (and its subdivisions) on many spans, as one undoable step.

The spans come from a search (hits widened to sentences, turns or paragraphs) or from a
speaker's turns; the researcher has seen them in a preview and left out the wrong ones.
The whole run is one transaction and one entry in the coder's history, labelled with
the query, so `u` takes every coding of it back at once. A span that already carries
the same code by the same coder is skipped, never doubled: running the same auto-coding
twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.errors import InputError, NotFoundError
from qcode.names import clean_name, name_key, natural_key
from qcode.progress import Progress
from qcode.services import steps
from qcode.services.cases import CaseRow, link_source, upsert_case
from qcode.services.coding import CodingBatch, CodingRequest, add_coding
from qcode.services.project import Project
from qcode.store.models import Case, Source, SpeakerTurn

_LABEL_LENGTH = 300  # Action.label's size


@dataclass(frozen=True)
class AutoSpan:
    """A span to code: the source's id (as a search or plan found it) and offsets, end
    exclusive.

    An id, not a name typed by someone: the span came from a search of that very
    source, and an id cannot be mistaken for a source whose name is a number.
    """

    source_id: int
    start: int
    end: int


@dataclass
class AutocodeResult:
    """What a run did, or (dry run) would do."""

    coded: int = 0
    duplicates: int = 0
    new_code: bool = False
    new_subdivisions: list[str] = field(default_factory=list)
    label: str = ""
    created: list[bool] = field(default_factory=list)  # per span: False = was there already
    backup: str | None = None


def action_label(code: str, what: str, count: int) -> str:
    """How the run reads in the history: who and when are stored beside it."""
    label = f"auto-code {count} span{'s' if count != 1 else ''} as {clean_name(code)!r}: {what}"
    return label if len(label) <= _LABEL_LENGTH else label[:_LABEL_LENGTH - 1] + "…"


# Spans coded between two progress reports: often enough for the bar, rarely enough
# not to slow a run of thousands.
_PROGRESS_EVERY = 50


def autocode(project: Project, spans: Sequence[AutoSpan], code: str, *,
             subdivision: str | None = None, other_subdivisions: Sequence[str] = (),
             emphasis: str | None = None, notes: str | None = None,
             coder: str | None = None, query: str = "", dry_run: bool = False,
             take_backup: bool = True, progress: Progress | None = None) -> AutocodeResult:
    """Code every span with `code`, filed under the subdivisions, as one undoable action.

    Args:
        project: The open project.
        spans: What to code; the same span twice is coded once.
        code: The code's name (created when new, as when coding by hand).
        subdivision: The primary subdivision, if any.
        other_subdivisions: Further subdivisions.
        emphasis: The same emphasis on every coding (usually none).
        notes: The same notes on every coding (usually none).
        coder: Who codes (default: $QCODE_CODER or the login name).
        query: What found the spans, recorded in the action's label.
        dry_run: Work out what would be coded and skipped; change nothing.
        take_backup: Copy a .qcode file first (qcode.services.backup) before a real run.
        progress: Called as progress(spans done, spans in all, source name); raising
            (Cancelled, say) stops the run and changes nothing.

    Raises:
        InputError: No spans, or a span outside its source.
        NotFoundError: A span names a source that is not there.
    """
    if not spans:
        raise InputError("nothing to auto-code: the search found no span (or all were "
                         "left out)")
    label = action_label(code, query or "chosen spans", len(spans))
    result = AutocodeResult(label=label)
    # A run that fails or codes nothing new leaves no copy behind and evicts none.
    with project.step(label, coder, dry_run=dry_run,
                      backup_before="auto-code" if take_backup else None) as session:
        _code_all(session, spans, code, subdivision, other_subdivisions, emphasis, notes,
                  coder, result, progress)
        made = steps.backup_made(session)
    if made is not None and Path(made).exists():
        result.backup = made
    return result


def _code_all(session: Session, spans: Sequence[AutoSpan], code: str,
              subdivision: str | None, others: Sequence[str], emphasis: str | None,
              notes: str | None, coder: str | None, result: AutocodeResult,
              progress: Progress | None = None) -> None:
    # One batch: each source's quotes and codings are read once, not once per span.
    batch = CodingBatch(session)
    names = _source_names(session, {span.source_id for span in spans})
    for n, span in enumerate(spans):
        if progress is not None and n % _PROGRESS_EVERY == 0:
            progress(n, len(spans), names[span.source_id])
        # By its (unique) name, which lookup.source matches before any id.
        request = CodingRequest(source=names[span.source_id], start=span.start, end=span.end,
                                code=code, subdivision=subdivision, other_subdivisions=others,
                                emphasis=emphasis, notes=notes, coder=coder, anchor="exact")
        done = add_coding(session, request, skip_existing=True, batch=batch)
        result.created.append(done.created)
        if not done.created:
            result.duplicates += 1
            continue
        result.coded += 1
        result.new_code = result.new_code or done.new_code
        result.new_subdivisions += [n for n in done.new_subdivisions
                                    if n not in result.new_subdivisions]
    session.flush()
    if progress is not None:
        progress(len(spans), len(spans), "")


def _source_names(session: Session, ids: set[int]) -> dict[int, str]:
    """Each span's source name by id; a source deleted since the search is refused."""
    names = {source_id: name for source_id, name in session.execute(
        select(Source.id, Source.name).where(Source.id.in_(ids)))}
    missing = sorted(ids - names.keys())
    if missing:
        raise NotFoundError(f"source {missing[0]} is gone (deleted since the search); "
                            "search again (nothing was coded)")
    return names


@dataclass(frozen=True)
class CaseLinks:
    """What `speaker_as_case` did: the case, and the sources newly tied to it."""

    case: str
    new_case: bool
    linked: list[str]
    already: list[str]


def speaker_labels(session: Session, speaker: str) -> list[str]:
    """The speaker labels in the transcripts that name `speaker` ("ip4" finds "IP4").

    Raises:
        NotFoundError: No transcript has a turn of that speaker (the message lists some).
    """
    labels = list(session.scalars(select(SpeakerTurn.speaker).distinct()))
    found = [label for label in labels if name_key(label) == name_key(speaker)]
    if not found:
        known = ", ".join(sorted(labels, key=natural_key)[:12]) or "none found"
        raise NotFoundError(f"no speaker {speaker!r} in any transcript (speakers: {known})")
    return found


def speaker_as_case(project: Project, speaker: str, case: str | None = None,
                    coder: str | None = None) -> CaseLinks:
    """Tie every source in which `speaker` has a turn to the case of that name.

    The case (`case`, default the speaker's label) is created when new. One undoable
    action; sources tied already are left as they are.
    """
    key = clean_name(case or speaker)
    if not key:
        raise InputError("give the speaker whose sources to tie to a case")
    with project.step(f"tie the sources of speaker {speaker!r} to case {key!r}",
                      coder) as session:
        labels = speaker_labels(session, speaker)
        new_case = session.scalars(select(Case).where(Case.key == key)).first() is None
        found = upsert_case(session, CaseRow(key=key))
        sources = session.execute(
            select(Source.id, Source.name).where(Source.id.in_(
                select(SpeakerTurn.source_id).where(SpeakerTurn.speaker.in_(labels))))
        ).all()
        linked: list[str] = []
        already: list[str] = []
        for source_id, name in sorted(sources, key=lambda row: natural_key(row[1])):
            (linked if link_source(session, source_id, found.id) else already).append(name)
    return CaseLinks(key, new_case, linked, already)
