"""Pseudonymisation: real names, places and organisations replaced with pseudonyms.

Each source is changed through the same machinery as a correction (`apply_edit`), as
known replacements: every quote keeps covering the same words, its text now with the
pseudonym, and is not flagged (the change was asked for); every changed source keeps
its text before as a version. Matching is whole-word and case-sensitive by default,
longest original first, so "Maria Lopez" is replaced before "Maria".

What else is replaced, because exports, shared copies and the history carry it: source
and file names, speaker labels, quotes as the researcher wrote them (sheet text), case
names and text attributes, coding emphasis and notes, memos, axial link notes, code and
subdivision descriptions and the labels of undo steps. These have no versions. Names
that others refer to (case keys, code and subdivision names, coders...) are the
researcher's to change: the report lists the ones still holding a real name.

The mapping (the `pseudonyms` table) is the key back to the real names: kept in the
project, apart from the texts, never exported. Dropping it also deletes the source
versions and undo steps that still hold a real name, rebuilds the search index and
compacts a .qcode file, since otherwise the names would stay in the project.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import or_, select, text
from sqlalchemy.orm import InstrumentedAttribute, Session

from qcode.errors import InputError, NotFoundError
from qcode.progress import Progress
from qcode.services import lookup, search_index, steps
from qcode.services.project import Project
from qcode.services.source_edit import EditResult, apply_edit, forget_steps_on
from qcode.services.sources import free_source_name
from qcode.services.text_diff import Alignment, Replacement
from qcode.store.engine import sqlite_path
from qcode.store.models import (
    Action,
    Attribute,
    AxialLink,
    Case,
    CaseAttribute,
    Code,
    Coder,
    Coding,
    Memo,
    ProjectInfo,
    Pseudonym,
    Quote,
    Source,
    SourceVersion,
    SpeakerTurn,
    Subdivision,
)

KINDS = ("person", "place", "organisation")
# Labels of interview roles, not of people: never suggested as names.
_ROLES = {"interviewer", "interviewee", "interviewerin", "moderator", "moderatorin",
          "respondent", "speaker", "entrevistador", "entrevistadora", "entrevistado",
          "entrevistada", "q", "a", "i", "r", "int", "resp"}
# Small words inside a name ("Instituto de Vivienda", "Ludwig van Beethoven").
_PARTICLES = {"de", "del", "la", "las", "los", "da", "das", "do", "dos", "di", "du", "van",
              "von", "der", "den", "le", "y", "e"}
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*")
_SENTENCE_END = set(".!?…:;]\n")  # "[laughs] Yes" opens a sentence too
_OPENERS = set(" \t\"'“‘«([¿¡-–—")
_NER_KINDS = {"PERSON": "person", "PER": "person", "GPE": "place", "LOC": "place",
              "FAC": "place", "ORG": "organisation", "NORP": "organisation"}


@dataclass(frozen=True)
class Mapping:
    """A real name and the pseudonym that replaces it."""

    original: str
    pseudonym: str
    kind: str | None = None


@dataclass(frozen=True)
class Suggestion:
    """A word or name that may identify someone, with how often the sources use it."""

    text: str
    kind: str
    count: int
    sources: int
    pseudonym: str = ""  # the stored pseudonym, when it is mapped already


@dataclass
class PseudonymReport:
    """What `pseudonymise` did (or, in a dry run, would do)."""

    mappings: int
    edits: list[EditResult] = field(default_factory=list)
    replaced: Counter[str] = field(default_factory=Counter)  # original -> occurrences
    by_source: dict[str, int] = field(default_factory=dict)
    fields: Counter[str] = field(default_factory=Counter)  # "memos" -> values changed
    dry_run: bool = False
    kept: dict[str, list[str]] = field(default_factory=dict)  # see `kept_line`
    backup: str | None = None  # the copy of a .qcode file taken first


@dataclass(frozen=True)
class DropReport:
    """What `drop_mapping` deleted and cleaned."""

    mappings: int
    versions: int
    steps: int
    compacted: bool
    labels: int = 0  # labels of kept steps and versions that lost a name
    reindexed: bool = False  # the search index was built again
    kept: dict[str, list[str]] = field(default_factory=dict)  # see `kept_line`


class Matcher:
    """Finds mapped originals in a text: whole words, longest first.

    A name matches however its accents are encoded: "Álvaro" typed on one machine
    (one code point for Á) finds "Álvaro" in a transcript or file name written with a
    separate accent mark (macOS file names are), and the other way round.
    """

    def __init__(self, mappings: Sequence[Mapping], ignore_case: bool = False) -> None:
        self.ignore_case = ignore_case
        self._to = {self._key(m.original): m.pseudonym for m in mappings}
        self._by_form = {form: m.pseudonym for m in mappings for form in _forms(m.original)}
        self.forms = sorted(self._by_form, key=lambda o: (-len(o), o))
        alternatives = "|".join(re.escape(o) for o in self.forms)
        flags = re.IGNORECASE if ignore_case else 0
        self.pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", flags) \
            if self.forms else None

    def _key(self, original: str) -> str:
        original = unicodedata.normalize("NFC", original)
        return original.casefold() if self.ignore_case else original

    def _pseudonym(self, found: str) -> str:
        pseudonym = self._by_form.get(found) or self._to.get(self._key(found))
        if pseudonym is None:
            # The regex's case-blind match is simpler than casefold() (a rare letter such
            # as the Kelvin sign): the alternative it matched tells the original.
            flags = re.IGNORECASE if self.ignore_case else 0
            pseudonym = next(p for form, p in self._by_form.items()
                             if re.fullmatch(re.escape(form), found, flags))
        return pseudonym

    def replacements(self, value: str) -> list[tuple[int, int, str, str]]:
        """(start, end, original as found, pseudonym) of every match, in text order."""
        if self.pattern is None:
            return []
        return [(m.start(), m.end(), m.group(), self._pseudonym(m.group()))
                for m in self.pattern.finditer(value)]

    def replace(self, value: str) -> str:
        if self.pattern is None:
            return value
        return self.pattern.sub(lambda m: self._pseudonym(m.group()), value)

    def search(self, value: str) -> bool:
        return self.pattern is not None and self.pattern.search(value) is not None


def _forms(original: str) -> set[str]:
    """The original as written, composed (NFC) and decomposed (NFD)."""
    return {original, unicodedata.normalize("NFC", original),
            unicodedata.normalize("NFD", original)}


def check_mappings(rows: Iterable[Mapping], where: str = "the mapping") -> list[Mapping]:
    """Clean and check a mapping: one pseudonym per original, none that would match again.

    Raises InputError naming the row, so a bad file changes nothing.
    """
    found: dict[str, Mapping] = {}
    for n, row in enumerate(rows, 1):
        # Composed accents (NFC): "Álvaro" typed two ways is one name, not two rows.
        original = unicodedata.normalize("NFC", " ".join(row.original.split()))
        pseudonym = " ".join(row.pseudonym.split())
        kind = row.kind.strip().lower() if row.kind and row.kind.strip() else None
        if not original or not pseudonym:
            raise InputError(f"{where}, row {n}: give both the original and its pseudonym")
        if original == pseudonym:
            raise InputError(f"{where}, row {n}: {original!r} is its own pseudonym; leave "
                             "the row out")
        seen = found.get(original)
        if seen is not None and seen.pseudonym != pseudonym:
            raise InputError(f"{where}, row {n}: {original!r} has two pseudonyms "
                             f"({seen.pseudonym!r} and {pseudonym!r}); keep one")
        found[original] = Mapping(original, pseudonym, kind)
    _refuse_loops(list(found.values()), where)
    return list(found.values())


def _refuse_loops(mappings: Sequence[Mapping], where: str) -> None:
    matcher = Matcher(mappings)
    for m in mappings:
        hit = matcher.replacements(m.pseudonym)
        if hit:
            raise InputError(f"{where}: the pseudonym {m.pseudonym!r} contains the name "
                             f"{hit[0][2]!r}, which would be replaced again; choose another")


def stored_mappings(project: Project) -> list[Mapping]:
    """The mapping kept in the project, by original."""
    with project.reading() as session:
        return _stored(session)


def _stored(session: Session) -> list[Mapping]:
    return [Mapping(p.original, p.pseudonym, p.kind) for p in
            session.scalars(select(Pseudonym).order_by(Pseudonym.original))]


def save_mappings(session: Session, mappings: Sequence[Mapping]) -> list[Mapping]:
    """Add or update pseudonyms; returns the whole stored mapping, checked together."""
    merged = {m.original: m for m in _stored(session)}
    merged.update({m.original: m for m in mappings})
    _refuse_loops(list(merged.values()), "the mapping")
    stored = {p.original: p for p in session.scalars(select(Pseudonym))}
    for m in mappings:
        row = stored.get(m.original)
        if row is None:
            session.add(Pseudonym(original=m.original, pseudonym=m.pseudonym, kind=m.kind))
        else:
            row.pseudonym, row.kind = m.pseudonym, m.kind or row.kind
    session.flush()
    return _stored(session)


def pseudonymise(project: Project, mappings: Sequence[Mapping] = (), *,
                 ignore_case: bool = False, coder: str | None = None, dry_run: bool = False,
                 take_backup: bool = True, progress: Progress | None = None) -> PseudonymReport:
    """Store `mappings` and replace every stored original throughout the project.

    One transaction: every source or none. A dry run does all of it and keeps nothing,
    so its report says exactly what would change.

    Args:
        project: The open project.
        mappings: Names to add to the stored mapping first (may be empty).
        ignore_case: Match names in any case.
        coder: Who does it (default: $QCODE_CODER or the login name).
        dry_run: Work out what would change; change nothing.
        take_backup: Copy a .qcode file into its backups folder before a real run.
        progress: Called as progress(sources done, sources in all, source name).

    Raises:
        InputError: A bad mapping, or no mapping at all; nothing is changed or copied.
    """
    checked = check_mappings(mappings)
    # Whatever can refuse does so before the backup: a bad map leaves no copy behind
    # and rotates no good one away.
    with project.step("check the pseudonym mapping", dry_run=True) as session:
        _mapping_table(session, checked)
    # A run that fails, or finds nothing to change, leaves no copy behind (`guarded`).
    with project.step("pseudonymise the project", coder, dry_run=dry_run,
                      backup_before="pseudonymise" if take_backup else None) as session:
        table = _mapping_table(session, checked)
        matcher = Matcher(table, ignore_case)
        who = lookup.coder(session, coder)
        report = PseudonymReport(len(table), dry_run=dry_run)
        sources = list(session.scalars(select(Source).order_by(Source.name)))
        edited: list[int] = []
        for n, source in enumerate(sources, 1):
            found = matcher.replacements(source.text)
            if found:
                alignment = Alignment.replacing(
                    source.text, [Replacement(s, e, new) for s, e, _, new in found])
                report.edits.append(apply_edit(session, source, alignment, "pseudonymised",
                                               who, known=True, forget_steps=False))
                report.replaced.update(original for _, _, original, _ in found)
                report.by_source[source.name] = len(found)
                edited.append(source.id)
            if progress is not None:
                progress(n, len(sources), source.name)
        # The history is searched once for all the edited sources, not once per source.
        forget_steps_on(session, edited)
        _rename_sources(session, matcher, report)
        for label, column in _FIELDS:
            report.fields[label] += _replace_in(session, label, column, matcher)
        # A quote with no place keeps its words itself: the edits above did not see them.
        report.fields["unanchored quotes"] += _replace_in(
            session, "unanchored quotes", Quote.text, matcher, Quote.anchor == "unanchored")
        report.kept = _kept(session, matcher)
        made = steps.backup_made(session)
    if made is not None and Path(made).exists():
        report.backup = made  # kept: the run changed the project
    return report


def _mapping_table(session: Session, mappings: Sequence[Mapping]) -> list[Mapping]:
    table = save_mappings(session, mappings)
    if not table:
        raise InputError("there is no pseudonym mapping yet; give one with "
                         "--map names.csv (columns original,pseudonym[,kind])")
    return table


# Free text besides the sources that exports, shared copies and the history carry.
_FIELDS: list[tuple[str, InstrumentedAttribute[Any]]] = [
    ("speaker labels", SpeakerTurn.speaker),
    ("quotes as written", Quote.sheet_text),
    ("review notes", Quote.review_note),
    ("case names", Case.name),
    ("case attributes", CaseAttribute.value_text),
    ("emphases", Coding.emphasis),
    ("coding notes", Coding.notes),
    ("memo titles", Memo.title),
    ("memos", Memo.body),
    ("axial link notes", AxialLink.note),
    ("code descriptions", Code.description),
    ("subdivision descriptions", Subdivision.description),
    ("history labels", Action.label),
]
# Names the researcher chose and others refer to (case keys in sheets and scripts,
# code names in the codebook): renaming them is the researcher's decision, so they
# are only reported.
_KEPT: list[tuple[str, InstrumentedAttribute[Any]]] = [
    ("case key", Case.key),
    ("code", Code.name),
    ("subdivision", Subdivision.name),
    ("link relation", AxialLink.relation),
    ("attribute", Attribute.name),
    ("coder", Coder.name),
    ("project name", ProjectInfo.name),
]
# Cut rather than refused when a pseudonym makes them too long: only labels.
_CUT = {Action.label.key}
# Names looked for with LIKE in SQL at most; a longer OR would pass SQLite's limit on
# the depth of an expression (1,000), so Python reads the values instead.
_LIKE_LIMIT = 200


def _rename_sources(session: Session, matcher: Matcher, report: PseudonymReport) -> None:
    for source in session.scalars(select(Source).order_by(Source.id)):
        name = matcher.replace(source.name)
        if name != source.name:
            source.name = free_source_name(session, name)
            report.fields["source names"] += 1
        if source.original_filename:
            filename = matcher.replace(source.original_filename)
            if filename != source.original_filename:
                source.original_filename = filename
                report.fields["file names"] += 1
        session.flush()


def _replace_in(session: Session, label: str, column: InstrumentedAttribute[Any],
                matcher: Matcher, where: Any = None) -> int:
    """Replace originals in one text column; returns the number of values changed."""
    if matcher.pattern is None:
        return 0
    mapper = sa_inspect(column.class_)
    keys = mapper.primary_key
    query = select(*keys, column).where(column.is_not(None))
    if not matcher.ignore_case and len(matcher.forms) <= _LIKE_LIMIT:
        # LIKE finds every value holding a name as written, on both stores (SQLite's is
        # case-blind for ASCII only: more, never fewer); the whole-word match is the
        # regex's. In any case there is no such filter: SQL's lower() knows ASCII only
        # on SQLite, and neither store folds "ß" as Python does, so Python reads them all.
        query = query.where(or_(*(column.contains(form, autoescape=True)
                                  for form in matcher.forms)))
    if where is not None:
        query = query.where(where)
    changed = 0
    for *key, value in session.execute(query).all():
        new = matcher.replace(value)
        if new == value:
            continue
        row = session.get(mapper, tuple(key) if len(key) > 1 else key[0])
        setattr(row, column.key, _fit(label, column, new))
        changed += 1
    session.flush()
    return changed


def _fit(label: str, column: InstrumentedAttribute[Any], value: str) -> str:
    """The value, if the column can hold it; a label is cut, anything else refused."""
    limit = getattr(column.type, "length", None)
    if limit is None or len(value) <= limit:
        return value
    if column.key in _CUT:
        return value[:limit - 1] + "…"
    raise InputError(f"{label}: {value[:40]!r}… would be longer than {limit} characters "
                     "with its pseudonym; choose a shorter pseudonym")


def _kept(session: Session, matcher: Matcher) -> dict[str, list[str]]:
    """The names in `_KEPT` that still hold a mapped original, by what they are."""
    kept: dict[str, list[str]] = {}
    for label, column in _KEPT:
        values = session.scalars(select(column).where(column.is_not(None)).distinct())
        found = sorted(v for v in values if matcher.search(v))
        if found:
            kept[label] = found
    return kept


def kept_line(kept: dict[str, list[str]]) -> str | None:
    """One line saying which names still hold a real name, or None when none do."""
    if not kept:
        return None
    shown = []
    for label, values in kept.items():
        more = f" and {len(values) - 3} more" if len(values) > 3 else ""
        shown.append(f"{label} {', '.join(repr(v) for v in values[:3])}{more}")
    how = [command for label, command in _RENAMES.items() if label in kept]
    return ("real names left where qcode renames nothing: " + "; ".join(shown)
            + f" (change them if they identify someone{': ' if how else ''}"
            + f"{', '.join(how)})")


_RENAMES = {"code": "qcode rename-code", "subdivision": "qcode rename-subdivision"}


def names_kept(project: Project, ignore_case: bool = False) -> dict[str, list[str]]:
    """Case keys, code and subdivision names, coders... that hold a mapped original."""
    with project.reading() as session:
        return _kept(session, Matcher(_stored(session), ignore_case))


def names_left(project: Project, ignore_case: bool = False) -> dict[str, int]:
    """Mapped originals still found in the sources' texts, with how often."""
    with project.reading() as session:
        matcher = Matcher(_stored(session), ignore_case)
        left: Counter[str] = Counter()
        for (value,) in session.execute(select(Source.text)):
            left.update(original for _, _, original, _ in matcher.replacements(value))
        return dict(left)


def drop_mapping(project: Project) -> DropReport:
    """Delete the mapping, and every source version and undo step holding a real name.

    The labels of the steps and versions that stay lose their names too. The search
    index is built again from the pseudonymised texts (it keeps the words of changed
    texts in its storage until it merges it), and a .qcode file is then compacted
    (VACUUM), so the deleted rows are not left readable inside the file.
    """
    # Not undoable: taking it back would bring back the names it exists to remove.
    with project.step("drop the pseudonym mapping", undoable=False) as session:
        table = _stored(session)
        if not table:
            raise NotFoundError("this project holds no pseudonym mapping; nothing to drop")
        # Any case: a version holding "MARIA" still names her.
        matcher = Matcher(table, ignore_case=True)
        versions = [v for v in session.scalars(select(SourceVersion))
                    if matcher.search(v.text) or matcher.search(v.quotes)]
        for version in versions:
            session.delete(version)
        dropped = [a for a in session.scalars(select(Action)) if matcher.search(a.changes)]
        for step in dropped:
            session.delete(step)
        session.flush()
        labels = (_replace_in(session, "history labels", Action.label, matcher)
                  + _replace_in(session, "version reasons", SourceVersion.reason, matcher))
        kept = _kept(session, matcher)
        for row in session.scalars(select(Pseudonym)):
            session.delete(row)
    indexed = search_index.rebuild_index(project)
    compacted = _compact(project)
    return DropReport(len(table), len(versions), len(dropped), compacted, labels, indexed, kept)


def _compact(project: Project) -> bool:
    """Rewrite a .qcode file without its free pages, where deleted text would linger."""
    if sqlite_path(project.location) is None:
        return False
    with project.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM"))
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    return True


# -- suggestions ---------------------------------------------------------------------------


def suggest(project: Project, limit: int | None = None) -> list[Suggestion]:
    """Words that may name people, places or organisations, most used first.

    Capitalised words and runs of them ("Maria Lopez") found at least once away from
    the start of a sentence; speaker names from the speaker turns; and, where a trained
    spaCy pipeline for the project's language is installed, its named entities.
    Already mapped names are listed with their pseudonym.
    """
    with project.reading() as session:
        language = session.scalar(select(ProjectInfo.language)) or "en"
        texts = list(session.scalars(select(Source.text)))
        people = [*session.scalars(select(SpeakerTurn.speaker).distinct()),
                  *session.scalars(select(Case.name).where(Case.name.is_not(None)))]
        stored = {m.original: m for m in _stored(session)}
    stop = _stop_words(language)
    kinds: dict[str, str] = {}
    for value in texts:
        for run in _capitalised_runs(value):
            if not _is_stop(run, stop):
                kinds.setdefault(run, "name?")
    for label in people:
        label = " ".join(label.split())
        if label and not _is_role(label):
            kinds[label] = "person"
    # "Maria" alone, once "Maria Lopez" is a candidate: listed if it is used alone.
    for name, kind in list(kinds.items()):
        for word in name.split() if " " in name else []:
            if _capitalised(word) and word.casefold() not in stop and kinds.get(
                    word, "name?") == "name?":
                kinds[word] = kind
    for entity, kind in _entities(texts, language):
        kinds[entity] = kind
    for original, mapping in stored.items():
        kinds[original] = mapping.kind or kinds.get(original, "name?")
    # A single word used more often in lower case is a common word ("Yes", "People").
    lower = Counter(m.group() for value in texts for m in _TOKEN.finditer(value)
                    if m.group()[:1].islower())
    capital = Counter(m.group() for value in texts for m in _TOKEN.finditer(value))
    kinds = {name: kind for name, kind in kinds.items()
             if kind != "name?" or " " in name or lower[name.lower()] < capital[name]}
    if not kinds:
        return []
    matcher = Matcher([Mapping(k, k) for k in kinds])
    counts: Counter[str] = Counter()
    where: dict[str, set[int]] = {}
    for n, value in enumerate(texts):
        for _, _, found, _ in matcher.replacements(value):
            counts[found] += 1
            where.setdefault(found, set()).add(n)
    found_list = [
        Suggestion(name, kind, counts[name], len(where.get(name, ())),
                   stored[name].pseudonym if name in stored else "")
        for name, kind in kinds.items() if counts[name] or name in stored
    ]
    found_list.sort(key=lambda s: (s.pseudonym != "", -s.count, s.text.casefold()))
    return found_list[:limit] if limit else found_list


def _capitalised_runs(value: str) -> set[str]:
    """Runs of capitalised words, each seen at least once away from a sentence start."""
    tokens = []
    for m in _TOKEN.finditer(value):
        word = m.group()
        if word[-2:] in ("'s", "’s"):  # "Lopez's" is Lopez
            word = word[:-2]
        word = word.rstrip("'’-")
        tokens.append((m.start(), m.start() + len(word), word))
    runs: set[str] = set()
    i = 0
    while i < len(tokens):
        start, end, word = tokens[i]
        if not _capitalised(word):
            i += 1
            continue
        j, last = i, i
        while j + 1 < len(tokens):
            nxt = tokens[j + 1]
            gap = value[tokens[j][1]:nxt[0]]
            if gap != " ":
                break
            if _capitalised(nxt[2]):
                j = last = j + 1
            elif nxt[2] in _PARTICLES and j + 2 < len(tokens) and _capitalised(tokens[j + 2][2]) \
                    and value[nxt[1]:tokens[j + 2][0]] == " ":
                j += 1
            else:
                break
        if not _sentence_start(value, start):
            runs.add(value[start:tokens[last][1]])
        elif last > i:  # a sentence opening with "Maria Lopez": the run after the first word
            runs.add(value[tokens[i + 1][0]:tokens[last][1]])
        i = last + 1
    return runs


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and not any(ch.isdigit() for ch in word) and len(word) > 1


def _sentence_start(value: str, at: int) -> bool:
    k = at - 1
    while k >= 0 and value[k] in _OPENERS and value[k] != "\n":
        k -= 1
    return k < 0 or value[k] in _SENTENCE_END


def _is_stop(run: str, stop: frozenset[str]) -> bool:
    """Only stop words ("I", "The"), also contracted ("I'm", "Let's")."""
    return all(re.split(r"['’]", word)[0].casefold() in stop for word in run.split())


def _is_role(label: str) -> bool:
    return (label.casefold() in _ROLES or any(ch.isdigit() for ch in label)
            or re.fullmatch(r"[A-Z]{1,3}", label) is not None)


@lru_cache(maxsize=4)
def _stop_words(language: str) -> frozenset[str]:
    """spaCy's stop words for the language (no model needed); a few English ones else."""
    try:
        import spacy

        return frozenset(w.casefold() for w in spacy.util.get_lang_class(language)
                         .Defaults.stop_words)
    except Exception:  # an unknown language code
        return frozenset({"i", "the", "a", "and", "but", "so", "yes", "no", "ok"})


def _entities(texts: Sequence[str], language: str) -> list[tuple[str, str]]:
    """Named entities from an installed trained spaCy pipeline; none without one."""
    nlp = _trained_pipeline(language)
    if nlp is None:
        return []
    found = []
    for doc in nlp.pipe(texts):
        for ent in doc.ents:
            kind = _NER_KINDS.get(ent.label_)
            name = " ".join(ent.text.split())
            if kind and len(name) > 1:
                found.append((name, kind))
    return found


@lru_cache(maxsize=4)
def _trained_pipeline(language: str) -> Any:
    try:
        import spacy

        names = sorted(n for n in spacy.util.get_installed_models()
                       if n.startswith(f"{language}_"))
        for name in names:
            nlp = spacy.load(name)
            if "ner" in nlp.pipe_names:
                keep = [p for p in ("tok2vec", "transformer", "ner") if p in nlp.pipe_names]
                nlp.select_pipes(enable=keep)
                return nlp
    except Exception:  # a broken install must not stop the suggestions that need none
        return None
    return None

