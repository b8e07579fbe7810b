"""Opening a long transcript in the workbench vs. Textual's own TextArea, headless.

    python -m bench.tui_reader [--length 300000] [--codings 5000] [--repeat 3]

Targets (issue 5): a 300,000-character transcript with 5,000 codings opens and paints in
under 0.5 s; applying a code reacts in under 50 ms; memory stays under 400 MB. The floor
is a bare Textual app showing the same text in a read-only TextArea (no codings, no
store), measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sqlite3
import tempfile
import time
from pathlib import Path

from textual.app import App
from textual.widgets import TextArea

from bench.generate import generate
from bench.measure import Row, emit
from qcode.tui.app import make_app
from qcode.tui.screens.coding_form import CodingDetails
from qcode.tui.screens.reader import ReaderScreen
from qcode.tui.widgets.transcript import Selection, TranscriptView


class Floor(App[None]):
    pass


async def floor_once(text: str) -> float:
    """A running app mounts a read-only TextArea with the text and paints it."""
    app = Floor()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        started = time.perf_counter()
        await app.screen.mount(TextArea(text, read_only=True))
        await pilot.pause()
        return time.perf_counter() - started


async def settle(pilot: object) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()  # type: ignore[attr-defined]
        await pilot.pause()  # type: ignore[attr-defined]


async def qcode_once(path: Path, run: int) -> tuple[float, float]:
    """Seconds to open and paint the transcript, and to apply one code and redraw."""
    app = make_app(path, "bench")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        started = time.perf_counter()
        await app.push_screen(ReaderScreen("IP1"))
        while not app.screen.query(TranscriptView):
            await pilot.pause()
        await pilot.pause()  # the first paint of the visible lines
        opened = time.perf_counter() - started
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        view = screen.query_one(TranscriptView)
        before = len(view.spans)
        started = time.perf_counter()
        # A new span each run: the same code twice on one quote would be refused.
        screen._apply(Selection(10 + run, 60), "Benchmark code", CodingDetails("", "", "", ()))
        while len(view.spans) == before:
            if time.perf_counter() - started > 10:
                raise SystemExit(f"the coding did not arrive: {app.errors}")
            await pilot.pause(0.001)
        coded = time.perf_counter() - started
        return opened, coded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=300_000)
    parser.add_argument("--codings", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="one JSON line for python -m bench")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.qcode"
        generate(path, 1, args.codings, text_length=args.length)
        db = sqlite3.connect(path)
        (text,) = db.execute("SELECT text FROM sources").fetchone()
        db.close()
        floors, opens, codes = [], [], []
        for run in range(args.repeat):
            floors.append(asyncio.run(floor_once(text)))
            opened, coded = asyncio.run(qcode_once(path, run))
            opens.append(opened)
            codes.append(coded)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    floor = min(floors)
    if args.json:
        emit([Row(f"workbench: open a {len(text):,}-char transcript with {args.codings:,} "
                  "codings", min(opens), "Textual TextArea mounting the same text", floor, peak,
                  "under 0.5 s, under 400 MB"),
              Row("workbench: apply a code, redrawn", min(codes), target="under 50 ms")], True)
        return
    print(f"transcript of {len(text):,} characters, {args.codings:,} codings, "
          f"best of {args.repeat}")
    print(f"{'what':44} {'seconds':>8} {'x floor':>8}")
    print(f"{'Textual TextArea: mount the text, first paint':44} {floor:8.3f} {1.0:8.1f}")
    print(f"{'qcode reader: open source, first paint':44} {min(opens):8.3f} "
          f"{min(opens) / floor:8.1f}")
    print(f"{'qcode reader: apply a code, redrawn':44} {min(codes):8.3f}")
    print(f"peak memory of the process (both sides): {peak:.0f} MB")


if __name__ == "__main__":
    main()
