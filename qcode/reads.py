"""The reading half of the Python API (`qcode.api` re-exports it): tables and texts.

Each listing returns a tidy pandas DataFrame with the columns `qcode ... --json` gives
for the same listing, under the same names (tests/test_api.py compares them), and
types a notebook can compute with: counts are integers, offsets that may be missing
are pandas' nullable `Int64` (`<NA>` for an unanchored quote), moments are
`datetime64` in UTC, calendar dates (interview dates) `datetime64` without a zone,
and lists (a coding's cases) stay lists. The counting itself happens in the services
and reports these functions call; here the rows only become DataFrames.

Examples in the docstrings run against the demo study (`qcode demo`) opened as
`study`: tests/test_api_docs.py runs every one of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

import pandas as pd

from qcode.columns import (
    BLIND_COLUMNS,
    CHECK_COLUMNS,
    CODE_COLUMNS,
    CODING_COLUMNS,
    HISTORY_COLUMNS,
    HIT_COLUMNS,
    LINK_COLUMNS,
    LONG_COLUMNS,
    MEMO_COLUMNS,
    PSEUDONYM_COLUMNS,
    REVIEW_COLUMNS,
    SET_COLUMNS,
    SOURCE_COLUMNS,
    SUBDIVISION_COLUMNS,
    SUGGESTION_COLUMNS,
    VERSION_COLUMNS,
)
from qcode.errors import InputError
from qcode.reports import agreement as agreement_report
from qcode.reports import coders as coders_report
from qcode.reports import cooccurrence as cooccurrence_report
from qcode.reports import mentions as mentions_report
from qcode.reports import progress, unitizing
from qcode.reports import search as search_report
from qcode.reports import terms as terms_report
from qcode.reports.agreement import Agreement
from qcode.reports.mentions import Filters
from qcode.reports.unitizing import Unitizing
from qcode.services import axial, blind, source_edit
from qcode.services import check as check_service
from qcode.services import history as steps_history
from qcode.services import memos as memo_service
from qcode.services import pseudonymise as pseudonym_service
from qcode.services.cases import case_rows, list_cases
from qcode.services.codebook import list_codes, list_subdivisions
from qcode.services.coding import list_codings
from qcode.services.project import Project, describe_location, project_summary
from qcode.services.sets import list_sets
from qcode.services.sources import list_sources, source_text
from qcode.vocabulary import SEARCH_CONTEXT, SEARCH_CUTOFF


def _frame(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], *,
           counts: Sequence[str] = (), offsets: Sequence[str] = (),
           moments: Sequence[str] = ()) -> pd.DataFrame:
    """Rows as a DataFrame of `columns`, typed even when there are no rows: `counts`
    as int64, `offsets` (which may be missing) as Int64, `moments` as UTC datetimes
    (SQLite hands back stored UTC times without a zone, PostgreSQL with one)."""
    table = pd.DataFrame(list(rows), columns=list(columns))
    for column in counts:
        table[column] = table[column].astype("int64")
    for column in offsets:
        table[column] = table[column].astype("Int64")
    for column in moments:
        table[column] = pd.to_datetime(table[column], utc=True)
    return table


def _pairs(values: Mapping[str, str] | Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Attribute filters given as {"stakeholder group": "NGO"} or as (name, value) pairs."""
    return list(values.items()) if isinstance(values, Mapping) else list(values)


def _names(value: str | Iterable[str]) -> list[str]:
    """One name or several: "IP3" and ["IP3", "IP4"] both work."""
    return [value] if isinstance(value, str) else list(value)


# --- the project and what it holds --------------------------------------------------


def info(project: Project) -> dict[str, Any]:
    """The project's name, language, schema version and location, as `qcode info` shows.

    Example:
        >>> facts = api.info(study)
        >>> facts["language"], sorted(facts)
        ('en', ['language', 'location', 'name', 'schema_version'])
    """
    summary = project_summary(project)
    return {"name": summary.name, "language": summary.language,
            "schema_version": summary.schema_version,
            "location": describe_location(summary.location)}


def sources(project: Project) -> pd.DataFrame:
    """Every source with its cases, size, speaker turns and codings, in name order.

    The columns of `qcode sources --json`; `imported_at` is a UTC datetime.

    Example:
        >>> table = api.sources(study)
        >>> len(table), table["name"].iloc[0]
        (12, 'IP1_state_housing_institute')
        >>> int(table["codings"].sum())
        384
    """
    return _frame((asdict(s) for s in list_sources(project)), SOURCE_COLUMNS,
                  counts=["id", "characters", "words", "turns", "codings"],
                  moments=["imported_at"])


def text(project: Project, source: str, version: int | None = None) -> str:
    """The stored text of a source (by name, id or file name), exactly: every offset
    (`codings`, `search`, `api.code`) counts code points in this string. With
    `version`, the text of that saved version instead (`versions` lists them).

    Example:
        >>> body = api.text(study, "IP3_self_build_agency")
        >>> len(body)
        19583
        >>> body[:36]
        'Interview IP3 - Tomás Herrera, Const'
    """
    if version is not None:
        return source_edit.version_text(project, source, version)
    return source_text(project, source)[1]


def cases(project: Project) -> pd.DataFrame:
    """Every case (interview partner) with its sources, one column per attribute.

    The columns of `qcode cases --json`: case, name, sources, then the attributes. A
    date attribute is a datetime64 column, a number attribute numeric (Int64 when
    every value is whole), a text attribute text; a case without a value has a
    missing one.

    Example:
        >>> table = api.cases(study).set_index("case")
        >>> table.loc["IP3", "stakeholder group"]
        'project executing agency'
        >>> table.loc["IP3", "interview date"]
        Timestamp('2021-02-22 00:00:00')
        >>> int(table["duration (min)"].sum()), str(table["duration (min)"].dtype)
        (740, 'Int64')
    """
    rows, columns = case_rows(list_cases(project))
    table = pd.DataFrame(rows, columns=columns)
    for column in columns[3:]:
        values = [v for v in table[column] if v is not None and not pd.isna(v)]
        if values and all(isinstance(v, date) for v in values):
            table[column] = pd.to_datetime(table[column])
        elif values and all(isinstance(v, int | float) for v in values):
            whole = all(float(v).is_integer() for v in values)
            table[column] = pd.to_numeric(table[column]).astype("Int64" if whole else "float64")
    return table


def codes(project: Project) -> pd.DataFrame:
    """Every code with its number of codings, description and colour, in name order.

    Example:
        >>> table = api.codes(study).set_index("name")
        >>> len(table), int(table.loc["Self-management", "codings"])
        (65, 5)
    """
    return _frame((asdict(c) for c in list_codes(project)), CODE_COLUMNS,
                  counts=["id", "codings"])


def sets(project: Project) -> pd.DataFrame:
    """The sets of sources and codes (document sets, code groups), each with its
    members' names in natural order.

    Example:
        >>> two = ["IP2_municipal_planning", "IP1_state_housing_institute"]
        >>> _ = api.add_to_set(study, "Officials", sources=two)
        >>> row = api.sets(study).set_index("name").loc["Officials"]
        >>> row["sources"], row["codes"]
        (['IP1_state_housing_institute', 'IP2_municipal_planning'], [])
        >>> _ = api.undo(study)
    """
    return _frame((asdict(s) for s in list_sets(project)), SET_COLUMNS)


def subdivisions(project: Project) -> pd.DataFrame:
    """The subdivision tree, depth first: groups, factor groups and subdivisions, each
    with its path, parent (None at the top), kind and its own mentions (reports roll
    them up the tree).

    Example:
        >>> tree = api.subdivisions(study)
        >>> row = tree.set_index("name").loc["Microcredit"]
        >>> row["path"], row["parent"], row["kind"], int(row["mentions"])
        ('Financing instruments / Microcredit', 'Financing instruments', 'subdivision', 12)
        >>> list(tree.loc[tree["parent"].isna(), "name"])[:2]
        ['Financing instruments', 'Land and location instruments']
    """
    return _frame((asdict(s) for s in list_subdivisions(project)), SUBDIVISION_COLUMNS,
                  counts=["id", "mentions"])


def codings(project: Project, unanchored_only: bool = False,
            coder: str | None = None) -> pd.DataFrame:
    """Every coding, in text order: the columns of `qcode codings --json`.

    `start` and `end` are `Int64`, `<NA>` for a quote that could not be placed in its
    source (`unanchored_only` lists only those); `created_at` is a UTC datetime; `time`
    (`Float64`) is where the quote starts in the interview in seconds, where subtitle
    cues, timestamps, transcription or a recording tell it. `coder` lists as that
    coder sees it: on sources they code blind (`api.blind`), only their own codings until
    all have finished.

    Example:
        >>> table = api.codings(study)
        >>> len(table), str(table["start"].dtype), str(table["created_at"].dt.tz)
        (384, 'Int64', 'UTC')
        >>> first = table.iloc[0]
        >>> first["source"], first["cases"]
        ('IP1_state_housing_institute', ['IP1'])
        >>> len(api.codings(study, unanchored_only=True))
        0
    """
    rows = (asdict(c) for c in list_codings(project, unanchored_only=unanchored_only,
                                            viewer=coder))
    return _frame(rows, CODING_COLUMNS, counts=["id"], offsets=["start", "end"],
                  moments=["created_at"]).astype({"time": "Float64"})


# --- counts -----------------------------------------------------------------------------


def mentions(project: Project, by: str = "group", across: str | None = None,
             distinct_quotes: bool = False, filters: Filters | None = None,
             decimals: int = 0, unit: str | None = None) -> pd.DataFrame:
    """Mention counts by one dimension with percentages, or a wide crosstab of two.

    Dimensions: "subdivision", "group", "level:N", "code", "source", "case",
    "attribute:NAME". One-way: columns [<dimension>, "mentions", "percent"], largest
    first, percentages adding up to 100. With `across`: one row per `by` value, one
    column per `across` value, and a "Total" row and column, as the terminal shows it
    (`crosstab` gives the same counts as tidy long rows). `filters`
    (`api.Filters(sources=..., cases=..., coders=..., attributes=..., subtree=...,
    source_sets=...)`) narrows what counts; `distinct_quotes` counts quotes instead of mentions.

    Example:
        >>> table = api.mentions(study, by="group")
        >>> list(table.columns), int(table["mentions"].sum()), int(table["percent"].sum())
        (['group', 'mentions', 'percent'], 557, 100)
        >>> table.iloc[0]["group"]
        'Inclusion criteria'
        >>> ngo = api.Filters(attributes=[("stakeholder group", "NGO")])
        >>> int(api.mentions(study, by="code", filters=ngo)["mentions"].sum())
        97
    """
    return mentions_report.mentions(project, by, across, distinct_quotes, filters, decimals,
                                    unit)


def _long(counted: mentions_report.Counts) -> pd.DataFrame:
    return _frame(counted.tidy(), LONG_COLUMNS, counts=["count"])


def crosstab(project: Project, by: str, across: str, distinct_quotes: bool = False,
             filters: Filters | None = None, unit: str | None = None) -> pd.DataFrame:
    """Mentions by two dimensions as tidy long rows: row, column, count, percent.

    One row per pair that has any mention (like `qcode report mentions --across
    --json`); `percent` is the share of the column's total. Pivot it for the wide
    table: `table.pivot(index="row", columns="column", values="count")`.

    Example:
        >>> table = api.crosstab(study, "group", "attribute:stakeholder group")
        >>> list(table.columns)
        ['row', 'column', 'count', 'percent']
        >>> int(table["count"].sum())
        557
        >>> ngo = table[table["column"] == "NGO"]
        >>> round(float(ngo["percent"].sum()))
        100
    """
    return _long(mentions_report.count_mentions(project, by, across, distinct_quotes,
                                                filters, unit=unit))


def matrix(project: Project, rows: str = "code", columns: str = "source") -> pd.DataFrame:
    """The code-document table as tidy long rows: codings per code (or subdivision,
    group) and source (or case), like `qcode report matrix --json`.

    Example:
        >>> table = api.matrix(study, rows="code", columns="case")
        >>> int(table["count"].sum())
        384
        >>> table[table["row"] == "Self-management"][["column", "count"]].values.tolist()
        [['IP5', 1], ['IP6', 1], ['IP11', 2], ['IP12', 1]]
    """
    return _long(mentions_report.count_mentions(project, rows, across=columns,
                                                unit="codings"))


def cooccurrence(project: Project, of: str = "subdivision", overlap: bool = False
                 ) -> pd.DataFrame:
    """Which subdivisions (or codes, `of="code"`) occur together, as tidy long rows:
    row, column, count, like `qcode report cooccurrence --json`.

    A pair counts the codings filed under both (for codes: the quotes carrying both);
    with `overlap`, the pairs of codings whose quotes overlap in the text. The table is
    symmetric and holds only pairs that occur; where row and column are the same item,
    count is that item's own number of codings. For the square table:
    `table.pivot(index="row", columns="column", values="count").fillna(0)`.

    Example:
        >>> table = api.cooccurrence(study)
        >>> list(table.columns)
        ['row', 'column', 'count']
        >>> pairs = table.set_index(["row", "column"])["count"]
        >>> int(pairs[("Microcredit", "Microcredit")])
        12
        >>> int(pairs[("Microcredit", "Informal workers")]), int(pairs[("Informal workers",
        ...                                                          "Microcredit")])
        (2, 2)
    """
    square = cooccurrence_report.cooccurrence(project, of, "overlap" if overlap else "coding")
    return _frame(cooccurrence_report.pairs(square), ["row", "column", "count"],
                  counts=["count"])


def saturation(project: Project) -> pd.DataFrame:
    """New and cumulative codes and subdivisions per interview, in interview-date order.

    Interviews are ordered by their cases' earliest date attribute, then by name;
    `date` is a datetime64 column. When the totals level off, coding is saturating.

    Example:
        >>> table = api.saturation(study)
        >>> table.iloc[0]["source"], table.iloc[0]["date"]
        ('IP1_state_housing_institute', Timestamp('2021-02-09 00:00:00'))
        >>> int(table["new_codes"].sum()) == int(table["total_codes"].iloc[-1]) == 65
        True
    """
    table = progress.saturation(project)
    table["date"] = pd.to_datetime(table["date"])
    return table


def codebook(project: Project) -> pd.DataFrame:
    """Every code with its description, its place in the codebook tree (the path of the
    subdivision it sits under; None: the top level), codings, quotes, sources, the
    subdivisions it is filed under (most used first), and when it was first and last
    used (UTC).

    Example:
        >>> book = api.codebook(study).set_index("code")
        >>> book.loc["Self-management", ["codings", "quotes", "sources"]].tolist()
        [5, 5, 4]
        >>> book.loc["Access to credit", "place"]
        'Financing instruments / Microcredit'
        >>> str(book["first_used"].dt.tz)
        'UTC'
    """
    table = progress.codebook(project)
    for column in ("first_used", "last_used"):
        table[column] = pd.to_datetime(table[column], utc=True)
    return table


def terms(project: Project, by: str = "subdivision", top: int = 10) -> pd.DataFrame:
    """The term index: each subdivision's (or code's, `by="code"`) `top` lemmas by
    keyness, with how often its quotes use them.

    Lemmas come from spaCy, offline, in each source's language; keyness is the
    log-likelihood (G2) against all other quotes. Columns: <by>, lemma, count, keyness.

    Example:
        >>> table = api.terms(study, by="code", top=3)
        >>> list(table.columns)
        ['code', 'lemma', 'count', 'keyness']
        >>> int(table.groupby("code").size().max())
        3
    """
    return terms_report.terms(project, by, top)


def kwic(project: Project, term: str, width: int = 40) -> pd.DataFrame:
    """Keyword in context: every place in the sources where `term` or its lemma occurs,
    with `width` characters of context on each side (source, start, end, left, term,
    right).

    Example:
        >>> table = api.kwic(study, "subsidies")
        >>> list(table.columns)
        ['source', 'start', 'end', 'left', 'term', 'right']
        >>> row = table.iloc[0]
        >>> api.text(study, row["source"])[row["start"]:row["end"]].lower()
        'subsidies'
    """
    return terms_report.kwic(project, term, width)


# --- coding as a team ---------------------------------------------------------------


def coders(project: Project) -> pd.DataFrame:
    """Everyone who worked on the project, with their codings, quotes, axial links,
    memos, and their first and last coding (UTC; missing for a coder with none).

    Example:
        >>> table = api.coders(study)
        >>> table[["coder", "codings", "quotes"]].values.tolist()
        [['researcher', 384, 324]]
    """
    table = coders_report.coders(project)
    for column in ("first_coding", "last_coding"):
        table[column] = pd.to_datetime(table[column], utc=True)
    return table


def agreement(project: Project, coder_a: str, coder_b: str, sources: Sequence[str] = (),
              codes: Sequence[str] = (), overlap: int = agreement_report.DEFAULT_OVERLAP
              ) -> Agreement:
    """Intercoder agreement of two coders, as `qcode agreement --coders A B` computes it.

    Returns an `Agreement` with three DataFrames: `characters` (character-level
    agreement % and Cohen's kappa per code and source, pooled per code, and overall),
    `segments` (codings matching by at least `overlap` % of the longer span) and
    `disagreements` (the codings without a match, side by side); `methods` says how
    each is computed and `scope` what was compared. `sources` and `codes` narrow it.

    Example:
        >>> span = api.codings(study).iloc[0]
        >>> for name in ("ana", "ben"):
        ...     _ = api.code(study, span["source"], span["start"], span["end"],
        ...                  "Second look", coder=name)
        >>> found = api.agreement(study, "ana", "ben")
        >>> overall = found.characters.iloc[-1]
        >>> overall["code"], float(overall["kappa"])
        ('(all codes)', 1.0)
        >>> sorted(found.methods)
        ['characters', 'disagreements', 'segments']
        >>> _ = api.undo(study, coder="ben"), api.undo(study, coder="ana")
    """
    return agreement_report.agreement(project, coder_a, coder_b, sources, codes, overlap)


def alpha(project: Project, coders: Sequence[str], sources: Sequence[str] = (),
          codes: Sequence[str] = (), subdivision: str | None = None) -> Unitizing:
    """Krippendorff's unitizing alphas of two or more coders, as `qcode agreement
    --coders A B C` computes them.

    Returns a `Unitizing` with `codes` (binary |uα per code and source, pooled) and
    `category_table` (uα, |uα and cuα over the compared codes, or those filed under
    `subdivision`), each explained in `methods`.

    Example:
        >>> span = api.codings(study).iloc[0]
        >>> for name in ("ana", "ben", "cem"):
        ...     _ = api.code(study, span["source"], span["start"], span["end"],
        ...                  "Second look", coder=name)
        >>> found = api.alpha(study, ["ana", "ben", "cem"])
        >>> found.coders, found.categories
        (['ana', 'ben', 'cem'], ['Second look'])
        >>> for name in ("cem", "ben", "ana"):
        ...     _ = api.undo(study, coder=name)
    """
    return unitizing.unitizing(project, coders, sources, codes, subdivision)


# --- searching ----------------------------------------------------------------------


def search_query(query: str, mode: str = "word", speaker: str | None = None,
                 cases: str | Iterable[str] = (),
                 attributes: Mapping[str, str] | Iterable[tuple[str, str]] = (),
                 sources: str | Iterable[str] = (), cutoff: int = SEARCH_CUTOFF
                 ) -> search_report.SearchQuery:
    """The query `search` and `autocode` take, from their keyword arguments.

    Raises:
        InputError: `mode` is not one of word, lemma, fuzzy, regex.
    """
    if mode not in search_report.MODES:
        raise InputError(f"mode {mode!r}: choose one of {', '.join(search_report.MODES)}")
    return search_report.SearchQuery(query, mode, cutoff, speaker, tuple(_names(cases)),
                                      tuple(_pairs(attributes)), tuple(_names(sources)))


def search(project: Project, query: str = "", *, mode: str = "word",
           speaker: str | None = None, cases: str | Iterable[str] = (),
           attributes: Mapping[str, str] | Iterable[tuple[str, str]] = (),
           sources: str | Iterable[str] = (), cutoff: int = SEARCH_CUTOFF,
           limit: int | None = None, width: int = SEARCH_CONTEXT) -> pd.DataFrame:
    """Search every transcript: keyword-in-context rows with exact offsets, in text
    order (the columns of `qcode search --json`: source, cases, speaker, start, end,
    left, hit, right).

    `mode` is "word" (whole words ignoring case and accents; several words are a
    phrase, `word*` a prefix, `a OR b` either), "lemma" (every form of the word),
    "fuzzy" (near spellings, as alike as `cutoff` 0-100) or "regex". Without a query,
    `speaker` lists every turn of that speaker. `limit` stops after that many hits.

    Example:
        >>> hits = api.search(study, "subsidy", cases=["IP3"])
        >>> len(hits), set(hits["source"])
        (6, {'IP3_self_build_agency'})
        >>> hit = hits.iloc[0]
        >>> api.text(study, hit["source"])[hit["start"]:hit["end"]]
        'subsidy'
        >>> len(api.search(study, "subsid*", attributes={"stakeholder group": "NGO"}))
        7
    """
    wanted = search_query(query, mode, speaker, cases, attributes, sources, cutoff)
    found = search_report.search(project, wanted, limit=limit, width=width)
    rows = ({"source": h.source, "cases": h.cases, "speaker": h.speaker, "start": h.start,
             "end": h.end, "left": h.left, "hit": h.text, "right": h.right}
            for h in found.hits)
    return _frame(rows, HIT_COLUMNS, counts=["start", "end"])


# --- axial coding and memos ---------------------------------------------------------


def links(project: Project, node: str | None = None) -> pd.DataFrame:
    """Axial links in the order they were made, or only those from or to `node` (a
    subdivision, or "code:NAME"): the columns of `qcode links --json`.

    Example:
        >>> made = api.link(study, "Housing subsidy", "cause", "Microcredit", note="IP8")
        >>> table = api.links(study, node="Microcredit")
        >>> table[["from_name", "relation", "to_name", "note"]].values.tolist()
        [['Housing subsidy', 'cause', 'Microcredit', 'IP8']]
        >>> _ = api.undo(study)
    """
    found = project.read(axial.list_links, node)
    rows = ({**asdict(info), "quote_ids": list(info.quote_ids)} for info in found)
    return _frame(rows, LINK_COLUMNS, counts=["id"], moments=["created_at"])


def memos(project: Project, on: str | None = None, search: str | None = None
          ) -> pd.DataFrame:
    """Memos, oldest first, with their whole bodies: the columns of `qcode memos --json`.

    `on` keeps the memos on one kind of target ("source", "case", "code",
    "subdivision", "link", "project" for the journal) or on one target ("code:NAME");
    `search` those whose title or body contain it, in any case.

    Example:
        >>> _ = api.memo(study, "Cost drives dropout", "IP3 and IP9 left after the "
        ...              "second instalment.", on="subdivision:Housing subsidy")
        >>> table = api.memos(study, search="instalment")
        >>> table[["title", "target_kind", "target_name"]].values.tolist()
        [['Cost drives dropout', 'subdivision', 'Housing subsidy']]
        >>> _ = api.undo(study)
    """
    if on is not None and ":" in on:
        found = project.read(memo_service.list_memos, search=search,
                             target=memo_service.parse_target(on))
    else:
        found = project.read(memo_service.list_memos, target_kind=on, search=search)
    return _frame((asdict(m) for m in found), MEMO_COLUMNS, counts=["id"],
                  offsets=["target_id"], moments=["created_at", "updated_at"])


# --- history, versions, review, blind coding, checks ----------------------------------


def history(project: Project, coder: str | None = None, limit: int = 20,
            everyone: bool = False) -> pd.DataFrame:
    """The latest steps, newest first, as `qcode history --json` lists them: id, step,
    coder, state ("done", "undone" or "cannot be undone"), when (UTC) and backup (the
    copy made before a bulk step, else None). Only `coder`'s steps unless `everyone`.

    Example:
        >>> _ = api.create_code(study, "Second thoughts")
        >>> api.history(study, limit=1)[["step", "state"]].values.tolist()
        [["add code 'Second thoughts'", 'done']]
        >>> _ = api.undo(study)
        >>> api.history(study, limit=1)["state"].tolist()
        ['undone']
    """
    rows = ({"id": s.id, "step": s.label, "coder": s.coder,
             "state": s.state if s.undoable else "cannot be undone",
             "when": s.created_at, "backup": s.backup}
            for s in steps_history.history(project, coder, limit, everyone=everyone))
    return _frame(rows, HISTORY_COLUMNS, counts=["id"], moments=["when"])


def versions(project: Project, source: str) -> pd.DataFrame:
    """The saved versions of a source's text, oldest first: each edit keeps the text
    before it (`text(study, source, version=N)` reads one, `restore_version` puts it
    back).

    Example:
        >>> before = api.text(study, "IP4_social_worker_agency")
        >>> _ = api.edit_text(study, "IP4_social_worker_agency",
        ...                   before.replace("Interviewer", "Interviewer (R.)", 1),
        ...                   reason="name the interviewer")
        >>> table = api.versions(study, "IP4_social_worker_agency")
        >>> table[["version", "reason"]].values.tolist()
        [[1, 'name the interviewer']]
        >>> api.text(study, "IP4_social_worker_agency", version=1) == before
        True
        >>> _ = api.undo(study)
    """
    rows = ({"version": v.number, "saved": v.created_at, "coder": v.coder,
             "reason": v.reason, "characters": v.characters, "words": v.words,
             "quotes": v.quotes} for v in source_edit.list_versions(project, source))
    return _frame(rows, VERSION_COLUMNS, counts=["version", "characters", "words", "quotes"],
                  moments=["saved"])


def review(project: Project, source: str | None = None) -> pd.DataFrame:
    """Quotes an edit of their text changed (re-anchored or unanchored), waiting for a
    look, with what happened in `note`; `accept_review` clears them.

    Example:
        >>> first = api.codings(study).iloc[0]
        >>> words = first["text"]
        >>> before = api.text(study, first["source"])
        >>> _ = api.edit_text(study, first["source"], before.replace(words, words.upper()))
        >>> flagged = api.review(study)
        >>> len(flagged), flagged.iloc[0]["text"] == words.upper()
        (1, True)
        >>> _ = api.undo(study)
    """
    rows = ({"quote": q.quote_id, "source": q.source, "anchor": q.anchor, "start": q.start,
             "end": q.end, "codings": q.codings, "text": q.text, "note": q.note}
            for q in source_edit.flagged_quotes(project, source))
    return _frame(rows, REVIEW_COLUMNS, counts=["quote", "codings"], offsets=["start", "end"])


def blind_status(project: Project, sources: str | Iterable[str] = ()) -> pd.DataFrame:
    """The sources coded blind (`api.blind`), or the named ones: state ("blind" until
    every listed coder has finished, then "finished"), coders, finished, waiting_for.

    Example:
        >>> _ = api.blind(study, ["IP3_self_build_agency"], ["ana", "ben"])
        >>> api.blind_status(study).values.tolist()
        [['IP3_self_build_agency', 'blind', ['ana', 'ben'], [], ['ana', 'ben']]]
        >>> _ = api.undo(study)
    """
    rows = ({"source": s.source, "state": s.state, "coders": list(s.coders),
             "finished": list(s.finished), "waiting_for": list(s.waiting_for)}
            for s in blind.blind_status(project, _names(sources)))
    return _frame(rows, BLIND_COLUMNS)


def check(project: Project) -> pd.DataFrame:
    """What is damaged in the project (one row per problem: kind, where, detail, and
    whether `qcode check --repair` can fix it); no rows when it is clean. Changes
    nothing.

    Example:
        >>> problems = api.check(study)
        >>> len(problems), list(problems.columns)
        (0, ['kind', 'where', 'detail', 'repairable'])
    """
    found = check_service.check(project).findings
    return _frame((asdict(f) for f in found), CHECK_COLUMNS)


def pseudonyms(project: Project) -> pd.DataFrame:
    """The pseudonym mapping kept in the project (original, pseudonym, kind): the key to
    the real names, so keep what you save of it safe.

    Example:
        >>> _ = api.pseudonymise(study, {"Daniel Ruiz": "Person A"})
        >>> api.pseudonyms(study).values.tolist()
        [['Daniel Ruiz', 'Person A', None]]
        >>> _ = api.undo(study)
    """
    found = pseudonym_service.stored_mappings(project)
    return _frame((asdict(m) for m in found), PSEUDONYM_COLUMNS)


def suggest_pseudonyms(project: Project, limit: int | None = None) -> pd.DataFrame:
    """Words that may name people, places or organisations, most used first, with
    how often and in how many sources: candidates for `pseudonymise` (a mapped name
    shows its pseudonym).

    Example:
        >>> found = api.suggest_pseudonyms(study, limit=5)
        >>> list(found.columns), len(found)
        (['original', 'pseudonym', 'kind', 'count', 'sources'], 5)
    """
    rows = ({"original": s.text, "pseudonym": s.pseudonym, "kind": s.kind, "count": s.count,
             "sources": s.sources} for s in pseudonym_service.suggest(project, limit))
    return _frame(rows, SUGGESTION_COLUMNS, counts=["count", "sources"])


__all__ = ["agreement", "alpha", "blind_status", "cases", "check", "codebook", "coders",
           "codes", "codings", "cooccurrence", "crosstab", "history", "info", "kwic", "links",
           "matrix", "memos", "mentions", "pseudonyms", "review", "saturation", "search",
           "sets", "sources", "subdivisions", "suggest_pseudonyms", "terms", "text", "versions"]
