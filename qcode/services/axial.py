"""Axial coding: links between subdivisions or codes, with the quotes that support them.

A link says how two nodes relate: one of the relations of the method (cause,
consequence, context, interaction, contradiction) or a relation the researcher names.
Directed links read from -> to ("Cost ──cause──▶ Participation"); undirected ones
relate both ways.

Every function works inside the caller's transaction (it flushes, never commits), so
the CLI commits once per command and the TUI can undo each call as one step. Rows are
written only through ORM objects, and child rows (supporting quotes, memos) are
deleted explicitly rather than left to the database's ON DELETE CASCADE: the undo
journal records what the ORM flushes, and a change made behind its back could not be
undone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from qcode.errors import ConstraintError, InputError, NotFoundError
from qcode.names import clean_name, name_key, text_or_none
from qcode.services import lookup
from qcode.store.models import (
    RELATIONS,
    AxialLink,
    AxialLinkQuote,
    Code,
    Coder,
    Coding,
    Memo,
    Quote,
    Source,
    Subdivision,
)

NODE_KINDS = ("subdivision", "code")
# The domain's own word for one of the relations, so "pattern of interaction" counts
# with "interaction" rather than as a relation of its own.
_ALIASES = {"pattern of interaction": "interaction"}
# Column sizes of AxialLink.relation; PostgreSQL refuses longer text with an error the
# user could not act on.
_RELATION_LENGTH = 200


@dataclass(frozen=True)
class LinkInfo:
    """One axial link as listings, the graph and the TUI see it (plain values only).

    Attributes:
        id: The link's id (`qcode unlink` takes it).
        from_kind: "subdivision" or "code".
        from_name: Name of the node the link starts from.
        to_kind: "subdivision" or "code".
        to_name: Name of the node it points to.
        relation: One of RELATIONS, or the researcher's own named relation.
        directed: False when the relation holds both ways.
        note: The researcher's note on the link.
        coder: Who made the link.
        quote_ids: Ids of the supporting quotes, ascending.
        created_at: When the link was made (UTC).
    """

    id: int
    from_kind: str
    from_name: str
    to_kind: str
    to_name: str
    relation: str
    directed: bool
    note: str | None
    coder: str | None
    quote_ids: tuple[int, ...]
    created_at: datetime

    @property
    def quotes(self) -> int:
        """How many quotes support the link."""
        return len(self.quote_ids)

    def label(self) -> str:
        """The link as one line, e.g. "Cost ──cause──▶ Participation"."""
        return (f"{shown(self.from_kind, self.from_name)} {_arrow(self.relation, self.directed)}"
                f" {shown(self.to_kind, self.to_name)}")


@dataclass(frozen=True)
class RemovedLink:
    """What `remove_link` deleted, for the note the user sees."""

    link: LinkInfo
    memos: int


Node = Subdivision | Code


# --- writing -----------------------------------------------------------------------


def link(session: Session, from_ref: str, to_ref: str, relation: str, note: str | None = None,
         quotes: Iterable[int] = (), coder: str | None = None,
         directed: bool = True) -> LinkInfo:
    """Relate two subdivisions or codes.

    Args:
        session: The caller's session; nothing is committed here.
        from_ref: The node the link starts from: a subdivision or code name, or
            "subdivision:NAME" / "code:NAME" where a code and a subdivision share a
            name. Without a prefix a subdivision is looked up first, then a code.
        to_ref: The node it points to, named the same way.
        relation: One of RELATIONS (in any case), or any other named relation, kept
            as written.
        note: The researcher's note on the link.
        quotes: Ids of quotes that support the link.
        coder: Who makes the link (default: $QCODE_CODER or the login name).
        directed: False for a relation that holds both ways.

    Returns:
        The new link.

    Raises:
        NotFoundError: A node or a quote does not exist.
        InputError: The relation is empty or too long, or both ends are one node.
        ConstraintError: The same coder already made this link.
    """
    start = resolve_node(session, from_ref)
    end = resolve_node(session, to_ref)
    if type(start) is type(end) and start.id == end.id:
        raise InputError(f"cannot link {_kind_of(start)} {start.name!r} to itself; "
                         f"name two different nodes")
    named = _relation(relation)
    who = lookup.coder(session, coder)
    existing = _same_link(session, start, end, named, who)
    if existing is not None:
        raise ConstraintError(
            f"link {existing.id} already says {start.name!r} {named} {end.name!r} for "
            f"{who.name}; change it, or remove it first with `qcode unlink`"
        )
    quote_ids = _existing_quotes(session, quotes)
    row = AxialLink(relation=named, directed=directed, note=text_or_none(note), coder_id=who.id)
    _set_end(row, "from", start)
    _set_end(row, "to", end)
    session.add(row)
    session.flush()
    for quote_id in quote_ids:
        session.add(AxialLinkQuote(link_id=row.id, quote_id=quote_id))
    session.flush()
    return _info(session, row)


def add_link_quotes(session: Session, link_id: int, quote_ids: Iterable[int]) -> LinkInfo:
    """Add supporting quotes to a link; quotes it already has are left as they are.

    Raises:
        NotFoundError: The link or a quote does not exist.
    """
    row = _link(session, link_id)
    has = set(_quote_ids(session, [row.id]).get(row.id, ()))
    for quote_id in _existing_quotes(session, quote_ids):
        if quote_id not in has:
            session.add(AxialLinkQuote(link_id=row.id, quote_id=quote_id))
            has.add(quote_id)
    session.flush()
    return _info(session, row)


def update_link(session: Session, link_id: int, relation: str | None = None,
                note: str | None = None, directed: bool | None = None) -> LinkInfo:
    """Change a link's relation, note or direction; None leaves a value as it is.

    Args:
        session: The caller's session; nothing is committed here.
        link_id: The link to change.
        relation: The new relation (one of RELATIONS or a named one).
        note: The new note; an empty one clears it.
        directed: Whether the relation reads one way only.

    Raises:
        NotFoundError: The link does not exist.
        InputError: The relation is empty or too long.
    """
    row = _link(session, link_id)
    if relation is not None:
        row.relation = _relation(relation)
    if note is not None:
        row.note = text_or_none(note)
    if directed is not None:
        row.directed = directed
    session.flush()
    return _info(session, row)


def remove_link(session: Session, link_id: int) -> RemovedLink:
    """Delete a link, the records of its supporting quotes, and the memos written on it.

    The quotes themselves stay: they belong to their codings.

    Raises:
        NotFoundError: The link does not exist.
    """
    row = _link(session, link_id)
    info = _info(session, row)
    memos = session.scalars(select(Memo).where(Memo.link_id == row.id)).all()
    for memo in memos:
        session.delete(memo)
    for attachment in session.scalars(
            select(AxialLinkQuote).where(AxialLinkQuote.link_id == row.id)):
        session.delete(attachment)
    # Children leave in a flush of their own: the models declare no relationship that
    # would tell the unit of work to delete them before the link.
    session.flush()
    session.delete(row)
    session.flush()
    return RemovedLink(info, len(memos))


# --- reading -----------------------------------------------------------------------


def get_link(session: Session, link_id: int) -> LinkInfo:
    """One link by id.

    Raises:
        NotFoundError: The link does not exist.
    """
    return _info(session, _link(session, link_id))


def list_links(session: Session, node: str | None = None) -> list[LinkInfo]:
    """Every link in the order they were made, or those from or to one node.

    Args:
        session: An open session.
        node: A subdivision or code, named as `link` takes it; None for all links.

    Raises:
        NotFoundError: The node does not exist.
    """
    return _links_of(session, resolve_node(session, node) if node is not None else None)


def link_graph(session: Session, node: str) -> str:
    """A small drawing of one node's links for the terminal, one link a line.

    Outgoing, incoming and undirected links each under their own heading, arrows
    aligned, e.g.::

        Cost: 2 links
        outgoing
             Cost ──cause──▶ Participation of households   #1 · 2 quotes
        incoming
          Subsidy ──context──▶ Cost                        #2

    Codes are written "code:NAME", as `link` takes them, so they are not taken for
    subdivisions.

    Raises:
        NotFoundError: The node does not exist.
    """
    found = resolve_node(session, node)
    kind = _kind_of(found)
    links = _links_of(session, found)
    me = shown(kind, found.name)
    if not links:
        return f"{me}: no axial links yet; add one with `qcode link`"

    def is_me(kind_: str, name: str) -> bool:
        return kind_ == kind and name == found.name

    sections: dict[str, list[tuple[str, str, str, LinkInfo]]] = {
        "outgoing": [], "incoming": [], "undirected": []}
    for info in links:
        left, right = (shown(info.from_kind, info.from_name),
                       shown(info.to_kind, info.to_name))
        if not info.directed:
            # An undirected link reads the same both ways: keep this node on the left.
            if not is_me(info.from_kind, info.from_name):
                left, right = right, left
            sections["undirected"].append((left, _arrow(info.relation, False), right, info))
        elif is_me(info.from_kind, info.from_name):
            sections["outgoing"].append((left, _arrow(info.relation, True), right, info))
        else:
            sections["incoming"].append((left, _arrow(info.relation, True), right, info))
    rows = [row for entries in sections.values() for row in entries]
    left_width = max(len(left) for left, _, _, _ in rows)
    body_width = max(len(f"{left.rjust(left_width)} {arrow} {right}")
                     for left, arrow, right, _ in rows)
    lines = [f"{me}: {_count(len(links), 'link')}"]
    for heading, entries in sections.items():
        if not entries:
            continue
        lines.append(heading)
        for left, arrow, right, info in entries:
            drawn = f"{left.rjust(left_width)} {arrow} {right}"
            extra = f"#{info.id}" + (f" · {_count(info.quotes, 'quote')}" if info.quotes else "")
            lines.append(f"  {drawn.ljust(body_width)}   {extra}")
    return "\n".join(lines)


def resolve_node(session: Session, ref: str) -> Node:
    """The subdivision or code a user named.

    "subdivision:NAME" and "code:NAME" say which; a bare name is looked up among the
    subdivisions first, then among the codes.

    Raises:
        InputError: The name is empty.
        NotFoundError: Nothing is called that.
    """
    kind, name = _split_ref(ref)
    if not name_key(name):
        raise InputError("a link end needs a name: a subdivision, or code:NAME for a code")
    if kind == "subdivision":
        return lookup.subdivision(session, name)[0]
    if kind == "code":
        return lookup.code(session, name)[0]
    key = name_key(name)
    subdivision = session.scalars(select(Subdivision).where(Subdivision.name_key == key)).first()
    if subdivision is not None:
        return subdivision
    code = session.scalars(select(Code).where(Code.name_key == key)).first()
    if code is not None:
        return code
    raise NotFoundError(f"no subdivision or code named {name!r}; `qcode subdivisions` and "
                        f"`qcode codes` list them")


def quote_of_coding(session: Session, coding_id: int) -> int:
    """The id of the quote a coding is on (`qcode codings` lists coding ids).

    Raises:
        NotFoundError: The coding does not exist.
    """
    quote_id = session.scalar(select(Coding.quote_id).where(Coding.id == coding_id))
    if quote_id is None:
        raise NotFoundError(f"no coding {coding_id}; `qcode codings` lists them")
    return quote_id


# --- helpers -----------------------------------------------------------------------


def _split_ref(ref: str) -> tuple[str | None, str]:
    """("code", NAME) for "code:NAME"; (None, ref) when no known kind prefixes it.

    Only a known kind counts as a prefix, so a name with a colon of its own
    ("Criticism: cost") is still found.
    """
    head, colon, rest = ref.partition(":")
    if colon and head.strip().casefold() in NODE_KINDS:
        return head.strip().casefold(), rest
    return None, ref


def _links_of(session: Session, node: Node | None) -> list[LinkInfo]:
    query = select(AxialLink).order_by(AxialLink.id)
    if node is not None:
        query = query.where(or_(_end_is(node, "from"), _end_is(node, "to")))
    return _infos(session, session.scalars(query).all())


def _end_is(node: Node, end: str) -> ColumnElement[bool]:
    """The condition "the link's `end` ("from" or "to") is `node`"."""
    if isinstance(node, Subdivision):
        column = AxialLink.from_subdivision_id if end == "from" else AxialLink.to_subdivision_id
    else:
        column = AxialLink.from_code_id if end == "from" else AxialLink.to_code_id
    return column == node.id


def _kind_of(node: Node) -> str:
    return "subdivision" if isinstance(node, Subdivision) else "code"


def _set_end(row: AxialLink, end: str, node: Node) -> None:
    if isinstance(node, Subdivision):
        setattr(row, f"{end}_subdivision_id", node.id)
    else:
        setattr(row, f"{end}_code_id", node.id)


def _relation(relation: str) -> str:
    named = clean_name(relation)
    if not named:
        raise InputError(f"a link needs a relation: one of {', '.join(RELATIONS)}, "
                         f"or a name of your own")
    if len(named) > _RELATION_LENGTH:
        raise InputError(f"relation {named[:30]!r}... is {len(named)} characters long; "
                         f"keep it to {_RELATION_LENGTH} and put the rest in --note")
    key = name_key(named)
    key = _ALIASES.get(key, key)
    # The method's relations are stored in one spelling, so counts and filters agree.
    return key if key in RELATIONS else named


def _same_link(session: Session, start: Node, end: Node, relation: str,
               who: Coder) -> AxialLink | None:
    candidates = session.scalars(
        select(AxialLink).where(_end_is(start, "from"), _end_is(end, "to"),
                                AxialLink.coder_id == who.id)).all()
    key = name_key(relation)
    return next((c for c in candidates if name_key(c.relation) == key), None)


def _existing_quotes(session: Session, quote_ids: Iterable[int]) -> list[int]:
    """The ids given, each once, in order; every one must be a stored quote."""
    wanted = list(dict.fromkeys(int(q) for q in quote_ids))
    if not wanted:
        return []
    found = set(session.scalars(select(Quote.id).where(Quote.id.in_(wanted))))
    missing = [q for q in wanted if q not in found]
    if missing:
        raise NotFoundError(
            f"no quote {missing[0]}; a link takes quote ids (`qcode link --coding ID` takes "
            f"the quote of a coding that `qcode codings` lists)"
        )
    return wanted


def _link(session: Session, link_id: int) -> AxialLink:
    found = session.get(AxialLink, link_id)
    if found is None:
        raise NotFoundError(f"no axial link {link_id}; `qcode links` lists them")
    return found


def _quote_ids(session: Session, link_ids: Sequence[int]) -> dict[int, tuple[int, ...]]:
    found: dict[int, list[int]] = {}
    if link_ids:
        for link_id, quote_id in session.execute(
            select(AxialLinkQuote.link_id, AxialLinkQuote.quote_id)
            .where(AxialLinkQuote.link_id.in_(link_ids))
            .order_by(AxialLinkQuote.link_id, AxialLinkQuote.quote_id)
        ):
            found.setdefault(link_id, []).append(quote_id)
    return {k: tuple(v) for k, v in found.items()}


def _info(session: Session, row: AxialLink) -> LinkInfo:
    return _infos(session, [row])[0]


def _infos(session: Session, rows: Sequence[AxialLink]) -> list[LinkInfo]:
    """Links as plain values, names looked up once for all of them."""
    if not rows:
        return []
    subdivision_ids = {i for r in rows for i in (r.from_subdivision_id, r.to_subdivision_id)
                       if i is not None}
    code_ids = {i for r in rows for i in (r.from_code_id, r.to_code_id) if i is not None}
    coder_ids = {r.coder_id for r in rows if r.coder_id is not None}
    subdivisions = dict(session.execute(
        select(Subdivision.id, Subdivision.name).where(Subdivision.id.in_(subdivision_ids))
    ).all()) if subdivision_ids else {}
    codes = dict(session.execute(
        select(Code.id, Code.name).where(Code.id.in_(code_ids))
    ).all()) if code_ids else {}
    coders = dict(session.execute(
        select(Coder.id, Coder.name).where(Coder.id.in_(coder_ids))
    ).all()) if coder_ids else {}
    quotes = _quote_ids(session, [r.id for r in rows])

    def end(subdivision_id: int | None, code_id: int | None) -> tuple[str, str]:
        if subdivision_id is not None:
            return "subdivision", subdivisions[subdivision_id]
        assert code_id is not None  # the store checks one end is set
        return "code", codes[code_id]

    infos = []
    for r in rows:
        from_kind, from_name = end(r.from_subdivision_id, r.from_code_id)
        to_kind, to_name = end(r.to_subdivision_id, r.to_code_id)
        infos.append(LinkInfo(
            id=r.id, from_kind=from_kind, from_name=from_name, to_kind=to_kind,
            to_name=to_name, relation=r.relation, directed=r.directed, note=r.note,
            coder=coders.get(r.coder_id) if r.coder_id is not None else None,
            quote_ids=quotes.get(r.id, ()), created_at=_utc(r.created_at),
        ))
    return infos


def shown(kind: str, name: str) -> str:
    """A link end as users type it: a subdivision by its name, a code as "code:NAME"."""
    return f"code:{name}" if kind == "code" else name


def _arrow(relation: str, directed: bool) -> str:
    return f"──{relation}──▶" if directed else f"──{relation}──"


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _utc(moment: datetime) -> datetime:
    """`moment` with its time zone: SQLite gives back the stored UTC time without one."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class SupportingQuote:
    quote_id: int
    source: str | None
    start: int | None
    end: int | None
    text: str


def link_quotes(session: Session, link_id: int) -> list[SupportingQuote]:
    """The quotes supporting a link, with where they are, in quote order."""
    rows = session.execute(
        select(Quote.id, Source.name, Quote.start, Quote.end, Quote.text)
        .join(AxialLinkQuote, AxialLinkQuote.quote_id == Quote.id)
        .outerjoin(Source, Source.id == Quote.source_id)
        .where(AxialLinkQuote.link_id == link_id)
        .order_by(Quote.id)
    ).all()
    return [SupportingQuote(*row) for row in rows]
