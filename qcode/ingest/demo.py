"""`qcode demo`: the demo study built from corpora/demo through the normal services.

Twelve interviews about two housing programmes, a participants manifest, a codebook
of subdivision groups and factor groups, and one coding sheet per interview partner in
the researcher's layout, imported exactly as `qcode sheet import` does it: every quote
anchored in its transcript; one that cannot be placed is kept unanchored and counted.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from qcode.errors import InputError
from qcode.ingest.importer import ImportReport, import_paths
from qcode.ingest.sheet_import import import_sheets
from qcode.resources import resource_dir
from qcode.services.codebook import CodebookEntry, define_codes, define_subdivisions
from qcode.services.project import init_project

DEMO_NAME = "Housing programmes in San Isidro del Valle (qcode demo)"
DEMO_CODER = "researcher"


@dataclass(frozen=True)
class DemoSummary:
    location: str
    sources: int
    cases: int
    codings: int
    anchored: int
    unanchored: int
    imports: ImportReport


def demo_dir() -> Path:
    return resource_dir("corpora") / "demo"


def build_demo(location: str, progress: Callable[[str], None] | None = None) -> DemoSummary:
    """Create the demo project at `location` and code it from the demo sheets."""
    say = progress or (lambda _message: None)
    folder = demo_dir()
    project = init_project(location, name=DEMO_NAME, language="en")
    try:
        say("importing 12 transcripts")
        # A new project has nothing to lose: no backups before its first steps.
        report = import_paths(project, [folder / "transcripts"], folder / "participants.csv",
                              DEMO_CODER, take_backup=False)
        refused = [item for item in report.items if item.status == "refused"]
        if refused:
            raise InputError(f"demo transcript refused: {refused[0].detail}")
        say("loading the codebook")
        define_subdivisions(project, _codebook(folder / "codebook.csv"), DEMO_CODER)
        define_codes(project, _codes(folder / "codes.csv"), DEMO_CODER)
        say("importing the coding sheets")
        sheets = import_sheets(project, sorted(folder.glob("sheet/*.csv"), key=_case_order),
                               DEMO_CODER, take_backup=False)
        return DemoSummary(
            location, len(report.items), report.manifest.cases if report.manifest else 0,
            sheets.codings, sheets.anchored, sheets.unanchored, report,
        )
    finally:
        project.close()


def _case_order(path: Path) -> int:
    return int("".join(ch for ch in path.stem if ch.isdigit()) or 0)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _codebook(path: Path) -> list[CodebookEntry]:
    return [
        CodebookEntry(
            subdivision=row["subdivision"],
            group=row["group"] or None,
            factor_group=row["factor group"] or None,
            description=row["description"] or None,
        )
        for row in _rows(path)
    ]


def _codes(path: Path) -> list[tuple[str, str | None]]:
    return [(row["code"], row["description"] or None) for row in _rows(path)]
