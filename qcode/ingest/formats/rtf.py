"""Rich Text Format: the text of an .rtf, without its formatting.

RTF is a stream of groups `{...}`, control words `\\word123` and text. Paragraph marks
become new lines, `\\'hh` bytes are decoded with the document's code page, `\\uN`
characters replace the fallback character that follows them, and destination groups
(font tables, styles, pictures, `{\\*\\...}`) carry no text.
"""

from __future__ import annotations

import re
from pathlib import Path

from qcode.errors import InputError
from qcode.ingest.formats.document import Document
from qcode.ingest.text import normalise_newlines
from qcode.ingest.turns import find_turns

_TOKEN = re.compile(rb"\\([a-zA-Z]+)(-?\d+)? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])|([^\\{}]+)", re.S)
_SKIP = {b"fonttbl", b"colortbl", b"stylesheet", b"info", b"pict", b"header", b"footer",
         b"footnote", b"listtable", b"listoverridetable", b"rsidtbl", b"generator",
         b"xmlnstbl", b"themedata", b"colorschememapping", b"latentstyles", b"datastore"}
_BREAKS = {b"par": "\n", b"line": "\n", b"tab": "\t", b"emdash": "\u2014",
           b"endash": "\u2013", b"lquote": "\u2018", b"rquote": "\u2019",
           b"ldblquote": "\u201c", b"rdblquote": "\u201d", b"bullet": "\u2022"}


def read_rtf(path: Path) -> Document:
    data = path.read_bytes()
    if not data.lstrip().startswith(b"{\\rtf"):
        raise InputError(f"{path}: not an RTF document (it does not start with {{\\rtf)")
    text = normalise_newlines(rtf_to_text(data)).strip("\n")
    if not text.strip():
        raise InputError(f"{path}: the RTF document holds no text")
    return Document(text, None, find_turns(text))


def rtf_to_text(data: bytes) -> str:
    codepage = "cp1252"
    out: list[str] = []
    stack: list[tuple[bool, int]] = []
    skipping, skip_after_unicode, uc = False, 0, 1
    for word, arg, hexbyte, symbol, brace, plain in _TOKEN.findall(data):
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
            elif word == b"ansicpg" and arg:
                codepage = f"cp{int(arg)}"
            elif word == b"uc" and arg:
                uc = int(arg)
            elif word == b"u" and arg and not skipping:
                out.append(chr(int(arg) % 65536))
                skip_after_unicode = uc
            elif word in _BREAKS and not skipping:
                out.append(_BREAKS[word])
        elif symbol == b"*":
            skipping = True
        elif skipping:
            continue
        elif hexbyte:
            out.append(bytes([int(hexbyte, 16)]).decode(codepage, errors="replace"))
        elif symbol:
            out.append({b"~": "\u00a0", b"-": "", b"_": "\u2011"}.get(symbol, symbol.decode()))
        elif plain:
            out.append(plain.replace(b"\r", b"").replace(b"\n", b"").decode(codepage, "replace"))
    return "".join(out)
