"""Importing a QualCoder project: the `name.qda` folder and the SQLite `data.qda` in it.

QualCoder keeps a project in one SQLite file. It is read directly (opened read-only,
so the other program's project is never touched), checked for the tables every
QualCoder version writes, and taken into qcode in one transaction: a file refused half
way changes nothing, and a dry run sees every effect and keeps none. Mapping:

- Categories (`code_cat`, nested by `supercatid` to any depth) and codes
  (`code_name`, filed by `catid`; sub-codes by `supercid` where QualCoder has them)
  form the same tree a REFI-QDA codebook does and go through the same code
  (`qdc_import.import_tree`): a top-level category becomes a subdivision group, one
  below it a subdivision, and each coding is filed under its code's category.
- Text sources (`source` with `fulltext`; documents and PDFs, whose text QualCoder
  coded) become sources; pictures, audio and video are listed as not imported with
  how many codings they hold. Codings (`code_text`) become quotes and codings with
  the `owner` as coder, the coding memo as its notes and "important" as emphasis.
- Positions count characters (code points), as qcode does. Each coding's stored
  text (`seltext`) is checked against its span; a span past the end of the text or
  holding other words is placed again where its text is (the nearest place it
  occurs, else the loose search of `qcode.anchor`), or kept unanchored with
  its words; the summary says which and why.
- Cases become cases, tied to the sources `case_text` links; case attributes become
  typed case attributes (numeric -> number; character -> text, or date when every
  value is an ISO date). qcode's attributes belong to cases, so file attributes are
  kept as a memo on their source.
- Memos on sources, codes, categories and cases become memos on them; the journal
  and the project memo, project memos; annotations, memos on their source quoting
  the annotated words and where they are.

Importing the same project again adds nothing: each row is looked for first.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.anchor import Corpus, nearest_occurrence
from qcode.errors import InputError
from qcode.ingest.limits import TEXT_VARIABLE, max_text_chars
from qcode.ingest.text import normalise_newlines
from qcode.ingest.turns import find_turns
from qcode.interop.qdc_import import CodeTarget, ImportSummary, TreeEntry, import_tree
from qcode.interop.qdpx_import import (
    add_coding,
    anchored_quote,
    keep_memo,
    store_source,
    unanchored_quote,
    unit_map,
)
from qcode.interop.refi import READINGS, SPEC
from qcode.names import clean_name, natural_key
from qcode.services import lookup
from qcode.services.cases import AttributeValue, CaseRow, link_source, upsert_case
from qcode.services.memos import MemoInfo, Target
from qcode.services.project import Project
from qcode.store.models import Case, Coder, Memo, Quote, Source

DATABASE = "data.qda"
# Every QualCoder version since 1.0 writes these; without them it is not a project.
TABLES = ("source", "code_name", "code_cat", "code_text", "cases", "case_text",
          "attribute_type", "attribute", "journal", "annotation")
# Read when present: codings of pictures and recordings (counted), the project memo.
_OPTIONAL = ("code_image", "code_av", "project")
# The columns the import cannot do without, which every QualCoder version writes; other
# columns are read when there and taken as empty when not.
COLUMNS = {
    "source": ("id", "name", "fulltext"), "code_name": ("cid", "name"),
    "code_cat": ("catid", "name"), "code_text": ("cid", "fid", "pos0", "pos1"),
    "cases": ("caseid", "name"), "case_text": ("caseid", "fid"),
    "attribute_type": ("name",), "attribute": ("name", "attr_type", "value", "id"),
    "journal": ("jentry",), "annotation": ("fid", "pos0", "pos1"),
    "code_image": ("id",), "code_av": ("id",),
}
# Columns read as text: a binary value there is a damaged file, not words to store.
_TEXT = {"name", "fulltext", "memo", "owner", "seltext", "jentry", "value", "mediapath",
         "color", "attr_type", "valuetype", "date"}
_MEDIA = {"images": "a picture", "audio": "an audio recording", "video": "a video"}
# QualCoder names a source by its file; qcode by the file's stem, as `qcode import`.
_DOCUMENT_SUFFIXES = {".txt", ".docx", ".doc", ".odt", ".rtf", ".md", ".pdf", ".epub",
                      ".htm", ".html"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
IMPORTANT = "important"  # the emphasis of a coding QualCoder marks important


def find_database(path: Path) -> Path:
    """The `data.qda` of a QualCoder project given as its folder or as the file itself.

    Raises:
        InputError: The folder holds no data.qda, or the path does not exist.
    """
    if path.is_dir():
        found = path / DATABASE
        if not found.is_file():
            raise InputError(f"{path}: no {DATABASE} inside, so it is not a QualCoder "
                             "project folder; give the folder QualCoder opens (name.qda)")
        return found
    if not path.is_file():
        raise InputError(f"{path}: no such file or folder")
    return path


def import_qualcoder(project: Project, path: Path, dry_run: bool = False,
                     coder: str | None = None) -> ImportSummary:
    """Import a QualCoder project into `project` in one transaction.

    Args:
        project: The open project.
        path: The QualCoder project folder (name.qda) or its data.qda.
        dry_run: Roll everything back at the end (the summary still tells all).
        coder: Who codings, memos and sources without an owner are recorded for.

    Returns:
        What came in, every row that did not with the reason, and notes.

    Raises:
        InputError: Not a readable QualCoder database (not SQLite, tables missing);
            nothing was changed.
    """
    database = find_database(path)
    tables = read_tables(database)
    summary = ImportSummary(str(path), dry_run)
    with project.step(f"import the QualCoder project {path.name}", coder, dry_run=dry_run,
                      backup_before="qualcoder-import") as session:
        _Importer(session, tables, summary, coder).run()
    return summary


def read_tables(database: Path) -> dict[str, list[dict[str, Any]]]:
    """Every row of the tables the import reads, opened read-only.

    Raises:
        InputError: The file is not SQLite or lacks a table QualCoder always writes.
    """
    todo = f"give the project folder QualCoder opens (name.qda) or the {DATABASE} in it"
    try:
        connection = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise InputError(f"{database}: cannot open it ({exc}); {todo}") from exc
    try:
        # No value may be longer than a source's text can be (bytes of UTF-8), whatever
        # the file does to make one: SQLite refuses to build it, so memory stays bounded.
        connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 4 * max_text_chars())
        connection.row_factory = sqlite3.Row
        present = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = [name for name in TABLES if name not in present]
        if missing:
            raise InputError(f"{database}: not a QualCoder project (no table "
                             f"{', '.join(missing)}); {todo}; nothing was imported")
        tables = {}
        for name in (*TABLES, *(t for t in _OPTIONAL if t in present)):
            _refuse_computed_columns(connection, database, name)
            cursor = connection.execute(f'SELECT * FROM "{name}"')
            columns = {column[0] for column in cursor.description}
            lacking = [c for c in COLUMNS.get(name, ()) if c not in columns]
            if lacking:
                raise InputError(
                    f"{database}: table {name} has no column {', '.join(lacking)}, which "
                    "every QualCoder project has; the file is damaged or not QualCoder's; "
                    f"{todo}; nothing was imported")
            tables[name] = [dict(row) for row in cursor]
            _check_values(database, name, tables[name])
        return tables
    except sqlite3.DataError as exc:  # a value past the length limit set above
        raise InputError(f"{database}: a value longer than {max_text_chars():,} characters "
                         f"({exc}); no QualCoder project holds one: the file is damaged or "
                         f"made to exhaust memory (a longer text? set {TEXT_VARIABLE}); "
                         "nothing was imported") from exc
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{database}: not a QualCoder project ({exc}); {todo}; "
                         "nothing was imported") from exc
    finally:
        connection.close()


def _refuse_computed_columns(connection: sqlite3.Connection, database: Path,
                             table: str) -> None:
    """QualCoder stores its values; a column computed on every read (a generated column)
    can make gigabytes out of nothing, so such a file is refused before any is read."""
    for row in connection.execute(f'PRAGMA table_xinfo("{table}")'):
        if row["hidden"] in (2, 3):  # generated: VIRTUAL or STORED
            raise InputError(f"{database}: table {table}, column {row['name']} is computed "
                             "when read, which QualCoder never writes; the file is not "
                             "QualCoder's or was made to exhaust memory; nothing was imported")


def _check_values(database: Path, table: str, rows: list[dict[str, Any]]) -> None:
    """Refuse a value no QualCoder writes: binary data as text, a NUL character.

    A NUL is never part of a transcript or a name (it comes from damage), and
    PostgreSQL cannot store one, so the file is refused whichever store takes it.
    """
    for n, row in enumerate(rows, 1):
        for column, value in row.items():
            damage = None
            if isinstance(value, bytes) and column in _TEXT:
                damage = "holds binary data, not text"
            elif isinstance(value, str) and "\0" in value:
                damage = f"holds a NUL character (at character {value.index(chr(0))})"
            elif isinstance(value, str) and len(value) > max_text_chars():
                damage = (f"holds {len(value):,} characters, more than the "
                          f"{max_text_chars():,} qcode holds in one source (split the text "
                          f"in QualCoder first, or set {TEXT_VARIABLE} to allow more)")
            if damage is not None:
                raise InputError(f"{database}: table {table}, row {n}, column {column} "
                                 f"{damage}, so the file is damaged; open the project in "
                                 "QualCoder, fix or remove it, and import again; nothing "
                                 "was imported")


@dataclass
class _Text:
    """A source QualCoder coded, as stored here, with the offset readings of its text."""

    source: Source
    raw: str  # QualCoder's fulltext, which its positions count in
    maps: dict[str, list[int]] = field(default_factory=dict)
    corpus: Corpus | None = None

    def units(self, reading: str) -> list[int]:
        if reading not in self.maps:
            self.maps[reading] = unit_map(self.raw, *READINGS[reading])
        return self.maps[reading]

    def span(self, start: int, end: int, reading: str = SPEC) -> tuple[int, int] | None:
        """QualCoder's [start, end) under one reading as stored offsets, if it is one."""
        units = self.units(reading)
        if 0 <= start < end < len(units) and units[start] >= 0 and units[end] >= 0:
            return units[start], units[end]
        return None


class _Importer:
    def __init__(self, session: Session, tables: dict[str, list[dict[str, Any]]],
                 summary: ImportSummary, coder: str | None) -> None:
        self.session = session
        self.tables = tables
        self.summary = summary
        self.default_coder = coder
        self.coders: dict[str, Coder] = {}
        self.targets: dict[str, CodeTarget] = {}
        self.code_names: dict[int, str] = {}
        self.texts: dict[int, _Text] = {}  # QualCoder source id -> imported text
        self.not_imported: dict[int, str] = {}  # QualCoder source id -> its name
        self.read_as: set[tuple[int, str]] = set()  # (source id, reading) said so

    def run(self) -> None:
        self._codebook()
        self._sources()
        self._codings()
        self._cases()
        self._file_attributes()
        self._annotations()
        self._journal()

    # --- people and dates --------------------------------------------------------------

    def _coder(self, owner: object) -> Coder:
        name = clean_name(str(owner or "")) or None
        key = name or ""
        if key not in self.coders:
            known = name is None or self.session.scalars(
                select(Coder.id).where(Coder.name == name)).first() is not None
            self.coders[key] = lookup.coder(self.session, name or self.default_coder)
            if not known:
                self.summary.add("coders")
        return self.coders[key]

    def _memo(self, title: str, body: str, target: Target | None, owner: object,
              when: object = None, counted_as: str = "memos") -> MemoInfo | None:
        made = keep_memo(self.session, self.summary, title, body, target,
                         self._coder(owner).name, counted_as)
        moment = _when(when)
        if made is not None and moment is not None:
            memo = self.session.get(Memo, made.id)
            if memo is not None:
                memo.created_at = memo.updated_at = moment
        return made

    # --- the codebook ------------------------------------------------------------------

    def _codebook(self) -> None:
        categories = {row["catid"]: row for row in self.tables["code_cat"]
                      if row.get("catid") is not None}
        codes = {row["cid"]: row for row in self.tables["code_name"]
                 if row.get("cid") is not None}
        entries: dict[str, TreeEntry] = {}
        for catid, row in categories.items():
            entries[f"cat:{catid}"] = TreeEntry(f"cat:{catid}", _name(row["name"], catid),
                                                False)
        for cid, row in codes.items():
            self.code_names[cid] = _name(row["name"], cid)
            entries[f"code:{cid}"] = TreeEntry(f"code:{cid}", self.code_names[cid], True,
                                               colour=str(row.get("color") or "") or None)
        parents: dict[str, str | None] = {}
        for catid, row in categories.items():
            parents[f"cat:{catid}"] = self._parent(entries[f"cat:{catid}"], "cat",
                                                   row.get("supercatid"), categories)
        for cid, row in codes.items():
            # A sub-code sits under its code (QualCoder 4), else in its category.
            entry = entries[f"code:{cid}"]
            parents[f"code:{cid}"] = (
                self._parent(entry, "code", row.get("supercid"), codes)
                or self._parent(entry, "cat", row.get("catid"), categories))
        top: list[TreeEntry] = []
        for key, entry in sorted(entries.items(), key=lambda item: (
                item[0].startswith("code:"), natural_key(item[1].name))):
            parent = parents[key]
            if parent is not None and _climbs_to(key, parent, parents):
                self.summary.notes.append(f"{entry.name!r} is its own ancestor in "
                                          "QualCoder's tree; placed at the top")
                parent = None
            (entries[parent].children if parent else top).append(entry)
        self.targets = import_tree(self.session, top, self.summary)
        for catid, row in categories.items():
            target = self.targets.get(f"cat:{catid}")
            if target is not None and target.node is not None and _text(row.get("memo")):
                self._memo(f"QualCoder memo: {target.node.name}", str(row["memo"]),
                           ("subdivision", target.node.name), row.get("owner"),
                           row.get("date"))
        for cid, row in codes.items():
            target = self.targets.get(f"code:{cid}")
            if target is not None and target.code is not None and _text(row.get("memo")):
                self._memo(f"QualCoder memo: {target.name}", str(row["memo"]),
                           ("code", target.name), row.get("owner"), row.get("date"))

    def _parent(self, entry: TreeEntry, kind: str, ref: object,
                rows: dict[Any, dict[str, Any]]) -> str | None:
        """The key of the entry `ref` names, or None (at the top) when it names none."""
        if ref is None or ref in ("", 0):  # none; 0 never names a row (ids start at 1)
            return None
        if ref not in rows:
            what = "category" if kind == "cat" else "code"
            self.summary.notes.append(f"{entry.name!r} sits in {what} id {ref}, which the "
                                      "QualCoder project does not hold; placed at the top")
            return None
        return f"{kind}:{ref}"

    # --- sources -----------------------------------------------------------------------

    def _sources(self) -> None:
        codings: Counter[int] = Counter()
        for table, column in (("code_text", "fid"), ("code_image", "id"), ("code_av", "id")):
            codings.update(row[column] for row in self.tables.get(table, ()))
        by_id = {row["id"]: row for row in self.tables["source"]}
        for row in sorted(self.tables["source"], key=lambda r: natural_key(str(r["name"]))):
            fid, name = row["id"], _name(row["name"], row["id"])
            media = str(row.get("mediapath") or "").strip()
            kind = next((k for k in _MEDIA if media.startswith((f"/{k}/", f"{k}:"))), None)
            n = codings[fid]
            coded = f" with {n} coding{'' if n == 1 else 's'}" if n else ""
            raw = str(row.get("fulltext") or "")
            if kind is not None:
                self.not_imported[fid] = name
                # A recording names the text file of its transcript (av_text_id).
                transcript = by_id.get(row.get("av_text_id"))
                told = (f"; its transcript {transcript['name']!r} comes in as text"
                        if transcript is not None and transcript.get("fulltext") else "")
                self.summary.skip("source", name,
                                  f"{_MEDIA[kind]}{coded}; qcode holds text only{told}")
                continue
            is_pdf = (media or name).casefold().endswith(".pdf")
            if not raw.strip():
                self.not_imported[fid] = name
                what = "a PDF without a text layer" if is_pdf else "a document"
                self.summary.skip("source", name, f"{what}{coded}; QualCoder holds no text "
                                  "for it, so there is nothing to import")
                continue
            stored = normalise_newlines(raw)
            source = store_source(self.session, self.summary, _stem(name), stored,
                                  "pdf" if is_pdf else "qualcoder", self.default_coder,
                                  original_filename=name, turns=find_turns(stored))
            self.texts[fid] = _Text(source, raw)
            if is_pdf:
                self.summary.notes.append(f"PDF {name!r} comes in as the text QualCoder "
                                          "extracted and coded, with its codings")
            if _text(row.get("memo")):
                self._memo(f"QualCoder memo: {source.name}", str(row["memo"]),
                           ("source", source.id), row.get("owner"), row.get("date"))

    # --- codings -----------------------------------------------------------------------

    def _codings(self) -> None:
        # _int: ids and positions of another type (text in a damaged file) still sort.
        rows = sorted(self.tables["code_text"], key=lambda r: (
            _int(r.get("fid")) or 0, _int(r.get("pos0")) or 0, _int(r.get("pos1")) or 0,
            _int(r.get("cid")) or 0, str(r.get("owner") or "")))
        for row in rows:
            fid, cid = row.get("fid"), row.get("cid")
            code = self.code_names.get(cid, f"code id {cid}") if cid is not None else "?"
            what = f"{code} at {row.get('pos0')}-{row.get('pos1')}"
            if fid in self.not_imported:
                continue  # counted with its source, which says why
            text = self.texts.get(fid) if fid is not None else None
            if text is None:
                self.summary.skip("coding", what, f"names source id {fid}, which the "
                                  "QualCoder project does not hold")
                continue
            target = self.targets.get(f"code:{cid}")
            if target is None or target.code is None:
                self.summary.skip("coding", what, f"names code id {cid}, which the "
                                  "QualCoder project does not hold")
                continue
            quote = self._quote(text, row, code)
            made = add_coding(self.session, self.summary, quote, target,
                              self._coder(row.get("owner")), _text(row.get("memo")),
                              IMPORTANT if row.get("important") else None)
            moment = _when(row.get("date"))
            if made is not None and moment is not None:
                made.created_at = made.updated_at = moment

    def _quote(self, text: _Text, row: dict[str, Any], code: str) -> Quote:
        source, stored = text.source, text.source.text
        start, end = _int(row.get("pos0")), _int(row.get("pos1"))
        words = normalise_newlines(str(row.get("seltext") or ""))
        given = f"{start}-{end}"
        where = f"coding of {code!r} in {source.name!r} at {given}"
        if start is not None and end is not None:
            for reading in READINGS:
                span = text.span(start, end, reading)
                if span is not None and (not words or stored[span[0]:span[1]] == words):
                    if reading != SPEC and (source.id, reading) not in self.read_as:
                        self.read_as.add((source.id, reading))
                        self.summary.notes.append(
                            f"source {source.name!r}: positions read as "
                            f"{_reading(reading, text.raw)}, converted to characters")
                    return anchored_quote(self.session, self.summary, source, *span)
            past = max(start, end) > len(text.raw)
            why = (f"it ends past the end of the text ({len(text.raw)} characters)" if past
                   else "the text there is not the coded text")
        else:
            why = "it has no position"
        if words.strip():
            near = nearest_occurrence(stored, words, start or 0, unique=True)
            if near is not None:
                self.summary.notes.append(f"{where}: {why}; placed where its text is, at "
                                          f"{near}-{near + len(words)}")
                return self._re_anchored(source, near, near + len(words), "exact", None)
            if text.corpus is None:
                text.corpus = Corpus([(source.name, stored)])
            placement = text.corpus.place(words)
            if placement.chosen is not None:
                chosen = placement.chosen
                self.summary.notes.append(f"{where}: {why}; placed at {chosen.start}-"
                                          f"{chosen.end} ({chosen.method} match)")
                return self._re_anchored(source, chosen.start, chosen.end, chosen.method,
                                         words)
            why += f", and its text is {placement.reason.replace('any source', 'the source')}"
        kept = words or f"(QualCoder coding at {given} without its text)"
        self.summary.notes.append(f"{where}: {why}; kept as an unanchored quote "
                                  "(`qcode codings --unanchored`)")
        return unanchored_quote(self.session, self.summary, source, kept)

    def _re_anchored(self, source: Source, start: int, end: int, anchor: str,
                     words: str | None) -> Quote:
        before = self.summary.counts.get("quotes", 0)
        quote = anchored_quote(self.session, self.summary, source, start, end, anchor, words)
        if self.summary.counts.get("quotes", 0) > before:  # not there from an earlier import
            self.summary.add("re-anchored quotes")
        return quote

    # --- cases and attributes ----------------------------------------------------------

    def _cases(self) -> None:
        kinds = self._attribute_kinds()
        values: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for row in self.tables["attribute"]:
            if row.get("attr_type") == "case" and _text(row.get("value")):
                values[row["id"]].append((clean_name(str(row["name"])),
                                          str(row["value"]).strip()))
        keys: dict[int, str] = {}
        for row in sorted(self.tables["cases"], key=lambda r: natural_key(str(r["name"]))):
            key = clean_name(str(row.get("name") or ""))[:100]
            if not key:
                self.summary.skip("case", str(row.get("caseid")), "has no name")
                continue
            keys[row["caseid"]] = key
            attributes: dict[str, tuple[str, AttributeValue]] = {}
            for name, value in values.get(row["caseid"], []):
                typed = _typed(kinds.get(name, "text"), value)
                if typed is None:
                    self.summary.skip("case attribute", f"{key}: {name}",
                                      f"{value!r} is not a number, though {name!r} is "
                                      "numeric in QualCoder")
                    continue
                attributes[name] = typed
            existing = self.session.scalars(select(Case).where(Case.key == key)).first()
            had = _values_of(existing) if existing is not None else {}
            upsert_case(self.session, CaseRow(key=key, attributes=attributes))
            if existing is None:
                self.summary.add("cases")
            changed = sum(had.get(name) != value for name, (_, value) in attributes.items())
            if changed:
                self.summary.add("attribute values", changed)
            if _text(row.get("memo")):
                self._memo(f"QualCoder memo: {key}", str(row["memo"]), ("case", key),
                           row.get("owner"), row.get("date"))
        self._case_sources(keys)

    def _attribute_kinds(self) -> dict[str, str]:
        """qcode's type of each case attribute: number, date (all values ISO), or text."""
        kinds: dict[str, str] = {}
        for row in self.tables["attribute_type"]:
            name = clean_name(str(row.get("name") or ""))
            if not name:
                continue
            if str(row.get("valuetype") or "").casefold() == "numeric":
                kinds[name] = "number"
            else:
                found = [str(r["value"]).strip() for r in self.tables["attribute"]
                         if clean_name(str(r["name"])) == name and r.get("attr_type") == "case"
                         and _text(r.get("value"))]
                is_date = bool(found) and all(_iso_date(v) is not None for v in found)
                kinds[name] = "date" if is_date else "text"
                if is_date:
                    self.summary.notes.append(f"case attribute {name!r} holds only dates "
                                              "(YYYY-MM-DD): typed as dates")
            if _text(row.get("memo")):
                self._memo(f"QualCoder attribute: {name}", str(row["memo"]), None,
                           row.get("owner"), row.get("date"))
        return kinds

    def _case_sources(self, keys: dict[int, str]) -> None:
        cases = {case.key: case for case in self.session.scalars(
            select(Case).where(Case.key.in_(set(keys.values()))))}
        for row in self.tables["case_text"]:
            key = keys.get(row["caseid"])
            fid = row.get("fid")
            if key is None:
                continue  # a case skipped above, with its reason
            if fid in self.not_imported:
                self.summary.skip("case link", f"{key} - {self.not_imported[fid]}",
                                  "the source was not imported")
                continue
            text = self.texts.get(fid) if fid is not None else None
            if text is None:
                self.summary.skip("case link", key, f"names source id {fid}, which the "
                                  "QualCoder project does not hold")
                continue
            if link_source(self.session, text.source.id, cases[key].id):
                self.summary.add("case links")
            start, end = _int(row.get("pos0")), _int(row.get("pos1"))
            if start is not None and end is not None and (start > 0 or end < len(text.raw)):
                self.summary.notes.append(f"case {key!r} holds characters {start}-{end} of "
                                          f"{text.source.name!r} in QualCoder; qcode ties "
                                          "the whole source to the case")

    def _file_attributes(self) -> None:
        by_source: dict[int, list[str]] = defaultdict(list)
        for row in self.tables["attribute"]:
            if row.get("attr_type") == "file" and _text(row.get("value")):
                by_source[row["id"]].append(f"{clean_name(str(row['name']))}: "
                                            f"{str(row['value']).strip()}")
        for fid, lines in sorted(by_source.items()):
            if fid in self.not_imported:
                self.summary.skip("file attributes", self.not_imported[fid],
                                  "the source was not imported")
                continue
            if fid not in self.texts:
                continue  # attributes of a source id QualCoder no longer has
            source = self.texts[fid].source
            made = self._memo(f"QualCoder file attributes: {source.name}", "\n".join(lines),
                              ("source", source.id), None)
            if made is not None:
                self.summary.add("file attribute values", len(lines))
        if by_source:
            self.summary.notes.append("QualCoder's file attributes are kept as a memo on "
                                      "each source: qcode's attributes belong to cases")

    # --- memos -------------------------------------------------------------------------

    def _annotations(self) -> None:
        for row in self.tables["annotation"]:
            fid: int = row["fid"]
            body = str(row.get("memo") or "").strip()
            start, end = _int(row.get("pos0")), _int(row.get("pos1"))
            if fid in self.not_imported or fid not in self.texts:
                name = self.not_imported.get(fid, f"source id {fid}")
                self.summary.skip("annotation", f"{name} at {start}-{end}",
                                  "its source was not imported")
                continue
            text = self.texts[fid]
            span = text.span(start, end) if start is not None and end is not None else None
            if span is not None:
                title = f"Annotation at {span[0]}-{span[1]}"
                body = f"{body}\n\n> {text.source.text[span[0]:span[1]]}".strip()
            else:
                title = f"Annotation at {start}-{end}"
                body = (f"{body}\n\n(QualCoder placed it at {start}-{end}, outside the text "
                        f"of {len(text.raw)} characters)").strip()
            self._memo(title, body, ("source", text.source.id), row.get("owner"),
                       row.get("date"), "annotations as memos")

    def _journal(self) -> None:
        for row in sorted(self.tables["journal"], key=lambda r: _int(r.get("jid")) or 0):
            body = str(row.get("jentry") or "")
            title = clean_name(str(row.get("name") or "")) or "Journal entry"
            if body.strip() or title != "Journal entry":
                self._memo(title, body, None, row.get("owner"), row.get("date"),
                           "journal entries")
        for row in self.tables.get("project", [])[:1]:
            if _text(row.get("memo")):
                self._memo("QualCoder project memo", str(row["memo"]), None, None,
                           row.get("date"))


# --- helpers -------------------------------------------------------------------------


def _name(value: object, row_id: object) -> str:
    return clean_name(str(value or "")) or f"unnamed {row_id}"


def _stem(name: str) -> str:
    path = Path(name)
    return path.stem if path.suffix.casefold() in _DOCUMENT_SUFFIXES and path.stem else name


def _text(value: object) -> str | None:
    text = str(value) if value is not None else ""
    return text if text.strip() else None


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _climbs_to(key: str, parent: str, parents: dict[str, str | None]) -> bool:
    """Whether following parents up from `parent` comes back to `key` (a broken tree)."""
    seen: set[str] = set()
    current: str | None = parent
    while current is not None and current not in seen:
        if current == key:
            return True
        seen.add(current)
        current = parents.get(current)
    return False  # the top, or a loop above `key` (its members go to the top themselves)


def _iso_date(value: str) -> date | None:
    if not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _typed(kind: str, value: str) -> tuple[str, AttributeValue] | None:
    if kind == "number":
        # "41,5": a decimal comma, as QualCoder users in much of the world type it.
        decimal = value.replace(",", ".") if value.count(",") == 1 and "." not in value \
            else value
        try:
            return "number", float(decimal)
        except ValueError:
            return None
    if kind == "date":
        found = _iso_date(value)
        return ("date", found) if found is not None else ("text", value)
    return "text", value


def _reading(name: str, raw: str) -> str:
    """A reading of positions named for a QualCoder file (the vendors are REFI-QDA's)."""
    name = name.partition(" (")[0]
    return name if "\r" in raw else name.partition(" with CRLF")[0]


def _values_of(case: Case) -> dict[str, AttributeValue | None]:
    """A case's attribute values by attribute name, as `upsert_case` takes them."""
    return {stored.attribute.name: stored.value_number if stored.value_number is not None
            else stored.value_date if stored.value_date is not None else stored.value_text
            for stored in case.attributes}


def _when(value: object) -> datetime | None:
    """QualCoder's "yyyy-mm-dd hh:mm:ss" (local time) as a UTC moment, if it is one."""
    try:
        return datetime.fromisoformat(str(value or "").strip()).astimezone(UTC)
    except (ValueError, OverflowError, OSError):  # not a date, or one no clock can hold
        return None

