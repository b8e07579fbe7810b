"""Each encoding and line-ending case a transcript file can arrive in."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qcode.errors import InputError
from qcode.ingest.text import decode_transcript

SPANISH = "Entrevistadora: ¿Cómo empezó?\nSra. Luna: Con un cuarto – y mucha fe.\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SPANISH.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SPANISH.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + SPANISH.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + SPANISH.encode("utf-16-be"), "utf-16"),
        (SPANISH.encode("cp1252"), "cp1252"),
    ],
    ids=["utf-8", "utf-8 BOM", "utf-16 LE BOM", "utf-16 BE BOM", "cp1252"],
)
def test_encodings_decode_to_the_same_text(data: bytes, encoding: str) -> None:
    decoded = decode_transcript(data, "f.txt")
    assert decoded.text == SPANISH
    assert decoded.encoding == encoding
    assert not decoded.text.startswith("\ufeff")


def test_latin1_with_bytes_cp1252_leaves_undefined() -> None:
    # 0x8d is undefined in cp1252 and a C1 control in Latin-1: the file is Latin-1.
    data = "Méndez".encode("latin-1") + b"\x8d"
    decoded = decode_transcript(data, "f.txt")
    assert decoded.encoding == "latin-1"
    assert decoded.text == "Méndez\x8d"


def test_cp1252_typographic_quotes_survive() -> None:
    data = "IP2: “exactly” – she said".encode("cp1252")
    assert decode_transcript(data, "f.txt").text == "IP2: “exactly” – she said"


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"], ids=["CRLF", "CR", "LF"])
def test_line_endings_become_lf(newline: str) -> None:
    data = newline.join(["Q: one", "A: two", "", "Q: three"]).encode("utf-8")
    assert decode_transcript(data, "f.txt").text == "Q: one\nA: two\n\nQ: three"


def test_mixed_line_endings_become_lf() -> None:
    assert decode_transcript(b"a\r\nb\rc\nd", "f.txt").text == "a\nb\nc\nd"


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t"], ids=["empty", "whitespace"])
def test_empty_files_are_refused_naming_the_file(data: bytes) -> None:
    with pytest.raises(InputError, match=r"^interviews/IP3\.txt: .*empty|white space"):
        decode_transcript(data, "interviews/IP3.txt")


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL bytes"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP archive"),
        (b"%PDF-1.7\n%\xe2\xe3", "a PDF"),
        (bytes(range(1, 31)) * 20, "looks binary"),
    ],
    ids=["png", "docx", "pdf", "control characters"],
)
def test_binary_files_are_refused(data: bytes, says: str) -> None:
    with pytest.raises(InputError, match=says):
        decode_transcript(data, "f.txt")


def test_bad_utf16_after_a_bom_is_refused() -> None:
    with pytest.raises(InputError, match="byte-order mark"):
        decode_transcript(codecs.BOM_UTF16_LE + b"\x00\xd8", "f.txt")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1)
       .filter(lambda s: s.strip()))
def test_any_text_round_trips_through_utf8_and_utf16(text: str) -> None:
    for data in (text.encode("utf-8"), codecs.BOM_UTF16_LE + text.encode("utf-16-le")):
        assert decode_transcript(data, "f.txt").text == text
