"""Placing sheet quotes at their exact span, as researchers actually write them."""

from __future__ import annotations

from qcode.ingest.anchor import SourceIndex

SOURCE = (
    "Interviewer: And the technicians?\n\n"
    "IP3: Well, they came every week, uh, to check the walls.\nThe families trusted\n"
    "them a lot. Then the \"new rules\" arrived - and everything slowed down.\n"
)
index = SourceIndex(SOURCE)


def placed(quote: str) -> str | None:
    anchor = index.anchor(quote)
    return None if anchor is None else SOURCE[anchor.start:anchor.end]


def test_verbatim_quote_is_exact() -> None:
    anchor = index.anchor("they came every week")
    assert anchor is not None and anchor.kind == "exact"
    assert SOURCE[anchor.start:anchor.end] == "they came every week"


def test_whitespace_line_breaks_and_typography_are_tolerated() -> None:
    assert placed("The families  trusted them a lot.") == "The families trusted\nthem a lot."
    assert placed("the “new rules” arrived – and") == 'the "new rules" arrived - and'


def test_capital_at_the_start_is_tolerated() -> None:
    assert placed("They came every week") == "they came every week"


def test_elision_spans_first_to_last_fragment() -> None:
    assert placed("they came every week (...) to check the walls") == (
        "they came every week, uh, to check the walls"
    )
    assert placed("they came [...] the walls") == "they came every week, uh, to check the walls"


def test_bracketed_words_of_the_researcher_are_skipped() -> None:
    assert placed("they [the technicians] came every week") == "they came every week"


def test_a_quote_that_is_not_there_is_not_placed() -> None:
    assert placed("the mayor promised new houses") is None
    assert placed("   ") is None
