"""a source may be empty; only texts that are not empty must be unique

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 23:20:00

Another program's project can hold documents with no text yet (NVivo for Mac writes
them); a round trip through qcode keeps them. Several empty sources share one (empty)
text, so the rule that a text is stored once now holds for texts that are not empty.
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
    op.create_index("uq_sources_content_hash", "sources", ["content_hash"], unique=True,
                    sqlite_where=sa.text("length > 0"), postgresql_where=sa.text("length > 0"))
    if sqlite:
        for statement in quote_bounds_statements("sqlite"):
            op.execute(statement)
    op.execute("UPDATE project SET schema_version = 8")


def downgrade() -> None:
    op.drop_index("uq_sources_content_hash", table_name="sources")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_sources_content_hash", ["content_hash"])
        batch_op.create_check_constraint("not_empty", "length > 0")
    op.execute("UPDATE project SET schema_version = 7")
