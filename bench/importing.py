"""Importing transcripts vs. reading the same files and inserting rows with raw sqlite3.

    python -m bench.importing [--sources 200] [--chars 30000] [--repeat 3] [--json]

qcode's import reads each file, normalises newlines, finds speaker turns, counts
words, hashes the text and stores source and turns in a transaction per file. The
floor reads the same files and inserts bare source rows with one `executemany`:
what any import must at least do. Both sides run in fresh processes on a new project.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

from bench.generate import transcript
from bench.measure import Row, emit, turns

QCODE = """
import sys, time
from pathlib import Path
from qcode.ingest.importer import collect_files, import_paths
from qcode.services.project import open_project
t0 = time.perf_counter()
with open_project(sys.argv[1]) as project:
    report = import_paths(project, collect_files([Path(sys.argv[2])]), coder="bench")
_seconds = time.perf_counter() - t0
"""
FLOOR = """
import hashlib, sqlite3, sys, time, uuid
from pathlib import Path
t0 = time.perf_counter()
rows = []
for n, path in enumerate(sorted(Path(sys.argv[2]).glob("*.txt"))):
    text = path.read_text(encoding="utf-8")
    rows.append((str(uuid.uuid4()), path.stem, text, len(text), len(text.split()),
                 hashlib.sha256(text.encode()).hexdigest()))
db = sqlite3.connect(sys.argv[1])
db.executemany("INSERT INTO sources (guid, name, text, length, word_count, content_hash, "
               "format, imported_at) VALUES (?, ?, ?, ?, ?, ?, 'txt', '2021-01-01')", rows)
db.commit()
db.close()
_seconds = time.perf_counter() - t0
"""


def write_transcripts(folder: Path, sources: int, chars: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for s in range(1, sources + 1):
        text, _ = transcript(rng, chars, f"IP{s}")
        (folder / f"IP{s}.txt").write_text(text, encoding="utf-8")


def rows(sources: int, chars: int, repeat: int) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "transcripts"
        write_transcripts(folder, sources, chars)
        best = turns({"qcode": QCODE, "floor": FLOOR}, Path(tmp), repeat, str(folder))
    (seconds, peak), (floor, floor_peak) = best["qcode"], best["floor"]
    return [Row(f"import {sources} transcripts of {chars:,} characters", seconds,
                f"read the files + sqlite3 executemany of the rows ({floor_peak:.0f} MB)",
                floor, peak, "")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--chars", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="one JSON line for python -m bench")
    args = parser.parse_args()
    emit(rows(args.sources, args.chars, args.repeat), args.json)


if __name__ == "__main__":
    main()
