"""Timestamps written inside transcripts become time marks, in the text or taken out.

Each sample is written the way its tool or convention writes it (a transcriber's
brackets, f4/f5, Zoom's saved transcript, Otter's and Teams' exports) and read through
the reader a user's import takes. A mark must sit on the first word the timestamp
timed, with its time; taking timestamps out must keep every other span's text.
"""

from __future__ import annotations

import re
import sqlite3
import zipfile
from pathlib import Path

import docx
import pytest
from helpers import examples
from hostile.check import check_clean, dump, new_project, refused, run, run_process, succeeded
from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.clock import clock_seconds
from qcode.ingest.formats import READERS, Document
from qcode.ingest.formats.timestamps import strip_timestamps, with_timestamps
from qcode.services.project import open_project
from qcode.store.models import TimeMark


def read(path: Path) -> Document:
    return READERS[path.suffix][1](path)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def timed(document: Document) -> list[tuple[float, str]]:
    """Each mark's time and the first three words of its line from its offset on."""
    return [(seconds, " ".join(document.text[at:at + 200].split("\n")[0].split()[:3]))
            for at, seconds in document.marks]


def said(document: Document) -> list[tuple[str, str, float | None, float | None]]:
    return [(t.speaker, document.text[t.start:t.end], t.begin_seconds, t.end_seconds)
            for t in document.turns]


# A transcriber's own conventions: square brackets, parentheses, tenths, hours or not.
BRACKETED = (
    "Interview IP4, 5 March 2024. We met at 12:30 in the community centre.\n\n"
    "[00:00:03] Interviewer: How did the cooperative start?\n\n"
    "[00:00:09.5] IP4: With six families (2015) and one room. [00:00:21] Later, the "
    "second room.\n\n"
    "[01:02] Interviewer: And the rent?\n\n"
    "(00:01:10) IP4: It went up twice (see 3:16 in the minutes). [01:32,25] We complained.\n"
)


def test_bracketed_timestamps_mark_the_words_after_them(tmp_path: Path) -> None:
    document = read(write(tmp_path / "IP4.txt", BRACKETED))
    assert document.text == BRACKETED  # kept in the text unless asked otherwise
    assert timed(document) == [
        (3.0, "Interviewer: How did"),
        (9.5, "IP4: With six"),
        (21.0, "Later, the second"),
        (62.0, "Interviewer: And the"),
        (70.0, "IP4: It went"),
        (92.25, "We complained."),
    ]
    # The parenthesised "(00:01:10)" hides IP4's label from the turn finder until the
    # timestamps are set aside: both IP4 turns are found, each from its line's time.
    assert said(document) == [
        ("Interviewer", "How did the cooperative start?", 3.0, None),
        ("IP4", "With six families (2015) and one room. [00:00:21] Later, the second room.",
         9.5, None),
        ("Interviewer", "And the rent?", 62.0, None),
        ("IP4", "It went up twice (see 3:16 in the minutes). [01:32,25] We complained.",
         70.0, None),
    ]


def test_stripping_takes_them_out_and_keeps_every_offset_exact(tmp_path: Path) -> None:
    kept = read(write(tmp_path / "IP4.txt", BRACKETED))
    stripped = strip_timestamps(kept)
    assert stripped.text == (
        "Interview IP4, 5 March 2024. We met at 12:30 in the community centre.\n\n"
        "Interviewer: How did the cooperative start?\n\n"
        "IP4: With six families (2015) and one room. Later, the second room.\n\n"
        "Interviewer: And the rent?\n\n"
        "IP4: It went up twice (see 3:16 in the minutes). We complained.\n"
    )
    assert timed(stripped) == timed(kept)
    assert said(stripped) == [
        (speaker, re.sub(r" \[[\d:,]+\]", "", words), begin, end)
        for speaker, words, begin, end in said(kept)
    ]
    # Every span a coder could have marked between two timestamps reads the same.
    for phrase in ["We met at 12:30", "How did the cooperative start?", "six families (2015)",
                   "Later, the second room.", "(see 3:16 in the minutes)", "We complained."]:
        assert phrase in stripped.text
    assert strip_timestamps(stripped) == stripped  # nothing left to take out


# f4/f5 (audiotranskription.de) put the time at the end of each paragraph, tenths after
# the dash: it is when that paragraph ends and the next one starts.
F4 = (
    "I: Wie sind Sie zu der Genossenschaft gekommen? #00:00:04-7#\n\n"
    "B: Über meine Schwester. Sie hat damals (.) im Vorstand gesessen. #00:00:15-2#\n\n"
    "I: Und wie war der Anfang? #00:00:19-0#\n\n"
    "B: Schwierig, ehrlich gesagt. #00:01:27-9#\n"
)


def test_f4_timestamps_end_each_turn(tmp_path: Path) -> None:
    document = read(write(tmp_path / "IP2.txt", F4))
    assert timed(document) == [(4.7, "B: Über meine"), (15.2, "I: Und wie"),
                               (19.0, "B: Schwierig, ehrlich"), (87.9, "")]
    assert document.marks[-1][0] == len(F4)  # the end of the talk
    # A paragraph's closing time is when it ends and the next one begins.
    assert said(document) == [
        ("I", "Wie sind Sie zu der Genossenschaft gekommen?", None, 4.7),
        ("B", "Über meine Schwester. Sie hat damals (.) im Vorstand gesessen.", 4.7, 15.2),
        ("I", "Und wie war der Anfang?", 15.2, 19.0),
        ("B", "Schwierig, ehrlich gesagt.", 19.0, 87.9),
    ]
    stripped = strip_timestamps(document)
    assert stripped.text == re.sub(r" #[\d:-]+#", "", F4)
    assert said(stripped) == said(document)
    assert timed(stripped) == timed(document)


# Zoom's saved transcript: "[Name] time of day" on a line, the words on the next.
ZOOM = (
    "[Maria Lopez] 10:02:09\nGood morning, can you hear me?\n\n"
    "[Daniel Ruiz] 10:02:13\nYes. Sorry, the bus came at 9:55 and I ran.\n\n"
    "[Daniel Ruiz] 10:02:20\nWe can start.\n\n"
    "[Maria Lopez] 10:02:24\nThen let us begin with the housing question.\n"
)


def test_zoom_saved_transcript(tmp_path: Path) -> None:
    document = read(write(tmp_path / "IP6.txt", ZOOM))
    # Zoom writes the time of day: the first is the transcript's time 0 (the recording's
    # offset says where that falls in it).
    assert timed(document) == [(0.0, "Good morning, can"), (4.0, "Yes. Sorry, the"),
                               (11.0, "We can start."), (15.0, "Then let us")]
    assert [(speaker, words[:14], begin) for speaker, words, begin, _ in said(document)] == [
        ("Maria Lopez", "Good morning, ", 0.0), ("Daniel Ruiz", "Yes. Sorry, th", 4.0),
        ("Daniel Ruiz", "We can start.", 11.0), ("Maria Lopez", "Then let us be", 15.0),
    ]
    late = "[Ana] 23:59:50\nStill there?\n\n[Ben] 00:00:05\nYes.\n"
    assert read(write(tmp_path / "late.txt", late)).marks == [
        (late.index("Still"), 0.0), (late.index("Yes"), 15.0)]
    stripped = strip_timestamps(document)
    assert stripped.text == re.sub(r" \d\d:\d\d:\d\d\n", "\n", ZOOM)
    assert said(stripped) == said(document)


# Otter's .txt export: the speaker, two spaces, the time (hours only past the first);
# the words on the lines after; its footer last.
OTTER = (
    "Maria Lopez  0:02\nGood morning, can you hear me?\n\n"
    "Speaker 2  0:06\nYes, loud and clear. We moved in at 12:30 on a Sunday.\n\n"
    "Maria Lopez  59:58\nThank you.\n\n"
    "Speaker 2  1:00:04\nYou are welcome.\n\n\n"
    "Transcribed by https://otter.ai\n"
)


def test_otter_export(tmp_path: Path) -> None:
    document = read(write(tmp_path / "IP8.txt", OTTER))
    assert timed(document) == [(2.0, "Good morning, can"), (6.0, "Yes, loud and"),
                               (3598.0, "Thank you."), (3604.0, "You are welcome.")]
    assert said(document) == [
        ("Maria Lopez", "Good morning, can you hear me?", 2.0, None),
        ("Speaker 2", "Yes, loud and clear. We moved in at 12:30 on a Sunday.", 6.0, None),
        ("Maria Lopez", "Thank you.", 3598.0, None),
        ("Speaker 2", "You are welcome.\n\n\nTranscribed by https://otter.ai", 3604.0, None),
    ]
    stripped = strip_timestamps(document)
    assert stripped.text.startswith("Maria Lopez\nGood morning, can you hear me?\n\n"
                                    "Speaker 2\nYes, loud and clear.")
    assert said(stripped) == said(document)
    assert timed(stripped) == timed(document)


def test_teams_transcript_in_word(tmp_path: Path) -> None:
    word = docx.Document()
    for paragraph in ["Housing interview IP9-20240305_100211-Meeting Recording",
                      "March 5, 2024, 10:02AM", "42m 7s", "Maria Lopez started transcription",
                      "Maria Lopez   0:03", "Good morning. Can you hear me?",
                      "Daniel Ruiz   0:08", "Yes. We moved in 2015, at 12:30 on a Sunday.",
                      "Maria Lopez   1:01:12", "Thank you.",
                      "Maria Lopez stopped transcription"]:
        word.add_paragraph(paragraph)
    word.save(str(tmp_path / "IP9.docx"))
    document = read(tmp_path / "IP9.docx")
    assert timed(document) == [(3.0, "Good morning. Can"), (8.0, "Yes. We moved"),
                               (3672.0, "Thank you.")]
    assert said(document) == [
        ("Maria Lopez", "Good morning. Can you hear me?", 3.0, None),
        ("Daniel Ruiz", "Yes. We moved in 2015, at 12:30 on a Sunday.", 8.0, None),
        ("Maria Lopez", "Thank you.\n\nMaria Lopez stopped transcription", 3672.0, None),
    ]
    stripped = strip_timestamps(document)
    assert "Maria Lopez\n\nGood morning." in stripped.text
    assert said(stripped) == said(document)


def test_f4_timestamps_in_an_odt(tmp_path: Path) -> None:
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    paragraphs = "".join(f"<text:p>{p}</text:p>" for p in F4.strip().split("\n\n"))
    with zipfile.ZipFile(tmp_path / "IP2.odt", "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", f'<?xml version="1.0" encoding="UTF-8"?>'
                         f"<office:document-content {ns}><office:body><office:text>"
                         f"{paragraphs}</office:text></office:body></office:document-content>")
    document = read(tmp_path / "IP2.odt")
    assert document.text == F4.strip()
    assert timed(document) == [(4.7, "B: Über meine"), (15.2, "I: Und wie"),
                               (19.0, "B: Schwierig, ehrlich"), (87.9, "")]


# A time opening each line before the speaker, as tools that write one line per
# utterance do (some with a tab after the time).
OPENINGS = (
    "00:00:02 Maria Lopez: Good morning, can you hear me?\n"
    "00:00:06\tDaniel Ruiz: Yes, loud and clear.\n"
    "00:00:09 Maria Lopez: Then let us start.\n"
    "00:01:15.5 Daniel Ruiz: Fine.\n"
)


def test_times_opening_lines(tmp_path: Path) -> None:
    document = read(write(tmp_path / "IP3.txt", OPENINGS))
    assert timed(document) == [(2.0, "Maria Lopez: Good"), (6.0, "Daniel Ruiz: Yes,"),
                               (9.0, "Maria Lopez: Then"), (75.5, "Daniel Ruiz: Fine.")]
    assert [(s, w, b) for s, w, b, _ in said(document)] == [
        ("Maria Lopez", "Good morning, can you hear me?", 2.0),
        ("Daniel Ruiz", "Yes, loud and clear.", 6.0),
        ("Maria Lopez", "Then let us start.", 9.0),
        ("Daniel Ruiz", "Fine.", 75.5),
    ]
    stripped = strip_timestamps(document)
    assert stripped.text == ("Maria Lopez: Good morning, can you hear me?\n"
                             "Daniel Ruiz: Yes, loud and clear.\nMaria Lopez: Then let us start.\n"
                             "Daniel Ruiz: Fine.\n")
    assert said(stripped) == said(document)


def test_a_time_alone_on_its_line_goes_with_its_line(tmp_path: Path) -> None:
    text = ("00:00:00\n\nIP1: First.\n\n00:00:05\n\nIP2: Second.\n\n"
            "00:00:09\nIP1: Third.\n00:00:11\nIP2: Fourth.\n\n00:00:12\n")
    document = read(write(tmp_path / "IP1.txt", text))
    assert timed(document) == [(0.0, "IP1: First."), (5.0, "IP2: Second."),
                               (9.0, "IP1: Third."), (11.0, "IP2: Fourth."), (12.0, "")]
    assert [(s, w, b, e) for s, w, b, e in said(document)] == [
        ("IP1", "First.", 0.0, None), ("IP2", "Second.", 5.0, None),
        ("IP1", "Third.", 9.0, None), ("IP2", "Fourth.", 11.0, 12.0)]
    stripped = strip_timestamps(document)
    assert stripped.text == "IP1: First.\n\nIP2: Second.\n\nIP1: Third.\nIP2: Fourth.\n"
    assert said(stripped) == said(document)
    assert timed(stripped) == timed(document)


@pytest.mark.parametrize("text", [
    "We met at 12:30 and left at 14:05.\nIP1: It was 9:15 when they came.\n",
    "John (3:16) and the ratio [2:1] say nothing of time.\n",
    "12:30 lunch, then the meeting.\n",  # one line opening with a time: a heading, no more
    "Interview date  10:30\n\nIP1: Hello.\n",  # one "name  time" line: a heading too
    "Stamps that are no times: [00:61:00] (99:99) #00:01# [00:00:60]\n",
])
def test_times_that_are_not_timestamps(tmp_path: Path, text: str) -> None:
    document = read(write(tmp_path / "IP1.txt", text))
    assert not document.marks
    assert strip_timestamps(document).text == text


def test_clock_seconds() -> None:
    assert clock_seconds("1:02:03.5") == 3723.5
    assert clock_seconds("75:00") == 4500.0
    assert clock_seconds("00:60") is None
    assert clock_seconds("1:60:00") is None


def test_pages_move_with_the_text() -> None:
    text = "IP1: one [00:00:01] two\n\n[00:00:02] IP1: three\n"
    pages = [0, text.index("[00:00:02]")]
    stripped = strip_timestamps(with_timestamps(Document(text, pages=pages)))
    assert stripped.text == "IP1: one two\n\nIP1: three\n"
    assert [stripped.text[at:at + 5] for at in stripped.pages] == ["IP1: ", "IP1: "]


# Lines of words and timestamps in every written form, anywhere on a line.
_STAMPS = [("[{h:02d}:{m:02d}:{s:02d}.{t}]", True), ("({m:02d}:{s:02d})", False),
           ("#{h:02d}:{m:02d}:{s:02d}-{t}#", True), ("[{m:02d}:{s:02d}]", False)]
_token = st.one_of(
    st.sampled_from(["we", "moved", "in", "2015", "(laughs)", "rent", "12:30", "IP4:", "[sic]"]),
    st.tuples(st.integers(0, len(_STAMPS) - 1), st.integers(0, 2), st.integers(0, 59),
              st.integers(0, 59), st.integers(0, 9)),
)
# (A line opening with a bare time is a timestamp by design: not drawn here.)
_lines = st.lists(st.lists(_token, min_size=1, max_size=6).filter(
    lambda line: any(isinstance(token, str) for token in line) and line[0] != "12:30"),
    min_size=1, max_size=6)


@settings(max_examples=examples(200))
@given(lines=_lines)
def test_stripped_marks_point_at_the_words_their_timestamps_timed(
        lines: list[list[str | tuple[int, int, int, int, int]]]) -> None:
    written, clean = [], ""
    expected: dict[int, float] = {}  # offset in the clean text -> the first time given there
    waiting: list[float] = []
    for line in lines:
        shown, first = [], True
        for token in line:
            if isinstance(token, tuple):
                form, h, m, s, t = token
                pattern, tenths = _STAMPS[form]
                shown.append(pattern.format(h=h, m=m, s=s, t=t))
                waiting.append(h * 3600 * tenths + m * 60 + s + t / 10 * tenths)
                continue
            shown.append(token)
            clean += ("\n\n" if first else " ") if clean else ""
            for seconds in waiting:
                expected.setdefault(len(clean), seconds)
            waiting, first = [], False
            clean += token
        written.append(" ".join(shown))
    for seconds in waiting:
        expected.setdefault(len(clean), seconds)
    kept = with_timestamps(Document("\n\n".join(written)))
    stripped = strip_timestamps(kept)
    assert stripped.text == clean
    assert dict(stripped.marks) == expected
    # Kept in the text, each mark sits on the same word.
    assert [kept.text[at:].split(maxsplit=1)[:1] for at, _ in kept.marks] == [
        clean[at:].split(maxsplit=1)[:1] for at in sorted(expected)]


def test_import_strip_timestamps_end_to_end(tmp_path: Path) -> None:
    study = new_project(tmp_path)
    path = write(tmp_path / "IP4_interview.txt", BRACKETED)
    succeeded(run("import", study, path, "--strip-timestamps"))
    shown = run("text", study, "IP4_interview")
    succeeded(shown)
    assert shown.stdout == strip_timestamps(read(path)).text
    assert "[00:" not in shown.stdout and "(00:01:10)" not in shown.stdout
    with open_project(study) as project, project.reading() as session:
        marks = [(m.offset, m.seconds) for m in session.query(TimeMark).order_by(TimeMark.offset)]
    assert [(seconds, shown.stdout[at:at + 12]) for at, seconds in marks] == [
        (3.0, "Interviewer:"), (9.5, "IP4: With si"), (21.0, "Later, the s"),
        (62.0, "Interviewer:"), (70.0, "IP4: It went"), (92.25, "We complaine")]
    check_clean(study)


def test_import_keeps_timestamps_by_default(tmp_path: Path) -> None:
    study = new_project(tmp_path)
    succeeded(run("import", study, write(tmp_path / "IP2.txt", F4)))
    assert run("text", study, "IP2").stdout == F4
    with sqlite3.connect(study) as connection:
        stored = connection.execute("SELECT at_offset, seconds FROM time_marks "
                                    "ORDER BY at_offset").fetchall()
    assert [(F4[at:at + 5], seconds) for at, seconds in stored] == [
        ("B: Üb", 4.7), ("I: Un", 15.2), ("B: Sc", 19.0), ("", 87.9)]


def test_a_file_of_nothing_but_timestamps_is_refused_when_stripped(tmp_path: Path) -> None:
    study = new_project(tmp_path)
    before = dump(study)
    path = write(tmp_path / "IP1.txt", "[00:00:01]\n[00:00:02]\n")
    refused(run("import", study, path, "--strip-timestamps"), study, before, str(path),
            "nothing but timestamps")


HOSTILE = {
    "brackets.txt": "[" * 5_000_000,
    "hashes.txt": "#00:" * 1_250_000,
    "unclosed.txt": "IP1: " + "[00:00:01" * 500_000,
    # 50,000 real timestamps: enough that work growing with their square would run for
    # minutes, few enough to import in seconds.
    "many.txt": "IP1: a [00:00:01] " * 50_000,
    "headings.txt": "Speaker 1  0:03\n" * 50_000,
    "openings.txt": "00:00:01 " * 500_000 + "IP1: a\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_timestamps_import_in_time(tmp_path: Path, name: str) -> None:
    study = new_project(tmp_path)
    path = write(tmp_path / name, HOSTILE[name])
    result = run_process("import", study, path, "--strip-timestamps", timeout=60,
                         memory=2**30)
    assert result.returncode == 0, result.stderr
    check_clean(study)
