"""A qcode project exported as .qdpx and imported again comes back as it was."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from qcode.cli.main import cli
from qcode.services.coding import CodingRow, list_codings
from qcode.services.project import open_project
from qcode.store.models import Quote, Source


def coded(rows: list[CodingRow]) -> list[tuple[object, ...]]:
    return sorted((r.source, r.start, r.end, r.text, r.code, r.coder, r.emphasis or "",
                   r.notes or "", r.subdivision or "", tuple(r.other_subdivisions))
                  for r in rows)


def sheet_texts(location: str) -> set[tuple[str, int | None, str]]:
    """Each quote as the researcher wrote it (a verbatim one is its own text)."""
    with open_project(location) as project, project.session() as session:
        return {(name, start, sheet or text) for name, start, sheet, text in session.execute(
            select(Source.name, Quote.start, Quote.sheet_text, Quote.text)
            .join(Source, Source.id == Quote.source_id))}


def test_the_demo_study_round_trips_through_qdpx(demo_copy: str, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "demo.qdpx"
    assert runner.invoke(cli, ["export", "qdpx", demo_copy, str(out)]).exit_code == 0
    again = str(tmp_path / "again.qcode")
    assert runner.invoke(cli, ["init", again]).exit_code == 0
    result = runner.invoke(cli, ["import", "qdpx", again, str(out)])
    assert result.exit_code == 0, result.output
    with open_project(demo_copy) as before, open_project(again) as after:
        assert coded(list_codings(after)) == coded(list_codings(before))
    assert sheet_texts(again) == sheet_texts(demo_copy)  # "(...)" quotes as written
