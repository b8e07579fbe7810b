"""`qcode export qdpx`: the whole project as a REFI-QDA project (QDA-XML 1.0, .qdpx).

The .qdpx is a zip holding `project.qde` (valid against Project.xsd) and one
`sources/<guid>.txt` per source (UTF-8 without BOM, LF), which NVivo, ATLAS.ti, MAXQDA
and QualCoder open. How qcode's words map onto the standard:

- coders -> `User`s; every coding, selection, note and source names its creator.
- the codebook tree (qcode.interop.refi_codebook): subdivision groups, factor groups
  and subdivisions -> non-codable `Code`s (folders in the other programs); each code
  once, in its place (`Code.subdivision_id`), used or not; a code with child codes is
  one codable `Code` holding them. A code filed under further subdivisions is tied
  to each of them by a `Set` named "Also filed under: NAME"; qcode's own sets of
  sources and codes are `Set`s too.
- a quote -> one `PlainTextSelection` (code-point offsets, as qcode stores them)
  with one `Coding` per coding of it; a coding's emphasis and notes -> `Note`s named
  "Emphasis" and "Notes", referenced by `NoteRef` from the `Coding`. A coding filed
  other than "primary under its code's own place, nothing else" gets a third
  note, "Subdivisions", with one line per filing ("primary: NAME" / "other: NAME"),
  so a round trip restores the filing exactly.
- a quote that could not be anchored has no offsets, so it cannot be a selection:
  it becomes a `Note` named "Unanchored quote" (its text, then one line per coding)
  referenced from its source where it has one, and is listed in the summary.
- cases -> `Case`s (name = key, `Description` = the person's name) with `SourceRef`s
  and typed `VariableValue`s; attributes -> `Variable`s (text and category -> Text,
  number -> Float, date -> Date).
- memos -> `Note`s, referenced from their target (source, code, subdivision, link;
  a journal entry from the `Project`). The schema gives a `Case` no `NoteRef`, so a
  memo on a case is a Note whose `Description` says "memo on case KEY".
- axial links -> `Link`s (name = relation, OneWay or Bidirectional, origin and target
  the codes' GUIDs); the link's note is a `Note` it references. Each supporting quote
  is a `Link` named "supports" from the quote's selection (or unanchored-quote note)
  to the axial link.

Every item is written with the GUID its row keeps (the one it was imported with, or
made with), and what qcode writes for a row (a coding's "Emphasis" note) has a GUID
derived from the row's, so the same project exports the same GUIDs every time and a
project from another program goes back out with that program's GUIDs. `receiver`
writes what one program reads where the standard leaves room (qcode.interop.refi).
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

import qcode
from qcode.errors import InputError
from qcode.files import written
from qcode.interop.refi import (
    CASES_FOLDER,
    EMPHASIS_NOTE,
    FILING_NOTE,
    PROJECT_NS,
    READING_NOTE,
    RECEIVERS,
    SHEET_TEXT_NOTE,
    SPEC,
    Receiver,
    as_utc,
    derived_guid,
    selection_description,
    units_of,
)
from qcode.interop.refi_codebook import (
    read_codebook,
    write_codes,
    write_sets,
    xml_text,
)
from qcode.names import natural_key
from qcode.services.project import Project
from qcode.store.models import (
    Attribute,
    AxialLink,
    AxialLinkQuote,
    Case,
    CaseAttribute,
    Coder,
    Coding,
    CodingSubdivision,
    Memo,
    ProjectInfo,
    Quote,
    Source,
    SourceCase,
)

VARIABLE_TYPES = {"text": "Text", "number": "Float", "date": "Date", "category": "Text"}
NOTES_NOTE = "Notes"
UNANCHORED_NOTE = "Unanchored quote"
SUPPORTS_LINK = "supports"
_SELECTION_NAME = 60


@dataclass(frozen=True)
class UnanchoredQuote:
    """A quote with no place in its source: exported as a Note, not a selection."""

    quote_id: int
    source: str | None
    codes: tuple[str, ...]
    text: str


@dataclass
class ExportSummary:
    """What an export wrote, and what it could only carry as a Note or not at all."""

    path: str
    users: int = 0
    codes: int = 0
    folders: int = 0
    sources: int = 0
    selections: int = 0
    codings: int = 0
    notes: int = 0
    memos: int = 0
    cases: int = 0
    variables: int = 0
    links: int = 0
    sets: int = 0
    unanchored: list[UnanchoredQuote] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One line for stderr, naming what could not be exported as a selection."""
        text = (f"wrote {self.path}: {self.sources} sources, {self.codes} codes in "
                f"{self.folders} folders, {self.selections} selections with {self.codings} "
                f"codings, {self.cases} cases, {self.variables} variables, {self.memos} memos, "
                f"{self.links} links, {self.sets} sets, {self.notes} notes")
        if self.unanchored:
            text += (f"; {len(self.unanchored)} unanchored quotes written as notes, "
                     f"not selections")
        if self.skipped:
            text += f"; not exported: {'; '.join(self.skipped)}"
        return text


# --- writing ------------------------------------------------------------------------


def export_qdpx(project: Project, path: Path, receiver: str = "standard") -> ExportSummary:
    """Write the project as a REFI-QDA project file (.qdpx).

    Args:
        project: The open project.
        path: Where the .qdpx goes; replaced only once it is completely written.
        receiver: "standard" (offsets in code points, as the standard counts them), or
            the program whose reading differs ("nvivo-windows": UTF-16 code units, the
            texts written with CRLF line ends counted as two); the project's
            Description says which.

    Returns:
        What was written, with the unanchored quotes (written as Notes) listed.

    Raises:
        InputError: `receiver` is not one qcode knows.
    """
    if receiver not in RECEIVERS:
        raise InputError(f"qcode writes REFI-QDA for {', '.join(RECEIVERS)}, not {receiver!r}")
    summary = ExportSummary(str(path))
    with project.reading() as session:
        root, texts = _Writer(session, summary, RECEIVERS[receiver]).project()
    xml = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    _write_zip(path, xml, texts)
    return summary


def _write_zip(path: Path, xml: bytes, texts: Iterable[tuple[str, str]]) -> None:
    with written(path) as temporary, zipfile.ZipFile(
            temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml)
        for guid, text in texts:
            archive.writestr(f"sources/{guid}.txt", text.encode("utf-8"))


def _tag(name: str) -> str:
    return f"{{{PROJECT_NS}}}{name}"


def _sub(parent: etree._Element, element_name: str, /,
         **attributes: str | None) -> etree._Element:
    element = etree.SubElement(parent, _tag(element_name))
    for key, value in attributes.items():
        if value is not None:
            element.set(key, xml_text(value))
    return element


def _text_child(parent: etree._Element, element_name: str, text: str) -> etree._Element:
    element = _sub(parent, element_name)
    element.text = xml_text(text)
    return element


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Writer:
    """Builds project.qde from one read-only session."""

    def __init__(self, session: Session, summary: ExportSummary,
                 receiver: Receiver = RECEIVERS["standard"]) -> None:
        self.session = session
        self.summary = summary
        self.reading = receiver.reading
        self.line_end = receiver.line_end
        # Case id -> (GUID, key) where cases are also codes (Receiver.case_codes).
        self.case_codes: dict[int, tuple[str, str]] | None = None
        if receiver.case_codes:
            self.case_codes = {i: (g, k) for i, g, k in session.execute(
                select(Case.id, Case.guid, Case.key).order_by(Case.key))}
        self.book = read_codebook(session)
        self.ns = self.book.ns
        self.notes: list[etree._Element] = []
        # Memo and note references by target, filled before the targets are written.
        self.note_refs: dict[tuple[str, int | None], list[str]] = {}
        self.quote_guid: dict[int, str] = {}
        self.units: list[int] | None = None  # the source being written: its offsets
        self.node_names = {node.id: node.name for node in self.book.nodes}
        self.code_names = {code.id: code.name for code in self.book.codes}
        self.coder_guid = {i: g for i, g in session.execute(select(Coder.id, Coder.guid))}
        self.source_guid = {i: g for i, g in session.execute(select(Source.id, Source.guid))}

    def guid(self, kind: str, key: object) -> str:
        return self.book.guid(kind, key)

    def project(self) -> tuple[etree._Element, list[tuple[str, str]]]:
        info = self.session.scalars(select(ProjectInfo)).one()
        root = etree.Element(_tag("Project"), nsmap={None: PROJECT_NS})
        root.set("name", xml_text(info.name))
        root.set("origin", f"qcode {qcode.__version__}")
        root.set("creationDateTime", _when(info.created_at) or "")
        self._memos()
        self._users(root)
        self._codebook(root)
        variables = self._variables(root)
        self._cases(root, variables)
        texts = self._sources(root)
        links = self._links()
        if self.notes:
            notes = _sub(root, "Notes")
            notes.extend(self.notes)
            self.summary.notes = len(self.notes)
        if links:
            _sub(root, "Links").extend(links)
        self._sets(root)
        if self.reading != SPEC:
            _text_child(root, "Description", f"{READING_NOTE}{self.reading}, as that program "
                        "reads them (qcode export qdpx --for); the standard counts code points.")
        for target in self.note_refs.get(("project", None), []):
            _sub(root, "NoteRef", targetGUID=target)
        return root, texts

    # -- users, codebook ---------------------------------------------------------

    def _users(self, root: etree._Element) -> None:
        coders = self.session.scalars(select(Coder).order_by(Coder.id)).all()
        if coders:
            users = _sub(root, "Users")
            for coder in coders:
                _sub(users, "User", guid=coder.guid, name=coder.name)
        self.summary.users = len(coders)

    def _codebook(self, root: etree._Element) -> None:
        if not self.book.codes and not self.book.nodes and not self.case_codes:
            return
        codes = _sub(_sub(root, "CodeBook"), "Codes")
        write_codes(codes, self.book, _tag, "NoteRef", self.note_refs)
        if self.case_codes:
            folder = _sub(codes, "Code", guid=self.guid("cases-folder", 0), name=CASES_FOLDER,
                          isCodable="false")
            for guid, key in sorted(self.case_codes.values(), key=lambda c: natural_key(c[1])):
                _sub(folder, "Code", guid=guid, name=key, isCodable="true")
        self.summary.codes = len(self.book.codes)
        self.summary.folders = self.book.folders

    def _sets(self, root: etree._Element) -> None:
        self.summary.sets = write_sets(root, self.book, _tag, "targetGUID", self.source_guid)

    # -- cases, variables --------------------------------------------------------

    def _variables(self, root: etree._Element) -> dict[int, Attribute]:
        attributes = {a.id: a for a in self.session.scalars(select(Attribute).order_by(
            Attribute.id))}
        if attributes:
            parent = _sub(root, "Variables")
            for attribute in attributes.values():
                _sub(parent, "Variable", guid=attribute.guid,
                     name=attribute.name,
                     typeOfVariable=VARIABLE_TYPES.get(attribute.type, "Text"))
        self.summary.variables = len(attributes)
        return attributes

    def _cases(self, root: etree._Element, attributes: dict[int, Attribute]) -> None:
        cases = self.session.scalars(select(Case).order_by(Case.id)).all()
        if not cases:
            return
        sources: dict[int, list[int]] = {}
        for source_id, case_id in self.session.execute(
                select(SourceCase.source_id, SourceCase.case_id).order_by(SourceCase.source_id)):
            sources.setdefault(case_id, []).append(source_id)
        values: dict[int, list[CaseAttribute]] = {}
        for value in self.session.scalars(select(CaseAttribute).order_by(
                CaseAttribute.case_id, CaseAttribute.attribute_id)):
            values.setdefault(value.case_id, []).append(value)
        parent = _sub(root, "Cases")
        for case in sorted(cases, key=lambda c: (natural_key(c.key), c.id)):
            element = _sub(parent, "Case", guid=case.guid, name=case.key)
            if case.name:
                _text_child(element, "Description", case.name)
            for value in values.get(case.id, []):
                self._variable_value(element, case.key, attributes[value.attribute_id], value)
            for source_id in sources.get(case.id, []):
                _sub(element, "SourceRef", targetGUID=self.source_guid[source_id])
        self.summary.cases = len(cases)

    def _variable_value(self, parent: etree._Element, case: str, attribute: Attribute,
                        value: CaseAttribute) -> None:
        if value.value_number is not None:
            if not math.isfinite(value.value_number):
                self.summary.skipped.append(
                    f"case {case}: {attribute.name} = {value.value_number} (not a decimal)")
                return
            kind, text = "FloatValue", decimal_text(value.value_number)
        elif value.value_date is not None:
            kind, text = "DateValue", value.value_date.isoformat()
        else:
            kind, text = "TextValue", value.value_text or ""
        element = _sub(parent, "VariableValue")
        _sub(element, "VariableRef", targetGUID=attribute.guid)
        _text_child(element, kind, text)

    # -- sources, selections, codings ------------------------------------------------

    def _sources(self, root: etree._Element) -> list[tuple[str, str]]:
        sources = self.session.scalars(select(Source).order_by(Source.id)).all()
        if not sources:
            self._unanchored_without_source()
            return []
        codings_of: dict[int, list[Coding]] = {}
        for coding in self.session.scalars(select(Coding).order_by(Coding.id)):
            codings_of.setdefault(coding.quote_id, []).append(coding)
        filings = self._filings()
        quotes = self.session.scalars(select(Quote).order_by(Quote.id)).all()
        by_source: dict[int | None, list[Quote]] = {}
        for quote in quotes:
            by_source.setdefault(quote.source_id, []).append(quote)
        parent = _sub(root, "Sources")
        texts: list[tuple[str, str]] = []
        for source in sorted(sources, key=lambda s: (natural_key(s.name), s.id)):
            guid = source.guid
            texts.append((guid, source.text.replace("\n", self.line_end)))
            self.units = (units_of(source.text, self.reading, self.line_end)
                          if self.reading != SPEC else None)
            element = _sub(parent, "TextSource", guid=guid, name=source.name,
                           plainTextPath=f"internal://{guid}.txt",
                           creatingUser=self._user(source.imported_by_id),
                           creationDateTime=_when(source.imported_at))
            self._case_texts(element, source)
            anchored = [q for q in by_source.get(source.id, []) if q.start is not None]
            for quote in sorted(anchored, key=lambda q: (q.start, q.end, q.id)):
                self._selection(element, quote, codings_of.get(quote.id, []), filings)
            refs = list(self.note_refs.get(("source", source.id), []))
            for quote in by_source.get(source.id, []):
                if quote.start is None:
                    refs.append(self._unanchored(quote, source.name,
                                                 codings_of.get(quote.id, [])))
            for target in refs:
                _sub(element, "NoteRef", targetGUID=target)
        for quote in by_source.get(None, []):
            self._unanchored(quote, None, codings_of.get(quote.id, []))
        self.summary.sources = len(sources)
        return texts

    def _unanchored_without_source(self) -> None:
        codings_of: dict[int, list[Coding]] = {}
        for coding in self.session.scalars(select(Coding).order_by(Coding.id)):
            codings_of.setdefault(coding.quote_id, []).append(coding)
        for quote in self.session.scalars(select(Quote).order_by(Quote.id)):
            self._unanchored(quote, None, codings_of.get(quote.id, []))

    def _filings(self) -> dict[int, list[tuple[int, bool]]]:
        filed: dict[int, list[tuple[int, bool]]] = {}
        for coding_id, sub_id, is_primary in self.session.execute(
                select(CodingSubdivision.coding_id, CodingSubdivision.subdivision_id,
                       CodingSubdivision.is_primary)
                .order_by(CodingSubdivision.coding_id, CodingSubdivision.is_primary.desc(),
                          CodingSubdivision.subdivision_id)):
            filed.setdefault(coding_id, []).append((sub_id, bool(is_primary)))
        return filed

    def _selection(self, parent: etree._Element, quote: Quote, codings: list[Coding],
                   filings: dict[int, list[tuple[int, bool]]]) -> None:
        guid = quote.guid
        self.quote_guid[quote.id] = guid
        first = codings[0].coder_id if codings else None
        modified = _when(quote.updated_at)
        element = _sub(parent, "PlainTextSelection", guid=guid,
                       name=_short(quote.text), startPosition=str(self._at(quote.start)),
                       endPosition=str(self._at(quote.end)),
                       creatingUser=self._user(quote.created_by_id or first),
                       creationDateTime=_when(quote.created_at),
                       modifiedDateTime=modified if modified != _when(quote.created_at)
                       else None)
        described = selection_description([(self.code_names[c.code_id], c.emphasis, c.notes)
                                           for c in codings])
        if described:
            _text_child(element, "Description", described)
        for coding in codings:
            coded = _sub(element, "Coding", guid=coding.guid,
                         creatingUser=self._user(coding.coder_id),
                         creationDateTime=_when(coding.created_at))
            _sub(coded, "CodeRef", targetGUID=self.book.code[coding.code_id].guid)
            for target in self._coding_notes(coding, filings.get(coding.id, [])):
                _sub(coded, "NoteRef", targetGUID=target)
            self.summary.codings += 1
        if quote.sheet_text and quote.sheet_text != quote.text:
            # The quote as the researcher wrote it, with "(...)" or [own words]: a
            # named Note, so that no program takes it for a comment on the selection.
            _sub(element, "NoteRef", targetGUID=self._note(
                derived_guid(quote.guid, "sheet-text"), SHEET_TEXT_NOTE, quote.sheet_text,
                first, quote.created_at))
        self.summary.selections += 1

    def _case_texts(self, parent: etree._Element, source: Source) -> None:
        """The source's whole text coded with the code of each of its cases, where a
        receiver reads a case's texts that way (Receiver.case_codes)."""
        if not self.case_codes:
            return
        for case in source.cases:
            guid, key = self.case_codes[case.id]
            selection = _sub(parent, "PlainTextSelection",
                             guid=derived_guid(guid, f"text:{source.guid}"), name=key,
                             startPosition="0", endPosition=str(self._at(len(source.text))))
            coded = _sub(selection, "Coding", guid=derived_guid(guid, f"coding:{source.guid}"))
            _sub(coded, "CodeRef", targetGUID=guid)

    def _at(self, offset: int | None) -> int:
        """An offset of the source being written, in the units its receiver reads."""
        assert offset is not None
        return offset if self.units is None else self.units[offset]

    def _coding_notes(self, coding: Coding, filed: list[tuple[int, bool]]) -> list[str]:
        refs = []
        for kind, name, text in (("emphasis", EMPHASIS_NOTE, coding.emphasis),
                                 ("coding-notes", NOTES_NOTE, coding.notes)):
            if text:
                refs.append(self._note(derived_guid(coding.guid, kind), name, text,
                                       coding.coder_id, coding.updated_at))
        home = self.book.own_place(coding.code_id)
        if filed != ([(home, True)] if home is not None else []):
            text = "\n".join(f"{'primary' if p else 'other'}: {self.node_names[s]}"
                             for s, p in filed)
            refs.append(self._note(derived_guid(coding.guid, "filing"), FILING_NOTE, text,
                                   coding.coder_id, coding.updated_at))
        return refs

    def _unanchored(self, quote: Quote, source: str | None, codings: list[Coding]) -> str:
        codes = self.code_names
        lines = [quote.sheet_text or quote.text, ""]
        for coding in codings:
            lines.append(f"code: {codes[coding.code_id]}")
            if coding.emphasis:
                lines.append(f"emphasis: {coding.emphasis}")
            if coding.notes:
                lines.append(f"notes: {coding.notes}")
        guid = quote.guid
        self.quote_guid[quote.id] = guid
        self._note(guid, UNANCHORED_NOTE, "\n".join(lines).rstrip("\n"),
                   codings[0].coder_id if codings else None, quote.created_at,
                   description=f"not found in source {source}" if source else None)
        self.summary.unanchored.append(UnanchoredQuote(
            quote.id, source, tuple(codes[c.code_id] for c in codings), quote.text))
        return guid

    # -- notes, memos, links ----------------------------------------------------

    def _note(self, guid: str, name: str, text: str, coder_id: int | None,
              when: datetime | None, description: str | None = None,
              modified: datetime | None = None) -> str:
        element = etree.Element(_tag("Note"))
        element.set("guid", guid)
        element.set("name", xml_text(name))
        if coder_id is not None:
            element.set("creatingUser", self.coder_guid[coder_id])
        if when is not None:
            element.set("creationDateTime", _when(when) or "")
        if modified is not None and _when(modified) != _when(when):
            element.set("modifiedDateTime", _when(modified) or "")
        if description:
            _text_child(element, "Description", description)
        _text_child(element, "PlainTextContent", text)
        self.notes.append(element)
        return guid

    def _memos(self) -> None:
        cases = dict(self.session.execute(select(Case.id, Case.key)).all())
        for memo in self.session.scalars(select(Memo).order_by(Memo.id)):
            target: tuple[str, int | None] = ("project", None)
            description = None
            for kind in ("source", "code", "subdivision", "link", "case"):
                target_id = getattr(memo, f"{kind}_id")
                if target_id is not None:
                    target = (kind, target_id)
            if memo.case_id is not None:
                description = f"memo on case {cases[memo.case_id]}"
            guid = self._note(memo.guid, memo.title, memo.body,
                              memo.coder_id, memo.created_at, description, memo.updated_at)
            if target[0] != "case":
                self.note_refs.setdefault(target, []).append(guid)
            self.summary.memos += 1

    def _links(self) -> list[etree._Element]:
        links: list[etree._Element] = []
        supports: dict[int, list[int]] = {}
        for link_id, quote_id in self.session.execute(
                select(AxialLinkQuote.link_id, AxialLinkQuote.quote_id)
                .order_by(AxialLinkQuote.link_id, AxialLinkQuote.quote_id)):
            supports.setdefault(link_id, []).append(quote_id)
        for row in self.session.scalars(select(AxialLink).order_by(AxialLink.id)):
            guid = self.guid("link", row.id)
            element = etree.Element(_tag("Link"))
            element.set("guid", guid)
            element.set("name", xml_text(row.relation))
            element.set("direction", "OneWay" if row.directed else "Bidirectional")
            element.set("originGUID", self._node(row.from_subdivision_id, row.from_code_id))
            element.set("targetGUID", self._node(row.to_subdivision_id, row.to_code_id))
            refs = list(self.note_refs.get(("link", row.id), []))
            if row.note:
                refs.insert(0, self._note(self.guid("link-note", row.id), row.relation,
                                          row.note, row.coder_id, row.created_at))
            for target in refs:
                _sub(element, "NoteRef", targetGUID=target)
            links.append(element)
            for quote_id in supports.get(row.id, []):
                quote = self.quote_guid.get(quote_id)
                if quote is None:
                    continue
                support = etree.Element(_tag("Link"))
                support.set("guid", self.guid("link-quote", f"{row.id}:{quote_id}"))
                support.set("name", SUPPORTS_LINK)
                support.set("direction", "OneWay")
                support.set("originGUID", quote)
                support.set("targetGUID", guid)
                links.append(support)
        self.summary.links = len(links)
        return links

    def _node(self, subdivision_id: int | None, code_id: int | None) -> str:
        if subdivision_id is not None:
            return self.book.node_guid(subdivision_id)
        assert code_id is not None
        return self.book.code[code_id].guid

    def _user(self, coder_id: int | None) -> str | None:
        return None if coder_id is None else self.coder_guid[coder_id]


def decimal_text(value: float) -> str:
    """A float as xsd:decimal (no exponent): 1e-05 -> 0.00001."""
    text = format(Decimal(repr(value)), "f")
    return text[:-2] if text.endswith(".0") else text


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _SELECTION_NAME else flat[:_SELECTION_NAME - 1] + "…"


