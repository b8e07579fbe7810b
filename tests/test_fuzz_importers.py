"""Property-based fuzzing of every importer through the real `qcode` commands.

Transcripts (any text, any bytes, damaged office files), coding sheets and
participants files (any cells), and REFI-QDA projects (a small valid project with
attributes dropped, offsets out of range, GUIDs broken). Whatever comes in, qcode
either imports it correctly or refuses it in one line naming the file, leaving the
project as it was; it never shows a traceback or an internal error.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import json
import random
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from helpers import examples
from hostile import make
from hostile.check import (
    check_clean,
    codings,
    copy_project,
    dump,
    new_project,
    one_line_refusal,
    run,
    sources,
    succeeded,
)
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from qcode.cells import unneutralise
from qcode.ingest.text import normalise_newlines
from qcode.names import clean_name

BASELINE = "IP1: the rent was high. Then it fell. Families built a second room.\n"
FUZZ = settings(max_examples=examples(25), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
_counter = itertools.count()

# Text with the characters that break importers over-represented: NUL and other
# controls, line ends of every kind, BOMs, direction marks, joiners, combining marks.
AWKWARD = "\x00\x01\x08\x0b\x0c\x1b\x7f\r\n\t\ufeff\u202e\u200d\u0301\U0001F469\u05d0"
TEXT = st.text(st.one_of(st.characters(exclude_categories=["Cs"]), st.sampled_from(AWKWARD)),
               max_size=200)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with one transcript; each example works on a fresh copy of it."""
    folder = tmp_path_factory.mktemp("fuzz")
    study = new_project(folder, "template.qcode")
    transcript = folder / "IP1.txt"
    transcript.write_text(BASELINE, encoding="utf-8")
    succeeded(run("import", study, transcript))
    return study


def _fresh(template: Path) -> tuple[Path, Path, str]:
    """A new folder with a copy of the template project, and the copy's dump."""
    folder = template.parent / f"example{next(_counter)}"
    folder.mkdir()
    project = copy_project(template, folder)
    return folder, project, dump(project)


def _refused_or_ok(result: object, project: Path, before: str, path: Path) -> bool:
    """True when the import succeeded; else it must be a clean one-line refusal."""
    exit_code, stderr = result.exit_code, result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    if exit_code == 0:
        check_clean(project)
        return True
    one_line_refusal(stderr, exit_code, str(path))
    assert dump(project) == before, f"{path.name} was refused but the project changed"
    return False


# --- transcripts --------------------------------------------------------------------


@FUZZ
@given(text=TEXT, newline=st.sampled_from(["\n", "\r\n", "\r"]),
       suffix=st.sampled_from([".txt", ".md"]))
def test_any_text_transcript_imports_exactly_or_is_refused(template: Path, text: str,
                                                           newline: str, suffix: str) -> None:
    folder, project, before = _fresh(template)
    path = folder / f"fuzzed{suffix}"
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    if _refused_or_ok(run("import", project, path), project, before, path):
        stored = normalise_newlines(text.replace("\n", newline).removeprefix("\ufeff"))
        assert sources(project)["fuzzed"] == stored


@FUZZ
@given(data=st.binary(max_size=300),
       suffix=st.sampled_from([".txt", ".srt", ".vtt", ".rtf", ".docx", ".odt", ".pdf"]),
       head=st.sampled_from([b"", b"WEBVTT\n\n", b"{\\rtf1 ", b"1\n00:00:01,000 --> 00:00:02,000\n",
                             b"\xef\xbb\xbf", b"\xff\xfe", b"%PDF-1.4\n", b"PK\x03\x04"]))
def test_any_bytes_under_any_transcript_name_never_break_qcode(
    template: Path, data: bytes, suffix: str, head: bytes
) -> None:
    folder, project, before = _fresh(template)
    path = folder / f"bytes{suffix}"
    path.write_bytes(head + data)
    _refused_or_ok(run("import", project, path), project, before, path)


@functools.cache
def _office_file(suffix: str) -> bytes:
    """A valid small .docx, .odt, .pdf, .rtf or .qdpx for the damage test to start from
    (a function, not a fixture, so a failing example prints its suffix, not its bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="qcode-office-"))
    if suffix == ".qdpx":
        text = "IP9: the rent was high."
        return make.qdpx(folder, "good.qdpx", make.small_project_xml(text, [(5, 13)]),
                         {"sources/ip1.txt": text.encode()}).read_bytes()
    return {
        ".docx": make.good_docx(folder, ["IP1: the rent was high.", "IP2: it fell."]).read_bytes(),
        ".odt": make.odt(folder, "good.odt", "<text:p>IP1: the rent was high.</text:p>"
                                             "<text:p>IP2: it fell.</text:p>").read_bytes(),
        ".pdf": make.good_pdf(folder, ["IP1: the rent was high.", "IP2: it fell."]).read_bytes(),
        ".rtf": b"{\\rtf1\\ansi\\ansicpg1252 IP1: caf\\'e9 \\u8364? rent\\par IP2: fell\\par}",
    }[suffix]


@FUZZ
# Found by the fuzz profile: a byte of an ODT's zip changed so that a part's header is
# cut short, which zipfile reports as a struct.error (an internal error before).
@example(suffix=".odt", damage=[(0.7890625, 2)], cut=None)
@given(suffix=st.sampled_from([".docx", ".odt", ".pdf", ".rtf", ".qdpx"]),
       damage=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)),
                       min_size=1, max_size=8),
       cut=st.one_of(st.none(), st.floats(0.05, 1)))
def test_damaged_office_files_import_or_are_refused_in_one_line(
    template: Path, suffix: str, damage: list[tuple[float, int]], cut: float | None
) -> None:
    data = bytearray(_office_file(suffix))
    for where, value in damage:
        data[int(where * len(data))] = value
    if cut is not None:
        data = data[: max(1, int(cut * len(data)))]
    folder, project, before = _fresh(template)
    path = folder / f"damaged{suffix}"
    path.write_bytes(bytes(data))
    command = ("import", "qdpx") if suffix == ".qdpx" else ("import",)
    if _refused_or_ok(run(*command, project, path), project, before, path):
        texts = sources(project)
        assert suffix == ".qdpx" or "damaged" in texts
        _quotes_are_their_spans(project, texts)


# --- coding sheets and participants -------------------------------------------------------

HEADER = ["quote", "code", "emphasis", "subdivision", "other subdivisions", "notes"]
CELL = st.one_of(st.sampled_from(["the rent was high", "Then it fell", "=1+1", "'=x", "-",
                                  "", " ", "a; b, c"]), TEXT.map(lambda t: t[:40]))
ROWS = st.lists(st.lists(CELL, max_size=6), max_size=6)


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    # Excel's line ends: the writer then quotes every cell holding a CR or an LF.
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


def _write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        # Text cells as text: openpyxl would store "=1+1" as a formula.
        sheet.append([None if cell == "" else cell for cell in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    book.save(path)
    return path


def _printable(rows: list[list[str]]) -> bool:
    """Cells a workbook can hold (XML 1.0 has no control characters)."""
    return all(ch >= " " or ch in "\t\n\r" for row in rows for cell in row for ch in cell)


@FUZZ
@given(rows=ROWS, kind=st.sampled_from(["csv", "xlsx"]))
def test_any_coding_sheet_imports_its_codes_or_is_refused(template: Path, rows: list[list[str]],
                                                          kind: str) -> None:
    if kind == "xlsx" and not _printable(rows):
        kind = "csv"
    folder, project, before = _fresh(template)
    table = [HEADER, *rows]
    path = (_write_csv if kind == "csv" else _write_xlsx)(folder / f"sheet.{kind}", table)
    result = run("sheet", "import", project, path)
    if _refused_or_ok(result, project, before, path):
        def cell(row: list[str], i: int) -> str:
            text = row[i] if i < len(row) else ""
            return unneutralise(text) if kind == "csv" else text

        written = [r for r in rows if any(normalise_newlines(c).strip() for c in r)]
        expected = {clean_name(normalise_newlines(cell(r, 1))) for r in written}
        assert {r["code"] for r in codings(project)} == expected
        _quotes_are_their_spans(project, {"IP1": BASELINE})


@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=1, max_size=4), max_size=5),
       kind=st.sampled_from(["csv", "xlsx"]))
def test_any_participants_file_gives_its_cases_or_is_refused(
    template: Path, rows: list[list[str]], kind: str
) -> None:
    if kind == "xlsx" and not _printable(rows):
        kind = "csv"
    folder, project, before = _fresh(template)
    table = [["case", "group", "age", "file"], *rows]
    path = (_write_csv if kind == "csv" else _write_xlsx)(folder / f"people.{kind}", table)
    result = run("import", project, template.parent / "IP1.txt", "--participants", path)
    if _refused_or_ok(result, project, before, path):
        def first(row: list[str]) -> str:
            return clean_name(normalise_newlines(unneutralise(row[0]) if kind == "csv"
                                                 else row[0]))

        written = [r for r in rows if any(normalise_newlines(c).strip() for c in r)]
        cases = json.loads(run("cases", project, "--json").stdout)
        assert {c["case"] for c in cases} == {first(r) for r in written}


# --- REFI-QDA -------------------------------------------------------------------------------


def _attributes(pairs: dict[str, str], drop: set[str]) -> str:
    return " ".join(f"{k}={quoteattr(v)}" for k, v in pairs.items() if k not in drop)


@FUZZ
# Found by the fuzzer: an empty selection, or one whose code is missing, left a quote
# with no coding behind (`qcode check`: "orphan quote").
@example(text="the rent", spans=[(0, 0)], drop={"code guid"}, guid=make.CODE_GUID, name="Rent")
@example(text="the rent", spans=[(4, 8)], drop={"code guid"}, guid=make.CODE_GUID, name="Rent")
@example(text="the rent", spans=[(3, 3)], drop=set(), guid=make.CODE_GUID, name="")
@given(text=TEXT.filter(lambda t: t.strip()),
       spans=st.lists(st.tuples(st.integers(-3, 250), st.integers(-3, 250)), max_size=4),
       drop=st.sets(st.sampled_from(["code guid", "code name", "source guid", "path",
                                     "codeRef"])),
       guid=st.one_of(st.just(make.CODE_GUID), st.text(max_size=12).map(escape),
                      st.just("{" + make.CODE_GUID.upper() + "}")),
       name=st.one_of(st.just("Rent"), TEXT.map(lambda t: "".join(
           c for c in t if c >= " " or c in "\t\n"))))
def test_a_mutated_qdpx_imports_what_it_can_or_is_refused(
    template: Path, text: str, spans: list[tuple[int, int]], drop: set[str], guid: str,
    name: str
) -> None:
    code = _attributes({"guid": guid, "name": name, "isCodable": "true"},
                       {k.split()[1] for k in drop if k.startswith("code ")})
    source = _attributes({"guid": make.SOURCE_GUID, "name": "IP9",
                          "plainTextPath": "internal://ip1.txt"},
                         {"guid"} if "source guid" in drop else
                         {"plainTextPath"} if "path" in drop else set())
    xml = make.small_project_xml(text, spans, code_attrs=code, source_attrs=source)
    if "codeRef" in drop:
        xml = xml.replace(f'<CodeRef targetGUID="{make.CODE_GUID}"/>', "")
    xml = xml.replace(f'targetGUID="{make.CODE_GUID}"', f"targetGUID={quoteattr(guid)}")
    folder, project, before = _fresh(template)
    path = make.qdpx(folder, "mutated.qdpx", xml,
                     {"sources/ip1.txt": text.encode("utf-8")})
    if _refused_or_ok(run("import", "qdpx", project, path), project, before, path):
        _quotes_are_their_spans(project, sources(project))


def _quotes_are_their_spans(project: Path, texts: dict[str, str]) -> None:
    """Every anchored quote is exactly the text between its offsets."""
    for row in codings(project):
        if row["start"] is not None:
            assert texts[row["source"]][row["start"]:row["end"]] == row["text"]


def test_the_fuzzers_reach_both_outcomes(template: Path) -> None:
    """Not a property: a sanity check that the harness sees imports and refusals alike,
    so a fuzzer that only ever hits one branch does not pass unnoticed."""
    folder, project, before = _fresh(template)
    good = _write_csv(folder / "good.csv", [HEADER, ["the rent was high", "Rent"]])
    assert _refused_or_ok(run("sheet", "import", project, good), project, before, good)
    folder, project, before = _fresh(template)
    bad = _write_csv(folder / "bad.csv", [HEADER, ["", "Rent"]])
    assert not _refused_or_ok(run("sheet", "import", project, bad), project, before, bad)
    rng = random.Random(9)
    noise = folder / "noise.docx"
    noise.write_bytes(bytes(rng.randrange(256) for _ in range(200)))
    assert not _refused_or_ok(run("import", project, noise), project, dump(project), noise)
