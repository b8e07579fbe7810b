"""Small builders shared by the tests."""

from __future__ import annotations

from qcode.services.coding import CodingRequest, CodingResult, code_span
from qcode.services.project import Project
from qcode.services.sources import NewSource, Turn, add_source

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
