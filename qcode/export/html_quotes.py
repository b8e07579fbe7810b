"""Every quote of the HTML report, grouped as the codebook is, each in its context.

A quote is listed once for each subdivision it is filed under (each listing is one
mention), so a subdivision shows exactly as many quotes as its mention count; the
codings filed under none are in "(no subdivision)", as the counts have them.

The context is the quote's paragraph with the one before and after it: in a
transcript, the speaker's turn with the question before it and the reply after it, so
the reader sees what was asked and answered. A long one is cut near a sentence's end,
so a monologue does not fill the page.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace

from qcode.names import natural_key
from qcode.reports.mentions import NO_SUBDIVISION
from qcode.services.codebook import SubdivisionInfo
from qcode.services.coding import CodingRow
from qcode.services.project import Project

PARAGRAPHS_AROUND = 1  # paragraphs (turns) of context on each side of a quote
MOST_AROUND = 450  # characters of context on a side at most (a long answer is cut)
_PARAGRAPH = re.compile(r"[^\n]*\S[^\n]*")  # a line that is not blank
_BLANK_LINES = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u00bb)\]]*\s")


@dataclass(frozen=True)
class QuoteEntry:
    """One coding as the report lists it: the quote in its context and its coding."""

    coding_id: int
    code: str
    source: str | None
    cases: list[str]
    start: int | None
    end: int | None
    before: str
    text: str
    after: str
    as_written: str | None
    emphasis: str | None
    notes: str | None
    also: list[str]  # the other subdivisions it is filed under, beside the one listing it
    coder: str
    time: float | None = None  # where it starts in the interview, when anything tells


@dataclass(frozen=True)
class CodeQuotes:
    code: str
    quotes: list[QuoteEntry]


@dataclass(frozen=True)
class SubdivisionQuotes:
    name: str
    factor_group: str | None
    description: str | None
    codes: list[CodeQuotes]

    @property
    def mentions(self) -> int:
        return sum(len(c.quotes) for c in self.codes)


@dataclass(frozen=True)
class GroupQuotes:
    name: str
    subdivisions: list[SubdivisionQuotes]

    @property
    def mentions(self) -> int:
        return sum(s.mentions for s in self.subdivisions)


def quote_groups(project: Project, rows: Sequence[CodingRow],
                 tree: Sequence[SubdivisionInfo]) -> list[GroupQuotes]:
    """The codings `rows` under the subdivision tree `tree`, in the tree's order."""
    contexts = _Contexts(project)
    entries = {row.id: _entry(row, contexts) for row in rows}
    filed: dict[str, list[CodingRow]] = {}
    for row in rows:
        for name in _filed(row) or [NO_SUBDIVISION]:
            filed.setdefault(name, []).append(row)
    nodes = {node.name: node for node in tree}
    groups: dict[str, list[SubdivisionQuotes]] = {}
    for name in [n.name for n in tree if n.name in filed] + sorted(
            (n for n in filed if n not in nodes and n != NO_SUBDIVISION), key=natural_key):
        top, factor = _ancestors(nodes, name)
        listed = _by_code(filed[name], name, entries)
        node = nodes.get(name)
        groups.setdefault(top, []).append(
            SubdivisionQuotes(name, factor, node.description if node else None, listed))
    if NO_SUBDIVISION in filed:
        groups[NO_SUBDIVISION] = [SubdivisionQuotes(
            NO_SUBDIVISION, None, "Codings filed under no subdivision",
            _by_code(filed[NO_SUBDIVISION], NO_SUBDIVISION, entries))]
    return [GroupQuotes(name, subdivisions) for name, subdivisions in groups.items()]


def _ancestors(nodes: dict[str, SubdivisionInfo], name: str) -> tuple[str, str | None]:
    """The top group above `name` (itself at the top) and its nearest factor group."""
    node, factor = nodes.get(name), None
    if node is None:
        return name, None
    while node.parent is not None and node.parent in nodes:
        node = nodes[node.parent]
        if node.kind == "factor_group" and factor is None:
            factor = node.name
    return node.name, factor


def _by_code(rows: list[CodingRow], here: str,
             entries: dict[int, QuoteEntry]) -> list[CodeQuotes]:
    """Codes with most quotes first (as the figures sort), quotes in text order."""
    codes: dict[str, list[QuoteEntry]] = {}
    for row in rows:
        also = [n for n in _filed(row) if n != here]
        codes.setdefault(row.code, []).append(replace(entries[row.id], also=also))
    order = sorted(codes, key=lambda c: (-len(codes[c]), natural_key(c)))
    return [CodeQuotes(code, codes[code]) for code in order]


def _filed(row: CodingRow) -> list[str]:
    return ([row.subdivision] if row.subdivision else []) + row.other_subdivisions


def _entry(row: CodingRow, contexts: _Contexts) -> QuoteEntry:
    # An unanchored quote (from a sheet, not found in its source) has no context.
    before, text, after = "", row.text, ""
    if row.source is not None and row.start is not None and row.end is not None:
        before, text, after = contexts.around(row.source, row.start, row.end, row.text)
    return QuoteEntry(row.id, row.code, row.source, row.cases, row.start, row.end, before,
                      text, after, row.as_written, row.emphasis, row.notes, [], row.coder,
                      row.time)


class _Contexts:
    """Each source's text and paragraphs, read once, for the quotes that need them."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._read: dict[str, tuple[str, list[int], list[int]]] = {}

    def around(self, source: str, start: int, end: int, stored: str) -> tuple[str, str, str]:
        """(before, quote, after): the quote as the source has it, with its context."""
        text, starts, ends = self._source(source)
        if not 0 <= start <= end <= len(text):
            return "", stored, ""
        first, last = context_bounds(starts, ends, start, end)
        return (_cut_left(text[first:start]), text[start:end], _cut_right(text[end:last]))

    def _source(self, name: str) -> tuple[str, list[int], list[int]]:
        if name not in self._read:
            from qcode.services.sources import source_text

            _, text = source_text(self.project, name)
            spans = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]
            self._read[name] = (text, [s for s, _ in spans], [e for _, e in spans])
        return self._read[name]


def context_bounds(starts: Sequence[int], ends: Sequence[int], start: int, end: int,
                   around: int = PARAGRAPHS_AROUND) -> tuple[int, int]:
    """Where the context of [start, end) begins and ends: the paragraph (in a transcript,
    the speaker turn) the quote starts in and `around` before it, the one it ends in
    and `around` after it. `starts` and `ends` are the paragraphs' spans."""
    if not starts:
        return start, end
    at = bisect_right(starts, start) - 1  # the paragraph starting at or before the quote
    inside = at >= 0 and ends[at] > start
    first_index = at - around + (0 if inside else 1)
    first = starts[max(0, first_index)] if at >= 0 else start
    to = bisect_left(ends, end)  # the first paragraph ending at or after the quote
    inside = to < len(starts) and starts[to] < end
    last_index = to + around - (0 if inside else 1)
    last = ends[min(len(ends) - 1, last_index)] if last_index >= 0 else end
    return min(first, start), max(last, end)


def _cut_left(text: str) -> str:
    """The end of `text` up to MOST_AROUND characters, from a sentence's start if one is
    near enough, else from a word's."""
    text = _BLANK_LINES.sub("\n", text)
    if len(text) <= MOST_AROUND:
        return text
    cut = text[-MOST_AROUND:]
    sentence = _SENTENCE_END.search(cut)
    if sentence is not None and sentence.end() < len(cut) // 2:
        return "\u2026 " + cut[sentence.end():]
    return "\u2026 " + (cut[cut.find(" ") + 1:] if " " in cut else cut)


def _cut_right(text: str) -> str:
    """The start of `text` up to MOST_AROUND characters, to a sentence's end if one is
    near enough, else to a word's."""
    text = _BLANK_LINES.sub("\n", text)
    if len(text) <= MOST_AROUND:
        return text
    cut = text[:MOST_AROUND]
    ends = [m.start() + 1 for m in _SENTENCE_END.finditer(cut)]
    if ends and ends[-1] > len(cut) // 2:
        return cut[:ends[-1]] + " \u2026"
    return (cut[:cut.rfind(" ")] if " " in cut else cut) + " \u2026"
