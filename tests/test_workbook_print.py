"""The workbook the supervisor opens: a Read me, real dates, sizes that fit the text,
print setup, mention sheets equal to the reports, any number of cases, and pages that
LibreOffice prints whole."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from qcode.cli.main import cli
from qcode.export.xlsx_layout import LINE_POINTS, lines
from qcode.reports.breakdown import group_breakdown
from qcode.reports.mentions import count_mentions
from qcode.services.project import open_project

STAKEHOLDERS = "attribute:stakeholder group"


@pytest.fixture(scope="module")
def demo_workbook(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The demo study and its workbook, exported once through the CLI."""
    folder = tmp_path_factory.mktemp("workbook")
    study = folder / "demo.qcode"
    runner = CliRunner()
    for args in (["demo", str(study)], ["export", "xlsx", str(study), str(folder / "coded.xlsx")]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
    return str(study), folder / "coded.xlsx"


def sheet_rows(sheet: Worksheet) -> list[tuple[object, ...]]:
    return list(sheet.iter_rows(values_only=True))


def test_the_read_me_comes_first_and_says_what_each_sheet_holds(
        demo_workbook: tuple[str, Path]) -> None:
    book = load_workbook(demo_workbook[1])
    assert book.sheetnames[0] == "Read me"
    rows = sheet_rows(book["Read me"])
    assert rows[0][0] == "Housing programmes in San Isidro del Valle (qcode demo)"
    exported = rows[1][1]
    assert isinstance(exported, datetime) and exported.date() == datetime.now().date()
    listed = {row[0]: row for row in rows[5:] if row[0] in book.sheetnames}
    assert set(listed) == set(book.sheetnames) - {"Read me"}
    assert listed["Coding"][2] == book["Coding"].max_row - 1  # the rows it says it has
    assert "IP4" in listed["IP4"][1]
    rules = " ".join(str(row[1]) for row in rows if row[1])
    assert "A mention is one connection between a coding and a subdivision" in rules


def test_the_coding_sheet_keeps_the_layout_then_what_the_sheet_said_and_real_dates(
        demo_workbook: tuple[str, Path]) -> None:
    study, path = demo_workbook
    sheet = load_workbook(path)["Coding"]
    rows = sheet_rows(sheet)
    assert rows[0][:7] == ("quote", "code", "emphasis", "subdivision", "other subdivisions",
                           "notes", "quote as written")
    written = [row for row in rows[1:] if row[6]]
    assert written, "the demo's sheet elides words with (...): some quotes differ"
    assert all(row[6] != row[0] for row in written)
    assert any("(...)" in row[6] for row in written)
    dates = [row[10] for row in rows[1:]]
    assert all(isinstance(d, datetime) for d in dates)
    assert sheet.cell(2, 11).number_format == "yyyy-mm-dd"


def test_rows_are_as_tall_as_their_wrapped_text_and_widths_fit_the_content(
        demo_workbook: tuple[str, Path]) -> None:
    sheet = load_workbook(demo_workbook[1])["Coding"]
    quote_width = sheet.column_dimensions["A"].width
    assert 30 <= quote_width <= 46
    checked = 0
    for row in range(2, sheet.max_row + 1):
        quote = sheet.cell(row, 1).value
        if isinstance(quote, str) and lines(quote, int(quote_width)) >= 3:
            height = sheet.row_dimensions[row].height
            assert height is not None and height >= lines(quote, int(quote_width)) * LINE_POINTS
            checked += 1
    assert checked > 10
    # Narrow columns for short values: the case ("IP1"), the coder ("researcher").
    assert sheet.column_dimensions["I"].width <= 8
    assert sheet.column_dimensions["J"].width <= 13


def test_every_sheet_prints_landscape_one_page_wide_with_its_header_on_each_page(
        demo_workbook: tuple[str, Path]) -> None:
    book = load_workbook(demo_workbook[1])
    for name in ("Coding", "IP3", "Codebook", "Cases", "Mentions by group"):
        sheet = book[name]
        assert sheet.page_setup.orientation == "landscape", name
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, name
        # One page wide (1 is the default, which the file may leave unsaid), any length.
        assert sheet.page_setup.fitToWidth in (None, 1), name
        assert sheet.page_setup.fitToHeight == 0, name
        assert sheet.print_title_rows == "$1:$1", name
        assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
    # The offsets are for scripts and `qcode sheet import`; the page ends at the date.
    assert book["Coding"].print_area == "'Coding'!$A$1:$K$385"


def test_mention_sheets_hold_the_numbers_of_the_reports(
        demo_workbook: tuple[str, Path]) -> None:
    study, path = demo_workbook
    book = load_workbook(path)
    with open_project(study) as project:
        groups = count_mentions(project, "group", decimals=1).rows
        breakdown = group_breakdown(project, decimals=1)
    rows = sheet_rows(book["Mentions by group"])
    assert rows[0] == ("Group", "Mentions", "% of all")
    assert [(g, n, round(p * 100, 1)) for g, n, p in rows[1:len(groups) + 1]] == \
        [(g, n, p) for g, n, p in groups]
    assert rows[len(groups) + 1][:3] == ("Total", sum(n for _, n, _ in groups), 1)

    rows = [r for r in sheet_rows(book["Mentions by subdivision"])[1:] if r[0]]
    assert [(r[0], r[1], r[2], r[3], round(r[4] * 100, 1), round(r[5] * 100, 1))
            for r in rows] == \
        [(b.group, b.factor_group, b.subdivision, b.mentions, b.percent_of_group,
          b.percent_of_all) for b in breakdown]
    inclusion = [r for r in rows if r[0] == "Inclusion criteria"]
    assert {r[1] for r in inclusion} == {"Social approach", "User-centric approach"}
    assert round(sum(r[4] for r in inclusion), 3) == 1

    listed = CliRunner().invoke(cli, ["report", "mentions", study, "--by", "group", "--across",
                                      STAKEHOLDERS, "--format", "json"])
    assert listed.exit_code == 0, listed.output
    expected = {(c["row"], c["column"]): (c["count"], c["percent"])
                for c in json.loads(listed.stdout)}
    rows = sheet_rows(book["Mentions by stakeholder group"])
    header = rows[0]
    across = [h for h in header[1:header.index("Total")]]
    found = {}
    for row in rows[1:]:
        if row[0] in (None, "Total"):
            continue
        for i, column in enumerate(across):
            count, share = row[1 + i], row[len(across) + 2 + i]
            if count:
                found[(row[0], column)] = (count, round(share * 100, 1))
    assert found == expected


def test_each_chart_names_its_axes_and_shows_counts_and_percentages(
        demo_workbook: tuple[str, Path]) -> None:
    with zipfile.ZipFile(demo_workbook[1]) as archive:
        charts = [archive.read(n).decode() for n in sorted(archive.namelist())
                  if n.startswith("xl/charts/chart")]
    headline = next(c for c in charts if "Mentions by group" in c)
    assert "Inclusion criteria" not in headline or "83 (14.9%)" in headline
    assert "83 (14.9%)" in headline  # the largest group: count and share of all
    for chart in charts:
        for axis in ("<c:valAx>", "<c:catAx>"):
            part = chart.split(axis, 1)[1].split(axis.replace("<", "</"), 1)[0]
            assert "<c:title>" in part
        assert "<c:dLbls>" in chart and "%)" in chart


def test_a_workbook_of_600_cases_stays_within_256_open_files(tmp_path: Path) -> None:
    """A sheet per case once kept a temporary file open per sheet: "Too many open files"
    near 1,000 cases on Linux, 256 on macOS."""
    from hostile.check import new_project, run, run_process

    study = new_project(tmp_path)
    folder = tmp_path / "transcripts"
    folder.mkdir()
    people = ["case,file"]
    sheet = ["quote,code,subdivision,source"]
    for n in range(1, 601):
        (folder / f"P{n}.txt").write_text(f"P{n}: the rent was high in year {n}.\n",
                                          encoding="utf-8")
        people.append(f"P{n},P{n}.txt")
        sheet.append(f"the rent was high in year {n}.,Rent,Costs,P{n}")
    (tmp_path / "people.csv").write_text("\n".join(people) + "\n", encoding="utf-8")
    (tmp_path / "sheet.csv").write_text("\n".join(sheet) + "\n", encoding="utf-8")
    done = run("import", study, folder, "--participants", tmp_path / "people.csv")
    assert done.exit_code == 0, done.output
    done = run("sheet", "import", study, tmp_path / "sheet.csv")
    assert done.exit_code == 0, done.output
    out = tmp_path / "coded.xlsx"
    exported = run_process("export", "xlsx", study, out, timeout=300, open_files=256)
    assert exported.returncode == 0, exported.stderr
    book = load_workbook(out, read_only=True)
    # Read me, Coding, a sheet per case, Codebook, Cases and two of mentions.
    assert len(book.sheetnames) == 2 + 600 + 4
    assert book.sheetnames[-1] == "Mentions by subdivision"
    book.close()


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs "
                    "libreoffice-calc-nogui to check that the workbook prints")
    return found


def test_libreoffice_prints_each_sheet_one_page_wide_with_every_column_on_each_page(
        demo_workbook: tuple[str, Path], tmp_path: Path) -> None:
    from pypdf import PdfReader

    program = soffice()
    study, path = demo_workbook
    # A profile of its own: a running LibreOffice (or another test's) would take the job.
    profile = (tmp_path / "profile").as_uri()
    subprocess.run([program, f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180,
                   env={**os.environ, "HOME": str(tmp_path)})
    pages = [page.extract_text() for page in PdfReader(tmp_path / "coded.pdf").pages]
    book = load_workbook(path, read_only=True)
    names = book.sheetnames
    book.close()

    def sheet_of(text: str) -> str:
        # The page header: the study on the left, the sheet's name on the right.
        first = text.splitlines()[0]
        return max((n for n in names if first.endswith(n)), key=len)

    by_sheet: dict[str, int] = {}
    printed = ["quote", "code", "emphasis", "subdivision", "other subdivisions", "notes",
               "quote as written", "source", "case", "coder", "date"]
    for n, text in enumerate(pages, start=1):
        name = sheet_of(text)
        by_sheet[name] = by_sheet.get(name, 0) + 1
        assert f"{n} / {len(pages)}" in text  # page numbers in the footer
        if name == "Coding" or name.startswith("IP"):
            header = next(line for line in text.splitlines() if line.startswith("quote"))
            # Every column on every page: no page of a lone column.
            assert all(title in header for title in printed), (n, header)
    assert set(by_sheet) == set(names)
    # 384 codings on landscape pages of about 25 each (one portrait page per column
    # before: 120 pages for the whole workbook); a case's 32 codings on two or three.
    assert 8 <= by_sheet["Coding"] <= 20
    assert all(by_sheet[f"IP{n}"] <= 3 for n in range(1, 13))
    assert by_sheet["Read me"] == 1
    assert by_sheet["Mentions by group"] == 1
    assert by_sheet["Mentions by stakeholder group"] == 1
    assert len(pages) <= 60


def test_a_spanish_project_reads_its_read_me_in_spanish(tmp_path: Path) -> None:
    runner = CliRunner()
    study = tmp_path / "estudio.qcode"
    transcript = tmp_path / "E1.txt"
    transcript.write_text("E1: el alquiler era muy alto.\n", encoding="utf-8")
    for args in (["init", str(study), "--language", "es"], ["import", str(study), str(transcript)],
                 ["code", str(study), "E1", "4", "28", "Alquiler", "--subdivision", "Costos"],
                 ["export", "xlsx", str(study), str(tmp_path / "codificado.xlsx")]):
        done = runner.invoke(cli, args)
        assert done.exit_code == 0, done.output
    book = load_workbook(tmp_path / "codificado.xlsx")
    said = " ".join(str(cell) for row in sheet_rows(book["Read me"]) for cell in row if cell)
    assert "Una mención es una conexión entre una codificación y una subdivisión" in said
    assert sheet_rows(book["Mentions by group"])[0] == ("Grupo", "Menciones", "% del total")


def test_an_unknown_attribute_for_the_crosstab_is_one_line_and_writes_nothing(
        demo_workbook: tuple[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "coded.xlsx"
    result = CliRunner().invoke(cli, ["export", "xlsx", demo_workbook[0], str(out),
                                      "--across", "favourite colour"])
    assert result.exit_code == 1
    assert "no case attribute 'favourite colour'" in result.output
    assert "stakeholder group" in result.output  # the attributes it has
    assert not out.exists()
