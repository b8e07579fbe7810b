"""Intercoder agreement (`qcode agreement`) and the coder list (`qcode coders`).

The character-level figures follow NVivo's coding comparison: every character of a
source is a unit; agreement % = (both + neither) / characters; Cohen's kappa =
(TA - EF) / (TU - EF) with EF = (cA*cB + uA*uB) / TU.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result

from qcode import api
from qcode.cli.main import cli
from qcode.reports.agreement import (
    ALL_CODES,
    ALL_SOURCES,
    NOT_CODED,
    Counts,
    agreement,
    segments_match,
)
from qcode.services.axial import link
from qcode.services.coding import CodingRequest, code_span
from qcode.services.memos import add_memo
from qcode.services.project import Project, init_project
from qcode.services.sources import NewSource, add_source

SENTENCE = "The families chose the layout themselves and built a second room later. "
TEXT_1000 = (SENTENCE * 20)[:1000]
TEXT_500 = ("Interviewer: And the costs? IP4: The subsidy covered the foundations. " * 10)[:500]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def add(project: Project, name: str, text: str) -> None:
    add_source(project, NewSource(name=name, text=text, format="txt"))


def code(project: Project, coder: str, start: int, end: int, code_name: str = "Self-management",
         source: str = "IP1") -> None:
    code_span(project, CodingRequest(source=source, start=start, end=end, code=code_name,
                                     coder=coder))


def row(table: object, code_name: str, source: str) -> dict[str, object]:
    found = table[(table["code"] == code_name) & (table["source"] == source)]  # type: ignore[index]
    assert len(found) == 1, found
    return dict(found.iloc[0])


def hand_kappa(total: int, both: int, a_only: int, b_only: int) -> float:
    """Cohen's kappa written out from the definition, for checking."""
    neither = total - both - a_only - b_only
    coded_a, coded_b = both + a_only, both + b_only
    agree = both + neither
    expected = (coded_a * coded_b + (total - coded_a) * (total - coded_b)) / total
    return (agree - expected) / (total - expected)


# --- the formulas ------------------------------------------------------------------


def test_kappa_is_one_where_chance_agreement_is_everything() -> None:
    # Neither coder coded the code here: TU == EF, and NVivo reports kappa 1.
    assert Counts(neither=1000).kappa() == 1
    assert Counts(both=1000).kappa() == 1
    assert Counts(neither=1000).agreement_pct() == 100


@pytest.mark.parametrize(("a", "b", "overlap", "agrees"), [
    ((0, 100), (10, 100), 90, True),    # 90 of the longer 100: exactly 90%
    ((0, 100), (11, 100), 90, False),   # 89%
    ((0, 100), (11, 100), 89, True),
    ((0, 100), (0, 111), 90, True),     # 100 shared of the longer 111: 90.1%
    ((0, 100), (0, 112), 90, False),    # 100 of 112: 89.3%, the longer span decides
    ((0, 100), (100, 200), 1, False),   # touching is not overlapping
])
def test_segment_overlap_rule_at_its_boundary(a: tuple[int, int], b: tuple[int, int],
                                              overlap: int, agrees: bool) -> None:
    assert segments_match(a, b, overlap) is agrees
    assert segments_match(b, a, overlap) is agrees


# --- store-backed, on SQLite and PostgreSQL ----------------------------------------


def test_the_worked_example_gives_85_percent(project: Project) -> None:
    add(project, "IP1", TEXT_1000)
    code(project, "ana", 0, 150)    # ana: 150 characters
    code(project, "ana", 20, 60)    # inside her first quote: counts once
    code(project, "ben", 100, 200)  # ben: 100; both 50, one only 150, neither 800
    found = agreement(project, "ana", "ben")
    cell = row(found.characters, "Self-management", "IP1")
    assert (cell["characters"], cell["both"], cell["neither"]) == (1000, 50, 800)
    assert (cell["a_only"], cell["b_only"]) == (100, 50)
    assert cell["agreement_pct"] == 85.0
    # EF = (150*100 + 850*900) / 1000 = 780; kappa = (850 - 780) / (1000 - 780)
    assert hand_kappa(1000, 50, 100, 50) == pytest.approx(70 / 220)
    assert cell["kappa"] == pytest.approx(70 / 220, abs=1e-4)


def test_perfect_agreement_is_100_percent_and_kappa_1(project: Project) -> None:
    add(project, "IP1", TEXT_1000)
    for coder in ("ana", "ben"):
        code(project, coder, 100, 300)
        code(project, coder, 500, 520, "Affordability")
    found = agreement(project, "ana", "ben")
    for code_name in ("Self-management", "Affordability"):
        cell = row(found.characters, code_name, "IP1")
        assert (cell["agreement_pct"], cell["kappa"]) == (100.0, 1.0)
    overall = row(found.characters, ALL_CODES, ALL_SOURCES)
    assert (overall["agreement_pct"], overall["kappa"]) == (100.0, 1.0)
    segments = found.segments.set_index("code")
    assert segments.loc[ALL_CODES, "matched"] == 2
    assert segments.loc[ALL_CODES, "agreement_pct"] == 100.0
    assert found.disagreements.empty


def test_no_overlap_gives_kappa_at_most_zero(project: Project) -> None:
    add(project, "IP1", TEXT_1000)
    code(project, "ana", 0, 100)
    code(project, "ben", 500, 600)
    found = agreement(project, "ana", "ben")
    cell = row(found.characters, "Self-management", "IP1")
    assert cell["both"] == 0 and cell["agreement_pct"] == 80.0
    assert cell["kappa"] <= 0
    assert cell["kappa"] == pytest.approx(hand_kappa(1000, 0, 100, 100), abs=1e-4)
    (segments,) = found.segments[found.segments["code"] == "Self-management"].to_dict("records")
    assert (segments["matched"], segments["a_only"], segments["b_only"]) == (0, 1, 1)
    assert segments["agreement_pct"] == 0
    # Each coding is listed against "(not coded)": the other coder has nothing there.
    listed = found.disagreements.to_dict("records")
    assert [(r["a_text"], r["b_text"]) for r in listed] == [
        (TEXT_1000[0:100], NOT_CODED), (NOT_CODED, TEXT_1000[500:600])]


def test_the_overlap_threshold_decides_a_match(project: Project) -> None:
    add(project, "IP1", TEXT_1000)
    code(project, "ana", 0, 100)
    code(project, "ben", 11, 100)  # shares 89 characters of the longer 100
    at_90 = agreement(project, "ana", "ben").segments.set_index("code")
    at_89 = agreement(project, "ana", "ben", overlap=89).segments.set_index("code")
    assert at_90.loc["Self-management", "matched"] == 0
    assert at_89.loc["Self-management", "matched"] == 1
    assert at_89.loc["Self-management", "agreement_pct"] == 100.0


def test_pooling_sums_the_counts_over_sources(project: Project) -> None:
    add(project, "IP1", TEXT_1000)
    add(project, "IP2", TEXT_500)
    code(project, "ana", 0, 150)
    code(project, "ben", 100, 200)
    code(project, "ana", 0, 100, source="IP2")
    code(project, "ben", 0, 100, source="IP2")
    found = agreement(project, "ana", "ben")
    assert row(found.characters, "Self-management", "IP2")["kappa"] == 1.0
    pooled = row(found.characters, "Self-management", ALL_SOURCES)
    assert (pooled["characters"], pooled["both"], pooled["a_only"], pooled["b_only"],
            pooled["neither"]) == (1500, 150, 100, 50, 1200)
    assert pooled["agreement_pct"] == 90.0
    # Kappa of the summed counts, not the mean of the two sources' kappas.
    assert pooled["kappa"] == pytest.approx(hand_kappa(1500, 150, 100, 50), abs=1e-4)
    assert row(found.characters, ALL_CODES, ALL_SOURCES)["characters"] == 1500
    segments = found.segments.set_index("code")
    assert segments.loc["Self-management", ["a_codings", "b_codings", "matched"]].tolist() == [
        2, 2, 1]
    assert segments.loc["Self-management", "agreement_pct"] == 50.0


def test_by_default_only_sources_both_coders_have_coded(project: Project) -> None:
    add(project, "IP1", TEXT_1000)
    add(project, "IP2", TEXT_500)
    code(project, "ana", 0, 100)
    code(project, "ben", 0, 100)
    code(project, "ana", 0, 50, source="IP2")  # ben has not reached IP2 yet
    found = agreement(project, "ana", "ben")
    assert set(found.characters["source"]) == {"IP1", ALL_SOURCES}
    assert any("1 coded by only one of them left out" in line for line in found.scope)
    named = agreement(project, "ana", "ben", sources=["IP1", "IP2"], codes=["self management"])
    assert row(named.characters, "Self-management", "IP2")["a_only"] == 50


def test_coders_lists_everyone_with_their_counts(project: Project) -> None:
    add(project, "IP1", TEXT_1000)
    code(project, "ana", 0, 100)
    code(project, "ana", 0, 100, "Affordability")  # the same quote, a second code
    code(project, "ana", 200, 300)
    code(project, "ben", 0, 100)
    with project.transaction() as session:
        link(session, "Self-management", "Affordability", "cause", coder="ana")
        add_memo(session, "Codebook doubts", "Affordability vs costs", coder="ben")
        add_memo(session, "Journal", coder="ben")
    table = api.coders(project).set_index("coder")
    assert table.loc["ana", ["codings", "quotes", "links", "memos"]].tolist() == [3, 2, 1, 0]
    assert table.loc["ben", ["codings", "quotes", "links", "memos"]].tolist() == [1, 1, 0, 2]
    assert table.loc["ana", "first_coding"] <= table.loc["ana", "last_coding"]
    # Whoever imported the source is a coder too, with no codings yet.
    assert table.loc["tester", "codings"] == 0 and table["first_coding"].isna()["tester"]


# --- the CLI -----------------------------------------------------------------------


@pytest.fixture
def team(location: str) -> str:
    """IP1 coded by ana and ben: agreement on one code, a near miss on another."""
    with init_project(location, name="Team study") as project:
        add(project, "IP1", TEXT_1000)
        code(project, "ana", 0, 150)
        code(project, "ben", 100, 200)
        code(project, "ana", 300, 400, "Affordability")
        code(project, "ben", 300, 400, "Affordability")
    return location


def test_agreement_as_json_says_how_each_figure_was_computed(team: str) -> None:
    result = run("agreement", team, "--coders", "ana", "ben", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["coders"] == {"a": "ana", "b": "ben"}
    assert "NVivo" in report["characters"]["method"]
    assert "approximation" in report["segments"]["method"]
    assert "90%" in report["segments"]["method"]
    (cell,) = [r for r in report["characters"]["rows"]
               if (r["code"], r["source"]) == ("Self-management", "IP1")]
    assert (cell["agreement_pct"], cell["kappa"]) == (85.0, 0.3182)
    assert {r["code"]: r["matched"] for r in report["segments"]["rows"]} == {
        "Affordability": 1, "Self-management": 0, ALL_CODES: 1}


def test_agreement_table_has_a_method_line_per_figure(team: str) -> None:
    result = run("agreement", team, "--coders", "ana", "ben", "--code", "Self-management")
    assert result.exit_code == 0, result.output
    # Kappa, segment overlap, and Krippendorff's alpha per code and over the codes.
    assert result.stdout.count("Method: ") == 4
    assert "approximation" in result.stdout and "Cohen's kappa" in result.stdout
    assert "|uα" in result.stdout
    assert "Affordability" not in result.stdout
    csv = run("agreement", team, "--coders", "ana", "ben", "--only", "characters",
              "--format", "csv").stdout.splitlines()
    assert csv[0].startswith("# Character-level") and csv[1].startswith("# method: ")
    assert csv[2] == "code,source,characters,both,a_only,b_only,neither,agreement_pct,kappa"
    assert "Self-management,IP1,1000,50,100,50,800,85,0.3182" in csv


def test_disagreements_side_by_side(team: str) -> None:
    result = run("agreement", team, "--coders", "ana", "ben", "--disagreements", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert "characters" not in report
    (listed,) = report["disagreements"]["rows"]
    assert (listed["source"], listed["code"]) == ("IP1", "Self-management")
    assert (listed["a_text"], listed["b_text"]) == (TEXT_1000[0:150], TEXT_1000[100:200])
    assert listed["overlap_pct"] == pytest.approx(33.3)
    table = run("agreement", team, "--coders", "ana", "ben", "--disagreements",
                "--overlap", "50", "--format", "markdown")
    assert "| source | code | a_start |" in table.stdout


def test_agreement_workbook_has_every_table(team: str, tmp_path: object) -> None:
    import pandas as pd

    out = f"{tmp_path}/agreement.xlsx"
    result = run("agreement", team, "--coders", "ana", "ben", "-o", out)
    assert result.exit_code == 0, result.output
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == ["characters", "segments", "alpha_codes", "alpha_categories",
                            "disagreements", "method"]
    assert row(sheets["characters"], "Self-management", "IP1")["agreement_pct"] == 85


def test_agreement_errors_are_one_line(team: str) -> None:
    unknown = run("agreement", team, "--coders", "ana", "zoe")
    assert unknown.exit_code == 1
    assert unknown.stderr.strip() == ("qcode: error: no coder named 'zoe'; "
                                      "`qcode coders` lists them")
    same = run("agreement", team, "--coders", "ana", "ana")
    assert same.exit_code == 1 and "'ana' twice; compare different coders" in same.stderr
    alone = run("agreement", team, "--coders", "ana")
    assert alone.exit_code == 1 and "at least two coders" in alone.stderr


def test_coders_command_in_every_format(team: str) -> None:
    rows = json.loads(run("coders", team, "--json").stdout)
    assert [(r["coder"], r["codings"], r["quotes"]) for r in rows] == [
        ("ana", 2, 2), ("ben", 2, 2), ("tester", 0, 0)]
    assert rows[0]["first_coding"] and rows[2]["last_coding"] is None
    csv = run("coders", team, "--format", "csv").stdout.splitlines()
    assert csv[0] == "coder,codings,quotes,links,memos,first_coding,last_coding"
    assert csv[3] == "tester,0,0,0,0,,"
    assert "| ana | 2 | 2 | 0 | 0 |" in run("coders", team, "--format", "markdown").stdout
    assert "ben" in run("coders", team).stdout
