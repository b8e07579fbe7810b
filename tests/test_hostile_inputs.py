"""Hostile and broken input through the real `qcode` commands (issue 9, bad input).

Each file is written at test time by tests/hostile/make.py. Every one ends in a
correct import whose content is asserted, or in exit code 1 with one line on stderr
naming the file, no traceback, and the project's SQL dump unchanged.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hostile import make
from hostile.check import (
    check_clean,
    codings,
    dump,
    new_project,
    one_line_refusal,
    refused,
    run,
    run_process,
    sources,
    succeeded,
)
from openpyxl import load_workbook

from qcode.ingest import limits, xlsxfile

BASELINE = "IP1: the rent was high. Then it fell.\n"


@pytest.fixture
def study(tmp_path: Path) -> Iterator[Path]:
    """A project with one transcript in it, so "unchanged" has something to keep.

    Whatever the test fed it, `qcode check` must find it sound afterwards.
    """
    path = new_project(tmp_path)
    transcript = tmp_path / "IP1.txt"
    transcript.write_text(BASELINE, encoding="utf-8")
    succeeded(run("import", path, transcript))
    yield path
    check_clean(path)


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file an external entity would try to read into the project."""
    path = tmp_path / "secret.txt"
    path.write_text("TOPSECRET-do-not-import", encoding="utf-8")
    return path


# --- transcripts: refused in one line, the project as it was ----------------------------

Maker = Callable[[Path], Path]

REFUSED_TRANSCRIPTS: dict[str, tuple[Maker, tuple[str, ...]]] = {
    "truncated docx": (lambda d: make.truncated(make.good_docx(d, ["IP1: hi"], "t.docx")),
                       ("cannot read this Word file", "cut off", "save it again")),
    "corrupt docx": (make.corrupt_docx, ("cannot read this Word file", "re-save")),
    "not a zip docx": (lambda d: make.not_a_zip(d, "fake.docx"),
                       ("cannot read this Word file",)),
    "docx zip bomb": (make.docx_zip_bomb, ("zip bomb", "nothing was read")),
    "docx billion laughs": (make.docx_billion_laughs, ("cannot read this Word file",)),
    "odt billion laughs": (make.odt_billion_laughs, ("DTD", "nothing was read")),
    "odt zip bomb": (make.odt_zip_bomb, ("zip bomb",)),
    "truncated odt": (lambda d: make.truncated(make.odt(d, "t.odt", "<text:p>IP1</text:p>")),
                      ("not a readable OpenDocument text", "re-save it")),
    "odt gigabyte of spaces": (lambda d: make.odt(d, "spaces.odt",
                                                  '<text:p>a<text:s text:c="999999999"/></text:p>'),
                               ("damaged", "999999999 spaces")),
    "truncated pdf": (lambda d: make.truncated(make.good_pdf(d, ["IP1: hello"])),
                      ("cannot read this PDF", "save or print it as PDF again")),
    "corrupt pdf": (make.corrupt_pdf, ("cannot read this PDF",)),
    "file of NUL bytes": (make.nul_bytes, ("NUL bytes", "re-save it as UTF-8")),
    "mixed encodings": (make.mixed_encodings, ("mixes two encodings", "line 1 is UTF-8",
                                               "line 2 is not")),
    "RTF in an unknown code page": (
        lambda d: make.rtf(d, "cp.rtf", make.RTF_CASES["unknown_codepage.rtf"]),
        ("code page 99999", "save the transcript as .docx")),
    "RTF with a NUL byte": (lambda d: make.rtf(d, "nul.rtf", b"{\\rtf1 IP1: a\\'00b\\par}"),
                            ("NUL character",)),
    "subtitles without a cue": (lambda d: make.captions(d, "x.srt", make.CAPTION_CASES[
        "no_cues.srt"]), ("no subtitle cues",)),
    "subtitles of empty tags": (lambda d: make.captions(d, "x.vtt", make.CAPTION_CASES[
        "tags_only.vtt"]), ("no subtitle cues",)),
    "a PDF named .txt": (lambda d: make.csv_file(d, "pdf.txt", "%PDF-1.4 not text"),
                         ("this is a PDF", "save it as .txt")),
    "an old .doc": (lambda d: make.csv_file(d, "old.doc", "x"), ("cannot be imported",)),
}


@pytest.mark.parametrize("case", REFUSED_TRANSCRIPTS)
def test_broken_transcripts_are_refused_in_one_line(study: Path, tmp_path: Path,
                                                   case: str) -> None:
    maker, words = REFUSED_TRANSCRIPTS[case]
    path = maker(tmp_path)
    before = dump(study)
    result = run("import", study, path)
    line = refused(result, study, before, str(path), *words)
    assert line.startswith("0 imported, 0 skipped as duplicates, 1 refused: ")
    assert json.loads(run("import", study, path, "--json").stdout)[0]["status"] == "refused"


def test_an_external_entity_never_reads_the_disk(study: Path, tmp_path: Path,
                                                 secret: Path) -> None:
    odt = make.odt_external_entity(tmp_path, secret)
    before = dump(study)
    refused(run("import", study, odt), study, before, str(odt), "DTD")
    # python-docx leaves entities unexpanded: the .docx imports without the file.
    succeeded(run("import", study, make.docx_external_entity(tmp_path, secret)))
    text = sources(study)["xxe"]
    assert text.startswith("IP1:") and "TOPSECRET" not in text
    assert "TOPSECRET" not in dump(study)


def test_zip_entries_climbing_out_are_never_unpacked(study: Path, tmp_path: Path) -> None:
    docx, expected = make.docx_traversal(tmp_path)
    succeeded(run("import", study, docx))
    assert sources(study)["traversal"] == expected
    assert not (tmp_path.parent.parent / "escaped_by_docx.txt").exists()
    assert not Path("/tmp/absolute_by_docx.txt").exists()


# --- transcripts that look odd but are fine: imported exactly ---------------------------

ODD_BUT_FINE: dict[str, tuple[Maker, str]] = {
    "RTF with unbalanced braces": (
        lambda d: make.rtf(d, "unbalanced.rtf", make.RTF_CASES["unbalanced.rtf"]),
        " IP1: after the braces  still text"),  # the space after the braces is text
    "RTF with out-of-range \\u": (
        lambda d: make.rtf(d, "huge_unicode.rtf", make.RTF_CASES["huge_unicode.rtf"]),
        "IP1: \ufffd and \ufffd ok"),
    "RTF emoji as a surrogate pair": (
        lambda d: make.rtf(d, "emoji.rtf", b"{\\rtf1 IP1: \\u-10179?\\u-8704? smile\\par}"),
        "IP1: \U0001F600 smile"),
    "RTF with a half surrogate": (
        lambda d: make.rtf(d, "half.rtf", b"{\\rtf1 IP1: \\u-10179? alone\\par}"),
        "IP1: \ufffd alone"),
    "RTF with a 6,000-digit number": (  # past int()'s limit on digits
        lambda d: make.rtf(d, "digits.rtf", b"{\\rtf1 IP1: \\u" + b"9" * 6000 + b"? ok\\par}"),
        "IP1: \ufffd ok"),
    "RTF nested 50,000 deep": (
        lambda d: make.rtf(d, "deep_nesting.rtf", make.RTF_CASES["deep_nesting.rtf"]),
        "IP1: deep"),
    "RTF cut inside a hex byte": (
        lambda d: make.rtf(d, "cut_hex.rtf", make.RTF_CASES["cut_hex.rtf"]),
        "IP1: half a byte 'e"),
    "RTF from a Mac": (
        lambda d: make.rtf(d, "mac.rtf", b"{\\rtf1\\mac\\ansicpg10000 IP1: caf\\'8e\\par}"),
        "IP1: caf\u00e9"),
    "WebVTT with impossible times": (
        lambda d: make.captions(d, "bad_times.vtt", make.CAPTION_CASES["bad_times.vtt"]),
        "IP1: time runs backwards"),
    "SRT a billion hours long": (
        lambda d: make.captions(d, "huge_hours.srt", make.CAPTION_CASES["huge_hours.srt"]),
        "IP1: far future"),
}


@pytest.mark.parametrize("case", ODD_BUT_FINE)
def test_odd_but_readable_transcripts_import_exactly(study: Path, tmp_path: Path,
                                                    case: str) -> None:
    maker, expected = ODD_BUT_FINE[case]
    path = maker(tmp_path)
    succeeded(run("import", study, path))
    assert sources(study)[path.stem] == expected


def test_a_10000_character_line_imports_and_codes_exactly(study: Path, tmp_path: Path) -> None:
    path, text = make.long_line(tmp_path)
    succeeded(run("import", study, path))
    assert sources(study)["long_line"] == text
    succeeded(run("code", study, "long_line", 9_900, 10_000, "Rent"))
    assert [r["text"] for r in codings(study)] == [text[9_900:]]


def test_a_200_mb_transcript_is_refused_before_it_is_read(study: Path, tmp_path: Path) -> None:
    huge = make.huge_text(tmp_path)
    before = dump(study)
    started = time.monotonic()
    result = run_process("import", study, huge, timeout=60)
    elapsed = time.monotonic() - started
    line = one_line_refusal(result.stderr, result.returncode, str(huge),
                            "200 MB", f"{limits.MAX_FILE_BYTES // 2**20} MB qcode reads")
    assert "split" in line and dump(study) == before
    assert elapsed < 30  # the cap is checked on the file's size: nothing is read


def test_a_source_of_more_than_ten_million_characters_is_refused(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cap is the researcher's to change for a run: QCODE_MAX_TEXT_CHARS (here set
    low, so that the files stay small)."""
    monkeypatch.setenv("QCODE_MAX_TEXT_CHARS", "1000")
    earlier = len(sources(study))
    paths = (make.long_line(tmp_path)[0],
             make.good_docx(tmp_path, ["IP1: " + "words " * 300], "long.docx"))
    for path in paths:
        before = dump(study)
        refused(run("import", study, path), study, before, str(path),
                "more than the 1,000", "split it into parts", "QCODE_MAX_TEXT_CHARS=5000")
    monkeypatch.setenv("QCODE_MAX_TEXT_CHARS", "20000")
    succeeded(run("import", study, *paths))
    assert len(sources(study)) == earlier + 2


def test_qcode_max_file_mb_sets_the_largest_file_read(study: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "IP1.txt"
    path.write_text("IP1: " + "the rent was high. " * 120_000 + "\n", encoding="utf-8")
    monkeypatch.setenv("QCODE_MAX_FILE_MB", "1")
    before = dump(study)
    refused(run("import", study, path), study, before, str(path), "2 MB",
            "more than the 1 MB", "QCODE_MAX_FILE_MB=5")
    monkeypatch.setenv("QCODE_MAX_FILE_MB", "3")
    succeeded(run("import", study, path))


def test_hang_prone_files_in_one_batch_end_in_time(study: Path, tmp_path: Path) -> None:
    """A page tree that loops, a stream inflating past 75 MB and RTF nested 50,000 deep
    go in with a good file in a child process that may not hang: each file is its own
    transaction, the good one is imported, the others refused with a reason."""
    good = tmp_path / "IP2.txt"
    good.write_text("IP2: the subsidy covered the foundations.\n", encoding="utf-8")
    files = [make.pdf_cyclic_pages(tmp_path), make.pdf_flate_bomb(tmp_path),
             make.rtf(tmp_path, "deep.rtf", make.RTF_CASES["deep_nesting.rtf"]), good]
    result = run_process("import", study, *files, "--json", timeout=60)
    rows = {Path(r["file"]).name: r for r in json.loads(result.stdout)}
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == ("2 imported, 0 skipped as duplicates, 2 refused "
                                     "(the detail column says why)")
    assert rows["cyclic.pdf"]["status"] == "refused"
    assert "cyclic" in rows["cyclic.pdf"]["detail"]
    assert rows["flate_bomb.pdf"]["status"] == "refused"
    assert rows["deep.rtf"]["status"] == rows["IP2.txt"]["status"] == "imported"
    assert sources(study)["IP2"] == "IP2: the subsidy covered the foundations.\n"


# --- right-to-left, emoji, combining marks, CRLF and CR: offsets stay exact ---------------


def test_offsets_count_code_points_through_code_sheet_and_export(tmp_path: Path) -> None:
    study = new_project(tmp_path)
    stored: dict[str, str] = {}
    for newline in ("\r\n", "\r", "\n"):
        path, text = make.unicode_transcript(tmp_path, newline)
        succeeded(run("import", study, path))
        stored[path.stem] = text
    assert {k: v for k, v in sources(study).items() if k in stored} == stored
    expected = set()
    for name, text in stored.items():
        for n, quote in enumerate(make.UNICODE_QUOTES):
            start = text.index(quote)
            succeeded(run("code", study, name, start, start + len(quote), f"Quote {n}"))
            expected.add((name, start, start + len(quote), quote))
    assert {(r["source"], r["start"], r["end"], r["text"]) for r in codings(study)} == expected
    for name, start, end, quote in expected:
        assert stored[name][start:end] == quote

    # The same quotes typed into a coding sheet (line ends as Excel keeps them) anchor
    # on exactly the same spans in another project.
    other = new_project(tmp_path, "other.qcode")
    for name in stored:
        succeeded(run("import", other, tmp_path / f"{name}.txt"))
    rows = [["quote", "code", "source"]] + [
        [quote.replace("\n", "\r\n"), f"Quote {n}", name]
        for name in stored for n, quote in enumerate(make.UNICODE_QUOTES)]
    succeeded(run("sheet", "import", other, make.workbook(tmp_path, "unicode.xlsx", rows)))
    assert {(r["source"], r["start"], r["end"], r["text"]) for r in codings(other)} == expected

    # The supervisor's workbook holds each quote and its offsets exactly, and reads back.
    out = tmp_path / "unicode_export.xlsx"
    succeeded(run("export", "xlsx", study, out))
    sheet = load_workbook(out)["Coding"]
    columns = [c.value for c in sheet[1]]
    source, start, end, quote = (columns.index(c) for c in ("source", "start", "end", "quote"))
    cells = {(r[source], r[start], r[end], r[quote])
             for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert cells == expected
    third = new_project(tmp_path, "third.qcode")
    for name in stored:
        succeeded(run("import", third, tmp_path / f"{name}.txt"))
    succeeded(run("sheet", "import", third, out))
    assert {(r["source"], r["start"], r["end"], r["text"]) for r in codings(third)} == expected


# --- coding sheets and participants: workbooks and CSV ------------------------------------

REFUSED_WORKBOOKS: dict[str, tuple[Maker, tuple[str, ...]]] = {
    "xlsx zip bomb": (make.xlsx_zip_bomb, ("zip bomb",)),
    "xlsx billion laughs": (lambda d: make.xlsx_with_dtd(d, make.LAUGHS_DTD, "&lol9;",
                                                         "laughs.xlsx"),
                            ("cannot read this workbook", "save it again")),
    "truncated xlsx": (lambda d: make.truncated(make.workbook(d, "t.xlsx", [["case"], ["IP1"]])),
                       ("not an Excel workbook",)),
    "not a zip xlsx": (lambda d: make.not_a_zip(d, "fake.xlsx"), ("not an Excel workbook",)),
    "formulas never calculated": (make.formula_workbook,
                                  ("cell A2", "no saved result", "save it")),
}


@pytest.mark.parametrize("case", REFUSED_WORKBOOKS)
@pytest.mark.parametrize("command", ["sheet import", "participants"])
def test_broken_workbooks_are_refused_in_one_line(study: Path, tmp_path: Path, case: str,
                                                 command: str) -> None:
    maker, words = REFUSED_WORKBOOKS[case]
    path = maker(tmp_path)
    before = dump(study)
    if command == "sheet import":
        result = run("sheet", "import", study, path)
    else:
        result = run("import", study, tmp_path / "IP1.txt", "--participants", path)
    line = refused(result, study, before, str(path), *words)
    assert line.startswith("qcode: error: ")


def test_an_external_entity_in_a_workbook_is_refused(study: Path, tmp_path: Path,
                                                     secret: Path) -> None:
    doctype = f'<!DOCTYPE d [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    path = make.xlsx_with_dtd(tmp_path, doctype, "&xxe;", "xxe.xlsx")
    before = dump(study)
    line = refused(run("import", study, tmp_path / "IP1.txt", "--participants", path),
                   study, before, str(path), "cannot read this workbook")
    assert "TOPSECRET" not in line


def test_a_sheet_claiming_thousands_of_columns_fails_fast(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsxfile, "MAX_CELLS", 5_000)
    book = make.workbook(tmp_path, "wide.xlsx", [["quote", "code"], ["the rent", "Rent"]])
    from openpyxl import load_workbook as load

    wide = load(book)
    wide.active["XFD3"] = "far right"
    wide.save(book)
    before = dump(study)
    refused(run("sheet", "import", study, book), study, before, str(book),
            "more than 5,000 cells")


def test_merged_cells_and_hidden_rows_import_as_the_researcher_sees_them(
    study: Path, tmp_path: Path
) -> None:
    sheet = make.merged_hidden_sheet(tmp_path, ("the rent was high", "Then it fell"))
    succeeded(run("sheet", "import", study, sheet))
    got = sorted((r["code"], r["start"], r["end"], r["text"], r["subdivision"])
                 for r in codings(study))
    rent = BASELINE.index("the rent was high")
    fell = BASELINE.index("Then it fell")
    assert got == [("Affordability", rent, rent + 17, "the rent was high", "Finance"),
                   ("Hidden but real", fell, fell + 12, "Then it fell", None),
                   ("Rent", rent, rent + 17, "the rent was high", "Finance")]

    # Participants: a group merged over two rows belongs to both; a hidden row counts.
    manifest = make.workbook(tmp_path, "people.xlsx", [
        ["case", "group", "file"], ["IP1", "NGO", "IP1.txt"], ["IP2", None], ["IP3", "Academic"]])
    book = load_workbook(manifest)
    book.active.merge_cells("B2:B3")
    book.active.row_dimensions[4].hidden = True
    book.save(manifest)
    succeeded(run("import", study, tmp_path / "IP1.txt", "--participants", manifest))
    cases = json.loads(run("cases", study, "--json").stdout)
    groups = {c["case"]: c.get("group") for c in cases}
    assert groups == {"IP1": "NGO", "IP2": "NGO", "IP3": "Academic"}


def test_formula_text_in_csv_is_stored_as_the_text_it_is(study: Path, tmp_path: Path) -> None:
    sheet = make.csv_file(tmp_path, "formulas.csv",
                          'quote,code,notes\n"the rent was high","=cmd|\' /C calc\'!A0",@SUM(A1)\n'
                          '"Then it fell",+1+1,-2+3\n')
    succeeded(run("sheet", "import", study, sheet))
    got = sorted((r["code"], r["notes"]) for r in codings(study))
    assert got == [("+1+1", "-2+3"), ("=cmd|' /C calc'!A0", "@SUM(A1)")]
    manifest = make.csv_file(tmp_path, "people.csv", "case,group\nIP1,=HYPERLINK(\"x\")\n")
    succeeded(run("import", study, tmp_path / "IP1.txt", "--participants", manifest))
    [case] = json.loads(run("cases", study, "--json").stdout)
    assert case["group"] == '=HYPERLINK("x")'


def test_a_csv_quote_left_open_names_its_line(study: Path, tmp_path: Path) -> None:
    sheet = make.csv_file(tmp_path, "open.csv",
                          'quote,code\n"the rent,Rent\n' + "x" * 140_000 + "\n")
    before = dump(study)
    refused(run("sheet", "import", study, sheet), study, before, str(sheet),
            "line", "quote mark")


# --- REFI-QDA projects and codebooks through the command line ---------------------------


def _code(name: str) -> str:
    return f'<Code guid="{make.CODE_GUID}" name="{name}" isCodable="true"/>'


def _qdpx_bomb(folder: Path) -> Path:
    return make.qdpx(folder, "bomb.qdpx", make.small_project_xml("x", []),
                     {"sources/ip1.txt": make.zip_bomb_entry()})


REFUSED_REFI: dict[str, tuple[str, Maker, tuple[str, ...]]] = {
    "truncated qdpx": ("qdpx", lambda d: make.truncated(make.qdpx(
        d, "t.qdpx", make.small_project_xml("IP9: hello there", [(0, 4)]),
        {"sources/ip1.txt": b"IP9: hello there"})), ("not a readable .qdpx",)),
    "not a zip qdpx": ("qdpx", lambda d: make.not_a_zip(d, "fake.qdpx"), ("not a readable",)),
    "qdpx path traversal": ("qdpx", lambda d: make.qdpx(d, "trav.qdpx", make.small_project_xml(
        "x", []), {"../../evil.txt": b"x"}), ("path traversal",)),
    "qdpx zip bomb": ("qdpx", _qdpx_bomb, ("zip bomb",)),
    "qdpx external entity": ("qdpx", lambda d: make.qdpx(
        d, "xxe.qdpx", '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM '
        '"file:///etc/passwd">]><Project name="&x;"/>'), ("DTD",)),
    "qdc billion laughs": ("qdc", lambda d: make.qdc(d, "laughs.qdc", _code("&lol9;"),
                                                     make.LAUGHS_DTD), ("DTD",)),
    "qdc external entity": ("qdc", lambda d: make.qdc(
        d, "xxe.qdc", _code("&x;"), '<!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>'),
        ("DTD",)),
    "qdc cut off": ("qdc", lambda d: make.truncated(make.qdc(d, "cut.qdc", _code("Rent"))),
                    ("not well-formed",)),
}


@pytest.mark.parametrize("case", REFUSED_REFI)
def test_hostile_refi_qda_files_are_refused_in_one_line(study: Path, tmp_path: Path,
                                                       case: str) -> None:
    kind, maker, words = REFUSED_REFI[case]
    path = maker(tmp_path)
    before = dump(study)
    refused(run("import", kind, study, path), study, before, str(path), *words)


# --- QualCoder projects: a damaged data.qda ----------------------------------------------

QC_TEXT = make.QUALCODER_TEXT
QC_RENT = QC_TEXT.index("the rent was high")
QC_HELP = QC_TEXT.index("the cooperative helped")

REFUSED_QUALCODER: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "a table missing": ({"leave_out": ["journal"]}, ("not a QualCoder project",
                                                     "no table journal")),
    "a column missing": ({"columns": {"code_cat": "catid integer primary key, owner text"},
                          "rows": {"code_cat": [(1, "ana")]}},
                         ("table code_cat has no column name", "damaged")),
    "a NUL in the text": (
        {"rows": {"source": [(1, "QC1.txt", QC_TEXT.replace("rent", "re\0nt"), None, "",
                              "ana", "", None)]}},
        ("table source, row 1, column fulltext", "NUL character (at character 11)")),
    "a NUL in a code's name": (
        {"rows": {"code_name": [(1, "Re\0nt", "", 1, "ana", "", "#F5A9A9")]}},
        ("table code_name, row 1, column name", "NUL character")),
    "binary data as the text": (
        {"rows": {"source": [(1, "QC1.txt", QC_TEXT.encode(), None, "", "ana", "", None)]}},
        ("column fulltext holds binary data",)),
}


@pytest.mark.parametrize("case", REFUSED_QUALCODER)
def test_a_damaged_qualcoder_project_is_refused_in_one_line(study: Path, tmp_path: Path,
                                                           case: str) -> None:
    changes, words = REFUSED_QUALCODER[case]
    path = make.qualcoder(tmp_path, "damaged.qda", **changes)
    before = dump(study)
    refused(run("import", "qualcoder", study, path), study, before, str(path), *words,
            "nothing was imported")


def test_odd_values_in_a_qualcoder_project_import_as_far_as_they_make_sense(
        study: Path, tmp_path: Path) -> None:
    """Positions past the end or of the wrong type, ids written as text, dates no clock
    holds: each coding is placed where its words are, or kept unanchored, or listed
    as not imported with the reason; nothing stops the import."""
    path = make.qualcoder(tmp_path, "odd.qda", rows={
        "code_name": [(1, "Rent", "", "one", "ana", "9999-99-99", "#F5A9A9"),
                      (2, "Help", None, 1.5, None, None, "#zzzzzz")],
        # cid, fid, seltext, pos0, pos1, owner, date, memo, important
        "code_text": [
            (1, 1, 1, "the rent was high", QC_RENT + 900, QC_RENT + 917, "ana",
             "0001-01-01 00:00:00+05:00", None, 1),  # past the end; its words are there
            (2, 2, 1, "the cooperative helped", "abc", None, 7, 3.5, 8, None),  # no position
            (3, 2, "x1", "the cooperative helped", 0, 5, "ana", "", "", 0),  # fid as text
            (4, 1, 1, "not in the text at all", len(QC_TEXT) + 1, 2**62, "ana", "", "", 0),
            (5, 1, 1, None, -5, len(QC_TEXT) + 3, "ana", "", "", 0),
        ],
        "journal": [(1, 5, 6.5, "", "ana")],
        "annotation": [(1, 1, 2**62, 2**62 + 3, "far", "ana", None)],
    })
    result = run("import", "qualcoder", study, path, "--json")
    succeeded(result)
    assert sources(study)["QC1"] == QC_TEXT
    got = sorted(((r["code"], r["start"], r["end"], r["text"], r["coder"])
                  for r in codings(study)), key=str)
    assert got == sorted([
        ("Rent", QC_RENT, QC_RENT + 17, "the rent was high", "ana"),
        ("Help", QC_HELP, QC_HELP + 22, "the cooperative helped", "7"),
        ("Rent", None, None, "not in the text at all", "ana"),
        ("Rent", None, None, f"(QualCoder coding at -5-{len(QC_TEXT) + 3} without its text)",
         "ana"),
    ], key=str)
    summary = json.loads(result.stdout)
    assert summary["skipped"] == [{"element": "coding", "name": "Help at 0-5",
                                   "reason": "names source id x1, which the QualCoder "
                                             "project does not hold"}]
    assert summary["counts"]["unanchored quotes"] == 2
