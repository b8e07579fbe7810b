"""The baseline: keyword auto-coding on the code names.

What a researcher could do without learning anything: search for the words of each
code's name and code what is found. A unit is given a code when it holds every
content word of the code's name ("Lack of water": lack and water), compared as
lemmas in the unit's language, the way `qcode search --lemma` compares words.
A name with no content word is never found.
"""

from __future__ import annotations

from collections.abc import Sequence

from qcode.suggest.words import unit_words


def name_words(codes: Sequence[str], language: str) -> dict[str, frozenset[str]]:
    """Each code's name as the set of its words (lemmas) in `language`."""
    found = unit_words(list(codes), [language] * len(codes))
    return {code: frozenset(words) for code, words in zip(codes, found, strict=True)}


def keyword_codes(words: Sequence[str], names: dict[str, frozenset[str]]) -> set[str]:
    """The codes whose names' words all occur among `words`."""
    present = set(words)
    return {code for code, needed in names.items() if needed and needed <= present}
