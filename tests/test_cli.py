"""The CLI as scripts call it: through the real entry point, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from helpers import TRANSCRIPT, span_of

from qcode.cli.main import cli

PARTICIPANTS = "case,stakeholder group,interview date\nIP4,NGO,2021-03-05\n"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def study(tmp_path: Path, location: str) -> str:
    """A project with one transcript of IP4 and its manifest, made through the CLI."""
    (tmp_path / "IP4_interview.txt").write_text(TRANSCRIPT, encoding="utf-8")
    (tmp_path / "participants.csv").write_text(PARTICIPANTS)
    assert run("init", location, "--name", "CLI study", "--language", "es").exit_code == 0
    result = run("import", location, str(tmp_path / "IP4_interview.txt"),
                 "--participants", str(tmp_path / "participants.csv"))
    assert result.exit_code == 0, result.output
    assert "1 imported, 0 skipped as duplicates, 0 refused" in result.stderr
    return location


def test_listings_give_back_what_was_imported(study: str) -> None:
    (source,) = json.loads(run("sources", study, "--json").stdout)
    assert (source["name"], source["cases"], source["characters"]) == (
        "IP4_interview", ["IP4"], len(TRANSCRIPT))
    assert run("text", study, "IP4_interview").stdout == TRANSCRIPT
    assert run("text", study, str(source["id"])).stdout == TRANSCRIPT
    (case,) = json.loads(run("cases", study, "--format", "json").stdout)
    assert case == {"case": "IP4", "name": None, "sources": ["IP4_interview"],
                    "stakeholder group": "NGO", "interview date": "2021-03-05"}
    info = json.loads(run("info", study, "--json").stdout)[0]
    assert (info["name"], info["language"]) == ("CLI study", "es")


def test_code_from_a_script_and_list_codings_as_json(study: str) -> None:
    start, end = span_of(TRANSCRIPT, "Self-management was the key, honestly.")
    result = run("code", study, "IP4_interview", str(start), str(end), "Self-management",
                 "--subdivision", "Self-determination", "--other", "Empowerment",
                 "--other", "Participation", "--emphasis", "proud", "--notes", "vgl. IP9",
                 "--coder", "ana", "--json")
    assert result.exit_code == 0, result.output
    assert "new code 'Self-management'" in result.stderr
    assert json.loads(result.stdout)[0]["code"] == "Self-management"
    (coding,) = json.loads(run("codings", study, "--format", "json").stdout)
    assert {k: coding[k] for k in ("source", "cases", "start", "end", "text", "code", "emphasis",
                                   "notes", "subdivision", "other_subdivisions", "coder")} == {
        "source": "IP4_interview", "cases": ["IP4"], "start": start, "end": end,
        "text": "Self-management was the key, honestly.", "code": "Self-management",
        "emphasis": "proud", "notes": "vgl. IP9", "subdivision": "Self-determination",
        "other_subdivisions": ["Empowerment", "Participation"], "coder": "ana",
    }
    csv_out = run("codings", study, "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("text,code,emphasis,subdivision,other_subdivisions,notes")
    assert "Empowerment; Participation" in csv_out[1]
    assert "| Self-management |" in run("codes", study, "--format", "markdown").stdout
    tree = json.loads(run("subdivisions", study, "--json").stdout)
    assert {(s["path"], s["mentions"]) for s in tree} == {
        ("Self-determination", 1), ("Empowerment", 1), ("Participation", 1)}


def test_errors_are_one_line_and_exit_1(study: str) -> None:
    result = run("code", study, "IP4_interview", "10", "999999", "Too long")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("qcode: error: span 10-999999 runs past the end of")
    assert "Traceback" not in result.output
    missing = run("code", study, "IP99", "0", "5", "x")
    assert (missing.exit_code, missing.stderr) == (
        1, "qcode: error: no source named 'IP99'; `qcode sources` lists them\n")


def test_delete_code_refuses_a_code_in_use(study: str) -> None:
    start, end = span_of(TRANSCRIPT, "They chose the layout themselves.")
    assert run("code", study, "IP4_interview", str(start), str(end), "Layout").exit_code == 0
    refused = run("delete-code", study, "layout")
    assert refused.exit_code == 1 and "has 1 codings" in refused.stderr
    assert json.loads(run("codes", study, "--json").stdout)[0]["codings"] == 1


def test_import_reports_refused_files_and_exits_1(study: str, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "IP5.txt").write_text("IP5: new\nInterviewer: ok\nIP5: more")
    result = run("import", study, str(tmp_path / "empty.txt"), str(tmp_path / "IP5.txt"),
                 str(tmp_path / "IP4_interview.txt"), "--json")
    assert result.exit_code == 1
    assert [r["status"] for r in json.loads(result.stdout)] == ["refused", "imported",
                                                                "duplicate"]
    assert "1 imported, 1 skipped as duplicates, 1 refused" in result.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("code", str(tmp_path / "x.qcode"), "IP1", "-3", "5", "c").exit_code == 2
    assert run("import", str(tmp_path / "x.qcode")).exit_code == 2
    assert run("no-such-command").exit_code == 2


def test_missing_project_is_one_line(tmp_path: Path) -> None:
    result = run("sources", str(tmp_path / "nope.qcode"))
    assert result.exit_code == 1
    assert result.stderr == (f"qcode: error: no project at {tmp_path / 'nope.qcode'}; "
                             f"create one with `qcode init {tmp_path / 'nope.qcode'}`\n")


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--debug", "sources", str(tmp_path / "nope.qcode")])
    assert result.exit_code == 1
    assert result.exc_info is not None and result.exc_info[0].__name__ == "ProjectError"


def test_every_command_has_help_with_an_example() -> None:
    for name, command in cli.commands.items():
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert command.help and len(command.help.split()) > 5, name
        assert "Example" in result.stdout, f"qcode {name} --help gives no example"
        assert "qcode " + name in result.stdout, name


def test_the_installed_entry_point_runs(tmp_path: Path) -> None:
    """`qcode` as a console script, not only through CliRunner."""
    project = tmp_path / "s.qcode"
    done = subprocess.run([sys.executable, "-m", "qcode", "init", str(project)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    listed = subprocess.run([sys.executable, "-m", "qcode", "sources", str(project), "--json"],
                            capture_output=True, text=True, check=False)
    assert (listed.returncode, json.loads(listed.stdout)) == (0, [])
    assert isinstance(cli, click.Group)


def test_tables_print_square_brackets_as_written(study: str) -> None:
    start, end = span_of(TRANSCRIPT, "They chose the layout themselves.")
    assert run("code", study, "IP4_interview", str(start), str(end), "Layout [own words]",
               "--notes", "They [the families] chose [...]").exit_code == 0
    table = run("codings", study).stdout
    assert "Layout [own words]" in table
    assert "[the families]" in table and "[...]" in table
