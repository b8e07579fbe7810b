"""Speaker turns found in plain transcripts."""

from __future__ import annotations

from qcode.ingest.turns import find_turns


def said(text: str) -> list[tuple[str, str]]:
    return [(t.speaker, text[t.start:t.end]) for t in find_turns(text)]


def test_named_speakers_with_continuation_paragraphs() -> None:
    text = (
        "Interview IP2\nDate: 15 February 2021\n\n"
        "Interviewer: What is your role?\n\n"
        "Laura Méndez: I direct urban development.\nA second paragraph of mine.\n\n"
        "Interviewer: Thank you.\n\n"
        "Laura Méndez: You're welcome.\n"
    )
    assert said(text) == [
        ("Interviewer", "What is your role?"),
        ("Laura Méndez", "I direct urban development.\nA second paragraph of mine."),
        ("Interviewer", "Thank you."),
        ("Laura Méndez", "You're welcome."),
    ]  # "Date:" in the header starts no turn: it occurs once


def test_q_and_a_count_even_once() -> None:
    assert said("Q: Why?\nA: Because.") == [("Q", "Why?"), ("A", "Because.")]


def test_bracket_tags_and_timestamps() -> None:
    text = "[id1] hello there\n\n[id2] hi\n\n[id1] bye\n[id2] ok\n"
    assert [s for s, _ in said(text)] == ["id1", "id2", "id1", "id2"]
    stamped = "[00:01:02] IP4: first\n[00:01:09] Interviewer: second\n" \
              "[00:02:00] IP4: third\n[00:02:30] Interviewer: fourth"
    assert said(stamped)[0] == ("IP4", "first")
    assert len(said(stamped)) == 4


def test_prose_without_labels_has_no_turns() -> None:
    assert find_turns("Field notes. The site was muddy: we walked.\nNobody spoke.") == []
