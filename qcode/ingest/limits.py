"""What qcode refuses to read, before reading it: files too large to be a transcript,
and office files (.docx, .odt, .xlsx) that unpack to far more than they hold.

The caps are far above any real study: an hour of interview is about 50,000
characters, so one source of 10 million characters is some 200 hours of talk, and a
100 MB transcript file is mostly pictures. Above them a file is a mistake (a
recording or a database dump picked by accident) or made to hurt, and reading it
would stall the import and the workbench for minutes. Each refusal is one
InputError that names the file and says what to do; docs/guide.md lists the caps.
"""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from qcode.errors import InputError, reason

MAX_FILE_BYTES = 100 * 2**20  # any transcript, coding sheet or participants file
MAX_TEXT_CHARS = 10_000_000  # the text of one source
# Office files are zip archives. Their parts together may unpack to this much,
MAX_UNPACKED_BYTES = 512 * 2**20
# and no part over 16 MB may be compressed more than this: XML and text compress 5 to
# 20 times, pictures hardly at all, a zip bomb's padding a thousand times. (Smaller
# parts are let be: a blank uncompressed picture may well shrink 500 times.)
MAX_RATIO = 200
_RATIO_FLOOR = 16 * 2**20
# What zipfile raises for a damaged archive, besides BadZipFile: a central directory
# seeking past the end (OSError), a made-up version (NotImplementedError), an entry
# that is encrypted (RuntimeError) or whose data is cut or garbled (EOFError, zlib.error),
# a part's header cut short ("unpack requires a buffer of 30 bytes": struct.error).
ZIP_ERRORS = (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error,
              NotImplementedError, RuntimeError, struct.error)


# Rows of one sheet or CSV table (coding sheets, participants): the study coded 950.
MAX_ROWS = 100_000

# A researcher with a bigger file than the caps allow raises a cap for one run by
# setting its variable (e.g. QCODE_MAX_ROWS=500000 qcode sheet import ...).
ROWS_VARIABLE = "QCODE_MAX_ROWS"
FILE_VARIABLE = "QCODE_MAX_FILE_MB"
TEXT_VARIABLE = "QCODE_MAX_TEXT_CHARS"


def _raised(variable: str, default: int) -> int:
    """`default`, or the positive whole number the researcher set in `variable`."""
    given = os.environ.get(variable, "").strip().replace("_", "").replace(",", "")
    return int(given) if given.isdigit() and int(given) > 0 else default


def max_rows() -> int:
    return _raised(ROWS_VARIABLE, MAX_ROWS)


def max_file_bytes() -> int:
    return _raised(FILE_VARIABLE, MAX_FILE_BYTES // 2**20) * 2**20


def max_text_chars() -> int:
    return _raised(TEXT_VARIABLE, MAX_TEXT_CHARS)


def _to_raise(variable: str, limit: int) -> str:
    return f"or set {variable} to allow more (e.g. {variable}={limit * 5})"


def check_rows(count: int, where: str) -> None:
    """Refuse a table as its rows are read, once there are more than `max_rows()`."""
    limit = max_rows()
    if count > limit:
        raise InputError(f"{where}: more than {limit:,} rows; is it the right file? split "
                         f"it, {_to_raise(ROWS_VARIABLE, limit)}")


def check_file_size(path: Path, what: str = "file") -> None:
    """Refuse `path` when it is larger than `max_file_bytes()`, without reading it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path}: cannot read the {what} ({exc.strerror})") from exc
    limit = max_file_bytes() // 2**20
    if size > limit * 2**20:
        raise InputError(
            f"{path}: the {what} is {size / 2**20:,.0f} MB, more than the "
            f"{limit} MB qcode reads; is it the right file? split a very long text into "
            f"parts, {_to_raise(FILE_VARIABLE, limit)}"
        )


def check_text_length(length: int, where: str) -> None:
    """Refuse a text of `length` characters when it is more than one source may hold."""
    limit = max_text_chars()
    if length > limit:
        raise InputError(
            f"{where}: {length:,} characters of text, more than the {limit:,} "
            f"qcode holds in one source; split it into parts, {_to_raise(TEXT_VARIABLE, limit)}"
        )


def check_text(text: str, where: str) -> None:
    """Refuse a source's text that is too long or holds a NUL character.

    A NUL is never part of a transcript (it comes from a damaged or binary file), and
    PostgreSQL cannot store it, so a project would take it on one store and not the other.
    """
    check_text_length(len(text), where)
    nul = text.find("\0")
    if nul >= 0:
        raise InputError(f"{where}: the text holds a NUL character (at character {nul}), "
                         "so the file is damaged or binary; save the transcript again")


def check_archive(path: Path, what: str) -> None:
    """Refuse an office file (a zip archive) that is broken or would unpack to too much.

    `what` names the kind with its article ("a Word document") for the message.

    The readers (python-docx, openpyxl) load parts into memory, so the sizes the
    archive declares are checked first, and then each part is inflated a megabyte at a
    time to see that it holds no more than it declares: zipfile stops at a declared
    size, but only after inflating a part's whole stream at once.
    """
    refuse_locked(path, what)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
        _check_declared(path, what, infos)
        with path.open("rb") as handle:
            for info in infos:
                _check_inflated(path, handle, info)
    except ZIP_ERRORS as exc:
        raise InputError(
            f"{path}: this is not {what}, or it is damaged ({reason(exc)}); "
            "open it and save it again"
        ) from exc


def _check_declared(path: Path, what: str, infos: list[zipfile.ZipInfo]) -> None:
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR and ratio > MAX_RATIO:
            raise InputError(
                f"{path}: part {info.filename!r} unpacks to {info.file_size / 2**20:,.0f} MB, "
                f"{ratio} times its packed size (a zip bomb?); nothing was read: no program "
                f"saves {what} like that"
            )
        if total > MAX_UNPACKED_BYTES:
            raise InputError(
                f"{path}: unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB (a zip bomb?); "
                f"nothing was read: is it {what}?"
            )


_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature ... name length, extra length
_STEP = 2**20


def _check_inflated(path: Path, handle: BinaryIO, info: zipfile.ZipInfo) -> None:
    """Inflate one deflated part in steps, refusing it once it passes its declared size."""
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return  # stored parts are as long as they are; zipfile refuses other methods
    handle.seek(info.header_offset)
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(
        handle.read(_LOCAL_HEADER.size))
    if signature != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"part {info.filename!r} has no header where it should")
    handle.seek(name_length + extra_length, os.SEEK_CUR)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    left, produced = info.compress_size, 0
    while left > 0 and not inflater.eof:
        packed = handle.read(min(left, _STEP))
        if not packed:
            break
        left -= len(packed)
        while packed and not inflater.eof:
            produced += len(inflater.decompress(packed, _STEP))
            packed = inflater.unconsumed_tail
            if produced > info.file_size:
                raise InputError(
                    f"{path}: part {info.filename!r} unpacks to more than the "
                    f"{info.file_size:,} bytes its header says (a zip bomb?); nothing "
                    "was read: open it and save it again")


# Office saves a password-protected .docx/.xlsx not as a zip but as an OLE compound
# file holding the encrypted package; Office 97-2003 files (.doc, .xls) are OLE too.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def refuse_locked(path: Path, what: str) -> None:
    """Say so plainly when an office file is password-protected or of Office 97-2003."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            if head != _OLE_MAGIC:
                return
            # The stream names sit in the directory near the start or end: look through
            # the file a megabyte at a time, keeping an overlap for a name cut in two.
            carry = b""
            while chunk := handle.read(2**20):
                if _ENCRYPTED_PACKAGE in carry + chunk:
                    raise InputError(
                        f"{path}: {what} that is password-protected; open it, remove the "
                        "password (or save an unprotected copy) and import that")
                carry = chunk[-len(_ENCRYPTED_PACKAGE):]
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror})") from exc
    raise InputError(f"{path}: an Office 97-2003 file (.doc or .xls), not {what}; open it "
                     "and save it in the newer format (.docx or .xlsx)")
