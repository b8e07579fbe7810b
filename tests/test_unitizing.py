"""Krippendorff's unitizing alpha (`qcode agreement`, two or more coders).

The published check is the book's worked example (Krippendorff, Content Analysis, 4th
ed., 2019, Fig. 12.11): three observers over a continuum of 60, for which the book
gives uα = 0.510, |uα = 0.413 and cuα = 0.724. The segments are the figure's, in
1-based inclusive positions as the book counts them.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from qcode.cli.main import cli
from qcode.reports.unitizing import (
    Tally,
    Unit,
    binary_u_alpha,
    cu_alpha,
    tally,
    u_alpha,
    units_of,
)
from qcode.services.coding import CodingBatch, CodingRequest, add_coding
from qcode.services.project import init_project
from qcode.services.sources import NewSource, add_source

BOOK_LENGTH = 60
BOOK = {  # observer: (first, last, value), positions 1-based and inclusive
    "alex": [(1, 7, "1"), (8, 13, "2"), (31, 32, "5"), (33, 37, "6"), (38, 44, "6"),
             (45, 60, "7")],
    "paul": [(1, 7, "1"), (8, 13, "3"), (14, 21, "5"), (33, 44, "6")],
    "suzan": [(1, 7, "1"), (8, 13, "4"), (14, 21, "5"), (33, 37, "6"), (38, 41, "6"),
              (42, 44, "6")],
}


def book_units() -> list[list[Unit]]:
    return [[Unit(first - 1, last, value) for first, last, value in segments]
            for segments in BOOK.values()]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


# --- the definition ----------------------------------------------------------------


def test_the_books_example_gives_the_published_alphas() -> None:
    counted = tally(BOOK_LENGTH, book_units())
    assert counted.units == 16
    assert sum(counted.observed.values()) == 2 * 3 * BOOK_LENGTH  # (m - 1) * l.., l.. = m * L
    assert u_alpha(counted).value == pytest.approx(0.510, abs=0.002)
    assert binary_u_alpha(counted).value == pytest.approx(0.413, abs=0.002)
    assert cu_alpha(counted).value == pytest.approx(0.724, abs=0.002)


def test_a_hand_computed_pair_of_overlapping_units() -> None:
    # L = 10; one coder marks 0-4, the other 2-6. Coincidences: A-A 4, A-gap 4 each
    # way, gap-gap 8 (l.. = 20), so D_o = 8/20. S_A = 4² + 4² = 32, S_gap = 6 + 6 = 12;
    # e_AA = 20(8² - 32)/(20² - 44), e_gg = 20(12² - 12)/356, so D_e = 48/89.
    counted = tally(10, [[Unit(0, 4, "A")], [Unit(2, 6, "A")]])
    found = u_alpha(counted)
    assert (found.observed, found.expected) == (Fraction(2, 5), Fraction(48, 89))
    assert found.value == pytest.approx(1 - Fraction(2, 5) / Fraction(48, 89))  # 31/120
    assert binary_u_alpha(counted) == found  # one code: binary and nominal coincide


def test_a_code_only_one_coder_used_gives_no_coding_agreement() -> None:
    # Same boundaries; the second half is B for one coder and A for the other. Coded
    # coincidences A-A 10, A-B 5 each way; every unit's pairable length is 5, so
    # e_AA = 20(15² - 75)/(20² - 100) = 10 and e_BB = 0: D_o = D_e = 1/2, cuα = 0.
    counted = tally(10, [[Unit(0, 5, "A"), Unit(5, 10, "B")],
                         [Unit(0, 5, "A"), Unit(5, 10, "A")]])
    found = cu_alpha(counted)
    assert (found.observed, found.expected) == (Fraction(1, 2), Fraction(1, 2))
    assert found.value == 0
    # Nobody left a gap: binary |uα has nothing that varies and is undefined.
    assert binary_u_alpha(counted).value is None


def test_perfect_agreement_is_one_for_every_alpha() -> None:
    same = [Unit(3, 9, "A"), Unit(9, 12, "B"), Unit(20, 31, "A")]
    counted = tally(40, [same, same, same])
    assert u_alpha(counted).value == 1
    assert binary_u_alpha(counted).value == 1
    assert cu_alpha(counted).value == 1


def test_nothing_coded_is_undefined_not_one() -> None:
    counted = tally(50, [[], [], []])
    assert u_alpha(counted).value is None and binary_u_alpha(counted).value is None
    assert cu_alpha(counted).value is None


def test_pooling_is_the_sources_end_to_end_not_a_mean() -> None:
    first = [[Unit(0, 4, "A")], [Unit(2, 6, "A")]]
    second = [[Unit(1, 9, "A")], [Unit(1, 9, "A")]]
    pooled = tally(10, first) + tally(12, second)
    end_to_end = tally(22, [a + [Unit(u.start + 10, u.end + 10, u.value) for u in b]
                            for a, b in zip(first, second, strict=True)])
    assert pooled == end_to_end
    alone = [u_alpha(tally(10, first)).value, u_alpha(tally(12, second)).value]
    assert u_alpha(pooled).value != pytest.approx(sum(alone) / 2)  # type: ignore[arg-type]
    assert tally(10, first) + Tally() == tally(10, first)


def test_a_coders_quotes_become_units() -> None:
    units = units_of({"A": [(0, 10), (5, 15), (15, 20)], "B": [(12, 18)]})
    # A's overlapping quotes join, touching ones stay apart; where B overlaps A the
    # stretch is valued with both.
    assert units == [Unit(0, 12, "A"), Unit(12, 15, "A + B"), Unit(15, 18, "A + B"),
                     Unit(18, 20, "A")]
    assert units_of({"A": [(4, 8), (0, 4)]}) == [Unit(0, 4, "A"), Unit(4, 8, "A")]


@pytest.mark.parametrize("units", [
    [Unit(0, 5, "A"), Unit(4, 8, "B")],   # overlapping units of one coder
    [Unit(8, 12, "A")],                   # past the end of the continuum
])
def test_units_that_break_the_definition_are_refused(units: list[Unit]) -> None:
    with pytest.raises(ValueError):
        tally(10, [units, []])


# --- the command, on a project coded by three coders --------------------------------


@pytest.fixture
def book_project(location: str) -> str:
    """The book's example as codings (codes "value 1".."value 7" filed under "Example"),
    a second source where all three coders agree, and one more code filed elsewhere."""
    with init_project(location, name="Unitizing") as project:
        add_source(project, NewSource(name="Fig 12.11", text="abcdefghij" * 6, format="txt"))
        add_source(project, NewSource(name="IP2", text="klmnopqrst" * 4, format="txt"))
        with project.transaction() as session:
            batch = CodingBatch(session)
            for coder, segments in BOOK.items():
                for first, last, value in segments:
                    add_coding(session, CodingRequest(
                        source="Fig 12.11", start=first - 1, end=last, code=f"value {value}",
                        subdivision="Example", coder=coder), batch=batch)
                add_coding(session, CodingRequest(
                    source="IP2", start=10, end=30, code="value 1", subdivision="Example",
                    coder=coder), batch=batch)
                add_coding(session, CodingRequest(
                    source="IP2", start=0, end=5, code="Elsewhere", subdivision="Other",
                    coder=coder), batch=batch)
    return location


def test_agreement_of_three_coders_reproduces_the_book(book_project: str,
                                                        tmp_path: object) -> None:
    result = run("agreement", book_project, "--coders", "alex", "paul", "suzan",
                 "--subdivision", "Example", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["coders"] == {"a": "alex", "b": "paul", "c": "suzan"}
    assert report["subdivision"] == "Example"
    assert report["categories"] == [f"value {n}" for n in range(1, 8)]  # not "Elsewhere"
    assert "characters" not in report and "segments" not in report  # pairwise only
    assert any("compare two coders" in line for line in report["scope"])
    categories = report["alpha_categories"]
    assert "Krippendorff" in categories["method"] and "pairable" in categories["method"]
    rows = {r["source"]: r for r in categories["rows"]}
    assert list(rows["Fig 12.11"]) == ["source", "characters", "units", "u_alpha",
                                       "binary_u_alpha", "cu_alpha"]
    book = rows["Fig 12.11"]
    assert book["u_alpha"] == pytest.approx(0.510, abs=0.002)
    assert book["binary_u_alpha"] == pytest.approx(0.413, abs=0.002)
    assert book["cu_alpha"] == pytest.approx(0.724, abs=0.002)
    assert rows["IP2"]["u_alpha"] == 1.0
    # Pooled: both sources end to end, computed from the summed coincidences.
    second = [[Unit(10, 30, "1")]] * 3
    pooled = tally(BOOK_LENGTH, book_units()) + tally(40, second)
    assert rows["(all sources)"]["characters"] == 100
    assert rows["(all sources)"]["u_alpha"] == pytest.approx(u_alpha(pooled).value, abs=1e-4)
    assert rows["(all sources)"]["cu_alpha"] == pytest.approx(cu_alpha(pooled).value,
                                                              abs=1e-4)
    per_code = {(r["code"], r["source"]): r for r in report["alpha_codes"]["rows"]}
    assert per_code[("value 6", "Fig 12.11")]["binary_u_alpha"] == 1.0
    assert per_code[("value 6", "Fig 12.11")]["units"] == 6
    assert per_code[("value 2", "IP2")]["binary_u_alpha"] is None  # nobody used it there
    assert list(per_code[("value 2", "IP2")]) == [
        "code", "source", "characters", "units", "d_observed", "d_expected", "binary_u_alpha"]

    # The project named last still works; a pairwise figure for three coders does not.
    csv = run("agreement", "--coders", "alex", "paul", "suzan", book_project,
              "--only", "alpha_categories", "--format", "csv").stdout.splitlines()
    assert csv[0].startswith("# Krippendorff's uα, |uα and cuα over the 8 compared codes")
    assert csv[2] == "source,characters,units,u_alpha,binary_u_alpha,cu_alpha"
    kappa = run("agreement", book_project, "--coders", "alex", "paul", "suzan",
                "--only", "characters")
    assert kappa.exit_code == 1
    assert "--only characters compares two coders" in kappa.stderr

    out = f"{tmp_path}/alpha.xlsx"
    assert run("agreement", book_project, "--coders", "alex", "paul", "suzan",
               "--subdivision", "example", "-o", out).exit_code == 0
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == ["alpha_codes", "alpha_categories", "method"]
    assert sheets["alpha_categories"].loc[0, "cu_alpha"] == pytest.approx(0.724, abs=0.002)
    assert "pairable" in " ".join(sheets["method"]["method"])


def test_two_coders_get_kappa_and_alpha_side_by_side(book_project: str) -> None:
    result = run("agreement", book_project, "--coders", "alex", "paul", "--subdivision",
                 "Example", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("Method: ") == 4
    assert "Elsewhere" not in result.stdout  # --subdivision limits every figure
    missing = run("agreement", book_project, "--coders", "alex", "paul", "--subdivision",
                  "Nowhere")
    assert missing.exit_code == 1 and "Nowhere" in missing.stderr
