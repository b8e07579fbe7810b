"""The learner: TF-IDF over a unit's words, one logistic regression per code.

scikit-learn does the learning (docs/guide.md says why it and not spaCy's text
classifier). Each code is a yes/no question asked of every unit, answered with a
probability; a unit may carry several codes. The weights are balanced per code,
because a code is on a few units among thousands, and an unweighted model would
learn to say no to every one. Given the same units, codes and seed, the same model:
the solver (liblinear) is seeded, the vocabulary sorted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# Fewer labelled units than this and a code is named, not learned: two examples are a
# coincidence of words more than a pattern.
MIN_UNITS = 3
# The regularisation: smaller is more cautious. Chosen on the demo study's own
# cross-validation (docs/guide.md), then left alone.
STRENGTH = 1.0


def needs_sklearn() -> None:
    """Raise a one-line InputError when scikit-learn is not installed."""
    try:
        import sklearn  # noqa: F401
    except ImportError as exc:
        from qcode.errors import InputError

        raise InputError("suggestions need scikit-learn: pip install scikit-learn") from exc


def _features(words: list[str]) -> list[str]:
    """The unit's words and its pairs of neighbouring words ("water supply")."""
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


@dataclass
class Model:
    """A trained model: which codes it knows, and how to score a unit for each."""

    codes: list[str]
    vectorizer: Any
    classifiers: list[Any]

    def scores(self, words: Sequence[list[str]]) -> Any:
        """A (units x codes) array of probabilities, in the order of `codes`."""
        import numpy as np

        if not words or not self.codes:
            return np.zeros((len(words), len(self.codes)))
        matrix = self.vectorizer.transform(list(words))
        return np.column_stack([c.predict_proba(matrix)[:, 1] for c in self.classifiers])


def learnable_codes(labels: Sequence[frozenset[str]]) -> tuple[list[str], list[str]]:
    """(codes with at least MIN_UNITS labelled units, codes with fewer), by name."""
    from collections import Counter

    counted = Counter(code for found in labels for code in found)
    enough = sorted(code for code, n in counted.items() if n >= MIN_UNITS)
    few = sorted(code for code, n in counted.items() if n < MIN_UNITS)
    return enough, few


def train(words: Sequence[list[str]], labels: Sequence[frozenset[str]],
          codes: Sequence[str], seed: int = 0) -> Model:
    """A model of `codes` learned from units (their words) and the codes they carry."""
    needs_sklearn()
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    if not codes or not words:
        return Model([], None, [])
    vectorizer, matrix = _vectorised(words)
    classifiers = []
    with warnings.catch_warnings():
        # A code on three units of thousands may stop short of the tolerance; its
        # probabilities are still usable, and a warning per code would bury the output.
        warnings.simplefilter("ignore", ConvergenceWarning)
        kept = []
        for code in codes:
            target = [code in found for found in labels]
            if all(target):  # every unit carries it: nothing to tell apart
                continue
            model = LogisticRegression(C=STRENGTH, class_weight="balanced",
                                       solver="liblinear", random_state=seed)
            classifiers.append(model.fit(matrix, target))
            kept.append(code)
    return Model(kept, vectorizer, classifiers)


def _vectorised(words: Sequence[list[str]]) -> tuple[Any, Any]:
    """TF-IDF of the words and word pairs seen in at least two units: one seen once says
    nothing about any other unit, and dropping them makes learning several times faster.
    A tiny study where no feature occurs twice keeps them all."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    for least in (2, 1):
        vectorizer = TfidfVectorizer(analyzer=_features, sublinear_tf=True, min_df=least)
        try:
            return vectorizer, vectorizer.fit_transform(list(words))
        except ValueError:  # "no terms remain": every feature occurs once (or none at all)
            if least == 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover
