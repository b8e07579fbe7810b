"""The codebook: codes and the subdivision tree (groups, factor groups, subdivisions)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qcode.errors import ConstraintError
from qcode.services import lookup
from qcode.services.project import Project
from qcode.store.models import Code, Coding, CodingSubdivision, Subdivision


@dataclass(frozen=True)
class CodeInfo:
    id: int
    name: str
    description: str | None
    color: str | None
    codings: int
    home: str | None = None  # the subdivision it sits under in the codebook (None: top)


@dataclass(frozen=True)
class SubdivisionInfo:
    id: int
    name: str
    kind: str
    parent: str | None
    path: str
    mentions: int
    description: str | None = None
    color: str | None = None


@dataclass(frozen=True)
class CodebookEntry:
    """One line of a codebook file: a subdivision and where it sits in the tree."""

    subdivision: str
    group: str | None = None
    factor_group: str | None = None
    description: str | None = None


def define_codes(project: Project, codes: Sequence[tuple[str, str | None]],
                 coder: str | None = None) -> int:
    """Create the named codes (with descriptions) that do not exist yet."""
    created = 0
    with project.step(f"define {len(codes)} codes", coder) as session:
        for name, description in codes:
            code, new = lookup.code(session, name, create=True)
            if new:
                code.description = description
                created += 1
    return created


def define_subdivisions(project: Project, entries: Sequence[CodebookEntry],
                        coder: str | None = None) -> int:
    """Create groups, factor groups and subdivisions along the paths given."""
    created = 0
    with project.step(f"define {len(entries)} subdivisions", coder) as session:
        for entry in entries:
            parent = None
            for name, kind in (
                (entry.group, "group"),
                (entry.factor_group, "factor_group"),
                (entry.subdivision, "subdivision"),
            ):
                if not name:
                    continue
                node, new = lookup.subdivision(session, name, True, parent, kind)
                created += new
                parent = node
            if parent is not None and entry.description and not parent.description:
                parent.description = entry.description
    return created


def list_codes(project: Project) -> list[CodeInfo]:
    with project.reading() as session:
        counts = (
            select(Coding.code_id, func.count().label("n")).group_by(Coding.code_id).subquery()
        )
        rows = session.execute(
            select(Code.id, Code.name, Code.description, Code.color, func.coalesce(counts.c.n, 0),
                   Subdivision.name)
            .outerjoin(counts, counts.c.code_id == Code.id)
            .outerjoin(Subdivision, Subdivision.id == Code.subdivision_id)
            .order_by(Code.name)
        ).all()
        return [CodeInfo(*row) for row in rows]


def list_subdivisions(project: Project) -> list[SubdivisionInfo]:
    """The tree in depth-first order, each node with its own (not rolled-up) mentions."""
    with project.reading() as session:
        counts = dict(
            session.execute(
                select(CodingSubdivision.subdivision_id, func.count()).group_by(
                    CodingSubdivision.subdivision_id
                )
            ).all()
        )
        nodes = session.scalars(
            select(Subdivision).order_by(Subdivision.position, Subdivision.id)).all()
        children: dict[int | None, list[Subdivision]] = {}
        for node in nodes:
            children.setdefault(node.parent_id, []).append(node)
        result: list[SubdivisionInfo] = []

        def walk(parent: Subdivision | None, path: str) -> None:
            for node in children.get(parent.id if parent else None, []):
                here = f"{path} / {node.name}" if path else node.name
                result.append(
                    SubdivisionInfo(
                        node.id, node.name, node.kind, parent.name if parent else None,
                        here, counts.get(node.id, 0), node.description, node.color,
                    )
                )
                walk(node, here)

        walk(None, "")
        return result


def delete_code(project: Project, name: str) -> None:
    """Delete a code that has no codings; one with codings is refused, never orphaned."""
    with project.step(f"delete code {name!r}") as session:
        remove_code(session, name)


def remove_code(session: Session, name: str) -> None:
    """`delete_code` inside the caller's transaction (the workbench makes it undoable)."""
    code, _ = lookup.code(session, name)
    used = session.scalar(select(func.count()).where(Coding.code_id == code.id)) or 0
    if used:
        raise ConstraintError(
            f"code {code.name!r} has {used} codings; remove or move them first "
            f"(deleting it would lose that coding)"
        )
    session.delete(code)


def factor_groups(project: Project, tree: list[SubdivisionInfo] | None = None
                  ) -> dict[str, str]:
    """Each subdivision's nearest factor-group ancestor (for grouping in figures);
    `tree` is list_subdivisions' answer where the caller has it already."""
    nodes = {node.name: node for node in (tree if tree is not None
                                          else list_subdivisions(project))}
    found: dict[str, str] = {}
    for name, node in nodes.items():
        parent = nodes.get(node.parent) if node.parent else None
        while parent is not None and parent.kind != "factor_group":
            parent = nodes.get(parent.parent) if parent.parent else None
        if parent is not None:
            found[name] = parent.name
    return found


def code_placements(project: Project) -> list[tuple[int, str, int]]:
    """(subdivision id, code name, codings) for every code filed under a subdivision,
    and for every code at its own place in the codebook (its node, or its home) where
    none of its codings is filed, with 0: an unused code is seen where it sits."""
    with project.reading() as session:
        rows = session.execute(
            select(CodingSubdivision.subdivision_id, Code.name, func.count())
            .join(Coding, Coding.id == CodingSubdivision.coding_id)
            .join(Code, Code.id == Coding.code_id)
            .group_by(CodingSubdivision.subdivision_id, Code.name)
        ).all()
        placed = {(sid, name): n for sid, name, n in rows}
        for name, node_id, home_id in session.execute(
                select(Code.name, Code.node_id, Code.subdivision_id)):
            own = node_id if node_id is not None else home_id
            if own is not None:
                placed.setdefault((own, name), 0)
        return [(sid, name, n) for (sid, name), n in sorted(placed.items())]
