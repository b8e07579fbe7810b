"""Excel export of a generated project vs. pandas `to_excel` of the same coding rows.

    python -m bench.export_xlsx [--codings 100000] [--sources 100] [--repeat 3]

Target (issue 4): 100,000 codings exported in under 20 s with memory under 1 GB.
Each side runs in a fresh process so its peak memory (max RSS) is its own. With
--repeat the two sides take turns and each keeps its fastest run: on a shared machine
a busy moment then slows one run, not the figure (the runs are printed too).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench.generate import generate
from bench.measure import Row, emit, in_process

QCODE = """
import sys, time
from pathlib import Path
from qcode.export.xlsx import export_xlsx
from qcode.services.project import open_project
t0 = time.perf_counter()
with open_project(sys.argv[1]) as project:
    export_xlsx(project, Path(sys.argv[2]))
_seconds = time.perf_counter() - t0
"""
FLOOR = """
import sqlite3, sys, time
import pandas as pd
t0 = time.perf_counter()
db = sqlite3.connect(sys.argv[1])
rows = pd.read_sql_query(
    "SELECT q.text AS quote, c.name AS code, g.emphasis, g.notes, s.name AS source, "
    "q.start_offset AS start, q.end_offset AS end FROM codings g "
    "JOIN quotes q ON q.id = g.quote_id JOIN codes c ON c.id = g.code_id "
    "JOIN sources s ON s.id = q.source_id", db)
rows.to_excel(sys.argv[2], index=False)
_seconds = time.perf_counter() - t0
"""

# The same rows as the workbook's "Coding" sheet, in its 13 columns: what a script would
# write with pandas to hand the coding table to a supervisor, once (qcode writes it twice:
# in "Coding" and in each case's sheet).
SAME_ROWS = """
import sqlite3, sys, time
import pandas as pd
t0 = time.perf_counter()
db = sqlite3.connect(sys.argv[1])
rows = pd.read_sql_query(
    "SELECT q.text AS quote, c.name AS code, g.emphasis, "
    "(SELECT s.name FROM coding_subdivisions l JOIN subdivisions s ON s.id = l.subdivision_id "
    " WHERE l.coding_id = g.id AND l.is_primary) AS subdivision, "
    "(SELECT group_concat(s.name, '; ') FROM coding_subdivisions l "
    " JOIN subdivisions s ON s.id = l.subdivision_id "
    " WHERE l.coding_id = g.id AND NOT l.is_primary) AS other_subdivisions, "
    "g.notes, NULLIF(q.sheet_text, q.text) AS quote_as_written, src.name AS source, "
    "(SELECT group_concat(k.key, '; ') FROM source_cases sc JOIN cases k ON k.id = sc.case_id "
    " WHERE sc.source_id = q.source_id) AS 'case', who.name AS coder, "
    "g.created_at AS date, q.start_offset AS start, q.end_offset AS 'end' FROM codings g "
    "JOIN quotes q ON q.id = g.quote_id JOIN codes c ON c.id = g.code_id "
    "JOIN coders who ON who.id = g.coder_id JOIN sources src ON src.id = q.source_id", db,
    parse_dates=["date"])
rows.to_excel(sys.argv[2], index=False)
_seconds = time.perf_counter() - t0
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--sources", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per side, taking turns; the fastest of each is reported")
    parser.add_argument("--json", action="store_true", help="one JSON line for python -m bench")
    args = parser.parse_args()
    qcode_runs, floor_runs, same_runs = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.qcode"
        generate(path, args.sources, args.codings)
        for _ in range(max(1, args.repeat)):
            qcode_runs.append(in_process(QCODE, str(path), str(Path(folder) / "qcode.xlsx")))
            floor_runs.append(in_process(FLOOR, str(path), str(Path(folder) / "pandas.xlsx")))
            same_runs.append(in_process(SAME_ROWS, str(path), str(Path(folder) / "same.xlsx")))
    qcode, floor, same = min(qcode_runs), min(floor_runs), min(same_runs)
    if args.json:
        emit([Row(f"Excel export of {args.codings:,} codings", qcode[0],
                  f"pandas to_excel of the coding rows ({floor[1]:.0f} MB)", floor[0], qcode[1],
                  "under 20 s, under 1 GB"),
              Row(f"the same, against the Coding sheet's 13 columns ({args.sources:,} cases)",
                  qcode[0], f"pandas to_excel of those rows once ({same[1]:.0f} MB)",
                  same[0], qcode[1], "within 3x")], True)
        return
    print(f"{'what':<40} {'seconds':>8} {'x floor':>8} {'peak MB':>8}")
    print(f"{'pandas to_excel of the coding rows':<40} {floor[0]:>8.1f} {1:>8.1f} "
          f"{floor[1]:>8.0f}")
    same_label = "pandas, the Coding sheet's 13 columns"
    print(f"{same_label:<40} {same[0]:>8.1f} "
          f"{same[0] / floor[0]:>8.1f} {same[1]:>8.0f}")
    print(f"{'qcode export xlsx (all sheets, charts)':<40} {qcode[0]:>8.1f} "
          f"{qcode[0] / floor[0]:>8.1f} {qcode[1]:>8.0f}  "
          f"({qcode[0] / same[0]:.1f}x the 13 columns)")
    if len(qcode_runs) > 1:
        for label, runs in (("pandas", floor_runs), ("pandas 13", same_runs),
                            ("qcode", qcode_runs)):
            print(f"{label} runs (s): " + " ".join(f"{s:.1f}" for s, _ in runs))


if __name__ == "__main__":
    main()
