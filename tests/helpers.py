"""Small builders shared by the tests."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import select

from qcode.services.coding import CodingRequest, CodingResult, code_span
from qcode.services.project import Project, open_project
from qcode.services.sources import NewSource, Turn, add_source
from qcode.store.models import Base

# The fuzz run (QCODE_HYPOTHESIS=fuzz) tries ten times the examples of the CI run.
_EXAMPLE_SCALE = 10 if os.environ.get("QCODE_HYPOTHESIS") == "fuzz" else 1


def examples(count: int) -> int:
    """How many examples a property test tries: `count` in CI, more in the fuzz run."""
    return count * _EXAMPLE_SCALE


TRANSCRIPT = (
    "Interview IP4\n\n"
    "Interviewer: How did families take part?\n\n"
    "IP4: They chose the layout themselves. Self-management was the key, honestly.\n"
    "Later they built a second room.\n\n"
    "Interviewer: And the costs?\n\n"
    "IP4: The subsidy covered the foundations only.\n"
)


def add_text(project: Project, name: str = "IP4_interview", text: str = TRANSCRIPT) -> str:
    added = add_source(
        project,
        NewSource(name=name, text=text, format="txt", original_filename=f"{name}.txt",
                  turns=[Turn(0, 13, "header")]),
    )
    return added.name


def span_of(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def code_phrase(project: Project, phrase: str, code: str = "Self-management",
                source: str = "IP4_interview", **extra: object) -> CodingResult:
    start, end = span_of(TRANSCRIPT, phrase)
    return code_span(project, CodingRequest(source=source, start=start, end=end, code=code,
                                            **extra))  # type: ignore[arg-type]


# Not compared: the step log itself and the revision that counts steps; and coders,
# who stay once they have done something (their steps in the history point at them).
_NOT_SNAPSHOT = {"actions", "coders"}


def snapshot(location: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the project (but the step log), for before/after."""
    with open_project(location) as project, project.reading() as session:
        tables = {}
        for table in Base.metadata.sorted_tables:
            if table.name in _NOT_SNAPSHOT:
                continue
            columns = [c for c in table.columns if not (table.name == "project"
                                                        and c.name == "revision")]
            rows = session.execute(select(*columns)).all()
            tables[table.name] = sorted((tuple(r) for r in rows), key=repr)
        return tables


def silence(path: Path, seconds: int, rate: int = 8000) -> Path:
    """A WAV recording of `seconds` of silence, written with the standard library (no
    ffmpeg needed): mono, 16-bit."""
    import wave

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(2 * rate * seconds))
    return path


def fake_player(folder: Path, name: str, seconds: float = 0.0) -> Path:
    """A program called `name` that writes its arguments to args.json and plays for
    `seconds` (sleeps)."""
    import stat

    folder.mkdir(exist_ok=True)
    program = folder / name
    program.write_text(
        "#!/usr/bin/env python3\nimport json, sys, time\n"
        f"json.dump(sys.argv[1:], open({str(folder / 'args.json')!r}, 'w'))\n"
        f"time.sleep({seconds})\n", encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    return program
