"""Placing sheet quotes at their exact span, as researchers actually write them."""

from __future__ import annotations

import pytest

from qcode.anchor import Corpus, Placement

IP3 = (
    "Interviewer: And the technicians?\n\n"
    "IP3: Well, they came every week, uh, to check the walls.\nThe families trusted\n"
    "them a lot. Then the \"new rules\" arrived - and everything slowed down.\n\n"
    "Interviewer: Why?\n\n"
    "IP3: Nobody knew the rules. We asked and asked.\n"
    "Nobody knew the rules, and we waited for months.\n"
    "The programme (the old one) paid in one go.\n"
)
IP4 = (
    "IP4: And then we waited for months, like everybody.\n\n"
    "Interviewer: And the subsidy?\n\n"
    "IP4: It arrived late. The subsidy covered the foundations only.\n"
)
corpus = Corpus([("IP3", IP3), ("IP4", IP4)])


def place(quote: str, prefer: tuple[str, ...] = ()) -> Placement:
    return corpus.place(quote, prefer)


def span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def placed(quote: str, prefer: tuple[str, ...] = ()) -> tuple[str, int, int, str] | None:
    chosen = place(quote, prefer).chosen
    return None if chosen is None else (chosen.source, chosen.start, chosen.end, chosen.method)


def test_verbatim_quote_is_exact() -> None:
    assert placed("they came every week") == ("IP3", *span(IP3, "they came every week"), "exact")


@pytest.mark.parametrize(
    ("quote", "phrase"),
    [
        ("The families  trusted them a lot.", "The families trusted\nthem a lot."),
        ("the “new rules” arrived – and", 'the "new rules" arrived - and'),
        ("They came every week", "they came every week"),
        ("they came every week (...) to check the walls",
         "they came every week, uh, to check the walls"),
        ("they came […] the walls", "they came every week, uh, to check the walls"),
        ("they [the technicians] came every week", "they came every week"),
        ("[The technicians] came every week, uh, to check", "came every week, uh, to check"),
        ("The programme (the new one) paid in one go.",
         "The programme (the old one) paid in one go."),
    ],
    ids=["whitespace", "typography", "capital", "elision", "square elision", "insertion",
         "leading insertion", "round brackets"],
)
def test_normalised_quotes_get_exact_offsets(quote: str, phrase: str) -> None:
    assert placed(quote) == ("IP3", *span(IP3, phrase), "normalised")


def test_round_brackets_of_the_transcript_stay_verbatim() -> None:
    phrase = "The programme (the old one) paid in one go."
    assert placed(phrase) == ("IP3", *span(IP3, phrase), "exact")


def test_small_transcription_differences_are_fuzzy_matches_on_whole_words() -> None:
    result = place("the familes trusted them alot")
    assert result.chosen is not None and result.chosen.method == "fuzzy"
    assert 90 <= result.chosen.score < 100
    assert (result.chosen.start, result.chosen.end) == span(IP3, "The families trusted\nthem a lot")


def test_a_quote_twice_in_one_transcript_is_not_guessed() -> None:
    result = place("Nobody knew the rules")
    assert result.chosen is None and result.reason.startswith("ambiguous")
    first = IP3.index("Nobody knew the rules")
    second = IP3.index("Nobody knew the rules", first + 1)
    assert [(c.source, c.start) for c in result.candidates] == [("IP3", first), ("IP3", second)]


def test_a_quote_in_two_transcripts_needs_the_sheet_to_say_which() -> None:
    assert place("we waited for months").chosen is None
    assert placed("we waited for months", prefer=("IP4",)) == (
        "IP4", *span(IP4, "we waited for months"), "exact")


def test_the_preferred_source_is_searched_first_then_all() -> None:
    assert placed("The subsidy covered the foundations only.", prefer=("IP3",)) == (
        "IP4", *span(IP4, "The subsidy covered the foundations only."), "exact")


def test_an_elision_takes_the_tightest_fit() -> None:
    """A short first fragment occurs often; the fit with the least left out is the quote."""
    assert placed("Nobody [...] and we waited for months") == (
        "IP3", *span(IP3, "Nobody knew the rules, and we waited for months"), "normalised")


@pytest.mark.parametrize("quote", ["the mayor promised new houses", "   ", "zzz qqq"])
def test_a_quote_that_is_not_there_is_not_placed(quote: str) -> None:
    result = place(quote)
    assert result.chosen is None and result.reason
