"""`qcode check`: what is wrong in a project, and the repairs that lose nothing.

A project can be damaged from outside qcode: a program that opened the file without
foreign keys (DB Browser, the sqlite3 shell), a transcript edited by hand in the
database, a disk that failed mid-write. The checks look at what a researcher would
miss: the file itself, references that point nowhere, quotes whose offsets or words
no longer match their source, quotes nothing holds on to, the same coding twice,
sources whose length, word count or fingerprint disagree with their text, speaker
turns and pages past the end, and undo records that cannot be read.

Repairs never drop a researcher's work: a quote whose words moved is anchored again
where they are, else kept unanchored; a coding that lost its code, coder or quote
gets a clearly named placeholder; a memo that lost its target goes to the project
journal. Only rows that hold nothing of their own are removed (a quote with no
codings, a mention of a coding that is gone, an identical second copy of a coding,
an unreadable undo record). The repair runs in one transaction, after a backup.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, exists, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

# Placing words in a text is the sheet importer's algorithm too; it imports nothing of
# the project, so re-anchoring here reuses it rather than keeping a second copy.
from qcode.anchor import Corpus, nearest
from qcode.errors import QcodeError
from qcode.names import name_key
from qcode.services import lookup, steps
from qcode.services.media import folder_of, recording_problems
from qcode.services.project import Project
from qcode.services.sources import content_hash, word_count
from qcode.store.ddl import quote_bounds_statements
from qcode.store.models import (
    Action,
    AxialLinkQuote,
    Base,
    Code,
    Coder,
    Coding,
    CodingSubdivision,
    Quote,
    Source,
    SourcePage,
    SourceVersion,
    SpeakerTurn,
)

KINDS = ("integrity", "foreign key", "rule", "quote span", "quote text", "duplicate quote",
         "duplicate coding", "orphan quote", "source", "speaker turn", "page",
         "action log", "source version", "check")
SERVER_NOTE = ("PostgreSQL enforces foreign keys and guards its own files: the SQLite "
               "integrity and foreign key checks are skipped; every other check ran")
_SHOWN = 40  # characters of a quote shown in a finding
_MOST = 20  # lines of a failed integrity check listed one by one


@dataclass(frozen=True)
class Finding:
    """One problem: what kind, where (one line), what is wrong, and whether --repair can."""

    kind: str
    where: str
    detail: str
    repairable: bool


@dataclass
class CheckReport:
    """What is wrong now; after a repair also what was fixed, and the backup made first."""

    findings: list[Finding] = field(default_factory=list)
    repaired: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    backup: Path | None = None

    @property
    def clean(self) -> bool:
        return not self.findings


Fix = Callable[[Session], str]


@dataclass(frozen=True)
class _Issue:
    finding: Finding
    fix: Fix | None = None


def _issue(kind: str, where: str, detail: str, fix: Fix | None = None) -> _Issue:
    return _Issue(Finding(kind, where, detail, fix is not None), fix)


def check(project: Project) -> CheckReport:
    """Run every check; change nothing."""
    report = CheckReport()
    with project.reading() as session:
        report.findings = [i.finding for i in _collect(session, report.notes)]
    return report


def repair(project: Project) -> CheckReport:
    """Back up, fix every repairable finding in one transaction, then check again.

    The report's findings are what remains; `repaired` says what each fix did.
    """
    report = CheckReport()
    notes: list[str] = []
    with project.reading() as session:
        wanted = any(i.fix for i in _collect(session, notes))
    if wanted:
        # Repairs mend rows in ways that cannot be replayed (raw SQL on damaged rows):
        # history lists the step with the copy made before it.
        with project.step("repair the project", undoable=False,
                          backup_before="repair") as session:
            made = steps.backup_made(session)
            report.backup = Path(made) if made else None
            # The write lock first: nobody changes what was found before it is fixed.
            lookup.hold_sqlite_writer(session)
            for issue in _collect(session, []):
                if issue.fix is None:
                    continue
                try:
                    with session.begin_nested():  # a fix that fails undoes only itself
                        done = issue.fix(session)
                        session.flush()
                except (QcodeError, DBAPIError) as exc:
                    report.notes.append(f"could not repair {issue.finding.where}: {exc}")
                    continue
                report.repaired.append(Finding(issue.finding.kind, issue.finding.where,
                                               done, True))
    again = check(project)
    report.findings, report.notes = again.findings, report.notes + again.notes
    return report


def _collect(session: Session, notes: list[str]) -> list[_Issue]:
    """Every issue, in the order its fix should run (references before quotes)."""
    # Sources first: the quote trigger measures a span against the source's length.
    checks: list[Callable[[Session], list[_Issue]]] = [
        _rules, _sources, _turns_and_pages, _quote_spans, _duplicate_codings, _orphan_quotes,
        _action_log, _source_versions, _recordings,
    ]
    if session.get_bind().dialect.name == "sqlite":
        checks = [_integrity, _foreign_keys, *checks]
    else:
        notes.append(SERVER_NOTE)
    issues: list[_Issue] = []
    for run in checks:
        try:
            with session.begin_nested():
                issues += run(session)
        except (QcodeError, DBAPIError) as exc:
            # A badly damaged file may fail one check; the others still report.
            name = run.__name__.strip("_").replace("_", " ")
            issues.append(_issue("check", name, f"could not run: {exc}"))
    return issues


# -- the file itself ---------------------------------------------------------------------


def _integrity(session: Session) -> list[_Issue]:
    # A row may hold several lines, headed "*** in database main ***": one finding each.
    rows = [line.strip() for row in session.execute(text("PRAGMA integrity_check"))
            for line in str(row[0]).splitlines()
            if line.strip() and not line.startswith("***")]
    if rows == ["ok"]:
        return []
    # An index that disagrees with its table is rebuilt from the table; other damage
    # needs a backup.
    issues = [_issue("integrity", "database file", f"{row}; REINDEX rebuilds it", _reindex)
              if " index " in f" {row} " else
              _issue("integrity", "database file",
                     f"{row}; restore a backup (`qcode backup PROJECT --list`)")
              for row in rows[:_MOST]]
    if len(rows) > _MOST:
        issues.append(_issue("integrity", "database file", f"and {len(rows) - _MOST} more"))
    return issues


def _rules(session: Session) -> list[_Issue]:
    """The triggers that keep quotes inside their source (a tool may have dropped them)."""
    dialect = session.get_bind().dialect.name
    statements = quote_bounds_statements(dialect)
    wanted = {m.group(1) for m in (re.search(r"CREATE TRIGGER (?:IF NOT EXISTS )?(\w+)", st)
                                   for st in statements) if m}
    if dialect == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    present = {str(name) for name in session.execute(text(query)).scalars()}

    def restore(session: Session) -> str:
        for statement in statements:
            session.execute(text(statement))
        return "put back"
    return [_issue("rule", f"trigger {name}", "is missing, so a quote could end past the "
                   "end of its source", restore) for name in sorted(wanted - present)]


def _reindex(session: Session) -> str:
    if session.info.get("qcode_reindexed"):
        return "rebuilt with the other indexes"
    session.execute(text("REINDEX"))
    session.info["qcode_reindexed"] = True
    return "rebuilt every index from its table (REINDEX)"


# What a dangling reference becomes: the row goes only where the database would have
# removed it along with its parent; otherwise something keeps it, visibly.
_DETACH = {("memos", c) for c in ("source_id", "case_id", "code_id", "subdivision_id",
                                  "link_id")}
_TOP_LEVEL = {("subdivisions", "parent_id")}
_UNANCHOR = {("quotes", "source_id")}
_PLACEHOLDER_PARENTS = {"codes", "subdivisions", "coders", "quotes"}


def _foreign_keys(session: Session) -> list[_Issue]:
    issues = []
    columns: dict[tuple[str, int], tuple[str, str]] = {}
    for table, rowid, parent, fkid in session.execute(text("PRAGMA foreign_key_check")).all():
        if (table, fkid) not in columns:
            for row in session.execute(text(f'PRAGMA foreign_key_list("{table}")')):
                columns[(table, row[0])] = (row[3], row[2])
        column, _ = columns[(table, fkid)]
        value = session.execute(text(f'SELECT "{column}" FROM "{table}" WHERE rowid = :r'),
                                {"r": rowid}).scalar()
        where = _row_name(session, table, rowid)
        detail = f"{column} points to {parent} {value}, which does not exist"
        issues.append(_issue("foreign key", where, detail,
                             _reference_fix(table, rowid, column, parent, value)))
    return issues


def _row_name(session: Session, table: str, rowid: int) -> str:
    """'coding 12' for a row with an id; the key columns for a link row."""
    model = Base.metadata.tables.get(table)
    if model is None:
        return f"{table} row {rowid}"
    keys = [c.name for c in model.primary_key.columns]
    if keys == ["id"]:
        return f"{_SINGULAR.get(table, table)} {rowid}"
    values = session.execute(text(f'SELECT {", ".join(keys)} FROM "{table}" WHERE rowid = :r'),
                             {"r": rowid}).one()
    return f"{table} (" + ", ".join(f"{k} {v}" for k, v in zip(keys, values, strict=True)) + ")"


_SINGULAR = {"codings": "coding", "quotes": "quote", "memos": "memo", "codes": "code",
             "subdivisions": "subdivision", "sources": "source", "axial_links": "axial link",
             "actions": "undo step", "source_versions": "source version", "cases": "case",
             "speaker_turns": "speaker turn", "attributes": "attribute", "coders": "coder",
             "pseudonyms": "pseudonym"}


def _reference_fix(table: str, rowid: int, column: str, parent: str,
                   value: Any) -> Fix | None:
    if (table, column) in _DETACH:
        return _sql(f'UPDATE "memos" SET "{column}" = NULL WHERE rowid = :r', rowid,
                    "the memo is kept in the project journal")
    if (table, column) in _TOP_LEVEL:
        return _sql('UPDATE "subdivisions" SET parent_id = NULL WHERE rowid = :r', rowid,
                    "moved to the top level of the tree")
    if (table, column) in _UNANCHOR:
        return _sql(
            'UPDATE "quotes" SET source_id = NULL, anchor = \'unanchored\', start_offset = '
            "NULL, end_offset = NULL, review_note = 'qcode check: its source is gone' "
            "WHERE rowid = :r", rowid, "kept as an unanchored quote with its codings")
    if (table, column) == ("sources", "imported_by_id"):
        return _sql('UPDATE "sources" SET imported_by_id = NULL WHERE rowid = :r', rowid,
                    "the importer is forgotten; the source stays")
    if parent in _PLACEHOLDER_PARENTS and value is not None:
        return lambda session: _placeholder(session, parent, int(value))
    fk = _foreign_key(table, column)
    if fk is not None and fk.ondelete == "CASCADE":
        return _sql(f'DELETE FROM "{table}" WHERE rowid = :r', rowid,
                    f"removed, as deleting the {parent} row would have")
    return None


def _foreign_key(table: str, column: str) -> Any:
    found = Base.metadata.tables.get(table)
    if found is None or column not in found.c:
        return None
    return next(iter(found.c[column].foreign_keys), None)


def _sql(statement: str, rowid: int, done: str) -> Fix:
    def run(session: Session) -> str:
        session.execute(text(statement), {"r": rowid})
        return done
    return run


def _placeholder(session: Session, parent: str, key: int) -> str:
    """Put back a missing code, subdivision, coder or quote under a name that says so."""
    name = f"missing {parent.rstrip('s')} {key} (restored by qcode check)"
    table = Base.metadata.tables[parent]
    if session.execute(select(table.c.id).where(table.c.id == key)).first() is not None:
        return f"points to the placeholder {name!r} made for another row"
    if parent == "codes":
        values: dict[str, Any] = {"name": name, "name_key": name_key(name)}
    elif parent == "subdivisions":
        values = {"name": name, "name_key": name_key(name), "kind": "subdivision",
                  "position": 0}
    elif parent == "coders":
        values = {"name": name}
    else:
        values = {"text": "", "anchor": "unanchored",
                  "review_note": "qcode check: this quote was lost; anchor the coding again"}
    session.execute(insert(table).values(id=key, **values))
    if parent == "quotes":
        return f"kept: its coding now has an empty unanchored quote {key} to anchor again"
    return f"kept: points to the new placeholder {name!r}; rename or merge it"


# -- quotes ------------------------------------------------------------------------------


def _quote_spans(session: Session) -> list[_Issue]:
    """Anchored quotes whose span lies outside the source or holds other words."""
    issues = []
    quotes = session.execute(
        select(Quote.id, Quote.source_id, Quote.start, Quote.end, Quote.text)
        .where(Quote.anchor != "unanchored", Quote.source_id.is_not(None))
        .order_by(Quote.source_id, Quote.id)
    ).all()
    by_source: dict[int, list[Any]] = defaultdict(list)
    for row in quotes:
        by_source[row.source_id].append(row)
    for source_id, rows in by_source.items():
        found = session.execute(select(Source.name, Source.text)
                                .where(Source.id == source_id)).first()
        if found is None:
            continue  # a reference that points nowhere: the foreign key check says so
        name, source_text = found
        for row in rows:
            where = f"quote {row.id} in {name} {row.start}-{row.end}"
            if row.start < 0 or row.end > len(source_text):
                issues.append(_issue(
                    "quote span", where, f"the source has {len(source_text)} characters",
                    _reanchor(row.id)))
            elif source_text[row.start:row.end] != row.text:
                issues.append(_issue(
                    "quote text", where,
                    f"stored {_clip(row.text)!r}, the source has "
                    f"{_clip(source_text[row.start:row.end])!r} there", _reanchor(row.id)))
    return issues


def _reanchor(quote_id: int) -> Fix:
    """Find the quote's words in its source again (anchor.py), nearest the old place."""
    def run(session: Session) -> str:
        quote = session.get(Quote, quote_id)
        if quote is None or quote.source is None:
            return "already gone"
        source, old = quote.source, (quote.start, quote.end)
        # One word index per source, however many of its quotes move.
        corpora: dict[int, Corpus] = session.info.setdefault("qcode_corpora", {})
        if source.id not in corpora:
            corpora[source.id] = Corpus([(source.name, source.text)])
        placement = corpora[source.id].place(quote.text)
        chosen = placement.chosen
        if chosen is None and placement.candidates:
            best = max(c.score for c in placement.candidates)
            if best == 100.0:  # the words occur verbatim more than once: keep the nearest
                alike = {c.start: c for c in placement.candidates if c.score == best}
                at = nearest(alike, old[0] or 0)
                chosen = alike[at] if at is not None else None
        taken = chosen is not None and session.scalar(select(Quote.id).where(
            Quote.source_id == source.id, Quote.start == chosen.start,
            Quote.end == chosen.end, Quote.id != quote.id)) is not None
        if chosen is None or taken:
            why = "another quote holds that span" if taken else "its words are not there"
            quote.start = quote.end = None
            quote.anchor = "unanchored"
            quote.review_note = f"qcode check: unanchored from {old[0]}-{old[1]}: {why}"
            return f"kept unanchored ({why}); anchor it with `qcode anchor`"
        if quote.sheet_text is None and source.text[chosen.start:chosen.end] != quote.text:
            quote.sheet_text = quote.text  # the words as coded, for the researcher to compare
        quote.start, quote.end = chosen.start, chosen.end
        quote.text = source.text[chosen.start:chosen.end]
        quote.anchor = chosen.method
        if chosen.method != "exact":
            quote.review_note = (f"qcode check: moved from {old[0]}-{old[1]} by a "
                                 f"{chosen.method} match; check the words")
        return f"anchored again at {chosen.start}-{chosen.end} ({chosen.method})"
    return run


def _orphan_quotes(session: Session) -> list[_Issue]:
    """Quotes that no coding and no axial link holds on to (they hold no work)."""
    held = exists().where(Coding.quote_id == Quote.id)
    supports = exists().where(AxialLinkQuote.quote_id == Quote.id)
    rows = session.execute(
        select(Quote.id, Quote.start, Quote.end, Quote.text, Source.name)
        .outerjoin(Source, Source.id == Quote.source_id)
        .where(~held, ~supports).order_by(Quote.id)
    ).all()
    return [_issue("orphan quote", f"quote {row.id} {_place(row.name, row.start, row.end)}",
                   f"{_clip(row.text)!r} has no codings and supports no link",
                   _drop_orphan(row.id)) for row in rows]


def _drop_orphan(quote_id: int) -> Fix:
    def run(session: Session) -> str:
        if session.scalar(select(func.count()).where(Coding.quote_id == quote_id)) or \
                session.scalar(select(func.count()).where(AxialLinkQuote.quote_id == quote_id)):
            return "kept: something holds on to it now"
        session.execute(delete(Quote).where(Quote.id == quote_id))
        return "removed (the source's text is unchanged)"
    return run


def _duplicate_codings(session: Session) -> list[_Issue]:
    """One coder giving one code twice to the same words, through two quotes.

    The unique constraints stop this for anchored quotes; unanchored ones have no span,
    so two of them with the same words in the same source (a REFI-QDA file imported
    twice, a merge) can carry the same coding twice. Anchored quotes sharing a span
    mean the constraint is gone from the file: reported, not guessed at.
    """
    issues = []
    spans = session.execute(
        select(Quote.source_id, Quote.start, Quote.end, func.min(Quote.id), func.count())
        .where(Quote.anchor != "unanchored").group_by(Quote.source_id, Quote.start, Quote.end)
        .having(func.count() > 1)
    ).all()
    for source_id, start, end, first, n in spans:
        issues.append(_issue("duplicate quote", f"source {source_id} {start}-{end}",
                             f"{n} quotes share this span (quote {first} and others); the "
                             "file lost a unique index: restore a backup"))
    rows = session.execute(
        select(Coding.id, Coding.code_id, Coding.coder_id, Coding.emphasis, Coding.notes,
               Quote.id.label("quote_id"), Quote.source_id, Quote.start, Quote.end,
               Quote.anchor, Quote.text, Code.name.label("code"), Coder.name.label("coder"))
        .join(Quote, Quote.id == Coding.quote_id).join(Code, Code.id == Coding.code_id)
        .join(Coder, Coder.id == Coding.coder_id).order_by(Coding.id)
    ).all()
    groups: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    for row in rows:
        words = (row.text,) if row.anchor == "unanchored" else (row.start, row.end)
        groups[(row.source_id, row.anchor == "unanchored", *words, row.code_id,
                row.coder_id)].append(row)
    for group in groups.values():
        if len(group) < 2:
            continue
        kept = group[0]
        for other in group[1:]:
            where = f"coding {other.id} and coding {kept.id}"
            what = f"{other.code!r} by {other.coder} on {_clip(other.text)!r} twice"
            if _same_coding(session, kept, other):
                issues.append(_issue("duplicate coding", where, what,
                                     _drop_copy(other.id, kept.id)))
            else:
                issues.append(_issue("duplicate coding", where,
                                     f"{what}, with different emphasis, notes or filing; "
                                     "remove one in the workbench (x on the coding)"))
    return issues


def _same_coding(session: Session, a: Any, b: Any) -> bool:
    def filing(coding_id: int) -> set[tuple[int, bool]]:
        return {(s, bool(p)) for s, p in session.execute(
            select(CodingSubdivision.subdivision_id, CodingSubdivision.is_primary)
            .where(CodingSubdivision.coding_id == coding_id))}
    return (a.emphasis, a.notes) == (b.emphasis, b.notes) and filing(a.id) == filing(b.id)


def _drop_copy(coding_id: int, kept_id: int) -> Fix:
    def run(session: Session) -> str:
        quote_id = session.scalar(select(Coding.quote_id).where(Coding.id == coding_id))
        session.execute(delete(Coding).where(Coding.id == coding_id))
        if quote_id is not None:
            _drop_orphan(quote_id)(session)
        return f"removed the identical copy; coding {kept_id} keeps it"
    return run


# -- sources, turns, pages -------------------------------------------------------------


def _sources(session: Session) -> list[_Issue]:
    issues = []
    rows = session.execute(select(Source.id, Source.name, Source.length, Source.word_count,
                                  Source.content_hash).order_by(Source.id)).all()
    for row in rows:
        source_text = session.scalar(select(Source.text).where(Source.id == row.id)) or ""
        where = f"source {row.name}"
        length, words = len(source_text), word_count(source_text)
        digest = content_hash(source_text)
        if row.length != length:
            issues.append(_issue("source", where, f"length says {row.length}, the text has "
                                 f"{length} characters", _set_source(row.id, length=length)))
        if row.word_count != words:
            issues.append(_issue("source", where, f"word count says {row.word_count}, the "
                                 f"text has {words} words", _set_source(row.id, word_count=words)))
        if row.content_hash != digest:
            # Empty sources share their empty text: only a text with words has a twin.
            twin = session.scalar(select(Source.name).where(
                Source.content_hash == digest, Source.id != row.id,
                Source.length > 0)) if source_text else None
            issues.append(_issue(
                "source", where, "its fingerprint (content hash) does not match its text"
                + (f"; the text is the same as {twin}'s" if twin else ""),
                None if twin else _set_source(row.id, content_hash=digest)))
    return issues


def _recordings(session: Session) -> list[_Issue]:
    folder = folder_of(session.connection().engine.url.render_as_string(hide_password=False))
    return [_issue("recording", f"source {name}", detail)
            for name, detail in recording_problems(session, folder)]


def _set_source(source_id: int, **values: Any) -> Fix:
    def run(session: Session) -> str:
        session.execute(update(Source).where(Source.id == source_id).values(**values))
        return "set " + ", ".join(f"{k.replace('_', ' ')} to {v}" for k, v in values.items())
    return run


def _turns_and_pages(session: Session) -> list[_Issue]:
    issues = []
    # The stored length, not length(text) once per turn: a transcript of 20,000 turns
    # would be counted 20,000 times. `_sources` checks the stored length itself.
    text_length = Source.length
    turns = session.execute(
        select(SpeakerTurn.id, SpeakerTurn.start, SpeakerTurn.end, SpeakerTurn.speaker,
               Source.name, text_length.label("n"))
        .join(Source, Source.id == SpeakerTurn.source_id)
        .where((SpeakerTurn.end > text_length) | (SpeakerTurn.start < 0)).order_by(SpeakerTurn.id)
    ).all()
    for row in turns:
        issues.append(_issue("speaker turn", f"turn {row.id} ({row.speaker}) in {row.name} "
                             f"{row.start}-{row.end}", f"the source has {row.n} characters",
                             _fit_turn(row.id, row.start, row.n)))
    pages = session.execute(
        select(SourcePage.source_id, SourcePage.number, SourcePage.start, Source.name,
               text_length.label("n"))
        .join(Source, Source.id == SourcePage.source_id).where(SourcePage.start > text_length)
    ).all()
    for page in pages:
        issues.append(_issue("page", f"page {page.number} of {page.name}",
                             f"starts at {page.start}, past the end ({page.n} characters)",
                             _drop_page(page.source_id, page.number)))
    return issues


def _fit_turn(turn_id: int, start: int, length: int) -> Fix:
    def run(session: Session) -> str:
        if 0 <= start < length:
            session.execute(update(SpeakerTurn).where(SpeakerTurn.id == turn_id)
                            .values(end=length))
            return f"now ends at the end of the source ({length})"
        session.execute(delete(SpeakerTurn).where(SpeakerTurn.id == turn_id))
        return "removed (turns are read from the text; no coding depends on them)"
    return run


def _drop_page(source_id: int, number: int) -> Fix:
    def run(session: Session) -> str:
        session.execute(delete(SourcePage).where(SourcePage.source_id == source_id,
                                                 SourcePage.number == number))
        return "removed the page mark"
    return run


# -- records kept as JSON ------------------------------------------------------------------


def _action_log(session: Session) -> list[_Issue]:
    """Undo records that cannot be replayed: not JSON, or not rows of known tables."""
    issues = []
    for action_id, label, changes in session.execute(
            select(Action.id, Action.label, Action.changes).order_by(Action.id)):
        problem = _changes_problem(changes)
        if problem:
            issues.append(_issue("action log", f"undo step {action_id} ({label!r})", problem,
                                 _drop_action(action_id)))
    return issues


def _changes_problem(changes: str) -> str | None:
    try:
        data = json.loads(changes)
    except ValueError as exc:
        return f"its record is not JSON ({exc})"
    if not isinstance(data, list):
        return "its record is not a list of changes"
    for item in data:
        if not (isinstance(item, list) and len(item) == 4
                and item[0] in ("insert", "update", "delete")
                and item[1] in Base.metadata.tables):
            return f"its record holds {str(item)[:60]!r}, not a change to a known table"
    return None


def _drop_action(action_id: int) -> Fix:
    def run(session: Session) -> str:
        session.execute(delete(Action).where(Action.id == action_id))
        return "removed from the undo history; the work it recorded stays as it is"
    return run


def _source_versions(session: Session) -> list[_Issue]:
    issues = []
    for version_id, number, name, quotes in session.execute(
            select(SourceVersion.id, SourceVersion.number, Source.name, SourceVersion.quotes)
            .join(Source, Source.id == SourceVersion.source_id).order_by(SourceVersion.id)):
        try:
            ok = isinstance(json.loads(quotes), list)
        except ValueError:
            ok = False
        if not ok:
            issues.append(_issue(
                "source version", f"version {number} of {name}",
                "its list of quote places is not readable JSON", _clear_version(version_id)))
    return issues


def _clear_version(version_id: int) -> Fix:
    def run(session: Session) -> str:
        session.execute(update(SourceVersion).where(SourceVersion.id == version_id)
                        .values(quotes="[]"))
        return "its text is kept; restoring it leaves today's quotes where they are"
    return run


def _clip(value: str | None) -> str:
    value = " ".join((value or "").split())
    return value if len(value) <= _SHOWN else value[:_SHOWN - 1] + "…"


def _place(source: str | None, start: int | None, end: int | None) -> str:
    if source is None:
        return "(no source)"
    return f"in {source}" + (f" {start}-{end}" if start is not None else " (unanchored)")
