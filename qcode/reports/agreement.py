"""Intercoder agreement between two coders: character-level kappa and segment overlap.

Two views of the same codings, each stated in the output with how it was computed:

1. **Character level** (NVivo's coding comparison, exactly): every character of a
   source is a unit, coded or not coded with a given code by each coder. Per code and
   source, agreement % = (characters both coded + characters neither coded) / all
   characters, and Cohen's kappa = (TA - EF) / (TU - EF), where TU is the number of
   characters, TA the characters the coders agree on, and EF = (cA*cB + uA*uB) / TU
   the agreement expected by chance from each coder's coded (c) and uncoded (u)
   characters. Where TU == EF the coders agree on every character (both coded all of
   it, or neither coded any of it) and kappa is 1, as NVivo reports it. A coder's
   overlapping quotes cover each character once. Pooled rows sum the four counts over
   sources (per code) and over codes and sources (overall) before computing.
2. **Segment overlap** (an approximation of what commercial tools such as MAXQDA
   report, not their exact figure): a coding of A and a coding of B with the same code
   in the same source match when the characters their spans share are at least N%
   (default 90) of the longer of the two spans: shared * 100 >= N * max(len A, len B).
   Each coding matches at most once; the pairs that overlap most are matched first.
   agreement % = 2 * matched / (codings of A + codings of B), so every coding of both
   coders counts once, matched or not.

Unanchored quotes have no span and take no part; the output says how many there were.
Sources still coded blind (`qcode.services.blind`) are left out, and the scope names
them: comparing there would show each coder the other's codings before all finished.
Krippendorff's unitizing alpha, for two or more coders, is in `qcode.reports.unitizing`;
it shares the choice of coders, sources and codings made here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import pandas as pd
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from qcode.errors import InputError, NotFoundError
from qcode.names import clean_name, natural_key
from qcode.progress import Progress
from qcode.reports.intervals import covered, merged, shared
from qcode.services import blind, lookup
from qcode.services.project import Project
from qcode.store.models import Code, Coder, Coding, Quote, Source

ALL_SOURCES = "(all sources)"
ALL_CODES = "(all codes)"
NOT_CODED = "(not coded)"
DEFAULT_OVERLAP = 90

CHARACTER_COLUMNS = ["code", "source", "characters", "both", "a_only", "b_only", "neither",
                     "agreement_pct", "kappa"]
SEGMENT_COLUMNS = ["code", "a_codings", "b_codings", "matched", "a_only", "b_only",
                   "agreement_pct"]
DISAGREEMENT_COLUMNS = ["source", "code", "a_start", "a_end", "a_text", "b_start", "b_end",
                        "b_text", "overlap_pct"]

CHARACTER_METHOD = (
    "Character level, as NVivo's coding comparison: each character of a source is a unit, "
    "coded or not coded with the code by each coder (overlapping quotes count once). "
    "agreement % = (both + neither) / characters; Cohen's kappa = (TA - EF) / (TU - EF) "
    "with TU = characters, TA = both + neither, EF = (cA*cB + uA*uB) / TU from each "
    "coder's coded (c) and uncoded (u) characters; kappa = 1 where TU = EF (the coders "
    "agree on every character). Pooled rows sum the counts over sources, and over codes "
    "and sources for the overall row, before computing."
)


def segment_method(overlap: int) -> str:
    """How the segment-overlap figures are computed, for the output."""
    return (
        "Segment overlap, an approximation of what commercial tools (e.g. MAXQDA) report, "
        "not their exact figure: a coding of A and one of B with the same code in the same "
        f"source match when the characters they share are at least {overlap}% of the longer "
        "span; each coding matches at most once, largest overlaps first. "
        "agreement % = 2 * matched / (codings of A + codings of B)."
    )


def disagreement_method(overlap: int) -> str:
    """What the list of disagreeing segments holds, for the output."""
    return (
        f"Codings without a match under the {overlap}% segment-overlap rule, side by side "
        "with the other coder's coding of the same code that overlaps them most "
        f"(or {NOT_CODED!r}); overlap_pct is the share of the longer span they have in common."
    )


@dataclass(frozen=True)
class Counts:
    """The four kinds of character (units) for one code, in one source or pooled."""

    both: int = 0
    a_only: int = 0
    b_only: int = 0
    neither: int = 0

    @property
    def characters(self) -> int:
        return self.both + self.a_only + self.b_only + self.neither

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.both + other.both, self.a_only + other.a_only,
                      self.b_only + other.b_only, self.neither + other.neither)

    def agreement_pct(self) -> float:
        """(both + neither) / characters, in percent (100 when there are no characters)."""
        if not self.characters:
            return 100.0
        return 100.0 * (self.both + self.neither) / self.characters

    def kappa(self) -> float:
        """Cohen's kappa = (TA - EF) / (TU - EF); 1 where TU == EF (full agreement).

        Computed in integers (everything multiplied by TU), so the TU == EF case is
        recognised exactly, not by comparing floats.
        """
        tu = self.characters
        ta = self.both + self.neither
        coded_a, coded_b = self.both + self.a_only, self.both + self.b_only
        chance = coded_a * coded_b + (tu - coded_a) * (tu - coded_b)  # EF * TU
        denominator = tu * tu - chance
        if denominator == 0:
            return 1.0
        return (ta * tu - chance) / denominator


def counts_for(length: int, a_spans: Iterable[tuple[int, int]],
               b_spans: Iterable[tuple[int, int]]) -> Counts:
    """Character counts for one code in a source of `length` characters."""
    a, b = merged(a_spans), merged(b_spans)
    coded_a, coded_b = covered(a), covered(b)
    both = shared(a, b)
    return Counts(both=both, a_only=coded_a - both, b_only=coded_b - both,
                  neither=length - coded_a - coded_b + both)


def overlap_of(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def segments_match(a: tuple[int, int], b: tuple[int, int], overlap: int) -> bool:
    """True when spans `a` and `b` share at least `overlap`% of the longer one."""
    common = overlap_of(a, b)
    return common > 0 and common * 100 >= overlap * max(a[1] - a[0], b[1] - b[0])


@dataclass(frozen=True)
class Segment:
    """One coding of a coder, as the comparison sees it."""

    coding_id: int
    quote_id: int
    source_id: int
    code_id: int
    start: int
    end: int

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


@dataclass
class Agreement:
    """The figures for two coders, each table with a note of how it was computed."""

    coder_a: str
    coder_b: str
    overlap: int
    characters: pd.DataFrame
    segments: pd.DataFrame
    disagreements: pd.DataFrame
    scope: list[str] = field(default_factory=list)

    @property
    def methods(self) -> dict[str, str]:
        return {"characters": CHARACTER_METHOD, "segments": segment_method(self.overlap),
                "disagreements": disagreement_method(self.overlap)}


def agreement(project: Project, coder_a: str, coder_b: str, sources: Sequence[str] = (),
              codes: Sequence[str] = (), overlap: int = DEFAULT_OVERLAP,
              progress: Progress | None = None) -> Agreement:
    """Compare the codings of two coders (see the module docstring for the methods).

    Args:
        project: The open project.
        coder_a: The first coder's name ("A" in the tables).
        coder_b: The second coder's name ("B").
        sources: Sources to compare (by id or name). Default: every source both coders
            have coded something in; a source only one of them has coded yet is left
            out (and counted in `scope`), since the other may not have reached it.
        codes: Codes to compare. Default: every code either coder used in those sources.
        overlap: The segment-overlap threshold in percent of the longer span (1-100).
        progress: Called as progress(done, in all, what) after each source and code
            compared (the workbench draws a bar and may stop the work by raising).

    Returns:
        An `Agreement` with three DataFrames: `characters` (per code and source, then
        per code over all sources, then overall), `segments` (per code, then overall)
        and `disagreements` (the codings without a match, side by side).

    Raises:
        NotFoundError: A coder, source or code is not in the project.
        InputError: The two coders are the same, or `overlap` is out of range.
    """
    if not 1 <= overlap <= 100:
        raise InputError(f"--overlap {overlap}: give a percentage from 1 to 100")
    with project.reading() as session:
        a_id, b_id = coder_ids(session, [coder_a, coder_b])
        code_ids = [lookup.code(session, name)[0].id for name in codes] or None
        found = load_scope(session, (a_id, b_id), sources, code_ids)
        grouped = _by_source_and_code((found.segments[0], found.segments[1]))
        characters = _character_table(grouped, found.code_order, found.source_order,
                                      found.code_names, found.source_names, found.lengths)
        matches = {}
        for n, (key, (a, b)) in enumerate(grouped.items(), start=1):
            matches[key] = _match(a, b, overlap)
            if progress is not None:
                progress(n, len(grouped), f"{found.source_names.get(key[0], '')}: "
                                          f"{found.code_names.get(key[1], '')}")
        segment_table = _segment_table(grouped, matches, found.code_order, found.code_names)
        disagreements = _disagreements(session, grouped, matches, found.source_names,
                                       found.code_names)
    return Agreement(coder_a=clean_name(coder_a), coder_b=clean_name(coder_b),
                     overlap=overlap, characters=characters, segments=segment_table,
                     disagreements=disagreements, scope=found.notes)


@dataclass
class Scope:
    """What a comparison of coders looks at, loaded once for every figure of it.

    Attributes:
        segments: Each coder's anchored codings in scope, in the order of the ids.
        lengths: Characters of each compared source, by source id.
        source_names: Names of the compared sources, by id.
        code_names: Names of the compared codes, by id.
        notes: The scope lines of the output: which sources, what was left out.
    """

    segments: tuple[list[Segment], ...]
    lengths: dict[int, int]
    source_names: dict[int, str]
    code_names: dict[int, str]
    notes: list[str]

    @property
    def code_order(self) -> list[int]:
        return sorted(self.code_names, key=lambda c: natural_key(self.code_names[c]))

    @property
    def source_order(self) -> list[int]:
        return sorted(self.source_names, key=lambda s: natural_key(self.source_names[s]))


def load_scope(session: Session, ids: Sequence[int], sources: Sequence[str],
               code_ids: list[int] | None) -> Scope:
    """The sources, codings, lengths and names a comparison of the coders `ids` uses.

    Args:
        session: An open session.
        ids: The coders' ids (`coder_ids`).
        sources: Sources named by the user; default as in `compared_sources`.
        code_ids: The codes to compare; None: every code the coders used there.

    Raises:
        NotFoundError: A named source is not in the project.
        InputError: Every source to compare is still coded blind.
    """
    source_ids, notes = compared_sources(session, ids, sources)
    segments = coded_segments(session, ids, source_ids, code_ids)
    lengths: dict[int, int] = {}
    source_names: dict[int, str] = {}
    for source_id, name, length in session.execute(
            select(Source.id, Source.name, Source.length).where(Source.id.in_(source_ids))):
        lengths[source_id], source_names[source_id] = length, name
    used = code_ids or sorted({s.code_id for side in segments for s in side})
    code_names = dict(session.execute(
        select(Code.id, Code.name).where(Code.id.in_(used))).all()) if used else {}
    unanchored = unanchored_codings(session, ids, code_ids)
    if unanchored:
        notes.append(f"{unanchored} codings of these coders are unanchored (no span) and "
                     "take no part")
    return Scope(segments, lengths, source_names, code_names, notes)


def coder_ids(session: Session, coders: Sequence[str]) -> list[int]:
    """The ids of the coders to compare, in the order given (at least two, all different).

    Raises:
        InputError: Fewer than two coders, or one named twice.
        NotFoundError: A coder is not in the project.
    """
    names = [clean_name(name) for name in coders]
    if len(names) < 2:
        raise InputError("--coders needs at least two coders to compare, e.g. --coders ana ben")
    twice = next((name for i, name in enumerate(names) if name in names[:i]), None)
    if twice is not None:
        raise InputError(f"--coders names {twice!r} twice; compare different coders")
    found = dict(session.execute(select(Coder.name, Coder.id).where(Coder.name.in_(names))).all())
    for name in names:
        if name not in found:
            raise NotFoundError(f"no coder named {name!r}; `qcode coders` lists them")
    return [found[name] for name in names]


def compared_sources(session: Session, ids: Sequence[int],
                     sources: Sequence[str]) -> tuple[list[int], list[str]]:
    """The source ids to compare, and what the output should say about the choice.

    Default: the sources every one of the coders has coded something in. Sources
    still coded blind are left out (comparing would show each coder the others'
    codings) and named in the notes.

    Raises:
        NotFoundError: A named source is not in the project.
        InputError: Every source to compare is still coded blind.
    """
    if sources:
        named = list(dict.fromkeys(lookup.source(session, ref).id for ref in sources))
        chosen, blind_note = _without_blind(session, named)
        return chosen, [f"sources: the {len(chosen)} named with --source", *blind_note]
    # Counted in SQL: how many of the coders coded each source.
    per_source = session.execute(
        select(Quote.source_id, func.count(distinct(Coding.coder_id)))
        .join(Quote, Quote.id == Coding.quote_id)
        .where(Coding.coder_id.in_(ids), Quote.anchor != "unanchored")
        .group_by(Quote.source_id)
    ).all()
    shared = [int(source_id) for source_id, n in per_source
              if source_id is not None and n == len(ids)]
    every, blind_note = _without_blind(session, shared)
    fewer = len(per_source) - len(shared)
    pair = len(ids) == 2
    note = (f"sources: the {len(every)} both coders have coded" if pair
            else f"sources: the {len(every)} all {len(ids)} coders have coded")
    if fewer:
        note += (f"; {fewer} coded by only one of them left out" if pair
                 else f"; {fewer} coded by only some of them left out")
        note += " (name sources with --source to include them)"
    return every, [note, *blind_note]


def _without_blind(session: Session, source_ids: list[int]) -> tuple[list[int], list[str]]:
    """`source_ids` without those still coded blind, and a note naming them.

    Raises:
        InputError: All of them are blind: there is nothing to compare.
    """
    waiting = [s for s in blind.statuses(session, source_ids) if s.hiding]
    if not waiting:
        return source_ids, []
    if len(waiting) == len(source_ids):
        blind.refuse_blind(session, source_ids)  # raises, naming the first and who to wait for
    left_out = {s.source_id for s in waiting}
    names = ", ".join(repr(s.source) for s in waiting[:5])
    more = f" and {len(waiting) - 5} more" if len(waiting) > 5 else ""
    return [s for s in source_ids if s not in left_out], [
        f"left out: {len(waiting)} source{'' if len(waiting) == 1 else 's'} still coded "
        f"blind ({names}{more}); compared once every blind coder has run `qcode finish`"]


def coded_segments(session: Session, ids: Sequence[int], source_ids: list[int],
                   code_ids: list[int] | None) -> tuple[list[Segment], ...]:
    """Each coder's anchored codings in scope, in the order of `ids`: only offsets, no text."""
    if not source_ids:
        return tuple([] for _ in ids)
    query = (
        select(Coding.id, Coding.quote_id, Quote.source_id, Coding.code_id, Coding.coder_id,
               Quote.start, Quote.end)
        .join(Quote, Quote.id == Coding.quote_id)
        .where(Coding.coder_id.in_(ids), Quote.source_id.in_(source_ids),
               Quote.anchor != "unanchored")
        .order_by(Quote.source_id, Quote.start, Quote.end, Coding.id)
    )
    if code_ids is not None:
        query = query.where(Coding.code_id.in_(code_ids))
    found: tuple[list[Segment], ...] = tuple([] for _ in ids)
    position = {coder_id: i for i, coder_id in enumerate(ids)}
    for coding_id, quote_id, source_id, code_id, coder_id, start, end in session.execute(query):
        # Anchored quotes always have a source and offsets (a CHECK constraint says so).
        assert source_id is not None and start is not None and end is not None
        found[position[coder_id]].append(
            Segment(coding_id, quote_id, source_id, code_id, start, end))
    return found


def unanchored_codings(session: Session, ids: Sequence[int], code_ids: list[int] | None) -> int:
    """How many codings of these coders have no span (and so take no part)."""
    query = (select(func.count()).select_from(Coding).join(Quote, Quote.id == Coding.quote_id)
             .where(Coding.coder_id.in_(ids), Quote.anchor == "unanchored"))
    if code_ids is not None:
        query = query.where(Coding.code_id.in_(code_ids))
    return session.scalar(query) or 0


Grouped = dict[tuple[int, int], tuple[list[Segment], list[Segment]]]


def _by_source_and_code(segments: tuple[list[Segment], list[Segment]]) -> Grouped:
    """(source id, code id) -> (A's segments, B's segments)."""
    grouped: Grouped = defaultdict(lambda: ([], []))
    for side, found in enumerate(segments):
        for segment in found:
            grouped[(segment.source_id, segment.code_id)][side].append(segment)
    return dict(grouped)


def _character_table(grouped: Grouped, code_order: list[int], source_order: list[int],
                     code_names: dict[int, str], source_names: dict[int, str],
                     lengths: dict[int, int]) -> pd.DataFrame:
    """Per code: a row per source, then the code pooled over them; overall last."""
    rows: list[dict[str, Any]] = []
    overall = Counts()
    for code_id in code_order:
        per_code = Counts()
        for source_id in source_order:
            a, b = grouped.get((source_id, code_id), ([], []))
            counts = counts_for(lengths[source_id], (s.span for s in a), (s.span for s in b))
            rows.append(_character_row(code_names[code_id], source_names[source_id], counts))
            per_code += counts
        rows.append(_character_row(code_names[code_id], ALL_SOURCES, per_code))
        overall += per_code
    if code_order:
        rows.append(_character_row(ALL_CODES, ALL_SOURCES, overall))
    return pd.DataFrame(rows, columns=CHARACTER_COLUMNS)


def _character_row(code: str, source: str, counts: Counts) -> dict[str, Any]:
    return {"code": code, "source": source, "characters": counts.characters,
            "both": counts.both, "a_only": counts.a_only, "b_only": counts.b_only,
            "neither": counts.neither, "agreement_pct": round(counts.agreement_pct(), 2),
            "kappa": round(counts.kappa(), 4)}


def _match(a: list[Segment], b: list[Segment], overlap: int) -> list[tuple[Segment, Segment]]:
    """One-to-one pairs under the overlap rule, the largest shares of the longer span first."""
    candidates = []
    for x in a:
        for y in b:
            if segments_match(x.span, y.span, overlap):
                longer = max(x.end - x.start, y.end - y.start)
                share = Fraction(overlap_of(x.span, y.span), longer)
                candidates.append((-share, x.start, y.start, x.coding_id, y.coding_id, x, y))
    pairs = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    for *_, x, y in sorted(candidates, key=lambda c: c[:5]):
        if x.coding_id not in used_a and y.coding_id not in used_b:
            used_a.add(x.coding_id)
            used_b.add(y.coding_id)
            pairs.append((x, y))
    return pairs


def _segment_table(grouped: Grouped, matches: dict[tuple[int, int], list[Any]],
                   code_order: list[int], code_names: dict[int, str]) -> pd.DataFrame:
    totals: dict[int, list[int]] = {code_id: [0, 0, 0] for code_id in code_order}
    for key, (a, b) in grouped.items():
        total = totals[key[1]]
        total[0] += len(a)
        total[1] += len(b)
        total[2] += len(matches[key])
    rows = [_segment_row(code_names[code_id], *totals[code_id]) for code_id in code_order]
    if code_order:
        rows.append(_segment_row(ALL_CODES, *(sum(t[i] for t in totals.values())
                                              for i in range(3))))
    return nulls_as_none(pd.DataFrame(rows, columns=SEGMENT_COLUMNS))


def _segment_row(code: str, a: int, b: int, matched: int) -> dict[str, Any]:
    return {"code": code, "a_codings": a, "b_codings": b, "matched": matched,
            "a_only": a - matched, "b_only": b - matched,
            # No codings of either coder: nothing to agree or disagree on.
            "agreement_pct": round(200.0 * matched / (a + b), 2) if a + b else None}


def _disagreements(session: Session, grouped: Grouped, matches: dict[tuple[int, int], list[Any]],
                   source_names: dict[int, str], code_names: dict[int, str]) -> pd.DataFrame:
    """Every unmatched coding beside the other coder's best-overlapping coding."""
    pairs: list[tuple[Segment | None, Segment | None]] = []
    for key, (a, b) in grouped.items():
        matched_a = {x.coding_id for x, _ in matches[key]}
        matched_b = {y.coding_id for _, y in matches[key]}
        shown: set[tuple[int, int]] = set()
        for mine in a:
            if mine.coding_id not in matched_a:
                theirs = _best_partner(mine, b)
                pairs.append((mine, theirs))
                if theirs is not None:
                    shown.add((mine.coding_id, theirs.coding_id))
        for mine in b:
            if mine.coding_id not in matched_b:
                theirs = _best_partner(mine, a)
                if theirs is None or (theirs.coding_id, mine.coding_id) not in shown:
                    pairs.append((theirs, mine))
    texts = _quote_texts(session, {s.quote_id for pair in pairs for s in pair if s is not None})
    rows: list[dict[str, Any]] = []
    for x, y in pairs:
        either = x or y
        assert either is not None
        common = overlap_of(x.span, y.span) if x and y else 0
        longer = max(x.end - x.start, y.end - y.start) if x and y else 0
        rows.append({
            "source": source_names[either.source_id], "code": code_names[either.code_id],
            "a_start": x.start if x else None, "a_end": x.end if x else None,
            "a_text": texts[x.quote_id] if x else NOT_CODED,
            "b_start": y.start if y else None, "b_end": y.end if y else None,
            "b_text": texts[y.quote_id] if y else NOT_CODED,
            "overlap_pct": round(100.0 * common / longer, 1) if longer else None,
        })
    rows.sort(key=lambda r: (natural_key(r["source"]),
                             min(v for v in (r["a_start"], r["b_start"]) if v is not None),
                             natural_key(r["code"])))
    return nulls_as_none(pd.DataFrame(rows, columns=DISAGREEMENT_COLUMNS))


def _best_partner(segment: Segment, others: list[Segment]) -> Segment | None:
    """The other coder's segment sharing the largest part of the longer span, if any."""
    best, best_share = None, Fraction(0)
    for other in others:
        common = overlap_of(segment.span, other.span)
        if common:
            share = Fraction(common, max(segment.end - segment.start, other.end - other.start))
            if share > best_share:
                best, best_share = other, share
    return best


def _quote_texts(session: Session, quote_ids: set[int]) -> dict[int, str]:
    texts: dict[int, str] = {}
    ordered = sorted(quote_ids)
    for i in range(0, len(ordered), 500):  # stay well under any bound-parameter limit
        chunk = ordered[i:i + 500]
        texts.update(session.execute(
            select(Quote.id, Quote.text).where(Quote.id.in_(chunk))).all())
    return texts


def nulls_as_none(table: pd.DataFrame) -> pd.DataFrame:
    """Missing values as None, not NaN, so JSON and CSV show them empty."""
    return table.astype(object).where(table.notna(), None)
