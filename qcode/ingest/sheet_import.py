"""`qcode sheet import`: the researcher's coding sheets, anchored back to the sources.

Everything is read and placed before the store is touched; the codings then go in
as one transaction, so a sheet that fails half-way leaves the project as it was. A
quote that cannot be placed surely is kept as an unanchored coding with all its
fields, and the report lists its best candidates. Re-importing a sheet adds nothing
that is already there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from qcode.anchor import Candidate, Corpus, Placement
from qcode.errors import InputError, QcodeError
from qcode.ingest.sheet import SheetCoding, SheetQuote, read_sheet
from qcode.services.coding import CodingBatch, CodingRequest, add_coding
from qcode.services.project import Project
from qcode.services.sources import all_texts


@dataclass(frozen=True)
class RowResult:
    """What happened to one sheet row (one coding)."""

    sheet: str
    row: int
    code: str
    status: str  # "anchored" or "unanchored"
    stored: str  # "new", or "already there" when an earlier import made this coding
    source: str | None
    start: int | None
    end: int | None
    score: float | None
    method: str | None
    reason: str = ""
    candidates: list[Candidate] = field(default_factory=list)


@dataclass
class SheetReport:
    rows: int = 0
    codings: int = 0
    anchored: int = 0
    unanchored: int = 0
    already_there: int = 0
    created_codes: list[str] = field(default_factory=list)
    created_subdivisions: list[str] = field(default_factory=list)
    items: list[RowResult] = field(default_factory=list)
    dry_run: bool = False


def import_sheets(
    project: Project, paths: Sequence[Path], coder: str | None = None, dry_run: bool = False,
    take_backup: bool = True,
) -> SheetReport:
    """Import the coding sheets at `paths` as one step, backed up first unless
    `take_backup` is off (nothing at all on a dry run)."""
    quotes = [quote for path in paths for quote in read_sheet(path)]
    texts = all_texts(project)
    if not texts:
        raise InputError("the project has no sources yet; import the transcripts first")
    corpus = Corpus((name, text) for name, text, _, _ in texts)
    by_file = {(filename or "").casefold(): name for name, _, filename, _ in texts}
    by_name = {name.casefold(): name for name, _, _, _ in texts}
    by_case: dict[str, list[str]] = defaultdict(list)
    for name, _, _, cases in texts:
        for case in cases:
            by_case[case.casefold()].append(name)
    placements = []
    for quote in quotes:
        prefer = _preferred(quote, by_name, by_file, by_case)
        placements.append((quote, prefer, _given(quote, prefer, corpus)
                           or corpus.place(quote.text, prefer)))
    report = SheetReport(dry_run=dry_run)
    names = ", ".join(path.name for path in paths)
    with project.step(f"import the coding sheet {names}", coder, dry_run=dry_run,
                      backup_before="sheet-import" if take_backup else None) as session:
        batch = CodingBatch(session)
        for quote, prefer, placement in placements:
            for coding in quote.codings:
                try:
                    _add(batch, report, quote, coding, prefer, placement, coder)
                except (QcodeError, DBAPIError) as exc:  # DBAPIError: at a batched flush
                    detail = exc.orig if isinstance(exc, DBAPIError) else exc
                    raise InputError(
                        f"{quote.file}, sheet {quote.sheet!r}, row {coding.row}: {detail}; "
                        "nothing was imported"
                    ) from exc
    return report


def _given(quote: SheetQuote, prefer: list[str], corpus: Corpus) -> Placement | None:
    """The sheet's own offsets, when it has them and they hold exactly this quote."""
    if quote.start is None or quote.end is None or len(prefer) != 1:
        return None
    text = corpus.texts[prefer[0]].text
    if text[quote.start:quote.end] != quote.text:
        return None
    chosen = Candidate(prefer[0], quote.start, quote.end, 100.0, "exact")
    return Placement(chosen, [chosen])


def _preferred(quote: SheetQuote, by_name: dict[str, str], by_file: dict[str, str],
               by_case: dict[str, list[str]]) -> list[str]:
    """The sources the sheet points to: its source column, else its case or sheet name."""
    if quote.source:
        key = quote.source.casefold()
        named = by_name.get(key) or by_file.get(key) or by_name.get(Path(key).stem)
        if named:
            return [named]
    for case in (quote.case, quote.sheet):
        if case and case.casefold() in by_case:
            return by_case[case.casefold()]
    return []


def _add(batch: CodingBatch, report: SheetReport, quote: SheetQuote, coding: SheetCoding,
         prefer: list[str], placement: Placement, coder: str | None) -> None:
    chosen = placement.chosen
    source = chosen.source if chosen else (prefer[0] if len(prefer) == 1 else None)
    result = add_coding(
        batch.session,
        CodingRequest(
            source=source,
            start=chosen.start if chosen else None,
            end=chosen.end if chosen else None,
            code=coding.code,
            subdivision=coding.subdivision or None,
            other_subdivisions=coding.other_subdivisions,
            emphasis=coding.emphasis,
            notes=coding.notes,
            coder=coding.coder or coder,
            sheet_text=quote.text,
            anchor=chosen.method if chosen else "unanchored",
        ),
        skip_existing=True,
        batch=batch,
    )
    report.rows += 1
    report.anchored += chosen is not None
    report.unanchored += chosen is None
    if result.created:
        report.codings += 1
    else:
        report.already_there += 1
    if result.new_code:
        report.created_codes.append(coding.code)
    report.created_subdivisions += result.new_subdivisions
    report.items.append(
        RowResult(
            sheet=quote.sheet, row=coding.row, code=coding.code,
            status="anchored" if chosen else "unanchored",
            stored="new" if result.created else "already there",
            source=source, start=chosen.start if chosen else None,
            end=chosen.end if chosen else None, score=chosen.score if chosen else None,
            method=chosen.method if chosen else None, reason=placement.reason,
            candidates=placement.candidates if not chosen else [],
        )
    )
