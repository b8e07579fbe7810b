"""The demo study: built by `qcode demo`, complete, every quote anchored."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from qcode.cli.main import cli
from qcode.ingest.demo import demo_dir
from qcode.ingest.sheet import read_sheet
from qcode.names import name_key
from qcode.services.cases import list_cases
from qcode.services.codebook import list_codes, list_subdivisions
from qcode.services.coding import CodingRow, list_codings
from qcode.services.project import open_project
from qcode.services.sources import list_sources


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("demo") / "demo.qcode"
    result = CliRunner().invoke(cli, ["demo", str(path)])
    assert result.exit_code == 0, result.output
    return path, result.output


@pytest.fixture(scope="module")
def codings(demo: tuple[Path, str]) -> list[CodingRow]:
    with open_project(demo[0]) as project:
        return list_codings(project)


def test_the_demo_says_what_to_try_next(demo: tuple[Path, str]) -> None:
    path, output = demo
    assert "0 kept unanchored" in output
    assert f"qcode codings {path} --format json" in output


def test_twelve_interviews_of_several_thousand_words(demo: tuple[Path, str]) -> None:
    with open_project(demo[0]) as project:
        sources = list_sources(project)
        cases = {c.key: c for c in list_cases(project)}
    assert len(sources) == 12
    assert all(s.words >= 2300 and s.turns >= 20 for s in sources), [
        (s.name, s.words, s.turns) for s in sources]
    assert sorted(c for s in sources for c in s.cases) == sorted(cases)
    groups = Counter(str(c.attributes["stakeholder group"]) for c in cases.values())
    assert set(groups) == {"government body", "project executing agency", "NGO", "academic",
                           "financing institution", "beneficiary"}
    assert {k for k, c in cases.items() if c.attributes["language"] == "es"} >= {"IP7", "IP9"}


def test_every_sheet_row_became_a_coding_with_its_quote_anchored(
    codings: list[CodingRow],
) -> None:
    rows = sum(len(q.codings) for p in demo_dir().glob("sheet/*.csv") for q in read_sheet(p))
    assert len(codings) == rows >= 300
    assert all(c.anchor in ("exact", "normalised") for c in codings)
    assert Counter(c.anchor for c in codings)["normalised"] >= 30  # elisions, brackets


def test_the_sheets_use_the_shipped_codebook(demo: tuple[Path, str]) -> None:
    """No code or subdivision comes from a typo in a sheet: all are in the CSV files."""
    folder = demo_dir()
    with (folder / "codes.csv").open(encoding="utf-8") as handle:
        known_codes = {name_key(r["code"]) for r in csv.DictReader(handle)}
    with (folder / "codebook.csv").open(encoding="utf-8") as handle:
        known_subdivisions = {name_key(r[k]) for r in csv.DictReader(handle)
                              for k in ("group", "factor group", "subdivision") if r[k]}
    with open_project(demo[0]) as project:
        assert {name_key(c.name) for c in list_codes(project)} == known_codes
        assert {name_key(s.name) for s in list_subdivisions(project)} == known_subdivisions


def test_the_codebook_has_groups_and_factor_groups(demo: tuple[Path, str]) -> None:
    with open_project(demo[0]) as project:
        tree = list_subdivisions(project)
    kinds = Counter(s.kind for s in tree)
    assert kinds["group"] == 10 and kinds["factor_group"] == 2
    paths = {s.path for s in tree}
    assert "Inclusion criteria / Social approach / Income thresholds" in paths
    assert sum(s.mentions for s in tree) > len(tree)


def test_the_researchers_habits_are_all_there(codings: list[CodingRow]) -> None:
    by_quote = Counter((c.source, c.start, c.end) for c in codings)
    assert sum(1 for n in by_quote.values() if n > 1) >= 30  # continuation rows
    assert sum(1 for c in codings if c.other_subdivisions) >= 100
    assert sum(1 for c in codings if len(c.other_subdivisions) >= 2) >= 10
    assert sum(1 for c in codings if c.subdivision is None) >= 12  # "no subdivision found"
    assert sum(1 for c in codings if c.notes) >= 100
    assert all(c.coder == "researcher" for c in codings)


def test_quotes_are_the_transcripts_own_words(demo: tuple[Path, str]) -> None:
    path = demo[0]
    runner = CliRunner()
    rows = json.loads(runner.invoke(cli, ["codings", str(path), "--json"]).stdout)
    texts = {s: runner.invoke(cli, ["text", str(path), s]).stdout
             for s in {r["source"] for r in rows}}
    assert all(texts[r["source"]][r["start"]:r["end"]] == r["text"] for r in rows)


def test_the_demo_built_twice_is_the_same_demo(demo: tuple[Path, str]) -> None:
    """README's "Try it" builds demo.qcode and its tour starts with `qcode demo
    demo.qcode`: the second run says the demo is there and shows what to try."""
    before = demo[0].read_bytes()
    result = CliRunner().invoke(cli, ["demo", str(demo[0])])
    assert result.exit_code == 0, result.output
    assert "is the demo study already" in result.stderr and "Try next" in result.stdout
    assert demo[0].read_bytes() == before


def test_the_demo_never_overwrites_another_project(tmp_path: Path) -> None:
    other = tmp_path / "study.qcode"
    assert CliRunner().invoke(cli, ["init", str(other)]).exit_code == 0
    before = other.read_bytes()
    result = CliRunner().invoke(cli, ["demo", str(other)])
    assert result.exit_code == 1
    assert "exists and is not the demo study" in result.stderr
    assert other.read_bytes() == before


def test_the_readme_tour_runs_as_written(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command of README's "Try it" and tour, in a new folder, in that order (the
    workbench line aside: it needs a terminal, and test_tui_* drive it)."""
    import shlex

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    tour = readme.split("## A five-minute tour", 1)[1].split("```sh", 1)[1].split("```")[0]
    lines = ["qcode demo"] + [line.split("#")[0].split("|")[0].strip()
                              for line in tour.splitlines()]
    monkeypatch.chdir(tmp_path)
    ran = 0
    for line in lines:
        if not line.startswith("qcode ") or line == "qcode demo.qcode":
            continue
        result = CliRunner().invoke(cli, shlex.split(line)[1:])
        assert result.exit_code == 0, (line, result.output)
        ran += 1
    assert ran >= 15
    assert (tmp_path / "coded.xlsx").exists() and (tmp_path / "demo.qdpx").exists()


def test_the_demo_builds_on_postgresql_too(pg_database: str) -> None:
    from click.testing import CliRunner

    from qcode.cli.main import cli

    result = CliRunner().invoke(cli, ["demo", pg_database])
    assert result.exit_code == 0, result.output
    assert "384 codings (384 anchored" in result.stderr
    listed = CliRunner().invoke(cli, ["sources", pg_database, "--json"])
    assert len(json.loads(listed.stdout)) == 12
