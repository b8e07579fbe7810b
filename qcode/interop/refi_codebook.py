"""The codebook as qcode writes it to REFI-QDA (.qdpx and .qdc): one tree, as stored.

The tree is the subdivision tree (non-codable codes, folders in the other programs)
with each code at its home (`Code.subdivision_id`, None: the top level), siblings in
their stored order. A code with child codes (`Code.node_id`) is ONE codable entry whose
children are what sits under its node. So a tree imported from NVivo, MAXQDA, ATLAS.ti
or QualCoder goes back out as it came in: unused codes in their place, no folder that
was not there, no name twice.

A code may also be filed under subdivisions other than its own place; each such
subdivision gets a `Set` ("Also filed under: NAME") listing those codes, and the
codings say where they are filed in their "Subdivisions" note (see qdpx_export).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.interop.refi import (
    SET_PREFIX,
    as_utc,
    derived_guid,
    project_namespace,
    stable_guid,
)
from qcode.names import name_key, natural_key
from qcode.store.models import (
    Code,
    Coding,
    CodingSubdivision,
    ItemSet,
    ProjectInfo,
    SetCode,
    SetSource,
    Subdivision,
)

_NUMBERED = re.compile(r"(.+) \((\d+)\)")
_COLOUR = re.compile(r"#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})")
# Characters XML 1.0 cannot hold, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class BookEntry:
    """A code or a node of the subdivision tree, as plain values (no ORM state).

    `parent_id` is a node's parent or a code's home; `node_id` the node of a code
    with child codes.
    """

    id: int
    guid: str
    name: str
    description: str | None
    color: str | None
    parent_id: int | None
    position: int
    node_id: int | None = None
    is_node: bool = False


@dataclass(frozen=True)
class SetEntry:
    """A set of sources and codes (qcode.services.sets), as plain values."""

    guid: str
    name: str
    description: str | None
    code_ids: list[int]
    source_ids: list[int]


@dataclass
class Codebook:
    """Codes and the subdivision tree, with the codes filed outside their own place,
    and the sets of codes and sources."""

    ns: uuid.UUID
    codes: list[BookEntry]
    nodes: list[BookEntry]
    also: dict[int, list[int]]  # subdivision id -> ids of codes filed there from elsewhere
    sets: list[SetEntry] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.code = {c.id: c for c in self.codes}
        self.node = {n.id: n for n in self.nodes}
        self.owner = {c.node_id: c for c in self.codes if c.node_id is not None}
        # A code with child codes stands at its node's place, so it is not listed apart.
        self._under: dict[int | None, list[BookEntry]] = {}
        for entry in self.nodes + [c for c in self.codes if c.node_id is None]:
            self._under.setdefault(entry.parent_id, []).append(entry)
        for entries in self._under.values():
            entries.sort(key=lambda e: (e.position, not e.is_node, natural_key(e.name), e.id))
        self._shown: dict[tuple[bool, int], str] = {}
        self._code_keys = {name_key(c.name) for c in self.codes}
        self._node_keys = {name_key(n.name) for n in self.nodes}

    @property
    def folders(self) -> int:
        """Nodes written as folders (non-codable codes): those that are not a code's."""
        return len(self.nodes) - len(self.owner)

    def guid(self, kind: str, key: object) -> str:
        """A GUID for something qcode does not keep one for (a set, a note it writes)."""
        return stable_guid(self.ns, kind, key)

    def node_guid(self, node_id: int) -> str:
        """What the other program calls a node: its code's GUID when it is a code's."""
        owner = self.owner.get(node_id)
        return owner.guid if owner else self.node[node_id].guid

    def own_place(self, code_id: int) -> int | None:
        """Where a code's codings are filed unless said otherwise: its node, or its home."""
        code = self.code[code_id]
        return code.node_id if code.node_id is not None else code.parent_id

    def siblings(self, parent: int | None) -> list[BookEntry]:
        """What sits under `parent` (a node id, None: the top), in order: nodes (a code
        with child codes stands at its node's place) and the codes homed there."""
        return self._under.get(parent, [])

    def shown_name(self, entry: BookEntry) -> str:
        """The name the other program shows: without the parents an import put in front
        ("framings / programming") or behind ("concepts (framings)") to keep qcode's
        names unique, where the shorter name is another entry's (so the next import
        makes the same long name again)."""
        if (entry.is_node, entry.id) in self._shown:
            return self._shown[(entry.is_node, entry.id)]
        shown = self._shorter(entry)
        self._shown[(entry.is_node, entry.id)] = shown
        return shown

    def _shorter(self, entry: BookEntry) -> str:
        """The shortest of the names an import may have made of the one in the file
        (parents in front for a code, the parent behind for a node, a number behind
        for either) that is another entry's name; else the name itself."""
        parent = self.node.get(entry.parent_id) if entry.parent_id is not None else None
        numbered = _NUMBERED.fullmatch(entry.name)
        names = [entry.name] + ([numbered.group(1)] if numbered else [])
        found: list[str] = []
        if entry.is_node:
            taken = self._node_keys
            cuts = [f" ({parent.name})"] if parent is not None else []
            found += [name.removesuffix(cut) for name in names for cut in cuts
                      if name.endswith(cut) and name_key(name.removesuffix(cut)) in taken]
        else:
            taken = self._code_keys
            parents: list[str] = []
            while parent is not None:  # as the other program names them
                parents.insert(0, self.shown_name(self.owner.get(parent.id, parent)))
                parent = self.node.get(parent.parent_id) if parent.parent_id else None
            for name in names:
                for depth in range(len(parents), 0, -1):
                    rest = name.removeprefix(" / ".join(parents[-depth:]) + " / ")
                    if rest != name and name_key(rest) in taken:
                        found.append(rest)
        if numbered and name_key(numbered.group(1)) in taken:
            found.append(numbered.group(1))  # "budget (2)": the second "budget" of the import
        # An import may have put parents in front and then a number behind ("access /
        # access (2)" for an "access" under an "access (2)"): the shortest is the file's.
        return min(found, key=len) if found else entry.name


def namespace(session: Session) -> uuid.UUID:
    """The project's namespace for GUIDs derived from ids, from its name and creation."""
    info = session.scalars(select(ProjectInfo)).one()
    return project_namespace(info.name, as_utc(info.created_at).isoformat())


def read_codebook(session: Session) -> Codebook:
    """The codebook as it will be written (the .qdc export writes the same tree)."""
    codes = [BookEntry(c.id, c.guid, c.name, c.description, c.color, c.subdivision_id,
                       c.position, c.node_id)
             for c in session.scalars(select(Code).order_by(Code.id))]
    nodes = [BookEntry(s.id, s.guid, s.name, s.description, s.color, s.parent_id, s.position,
                       is_node=True)
             for s in session.scalars(select(Subdivision).order_by(Subdivision.id))]
    members: dict[int, tuple[list[int], list[int]]] = {}
    for set_id, code_id in session.execute(select(SetCode.set_id, SetCode.code_id)
                                           .order_by(SetCode.code_id)):
        members.setdefault(set_id, ([], []))[0].append(code_id)
    for set_id, source_id in session.execute(select(SetSource.set_id, SetSource.source_id)
                                             .order_by(SetSource.source_id)):
        members.setdefault(set_id, ([], []))[1].append(source_id)
    sets = [SetEntry(s.guid, s.name, s.description, *members.get(s.id, ([], [])))
            for s in session.scalars(select(ItemSet).order_by(ItemSet.id))]
    book = Codebook(namespace(session), codes, nodes, {}, sets)
    order = {node.id: n for n, node in enumerate(depth_first(book))}
    filed = session.execute(
        select(Coding.code_id, CodingSubdivision.subdivision_id).distinct()
        .join(Coding, Coding.id == CodingSubdivision.coding_id)).all()
    for code_id, sub_id in sorted(filed, key=lambda r: (order.get(r[1], 0), r[0])):
        if sub_id != book.own_place(code_id):
            book.also.setdefault(sub_id, []).append(code_id)
    return book


def depth_first(book: Codebook) -> list[BookEntry]:
    """The nodes of the tree, each before the nodes under it, siblings in order."""
    result: list[BookEntry] = []

    def walk(parent: int | None) -> None:
        for entry in book.siblings(parent):
            if entry.is_node:
                result.append(entry)
                walk(entry.id)

    walk(None)
    return result


def write_codes(parent: etree._Element, book: Codebook, tag: Callable[[str], str],
                note_ref: str | None,
                note_refs: dict[tuple[str, int | None], list[str]] | None = None) -> None:
    """The codebook tree under `parent` (a <Codes>), for a project or a .qdc.

    `tag` makes a qualified name in the target namespace; `note_ref` is the name of
    the NoteRef element, or None where the schema has none (Codebook.xsd).
    """
    refs = note_refs or {}

    def code(container: etree._Element, entry: BookEntry, codable: bool,
             notes: list[str], name: str, describe: BookEntry | None = None
             ) -> etree._Element:
        element = etree.SubElement(container, tag("Code"))
        element.set("guid", entry.guid)
        element.set("name", xml_text(name))
        element.set("isCodable", "true" if codable else "false")
        shade = colour(entry.color) or (colour(describe.color) if describe else None)
        if shade:
            element.set("color", shade)
        description = entry.description or (describe.description if describe else None)
        if description:
            etree.SubElement(element, tag("Description")).text = xml_text(description)
        if note_ref is not None:
            for target in notes:
                etree.SubElement(element, tag(note_ref)).set("targetGUID", target)
        return element

    def walk(container: etree._Element, node_id: int | None) -> None:
        for entry in book.siblings(node_id):
            if entry.is_node:
                owner = book.owner.get(entry.id)
                notes = refs.get(("subdivision", entry.id), [])
                if owner is not None:
                    element = code(container, owner, True,
                                   refs.get(("code", owner.id), []) + notes,
                                   book.shown_name(owner), describe=entry)
                else:
                    element = code(container, entry, False, notes, book.shown_name(entry))
                walk(element, entry.id)
            else:
                code(container, entry, True, refs.get(("code", entry.id), []),
                     book.shown_name(entry))

    walk(parent, None)


def write_sets(parent: etree._Element, book: Codebook, tag: Callable[[str], str],
               member: str, source_guid: dict[int, str] | None = None) -> int:
    """The sets under `parent` (a Project or CodeBook) in one <Sets>; how many.

    First the project's own sets (with their sources where `source_guid` is given: a
    codebook holds codes only, and a set of sources alone is left out of it), then a
    Set per subdivision that codes from elsewhere are filed under. `member` names the
    attribute of a MemberCode that holds the code's GUID (the schemas differ:
    "targetGUID" in a project, "guid" in a codebook)."""
    own = [s for s in book.sets if s.code_ids or source_guid is not None]
    filing = [node for node in depth_first(book) if node.id in book.also]
    if not own and not filing:
        return 0
    sets = etree.SubElement(parent, tag("Sets"))

    def one(guid: str, name: str, description: str | None) -> etree._Element:
        element = etree.SubElement(sets, tag("Set"))
        element.set("guid", guid)
        element.set("name", xml_text(name))
        if description:
            etree.SubElement(element, tag("Description")).text = xml_text(description)
        return element

    for item in own:
        element = one(item.guid, item.name, item.description)
        for code_id in item.code_ids:
            etree.SubElement(element, tag("MemberCode")).set(member, book.code[code_id].guid)
        for source_id in item.source_ids:
            if source_guid is not None:
                etree.SubElement(element, tag("MemberSource")).set("targetGUID",
                                                                    source_guid[source_id])
    for node in filing:
        element = one(derived_guid(node.guid, "subdivision-set"), SET_PREFIX + node.name,
                      set_description(node.name))
        for code_id in book.also[node.id]:
            etree.SubElement(element, tag("MemberCode")).set(member, book.code[code_id].guid)
    return len(own) + len(filing)


def set_description(name: str) -> str:
    return (f"Codes also filed under the subdivision {name!r}, besides their own place "
            f"in the codebook.")


def xml_text(text: str) -> str:
    """Text XML 1.0 can carry: characters it forbids become U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def colour(value: str | None) -> str | None:
    """A colour as the schema's RGBType (#RRGGBB, upper case), or None if it is not one."""
    if not value or not _COLOUR.fullmatch(value.strip()):
        return None
    digits = value.strip()[1:]
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return f"#{digits.upper()}"
