"""Turning a transcript file's bytes into the text every offset will refer to."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from qcode.errors import InputError
from qcode.ingest.limits import check_text

# Checked longest first: a UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters a transcript should not hold (tab, newline and form feed are fine).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0d-\x1f]")

_MAGIC = {
    b"PK\x03\x04": "a ZIP archive (a .docx, .odt or .xlsx?)",
    b"%PDF": "a PDF",
    b"{\\rtf": "an RTF document",
    b"\xd0\xcf\x11\xe0": "an old Office document (.doc?)",
}
# Bytes cp1252 leaves undefined; text holding them is Latin-1 (C1 controls) instead.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str


def decode_transcript(data: bytes, where: str) -> DecodedText:
    """Decode `data` (UTF-8 with or without BOM, UTF-16/32 with BOM, cp1252, Latin-1).

    Line endings become LF. Empty and binary content (NUL characters included), a file
    that mixes UTF-8 with another encoding, and text over the size one source may hold
    are refused with an InputError naming `where`; nothing else about the text is changed.
    """
    if not data.strip():
        raise InputError(f"{where}: the file is empty; nothing to import")
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise InputError(
                f"{where}: this is {kind}, not plain text; save it as .txt and import that"
            )
    text, encoding = _decode(data, where)
    check_text(text, where)  # too long, or a NUL (UTF-16 and BOM-led UTF-8 may hold one)
    text = normalise_newlines(text)
    if not text.strip():
        raise InputError(f"{where}: the file holds only white space; nothing to import")
    controls = len(_CONTROLS.findall(text))
    if controls > max(2, len(text) // 100):
        raise InputError(
            f"{where}: the file looks binary ({controls} control characters); "
            "import plain-text transcripts"
        )
    return DecodedText(text, encoding)


def _decode(data: bytes, where: str) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{where}: starts with a {encoding} byte-order mark but is not valid "
                    f"{encoding} (byte {exc.start}); re-save it as UTF-8"
                ) from exc
    if b"\x00" in data:
        raise InputError(
            f"{where}: the file holds NUL bytes and no byte-order mark, so it is binary "
            "or UTF-16 without a BOM; re-save it as UTF-8"
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        _refuse_mixed(data, where)
    if _CP1252_UNDEFINED.isdisjoint(data):
        return data.decode("cp1252"), "cp1252"
    return data.decode("latin-1"), "latin-1"


def _refuse_mixed(data: bytes, where: str) -> None:
    """Refuse text that is not UTF-8 as a whole but has lines that are.

    Such a file was pasted together from two files saved in different encodings;
    read as Windows-1252 its UTF-8 lines would turn into "MÃ©ndez", so it is refused
    with the first line of each kind, for the researcher to fix and save as UTF-8.
    """
    utf8_line = other_line = 0
    for number, line in enumerate(data.splitlines(), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            other_line = other_line or number
        else:
            utf8_line = utf8_line or number
        if utf8_line and other_line:
            raise InputError(
                f"{where}: mixes two encodings (line {utf8_line} is UTF-8, line "
                f"{other_line} is not); fix line {other_line} in an editor and save the "
                "whole file as UTF-8"
            )


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF, so offsets mean the same on every platform."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
