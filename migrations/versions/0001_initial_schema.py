"""initial schema: sources, cases, quotes, codes, codings, subdivisions, links, memos

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-24 16:27:20.826054
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attributes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "type IN ('text', 'number', 'date', 'category')", name=op.f("ck_attributes_type_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attributes")),
        sa.UniqueConstraint("name_key", name=op.f("uq_attributes_name_key")),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("key", name=op.f("uq_cases_key")),
    )
    op.create_table(
        "coders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coders")),
        sa.UniqueConstraint("name", name=op.f("uq_coders_name")),
    )
    op.create_table(
        "codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("color", sa.String(length=7), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codes")),
        sa.UniqueConstraint("name_key", name=op.f("uq_codes_name_key")),
    )
    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=20), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_project_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project")),
    )
    op.create_table(
        "subdivisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("color", sa.String(length=7), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('group', 'factor_group', 'subdivision')",
            name=op.f("ck_subdivisions_kind_known"),
        ),
        sa.CheckConstraint(
            "parent_id IS NULL OR parent_id <> id", name=op.f("ck_subdivisions_not_own_parent")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["subdivisions.id"],
            name=op.f("fk_subdivisions_parent_id_subdivisions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subdivisions")),
        sa.UniqueConstraint("name_key", name=op.f("uq_subdivisions_name_key")),
    )
    with op.batch_alter_table("subdivisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subdivisions_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "axial_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_subdivision_id", sa.Integer(), nullable=True),
        sa.Column("from_code_id", sa.Integer(), nullable=True),
        sa.Column("to_subdivision_id", sa.Integer(), nullable=True),
        sa.Column("to_code_id", sa.Integer(), nullable=True),
        sa.Column("relation", sa.String(length=200), nullable=False),
        sa.Column("directed", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(CASE WHEN from_subdivision_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN from_code_id IS NULL THEN 0 ELSE 1 END) = 1",
            name=op.f("ck_axial_links_one_from"),
        ),
        sa.CheckConstraint(
            "(CASE WHEN to_subdivision_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN to_code_id IS NULL THEN 0 ELSE 1 END) = 1",
            name=op.f("ck_axial_links_one_to"),
        ),
        sa.CheckConstraint("length(relation) > 0", name=op.f("ck_axial_links_relation_named")),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coders.id"],
            name=op.f("fk_axial_links_coder_id_coders"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["from_code_id"],
            ["codes.id"],
            name=op.f("fk_axial_links_from_code_id_codes"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["from_subdivision_id"],
            ["subdivisions.id"],
            name=op.f("fk_axial_links_from_subdivision_id_subdivisions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["to_code_id"],
            ["codes.id"],
            name=op.f("fk_axial_links_to_code_id_codes"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["to_subdivision_id"],
            ["subdivisions.id"],
            name=op.f("fk_axial_links_to_subdivision_id_subdivisions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_axial_links")),
    )
    with op.batch_alter_table("axial_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_axial_links_coder_id"), ["coder_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_axial_links_from_code_id"), ["from_code_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_axial_links_from_subdivision_id"), ["from_subdivision_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_axial_links_to_code_id"), ["to_code_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_axial_links_to_subdivision_id"), ["to_subdivision_id"], unique=False
        )

    op.create_table(
        "case_attributes",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("attribute_id", sa.Integer(), nullable=False),
        sa.Column("value_text", sa.Text(), nullable=True),
        sa.Column("value_number", sa.Float(), nullable=True),
        sa.Column("value_date", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "(CASE WHEN value_text IS NULL THEN 0 ELSE 1 END) + (CASE WHEN value_number IS NULL THEN 0 ELSE 1 END) + (CASE WHEN value_date IS NULL THEN 0 ELSE 1 END) = 1",
            name=op.f("ck_case_attributes_one_value"),
        ),
        sa.ForeignKeyConstraint(
            ["attribute_id"],
            ["attributes.id"],
            name=op.f("fk_case_attributes_attribute_id_attributes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_attributes_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "attribute_id", name=op.f("pk_case_attributes")),
    )
    with op.batch_alter_table("case_attributes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_attributes_attribute_id"), ["attribute_id"], unique=False
        )

    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("word_count", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("original_filename", sa.String(length=500), nullable=True),
        sa.Column("encoding", sa.String(length=40), nullable=True),
        sa.Column("language", sa.String(length=20), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("length = length(text)", name=op.f("ck_sources_length_matches_text")),
        sa.CheckConstraint("length > 0", name=op.f("ck_sources_not_empty")),
        sa.ForeignKeyConstraint(
            ["imported_by_id"],
            ["coders.id"],
            name=op.f("fk_sources_imported_by_id_coders"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_sources_content_hash")),
        sa.UniqueConstraint("name", name=op.f("uq_sources_name")),
    )
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sources_imported_by_id"), ["imported_by_id"], unique=False
        )

    op.create_table(
        "memos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("code_id", sa.Integer(), nullable=True),
        sa.Column("subdivision_id", sa.Integer(), nullable=True),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(CASE WHEN source_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN case_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN code_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN subdivision_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN link_id IS NULL THEN 0 ELSE 1 END) <= 1",
            name=op.f("ck_memos_one_target"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_memos_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["code_id"], ["codes.id"], name=op.f("fk_memos_code_id_codes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"], ["coders.id"], name=op.f("fk_memos_coder_id_coders"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["axial_links.id"],
            name=op.f("fk_memos_link_id_axial_links"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_memos_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subdivision_id"],
            ["subdivisions.id"],
            name=op.f("fk_memos_subdivision_id_subdivisions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memos")),
    )
    with op.batch_alter_table("memos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_memos_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_memos_code_id"), ["code_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_memos_coder_id"), ["coder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_memos_link_id"), ["link_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_memos_source_id"), ["source_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_memos_subdivision_id"), ["subdivision_id"], unique=False
        )

    op.create_table(
        "quotes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("start_offset", sa.Integer(), nullable=True),
        sa.Column("end_offset", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sheet_text", sa.Text(), nullable=True),
        sa.Column("anchor", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(anchor = 'unanchored' AND start_offset IS NULL AND end_offset IS NULL) OR (anchor <> 'unanchored' AND source_id IS NOT NULL AND start_offset >= 0 AND start_offset < end_offset AND length(text) = end_offset - start_offset)",
            name=op.f("ck_quotes_span"),
        ),
        sa.CheckConstraint(
            "anchor IN ('exact', 'normalised', 'fuzzy', 'manual', 'unanchored')",
            name=op.f("ck_quotes_anchor_known"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_quotes_source_id_sources"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotes")),
        sa.UniqueConstraint("source_id", "start_offset", "end_offset", name="uq_quotes_span"),
    )
    op.create_table(
        "source_cases",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_source_cases_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_source_cases_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("source_id", "case_id", name=op.f("pk_source_cases")),
    )
    with op.batch_alter_table("source_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_source_cases_case_id"), ["case_id"], unique=False)

    op.create_table(
        "speaker_turns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.Column("speaker", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "start_offset >= 0 AND start_offset < end_offset", name=op.f("ck_speaker_turns_span")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_speaker_turns_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_speaker_turns")),
    )
    with op.batch_alter_table("speaker_turns", schema=None) as batch_op:
        batch_op.create_index(
            "ix_speaker_turns_source_start", ["source_id", "start_offset"], unique=False
        )

    op.create_table(
        "axial_link_quotes",
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["axial_links.id"],
            name=op.f("fk_axial_link_quotes_link_id_axial_links"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"],
            ["quotes.id"],
            name=op.f("fk_axial_link_quotes_quote_id_quotes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("link_id", "quote_id", name=op.f("pk_axial_link_quotes")),
    )
    with op.batch_alter_table("axial_link_quotes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_axial_link_quotes_quote_id"), ["quote_id"], unique=False
        )

    op.create_table(
        "codings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("emphasis", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["code_id"], ["codes.id"], name=op.f("fk_codings_code_id_codes"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coders.id"],
            name=op.f("fk_codings_coder_id_coders"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"], ["quotes.id"], name=op.f("fk_codings_quote_id_quotes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codings")),
        sa.UniqueConstraint("quote_id", "code_id", "coder_id", name="uq_codings_quote_code_coder"),
    )
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_codings_code_id"), ["code_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_codings_coder_id"), ["coder_id"], unique=False)

    op.create_table(
        "coding_subdivisions",
        sa.Column("coding_id", sa.Integer(), nullable=False),
        sa.Column("subdivision_id", sa.Integer(), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coding_id"],
            ["codings.id"],
            name=op.f("fk_coding_subdivisions_coding_id_codings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subdivision_id"],
            ["subdivisions.id"],
            name=op.f("fk_coding_subdivisions_subdivision_id_subdivisions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("coding_id", "subdivision_id", name=op.f("pk_coding_subdivisions")),
    )
    with op.batch_alter_table("coding_subdivisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coding_subdivisions_subdivision_id"), ["subdivision_id"], unique=False
        )
        batch_op.create_index(
            "uq_coding_subdivisions_one_primary",
            ["coding_id"],
            unique=True,
            sqlite_where=sa.text("is_primary"),
            postgresql_where=sa.text("is_primary"),
        )


def downgrade() -> None:
    with op.batch_alter_table("coding_subdivisions", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_coding_subdivisions_one_primary",
            sqlite_where=sa.text("is_primary"),
            postgresql_where=sa.text("is_primary"),
        )
        batch_op.drop_index(batch_op.f("ix_coding_subdivisions_subdivision_id"))

    op.drop_table("coding_subdivisions")
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_codings_coder_id"))
        batch_op.drop_index(batch_op.f("ix_codings_code_id"))

    op.drop_table("codings")
    with op.batch_alter_table("axial_link_quotes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_axial_link_quotes_quote_id"))

    op.drop_table("axial_link_quotes")
    with op.batch_alter_table("speaker_turns", schema=None) as batch_op:
        batch_op.drop_index("ix_speaker_turns_source_start")

    op.drop_table("speaker_turns")
    with op.batch_alter_table("source_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_cases_case_id"))

    op.drop_table("source_cases")
    op.drop_table("quotes")
    with op.batch_alter_table("memos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_memos_subdivision_id"))
        batch_op.drop_index(batch_op.f("ix_memos_source_id"))
        batch_op.drop_index(batch_op.f("ix_memos_link_id"))
        batch_op.drop_index(batch_op.f("ix_memos_coder_id"))
        batch_op.drop_index(batch_op.f("ix_memos_code_id"))
        batch_op.drop_index(batch_op.f("ix_memos_case_id"))

    op.drop_table("memos")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sources_imported_by_id"))

    op.drop_table("sources")
    with op.batch_alter_table("case_attributes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_attributes_attribute_id"))

    op.drop_table("case_attributes")
    with op.batch_alter_table("axial_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_axial_links_to_subdivision_id"))
        batch_op.drop_index(batch_op.f("ix_axial_links_to_code_id"))
        batch_op.drop_index(batch_op.f("ix_axial_links_from_subdivision_id"))
        batch_op.drop_index(batch_op.f("ix_axial_links_from_code_id"))
        batch_op.drop_index(batch_op.f("ix_axial_links_coder_id"))

    op.drop_table("axial_links")
    with op.batch_alter_table("subdivisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subdivisions_parent_id"))

    op.drop_table("subdivisions")
    op.drop_table("project")
    op.drop_table("codes")
    op.drop_table("coders")
    op.drop_table("cases")
    op.drop_table("attributes")
