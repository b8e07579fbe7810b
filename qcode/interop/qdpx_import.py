"""Importing a REFI-QDA project (.qdpx) from NVivo, ATLAS.ti, MAXQDA, QualCoder, qc.

The whole import is one transaction: a file refused half way changes nothing, and a
dry run sees every effect and keeps none. Mapping (the codebook: see qdc_import):

- Users become coders; each coding keeps the user who created it.
- TextSources become sources. Their text comes from the plain-text file; when that
  file is empty or one byte and a richTextPath .docx exists (NVivo for Mac), the
  text is taken from the .docx. A source with no text anywhere is kept empty (with
  its GUID), so it goes back out. PDF sources with a text representation or a text
  layer import as text *without* their selections (the summary says so); pictures,
  audio and video are listed as not imported.
- PlainTextSelections become quotes, each Coding a coding. Offsets are read as the
  spec says (code points) unless another reading fits the text far better (see
  `choose_reading`); any other reading is named in the summary. A selection that
  cannot be placed becomes an unanchored coding with its text, never dropped.
- A selection with a Description and no Coding is a comment: a memo on the source.
- Notes referenced from a coding or selection become the coding's notes; from a
  code, source or case, a memo on it; unreferenced notes, project memos.
- Cases with VariableValues become cases with typed attributes; MAXQDA's unnamed
  cases holding one source take that source's name; values on a TextSource go to
  a case named after the source. ATLAS.ti "name: value" Sets over sources become
  attributes too.
- Links between two codes become axial links (to the subdivision of a folder).
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from xml.etree.ElementTree import Element

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.errors import InputError, QcodeError
from qcode.files import private_folder
from qcode.ingest.formats.document import Document
from qcode.ingest.text import decode_transcript, normalise_newlines
from qcode.interop.identity import adopt_guid
from qcode.interop.qdc_import import (
    CodeTarget,
    ImportSummary,
    import_codebook,
    keep_set,
)
from qcode.interop.refi import (
    EMPHASIS_NOTE,
    FILING_NOTE,
    READING_NOTE,
    READINGS,
    SET_PREFIX,
    SHEET_TEXT_NOTE,
    SPEC,
    as_utc,
    selection_description,
)
from qcode.interop.refi_read import (
    QdpxArchive,
    child,
    child_text,
    children,
    guid_of,
    local,
    open_qdpx,
    parse_xml,
    resolve_path,
)
from qcode.names import clean_name, name_key
from qcode.services import axial, lookup, memos
from qcode.services.cases import AttributeValue, CaseRow, link_source, upsert_case
from qcode.services.coding import create_coding, file_coding
from qcode.services.memos import MemoInfo
from qcode.services.project import Project
from qcode.services.sources import NewSource, Turn, insert_source, twin_source
from qcode.store.models import (
    Attribute,
    Case,
    Coder,
    Coding,
    Memo,
    Quote,
    Source,
    Subdivision,
)

_NON_TEXT = {"PictureSource": "a picture", "AudioSource": "an audio recording",
             "VideoSource": "a video"}
# How qcode's export names the case a memo is on (the Note's Description).
CASE_MEMO_PREFIX = "memo on case "
_VARIABLE_TYPES = {"text": "text", "boolean": "category", "integer": "number",
                   "float": "number", "date": "date", "datetime": "date"}

def import_qdpx(project: Project, path: Path, dry_run: bool = False,
                coder: str | None = None) -> ImportSummary:
    """Import a REFI-QDA project into `project` in one transaction.

    Args:
        project: The open project.
        path: The .qdpx file.
        dry_run: Roll everything back at the end (the summary still tells all).
        coder: Who codings without a known creating user are recorded for.

    Raises:
        InputError: The archive or its XML is unsafe or broken, or a selection lies
            past the end of its text; nothing was changed.
    """
    with open_qdpx(path) as archive:
        root = parse_xml(archive.read(archive.qde_name), f"{path}:{archive.qde_name}")
        if local(root.tag) != "Project":
            raise InputError(f"{path}: {archive.qde_name} holds <{local(root.tag)}>, not a "
                             "<Project>; export the project again")
        summary = ImportSummary(str(path), dry_run)
        with project.step(f"import the REFI-QDA project {path.name}", coder, dry_run=dry_run,
                          backup_before="qdpx-import") as session:
            _Importer(session, archive, root, summary, coder).run()
    return summary


class _Importer:
    def __init__(self, session: Session, archive: QdpxArchive, root: Element,
                 summary: ImportSummary, coder: str | None) -> None:
        self.session = session
        self.archive = archive
        self.root = root
        self.summary = summary
        self.default_coder = coder
        self.base_path = root.get("basePath")
        self.users: dict[str, Coder] = {}
        self.codes: dict[str, CodeTarget] = {}
        self.sources: dict[str, Source] = {}  # source GUID -> stored source
        self.source_values: dict[str, list[Element]] = {}
        self.notes: dict[str, tuple[str, str]] = {}  # note GUID -> (title, text)
        self.note_cases: dict[str, str] = {}  # note GUID -> key of the case it is on
        self.note_times: dict[str, Times] = {}  # note GUID -> its times in the file
        self.note_authors: dict[str, str] = {}  # note GUID -> the coder who wrote it
        self.used_notes: set[str] = set()
        self.variables: dict[str, tuple[str, str]] = {}  # GUID -> (name, qcode type)
        # Cases that are also codes (QualCoder, NVivo): the sources coded with them.
        self.case_guids = frozenset(g for cases in children(root, "Cases")
                                    for case in children(cases, "Case") if (g := guid_of(case)))
        self.case_texts: dict[str, list[Source]] = {}

    def run(self) -> None:
        self._users()
        for codebook in children(self.root, "CodeBook"):
            self.codes.update(import_codebook(self.session, codebook, self.summary,
                                              self.case_guids))
        self._read_notes()
        self._read_variables()
        for sources in children(self.root, "Sources"):
            for element in sources:
                self._source(element)
        known = set(self.session.scalars(select(Attribute.id)))
        self._cases()
        self._variable_guids(known)
        self._links()
        self._sets()
        self._code_notes()
        for guid, (title, text) in self.notes.items():
            if guid not in self.used_notes:
                key = self.note_cases.get(guid)
                on_case = key is not None and self.session.scalars(
                    select(Case.id).where(Case.key == key)).first() is not None
                keep_memo(self.session, self.summary, title, text,
                          ("case", key) if on_case and key else None, self._author(guid),
                          times=self.note_times.get(guid, NO_TIMES), guid=guid)

    # --- people and notes ------------------------------------------------------------

    def _users(self) -> None:
        for users in children(self.root, "Users"):
            for user in children(users, "User"):
                guid = guid_of(user)
                name = clean_name(user.get("name") or user.get("id") or "")
                if not guid or not name:
                    self.summary.skip("User", guid or "?", "has no name or GUID")
                    continue
                new = self.session.scalars(select(Coder).where(Coder.name == name)).first()
                self.users[guid] = lookup.coder(self.session, name)
                if new is None:
                    self.summary.add("coders")
                    adopt_guid(self.session, self.users[guid], guid)

    def _coder(self, element: Element) -> Coder:
        guid = guid_of(element, "creatingUser")
        found = self.users.get(guid) if guid else None
        return found or lookup.coder(self.session, self.default_coder)

    def _read_notes(self) -> None:
        for notes in children(self.root, "Notes"):
            for note in children(notes, "Note"):
                guid = guid_of(note)
                if not guid:
                    continue
                text = child_text(note, "PlainTextContent")
                if text is None and note.get("plainTextPath"):
                    found = resolve_path(self.archive, note.get("plainTextPath"),
                                         self.base_path)
                    if found.entry:
                        text = normalise_newlines(
                            self.archive.read(found.entry).decode("utf-8-sig", "replace"))
                title = clean_name(note.get("name") or "") or "Note"
                self.notes[guid] = (title[:300], (text or "").strip())
                self.note_times[guid] = (moment(note.get("creationDateTime")),
                                         moment(note.get("modifiedDateTime")))
                author = self.users.get(guid_of(note, "creatingUser") or "")
                if author is not None:
                    self.note_authors[guid] = author.name
                # qcode's own export: the standard gives a case no NoteRef, so a memo
                # on a case is a note whose Description names the case.
                about = (child_text(note, "Description") or "").strip()
                if about.startswith(CASE_MEMO_PREFIX):
                    self.note_cases[guid] = about.removeprefix(CASE_MEMO_PREFIX).strip()

    def _author(self, note: str) -> str | None:
        """Who wrote a note: its creating user, else whom the import is for."""
        return self.note_authors.get(note, self.default_coder)

    def _notes_of(self, element: Element) -> list[tuple[str, str, Times, str]]:
        """(title, text, times, GUID) of each note an element refers to, marked as used:
        one memo each."""
        found = []
        for ref in children(element, "NoteRef"):
            guid = guid_of(ref, "targetGUID")
            if guid and guid in self.notes and self.notes[guid][1]:
                self.used_notes.add(guid)
                found.append((*self.notes[guid], self.note_times.get(guid, NO_TIMES), guid))
        return found

    def _note_text(self, element: Element) -> str | None:
        """The text of the notes an element refers to, marked as used."""
        texts = []
        for ref in children(element, "NoteRef"):
            guid = guid_of(ref, "targetGUID")
            if guid and guid in self.notes and self.notes[guid][0] != SHEET_TEXT_NOTE:
                self.used_notes.add(guid)
                texts.append(self.notes[guid][1])
        joined = "\n\n".join(t for t in texts if t)
        return joined or None

    def _read_variables(self) -> None:
        for variables in children(self.root, "Variables"):
            for variable in children(variables, "Variable"):
                guid = guid_of(variable)
                name = clean_name(variable.get("name") or "")
                kind = _VARIABLE_TYPES.get((variable.get("typeOfVariable") or "").lower())
                if guid and name:
                    self.variables[guid] = (name, kind or "text")

    def _variable_guids(self, known: set[int]) -> None:
        """The Variables' GUIDs, kept by the attributes this import made."""
        for guid, (name, _) in self.variables.items():
            attribute = self.session.scalars(select(Attribute).where(
                Attribute.name_key == name_key(name))).first()
            if attribute is not None and attribute.id not in known:
                adopt_guid(self.session, attribute, guid)

    # --- sources ---------------------------------------------------------------------

    def _source(self, element: Element) -> None:
        kind = local(element.tag)
        name = clean_name(element.get("name") or "") or (guid_of(element) or "source")
        if kind in _NON_TEXT:
            self.summary.skip(kind, name, f"{_NON_TEXT[kind]}; qcode holds text only")
            return
        if kind == "PDFSource":
            self._pdf(element, name)
            return
        if kind != "TextSource":
            self.summary.skip(kind, name, "unknown kind of source")
            return
        text = self._text_of(element, name)
        if text is None:
            return
        raw, stored = text
        if not stored:
            self.summary.notes.append(f"source {name!r} is kept as an empty source, so it "
                                      "goes back out with its GUID")
        source = self._store(element, name, stored, "qdpx")
        self._selections(element, source, raw, name)

    def _text_of(self, element: Element, name: str) -> tuple[str, str] | None:
        """(raw decoded text the offsets count in, the text qcode stores)."""
        inline = child_text(element, "PlainTextContent")
        data = b""
        where = f"{self.archive.path}:{name}"
        if inline is not None:
            data = inline.encode("utf-8")
        elif element.get("plainTextPath"):
            found = resolve_path(self.archive, element.get("plainTextPath"), self.base_path)
            if found.entry is None:
                self.summary.skip("TextSource", name, f"its text {found.problem}")
                return None
            data = self.archive.read(found.entry)
            where = f"{self.archive.path}:{found.entry}"
        rich_note = ""
        if len(data.strip()) <= 1 and element.get("richTextPath"):
            rich = resolve_path(self.archive, element.get("richTextPath"), self.base_path)
            rich_note = f" and its rich text {rich.problem}" if rich.problem else ""
            if rich.entry and rich.entry.casefold().endswith(".docx"):
                document = self._with_file(rich.entry, _read_docx)
                if document is not None and document.text.strip():
                    self.summary.notes.append(
                        f"source {name!r}: the plain text is empty; text taken from "
                        f"{rich.entry}")
                    return document.text, document.text
                rich_note = f" and {rich.entry} holds no text either"
        if not _holds_text(data):
            self.summary.notes.append(f"source {name!r}: its plain text is empty{rich_note}")
            return "", ""
        try:
            decoded = decode_transcript(data, where)
        except InputError as exc:
            self.summary.skip("TextSource", name, str(exc))
            return None
        raw = data.decode(decoded.encoding)
        if raw.startswith("\ufeff"):  # utf-16 keeps no BOM; utf-8 without -sig would
            raw = raw[1:]
        return raw, decoded.text

    def _with_file(self, entry: str, reader: Callable[[Path], Document]) -> Document | None:
        """Run a file reader on an archive entry written to a private temporary file.

        A file the reader refuses is noted with the reason and read as no text."""
        with private_folder() as folder:
            target = folder / Path(entry).name
            target.write_bytes(self.archive.read(entry))
            try:
                return reader(target)
            except QcodeError as exc:
                self.summary.notes.append(str(exc).replace(str(target), entry))
                return None

    def _pdf(self, element: Element, name: str) -> None:
        selections = len(children(element, "PDFSelection"))
        representation = child(element, "Representation")
        text = self._text_of(representation, name) if representation is not None else None
        if (text is None or not text[1]) and element.get("path"):
            found = resolve_path(self.archive, element.get("path"), self.base_path)
            if found.entry and found.entry.casefold().endswith(".pdf"):
                document = self._with_file(found.entry, _read_pdf)
                if document is not None:
                    text = (document.text, document.text)
        if text is None or not text[1]:
            self.summary.skip("PDFSource", name, "a PDF without a text layer qcode can read")
            return
        self._store(element, name, text[1], "pdf")
        self.summary.notes.append(f"PDF {name!r} imported as text without its "
                                  f"{selections} selections (PDF selections are areas "
                                  "of pages, not text offsets)")
        if selections:
            self.summary.skip("PDFSelection", name, f"{selections} selections on a PDF "
                              "page; recode them in the text")

    def _store(self, element: Element, name: str, text: str, fmt: str) -> Source:
        by = guid_of(element, "creatingUser")
        source = store_source(self.session, self.summary, name, text, fmt,
                              self.users[by].name if by in self.users else self.default_coder,
                              guid=guid_of(element),
                              created=moment(element.get("creationDateTime")))
        guid = guid_of(element) or name
        self.sources[guid] = source
        values = children(element, "VariableValue")
        if values:
            self.source_values[guid] = values
        for title, text, times, note in self._notes_of(element):
            keep_memo(self.session, self.summary, title, text, ("source", source.id),
                      self._author(note), times=times, guid=note)
        return source

    # --- selections ------------------------------------------------------------------

    def _selections(self, element: Element, source: Source, raw: str, name: str) -> None:
        selections = children(element, "PlainTextSelection")
        spans = [(_int(s.get("startPosition")), _int(s.get("endPosition"))) for s in selections]
        # qcode writes offsets as the standard counts them, or says how it wrote them:
        # nothing to guess.
        ours = (self.root.get("origin") or "").startswith("qcode")
        said = (child_text(self.root, "Description") or "") if ours else ""
        written = next((name for name in READINGS if f"{READING_NOTE}{name}" in said), None)
        reading, maps = choose_reading(raw, source.text, spans, trust_spec=ours,
                                       given=written)
        if reading != SPEC:
            self.summary.notes.append(f"source {source.name!r}: offsets read as {reading}, "
                                      "converted to code points")
        units = maps[reading]
        for selection, (start, end) in zip(selections, spans, strict=True):
            where = f"selection {selection.get('guid')} in {name!r}"
            if start is None or end is None:
                raise InputError(f"{self.archive.path}: {where} has no valid start/end "
                                 "position; export the project again; nothing was imported")
            if max(start, end) >= len(units) and all(
                    max(start, end) >= len(m) for m in maps.values()):
                raise InputError(f"{self.archive.path}: {where} ends at {end}, past the end "
                                 f"of its text ({len(units) - 1}); the file is damaged or "
                                 "does not belong to this text; nothing was imported")
            placed = None
            if 0 <= start < end < len(units) and units[start] >= 0 and units[end] >= 0:
                placed = (units[start], units[end])
            self._selection(selection, source, raw, placed, (start, end))
        forget_placed(self.session, source)

    def _selection(self, selection: Element, source: Source, raw: str,
                   placed: tuple[int, int] | None, given: tuple[int, int]) -> None:
        codings = children(selection, "Coding")
        description = child_text(selection, "Description")
        sheet_text = self._sheet_text(selection)
        note = self._note_text(selection)
        if not codings:
            if description or note:
                span = f"{placed[0]}-{placed[1]}" if placed else "unplaced"
                quoted = source.text[placed[0]:placed[1]] if placed else ""
                body = "\n\n".join(x for x in (description, note, f"> {quoted}" if quoted
                                                else "") if x)
                keep_memo(self.session, self.summary, f"Comment at {span}", body,
                          ("source", source.id), self._coder(selection).name,
                          "comments as memos")
            else:
                self.summary.skip("PlainTextSelection", selection.get("guid") or "?",
                                  "no coding, description or note")
            return
        wanted: list[tuple[Element, CodeTarget]] = []
        for coding in codings:
            ref = child(coding, "CodeRef")
            guid = guid_of(ref, "targetGUID") if ref is not None else None
            if guid in self.case_guids:  # a case's text: the case stands behind the source
                self.case_texts.setdefault(guid, []).append(source)
                continue
            target = self.codes.get(guid) if guid else None
            if target is None or target.code is None:
                self.summary.skip("Coding", coding.get("guid") or "?",
                                  f"its code {guid} is not a codable code of the codebook")
                continue
            wanted.append((coding, target))
        # A quote exists only for its codings: none left, or no words to keep, no quote.
        if not wanted:
            return
        if placed is None and not self._unplaced_text(raw, given, selection):
            self.summary.skip("PlainTextSelection", selection.get("guid") or "?",
                              f"selects no characters ({given[0]}-{given[1]}) and has no name")
            return
        quote = self._quote(source, raw, placed, given, selection)
        if not quote.codings:  # a new quote: the selection's times and who made it
            created = moment(selection.get("creationDateTime"))
            if created is not None:
                quote.created_at = created
            modified = moment(selection.get("modifiedDateTime")) or created
            if modified is not None:
                quote.updated_at = modified
            maker = self.users.get(guid_of(selection, "creatingUser") or "")
            if maker is not None:
                quote.created_by_id = maker.id
        if sheet_text and quote.anchor != "unanchored":
            quote.sheet_text = sheet_text
        found = [(coding, target, *self._coding_notes(coding)) for coding, target in wanted]
        if description and description == selection_description(
                [(target.name, emphasis, extra) for _, target, emphasis, extra, _ in found]):
            description = None  # qcode's own summary of the notes read just above
        for coding, target, emphasis, extra, filing in found:
            notes = "\n\n".join(x for x in (description, note, extra) if x)
            self._coding(quote, target, self._coder(coding), notes or None, emphasis, filing,
                         coding)

    def _quote(self, source: Source, raw: str, placed: tuple[int, int] | None,
               given: tuple[int, int], selection: Element) -> Quote:
        if placed is None:
            start, end = given
            text = self._unplaced_text(raw, given, selection)
            self.summary.notes.append(f"selection {selection.get('guid')} in "
                                      f"{source.name!r} ({start}-{end}) falls inside a "
                                      "character under the reading used; kept unanchored")
            return unanchored_quote(self.session, self.summary, source, text,
                                    guid=guid_of(selection))
        return anchored_quote(self.session, self.summary, source, *placed,
                              guid=guid_of(selection))

    @staticmethod
    def _unplaced_text(raw: str, given: tuple[int, int], selection: Element) -> str:
        """The words an unplaceable selection keeps: its span of the raw text, or its name."""
        start, end = given
        return raw[max(start, 0):max(end, 0)] or clean_name(selection.get("name") or "")

    def _sheet_text(self, selection: Element) -> str | None:
        """qcode's "Quote as written" note on a selection: the researcher's wording."""
        for ref in children(selection, "NoteRef"):
            guid = guid_of(ref, "targetGUID")
            if guid and guid in self.notes and self.notes[guid][0] == SHEET_TEXT_NOTE:
                self.used_notes.add(guid)
                return self.notes[guid][1]
        return None

    def _coding_notes(self, coding: Element) -> tuple[str | None, str | None,
                                                      list[tuple[str, bool]] | None]:
        """A coding's notes: qcode's own (emphasis, notes, filing) told apart from others.

        qcode writes emphasis and notes as Notes named "Emphasis" and "Notes", and a
        filing other than the code's home as "Subdivisions" ("primary: X" lines), so a
        qcode project comes back as it went out. Other programs' notes become notes.
        """
        emphasis: str | None = None
        notes: list[str] = []
        filing: list[tuple[str, bool]] | None = None
        for ref in children(coding, "NoteRef"):
            guid = guid_of(ref, "targetGUID")
            if not guid or guid not in self.notes:
                continue
            self.used_notes.add(guid)
            title, text = self.notes[guid]
            if title == EMPHASIS_NOTE and text:
                emphasis = text
            elif title == FILING_NOTE:
                filing = []
                for line in text.splitlines():
                    kind, _, name = line.partition(":")
                    if name.strip() and kind.strip() in ("primary", "other"):
                        filing.append((name.strip(), kind.strip() == "primary"))
            elif text:
                notes.append(text)
        return emphasis, "\n\n".join(notes) or None, filing

    def _coding(self, quote: Quote, target: CodeTarget, coder: Coder,
                notes: str | None, emphasis: str | None = None,
                filing: list[tuple[str, bool]] | None = None,
                element: Element | None = None) -> None:
        times = (None, None) if element is None else (
            moment(element.get("creationDateTime")), moment(element.get("modifiedDateTime")))
        add_coding(self.session, self.summary, quote, target, coder, notes, emphasis, filing,
                   times, guid=None if element is None else guid_of(element))

    # --- cases, links, sets ----------------------------------------------------------

    def _cases(self) -> None:
        named_by_source: set[str] = set()
        for cases in children(self.root, "Cases"):
            for case in children(cases, "Case"):
                refs = [g for r in children(case, "SourceRef")
                        if (g := guid_of(r, "targetGUID"))]
                name = clean_name(case.get("name") or "")
                if not name and len(refs) == 1 and refs[0] in self.sources:
                    name = self.sources[refs[0]].name  # MAXQDA: a source's variables
                    named_by_source.add(refs[0])
                if not name:
                    self.summary.skip("Case", case.get("guid") or "?",
                                      "has no name and not exactly one source")
                    continue
                stored = self._case(name, children(case, "VariableValue"),
                                    [self.sources[g] for g in refs if g in self.sources]
                                    + self.case_texts.get(guid_of(case) or "", []),
                                    child_text(case, "Description"), guid_of(case))
                # Notes on a case (outside the schema, but written) are about the
                # person, never their name: memos on the case, each with its title.
                for title, text, times, note in self._notes_of(case):
                    keep_memo(self.session, self.summary, title, text, ("case", stored.key),
                              self._author(note), times=times, guid=note)
        for guid, values in self.source_values.items():
            source = self.sources[guid]
            self._case(source.name, values, [source], None)

    def _case(self, key: str, values: list[Element], sources: list[Source],
              description: str | None, guid: str | None = None) -> Case:
        attributes: dict[str, tuple[str, AttributeValue]] = {}
        for value in values:
            parsed = self._value(value)
            if parsed is not None:
                attributes[parsed[0]] = parsed[1]
        new = self.session.scalars(select(Case).where(Case.key == key[:100])).first() is None
        # A one-line description names the person (qcode writes the name there);
        # anything longer is a note about the case and becomes a memo on it.
        label = description if description and "\n" not in description and len(
            description) <= 200 else None
        case = upsert_case(self.session, CaseRow(key=key[:100], name=label,
                                                 attributes=attributes))
        self.summary.add("cases", int(new))
        if new:
            adopt_guid(self.session, case, guid)
        self.summary.add("attribute values", len(attributes))
        for source in sources:
            link_source(self.session, source.id, case.id)
        if description and label is None:
            keep_memo(self.session, self.summary, f"Case {case.key}", description,
                      ("case", case.key), self.default_coder)
        return case

    def _value(self, element: Element) -> tuple[str, tuple[str, AttributeValue]] | None:
        ref = child(element, "VariableRef")
        guid = guid_of(ref, "targetGUID") if ref is not None else None
        if guid is None or guid not in self.variables:
            self.summary.skip("VariableValue", guid or "?", "names no known Variable")
            return None
        name, kind = self.variables[guid]
        for holder in element:
            tag, text = local(holder.tag), (holder.text or "").strip()
            if tag == "VariableRef" or not text:
                continue
            try:
                if tag in ("IntegerValue", "FloatValue"):
                    return name, ("number", float(text))
                if tag in ("DateValue", "DateTimeValue"):
                    return name, ("date", date.fromisoformat(text[:10]))
            except ValueError:
                self.summary.skip("VariableValue", name, f"{text!r} is not a {tag}")
                return None
            return name, ("category" if tag == "BooleanValue" else kind if kind in (
                "text", "category") else "text", text)
        return None

    def _links(self) -> None:
        for links in children(self.root, "Links"):
            for link in children(links, "Link"):
                name = clean_name(link.get("name") or "") or "related"
                found = [self.codes.get(guid_of(link, a) or "") for a in
                         ("originGUID", "targetGUID")]
                ends = [e for e in found if e is not None]
                if len(ends) != 2:
                    self.summary.skip("Link", name, "both ends must be codes (qcode links "
                                      "codes and subdivisions, not sources or selections)")
                    continue
                refs = [f"subdivision:{e.node.name}" if e.node is not None else
                        f"code:{e.name}" for e in ends]
                try:
                    axial.link(self.session, refs[0], refs[1], name,
                               note=self._note_text(link), coder=self._coder(link).name,
                               directed=(link.get("direction") or "") == "OneWay")
                except QcodeError as exc:
                    self.summary.skip("Link", name, str(exc))
                    continue
                self.summary.add("links")

    def _sets(self) -> None:
        ours = (self.root.get("origin") or "").startswith("qcode")
        for sets in children(self.root, "Sets"):
            for element in children(sets, "Set"):
                label = element.get("name") or ""
                if label.startswith(SET_PREFIX):
                    # qcode's own: the codings' filing notes already say it all.
                    self.summary.add("qcode filing sets (read from the codings)")
                    continue
                members = [g for m in children(element, "MemberSource")
                           if (g := guid_of(m, "targetGUID") or guid_of(m)) and g in self.sources]
                attribute, colon, value = label.partition(":")
                if not ours and colon and attribute.strip() and value.strip() and members \
                        and not children(element, "MemberCode"):
                    for guid in members:  # ATLAS.ti: a document group "name: value"
                        source = self.sources[guid]
                        case = upsert_case(self.session, CaseRow(
                            key=source.name[:100],
                            attributes={clean_name(attribute): ("text", value.strip())}))
                        link_source(self.session, source.id, case.id)
                        self.summary.add("attribute values")
                    continue
                keep_set(self.session, element, self.codes, self.sources, self.summary)

    def _code_notes(self) -> None:
        """Notes referenced from codes of the codebook: memos on those codes."""
        for codebook in children(self.root, "CodeBook"):
            for code in codebook.iter():
                if local(code.tag) != "Code":
                    continue
                target = self.codes.get(guid_of(code) or "")
                if target is None:
                    continue
                kind, ref = ("code", target.name) if target.code else (
                    "subdivision", target.node.name if target.node else target.name)
                for title, text, times, note in self._notes_of(code):
                    keep_memo(self.session, self.summary, title, text, (kind, ref),
                              self._author(note), times=times, guid=note)


# --- storing, shared with the QualCoder importer -------------------------------------
# Each helper finds what an earlier import of the same file stored before adding
# anything, so importing a project twice adds nothing the second time.


def store_source(session: Session, summary: ImportSummary, name: str, text: str, fmt: str,
                 coder: str | None, original_filename: str | None = None,
                 turns: Sequence[Turn] = (), guid: str | None = None,
                 created: datetime | None = None) -> Source:
    """The source holding `text`: the one already in the project, or a new one.

    An empty text is another program's empty document: the source with the same GUID
    when there is one, else a new empty source. A new source is named `name` (made
    free), remembers `original_filename` (default
    `name`), takes the speaker `turns` found in its text and keeps the file's `guid`
    and the time it `created` the source (when it came into the project there).
    """
    existing = twin_source(session, text, guid)
    if existing is not None:
        summary.notes.append(f"source {name!r} is already in the project as "
                             f"{existing.name!r}; its codings are added there")
        return existing
    source = insert_source(session, NewSource(
        name=name[:290], text=text, format=fmt, original_filename=original_filename or name,
        encoding="utf-8", turns=turns), coder)
    adopt_guid(session, source, guid)
    if created is not None:
        source.imported_at = created
    summary.add("sources")
    return source


@dataclass
class _Placed:
    """What one import has seen of a source: its quotes by span and the codings on
    them, read once per source (an import of 50,000 selections asked the database
    twice per selection, and flushed each time)."""

    spans: dict[tuple[int, int], Quote]
    # (id(quote), code id, coder id) -> the coding, or its id when it was there before
    coded: dict[tuple[int, int, int], Coding | int]


_PLACED = "qcode.import.placed"


def _placed(session: Session, source: Source) -> _Placed:
    known: dict[int, _Placed] = session.info.setdefault(_PLACED, {})
    if source.id not in known:
        with session.no_autoflush:
            quotes = session.scalars(select(Quote).where(
                Quote.source_id == source.id, Quote.start.is_not(None))).all()
            by_id = {q.id: q for q in quotes}
            codings = session.execute(
                select(Coding.id, Coding.quote_id, Coding.code_id, Coding.coder_id)
                .join(Quote, Quote.id == Coding.quote_id)
                .where(Quote.source_id == source.id, Quote.start.is_not(None))).all()
        known[source.id] = _Placed(
            {(q.start, q.end): q for q in quotes if q.start is not None and q.end is not None},
            {(id(by_id[quote_id]), code_id, coder_id): coding_id
             for coding_id, quote_id, code_id, coder_id in codings})
    return known[source.id]


def _node(session: Session, name: str) -> Subdivision:
    """The subdivision called `name`, made if new, looked up once per import."""
    nodes: dict[str, Subdivision] = session.info.setdefault("qcode.import.nodes", {})
    key = name_key(name)
    if key not in nodes:
        nodes[key] = lookup.subdivision(session, name, create=True)[0]
    return nodes[key]


def forget_placed(session: Session, source: Source) -> None:
    """Write what an import placed in `source` and let go of it: memory stays at one
    source's quotes and codings, whatever the size of the project."""
    session.flush()
    session.info.get(_PLACED, {}).pop(source.id, None)


def anchored_quote(session: Session, summary: ImportSummary, source: Source, start: int,
                   end: int, anchor: str = "exact", sheet_text: str | None = None,
                   guid: str | None = None) -> Quote:
    """The quote of `source` at [start, end): the one there already, or a new one (with
    the file's `guid` for the selection)."""
    spans = _placed(session, source).spans
    if (start, end) in spans:
        return spans[(start, end)]
    quote = Quote(source=source, start=start, end=end, text=source.text[start:end],
                  sheet_text=sheet_text, anchor=anchor)
    adopt_guid(session, quote, guid)
    session.add(quote)
    spans[(start, end)] = quote
    summary.add("quotes")
    return quote


def unanchored_quote(session: Session, summary: ImportSummary, source: Source,
                     text: str, guid: str | None = None) -> Quote:
    """A quote of `source` that has no place in its text, kept with its words."""
    session.flush()
    existing = session.scalars(select(Quote).where(
        Quote.source_id == source.id, Quote.anchor == "unanchored", Quote.text == text)).first()
    if existing is not None:
        return existing
    quote = Quote(source=source, text=text, sheet_text=text, anchor="unanchored")
    adopt_guid(session, quote, guid)
    session.add(quote)
    session.flush()
    summary.add("unanchored quotes")
    return quote


def add_coding(session: Session, summary: ImportSummary, quote: Quote, target: CodeTarget,
               coder: Coder, notes: str | None, emphasis: str | None = None,
               filing: list[tuple[str, bool]] | None = None,
               times: tuple[datetime | None, datetime | None] = (None, None),
               guid: str | None = None) -> Coding | None:
    """Code `quote` with the code of `target`, filed where the code sits.

    `filing` is qcode's own record of where a coding was filed ((subdivision, primary)
    pairs); without it the coding is filed under the code's place in the tree.
    `times` are the file's creation and modification times of the coding, kept.
    Returns the new coding, or None when the quote already had it (a re-import).
    """
    assert target.code is not None
    key = (id(quote), target.code.id, coder.id)
    coded: dict[tuple[int, int, int], Coding | int]
    if quote.start is not None and quote.source is not None:
        coded = _placed(session, quote.source).coded
        found = coded.get(key)
        existing = session.get(Coding, found) if isinstance(found, int) else found
    else:
        session.flush()
        coded = {}
        existing = session.scalars(select(Coding).where(
            Coding.quote_id == quote.id, Coding.code_id == target.code.id,
            Coding.coder_id == coder.id)).first()
    home = [(target.filed_under, True)] if target.filed_under is not None else []
    if existing is not None:
        # The same code in two branches of the tree (a code already in the project
        # under that name): one coding, filed under both branches.
        before = len(existing.subdivisions)
        file_coding(existing, home)
        if len(existing.subdivisions) > before:
            summary.add("codings filed under a second branch")
        return None
    places = home if filing is None else [(_node(session, name), primary)
                                          for name, primary in filing]
    created, modified = times
    coding = create_coding(session, quote, target.code, coder, emphasis=emphasis, notes=notes,
                           filing=places, created_at=created, updated_at=modified or created)
    adopt_guid(session, coding, guid)
    coded[key] = coding
    summary.add("codings")
    if coding.notes:
        summary.add("coding notes")
    return coding


def keep_memo(session: Session, summary: ImportSummary, title: str, body: str,
              target: memos.Target | None, coder: str | None,
              counted_as: str = "memos", times: Times = (None, None),
              guid: str | None = None) -> MemoInfo | None:
    """Write a memo unless the same one (title, text, target) is there already.

    `times` are the file's creation and modification times of the note, and `guid`
    its GUID, kept.
    Returns the new memo, or None when an earlier import wrote it.
    """
    title = " ".join(title.split())[:300] or "Note"
    same = memos.list_memos(session, target_kind=memos.PROJECT if target is None else None,
                            target=target)
    if any(m.title == title and m.body == body for m in same):
        return None
    summary.add(counted_as)
    made = memos.add_memo(session, title, body, target, coder=coder)
    created, modified = times
    memo = session.get(Memo, made.id)
    assert memo is not None
    adopt_guid(session, memo, guid)
    if created is not None or modified is not None:
        memo.created_at = created or memo.created_at
        memo.updated_at = modified or created or memo.updated_at
    return made


Times = tuple[datetime | None, datetime | None]  # created, modified: as a file gives them
NO_TIMES: Times = (None, None)


def moment(value: str | None) -> datetime | None:
    """An xsd:dateTime as the files write it ("2021-03-05T14:02:11Z", with or without a
    zone, fractions of a second), as a time in UTC; None where there is none or it is
    not a date (a program's own format: the import's time stands instead)."""
    if not value or not value.strip():
        return None
    try:
        found = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return as_utc(found)


def _holds_text(data: bytes) -> bool:
    """False for a text file of white space only, or only a UTF-8 byte-order mark."""
    return bool(data.removeprefix(codecs.BOM_UTF8).strip())


def _int(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


def _read_docx(path: Path) -> Document:
    from qcode.ingest.formats.office import read_docx

    return read_docx(path)


def _read_pdf(path: Path) -> Document:
    from qcode.ingest.formats.pdf import read_pdf

    return read_pdf(path)


# --- offsets -------------------------------------------------------------------------


def unit_map(raw: str, utf16: bool, crlf_two: bool) -> list[int]:
    """For each offset under one reading of `raw`, the code point in the stored text.

    The stored text is `raw` with CRLF and lone CR as LF. An offset that falls inside
    a character under this reading (between CR and LF, or between the two halves of
    a UTF-16 surrogate pair) maps to -1. The list has one entry past the last unit.
    """
    out: list[int] = []
    n = i = 0
    while i < len(raw):
        ch = raw[i]
        out.append(n)
        if ch == "\r" and i + 1 < len(raw) and raw[i + 1] == "\n":
            if crlf_two:
                out.append(-1)
            i += 2
        else:
            if utf16 and ord(ch) > 0xFFFF:
                out.append(-1)
            i += 1
        n += 1
    out.append(n)
    return out


def _at_boundary(text: str, p: int) -> bool:
    return p <= 0 or p >= len(text) or not (text[p - 1].isalnum() and text[p].isalnum())


def choose_reading(raw: str, text: str, spans: list[tuple[int | None, int | None]],
                   trust_spec: bool = False, given: str | None = None
                   ) -> tuple[str, dict[str, list[int]]]:
    """Which reading of the offsets fits: the one whose selections start and end on
    word boundaries most often. Returns it and every map.

    The spec's reading stands unless another fits clearly better: on at least two
    selections and a tenth of them more, so a few selections that happen to cut a
    word (a researcher's own choice) never shift a whole source.
    """
    maps = {name: unit_map(raw, *flags) for name, flags in READINGS.items()}
    if given is not None:
        return given, maps
    if trust_spec or "\r" not in raw and raw.isascii() or not spans:
        return SPEC, maps
    scores = {}
    for name, units in maps.items():
        score = 0
        for start, end in spans:
            if start is None or end is None or not 0 <= start < end < len(units):
                continue
            a, b = units[start], units[end]
            if a >= 0 and b >= 0 and _at_boundary(text, a) and _at_boundary(text, b):
                score += 1
        scores[name] = score
    best = max(scores.values())
    if best - scores[SPEC] < max(2, len(spans) / 10):
        return SPEC, maps
    return next(name for name in READINGS if scores[name] == best), maps
