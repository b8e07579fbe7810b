"""Suggested codes: learning from the codings and suggesting, at the study's size and at
200 transcripts.

    python -m bench.suggest                                  # 200 transcripts, 20,000 codings
    python -m bench.suggest --sources 12 --codings 950       # the thesis's size
    python -m bench.suggest --demo                           # the demo study (real text)

Target (issue 21): training and suggesting for a study the size of the thesis (12
transcripts, 950 codings) under 5 s, and for 200 transcripts / 20,000 codings under
60 s. The generated study (bench.generate) has `--new` more transcripts without any
coding, the new interviews suggestions are for. The floor is cutting every transcript
into units (spaCy's sentencizer) and labelling them from the codings, which any
unit-level method does first; each side runs in a fresh process, imports done before
the clock starts, so its peak memory is its own.
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
from bench.measure import Row, emit, fastest

_SETUP = """
import sys, time
from qcode.services.project import open_project
from qcode.suggest.corpus import read_corpus
from qcode.suggest.evaluation import evaluate
from qcode.suggest.suggesting import suggest
import qcode.suggest.model, sklearn.linear_model, sklearn.feature_extraction.text, spacy
project = open_project(sys.argv[1])
unit = sys.argv[2]
_t0 = time.perf_counter()
"""
FLOOR = _SETUP + "read_corpus(project, unit)\n_seconds = time.perf_counter() - _t0\n"
SUGGEST = _SETUP + ("found = suggest(project, read_corpus(project, unit))\n"
                    "_seconds = time.perf_counter() - _t0\n"
                    "assert found.learned, 'nothing learned'\n")
EVALUATE = _SETUP + ("found = evaluate(read_corpus(project, unit))\n"
                     "_seconds = time.perf_counter() - _t0\n")


def study(path: Path, sources: int, codings: int, new: int) -> None:
    """A generated study of `sources` coded transcripts sharing `codings`, and `new`
    transcripts nobody has coded yet (their codings removed)."""
    total = sources + new
    generate(path, total, codings * total // sources)
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys=ON")
    gone = f"SELECT id FROM quotes WHERE source_id > {sources}"
    db.execute(f"DELETE FROM coding_subdivisions WHERE coding_id IN "
               f"(SELECT id FROM codings WHERE quote_id IN ({gone}))")
    db.execute(f"DELETE FROM codings WHERE quote_id IN ({gone})")
    db.execute(f"DELETE FROM quotes WHERE source_id > {sources}")
    db.commit()
    db.close()


def demo(path: Path) -> None:
    subprocess.run([sys.executable, "-m", "qcode", "demo", str(path)], check=True,
                   capture_output=True)


def counted(path: Path) -> tuple[int, int]:
    db = sqlite3.connect(path)
    sources, codings = (db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                        for t in ("sources", "codings"))
    db.close()
    return sources, codings


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sources", type=int, default=200, help="coded transcripts")
    parser.add_argument("--codings", type=int, default=20_000)
    parser.add_argument("--new", type=int, default=None,
                        help="transcripts without codings [default: a tenth of --sources]")
    parser.add_argument("--demo", action="store_true", help="the demo study instead")
    parser.add_argument("--unit", default="sentence")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-evaluate", action="store_true",
                        help="leave out the cross-validation (the slowest part)")
    parser.add_argument("--json", action="store_true", help="one JSON line for python -m bench")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.qcode"
        t0 = time.perf_counter()
        if args.demo:
            demo(path)
        else:
            study(path, args.sources, args.codings,
                  max(1, args.sources // 10) if args.new is None else args.new)
        sources, codings = counted(path)
        what = f"{sources} transcripts, {codings:,} codings" + (" (demo)" if args.demo else "")
        if not args.json:
            print(f"made {what} in {time.perf_counter() - t0:.1f} s", flush=True)
        floor, floor_mb = fastest(FLOOR, str(path), args.unit, repeat=args.repeat)
        learned, learned_mb = fastest(SUGGEST, str(path), args.unit, repeat=args.repeat)
        limit = "under 5 s" if codings <= 1000 else "under 60 s"
        rows = [Row(f"suggest: learn and suggest, {what}", learned,
                    f"cut into {args.unit}s and label them", floor, learned_mb, limit)]
        if not args.no_evaluate:
            checked, checked_mb = fastest(EVALUATE, str(path), args.unit, repeat=1)
            rows.append(Row(f"suggest --evaluate: cross-validation, {what}", checked,
                            f"cut into {args.unit}s and label them", floor, checked_mb))
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", _CLI, str(path), "--unit", args.unit,
                        "--format", "json"], check=True, capture_output=True)
        rows.append(Row("the same suggestions through the CLI, end to end",
                        time.perf_counter() - t0, "", None, None, limit))
    emit(rows, args.json)


# `qcode suggest` as the entry point runs it.
_CLI = """
import sys
from qcode.cli import main
main.cli(["suggest", *sys.argv[1:]], prog_name="qcode")
"""


if __name__ == "__main__":
    main()
