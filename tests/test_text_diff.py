"""Moving quotes through edits of their transcript: exact offsets, and random edit scripts."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from helpers import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcode.services.text_diff import (
    MOVED,
    REANCHORED,
    REWRITTEN,
    UNANCHORED,
    Alignment,
    Replacement,
    remap,
)

TEXT = ("IP4: They chose the layout themselves. Self-management was the key, honestly.\n"
        "Interviewer: And the costs?\n"
        "IP4: The subsidy covered the foundations only.")


def span(text: str, words: str, key: int = 1) -> tuple[int, int, int]:
    start = text.index(words)
    return key, start, start + len(words)


def placed_text(new: str, old: str, quote: tuple[int, int, int]) -> tuple[str, str | None]:
    [result] = remap(Alignment.of(old, new), [quote])
    return result.status, new[result.start:result.end] if result.anchored else None


def test_an_insertion_before_a_quote_moves_it_by_exactly_its_length() -> None:
    quote = span(TEXT, "The subsidy covered the foundations")
    new = TEXT.replace("And the costs?", "And the costs, in pesos?")
    [result] = remap(Alignment.of(TEXT, new), [quote])
    assert (result.status, result.start, result.end) == (MOVED, quote[1] + 10, quote[2] + 10)


def test_a_deletion_before_and_an_insertion_after_leave_the_words_covered() -> None:
    quote = span(TEXT, "Self-management was the key")
    new = TEXT.replace("They chose the layout themselves. ", "").replace(
        "honestly.", "honestly, truly.")
    [result] = remap(Alignment.of(TEXT, new), [quote])
    assert (result.status, result.start, result.end) == (MOVED, quote[1] - 34, quote[2] - 34)
    assert new[result.start:result.end] == "Self-management was the key"


def test_text_typed_right_at_a_quote_edge_stays_outside_it() -> None:
    quote = span(TEXT, "Self-management was the key")
    assert placed_text(TEXT.replace("Self-", "Well. Self-"), TEXT, quote) == (
        MOVED, "Self-management was the key")
    assert placed_text(TEXT.replace("key,", "key indeed,"), TEXT, quote) == (
        MOVED, "Self-management was the key")


def test_a_corrected_word_inside_a_quote_reanchors_it_over_the_new_words() -> None:
    quote = span(TEXT, "They chose the layout")
    new = TEXT.replace("They chose", "They picked")
    status, words = placed_text(new, TEXT, quote)
    assert (status, words) == (REANCHORED, "They picked the layout")
    [result] = remap(Alignment.of(TEXT, new), [quote])
    assert (result.start, result.end) == (5, 27)
    assert 60 <= result.score < 100


def test_words_added_inside_a_quote_are_taken_in() -> None:
    quote = span(TEXT, "They chose the layout")
    new = TEXT.replace("the layout", "the whole layout")
    assert placed_text(new, TEXT, quote) == (REANCHORED, "They chose the whole layout")


def test_a_quote_whose_words_were_deleted_becomes_unanchored() -> None:
    quote = span(TEXT, "Self-management was the key")
    new = TEXT.replace("Self-management was the key, honestly.", "")
    assert placed_text(new, TEXT, quote) == (UNANCHORED, None)


def test_a_quote_replaced_by_unrelated_words_is_unanchored_not_stretched() -> None:
    quote = span(TEXT, "covered the foundations")
    new = TEXT.replace("covered the foundations", "xyzzy qwerty plugh")
    assert placed_text(new, TEXT, quote) == (UNANCHORED, None)


def test_known_replacements_rewrite_a_quote_without_a_flag_and_exactly() -> None:
    quote = span(TEXT, "IP4: They chose")
    at = TEXT.index("They")
    alignment = Alignment.replacing(TEXT, [Replacement(at, at + 4, "The agency staff")])
    assert alignment.new.startswith("IP4: The agency staff chose the layout")
    [result] = remap(alignment, [quote], known=True)
    assert (result.status, result.start, result.end) == (REWRITTEN, 0, 27)
    later = span(TEXT, "The subsidy")
    [moved] = remap(alignment, [later], known=True)
    assert (moved.status, moved.start) == (MOVED, later[1] + 12)


def test_overlapping_replacements_are_refused() -> None:
    with pytest.raises(ValueError, match="overlaps"):
        Alignment.replacing(TEXT, [Replacement(0, 10, "a"), Replacement(5, 12, "b")])


def test_positions_inside_a_change_take_the_side_asked_for() -> None:
    alignment = Alignment.of("one two three", "one 2 three")
    assert alignment.position(5, "left") == 4
    assert alignment.position(5, "right") == 5
    assert alignment.position(8, "left") == 6  # the space after the change, exactly


# -- random edit scripts ------------------------------------------------------------------

WORDS = ["the", "families", "chose", "layout", "they", "key", "room", "IP4", "agency",
         "subsidy", "a", "and", "self", "management", "built", "second"]
SEPARATORS = [" ", " ", " ", ", ", ". ", ".\n", "\n\n"]


@dataclass
class Quote:
    key: int
    start: int
    end: int


@st.composite
def scripts(draw: st.DrawFn) -> tuple[str, list[Quote], list[tuple[str, float, float, str]]]:
    """A transcript of repeating words, quotes on word boundaries, and edits to make."""
    n = draw(st.integers(8, 40))
    words = draw(st.lists(st.sampled_from(WORDS), min_size=n, max_size=n))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=n, max_size=n))
    text, bounds = "", []
    for word, sep in zip(words, seps, strict=True):
        bounds.append((len(text), len(text) + len(word)))
        text += word + sep
    quotes = []
    for key in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, n - 1))
        j = draw(st.integers(i, min(n - 1, i + 6)))
        quotes.append(Quote(key, bounds[i][0], bounds[j][1]))
    edits = draw(st.lists(
        st.tuples(st.sampled_from(["insert", "delete", "replace", "typo"]),
                  st.floats(0, 1), st.floats(0, 1),
                  st.text(alphabet="abcdefgh ,.", min_size=1, max_size=12)),
        min_size=4, max_size=10))
    return text, quotes, edits


def word_bounds(text: str) -> list[tuple[int, int]]:
    found, at = [], None
    for i, ch in enumerate(text + " "):
        if ch.isalnum() and at is None:
            at = i
        elif not ch.isalnum() and at is not None:
            found.append((at, i))
            at = None
    return found


def make_edit(text: str, kind: str, u: float, v: float, typed: str) -> tuple[int, int, str]:
    """An edit of `text` as (start, end, replacement), on word boundaries but for typos."""
    bounds = word_bounds(text)
    if not bounds:
        return len(text), len(text), " " + typed
    i = int(u * (len(bounds) - 1))
    j = min(len(bounds) - 1, i + int(v * 3))
    if kind == "insert":
        at = bounds[i][0]
        return at, at, typed.strip(" ") + " " if typed.strip(" ") else "new "
    if kind == "delete":
        return bounds[i][0], bounds[j][1], ""
    if kind == "replace":
        return bounds[i][0], bounds[j][1], typed.strip() or "new"
    start, end = bounds[i]
    at = start + int(v * (end - start - 1))
    return at, at + 1, "x" if text[at] != "x" else "y"


@settings(max_examples=examples(500), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scripts())
def test_random_edit_scripts_never_lose_a_quote_and_keep_untouched_words(
        script: tuple[str, list[Quote], list[tuple[str, float, float, str]]]) -> None:
    text, quotes, edits = script
    total = len(quotes)
    live = list(quotes)
    gone = 0
    for kind, u, v, typed in edits:
        start, end, replacement = make_edit(text, kind, u, v, typed)
        new = text[:start] + replacement + text[end:]
        if new == text:
            continue
        results = remap(Alignment.of(text, new), [(q.key, q.start, q.end) for q in live])
        assert [r.key for r in results] == [q.key for q in live]  # every quote, in order
        carried = []
        for quote, result in zip(live, results, strict=True):
            words = text[quote.start:quote.end]
            outside = (end <= quote.start or start >= quote.end) if start < end else (
                start <= quote.start or start >= quote.end)
            if outside:
                assert result.status == MOVED, (text, new, words)
                assert result.start is not None and result.end is not None
                assert new[result.start:result.end] == words
            else:
                assert result.status in (MOVED, REANCHORED, UNANCHORED)
                if result.status == MOVED:
                    assert new[result.start:result.end] == words
            if result.anchored:
                assert result.start is not None and result.end is not None
                assert 0 <= result.start < result.end <= len(new)
                carried.append(Quote(quote.key, result.start, result.end))
            else:
                gone += 1  # unanchored: kept (with its codings) but no longer placed
        live = carried
        text = new
    assert len(live) + gone == total
