"""Importing a REFI-QDA codebook (.qdc), and the codebook part of a .qdpx.

How the REFI code tree maps onto qcode, where codes are flat labels and the hierarchy
is the subdivision tree:

- A non-codable code (``isCodable="false"``, a folder) becomes a node of the
  subdivision tree: a *group* at the top level, a *subdivision* below.
- A codable code becomes a code.
- A codable code with children is both: a code of that name (its own codings keep
  it) and a subdivision of that name (so its children keep their place in the tree),
  tied together (`Code.node_id`), so an export writes them as one code again.
- Every code keeps its place (`Code.subdivision_id`, the order among its siblings),
  its GUID, colour (or none) and description, used or not.
- A coding is filed under the subdivision its code sits in (primary subdivision):
  the code's own node when it has children, else its parent's node. So the tree the
  other program showed is the tree qcode's reports roll counts up.
- Codes are unique by name in qcode. The same name in two branches ("programming"
  under "competencies" and under "framings") is two codes to the other program, so
  it stays two codes: the first keeps the name, the later one is named with its
  parent ("framings / programming"), and the summary lists each such code with
  where it sits. A code already in the project under that name takes the codings.
  Subdivision names are unique too: a folder whose name is already a node elsewhere
  is named "name (parent)" and the summary says so.
- The tree itself may come from any program (`TreeEntry`): QualCoder's categories
  and codes go through the same `import_tree`.
- Sets: ATLAS.ti writes attributes as Sets named "name: value" over sources (they
  become case attributes in a .qdpx). Any other Set (a code group, a document set)
  becomes a set of qcode's (qcode.services.sets) with its GUID and members.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.errors import InputError
from qcode.interop.identity import adopt_guid
from qcode.interop.refi_read import child_text, children, guid_of, local, parse_xml
from qcode.names import clean_name, name_key, text_or_none
from qcode.services import lookup
from qcode.services.project import Project
from qcode.services.sets import add_member, add_to_set
from qcode.store.models import Code, ItemSet, Source, Subdivision

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_MAX_QDC_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Skipped:
    """An element that was not imported, and why."""

    element: str
    name: str
    reason: str


@dataclass
class ImportSummary:
    """What an import did: counts per kind, every element skipped, and notes."""

    file: str
    dry_run: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, kind: str, n: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n

    def skip(self, element: str, name: str, reason: str) -> None:
        self.skipped.append(Skipped(element, name, reason))

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "dry_run": self.dry_run,
            "counts": dict(sorted(self.counts.items())),
            "skipped": [vars(s) for s in self.skipped],
            "notes": list(self.notes),
        }


@dataclass
class CodeTarget:
    """What one REFI code GUID means in qcode."""

    name: str
    code: Code | None  # codable: the code its codings carry
    node: Subdivision | None  # a folder or a code with children: its tree node
    filed_under: Subdivision | None  # the primary subdivision of its codings


def import_qdc(project: Project, path: Path, dry_run: bool = False) -> ImportSummary:
    """Import a REFI-QDA codebook into the project, in one transaction.

    Raises:
        InputError: The file cannot be read, holds a DTD, or is not a codebook.
    """
    try:
        if path.stat().st_size > _MAX_QDC_BYTES:
            raise InputError(f"{path}: a codebook of {path.stat().st_size // 2**20} MB is not "
                             "plausible; nothing was imported")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror})") from exc
    root = parse_xml(data, str(path))
    if local(root.tag) != "CodeBook":
        raise InputError(f"{path}: the root element is <{local(root.tag)}>, not <CodeBook>; "
                         "is it a .qdpx project? use `qcode import qdpx`")
    summary = ImportSummary(str(path), dry_run)
    with project.step(f"import the codebook {path.name}", dry_run=dry_run,
                      backup_before="qdc-import") as session:
        targets = import_codebook(session, root, summary)
        for set_element in _sets(root):
            keep_set(session, set_element, targets, {}, summary)
    return summary


def _sets(root: Element) -> list[Element]:
    return [s for container in children(root, "Sets") for s in children(container, "Set")]


def import_codebook(session: Session, holder: Element, summary: ImportSummary,
                    cases: frozenset[str] = frozenset()) -> dict[str, CodeTarget]:
    """Create the codes and subdivisions of the <Codes> under `holder` (a CodeBook).

    A Code with the GUID of one of the project's `cases` is that case, not a code (as
    QualCoder and NVivo tie cases to texts); a folder of nothing else goes with them.
    Returns every code GUID (normalised) and what it became.
    """
    entries: list[TreeEntry] = []
    for codes in children(holder, "Codes"):
        for element in children(codes, "Code"):
            entries += _entries(element, summary)
    if cases:
        entries = _without(entries, cases, summary)
    return import_tree(session, entries, summary)


def _without(entries: list[TreeEntry], cases: frozenset[str], summary: ImportSummary
             ) -> list[TreeEntry]:
    kept = []
    for entry in entries:
        if entry.key in cases and not entry.children:
            summary.add("case codes (read as the cases' texts)")
            continue
        below = _without(entry.children, cases, summary)
        if entry.children and not below and not entry.codable:
            continue  # a folder that held only cases
        kept.append(TreeEntry(entry.key, entry.name, entry.codable, entry.description,
                              entry.colour, below))
    return kept


@dataclass
class TreeEntry:
    """One entry of another program's code tree, whichever file it was read from.

    Attributes:
        key: What the other program calls it (a REFI GUID, "code:12"); None if nothing.
        name: Its name as the other program shows it.
        codable: A code (True) or a folder/category that only holds others (False).
        description: Its description, if any.
        colour: "#rrggbb" in any case, or None; anything else is ignored.
        children: The entries below it.
    """

    key: str | None
    name: str
    codable: bool
    description: str | None = None
    colour: str | None = None
    children: list[TreeEntry] = field(default_factory=list)


def _entries(element: Element, summary: ImportSummary) -> list[TreeEntry]:
    """A REFI <Code> as tree entries: itself, or its children when it has no name."""
    name = clean_name(element.get("name") or "")
    kids = children(element, "Code")
    below = [entry for kid in kids for entry in _entries(kid, summary)]
    if not name_key(name):
        summary.skip("Code", element.get("guid") or "?",
                     f"has no name; its {len(kids)} child codes are placed one level up")
        return below
    codable = (element.get("isCodable") or "true").strip().lower() != "false"
    return [TreeEntry(guid_of(element), name, codable, child_text(element, "Description"),
                      _colour(element.get("color")), below)]


def import_tree(session: Session, entries: list[TreeEntry], summary: ImportSummary
                ) -> dict[str, CodeTarget]:
    """Create the codes and subdivisions of a code tree (see the module's mapping).

    Returns what each entry with a key became, by key.
    """
    targets: dict[str, CodeTarget] = {}
    names = _CodeNames(entries)
    for n, entry in enumerate(entries):
        _place(session, entry, None, (), targets, names, summary, n)
    return targets


class _CodeNames:
    """The qcode name of each codable entry: its own, or qualified by its parents.

    qcode's code names are unique. The first code of a name in the tree keeps it; a
    later code of the same name elsewhere in the tree is another code to the other
    program (NVivo, MAXQDA, ATLAS.ti), so it stays its own code, named with as many
    of its parents as make the name new ("framings / programming"). Its codings
    stay apart from the first one's, and nothing is merged behind the researcher's
    back (`qcode merge-codes` joins them when they are one code).
    """

    def __init__(self, entries: list[TreeEntry]) -> None:
        self.taken: set[str] = set()
        self.first: dict[str, str] = {}  # name key -> where the code keeping it sits

        def collect(entry: TreeEntry) -> None:
            if entry.codable:
                self.taken.add(name_key(entry.name))
            for kid in entry.children:
                collect(kid)

        for entry in entries:
            collect(entry)

    def name_for(self, entry: TreeEntry, path: tuple[str, ...],
                 summary: ImportSummary) -> str:
        key = name_key(entry.name)
        where = " / ".join(path) or "the top"
        if key not in self.first:
            self.first[key] = where
            return entry.name
        candidate = entry.name
        for depth in range(1, len(path) + 1):
            candidate = " / ".join((*path[-depth:], entry.name))
            if name_key(candidate) not in self.taken:
                break
        n = 1
        base = candidate
        while name_key(candidate) in self.taken:
            n += 1
            candidate = f"{base} ({n})"
        self.taken.add(name_key(candidate))
        summary.add("codes named with their parent path")
        summary.notes.append(
            f"code {entry.name!r} under {where} is its own code {candidate!r}: "
            f"{entry.name!r} is the code under {self.first[key]}; `qcode merge-codes` "
            "joins them if they are one code")
        return candidate


def _place(session: Session, entry: TreeEntry, parent: Subdivision | None,
           path: tuple[str, ...], targets: dict[str, CodeTarget], names: _CodeNames,
           summary: ImportSummary, position: int = 0) -> None:
    name = entry.name
    summary.add("codebook entries")
    node = None
    if entry.children or not entry.codable:
        node, new_node = place_node(session, name, parent, summary)
        if node.description is None:
            node.description = entry.description
        if node.color is None:
            node.color = _colour(entry.colour)
        if new_node:
            node.position = position
            if not entry.codable:  # a codable entry's GUID is its code's
                adopt_guid(session, node, entry.key)
    code = None
    if entry.codable:
        name = names.name_for(entry, path, summary)
        code, new = lookup.code(session, name, create=True)
        if new:
            summary.add("codes")
            code.description = entry.description
            # As the other program had it: a code it left without a colour stays so.
            code.color = _colour(entry.colour)
            # Its place in the codebook, as the other program had it.
            code.subdivision = parent
            code.position = position
            adopt_guid(session, code, entry.key)
        elif code.description is None:
            code.description = entry.description
        if node is not None and code.node_id is None:
            code.node = node
    target = CodeTarget(name, code, node, node if (code and node) else parent)
    if entry.key:
        if entry.key in targets:
            summary.skip("Code", name, f"repeats GUID {entry.key}; the first code with it "
                         "is used")
        else:
            targets[entry.key] = target
    for n, kid in enumerate(entry.children):
        _place(session, kid, node, (*path, entry.name), targets, names, summary, n)


def place_node(session: Session, name: str, parent: Subdivision | None,
               summary: ImportSummary) -> tuple[Subdivision, bool]:
    """The tree node called `name` under `parent`: found, or created with a free name
    (then the second value is True).

    A top-level folder is a subdivision group, one below it a subdivision.
    """
    kind = "group" if parent is None else "subdivision"
    # Nodes this import has placed already: a folder "access" and a codable "access"
    # side by side in one file are two entries, not one found twice.
    claimed: set[int] = session.info.setdefault("qcode.import.claimed", set())
    candidate, n = name, 1
    while True:
        found = session.scalars(
            select(Subdivision).where(Subdivision.name_key == name_key(candidate))).first()
        if found is None:
            node, _ = lookup.subdivision(session, candidate, True, parent, kind)
            summary.add("subdivisions")
            if candidate != name:
                where = repr(parent.name) if parent else "the top"
                summary.notes.append(f"subdivision {name!r} under {where} is named "
                                     f"{candidate!r}: the name is taken elsewhere in the tree")
            claimed.add(node.id)
            return node, True
        if found.parent_id == (parent.id if parent else None) and found.id not in claimed:
            claimed.add(found.id)
            return found, False  # the same place: a re-import finds its own node
        n += 1
        candidate = f"{name} ({parent.name})" if n == 2 and parent else f"{name} ({n})"


def _colour(value: str | None) -> str | None:
    value = (value or "").strip()
    return value.lower() if _COLOUR.fullmatch(value) else None


def keep_set(session: Session, element: Element, targets: dict[str, CodeTarget],
             sources: dict[str, Source], summary: ImportSummary) -> None:
    """A Set of codes and sources (a MAXQDA document set, an ATLAS.ti code group): a
    set of qcode's, with its GUID, description and the members it can hold."""
    name = clean_name(element.get("name") or "") or "(unnamed set)"
    new = session.scalars(select(ItemSet).where(ItemSet.name_key == name_key(name))
                          ).first() is None
    kept = add_to_set(session, name[:300])
    if new:
        adopt_guid(session, kept, guid_of(element))
        kept.description = text_or_none(child_text(element, "Description"))
        summary.add("sets")
    # ATLAS.ti names the member by "guid" where the schema says "targetGUID".
    for member in children(element, "MemberCode"):
        target = targets.get(guid_of(member, "targetGUID") or guid_of(member) or "")
        if target is not None and target.code is not None:
            add_member(session, kept, target.code)
        else:
            summary.skip("MemberCode", name, "names no codable code of the codebook")
    for member in children(element, "MemberSource"):
        source = sources.get(guid_of(member, "targetGUID") or guid_of(member) or "")
        if source is not None:
            add_member(session, kept, source)
        else:
            summary.skip("MemberSource", name, "names no source that was imported")
    notes = len(children(element, "MemberNote"))
    if notes:
        summary.skip("MemberNote", name, f"{notes} notes in a set: qcode's sets hold "
                     "sources and codes")
