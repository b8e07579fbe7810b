"""Mentions report on a generated project vs. the hand-written GROUP BY in sqlite3.

    python -m bench.mentions [--codings 1000000] [--sources 1000]

Target (issue 4): 1,000,000 codings, `mentions` by group under 1 s through the API and
within 3x of the equivalent hand-written SQL on the same file; the CLI end to end too.
Issue 16: by code too (it took 2.95 s, 3.2-4.7x a plain GROUP BY).
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import generate
from bench.measure import Row, emit, peak_mb
from qcode.reports.mentions import mentions
from qcode.services.project import open_project

# The same count written by hand as fast as we know how: links counted per subdivision
# and rolled up the tree; codings without a link counted as all less the linked ones.
FLOOR_SQL = """
WITH RECURSIVE tree(id, bucket) AS (
  SELECT id, id FROM subdivisions WHERE parent_id IS NULL
  UNION ALL SELECT s.id, tree.bucket FROM subdivisions s JOIN tree ON s.parent_id = tree.id
)
SELECT g.name, sum(x.n) FROM (
  SELECT subdivision_id AS sid, count(*) AS n FROM coding_subdivisions GROUP BY subdivision_id
) x JOIN tree ON tree.id = x.sid JOIN subdivisions g ON g.id = tree.bucket GROUP BY g.name
UNION ALL
SELECT '(no subdivision)',
       (SELECT count(*) FROM codings) - (SELECT count(DISTINCT coding_id) FROM coding_subdivisions)
"""


# Mentions per code by hand: a coding counts once per subdivision it is filed under,
# once when it is filed under none.
FLOOR_CODE_SQL = """
SELECT k.name, count(*) FROM codings c
LEFT JOIN coding_subdivisions cs ON cs.coding_id = c.id
JOIN codes k ON k.id = c.code_id GROUP BY k.name
"""


def best(func: object, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codings", type=int, default=1_000_000)
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--json", action="store_true", help="one JSON line for python -m bench")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.qcode"
        t0 = time.perf_counter()
        generate(path, args.sources, args.codings)
        if not args.json:
            print(f"generated {args.codings} codings in {args.sources} sources "
                  f"in {time.perf_counter() - t0:.1f} s")

        db = sqlite3.connect(path)
        floor = best(lambda: db.execute(FLOOR_SQL).fetchall())
        expected = dict(db.execute(FLOOR_SQL).fetchall())
        floor_code = best(lambda: db.execute(FLOOR_CODE_SQL).fetchall())
        expected_code = dict(db.execute(FLOOR_CODE_SQL).fetchall())
        db.close()
        project = open_project(path)
        api = best(lambda: mentions(project, "group"))
        table = mentions(project, "group")
        assert dict(zip(table["group"], table["mentions"], strict=True)) == expected
        by_code = best(lambda: mentions(project, "code"))
        table = mentions(project, "code")
        assert dict(zip(table["code"], table["mentions"], strict=True)) == expected_code
        project.close()
        cli = best(lambda: subprocess.run(
            [sys.executable, "-m", "qcode", "report", "mentions", str(path), "--json"],
            check=True, capture_output=True), repeat=2)
    sql = "hand-written GROUP BY in sqlite3"
    if args.json:
        emit([Row(f"mentions by group, {args.codings:,} codings (API)", api, sql, floor,
                  peak_mb(), "under 1 s, 3x floor"),
              Row("the same through the CLI, end to end", cli, sql, floor),
              Row(f"mentions by code, {args.codings:,} codings (API)", by_code,
                  "hand-written GROUP BY over codings and their subdivisions", floor_code,
                  None, "under 1 s, 3x floor")], True)
        return
    print(f"{'what':<34} {'seconds':>8} {'x floor':>8}")
    print(f"{'hand-written SQL (sqlite3)':<34} {floor:>8.3f} {1:>8.1f}")
    print(f"{'qcode.api mentions by group':<34} {api:>8.3f} {api / floor:>8.1f}")
    print(f"{'qcode report mentions (CLI)':<34} {cli:>8.3f} {cli / floor:>8.1f}")
    print(f"{'hand-written SQL by code':<34} {floor_code:>8.3f} {1:>8.1f}")
    print(f"{'qcode.api mentions by code':<34} {by_code:>8.3f} {by_code / floor_code:>8.1f}")


if __name__ == "__main__":
    main()
