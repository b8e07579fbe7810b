"""Memos: free notes on a source, a case, a code, a subdivision, a link, or the project.

A memo without a target is an entry of the project journal. Every function works
inside the caller's transaction (it flushes, never commits) and writes only through
ORM objects, so the undo journal sees each change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from qcode.errors import InputError, NotFoundError
from qcode.names import name_key, natural_key
from qcode.services import axial, lookup
from qcode.store.models import Case, Code, Coder, Memo, Source, Subdivision

TARGET_KINDS = ("source", "case", "code", "subdivision", "link")
# What a memo without a target is listed as.
PROJECT = "project"
# Column size of Memo.title; PostgreSQL refuses longer text with an error the user
# could not act on.
_TITLE_LENGTH = 300


@dataclass(frozen=True)
class MemoInfo:
    """One memo as listings and the TUI see it (plain values only).

    Attributes:
        id: The memo's id.
        title: Its title.
        body: Its text, exactly as written.
        target_kind: "source", "case", "code", "subdivision", "link", or "project"
            for a journal entry.
        target_name: The target's name (a case's key; a link drawn as one line);
            None for a journal entry.
        coder: Who wrote it.
        created_at: When it was written (UTC).
        updated_at: When it was last changed (UTC).
        target_id: The target's id; None for a journal entry.
    """

    id: int
    title: str
    body: str
    target_kind: str
    target_name: str | None
    coder: str | None
    created_at: datetime
    updated_at: datetime
    target_id: int | None = None


Target = tuple[str, str | int]


def add_memo(session: Session, title: str, body: str = "", target: Target | None = None,
             coder: str | None = None) -> MemoInfo:
    """Write a memo on a target, or in the project journal.

    Args:
        session: The caller's session; nothing is committed here.
        title: A short title; it cannot be empty.
        body: The memo's text, kept exactly.
        target: None for the project journal, or (kind, ref): kind one of
            TARGET_KINDS; ref a name (a case's key; a source's name or id) or, for a
            link, its id.
        coder: Who writes it (default: $QCODE_CODER or the login name).

    Returns:
        The new memo.

    Raises:
        InputError: The title is empty or too long, or the target kind unknown.
        NotFoundError: The target does not exist.
    """
    memo = Memo(title=_title(title), body=body or "", coder_id=lookup.coder(session, coder).id)
    if target is not None:
        kind, ref = target
        kind = _kind(kind)
        setattr(memo, f"{kind}_id", _target_id(session, kind, ref))
    session.add(memo)
    session.flush()
    return _info(session, memo)


def update_memo(session: Session, memo_id: int, title: str | None = None,
                body: str | None = None) -> MemoInfo:
    """Change a memo's title or body; None leaves it as it is.

    Raises:
        NotFoundError: The memo does not exist.
        InputError: The new title is empty or too long.
    """
    memo = _memo(session, memo_id)
    if title is not None:
        memo.title = _title(title)
    if body is not None:
        memo.body = body
    session.flush()
    return _info(session, memo)


def delete_memo(session: Session, memo_id: int) -> MemoInfo:
    """Delete a memo and return what it was.

    Raises:
        NotFoundError: The memo does not exist.
    """
    memo = _memo(session, memo_id)
    info = _info(session, memo)
    session.delete(memo)
    session.flush()
    return info


def list_memos(session: Session, target_kind: str | None = None, search: str | None = None,
               target: Target | None = None) -> list[MemoInfo]:
    """Memos in the order they were written, optionally narrowed down.

    Args:
        session: An open session.
        target_kind: Only memos on this kind of target (one of TARGET_KINDS), or
            "project" for journal entries; None for all.
        search: Only memos whose title or body contain this text, in any case.
        target: Only the memos on this one target, as `add_memo` takes it.

    Raises:
        InputError: The kind is unknown.
        NotFoundError: The target does not exist.
    """
    query = select(Memo).order_by(Memo.id)
    if target_kind is not None:
        query = query.where(_of_kind(_kind(target_kind, journal=True)))
    if target is not None:
        kind, ref = target
        kind = _kind(kind)
        query = query.where(getattr(Memo, f"{kind}_id") == _target_id(session, kind, ref))
    term = (search or "").strip()
    if term and _unicode_case_blind(session, term):
        memos = [m for m in session.scalars(query) if _contains(m, term)]
    else:
        if term:
            # autoescape: a search for "50%" or "IP_3" means those characters, not
            # wildcards.
            query = query.where(or_(Memo.title.icontains(term, autoescape=True),
                                    Memo.body.icontains(term, autoescape=True)))
        memos = list(session.scalars(query))
    return _infos(session, memos)


def parse_target(text: str) -> Target | None:
    """A memo target as users type it: "code:NAME", "case:IP3", "link:12"; "project" is None.

    Raises:
        InputError: The kind is unknown or the name missing.
    """
    if name_key(text) == PROJECT:
        return None
    kind, colon, ref = text.partition(":")
    if not colon or not ref.strip():
        raise InputError(f"memo target {text!r} needs KIND:NAME, e.g. code:Self-management, "
                         f"case:IP3 or link:12 (kinds: {', '.join(TARGET_KINDS)})")
    return _kind(kind), ref.strip()


@dataclass(frozen=True)
class MemoTarget:
    """Something a memo can be written on, as a picker offers it.

    Attributes:
        label: How it reads in a list: "project journal", "code: Self-management",
            "link: Cost ──cause──▶ Participation (#3)".
        target: What `add_memo` takes for it; None for the project journal.
    """

    label: str
    target: Target | None


def target_label(kind: str, name: str | None, target_id: int | None = None) -> str:
    """What a memo is on, in one line: "project journal" or "KIND: NAME".

    A link is named by its drawing with its id after it, as two links may draw alike.
    """
    if kind == PROJECT:
        return f"{PROJECT} journal"
    if kind == "link" and target_id is not None:
        return f"link: {name} (#{target_id})"
    return f"{kind}: {name}"


def memo_targets(session: Session) -> list[MemoTarget]:
    """Everything a memo can be on, as a picker lists it.

    The project journal comes first, then every source, case, code and subdivision
    (each kind by name, IP2 before IP10), then every link in the order they were made.
    """
    found = [MemoTarget(target_label(PROJECT, None), None)]
    for kind, column in (("source", Source.name), ("case", Case.key), ("code", Code.name),
                         ("subdivision", Subdivision.name)):
        names = sorted(session.scalars(select(column)), key=natural_key)
        found += [MemoTarget(target_label(kind, name), (kind, name)) for name in names]
    found += [MemoTarget(target_label("link", link.label(), link.id), ("link", link.id))
              for link in axial.list_links(session)]
    return found


# --- helpers -----------------------------------------------------------------------


def _title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise InputError("a memo needs a title; give a few words that say what it is about")
    if len(cleaned) > _TITLE_LENGTH:
        raise InputError(f"memo title {cleaned[:30]!r}... is {len(cleaned)} characters long; "
                         f"keep it to {_TITLE_LENGTH} and put the rest in the body")
    return cleaned


def _kind(kind: str, journal: bool = False) -> str:
    value = name_key(kind)
    allowed = (*TARGET_KINDS, PROJECT) if journal else TARGET_KINDS
    if value not in allowed:
        raise InputError(f"memo target kind {kind!r} is unknown; give one of "
                         f"{', '.join(allowed)}")
    return value


def _target_id(session: Session, kind: str, ref: str | int) -> int:
    text = str(ref).strip()
    if kind == "source":
        return lookup.source(session, text).id
    if kind == "code":
        return lookup.code(session, text)[0].id
    if kind == "subdivision":
        return lookup.subdivision(session, text)[0].id
    if kind == "case":
        return _case(session, text).id
    link_id = text.removeprefix("#")
    if not link_id.isdigit():
        raise InputError(f"a link is named by its id, not {text!r}; `qcode links` lists them")
    return axial.get_link(session, int(link_id)).id


def _case(session: Session, key: str) -> Case:
    """A case by its key (IP3), ignoring case and spacing if no key matches exactly."""
    found = session.scalars(select(Case).where(Case.key == key)).first()
    if found is None:
        wanted = name_key(key)
        found = next((c for c in session.scalars(select(Case)) if name_key(c.key) == wanted),
                     None)
    if found is None:
        raise NotFoundError(f"no case {key!r}; `qcode cases` lists them")
    return found


def _memo(session: Session, memo_id: int) -> Memo:
    found = session.get(Memo, memo_id)
    if found is None:
        raise NotFoundError(f"no memo {memo_id}; `qcode memos` lists them")
    return found


def _of_kind(kind: str) -> ColumnElement[bool]:
    columns = {k: getattr(Memo, f"{k}_id") for k in TARGET_KINDS}
    if kind == PROJECT:
        return and_(*[column.is_(None) for column in columns.values()])
    return columns[kind].is_not(None)


def _unicode_case_blind(session: Session, term: str) -> bool:
    """Whether the search must be done here rather than in SQL.

    SQLite's lower() folds ASCII letters only, so "über" would not find "Über" there;
    researchers write memos in Spanish and German. Memos are few, so comparing them
    in Python costs nothing noticeable.
    """
    return not term.isascii() and session.get_bind().dialect.name == "sqlite"


def _contains(memo: Memo, term: str) -> bool:
    wanted = term.lower()
    return wanted in memo.title.lower() or wanted in memo.body.lower()


def _info(session: Session, memo: Memo) -> MemoInfo:
    return _infos(session, [memo])[0]


def _infos(session: Session, memos: list[Memo]) -> list[MemoInfo]:
    """Memos as plain values, target and coder names looked up once for all of them."""
    if not memos:
        return []
    names: dict[str, dict[int, str]] = {}
    for kind, model, column in (("source", Source, Source.name), ("case", Case, Case.key),
                                ("code", Code, Code.name),
                                ("subdivision", Subdivision, Subdivision.name)):
        ids = {getattr(m, f"{kind}_id") for m in memos} - {None}
        names[kind] = dict(session.execute(
            select(model.id, column).where(model.id.in_(ids))).all()) if ids else {}
    link_ids = {m.link_id for m in memos if m.link_id is not None}
    names["link"] = {i: axial.get_link(session, i).label() for i in link_ids}
    coder_ids = {m.coder_id for m in memos if m.coder_id is not None}
    coders = dict(session.execute(
        select(Coder.id, Coder.name).where(Coder.id.in_(coder_ids))).all()
    ) if coder_ids else {}

    infos = []
    for memo in memos:
        kind, target_id = next(
            ((k, getattr(memo, f"{k}_id")) for k in TARGET_KINDS
             if getattr(memo, f"{k}_id") is not None), (PROJECT, None))
        infos.append(MemoInfo(
            id=memo.id, title=memo.title, body=memo.body, target_kind=kind,
            target_name=names[kind][target_id] if target_id is not None else None,
            coder=coders.get(memo.coder_id) if memo.coder_id is not None else None,
            created_at=_utc(memo.created_at), updated_at=_utc(memo.updated_at),
            target_id=target_id,
        ))
    return infos


def _utc(moment: datetime) -> datetime:
    """`moment` with its time zone: SQLite gives back the stored UTC time without one."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
