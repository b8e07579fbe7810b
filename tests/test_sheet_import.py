"""`qcode sheet import`: the researcher's sheet anchored back to the transcripts."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook

import qcode.ingest.sheet_import as sheet_import
from qcode.cli.main import cli
from qcode.errors import InputError
from qcode.ingest.sheet_import import import_sheets
from qcode.services.codebook import list_codes, list_subdivisions
from qcode.services.coding import CodingRow, list_codings
from qcode.services.project import Project, init_project
from qcode.services.sources import NewSource, add_source

IP1 = (
    "Interviewer: Tell me about the rules.\n\n"
    "IP1: The rules changed in 2019, and we lost a whole year. Nobody told us.\n"
    "The families kept asking me when the money would come.\n\n"
    "Interviewer: And the technicians?\n\n"
    "IP1: They came every week - uh - to check the walls. Nobody told us.\n"
)
IP2 = (
    "Interviewer: What about land?\n\n"
    "IP2: Land is the problem. The families kept asking me when the money would come.\n"
    "We have no serviced plots left in the city, only on the periphery.\n"
)
HEADER = ["quote", "code", "emphasis", "subdivision", "other subdivisions", "notes"]


@pytest.fixture
def study(project: Project) -> Project:
    for name, text in (("IP1_interview", IP1), ("IP2_interview", IP2)):
        add_source(project, NewSource(name=name, text=text, format="txt",
                                      original_filename=f"{name}.txt"))
    return project


def write_csv(path: Path, rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def by_code(project: Project) -> dict[str, CodingRow]:
    return {c.code: c for c in list_codings(project)}


def test_every_kind_of_difference_lands_on_exact_offsets(study: Project, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "coding.csv", [
        ["The rules changed in 2019, and we lost a whole year.", "Rule changes", "angry",
         "Programme rules", "Duration and timing; Bureaucracy", "vgl. IP3"],
        ["they came every week – uh – to check", "Supervision", "", "Construction supervision",
         "", ""],
        ["the rules changed in 2019 (...) Nobody told us.", "Elided", "", "", "", ""],
        ["They [the technicians] came every week", "Inserted", "", "", "", ""],
        ["The families kept\r\nasking me", "Whitespace", "", "", "", ""],
        ["We have no servised plots left in the city", "Misspelt", "", "", "", ""],
    ])
    report = import_sheets(study, [sheet])
    assert (report.rows, report.codings, report.anchored, report.unanchored) == (6, 6, 5, 1)
    got = by_code(study)
    assert (got["Rule changes"].start, got["Rule changes"].end) == span(
        IP1, "The rules changed in 2019, and we lost a whole year.")
    assert got["Rule changes"].other_subdivisions == ["Bureaucracy", "Duration and timing"]
    assert (got["Supervision"].start, got["Supervision"].end) == span(
        IP1, "They came every week - uh - to check")
    assert (got["Elided"].start, got["Elided"].end) == span(
        IP1, "The rules changed in 2019, and we lost a whole year. Nobody told us.")
    assert (got["Inserted"].start, got["Inserted"].end) == span(IP1, "They came every week")
    assert (got["Misspelt"].source, got["Misspelt"].start, got["Misspelt"].end) == (
        "IP2_interview", *span(IP2, "We have no serviced plots left in the city"))
    assert got["Misspelt"].anchor == "fuzzy"
    # The quote in both transcripts, with no source column: kept, not guessed.
    assert got["Whitespace"].anchor == "unanchored"
    assert got["Whitespace"].text == "The families kept\nasking me"
    unplaced = [i for i in report.items if i.status == "unanchored"]
    assert {i.stored for i in report.items} == {"new"}
    assert [(i.row, i.reason[:9], len(i.candidates)) for i in unplaced] == [(6, "ambiguous", 2)]


def test_a_source_or_case_column_says_where_to_look(study: Project, tmp_path: Path) -> None:
    quote = "The families kept asking me when the money would come."
    sheet = write_csv(tmp_path / "coding.csv", [
        [quote, "By source", "", "", "", "", "IP2_interview.txt"],
        [quote, "By name", "", "", "", "", "ip1_interview"],
    ], header=[*HEADER, "Source"])
    import_sheets(study, [sheet])
    got = by_code(study)
    assert (got["By source"].source, got["By source"].start) == ("IP2_interview",
                                                                  IP2.index(quote))
    assert (got["By name"].source, got["By name"].start) == ("IP1_interview", IP1.index(quote))


def test_one_sheet_per_case_in_any_column_order_with_synonyms(
    study: Project, tmp_path: Path
) -> None:
    from qcode.services.cases import CaseRow, apply_manifest

    apply_manifest(study, [CaseRow("IP1"), CaseRow("IP2")])
    quote = "The families kept asking me when the money would come."
    book = write_xlsx(tmp_path / "coding.xlsx", {
        "IP1": [["Study: housing"], [],
                ["Memo", "Category", "Code", "Citation", "Sub-category"],
                ["first", "Programme rules", "Waiting", quote, "Bureaucracy, Trust"],
                [None, "Trust", "Asking", None, None]],
        "IP2": [["Citation", "Code"], [quote, "Waiting"]],
        "Notes": [["nothing to see"]],
    })
    report = import_sheets(study, [book])
    assert (report.rows, report.anchored) == (3, 3)
    rows = sorted((c.source, c.code, c.start, c.subdivision, tuple(c.other_subdivisions), c.notes)
                  for c in list_codings(study))
    assert rows == [
        ("IP1_interview", "Asking", IP1.index(quote), "Trust", (), None),
        ("IP1_interview", "Waiting", IP1.index(quote), "Programme rules",
         ("Bureaucracy", "Trust"), "first"),
        ("IP2_interview", "Waiting", IP2.index(quote), None, (), None),
    ]


def test_continuation_rows_are_further_codes_on_the_quote_above(
    study: Project, tmp_path: Path
) -> None:
    sheet = write_csv(tmp_path / "coding.csv", [
        ["Land is the problem.", "Land scarcity", "strong", "Land provision", "", ""],
        ["", "Crowded homes", "", "Overcrowding", "", "second code"],
        ["", "land-scarcity", "", "", "", "same code again: already there"],
    ])
    report = import_sheets(study, [sheet])
    assert (report.codings, report.already_there) == (2, 1)
    codings = list_codings(study)
    assert {(c.start, c.end) for c in codings} == {span(IP2, "Land is the problem.")}
    assert sorted(c.code for c in codings) == ["Crowded homes", "Land scarcity"]


def test_reimport_adds_nothing_and_unknown_names_are_created_once(
    study: Project, tmp_path: Path
) -> None:
    sheet = write_csv(tmp_path / "coding.csv", [
        ["Land is the problem.", "Self-management", "", "Self determination", "", ""],
        ["Words nobody said at all.", "self management ", "", "", "", ""],
    ])
    first = import_sheets(study, [sheet])
    assert first.created_codes == ["Self-management"]
    assert first.created_subdivisions == ["Self determination"]
    again = import_sheets(study, [sheet])
    assert (again.codings, again.already_there, again.created_codes) == (0, 2, [])
    assert len(list_codings(study)) == 2
    assert [c.name for c in list_codes(study)] == ["Self-management"]


def test_dry_run_reports_everything_and_stores_nothing(study: Project, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "coding.csv", [["Land is the problem.", "Land", "", "S", "", ""]])
    report = import_sheets(study, [sheet], dry_run=True)
    assert (report.dry_run, report.codings, report.anchored) == (True, 1, 1)
    assert list_codings(study) == [] and list_codes(study) == [] and list_subdivisions(study) == []


def test_a_sheet_failing_half_way_leaves_the_project_as_it_was(
    study: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = write_csv(tmp_path / "coding.csv", [
        ["Land is the problem.", "One", "", "", "", ""],
        ["Nobody told us. The families", "Two", "", "", "", ""],
        ["They came every week", "Three", "", "", "", ""],
    ])
    real = sheet_import.add_coding
    calls = []

    def failing(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 3:
            raise InputError("the disk is on fire")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sheet_import, "add_coding", failing)
    with pytest.raises(InputError, match=r"sheet 'coding', row 4: the disk is on fire; nothing"):
        import_sheets(study, [sheet])
    assert list_codings(study) == [] and list_codes(study) == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.xlsx", b"just some text, not a workbook", "not an Excel workbook"),
        ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
         "an Office 97-2003 file"),
        ("coding.pdf", b"%PDF-1.4", "must be .xlsx or .csv"),
    ],
)
def test_files_that_are_not_sheets_are_refused(
    study: Project, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(InputError, match=message):
        import_sheets(study, [tmp_path / name])
    assert list_codings(study) == []


def test_bad_cells_name_their_row_and_column(study: Project, tmp_path: Path) -> None:
    missing = write_csv(tmp_path / "a.csv", [["Land", "x"]], header=["text body", "code"])
    with pytest.raises(InputError, match="no sheet \\('a'\\) has a header row with 'quote'"):
        import_sheets(study, [missing])
    no_code = write_csv(tmp_path / "b.csv", [["Land is the problem.", "Land", "", "", "", ""],
                                             ["Nobody told us.", "", "", "", "", ""]])
    with pytest.raises(InputError, match=r"sheet 'b', row 3, column B \(code\): the code is empty"):
        import_sheets(study, [no_code])
    orphan = write_csv(tmp_path / "c.csv", [["", "Land", "", "", "", ""]])
    with pytest.raises(InputError, match=r"row 2, column A \(quote\): .*no quote above"):
        import_sheets(study, [orphan])
    assert list_codings(study) == []


def test_a_large_sheet_imports(tmp_path: Path) -> None:
    """50,000 rows: a few real quotes, each with many codes (continuation rows).

    On SQLite only: this is about reading and batching a huge sheet, not the store.
    """
    study = init_project(str(tmp_path / "big.qcode"))
    add_source(study, NewSource(name="IP2_interview", text=IP2, format="txt"))
    add_source(study, NewSource(name="IP1_interview", text=IP1, format="txt"))
    quotes = ["Land is the problem.", "Nobody told us.", "They came every week",
              "We have no serviced plots left in the city"]
    rows = []
    for n in range(50_000):
        rows.append([quotes[n % 4] if n % 500 == 0 else "", f"code {n % 250}", "", "", "", ""])
    sheet = write_csv(tmp_path / "big.csv", rows)
    report = import_sheets(study, [sheet])
    assert report.rows == 50_000
    assert report.codings + report.already_there == 50_000
    assert report.codings == len(list_codings(study))
    study.close()


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def test_cli_json_summary_and_unanchored_listing(study: Project, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "coding.csv", [
        ["Land is the problem.", "Land", "", "", "", ""],
        ["words never said", "Lost", "", "", "", "keep me"],
    ])
    result = run("sheet", "import", study.location, str(sheet), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert {k: summary[k] for k in ("rows", "codings", "anchored", "unanchored")} == {
        "rows": 2, "codings": 2, "anchored": 1, "unanchored": 1}
    assert summary["created_codes"] == ["Land", "Lost"]
    first = summary["per_row"][0]
    assert (first["row"], first["source"], first["start"], first["end"], first["score"],
            first["status"]) == (2, "IP2_interview", *span(IP2, "Land is the problem."), 100.0,
                                 "anchored")
    listed = json.loads(run("codings", study.location, "--unanchored", "--json").stdout)
    assert [(r["code"], r["text"], r["notes"], r["start"]) for r in listed] == [
        ("Lost", "words never said", "keep me", None)]
    screen = run("sheet", "import", study.location, str(sheet), "--dry-run")
    assert "dry run, nothing stored: 2 rows: 0 new codings" in screen.stderr
    assert "words never said" not in screen.stdout and "Lost" in screen.stdout


def test_cli_bad_sheet_is_one_line(study: Project, tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_text("not a workbook")
    result = run("sheet", "import", study.location, str(tmp_path / "x.xlsx"))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "not an Excel workbook" in result.stderr


def test_an_unanchored_coding_is_placed_by_hand(study: Project, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "coding.csv", [
        ["Land is the main problem here", "Land", "strong", "Land provision", "", "n"],
        ["", "Scarcity", "", "", "", ""],
        ["Land is the problem.", "Scarcity", "", "", "", ""],
    ])
    import_sheets(study, [sheet])
    lost = json.loads(run("codings", study.location, "--unanchored", "--json").stdout)
    assert sorted(r["code"] for r in lost) == ["Land", "Scarcity"]
    start, end = span(IP2, "Land is the problem.")
    land = next(r["id"] for r in lost if r["code"] == "Land")
    result = run("anchor", study.location, str(land), "IP2_interview", str(start), str(end))
    assert result.exit_code == 0, result.output
    assert json.loads(run("codings", study.location, "--unanchored", "--json").stdout) == []
    rows = sorted((c.code, c.start, c.end, c.emphasis, c.anchor) for c in list_codings(study))
    assert rows == [("Land", start, end, "strong", "exact"),
                    ("Scarcity", start, end, None, "exact")]  # the double was not kept
    again = run("anchor", study.location, str(land), "IP2_interview", "0", "4")
    assert again.exit_code == 1 and "already anchored" in again.stderr


def test_the_sheet_is_recorded_as_the_coder_given(study: Project, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """--coder names whose coding the sheet is, in the codings and in the history; without
    it QCODE_CODER does, and the quote as written in the sheet is listed beside it."""
    sheet = write_csv(tmp_path / "coding.csv", [
        ["Land is the problem.", "Land", "", "", "", ""],
    ])
    assert run("sheet", "import", study.location, str(sheet), "--coder", "maria").exit_code == 0
    [coding] = json.loads(run("codings", study.location, "--json").stdout)
    assert coding["coder"] == "maria"
    [step] = json.loads(run("history", study.location, "--everyone", "--limit", "1",
                            "--json").stdout)
    assert step["coder"] == "maria" and "coding sheet" in step["step"]
    elided = write_csv(tmp_path / "elided.csv", [
        ["We have no serviced plots (...) only on the periphery.", "Soil", "", "", "", ""],
    ])
    monkeypatch.setenv("QCODE_CODER", "ben")
    assert run("sheet", "import", study.location, str(elided)).exit_code == 0
    rows = json.loads(run("codings", study.location, "--json").stdout)
    soil = next(r for r in rows if r["code"] == "Soil")
    assert soil["coder"] == "ben"
    assert soil["text"] == "We have no serviced plots left in the city, only on the periphery."
    assert soil["as_written"] == "We have no serviced plots (...) only on the periphery."
