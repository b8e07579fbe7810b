"""Krippendorff's alpha for unitizing: |uα (binary), uα and cuα for two or more coders.

The family of coefficients of Krippendorff, *Content Analysis* (4th ed., 2019, sec.
12.6), as revised in Krippendorff, Mathet, Bouvry & Widlöcher (2016), "On the
reliability of unitizing textual continua: Further developments", *Quality & Quantity*
50: 2347-2364. A source is a continuum of characters [0, L). Each of m >= 2 coders
divides it into *units* (a stretch coded with a value: here a code) and *gaps* (what
the coder left uncoded); units of one coder do not overlap.

Observed coincidences: for every ordered pair of different coders (i, j), the length
of the intersection of each of i's units or gaps with each of j's, summed per pair of
values (c, k) (a gap has the value "gap") and divided by m - 1:

    l_ck = 1/(m-1) * sum over i != j, g, h of |s_icg ∩ s_jkh|        (l.. = m * L)

Expected coincidences: how the same stretches would meet by chance, where a unit stays
whole and a gap may be cut into single characters; so a unit cannot meet itself for
l^2 of its pairings, a gap for only l:

    e_ck = l.. * (l_c. * l_.k - [c = k] * S_c) / (l..^2 - S)

where S_c sums l^2 over the units valued c (l over the gaps, for c = gap) and S over
all of them. With the nominal difference (0 for equal values, 1 otherwise):

    D_o = (l.. - sum_c l_cc) / l..,   D_e = (l.. - sum_c e_cc) / l..,   α = 1 - D_o / D_e

- **uα** (nominal): the values are the codes and the gap.
- **|uα** (binary): every code is one value "coded", against the gap (the units stay
  the units the coders made). Per code it is computed with that code's units only.
- **cuα** (coding, given the unitizing): only the coincidences of two coded stretches
  count (gaps are left out), and the self-pairing term of a unit is the square of its
  *pairable length*, the part of it that other coders coded, averaged over them:
  p_ig = 1/(m-1) * sum over j != i, h (units) of |s_ig ∩ s_jh|, so that the p add up
  to the coincidences counted.

With the book's example (Fig. 12.11: three observers over a continuum of 60) this gives
uα = 0.510, |uα = 0.413 and cuα = 0.724, the published values. The pairable length of
cuα is written here as the reading that reproduces 0.724 (averaged over the other
coders, so the margins stay consistent); taking the part covered by the union of the
other coders' units instead gives 0.728.

Where D_e = 0 nothing varies (no coder used the code in a source, or every coder
coded all of it) and alpha is undefined: it is reported empty, not as 1.

Several sources (continua) are pooled as if they stood end to end: the coincidences
and the self-pairing terms are summed before alpha is computed, never alphas averaged.

qcode's codings fit the definition as follows: a coder's overlapping quotes with one
code are one unit (their union), touching ones stay two units. For uα, |uα and cuα
over a set of codes, a stretch a coder gave two codes of the set is valued with the
combination ("A + B"), a value of its own, since the definition wants one value per
stretch; codes that exclude each other (one subdivision's) never need it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.errors import InputError
from qcode.names import clean_name, natural_key
from qcode.reports.agreement import (
    ALL_CODES,
    ALL_SOURCES,
    Segment,
    coder_ids,
    load_scope,
    nulls_as_none,
)
from qcode.reports.mentions import subdivision_tree
from qcode.services import lookup
from qcode.services.project import Project
from qcode.store.models import Coding, CodingSubdivision

Value = str | None
GAP: Value = None
CODED = "(coded)"
COMBINED = " + "
_DEEPEST = 10_000

CODE_COLUMNS = ["code", "source", "characters", "units", "d_observed", "d_expected",
                "binary_u_alpha"]
CATEGORY_COLUMNS = ["source", "characters", "units", "u_alpha", "binary_u_alpha", "cu_alpha"]

REFERENCE = ("Krippendorff, Content Analysis, 4th ed. (2019), sec. 12.6; Krippendorff, "
             "Mathet, Bouvry & Widlöcher (2016), Quality & Quantity 50:2347-2364")

_COINCIDENCES = (
    "Observed coincidences l_ck: over every ordered pair of different coders, the lengths "
    "where one coder's stretch valued c meets the other's valued k (the gap is a value "
    "too), summed and divided by m-1. Expected: e_ck = l..(l_c*l_k - [c=k]S_c)/(l..^2 - S), "
    "S_c summing the squared lengths of the units valued c (for the gap: the gaps' "
    "lengths, since a gap may be cut and a unit may not). D_o and D_e: the shares of l.. "
    "off the diagonal of l and of e; alpha = 1 - D_o/D_e."
)
_UNDEFINED = ("Empty where D_e = 0: nothing varies (no coder used the code there, or all "
              "coded all of it), so alpha is undefined.")
_POOLED = ("Pooled rows put the sources end to end (coincidences and S summed before "
           "computing), never averaging alphas.")


def code_method() -> str:
    """How the per-code binary alpha is computed, for the output."""
    return (
        f"Krippendorff's binary unitizing alpha |uα per code ({REFERENCE}). Each source is "
        "a continuum of characters; a coder's quotes with the code are units (overlapping "
        f"quotes of one coder joined), the rest is gaps. {_COINCIDENCES} units: the units "
        f"all coders marked. {_UNDEFINED} {_POOLED} The (all codes) row pools every code's "
        "continua."
    )


def category_method(categories: str) -> str:
    """How uα, |uα and cuα over a set of codes are computed, for the output."""
    return (
        f"Krippendorff's unitizing alphas with {categories} as the values of one variable "
        f"({REFERENCE}). Each source is a continuum of characters; a coder's quotes are units "
        "valued with their code (a stretch a coder gave two of the codes: their combination "
        f"'A + B'), the rest is gaps. {_COINCIDENCES} u_alpha (uα): nominal, every code a "
        "value. binary_u_alpha (|uα): all codes one value, against the gap. cu_alpha (cuα): "
        "the coding of what coders coded in common: only coincidences of two coded stretches "
        "count, and a unit's S term is its pairable length squared (the part of it the other "
        f"coders coded, averaged over them). {_UNDEFINED} {_POOLED}"
    )


# --- the definition, over plain segments ------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """A stretch [start, end) that one coder coded with `value`."""

    start: int
    end: int
    value: str


@dataclass(frozen=True)
class Tally:
    """What alpha is computed from, for one continuum or several pooled (added).

    Everything is kept in integers, scaled by r = m - 1 (the coincidences) or r²
    (the self-pairing terms), so that alpha comes out exact and quick; the scale
    cancels in D_o and D_e.

    Attributes:
        characters: The continua's length in all (each character once).
        units: How many units all coders marked.
        pairs: r = m - 1 (0 for an empty tally); pooled tallies must share it.
        observed: r * l_ck, the observed coincidences keyed (c, k); GAP (None) is
            the gap.
        self_terms: Per value, r² times the sum of its units' squared lengths (for the
            gap: of the gaps' lengths).
        pairable: Per value, r² times the sum of its units' squared pairable lengths.
    """

    characters: int = 0
    units: int = 0
    pairs: int = 0
    observed: Mapping[tuple[Value, Value], int] = field(default_factory=dict)
    self_terms: Mapping[Value, int] = field(default_factory=dict)
    pairable: Mapping[Value, int] = field(default_factory=dict)

    def __add__(self, other: Tally) -> Tally:
        if self.pairs and other.pairs and self.pairs != other.pairs:
            raise ValueError("pooled continua must have the same number of coders")
        return Tally(self.characters + other.characters, self.units + other.units,
                     self.pairs or other.pairs,
                     _summed(self.observed, other.observed),
                     _summed(self.self_terms, other.self_terms),
                     _summed(self.pairable, other.pairable))

    def binary(self) -> Tally:
        """The same tally with every value but the gap taken as one value, CODED."""
        def one(value: Value) -> Value:
            return GAP if value is GAP else CODED

        observed: Counter[tuple[Value, Value]] = Counter()
        for (c, k), n in self.observed.items():
            observed[(one(c), one(k))] += n
        self_terms: Counter[Value] = Counter()
        for value, n in self.self_terms.items():
            self_terms[one(value)] += n
        pairable: Counter[Value] = Counter()
        for value, n in self.pairable.items():
            pairable[one(value)] += n
        return Tally(self.characters, self.units, self.pairs, dict(observed),
                     dict(self_terms), dict(pairable))


def _summed(a: Mapping[Any, int], b: Mapping[Any, int]) -> dict[Any, int]:
    total: Counter[Any] = Counter(a)
    total.update(b)
    return dict(total)


@dataclass(frozen=True)
class Alpha:
    """Observed and expected disagreement, and alpha from them (None: undefined)."""

    observed: Fraction | None = None
    expected: Fraction | None = None

    @property
    def value(self) -> float | None:
        if self.observed is None or not self.expected:
            return None
        return float(1 - self.observed / self.expected)


def tally(length: int, observers: Sequence[Sequence[Unit]]) -> Tally:
    """The coincidences of m >= 2 coders' units over one continuum [0, length).

    Args:
        length: The continuum's length in characters.
        observers: Per coder, their units: sorted or not, but not overlapping each
            other and inside the continuum. What no unit covers is a gap.

    Raises:
        ValueError: Fewer than two coders, or a unit that is empty, out of the
            continuum or overlapping another unit of the same coder.
    """
    m = len(observers)
    if m < 2:
        raise ValueError("unitizing alpha compares at least two coders")
    r = m - 1
    stretches = [_partition(length, units) for units in observers]
    observed: Counter[tuple[Value, Value]] = Counter()
    shared = [[0] * len(parts) for parts in stretches]  # coded length met by others' units
    for i in range(m):
        for j in range(i + 1, m):
            for g, h, common in _intersections(stretches[i], stretches[j]):
                c, k = stretches[i][g][2], stretches[j][h][2]
                observed[(c, k)] += common
                observed[(k, c)] += common
                if c is not GAP and k is not GAP:
                    shared[i][g] += common
                    shared[j][h] += common
    self_terms: Counter[Value] = Counter()
    pairable: Counter[Value] = Counter()
    units = 0
    for i, parts in enumerate(stretches):
        for g, (start, end, value) in enumerate(parts):
            size = end - start
            if value is GAP:
                self_terms[GAP] += r * r * size
            else:
                units += 1
                self_terms[value] += r * r * size * size
                # The pairable length is shared / r, so r² p² = shared².
                pairable[value] += shared[i][g] * shared[i][g]
    return Tally(length, units, r, {key: n for key, n in observed.items() if n},
                 dict(self_terms), dict(pairable))


def _partition(length: int, units: Sequence[Unit]) -> list[tuple[int, int, Value]]:
    """The continuum as consecutive (start, end, value) stretches, gaps filled in."""
    parts: list[tuple[int, int, Value]] = []
    position = 0
    for unit in sorted(units, key=lambda u: (u.start, u.end)):
        if not 0 <= unit.start < unit.end <= length:
            raise ValueError(f"unit {unit.start}-{unit.end} is empty or outside 0-{length}")
        if unit.start < position:
            raise ValueError(f"unit {unit.start}-{unit.end} overlaps another unit of the "
                             "same coder")
        if unit.start > position:
            parts.append((position, unit.start, GAP))
        parts.append((unit.start, unit.end, unit.value))
        position = unit.end
    if position < length:
        parts.append((position, length, GAP))
    return parts


def _intersections(a: Sequence[tuple[int, int, Value]], b: Sequence[tuple[int, int, Value]]
                   ) -> Iterable[tuple[int, int, int]]:
    """(index in a, index in b, common length) for the stretches of two partitions."""
    i = j = 0
    while i < len(a) and j < len(b):
        common = min(a[i][1], b[j][1]) - max(a[i][0], b[j][0])
        if common > 0:
            yield i, j, common
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1


def _disagreements(observed: Mapping[tuple[Value, Value], int],
                   self_terms: Mapping[Value, int]) -> Alpha:
    """D_o and D_e of a coincidence matrix (times r) with self terms (times r²).

    With T = r*l.., M_c = r*l_c. and K = r²*S, the definition's
    e_cc = l..(l_c² - S_c)/(l..² - S) gives 1 - sum_c e_cc/l.. =
    (T² - K - sum_c (M_c² - K_c)) / (T² - K), all in integers.
    """
    total = sum(observed.values())
    if not total:
        return Alpha()
    margins: Counter[Value] = Counter()
    for (c, _), n in observed.items():
        margins[c] += n
    agreed = sum(n for (c, k), n in observed.items() if c == k)
    pairings = total * total - sum(self_terms.values())
    if pairings <= 0:
        return Alpha()
    expected_agreed = sum(margins[c] ** 2 - self_terms.get(c, 0) for c in margins)
    return Alpha(Fraction(total - agreed, total),
                 Fraction(pairings - expected_agreed, pairings))


def u_alpha(counted: Tally) -> Alpha:
    """Nominal uα: units and gaps, every value (code) distinct."""
    return _disagreements(counted.observed, counted.self_terms)


def binary_u_alpha(counted: Tally) -> Alpha:
    """Binary |uα: coded (whatever the code) against not coded."""
    return u_alpha(counted.binary())


def cu_alpha(counted: Tally) -> Alpha:
    """cuα: the coding of the stretches that coders coded in common (gaps left out)."""
    coded = {(c, k): n for (c, k), n in counted.observed.items()
             if c is not GAP and k is not GAP}
    return _disagreements(coded, {v: n for v, n in counted.pairable.items() if v is not GAP})


def units_of(spans: Mapping[str, Iterable[tuple[int, int]]]) -> list[Unit]:
    """One coder's units from their quote spans per code.

    Overlapping spans of one code become one unit (their union); spans that only touch
    stay separate units. Where units of different codes overlap, the stretch they share
    becomes a unit of its own valued with the combination ("A + B"), so that the
    coder's units do not overlap, as the definition requires.
    """
    per_code = {code: _joined(list(found)) for code, found in spans.items()}
    per_code = {code: found for code, found in per_code.items() if found}
    if len(per_code) <= 1:
        return [Unit(start, end, code) for code, found in per_code.items()
                for start, end in found]
    cuts = sorted({edge for found in per_code.values() for span in found for edge in span})
    # The pieces between neighbouring cuts, and the codes whose units cover each.
    covering: list[list[str]] = [[] for _ in cuts[1:]]
    for code in sorted(per_code, key=natural_key):
        for start, end in per_code[code]:
            for piece in range(bisect_left(cuts, start), bisect_left(cuts, end)):
                covering[piece].append(code)
    return [Unit(cuts[piece], cuts[piece + 1], COMBINED.join(codes))
            for piece, codes in enumerate(covering) if codes]


def _joined(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of spans that overlap; spans that merely touch stay apart."""
    result: list[tuple[int, int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if result and start < result[-1][1]:
            result[-1] = (result[-1][0], max(end, result[-1][1]))
        else:
            result.append((start, end))
    return result


# --- from the store -------------------------------------------------------------------


@dataclass
class Unitizing:
    """Unitizing alphas of two or more coders, each table with how it was computed.

    Attributes:
        coders: The coders compared, in the order given.
        categories: The codes taken as the values of the category table.
        subdivision: The subdivision those codes are filed under, if one was chosen.
        codes: Per code and source, then per code pooled, then all codes: binary |uα.
        category_table: Per source, then pooled: uα, |uα and cuα over `categories`.
        scope: What was compared, and what was left out.
    """

    coders: list[str]
    categories: list[str]
    subdivision: str | None
    codes: pd.DataFrame
    category_table: pd.DataFrame
    scope: list[str] = field(default_factory=list)

    @property
    def category_label(self) -> str:
        """The category set as the output names it."""
        if self.subdivision is not None:
            return f"the {len(self.categories)} codes filed under {self.subdivision!r}"
        return f"the {len(self.categories)} compared codes"

    @property
    def methods(self) -> dict[str, str]:
        return {"alpha_codes": code_method(),
                "alpha_categories": category_method(self.category_label)}


def unitizing(project: Project, coders: Sequence[str], sources: Sequence[str] = (),
              codes: Sequence[str] = (), subdivision: str | None = None) -> Unitizing:
    """Krippendorff's unitizing alphas of `coders` (see the module docstring).

    Args:
        project: The open project.
        coders: Two or more coders' names.
        sources: Sources to compare (by id or name). Default: every source all the
            coders have coded something in.
        codes: Codes to compare. Default: every code any of them used in those sources.
        subdivision: Take the codes these coders filed under this subdivision (or a
            subdivision beneath it) as the categories, and compare only those (with
            `codes`: the ones among them).

    Returns:
        A `Unitizing` with the per-code binary table and the category table.

    Raises:
        NotFoundError: A coder, source, code or subdivision is not in the project.
        InputError: Fewer than two coders, one named twice, or no code to compare under
            the subdivision.
    """
    with project.reading() as session:
        ids = coder_ids(session, coders)
        code_ids = [lookup.code(session, name)[0].id for name in codes] or None
        subdivision_name = None
        if subdivision is not None:
            subdivision_name = lookup.subdivision(session, subdivision)[0].name
            under = codes_under(session, subdivision, ids)
            code_ids = [c for c in code_ids if c in under] if code_ids is not None else under
            if not code_ids:
                raise InputError(
                    f"--subdivision {subdivision_name!r}: these coders filed no codings of "
                    f"{'the --code codes ' if codes else ''}under it; pick another "
                    "(`qcode subdivisions` lists them)")
        found = load_scope(session, ids, sources, code_ids)
        coder_names = [clean_name(name) for name in coders]
    code_order, source_order = found.code_order, found.source_order
    code_names, source_names, lengths = found.code_names, found.source_names, found.lengths
    spans = _spans(found.segments, lengths)
    codes_table = _code_table(spans, len(ids), code_order, source_order, code_names,
                              source_names, lengths)
    categories = [code_names[c] for c in code_order]
    category_table = _category_table(spans, len(ids), code_order, source_order, code_names,
                                     source_names, lengths)
    return Unitizing(coders=coder_names, categories=categories, subdivision=subdivision_name,
                     codes=codes_table, category_table=category_table, scope=found.notes)


def codes_under(session: Session, subdivision: str, ids: Sequence[int]) -> list[int]:
    """The codes these coders filed codings of under `subdivision` or beneath it."""
    tree = subdivision_tree(session, subdivision, _DEEPEST, "filed_under")
    return sorted(session.scalars(
        select(Coding.code_id).distinct()
        .join(CodingSubdivision, CodingSubdivision.coding_id == Coding.id)
        .where(CodingSubdivision.subdivision_id.in_(select(tree.c.id)),
               Coding.coder_id.in_(ids))
    ).all())


# (source id, coder position, code id) -> spans, clipped to the source.
Spans = dict[tuple[int, int, int], list[tuple[int, int]]]


def _spans(segments: tuple[list[Segment], ...], lengths: dict[int, int]) -> Spans:
    found: Spans = defaultdict(list)
    for position, side in enumerate(segments):
        for s in side:
            # A quote always lies inside its source; clipping only guards the arithmetic.
            start, end = max(0, s.start), min(lengths[s.source_id], s.end)
            if end > start:
                found[(s.source_id, position, s.code_id)].append((start, end))
    return found


def _code_table(spans: Spans, m: int, code_order: list[int], source_order: list[int],
                code_names: dict[int, str], source_names: dict[int, str],
                lengths: dict[int, int]) -> pd.DataFrame:
    """Per code: a row per source, then the code pooled over them; all codes last."""
    rows: list[dict[str, Any]] = []
    overall = Tally()
    for code_id in code_order:
        name = code_names[code_id]
        per_code = Tally()
        for source_id in source_order:
            observers = [
                [Unit(start, end, name)
                 for start, end in _joined(spans.get((source_id, i, code_id), []))]
                for i in range(m)
            ]
            counted = tally(lengths[source_id], observers)
            rows.append(_code_row(name, source_names[source_id], counted))
            per_code += counted
        rows.append(_code_row(name, ALL_SOURCES, per_code))
        overall += per_code
    if code_order:
        rows.append(_code_row(ALL_CODES, ALL_SOURCES, overall))
    return nulls_as_none(pd.DataFrame(rows, columns=CODE_COLUMNS))


def _code_row(code: str, source: str, counted: Tally) -> dict[str, Any]:
    found = binary_u_alpha(counted)
    return {"code": code, "source": source, "characters": counted.characters,
            "units": counted.units, "d_observed": _rounded(found.observed),
            "d_expected": _rounded(found.expected), "binary_u_alpha": _rounded(found.value)}


def _category_table(spans: Spans, m: int, code_order: list[int], source_order: list[int],
                    code_names: dict[int, str], source_names: dict[int, str],
                    lengths: dict[int, int]) -> pd.DataFrame:
    """uα, |uα and cuα over the codes as categories: per source, then pooled."""
    rows: list[dict[str, Any]] = []
    pooled = Tally()
    for source_id in source_order:
        observers = [
            units_of({code_names[c]: spans.get((source_id, i, c), []) for c in code_order})
            for i in range(m)
        ]
        counted = tally(lengths[source_id], observers)
        rows.append(_category_row(source_names[source_id], counted))
        pooled += counted
    if source_order and code_order:
        rows.append(_category_row(ALL_SOURCES, pooled))
    if not code_order:
        rows = []
    return nulls_as_none(pd.DataFrame(rows, columns=CATEGORY_COLUMNS))


def _category_row(source: str, counted: Tally) -> dict[str, Any]:
    return {"source": source, "characters": counted.characters, "units": counted.units,
            "u_alpha": _rounded(u_alpha(counted).value),
            "binary_u_alpha": _rounded(binary_u_alpha(counted).value),
            "cu_alpha": _rounded(cu_alpha(counted).value)}


def _rounded(value: Fraction | float | None) -> float | None:
    return None if value is None else round(float(value), 4)
