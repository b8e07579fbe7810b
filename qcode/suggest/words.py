"""The words a unit is learned from, in the researcher's language.

spaCy lemmas through the term index's own pipeline (`qcode.reports.terms`): a trained
pipeline for the language when one is installed, else spaCy's lookup lemmatizer
(spacy-lookups-data), offline either way; "construyeron" and "construir" are then one
word, as are "built" and "build". Stop words, numbers and punctuation are left out,
as in the term index. For a language spaCy does not know, lower-cased words, accents
kept ("vivienda", "año").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from qcode.errors import InputError
from qcode.reports.terms import lemmas, pipeline

_WORD = re.compile(r"[^\W\d_]+")  # letters only, in any script, accents kept


@lru_cache(maxsize=16)
def has_lemmas(language: str) -> bool:
    """Whether spaCy knows `language` (else plain words are used)."""
    try:
        pipeline(language)
    except InputError:
        return False
    return True


def plain_words(text: str) -> list[str]:
    """Lower-cased words of two letters or more, accents kept."""
    return [w for w in _WORD.findall(text.lower()) if len(w) > 1]


def unit_words(texts: Sequence[str], languages: Sequence[str]) -> list[list[str]]:
    """The words of each text in its language; the same text is read once."""
    seen: dict[tuple[str, str], list[str]] = {}
    found = []
    for text, language in zip(texts, languages, strict=True):
        key = (text, language)
        if key not in seen:
            seen[key] = lemmas(text, language) if has_lemmas(language) else plain_words(text)
        found.append(seen[key])
    return found
