"""Finding speaker turns in a plain transcript.

A turn starts at the beginning of a line with a label: "IP4:", "Interviewer:",
"Laura Méndez:", "Q:"/"A:", "[id1]", optionally after a timestamp ("[00:12:03] IP4:").
A label counts as a speaker only when it starts two or more turns (or is Q/A), so a
header line such as "Date: 5 March" is not taken for a speaker. A turn runs until the
next turn starts; its span covers what was said, not the label.
"""

from __future__ import annotations

import re
from collections import Counter

from qcode.services.sources import Turn

_LABEL = re.compile(
    r"^(?:\[?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\]?\s+)?"  # optional timestamp
    r"(?:\[(?P<tag>[^\]\n]{1,40})\]|(?P<name>[^\W\d_][^\n:]{0,40}?)\s*:)"
    r"[ \t]*",
    re.MULTILINE,
)
_ALWAYS = {"q", "a"}
_MAX_LABEL_WORDS = 5


def find_turns(text: str) -> list[Turn]:
    """The speaker turns of `text`, in order, as spans of what each speaker said."""
    found = []
    for match in _LABEL.finditer(text):
        label = (match.group("tag") or match.group("name") or "").strip()
        if label and len(label.split()) <= _MAX_LABEL_WORDS:
            found.append((match.start(), match.end(), label))
    return _spans(text, found)


def turns_from_labels(text: str, labels: list[tuple[int, str]]) -> list[Turn]:
    """Turns from labels a format marks itself (a bold name opening a Word paragraph).

    `labels` holds (paragraph start, label text as written) for every paragraph, with
    an empty label where the paragraph has none.
    """
    found = []
    for start, raw in labels:
        label = raw.strip().rstrip(":").strip()
        if label and len(label.split()) <= _MAX_LABEL_WORDS:
            content = start + len(raw)
            while content < len(text) and text[content] in ": \t":
                content += 1
            found.append((start, content, label))
    return _spans(text, found)


def _spans(text: str, found: list[tuple[int, int, str]]) -> list[Turn]:
    """Turns from (label start, content start, label), keeping recurring labels only."""
    counts = Counter(label for _, _, label in found)
    starts = [f for f in found if counts[f[2]] >= 2 or f[2].casefold() in _ALWAYS]
    turns = []
    for i, (_, content_start, label) in enumerate(starts):
        stop = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        end = stop
        while end > content_start and text[end - 1].isspace():
            end -= 1
        if end > content_start:
            turns.append(Turn(content_start, end, label))
    return turns
