"""Deterministic projects at any scale, for benchmarks.

    python -m bench.generate out.qcode --sources 12 --codings 950 [--seed 1]

The schema comes from qcode itself (init_project); the rows go in with raw sqlite3
executemany, so a million codings take seconds. Shape: transcripts with speaker turns,
a subdivision tree of 10 groups (one with two factor groups) over 42 subdivisions,
about 60 codes, two coders, codings filed under a primary and often other
subdivisions, a few with none.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sqlite3
import uuid
from pathlib import Path

from qcode.services.project import init_project

WORDS = ("house room family water credit land plot subsidy technician build wall roof "
         "street bus school money bank rules year month wait office title paper city "
         "neighbour help learn trust work child mother father community programme").split()


Turn = tuple[int, int, str]


def transcript(rng: random.Random, length: int, case: str) -> tuple[str, list[Turn]]:
    """A transcript of about `length` characters in speaker turns, and the turns' spans.

    Turns alternate between the interviewer and the case, as in a semi-structured
    interview; each span covers the words after the speaker's label.
    """
    parts: list[str] = []
    turns: list[Turn] = []
    size, n = 0, 0
    while size < length:
        speaker = "Interviewer" if n % 2 == 0 else case
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 80)))
        label = f"{speaker}: "
        start = size + len(label)
        parts.append(f"{label}{words}\n\n")
        turns.append((start, start + len(words), speaker))
        size += len(parts[-1])
        n += 1
    text = "".join(parts)[:length].rstrip() or "Interviewer: hello"
    return text, [(a, min(b, len(text)), who) for a, b, who in turns if a < len(text) and a < b]


def _guid(kind: str, key: int) -> str:
    """Each generated row's identity, the same in every run (as qcode gives every row one)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"qcode-bench/{kind}/{key}"))


def generate(path: Path, sources: int, codings: int, seed: int = 1,
             text_length: int | None = None) -> dict[str, int]:
    """A project of `sources` transcripts sharing `codings` evenly.

    `text_length` fixes each transcript's length; quotes then overlap where they must.
    """
    rng = random.Random(seed)
    init_project(str(path), name=f"bench {sources}x{codings}").close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys=ON")
    db.executemany("INSERT INTO coders (id, guid, name, created_at) "
                   "VALUES (?, ?, ?, '2021-01-01')",
                   [(1, _guid("coder", 1), "ana"), (2, _guid("coder", 2), "ben")])
    groups = [f"Group {g}" for g in range(10)]
    nodes, leaves = [], []
    next_id = 1
    for g, group in enumerate(groups):
        gid = next_id
        nodes.append((gid, group, group.lower(), "group", None))
        next_id += 1
        parents = [gid]
        if g == 6:  # one group split into two factor groups, as in the study
            parents = []
            for factor in ("Social approach", "User-centric approach"):
                nodes.append((next_id, factor, factor.lower(), "factor_group", gid))
                parents.append(next_id)
                next_id += 1
        for n in range(4):
            parent = parents[n % len(parents)]
            name = f"Subdivision {g}.{n}"
            nodes.append((next_id, name, name.lower(), "subdivision", parent))
            leaves.append(next_id)
            next_id += 1
    db.executemany("INSERT INTO subdivisions (id, guid, name, name_key, kind, parent_id, "
                   "position) VALUES (?, ?, ?, ?, ?, ?, 0)",
                   [(n[0], _guid("subdivision", n[0]), *n[1:]) for n in nodes])
    db.executemany("INSERT INTO codes (id, guid, name, name_key, subdivision_id, created_at) "
                   "VALUES (?, ?, ?, ?, ?, '2021-01-01')",
                   [(c, _guid("code", c), f"Code {c}", f"code {c}", leaves[c % len(leaves)])
                    for c in range(1, 61)])
    per_source = max(1, codings // sources)
    quote_len = 80
    quote_id = coding_id = 0
    for s in range(1, sources + 1):
        length = text_length or per_source * (quote_len + 20) + 100
        step = max(1, (length - quote_len) // per_source)
        text, turns = transcript(rng, length, f"IP{s}")
        db.execute(
            "INSERT INTO sources (id, guid, name, text, length, word_count, content_hash, "
            "format, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'txt', '2021-01-01')",
            (s, _guid("source", s), f"IP{s}", text, len(text), len(text.split()),
             hashlib.sha256(f"{seed}-{s}".encode()).hexdigest()),
        )
        db.executemany("INSERT INTO speaker_turns (source_id, start_offset, end_offset, "
                       "speaker) VALUES (?, ?, ?, ?)", [(s, *turn) for turn in turns])
        db.execute("INSERT INTO cases (id, guid, key, created_at) "
                   "VALUES (?, ?, ?, '2021-01-01')", (s, _guid("case", s), f"IP{s}"))
        db.execute("INSERT INTO source_cases VALUES (?, ?)", (s, s))
        quotes, rows, links = [], [], []
        for n in range(per_source):
            quote_id += 1
            start = n * step
            end = min(start + quote_len, len(text))
            quotes.append((quote_id, _guid("quote", quote_id), s, start, end, text[start:end]))
            coding_id += 1
            rows.append((coding_id, _guid("coding", coding_id), quote_id, rng.randint(1, 60),
                         rng.randint(1, 2)))
            if rng.random() > 0.014:  # about 1.4% filed under no subdivision
                picked = rng.sample(leaves, 1 + (rng.random() < 0.37))
                links += [(coding_id, leaf, i == 0) for i, leaf in enumerate(picked)]
        db.executemany("INSERT INTO quotes (id, guid, source_id, start_offset, end_offset, "
                       "text, anchor, created_at, updated_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, 'exact', '2021-01-01', '2021-01-01')", quotes)
        db.executemany("INSERT INTO codings (id, guid, quote_id, code_id, coder_id, "
                       "created_at, updated_at) "
                       "VALUES (?, ?, ?, ?, ?, '2021-01-01', '2021-01-01')", rows)
        db.executemany("INSERT INTO coding_subdivisions VALUES (?, ?, ?)", links)
    db.commit()
    db.execute("ANALYZE")
    db.close()
    return {"sources": sources, "codings": coding_id}


def main() -> None:
    parser = argparse.ArgumentParser(description="Generate a benchmark project.")
    parser.add_argument("path", type=Path)
    parser.add_argument("--sources", type=int, default=12)
    parser.add_argument("--codings", type=int, default=950)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.path.exists():
        raise SystemExit(f"{args.path} exists; give a new file name")
    print(generate(args.path, args.sources, args.codings, args.seed))


if __name__ == "__main__":
    main()
