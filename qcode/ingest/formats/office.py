"""Word (.docx) and OpenDocument (.odt) transcripts: paragraphs, speakers in bold."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

from qcode.errors import InputError
from qcode.ingest.formats.document import Document, join_paragraphs
from qcode.ingest.text import normalise_newlines
from qcode.ingest.turns import find_turns, turns_from_labels

_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def read_docx(path: Path) -> Document:
    """Paragraphs of a .docx; a bold run opening a paragraph names its speaker."""
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for a broken file
        raise InputError(f"{path}: cannot read this Word file ({exc}); re-save it") from exc
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
    return Document(text, None, turns or find_turns(text))


def read_odt(path: Path) -> Document:
    """Paragraphs and headings of an .odt, with its spaces, tabs and line breaks."""
    try:
        with zipfile.ZipFile(path) as archive:
            root = ElementTree.fromstring(archive.read("content.xml"))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as exc:
        raise InputError(f"{path}: not a readable OpenDocument text ({exc}); re-save it") from exc
    paragraphs = [
        _odf_text(node)
        for node in root.iter()
        if node.tag in (f"{{{_ODF_TEXT}}}p", f"{{{_ODF_TEXT}}}h")
    ]
    text, _ = join_paragraphs(paragraphs)
    return Document(text, None, find_turns(text))


def _odf_text(node: ElementTree.Element) -> str:
    parts = [node.text or ""]
    for child in node:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "s":
            parts.append(" " * int(child.get(f"{{{_ODF_TEXT}}}c", "1")))
        elif tag == "tab":
            parts.append("\t")
        elif tag == "line-break":
            parts.append("\n")
        elif tag not in ("p", "h", "note"):  # nested paragraphs are read on their own
            parts.append(_odf_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
