"""How good suggestions would have been on this very study: cross-validation by source.

Each coded source in turn (or, with many sources, each of FOLDS groups of sources) is
held out: the model learns from the others' codings, suggests codes for the held-out
units, and the suggestions are compared with the codes the researcher really gave
them (the rule in `labels`). Beside it, the same figures for keyword auto-coding on the
code names (`keywords`), so the researcher sees whether learning beats searching.
Holding out whole sources, not random units, is what makes the figures honest: a new
transcript is new words, a new speaker, a new day.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from qcode.errors import InputError
from qcode.names import natural_key
from qcode.progress import Progress
from qcode.suggest.corpus import Corpus, Unit
from qcode.suggest.keywords import keyword_codes, name_words
from qcode.suggest.learning import check_codings, learn, words_of
from qcode.suggest.model import learnable_codes
from qcode.suggest.scores import Tally, pooled

FEW_SOURCES = 20  # up to this many coded sources, each is held out on its own
FOLDS = 10  # with more, the sources are dealt (shuffled by the seed) into this many groups
ALL_CODES = "(all codes)"
ALL_SOURCES = "(all sources)"
BY = ("code", "source")


def check_by(by: str) -> None:
    """Refuse an evaluation by anything but code or held-out source."""
    if by not in BY:
        raise InputError(f"evaluation by {by!r}: choose {' or '.join(BY)}")


@dataclass
class Evaluation:
    """Per code and per held-out source: the model's and the keywords' tallies."""

    codes: dict[str, tuple[Tally, Tally]] = field(default_factory=dict)
    sources: dict[str, tuple[Tally, Tally]] = field(default_factory=dict)
    too_few: list[str] = field(default_factory=list)
    folds: int = 0

    def overall(self) -> tuple[Tally, Tally]:
        """Every code's decisions pooled (micro-averaged): model, keywords."""
        return (pooled(m for m, _ in self.codes.values()),
                pooled(k for _, k in self.codes.values()))

    def rows(self, by: str = "code") -> list[dict[str, Any]]:
        """One row per code (or held-out source), then the overall row."""
        check_by(by)
        table = self.codes if by == "code" else self.sources
        order = sorted(table, key=str.casefold if by == "code" else natural_key)
        rows = [_row(by, name, *table[name]) for name in order]
        model, keywords = self.overall()
        return [*rows, _row(by, ALL_CODES if by == "code" else ALL_SOURCES, model, keywords)]


def _row(by: str, name: str, model: Tally, keywords: Tally) -> dict[str, Any]:
    return {by: name, "units": model.units, "precision": _round(model.precision),
            "recall": _round(model.recall), "f1": _round(model.f1),
            "keyword_precision": _round(keywords.precision),
            "keyword_recall": _round(keywords.recall), "keyword_f1": _round(keywords.f1)}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def folds(sources: Sequence[str], seed: int) -> list[list[str]]:
    """The groups of sources held out together: one each, or FOLDS dealt by the seed."""
    if len(sources) <= FEW_SOURCES:
        return [[name] for name in sources]
    dealt = sorted(sources, key=natural_key)
    random.Random(seed).shuffle(dealt)
    return [sorted(dealt[n::FOLDS], key=natural_key) for n in range(FOLDS)]


def evaluate(corpus: Corpus, min_score: float = 0.5, seed: int = 0,
             progress: Progress | None = None) -> Evaluation:
    """Cross-validate suggestions on the corpus's coded sources, beside keywords.

    Raises:
        InputError: No codings, or codings in one source only (nothing to hold out).
    """
    check_codings(corpus)
    if len(corpus.coded_sources) < 2:
        raise InputError("an evaluation holds out one coded source and learns from the "
                         f"others: only {corpus.coded_sources[0]} has codings; code a second")
    units = corpus.learnable()
    codes, too_few = learnable_codes([u.labels.codes for u in units])
    words = words_of(units, progress)
    by_source: dict[str, list[int]] = defaultdict(list)
    for n, unit in enumerate(units):
        by_source[unit.source].append(n)
    found = Evaluation(too_few=too_few)
    found.codes = {code: (Tally(), Tally()) for code in codes}
    groups = folds(corpus.coded_sources, seed)
    found.folds = len(groups)
    keywords = _Keywords(codes)
    actual = _matrix([u.labels.codes for u in units], codes)
    named = _matrix([keywords.codes(words[i], unit) for i, unit in enumerate(units)], codes)
    for n, held_out in enumerate(groups):
        if progress is not None:
            progress(n, len(groups), f"holding out {', '.join(held_out)[:40]}")
        test = [i for name in held_out for i in by_source[name]]
        out = set(test)
        train = [i for i in range(len(units)) if i not in out]
        model, _few = learn([units[i] for i in train], [words[i] for i in train], codes, seed)
        said = _said(model.codes, model.scores([words[i] for i in test]), codes, min_score)
        for name in held_out:
            rows = [row for row, i in enumerate(test) if units[i].source == name]
            if rows:
                source = found.sources.setdefault(name, (Tally(), Tally()))
                source[0].count(said[rows], actual[[test[r] for r in rows]])
                source[1].count(named[[test[r] for r in rows]], actual[[test[r] for r in rows]])
        for column, code in enumerate(codes):
            found.codes[code][0].count(said[:, column], actual[test, column])
            found.codes[code][1].count(named[test, column], actual[test, column])
    if progress is not None:
        progress(len(groups), len(groups), "")
    return found


def _matrix(sets: Sequence[set[str] | frozenset[str]], codes: Sequence[str]) -> Any:
    """A (units x codes) boolean array: which unit has which code."""
    import numpy as np

    column = {code: n for n, code in enumerate(codes)}
    found = np.zeros((len(sets), len(codes)), dtype=bool)
    for row, names in enumerate(sets):
        for name in names:
            if name in column:
                found[row, column[name]] = True
    return found


def _said(learned: Sequence[str], scores: Any, codes: Sequence[str], min_score: float) -> Any:
    """The model's decisions as a (units x codes) boolean array over every evaluated
    code; a code the fold could not learn is never said."""
    import numpy as np

    found = np.zeros((scores.shape[0], len(codes)), dtype=bool)
    index = {code: n for n, code in enumerate(codes)}
    for n, code in enumerate(learned):
        found[:, index[code]] = scores[:, n] >= min_score
    return found


class _Keywords:
    """The keyword baseline, with each code name's words worked out once per language."""

    def __init__(self, codes: Sequence[str]) -> None:
        self.names = list(codes)
        self._by_language: dict[str, dict[str, frozenset[str]]] = {}

    def codes(self, words: Sequence[str], unit: Unit) -> set[str]:
        if unit.language not in self._by_language:
            self._by_language[unit.language] = name_words(self.names, unit.language)
        return keyword_codes(words, self._by_language[unit.language])
