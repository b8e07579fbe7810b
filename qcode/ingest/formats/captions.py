"""Subtitles from transcription tools: WebVTT (.vtt) and SubRip (.srt).

Each cue has a time span and text. The speaker comes from a voice tag `<v Name>` or a
"Name:" prefix; consecutive cues of one speaker become one turn, kept with the time
from the first cue's start to the last cue's end, and each cue's start is a mark. The
stored text reads like a transcript: one paragraph per turn, opened by the speaker's
name (qcode.ingest.formats.segments).
"""

from __future__ import annotations

import re
from pathlib import Path

from qcode.errors import InputError
from qcode.ingest.formats.document import Document
from qcode.ingest.formats.segments import Segment, segments_document
from qcode.ingest.text import decode_transcript

# Hours up to twelve digits (a billion hours is odd but readable); more would not even
# convert to a number (Python refuses integers of over 4,300 digits from text).
_TIME = r"(?:(\d{1,12}):)?(\d{1,2}):(\d{2})[.,](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")
_LONGEST_NAME = 100
_PREFIX = re.compile(r"^([^\W\d_][^:\n]{0,40}?):\s+")


def read_vtt(path: Path) -> Document:
    text = decode_transcript(path.read_bytes(), str(path)).text
    if not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise InputError(f"{path}: a WebVTT file must start with WEBVTT")
    return _document(path, _cues(text))


def read_srt(path: Path) -> Document:
    return _document(path, _cues(decode_transcript(path.read_bytes(), str(path)).text))


def _seconds(hours: str, minutes: str, seconds: str, millis: str) -> float:
    whole = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    return whole + int(millis.ljust(3, "0")) / 1000


def _cues(text: str) -> list[Segment]:
    cues = []
    for block in re.split(r"\n\s*\n", text):
        lines = block.strip("\n").split("\n")
        timing = next((i for i, line in enumerate(lines) if _TIMING.match(line)), None)
        if timing is None:
            continue  # header, NOTE, STYLE or a cue number on its own
        match = _TIMING.match(lines[timing])
        assert match is not None
        begin, end = _seconds(*match.groups()[:4]), _seconds(*match.groups()[4:])
        body = " ".join(line.strip() for line in lines[timing + 1:] if line.strip())
        body, speaker = _untagged(body)
        body = " ".join(body.split())
        prefix = _PREFIX.match(body)
        if not speaker and prefix:
            speaker, body = prefix.group(1).strip(), body[prefix.end():]
        if body:
            cues.append(Segment(begin, end, speaker, body))
    return cues


def _untagged(body: str) -> tuple[str, str]:
    """A cue's text without its tags (<i>, <c.loud>, <v Name>), and the first voice's name.

    One pass with str.find, not a regular expression: a tag that never closes, or a
    million of them, costs time in proportion to the text (a pattern such as
    `<[^>]+>` would try the rest of the text again from every "<").
    """
    kept: list[str] = []
    speaker = ""
    at = 0
    while (opening := body.find("<", at)) != -1:
        closing = body.find(">", opening + 1)
        if closing == -1:
            break  # an unclosed "<" is text
        kept.append(body[at:opening])
        tag = body[opening + 1:closing]
        if not speaker and tag[:1] == "v" and (tag[1:2].isspace() or tag[1:2] == "."):
            _, _, name = tag.partition(" ") if " " in tag else tag.partition("\t")
            # A "name" longer than a line of text is not a speaker's name.
            speaker = name.strip() if len(name) <= _LONGEST_NAME else ""
        at = closing + 1
    kept.append(body[at:])
    return "".join(kept), speaker


def _document(path: Path, cues: list[Segment]) -> Document:
    if not cues:
        raise InputError(f"{path}: no subtitle cues with a time (00:00:01.000 --> ...) found")
    return segments_document(cues)
