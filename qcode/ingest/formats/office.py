"""Word (.docx) and OpenDocument (.odt) transcripts: paragraphs, speakers in bold,
timestamps in the text as marks (qcode.ingest.formats.timestamps).

Both are zip archives of XML: the archive is checked for zip bombs first (see
qcode.ingest.limits), and the XML is parsed with DTDs forbidden (python-docx does not
expand entities; content.xml goes through defusedxml), so entity expansion and
external entities never run and never read a file from the disk.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

import defusedxml.ElementTree as SafeTree
from defusedxml import DefusedXmlException

from qcode.errors import InputError, reason
from qcode.ingest.formats.document import Document, join_paragraphs
from qcode.ingest.formats.timestamps import with_timestamps
from qcode.ingest.limits import ZIP_ERRORS, check_archive, refuse_locked
from qcode.ingest.text import normalise_newlines
from qcode.ingest.turns import find_turns, turns_from_labels

_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
# <text:s text:c="N"/> is N spaces; a word processor writes a few, not a gigabyte.
_MAX_SPACES = 10_000


def read_docx(path: Path) -> Document:
    """Paragraphs of a .docx; a bold run opening a paragraph names its speaker."""
    import docx

    refuse_locked(path, "a Word document (.docx)")
    if not zipfile.is_zipfile(path):  # python-docx would say "Package not found"
        raise InputError(f"{path}: cannot read this Word file (it is damaged, cut off, or "
                         "not a .docx); open it in Word or LibreOffice and save it again")
    check_archive(path, "a Word document (.docx)")
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for a broken file
        raise InputError(f"{path}: cannot read this Word file ({reason(exc)}); re-save it") from exc
    paragraphs, labels = [], []
    for paragraph in document.paragraphs:
        text = normalise_newlines(paragraph.text)
        bold = ""
        for run in paragraph.runs:
            if not run.bold or not run.text.strip() and not bold:
                break
            bold += run.text
        labels.append(bold if bold.strip() and len(bold) < len(text) else "")
        paragraphs.append(text)
    text, starts = join_paragraphs(paragraphs)
    kept = [label for label, p in zip(labels, paragraphs, strict=True) if p.strip()]
    turns = turns_from_labels(text, list(zip(starts, kept, strict=True)))
    return with_timestamps(Document(text, None, turns or find_turns(text)))


def read_odt(path: Path) -> Document:
    """Paragraphs and headings of an .odt, with its spaces, tabs and line breaks."""
    if zipfile.is_zipfile(path):  # else the zip error below says what is wrong
        check_archive(path, "an OpenDocument text (.odt)")
    try:
        with zipfile.ZipFile(path) as archive:
            root = SafeTree.fromstring(archive.read("content.xml"), forbid_dtd=True)
    except DefusedXmlException as exc:
        raise InputError(f"{path}: its content.xml declares a DTD ({type(exc).__name__}), "
                         "which no word processor writes; nothing was read") from exc
    except (*ZIP_ERRORS, KeyError, ElementTree.ParseError) as exc:
        raise InputError(f"{path}: not a readable OpenDocument text ({reason(exc)}); "
                         "re-save it") from exc
    try:
        paragraphs = [
            normalise_newlines(_odf_text(node))  # a &#13; in the XML is a CR all the same
            for node in root.iter()
            if node.tag in (f"{{{_ODF_TEXT}}}p", f"{{{_ODF_TEXT}}}h")
        ]
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{path}: the document is damaged ({reason(exc)}); open it and save it "
                         "again") from exc
    text, _ = join_paragraphs(paragraphs)
    return with_timestamps(Document(text, None, find_turns(text)))


def _odf_text(node: ElementTree.Element) -> str:
    parts = [node.text or ""]
    for child in node:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "s":
            count = int(child.get(f"{{{_ODF_TEXT}}}c", "1"))  # junk raises ValueError
            if not 0 <= count <= _MAX_SPACES:
                raise ValueError(f"a run of {count} spaces")
            parts.append(" " * count)
        elif tag == "tab":
            parts.append("\t")
        elif tag == "line-break":
            parts.append("\n")
        elif tag not in ("p", "h", "note"):  # nested paragraphs are read on their own
            parts.append(_odf_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
