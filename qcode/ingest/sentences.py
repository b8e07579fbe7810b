"""Sentence boundaries of a transcript, from spaCy's rule-based sentencizer (offline)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=8)
def _sentencizer(language: str) -> Any:
    import spacy

    try:
        nlp = spacy.blank(language)
    except Exception:  # an unknown language code: the rules are much the same
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp


def sentence_spans(text: str, language: str = "en") -> list[tuple[int, int]]:
    """(start, end) of every sentence, without surrounding white space, in text order.

    Paragraphs (lines) are split separately: a turn never runs a sentence into the next.
    """
    nlp = _sentencizer(language or "en")
    lines: list[tuple[int, str]] = []
    at = 0
    for line in text.split("\n"):
        if line.strip():
            lines.append((at, line))
        at += len(line) + 1
    spans: list[tuple[int, int]] = []
    for (offset, _line), doc in zip(lines, nlp.pipe(line for _, line in lines), strict=True):
        for sent in doc.sents:
            chunk = sent.text
            stripped = chunk.strip()
            if not stripped:
                continue
            lead = len(chunk) - len(chunk.lstrip())
            start = offset + sent.start_char + lead
            spans.append((start, start + len(stripped)))
    return spans
