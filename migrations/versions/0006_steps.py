"""every change is a step: steps that cannot be undone, with their backup; the revision

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 04:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("undoable", sa.Boolean(), server_default=sa.true(),
                                      nullable=False))
        batch_op.add_column(sa.Column("backup", sa.String(length=1000), nullable=True))
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="0",
                                      nullable=False))
    op.execute("UPDATE project SET schema_version = 6")


def downgrade() -> None:
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_column("revision")
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_column("backup")
        batch_op.drop_column("undoable")
    op.execute("UPDATE project SET schema_version = 5")
