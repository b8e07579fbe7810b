"""Correcting a transcript without losing coding: edit, replace, versions, restore, review.

Researchers fix transcription errors long after coding began. `edit_source` stores a
new text and moves everything that points into it: quotes (through `text_diff.remap`),
speaker turns and page starts. A quote whose words changed is re-anchored and flagged
for review (`Quote.review_note` says what changed, old and new); a quote whose words are
gone becomes unanchored, with its codings; no quote or coding is ever deleted.

Two quotes that an edit puts on the same span (a quote and a longer one whose extra
words were deleted) are not merged: the one that kept its words keeps the span, the
other is kept apart, unanchored and flagged. Merging would make restoring a version
inexact (which codings belonged to which quote would be lost); `qcode anchor` joins
them when the researcher decides to.

Every edit first saves the text as it was, with every quote's place, as a
`SourceVersion`; restoring a version is itself an edit, so nothing is ever lost. An
edit is not an undoable step: undo and redo replay rows, and a quote row recorded
before the edit holds offsets into the old text. So an edit also forgets the recorded
steps that touched this source's quotes, turns or pages (for every coder): undo stops
at an edit, and the way back is a version.
"""

from __future__ import annotations

import json
import shlex
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from qcode.errors import ConstraintError, InputError, NotFoundError, ProjectError, QcodeError
from qcode.services import lookup
from qcode.services.project import Project
from qcode.services.sources import Turn, content_hash, one_time_each, word_count
from qcode.services.text_diff import MOVED, REANCHORED, REWRITTEN, Alignment, remap
from qcode.store.models import (
    Action,
    Coder,
    Coding,
    Quote,
    Source,
    SourcePage,
    SourceVersion,
    SpeakerTurn,
    TimeMark,
)

# What happened to a quote: kept (same place), moved (same words elsewhere), rewritten
# (known replacements, as asked), reanchored (words changed: review), unanchored (words
# gone), collided (now the same span as another quote: kept apart), restored (a version).
KEPT, COLLIDED, RESTORED = "kept", "collided", "restored"
FLAGGED = (REANCHORED, "unanchored", COLLIDED)
_REASON_LIMIT = 300  # SourceVersion.reason's length
_PLACED_TABLES = {"quotes", "speaker_turns", "source_pages", "source_versions", "time_marks"}
# Sources per query when looking for the undo steps to forget: four LIKE patterns each,
# well inside SQLite's limits on an expression's depth and its parameters.
_FORGET_CHUNK = 50


@dataclass(frozen=True)
class QuoteMove:
    """One quote of an edited source: where it was, where it is, what happened."""

    quote_id: int
    status: str
    old_start: int | None
    old_end: int | None
    start: int | None
    end: int | None
    old_text: str
    text: str
    codings: int


@dataclass(frozen=True)
class EditResult:
    """What an edit did; `version` is the saved version holding the text before it."""

    source: str
    version: int | None
    quotes: tuple[QuoteMove, ...] = ()
    turns: int = 0
    pages: int = 0

    @property
    def changed(self) -> bool:
        return self.version is not None

    def count(self, *statuses: str) -> int:
        return sum(1 for q in self.quotes if q.status in statuses)

    @property
    def flagged(self) -> list[QuoteMove]:
        return [q for q in self.quotes if q.status in FLAGGED]

    def summary(self) -> str:
        """One line for the person who made the edit."""
        if not self.changed:
            return f"{self.source}: the text is unchanged; nothing was saved"
        kept = self.count(KEPT, MOVED, REWRITTEN, RESTORED)
        moved = sum(1 for q in self.quotes if q.status in (MOVED, REWRITTEN, RESTORED)
                    and (q.start, q.end) != (q.old_start, q.old_end))
        parts = [f"{kept} quote{'' if kept == 1 else 's'} kept their words ({moved} moved)",
                 f"{self.count(REANCHORED)} re-anchored and flagged",
                 f"{self.count('unanchored', COLLIDED)} unanchored and flagged"]
        line = (f"{self.source}: saved; the text before is version {self.version}. "
                + ", ".join(parts))
        if self.flagged:
            line += "; `qcode review` lists what to check"
        return line


@dataclass(frozen=True)
class VersionInfo:
    number: int
    created_at: datetime
    coder: str | None
    reason: str
    characters: int
    words: int
    quotes: int


@dataclass(frozen=True)
class FlaggedQuote:
    """A quote an edit changed, waiting for the researcher's look."""

    quote_id: int
    source: str | None
    anchor: str
    start: int | None
    end: int | None
    text: str
    codings: int
    note: str


@dataclass
class _Plan:
    quote: Quote
    status: str
    start: int | None
    end: int | None
    anchor: str
    text: str
    score: float = 100.0
    note: str | None = None


def edit_source(project: Project, ref: str, new_text: str, reason: str = "edited",
                coder: str | None = None, *, based_on: str | None = None,
                turns: Sequence[Turn] | None = None, pages: Sequence[int] | None = None,
                marks: Sequence[tuple[int, float]] | None = None,
                origin: tuple[str, str] | None = None) -> EditResult:
    """Store `new_text` as the text of source `ref`, moving every quote with it.

    One transaction; the same text again changes nothing.

    Args:
        project: The open project.
        ref: The source, by name, id or file name.
        new_text: The corrected text (LF line endings).
        reason: Why, kept with the saved version.
        coder: Who edits (default: $QCODE_CODER or the login name).
        based_on: The text the editor started from; if the stored text is no longer
            that (someone else saved an edit meanwhile), nothing is changed.
        turns: New speaker turns (a re-transcribed file brings its own). By default
            the old ones move through the edit, which keeps what the text alone does
            not show (a Word file's bold speaker names, subtitle timings).
        pages: New page starts; by default the old ones move.
        origin: (format, file name) of a file the new text was read from.
    """
    why = "" if reason == "edited" else f" ({reason})"
    with project.step(f"edit the text of {ref}{why}", coder) as session:
        source = lookup.source(session, ref)
        if based_on is not None and based_on != source.text:
            raise ConstraintError(f"{source.name} was changed by someone else while you "
                                  "edited it; nothing was saved; edit it again")
        if new_text == source.text:
            return EditResult(source.name, None)
        _check_text(source.name, new_text)
        who = lookup.coder(session, coder)
        result = apply_edit(session, source, Alignment.of(source.text, new_text), reason, who,
                            turns=turns, pages=pages, marks=marks)
        if origin is not None:
            source.format, source.original_filename = origin
        return result


def apply_edit(session: Session, source: Source, alignment: Alignment, reason: str,
               coder: Coder, *, known: bool = False, turns: Sequence[Turn] | None = None,
               pages: Sequence[int] | None = None,
               marks: Sequence[tuple[int, float]] | None = None,
               exact: dict[int, tuple[int | None, int | None, str, str]] | None = None,
               forget_steps: bool = True) -> EditResult:
    """Change `source` to `alignment.new` inside the caller's transaction.

    Args:
        session: The caller's transaction.
        source: The source to change; its text must be `alignment.old`.
        alignment: The edit, from a diff or from known replacements.
        reason: Why, kept with the saved version ("corrected names", "restored 2").
        coder: Who made the edit.
        known: The changes were asked for exactly (pseudonyms): quotes they touch
            cover what their words became and are not flagged.
        turns: New speaker turns; None moves the old ones through the edit.
        pages: New page starts; None moves the old ones.
        marks: New known times, (offset, seconds); None moves the old ones.
        exact: Quote id -> (start, end, anchor, text) to put quotes exactly (restore).
        forget_steps: Drop the undo steps on this source now. A caller editing many
            sources in one transaction passes False and calls `forget_steps_on` once
            with all of them, so the history is searched once, not once per source.
    """
    new_text = alignment.new
    _check_text(source.name, new_text)
    if source.text != alignment.old:
        raise ConstraintError(f"{source.name} changed while it was being edited; "
                              "open it again and redo the edit")
    digest = content_hash(new_text)
    twin = session.scalar(select(Source.name).where(Source.content_hash == digest,
                                                    Source.id != source.id))
    if twin is not None:
        raise ConstraintError(f"{source.name}: the new text is exactly the text of {twin}; "
                              "nothing was changed")
    quotes = list(session.scalars(select(Quote).where(Quote.source_id == source.id)
                                  .order_by(Quote.id)))
    number = (session.scalar(select(func.max(SourceVersion.number))
                             .where(SourceVersion.source_id == source.id)) or 0) + 1
    session.add(SourceVersion(source_id=source.id, number=number, text=source.text,
                              quotes=_places(quotes), reason=_short_reason(reason),
                              coder_id=coder.id))
    plans = _plan(alignment, quotes, known, exact or {})
    _settle_collisions(plans)
    stamp = f"{_short_reason(reason)}, {date.today().isoformat()}"
    for plan in plans:
        plan.note = _note(plan, stamp)
    counts = _codings(session, [q.id for q in quotes])
    moves = [QuoteMove(p.quote.id, p.status, p.quote.start, p.quote.end, p.start, p.end,
                       p.quote.text, p.text, counts.get(p.quote.id, 0)) for p in plans]
    # Two steps, so no quote ever passes through a span another still holds (the store
    # keeps one quote per span): first every moving quote lets go of its span...
    moving = [p for p in plans if (p.start, p.end) != (p.quote.start, p.quote.end)]
    for plan in moving:
        plan.quote.start = plan.quote.end = None
        plan.quote.anchor = "unanchored"
    session.flush()
    # ...then the text changes (a quote may not end past it)...
    source.text, source.length = new_text, len(new_text)
    source.word_count, source.content_hash = word_count(new_text), digest
    session.flush()
    # ...then every quote takes its new place.
    for plan in plans:
        quote = plan.quote
        quote.start, quote.end, quote.anchor, quote.text = (plan.start, plan.end, plan.anchor,
                                                            plan.text)
        if plan.status == RESTORED:
            quote.review_note = None  # back as it was then: what the later edit flagged is gone
        elif plan.note is not None:
            quote.review_note = (quote.review_note + "\n" if quote.review_note else "") + plan.note
    session.flush()
    turn_count = _move_turns(session, source, alignment, turns)
    page_count = _move_pages(session, source, alignment, pages)
    _move_marks(session, source, alignment, marks)
    if forget_steps:
        forget_steps_on(session, [source.id])
    return EditResult(source.name, number, tuple(moves), turn_count, page_count)


def _check_text(name: str, text: str) -> None:
    if not text.strip():
        raise InputError(f"{name}: the new text is empty; a source cannot be emptied "
                         "(nothing was changed)")
    if "\r" in text:
        raise InputError(f"{name}: the new text has carriage returns; give it with LF line "
                         "endings, as every stored text has (nothing was changed)")


def _short_reason(reason: str) -> str:
    reason = " ".join(reason.split()) or "edited"
    return reason if len(reason) <= _REASON_LIMIT else reason[:_REASON_LIMIT - 1] + "…"


def _places(quotes: Sequence[Quote]) -> str:
    """The JSON a version keeps: [quote id, start, end, anchor, text] per quote."""
    return json.dumps([[q.id, q.start, q.end, q.anchor, q.text] for q in quotes],
                      ensure_ascii=False, separators=(",", ":"))


def _plan(alignment: Alignment, quotes: Sequence[Quote], known: bool,
          exact: dict[int, tuple[int | None, int | None, str, str]]) -> list[_Plan]:
    new = alignment.new
    plans: list[_Plan] = []
    remapped = [q for q in quotes if q.id not in exact and q.anchor != "unanchored"]
    spans = [(q.id, q.start, q.end) for q in remapped
             if q.start is not None and q.end is not None]
    placed = {p.key: p for p in remap(alignment, spans, known=known)}
    for quote in quotes:
        if quote.id in exact:
            start, end, anchor, text = exact[quote.id]
            plans.append(_Plan(quote, RESTORED, start, end, anchor, text))
        elif quote.id in placed:
            p = placed[quote.id]
            if p.start is None or p.end is None:
                plans.append(_Plan(quote, "unanchored", None, None, "unanchored", quote.text,
                                   p.score))
                continue
            status = p.status
            if status == MOVED and (p.start, p.end) == (quote.start, quote.end):
                status = KEPT
            anchor = "fuzzy" if status == REANCHORED else quote.anchor
            plans.append(_Plan(quote, status, p.start, p.end, anchor, new[p.start:p.end],
                               p.score))
        else:  # unanchored already: nothing to move
            plans.append(_Plan(quote, KEPT, quote.start, quote.end, quote.anchor, quote.text))
    return plans


# Who keeps a span two quotes land on: the one whose place is certain, then the oldest.
_PRIORITY = {RESTORED: 0, KEPT: 1, MOVED: 2, REWRITTEN: 3, REANCHORED: 4}


def _settle_collisions(plans: list[_Plan]) -> None:
    holders: dict[tuple[int, int], _Plan] = {}
    for plan in sorted(plans, key=lambda p: (_PRIORITY.get(p.status, 9), p.quote.id)):
        if plan.start is None or plan.end is None:
            continue
        holder = holders.get((plan.start, plan.end))
        if holder is None:
            holders[(plan.start, plan.end)] = plan
            continue
        plan.note = (f"it now covers the same words as quote {holder.quote.id} and is kept "
                     f"apart, unanchored, so no coding is lost (`qcode anchor` joins them). "
                     f"Was: “{plan.quote.text}” Now: “{plan.text}”")
        plan.status, plan.start, plan.end, plan.anchor = COLLIDED, None, None, "unanchored"
        plan.text = plan.quote.text


def _note(plan: _Plan, stamp: str) -> str | None:
    if plan.status == REANCHORED:
        return (f"{stamp}: the words changed ({plan.score:g}% alike). "
                f"Was: “{plan.quote.text}” Now: “{plan.text}”")
    if plan.status == "unanchored" and plan.quote.anchor != "unanchored":
        return (f"{stamp}: the words are gone from the text; the quote is kept, "
                f"unanchored, with its codings. Was: “{plan.quote.text}”")
    if plan.status == COLLIDED:
        return f"{stamp}: {plan.note}"
    return None


def _codings(session: Session, quote_ids: list[int]) -> dict[int, int]:
    if not quote_ids:
        return {}
    return dict(session.execute(
        select(Coding.quote_id, func.count()).where(Coding.quote_id.in_(quote_ids))
        .group_by(Coding.quote_id)).all())


def _move_turns(session: Session, source: Source, alignment: Alignment,
                turns: Sequence[Turn] | None) -> int:
    if turns is not None:
        for old in list(source.turns):
            session.delete(old)
        session.flush()
        for t in turns:
            session.add(SpeakerTurn(source_id=source.id, start=t.start, end=t.end,
                                    speaker=t.speaker, begin_seconds=t.begin_seconds,
                                    end_seconds=t.end_seconds))
        session.flush()
        return len(turns)
    kept, reach = 0, 0
    for turn in sorted(source.turns, key=lambda t: t.start):
        # A turn takes in what was typed at its edges: it is what that speaker said.
        size = len(alignment.old)  # a turn stored past the end is read as ending there
        start = max(alignment.position(min(turn.start, size), "left"), reach)
        end = alignment.position(min(turn.end, size), "right")
        while end > start and alignment.new[end - 1].isspace():
            end -= 1
        if end <= start:  # everything the speaker said was deleted
            session.delete(turn)
            continue
        turn.start, turn.end = start, end
        reach, kept = end, kept + 1
    session.flush()
    return kept


def _move_pages(session: Session, source: Source, alignment: Alignment,
                pages: Sequence[int] | None) -> int:
    if pages is not None:
        for old in list(source.pages):
            session.delete(old)
        session.flush()
        for number, start in enumerate(pages, 1):
            session.add(SourcePage(source_id=source.id, number=number, start=start))
        session.flush()
        return len(pages)
    reach = 0
    for page in sorted(source.pages, key=lambda p: p.number):
        page.start = reach = max(reach, alignment.position(min(page.start, len(alignment.old)),
                                                           "left"))
    session.flush()
    return len(source.pages)


def _move_marks(session: Session, source: Source, alignment: Alignment,
                marks: Sequence[tuple[int, float]] | None) -> None:
    """Known times stay with the words they stood before, unless the new text brings
    its own (`marks`). Two that fall together lost the words between them: the later
    time stays, as its words are what begins there."""
    old = session.scalars(select(TimeMark).where(TimeMark.source_id == source.id)
                          .order_by(TimeMark.offset)).all()
    size = len(alignment.old)
    moved: dict[int, float] = {}
    if marks is not None:
        moved = one_time_each(marks)
    else:
        for mark in old:
            moved[alignment.position(min(mark.offset, size), "left")] = mark.seconds
    for mark in old:
        session.delete(mark)
    session.flush()  # the old offsets are free before the moved ones take their place
    session.add_all(TimeMark(source_id=source.id, offset=at, seconds=seconds)
                    for at, seconds in moved.items())
    session.flush()


def forget_steps_on(session: Session, source_ids: Iterable[int]) -> int:
    """Drop every recorded undo step that holds these sources' offsets (any coder).

    Replaying one after an edit would put old-text offsets into the new text. The
    database first narrows the history to the steps whose record mentions one of the
    ids (as a source's id or a row's source_id, as `history` writes them); only those
    are read and parsed, so the steps on other sources cost a LIKE in SQL, not a JSON
    parse each. Returns how many steps were dropped.
    """
    wanted = sorted(set(source_ids))
    stale: list[int] = []
    for at in range(0, len(wanted), _FORGET_CHUNK):
        chunk = wanted[at:at + _FORGET_CHUNK]
        # Records are compact JSON ("key":value, no spaces) whose rows start with their
        # id: a row of a placed table names "source_id":N, a source row starts {"id":N.
        patterns = [p for source_id in chunk for p in (
            f'"source_id":{source_id},', f'"source_id":{source_id}}}',
            f'"sources",{{"id":{source_id},', f'"sources",null,{{"id":{source_id},')]
        candidates = session.execute(select(Action.id, Action.changes).where(or_(
            *(Action.changes.contains(p, autoescape=True) for p in patterns))))
        stale += [action_id for action_id, changes in candidates
                  if _touches(changes, set(chunk))]
    for at in range(0, len(stale), 500):
        session.execute(delete(Action).where(Action.id.in_(stale[at:at + 500])))
    return len(stale)


def _touches(changes: str, source_ids: set[int]) -> bool:
    try:
        records: list[list[Any]] = json.loads(changes)
    except ValueError:
        return False
    for _kind, table, before, after in records:
        for row in (before, after):
            if not row:
                continue
            if table == "sources" and row.get("id") in source_ids:
                return True
            if table in _PLACED_TABLES and row.get("source_id") in source_ids:
                return True
    return False


def keep_draft(name: str, text: str) -> Path:
    """Save an edited text that could not be stored, so the typing is not lost."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", prefix=f"{safe}-edited-",
                                     suffix=".txt", delete=False) as draft:
        draft.write(text)
    return Path(draft.name)


def draft_note(name: str, text: str) -> str:
    """Keep `text` as a draft and say where, with the command that applies it later.

    For an edit that could not be stored (someone else's edit, a busy project, a full
    disk, a bug): the researcher's typing must outlive the refusal.
    """
    try:
        kept = keep_draft(name, text)
    except OSError as exc:  # the temp folder is full too: say so, not hide the first error
        return (f"your edited text could not be kept in a file either ({exc}); free some "
                "disk space before editing again")
    return (f"your edited text is kept in {kept}; `qcode replace PROJECT {shlex.quote(name)} "
            f"{shlex.quote(str(kept))}` applies it")


def with_draft(exc: QcodeError, name: str, text: str) -> ProjectError:
    """`exc` as an error whose one line also names the draft `text` was kept in."""
    return ProjectError(f"{exc}; {draft_note(name, text)}")


def restore_version(project: Project, ref: str, number: int,
                    coder: str | None = None) -> EditResult:
    """Put back version `number` of a source: its text and every quote exactly.

    Restoring is an edit like any other: the text being replaced is saved as a new
    version first. Quotes made since that version move through the change.
    """
    with project.step(f"restore version {number} of {ref}", coder) as session:
        source = lookup.source(session, ref)
        version = session.scalars(select(SourceVersion).where(
            SourceVersion.source_id == source.id, SourceVersion.number == number)).first()
        if version is None:
            raise NotFoundError(f"{source.name} has no version {number}; "
                                f"`qcode versions PROJECT {source.name}` lists them")
        exact = _exact_places(version)
        current = {q.id: (q.start, q.end, q.anchor, q.text) for q in session.scalars(
            select(Quote).where(Quote.source_id == source.id))}
        exact = {qid: place for qid, place in exact.items() if qid in current}
        if version.text == source.text and all(current[q] == p for q, p in exact.items()):
            return EditResult(source.name, None)
        who = lookup.coder(session, coder)
        return apply_edit(session, source, Alignment.of(source.text, version.text),
                          f"restored version {number}", who, exact=exact)


def _exact_places(version: SourceVersion) -> dict[int, tuple[int | None, int | None, str, str]]:
    """The quote places a version kept; one that does not fit its text is left out."""
    try:
        rows = json.loads(version.quotes)
    except ValueError:
        return {}
    places: dict[int, tuple[int | None, int | None, str, str]] = {}
    for row in rows if isinstance(rows, list) else []:
        try:
            quote_id, start, end, anchor, text = row
        except (TypeError, ValueError):
            continue
        anchored = start is not None and end is not None
        if anchored and version.text[start:end] != text:
            continue  # damaged: that quote moves through the change instead
        if anchored or anchor == "unanchored":
            places[int(quote_id)] = (start, end, anchor, text)
    return places


def list_versions(project: Project, ref: str) -> list[VersionInfo]:
    """The saved versions of a source, oldest first (each the text before an edit)."""
    with project.reading() as session:
        source = lookup.source(session, ref)
        rows = session.execute(
            select(SourceVersion, Coder.name).outerjoin(Coder, SourceVersion.coder_id == Coder.id)
            .where(SourceVersion.source_id == source.id).order_by(SourceVersion.number)).all()
        return [VersionInfo(v.number, v.created_at, who, v.reason, len(v.text),
                            word_count(v.text), len(_exact_places(v))) for v, who in rows]


def version_text(project: Project, ref: str, number: int) -> str:
    """The text of one saved version."""
    with project.reading() as session:
        source = lookup.source(session, ref)
        found = session.scalar(select(SourceVersion.text).where(
            SourceVersion.source_id == source.id, SourceVersion.number == number))
        if found is None:
            raise NotFoundError(f"{source.name} has no version {number}; "
                                f"`qcode versions PROJECT {source.name}` lists them")
        return found


def flagged_quotes(project: Project, source: str | None = None) -> list[FlaggedQuote]:
    """Quotes an edit changed (re-anchored, unanchored, kept apart), with their notes."""
    with project.reading() as session:
        query = (select(Quote, Source.name).outerjoin(Source, Quote.source_id == Source.id)
                 .where(Quote.review_note.is_not(None)).order_by(Source.name, Quote.start,
                                                                  Quote.id))
        if source is not None:
            query = query.where(Quote.source_id == lookup.source(session, source).id)
        rows = session.execute(query).all()
        counts = _codings(session, [q.id for q, _ in rows])
        return [FlaggedQuote(q.id, name, q.anchor, q.start, q.end, q.text,
                             counts.get(q.id, 0), q.review_note or "") for q, name in rows]


def clear_review(project: Project, quote_ids: Sequence[int] = (),
                 source: str | None = None, coder: str | None = None) -> int:
    """Accept flagged quotes as they are: their review notes go. Returns how many.

    With no ids, every flagged quote (of `source`, if given) is accepted. `coder` is
    whose step it is (default: $QCODE_CODER or the login name).
    """
    with project.step("accept flagged quotes", coder) as session:
        query = select(Quote).where(Quote.review_note.is_not(None))
        if quote_ids:
            found = {q.id: q for q in session.scalars(select(Quote).where(
                Quote.id.in_(quote_ids)))}
            missing = [str(i) for i in quote_ids if i not in found]
            if missing:
                raise NotFoundError(f"no quote {', '.join(missing)}; `qcode review` lists "
                                    "the flagged ones (nothing was changed)")
            query = query.where(Quote.id.in_(quote_ids))
        if source is not None:
            query = query.where(Quote.source_id == lookup.source(session, source).id)
        cleared = 0
        for quote in session.scalars(query):
            quote.review_note = None
            cleared += 1
        return cleared
