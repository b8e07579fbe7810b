"""Plain text and Markdown transcripts, with the timestamps written in them as marks."""

from __future__ import annotations

from pathlib import Path

from qcode.ingest.formats.document import Document
from qcode.ingest.formats.timestamps import with_timestamps
from qcode.ingest.text import decode_transcript
from qcode.ingest.turns import find_turns


def read_plain(path: Path) -> Document:
    decoded = decode_transcript(path.read_bytes(), str(path))
    return with_timestamps(Document(decoded.text, decoded.encoding, find_turns(decoded.text)))
