"""Merging a copy of a project coded by someone else back into this one.

Two coders work on copies of the same study; `merge` brings the other copy's work in:
sources matched by content (hash), codes, subdivisions, cases and attributes by name
(case and spacing folded), codings kept per coder. Nothing is dropped and nothing is
doubled: what is already here is recognised, so merging twice changes nothing the
second time. Where the two copies disagree (the same code renamed differently, a
coding's notes edited on both sides, a subdivision moved), the target's version is
kept and the difference reported; `code_map` resolves renamed codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.names import name_key
from qcode.services import lookup
from qcode.services.cases import CaseRow, link_source, upsert_case
from qcode.services.coding import create_coding
from qcode.services.media import folder_of, found_at, stored_path
from qcode.services.project import Project, describe_location
from qcode.services.sources import free_source_name, twin_source
from qcode.store.models import (
    Attribute,
    AxialLink,
    AxialLinkQuote,
    Case,
    CaseAttribute,
    Code,
    Coder,
    Coding,
    Memo,
    Quote,
    Recording,
    Source,
    SourceCase,
    SourcePage,
    SpeakerTurn,
    Subdivision,
    TimeMark,
)

# Two code names this alike (rapidfuzz ratio, 0-100) are offered as possibly the same.
NEAR_DUPLICATE = 88


@dataclass
class MergeReport:
    added: dict[str, int] = field(default_factory=dict)
    already_here: dict[str, int] = field(default_factory=dict)
    near_duplicates: list[tuple[str, str, float]] = field(default_factory=list)
    renamed: list[tuple[str, str, int]] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    def count(self, what: str, new: bool) -> None:
        bucket = self.added if new else self.already_here
        bucket[what] = bucket.get(what, 0) + 1


def merge(target: Project, other: Project, code_map: Mapping[str, str] | None = None,
          dry_run: bool = False) -> MergeReport:
    """Bring `other`'s work into `target` in one transaction (rolled back on a dry run).

    `code_map` maps a code name in `other` to the name it has in `target` (a code one of
    the coders renamed): its codings join that code instead of making a new one.
    """
    report = MergeReport()
    mapped = {name_key(k): v for k, v in (code_map or {}).items()}
    with other.reading() as theirs, target.step(
            f"merge in {describe_location(other.location)}", dry_run=dry_run,
            backup_before="merge") as ours:
        _Merger(theirs, ours, mapped, report,
                (folder_of(other.location), folder_of(target.location))).run()
    return report


class _Merger:
    def __init__(self, theirs: Session, ours: Session, code_map: Mapping[str, str],
                 report: MergeReport, folders: tuple[Path | None, Path | None]) -> None:
        self.theirs, self.ours, self.code_map, self.report = theirs, ours, code_map, report
        self.folders = folders  # where each copy's relative recording paths start
        self.coders: dict[int, int] = {}
        self.codes: dict[int, int] = {}
        self.subdivisions: dict[int, int] = {}
        self.cases: dict[int, int] = {}
        self.sources: dict[int, int] = {}
        self.quotes: dict[int, int] = {}
        self.links: dict[int, int] = {}
        self.created_codes: set[int] = set()

    def run(self) -> None:
        self._coders()
        self._subdivisions()
        self._codes()
        self._cases()
        self._sources()
        self._quotes()
        self._codings()
        self._links()
        self._memos()
        self._renames()

    # -- the codebook and the people ------------------------------------------------

    def _coders(self) -> None:
        for coder in self.theirs.scalars(select(Coder)):
            known = self.ours.scalars(select(Coder.id).where(Coder.name == coder.name)).first()
            self.report.count("coders", known is None)
            self.coders[coder.id] = lookup.coder(self.ours, coder.name).id

    def _subdivisions(self) -> None:
        nodes = self.theirs.scalars(select(Subdivision).order_by(Subdivision.id)).all()
        by_id = {n.id: n for n in nodes}
        done: set[int] = set()

        def place(node: Subdivision) -> None:
            if node.id in done:
                return
            if node.parent_id is not None:
                place(by_id[node.parent_id])
            done.add(node.id)
            parent_id = self.subdivisions.get(node.parent_id) if node.parent_id else None
            mine = self.ours.scalars(
                select(Subdivision).where(Subdivision.name_key == node.name_key)).first()
            self.report.count("subdivisions", mine is None)
            if mine is None:
                mine = Subdivision(name=node.name, name_key=node.name_key, kind=node.kind,
                                   parent_id=parent_id, description=node.description,
                                   color=node.color, position=node.position)
                self.ours.add(mine)
                self.ours.flush()
            elif mine.parent_id != parent_id:
                self.report.conflicts.append(
                    f"subdivision {node.name!r} sits elsewhere in the other copy; kept here "
                    f"where it is")
            self.subdivisions[node.id] = mine.id

        for node in nodes:
            place(node)

    def _codes(self) -> None:
        names_here = list(self.ours.scalars(select(Code.name)))
        for code in self.theirs.scalars(select(Code).order_by(Code.id)):
            wanted = self.code_map.get(code.name_key)
            if wanted is not None:
                joined, _ = lookup.code(self.ours, wanted)
                self.codes[code.id] = joined.id
                self.report.count("codes", False)
                continue
            mine = self.ours.scalars(select(Code).where(Code.name_key == code.name_key)).first()
            self.report.count("codes", mine is None)
            if mine is None:
                for here in names_here:
                    score = fuzz.ratio(name_key(here), code.name_key)
                    if score >= NEAR_DUPLICATE:
                        self.report.near_duplicates.append((code.name, here, score))
                mine = Code(name=code.name, name_key=code.name_key,
                            description=code.description, color=code.color)
                self.ours.add(mine)
                self.ours.flush()
                self.created_codes.add(mine.id)
            self.codes[code.id] = mine.id

    def _cases(self) -> None:
        names: dict[int, str] = {}
        kinds: dict[int, str] = {}
        for attribute_id, name, kind in self.theirs.execute(
                select(Attribute.id, Attribute.name, Attribute.type)):
            names[attribute_id], kinds[attribute_id] = name, kind
        for case in self.theirs.scalars(select(Case).order_by(Case.id)):
            values: dict[str, tuple[str, str | float | date]] = {}
            for stored in self.theirs.scalars(
                    select(CaseAttribute).where(CaseAttribute.case_id == case.id)):
                value = next(v for v in (stored.value_text, stored.value_number,
                                         stored.value_date) if v is not None)
                values[names[stored.attribute_id]] = (kinds[stored.attribute_id], value)
            new = self.ours.scalars(select(Case).where(Case.key == case.key)).first() is None
            self.report.count("cases", new)
            mine = upsert_case(self.ours, CaseRow(case.key, case.name, values)) if new else (
                self._keep_case(case.key, values))
            self.cases[case.id] = mine.id

    def _keep_case(self, key: str, values: Mapping[str, tuple[str, object]]) -> Case:
        """A case both copies have: add attribute values only this one lacks."""
        mine = self.ours.scalars(select(Case).where(Case.key == key)).one()
        have = {name_key(a.attribute.name) for a in mine.attributes}
        missing = {n: v for n, v in values.items() if name_key(n) not in have}
        if missing:
            upsert_case(self.ours, CaseRow(key, None, missing))  # type: ignore[arg-type]
        return mine

    def _sources(self) -> None:
        for source in self.theirs.scalars(select(Source).order_by(Source.id)):
            mine = twin_source(self.ours, source.text, source.guid)
            self.report.count("sources", mine is None)
            if mine is None:
                mine = Source(
                    name=free_source_name(self.ours, source.name), text=source.text,
                    length=source.length, word_count=source.word_count,
                    content_hash=source.content_hash, format=source.format,
                    original_filename=source.original_filename, encoding=source.encoding,
                    language=source.language, imported_at=source.imported_at,
                    imported_by_id=self.coders.get(source.imported_by_id or -1),
                    transcription=source.transcription,
                )
                # The source keeps its identity unless this copy has it for another text.
                if self.ours.scalar(select(Source.id).where(Source.guid == source.guid)) is None:
                    mine.guid = source.guid
                mine.turns = [SpeakerTurn(start=t.start, end=t.end, speaker=t.speaker,
                                          begin_seconds=t.begin_seconds,
                                          end_seconds=t.end_seconds) for t in source.turns]
                mine.pages = [SourcePage(number=p.number, start=p.start) for p in source.pages]
                self.ours.add(mine)
                self.ours.flush()
                self._timing(source, mine)
            self.sources[source.id] = mine.id
            for case_id in self.theirs.scalars(
                    select(SourceCase.case_id).where(SourceCase.source_id == source.id)):
                link_source(self.ours, mine.id, self.cases[case_id])

    def _timing(self, source: Source, mine: Source) -> None:
        """A new source's known times, and its recording where this copy finds it."""
        self.ours.add_all(TimeMark(source_id=mine.id, offset=m.offset, seconds=m.seconds)
                          for m in self.theirs.scalars(
                              select(TimeMark).where(TimeMark.source_id == source.id)))
        recording = self.theirs.get(Recording, source.id)
        if recording is not None:
            theirs, ours = self.folders
            self.ours.add(Recording(
                source_id=mine.id, path=stored_path(ours, found_at(theirs, recording.path)),
                kind=recording.kind, size=recording.size,
                duration_seconds=recording.duration_seconds, checksum=recording.checksum,
                offset_seconds=recording.offset_seconds, attached_at=recording.attached_at,
                attached_by_id=self.coders.get(recording.attached_by_id or -1)))
        self.ours.flush()

    # -- the coding -------------------------------------------------------------------

    def _quotes(self) -> None:
        for quote in self.theirs.scalars(select(Quote).order_by(Quote.id)):
            source_id = self.sources.get(quote.source_id) if quote.source_id else None
            if quote.anchor == "unanchored":
                where = [Quote.anchor == "unanchored", Quote.sheet_text == quote.sheet_text,
                         Quote.source_id.is_(None) if source_id is None
                         else Quote.source_id == source_id]
            else:
                where = [Quote.source_id == source_id, Quote.start == quote.start,
                         Quote.end == quote.end]
            mine = self.ours.scalars(select(Quote).where(*where)).first()
            self.report.count("quotes", mine is None)
            if mine is None:
                mine = Quote(source_id=source_id, start=quote.start, end=quote.end,
                             text=quote.text, sheet_text=quote.sheet_text, anchor=quote.anchor,
                             created_at=quote.created_at)
                self.ours.add(mine)
                self.ours.flush()
            self.quotes[quote.id] = mine.id

    def _codings(self) -> None:
        for coding in self.theirs.scalars(select(Coding).order_by(Coding.id)):
            quote_id, code_id = self.quotes[coding.quote_id], self.codes[coding.code_id]
            coder_id = self.coders[coding.coder_id]
            mine = self.ours.scalars(select(Coding).where(
                Coding.quote_id == quote_id, Coding.code_id == code_id,
                Coding.coder_id == coder_id)).first()
            self.report.count("codings", mine is None)
            if mine is not None:
                if (mine.emphasis, mine.notes) != (coding.emphasis, coding.notes):
                    self.report.conflicts.append(
                        f"coding {mine.id} ({coding.code.name!r} by {coding.coder.name}) has "
                        f"other emphasis or notes in the other copy; kept these")
                continue
            ours = self.ours
            create_coding(
                ours, ours.get_one(Quote, quote_id), ours.get_one(Code, code_id),
                ours.get_one(Coder, coder_id), emphasis=coding.emphasis, notes=coding.notes,
                filing=[(ours.get_one(Subdivision, self.subdivisions[filed.subdivision_id]),
                         filed.is_primary) for filed in coding.subdivisions],
                created_at=coding.created_at, updated_at=coding.updated_at)
        self.ours.flush()

    def _links(self) -> None:
        for link in self.theirs.scalars(select(AxialLink).order_by(AxialLink.id)):
            ends = {
                "from_subdivision_id": self.subdivisions.get(link.from_subdivision_id or -1),
                "from_code_id": self.codes.get(link.from_code_id or -1),
                "to_subdivision_id": self.subdivisions.get(link.to_subdivision_id or -1),
                "to_code_id": self.codes.get(link.to_code_id or -1),
            }
            coder_id = self.coders.get(link.coder_id or -1)
            where = [getattr(AxialLink, k).is_(None) if v is None else getattr(AxialLink, k) == v
                     for k, v in ends.items()]
            mine = self.ours.scalars(select(AxialLink).where(
                *where, AxialLink.relation == link.relation,
                AxialLink.coder_id.is_(None) if coder_id is None
                else AxialLink.coder_id == coder_id)).first()
            self.report.count("axial links", mine is None)
            if mine is None:
                mine = AxialLink(**ends, relation=link.relation, directed=link.directed,
                                 note=link.note, coder_id=coder_id,
                                 created_at=link.created_at)
                self.ours.add(mine)
                self.ours.flush()
            have = set(self.ours.scalars(
                select(AxialLinkQuote.quote_id).where(AxialLinkQuote.link_id == mine.id)))
            for quote_id in self.theirs.scalars(
                    select(AxialLinkQuote.quote_id).where(AxialLinkQuote.link_id == link.id)):
                if self.quotes[quote_id] not in have:
                    self.ours.add(AxialLinkQuote(link_id=mine.id, quote_id=self.quotes[quote_id]))
            self.links[link.id] = mine.id
        self.ours.flush()

    def _memos(self) -> None:
        links = self.links
        for memo in self.theirs.scalars(select(Memo).order_by(Memo.id)):
            target = {
                "source_id": self.sources.get(memo.source_id or -1),
                "case_id": self.cases.get(memo.case_id or -1),
                "code_id": self.codes.get(memo.code_id or -1),
                "subdivision_id": self.subdivisions.get(memo.subdivision_id or -1),
                "link_id": links.get(memo.link_id or -1),
            }
            where = [getattr(Memo, k).is_(None) if v is None else getattr(Memo, k) == v
                     for k, v in target.items()]
            mine = self.ours.scalars(select(Memo).where(
                *where, Memo.title == memo.title, Memo.body == memo.body)).first()
            self.report.count("memos", mine is None)
            if mine is None:
                self.ours.add(Memo(**target, title=memo.title, body=memo.body,
                                   coder_id=self.coders.get(memo.coder_id or -1),
                                   created_at=memo.created_at, updated_at=memo.updated_at))
        self.ours.flush()

    def _renames(self) -> None:
        """Codes that only one copy has, yet coding the same quotes: probably renamed."""
        pairs: dict[tuple[int, int], int] = {}
        for coding in self.theirs.scalars(select(Coding)):
            code_here = self.codes[coding.code_id]
            for other_code in self.ours.scalars(select(Coding.code_id).where(
                    Coding.quote_id == self.quotes[coding.quote_id],
                    Coding.coder_id == self.coders[coding.coder_id],
                    Coding.code_id != code_here)):
                pairs[(code_here, other_code)] = pairs.get((code_here, other_code), 0) + 1
        theirs_names = {self.codes[c.id]: c.name for c in self.theirs.scalars(select(Code))}
        for (mine, other_code), shared in sorted(pairs.items(), key=lambda p: -p[1]):
            if mine not in self.created_codes or other_code in theirs_names:
                continue  # both copies know both codes: two codes, not a rename
            here = self.ours.get(Code, other_code)
            if here is not None:
                self.report.renamed.append((theirs_names[mine], here.name, shared))
