"""lossless exchange: every item keeps a GUID; codes have a home in the codebook tree;
sets of sources and codes; a quote's modification time and creator

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 20:30:00

Existing rows get the GUIDs qcode's exports derived for them until now (from the
project's name and creation time and the row's id), so a program that imported an
earlier export still matches this project's items. Each code's home is where its
codings are filed most (as primary first), which is where earlier exports wrote it; a
code and a subdivision of the same name where that code's codings are filed most
are one entry (a code with child codes, as an earlier import made them).
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from qcode.store.ddl import quote_bounds_statements

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The kinds earlier exports derived GUIDs from (qcode.interop.refi.stable_guid), by table.
_KINDS = {"coders": "coder", "sources": "source", "cases": "case", "attributes": "attribute",
          "codes": "code", "subdivisions": "subdivision", "quotes": "quote",
          "codings": "coding", "memos": "memo"}
# The same constant as qcode.interop.refi (a migration must not change with the code).
_QCODE = uuid.UUID("6f1c3f0e-2a55-4c1e-9a53-7d4f0c2b9e11")


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        # Rebuilding `sources` and `quotes` (SQLite's batch mode) would leave the
        # triggers that keep quotes inside their source pointing at a dropped table.
        op.execute("DROP TRIGGER IF EXISTS trg_quotes_within_source_insert")
        op.execute("DROP TRIGGER IF EXISTS trg_quotes_within_source_update")
    for table in _KINDS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("guid", sa.String(length=36), nullable=True))
    with op.batch_alter_table("codes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subdivision_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("position", sa.Integer(), server_default="0",
                                      nullable=False))
        batch_op.add_column(sa.Column("node_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
    op.execute("UPDATE quotes SET updated_at = created_at")
    namespace = _namespace(bind)
    for table, kind in _KINDS.items() if namespace else ():
        rows = sa.table(table, sa.column("id", sa.Integer), sa.column("guid", sa.String))
        ids = bind.execute(sa.select(rows.c.id)).scalars().all()
        if ids:
            bind.execute(rows.update().where(rows.c.id == sa.bindparam("key"))
                         .values(guid=sa.bindparam("value")),
                         [{"key": i, "value": str(uuid.uuid5(namespace, f"{kind}:{i}"))}
                          for i in ids])
    _homes(bind)
    for table in _KINDS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("guid", existing_type=sa.String(length=36), nullable=False)
            batch_op.create_unique_constraint(f"uq_{table}_guid", ["guid"])
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.alter_column("updated_at", existing_type=sa.DateTime(timezone=True),
                              nullable=False)
        batch_op.create_index("ix_quotes_created_by_id", ["created_by_id"], unique=False)
        batch_op.create_foreign_key("fk_quotes_created_by_id_coders", "coders",
                                    ["created_by_id"], ["id"], ondelete="RESTRICT")
    with op.batch_alter_table("codes", schema=None) as batch_op:
        batch_op.create_index("ix_codes_subdivision_id", ["subdivision_id"], unique=False)
        batch_op.create_unique_constraint("uq_codes_node_id", ["node_id"])
        batch_op.create_foreign_key("fk_codes_subdivision_id_subdivisions", "subdivisions",
                                    ["subdivision_id"], ["id"], ondelete="RESTRICT")
        batch_op.create_foreign_key("fk_codes_node_id_subdivisions", "subdivisions",
                                    ["node_id"], ["id"], ondelete="RESTRICT")
    op.create_table(
        "sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sets"),
        sa.UniqueConstraint("guid", name="uq_sets_guid"),
        sa.UniqueConstraint("name_key", name="uq_sets_name_key"),
    )
    for members, column, target in (("set_sources", "source_id", "sources"),
                                    ("set_codes", "code_id", "codes")):
        op.create_table(
            members,
            sa.Column("set_id", sa.Integer(), nullable=False),
            sa.Column(column, sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["set_id"], ["sets.id"], ondelete="CASCADE",
                                    name=f"fk_{members}_set_id_sets"),
            sa.ForeignKeyConstraint([column], [f"{target}.id"], ondelete="CASCADE",
                                    name=f"fk_{members}_{column}_{target}"),
            sa.PrimaryKeyConstraint("set_id", column, name=f"pk_{members}"),
        )
        op.create_index(f"ix_{members}_{column}", members, [column], unique=False)
    if sqlite:
        for statement in quote_bounds_statements("sqlite"):
            op.execute(statement)
    op.execute("UPDATE project SET schema_version = 7")


def _namespace(bind: sa.Connection) -> uuid.UUID | None:
    """The namespace earlier exports derived GUIDs from; None before the project row
    exists (a new project's schema is built first)."""
    project = sa.table("project", sa.column("name", sa.String),
                       sa.column("created_at", sa.DateTime(timezone=True)))
    found = bind.execute(sa.select(project.c.name, project.c.created_at)).first()
    if found is None:
        return None
    name, created = found
    if isinstance(created, str):  # a driver that hands back text
        created = datetime.fromisoformat(created)
    created = created.replace(tzinfo=UTC) if created.tzinfo is None else created.astimezone(UTC)
    return uuid.uuid5(_QCODE, f"{name}\x00{created.isoformat()}")


def _homes(bind: sa.Connection) -> None:
    nodes = bind.execute(sa.text("SELECT id, parent_id, name_key, position FROM subdivisions "
                                 "ORDER BY position, id")).all()
    children: dict[int | None, list[int]] = {}
    last: dict[int | None, int] = {}  # the last node position under each parent
    for node_id, parent_id, _, position in nodes:
        children.setdefault(parent_id, []).append(node_id)
        last[parent_id] = max(last.get(parent_id, position), position)
    order: dict[int, int] = {}

    def walk(parent: int | None) -> None:
        for node_id in children.get(parent, []):
            order[node_id] = len(order)
            walk(node_id)

    walk(None)
    primary: dict[int, Counter[int]] = {}
    filed: dict[int, Counter[int]] = {}
    for code_id, sub_id, is_primary, n in bind.execute(sa.text(
            "SELECT c.code_id, s.subdivision_id, s.is_primary, count(*) "
            "FROM coding_subdivisions s JOIN codings c ON c.id = s.coding_id "
            "GROUP BY c.code_id, s.subdivision_id, s.is_primary")):
        filed.setdefault(code_id, Counter())[sub_id] += n
        if is_primary:
            primary.setdefault(code_id, Counter())[sub_id] += n
    parent_of = {node_id: parent_id for node_id, parent_id, _, _ in nodes}
    key_of = {node_id: key for node_id, _, key, _ in nodes}
    codes = bind.execute(sa.text("SELECT id, name_key FROM codes")).all()
    updates = []
    for code_id, key in codes:
        counts = primary.get(code_id) or filed.get(code_id)
        if not counts:  # never used: at the top level, after the groups
            updates.append({"key": code_id, "home": None, "own": None,
                            "position": last.get(None, -1) + 1})
            continue
        home = min(counts, key=lambda s: (-counts[s], order.get(s, 0)))
        own = home if key_of.get(home) == key else None
        place = parent_of[home] if own else home
        # After the nodes beside it (a code with a node stands at that node's place).
        position = (nodes_position(nodes, own) if own else last.get(place, -1) + 1)
        updates.append({"key": code_id, "home": place, "own": own, "position": position})
    if updates:
        bind.execute(sa.text("UPDATE codes SET subdivision_id = :home, node_id = :own, "
                             "position = :position WHERE id = :key"), updates)


def nodes_position(nodes: list[sa.Row[tuple[int, int | None, str, int]]], node_id: int) -> int:
    return next(position for found, _, _, position in nodes if found == node_id)


def downgrade() -> None:
    op.drop_table("set_codes")
    op.drop_table("set_sources")
    op.drop_table("sets")
    with op.batch_alter_table("codes", schema=None) as batch_op:
        batch_op.drop_constraint("fk_codes_node_id_subdivisions", type_="foreignkey")
        batch_op.drop_constraint("fk_codes_subdivision_id_subdivisions", type_="foreignkey")
        batch_op.drop_constraint("uq_codes_node_id", type_="unique")
        batch_op.drop_index("ix_codes_subdivision_id")
        batch_op.drop_column("node_id")
        batch_op.drop_column("position")
        batch_op.drop_column("subdivision_id")
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.drop_constraint("fk_quotes_created_by_id_coders", type_="foreignkey")
        batch_op.drop_index("ix_quotes_created_by_id")
        batch_op.drop_column("created_by_id")
        batch_op.drop_column("updated_at")
    for table in _KINDS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"uq_{table}_guid", type_="unique")
            batch_op.drop_column("guid")
    op.execute("UPDATE project SET schema_version = 6")
