"""Searching every transcript: words and phrases, lemmas, misspellings, regular expressions.

A hit is an exact span of a source (code points, end exclusive, like a quote), found in
Python in the texts of the sources that can hold one. On SQLite the FTS5 index
(qcode.services.search_index) says which those are, so a word query on ten thousand
transcripts reads only the few it needs for a page of hits; on PostgreSQL every
source that passes the filters is read, which gives the same hits.

Query syntax (not with --regex): words match whole words, ignoring case and accents;
several words match as a phrase, whatever stands between them (spaces, punctuation, a
line break); `word*` matches words that start with "word"; `a OR b` matches either.
Lemma search (spaCy's lookup tables, offline) looks for every form in the project
whose lemma is the query word's: "build" finds "built", "construyeron" finds
"construir". Fuzzy search (rapidfuzz) looks for the project's words that nearly match,
for misspelled transcripts.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from qcode.errors import InputError, NotFoundError
from qcode.ingest.units import TextUnits
from qcode.names import natural_key
from qcode.reports.scope import source_languages, sources_with
from qcode.services import search_index
from qcode.services.autocode import speaker_labels
from qcode.services.project import Project
from qcode.services.sources import Turn
from qcode.store.models import Case, ProjectInfo, Source, SourceCase, SpeakerTurn
from qcode.vocabulary import SEARCH_CONTEXT, SEARCH_CUTOFF, SEARCH_UNITS

MODES = ("word", "lemma", "fuzzy", "regex")
# How long a --regex pattern may take on one transcript before it is stopped.
REGEX_SECONDS = 5.0
UNITS = SEARCH_UNITS
DEFAULT_CUTOFF = SEARCH_CUTOFF
CONTEXT = SEARCH_CONTEXT

_TOKEN = re.compile(r"[^\W_]+")  # letters and digits, as FTS5's unicode61 cuts words
_TERM = re.compile(r"[^\W_]+\*?")
_OR = re.compile(r"\s+OR\s+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class SearchQuery:
    """What to look for, and where. Empty filters mean every source."""

    text: str = ""
    mode: str = "word"
    cutoff: int = DEFAULT_CUTOFF
    speaker: str | None = None
    cases: Sequence[str] = ()
    attributes: Sequence[tuple[str, str]] = ()  # (name, value)
    sources: Sequence[str] = ()

    def describe(self) -> str:
        """The query as one line, for the history of an auto-coding run."""
        parts = [f"{self.mode} {self.text!r}" if self.text.strip() else "every turn"]
        if self.mode == "fuzzy":
            parts.append(f"cutoff {self.cutoff}")
        if self.speaker:
            parts.append(f"speaker {self.speaker}")
        parts += [f"case {c}" for c in self.cases]
        parts += [f"{n}={v}" for n, v in self.attributes]
        parts += [f"source {s}" for s in self.sources]
        return ", ".join(parts)


@dataclass(frozen=True)
class Hit:
    """One place a query matched, with its context (keyword in context)."""

    source: str
    source_id: int
    cases: list[str]
    start: int
    end: int
    text: str
    left: str
    right: str
    speaker: str | None


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    complete: bool  # False when `limit` stopped the search before the last hit
    forms: list[str] = field(default_factory=list)  # what lemma and fuzzy looked for


@dataclass(frozen=True)
class PlannedSpan:
    """A span an auto-coding run would code: a hit widened to its unit."""

    source: str
    source_id: int
    start: int
    end: int
    unit: str  # the unit it is: a hit outside every turn falls back to its paragraph
    text: str
    hits: int
    left: str = ""  # a little context, for a preview of bare hits
    right: str = ""


@dataclass(frozen=True)
class _Found:
    """One source holding hits, as the scan hands it on."""

    source_id: int
    name: str
    text: str
    language: str
    turns: list[Turn]
    spans: list[tuple[int, int]]


# -- folding: case and accents ----------------------------------------------------------


class _Folding(dict[int, str]):
    """Each character's lower-case form without accents, one character for one.

    The folded text has the same length as the text, so a match in it is a span of the
    text itself.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        bare = "".join(c for c in unicodedata.normalize("NFD", char)
                       if not unicodedata.combining(c))
        folded = bare.casefold() if bare else char
        if len(folded) != 1:  # "ß" -> "ss" would move every later offset
            folded = char.lower() if len(char.lower()) == 1 else char
        self[code] = folded
        return folded


_FOLDING = _Folding()


def fold(text: str) -> str:
    """`text` in lower case without accents, with every character where it was."""
    return text.lower() if text.isascii() else text.translate(_FOLDING)


# -- the query --------------------------------------------------------------------------

Word = tuple[frozenset[str], bool]  # the forms a word may take, and prefix or not


def _parse(text: str) -> list[list[tuple[str, bool]]]:
    """Alternatives (split at OR), each a phrase of (word, prefix)."""
    alternatives = []
    for part in _OR.split(text.strip()):
        words = [(m.group().rstrip("*"), m.group().endswith("*")) for m in _TERM.finditer(part)]
        if words:
            alternatives.append(words)
    if not alternatives:
        raise InputError(f"nothing to search for in {text!r}: give a word or a phrase "
                         "(or a pattern with --regex, or a speaker for every turn)")
    return alternatives


def _pattern(alternatives: list[list[Word]]) -> re.Pattern[str]:
    """Whole words, for the folded text; a phrase's words may stand apart by anything
    that is not a letter or digit."""
    phrases = []
    for words in alternatives:
        pieces = []
        for forms, prefix in words:
            folded = {fold(f) for f in forms}
            options = "|".join(re.escape(f) for f in sorted(folded, key=lambda f: (-len(f), f)))
            pieces.append(f"(?:{options})" + (r"[^\W_]*" if prefix else ""))
        phrases.append(r"[\W_]+".join(pieces))
    # No look-behind in front: a pattern that starts with its words lets `re` skip
    # ahead to them (a hundred times faster); `_whole_words` checks the start instead.
    return re.compile(r"(?:" + "|".join(phrases) + r")(?![^\W_])")


def _whole_words(pattern: re.Pattern[str], folded: str) -> list[tuple[int, int]]:
    """Matches of `pattern` that start a word, none overlapping, in order."""
    found = []
    at = 0
    while (match := pattern.search(folded, at)) is not None:
        start, end = match.span()
        if start and folded[start - 1].isalnum():  # inside a word: look again just after
            at = start + 1
            continue
        found.append((start, end))
        at = max(end, start + 1)
    return found


def _match_expression(alternatives: list[list[Word]]) -> str:
    """The FTS5 query that finds every source the pattern can match (and a few more)."""
    def word(forms: frozenset[str], prefix: bool) -> str:
        star = "*" if prefix else ""
        quoted = (f'"{f}"' for f in sorted({fold(f).replace('"', '""') for f in forms}))
        return "(" + " OR ".join(q + star for q in quoted) + ")"

    return " OR ".join("(" + " AND ".join(word(*w) for w in words) + ")"
                       for words in alternatives)


def _regex(pattern: str) -> Any:
    """The researcher's own pattern, compiled by `regex` (which can stop a search that
    backtracks without end: `re` cannot be interrupted)."""
    try:
        re.compile(pattern)  # its messages point at where the pattern goes wrong
        return regex.compile(pattern)
    except (re.error, regex.error) as exc:
        raise InputError(f"{pattern!r} is not a regular expression: {exc.msg} at position "
                         f"{exc.pos}; put a \\ before special characters, or leave out "
                         "--regex to search for words") from None


def _regex_spans(pattern: Any, text: str, source: str) -> list[tuple[int, int]]:
    try:
        return [m.span() for m in pattern.finditer(text, timeout=REGEX_SECONDS)]
    except TimeoutError:
        raise InputError(f"the pattern {pattern.pattern!r} took over {REGEX_SECONDS:g} s on "
                         f"{source} (it tries the same text again and again); write it more "
                         "simply, e.g. without a repeat inside a repeat") from None


# -- vocabularies for lemma and fuzzy search --------------------------------------------

_LOCK = threading.Lock()
_WORDS: dict[str, tuple[tuple[Any, ...], set[str]]] = {}


def _stamp(session: Session) -> tuple[Any, ...]:
    """Changes whenever a source is added, removed or its text edited.

    Every source's content hash goes into it, not a count or a sum of lengths: a typo
    fixed by a word of the same length must change it too. A few thousand 64-character
    hashes read in a millisecond or two, far less than reading the texts again.
    """
    digest = hashlib.sha256()
    for source_id, content in session.execute(
            select(Source.id, Source.content_hash).order_by(Source.id)):
        digest.update(f"{source_id}:{content};".encode())
    return (digest.hexdigest(),)


def _word_forms(session: Session, location: str) -> set[str]:
    """The distinct words of every source, folded, for fuzzy search without the index.

    Read from the texts once and kept for the project until a text changes: a
    workbench searching again and again pays for it once.
    """
    stamp = _stamp(session)
    with _LOCK:
        cached = _WORDS.get(location)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    words: set[str] = set()
    for (text,) in session.execute(select(Source.text).execution_options(yield_per=200)):
        words.update(_TOKEN.findall(fold(text)))
    with _LOCK:
        _WORDS[location] = (stamp, words)
    return words


@lru_cache(maxsize=8)
def _lemma_tables(language: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """spaCy's lemma lookup table for `language` (spacy-lookups-data, offline): word
    form -> lemma, and lemma -> every form. Empty when the language has none.

    Read with srsly as spaCy's own loader does, without loading spaCy: a lemma search
    from the command line starts in a second, not three.
    """
    import spacy_lookups_data
    import srsly

    tables = getattr(spacy_lookups_data, language, None)
    path = Path(str(tables["lemma_lookup"])) if isinstance(tables, dict) and (
        "lemma_lookup" in tables) else None
    if path is None:
        return {}, {}
    packed = path.with_name(path.name + ".gz")
    if packed.exists():
        lemmas = srsly.read_gzip_json(packed)
    elif path.exists():
        lemmas = srsly.read_json(path)
    else:
        return {}, {}
    forms: dict[str, list[str]] = {}
    for form, base in lemmas.items():
        forms.setdefault(base, []).append(form)
    return lemmas, forms


def lemma(word: str, language: str) -> str:
    """The dictionary form of `word` ("built" -> "build"), or the word in lower case."""
    lemmas, _ = _lemma_tables(language)
    lowered = word.lower()
    return lemmas.get(lowered, lemmas.get(word, lowered))


def lemma_forms(word: str, language: str) -> frozenset[str]:
    """Every form sharing `word`'s lemma ("construyeron": construir, construyó...).

    A word the table does not know is its own lemma, so a text's words with these forms
    are exactly those spaCy's lookup lemmatizer gives the same lemma as `word`.
    """
    _, forms = _lemma_tables(language)
    wanted = lemma(word, language)
    return frozenset({word.lower(), wanted, *forms.get(wanted, ())})


def _fuzzy_forms(word: str, vocabulary: Sequence[str], cutoff: int) -> frozenset[str]:
    from rapidfuzz import fuzz, process

    folded = fold(word)
    near = process.extract(folded, vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff,
                           limit=None)
    return frozenset({folded, *(choice for choice, _score, _ in near)})


# -- the scan ---------------------------------------------------------------------------


class _Searcher:
    """One query's matchers, candidate sources and filters, inside one session."""

    def __init__(self, session: Session, location: str, query: SearchQuery,
                 indexed: bool) -> None:
        if query.mode not in MODES:
            raise InputError(f"unknown search mode {query.mode!r}; choose {', '.join(MODES)}")
        self.session, self.location, self.query = session, location, query
        self.indexed = indexed  # the FTS5 index is there to narrow the sources
        self.default = session.scalars(select(ProjectInfo.language)).one() or "en"
        self.languages: dict[int | None, str] = {}
        self.forms: list[str] = []
        self.match: str | None = None
        self.more = False  # set when a limit stopped the scan early
        self._patterns: dict[str, re.Pattern[str]] = {}
        self._regex: Any = None
        self.speakers = self._speakers()
        if not query.text.strip() and query.speaker:
            return  # every turn of a speaker: no words to look for
        if query.mode == "regex":
            self._regex = _regex(query.text)
        else:
            self._prepare(_parse(query.text))

    def _prepare(self, alternatives: list[list[tuple[str, bool]]]) -> None:
        mode = self.query.mode
        if mode == "lemma":
            self.languages = source_languages(self.session)
            wanted = {self.default, *self.languages.values()}
            per_language = {}
            for language in sorted(wanted):
                per_language[language] = [
                    [(frozenset({fold(w)}) if prefix else lemma_forms(w, language), prefix)
                     for w, prefix in words]
                    for words in alternatives
                ]
                self._patterns[language] = _pattern(per_language[language])
            every = [[(frozenset().union(*(per_language[lang][a][n][0] for lang in wanted)),
                       prefix) for n, (_, prefix) in enumerate(words)]
                     for a, words in enumerate(alternatives)]
        elif mode == "fuzzy":
            terms = self._fuzzy_vocabulary()
            every = [[(frozenset({fold(w)}) if prefix else _fuzzy_forms(
                w, terms, self.query.cutoff), prefix) for w, prefix in words]
                for words in alternatives]
            self._patterns[""] = _pattern(every)
        else:
            every = [[(frozenset({fold(w)}), prefix) for w, prefix in words]
                     for words in alternatives]
            self._patterns[""] = _pattern(every)
        if mode in ("lemma", "fuzzy"):
            self.forms = sorted({f for words in every for forms, _ in words for f in forms})
        self.match = _match_expression(every)

    def _fuzzy_vocabulary(self) -> list[str]:
        if self.indexed:  # the index keeps its terms folded already
            return search_index.vocabulary(self.session.connection())
        return sorted(_word_forms(self.session, self.location))

    def _speakers(self) -> list[str] | None:
        """The speaker labels the --speaker filter names (compared as names are)."""
        return speaker_labels(self.session, self.query.speaker) if self.query.speaker else None

    def candidates(self) -> list[tuple[int, str]]:
        """(id, name) of the sources that pass the filters and may hold a hit, in
        natural name order (IP2 before IP10)."""
        query = self.query
        statement = select(Source.id, Source.name)
        if query.sources:
            statement = statement.where(or_(Source.name.in_(query.sources),
                                            Source.original_filename.in_(query.sources)))
            self._check_named(Source.name, Source.original_filename, query.sources, "source")
        if query.cases:
            keys = [k.lower() for k in query.cases]
            self._check_cases(keys)
            statement = statement.where(Source.id.in_(
                select(SourceCase.source_id).join(Case, SourceCase.case_id == Case.id)
                .where(func.lower(Case.key).in_(keys))))
        for name, value in query.attributes:
            statement = statement.where(Source.id.in_(sources_with(self.session, name, value)))
        if self.speakers is not None:
            statement = statement.where(Source.id.in_(
                select(SpeakerTurn.source_id).where(SpeakerTurn.speaker.in_(self.speakers))))
        rows = self.session.execute(statement).all()
        if self.match is not None and self.indexed:
            # Two cheap reads beat one join here: the names come from their own index,
            # where a join would visit every matching source's row, text and all.
            holding = search_index.matching_sources(self.session.connection(), self.match)
            rows = [row for row in rows if row[0] in holding]
        return sorted(((i, n) for i, n in rows), key=lambda row: _order(row[1]))

    def _check_named(self, *columns: Any) -> None:
        *fields, refs, what = columns
        known: set[str] = set()
        for column in fields:
            known.update(self.session.scalars(select(column).where(column.in_(refs))))
        missing = [r for r in refs if r not in known]
        if missing:
            raise NotFoundError(f"no {what} named {missing[0]!r}; `qcode {what}s` lists them")

    def _check_cases(self, keys: list[str]) -> None:
        known = {k.lower() for k in self.session.scalars(select(Case.key))}
        missing = [k for k in self.query.cases if k.lower() not in known]
        if missing:
            raise NotFoundError(f"no case {missing[0]!r}; `qcode cases` lists them")

    def spans(self, source_id: int, text: str, turns: list[Turn],
              name: str | None = None) -> list[tuple[int, int]]:
        """Every hit in one text, in order, inside the wanted speaker's turns."""
        if not self._patterns and self._regex is None:  # every turn of the speaker is a hit
            assert self.speakers is not None
            units = TextUnits(text, turns).spans("turn")
            return [(a, b) for turn, (a, b) in zip(turns, units, strict=True)
                    if turn.speaker in self.speakers and a < b]
        if self.query.mode == "regex":
            found = _regex_spans(self._regex, text, name or f"source {source_id}")
        else:
            pattern = self._patterns.get("") or self._patterns[
                self.languages.get(source_id, self.default)]
            found = _whole_words(pattern, fold(text))
        found = [(a, b) for a, b in found if a < b]  # an empty regex match is no place
        if self.speakers is not None:
            mine = [(t.start, t.end) for t in turns if t.speaker in self.speakers]
            found = [(a, b) for a, b in found if any(s <= a and b <= e for s, e in mine)]
        return found

    def scan(self, limit: int | None) -> Iterator[_Found]:
        """Sources holding hits, in order, until `limit` hits have been handed on.

        Past the limit it looks on only until it finds one more hit, to say whether
        more follow (`self.more`).
        """
        candidates = self.candidates()
        taken, batch, at = 0, 4, 0
        while at < len(candidates):
            chunk = candidates[at:at + batch]
            at += batch
            batch = min(batch * 2, 256)  # a page of hits usually needs a source or two
            ids = [i for i, _ in chunk]
            rows = self.session.execute(
                select(Source.id, Source.text, Source.language).where(Source.id.in_(ids)))
            texts = {i: (text, language) for i, text, language in rows}
            turns = _turns(self.session, ids)
            for source_id, name in chunk:
                text, language = texts[source_id]
                spans = self.spans(source_id, text, turns.get(source_id, []), name)
                if not spans:
                    continue
                if limit is not None and taken >= limit:
                    self.more = True
                    return
                yield _Found(source_id, name, text,
                             self.languages.get(source_id) or language or self.default,
                             turns.get(source_id, []), spans)
                taken += len(spans)
                if limit is not None and taken > limit:
                    self.more = True
                    return


@lru_cache(maxsize=200_000)
def _order(name: str) -> tuple[tuple[int, int | str], ...]:
    """A source name's natural sort key, worked out once: sorting ten thousand
    candidates on every search would otherwise cost more than the search."""
    return natural_key(name)


def _turns(session: Session, ids: list[int]) -> dict[int, list[Turn]]:
    found: dict[int, list[Turn]] = {}
    for source_id, start, end, speaker in session.execute(
        select(SpeakerTurn.source_id, SpeakerTurn.start, SpeakerTurn.end, SpeakerTurn.speaker)
        .where(SpeakerTurn.source_id.in_(ids)).order_by(SpeakerTurn.source_id, SpeakerTurn.start)
    ):
        found.setdefault(source_id, []).append(Turn(start, end, speaker))
    return found


def _cases(session: Session, ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for source_id, key in session.execute(
        select(SourceCase.source_id, Case.key).join(Case, SourceCase.case_id == Case.id)
        .where(SourceCase.source_id.in_(ids)).order_by(Case.key)
    ):
        found.setdefault(source_id, []).append(key)
    return found


# -- what callers use -------------------------------------------------------------------


def search(project: Project, query: SearchQuery, limit: int | None = None,
           width: int = CONTEXT) -> SearchResult:
    """The hits of `query` in text order, source by source (natural name order).

    `limit` stops after that many hits (the first page: fast on any project); the
    result says whether more may follow.
    """
    if limit is not None and limit < 1:
        raise InputError(f"limit {limit}: give 1 or more hits, or no limit")
    indexed = search_index.ensure_index(project)
    with project.reading() as session:
        searcher = _Searcher(session, project.location, query, indexed)
        found = list(searcher.scan(limit))
        cases = _cases(session, [f.source_id for f in found])
    hits: list[Hit] = []
    for source in found:
        starts = [t.start for t in source.turns]
        for start, end in source.spans:
            left, right = context(source.text, start, end, width)
            hits.append(Hit(source.name, source.source_id, cases.get(source.source_id, []),
                            start, end, source.text[start:end], left, right,
                            _speaker_at(source.turns, starts, start)))
    return SearchResult(hits[:limit] if limit is not None else hits, not searcher.more,
                        searcher.forms)


def context(text: str, start: int, end: int, width: int = CONTEXT) -> tuple[str, str]:
    """Up to `width` characters either side of [start, end), white space squeezed."""
    return (_squeezed(text[max(0, start - 3 * width):start])[-width:],
            _squeezed(text[end:end + 3 * width])[:width])


def _squeezed(chunk: str) -> str:
    if "\n" not in chunk and "  " not in chunk and "\t" not in chunk:
        return chunk  # the usual case, and a search lists thousands of these
    return _SPACE.sub(" ", chunk)


def _speaker_at(turns: list[Turn], starts: list[int], offset: int) -> str | None:
    n = bisect_right(starts, offset) - 1
    if n >= 0 and turns[n].start <= offset < turns[n].end:
        return turns[n].speaker
    return None


def plan(project: Project, query: SearchQuery, unit: str = "hit") -> list[PlannedSpan]:
    """The spans an auto-coding run would code, each once, in text order.

    Every hit is widened to its `unit` the way the reader selects it (sentence, turn,
    paragraph, without the speaker label); a hit no turn holds takes its paragraph. A
    query without words but with a speaker finds every turn of that speaker.
    """
    if unit not in UNITS:
        raise InputError(f"unknown unit {unit!r}; choose {', '.join(UNITS)}")
    if not query.text.strip() and not query.speaker:
        raise InputError("give words to search for, or a speaker whose turns to code")
    indexed = search_index.ensure_index(project)
    planned: dict[tuple[int, int, int], PlannedSpan] = {}
    with project.reading() as session:
        searcher = _Searcher(session, project.location, query, indexed)
        for source in searcher.scan(None):
            units = TextUnits(source.text, source.turns, source.language)
            for start, end in source.spans:
                span, kind = _widened(units, unit, start, end)
                key = (source.source_id, *span)
                before = planned.get(key)
                planned[key] = PlannedSpan(source.name, source.source_id, span[0], span[1],
                                           kind, source.text[span[0]:span[1]],
                                           (before.hits if before else 0) + 1,
                                           *context(source.text, span[0], span[1], 30))
    return list(planned.values())


def _widened(units: TextUnits, unit: str, start: int, end: int) -> tuple[tuple[int, int], str]:
    if unit == "hit":
        return (start, end), "hit"
    for kind in (unit, "paragraph"):
        span = units.covering(kind, start, end)
        if span is not None and span[0] < span[1]:
            return (min(span[0], start), max(span[1], end)), kind
    return (start, end), "hit"
