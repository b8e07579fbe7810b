"""The participants manifest: typed attributes, file mapping, refusal without changes."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import Result
from conftest import shared_samples
from openpyxl import Workbook

from qcode.errors import InputError
from qcode.ingest.importer import import_paths
from qcode.ingest.manifest import read_manifest
from qcode.services.cases import list_cases
from qcode.services.project import Project
from qcode.services.sources import list_sources

MANIFEST = (
    "case,name,stakeholder group,interview date,duration (min),age\n"
    "IP1,Ana,government body,2021-02-09,74,\"41,5\"\n"
    "IP10,Beto,NGO,2021-04-09,83,38\n"
)


def transcripts(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("IP1_state.txt", "IP10_ngo.txt", "IP2_other.txt"):
        (folder / name).write_text(f"{name[:4]}: hello\nInterviewer: hi\n{name[:4]}: bye\n")
    return folder


def test_csv_columns_are_typed(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(MANIFEST)
    ip1, ip10 = read_manifest(path)
    assert ip1.name == "Ana"
    assert ip1.attributes["stakeholder group"] == ("text", "government body")
    assert ip1.attributes["interview date"] == ("date", date(2021, 2, 9))
    assert ip1.attributes["duration (min)"] == ("number", 74.0)
    assert ip1.attributes["age"] == ("number", 41.5)  # decimal comma
    assert ip10.attributes["age"] == ("number", 38.0)


def test_xlsx_cells_keep_their_types(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Case", "Interview date", "Minutes", "Group", "File"])
    sheet.append(["IP1", datetime(2021, 2, 9), 74, "academic", "IP1_state.txt"])
    sheet.append(["IP10", datetime(2021, 4, 9), 83.5, "NGO", None])
    book.save(tmp_path / "p.xlsx")
    ip1, ip10 = read_manifest(tmp_path / "p.xlsx")
    assert ip1.attributes == {
        "Interview date": ("date", date(2021, 2, 9)),
        "Minutes": ("number", 74.0),
        "Group": ("text", "academic"),
    }
    assert ip1.files == ["IP1_state.txt"]
    assert ip10.files == []


def test_sources_link_by_file_name_prefix_not_ip1_to_ip10(
    project: Project, tmp_path: Path
) -> None:
    manifest = tmp_path / "p.csv"
    manifest.write_text(MANIFEST)
    report = import_paths(project, [transcripts(tmp_path / "t")], manifest)
    assert report.manifest is not None and report.manifest.links == 2
    by_source = {s.name: s.cases for s in list_sources(project)}
    assert by_source == {"IP10_ngo": ["IP10"], "IP1_state": ["IP1"], "IP2_other": []}
    cases = {c.key: c for c in list_cases(project)}
    assert cases["IP1"].attributes["interview date"] == date(2021, 2, 9)
    assert cases["IP10"].attributes["duration (min)"] == 83.0


def test_a_case_links_files_named_with_its_key_and_more_and_says_what_is_left(
        tmp_path: Path) -> None:
    """P1 links P1R1.txt (a letter after the key's digit), never P10R1.txt; the import
    names the case without a source and the source without a case."""
    from click.testing import CliRunner

    from qcode.cli.main import cli

    for name in ("P1R1.txt", "P10R1.txt", "notes.txt"):
        (tmp_path / name).write_text(f"P1: hello from {name}.\n", encoding="utf-8")
    (tmp_path / "people.csv").write_text("case,group\nP1,NGO\nP10,Academic\nP3,NGO\n",
                                         encoding="utf-8")
    study = str(tmp_path / "s.qcode")
    runner = CliRunner()
    assert runner.invoke(cli, ["init", study]).exit_code == 0
    result = runner.invoke(cli, ["import", study, *(str(tmp_path / n) for n in
                                                   ("P1R1.txt", "P10R1.txt", "notes.txt")),
                                 "--participants", str(tmp_path / "people.csv")])
    assert result.exit_code == 0, result.output
    assert "warning: no source for case P3 " in result.stderr
    assert "warning: no case for source notes" in result.stderr
    assert "2 source links" in result.stderr
    import json

    cases = json.loads(runner.invoke(cli, ["cases", study, "--json"]).stdout)
    assert {c["case"]: c["sources"] for c in cases} == {"P1": ["P1R1"], "P10": ["P10R1"],
                                                        "P3": []}


def test_file_column_maps_rows_to_sources(project: Project, tmp_path: Path) -> None:
    manifest = tmp_path / "p.csv"
    manifest.write_text("case,file\nIP7,IP2_other.txt; IP10_ngo.txt\nIP8,missing.txt\n")
    report = import_paths(project, [transcripts(tmp_path / "t")], manifest)
    assert report.manifest is not None and report.manifest.unmatched_files == ["missing.txt"]
    assert {c.key: c.sources for c in list_cases(project)} == {
        "IP7": ["IP2_other", "IP10_ngo"], "IP8": []
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("case,age\nIP1,3\nip1,4\n", "row 3: case ip1 appears twice"),
        ("case,age\n,3\n", "row 2: the first column"),
        (",age\nIP1,3\n", "the first column needs a header"),
    ],
)
def test_a_bad_manifest_changes_nothing(
    project: Project, tmp_path: Path, content: str, message: str
) -> None:
    manifest = tmp_path / "p.csv"
    manifest.write_text(content)
    with pytest.raises(InputError, match=message):
        import_paths(project, [transcripts(tmp_path / "t")], manifest)
    assert list_sources(project) == []
    assert list_cases(project) == []


def test_qualcoder_attribute_tables(project: Project) -> None:
    """QualCoder's sample case tables: ages become numbers, the rest text."""
    for name in ("cases123.csv", "cases456.xlsx"):
        rows = read_manifest(shared_samples("qualcoder-examples", name))
        assert rows, name
        assert all(kind == "number" for kind, _ in
                   (r.attributes["Age"] for r in rows if "Age" in r.attributes))


def _import_people(tmp_path: Path, people: str, *options: str) -> tuple[Result, str]:
    from click.testing import CliRunner

    from qcode.cli.main import cli

    (tmp_path / "IP1.txt").write_text("IP1: hello.\n", encoding="utf-8")
    (tmp_path / "IP2.txt").write_text("IP2: hello too.\n", encoding="utf-8")
    (tmp_path / "people.csv").write_text(people, encoding="utf-8")
    study = str(tmp_path / "s.qcode")
    runner = CliRunner()
    if not Path(study).exists():
        assert runner.invoke(cli, ["init", study]).exit_code == 0
    result = runner.invoke(cli, ["import", study, str(tmp_path / "IP1.txt"),
                                 str(tmp_path / "IP2.txt"), "--participants",
                                 str(tmp_path / "people.csv"), *options])
    return result, study


def _cases(study: str) -> dict[str, dict[str, object]]:
    import json

    from click.testing import CliRunner

    from qcode.cli.main import cli

    listed = CliRunner().invoke(cli, ["cases", study, "--json"]).stdout
    return {c["case"]: c for c in json.loads(listed)}


def test_dates_as_excel_writes_them_in_csv_are_read_in_the_columns_order(
        tmp_path: Path) -> None:
    """3/5/2021 and 14/03/2021 in one column: the 14 says day first, so 3/5 is 3 May."""
    result, study = _import_people(tmp_path, "case,interview date,age\n"
                                             "IP1,3/5/2021,41\nIP2,14/03/2021,38\n")
    assert result.exit_code == 0, result.output
    assert ("read column 'interview date' as dates, day first (3/5/2021 is 2021-05-03)"
            in result.stderr)
    cases = _cases(study)
    assert cases["IP1"]["interview date"] == "2021-05-03"
    assert cases["IP2"]["interview date"] == "2021-03-14"
    assert cases["IP1"]["age"] == 41 and isinstance(cases["IP1"]["age"], int)


def test_dates_that_could_be_either_order_need_the_researchers_word(tmp_path: Path) -> None:
    people = "case,interview date\nIP1,3/5/2021\nIP2,4/6/2021\n"
    refused, study = _import_people(tmp_path, people)
    assert refused.exit_code == 1
    assert "--dayfirst or --monthfirst" in refused.stderr
    assert _cases(study) == {}
    done, _ = _import_people(tmp_path, people, "--monthfirst")
    assert done.exit_code == 0, done.output
    assert _cases(study)["IP1"]["interview date"] == "2021-03-05"
