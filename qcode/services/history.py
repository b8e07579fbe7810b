"""Undo, redo and the history of steps (recorded by qcode.services.steps).

Undo replays a step's rows backwards, redo forwards, each in one transaction, and
refuses (changing nothing) when later work changed the same rows or now depends on
a row it would remove. A step that cannot be replayed row by row stops undo, and
history names the backup made before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import groupby

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qcode.errors import ConstraintError
from qcode.services import lookup, steps
from qcode.services.project import Project
from qcode.services.steps import Change
from qcode.store.models import Action, Base, Coder


@dataclass(frozen=True)
class ActionInfo:
    id: int
    label: str
    coder: str
    state: str
    created_at: datetime
    undoable: bool = True
    backup: str | None = None


def undo(project: Project, coder: str | None = None) -> ActionInfo | None:
    """Take back the coder's last step; None when there is nothing to undo."""
    return _replay(project, coder, backwards=True)


def redo(project: Project, coder: str | None = None) -> ActionInfo | None:
    """Do again the coder's last undone step; None when there is nothing to redo."""
    return _replay(project, coder, backwards=False)


def _replay(project: Project, coder: str | None, backwards: bool) -> ActionInfo | None:
    verb = "undo" if backwards else "redo"
    with project.transaction() as session:
        who = lookup.known_coder(session, coder)
        if who is None:  # someone who never did anything has nothing to undo
            return None
        state = "done" if backwards else "undone"
        order = Action.id.desc() if backwards else Action.id.asc()
        found = session.scalars(
            select(Action).where(Action.coder_id == who.id, Action.state == state).order_by(order)
        ).first()
        if found is None:
            return None
        if not found.undoable:
            kept = f"; the copy made before it is {found.backup}" if found.backup else ""
            raise ConstraintError(f"cannot {verb} {found.label!r}: it cannot be replayed row by "
                                  f"row (see `qcode history`){kept}; nothing was changed")
        changes = steps.load(found.changes)
        try:
            replayed = _apply_all(session, changes, backwards, found.label)
            session.flush()
        except IntegrityError as exc:
            raise ConstraintError(f"cannot {verb} {found.label!r}: later work depends on what "
                                  "it changed; nothing was changed") from exc
        found.changes = steps.dump(replayed)
        found.state = "undone" if backwards else "done"
        steps.advance_revision(session)
        return _info(found, who.name)


def _apply_all(session: Session, changes: list[Change], backwards: bool,
               label: str) -> list[Change]:
    """Replay the changes in order, a run of one table and kind at a time.

    Returns the record to keep: an insert taken back keeps the values it removed (so a
    redo can put them back), one put back again keeps only its digest.
    """
    order = reversed(list(enumerate(changes))) if backwards else enumerate(changes)
    kept: dict[int, Change] = {}
    # Inserts and deletes of a table go in runs; updates one by one, as a row may be
    # updated twice in a step (a move, then a renumbering) and each must see the last.
    for (table_name, kind, _one), run in groupby(order, key=lambda item: (
            item[1].table, _effect(item[1].kind, backwards),
            item[0] if item[1].kind == "update" else None)):
        items = list(run)
        table = steps.table_named(table_name)
        for index, after in zip((i for i, _ in items), _apply_run(
                session, table, kind, [c for _, c in items], backwards, label), strict=True):
            kept[index] = after
    return [kept[i] for i in range(len(changes))]


def _effect(kind: str, backwards: bool) -> str:
    """What replaying a change does to its row: insert, update or delete."""
    if not backwards:
        return kind
    return {"insert": "delete", "delete": "insert", "update": "update"}[kind]


def _apply_run(session: Session, table: Table, effect: str, changes: list[Change],
               backwards: bool, label: str) -> Iterator[Change]:
    """Replay changes of one table with one effect; yields each change's new record."""
    verb = "undo" if backwards else "redo"
    pairs = [((c.after, c.before) if backwards else (c.before, c.after)) for c in changes]
    keys = {steps.key_of(table, have if effect == "delete" else want)
            for have, want in pairs}
    current = steps.rows_by_key(session, table, keys)
    changed = ConstraintError(f"cannot {verb} {label!r}: later work changed the same "
                              f"{table.name} rows; nothing was changed")
    for have, want in pairs:
        row = have if effect == "delete" else want
        assert row is not None
        now = current.get(steps.key_of(table, row))
        if effect == "insert" and now is not None:
            raise changed
        if effect != "insert" and not steps.same_row(now, have):
            raise changed
    if effect == "delete":
        _refuse_dependents(session, table, keys, verb, label)
        doomed = _tree_order([current[k] for k in keys], leaves_first=True)
        _delete_keys(session, table, [steps.key_of(table, r) for r in doomed])
    elif effect == "insert":
        rows = [want for _, want in pairs]
        assert all(r is not None and not steps.is_compact(r) for r in rows)
        session.execute(insert(table), _tree_order(rows, leaves_first=False))  # type: ignore[arg-type]
    else:
        for _, want in pairs:
            assert want is not None
            where = [c == v for c, v in zip(table.primary_key.columns,
                                              steps.key_of(table, want), strict=True)]
            session.execute(update(table).where(*where).values(**want))
    for change, (have, _want) in zip(changes, pairs, strict=True):
        if change.kind != "insert":
            yield change
        elif backwards:  # the row is gone: keep its values for a redo
            yield replace(change, after=current[steps.key_of(table, have)])
        else:
            assert change.after is not None
            yield replace(change, after=steps.compact(table, change.after))


def _tree_order(rows: list[steps.Row], leaves_first: bool) -> list[steps.Row]:
    """Rows of a tree table (subdivisions) parents before children, or the reverse.

    PostgreSQL checks a RESTRICT key row by row, so a parent and its child removed or
    put back together must go in this order. Other tables keep theirs.
    """
    if not rows or "parent_id" not in rows[0]:
        return rows
    by_id = {row["id"]: row for row in rows}

    def depth(row: steps.Row) -> int:
        seen: set[object] = set()
        parent = row["parent_id"]
        while parent in by_id and parent not in seen:
            seen.add(parent)
            parent = by_id[parent]["parent_id"]
        return len(seen)

    return sorted(rows, key=depth, reverse=leaves_first)


def _refuse_dependents(session: Session, table: Table, keys: set[steps.Key], verb: str,
                       label: str) -> None:
    """Refuse to remove rows that rows outside this step now point at.

    The step's own rows that point at them were replayed before (children come first),
    so any row still pointing there is later work, which must not vanish with them.
    """
    ids = [key[0] for key in keys]
    for child in Base.metadata.sorted_tables:
        for fk in child.foreign_key_constraints:
            if fk.referred_table is not table:
                continue
            (column,) = fk.columns
            # A tree's rows removed together may point at each other.
            outside = (child.c.id.not_in(ids) if child is table else column.is_not(None))
            for i in range(0, len(ids), 500):
                if session.scalar(select(func.count()).select_from(child).where(
                        column.in_(ids[i:i + 500]), outside)):
                    raise ConstraintError(
                        f"cannot {verb} {label!r}: later work in {child.name} depends on "
                        f"the {table.name} it would remove; undo that first; nothing was "
                        "changed")


def _delete_keys(session: Session, table: Table, keys: Iterable[steps.Key]) -> None:
    tree = "parent_id" in table.c  # one by one, in the order given
    for where in steps.key_batches(table, keys, 1 if tree else 500):
        session.execute(delete(table).where(where))


def history(project: Project, coder: str | None = None, limit: int = 20,
            everyone: bool = False) -> list[ActionInfo]:
    """The latest steps, newest first: the coder's own, or with `everyone` all coders'."""
    with project.reading() as session:
        query = select(Action, Coder.name).join(Coder, Action.coder_id == Coder.id)
        if not everyone:
            who = lookup.known_coder(session, coder)
            if who is None:
                return []
            query = query.where(Action.coder_id == who.id)
        rows = session.execute(query.order_by(Action.id.desc()).limit(limit)).all()
        return [_info(action, name) for action, name in rows]


def _info(action: Action, coder: str) -> ActionInfo:
    return ActionInfo(action.id, action.label, coder, action.state, action.created_at,
                      action.undoable, action.backup)
