"""What transcription tools write (Whisper's JSON and TSV, WhisperX, oTranscribe's .otr),
and subtitles' cue times: each read from a file shaped as the tool writes it.

Every mark must sit on the word whose time it gives; turns carry their speakers and
times; a file that is not what its extension says is refused in one line and changes
nothing.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hostile.check import check_clean, dump, new_project, refused, run, run_process, succeeded

from qcode.errors import InputError
from qcode.ingest.formats import READERS, Document


def read(path: Path) -> Document:
    return READERS[path.suffix][1](path)


def timed_words(document: Document) -> list[tuple[float, str]]:
    """Each start mark's time and the word at its offset (a segment's end mark stands
    just after its last word: `ends` lists those)."""
    return [(seconds, document.text[at:].split(maxsplit=1)[0])
            for at, seconds in document.marks if document.text[at:at + 1].strip()]


def ends(document: Document) -> list[tuple[str, float]]:
    """Each end mark: the word it closes, and its time."""
    return [(document.text[:at].split()[-1], seconds) for at, seconds in document.marks
            if not document.text[at:at + 1].strip()]


def said(document: Document) -> list[tuple[str, str, float | None, float | None]]:
    return [(t.speaker, document.text[t.start:t.end], t.begin_seconds, t.end_seconds)
            for t in document.turns]


def whisper_words(text: str, start: float, step: float = 0.3) -> list[dict[str, Any]]:
    """openai-whisper's word list for a segment: each word with its leading space."""
    return [{"word": f" {word}", "start": round(start + n * step, 2),
             "end": round(start + (n + 1) * step, 2), "probability": 0.93}
            for n, word in enumerate(text.split())]


def openai_segment(n: int, start: float, end: float, text: str,
                   words: bool = True) -> dict[str, Any]:
    segment: dict[str, Any] = {
        "id": n, "seek": int(start * 100), "start": start, "end": end, "text": f" {text}",
        "tokens": [50364 + n, 2561, 337, 1348, 294], "temperature": 0.0,
        "avg_logprob": -0.2143, "compression_ratio": 1.3125, "no_speech_prob": 0.0121,
    }
    if words:
        segment["words"] = whisper_words(text, start)
    return segment


OPENAI = [(0.0, 2.4, "Thanks for coming in today."), (2.9, 3.5, "Of course."),
          (6.2, 9.8, "So how did the cooperative start?"),
          (10.1, 15.0, "With six families, in 2015, and one room.")]


def test_openai_whisper_json_with_word_times(tmp_path: Path) -> None:
    path = tmp_path / "IP3.json"
    path.write_text(json.dumps({
        "text": "".join(f" {text}" for _, _, text in OPENAI),
        "segments": [openai_segment(n, *segment) for n, segment in enumerate(OPENAI)],
        "language": "en",
    }, indent=2), encoding="utf-8")
    document = read(path)
    # A pause of two seconds or more starts a paragraph; no speakers, no turns.
    assert document.text == ("Thanks for coming in today. Of course.\n\n"
                             "So how did the cooperative start? With six families, in 2015, "
                             "and one room.")
    assert document.turns == ()
    expected = [(word["start"], word["word"].strip()) for segment in OPENAI
                for word in whisper_words(segment[2], segment[0])]
    assert timed_words(document) == expected
    assert [at for at, _ in document.marks] == sorted({at for at, _ in document.marks})


def test_faster_whisper_json_without_words_in_paragraphs(tmp_path: Path) -> None:
    # faster-whisper front ends write the same shape, "words": null without word times.
    sentence = "We talked about the rent, the repairs and the neighbours for a long while."
    segments = [openai_segment(n, n * 4.0, n * 4.0 + 3.9, sentence, words=False)
                for n in range(30)]
    for segment in segments:
        segment["words"] = None
    path = tmp_path / "IP5.json"
    path.write_text(json.dumps({"segments": segments, "language": "en",
                                "language_probability": 0.98}), encoding="utf-8")
    document = read(path)
    paragraphs = document.text.split("\n\n")
    # Without pauses a paragraph still ends after about a thousand characters.
    assert [len(p) for p in paragraphs] == [1049, 1049, 149]
    assert " ".join(paragraphs) == " ".join([sentence] * 30)
    assert timed_words(document) == [(n * 4.0, "We") for n in range(30)]


def test_whisperx_json_with_speakers(tmp_path: Path) -> None:
    path = tmp_path / "IP7.json"
    path.write_text(json.dumps({
        "segments": [
            {"start": 0.52, "end": 2.31, "text": " How did the cooperative start?",
             "speaker": "SPEAKER_00",
             "words": [{"word": "How", "start": 0.52, "end": 0.7, "score": 0.91,
                        "speaker": "SPEAKER_00"},
                       {"word": "did", "start": 0.71, "end": 0.83, "score": 0.88},
                       {"word": "the", "start": 0.84, "end": 0.9, "score": 0.9},
                       {"word": "cooperative", "start": 0.95, "end": 1.6, "score": 0.79},
                       {"word": "start?", "start": 1.7, "end": 2.31, "score": 0.85}]},
            {"start": 2.9, "end": 5.44, "text": " With six families in 2015.",
             "speaker": "SPEAKER_01",
             "words": [{"word": "With", "start": 2.9, "end": 3.1, "score": 0.9},
                       {"word": "six", "start": 3.15, "end": 3.4, "score": 0.93},
                       {"word": "families", "start": 3.45, "end": 4.0, "score": 0.8},
                       {"word": "in", "start": 4.05, "end": 4.1, "score": 0.7},
                       {"word": "2015."}]},  # WhisperX cannot align numbers
            {"start": 5.6, "end": 7.02, "text": " Not with the state.",
             "speaker": "SPEAKER_01"},
            {"start": 7.5, "end": 8.0, "text": " Mhm."},  # no speaker assigned
            {"start": 8.1, "end": 9.0, "text": " Thank you.", "speaker": "SPEAKER_00"},
        ],
        "word_segments": [{"word": "How", "start": 0.52, "end": 0.7, "score": 0.91}],
        "language": "en",
    }), encoding="utf-8")
    document = read(path)
    assert document.text == ("SPEAKER_00: How did the cooperative start?\n\n"
                             "SPEAKER_01: With six families in 2015. Not with the state.\n\n"
                             "Mhm.\n\nSPEAKER_00: Thank you.")
    assert said(document) == [
        ("SPEAKER_00", "How did the cooperative start?", 0.52, 2.31),
        ("SPEAKER_01", "With six families in 2015. Not with the state.", 2.9, 7.02),
        ("", "Mhm.", 7.5, 8.0),
        ("SPEAKER_00", "Thank you.", 8.1, 9.0),
    ]
    assert timed_words(document) == [
        (0.52, "How"), (0.71, "did"), (0.84, "the"), (0.95, "cooperative"), (1.7, "start?"),
        (2.9, "With"), (3.15, "six"), (3.45, "families"), (4.05, "in"),
        (5.6, "Not"), (7.5, "Mhm."), (8.1, "Thank")]


def test_whisper_tsv(tmp_path: Path) -> None:
    path = tmp_path / "IP3.tsv"
    path.write_text("start\tend\ttext\n0\t2400\tThanks for coming in today.\n"
                    "2900\t3500\tOf course.\n6200\t9800\tSo how did the cooperative start?\n"
                    "10100\t15000\tWith six families, in 2015, and one room.\n",
                    encoding="utf-8")
    document = read(path)
    assert document.text == ("Thanks for coming in today. Of course.\n\n"
                             "So how did the cooperative start? With six families, in 2015, "
                             "and one room.")
    assert timed_words(document) == [(0.0, "Thanks"), (2.9, "Of"), (6.2, "So"), (10.1, "With")]
    assert document.turns == ()


# oTranscribe's editor HTML: timestamps as spans with a no-break space after them, a
# bold label, a line break, an older timestamp holding "m:ss", a <div> paragraph.
OTR = {
    "text": (
        '<p><span class="timestamp" contenteditable="false" data-timestamp="3.52">0:00:03'
        '</span>&nbsp;<b>Interviewer:</b> How did the cooperative start?</p>'
        '<p><span class="timestamp" contenteditable="false" data-timestamp="9.104">0:00:09'
        '</span>&nbsp;Marta: With six families &amp; one room.<br>'
        'Later a second <i>room</i>. <span class="timestamp" contenteditable="false" '
        'data-timestamp="21">0:00:21</span>&nbsp;That took years.</p>'
        '<div><span class="timestamp" data-timestamp="1:02" '
        'onclick="ts.setFrom(\'1:02\', this)">1:02</span> Interviewer: And the rent &lt; '
        'income?</div><p>Marta: Never.</p><p><br></p>'
    ),
    "media": "IP3_interview.mp3", "media-source": "", "media-time": 125.73,
}


def test_otranscribe(tmp_path: Path) -> None:
    path = tmp_path / "IP3.otr"
    path.write_text(json.dumps(OTR), encoding="utf-8")
    document = read(path)
    assert document.text == (
        "Interviewer: How did the cooperative start?\n\n"
        "Marta: With six families & one room.\nLater a second room. That took years.\n\n"
        "Interviewer: And the rent < income?\n\nMarta: Never.")
    assert timed_words(document) == [(3.52, "Interviewer:"), (9.104, "Marta:"),
                                     (21.0, "That"), (62.0, "Interviewer:")]
    assert [(speaker, words[:12]) for speaker, words, _, _ in said(document)] == [
        ("Interviewer", "How did the "), ("Marta", "With six fam"),
        ("Interviewer", "And the rent"), ("Marta", "Never.")]


def test_subtitle_cues_each_get_a_mark(tmp_path: Path) -> None:
    path = tmp_path / "IP5.vtt"
    path.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.500\n<v Interviewer>How did it start?\n\n"
        "00:00:05.000 --> 00:00:09.000\n<v Daniel Ruiz>With the families,\nin 2015.\n\n"
        "00:00:09.200 --> 00:00:12.000\n<v Daniel Ruiz><i>Not</i> with the state.\n",
        encoding="utf-8")
    document = read(path)
    assert said(document)[1] == ("Daniel Ruiz", "With the families, in 2015. Not with the state.",
                                 5.0, 12.0)
    assert timed_words(document) == [(1.0, "How"), (5.0, "With"), (9.2, "Not")]
    # Each cue's end too: the pause before the next cue is not spread over its words.
    assert ends(document) == [("start?", 4.5), ("2015.", 9.0), ("state.", 12.0)]


def whisperx_file(folder: Path) -> Path:
    path = folder / "IP7_interview.json"
    path.write_text(json.dumps({"segments": [
        {"start": 0.5, "end": 2.0, "text": " How did it start?", "speaker": "SPEAKER_00"},
        {"start": 2.5, "end": 4.0, "text": " With six families.", "speaker": "SPEAKER_01"},
        {"start": 4.2, "end": 6.0, "text": " Thank you.", "speaker": "SPEAKER_00"},
    ]}), encoding="utf-8")
    return path


def test_import_stores_marks_and_timed_turns(tmp_path: Path) -> None:
    study = new_project(tmp_path)
    succeeded(run("import", study, whisperx_file(tmp_path)))
    text = run("text", study, "IP7_interview").stdout
    assert text == ("SPEAKER_00: How did it start?\n\nSPEAKER_01: With six families.\n\n"
                    "SPEAKER_00: Thank you.")
    with sqlite3.connect(study) as connection:
        marks = connection.execute("SELECT at_offset, seconds FROM time_marks "
                                   "ORDER BY at_offset").fetchall()
        turns = connection.execute("SELECT speaker, start_offset, end_offset, begin_seconds, "
                                   "end_seconds FROM speaker_turns ORDER BY start_offset"
                                   ).fetchall()
        kind = connection.execute("SELECT format FROM sources").fetchone()
    assert [(text[at:at + 4], seconds) for at, seconds in marks] == [
        ("How ", 0.5), ("\n\nSP", 2.0), ("With", 2.5), ("\n\nSP", 4.0), ("Than", 4.2),
        ("", 6.0)]  # each segment's start and its end (after its last word)
    assert [(speaker, text[start:end], begin, end_s)
            for speaker, start, end, begin, end_s in turns] == [
        ("SPEAKER_00", "How did it start?", 0.5, 2.0),
        ("SPEAKER_01", "With six families.", 2.5, 4.0),
        ("SPEAKER_00", "Thank you.", 4.2, 6.0)]
    assert kind == ("whisper-json",)
    check_clean(study)


@pytest.mark.parametrize(("name", "content", "words"), [
    ("package.json", '{"name": "interviews", "version": "1.0.0"}',
     ("not a Whisper transcript", "save other transcripts as .txt")),
    ("list.json", "[1, 2, 3]", ("not a Whisper transcript",)),
    ("cut.json", '{"segments": [{"start": 0.0, "end"', ("not valid JSON", "line 1")),
    ("times.json", '{"segments": [{"start": 0, "end": 1, "text": "a"}, '
                   '{"start": "0:01", "end": 2, "text": "b"}]}',
     ("segment 2's start is not a time in seconds", '"0:01"')),
    ("nan.json", '{"segments": [{"start": NaN, "end": 1, "text": "a"}]}',
     ("not readable JSON", "NaN")),
    ("silent.json", '{"segments": [{"start": 0, "end": 1, "text": "  "}]}',
     ("holds no speech",)),
    ("deep.json", "[" * 100_000, ("not readable JSON",)),
    ("empty.json", "", ("the file is empty",)),
    ("table.tsv", "name\tage\nAna\t41\n", ("not a Whisper TSV transcript", "sheet import")),
    ("rows.tsv", "start\tend\ttext\n0\t1000\tHello.\n1.5s\t2000\tThere.\n",
     ("line 3 is not start<TAB>end<TAB>text",)),
    ("digits.tsv", "start\tend\ttext\n" + "9" * 5000 + "\t1\tHi.\n", ("line 2",)),
    ("none.otr", '{"media": "IP3.mp3"}', ("not an oTranscribe file",)),
    ("hours.srt", "1\n" + "9" * 5000 + ":00:01,000 --> 00:00:02,000\nIP1: hi\n",
     ("no subtitle cues",)),
    ("blank.otr", '{"text": "<p><br></p>", "media": ""}', ("holds no text",)),
])
def test_a_file_not_as_its_tool_writes_it_is_refused_in_one_line(
        tmp_path: Path, name: str, content: str, words: tuple[str, ...]) -> None:
    study = new_project(tmp_path)
    before = dump(study)
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    refused(run("import", study, path), study, before, str(path), *words)
    with pytest.raises(InputError):
        read(path)


HOSTILE = {
    "comments.otr": json.dumps({"text": "<!--" * 1_000_000}),
    "tags.otr": json.dumps({"text": "<a<" * 1_000_000 + ">Marta: hi"}),
    "spans.otr": json.dumps({"text": '<span class="timestamp" data-timestamp="1">'
                             * 200_000 + "IP1: hi"}),
    "segments.json": json.dumps({"segments": [
        {"start": n / 10, "end": n / 10 + 0.1, "text": " word", "speaker": f"S{n % 2}",
         "words": [{"word": "word", "start": n / 10}] * 5} for n in range(30_000)]}),
    "words.json": json.dumps({"segments": [{"start": 0, "end": 1, "text": " a" * 500_000,
                                            "words": [{"word": "zz", "start": 0}] * 300_000}]}),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_tool_output_imports_or_is_refused_in_time(tmp_path: Path, name: str) -> None:
    study = new_project(tmp_path)
    before = dump(study)
    path = tmp_path / name
    path.write_text(HOSTILE[name], encoding="utf-8")
    result = run_process("import", study, path, timeout=60, memory=2**30)
    if result.returncode != 0:
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert dump(study) == before
    check_clean(study)
