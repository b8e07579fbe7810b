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


def test_cases_links_and_memos_round_trip_too(demo_copy: str, tmp_path: Path) -> None:
    from qcode.services import axial, memos
    from qcode.services.cases import list_cases

    with open_project(demo_copy) as project, project.session() as session:
        axial.link(session, "Savings requirement", "Microcredit", "cause",
                   note="saving first, then the loan", coder="researcher")
        memos.add_memo(session, "Week 1", "Coded IP1 and IP2.", None, coder="researcher")
        memos.add_memo(session, "On saving", "Often a barrier.",
                       ("code", "Saving as a barrier"), coder="researcher")
        memos.add_memo(session, "On IP4", "A developer's view.",
                       ("source", "IP4_social_worker_agency"), coder="researcher")
    runner = CliRunner()
    out = tmp_path / "demo.qdpx"
    assert runner.invoke(cli, ["export", "qdpx", demo_copy, str(out)]).exit_code == 0
    again = str(tmp_path / "again.qcode")
    assert runner.invoke(cli, ["init", again]).exit_code == 0
    assert runner.invoke(cli, ["import", "qdpx", again, str(out)]).exit_code == 0

    def state(location: str) -> tuple[object, ...]:
        with open_project(location) as project, project.session() as session:
            cases = sorted((c.key, c.name, tuple(c.sources), sorted(c.attributes.items()))
                           for c in list_cases(project))
            # The schema gives a Link no user: who made it does not travel.
            links = sorted((x.from_kind, x.from_name, x.relation, x.to_kind, x.to_name,
                            x.directed, x.note) for x in axial.list_links(session))
            notes = sorted((m.title, m.body, m.target_kind, m.target_name)
                           for m in memos.list_memos(session))
        return cases, links, notes

    assert state(again) == state(demo_copy)
