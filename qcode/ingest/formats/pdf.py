"""PDF transcripts: the text layer, page by page, with where each page starts."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

from qcode.errors import InputError, reason
from qcode.ingest.formats.document import Document
from qcode.ingest.formats.timestamps import with_timestamps
from qcode.ingest.limits import check_text_length
from qcode.ingest.text import normalise_newlines
from qcode.ingest.turns import find_turns

# A transcript page draws a few kilobytes of text; 10,000 pages is a 200-hour transcript.
MAX_PAGES = 10_000
MAX_PAGE_CONTENT = 4 * 2**20


def _page_texts(path: Path, reader: Any) -> list[str]:
    """Each page's text, the limits checked before the work grows: the pages the file
    claims, what each page draws (decoded first, extracted only when plausible), and the
    text gathered so far."""
    claimed = len(reader.pages)
    if claimed > MAX_PAGES:
        raise InputError(f"{path}: the PDF claims {claimed:,} pages, more than the "
                         f"{MAX_PAGES:,} qcode reads; is it a transcript? split it into parts")
    pages: list[str] = []
    total = 0
    for number, page in enumerate(reader.pages, start=1):
        contents = page.get_contents()
        drawn = len(contents.get_data()) if contents is not None else 0
        if drawn > MAX_PAGE_CONTENT:
            raise InputError(f"{path}: page {number} draws {drawn / 2**20:,.0f} MB of "
                             "content, where a page of text draws kilobytes; the file is "
                             "damaged or made to stall readers: print it as PDF again")
        text = normalise_newlines(page.extract_text() or "").strip()
        total += len(text)
        check_text_length(total, str(path))
        pages.append(text)
    return pages


def read_pdf(path: Path) -> Document:
    from pypdf import PdfReader

    # pypdf logs what it repairs ("EOF marker not found") to stderr; the import's own
    # line says what matters, so those are kept quiet while the file is read.
    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(str(path))
            if reader.is_encrypted:
                raise InputError(f"{path}: the PDF is password-protected; save an unlocked copy")
            pages = _page_texts(path, reader)
    except InputError:
        raise
    except Exception as exc:  # a damaged PDF makes pypdf raise almost any kind of error
        raise InputError(f"{path}: cannot read this PDF ({reason(exc)}); open "
                         "it and save or print it as PDF again") from exc
    finally:
        quiet.setLevel(level)
    if not any(pages):
        raise InputError(
            f"{path}: the PDF has no text layer (a scan?); run OCR on it first, "
            "or import a transcript as text"
        )
    # Pages are joined by a blank line; an empty page starts where the next one does.
    text, starts = "", []
    for page in pages:
        if page and text:
            text += "\n\n"
        starts.append(len(text))
        text += page
    return with_timestamps(Document(text, None, find_turns(text), starts))
