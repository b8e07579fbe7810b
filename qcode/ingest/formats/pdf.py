"""PDF transcripts: the text layer, page by page, with where each page starts."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

from qcode.errors import InputError, reason
from qcode.ingest.formats.document import Document
from qcode.ingest.text import normalise_newlines
from qcode.ingest.turns import find_turns


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
            pages = [normalise_newlines(page.extract_text() or "").strip()
                     for page in reader.pages]
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
    return Document(text, None, find_turns(text), starts)
