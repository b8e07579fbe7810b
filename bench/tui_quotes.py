"""The quotes table of the workbench on a big project, headless (App.run_test).

    python -m bench.tui_quotes [--codings 100000] [--sources 100] [--repeat 3]

Measures, on a generated project: opening the quotes screen (count and first page on
screen), jumping to the last row, paging down, and applying a code filter and a text
filter; next to them the report calls the table makes (`count_quotes`, `quote_page`),
which are the floor. Also prints how many rows the table holds in memory at the end
(a page cache, never the whole table).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from bench.generate import generate
from bench.measure import Row, emit, peak_mb
from qcode.reports.quotes import QuoteFilter, count_quotes, quote_page
from qcode.services.project import open_project
from qcode.tui.app import make_app
from qcode.tui.screens.quotes import QuotesScreen
from qcode.tui.widgets.quote_table import QuoteTable


async def until(pilot: Pilot[None], ready: Callable[[], bool], limit: float = 60.0) -> None:
    """Wait (polling the event loop) until `ready()`, then for one frame.

    Keys go in with `simulate_key`, which does not wait: Pilot's `press` waits until
    every worker is done, prefetching included, which is not what the researcher waits
    for.
    """
    deadline = time.perf_counter() + limit
    while not ready():
        if time.perf_counter() > deadline:
            raise TimeoutError("the quotes table did not get there in time")
        await pilot.pause(0.001)
    await pilot.pause(1 / 60)  # a frame, for the paint (pause() waits for an idle CPU)


async def run_once(path: Path, codings: int) -> dict[str, float | int]:
    timings: dict[str, float | int] = {}
    app = make_app(path, "bench")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()

        started = time.perf_counter()
        app.simulate_key("f5")
        await until(pilot, lambda: isinstance(app.screen, QuotesScreen)
                    and app.screen.query_one(QuoteTable).total == codings
                    and app.screen.query_one(QuoteTable).row_at(0) is not None)
        timings["open quotes screen, first page shown"] = time.perf_counter() - started
        table = app.screen.query_one(QuoteTable)

        started = time.perf_counter()
        app.simulate_key("end")
        await until(pilot, lambda: table.current is not None and table.cursor == codings - 1)
        timings["end: scroll to the last row, shown"] = time.perf_counter() - started

        app.simulate_key("home")
        await until(pilot, lambda: table.current is not None)
        steps = []
        for _ in range(20):
            started = time.perf_counter()
            app.simulate_key("pagedown")
            await until(pilot, lambda: table.current is not None)
            steps.append(time.perf_counter() - started)
        timings["pagedown (mean of 20)"] = statistics.mean(steps)
        timings["pagedown (slowest of 20)"] = max(steps)

        started = time.perf_counter()
        screen = app.screen
        assert isinstance(screen, QuotesScreen)
        screen.use_filter('code:"Code 7"')
        await until(pilot, lambda: 0 < table.total < codings and table.row_at(0) is not None)
        timings["filter code:\"Code 7\", first page shown"] = time.perf_counter() - started
        filtered = table.total

        started = time.perf_counter()
        screen.use_filter("roof school")
        await until(pilot, lambda: table.total != filtered and table.row_at(0) is not None)
        timings["filter words \"roof school\", shown"] = time.perf_counter() - started

        timings["rows held in memory"] = table.cached_rows
        assert not app.errors, app.errors
    return timings


def floor(path: Path, codings: int) -> dict[str, float]:
    """The report calls alone: what the table cannot be faster than."""
    found: dict[str, float] = {}
    with open_project(path) as project:
        for label, call in (
            ("count_quotes, no filter", lambda: count_quotes(project, QuoteFilter())),
            ("quote_page, first 100", lambda: quote_page(project, QuoteFilter(), 0, 100)),
            ("quote_page, last 100",
             lambda: quote_page(project, QuoteFilter(), codings - 100, 100)),
            ("count_quotes code:\"Code 7\"",
             lambda: count_quotes(project, QuoteFilter(code="Code 7"))),
        ):
            runs = []
            for _ in range(3):
                started = time.perf_counter()
                call()
                runs.append(time.perf_counter() - started)
            found[label] = min(runs)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--sources", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="one JSON line for python -m bench")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.qcode"
        started = time.perf_counter()
        made = generate(path, args.sources, args.codings)
        codings = made["codings"]
        if not args.json:
            print(f"generated {codings:,} codings in {args.sources} sources "
                  f"in {time.perf_counter() - started:.1f} s")
        runs = [asyncio.run(run_once(path, codings)) for _ in range(args.repeat)]
        sql = floor(path, codings)
    if args.json:
        best = {label: min(float(r[label]) for r in runs) for label in runs[0]}
        first = "quote_page, first 100"
        emit([Row(f"workbench quotes table, {codings:,} codings: {label}", best[label],
                  f"report {first}", sql[first], peak_mb() if label.startswith("open") else None,
                  "no stall")
              for label in best if label != "rows held in memory"], True)
        return
    print(f"best of {args.repeat}, terminal 120x40")
    print(f"{'what':48} {'seconds':>8}")
    for label in runs[0]:
        if label == "rows held in memory":
            continue
        print(f"{'workbench: ' + label:48} {min(float(r[label]) for r in runs):8.3f}")
    for label, seconds in sql.items():
        print(f"{'report: ' + label:48} {seconds:8.3f}")
    print(f"rows held in memory by the table at the end: {runs[-1]['rows held in memory']:,} "
          f"of {codings:,}")


if __name__ == "__main__":
    main()
