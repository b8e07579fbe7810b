"""Exports never hand a spreadsheet a formula made of researchers' or other people's text.

A project whose code names, notes, quotes, emphasis, subdivisions, case attributes,
coder names and memo bodies start with "=", "+", "-" or "@" goes through every
export that writes cells: the xlsx workbook, report and agreement workbooks, the CSV
export and every listing printed as CSV. No workbook cell is a formula, no CSV cell
starts like one, and the text still reads the same (CSV cells read back exactly).
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from hostile.check import codings, new_project, run, succeeded
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from qcode.cells import FORMULA_STARTS, neutralise, unneutralise

ATTACKS = ["=cmd|' /C calc'!A0", "+1+1", "@SUM(A1)", "-2+3"]
TRANSCRIPT = "".join(f"{attack} is what they typed into the form.\n" for attack in ATTACKS)


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("formulas")
    study = new_project(folder)
    transcript = folder / "IP1.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    people = folder / "people.csv"
    people.write_text('case,group,"@SUM(A1)",age,file\n'
                      "IP1,\"=cmd|' /C calc'!A0\",+1+1,-3,IP1.txt\n", encoding="utf-8")
    succeeded(run("import", study, transcript, "--participants", people))
    for n, attack in enumerate(ATTACKS):
        start = TRANSCRIPT.index(attack)
        end = TRANSCRIPT.index("\n", start)
        # "--" and "--option=value": "-2+3" is a value, not an option.
        succeeded(run("code", f"--subdivision={ATTACKS[(n + 1) % 4]}",
                      f"--other={ATTACKS[(n + 2) % 4]}", f"--emphasis={ATTACKS[(n + 3) % 4]}",
                      f"--notes={attack}", "--coder", "tester" if n % 2 else "@ben",
                      "--", study, "IP1", start, end, attack))
        succeeded(run("memo", f"--body={attack}", "--", study, f"Memo {n}"))
    return study


def _no_formula_cells(path: Path) -> set[str]:
    """Every text cell of the workbook, after checking none of them is a formula."""
    book = load_workbook(path)
    texts = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{path.name}!{sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    texts.add(cell.value)
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name)
    return texts


def _number(cell: str) -> bool:
    try:
        float(cell.replace(",", "."))
    except ValueError:
        return False
    return True


def _csv_cells(text: str) -> list[list[str]]:
    """The cells of CSV text, after checking none starts a formula (numbers may be signed)."""
    rows = [row for row in csv.reader(io.StringIO(text)) if row and not row[0].startswith("#")]
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS) or _number(cell), cell
    return rows


def test_the_project_holds_the_attacks_as_plain_text(hostile_project: Path) -> None:
    rows = codings(hostile_project)
    assert sorted(r["code"] for r in rows) == sorted(ATTACKS)
    assert all(r["text"].startswith(r["code"]) and r["notes"] == r["code"] for r in rows)


def test_the_coded_workbook_has_no_formula_and_every_attack_as_text(
    hostile_project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "coded.xlsx"
    succeeded(run("export", "xlsx", hostile_project, out))
    texts = _no_formula_cells(out)
    quotes = {line for line in TRANSCRIPT.splitlines()}
    assert set(ATTACKS) | quotes | {"@ben"} <= texts


@pytest.mark.parametrize("report", [
    ["report", "mentions", "--by", "code"],
    ["report", "mentions", "--by", "subdivision", "--across", "attribute:group"],
    ["report", "codebook"],
    ["report", "matrix"],
    ["report", "cooccurrence", "--of", "code"],
    ["coders"],
    ["agreement", "--coders", "tester", "@ben"],
])
def test_report_workbooks_have_no_formula_cells(hostile_project: Path, tmp_path: Path,
                                               report: list[str]) -> None:
    out = tmp_path / "report.xlsx"
    succeeded(run(*report[:2 if report[0] == "report" else 1], hostile_project,
                  *report[2 if report[0] == "report" else 1:], "--format", "xlsx",
                  "--output", out))
    texts = _no_formula_cells(out)
    assert texts & (set(ATTACKS) | {"@ben"}), texts  # the names are there, as text


@pytest.mark.parametrize("listing", [
    ["codings"], ["codes"], ["cases"], ["memos"], ["subdivisions"], ["coders"],
    ["report", "mentions", "--by", "code"], ["report", "codebook"], ["report", "matrix"],
    ["agreement", "--coders", "tester", "@ben"],
])
def test_every_csv_listing_neutralises_formula_text(hostile_project: Path,
                                                    listing: list[str]) -> None:
    split = 2 if listing[0] == "report" else 1
    result = run(*listing[:split], hostile_project, *listing[split:], "--format", "csv")
    succeeded(result)
    cells = {cell for row in _csv_cells(result.stdout) for cell in row}
    neutralised = {neutralise(a) for a in ATTACKS} | {"'@ben"}
    assert cells & neutralised, result.stdout  # the attacks are there, readable
    assert "-3" in cells or "cases" not in listing  # a negative number stays a number


def test_the_csv_export_neutralises_and_reads_back_exactly(hostile_project: Path,
                                                            tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    succeeded(run("export", "csv", hostile_project, folder))
    for path in folder.glob("*.csv"):
        _csv_cells(path.read_text(encoding="utf-8"))
    cases = (folder / "cases.csv").read_text(encoding="utf-8")
    assert "'@SUM(A1)" in cases.splitlines()[0]  # an attribute name is a header cell
    # The exported codings, imported as a coding sheet, are the codings: same codes,
    # notes and emphasis, the apostrophes taken off again.
    copy = new_project(tmp_path, "copy.qcode")
    transcript = tmp_path / "IP1.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    succeeded(run("import", copy, transcript))
    succeeded(run("sheet", "import", copy, folder / "codings.csv"))

    def key(rows: list[dict[str, object]]) -> set[tuple[object, ...]]:
        return {(r["start"], r["end"], r["code"], r["emphasis"], r["notes"], r["subdivision"],
                 tuple(r["other_subdivisions"]), r["coder"]) for r in rows}  # type: ignore[arg-type]

    assert key(codings(copy)) == key(codings(hostile_project))


@given(st.text(max_size=30))
def test_neutralised_text_never_starts_a_formula_and_reads_back(text: str) -> None:
    cell = neutralise(text)
    assert unneutralise(cell) == text
    assert cell == text or cell == "'" + text
    if cell.startswith(FORMULA_STARTS):
        assert _number(cell)


# Any text at all, with the characters that break rows or hide a formula over-represented.
CELL_TEXT = st.text(st.one_of(st.characters(exclude_categories=["Cs"]),
                              st.sampled_from("=+-@'\t\r\n \x00\x0b\x1f\u00a0\u2028")),
                    max_size=40)


def _as_a_spreadsheet_reads(data: str) -> list[list[str]]:
    """Rows as a spreadsheet program splits them: a CR, an LF or a CRLF outside quotes
    ends a row (Python's csv reader on a newline="" stream does the same)."""
    return list(csv.reader(io.StringIO(data, newline="")))


def _runs_as_formula(cell: str) -> bool:
    """Whether a program skipping leading spaces and controls would see a formula."""
    bare = cell.lstrip("".join(map(chr, range(33))) + "\x7f\u00a0\u2028")
    return bare.startswith(("=", "+", "-", "@")) and not _number(bare)


def _both_writers(text: str) -> list[str]:
    """One row, `text` then "after", as the exports write CSV (cells.write_csv) and as
    every listing does through the output contract (which calls it)."""
    from qcode.cells import write_csv
    from qcode.cli.output import Output, write_rows

    exported = io.StringIO(newline="")
    write_csv(exported, ["a", "b"], [[text, "after"]], headers=False)
    listing = io.StringIO(newline="")
    write_rows([{"a": text, "b": "after"}], ["a", "b"], Output("csv", headers=False), listing)
    return [exported.getvalue(), listing.getvalue()]


def _kept_in_its_cell_and_harmless(text: str) -> None:
    for data in _both_writers(text):
        rows = _as_a_spreadsheet_reads(data)
        assert len(rows) == 1 and rows[0][1] == "after", (text, data)
        cell = rows[0][0]
        assert unneutralise(cell) == text
        assert cell.startswith("'") or not _runs_as_formula(cell), (text, cell)


@given(text=CELL_TEXT)
def test_every_csv_writer_keeps_any_text_in_its_cell_and_harmless(text: str) -> None:
    """One rule for every CSV qcode writes: the exports' writer and the listings'."""
    _kept_in_its_cell_and_harmless(text)


@pytest.mark.parametrize("text", ["see IP3\r=cmd|' /C calc'!A0", "  =1+1", "\x00@SUM(A1)",
                                  "\t\t-2+3", "\n=HYPERLINK(\"x\")"])
def test_a_formula_after_a_line_break_or_spaces_cannot_run(text: str) -> None:
    _kept_in_its_cell_and_harmless(text)


def test_a_note_with_a_bare_carriage_return_stays_in_its_cell(tmp_path: Path) -> None:
    """The issue's case: "see IP3" CR "=cmd..." in a note, through `codings --format
    csv` and `export csv`, opened as a spreadsheet: one row per coding, nothing runs."""
    study = new_project(tmp_path)
    transcript = tmp_path / "IP1.txt"
    transcript.write_text("IP1: the rent was high.\n", encoding="utf-8")
    succeeded(run("import", study, transcript))
    succeeded(run("code", "--notes=see IP3\r=cmd|' /C calc'!A0", "--", study, "IP1", 5, 23,
                  "Rent"))
    listed = run("codings", study, "--format", "csv")
    succeeded(listed)
    succeeded(run("export", "csv", study, tmp_path / "csv"))
    with open(tmp_path / "csv" / "codings.csv", encoding="utf-8", newline="") as handle:
        exported = handle.read()
    for data in (listed.stdout, exported):
        rows = _as_a_spreadsheet_reads(data)
        assert len(rows) == 2, rows  # the header and the one coding
        assert not any(_runs_as_formula(cell) for row in rows for cell in row)
        assert "see IP3\r=cmd|' /C calc'!A0" in rows[1]
