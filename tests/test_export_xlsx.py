"""`qcode export xlsx`: the supervisor's workbook, safe to open, and read back exactly."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from qcode.cli.main import cli
from qcode.ingest.sheet_import import import_sheets
from qcode.services.cases import CaseRow, apply_manifest
from qcode.services.coding import CodingRequest, code_span, list_codings
from qcode.services.project import Project, init_project
from qcode.services.sources import NewSource, add_source

TEXTS = {
    "IP1_interview": "IP1: =1+1 is what they wrote on the form. We waited. We waited.\n",
    "IP2_interview": "IP2: @home we build slowly. -Nobody helps. +49 is my number.\n",
}


def fill(project: Project) -> None:
    for name, text in TEXTS.items():
        add_source(project, NewSource(name=name, text=text, format="txt",
                                      original_filename=f"{name}.txt"))
    apply_manifest(project, [CaseRow("IP1", attributes={"group": ("text", "NGO")}),
                             CaseRow("IP2", attributes={"group": ("text", "=cmd|' /C calc'!A0")})])

    def code(source: str, phrase: str, name: str, nth: int = 0, **extra: object) -> None:
        text = TEXTS[source]
        start = -1
        for _ in range(nth + 1):
            start = text.index(phrase, start + 1)
        code_span(project, CodingRequest(source=source, start=start, end=start + len(phrase),
                                         code=name, **extra))  # type: ignore[arg-type]

    code("IP1_interview", "=1+1 is what they wrote", "Paperwork", subdivision="Bureaucracy",
         other_subdivisions=["Programme rules"], emphasis="=HYPERLINK(\"http://x\")",
         notes="+ironic", coder="ana")
    code("IP1_interview", "=1+1 is what they wrote", "Forms", subdivision="Bureaucracy",
         coder="ben")
    code("IP1_interview", "We waited.", "Waiting", nth=1, coder="ana")  # twice in the text
    code("IP2_interview", "@home we build slowly.", "Building in stages", coder="ana")
    code("IP2_interview", "-Nobody helps.", "Alone", subdivision="Community cohesion",
         coder="ana")


@pytest.fixture
def workbook(project: Project, tmp_path: Path) -> Path:
    fill(project)
    out = tmp_path / "coded.xlsx"
    result = CliRunner().invoke(cli, ["export", "xlsx", project.location, str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_the_workbook_has_the_researchers_layout_and_sheets(workbook: Path) -> None:
    book = load_workbook(workbook)
    # The cases' "group" attribute is taken for the stakeholder group: a crosstab by it.
    assert book.sheetnames == ["Read me", "Coding", "IP1", "IP2", "Codebook", "Cases",
                               "Mentions by group", "Mentions by subdivision",
                               "Mentions by stakeholder group"]
    coding = book["Coding"]
    rows = list(coding.iter_rows(values_only=True))
    assert rows[0] == ("quote", "code", "emphasis", "subdivision", "other subdivisions",
                       "notes", "quote as written", "source", "case", "coder", "date",
                       "start", "end")
    assert rows[1][:2] == ("=1+1 is what they wrote", "Paperwork")
    assert rows[2][:2] == (None, "Forms")  # a further code on the quote above
    assert rows[1][4] == "Programme rules" and rows[1][9] == "ana"
    assert coding.freeze_panes == "A2" and coding.auto_filter.ref
    assert len(rows) - 1 == 5


def test_formula_like_cells_are_text_never_formulas(workbook: Path) -> None:
    book = load_workbook(workbook)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row
             if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert {c.value for c in cells} >= {"=1+1 is what they wrote", '=HYPERLINK("http://x")',
                                        "+ironic", "@home we build slowly.", "-Nobody helps.",
                                        "=cmd|' /C calc'!A0"}
    assert all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(workbook) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist()
                  if n.startswith("xl/worksheets/sheet")]
    assert not any("<f>" in xml for xml in sheets)


def test_mention_sheets_carry_native_bar_charts(workbook: Path) -> None:
    with zipfile.ZipFile(workbook) as archive:
        charts = sorted(n for n in archive.namelist() if n.startswith("xl/charts/chart"))
        xml = [archive.read(n).decode() for n in charts]
    # The headline chart, then one per group: Bureaucracy, Programme rules, Community
    # cohesion, and the codings filed under no subdivision; then the crosstab's.
    assert len(charts) == 6
    assert all("<c:barChart>" in chart for chart in xml)


def test_sheet_import_of_the_export_gives_the_same_codings(
    project: Project, workbook: Path, tmp_path: Path
) -> None:
    with init_project(str(tmp_path / "copy.qcode")) as copy:
        for name, text in TEXTS.items():
            add_source(copy, NewSource(name=name, text=text, format="txt",
                                       original_filename=f"{name}.txt"))
        report = import_sheets(copy, [workbook])
        assert report.unanchored == 0

        def key(rows: list) -> set:  # type: ignore[type-arg]
            return {(r.source, r.start, r.end, r.code, r.emphasis, r.notes, r.subdivision,
                     tuple(r.other_subdivisions), r.coder) for r in rows}

        assert key(list_codings(copy)) == key(list_codings(project))
        again = import_sheets(copy, [workbook])
        assert again.codings == 0


def test_csv_and_markdown_exports(project: Project, tmp_path: Path) -> None:
    fill(project)
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "csv", project.location, str(tmp_path / "csv")])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "csv").iterdir())
    assert names == ["cases.csv", "codebook.csv", "codings.csv", "mentions_by_group.csv",
                     "mentions_by_subdivision.csv", "saturation.csv"]
    text = (tmp_path / "csv" / "codings.csv").read_text(encoding="utf-8")
    # The columns of `qcode codings --format csv`: one schema, and a coding sheet.
    listed = runner.invoke(cli, ["codings", project.location, "--format", "csv"]).stdout
    assert text.replace("\r\n", "\n") == listed.replace("\r\n", "\n")
    assert text.startswith("text,code,emphasis,subdivision,other_subdivisions,notes,as_written")
    with init_project(str(tmp_path / "copy.qcode")) as copy:
        for name, body in TEXTS.items():
            add_source(copy, NewSource(name=name, text=body, format="txt",
                                       original_filename=f"{name}.txt"))
        assert import_sheets(copy, [tmp_path / "csv" / "codings.csv"]).unanchored == 0
        assert len(list_codings(copy)) == len(list_codings(project))
    report = runner.invoke(cli, ["export", "markdown", project.location, str(tmp_path / "md")])
    assert report.exit_code == 0, report.output
    markdown = (tmp_path / "md" / "report.md").read_text(encoding="utf-8")
    assert "## Mentions by group" in markdown and "![Mentions by group](overview.png)" in markdown
    assert (tmp_path / "md" / "overview.png").read_bytes().startswith(b"\x89PNG")


def test_a_case_without_an_attribute_and_markup_like_quotes_export(project: Project,
                                                                    tmp_path: Path) -> None:
    text = "IP3: <r>rich</r> is what the form said. Nothing else.\n"
    add_source(project, NewSource(name="IP3_interview", text=text, format="txt",
                                  original_filename="IP3_interview.txt"))
    fill(project)
    # IP3 has a number where the others have none, and no "group" at all.
    apply_manifest(project, [CaseRow("IP3", files=["IP3_interview.txt"],
                                     attributes={"age": ("number", 41.0)})])
    quote = "<r>rich</r> is what the form said."
    code_span(project, CodingRequest(source="IP3_interview", start=5, end=5 + len(quote),
                                     code="Markup"))
    out = tmp_path / "coded.xlsx"
    result = CliRunner().invoke(cli, ["export", "xlsx", project.location, str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    cases = {row[0]: row for row in book["Cases"].iter_rows(min_row=2, values_only=True)}
    assert set(cases) == {"IP1", "IP2", "IP3"}
    quotes = [row[0] for row in book["Coding"].iter_rows(min_row=2, values_only=True)]
    assert quote in quotes


def test_a_quote_longer_than_an_excel_cell_is_cut_visibly_and_said(tmp_path: Path) -> None:
    """Excel holds 32,767 characters a cell: a whole-transcript quote is cut, and says so."""
    runner = CliRunner()
    study, transcript = tmp_path / "study.qcode", tmp_path / "IP1_long.txt"
    words = " ".join(f"word{n}" for n in range(6000))  # about 46,000 characters
    transcript.write_text(f"IP1: {words}\n", encoding="utf-8")
    for args in (["init", str(study)], ["import", str(study), str(transcript)],
                 ["code", str(study), "IP1_long", "5", str(5 + len(words)), "Whole answer"]):
        done = runner.invoke(cli, args)
        assert done.exit_code == 0, done.output
    out = tmp_path / "coded.xlsx"
    exported = runner.invoke(cli, ["export", "xlsx", str(study), str(out)])
    assert exported.exit_code == 0, exported.output
    assert "1 quote is longer than Excel's 32,767 characters" in exported.stderr
    sheet = load_workbook(out, read_only=True)["Coding"]
    quote = next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))[0]
    assert len(quote) == 32_767
    assert quote.startswith("word0 word1 ")
    assert quote.endswith(f"[... cut: {len(words):,} characters in all; the project holds "
                          "the full text]")
