"""Rich Text Format: the text of an .rtf, without its formatting.

RTF is a stream of groups `{...}`, control words `\\word123` and text. Paragraph marks
become new lines, `\\'hh` bytes are decoded with the document's code page, `\\uN`
characters replace the fallback character that follows them, and destination groups
(font tables, styles, pictures, `{\\*\\...}`) carry no text.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from qcode.errors import InputError
from qcode.ingest.formats.document import Document
from qcode.ingest.formats.timestamps import with_timestamps
from qcode.ingest.limits import check_text_length
from qcode.ingest.text import normalise_newlines
from qcode.ingest.turns import find_turns

_TOKEN = re.compile(rb"\\([a-zA-Z]+)(-?\d+)? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])|([^\\{}]+)", re.S)
_SKIP = {b"fonttbl", b"colortbl", b"stylesheet", b"info", b"pict", b"header", b"footer",
         b"footnote", b"listtable", b"listoverridetable", b"rsidtbl", b"generator",
         b"xmlnstbl", b"themedata", b"colorschememapping", b"latentstyles", b"datastore"}
# Apple's code pages, which Python names by the script rather than the number.
_MAC_CODEPAGES = {10000: "mac_roman", 10006: "mac_greek", 10007: "mac_cyrillic",
                  10029: "mac_latin2", 10079: "mac_iceland", 10081: "mac_turkish"}
_BREAKS = {b"par": "\n", b"line": "\n", b"tab": "\t", b"emdash": "\u2014",
           b"endash": "\u2013", b"lquote": "\u2018", b"rquote": "\u2019",
           b"ldblquote": "\u201c", b"rdblquote": "\u201d", b"bullet": "\u2022"}


def read_rtf(path: Path) -> Document:
    data = path.read_bytes()
    if not data.lstrip().startswith(b"{\\rtf"):
        raise InputError(f"{path}: not an RTF document (it does not start with {{\\rtf)")
    try:
        text = normalise_newlines(rtf_to_text(data)).strip("\n")
    except LookupError as exc:
        raise InputError(f"{path}: {exc}, which qcode cannot decode; save the transcript "
                         "as .docx or as UTF-8 .txt") from exc
    if not text.strip():
        raise InputError(f"{path}: the RTF document holds no text")
    return with_timestamps(Document(text, None, find_turns(text)))


def rtf_to_text(data: bytes) -> str:
    """The text of an RTF document.

    Raises:
        LookupError: The document's code page is unknown and it has bytes to decode in it.
    """
    codepage = "cp1252"
    out = _Text()
    stack: list[tuple[bool, int]] = []
    skipping, skip_after_unicode, uc = False, 0, 1
    # One token at a time (finditer, not findall): a 60 MB file of \uN escapes is
    # eighteen million tokens, which as a list took 3 GB.
    for match in _TOKEN.finditer(data):
        word, digits, hexbyte, symbol, brace, plain = match.groups()
        # A control word's number is a 16- or 32-bit value in RTF; a longer one is out of
        # range anyway, and int() would refuse a 5,000-digit one with an unhelpful error.
        arg = int(digits) if digits and len(digits) <= 11 else None
        if brace == b"{":
            stack.append((skipping, uc))
            continue
        if brace == b"}":
            skipping, uc = stack.pop() if stack else (False, 1)
            continue
        if skip_after_unicode and (hexbyte or plain or symbol):
            if plain and len(plain) > skip_after_unicode:
                plain = plain[skip_after_unicode:]
                skip_after_unicode = 0
            else:
                skip_after_unicode -= 1
                continue
        if word:
            if word in _SKIP:
                skipping = True
            elif word == b"ansicpg" and digits:
                codepage = _codepage(arg if arg is not None else -1)
            elif word == b"uc" and arg is not None:
                uc = max(arg, 0)
            elif word == b"u" and digits and not skipping:
                # A signed 16-bit UTF-16 unit: characters past U+FFFF come as two of them.
                unit = arg if arg is not None else -1 << 40
                out.append(chr(unit % 65536) if -32768 <= unit <= 65535 else "\ufffd")
                skip_after_unicode = uc
            elif word in _BREAKS and not skipping:
                out.append(_BREAKS[word])
        elif symbol == b"*":
            skipping = True
        elif skipping:
            continue
        elif hexbyte:
            out.append(_decode(bytes([int(hexbyte, 16)]), codepage))
        elif symbol:
            special = {b"~": "\u00a0", b"-": "", b"_": "\u2011"}.get(symbol)
            out.append(_decode(symbol, codepage) if special is None else special)
        elif plain:
            out.append(_decode(plain.replace(b"\r", b"").replace(b"\n", b""), codepage))
    # Surrogate pairs of \\uN become one character; a half pair left alone cannot be
    # stored, so it becomes U+FFFD.
    return out.text().encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


class _Text:
    """The text gathered so far, joined a few thousand pieces at a time (millions of
    one-character strings cost fifty times the text), and refused once it is longer
    than a source may be, before the rest is read."""

    def __init__(self) -> None:
        self._pieces: list[str] = []
        self._joined: list[str] = []
        self._length = 0

    def append(self, piece: str) -> None:
        self._pieces.append(piece)
        if len(self._pieces) >= 4096:
            self._flush()

    def _flush(self) -> None:
        joined = "".join(self._pieces)
        self._pieces = []
        self._length += len(joined)
        check_text_length(self._length, "the RTF document")
        self._joined.append(joined)

    def text(self) -> str:
        self._flush()
        return "".join(self._joined)


def _codepage(number: int) -> str:
    """The codec of an RTF \\ansicpgN; the name is checked only when bytes need it."""
    return _MAC_CODEPAGES.get(number, f"cp{number}")


def _decode(data: bytes, codepage: str) -> str:
    if data.isascii():  # RTF is 7-bit: most text needs no code page at all
        return data.decode("ascii")
    try:
        codecs.lookup(codepage)
    except LookupError:
        raise LookupError(f"the RTF uses code page {codepage.removeprefix('cp')}") from None
    return data.decode(codepage, "replace")
