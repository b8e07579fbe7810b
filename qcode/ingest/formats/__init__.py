"""Transcript file formats: each reader turns a file into the text offsets count in.

A reader returns a `Document`: the text (LF line endings, exactly what is stored),
its speaker turns, for paged formats where each page starts, and the positions whose
time in the recording is known (timestamps in the text, cue and segment starts).
Readers raise InputError with the file's name and what to do.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qcode.ingest.formats.captions import read_srt, read_vtt
from qcode.ingest.formats.document import Document
from qcode.ingest.formats.office import read_docx, read_odt
from qcode.ingest.formats.pdf import read_pdf
from qcode.ingest.formats.plain import read_plain
from qcode.ingest.formats.rtf import read_rtf
from qcode.ingest.formats.transcription_tools import read_otr, read_whisper_json, read_whisper_tsv

READERS: dict[str, tuple[str, Callable[[Path], Document]]] = {
    ".txt": ("txt", read_plain),
    ".md": ("md", read_plain),
    ".docx": ("docx", read_docx),
    ".odt": ("odt", read_odt),
    ".rtf": ("rtf", read_rtf),
    ".pdf": ("pdf", read_pdf),
    ".vtt": ("vtt", read_vtt),
    ".srt": ("srt", read_srt),
    ".json": ("whisper-json", read_whisper_json),
    ".tsv": ("whisper-tsv", read_whisper_tsv),
    ".otr": ("otr", read_otr),
}

__all__ = ["READERS", "Document"]
