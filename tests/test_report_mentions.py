"""Mention counts: the study's published figures reproduced exactly, on both stores."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import new_pg_database
from openpyxl import load_workbook

from qcode import api
from qcode.cli.main import cli
from qcode.reports.mentions import Filters, mentions
from qcode.reports.percent import shares
from qcode.services.cases import CaseRow, apply_manifest
from qcode.services.codebook import CodebookEntry, define_subdivisions
from qcode.services.coding import CodingBatch, CodingRequest, add_coding
from qcode.services.project import Project, init_project
from qcode.services.sources import NewSource, add_source

# The study in domain.md: 1,300 mentions over 11 groups; the four instrument groups
# 844 together (the split among them is ours); inclusion criteria 72 = 40 + 32.
GROUPS = {
    "Financing instruments": 301,
    "Land and location instruments": 214,
    "Technical assistance instruments": 190,
    "Regulatory and planning instruments": 139,
    "Process characteristics": 124,
    "Criticism": 119,
    "Inclusion criteria": 72,
    "Rationale and misconception conflicts": 56,
    "Importance of the assisted process": 42,
    "Most pressing local issues": 25,
}
NO_SUBDIVISION = 18
FACTORS = {"Social approach": 40, "User-centric approach": 32}
QUOTES = 950
INSTRUMENTS = list(GROUPS)[:4]


def leaves() -> list[str]:
    """The subdivision of every one of the 1,282 filed mentions, in a fixed order."""
    names: list[str] = []
    for group, count in GROUPS.items():
        if group == "Inclusion criteria":
            for factor, n in FACTORS.items():
                names += [f"{factor} {i % 3 + 1}" for i in range(n)]
        else:
            names += [f"{group} {i % 4 + 1}" for i in range(count)]
    return names


def build_study(project: Project) -> None:
    entries = []
    for group in GROUPS:
        if group == "Inclusion criteria":
            entries += [CodebookEntry(f"{factor} {i}", group, factor)
                        for factor in FACTORS for i in (1, 2, 3)]
        else:
            entries += [CodebookEntry(f"{group} {i}", group) for i in (1, 2, 3, 4)]
    define_subdivisions(project, entries)
    text = " ".join(f"w{i:04d}" for i in range(QUOTES))
    for key in ("IP1", "IP2"):
        add_source(project, NewSource(name=f"{key}_interview", text=text + f" {key}",
                                      format="txt", original_filename=f"{key}_interview.txt"))
    apply_manifest(project, [
        CaseRow("IP1", attributes={"stakeholder group": ("text", "NGO")}),
        CaseRow("IP2", attributes={"stakeholder group": ("text", "academic")}),
    ])
    # 950 codings: 18 with no subdivision, 932 with a primary, 350 with one other too.
    filed = leaves()
    random.Random(7).shuffle(filed)
    primaries, others = filed[:932], filed[932:]
    for j in range(len(others)):  # a coding cannot be filed twice under one subdivision
        if others[j] == primaries[j]:
            k = next(k for k in range(len(others))
                     if others[k] != primaries[j] and others[j] != primaries[k])
            others[j], others[k] = others[k], others[j]
    with project.transaction() as session:
        batch = CodingBatch(session)
        for i in range(QUOTES):
            primary = primaries[i - NO_SUBDIVISION] if i >= NO_SUBDIVISION else None
            extra = others[i - NO_SUBDIVISION] if NO_SUBDIVISION <= i < 350 + NO_SUBDIVISION \
                else None
            assert extra is None or extra != primary
            add_coding(session, CodingRequest(
                source="IP1_interview" if i % 2 else "IP2_interview",
                start=6 * i, end=6 * i + 5, code=f"code {i % 7}",
                subdivision=primary, other_subdivisions=[extra] if extra else [],
                coder="ana" if i % 3 else "ben",
            ), batch=batch)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def study(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """The study, built once per store for this module (the tests only read it)."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            location = str(tmp_path_factory.mktemp("study") / "study.qcode")
        else:
            location = stack.enter_context(new_pg_database())
        project = stack.enter_context(init_project(location))
        build_study(project)
        yield project


def counts(table: pd.DataFrame, column: str) -> dict[str, tuple[int, float]]:
    return {row[column]: (row["mentions"], row["percent"]) for row in table.to_dict("records")}


def test_the_eleven_groups_reproduce_the_study(study: Project) -> None:
    table = mentions(study, by="group")
    got = counts(table, "group")
    assert {k: v[0] for k, v in got.items()} == {**GROUPS, "(no subdivision)": NO_SUBDIVISION}
    assert table["mentions"].sum() == 1300
    assert table["percent"].sum() == 100
    assert list(table["group"])[-1] == "(no subdivision)"
    assert sum(got[g][0] for g in INSTRUMENTS) == 844
    assert shares([844, 1300 - 844]) == [65.0, 35.0]
    assert got["(no subdivision)"][0] == 18


def test_inclusion_criteria_splits_into_its_factor_groups(study: Project) -> None:
    table = mentions(study, by="group", filters=Filters(subtree="Inclusion criteria"))
    assert counts(table, "group") == {"Social approach": (40, 56.0),
                                      "User-centric approach": (32, 44.0)}
    by_level = mentions(study, by="level:1", filters=Filters(subtree="Inclusion criteria"))
    assert counts(by_level, "level:1") == counts(table, "group")


def test_distinct_counts_quotes_and_subdivisions_roll_up(study: Project) -> None:
    quotes = mentions(study, by="group", distinct_quotes=True)
    assert quotes["mentions"].sum() <= QUOTES + 350
    assert counts(quotes, "group")["(no subdivision)"][0] == 18
    leaves_table = mentions(study, by="subdivision")
    assert leaves_table["mentions"].sum() == 1300
    assert len(leaves_table) == 9 * 4 + 6 + 1


def test_crosstab_totals_equal_the_one_way_totals(study: Project) -> None:
    cross = mentions(study, by="group", across="attribute:stakeholder group")
    one_way = mentions(study, by="group")
    totals = dict(zip(cross["group"], cross["Total"], strict=True))
    assert totals.pop("Total") == 1300
    assert totals == dict(zip(one_way["group"], one_way["mentions"], strict=True))
    by_group = mentions(study, by="attribute:stakeholder group")
    last = cross[cross["group"] == "Total"].iloc[0]
    assert {g: last[g] for g in ("NGO", "academic")} == dict(
        zip(by_group["stakeholder group"], by_group["mentions"], strict=True))


def test_filters(study: Project) -> None:
    ngo = mentions(study, by="case", filters=Filters(attributes=[("stakeholder group", "ngo")]))
    assert list(ngo["case"]) == ["IP1"]
    assert ngo["percent"].tolist() == [100.0]
    ana = mentions(study, by="group", filters=Filters(coders=["ana"]))
    ben = mentions(study, by="group", filters=Filters(coders=["ben"]))
    assert ana["mentions"].sum() + ben["mentions"].sum() == 1300
    one = mentions(study, by="code", filters=Filters(sources=["IP2_interview"]))
    both = mentions(study, by="code")
    assert one["mentions"].sum() < both["mentions"].sum()
    assert mentions(study, by="case", filters=Filters(cases=["ip2"]))["case"].tolist() == ["IP2"]


def test_percentages_always_add_up() -> None:
    assert shares([1, 1, 1]) == [34.0, 33.0, 33.0]
    assert shares([2, 1, 1], decimals=1) == [50.0, 25.0, 25.0]
    assert sum(shares([7, 13, 29, 1, 50, 3], decimals=1)) == pytest.approx(100)
    assert shares([0, 0]) == [0.0, 0.0]


def test_cli_json_and_xlsx(study: Project, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["report", "mentions", study.location, "--by", "group",
                                 "--subtree", "Inclusion criteria", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"group": "Social approach", "mentions": 40, "percent": 56.0},
        {"group": "User-centric approach", "mentions": 32, "percent": 44.0},
    ]
    out = tmp_path / "groups.xlsx"
    saved = runner.invoke(cli, ["report", "mentions", study.location, "--format", "xlsx",
                                "-o", str(out)])
    assert saved.exit_code == 0, saved.output
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("group", "mentions", "percent")
    assert sum(r[1] for r in rows[1:]) == 1300  # type: ignore[misc]
    bad = runner.invoke(cli, ["report", "mentions", study.location, "--by", "colour"])
    assert bad.exit_code == 1 and bad.stderr.startswith("qcode: error: cannot count by")
    no_file = runner.invoke(cli, ["report", "mentions", study.location, "--format", "xlsx"])
    assert no_file.exit_code == 2 and "add -o FILE.xlsx" in no_file.stderr


def test_the_api_returns_dataframes(study: Project) -> None:
    with api.open(study.location) as again:
        table = api.mentions(again, by="code")
        rows = api.codings(again)
    assert list(table.columns) == ["code", "mentions", "percent"]
    assert len(rows) == QUOTES and {"source", "start", "end", "code"} <= set(rows.columns)


def test_charts_have_a_bar_per_row_and_real_files(study: Project, tmp_path: Path) -> None:
    from matplotlib.patches import Rectangle

    from qcode.reports.charts import bar_chart, crosstab_chart, save
    from qcode.services.codebook import factor_groups

    inside = mentions(study, by="subdivision", filters=Filters(subtree="Inclusion criteria"))
    figure = bar_chart(inside, "subdivision", "Inclusion criteria", factor_groups(study))
    axes = figure.axes[0]
    bars = [p for p in axes.patches if isinstance(p, Rectangle)]
    assert len(bars) == 6 and sorted(int(b.get_width()) for b in bars) == sorted(
        inside["mentions"])
    assert {t.get_text() for t in figure.legends[0].get_texts()} == set(FACTORS)
    assert len({b.get_facecolor() for b in bars}) == 2  # coloured by factor group
    labels = {t.get_text() for t in axes.texts}
    assert any(label.endswith("%)") for label in labels)
    save(figure, tmp_path / "inclusion.png")
    assert (tmp_path / "inclusion.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    cross = crosstab_chart(mentions(study, by="group", across="case"), "group", "By case")
    assert len(cross.axes[0].patches) == 11 * 2
    save(cross, tmp_path / "cross.svg")
    assert b"<svg" in (tmp_path / "cross.svg").read_bytes()[:500]


def test_figures_redraws_the_overview_and_every_group(study: Project, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["figures", study.location, str(tmp_path / "figs"),
                                      "--type", "svg"])
    assert result.exit_code == 0, result.output
    drawn = sorted(p.name for p in (tmp_path / "figs").iterdir())
    # the overview, each group, the groups by stakeholder group, the saturation curve
    assert len(drawn) == 1 + len(GROUPS) + 2 and "overview.svg" in drawn
    assert "inclusion-criteria.svg" in drawn
    chart = CliRunner().invoke(cli, ["report", "mentions", study.location,
                                     "--chart", str(tmp_path / "x.gif")])
    assert chart.exit_code == 1 and "a chart is written as .png" in chart.stderr


def test_level_0_is_the_group_level_as_the_help_says(built_demo: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(cli, ["report", "mentions", "--help"]).stdout
    assert "level:0 is the groups" in " ".join(shown.split())
    by_group = runner.invoke(cli, ["report", "mentions", str(built_demo), "--json"])
    level_0 = runner.invoke(cli, ["report", "mentions", str(built_demo), "--by", "level:0",
                                  "--json"])
    groups = {r["group"]: r["mentions"] for r in json.loads(by_group.stdout)}
    assert {r["level:0"]: r["mentions"] for r in json.loads(level_0.stdout)} == groups
