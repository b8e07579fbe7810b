"""Anchoring benchmark: placing sheet quotes in transcripts vs. plain str.find.

Run: python -m bench.anchoring [--sources 12] [--chars 60000] [--quotes 1000] [--seed 1]

Transcripts are built from the demo corpus's own sentences, shuffled with a seed, so
the text is real interview language and quotes may repeat as in life. A fifth of the
quotes are verbatim, the rest carry the differences researchers make: whitespace,
typographic quotes, a capital at the start, "(...)" elisions, bracketed words, and
small misspellings. The floor is `str.find` of the verbatim quotes over all sources:
what any anchoring must at least do. Target (issue 3): 1,000 quotes against 12
transcripts of 60,000 characters in under 2 s, scaling with the text.
"""

from __future__ import annotations

import argparse
import random
import re
import time

from bench.measure import Row, emit, peak_mb
from qcode.anchor import Corpus
from qcode.ingest.demo import demo_dir


def sentences() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in demo_dir().glob("transcripts/*.txt"))
    return [s for s in re.split(r"(?<=[.?!])\s+", text) if 40 <= len(s) <= 300]


def transcripts(pool: list[str], count: int, chars: int, rng: random.Random) -> list[str]:
    texts = []
    for n in range(count):
        parts, size = [], 0
        while size < chars:
            speaker = "Interviewer" if rng.random() < 0.3 else f"IP{n + 1}"
            turn = " ".join(rng.choice(pool) for _ in range(rng.randint(1, 5)))
            parts.append(f"{speaker}: {turn}\n\n")
            size += len(parts[-1])
        texts.append("".join(parts)[:chars])
    return texts


def make_quote(text: str, rng: random.Random) -> tuple[str, str]:
    """A passage of `text` and the way a researcher might have written it."""
    start = rng.randrange(0, len(text) - 400)
    start = text.index(" ", start) + 1
    end = text.index(" ", start + rng.randint(60, 240))
    verbatim = text[start:end]
    kind = rng.randrange(6)
    words = verbatim.split()
    if kind == 1:
        written = "  ".join(words)
    elif kind == 2:
        written = verbatim.replace('"', "“", 1).replace("'", "’")
        written = written[:1].upper() + written[1:]
    elif kind == 3 and len(words) > 12:
        written = " ".join(words[:5]) + " (...) " + " ".join(words[-5:])
    elif kind == 4 and len(words) > 4:
        written = " ".join([words[0], "[the programme]", *words[1:]])
    elif kind == 5 and len(words) > 6:
        i = rng.randrange(1, len(words) - 1)
        words[i] = words[i][:-1] if len(words[i]) > 3 else words[i] + "s"
        written = " ".join(words)
    else:
        written = verbatim
    return verbatim, written


def run(sources: int, chars: int, quotes: int, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    texts = transcripts(sentences(), sources, chars, rng)
    pairs = [make_quote(rng.choice(texts), rng) for _ in range(quotes)]

    t0 = time.perf_counter()
    for verbatim, _ in pairs:
        for text in texts:
            if text.find(verbatim) >= 0:
                break
    floor = time.perf_counter() - t0

    t0 = time.perf_counter()
    corpus = Corpus((f"IP{n + 1}", text) for n, text in enumerate(texts))
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    placed = [corpus.place(written) for _, written in pairs]
    placing = time.perf_counter() - t0

    anchored = [p for p in placed if p.chosen is not None]
    right = sum(
        1 for (verbatim, _), p in zip(pairs, placed, strict=True)
        if p.chosen is not None
        and texts[int(p.chosen.source[2:]) - 1][p.chosen.start:p.chosen.end].strip(" .,")
        in verbatim
    )
    return {
        "sources": sources, "chars": chars, "quotes": quotes,
        "floor_s": floor, "index_s": built, "place_s": placing, "total_s": built + placing,
        "anchored": len(anchored), "inside_true_span": right,
        "ratio": (built + placing) / floor if floor else float("inf"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=12)
    parser.add_argument("--chars", type=int, default=60_000)
    parser.add_argument("--quotes", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="one JSON line for python -m bench")
    args = parser.parse_args()
    rows = [
        run(args.sources, args.chars, args.quotes, args.seed),
        run(args.sources * 4, args.chars, args.quotes, args.seed),  # 4x the text
        run(args.sources, args.chars, args.quotes * 4, args.seed),  # 4x the quotes
    ]
    if args.json:
        first = rows[0]
        emit([Row(f"anchor {first['quotes']:,} sheet quotes in {first['sources']} transcripts "
                  f"of {first['chars']:,} chars", first["total_s"],
                  "str.find of the verbatim quotes", first["floor_s"], peak_mb(), "under 2 s")],
             True)
        return
    print(f"{'sources':>7} {'chars':>7} {'quotes':>6} {'floor s':>8} {'index s':>8} "
          f"{'place s':>8} {'total s':>8} {'x floor':>8} {'anchored':>9} {'in span':>8}")
    for r in rows:
        print(f"{r['sources']:>7} {r['chars']:>7} {r['quotes']:>6} {r['floor_s']:>8.3f} "
              f"{r['index_s']:>8.3f} {r['place_s']:>8.3f} {r['total_s']:>8.3f} "
              f"{r['ratio']:>8.1f} {r['anchored']:>9} {r['inside_true_span']:>8}")


if __name__ == "__main__":
    main()
