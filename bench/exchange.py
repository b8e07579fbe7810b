"""REFI-QDA exchange: export and import of a .qdpx vs. parsing the same file and inserting
its rows with raw sqlite3.

    python -m bench.exchange [--sources 100] [--codings 50000] [--repeat 1] [--json]

qcode's export writes the whole project (tree, selections, codings with their notes,
cases, sets) and validates nothing; its import reads it back into a new project in one
step, with its undo record, GUIDs, times and filing. The floor parses the same
project.qde with lxml and inserts bare quote and coding rows with `executemany`: what
any import of that file must at least do. Each side runs in a fresh process.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench.generate import generate
from bench.measure import Row, emit, fastest, turns

EXPORT = """
import sys, time
from pathlib import Path
from qcode.interop.qdpx_export import export_qdpx
from qcode.services.project import open_project
t0 = time.perf_counter()
with open_project(sys.argv[1]) as project:
    export_qdpx(project, Path(sys.argv[2]))
_seconds = time.perf_counter() - t0
"""

IMPORT = """
import sys, time
from pathlib import Path
from qcode.interop.qdpx_import import import_qdpx
from qcode.services.project import open_project
t0 = time.perf_counter()
with open_project(sys.argv[1]) as project:
    import_qdpx(project, Path(sys.argv[2]), coder="bench")
_seconds = time.perf_counter() - t0
"""

# The least an import does: parse the XML, insert one row per selection and coding.
FLOOR = """
import sqlite3, sys, time, uuid, zipfile
from lxml import etree
t0 = time.perf_counter()
archive = zipfile.ZipFile(sys.argv[2])
root = etree.fromstring(archive.read("project.qde"))
ns = "{urn:QDA-XML:project:1.0}"
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO coders (id, guid, name, created_at) VALUES (1, ?, 'bench', "
           "'2021-01-01')", (str(uuid.uuid4()),))
db.execute("INSERT INTO codes (id, guid, name, name_key, created_at) VALUES (1, ?, 'c', 'c', "
           "'2021-01-01')", (str(uuid.uuid4()),))
sources, quotes, codings = [], [], []
for n, source in enumerate(root.iter(ns + "TextSource"), 1):
    text = archive.read("sources/" + source.get("plainTextPath").removeprefix("internal://")
                        ).decode()
    sources.append((n, str(uuid.uuid4()), f"S{n}", text, len(text), len(text.split()), str(n)))
    for selection in source.iter(ns + "PlainTextSelection"):
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        quotes.append((len(quotes) + 1, selection.get("guid"), n, start, end,
                       text[start:end]))
        for coding in selection.iter(ns + "Coding"):
            codings.append((len(codings) + 1, coding.get("guid"), len(quotes)))
db.executemany("INSERT INTO sources (id, guid, name, text, length, word_count, content_hash, "
               "format, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'txt', '2021-01-01')",
               sources)
db.executemany("INSERT INTO quotes (id, guid, source_id, start_offset, end_offset, text, "
               "anchor, created_at, updated_at) "
               "VALUES (?, ?, ?, ?, ?, ?, 'exact', '2021-01-01', '2021-01-01')", quotes)
db.executemany("INSERT OR IGNORE INTO codings (id, guid, quote_id, code_id, coder_id, "
               "created_at, updated_at) VALUES (?, ?, ?, 1, 1, '2021-01-01', '2021-01-01')",
               codings)
db.commit()
db.close()
_seconds = time.perf_counter() - t0
"""


def rows(sources: int, codings: int, repeat: int) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        study = Path(tmp) / "study.qcode"
        generate(study, sources, codings)
        qdpx = Path(tmp) / "study.qdpx"
        exported = fastest(EXPORT, str(study), str(qdpx), repeat=repeat)
        best = turns({"qcode": IMPORT, "floor": FLOOR}, Path(tmp), repeat, str(qdpx))
    (seconds, peak), (floor, floor_peak) = best["qcode"], best["floor"]
    return [
        Row(f"export qdpx: {codings:,} codings in {sources} sources", exported[0],
            "", None, exported[1]),
        Row(f"import qdpx: {codings:,} codings in {sources} sources", seconds,
            f"lxml parse + sqlite3 executemany of the rows ({floor_peak:.0f} MB)",
            floor, peak),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=100)
    parser.add_argument("--codings", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="one JSON line for python -m bench")
    args = parser.parse_args()
    emit(rows(args.sources, args.codings, args.repeat), args.json)


if __name__ == "__main__":
    main()
