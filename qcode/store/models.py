"""The project store: SQLAlchemy 2 typed models for everything a study holds.

Offsets are Unicode code points, 0-based, end exclusive (the REFI-QDA convention), so
`source.text[quote.start:quote.end] == quote.text` for every anchored quote.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from qcode.vocabulary import (  # noqa: F401  (re-exported: models name their values)
    ACTION_STATES,
    ANCHOR_KINDS,
    ATTRIBUTE_TYPES,
    MEDIA_KINDS,
    RELATIONS,
    SUBDIVISION_KINDS,
)

# Stable constraint names let Alembic's batch mode on SQLite find and alter them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}



def utcnow() -> datetime:
    return datetime.now(UTC)


def new_guid() -> str:
    """A new row's identity in exchange files (REFI-QDA GUIDs): kept for good, so other
    programs match a re-export against what they imported before."""
    return str(uuid.uuid4())


def _guid() -> Mapped[str]:
    # Lower case without braces (qcode.interop.refi.normal_guid), as imported or made.
    return mapped_column(String(36), unique=True, default=new_guid)


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


def _at_most_one(*columns: str) -> str:
    terms = " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in columns)
    return f"{terms} <= 1"


def _exactly_one(*columns: str) -> str:
    terms = " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in columns)
    return f"{terms} = 1"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ProjectInfo(Base):
    """The one row that names the study and its language."""

    __tablename__ = "project"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(20), default="en")
    schema_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Counts every step, undo and redo taken (qcode.services.steps): a screen showing
    # revision N is current while the project is still at N.
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Coder(Base):
    __tablename__ = "coders"

    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SourceCase(Base):
    """Which interview partners stand behind which source (many to many)."""

    __tablename__ = "source_cases"

    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True
    )
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Case(Base):
    """An interview partner (IP1...): a person or a group behind one or more sources."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    attributes: Mapped[list[CaseAttribute]] = relationship(
        back_populates="case", cascade="all, delete-orphan", passive_deletes=True
    )
    sources: Mapped[list[Source]] = relationship(
        secondary="source_cases", back_populates="cases", passive_deletes=True
    )


class Attribute(Base):
    """A case attribute's name and type (text, number, date, category)."""

    __tablename__ = "attributes"
    __table_args__ = (CheckConstraint(_in("type", ATTRIBUTE_TYPES), name="type_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(20), default="text")


class CaseAttribute(Base):
    """One typed value: exactly one of the value columns is set."""

    __tablename__ = "case_attributes"
    __table_args__ = (
        CheckConstraint(
            _exactly_one("value_text", "value_number", "value_date"), name="one_value"
        ),
    )

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    attribute_id: Mapped[int] = mapped_column(
        ForeignKey("attributes.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    value_text: Mapped[str | None] = mapped_column(Text)
    value_number: Mapped[float | None] = mapped_column(Float)
    value_date: Mapped[date | None] = mapped_column(Date)

    case: Mapped[Case] = relationship(back_populates="attributes")
    attribute: Mapped[Attribute] = relationship()


class Source(Base):
    """One document, its text stored once exactly as imported (after newline normalisation).

    A source may be empty: another program's project can hold documents with no text
    yet, and a round trip keeps them. Only texts that are not empty must be unique.
    """

    __tablename__ = "sources"
    __table_args__ = (
        CheckConstraint("length = length(text)", name="length_matches_text"),
        Index("uq_sources_content_hash", "content_hash", unique=True,
              sqlite_where=text("length > 0"), postgresql_where=text("length > 0")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    name: Mapped[str] = mapped_column(String(300), unique=True)
    text: Mapped[str] = mapped_column(Text)
    length: Mapped[int] = mapped_column(Integer)
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(20))
    original_filename: Mapped[str | None] = mapped_column(String(500))
    encoding: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str | None] = mapped_column(String(20))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("coders.id", ondelete="SET NULL"), index=True
    )
    # How a transcribed source was made (JSON: engine, model, language, settings).
    transcription: Mapped[str | None] = mapped_column(Text)

    cases: Mapped[list[Case]] = relationship(
        secondary="source_cases", back_populates="sources", passive_deletes=True
    )
    turns: Mapped[list[SpeakerTurn]] = relationship(
        back_populates="source", cascade="all, delete-orphan", passive_deletes=True,
        order_by="SpeakerTurn.start",
    )
    pages: Mapped[list[SourcePage]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="SourcePage.number"
    )


class SpeakerTurn(Base):
    """A span of a source spoken by one speaker ("IP4:", "Interviewer:", "Q:")."""

    __tablename__ = "speaker_turns"
    __table_args__ = (
        CheckConstraint("start_offset >= 0 AND start_offset < end_offset", name="span"),
        Index("ix_speaker_turns_source_start", "source_id", "start_offset"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column("start_offset", Integer)
    end: Mapped[int] = mapped_column("end_offset", Integer)
    speaker: Mapped[str] = mapped_column(String(200))
    # Where the turn sits in the recording, for subtitles (.vtt, .srt).
    begin_seconds: Mapped[float | None] = mapped_column(Float)
    end_seconds: Mapped[float | None] = mapped_column(Float)

    source: Mapped[Source] = relationship(back_populates="turns")


class SourcePage(Base):
    """Where a page of the original document (a PDF) starts in the stored text."""

    __tablename__ = "source_pages"
    __table_args__ = (
        CheckConstraint("number >= 1 AND start_offset >= 0", name="position"),
    )

    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    start: Mapped[int] = mapped_column("start_offset", Integer)


class Recording(Base):
    """The audio or video recording of a source's interview.

    The project keeps where the file is (relative to the project's folder where it can
    be), its size, length and SHA-256, never the media itself: `qcode check` compares
    them to say when a recording moved or changed. `offset_seconds` is where the
    transcript's time 0 falls in the recording.
    """

    __tablename__ = "recordings"
    __table_args__ = (
        CheckConstraint("size >= 0 AND duration_seconds >= 0 AND offset_seconds >= 0",
                        name="measures"),
        CheckConstraint(_in("kind", MEDIA_KINDS), name="kind_known"),
    )

    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True
    )
    path: Mapped[str] = mapped_column(String(2000))
    kind: Mapped[str] = mapped_column(String(10))
    size: Mapped[int] = mapped_column(BigInteger)
    duration_seconds: Mapped[float] = mapped_column(Float)
    checksum: Mapped[str] = mapped_column(String(64))
    offset_seconds: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    attached_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    attached_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("coders.id", ondelete="SET NULL"), index=True
    )


class TimeMark(Base):
    """A position in a source's text whose time is known: a timestamp the transcript
    carried ("[00:01:23]"), or a segment or word time from transcription. Times between
    two marks are interpolated by characters (qcode.services.timeline)."""

    __tablename__ = "time_marks"
    __table_args__ = (
        CheckConstraint("at_offset >= 0 AND seconds >= 0", name="position"),
    )

    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True
    )
    offset: Mapped[int] = mapped_column("at_offset", Integer, primary_key=True)
    seconds: Mapped[float] = mapped_column(Float)


class Quote(Base):
    """An exact span of a source plus a copy of its text.

    `sheet_text` keeps the quote as the researcher wrote it (with "(...)" elisions or
    bracketed words); `text` is always the source's own characters. A quote that could
    not be placed is kept with anchor='unanchored' and no offsets, never dropped.
    """

    __tablename__ = "quotes"
    __table_args__ = (
        CheckConstraint(_in("anchor", ANCHOR_KINDS), name="anchor_known"),
        CheckConstraint(
            "(anchor = 'unanchored' AND start_offset IS NULL AND end_offset IS NULL)"
            " OR (anchor <> 'unanchored' AND source_id IS NOT NULL"
            " AND start_offset >= 0 AND start_offset < end_offset"
            " AND length(text) = end_offset - start_offset)",
            name="span",
        ),
        UniqueConstraint("source_id", "start_offset", "end_offset", name="uq_quotes_span"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="RESTRICT"))
    start: Mapped[int | None] = mapped_column("start_offset", Integer)
    end: Mapped[int | None] = mapped_column("end_offset", Integer)
    text: Mapped[str] = mapped_column(Text)
    sheet_text: Mapped[str | None] = mapped_column(Text)
    anchor: Mapped[str] = mapped_column(String(20), default="exact")
    # Set when an edit of the transcript changed the quote's words: what to look at.
    review_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    # Who marked the span, where another program said so (a REFI-QDA selection's
    # creating user); else its first coding's coder stands for them.
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("coders.id", ondelete="RESTRICT"), index=True
    )

    source: Mapped[Source | None] = relationship()
    codings: Mapped[list[Coding]] = relationship(
        back_populates="quote", cascade="all, delete-orphan", passive_deletes=True
    )


class Code(Base):
    """An open-coding label. `name_key` makes "Self-management" and "self management " one."""

    __tablename__ = "codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    color: Mapped[str | None] = mapped_column(String(7))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Its home in the codebook tree, whether or not it is used: the subdivision it sits
    # under (None: the top level), and its order among what sits there.
    subdivision_id: Mapped[int | None] = mapped_column(
        ForeignKey("subdivisions.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A code with child codes (as NVivo, MAXQDA and QualCoder have them) has a node of
    # its own in the subdivision tree: its children sit there and reports roll their
    # mentions up through it. The code and its node are one entry of the codebook.
    node_id: Mapped[int | None] = mapped_column(
        ForeignKey("subdivisions.id", ondelete="RESTRICT"), unique=True
    )

    subdivision: Mapped[Subdivision | None] = relationship(foreign_keys=[subdivision_id])
    node: Mapped[Subdivision | None] = relationship(foreign_keys=[node_id])


class Subdivision(Base):
    """A node of the subdivision tree: a group, a factor group, or a subdivision."""

    __tablename__ = "subdivisions"
    __table_args__ = (
        CheckConstraint(_in("kind", SUBDIVISION_KINDS), name="kind_known"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="subdivision")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("subdivisions.id", ondelete="RESTRICT"), index=True
    )
    description: Mapped[str | None] = mapped_column(Text)
    color: Mapped[str | None] = mapped_column(String(7))
    position: Mapped[int] = mapped_column(Integer, default=0)

    parent: Mapped[Subdivision | None] = relationship(remote_side="Subdivision.id")


class Coding(Base):
    """One quote + one code, with how it was stressed, notes, coder and timestamps."""

    __tablename__ = "codings"
    __table_args__ = (
        UniqueConstraint("quote_id", "code_id", "coder_id", name="uq_codings_quote_code_coder"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(
        ForeignKey("codes.id", ondelete="RESTRICT"), index=True
    )
    coder_id: Mapped[int] = mapped_column(
        ForeignKey("coders.id", ondelete="RESTRICT"), index=True
    )
    emphasis: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    quote: Mapped[Quote] = relationship(back_populates="codings")
    code: Mapped[Code] = relationship()
    coder: Mapped[Coder] = relationship()
    subdivisions: Mapped[list[CodingSubdivision]] = relationship(
        back_populates="coding", cascade="all, delete-orphan", passive_deletes=True
    )


class CodingSubdivision(Base):
    """A mention: a coding filed under a subdivision; one per coding may be primary."""

    __tablename__ = "coding_subdivisions"
    __table_args__ = (
        Index(
            "uq_coding_subdivisions_one_primary",
            "coding_id",
            unique=True,
            sqlite_where=text("is_primary"),
            postgresql_where=text("is_primary"),
        ),
    )

    coding_id: Mapped[int] = mapped_column(
        ForeignKey("codings.id", ondelete="CASCADE"), primary_key=True
    )
    subdivision_id: Mapped[int] = mapped_column(
        ForeignKey("subdivisions.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)

    coding: Mapped[Coding] = relationship(back_populates="subdivisions")
    subdivision: Mapped[Subdivision] = relationship()


class AxialLink(Base):
    """A relation between two subdivisions or codes (axial coding)."""

    __tablename__ = "axial_links"
    __table_args__ = (
        CheckConstraint(_exactly_one("from_subdivision_id", "from_code_id"), name="one_from"),
        CheckConstraint(_exactly_one("to_subdivision_id", "to_code_id"), name="one_to"),
        CheckConstraint("length(relation) > 0", name="relation_named"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_subdivision_id: Mapped[int | None] = mapped_column(
        ForeignKey("subdivisions.id", ondelete="RESTRICT"), index=True
    )
    from_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("codes.id", ondelete="RESTRICT"), index=True
    )
    to_subdivision_id: Mapped[int | None] = mapped_column(
        ForeignKey("subdivisions.id", ondelete="RESTRICT"), index=True
    )
    to_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("codes.id", ondelete="RESTRICT"), index=True
    )
    relation: Mapped[str] = mapped_column(String(200))
    directed: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str | None] = mapped_column(Text)
    coder_id: Mapped[int | None] = mapped_column(
        ForeignKey("coders.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AxialLinkQuote(Base):
    """A quote that supports an axial link."""

    __tablename__ = "axial_link_quotes"

    link_id: Mapped[int] = mapped_column(
        ForeignKey("axial_links.id", ondelete="CASCADE"), primary_key=True
    )
    quote_id: Mapped[int] = mapped_column(
        ForeignKey("quotes.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Memo(Base):
    """A free note on a source, case, code, subdivision, link, or (no target) the project."""

    __tablename__ = "memos"
    __table_args__ = (
        CheckConstraint(
            _at_most_one("source_id", "case_id", "code_id", "subdivision_id", "link_id"),
            name="one_target",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), index=True
    )
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    code_id: Mapped[int | None] = mapped_column(
        ForeignKey("codes.id", ondelete="CASCADE"), index=True
    )
    subdivision_id: Mapped[int | None] = mapped_column(
        ForeignKey("subdivisions.id", ondelete="CASCADE"), index=True
    )
    link_id: Mapped[int | None] = mapped_column(
        ForeignKey("axial_links.id", ondelete="CASCADE"), index=True
    )
    coder_id: Mapped[int | None] = mapped_column(
        ForeignKey("coders.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Action(Base):
    """One step a coder took (code a span, merge two codes, import a file), with its changes.

    `changes` holds the rows the step inserted, updated and deleted (JSON), so undo and
    redo can replay it backwards or forwards after a restart or a crash. `state` is
    'done' or 'undone'; a new step drops its coder's undone ones (no redo after that).
    A step that cannot be replayed row by row (a schema upgrade, a repair) has
    `undoable` false and names in `backup` the copy made before it.
    """

    __tablename__ = "actions"
    __table_args__ = (CheckConstraint(_in("state", ACTION_STATES), name="state_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coder_id: Mapped[int] = mapped_column(
        ForeignKey("coders.id", ondelete="RESTRICT"), index=True
    )
    label: Mapped[str] = mapped_column(String(300))
    changes: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default="done")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    undoable: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    backup: Mapped[str | None] = mapped_column(String(1000))


class SourceVersion(Base):
    """A source's text as it was before an edit, with where its quotes sat then.

    `quotes` is JSON: one [quote_id, start, end, anchor, text] per quote of the source, so
    restoring a version puts the text and every quote back exactly.
    """

    __tablename__ = "source_versions"
    __table_args__ = (UniqueConstraint("source_id", "number", name="uq_source_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    quotes: Mapped[str] = mapped_column(Text, default="[]")
    reason: Mapped[str] = mapped_column(String(300))
    coder_id: Mapped[int | None] = mapped_column(
        ForeignKey("coders.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ItemSet(Base):
    """A named set of sources and codes (MAXQDA's document sets, ATLAS.ti's code and
    document groups, REFI-QDA's Set): a filter for reports (`--sources-in`)."""

    __tablename__ = "sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SetSource(Base):
    __tablename__ = "set_sources"

    set_id: Mapped[int] = mapped_column(
        ForeignKey("sets.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class SetCode(Base):
    __tablename__ = "set_codes"

    set_id: Mapped[int] = mapped_column(
        ForeignKey("sets.id", ondelete="CASCADE"), primary_key=True
    )
    code_id: Mapped[int] = mapped_column(
        ForeignKey("codes.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Pseudonym(Base):
    """A real name (person, place, organisation) and the pseudonym that replaces it."""

    __tablename__ = "pseudonyms"

    id: Mapped[int] = mapped_column(primary_key=True)
    original: Mapped[str] = mapped_column(String(300), unique=True)
    pseudonym: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BlindCoder(Base):
    """A coder who codes a source blind: others' codings stay hidden until all finish."""

    __tablename__ = "blind_coders"

    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True
    )
    coder_id: Mapped[int] = mapped_column(
        ForeignKey("coders.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
