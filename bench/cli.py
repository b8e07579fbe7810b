"""How quickly the command line answers, against floors measured in the same run.

    python -m bench.cli [--repeat 5]

Targets (issue 16): `qcode --help`, `qcode COMMAND --help` and `qcode info` within 3x of
a minimal Click program's --help; `qcode report mentions demo.qcode --by group --format
json` and `qcode codings demo.qcode --format json` within 10x of a hand-written Python
script that opens the file with sqlite3 and runs the same query. Every figure is the
fastest of --repeat runs of a fresh process, as a user (or a thesis build calling qcode
in a loop) starts it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.measure import Row, emit

MINIMAL_CLICK = """
import click

@click.group()
def cli():
    "A minimal program."

@cli.command()
def hello():
    "Say hello."

cli()
"""

# The same counts as `report mentions --by group`, written by hand: each coding's
# primary and other subdivisions rolled up to their top-level group.
SQLITE_MENTIONS = """
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute('''
WITH RECURSIVE tree(id, bucket) AS (
  SELECT id, id FROM subdivisions WHERE parent_id IS NULL
  UNION ALL SELECT s.id, tree.bucket FROM subdivisions s JOIN tree ON s.parent_id = tree.id)
SELECT g.name, count(*) FROM coding_subdivisions cs JOIN tree ON tree.id = cs.subdivision_id
JOIN subdivisions g ON g.id = tree.bucket GROUP BY g.name ORDER BY 2 DESC''').fetchall()
total = sum(n for _, n in rows)
print(json.dumps([{"group": g, "mentions": n, "percent": round(100 * n / total)}
                  for g, n in rows], indent=2))
"""

SQLITE_CODINGS = """
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.row_factory = sqlite3.Row
rows = db.execute('''
SELECT q.text, c.name AS code, k.emphasis, k.notes, s.name AS source, q.start_offset,
       q.end_offset, q.sheet_text,
       coders.name AS coder, k.created_at, k.id,
       (SELECT group_concat(sub.name, '; ') FROM coding_subdivisions cs
        JOIN subdivisions sub ON sub.id = cs.subdivision_id WHERE cs.coding_id = k.id)
        AS subdivisions
FROM codings k JOIN quotes q ON q.id = k.quote_id JOIN codes c ON c.id = k.code_id
JOIN coders ON coders.id = k.coder_id LEFT JOIN sources s ON s.id = q.source_id
ORDER BY s.name, q.start_offset''').fetchall()
print(json.dumps([dict(r) for r in rows], ensure_ascii=False, indent=2))
"""


def fastest(command: list[str], repeat: int) -> float:
    """The fastest of `repeat` runs of `command` in a new process, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="one JSON line for python -m bench")
    args = parser.parse_args()
    python, qcode = sys.executable, [sys.executable, "-m", "qcode"]
    with tempfile.TemporaryDirectory() as folder:
        demo = str(Path(folder) / "demo.qcode")
        subprocess.run([*qcode, "demo", demo], check=True, capture_output=True)
        minimal = Path(folder) / "minimal.py"
        minimal.write_text(MINIMAL_CLICK, encoding="utf-8")
        floor_help = fastest([python, str(minimal), "--help"], args.repeat)
        floor_sql = fastest([python, "-c", SQLITE_MENTIONS, demo], args.repeat)
        floor_codings = fastest([python, "-c", SQLITE_CODINGS, demo], args.repeat)
        quick = "within 3x of the floor"
        slow = "within 10x of the floor"
        helped = "a minimal Click program's --help"
        sql = "sqlite3 script, the same GROUP BY"
        listed = "sqlite3 script, the codings as JSON"
        rows = [
            Row("qcode --help", fastest([*qcode, "--help"], args.repeat), helped,
                floor_help, None, quick),
            Row("qcode report mentions --help",
                fastest([*qcode, "report", "mentions", "--help"], args.repeat), helped,
                floor_help, None, quick),
            Row("qcode info", fastest([*qcode, "info", "--json"], args.repeat), helped,
                floor_help, None, quick),
            Row("qcode info demo.qcode", fastest([*qcode, "info", demo, "--json"], args.repeat),
                helped, floor_help),
            Row("qcode report mentions demo.qcode --by group --format json",
                fastest([*qcode, "report", "mentions", demo, "--by", "group", "--format",
                         "json"], args.repeat), sql, floor_sql, None, slow),
            Row("qcode codings demo.qcode --format json",
                fastest([*qcode, "codings", demo, "--format", "json"], args.repeat), listed,
                floor_codings, None, slow),
        ]
    emit(rows, args.json)


if __name__ == "__main__":
    main()
