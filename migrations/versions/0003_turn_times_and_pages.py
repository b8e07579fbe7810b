"""turn times from subtitles, page starts of PDFs

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 17:30:54.161462
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_pages",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "number >= 1 AND start_offset >= 0", name=op.f("ck_source_pages_position")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_source_pages_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("source_id", "number", name=op.f("pk_source_pages")),
    )
    with op.batch_alter_table("speaker_turns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("begin_seconds", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("end_seconds", sa.Float(), nullable=True))
    op.execute("UPDATE project SET schema_version = 3")


def downgrade() -> None:
    with op.batch_alter_table("speaker_turns", schema=None) as batch_op:
        batch_op.drop_column("end_seconds")
        batch_op.drop_column("begin_seconds")

    op.drop_table("source_pages")
    op.execute("UPDATE project SET schema_version = 2")
