"""Every write from the command line and the Python API is one step that undo takes back.

For each command: a snapshot of every table, the command, `qcode undo` (the snapshot is
equal again), `qcode redo` (the changed state is back), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import snapshot

from qcode import api
from qcode.cli.main import cli
from qcode.services.copy import copy_project
from qcode.services.project import Project

SOURCE = "IP4_social_worker_agency"
SENTENCE = "I'm grateful for that."
BLIND = "IP5_housing_ngo"  # coded blind by the tester and ben in the template


def cli_ok(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stderr


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory, built_demo: Path) -> Path:
    """The demo with a few extras the commands below act on, and the tester known."""
    folder = tmp_path_factory.mktemp("steps")
    path = Path(shutil.copy(built_demo, folder / "demo.qcode"))
    cli_ok("add-code", str(path), "Unused idea")
    cli_ok("add-subdivision", str(path), "Unused node")
    cli_ok("memo", str(path), "A memo to delete", "--body", "text")
    cli_ok("link", str(path), "Housing subsidy", "cause", "Microcredit")
    # A version to restore, and a quote no transcript holds (kept unanchored).
    cli_ok("replace", str(path), SOURCE, str(_corrected(str(path), folder, "Interview",
                                                        "Recorded interview")))
    lost = folder / "lost.csv"
    lost.write_text("quote,code,emphasis,subdivision,other subdivisions,notes\n"
                    "words that no interview ever said,Lost words,,,,\n", encoding="utf-8")
    cli_ok("sheet", "import", str(path), str(lost))
    cli_ok("blind", str(path), BLIND, "--coders", "tester", "ben")
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def study(request: pytest.FixtureRequest, demo_template: Path, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(shutil.copy(demo_template, tmp_path / "demo.qcode"))
    database = request.getfixturevalue("pg_database")
    copy_project(demo_template, database)
    return database


def _offsets(location: str) -> tuple[int, int]:
    text = cli_ok_out("text", location, SOURCE)
    start = text.index(SENTENCE)
    return start, start + len(SENTENCE)


def cli_ok_out(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _transcript(tmp_path: Path) -> Path:
    path = tmp_path / "IP13_new.txt"
    path.write_text("Interviewer: How was it?\n\nIP13: The rent went up twice.\n",
                    encoding="utf-8")
    return path


def _sheet(tmp_path: Path) -> Path:
    path = tmp_path / "sheet.csv"
    path.write_text("quote,code,emphasis,subdivision,other subdivisions,notes\n"
                    f"\"{SENTENCE}\",Gratitude,warm,Self-help,,from a sheet\n",
                    encoding="utf-8")
    return path


def _corrected(location: str, tmp_path: Path, old: str = SENTENCE,
               new: str = "I am grateful for that.") -> Path:
    path = tmp_path / f"{SOURCE}.txt"
    text = cli_ok_out("text", location, SOURCE)
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _unanchored_id(location: str) -> str:
    return str(json.loads(cli_ok_out("codings", location, "--unanchored", "--json"))[0]["id"])


def _other_copy(location: str, tmp_path: Path) -> str:
    """A copy of the project in which someone else coded one more span."""
    other = tmp_path / "other.qcode"
    copy_project(location, other)
    cli_ok("code", str(other), SOURCE, "0", "9", "Their code", "--coder", "ben")
    return str(other)


def _names(tmp_path: Path) -> Path:
    path = tmp_path / "names.csv"
    path.write_text("original,pseudonym\nDaniel Ruiz,Person A\nIP4,Partner 4\n",
                    encoding="utf-8")
    return path


def _edited(location: str) -> str:
    result = CliRunner(env={"VISUAL": "", "EDITOR": "sed -i s/grateful/thankful/"}).invoke(
        cli, ["edit", location, SOURCE])
    assert result.exit_code == 0, result.output
    return result.stderr


def _memo_id(location: str) -> str:
    memos = json.loads(cli_ok_out("memos", location, "--json"))
    return str(next(m["id"] for m in memos if m["title"] == "A memo to delete"))


def _link_id(location: str) -> str:
    return str(json.loads(cli_ok_out("links", location, "--json"))[0]["id"])


# Each: (name, a function of (project location, a scratch folder) that writes).
COMMANDS: list[tuple[str, Callable[[str, Path], object]]] = [
    ("code", lambda p, _t: cli_ok("code", p, SOURCE, *map(str, _offsets(p)), "Gratitude",
                                  "--subdivision", "Self-help", "--other", "Microcredit",
                                  "--emphasis", "warm", "--notes", "n")),
    ("add-code", lambda p, _t: cli_ok("add-code", p, "Brand new", "--color", "#123456")),
    ("rename-code", lambda p, _t: cli_ok("rename-code", p, "Access to credit", "Credit")),
    ("recolour-code", lambda p, _t: cli_ok("recolour-code", p, "Access to credit", "#000000")),
    ("describe-code", lambda p, _t: cli_ok("describe-code", p, "Access to credit", "new")),
    ("merge-codes", lambda p, _t: cli_ok("merge-codes", p, "Access to credit",
                                         "Arrears and defaults")),
    ("delete-code", lambda p, _t: cli_ok("delete-code", p, "Unused idea")),
    ("add-subdivision", lambda p, _t: cli_ok("add-subdivision", p, "New node", "--parent",
                                             "Financing instruments")),
    ("rename-subdivision", lambda p, _t: cli_ok("rename-subdivision", p, "Microcredit",
                                                "Micro-credit")),
    ("move-subdivision", lambda p, _t: cli_ok("move-subdivision", p, "Microcredit",
                                              "--parent", "Land and location instruments")),
    ("describe-subdivision", lambda p, _t: cli_ok("describe-subdivision", p, "Microcredit",
                                                  "small loans")),
    ("link", lambda p, _t: cli_ok("link", p, "Microcredit", "context", "Land provision")),
    ("unlink", lambda p, _t: cli_ok("unlink", p, _link_id(p))),
    ("memo", lambda p, _t: cli_ok("memo", p, "Week 3", "--on", f"source:{SOURCE}",
                                  "--body", "notes")),
    ("delete-memo", lambda p, _t: cli_ok("delete-memo", p, _memo_id(p))),
    ("blind", lambda p, _t: cli_ok("blind", p, SOURCE, "--coders", "ana", "ben")),
    ("import", lambda p, t: cli_ok("import", p, str(_transcript(t)))),
    ("sheet import", lambda p, t: cli_ok("sheet", "import", p, str(_sheet(t)))),
    ("autocode", lambda p, _t: cli_ok("autocode", p, "subsidy", "--code", "Financing")),
    ("move-codings", lambda p, _t: cli_ok("move-codings", p, "Access to credit", "--from",
                                          "Microcredit", "--to", "Savings requirement")),
    ("replace", lambda p, t: cli_ok("replace", p, SOURCE, str(_corrected(p, t)))),
    ("edit", lambda p, _t: _edited(p)),
    ("restore", lambda p, _t: cli_ok("restore", p, SOURCE, "--version", "1")),
    ("anchor", lambda p, _t: cli_ok("anchor", p, _unanchored_id(p), SOURCE,
                                    *map(str, _offsets(p)))),
    ("pseudonymise", lambda p, t: cli_ok("pseudonymise", p, "--map", str(_names(t)))),
    ("merge", lambda p, t: cli_ok("merge", p, _other_copy(p, t))),
    ("recolour-subdivision", lambda p, _t: cli_ok("recolour-subdivision", p, "Microcredit",
                                                  "#112233")),
    ("delete-subdivision", lambda p, _t: cli_ok("delete-subdivision", p, "Unused node")),
    ("finish", lambda p, _t: cli_ok("finish", p, BLIND)),
    ("api.code", lambda p, _t: api_call(p, lambda s: api.code(
        s, SOURCE, *_offsets(p), "Gratitude", subdivision="Self-help"))),
    ("api.create_subdivision", lambda p, _t: api_call(p, lambda s: api.create_subdivision(
        s, "Tenure", parent="Land and location instruments"))),
    ("api.set_attributes", lambda p, _t: api_call(p, lambda s: api.set_attributes(
        s, "IP4", {"age": 52, "region": "north"}))),
    ("api.memo", lambda p, _t: api_call(p, lambda s: api.memo(s, "Idea", "body",
                                                              on="code:Access to credit"))),
    ("api.merge_codes", lambda p, _t: api_call(p, lambda s: api.merge_codes(
        s, "Access to credit", "Arrears and defaults"))),
    ("api.import_files", lambda p, t: api_call(p, lambda s: api.import_files(
        s, [_transcript(t)]))),
]


def api_call(location: str, write: Callable[[Project], object]) -> object:
    with api.open(location) as project:
        return write(project)


@pytest.mark.store
@pytest.mark.parametrize("name, command", COMMANDS, ids=[name for name, _ in COMMANDS])
def test_a_write_is_one_step_that_undo_and_redo_replay(
        study: str, tmp_path: Path, name: str, command: Callable[[str, Path], object]) -> None:
    before = snapshot(study)
    steps_before = json.loads(cli_ok_out("history", study, "--everyone", "--json"))
    command(study, tmp_path)
    after = snapshot(study)
    assert after != before, f"{name} changed nothing"
    steps = json.loads(cli_ok_out("history", study, "--everyone", "--json"))
    # (An edit of a text also forgets older steps on it, whose offsets it changed.)
    new = {s["id"] for s in steps} - {s["id"] for s in steps_before}
    assert len(new) == 1, f"{name} is not one step"
    assert "undid" in cli_ok("undo", study)
    assert snapshot(study) == before
    assert "redid" in cli_ok("redo", study)
    assert snapshot(study) == after


def test_every_writing_command_is_covered() -> None:
    """A new command that writes must join COMMANDS (or be listed here with why)."""
    not_steps = {
        # Make or copy whole projects, not steps inside one.
        "init", "demo", "copy", "backup",
        # Only read, list, report or export.
        "agreement", "cases", "check", "codes", "codings", "coders", "export", "figures",
        "history", "info", "links", "memos", "report", "search", "sources", "subdivisions",
        "text", "tui", "versions", "review",
        # Replay steps, the subject of this file.
        "undo", "redo",
    }
    covered = {name.split()[0] for name, _ in COMMANDS if not name.startswith("api.")}
    assert set(cli.commands) - covered - not_steps == set()
