"""Starting, quitting and first visits of the workbench, against an empty Textual app.

    python -m bench.tui_start [--sources 2000] [--repeat 3]

Each run is a new Python process, as a researcher starts `qcode tui`: the workbench runs
headless (App.run_test) at 120x40. Measured, the fastest of --repeat runs:
- start: from launching the process to the sources list filled in;
- first visit of each screen (F4 codebook ... F12 disagreements, and a transcript):
  from the key to the screen drawn with its data (every worker done);
- quit: from ctrl+q to the process gone (ended as `qcode tui` ends it).
The floor is a Textual app of two screens, each a table of 12 rows with header and
footer, measured the same way in the same run. Runs on the demo study, and with
--sources on a generated project of that many sources.

Targets (issue 17): start under 1 s, quit under 0.5 s, first visit under 0.3 s on the
demo; start under 1.5 s with 2,000 sources.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import generate
from bench.measure import Row, emit

# Shared by both children: wait for a condition, polling the event loop.
_UNTIL = """
import asyncio, json, sys, time

async def until(pilot, ready, limit=120.0):
    deadline = time.perf_counter() + limit
    while not ready():
        if time.perf_counter() > deadline:
            raise TimeoutError("never got there")
        await pilot.pause(0.002)

async def settled(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
"""

WORKBENCH = _UNTIL + """
import threading
from textual.widgets import DataTable
from qcode.tui.app import make_app
from qcode.tui.screens.reader import ReaderScreen

SCREENS = [("codebook", "f4"), ("quotes", "f5"), ("counts", "f6"), ("axial", "f7"),
           ("memos", "f8"), ("search", "f11"), ("disagreements", "f12")]

async def main(path):
    app = make_app(path, "bench")
    visits = {}
    async with app.run_test(size=(120, 40)) as pilot:
        def listed():
            tables = app.screen.query(DataTable)
            return bool(tables) and tables.first().row_count > 0
        await until(pilot, listed)
        print("ready", flush=True)
        await settled(pilot)
        # The other screens are imported in the background after the first paint; the
        # visits are timed once that is done (visits["warm-up"] says when, from ready).
        ready_at = time.perf_counter()
        for thread in threading.enumerate():
            if thread.name == "qcode-warm-up":
                thread.join()
        visits["warm-up done, after start"] = time.perf_counter() - ready_at
        for name, key in SCREENS:
            started = time.perf_counter()
            await pilot.press(key)
            await settled(pilot)
            visits[name] = time.perf_counter() - started
        await pilot.press("f3")
        await settled(pilot)
        started = time.perf_counter()
        await pilot.press("enter")  # the first transcript of the list
        # The text on screen; sentence boundaries (spaCy) keep loading behind it.
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen)
                    and bool(app.screen.query("#transcript")))
        await pilot.pause()
        visits["a transcript"] = time.perf_counter() - started
        print(json.dumps(visits), flush=True)
        print("quit", flush=True)
        await pilot.press("ctrl+q")

asyncio.run(main(sys.argv[1]))
from qcode.cli.tui_cmd import leave  # the process ends as `qcode tui` ends it

leave(0)
"""

EMPTY_APP = _UNTIL + """
from textual.app import App
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header

class Table(Screen):
    def compose(self):
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("name", "words", "codings")
        table.add_rows([(f"IP{n}", n * 1000, n * 10) for n in range(1, 13)])

class Empty(App):
    MODES = {"one": Table, "two": Table}
    DEFAULT_MODE = "one"

async def main():
    app = Empty()
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: bool(app.screen.query(DataTable))
                    and app.screen.query_one(DataTable).row_count > 0)
        print("ready", flush=True)
        await settled(pilot)
        started = time.perf_counter()
        app.switch_mode("two")
        await until(pilot, lambda: bool(app.screen.query(DataTable))
                    and app.screen.query_one(DataTable).row_count > 0)
        await settled(pilot)
        print(json.dumps({"a second screen": time.perf_counter() - started}), flush=True)
        print("quit", flush=True)
        await pilot.press("ctrl+q")

asyncio.run(main())
"""


def one_run(script: str, *args: str) -> tuple[float, float, dict[str, float]]:
    """(start, quit, visits) of one fresh process running `script`."""
    env = {**os.environ, "QCODE_POLL_SECONDS": "0",  # no revision poll in the figures
           "QCODE_CONFIG_DIR": tempfile.mkdtemp(prefix="qcode-bench-")}
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None
    ready = visits = None
    quit_at = 0.0
    for line in child.stdout:
        if line.strip() == "ready":
            ready = time.perf_counter() - started
        elif line.startswith("{"):
            visits = json.loads(line)
        elif line.strip() == "quit":
            quit_at = time.perf_counter()
    child.wait()
    gone = time.perf_counter() - quit_at
    if child.returncode or ready is None or visits is None:
        raise SystemExit(f"the child failed: {child.stderr.read() if child.stderr else ''}")
    return ready, gone, visits


def fastest(script: str, repeat: int, *args: str) -> tuple[float, float, dict[str, float]]:
    runs = [one_run(script, *args) for _ in range(repeat)]
    visits = {name: min(run[2][name] for run in runs) for name in runs[0][2]}
    return min(r[0] for r in runs), min(r[1] for r in runs), visits


def measure(demo: Path, big: Path | None, sources: int, repeat: int) -> list[Row]:
    floor_start, floor_quit, floor_visits = fastest(EMPTY_APP, repeat)
    floor_visit = floor_visits["a second screen"]
    start, quit_, visits = fastest(WORKBENCH, repeat, str(demo))
    empty = "an empty Textual app (two screens of a 12-row table)"
    rows = [
        Row("workbench start, demo: sources listed", start, f"{empty}: start", floor_start,
            target="under 1 s"),
        Row("workbench quit, demo", quit_, f"{empty}: quit", floor_quit,
            target="under 0.5 s"),
    ]
    warm = visits.pop("warm-up done, after start")
    rows.append(Row("workbench: other screens imported in the background, after start",
                    warm))
    rows += [Row(f"workbench first visit, demo: {name}", seconds, f"{empty}: second screen",
                 floor_visit, target="under 0.3 s") for name, seconds in visits.items()]
    if big is not None:
        big_start, big_quit, _ = fastest(WORKBENCH, repeat, str(big))
        rows += [Row(f"workbench start, {sources:,} sources: sources listed", big_start,
                     f"{empty}: start", floor_start, target="under 1.5 s"),
                 Row(f"workbench quit, {sources:,} sources", big_quit, f"{empty}: quit",
                     floor_quit, target="under 0.5 s")]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=2000,
                        help="also start on a generated project this big (0: only the demo)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        demo = Path(folder) / "demo.qcode"
        subprocess.run([sys.executable, "-m", "qcode.cli.main", "demo", str(demo)],
                       check=True, capture_output=True)
        big = None
        if args.sources:
            big = Path(folder) / "big.qcode"
            generate(big, args.sources, args.sources * 10, text_length=30_000)
        emit(measure(demo, big, args.sources, args.repeat), args.json)


if __name__ == "__main__":
    main()
