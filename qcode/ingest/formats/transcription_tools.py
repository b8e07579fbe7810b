"""What transcription tools write: Whisper's JSON and TSV, oTranscribe's .otr.

Whisper (openai-whisper, faster-whisper front ends, WhisperX) writes JSON as
`{"text": ..., "segments": [{"start": 0.0, "end": 4.2, "text": " Hello.", "words":
[{"word": " Hello.", "start": 0.0, "end": 0.6}]}], "language": "en"}`; WhisperX adds a
"speaker" to each segment and leaves words it could not align without times. Its TSV
is a header `start<TAB>end<TAB>text`, then times in whole milliseconds. Segments
become a transcript as subtitles do (qcode.ingest.formats.segments), with marks at
every segment and word start.

oTranscribe saves `{"text": "<p>...</p>", "media": "interview.mp3", "media-time": ...}`,
the HTML of its editor (qcode.ingest.formats.otr_html).
"""

from __future__ import annotations

import codecs
import json
import math
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from qcode.errors import InputError, reason
from qcode.ingest.formats.document import Document
from qcode.ingest.formats.otr_html import text_and_marks
from qcode.ingest.formats.segments import Segment, segments_document, word_starts
from qcode.ingest.text import decode_transcript
from qcode.ingest.turns import find_turns

# Without speakers, a silence this long (seconds) starts a new paragraph, and so does
# the next segment once a paragraph is this long (characters): Whisper's segments are
# a sentence or two, and a transcript of one 50,000-character paragraph reads badly.
_PAUSE = 2.0
_LONGEST = 1_000
_TSV_HEADER = "start\tend\ttext"
_MILLISECONDS = re.compile(r"[0-9]{1,15}")  # ASCII digits, fewer than int() refuses
# WhisperX names speakers SPEAKER_00; a "name" longer than a line is no speaker's name.
_LONGEST_SPEAKER = 100


def read_whisper_json(path: Path) -> Document:
    data = _json(path, "a Whisper transcript")
    segments = data.get("segments") if isinstance(data, dict) else None
    if not isinstance(segments, list) or not all(
            isinstance(s, dict) and {"start", "end", "text"} <= s.keys() for s in segments):
        raise InputError(
            f"{path}: not a Whisper transcript (a JSON object whose \"segments\" each have "
            "start, end and text); qcode reads .json files only as Whisper's output: save "
            "other transcripts as .txt, .docx or .vtt")
    read = [_segment(path, n, segment) for n, segment in enumerate(segments, start=1)]
    return _document(path, [segment for segment in read if segment is not None])


def read_whisper_tsv(path: Path) -> Document:
    lines = decode_transcript(path.read_bytes(), str(path)).text.split("\n")
    if lines[0].strip() != _TSV_HEADER:
        raise InputError(f"{path}: not a Whisper TSV transcript (its first line must be "
                         "start, end and text apart by tabs); save other tables as .csv "
                         "and import them with `qcode sheet import`")
    segments = []
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.split("\t", 2)
        if len(fields) != 3 or not all(_MILLISECONDS.fullmatch(f.strip()) for f in fields[:2]):
            raise InputError(f"{path}: line {n} is not start<TAB>end<TAB>text with times in "
                             f"milliseconds ({_shown(line)}); export it from Whisper again")
        text = " ".join(fields[2].split())
        if text:
            segments.append(Segment(int(fields[0]) / 1000, int(fields[1]) / 1000, "", text))
    return _document(path, segments)


def read_otr(path: Path) -> Document:
    data = _json(path, "an oTranscribe file")
    markup = data.get("text") if isinstance(data, dict) else None
    if not isinstance(markup, str):
        raise InputError(f"{path}: not an oTranscribe file (JSON holding the transcript's "
                         "HTML under \"text\"); export it from oTranscribe again")
    text, marks = text_and_marks(markup)
    if not text:
        raise InputError(f"{path}: the oTranscribe file holds no text; nothing to import")
    return Document(text, None, find_turns(text), marks=marks)


def _json(path: Path, what: str) -> Any:
    data = path.read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    if not data.strip():
        raise InputError(f"{path}: the file is empty; nothing to import")
    try:
        return json.loads(data, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not {what}: not valid JSON ({exc.msg} at line {exc.lineno}, "
                         f"column {exc.colno}); export it again") from exc
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InputError(f"{path}: not {what}: not readable JSON ({reason(exc, 80)}); "
                         "export it again") from exc


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is no time")


def _segment(path: Path, n: int, segment: dict[str, Any]) -> Segment | None:
    for key in ("start", "end"):
        if _seconds(segment[key]) is None:
            raise InputError(f"{path}: segment {n}'s {key} is not a time in seconds "
                             f"({_shown(segment[key])}); export it from Whisper again")
    if not isinstance(segment["text"], str):
        raise InputError(f"{path}: segment {n}'s text is not text ({_shown(segment['text'])}); "
                         "export it from Whisper again")
    begin, end = float(segment["start"]), float(segment["end"])
    text = " ".join(segment["text"].split())
    if not text:
        return None
    speaker = " ".join(segment["speaker"].split()) if isinstance(segment.get("speaker"), str) \
        else ""
    words = segment.get("words")
    return Segment(begin, end, speaker if len(speaker) <= _LONGEST_SPEAKER else "", text,
                   _word_starts(text, words) if isinstance(words, list) else ())


def _shown(value: Any) -> str:
    shown = json.dumps(value, ensure_ascii=False)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _seconds(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) and value >= 0 else None


def _word_starts(text: str, words: list[Any]) -> list[tuple[int, float]]:
    """Where each timed word starts in the segment's text, in order."""
    return word_starts(text, (
        (word["word"], _seconds(word.get("start"))) for word in words
        if isinstance(word, dict) and isinstance(word.get("word"), str)))


def _document(path: Path, segments: list[Segment]) -> Document:
    if not segments:
        raise InputError(f"{path}: the transcript holds no speech (no segment has text); "
                         "nothing to import")
    document = segments_document(segments, pause=_PAUSE, longest=_LONGEST)
    if not any(segment.speaker for segment in segments):
        document = replace(document, turns=())  # paragraphs, not speakers' turns
    return document
