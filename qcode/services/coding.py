"""Coding: placing a quote in a source and giving it a code, emphasis, notes, subdivisions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from qcode.columns import CODING_COLUMNS  # noqa: F401  (listed with the rows)
from qcode.errors import ConstraintError, InputError
from qcode.names import name_key, natural_key, text_or_none
from qcode.services import blind, lookup
from qcode.services.project import Project
from qcode.services.timeline import time_in, timelines
from qcode.store.models import (
    Code,
    Coder,
    Coding,
    CodingSubdivision,
    Quote,
    Source,
    Subdivision,
)


@dataclass(frozen=True)
class CodingRequest:
    """What a user asks for when coding a span (offsets in code points, end exclusive)."""

    source: str | None
    start: int | None
    end: int | None
    code: str
    subdivision: str | None = None
    other_subdivisions: Sequence[str] = ()
    emphasis: str | None = None
    notes: str | None = None
    coder: str | None = None
    sheet_text: str | None = None
    anchor: str = "manual"


@dataclass(frozen=True)
class CodingRow:
    """One coding as lists, reports and exports see it."""

    id: int
    source: str | None
    cases: list[str]
    start: int | None
    end: int | None
    text: str
    code: str
    emphasis: str | None
    notes: str | None
    subdivision: str | None
    other_subdivisions: list[str]
    coder: str
    anchor: str
    created_at: datetime
    as_written: str | None = None  # the quote as the coding sheet gave it, where it differs
    # Where the quote starts in the interview, in seconds, when anything tells (subtitle
    # cues, timestamps, transcription, a recording): qcode.services.timeline.
    time: float | None = None




@dataclass
class CodingResult:
    coding_id: int | None  # None until flushed, in a batch
    source: str | None
    new_code: bool
    new_subdivisions: list[str] = field(default_factory=list)
    created: bool = True


# SQLSTATEs after which PostgreSQL asks for the whole transaction to be run again.
_RETRY_STATES = {"40001", "40P01"}  # serialization failure, deadlock detected
RETRIES = 3


def code_span(project: Project, request: CodingRequest) -> CodingResult:
    """Code one span in its own transaction.

    On a shared project two coders' transactions can deadlock (each filing under
    subdivisions the other is creating); the server then aborts one of them, and it is
    simply run again.
    """
    for attempt in range(RETRIES):
        try:
            with project.step(_label(request), request.coder) as session:
                return add_coding(session, request)
        except DBAPIError as exc:
            if attempt == RETRIES - 1 or getattr(exc.orig, "sqlstate", None) not in (
                    _RETRY_STATES):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _label(request: CodingRequest) -> str:
    where = (f"{request.source} {request.start}-{request.end}" if request.start is not None
             else "an unanchored quote")
    return f"code {where} as {request.code!r}"


class CodingBatch:
    """What many codings in one transaction share, looked up once each.

    A sheet of 50,000 rows names a few hundred codes, subdivisions and quotes; asking
    the database for each of them on every row would dominate the import.
    """

    def __init__(self, session: Session, whole_sources: bool = True) -> None:
        self.session = session
        # Bulk loaders read each source's quotes once; a single coding (the workbench)
        # looks up only its own span, so a transcript with 5,000 quotes codes as fast
        # as a short one.
        self.whole_sources = whole_sources
        self._sources: dict[str, Source] = {}
        self._codes: dict[str, tuple[Code, bool]] = {}
        self._unused: dict[int, bool] = {}
        self._subdivisions: dict[str, tuple[Subdivision, bool]] = {}
        self._coders: dict[str | None, Coder] = {}
        self._spans: dict[int, dict[tuple[int, int], Quote]] = {}
        self._unanchored: dict[tuple[int | None, str], Quote] = {}
        self._coded: dict[Quote, dict[tuple[int, int], Coding | int]] = {}

    def source(self, ref: str) -> Source:
        if ref not in self._sources:
            self._sources[ref] = lookup.source(self.session, ref)
        return self._sources[ref]

    def code(self, name: str) -> tuple[Code, bool]:
        key = name_key(name)
        found, new = self._codes.get(key) or lookup.code(self.session, name, create=True)
        self._codes[key] = (found, False)
        return found, new

    def unused(self, code: Code) -> bool:
        """Whether `code` had no coding when this batch first asked (one query a code)."""
        if code.id not in self._unused:
            with self.session.no_autoflush:
                self._unused[code.id] = self.session.scalar(
                    select(Coding.id).where(Coding.code_id == code.id).limit(1)) is None
        return self._unused[code.id]

    def subdivision(self, name: str) -> tuple[Subdivision, bool]:
        key = name_key(name)
        found, new = self._subdivisions.get(key) or lookup.subdivision(
            self.session, name, create=True
        )
        self._subdivisions[key] = (found, False)
        return found, new

    def coder(self, name: str | None) -> Coder:
        if name not in self._coders:
            self._coders[name] = lookup.coder(self.session, name)
        return self._coders[name]

    def quote(self, source: Source | None, request: CodingRequest) -> Quote:
        if request.start is None or request.end is None:
            key = (source.id if source else None, request.sheet_text or "")
            if key not in self._unanchored:
                self._unanchored[key] = _unanchored_quote(self.session, source,
                                                          request.sheet_text or "")
            return self._unanchored[key]
        assert source is not None
        spans = self._spans_of(source) if self.whole_sources else self._span_of(
            source, request.start, request.end)
        found = spans.get((request.start, request.end))
        if found is not None:
            return found
        quote = Quote(source=source, start=request.start, end=request.end,
                      text=source.text[request.start:request.end],
                      sheet_text=request.sheet_text, anchor=request.anchor)
        new = True
        if self.whole_sources:  # bulk: added without a flush, it has no codings yet
            self.session.add(quote)
        else:  # another coder may be placing a quote on this very span right now
            quote, new = lookup.get_or_add(self.session, select(Quote).where(
                Quote.source_id == source.id, Quote.start == request.start,
                Quote.end == request.end), quote)
        spans[(request.start, request.end)] = quote
        if new:
            self._coded[quote] = {}
        return quote

    def _spans_of(self, source: Source) -> dict[tuple[int, int], Quote]:
        """The anchored quotes of `source` and the codings on them, loaded once."""
        if source.id not in self._spans:
            quotes = self.session.scalars(
                select(Quote).where(Quote.source_id == source.id, Quote.anchor != "unanchored")
            ).all()
            by_id = {q.id: q for q in quotes}
            for q in quotes:
                self._coded[q] = {}
            for coding_id, quote_id, code_id, coder_id in self.session.execute(
                select(Coding.id, Coding.quote_id, Coding.code_id, Coding.coder_id)
                .join(Quote, Coding.quote_id == Quote.id)
                .where(Quote.source_id == source.id)
            ):
                if quote_id in by_id:
                    self._coded[by_id[quote_id]][(code_id, coder_id)] = coding_id
            self._spans[source.id] = {
                (q.start, q.end): q for q in quotes if q.start is not None and q.end is not None
            }
        return self._spans[source.id]

    def _span_of(self, source: Source, start: int, end: int) -> dict[tuple[int, int], Quote]:
        """Like `_spans_of`, for the one span asked for."""
        spans = self._spans.setdefault(source.id, {})
        if (start, end) not in spans:
            quote = self.session.scalars(
                select(Quote).where(Quote.source_id == source.id, Quote.start == start,
                                    Quote.end == end)
            ).first()
            if quote is not None:
                spans[(start, end)] = quote
        return spans

    def coded(self, quote: Quote) -> dict[tuple[int, int], Coding | int]:
        """(code id, coder id) of the codings on `quote`, stored or pending."""
        if quote not in self._coded:  # unanchored, or not loaded with its whole source
            self._coded[quote] = {
                (code_id, coder_id): coding_id
                for coding_id, code_id, coder_id in self.session.execute(
                    select(Coding.id, Coding.code_id, Coding.coder_id).where(
                        Coding.quote_id == quote.id
                    )
                )
            }
        return self._coded[quote]


def add_coding(
    session: Session,
    request: CodingRequest,
    skip_existing: bool = False,
    batch: CodingBatch | None = None,
) -> CodingResult:
    """Code one span inside the caller's transaction (bulk loaders pass a `batch`).

    A request without offsets keeps its quote unanchored (text as the sheet gave it),
    so a quote that could not be placed is never lost. The same code on the same quote
    by the same coder is refused, or with `skip_existing` left as it is (re-imports).
    """
    single = batch is None
    batch = batch or CodingBatch(session, whole_sources=False)
    source = batch.source(request.source) if request.source else None
    if request.start is not None and request.end is not None:
        if source is None:
            raise InputError("a span needs a source; name it by id or name")
        check_span(source, request.start, request.end)
    quote = batch.quote(source, request)
    code, new_code = batch.code(request.code)
    coder = batch.coder(request.coder)
    coded = batch.coded(quote)
    duplicate = coded.get((code.id, coder.id))
    if duplicate is not None:
        if skip_existing:
            return CodingResult(None, source.name if source else None, False, created=False)
        session.flush()
        raise ConstraintError(
            f"this quote ({request.start}-{request.end}) is already coded {code.name!r} "
            f"by {coder.name} (coding {getattr(duplicate, 'id', duplicate)})"
        )
    filing, created = _filing(batch, request.subdivision, request.other_subdivisions)
    if filing and code.subdivision is None and code.node is None and (
            new_code or batch.unused(code)):
        # An unused code with no place in the codebook takes the place of its first
        # coding's filing (a code made by coding, or defined in a flat list).
        lookup.home_code(session, code, filing[0][0])
    coding = create_coding(session, quote, code, coder, emphasis=request.emphasis,
                           notes=request.notes, filing=filing)
    coded[(code.id, coder.id)] = coding
    if single:
        session.flush()
    return CodingResult(coding.id, source.name if source else None, new_code, created)


def check_span(source: Source, start: int, end: int) -> None:
    if start < 0 or end <= start:
        raise InputError(
            f"span {start}-{end} is empty or reversed; give START < END, both from 0"
        )
    if not source.length:
        raise ConstraintError(f"{source.name} is empty (a document kept from another "
                              "program's project); it has no text to code")
    if end > source.length:
        raise ConstraintError(
            f"span {start}-{end} runs past the end of {source.name} "
            f"({source.length} characters); the last valid END is {source.length}"
        )


def _unanchored_quote(session: Session, source: Source | None, sheet_text: str) -> Quote:
    found = session.scalars(
        select(Quote).where(
            Quote.anchor == "unanchored",
            Quote.sheet_text == sheet_text,
            Quote.source_id == (source.id if source else None),
        )
    ).first()
    if found is None:
        found = Quote(source=source, text=sheet_text, sheet_text=sheet_text, anchor="unanchored")
        session.add(found)
        session.flush()
    return found


def _filing(batch: CodingBatch, primary: str | None, others: Sequence[str]
            ) -> tuple[list[tuple[Subdivision, bool]], list[str]]:
    """The subdivisions named, found or made, and the names of those made new."""
    names = [(primary, True)] if primary and primary.strip() else []
    names += [(name, False) for name in others if name.strip()]
    filing: list[tuple[Subdivision, bool]] = []
    created: list[str] = []
    for name, is_primary in names:
        subdivision, new = batch.subdivision(name)
        if new:
            created.append(subdivision.name)
        filing.append((subdivision, is_primary))
    return filing, created


def create_coding(session: Session, quote: Quote, code: Code, coder: Coder, *,
                  emphasis: str | None = None, notes: str | None = None,
                  filing: Sequence[tuple[Subdivision, bool]] = (),
                  created_at: datetime | None = None,
                  updated_at: datetime | None = None) -> Coding:
    """The one place a coding is made: quote, code, coder, its texts, and its filing.

    Every front end and importer comes here (through `add_coding` or directly, when it
    has already resolved the rows: REFI-QDA, QualCoder, merge). `created_at` and
    `updated_at` keep another copy's times (a merge).
    """
    coding = Coding(quote=quote, code=code, coder=coder, emphasis=text_or_none(emphasis),
                    notes=text_or_none(notes))
    if created_at is not None:
        coding.created_at = created_at
    if updated_at is not None:
        coding.updated_at = updated_at
    # In the session before any filing lookup, whose autoflush would otherwise meet a
    # coding that its quote already lists but the session does not know.
    session.add(coding)
    file_coding(coding, filing)
    return coding


def file_coding(coding: Coding, filing: Sequence[tuple[Subdivision, bool]]) -> None:
    """File `coding` under subdivisions it is not filed under yet (one mention each).

    A subdivision named twice ("other" repeating the primary) counts once, and only
    the first becomes primary when the coding has none yet.
    """
    seen = {link.subdivision_id if link.subdivision_id is not None else link.subdivision.id
            for link in coding.subdivisions}
    has_primary = any(link.is_primary for link in coding.subdivisions)
    for subdivision, is_primary in filing:
        if subdivision.id in seen:
            continue
        seen.add(subdivision.id)
        primary = is_primary and not has_primary
        has_primary = has_primary or primary
        coding.subdivisions.append(CodingSubdivision(subdivision=subdivision,
                                                     is_primary=primary))


def list_codings(project: Project, unanchored_only: bool = False,
                 viewer: str | None = None) -> list[CodingRow]:
    """Every coding with its quote, code, subdivisions, source and cases, in text order.

    `unanchored_only` keeps the codings whose quote could not be placed in a source.
    `viewer` lists as that coder sees it: on sources they code blind, until all have
    finished, only their own codings (see `qcode.services.blind`).
    """
    # Plain columns, not ORM objects: a 100,000-coding export spends its time here.
    query = (
        select(Coding.id, Source.name, Quote.source_id, Quote.start, Quote.end, Quote.text,
               Code.name, Coding.emphasis, Coding.notes, Coder.name, Quote.anchor,
               Coding.created_at, Quote.sheet_text)
        .join(Quote, Coding.quote_id == Quote.id)
        .join(Code, Coding.code_id == Code.id)
        .join(Coder, Coding.coder_id == Coder.id)
        .outerjoin(Source, Quote.source_id == Source.id)
    )
    if unanchored_only:
        query = query.where(Quote.anchor == "unanchored")
    with project.reading() as session:
        visible = blind.visible_to(session, viewer)
        if visible is not None:
            query = query.where(visible)
        rows = session.execute(query).all()
        filed = _subdivisions_by_coding(session)
        cases = lookup.cases_by_source(session)
        lines = timelines(session)
    result = []
    for (coding_id, source, source_id, start, end, text, code, emphasis, notes, coder,
         anchor, created_at, sheet_text) in rows:
        primary, others = filed.get(coding_id, (None, []))
        result.append(
            CodingRow(
                id=coding_id, source=source,
                cases=cases.get(source_id, []) if source_id else [],
                start=start, end=end, text=text, code=code, emphasis=emphasis, notes=notes,
                subdivision=primary, other_subdivisions=others, coder=coder, anchor=anchor,
                created_at=created_at, as_written=sheet_text if sheet_text != text else None,
                time=time_in(lines, source_id, start),
            )
        )
    order = {name: natural_key(name) for name in {r.source for r in result}}
    return sorted(result, key=lambda r: (order[r.source], r.start or 0, r.id))


def _subdivisions_by_coding(session: Session) -> dict[int, tuple[str | None, list[str]]]:
    filed: dict[int, tuple[str | None, list[str]]] = {}
    for coding_id, name, is_primary in session.execute(
        select(CodingSubdivision.coding_id, Subdivision.name, CodingSubdivision.is_primary)
        .join(Subdivision, CodingSubdivision.subdivision_id == Subdivision.id)
        .order_by(CodingSubdivision.coding_id, Subdivision.name)
    ):
        primary, others = filed.get(coding_id, (None, []))
        if is_primary:
            primary = name
        else:
            others.append(name)
        filed[coding_id] = (primary, others)
    return filed


def anchor_coding(project: Project, coding_id: int, source_ref: str, start: int,
                  end: int, coder: str | None = None) -> CodingRow:
    """Place an unanchored coding's quote (and every coding on it) at a span by hand.

    If the span already has a quote, the codings join it (one already there is kept,
    not doubled) and the unanchored quote goes; otherwise the quote itself moves.
    `coder` is whose step it is (default: $QCODE_CODER or the login name).
    """
    with project.step(f"anchor coding {coding_id} at {source_ref} {start}-{end}",
                      coder) as session:
        coding = session.get(Coding, coding_id)
        if coding is None:
            raise InputError(f"no coding {coding_id}; `qcode codings --unanchored` lists them")
        quote = coding.quote
        if quote.anchor != "unanchored":
            raise ConstraintError(
                f"coding {coding_id} is already anchored at {quote.start}-{quote.end}"
            )
        source = lookup.source(session, source_ref)
        check_span(source, start, end)
        target = session.scalars(
            select(Quote).where(Quote.source_id == source.id, Quote.start == start,
                                Quote.end == end)
        ).first()
        if target is None:
            quote.source, quote.start, quote.end = source, start, end
            quote.text, quote.anchor = source.text[start:end], "manual"
        else:
            taken = {(c.code_id, c.coder_id) for c in target.codings}
            for moved in list(quote.codings):
                if (moved.code_id, moved.coder_id) in taken:
                    session.delete(moved)
                else:
                    moved.quote = target
            session.flush()
            session.expire(quote)  # its codings are gone or moved: reload before deleting
            session.delete(quote)
    rows = [row for row in list_codings(project) if row.id == coding_id]
    if not rows:  # it was a double of a coding already at that span
        raise ConstraintError(f"coding {coding_id} was already at {start}-{end}; kept that one")
    return rows[0]


def coder_names(project: Project) -> list[str]:
    """The names of everyone who has coded, in name order."""
    with project.reading() as session:
        return list(session.scalars(
            select(Coder.name).where(Coder.id.in_(select(Coding.coder_id))).order_by(Coder.name)
        ))
