"""What every benchmark shares: a measured row, and code timed in a process of its own.

A figure only means something next to its floor measured in the same run, so every
row carries both. Each side of a comparison that reports memory runs in a fresh
Python process: its peak resident size (max RSS) is then its own, not the sum of
everything the benchmark did before.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

# Appended to every timed script: one JSON line with the seconds and the peak MB.
_REPORT = """
import json as _json, resource as _resource
print(_json.dumps([_seconds, _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss / 1024]))
"""


@dataclass
class Row:
    """One measured figure against its floor."""

    what: str
    seconds: float
    floor: str = ""
    floor_seconds: float | None = None
    peak_mb: float | None = None
    target: str = ""

    @property
    def ratio(self) -> float | None:
        if not self.floor_seconds:
            return None
        return self.seconds / self.floor_seconds


def in_process(script: str, *args: str) -> tuple[float, float]:
    """Run `script` (which sets `_seconds`) in a new interpreter: (seconds, peak MB)."""
    done = subprocess.run([sys.executable, "-c", script + _REPORT, *args], check=True,
                          capture_output=True, text=True)
    seconds, megabytes = json.loads(done.stdout.strip().splitlines()[-1])
    return float(seconds), float(megabytes)


def fastest(script: str, *args: str, repeat: int = 1) -> tuple[float, float]:
    """The fastest of `repeat` fresh-process runs, with the peak memory of that run."""
    return min(in_process(script, *args) for _ in range(max(1, repeat)))


def turns(sides: dict[str, str], folder: Path, repeat: int, *args: str
          ) -> dict[str, tuple[float, float]]:
    """Each side's fastest (seconds, peak MB) of `repeat` runs; the sides take turns, and
    each run gets a new empty project in `folder` as its first argument."""
    from qcode.services.project import init_project

    runs: dict[str, list[tuple[float, float]]] = {side: [] for side in sides}
    for n in range(max(1, repeat)):
        for side, script in sides.items():
            path = folder / f"{side}{n}.qcode"
            init_project(str(path)).close()
            runs[side].append(fastest(script, str(path), *args))
    return {side: min(found) for side, found in runs.items()}


def peak_mb() -> float:
    """This process's peak resident size so far, in MB."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(rows: list[Row], as_json: bool) -> None:
    """Print the rows as a table, or as one JSON line for `python -m bench`."""
    if as_json:
        print(json.dumps([asdict(r) for r in rows]))
        return
    print(f"{'what':<52} {'seconds':>8} {'x floor':>8} {'peak MB':>8}")
    for row in rows:
        ratio = f"{row.ratio:8.1f}" if row.ratio is not None else f"{'':8}"
        peak = f"{row.peak_mb:8.0f}" if row.peak_mb is not None else f"{'':8}"
        print(f"{row.what:<52} {row.seconds:8.3f} {ratio} {peak}")
        if row.floor:
            print(f"  floor: {row.floor} {row.floor_seconds:.3f} s")
