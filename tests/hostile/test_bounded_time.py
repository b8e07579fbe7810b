"""Inputs built to stall qcode end in time and within memory.

Each runs `qcode` in a child process that must finish within TIME_LIMIT (a pattern that
backtracks on these inputs would run for hours), and ends as every hostile input must:
imported exactly, or refused in one line with the project unchanged; `qcode check` is
clean either way. Rows of issue 15's table: the .srt with a 2 MB tag, the .vtt with a
1 MB voice tag; the researcher's own --regex pattern that never ends; sheets and
participants files of a million rows; PDFs that stall readers; a QualCoder text made on
reading, or too long. Every child runs within 1 GB of address space (libraries
included): an input that takes more fails, it does not pass.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hostile import make
from hostile.check import check_clean, dump, new_project, one_line_refusal
from hostile.check import run_process as run_unbounded

TIME_LIMIT = 20.0  # seconds on this 2-core machine; linear work takes well under one
MEMORY_LIMIT = 2**30  # bytes of address space for a whole qcode process, libraries included


def run_process(*args: object, timeout: float = TIME_LIMIT) -> Any:
    """qcode in a child process, within the time and memory every hostile input gets."""
    return run_unbounded(*args, timeout=timeout, memory=MEMORY_LIMIT)
CUE = "00:00:01.000 --> 00:00:02.000\n"


@pytest.fixture
def study(tmp_path: Path) -> Path:
    return new_project(tmp_path)


ADVERSARIAL = {
    # every "<" opens a tag that never closes
    "open_tags.srt": "1\n" + CUE.replace(".", ",") + "IP1: " + "<" * 2_000_000 + "\n",
    # one 1 MB voice tag whose name is all spaces and letters, closed at the very end
    "long_voice.vtt": "WEBVTT\n\n" + CUE + "<v " + " a" * 500_000 + ">hello\n",
    # a voice tag that never closes, then a million more "<v "
    "voices.vtt": "WEBVTT\n\n" + CUE + "<v " * 300_000 + "said\n",
    # a prefix-like run with no colon, and whitespace runs between block breaks
    "runs.srt": "1\n" + CUE.replace(".", ",") + "A" + " b" * 500_000 + "\n" + " \n" * 100_000,
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_a_caption_file_built_to_backtrack_imports_in_time(study: Path, tmp_path: Path,
                                                            name: str) -> None:
    path = make.captions(tmp_path, name, ADVERSARIAL[name])
    before = dump(study)
    result = run_process("import", study, path, "--json", timeout=TIME_LIMIT)
    if result.returncode == 0:
        [row] = json.loads(result.stdout)
        assert row["status"] == "imported", row
        text = run_process("text", study, row["source"], timeout=TIME_LIMIT).stdout
        assert text.strip() and len(text) <= len(ADVERSARIAL[name])
    else:
        one_line_refusal(result.stderr, result.returncode, name)
        assert dump(study) == before
    check_clean(study)


def test_a_voice_name_longer_than_a_line_is_no_speaker(study: Path, tmp_path: Path) -> None:
    path = make.captions(tmp_path, "long_voice.vtt", ADVERSARIAL["long_voice.vtt"])
    result = run_process("import", study, path, timeout=TIME_LIMIT)
    assert result.returncode == 0, result.stderr
    text = run_process("text", study, "long_voice", timeout=TIME_LIMIT).stdout
    assert text == "hello"


def test_a_regex_that_never_ends_is_stopped_in_one_line(study: Path, tmp_path: Path) -> None:
    path = tmp_path / "IP1.txt"
    path.write_text("IP1: " + "x" * 5000 + "!\n", encoding="utf-8")
    assert run_process("import", study, path).returncode == 0
    assert run_process("search", study, "x").returncode == 0  # the index, built once
    result = run_process("search", study, r"(x+x+)+y", "--regex", timeout=TIME_LIMIT)
    line = one_line_refusal(result.stderr, result.returncode, "IP1", "took over")
    assert "more simply" in line


PATTERN_CASES = {
    # a quote full of "[" and "(" that never close, split as the sheet importer does
    "anchor brackets": "from qcode.anchor import _ROUND, _SQUARE\n"
                       "quote = '[(' * 200_000 + 'end'\n"
                       "assert _SQUARE.split(quote) and _ROUND.split(quote)",
    # a worksheet whose mergeCell tags never close
    "xlsx merges": "from qcode.ingest.xlsxfile import _MERGE\n"
                   "data = b'<mergeCell ' * 200_000 + b'ref=\"A1\"'\n"
                   "list(_MERGE.finditer(data))",
    # speaker labels: a timestamp then a long run of spaces, on many lines
    "turn labels": "from qcode.ingest.turns import find_turns\n"
                   "find_turns(('[00:01] ' + ' ' * 5_000 + '\\n') * 400)",
}


@pytest.mark.parametrize("name", sorted(PATTERN_CASES))
def test_patterns_over_user_text_take_linear_time(name: str) -> None:
    import subprocess
    import sys

    subprocess.run([sys.executable, "-c", PATTERN_CASES[name]], check=True,
                   timeout=TIME_LIMIT)


@pytest.mark.parametrize(("turns", "words"), [(20_000, 3), (300_000, 0)],
                         ids=["20,000 turns", "300,000 lines"])
def test_check_of_a_transcript_of_many_turns_ends_in_time(study: Path, tmp_path: Path,
                                                          turns: int, words: int) -> None:
    """A 3 MB transcript of 20,000 speaker turns: `qcode check` took 54 s, each turn
    measuring the whole text again; 300,000 short lines took over 600 s."""
    path = tmp_path / "long.txt"
    turn = "IP1: " + "the rent was high and the house was far " * words + "yes.\n"
    path.write_text("".join(turn if n % 2 else turn.replace("IP1", "Interviewer")
                            for n in range(turns)), encoding="utf-8")
    imported = run_process("import", study, path, timeout=60)
    assert imported.returncode == 0, imported.stderr
    checked = run_process("check", study, timeout=TIME_LIMIT)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("words", [1000, 5000])
def test_a_long_quote_that_fits_nowhere_is_kept_unanchored_in_time(
        study: Path, tmp_path: Path, words: int) -> None:
    """The words of a transcript shuffled into one long quote: every word matches
    somewhere, so the fuzzy search aligns it again and again (47 s / 730 s)."""
    import random

    from qcode.ingest.demo import demo_dir

    transcript = sorted((demo_dir() / "transcripts").glob("*.txt"))[0]
    assert run_process("import", study, transcript).returncode == 0
    spoken = transcript.read_text(encoding="utf-8").replace('"', "").split()
    random.Random(words).shuffle(spoken)
    quote = " ".join((spoken * (words // len(spoken) + 1))[:words])
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(f'quote,code\n"{quote}",Shuffled\n', encoding="utf-8")
    result = run_process("sheet", "import", study, sheet, "--json", timeout=TIME_LIMIT)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["anchored"], report["unanchored"]) == (0, 1), report
    check_clean(study)


def _million_rows(tmp_path: Path, name: str, header: list[str], row: list[str]) -> Path:
    """A million rows in a workbook; in a CSV file 300,000 (a million would pass the
    10 million characters qcode reads of any text file, refused for that first)."""
    if name.endswith(".csv"):
        path = tmp_path / name
        with path.open("w", encoding="utf-8") as out:
            out.write(",".join(header) + "\n")
            out.writelines(f"{row[0]} {n},{row[1]}\n" for n in range(300_000))
        return path
    return make.long_workbook(tmp_path, name, header, row, 1_000_000)


@pytest.mark.parametrize("name", ["sheet.xlsx", "sheet.csv"])
def test_a_coding_sheet_of_a_million_rows_is_refused_in_time(study: Path, tmp_path: Path,
                                                              name: str) -> None:
    path = _million_rows(tmp_path, name, ["quote", "code"], ["the rent was high", "Rent"])
    before = dump(study)
    result = run_process("sheet", "import", study, path, timeout=TIME_LIMIT)
    one_line_refusal(result.stderr, result.returncode, name, "100,000 rows", "QCODE_MAX_ROWS")
    assert dump(study) == before


def test_a_participants_file_of_a_million_rows_is_refused_in_time(study: Path,
                                                                   tmp_path: Path) -> None:
    transcript = tmp_path / "IP1.txt"
    transcript.write_text("IP1: the rent was high.\nIP1: again.\n", encoding="utf-8")
    people = _million_rows(tmp_path, "people.xlsx", ["case", "group"], ["IP", "NGO"])
    before = dump(study)
    result = run_process("import", study, transcript, "--participants", people,
                         timeout=TIME_LIMIT)
    one_line_refusal(result.stderr, result.returncode, "people.xlsx", "QCODE_MAX_ROWS")
    assert dump(study) == before


def test_qcode_max_rows_raises_the_limit(study: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    transcript = tmp_path / "IP1.txt"
    transcript.write_text("IP1: the rent was high.\nIP1: again.\n", encoding="utf-8")
    assert run_process("import", study, transcript).returncode == 0
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("quote,code\n" + "the rent was high,Rent\n" * 150, encoding="utf-8")
    monkeypatch.setenv("QCODE_MAX_ROWS", "100")
    refused = run_process("sheet", "import", study, sheet)
    one_line_refusal(refused.stderr, refused.returncode, "sheet.csv", "more than 100 rows")
    monkeypatch.setenv("QCODE_MAX_ROWS", "1000")
    assert run_process("sheet", "import", study, sheet).returncode == 0


@pytest.mark.parametrize("maker", [make.pdf_million_pages, make.pdf_heavy_pages],
                         ids=["million pages", "heavy pages"])
def test_a_pdf_built_to_stall_readers_ends_in_time(study: Path, tmp_path: Path,
                                                   maker: object) -> None:
    path = maker(tmp_path)  # type: ignore[operator]
    before = dump(study)
    result = run_process("import", study, path, timeout=TIME_LIMIT)
    one_line_refusal(result.stderr, result.returncode, path.name)
    assert dump(study) == before


@pytest.mark.parametrize("maker", [make.pdf_million_pages, make.pdf_heavy_pages],
                         ids=["million pages", "heavy pages"])
def test_the_same_pdf_inside_a_qdpx_ends_in_time_and_leaves_no_folder(
        study: Path, tmp_path: Path, maker: object) -> None:
    import tempfile

    pdf = maker(tmp_path)  # type: ignore[operator]
    xml = ('<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" '
           'name="p"><Sources><PDFSource guid="e2000000-0000-4000-8000-000000000001" '
           'name="IP6" path="internal://ip6.pdf"/></Sources></Project>')
    archive = make.qdpx(tmp_path, "hostile.qdpx", xml, {"sources/ip6.pdf": pdf.read_bytes()})
    # What a killed earlier import left (its process is gone): removed by the next one.
    left = Path(tempfile.mkdtemp(prefix="qcode-4194303-"))
    result = run_process("import", "qdpx", study, archive, "--json", timeout=TIME_LIMIT)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert "ip6.pdf" in json.dumps(summary)  # the reason is said, naming the entry
    check_clean(study)
    assert not left.exists()


def test_a_qualcoder_file_whose_text_is_made_on_reading_is_refused(
        study: Path, tmp_path: Path) -> None:
    """A "source" table whose fulltext column is computed when read (900 MB a row):
    read as it was, it took 13 GB before it was stopped."""
    import sqlite3

    folder = make.qualcoder(tmp_path, "bomb.qda")
    db = sqlite3.connect(folder / "data.qda")
    db.execute("ALTER TABLE source RENAME COLUMN fulltext TO kept")
    db.execute("ALTER TABLE source ADD COLUMN fulltext TEXT GENERATED ALWAYS AS "
               "(printf('%.*c', 900000000, 'x')) VIRTUAL")
    db.commit()
    db.close()
    before = dump(study)
    result = run_process("import", "qualcoder", study, folder)
    one_line_refusal(result.stderr, result.returncode, "data.qda", "computed when read")
    assert dump(study) == before


@pytest.mark.parametrize("megabytes", [30, 200])
def test_a_qualcoder_text_past_the_source_limit_is_refused(study: Path, tmp_path: Path,
                                                           megabytes: int) -> None:
    """30 million characters came in, where every other importer stops at 10 million;
    200 MB came in too, after 1.3 GB of memory."""
    import sqlite3

    folder = make.qualcoder(tmp_path, "long.qda", rows={"source": [
        (1, "QC1.txt", "IP1: short.", None, "", "ana", "2024-05-02 12:00:00", None)]})
    db = sqlite3.connect(folder / "data.qda")
    db.execute("UPDATE source SET fulltext = printf('%.*c', ?, 'x')", (megabytes * 10**6,))
    db.commit()
    db.close()
    before = dump(study)
    result = run_process("import", "qualcoder", study, folder)
    one_line_refusal(result.stderr, result.returncode, "data.qda", "10,000,000")
    assert dump(study) == before


def test_an_rtf_of_millions_of_unicode_escapes_imports_within_memory(
        study: Path, tmp_path: Path) -> None:
    """30 MB of \\uN escapes (4.5 million characters): 60 MB took 3 GB when every token
    and every character was an object of its own; under 1 GB it had no chance."""
    path = tmp_path / "escapes.rtf"
    path.write_bytes(b"{\\rtf1\\ansi IP1: " + b"\\u8364?" * (30 * 2**20 // 7) + b"}")
    result = run_process("import", study, path, "--json", timeout=60)
    assert result.returncode == 0, result.stderr
    [row] = json.loads(result.stdout)
    assert row["status"] == "imported"
    check_clean(study)


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_an_office_file_whose_headers_lie_about_sizes_is_refused_within_memory(
        study: Path, tmp_path: Path, kind: str) -> None:
    """A part whose headers give 2 KB while its data inflates to a gigabyte: read
    whole, it took 2.1 GB and came in; inflated in steps, it is refused at once."""
    if kind == "docx":
        good = make.good_docx(tmp_path, ["IP1: the text is fine."], "good.docx")
        path = make.lying_sizes(good, "word/document.xml", tmp_path / "lying.docx")
        args: tuple[object, ...] = ("import", study, path, "--json")
    else:
        good = make.workbook(tmp_path, "good.xlsx", [["quote", "code"], ["fine", "Rent"]])
        path = make.lying_sizes(good, "xl/worksheets/sheet1.xml", tmp_path / "lying.xlsx")
        args = ("sheet", "import", study, path)
    before = dump(study)
    result = run_process(*args)
    if kind == "docx":
        [row] = json.loads(result.stdout)
        assert row["status"] == "refused", row
        assert "unpacks to more than" in row["detail"] and "lying.docx" in row["detail"]
    else:
        one_line_refusal(result.stderr, result.returncode, "lying.xlsx", "unpacks to more than")
    assert dump(study) == before
    check_clean(study)
