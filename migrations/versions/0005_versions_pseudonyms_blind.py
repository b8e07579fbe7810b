"""source versions, quotes to review, pseudonyms and blind double coding

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_note", sa.Text(), nullable=True))
    op.create_table(
        "source_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("quotes", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_source_versions_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"], ["coders.id"], name=op.f("fk_source_versions_coder_id_coders"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_versions")),
        sa.UniqueConstraint("source_id", "number", name="uq_source_versions_number"),
    )
    with op.batch_alter_table("source_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_source_versions_coder_id"), ["coder_id"], unique=False
        )
    op.create_table(
        "pseudonyms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("original", sa.String(length=300), nullable=False),
        sa.Column("pseudonym", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pseudonyms")),
        sa.UniqueConstraint("original", name=op.f("uq_pseudonyms_original")),
    )
    op.create_table(
        "blind_coders",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_blind_coders_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"], ["coders.id"], name=op.f("fk_blind_coders_coder_id_coders"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("source_id", "coder_id", name=op.f("pk_blind_coders")),
    )
    with op.batch_alter_table("blind_coders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_blind_coders_coder_id"), ["coder_id"], unique=False)
    op.execute("UPDATE project SET schema_version = 5")


def downgrade() -> None:
    with op.batch_alter_table("blind_coders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blind_coders_coder_id"))
    op.drop_table("blind_coders")
    op.drop_table("pseudonyms")
    with op.batch_alter_table("source_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_versions_coder_id"))
    op.drop_table("source_versions")
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.drop_column("review_note")
    op.execute("UPDATE project SET schema_version = 4")
