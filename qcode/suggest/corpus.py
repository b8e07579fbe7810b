"""The study as the learner sees it: every unit of every source, labelled by the rule
in `labels`, read in one short transaction.

Units come from `qcode.ingest.units.TextUnits`, the same sentences, turns and
paragraphs that the reader selects and auto-coding widens to, so a suggested span is
one a researcher could have selected.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.errors import InputError, NotFoundError
from qcode.ingest.units import TextUnits
from qcode.names import clean_name, natural_key
from qcode.progress import Progress
from qcode.reports.scope import source_languages
from qcode.services import blind, lookup
from qcode.services.project import Project, project_summary
from qcode.services.sources import Turn
from qcode.store.models import Code, Coder, Coding, Quote, Source, SpeakerTurn
from qcode.suggest.labels import CodedSpan, UnitLabels, label_units

UNITS = ("sentence", "turn", "paragraph")


@dataclass(frozen=True)
class Unit:
    """One unit of text, with what the codings say of it."""

    source: str
    start: int
    end: int
    text: str
    language: str
    labels: UnitLabels


@dataclass(frozen=True)
class Corpus:
    """Every unit of the sources read, in text order, and what was coded where."""

    units: list[Unit]
    coded_sources: list[str]  # sources with at least one coding (of the chosen coder)
    unit: str
    coder: str | None

    def learnable(self, held_out: Sequence[str] = ()) -> list[Unit]:
        """The units to learn from: those of coded sources, less the partly coded ones
        (and less the held-out sources' units)."""
        coded = set(self.coded_sources) - set(held_out)
        return [u for u in self.units if u.source in coded and not u.labels.partly_coded]

    def uncoded(self, sources: Sequence[str] | None = None) -> list[Unit]:
        """The units no coding touches, of `sources` (default: all)."""
        wanted = None if sources is None else set(sources)
        return [u for u in self.units
                if not u.labels.touched and (wanted is None or u.source in wanted)]


def read_corpus(project: Project, unit: str = "sentence", coder: str | None = None,
                progress: Progress | None = None) -> Corpus:
    """Every source cut into `unit`s and labelled from the codings (of `coder`, or all).

    Raises:
        InputError: An unknown unit.
        NotFoundError: `coder` has never coded.
    """
    if unit not in UNITS:
        raise InputError(f"unknown unit {unit!r}; choose one of {', '.join(UNITS)}")
    default = project_summary(project).language or "en"
    with project.reading() as session:
        coded = _coded_spans(session, coder)
        sources = list(session.execute(select(Source.id, Source.name, Source.text)))
        turns = _turns(session)
        languages = source_languages(session)
    sources.sort(key=lambda row: natural_key(row[1]))
    units: list[Unit] = []
    for n, (source_id, name, text) in enumerate(sources):
        if progress is not None:
            progress(n, len(sources), name)
        language = languages.get(source_id) or default
        spans = [(a, b) for a, b in TextUnits(text, turns.get(source_id, []), language)
                 .spans(unit) if a < b]
        found = label_units(spans, coded.get(source_id, []))
        units += [Unit(name, a, b, text[a:b], language, labels)
                  for (a, b), labels in zip(spans, found, strict=True)]
    if progress is not None:
        progress(len(sources), len(sources), "")
    names = {source_id: name for source_id, name, _ in sources}
    coded_sources = sorted((names[s] for s in coded if s in names), key=natural_key)
    return Corpus(units, coded_sources, unit, coder)


def _coded_spans(session: Session, coder: str | None) -> dict[int, list[CodedSpan]]:
    """Each source's anchored codings as spans with their code, by source id."""
    query = (select(Quote.source_id, Quote.start, Quote.end, Code.name)
             .join(Coding, Coding.quote_id == Quote.id)
             .join(Code, Code.id == Coding.code_id)
             .where(Quote.anchor != "unanchored", Quote.source_id.is_not(None)))
    if coder is not None:
        if lookup.known_coder(session, coder) is None:
            raise NotFoundError(f"no coder {clean_name(coder)!r} has coded; `qcode coders` "
                                "lists them")
        query = query.join(Coder, Coder.id == Coding.coder_id).where(
            Coder.name == clean_name(coder))
    # A coder coding blind learns nothing from the others' codings there.
    visible = blind.visible_to(session, coder)
    if visible is not None:
        query = query.where(visible)
    found: dict[int, list[CodedSpan]] = defaultdict(list)
    for source_id, start, end, code in session.execute(query.order_by(Quote.start)):
        if source_id is not None and start is not None and end is not None:  # anchored
            found[source_id].append(CodedSpan(start, end, code))
    return found


def _turns(session: Session) -> dict[int, list[Turn]]:
    found: dict[int, list[Turn]] = defaultdict(list)
    for source_id, start, end, speaker in session.execute(
            select(SpeakerTurn.source_id, SpeakerTurn.start, SpeakerTurn.end,
                   SpeakerTurn.speaker).order_by(SpeakerTurn.source_id, SpeakerTurn.start)):
        found[source_id].append(Turn(start, end, speaker))
    return found
