"""quotes must end inside their source (triggers); project.schema_version 2

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 16:40:00
"""

from __future__ import annotations

from alembic import op

from qcode.store.ddl import quote_bounds_statements

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in quote_bounds_statements(op.get_bind().dialect.name):
        op.execute(statement)
    op.execute("UPDATE project SET schema_version = 2")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS trg_quotes_within_source_insert")
        op.execute("DROP TRIGGER IF EXISTS trg_quotes_within_source_update")
    else:
        op.execute("DROP TRIGGER IF EXISTS trg_quotes_within_source ON quotes")
        op.execute("DROP FUNCTION IF EXISTS quotes_within_source()")
    op.execute("UPDATE project SET schema_version = 1")
