"""Co-occurrence, the code-document matrix, saturation and the codebook report."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from qcode.cli.main import cli
from qcode.reports.cooccurrence import cooccurrence
from qcode.reports.mentions import mentions
from qcode.reports.progress import codebook, saturation
from qcode.services.cases import CaseRow, apply_manifest
from qcode.services.coding import CodingRequest, code_span
from qcode.services.project import Project
from qcode.services.sources import NewSource, add_source

TEXT = "Water comes twice a week. The plots are far away. We built one room first."


def at(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


@pytest.fixture
def study(project: Project) -> Project:
    """Three interviews; IP3 was interviewed first, IP1 last."""
    for key in ("IP1", "IP2", "IP3"):
        add_source(project, NewSource(name=f"{key}_interview", text=f"{key}: {TEXT}",
                                      format="txt", original_filename=f"{key}_interview.txt"))
    apply_manifest(project, [
        CaseRow("IP1", attributes={"interview date": ("date", date(2021, 3, 1))}),
        CaseRow("IP2", attributes={"interview date": ("date", date(2021, 2, 1))}),
        CaseRow("IP3", attributes={"interview date": ("date", date(2021, 1, 1))}),
    ])

    def code(key: str, phrase: str, name: str, primary: str, *others: str) -> None:
        start, end = at(phrase)
        shift = len(key) + 2
        code_span(project, CodingRequest(source=f"{key}_interview", start=start + shift,
                                         end=end + shift, code=name, subdivision=primary,
                                         other_subdivisions=others))

    code("IP3", "Water comes twice a week.", "Lack of water", "Water", "Services")
    code("IP3", "Water comes twice a week. The plots", "Distance", "Location")
    code("IP3", "The plots are far away.", "Distance", "Location", "Services")
    code("IP2", "We built one room first.", "Building in stages", "Progressive")
    code("IP2", "Water comes twice a week.", "Lack of water", "Water")
    code("IP1", "We built one room first.", "Building in stages", "Progressive", "Water")
    return project


def cell(table: object, row: str, column: str) -> int:
    frame = table.set_index(table.columns[0])  # type: ignore[attr-defined]
    return int(frame.loc[row, column])


def test_cooccurrence_by_coding_is_symmetric(study: Project) -> None:
    table = cooccurrence(study, "subdivision")
    square = table.set_index("subdivision")
    assert (square.to_numpy() == square.to_numpy().T).all()
    assert cell(table, "Water", "Services") == 1  # one coding filed under both
    assert cell(table, "Location", "Services") == 1
    assert cell(table, "Water", "Location") == 0
    assert cell(table, "Water", "Water") == 3  # the diagonal: Water's own codings


def test_cooccurrence_by_overlap_and_of_codes(study: Project) -> None:
    overlap = cooccurrence(study, "code", "overlap")
    square = overlap.set_index("code")
    assert (square.to_numpy() == square.to_numpy().T).all()
    # IP3: "Water comes..." (Lack of water) overlaps "Water comes... The plots" (Distance).
    assert cell(overlap, "Lack of water", "Distance") == 1
    assert cell(overlap, "Lack of water", "Building in stages") == 0
    same_quote = cooccurrence(study, "code", "coding")
    assert cell(same_quote, "Lack of water", "Distance") == 0


def test_matrix_counts_codings_per_code_and_case(study: Project) -> None:
    table = mentions(study, "code", across="case", unit="codings")
    assert cell(table, "Distance", "IP3") == 2
    assert cell(table, "Building in stages", "IP1") == 1
    assert cell(table, "Total", "Total") == 6
    assert list(table.columns)[1:4] == ["IP3", "IP1", "IP2"] or set(table.columns) >= {
        "IP1", "IP2", "IP3"}


def test_saturation_follows_interview_dates(study: Project) -> None:
    table = saturation(study)
    assert list(table["source"]) == ["IP3_interview", "IP2_interview", "IP1_interview"]
    assert list(table["new_codes"]) == [2, 1, 0]
    assert list(table["total_codes"]) == [2, 3, 3]
    assert list(table["new_subdivisions"]) == [3, 1, 0]
    assert list(table["total_subdivisions"]) == [3, 4, 4]


def test_the_api_gives_every_report(study: Project) -> None:
    from qcode import api

    assert list(api.saturation(study)["total_codes"]) == [2, 3, 3]
    assert "Distance" in set(api.codebook(study)["code"])
    assert list(api.cooccurrence(study).columns) == ["row", "column", "count"]


def test_codebook_report(study: Project) -> None:
    table = codebook(study).set_index("code")
    assert table.loc["Distance", "codings"] == 2
    assert table.loc["Lack of water", "sources"] == 2
    assert table.loc["Distance", "subdivisions"] == ["Location", "Services"]
    assert table.loc["Distance", "first_used"] <= table.loc["Distance", "last_used"]


def test_report_commands(study: Project, tmp_path: Path) -> None:
    runner = CliRunner()
    for args in (["cooccurrence", "--of", "code", "--overlap"], ["matrix", "--columns", "case"],
                 ["saturation", "--chart", str(tmp_path / "s.png")], ["codebook"]):
        result = runner.invoke(cli, ["report", args[0], study.location, *args[1:], "--json"])
        assert result.exit_code == 0, (args, result.output)
        assert json.loads(result.stdout), args
    assert (tmp_path / "s.png").read_bytes().startswith(b"\x89PNG")
    heat = runner.invoke(cli, ["report", "cooccurrence", study.location, "--chart",
                               str(tmp_path / "h.svg")])
    assert heat.exit_code == 0 and b"<svg" in (tmp_path / "h.svg").read_bytes()[:500]
    xlsx = runner.invoke(cli, ["report", "codebook", study.location, "--format", "xlsx",
                               "-o", str(tmp_path / "c.xlsx")])
    assert xlsx.exit_code == 0 and (tmp_path / "c.xlsx").stat().st_size > 0
