"""Every benchmark in one command, each figure beside its floor from the same run.

    python -m bench                      # the issues' targets (several minutes)
    python -m bench --scale study        # the study's size: 12 sources, 950 codings
    python -m bench --only mentions export_xlsx
    python -m bench --write docs/performance.md

Each benchmark runs as its own process (`python -m bench.NAME --json ...`), so its
peak memory is its own. `--write` replaces the summary table at the top of the file
(between the `bench:summary` markers) with this run's figures, the machine, the
versions and the date; the sections below it keep the longer write-ups.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
from datetime import date
from importlib import metadata
from pathlib import Path

from bench.measure import Row

# The arguments that reach each issue's target, and the study's own size.
SCALES: dict[str, dict[str, list[str]]] = {
    "target": {
        "importing": ["--sources", "200", "--chars", "30000", "--repeat", "3"],
        "anchoring": ["--sources", "12", "--chars", "60000", "--quotes", "1000"],
        "mentions": ["--codings", "1000000", "--sources", "1000"],
        "export_xlsx": ["--codings", "100000", "--sources", "100", "--repeat", "3"],
        "tui_reader": ["--length", "300000", "--codings", "5000", "--repeat", "3"],
        "tui_quotes": ["--codings", "100000", "--sources", "100", "--repeat", "2"],
        "search": ["--sources", "10000", "--words", "1000"],
        "cli": ["--repeat", "5"],
        "exchange": ["--sources", "100", "--codings", "50000"],
    },
    "study": {
        "importing": ["--sources", "12", "--chars", "60000", "--repeat", "3"],
        "anchoring": ["--sources", "12", "--chars", "60000", "--quotes", "950"],
        "mentions": ["--codings", "950", "--sources", "12"],
        "export_xlsx": ["--codings", "950", "--sources", "12", "--repeat", "3"],
        "tui_reader": ["--length", "60000", "--codings", "80", "--repeat", "3"],
        "tui_quotes": ["--codings", "950", "--sources", "12", "--repeat", "2"],
        "search": ["--sources", "12", "--words", "10000"],
        "cli": ["--repeat", "5"],
        "exchange": ["--sources", "12", "--codings", "950", "--repeat", "3"],
    },
}
BEGIN, END = "<!-- bench:summary -->", "<!-- /bench:summary -->"


def run(name: str, args: list[str]) -> list[Row]:
    done = subprocess.run([sys.executable, "-m", f"bench.{name}", "--json", *args],
                          capture_output=True, text=True)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        print(f"bench.{name} failed: {tail}", file=sys.stderr)
        return []
    return [Row(**r) for r in json.loads(done.stdout.strip().splitlines()[-1])]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in
                         ("qcode", "sqlalchemy", "textual", "pandas", "openpyxl", "rapidfuzz"))
    return (f"{date.today().isoformat()}, {os.cpu_count()} cores ({cpu}), "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, {versions}")


def table(rows: list[Row], scale: str) -> str:
    lines = [f"Scale `{scale}`, measured {machine()}.", "",
             "| what | seconds | floor (same run) | x floor | peak MB | target |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        floor = f"{r.floor}: {_seconds(r.floor_seconds)}" if r.floor_seconds is not None else ""
        ratio = f"{r.ratio:.1f}" if r.ratio is not None else ""
        peak = f"{r.peak_mb:.0f}" if r.peak_mb is not None else ""
        lines.append(f"| {r.what} | {r.seconds:.3f} | {floor} | {ratio} | {peak} | {r.target} |")
    return "\n".join(lines)


def _seconds(value: float) -> str:
    """Seconds, or milliseconds for a floor too quick to show in thousandths."""
    return f"{value:.3f} s" if value >= 0.01 else f"{value * 1000:.2f} ms"


def write(path: Path, summary: str) -> None:
    text = path.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{summary}\n{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:  # first run: under the title
        title, _, rest = text.partition("\n")
        text = f"{title}\n\n{block}\n{rest}"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="target")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="some of: "
                        + ", ".join(SCALES["target"]))
    parser.add_argument("--write", type=Path, metavar="FILE",
                        help="put the summary table at the top of FILE (docs/performance.md)")
    args = parser.parse_args()
    chosen = SCALES[args.scale]
    unknown = set(args.only or ()) - set(chosen)
    if unknown:
        parser.error(f"no benchmark named {', '.join(sorted(unknown))}")
    rows: list[Row] = []
    for name, bench_args in chosen.items():
        if args.only and name not in args.only:
            continue
        if not Path(__file__).with_name(f"{name}.py").exists():
            print(f"bench.{name}: not written yet, skipped", file=sys.stderr)
            continue
        print(f"running bench.{name} {' '.join(bench_args)}", file=sys.stderr)
        rows += run(name, bench_args)
    summary = table(rows, args.scale)
    print(summary)
    if args.write:
        write(args.write, summary)


if __name__ == "__main__":
    main()
