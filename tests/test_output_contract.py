"""Every listing obeys one output contract (issue 16): the same columns under the same
names in the terminal table, CSV, TSV, JSON, JSON lines, Markdown and a workbook;
`-o FILE` takes the format from the extension and writes what stdout would show;
`--no-headers` and `--excel` for CSV; conflicting options are one line and exit 2.

Each command runs on the demo study through the real entry point, as a script would.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from qcode.cli.main import cli

# Every command that lists rows, with arguments that give the demo some.
LISTINGS: dict[str, list[str]] = {
    "sources": ["sources"],
    "cases": ["cases"],
    "codes": ["codes"],
    "subdivisions": ["subdivisions"],
    "codings": ["codings"],
    "links": ["links"],
    "memos": ["memos"],
    "history": ["history", "--everyone", "--limit", "5"],
    "coders": ["coders"],
    "mentions": ["report", "mentions", "--by", "group"],
    "mentions crosstab": ["report", "mentions", "--by", "group", "--across",
                          "attribute:stakeholder group"],
    "matrix": ["report", "matrix", "--rows", "group", "--columns", "case"],
    "cooccurrence": ["report", "cooccurrence"],
    "saturation": ["report", "saturation"],
    "codebook": ["report", "codebook"],
    "search": ["search", "subsidy", "--limit", "5"],
}


# Reports shown wide (a column per value, with totals) on the terminal and in Markdown,
# and as long rows {row, column, count} in every file and script format.
SQUARE = ("mentions crosstab", "matrix", "cooccurrence")


def run(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="qcode")


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory, built_demo: Path) -> Path:
    """The demo with an axial link and a memo, so that every listing has rows."""
    import shutil

    path = Path(shutil.copy(built_demo, tmp_path_factory.mktemp("contract") / "demo.qcode"))
    for args in (["link", path, "Housing subsidy", "cause", "Participation of households"],
                 ["memo", path, "Week 3", "--body",
                  "=SUM(A1) the families; came back\nsecond line"]):
        assert run(*args).exit_code == 0, args
    return path


def listed(name: str, project: Path, *options: str) -> Result:
    command, *rest = LISTINGS[name]
    args = [command, *rest[:1], project, *rest[1:]] if command == "report" else \
        [command, project, *rest]
    result = run(*args, *options)
    assert result.exit_code == 0, (args, options, result.output)
    return result


def table_header(text: str) -> list[str]:
    """The column names of a terminal table as rich draws it (┃ name ┃ ...)."""
    line = next(line for line in text.splitlines() if line.startswith("┃"))
    return [cell.strip() for cell in line.strip("┃").split("┃")]


def csv_rows(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


@pytest.mark.parametrize("name", sorted(LISTINGS))
def test_every_format_has_the_same_columns_and_rows(name: str, study: Path,
                                                    tmp_path: Path) -> None:
    as_csv = csv_rows(listed(name, study, "--format", "csv").stdout)
    columns, rows = as_csv[0], as_csv[1:]
    assert rows, f"{name}: the demo should give rows to compare"
    as_tsv = csv_rows(listed(name, study, "--format", "tsv").stdout, "\t")
    as_json = json.loads(listed(name, study, "--json").stdout)
    as_lines = [json.loads(line) for line in
                listed(name, study, "--format", "jsonl").stdout.splitlines()]
    markdown = listed(name, study, "--format", "markdown").stdout.splitlines()
    book = tmp_path / "listing.xlsx"
    written = listed(name, study, "-o", book)
    assert f"wrote {book}" in written.stderr
    sheet = load_workbook(book, read_only=True).active
    assert sheet is not None
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]

    assert as_tsv == as_csv
    assert [list(row) for row in as_json] == [columns] * len(rows)
    assert as_lines == as_json
    assert cells[0] == columns and len(cells) == len(rows) + 1
    if name in SQUARE:
        assert columns[:3] == ["row", "column", "count"]
        assert table_header(listed(name, study).stdout)[0] != "row"  # wide
    else:
        assert [c.strip() for c in markdown[0].strip("|").split("|")] == columns
        assert table_header(listed(name, study).stdout) == columns


@pytest.mark.parametrize("name", ["codings", "mentions crosstab", "cases"])
def test_o_file_writes_what_stdout_shows_in_the_format_of_its_extension(
        name: str, study: Path, tmp_path: Path) -> None:
    for extension, fmt in ((".csv", "csv"), (".tsv", "tsv"), (".json", "json"),
                           (".jsonl", "jsonl"), (".md", "markdown")):
        target = tmp_path / f"out{extension}"
        listed(name, study, "-o", target)
        shown = listed(name, study, "--format", fmt).stdout
        assert target.read_text(encoding="utf-8") == shown, extension


def test_csv_without_headers_and_for_excel(study: Path) -> None:
    plain = listed("codes", study, "--format", "csv").stdout
    bare = listed("codes", study, "--format", "csv", "--no-headers").stdout
    assert bare == plain.split("\n", 1)[1]  # the runner reads CRLF rows as lines
    excel = listed("cases", study, "--format", "csv", "--excel").stdout
    assert excel.startswith("\ufeffcase,name,sources")


@pytest.mark.parametrize(("options", "says"), [
    (["--format", "csv", "--json"], "ask for two formats"),
    (["-o", "counts.xlsx.bak"], "cannot tell the format"),
    (["--format", "xlsx"], "writes a file: add -o"),
    (["--format", "json", "--no-headers"], "are for csv and tsv"),
    (["--by"], "requires an argument"),
    (["--decimals", "nine"], "not a valid integer"),
])
def test_usage_errors_are_one_line_with_exit_code_2(options: list[str], says: str,
                                                    study: Path) -> None:
    result = run("report", "mentions", study, *options)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], result.stderr
    assert lines[0].startswith("qcode: usage error: qcode report mentions:")
    assert "(see qcode report mentions --help)" in lines[0]


def test_unknown_commands_and_missing_arguments_are_usage_errors(study: Path) -> None:
    for args in (["nonsense"], ["codings"], ["report", "nonsense", study]):
        result = run(*args)
        assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1, args


def test_a_failed_operation_is_exit_code_1(study: Path) -> None:
    result = run("report", "mentions", study, "--by", "colour")
    assert result.exit_code == 1 and result.stderr.startswith("qcode: error: cannot count by")


def test_the_crosstab_in_files_is_long_rows_without_totals(study: Path) -> None:
    rows: list[dict[str, Any]] = json.loads(listed("mentions crosstab", study,
                                                   "--json").stdout)
    assert list(rows[0]) == ["row", "column", "count", "percent"]
    assert "Total" not in {r["row"] for r in rows} | {r["column"] for r in rows}
    per_column: dict[str, float] = {}
    for row in rows:
        per_column[row["column"]] = per_column.get(row["column"], 0) + row["percent"]
    assert all(abs(total - 100) < 1 for total in per_column.values()), per_column
    wide = listed("mentions crosstab", study).stdout
    assert "Total" in table_header(wide)


@pytest.mark.parametrize("kind", ["qdpx", "qdc", "xlsx", "listing"])
def test_files_are_written_with_the_users_umask(kind: str, study: Path,
                                                tmp_path: Path) -> None:
    """qdpx and qdc were written 0600 (a temporary file renamed); a group-readable
    umask must give a group-readable file, as every other program's would."""
    import os
    import stat

    target = tmp_path / f"out.{'csv' if kind == 'listing' else kind}"
    args = (["codes", study, "-o", target] if kind == "listing"
            else ["export", kind, study, target])
    before = os.umask(0o027)
    try:
        result = run(*args)
    finally:
        os.umask(before)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
