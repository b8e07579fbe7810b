"""The writing half of the Python API (`qcode.api` re-exports it): each call is a step.

Each function runs one step through `Project.step`, the same path the workbench and
the `qcode` commands take (the services do the work), so it lands in `qcode history`
with the command's label and the coder, `undo` takes it back, and an open workbench
shows it within a second. Each returns what it created (an id, or the service's own
summary). `coder` defaults to $QCODE_CODER or the login name, as on the command line.

The importers and exporters are here too: an import is one step like any other, an
export only reads. Offsets and ids taken from a DataFrame (numpy integers) are
accepted as they are.

Examples in the docstrings run against the demo study (`qcode demo`) opened as
`study`, with an empty folder `folder` for files; each leaves the study as it found
it, mostly by ending with `api.undo(study)` (tests/test_api_docs.py runs them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import SupportsInt

import pandas as pd

from qcode.columns import PLAN_COLUMNS
from qcode.errors import InputError
from qcode.export import files as export_files
from qcode.export import html as export_page
from qcode.export import xlsx as export_workbook
from qcode.ingest.formats import READERS
from qcode.ingest.importer import ImportReport, import_paths
from qcode.ingest.sheet_import import SheetReport, import_sheets
from qcode.interop import qdc_export, qdc_import, qdpx_export, qdpx_import, qualcoder_import
from qcode.interop.qdc_export import CodebookSummary
from qcode.interop.qdc_import import ImportSummary
from qcode.interop.qdpx_export import ExportSummary
from qcode.names import name_key
from qcode.reads import search_query
from qcode.reports import search as search_report
from qcode.services import autocode as autocode_service
from qcode.services import axial, codebook_edit, coding_edit, source_edit
from qcode.services import blind as blind_service
from qcode.services import history as steps_history
from qcode.services import memos as memo_service
from qcode.services import merge as merge_service
from qcode.services import pseudonymise as pseudonym_service
from qcode.services import sets as sets_service
from qcode.services.autocode import CaseLinks
from qcode.services.axial import LinkInfo, RemovedLink
from qcode.services.blind import BlindStatus
from qcode.services.cases import AttributeValue, CaseRow, upsert_case
from qcode.services.codebook import remove_code
from qcode.services.codebook_edit import MergeResult
from qcode.services.coding import CodingRequest, CodingRow, anchor_coding, code_span
from qcode.services.history import ActionInfo
from qcode.services.lookup import default_coder_name
from qcode.services.memos import MemoInfo
from qcode.services.merge import MergeReport
from qcode.services.project import Project, open_project
from qcode.services.pseudonymise import PseudonymReport
from qcode.services.sets import SetInfo
from qcode.services.source_edit import EditResult
from qcode.vocabulary import SEARCH_CUTOFF

# --- coding -----------------------------------------------------------------------------


def code(project: Project, source: str, start: SupportsInt, end: SupportsInt,
         code_name: str, *, subdivision: str | None = None, others: Sequence[str] = (),
         emphasis: str | None = None, notes: str | None = None,
         coder: str | None = None) -> int:
    """Code the span [start, end) of `source` with `code_name`; returns the coding's id.

    Offsets count code points from 0, end exclusive, in `api.text(study, source)`. A
    new code or subdivision is created, as on the command line; `subdivision` is the
    primary one, `others` further ones.

    Example:
        >>> hit = api.search(study, "self-build", sources="IP3_self_build_agency").iloc[0]
        >>> coding = api.code(study, hit["source"], hit["start"], hit["end"], "Self-build",
        ...                   subdivision="Participation of households", emphasis="proud")
        >>> row = api.codings(study).set_index("id").loc[coding]
        >>> row["text"], row["code"], row["subdivision"]
        ('self-build', 'Self-build', 'Participation of households')
        >>> _ = api.undo(study)
    """
    result = code_span(project, CodingRequest(
        source=source, start=int(start), end=int(end), code=code_name,
        subdivision=subdivision, other_subdivisions=others, emphasis=emphasis, notes=notes,
        coder=coder))
    assert result.coding_id is not None
    return result.coding_id


def remove_coding(project: Project, coding_id: SupportsInt, coder: str | None = None) -> None:
    """Remove one coding (its quote goes too when nothing else codes it).

    Example:
        >>> first = api.codings(study)["id"].iloc[0]
        >>> api.remove_coding(study, first)
        >>> len(api.codings(study))
        383
        >>> _ = api.undo(study)
    """
    with project.step(f"remove coding {int(coding_id)}", coder) as session:
        coding_edit.remove_coding(session, int(coding_id))


def anchor(project: Project, coding_id: SupportsInt, source: str, start: SupportsInt,
           end: SupportsInt, coder: str | None = None) -> CodingRow:
    """Place an unanchored coding (a sheet's quote no source held) at [start, end) of
    `source`; the other codings on its quote move with it. Returns the coding as
    `codings` lists it.

    Example:
        >>> sheet = folder / "lost.csv"
        >>> _ = sheet.write_text("quote,code\\nWords nobody said,Lost words\\n")
        >>> _ = api.import_sheet(study, sheet)
        >>> lost = api.codings(study, unanchored_only=True).iloc[0]
        >>> lost["text"], str(lost["start"])
        ('Words nobody said', '<NA>')
        >>> hit = api.search(study, "subsidy").iloc[0]
        >>> placed = api.anchor(study, lost["id"], hit["source"], hit["start"], hit["end"])
        >>> placed.text, placed.anchor
        ('subsidy', 'manual')
        >>> _ = api.undo(study), api.undo(study)
    """
    return anchor_coding(project, int(coding_id), source, int(start), int(end), coder)


# --- the codebook -------------------------------------------------------------------


def create_code(project: Project, name: str, description: str | None = None,
                colour: str | None = None, coder: str | None = None) -> int:
    """Create a code (coding creates codes too); returns its id.

    Example:
        >>> _ = api.create_code(study, "Consolidation", "Houses grow as families can pay",
        ...                     colour="#3cb44b")
        >>> new = api.codes(study).set_index("name").loc["Consolidation"]
        >>> int(new["codings"]), new["color"]
        (0, '#3cb44b')
        >>> _ = api.undo(study)
    """
    with project.step(f"add code {name!r}", coder) as session:
        return codebook_edit.create_code(session, name, description, colour)


def delete_code(project: Project, name: str, coder: str | None = None) -> None:
    """Delete a code that has no codings; one with codings is refused (`merge_codes`
    or `remove_coding` first).

    Example:
        >>> _ = api.create_code(study, "Unused idea")
        >>> api.delete_code(study, "Unused idea")
        >>> "Unused idea" in set(api.codes(study)["name"])
        False
        >>> _ = api.undo(study), api.undo(study)
    """
    with project.step(f"delete code {name!r}", coder) as session:
        remove_code(session, name)


def rename_code(project: Project, old: str, new: str, coder: str | None = None) -> None:
    """Rename a code; its codings keep it. A name another code has is refused (join the
    two with `merge_codes`).

    Example:
        >>> api.rename_code(study, "Self-management", "Self-organisation")
        >>> int((api.codings(study)["code"] == "Self-organisation").sum())
        5
        >>> _ = api.undo(study)
    """
    with project.step(f"rename code {old!r} to {new!r}", coder) as session:
        codebook_edit.rename_code(session, old, new)


def recolour_code(project: Project, name: str, colour: str | None,
                  coder: str | None = None) -> None:
    """Give a code a colour, as #RRGGBB (None takes it away).

    Example:
        >>> api.recolour_code(study, "Self-management", "#4363D8")
        >>> api.codes(study).set_index("name").loc["Self-management", "color"]
        '#4363d8'
        >>> _ = api.undo(study)
    """
    with project.step(f"recolour code {name!r}", coder) as session:
        codebook_edit.recolour_code(session, name, colour)


def describe_code(project: Project, name: str, description: str | None,
                  coder: str | None = None) -> None:
    """Set a code's description ("" or None clears it).

    Example:
        >>> api.describe_code(study, "Self-management", "Families run the building work")
        >>> api.codes(study).set_index("name").loc["Self-management", "description"]
        'Families run the building work'
        >>> _ = api.undo(study)
    """
    with project.step(f"describe code {name!r}", coder) as session:
        codebook_edit.describe_code(session, name, description)


def merge_codes(project: Project, source: str, target: str, coder: str | None = None,
                dry_run: bool = False) -> MergeResult:
    """Give every coding of `source` the code `target`, then delete `source`.

    Where a quote carries both from the same coder, the two codings become one. With
    `dry_run`, say what would happen and change nothing.

    Example:
        >>> done = api.merge_codes(study, "Access to credit", "Arrears and defaults")
        >>> done.moved + done.folded
        8
        >>> int(api.codes(study).set_index("name").loc["Arrears and defaults", "codings"])
        17
        >>> _ = api.undo(study)
    """
    with project.step(f"merge code {source!r} into {target!r}", coder,
                      dry_run=dry_run) as session:
        return codebook_edit.merge_codes(session, source, target)


def move_codings(project: Project, code_name: str, from_subdivision: str,
                 to_subdivision: str, coder: str | None = None, dry_run: bool = False) -> int:
    """File every coding of a code that is under one subdivision under another instead;
    returns how many were re-filed (with `dry_run`: would be, changing nothing).

    Example:
        >>> api.move_codings(study, "Access to credit", "Microcredit", "Savings requirement")
        5
        >>> _ = api.undo(study)
    """
    with project.step(f"move the codings of {code_name!r} from {from_subdivision!r} to "
                      f"{to_subdivision!r}", coder, dry_run=dry_run) as session:
        return codebook_edit.move_codings(session, code_name, from_subdivision,
                                          to_subdivision)


def create_subdivision(project: Project, name: str, parent: str | None = None,
                       kind: str = "subdivision", description: str | None = None,
                       coder: str | None = None) -> int:
    """Add a group, factor group or subdivision (`kind`) under `parent` (None: at the
    top), last among its siblings; returns its id.

    Example:
        >>> _ = api.create_subdivision(study, "Tenure", parent="Land and location instruments")
        >>> api.subdivisions(study).set_index("name").loc["Tenure", "path"]
        'Land and location instruments / Tenure'
        >>> _ = api.undo(study)
    """
    with project.step(f"add subdivision {name!r}", coder) as session:
        return codebook_edit.create_subdivision(session, name, parent, kind, description)


def rename_subdivision(project: Project, old: str, new: str, coder: str | None = None) -> None:
    """Rename a group, factor group or subdivision; its mentions keep it.

    Example:
        >>> api.rename_subdivision(study, "Microcredit", "Micro-credit")
        >>> int(api.mentions(study, by="subdivision").set_index("subdivision").loc[
        ...     "Micro-credit", "mentions"])
        12
        >>> _ = api.undo(study)
    """
    with project.step(f"rename subdivision {old!r} to {new!r}", coder) as session:
        codebook_edit.rename_subdivision(session, old, new)


def move_subdivision(project: Project, name: str, parent: str | None,
                     coder: str | None = None) -> None:
    """Put a node, with everything below it, under `parent` (None: at the top). A node
    cannot go under itself or under a node below it.

    Example:
        >>> api.move_subdivision(study, "Microcredit", "Land and location instruments")
        >>> api.subdivisions(study).set_index("name").loc["Microcredit", "path"]
        'Land and location instruments / Microcredit'
        >>> _ = api.undo(study)
    """
    with project.step(f"move subdivision {name!r}", coder) as session:
        codebook_edit.move_subdivision(session, name, parent)


def move_code(project: Project, name: str, parent: str | None,
              coder: str | None = None) -> None:
    """Give a code its place in the codebook: under the subdivision `parent` (None: at
    the top level), last there. Its codings stay filed where they are (`move_codings`
    re-files them); a code with child codes takes them along.

    Example:
        >>> api.move_code(study, "Addressing affordability", "Social approach")
        >>> api.codes(study).set_index("name").loc["Addressing affordability", "home"]
        'Social approach'
        >>> _ = api.undo(study)
    """
    with project.step(f"move the code {name!r}", coder) as session:
        codebook_edit.move_code(session, name, parent)


def describe_subdivision(project: Project, name: str, description: str | None,
                         coder: str | None = None) -> None:
    """Set the description of a group, factor group or subdivision ("" or None clears it).

    Example:
        >>> api.describe_subdivision(study, "Microcredit", "Small loans for building")
        >>> api.subdivisions(study).set_index("name").loc["Microcredit", "description"]
        'Small loans for building'
        >>> _ = api.undo(study)
    """
    with project.step(f"describe subdivision {name!r}", coder) as session:
        codebook_edit.describe_subdivision(session, name, description)


def recolour_subdivision(project: Project, name: str, colour: str | None,
                         coder: str | None = None) -> None:
    """Give a group, factor group or subdivision a colour, as #RRGGBB (None: none).

    Example:
        >>> api.recolour_subdivision(study, "Criticism", "#911eb4")
        >>> api.subdivisions(study).set_index("name").loc["Criticism", "color"]
        '#911eb4'
        >>> _ = api.undo(study)
    """
    with project.step(f"recolour subdivision {name!r}", coder) as session:
        codebook_edit.recolour_subdivision(session, name, colour)


def delete_subdivision(project: Project, name: str, coder: str | None = None) -> None:
    """Delete a node with no mentions, no nodes below it, links or memos; one still in
    use is refused, never emptied (`move_codings` and `move_subdivision` first).

    Example:
        >>> _ = api.create_subdivision(study, "Unused node")
        >>> api.delete_subdivision(study, "Unused node")
        >>> "Unused node" in set(api.subdivisions(study)["name"])
        False
        >>> _ = api.undo(study), api.undo(study)
    """
    with project.step(f"delete subdivision {name!r}", coder) as session:
        codebook_edit.delete_subdivision(session, name)


# --- cases --------------------------------------------------------------------------


def set_attributes(project: Project, case: str, values: Mapping[str, AttributeValue | int],
                   name: str | None = None, coder: str | None = None) -> None:
    """Create the case `case` if new and set its attributes, typed by their values
    (text, a number, or a `datetime.date`).

    Example:
        >>> api.set_attributes(study, "IP4", {"duration (min)": 65, "region": "north"})
        >>> ip4 = api.cases(study).set_index("case").loc["IP4"]
        >>> int(ip4["duration (min)"]), ip4["region"]
        (65, 'north')
        >>> _ = api.undo(study)
    """
    typed: dict[str, tuple[str, AttributeValue]] = {}
    for attribute, value in values.items():
        if isinstance(value, bool) or not isinstance(value, str | int | float | date):
            raise InputError(f"attribute {attribute!r}: give text, a number or a date")
        kind = ("date" if isinstance(value, date) else "text" if isinstance(value, str)
                else "number")
        typed[attribute] = (kind, float(value) if kind == "number" else value)  # type: ignore[arg-type]
    with project.step(f"set attributes of case {case!r}", coder) as session:
        upsert_case(session, CaseRow(key=case, name=name, attributes=typed))


# --- axial coding and memos ---------------------------------------------------------


def link(project: Project, from_ref: str, relation: str, to_ref: str, *,
         note: str | None = None, quotes: Iterable[SupportsInt] = (),
         codings: Iterable[SupportsInt] = (), directed: bool = True,
         coder: str | None = None) -> LinkInfo:
    """Relate two subdivisions (or codes, as "code:NAME"): FROM RELATION TO; returns the
    link. RELATION is cause, consequence, context, interaction, contradiction or one
    of your own; `quotes` (or the quotes of `codings`) support it.

    Example:
        >>> coding = api.codings(study).query("subdivision == 'Microcredit'")["id"].iloc[0]
        >>> made = api.link(study, "Housing subsidy", "cause", "Microcredit",
        ...                 codings=[coding], note="IP8 says so")
        >>> made.label(), made.quotes
        ('Housing subsidy ──cause──▶ Microcredit', 1)
        >>> _ = api.undo(study)
    """
    with project.step(f"link {from_ref} {relation} {to_ref}", coder) as session:
        supporting = [int(q) for q in quotes]
        supporting += [axial.quote_of_coding(session, int(c)) for c in codings]
        return axial.link(session, from_ref, to_ref, relation, note=note, quotes=supporting,
                          coder=coder, directed=directed)


def unlink(project: Project, link_id: SupportsInt, coder: str | None = None
           ) -> RemovedLink:
    """Delete an axial link and the memos on it (its quotes stay with their codings).

    Example:
        >>> made = api.link(study, "Housing subsidy", "cause", "Microcredit")
        >>> removed = api.unlink(study, made.id)
        >>> len(api.links(study)), removed.memos
        (0, 0)
        >>> _ = api.undo(study), api.undo(study)
    """
    with project.step(f"remove link {int(link_id)}", coder) as session:
        return axial.remove_link(session, int(link_id))


def memo(project: Project, title: str, body: str = "", on: str | None = None,
         coder: str | None = None) -> MemoInfo:
    """Write a memo on "source:NAME", "case:KEY", "code:NAME", "subdivision:NAME" or
    "link:ID", or (without `on`) in the project journal; returns it.

    Example:
        >>> note = api.memo(study, "Week 3", "Coded IP1 to IP4.")
        >>> note.target_kind, api.memos(study, on="project")["title"].tolist()
        ('project', ['Week 3'])
        >>> _ = api.undo(study)
    """
    with project.step(f"write the memo {title!r}", coder) as session:
        target = memo_service.parse_target(on) if on is not None else None
        return memo_service.add_memo(session, title, body, target, coder)


def add_to_set(project: Project, name: str, sources: Sequence[str] = (),
               codes: Sequence[str] = (), description: str | None = None,
               coder: str | None = None) -> SetInfo:
    """Put sources and codes in the set `name` (made if new) and return the set; a set of
    sources narrows reports (`api.Filters(source_sets=[name])`).

    Example:
        >>> two = ["IP1_state_housing_institute", "IP2_municipal_planning"]
        >>> officials = api.add_to_set(study, "Officials", sources=two)
        >>> officials.sources
        ['IP1_state_housing_institute', 'IP2_municipal_planning']
        >>> only = api.Filters(source_sets=["Officials"])
        >>> int(api.mentions(study, by="group", filters=only)["mentions"].sum()) < 557
        True
        >>> _ = api.undo(study)
    """
    with project.step(f"add to the set {name!r}", coder) as session:
        made = sets_service.add_to_set(session, name, sources, codes, description)
        key = made.name_key
    return next(s for s in sets_service.list_sets(project) if name_key(s.name) == key)


def remove_from_set(project: Project, name: str, sources: Sequence[str] = (),
                    codes: Sequence[str] = (), coder: str | None = None) -> bool:
    """Take sources and codes out of the set `name`; with none named, delete the set
    (its members stay in the project). Returns whether the set was deleted.

    Example:
        >>> two = ["IP1_state_housing_institute", "IP2_municipal_planning"]
        >>> _ = api.add_to_set(study, "Officials", sources=two)
        >>> api.remove_from_set(study, "Officials", sources=["IP2_municipal_planning"])
        False
        >>> api.remove_from_set(study, "Officials")
        True
        >>> len(api.sets(study))
        0
    """
    with project.step(f"remove from the set {name!r}", coder) as session:
        return sets_service.remove_from_set(session, name, sources, codes)


def delete_memo(project: Project, memo_id: SupportsInt, coder: str | None = None
                ) -> MemoInfo:
    """Delete a memo; returns what it was.

    Example:
        >>> note = api.memo(study, "Draft", "to be deleted")
        >>> api.delete_memo(study, note.id).title
        'Draft'
        >>> len(api.memos(study))
        0
        >>> _ = api.undo(study), api.undo(study)
    """
    with project.step(f"delete memo {int(memo_id)}", coder) as session:
        return memo_service.delete_memo(session, int(memo_id))


# --- auto-coding --------------------------------------------------------------------


def autocode(project: Project, query: str, code_name: str, *, unit: str | None = None,
             mode: str = "word", speaker: str | None = None,
             cases: str | Iterable[str] = (),
             attributes: Mapping[str, str] | Iterable[tuple[str, str]] = (),
             sources: str | Iterable[str] = (), cutoff: int = SEARCH_CUTOFF,
             subdivision: str | None = None, others: Sequence[str] = (),
             skip: Iterable[int] = (), dry_run: bool = False,
             coder: str | None = None) -> pd.DataFrame:
    """Code every hit of `query` (or its "sentence", "turn" or "paragraph": `unit`)
    with one code, as one step that undo takes back whole.

    The query and its filters are those of `search`; without a query, `speaker`'s
    turns. Returns the numbered spans as `qcode autocode --json` lists them (n, source,
    start, end, unit, hits, status, text), status "coded", "already coded" (the same
    code from the same coder is never doubled) or "left out" (numbers in `skip`); with
    `dry_run`, "would code", and nothing changes.

    Example:
        >>> spans = api.autocode(study, "microcredit", "Microcredit talk", unit="sentence",
        ...                      dry_run=True)
        >>> spans["status"].unique().tolist()
        ['would code']
        >>> done = api.autocode(study, "microcredit", "Microcredit talk", unit="sentence",
        ...                     skip=[1])
        >>> int((done["status"] == "coded").sum()) == len(spans) - 1
        True
        >>> _ = api.undo(study)
    """
    wanted = search_query(query, mode, speaker, cases, attributes, sources, cutoff)
    unit = unit or ("turn" if not query.strip() else "hit")
    planned = search_report.plan(project, wanted, unit)
    if not planned:
        raise InputError(f"nothing to auto-code: no hit for {wanted.describe()}")
    skipped = {int(n) for n in skip}
    unknown = sorted(n for n in skipped if not 1 <= n <= len(planned))
    if unknown:
        raise InputError(f"skip {unknown[0]}: the spans are numbered 1 to {len(planned)}")
    chosen = [span for n, span in enumerate(planned, 1) if n not in skipped]
    result = autocode_service.autocode(
        project, [autocode_service.AutoSpan(s.source_id, s.start, s.end) for s in chosen],
        code_name, subdivision=subdivision, other_subdivisions=others, coder=coder,
        query=f"{wanted.describe()}, unit {unit}", dry_run=dry_run)
    created = iter(result.created)
    rows = []
    for n, span in enumerate(planned, 1):
        if n in skipped:
            status = "left out"
        elif next(created):
            status = "would code" if dry_run else "coded"
        else:
            status = "already coded"
        rows.append({"n": n, "source": span.source, "start": span.start, "end": span.end,
                     "unit": span.unit, "hits": span.hits, "status": status,
                     "text": span.text})
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)


def speaker_as_case(project: Project, speaker: str, case: str | None = None,
                    coder: str | None = None) -> CaseLinks:
    """Tie every source in which `speaker` has a turn to the case `case` (default: the
    speaker's name), created when new.

    Example:
        >>> tied = api.speaker_as_case(study, "Sra. Luna", case="Luna household")
        >>> tied.case, tied.new_case, tied.linked
        ('Luna household', True, ['IP9_familia_beneficiaria'])
        >>> _ = api.undo(study)
    """
    return autocode_service.speaker_as_case(project, speaker, case, coder)


# --- blind double coding ------------------------------------------------------------


def blind(project: Project, sources: str | Iterable[str], coders: Sequence[str],
          coder: str | None = None) -> list[BlindStatus]:
    """Make sources blind for two or more coders: until every one has finished
    (`finish`), each sees only their own codings there and `agreement` refuses them.
    Returns the sources' status (`blind_status` lists it as a table).

    Example:
        >>> found = api.blind(study, "IP3_self_build_agency", ["ana", "ben"])
        >>> found[0].until()
        'until ana and ben finish'
        >>> _ = api.undo(study)
    """
    names = [sources] if isinstance(sources, str) else list(sources)
    with project.step(f"code {', '.join(names)} blind for {' and '.join(coders)}",
                      coder) as session:
        return blind_service.set_blind(session, names, coders)


def finish(project: Project, source: str, coder: str | None = None) -> BlindStatus:
    """Say that `coder` has finished coding `source` blind; when all have, every coding
    there is visible. Returns the source's status.

    Example:
        >>> _ = api.blind(study, "IP3_self_build_agency", ["ana", "ben"])
        >>> api.finish(study, "IP3_self_build_agency", coder="ana").until()
        'until ben finishes'
        >>> _ = api.undo(study, coder="ana"), api.undo(study)
    """
    who = coder or default_coder_name()
    with project.step(f"finish blind coding of {source}", who) as session:
        return blind_service.finish(session, source, who)


def lift_blind(project: Project, sources: str | Iterable[str], coder: str | None = None
               ) -> list[str]:
    """End blind coding on sources whether or not everyone finished; returns their names.

    Example:
        >>> _ = api.blind(study, "IP3_self_build_agency", ["ana", "ben"])
        >>> api.lift_blind(study, "IP3_self_build_agency")
        ['IP3_self_build_agency']
        >>> len(api.blind_status(study))
        0
        >>> _ = api.undo(study), api.undo(study)
    """
    names = [sources] if isinstance(sources, str) else list(sources)
    with project.step(f"lift blind coding on {', '.join(names) or 'every source'}",
                      coder) as session:
        return blind_service.lift(session, names)


# --- correcting transcripts ---------------------------------------------------------


def edit_text(project: Project, source: str, new_text: str, reason: str = "edited",
              coder: str | None = None) -> EditResult:
    """Store a corrected text for `source`; quotes move with their words, a quote whose
    words changed is re-anchored and flagged (`review`), the text before is kept as a
    version (`versions`). Returns what happened to each quote. `undo` takes the edit
    back; the older undo steps on that source are forgotten, their offsets no longer
    hold.

    Example:
        >>> before = api.text(study, "IP9_familia_beneficiaria")
        >>> done = api.edit_text(study, "IP9_familia_beneficiaria",
        ...                      before.replace("Entrevistadora", "E"), reason="shorter labels")
        >>> done.version, len(done.flagged)
        (1, 0)
        >>> _ = api.undo(study)
        >>> api.text(study, "IP9_familia_beneficiaria") == before
        True
    """
    return source_edit.edit_source(project, source, new_text, reason, coder)


def replace_text(project: Project, source: str, path: str | Path, reason: str | None = None,
                 coder: str | None = None) -> EditResult:
    """Replace a source's text with a re-transcribed file (read as `import_files` reads
    it, with its own speaker turns and timestamps), keeping its codings as `edit_text`
    does.

    Example:
        >>> corrected = folder / "IP4.txt"
        >>> _ = corrected.write_text(api.text(study, "IP4_social_worker_agency").replace(
        ...     "I'm grateful", "I am grateful"), encoding="utf-8")
        >>> done = api.replace_text(study, "IP4_social_worker_agency", corrected)
        >>> done.version, done.source
        (1, 'IP4_social_worker_agency')
        >>> _ = api.undo(study)
    """
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise InputError(f"{path}: {path.suffix or 'a file without an extension'} cannot be "
                         f"read; save the transcript as one of {known}")
    fmt_name, read = reader
    document = read(path)
    return source_edit.edit_source(project, source, document.text,
                                   reason or f"replaced by {path.name}", coder,
                                   turns=document.turns, pages=document.pages,
                                   marks=document.marks or None,
                                   origin=(fmt_name, path.name))


def restore_version(project: Project, source: str, version: int,
                    coder: str | None = None) -> EditResult:
    """Put back an earlier version of a source: its text and every quote's place. The
    text it replaces is saved as a new version first. Like every edit of a text, it
    forgets the older undo steps on that source, whose offsets no longer hold: `undo`
    takes the restore back, not the edits before it.

    Example (this one leaves two versions behind):
        >>> before = api.text(study, "IP9_familia_beneficiaria")
        >>> _ = api.edit_text(study, "IP9_familia_beneficiaria", before + "\\n[end]")
        >>> _ = api.restore_version(study, "IP9_familia_beneficiaria", 1)
        >>> api.text(study, "IP9_familia_beneficiaria") == before
        True
        >>> api.versions(study, "IP9_familia_beneficiaria")["reason"].tolist()
        ['edited', 'restored version 1']
    """
    return source_edit.restore_version(project, source, version, coder)


def accept_review(project: Project, quotes: Iterable[SupportsInt] = (),
                  source: str | None = None, coder: str | None = None) -> int:
    """Accept quotes an edit flagged (`review`) as they are now; without `quotes`, every
    flagged quote (of `source`). Returns how many.

    Example:
        >>> first = api.codings(study).iloc[0]
        >>> before = api.text(study, first["source"])
        >>> _ = api.edit_text(study, first["source"],
        ...                   before.replace(first["text"], first["text"].upper()))
        >>> api.accept_review(study)
        1
        >>> len(api.review(study))
        0
        >>> _ = api.undo(study), api.undo(study)
    """
    return source_edit.clear_review(project, [int(q) for q in quotes], source, coder)


def pseudonymise(project: Project,
                 names: Mapping[str, str] | Iterable[tuple[str, str] | tuple[str, str, str]],
                 *, ignore_case: bool = False, dry_run: bool = False,
                 coder: str | None = None) -> PseudonymReport:
    """Replace real names with pseudonyms everywhere: in every source (each keeping its
    text before as a version), source and case names, attributes, notes, memos and
    descriptions. `names` maps original to pseudonym (or lists (original, pseudonym,
    kind)); it is added to the mapping kept in the project (`pseudonyms`). Whole words,
    case-sensitive unless `ignore_case`. A .qcode file is backed up first.

    Example:
        >>> done = api.pseudonymise(study, {"Rebeca Ortiz": "Person B"})
        >>> done.replaced["Rebeca Ortiz"] > 0
        True
        >>> "Rebeca Ortiz" in api.text(study, "IP4_social_worker_agency")
        False
        >>> _ = api.undo(study)
    """
    rows = ([(original, pseudonym) for original, pseudonym in names.items()]
            if isinstance(names, Mapping) else list(names))
    mappings = pseudonym_service.check_mappings(
        [pseudonym_service.Mapping(*row) for row in rows], "the names given")
    return pseudonym_service.pseudonymise(project, mappings, ignore_case=ignore_case,
                                          coder=coder, dry_run=dry_run)


def merge(project: Project, other: Project | str | Path,
          code_map: Mapping[str, str] | None = None, dry_run: bool = False) -> MergeReport:
    """Bring `other` (a copy of this project coded by someone else: an open project or
    its location) into this one, as one step. Sources match by text, codes,
    subdivisions and cases by name; nothing is doubled. `code_map` joins a code renamed
    in the copy ({"theirs": "ours"}).

    Example:
        >>> copy = folder / "ben.qcode"
        >>> _ = api.copy(study, copy)
        >>> with api.open(copy) as theirs:
        ...     _ = api.code(theirs, "IP3_self_build_agency", 0, 9, "Header", coder="ben")
        >>> report = api.merge(study, copy)
        >>> report.added["codings"]
        1
        >>> _ = api.undo(study)
    """
    if isinstance(other, Project):
        return merge_service.merge(project, other, code_map, dry_run=dry_run)
    with open_project(other) as opened:
        return merge_service.merge(project, opened, code_map, dry_run=dry_run)


# --- undo -----------------------------------------------------------------------------


def undo(project: Project, coder: str | None = None) -> ActionInfo | None:
    """Take back the coder's last step (from any front end); None when there is none.

    Example:
        >>> _ = api.create_code(study, "Oops")
        >>> api.undo(study).label
        "add code 'Oops'"
        >>> "Oops" in set(api.codes(study)["name"])
        False
    """
    return steps_history.undo(project, coder)


def redo(project: Project, coder: str | None = None) -> ActionInfo | None:
    """Do again the step the coder last undid; None when there is none.

    Example:
        >>> _ = api.create_code(study, "Second thoughts")
        >>> _ = api.undo(study)
        >>> api.redo(study).label
        "add code 'Second thoughts'"
        >>> "Second thoughts" in set(api.codes(study)["name"])
        True
        >>> _ = api.undo(study)
    """
    return steps_history.redo(project, coder)


# --- importing ----------------------------------------------------------------------


def import_files(project: Project, paths: Sequence[str | Path],
                 participants: str | Path | None = None,
                 coder: str | None = None, dayfirst: bool | None = None,
                 strip_timestamps: bool = False) -> ImportReport:
    """Import transcripts (files or folders, searched recursively) and a participants
    list as one step, like `qcode import`; a refused file is reported, the others go
    in, and the same text twice is skipped. `dayfirst` reads participants' dates like
    3/5/2021 day first (True) or month first (False). Timestamps in the transcripts
    ("[00:01:23]") are kept as time marks; `strip_timestamps` also takes them out of
    the text, like `qcode import --strip-timestamps`.

    Example:
        >>> new = folder / "IP13_tenant.txt"
        >>> _ = new.write_text("Interviewer: How was it?\\n\\nIP13: The rent went up twice.\\n")
        >>> report = api.import_files(study, [new])
        >>> [(item.status, item.source) for item in report.items]
        [('imported', 'IP13_tenant')]
        >>> _ = api.undo(study)
    """
    return import_paths(project, [Path(p) for p in paths],
                        Path(participants) if participants is not None else None, coder,
                        dayfirst=dayfirst, strip_timestamps=strip_timestamps)


def import_sheet(project: Project, paths: str | Path | Sequence[str | Path],
                 coder: str | None = None, dry_run: bool = False) -> SheetReport:
    """Import coding sheets (.xlsx or .csv: quote | code | emphasis | subdivision | other
    subdivisions | notes), anchoring each quote in the sources, as one step like
    `qcode sheet import`. A quote that cannot be placed surely is kept unanchored
    (`codings(study, unanchored_only=True)`, then `anchor`); importing a sheet again
    adds nothing twice.

    Example:
        >>> sheet = folder / "coding.csv"
        >>> _ = sheet.write_text("quote,code,subdivision\\n"
        ...                      "I'm grateful for that.,Gratitude,Social approach\\n")
        >>> report = api.import_sheet(study, sheet)
        >>> report.anchored, report.created_codes, report.items[0].source
        (1, ['Gratitude'], 'IP4_social_worker_agency')
        >>> _ = api.undo(study)
    """
    given = [paths] if isinstance(paths, str | Path) else list(paths)
    return import_sheets(project, [Path(p) for p in given], coder, dry_run)


def import_qdpx(project: Project, path: str | Path, dry_run: bool = False,
                coder: str | None = None) -> ImportSummary:
    """Import a REFI-QDA project (.qdpx from NVivo, ATLAS.ti, MAXQDA, QualCoder) in one
    step; the summary counts what came in and lists what did not, with why.

    Example:
        >>> _ = api.export_qdpx(study, folder / "study.qdpx")
        >>> with api.init(folder / "copy.qcode") as new:
        ...     summary = api.import_qdpx(new, folder / "study.qdpx")
        ...     len(api.sources(new)), len(api.codings(new))
        (12, 384)
    """
    return qdpx_import.import_qdpx(project, Path(path), dry_run=dry_run, coder=coder)


def import_qdc(project: Project, path: str | Path, dry_run: bool = False) -> ImportSummary:
    """Import a REFI-QDA codebook (.qdc): codes, their folders as subdivisions, sets.

    Example:
        >>> _ = api.export_qdc(study, folder / "codebook.qdc")
        >>> with api.init(folder / "codebook.qcode") as new:
        ...     summary = api.import_qdc(new, folder / "codebook.qdc")
        ...     len(api.codes(new))
        65
    """
    return qdc_import.import_qdc(project, Path(path), dry_run=dry_run)


def import_qualcoder(project: Project, path: str | Path, dry_run: bool = False,
                     coder: str | None = None) -> ImportSummary:
    """Import a QualCoder project (its NAME.qda folder, or the data.qda in it) in one
    step: categories, codes, text sources, codings, cases, attributes, memos; pictures
    and recordings are listed as not imported. QualCoder's file is only read.

    Example (`folder` holds housing.qda, a small QualCoder project, in the tests):
        >>> with api.init(folder / "from-qualcoder.qcode") as new:
        ...     summary = api.import_qualcoder(new, folder / "housing.qda")
        ...     summary.counts["sources"] == len(api.sources(new))
        True
    """
    return qualcoder_import.import_qualcoder(project, Path(path), dry_run=dry_run,
                                             coder=coder)


# --- exporting ----------------------------------------------------------------------


def _new_file(path: str | Path, suffix: str, what: str) -> Path:
    path = Path(path)
    if path.suffix.lower() != suffix:
        raise InputError(f"{path}: the {what}'s name must end in {suffix}")
    if not path.parent.exists():
        raise InputError(f"{path.parent} does not exist; create it first")
    return path


def export_xlsx(project: Project, path: str | Path, across: str | None = None
                ) -> dict[str, int]:
    """Write the coded Excel workbook, ready to print: Read me, Coding in the
    researcher's layout, one sheet per case, Codebook, Cases, mentions by group, by
    subdivision and across `across` (a case attribute; by default "stakeholder group"
    where the project has it) with charts; returns rows per sheet. `import_sheet`
    reads it back.

    Example:
        >>> sheets = api.export_xlsx(study, folder / "coded.xlsx")
        >>> sheets["Coding"], sheets["Cases"], sheets["Mentions by stakeholder group"]
        (384, 12, 11)
    """
    return export_workbook.export_xlsx(project, _new_file(path, ".xlsx", "workbook"),
                                       across=across)


def export_csv(project: Project, folder: str | Path) -> list[Path]:
    """Write one UTF-8 CSV per table (codings, codebook, cases, mentions by group and by
    subdivision, saturation) into `folder`; returns their paths.

    Example:
        >>> for path in api.export_csv(study, folder / "tables"):
        ...     print(path.name)
        codings.csv
        codebook.csv
        cases.csv
        mentions_by_group.csv
        mentions_by_subdivision.csv
        saturation.csv
    """
    return export_files.export_csv(project, Path(folder))


def export_markdown(project: Project, folder: str | Path) -> Path:
    """Write a readable report (report.md) with the mention tables and their figures
    into `folder`; returns its path.

    Example:
        >>> report = api.export_markdown(study, folder / "report")
        >>> report.name, (report.parent / "overview.png").exists()
        ('report.md', True)
    """
    return export_files.export_markdown(project, Path(folder))


def export_html(project: Project, folder: str | Path, across: str | None = None) -> Path:
    """Write a report to open in the browser into `folder`: index.html (figures,
    mention tables, the crosstab by `across`, default the stakeholder group, the
    codebook and every quote in its context, filterable) and the figures as SVG files;
    returns the page's path. It needs no server and no network.

    Example:
        >>> page = api.export_html(study, folder / "report")
        >>> page.name, (page.parent / "figures" / "overview.svg").exists()
        ('index.html', True)
    """
    return export_page.export_html(project, Path(folder), across)


def figures(project: Project, folder: str | Path, kind: str = "png", *,
            size: str | tuple[float, float] | None = None, dpi: int = 200,
            font: str = "DejaVu Sans", font_size: float = 9.0, title: bool = True,
            language: str | None = None, stakeholder: str | None = None) -> list[Path]:
    """Draw the study's figures into `folder`, as `qcode figures` does: mentions by
    group, one per group by subdivision (bars grouped and coloured by factor group),
    the groups by stakeholder group, and the saturation curve; returns the files.

    `kind` is "png", "svg" or "pdf". For publication: `size` in centimetres ("16x10",
    or (16, 10); "6x4in" for inches; default 16 cm wide, as tall as the bars need),
    `dpi` of PNG files, `font` family and `font_size` in points, `title` on or off,
    `language` of the chart's own words ("en" or "es"; default the project's).
    `stakeholder` names the case attribute of the stakeholder groups (default: one
    called "stakeholder group", "stakeholder" or "group").

    Example:
        >>> drawn = api.figures(study, folder / "figures", "svg", size="16x12",
        ...                     language="es")
        >>> [path.name for path in drawn][:2]
        ['overview.svg', 'financing-instruments.svg']
        >>> [path.name for path in drawn][-2:]
        ['by-stakeholder-group.svg', 'saturation.svg']
    """
    from qcode.reports.chart_style import CHART_TYPES, ChartStyle, check_language, parse_size
    from qcode.reports.figures import draw_figures

    if kind not in CHART_TYPES:
        raise InputError(f"figures are drawn as png, svg or pdf, not {kind!r}")
    if isinstance(size, tuple):
        size = f"{size[0]}x{size[1]}"
    style = ChartStyle(parse_size(size) if size else None, dpi, font, font_size, title,
                       check_language(language))
    return draw_figures(project, Path(folder), kind, style, stakeholder)


def export_qdpx(project: Project, path: str | Path, receiver: str = "standard"
                ) -> ExportSummary:
    """Write the whole project as a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti,
    MAXQDA and QualCoder; the summary counts what went in. `receiver="nvivo-windows"`
    writes offsets as NVivo for Windows reads them (UTF-16 code units, CRLF as two).

    Example:
        >>> summary = api.export_qdpx(study, folder / "study.qdpx")
        >>> summary.sources, summary.codings
        (12, 384)
        >>> _ = api.export_qdpx(study, folder / "nvivo.qdpx", receiver="nvivo-windows")
    """
    return qdpx_export.export_qdpx(project, _new_file(path, ".qdpx", "project file"),
                                   receiver)


def export_qdc(project: Project, path: str | Path) -> CodebookSummary:
    """Write the codebook alone as a REFI-QDA codebook (.qdc): subdivisions as folders,
    codes with descriptions and colours.

    Example:
        >>> api.export_qdc(study, folder / "codebook.qdc").codes
        65
    """
    return qdc_export.export_qdc(project, _new_file(path, ".qdc", "codebook file"))


__all__ = ["accept_review", "add_to_set", "anchor", "autocode", "blind", "code", "create_code",
           "create_subdivision", "delete_code", "delete_memo", "delete_subdivision",
           "describe_code", "describe_subdivision", "edit_text", "export_csv", "export_html",
           "export_markdown", "export_qdc", "export_qdpx", "export_xlsx", "finish", "import_files",
           "import_qdc", "import_qdpx", "import_qualcoder", "import_sheet", "lift_blind", "link",
           "memo", "merge", "merge_codes", "move_code", "move_codings", "move_subdivision",
           "pseudonymise", "recolour_code", "recolour_subdivision", "redo", "remove_coding",
           "remove_from_set", "rename_code", "rename_subdivision", "replace_text",
           "restore_version", "set_attributes", "speaker_as_case", "undo", "unlink"]
