"""Faults: kill -9 at random moments, two writers at once, a full disk, a read-only file.

Each kill test runs the real command (`python -m qcode ...`, or the workbench driven
headless by the Pilot) in a subprocess, once to the end and then several times killed
with SIGKILL at moments spread over its run (fixed seeds, so a failure repeats).
Afterwards the project must open, `qcode check` must find it clean (SQLite's
integrity check included), and each operation must be there whole or not at all:
a transcript with all its speaker turns, a coding sheet or a REFI-QDA project
completely, a coding in the workbench with its filing and its undo record.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from qcode.cli.main import cli
from qcode.ingest.demo import demo_dir
from qcode.ingest.formats import READERS
from qcode.ingest.importer import import_paths
from qcode.services import backup as backups
from qcode.services.project import init_project, open_project
from qcode.store import engine as store_engine
from qcode.store.models import (
    Action,
    Case,
    Code,
    Coder,
    Coding,
    CodingSubdivision,
    Quote,
    Source,
    SpeakerTurn,
    Subdivision,
)

TESTS = Path(__file__).parent
SEEDS = (101, 202, 303)
IP4 = "IP4_social_worker_agency"

# The workbench, driven as a researcher would: open a transcript, code sentence after
# sentence (the first with the picker and the form, then "repeat"), and say each one
# once it is stored. Notifications are printed, so a "locked" message would show.
DRIVER = r"""
import asyncio, sys, time
sys.path.insert(0, sys.argv[1])
from tui_helpers import app_for, open_source, settle
from qcode.ingest.sentences import sentence_spans

location, coder, source, count = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])


async def main():
    app = app_for(location, coder)
    shown = app.notify

    def notify(message, *args, **kwargs):
        print("notify", kwargs.get("severity", "information"), message, flush=True)
        return shown(message, *args, **kwargs)

    app.notify = notify
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, source)
        starts = [s for s, e in sentence_spans(view.text) if e - s > 20][:count]
        print("ready", time.monotonic(), flush=True)
        for n, start in enumerate(starts):
            view.go_to(start)
            await pilot.press("s")
            span = (view.selection.start, view.selection.end)
            if n == 0:
                await pilot.press("c")
                await settle(pilot)
                await pilot.press(*"Qz", "enter")
                await settle(pilot)
                print("picked", time.monotonic(), flush=True)
                await pilot.press("tab", "tab", *"Zq", "enter")
                await settle(pilot)
                await pilot.press(*"create", "enter")  # Zq is new: create it, asked
            else:
                await pilot.press("r")
            await settle(pilot)
            print("coded", n, span[0], span[1], time.monotonic(), flush=True)
    print("errors", len(app.errors), flush=True)


asyncio.run(main())
"""

# A script coding the same transcript through the service layer at the same time.
SCRIPTER = r"""
import json, sys, time
from qcode.services.coding import CodingRequest, code_span
from qcode.services.project import open_project

location, source, spans = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
with open_project(location) as project:
    for start, end in spans:
        code_span(project, CodingRequest(source=source, start=start, end=end,
                                         code="Script code", subdivision="Script filing",
                                         coder="scripter"))
        print("coded", start, end, time.monotonic(), flush=True)
        time.sleep(0.1)  # a script doing other work between codings: the runs overlap
"""


@dataclass
class Run:
    """One subprocess run: killed or finished, its output, its lines as they came."""

    killed: bool
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    lines: list[str] = field(default_factory=list)


def child_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ, QCODE_CODER="tester", QCODE_POLL_SECONDS="0",
               QCODE_CONFIG_DIR=str(tmp_path / "config"), PYTHONUNBUFFERED="1")
    env.pop("COLUMNS", None)
    return env


def run_process(command: Sequence[str], env: dict[str, str],
                kill_after: Callable[[list[str], float], float | None] | None = None,
                timeout: float = 120) -> Run:
    """Run `command`; `kill_after(lines so far, start time)` may name a moment to SIGKILL.

    It is asked after every line of output (and at the start); the first moment it
    names is when the process is killed, if it is still running then.
    """
    started = time.monotonic()
    process = subprocess.Popen(list(command), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    lines: list[str] = []
    moment: list[float] = []
    changed = threading.Condition()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            with changed:
                lines.append(line.rstrip("\n"))
                changed.notify_all()
        with changed:
            changed.notify_all()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    killed = False
    with changed:
        while process.poll() is None and time.monotonic() - started < timeout:
            if not moment and kill_after is not None:
                when = kill_after(list(lines), started)
                if when is not None:
                    moment.append(when)
            wait = 0.02 if not moment else max(0.0, min(0.02, moment[0] - time.monotonic()))
            changed.wait(wait)
            if moment and time.monotonic() >= moment[0] and process.poll() is None:
                process.kill()  # SIGKILL: no cleanup, no rollback, no flush
                killed = True
                break
    if process.poll() is None and not killed:
        process.kill()
        pytest.fail(f"{command[:4]} ran past {timeout} s")
    process.wait()
    reader.join(timeout=10)
    assert process.stderr is not None
    return Run(killed, process.returncode, "\n".join(lines), process.stderr.read(),
               time.monotonic() - started, lines)


def qcode(*args: str) -> list[str]:
    return [sys.executable, "-m", "qcode", *args]


Plan = Callable[[list[str], float], float | None]


def when(happened: Callable[[], bool], seed: int, wait: float = 0.0,
         jitter: float = 0.0) -> Plan:
    """Kill `wait` plus a random part of `jitter` seconds after `happened()` turns true.

    Kill moments follow what the command has done (its backup made, its k-th file
    stored, its transaction committed), not the clock: on a busy machine Python takes
    seconds to start, and a timer would kill most runs before they write anything.
    """
    def plan(_lines: list[str], _started: float) -> float | None:
        if not happened():
            return None
        return time.monotonic() + wait + jitter * random.Random(seed).random()
    return plan


def backup_made(path: Path) -> Callable[[], bool]:
    """The automatic backup is there: the command starts writing now."""
    return lambda: bool(backups.list_backups(path))


def stored(path: Path, table: str, at_least: int = 1) -> Callable[[], bool]:
    """At least so many rows of `table` are committed (as another reader sees them)."""
    def happened() -> bool:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]) >= at_least
        except sqlite3.Error:
            return False
        finally:
            db.close()
    return happened


def measured(command: list[str], path: Path, env: dict[str, str]) -> float:
    """Run to the end; how long it wrote after its automatic backup."""
    seen: list[float] = []

    def note(_lines: list[str], _started: float) -> None:
        if not seen and backups.list_backups(path):
            seen.append(time.monotonic())
    done = run_process(command, env, note)
    assert done.returncode == 0, done.stderr
    assert seen, "no automatic backup was made before the bulk operation"
    return max(time.monotonic() - seen[0], 0.05)


def one_transaction_plans(path: Path, writing: float) -> list[Plan]:
    """Early in the writing, late in it (before or after the commit, as the machine
    goes), and the moment the commit shows in the log."""
    return [when(backup_made(path), SEEDS[0], jitter=writing / 2),
            when(backup_made(path), SEEDS[1], wait=writing / 2, jitter=writing / 2),
            when(stored(path, "codings"), SEEDS[2])]


def killed_copies(base: Path, tmp_path: Path, command: Callable[[Path], list[str]],
                  plans: Callable[[Path], list[Plan]],
                  env: dict[str, str]) -> list[tuple[Path, Run]]:
    """Run `command` on a fresh copy of `base` per plan, killed as the plan says; the
    runs go side by side."""
    copies = []
    for n in range(len(SEEDS)):
        folder = tmp_path / f"kill{n}"
        folder.mkdir()
        copies.append(Path(shutil.copy(base, folder / base.name)))
    jobs = [(copy, plans(copy)[n]) for n, copy in enumerate(copies)]
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        runs = list(pool.map(lambda job: run_process(command(job[0]), env, job[1]), jobs))
    return list(zip(copies, runs, strict=True))


def assert_sound(path: Path) -> None:
    """Opens, passes `qcode check` (integrity included), and every backup is whole."""
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "locked" not in result.output
    for copy in backups.list_backups(path):
        db = sqlite3.connect(copy)
        try:
            assert db.execute("PRAGMA quick_check").fetchall() == [("ok",)], copy
        finally:
            db.close()


def counts(path: Path, *models: Any) -> tuple[int, ...]:
    with open_project(path) as project, project.transaction() as session:
        return tuple(session.scalar(select(func.count()).select_from(m)) or 0 for m in models)


# -- kill -9 ---------------------------------------------------------------------------------


def transcripts(tmp_path: Path) -> tuple[Path, dict[str, tuple[str, int]]]:
    """A folder of 24 transcripts (the demo's, twice), and each one's text and turns."""
    folder = tmp_path / "transcripts"
    folder.mkdir()
    expected: dict[str, tuple[str, int]] = {}
    for copy in range(2):
        for original in sorted((demo_dir() / "transcripts").glob("*.txt")):
            path = folder / f"{original.stem}_{copy}.txt"
            path.write_text(f"Copy {copy}\n\n" + original.read_text(encoding="utf-8"),
                            encoding="utf-8")
            document = READERS[".txt"][1](path)
            expected[path.stem] = (document.text, len(document.turns))
    return folder, expected


def assert_import_whole_or_absent(location: str, expected: dict[str, tuple[str, int]]) -> None:
    """Every transcript, whole with its turns, and the step in the history; or nothing."""
    with open_project(location) as project, project.reading() as session:
        sources = session.execute(select(Source.name, Source.text, func.count(
            SpeakerTurn.id)).outerjoin(SpeakerTurn).group_by(Source.id)).all()
        steps = session.scalars(select(Action.label)).all()
    if sources:
        assert {name for name, _, _ in sources} == set(expected)
        for name, text, turns in sources:
            assert (text, turns) == expected[name], f"{name} is not whole"
        assert steps == [f"import {len(expected)} transcripts"]
    else:
        assert steps == []


def test_killing_qcode_import_keeps_the_whole_step_and_its_history_or_none(
        tmp_path: Path) -> None:
    """A folder import is one step: after a kill, every transcript (whole, with its
    turns) and the step in the history are there, or none of them."""
    folder, expected = transcripts(tmp_path)
    base = tmp_path / "study.qcode"
    init_project(str(base)).close()
    env = child_env(tmp_path)

    def command(path: Path) -> list[str]:
        return qcode("import", str(path), str(folder))

    full = tmp_path / "full" / "study.qcode"
    full.parent.mkdir()
    shutil.copy(base, full)
    writing = measured(command(full), full, env)
    assert counts(full, Source, Action) == (len(expected), 1)

    def plans(path: Path) -> list[Plan]:
        return [when(backup_made(path), SEEDS[0], jitter=writing / 2),
                when(backup_made(path), SEEDS[1], wait=writing / 2, jitter=writing / 2),
                when(stored(path, "sources"), SEEDS[2])]

    for path, run in killed_copies(base, tmp_path, command, plans, env):
        assert run.killed or run.returncode == 0, run.stderr
        assert_import_whole_or_absent(str(path), expected)
        assert_sound(path)


def writing_on_server(url: str) -> Callable[[], bool]:
    """Another connection's transaction on that database has written a row."""
    import psycopg
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)

    def happened() -> bool:
        with psycopg.connect(plain) as db:
            row = db.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND "
                             "backend_xid IS NOT NULL AND pid <> pg_backend_pid()",
                             (database,)).fetchone()
        return bool(row and row[0])
    return happened


@pytest.mark.store
def test_killing_an_import_into_postgresql_keeps_all_of_it_and_its_history_or_none(
        tmp_path: Path) -> None:
    from conftest import new_pg_database

    folder, expected = transcripts(tmp_path)
    env = child_env(tmp_path)
    with new_pg_database() as full:
        init_project(full).close()
        started = time.monotonic()
        done = run_process(qcode("import", full, str(folder)), env)
        assert done.returncode == 0, done.stderr
        assert_import_whole_or_absent(full, expected)
        took = time.monotonic() - started
    for seed in SEEDS:
        with new_pg_database() as url:
            init_project(url).close()
            run = run_process(qcode("import", url, str(folder)), env,
                              when(writing_on_server(url), seed, jitter=took / 2))
            assert run.killed or run.returncode == 0, run.stderr
            assert_import_whole_or_absent(url, expected)


def test_killing_qcode_sheet_import_keeps_the_whole_sheet_or_none_of_it(
        tmp_path: Path) -> None:
    base = tmp_path / "study.qcode"
    with init_project(str(base)) as project:
        import_paths(project, [demo_dir() / "transcripts"])
    sheets = [str(demo_dir() / "sheet" / f"IP{n}.csv") for n in range(1, 5)]
    env = child_env(tmp_path)

    def command(path: Path) -> list[str]:
        return qcode("sheet", "import", str(path), *sheets)

    full = tmp_path / "full" / "study.qcode"
    full.parent.mkdir()
    shutil.copy(base, full)
    writing = measured(command(full), full, env)
    # The sheet's history entry comes and goes with its rows (the import's is there).
    whole = counts(full, Coding, Code, Subdivision, Quote, Action)
    assert whole[0] > 50 and whole[-1] == 2
    for path, run in killed_copies(base, tmp_path, command,
                                   lambda path: one_transaction_plans(path, writing), env):
        assert run.killed or run.returncode == 0, run.stderr
        assert counts(path, Coding, Code, Subdivision, Quote, Action) in ((0, 0, 0, 0, 1),
                                                                          whole)
        assert_sound(path)


def test_killing_qcode_import_qdpx_keeps_the_whole_project_or_none_of_it(
        tmp_path: Path, built_demo: Path) -> None:
    exported = tmp_path / "demo.qdpx"
    result = CliRunner().invoke(cli, ["export", "qdpx", str(built_demo), str(exported)])
    assert result.exit_code == 0, result.output
    base = tmp_path / "study.qcode"
    init_project(str(base)).close()
    env = child_env(tmp_path)

    def command(path: Path) -> list[str]:
        return qcode("import", "qdpx", str(path), str(exported))

    full = tmp_path / "full" / "study.qcode"
    full.parent.mkdir()
    shutil.copy(base, full)
    writing = measured(command(full), full, env)
    models = (Source, SpeakerTurn, Case, Code, Quote, Coding, CodingSubdivision, Action)
    whole = counts(full, *models)
    assert whole[0] == 12 and whole[5] == counts(built_demo, Coding)[0] and whole[-1] == 1
    for path, run in killed_copies(base, tmp_path, command,
                                   lambda path: one_transaction_plans(path, writing), env):
        assert run.killed or run.returncode == 0, run.stderr
        assert counts(path, *models) in ((0,) * len(models), whole)
        assert_sound(path)


def tui(location: Path, coder: str, count: int) -> list[str]:
    return [sys.executable, "-c", DRIVER, str(TESTS), str(location), coder, IP4, str(count)]


def coded_lines(run: Run) -> list[tuple[int, int]]:
    return [(int(line.split()[2]), int(line.split()[3])) for line in run.lines
            if line.startswith("coded ")]


def workbench_codings(path: Path, coder: str) -> tuple[set[int], set[int], set[int]]:
    """The coder's codings; those filed under Zq; those an undo record says it made."""
    with open_project(path) as project, project.transaction() as session:
        coder_id = session.scalar(select(Coder.id).where(Coder.name == coder))
        if coder_id is None:
            return set(), set(), set()
        ids = set(session.scalars(select(Coding.id).where(Coding.coder_id == coder_id)))
        filed = set(session.scalars(
            select(CodingSubdivision.coding_id).join(Subdivision)
            .where(Subdivision.name == "Zq", CodingSubdivision.is_primary)))
        recorded = set()
        for changes in session.scalars(select(Action.changes).where(
                Action.coder_id == coder_id, Action.state == "done")):
            recorded |= {after["id"] for kind, table, _, after in json.loads(changes)
                         if kind == "insert" and table == "codings"}
    return ids, filed & ids, recorded


def test_killing_the_workbench_while_coding_loses_no_stored_coding(
        tmp_path: Path, demo_copy: str) -> None:
    env = child_env(tmp_path)
    count = 6

    def kill_plan(seed: int, after: str, within: float) -> Callable[[list[str], float],
                                                                      float | None]:
        """Kill at a random moment of `within` seconds after the line starting `after`."""
        def plan(lines: list[str], _started: float) -> float | None:
            seen = [line for line in lines if line.startswith(after)]
            if not seen:
                return None
            return float(seen[0].split()[-1]) + within * random.Random(seed).random()
        return plan

    # Spread over the session: the first coding (the form filled in, then a new code,
    # a new subdivision and the coding stored), then two of the quick repeated ones.
    plans = [kill_plan(SEEDS[0], "picked", 1.0), kill_plan(SEEDS[1], "coded 1 ", 0.5),
             kill_plan(SEEDS[2], "coded 3 ", 0.5)]
    copies = []
    for n in range(len(plans)):
        (tmp_path / f"kill{n}").mkdir()
        copies.append(Path(shutil.copy(demo_copy, tmp_path / f"kill{n}" / "demo.qcode")))
    with ThreadPoolExecutor(max_workers=len(plans)) as pool:
        runs = list(pool.map(lambda pair: run_process(tui(pair[0], "faulty", count), env,
                                                      pair[1]),
                             zip(copies, plans, strict=True)))
    for path, run in zip(copies, runs, strict=True):
        assert run.killed or run.returncode == 0, run.stderr
        assert "locked" not in run.stdout + run.stderr
        ids, filed, recorded = workbench_codings(path, "faulty")
        said = len(coded_lines(run))
        assert said <= len(ids) <= said + 1  # what was shown as coded is stored
        assert ids == filed == recorded  # each with its filing and its undo record
        assert_sound(path)


def test_the_workbench_and_a_script_code_one_file_at_once(tmp_path: Path,
                                                          demo_copy: str) -> None:
    env = child_env(tmp_path)
    from qcode.ingest.sentences import sentence_spans

    with open_project(demo_copy) as project, project.transaction() as session:
        text = session.scalar(select(Source.text).where(Source.name == IP4)) or ""
    spans = [s for s in sentence_spans(text) if s[1] - s[0] > 20][:30]
    started = threading.Event()
    result: dict[str, Run] = {}

    def workbench() -> None:
        def signal(lines: list[str], _started: float) -> None:
            if any(line.startswith("picked") for line in lines):  # about to store
                started.set()
        result["tui"] = run_process(tui(Path(demo_copy), "workbench", 6), env, signal)
        started.set()

    thread = threading.Thread(target=workbench)
    thread.start()
    started.wait(120)
    script = run_process([sys.executable, "-c", SCRIPTER, demo_copy, IP4, json.dumps(spans)],
                         env)
    thread.join()
    screen = result["tui"]
    for run in (screen, script):
        assert run.returncode == 0, run.stderr
        assert "locked" not in (run.stdout + run.stderr).lower()
        assert "Traceback" not in run.stderr
    assert "errors 0" in screen.lines and not any(
        line.startswith("notify error") for line in screen.lines)
    shown = coded_lines(screen)
    # Both finished, neither saw "locked", and every span of each is stored. Whether
    # their writes interleaved depends on how two busy cores schedule them, so it is
    # not asserted: the script starts once the workbench is about to store, which is
    # all the overlap the test arranges.
    assert len(shown) == 6 and len(script.lines) == len(spans)
    with open_project(demo_copy) as project, project.transaction() as session:
        stored = session.execute(
            select(Coder.name, Quote.start, Quote.end).join(Coding.coder).join(Coding.quote)
            .where(Coder.name.in_(["workbench", "scripter"]))).all()
    assert sorted((s, e) for name, s, e in stored if name == "workbench") == sorted(shown)
    assert sorted((s, e) for name, s, e in stored if name == "scripter") == sorted(
        tuple(s) for s in spans)
    assert_sound(Path(demo_copy))


# -- a busy, full or read-only project -------------------------------------------------------


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def code_args(path: str, notes: str = "kept") -> list[str]:
    return ["code", path, IP4, "0", "30", "Fault code", "--notes", notes]


def test_a_busy_project_is_waited_for_then_named_in_one_line(
        demo_copy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_engine, "SQLITE_BUSY_TIMEOUT_MS", 300)
    before = counts(Path(demo_copy), Coding)
    holder = sqlite3.connect(demo_copy, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another program writing, for longer than we wait
    try:
        busy = run(*code_args(demo_copy))
    finally:
        holder.execute("ROLLBACK")
    assert busy.exit_code == 1
    assert busy.stderr == (f"qcode: error: the project is busy: another program is writing "
                           f"to it ({demo_copy}); qcode waited 0.3 s; nothing was changed; "
                           "try again\n")
    assert counts(Path(demo_copy), Coding) == before
    # A writer that finishes within the wait is simply waited for.
    monkeypatch.setattr(store_engine, "SQLITE_BUSY_TIMEOUT_MS", 5000)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, holder.execute, ["ROLLBACK"])
    release.start()
    waited = run(*code_args(demo_copy))
    release.join()
    holder.close()
    assert waited.exit_code == 0, waited.output
    assert counts(Path(demo_copy), Coding) == (before[0] + 1,)
    assert_sound(Path(demo_copy))


def limit_growth(engine: Engine) -> Engine:
    """A disk that is full: the file may not grow by a single page."""
    @event.listens_for(engine, "connect")
    def full(dbapi_connection: Any, _record: Any) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")
    return engine


def test_a_full_disk_stops_the_step_with_one_line_and_nothing_half_written(
        demo_copy: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import qcode.services.project as project_module

    made = project_module.make_engine
    monkeypatch.setattr(project_module, "make_engine", lambda loc: limit_growth(made(loc)))
    before = counts(Path(demo_copy), Source, SpeakerTurn, Coding, Quote)
    big = tmp_path / "IP13_long_interview.txt"
    big.write_text("".join(f"IP13: Turn {n} about the rent and the long way to work.\n"
                           for n in range(20000)), encoding="utf-8")
    imported = run("import", demo_copy, str(big), "--json")
    assert imported.exit_code == 1
    (row,) = json.loads(imported.stdout)
    assert row["status"] == "refused" and "is full; nothing was changed" in row["detail"]
    coded = run(*code_args(demo_copy, notes="n" * 200_000))
    assert coded.exit_code == 1 and coded.stderr.count("\n") == 1
    assert coded.stderr.startswith(f"qcode: error: the disk holding {demo_copy} is full")
    monkeypatch.setattr(project_module, "make_engine", made)
    assert counts(Path(demo_copy), Source, SpeakerTurn, Coding, Quote) == before
    assert_sound(Path(demo_copy))


def read_only_checks(path: str) -> None:
    before = counts(Path(path), Coding, Code)
    coded = run(*code_args(path))
    assert coded.exit_code == 1 and coded.stderr.count("\n") == 1
    assert "is read-only; nothing was changed" in coded.stderr
    assert run("codings", path, "--json").exit_code == 0  # reading still works
    assert counts(Path(path), Coding, Code) == before


def test_a_read_only_project_file_says_so(demo_copy: str) -> None:
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod cannot stop root writing (the test below "
                    "opens the file read-only instead)")
    os.chmod(demo_copy, 0o444)
    try:
        read_only_checks(demo_copy)
    finally:
        os.chmod(demo_copy, 0o644)
    assert_sound(Path(demo_copy))


def test_a_project_opened_read_only_refuses_writes_in_one_line(
        demo_copy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import qcode.services.project as project_module

    made = project_module.make_engine
    uri = f"sqlite+pysqlite:///file:{demo_copy}?mode=ro&uri=true"
    monkeypatch.setattr(project_module, "make_engine", lambda _loc: made(uri))
    read_only_checks(demo_copy)
    monkeypatch.setattr(project_module, "make_engine", made)
    assert_sound(Path(demo_copy))
