"""Restructuring the codebook: renaming, recolouring, merging codes, reshaping the tree.

Every function works inside the caller's transaction (it flushes, never commits), so
the CLI can wrap one in a dry run and the TUI can undo it as one step.

Rows are written only through ORM objects (`session.add`, attribute assignment,
`session.delete`), and child rows are deleted explicitly rather than left to the
database's ON DELETE CASCADE: the undo journal records what the ORM flushes, and a
change made behind its back could not be undone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from qcode.errors import ConstraintError, InputError
from qcode.names import clean_name, name_key, text_or_none
from qcode.services import lookup
from qcode.store.models import (
    SUBDIVISION_KINDS,
    AxialLink,
    Code,
    Coding,
    CodingSubdivision,
    Memo,
    Subdivision,
)

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
JOINER = " / "


@dataclass(frozen=True)
class MergeResult:
    """What `merge_codes` did, for the one-line note the user sees.

    Attributes:
        source: Name of the code that was merged away (now deleted).
        target: Name of the code that received its codings.
        moved: Codings that now carry the target code.
        folded: Codings folded into a coding of the target on the same quote by the
            same coder (their subdivisions, emphasis and notes joined into it).
        memos: Memos on the source code, now on the target.
        links: Axial links from or to the source code, now from or to the target.
    """

    source: str
    target: str
    moved: int
    folded: int
    memos: int = 0
    links: int = 0


# --- codes -------------------------------------------------------------------------


def create_code(session: Session, name: str, description: str | None = None,
                color: str | None = None) -> int:
    """Create a code and return its id.

    Args:
        session: The caller's session; nothing is committed here.
        name: The code's name; one differing only in case, spaces or hyphens from an
            existing code is refused.
        description: What the code means, for other coders and the codebook export.
        color: `#rrggbb`; by default the next colour of the palette.

    Raises:
        InputError: The name is empty or the colour is not `#rrggbb`.
        ConstraintError: A code with that name exists.
    """
    key = _key(name, "code")
    existing = session.scalars(select(Code).where(Code.name_key == key)).first()
    if existing is not None:
        raise ConstraintError(
            f"code {existing.name!r} already exists; use it, or choose another name"
        )
    colour = _colour(color) if color is not None else None
    code, _ = lookup.code(session, name, create=True)
    lookup.home_code(session, code, None)
    if colour is not None:
        code.color = colour
    code.description = text_or_none(description)
    session.flush()
    return code.id


def rename_code(session: Session, name: str, new_name: str) -> None:
    """Rename a code; its codings keep it.

    A new name that only changes case or spacing of the old one is allowed.

    Raises:
        NotFoundError: No code is called `name`.
        ConstraintError: Another code already has the new name (merge them instead).
    """
    code, _ = lookup.code(session, name)
    key = _key(new_name, "code")
    other = session.scalars(select(Code).where(Code.name_key == key, Code.id != code.id)).first()
    if other is not None:
        raise ConstraintError(
            f"code {other.name!r} already exists; to join {code.name!r} into it use "
            f"`qcode merge-codes`, or choose another name"
        )
    code.name = clean_name(new_name)
    code.name_key = key
    session.flush()


def recolour_code(session: Session, name: str, color: str | None) -> None:
    """Give a code a colour (`#rrggbb`), or none with None.

    Raises:
        NotFoundError: No code is called `name`.
        InputError: The colour is not `#rrggbb`.
    """
    code, _ = lookup.code(session, name)
    code.color = _colour(color) if color is not None else None
    session.flush()


def describe_code(session: Session, name: str, description: str | None) -> None:
    """Set a code's description; an empty one clears it.

    Raises:
        NotFoundError: No code is called `name`.
    """
    code, _ = lookup.code(session, name)
    code.description = text_or_none(description)
    session.flush()


def merge_codes(session: Session, source_name: str, target_name: str) -> MergeResult:
    """Give every coding of the source code the target code, then delete the source.

    Where the same quote already carries the target code by the same coder, the
    source's coding is folded into that one: the subdivisions of both are kept (the
    target's primary subdivision stays primary; if it has none, the source's becomes
    primary), and emphasis and notes are joined with " / " where they differ. Memos
    and axial links of the source code move to the target.

    Args:
        session: The caller's session; nothing is committed here.
        source_name: The code merged away.
        target_name: The code that remains.

    Returns:
        How many codings moved and how many were folded.

    Raises:
        NotFoundError: Either code does not exist.
        InputError: Both names are the same code.
    """
    source, _ = lookup.code(session, source_name)
    target, _ = lookup.code(session, target_name)
    if source.id == target.id:
        raise InputError(f"{source_name!r} and {target_name!r} are the same code "
                         f"({source.name!r}); name two different codes")
    codings = session.scalars(
        select(Coding).where(Coding.code_id.in_((source.id, target.id)))
        .options(selectinload(Coding.subdivisions)).order_by(Coding.id)
    ).all()
    kept = {(c.quote_id, c.coder_id): c for c in codings if c.code_id == target.id}
    moving = [c for c in codings if c.code_id == source.id]
    folded = [(c, kept[(c.quote_id, c.coder_id)]) for c in moving
              if (c.quote_id, c.coder_id) in kept]

    # Folds first, flushed on their own: deleting a source coding frees its
    # (quote, code, coder) slot and its primary mention before anything else is
    # written, so no step of the flush can trip a unique constraint.
    added: list[tuple[Coding, Subdivision, bool]] = []
    for duplicate, into in folded:
        added += _fold(session, duplicate, into)
    session.flush()
    for into, subdivision, is_primary in added:
        into.subdivisions.append(
            CodingSubdivision(subdivision=subdivision, is_primary=is_primary)
        )
    folded_ids = {duplicate.id for duplicate, _ in folded}
    moved = 0
    for coding in moving:
        if coding.id not in folded_ids:
            coding.code = target
            moved += 1
    memos = session.scalars(select(Memo).where(Memo.code_id == source.id)).all()
    for memo in memos:
        memo.code_id = target.id
    links = session.scalars(select(AxialLink).where(
        or_(AxialLink.from_code_id == source.id, AxialLink.to_code_id == source.id))).all()
    for link in links:
        if link.from_code_id == source.id:
            link.from_code_id = target.id
        if link.to_code_id == source.id:
            link.to_code_id = target.id
    session.flush()
    result = MergeResult(source.name, target.name, moved, len(folded), len(memos), len(links))
    session.delete(source)
    session.flush()
    return result


def _fold(session: Session, duplicate: Coding,
          into: Coding) -> list[tuple[Coding, Subdivision, bool]]:
    """Join `duplicate` into `into` and delete it; return the mentions still to add."""
    into.emphasis = _joined(into.emphasis, duplicate.emphasis)
    into.notes = _joined(into.notes, duplicate.notes)
    has = {link.subdivision_id: link for link in into.subdivisions}
    has_primary = any(link.is_primary for link in into.subdivisions)
    pending: list[tuple[Coding, Subdivision, bool]] = []
    for link in list(duplicate.subdivisions):
        primary = link.is_primary and not has_primary
        if link.subdivision_id in has:
            if primary:
                has[link.subdivision_id].is_primary = True
        else:
            pending.append((into, link.subdivision, primary))
        duplicate.subdivisions.remove(link)
        session.delete(link)
    session.delete(duplicate)
    return pending


def _joined(kept: str | None, other: str | None) -> str | None:
    """Both texts joined with " / ", or the one there is; the same text only once."""
    if not other or not other.strip() or other == kept:
        return kept
    if not kept or not kept.strip():
        return other
    if other in kept.split(JOINER):
        return kept
    return f"{kept}{JOINER}{other}"


def move_codings(session: Session, code_name: str, from_subdivision: str,
                 to_subdivision: str) -> int:
    """File every coding of a code that sits under one subdivision under another.

    A mention keeps whether it was primary. A coding already filed under the new
    subdivision just loses the old one (the new one becomes primary if the old one was).

    Returns:
        How many codings were re-filed.

    Raises:
        NotFoundError: The code or a subdivision does not exist.
        InputError: Both subdivisions are the same.
    """
    code, _ = lookup.code(session, code_name)
    old, _ = lookup.subdivision(session, from_subdivision)
    new, _ = lookup.subdivision(session, to_subdivision)
    if old.id == new.id:
        raise InputError(f"{from_subdivision!r} and {to_subdivision!r} are the same "
                         f"subdivision ({old.name!r}); name two different ones")
    codings = session.scalars(
        select(Coding).join(CodingSubdivision, CodingSubdivision.coding_id == Coding.id)
        .where(Coding.code_id == code.id, CodingSubdivision.subdivision_id == old.id)
        .options(selectinload(Coding.subdivisions)).order_by(Coding.id)
    ).all()
    pending: list[tuple[Coding, CodingSubdivision | None, bool]] = []
    for coding in codings:
        links = {link.subdivision_id: link for link in coding.subdivisions}
        dropped = links[old.id]
        pending.append((coding, links.get(new.id), dropped.is_primary))
        coding.subdivisions.remove(dropped)
        session.delete(dropped)
    # The old mentions go first: a coding's new primary mention must not meet its old
    # one in the same flush (one primary per coding), and the journal sees a plain
    # delete followed by an insert.
    session.flush()
    for coding, present, was_primary in pending:
        if present is None:
            coding.subdivisions.append(CodingSubdivision(subdivision=new, is_primary=was_primary))
        elif was_primary:
            present.is_primary = True
    session.flush()
    return len(codings)


def usual_filing(session: Session, code_name: str) -> tuple[str | None, list[str]]:
    """Where a code is usually filed: its most used primary subdivision, then the
    subdivisions it was filed under besides (most used first). New codes: (None, [])."""
    key = name_key(code_name)
    used = func.count(CodingSubdivision.coding_id)
    rows = session.execute(
        select(Subdivision.name, CodingSubdivision.is_primary, used)
        .join(CodingSubdivision, CodingSubdivision.subdivision_id == Subdivision.id)
        .join(Coding, Coding.id == CodingSubdivision.coding_id)
        .join(Code, Code.id == Coding.code_id)
        .where(Code.name_key == key)
        .group_by(Subdivision.id, Subdivision.name, CodingSubdivision.is_primary)
        .order_by(used.desc(), Subdivision.name)
    ).all()
    primary = next((name for name, is_primary, _ in rows if is_primary), None)
    others: list[str] = []
    for name, is_primary, _ in rows:
        if not is_primary and name != primary and name not in others:
            others.append(name)
    return primary, others


# --- the subdivision tree ----------------------------------------------------------


def create_subdivision(session: Session, name: str, parent: str | None = None,
                       kind: str = "subdivision", description: str | None = None) -> int:
    """Create a group, factor group or subdivision, last among its siblings.

    Args:
        session: The caller's session; nothing is committed here.
        name: Its name; unique across the whole tree (compared like code names).
        parent: The node it goes under; None for the top level.
        kind: "group", "factor_group" or "subdivision".
        description: What it covers.

    Returns:
        The new node's id.

    Raises:
        InputError: The name is empty or the kind unknown.
        NotFoundError: The parent does not exist.
        ConstraintError: A node with that name exists.
    """
    key = _key(name, "subdivision")
    kind = _kind(kind)
    existing = session.scalars(select(Subdivision).where(Subdivision.name_key == key)).first()
    if existing is not None:
        where = f" under {existing.parent.name!r}" if existing.parent else " at the top"
        raise ConstraintError(f"subdivision {existing.name!r} already exists{where}; "
                              f"use it, or choose another name")
    above = lookup.subdivision(session, parent)[0] if parent is not None else None
    node = Subdivision(name=clean_name(name), name_key=key, kind=kind, parent=above,
                       description=text_or_none(description),
                       position=lookup.next_position(session, above))
    session.add(node)
    session.flush()
    return node.id


def rename_subdivision(session: Session, name: str, new_name: str) -> None:
    """Rename a group, factor group or subdivision; its mentions keep it.

    Raises:
        NotFoundError: No node is called `name`.
        ConstraintError: Another node already has the new name.
    """
    node, _ = lookup.subdivision(session, name)
    key = _key(new_name, "subdivision")
    other = session.scalars(
        select(Subdivision).where(Subdivision.name_key == key, Subdivision.id != node.id)
    ).first()
    if other is not None:
        raise ConstraintError(
            f"subdivision {other.name!r} already exists; choose another name, or re-file "
            f"codings into it with `qcode move-codings`"
        )
    node.name = clean_name(new_name)
    node.name_key = key
    session.flush()


def move_subdivision(session: Session, name: str, new_parent: str | None) -> None:
    """Put a node (with everything below it) under another node, or at the top with None.

    It goes last among its new siblings.

    Raises:
        NotFoundError: Either node does not exist.
        ConstraintError: The new parent is the node itself or lies below it.
    """
    node, _ = lookup.subdivision(session, name)
    above = lookup.subdivision(session, new_parent)[0] if new_parent is not None else None
    if above is not None and above.id == node.id:
        raise ConstraintError(f"cannot put {node.name!r} under itself; choose another parent")
    if above is not None and _within(above, node):
        raise ConstraintError(
            f"cannot move {node.name!r} under {above.name!r}, which lies below it; move "
            f"{above.name!r} out of {node.name!r} first, or choose another parent"
        )
    if (above.id if above else None) == node.parent_id:
        return
    node.parent = above
    node.position = lookup.next_position(session, above, exclude=node)
    session.flush()


def move_code(session: Session, name: str, new_parent: str | None) -> None:
    """Give a code another home in the codebook: under a subdivision, or at the top with
    None. It goes last there; a code with child codes takes them along. Its codings
    stay filed where they are (`move_codings` re-files them).

    Raises:
        NotFoundError: The code or the subdivision does not exist.
        ConstraintError: The new home is the code's own node or lies below it.
    """
    code, _ = lookup.code(session, name)
    above = lookup.subdivision(session, new_parent)[0] if new_parent is not None else None
    if code.node is not None:
        if above is not None and (above.id == code.node.id or _within(above, code.node)):
            raise ConstraintError(f"cannot move {code.name!r} under {above.name!r}, which is "
                                  f"one of its own child codes; choose another place")
        move_subdivision(session, code.node.name, above.name if above else None)
        code.subdivision = above
        code.position = code.node.position
    elif (above.id if above else None) != code.subdivision_id:
        lookup.home_code(session, code, above)
    session.flush()


def reorder_subdivision(session: Session, name: str, position: int) -> int:
    """Put a node at `position` (0 = first) among its siblings; the others close up.

    Siblings are numbered 0, 1, 2... afterwards. A position past the end puts it last.

    Returns:
        The position it got.

    Raises:
        NotFoundError: No node is called `name`.
        InputError: The position is negative.
    """
    if position < 0:
        raise InputError(f"position {position} is negative; 0 is the first place")
    node, _ = lookup.subdivision(session, name)
    siblings = [s for s in _siblings(session, node.parent_id) if s.id != node.id]
    position = min(position, len(siblings))
    siblings.insert(position, node)
    for index, sibling in enumerate(siblings):
        if sibling.position != index:
            sibling.position = index
    session.flush()
    return position


def shift_subdivision(session: Session, name: str, offset: int) -> int:
    """Move a node `offset` places among its siblings (-1 up, +1 down), stopping at the ends.

    Returns:
        The position it got (0 = first).

    Raises:
        NotFoundError: No node is called `name`.
    """
    node, _ = lookup.subdivision(session, name)
    order = [s.id for s in _siblings(session, node.parent_id)]
    return reorder_subdivision(session, name, max(0, order.index(node.id) + offset))


def describe_subdivision(session: Session, name: str, description: str | None) -> None:
    """Set a node's description; an empty one clears it.

    Raises:
        NotFoundError: No node is called `name`.
    """
    node, _ = lookup.subdivision(session, name)
    node.description = text_or_none(description)
    session.flush()


def recolour_subdivision(session: Session, name: str, color: str | None) -> None:
    """Give a node a colour (`#rrggbb`), or none with None.

    Raises:
        NotFoundError: No node is called `name`.
        InputError: The colour is not `#rrggbb`.
    """
    node, _ = lookup.subdivision(session, name)
    node.color = _colour(color) if color is not None else None
    session.flush()


def delete_subdivision(session: Session, name: str) -> None:
    """Delete a node nothing depends on.

    One with mentions, nodes below it, axial links or memos is refused: deleting it
    would lose that work.

    Raises:
        NotFoundError: No node is called `name`.
        ConstraintError: Something still uses it.
    """
    node, _ = lookup.subdivision(session, name)
    mentions = session.scalar(select(func.count()).select_from(CodingSubdivision)
                              .where(CodingSubdivision.subdivision_id == node.id)) or 0
    if mentions:
        raise ConstraintError(
            f"subdivision {node.name!r} has {_count(mentions, 'mention')}; re-file them with "
            f"`qcode move-codings` first (deleting it would lose that coding)"
        )
    children = session.scalars(select(Subdivision.name).where(Subdivision.parent_id == node.id)
                               .order_by(Subdivision.id)).all()
    if children:
        raise ConstraintError(
            f"subdivision {node.name!r} has {_count(len(children), 'node')} below it "
            f"({children[0]!r}{', ...' if len(children) > 1 else ''}); move or delete them first"
        )
    links = session.scalar(select(func.count()).select_from(AxialLink).where(
        or_(AxialLink.from_subdivision_id == node.id, AxialLink.to_subdivision_id == node.id)
    )) or 0
    if links:
        raise ConstraintError(f"subdivision {node.name!r} is in {_count(links, 'axial link')}; "
                              f"delete them first")
    memos = session.scalar(select(func.count()).select_from(Memo)
                           .where(Memo.subdivision_id == node.id)) or 0
    if memos:
        raise ConstraintError(f"subdivision {node.name!r} has {_count(memos, 'memo')}; "
                              f"delete or move them first")
    # Codes that sit there (unused, or used elsewhere) go up one level, never away.
    parent = session.get(Subdivision, node.parent_id) if node.parent_id else None
    for code in session.scalars(select(Code).where(Code.subdivision_id == node.id)
                                .order_by(Code.position, Code.id)).all():
        lookup.home_code(session, code, parent)
    for code in session.scalars(select(Code).where(Code.node_id == node.id)):
        code.node = None
    session.flush()
    session.delete(node)
    session.flush()


# --- helpers -----------------------------------------------------------------------


def _key(name: str, what: str) -> str:
    key = name_key(name)
    if not key:
        raise InputError(f"a {what} name cannot be empty")
    return key


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _colour(color: str) -> str:
    value = color.strip()
    if not _COLOUR.fullmatch(value):
        raise InputError(f"colour {color!r} is not #rrggbb; give six hex digits, e.g. #4363d8")
    return value.lower()


def _kind(kind: str) -> str:
    value = name_key(kind).replace(" ", "_")
    if value not in SUBDIVISION_KINDS:
        raise InputError(f"kind {kind!r} is unknown; give one of {', '.join(SUBDIVISION_KINDS)}")
    return value


def _within(node: Subdivision, root: Subdivision) -> bool:
    """Whether `node` is `root` or lies anywhere below it."""
    seen: set[int] = set()
    current: Subdivision | None = node
    while current is not None and current.id not in seen:
        if current.id == root.id:
            return True
        seen.add(current.id)
        current = current.parent
    return False


def _siblings(session: Session, parent_id: int | None) -> list[Subdivision]:
    """The children of `parent_id` (None: the top level) in their shown order."""
    where = (Subdivision.parent_id.is_(None) if parent_id is None
             else Subdivision.parent_id == parent_id)
    return list(session.scalars(
        select(Subdivision).where(where).order_by(Subdivision.position, Subdivision.id)
    ).all())
