"""Suggestions: the likely codes of every unit nobody has coded yet, with the usual filing.

The model learns from every coded source (the units the rule in `labels` gives a code,
and the coded sources' other units as examples of what carries none), then scores the
units of the chosen sources that no coding touches. A code is suggested for a unit when
its probability reaches `min_score`; each comes with where that code is usually filed
(its most used primary subdivision, and the others it was filed under), so accepting it
is one keystroke.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from qcode.errors import InputError
from qcode.names import natural_key
from qcode.progress import Progress
from qcode.services import lookup
from qcode.services.codebook_edit import usual_filing
from qcode.services.project import Project
from qcode.suggest.corpus import Corpus
from qcode.suggest.learning import check_codings, learn, words_of


@dataclass(frozen=True)
class Suggestion:
    """One likely code for one span (offsets in code points, end exclusive)."""

    source: str
    start: int
    end: int
    text: str
    code: str
    score: float
    subdivision: str | None
    other_subdivisions: list[str]


@dataclass
class Suggestions:
    """What a run suggests, and what it could not learn."""

    rows: list[Suggestion] = field(default_factory=list)
    learned: list[str] = field(default_factory=list)  # the codes the model knows
    too_few: list[str] = field(default_factory=list)  # codes with too few units to learn
    units: int = 0  # uncoded units looked at


def check_min_score(min_score: float) -> None:
    """Refuse a threshold that is not a probability."""
    if not 0.0 <= min_score <= 1.0:
        raise InputError(f"min score {min_score}: give a probability from 0 to 1")


def source_names(project: Project, refs: Sequence[str]) -> list[str] | None:
    """The sources named (by name, id or file name), or None for all of them.

    Raises:
        NotFoundError: A source that is not in the project.
    """
    if not refs:
        return None
    with project.reading() as session:
        return [lookup.source(session, ref).name for ref in refs]


def suggest(project: Project, corpus: Corpus, sources: Sequence[str] | None = None,
            min_score: float = 0.5, seed: int = 0,
            progress: Progress | None = None) -> Suggestions:
    """Learn from the corpus's codings; suggest codes for the uncoded units of `sources`
    (names; default: every source), in text order, the likeliest code first.

    Raises:
        InputError: No codings to learn from, or `min_score` outside 0-1.
    """
    check_min_score(min_score)
    check_codings(corpus)
    training = corpus.learnable()
    targets = corpus.uncoded(sources)
    words = words_of([*training, *targets], progress)
    model, too_few = learn(training, words[:len(training)], None, seed)
    found = Suggestions(learned=model.codes, too_few=too_few, units=len(targets))
    scores = model.scores(words[len(training):])
    picked = []
    for row, unit in enumerate(targets):
        likely = sorted(((float(score), code) for code, score
                         in zip(model.codes, scores[row], strict=True) if score >= min_score),
                        key=lambda pair: (-pair[0], pair[1]))
        picked += [(unit, code, score) for score, code in likely]
    filing = _filing(project, sorted({code for _, code, _ in picked}))
    order = {name: natural_key(name) for name in {unit.source for unit, _, _ in picked}}
    picked.sort(key=lambda item: (order[item[0].source], item[0].start, -item[2], item[1]))
    found.rows = [Suggestion(unit.source, unit.start, unit.end, unit.text, code,
                             round(score, 3), *filing[code])
                  for unit, code, score in picked]
    return found


def _filing(project: Project, codes: Sequence[str]) -> dict[str, tuple[str | None, list[str]]]:
    with project.reading() as session:
        return {code: usual_filing(session, code) for code in codes}
