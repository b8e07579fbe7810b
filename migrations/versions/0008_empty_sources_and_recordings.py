"""a source may be empty; only texts that are not empty must be unique; recordings
beside sources, time marks, how a source was transcribed

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 23:20:00

Another program's project can hold documents with no text yet (NVivo for Mac writes
them); a round trip through qcode keeps them. Several empty sources share one (empty)
text, so the rule that a text is stored once now holds for texts that are not empty.
A source may have a recording (where the file is, never the media), positions whose
time is known (timestamps in the transcript, transcription times) and a note of the
engine that transcribed it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from qcode.store.ddl import quote_bounds_statements

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        # Rebuilding `sources` (SQLite's batch mode) would leave the triggers that keep
        # quotes inside their source pointing at a dropped table.
        op.execute("DROP TRIGGER IF EXISTS trg_quotes_within_source_insert")
        op.execute("DROP TRIGGER IF EXISTS trg_quotes_within_source_update")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_sources_not_empty"), type_="check")
        batch_op.drop_constraint("uq_sources_content_hash", type_="unique")
        batch_op.add_column(sa.Column("transcription", sa.Text(), nullable=True))
    op.create_index("uq_sources_content_hash", "sources", ["content_hash"], unique=True,
                    sqlite_where=sa.text("length > 0"), postgresql_where=sa.text("length > 0"))
    if sqlite:
        for statement in quote_bounds_statements("sqlite"):
            op.execute(statement)
    op.create_table(
        "recordings",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=2000), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("duration_seconds", sa.Float(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("offset_seconds", sa.Float(), server_default="0", nullable=False),
        sa.Column("attached_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attached_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("size >= 0 AND duration_seconds >= 0 AND offset_seconds >= 0",
                           name=op.f("ck_recordings_measures")),
        sa.CheckConstraint("kind IN ('audio', 'video')", name=op.f("ck_recordings_kind_known")),
        sa.ForeignKeyConstraint(["attached_by_id"], ["coders.id"], ondelete="SET NULL",
                                name=op.f("fk_recordings_attached_by_id_coders")),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="CASCADE",
                                name=op.f("fk_recordings_source_id_sources")),
        sa.PrimaryKeyConstraint("source_id", name=op.f("pk_recordings")),
    )
    op.create_index(op.f("ix_recordings_attached_by_id"), "recordings", ["attached_by_id"],
                    unique=False)
    op.create_table(
        "time_marks",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("at_offset", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.CheckConstraint("at_offset >= 0 AND seconds >= 0", name=op.f("ck_time_marks_position")),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="CASCADE",
                                name=op.f("fk_time_marks_source_id_sources")),
        sa.PrimaryKeyConstraint("source_id", "at_offset", name=op.f("pk_time_marks")),
    )
    op.execute("UPDATE project SET schema_version = 8")


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.drop_table("time_marks")
    op.drop_index(op.f("ix_recordings_attached_by_id"), table_name="recordings")
    op.drop_table("recordings")
    op.drop_index("uq_sources_content_hash", table_name="sources")
    if sqlite:  # as in upgrade: the rebuild would orphan the quote triggers
        op.execute("DROP TRIGGER IF EXISTS trg_quotes_within_source_insert")
        op.execute("DROP TRIGGER IF EXISTS trg_quotes_within_source_update")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("transcription")
        batch_op.create_unique_constraint("uq_sources_content_hash", ["content_hash"])
        batch_op.create_check_constraint("not_empty", "length > 0")
    if sqlite:
        for statement in quote_bounds_statements("sqlite"):
            op.execute(statement)
    op.execute("UPDATE project SET schema_version = 7")
