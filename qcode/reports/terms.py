"""The term index: which words (lemmas) the quotes of each subdivision or code use.

spaCy runs offline: an installed trained pipeline for the language when there is one
(en_core_web_sm, es_core_news_sm...), else a blank pipeline with the lookup
lemmatizer from spacy-lookups-data. Nothing is downloaded. The language of a quote is
its source's language, else its case's "language" attribute, else the project's.

Keyness is Dunning's log-likelihood (G2) of a lemma's count in the bucket against its
count in every other quote; a high G2 marks a word the bucket uses more than the rest.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd
from sqlalchemy import select

from qcode.errors import InputError
from qcode.reports.scope import source_languages
from qcode.services.project import Project, project_summary
from qcode.store.models import (
    Code,
    Coding,
    CodingSubdivision,
    Quote,
    Source,
    Subdivision,
)

TRAINED = {"en": "en_core_web_sm", "es": "es_core_news_sm", "de": "de_core_news_sm",
           "fr": "fr_core_news_sm", "pt": "pt_core_news_sm"}


@lru_cache(maxsize=8)
def pipeline(language: str) -> Any:
    """A spaCy pipeline for `language` that needs no network."""
    import spacy

    try:
        return spacy.load(TRAINED[language], disable=["parser", "ner"])
    except (KeyError, OSError):
        pass
    try:
        nlp = spacy.blank(language)
    except Exception as exc:  # spaCy raises ImportError/ValueError for unknown codes
        raise InputError(f"spaCy has no language {language!r}; set the project's language "
                         "to a code such as en or es") from exc
    try:
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    except Exception:  # no lookup table for this language: lower-cased words instead
        nlp = spacy.blank(language)
    return nlp


def lemmas(text: str, language: str) -> list[str]:
    """Content words of `text` as lower-case lemmas: no stop words, numbers or punctuation."""
    nlp = pipeline(language)
    found = []
    for token in nlp(text):
        if token.is_stop or token.is_punct or token.is_space or token.like_num:
            continue
        lemma = (token.lemma_ or token.text).lower().strip()
        if len(lemma) > 2 and lemma.isalpha() and not nlp.vocab[lemma].is_stop:
            found.append(lemma)
    return found


def keyness(a: int, b: int, c: int, d: int) -> float:
    """Log-likelihood G2 of a word seen `a` times in `c` words vs `b` times in `d`."""
    expected_a = c * (a + b) / (c + d)
    expected_b = d * (a + b) / (c + d)
    g2 = 0.0
    for observed, expected in ((a, expected_a), (b, expected_b)):
        if observed:
            g2 += observed * math.log(observed / expected)
    return 2 * g2 if a / max(c, 1) >= b / max(d, 1) else -2 * g2


@dataclass(frozen=True)
class _Quote:
    bucket: str
    text: str
    language: str


def terms(project: Project, by: str = "subdivision", top: int = 10) -> pd.DataFrame:
    """Per bucket its `top` lemmas by keyness: [<by>, "lemma", "count", "keyness"]."""
    quotes = _quotes(project, by)
    per_quote: dict[tuple[str, str], list[str]] = {}
    counts: dict[str, Counter[str]] = {}
    for quote in quotes:
        key = (quote.text, quote.language)
        if key not in per_quote:
            per_quote[key] = lemmas(quote.text, quote.language)
        counts.setdefault(quote.bucket, Counter()).update(per_quote[key])
    total = Counter[str]()
    for counter in counts.values():
        total.update(counter)
    size = sum(total.values())
    rows = []
    for bucket in sorted(counts):
        here = counts[bucket]
        words = sum(here.values())
        scored = [
            (lemma, n, keyness(n, total[lemma] - n, words, max(size - words, 1)))
            for lemma, n in here.items()
        ]
        scored.sort(key=lambda item: (-item[2], -item[1], item[0]))
        rows += [(bucket, lemma, n, round(g2, 2)) for lemma, n, g2 in scored[:top]]
    return pd.DataFrame(rows, columns=[by, "lemma", "count", "keyness"])


def _quotes(project: Project, by: str) -> list[_Quote]:
    default = project_summary(project).language
    with project.reading() as session:
        if by == "code":
            query = select(Code.name, Quote.text, Quote.source_id).join(
                Coding, Coding.quote_id == Quote.id).join(Code, Code.id == Coding.code_id)
        elif by == "subdivision":
            query = (
                select(Subdivision.name, Quote.text, Quote.source_id)
                .join(Coding, Coding.quote_id == Quote.id)
                .join(CodingSubdivision, CodingSubdivision.coding_id == Coding.id)
                .join(Subdivision, Subdivision.id == CodingSubdivision.subdivision_id)
            )
        else:
            raise InputError(f"terms by {by!r}: choose subdivision or code")
        rows = session.execute(query.distinct()).all()
        languages = source_languages(session)
    return [_Quote(str(bucket), text, languages.get(source_id, default))
            for bucket, text, source_id in rows]


def kwic(project: Project, term: str, width: int = 40,
         progress: Callable[[int, int, str], None] | None = None) -> pd.DataFrame:
    """Keyword in context: every place in the sources where `term` (or its lemma) occurs.

    `progress(done, total, source)` is called as each source is read (spaCy reads a
    few interviews a second)."""
    default = project_summary(project).language
    with project.reading() as session:
        sources = session.execute(select(Source.id, Source.name, Source.text)).all()
        languages = source_languages(session)
    wanted = term.strip().lower()
    rows = []
    for done, (sid, name, text) in enumerate(sources):
        if progress is not None:
            progress(done, len(sources), name)
        for token in pipeline(languages.get(sid, default))(text):
            if wanted in (token.lower_, (token.lemma_ or "").lower()):
                start, end = token.idx, token.idx + len(token.text)
                left = " ".join(text[max(0, start - width):start].split())
                right = " ".join(text[end:end + width].split())
                rows.append((name, start, end, left[-width:], token.text, right[:width]))
    return pd.DataFrame(rows, columns=["source", "start", "end", "left", "term", "right"])
