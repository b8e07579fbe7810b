"""Sets of sources and codes, and each code's place in the codebook, from the command line.

What a researcher does: group the officials' interviews and count only them; put a code
where it belongs before it is used; delete a subdivision without losing the codes in it.
"""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner, Result

from qcode.cli.main import cli

IP1, IP2 = "IP1_state_housing_institute", "IP2_municipal_planning"


def run(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    return result


def as_json(*args: str) -> Any:
    return json.loads(run(*args, "--format", "json").stdout)


def test_a_set_of_sources_counts_as_those_sources(demo_copy: str) -> None:
    run("set-add", demo_copy, "Officials", "--source", IP1, "--source", IP2,
        "--description", "government bodies")
    [listed] = as_json("sets", demo_copy)
    assert listed == {"name": "Officials", "sources": [IP1, IP2], "codes": [],
                      "description": "government bodies"}
    in_set = as_json("report", "mentions", demo_copy, "--by", "group", "--sources-in",
                     "officials")  # names compare as everywhere: case does not matter
    by_name = as_json("report", "mentions", demo_copy, "--by", "group", "--source", IP1,
                      "--source", IP2)
    everything = as_json("report", "mentions", demo_copy, "--by", "group")
    assert in_set == by_name
    assert sum(r["mentions"] for r in in_set) < sum(r["mentions"] for r in everything)


def test_a_set_is_taken_apart_and_deleted_and_each_change_undone(demo_copy: str) -> None:
    run("set-add", demo_copy, "Officials", "--source", IP1, "--source", IP2,
        "--code", "Access to credit")
    run("set-remove", demo_copy, "Officials", "--source", IP2)
    [kept] = as_json("sets", demo_copy)
    assert (kept["sources"], kept["codes"]) == ([IP1], ["Access to credit"])
    run("set-remove", demo_copy, "Officials")
    assert as_json("sets", demo_copy) == []
    run("undo", demo_copy)
    assert [s["name"] for s in as_json("sets", demo_copy)] == ["Officials"]


def test_an_unknown_set_or_member_is_one_line_and_changes_nothing(demo_copy: str) -> None:
    failed = run("report", "mentions", demo_copy, "--sources-in", "Nobody", code=1)
    assert failed.stderr.strip().splitlines() == [
        "qcode: error: no set named 'Nobody'; `qcode sets` lists them"]
    failed = run("set-add", demo_copy, "Officials", "--source", "IP99", code=1)
    assert "no source named 'IP99'" in failed.stderr
    assert as_json("sets", demo_copy) == []  # the set was not made half way


def test_a_code_has_its_place_whether_or_not_it_is_used(demo_copy: str) -> None:
    run("add-code", demo_copy, "Waiting lists")
    codes = {c["name"]: c for c in as_json("codes", demo_copy)}
    assert codes["Waiting lists"]["home"] is None  # defined: at the top level
    assert codes["Access to credit"]["home"] == "Microcredit"  # where it was first filed
    run("move-code", demo_copy, "Waiting lists", "--parent", "Housing subsidy")
    codes = {c["name"]: c for c in as_json("codes", demo_copy)}
    assert codes["Waiting lists"]["home"] == "Housing subsidy"
    run("undo", demo_copy)
    assert {c["name"]: c["home"] for c in as_json("codes", demo_copy)}["Waiting lists"] is None
    failed = run("move-code", demo_copy, "Waiting lists", code=2)
    assert "give either --parent SUBDIVISION or --top" in failed.output


def test_deleting_a_subdivision_keeps_the_codes_that_sat_in_it(demo_copy: str) -> None:
    run("add-subdivision", demo_copy, "Later", "--parent", "Housing subsidy")
    run("add-code", demo_copy, "Waiting lists")
    run("move-code", demo_copy, "Waiting lists", "--parent", "Later")
    run("delete-subdivision", demo_copy, "Later")
    codes = {c["name"]: c["home"] for c in as_json("codes", demo_copy)}
    assert codes["Waiting lists"] == "Housing subsidy"  # one level up, not gone


def test_export_for_a_program_qcode_does_not_know_is_a_usage_error(demo_copy: str,
                                                                    tmp_path: Any) -> None:
    failed = run("export", "qdpx", demo_copy, str(tmp_path / "x.qdpx"), "--for", "atlas",
                 code=2)
    assert "'atlas' is not one of" in failed.output
    assert not (tmp_path / "x.qdpx").exists()


def test_the_codebook_report_says_each_codes_place_and_writes_missing_values_empty(
        demo_copy: str, tmp_path: Any) -> None:
    run("add-code", demo_copy, "Waiting lists")  # no description, no place yet
    book = {row["code"]: row for row in as_json("report", "codebook", demo_copy)}
    assert book["Access to credit"]["place"] == "Financing instruments / Microcredit"
    assert (book["Waiting lists"]["place"], book["Waiting lists"]["description"]) == (
        None, None)
    out = tmp_path / "codebook.xlsx"
    run("report", "codebook", demo_copy, "-o", str(out))  # no NaN cell refused by Excel
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    header = [cell.value for cell in sheet[1]]
    waiting = next(row for row in sheet.iter_rows(values_only=True)
                   if row[0] == "Waiting lists")
    assert waiting[header.index("place")] is None
