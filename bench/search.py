"""Full-text search on a generated project vs. a bare FTS5 query on the same index.

    python -m bench.search [--sources 10000] [--words 1000] [--repeat 7]

Target (issue 8): 10,000 transcripts of 1,000 words (10 million words) answer a word
query in under 100 ms, including the keyword-in-context lines of the first page of
hits. The floor is the cheapest question the index can answer in the same run: raw
sqlite3 counting the transcripts that hold the word (`SELECT count(*) ... MATCH`),
with none of qcode's work (reading texts, exact offsets, context, filters).

The generated transcripts use 35 words, so a common word is in every transcript (the
worst case for narrowing); a rare word is put into 1% of them to show the other end.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.generate import WORDS, generate
from bench.measure import Row, emit, peak_mb
from qcode.reports.search import SearchQuery, search
from qcode.services.project import open_project
from qcode.services.search_index import ensure_index

PAGE = 50  # hits on the first page, about what the workbench shows at once
COMMON, RARE = "water", "villagers"  # "villagers" replaces "community": same length


def median(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def make(path: Path, sources: int, words: int, say: Callable[[str], None]) -> int:
    """The project, with a rare word in every hundredth transcript; its word count."""
    t0 = time.perf_counter()
    length = int(words * (sum(map(len, WORDS)) / len(WORDS) + 1))
    generate(path, sources, sources, text_length=length)
    db = sqlite3.connect(path)
    # Same length as the word it replaces: every offset (turns, quotes) stays right.
    db.execute("UPDATE sources SET text = replace(text, ' community ', ' villagers ') "
               "WHERE id % 100 = 1")
    db.commit()
    total = db.execute("SELECT sum(word_count) FROM sources").fetchone()[0]
    db.close()
    say(f"generated {sources:,} transcripts, {total:,} words, in "
        f"{time.perf_counter() - t0:.1f} s")
    return int(total)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sources", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=1_000, help="words per transcript")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="one JSON line for python -m bench")
    args = parser.parse_args()

    def say(line: str) -> None:
        if not args.json:
            print(line, flush=True)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.qcode"
        total = make(path, args.sources, args.words, say)
        project = open_project(path)
        t0 = time.perf_counter()
        last = [0.0]

        def progress(done: int, count: int) -> None:
            if time.perf_counter() - last[0] > 5:
                last[0] = time.perf_counter()
                say(f"  indexing {done:,} of {count:,} transcripts")

        assert ensure_index(project, progress)
        indexing = time.perf_counter() - t0
        say(f"built the index in {indexing:.1f} s")

        db = sqlite3.connect(path)

        def floor_for(word: str) -> float:
            query = "SELECT count(*) FROM search_index WHERE search_index MATCH ?"
            return median(lambda: db.execute(query, (word,)).fetchone(), args.repeat)

        common_floor, rare_floor = floor_for(COMMON), floor_for(RARE)
        rare_sources = db.execute("SELECT count(*) FROM search_index WHERE search_index "
                                  "MATCH ?", (RARE,)).fetchone()[0]
        db.close()

        first = search(project, SearchQuery(COMMON), limit=PAGE)
        assert len(first.hits) == PAGE and not first.complete
        assert all(h.text.lower() == COMMON and h.left and h.right for h in first.hits)
        common = median(lambda: search(project, SearchQuery(COMMON), limit=PAGE), args.repeat)
        rare_hits = search(project, SearchQuery(RARE)).hits
        assert len({h.source_id for h in rare_hits}) == rare_sources
        rare = median(lambda: search(project, SearchQuery(RARE)), args.repeat)
        phrase = median(lambda: search(project, SearchQuery("water credit"), limit=PAGE),
                        args.repeat)
        search(project, SearchQuery("built", mode="lemma"), limit=PAGE)  # tables loaded once
        lemma = median(lambda: search(project, SearchQuery("built", mode="lemma"), limit=PAGE),
                       args.repeat)
        fuzzy = median(lambda: search(project, SearchQuery("watr", mode="fuzzy"), limit=PAGE),
                       args.repeat)
        memory = peak_mb()
        project.close()
        cli = median(lambda: subprocess.run(
            [sys.executable, "-m", "qcode", "search", str(path), COMMON, "--limit", str(PAGE),
             "--json"], check=True, capture_output=True), 3)

    bare = "raw sqlite3 FTS5 count(*) MATCH of the word"
    rows = [
        Row(f"search: a common word, first {PAGE} hits with context, "
            f"{args.sources:,} transcripts / {total:,} words", common, bare, common_floor,
            memory, "under 0.1 s"),
        Row(f"search: a rare word, all {len(rare_hits)} hits in {rare_sources} transcripts",
            rare, bare, rare_floor),
        Row(f"search: a two-word phrase, first {PAGE} hits", phrase, bare, common_floor),
        Row(f"search: lemma of 'built', first {PAGE} hits", lemma, bare, common_floor),
        Row(f"search: fuzzy 'watr', first {PAGE} hits", fuzzy, bare, common_floor),
        Row("search: building the index once (first search)", indexing),
        Row(f"qcode search CLI end to end, first {PAGE} hits", cli, bare, common_floor),
    ]
    emit(rows, args.json)


if __name__ == "__main__":
    main()
