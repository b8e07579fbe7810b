"""What suggesting and evaluating share: the units' words, and learning from units."""

from __future__ import annotations

from collections.abc import Sequence

from qcode.errors import InputError
from qcode.progress import Progress
from qcode.suggest.corpus import Corpus, Unit
from qcode.suggest.model import Model, learnable_codes, train
from qcode.suggest.words import unit_words

_STEP = 500  # units between two progress reports


def words_of(units: Sequence[Unit], progress: Progress | None = None) -> list[list[str]]:
    """Each unit's words (lemmas), reported in steps on a long study."""
    found: list[list[str]] = []
    for at in range(0, len(units), _STEP):
        if progress is not None:
            progress(at, len(units), "reading words")
        part = units[at:at + _STEP]
        found += unit_words([u.text for u in part], [u.language for u in part])
    return found


def check_codings(corpus: Corpus) -> None:
    """Refuse a study (or a coder) without codings: there is nothing to learn from."""
    if not corpus.coded_sources:
        who = f" by {corpus.coder}" if corpus.coder else ""
        raise InputError(f"no codings{who} to learn from: code a few transcripts first")


def learn(units: Sequence[Unit], words: Sequence[list[str]], codes: Sequence[str] | None,
          seed: int) -> tuple[Model, list[str]]:
    """A model of the codes with enough labelled units among `units` (of `codes` only,
    when given), and the codes with too few, by name."""
    labels = [u.labels.codes for u in units]
    enough, few = learnable_codes(labels)
    if codes is not None:
        wanted = set(codes)
        enough = [c for c in enough if c in wanted]
    return train(words, labels, enough, seed), few
