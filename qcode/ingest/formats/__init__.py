"""Transcript file formats: each reader turns a file into the text offsets count in.

A reader returns a `Document`: the text (LF line endings, exactly what is stored),
its speaker turns and, for paged formats, where each page starts. Readers raise
InputError with the file's name and what to do.
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

READERS: dict[str, tuple[str, Callable[[Path], Document]]] = {
    ".txt": ("txt", read_plain),
    ".md": ("md", read_plain),
    ".docx": ("docx", read_docx),
    ".odt": ("odt", read_odt),
    ".rtf": ("rtf", read_rtf),
    ".pdf": ("pdf", read_pdf),
    ".vtt": ("vtt", read_vtt),
    ".srt": ("srt", read_srt),
}

__all__ = ["READERS", "Document"]
