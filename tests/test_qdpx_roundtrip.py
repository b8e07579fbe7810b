"""A qcode project exported as .qdpx and imported again comes back as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SHARED
from helpers import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from qcode.cli.main import cli
from qcode.services.coding import CodingRow, list_codings
from qcode.services.project import open_project
from qcode.store.models import Coding, Memo, Quote, Source


def coded(rows: list[CodingRow]) -> list[tuple[object, ...]]:
    return sorted((r.source, r.start if r.start is not None else -1,
                   r.end if r.end is not None else -1, r.text, r.code, r.coder, r.emphasis or "",
                   r.notes or "", r.subdivision or "", tuple(r.other_subdivisions))
                  for r in rows)


def sheet_texts(location: str) -> set[tuple[str, int | None, str]]:
    """Each quote as the researcher wrote it (a verbatim one is its own text)."""
    with open_project(location) as project, project.transaction() as session:
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


def test_codings_and_selections_keep_their_dates(demo_copy: str, tmp_path: Path) -> None:
    """An import took every coding's and memo's date from the day of the import; the
    file's creation and modification times come in, and go back out unchanged."""
    import zipfile
    from datetime import UTC, datetime

    from lxml import etree

    from qcode.interop.refi import PROJECT_NS

    with open_project(demo_copy) as study, study.transaction() as session:
        # As if coded over the weeks of a study: each coding on a day of its own.
        for n, coding in enumerate(session.scalars(select(Coding).order_by(Coding.id))):
            coding.created_at = datetime(2021, 3, 1 + n % 28, 9, n % 60, 7, tzinfo=UTC)
            coding.updated_at = datetime(2021, 4, 1 + n % 28, 10, 0, 0, tzinfo=UTC)
        from qcode.services.memos import add_memo

        add_memo(session, "Saturation", "after IP6 nothing new", None)
        add_memo(session, "Her own plot", "compare IP9", ("case", "IP4"))
        session.flush()
        for n, memo in enumerate(session.scalars(select(Memo).order_by(Memo.id))):
            memo.created_at = datetime(2021, 5, 1 + n % 28, 8, 30, 0, tzinfo=UTC)
    runner = CliRunner()

    def dates(path: Path) -> list[tuple[str | None, str | None]]:
        with zipfile.ZipFile(path) as archive:
            root = etree.fromstring(archive.read("project.qde"))
        return sorted((c.get("creationDateTime"), c.get("modifiedDateTime"))
                      for c in root.iter(f"{{{PROJECT_NS}}}Coding"))

    first, second = tmp_path / "first.qdpx", tmp_path / "second.qdpx"
    again = str(tmp_path / "again.qcode")
    for args in (["export", "qdpx", demo_copy, str(first)], ["init", again],
                 ["import", "qdpx", again, str(first)], ["export", "qdpx", again, str(second)]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
    with open_project(again) as after:
        kept = {row.created_at.replace(tzinfo=None) for row in list_codings(after)}
        with after.transaction() as session:
            memo_days = {m.replace(tzinfo=None) for m in session.scalars(select(Memo.created_at))}
    assert len(memo_days) == 2 and all(d.year == 2021 and d.month == 5 for d in memo_days)
    assert datetime(2021, 3, 1, 9, 0, 7) in kept
    assert all(moment.year == 2021 for moment in kept)
    assert dates(second) == dates(first)
    assert any(created and created.startswith("2021-03") for created, _ in dates(first))


def test_cases_links_and_memos_round_trip_too(demo_copy: str, tmp_path: Path) -> None:
    from qcode.services import axial, memos
    from qcode.services.cases import list_cases

    with open_project(demo_copy) as project, project.transaction() as session:
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
        with open_project(location) as project, project.transaction() as session:
            cases = sorted((c.key, c.name, tuple(c.sources), sorted(c.attributes.items()))
                           for c in list_cases(project))
            # The schema gives a Link no user: who made it does not travel.
            links = sorted((x.from_kind, x.from_name, x.relation, x.to_kind, x.to_name,
                            x.directed, x.note) for x in axial.list_links(session))
            notes = sorted((m.title, m.body, m.target_kind, m.target_name)
                           for m in memos.list_memos(session))
        return cases, links, notes

    assert state(again) == state(demo_copy)


@pytest.mark.parametrize("sample", ["qc-1.3.2-demo.qdpx", "nvivo-mac-15.qdpx"])
def test_other_programs_projects_re_export_valid(sample: str, tmp_path: Path) -> None:
    """What another program wrote, once in qcode, goes out again as a valid project."""
    from test_qdpx_export import read_qdpx

    path = SHARED / "refi-qda" / "samples" / sample
    if not path.exists():
        pytest.skip(f"{path} is not here (../shared sits beside the checkout in CI)")
    runner = CliRunner()
    study = str(tmp_path / "study.qcode")
    assert runner.invoke(cli, ["init", study]).exit_code == 0
    result = runner.invoke(cli, ["import", "qdpx", study, str(path)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "again.qdpx"
    result = runner.invoke(cli, ["export", "qdpx", study, str(out)])
    assert result.exit_code == 0, result.output
    root, _files = read_qdpx(out)  # validated against Project.xsd
    with open_project(study) as project:
        coded = list_codings(project)
    selections = [e for e in root.iter() if e.tag.endswith("}PlainTextSelection")]
    assert len(selections) == len({(r.source, r.start, r.end) for r in coded
                                   if r.start is not None})


LETTERS = "abcdefghijklmnopqrstuvwxyzÁéñü 💪🏠.,\n"


@st.composite
def small_projects(draw: st.DrawFn) -> tuple[list[str], list[tuple[object, ...]]]:
    # Two sources never hold the same text (qcode stores a text once: a second import
    # of it is the first source), so each coding below lands on the source it names.
    texts = draw(st.lists(st.text(LETTERS, min_size=5, max_size=120).filter(str.strip),
                          min_size=1, max_size=2, unique=True))
    codings: dict[tuple[int, int, int, str, str], tuple[object, ...]] = {}
    for _ in range(draw(st.integers(0, 8))):
        source = draw(st.integers(0, len(texts) - 1))
        start = draw(st.integers(0, len(texts[source]) - 1))
        end = draw(st.integers(start + 1, len(texts[source])))
        code = draw(st.sampled_from(["Code A", "Code B", "Code C"]))
        coder = draw(st.sampled_from(["ana", "ben"]))
        primary = draw(st.sampled_from([None, "Sub 1", "Sub 2"]))
        others = draw(st.sampled_from([(), ("Sub 3",), ("Sub 2", "Sub 3")]))
        words = st.text("abcdefghij ", min_size=1, max_size=20).map(str.strip).filter(bool)
        emphasis = draw(st.none() | words)
        notes = draw(st.none() | words)
        codings[(source, start, end, code, coder)] = (source, start, end, code, coder, primary,
                                                      others, emphasis, notes)
    return texts, list(codings.values())


@settings(max_examples=examples(20), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(small_projects())
def test_random_projects_survive_the_round_trip(
        tmp_path: Path, generated: tuple[list[str], list[tuple[object, ...]]]) -> None:
    from uuid import uuid4

    from qcode.interop.qdpx_export import export_qdpx
    from qcode.interop.qdpx_import import import_qdpx
    from qcode.services.coding import CodingRequest, code_span
    from qcode.services.project import init_project
    from qcode.services.sources import NewSource, add_source

    texts, codings = generated
    folder = tmp_path / uuid4().hex
    folder.mkdir()
    with init_project(str(folder / "a.qcode")) as first:
        names = [add_source(first, NewSource(name=f"S{n}", text=text, format="txt")).name
                 for n, text in enumerate(texts)]
        for source, start, end, code, coder, primary, others, emphasis, notes in codings:
            code_span(first, CodingRequest(
                source=names[source], start=start, end=end, code=code,  # type: ignore[index]
                subdivision=primary, other_subdivisions=[o for o in others  # type: ignore[attr-defined]
                                                         if o != primary],
                emphasis=emphasis, notes=notes, coder=coder))  # type: ignore[arg-type]
        export_qdpx(first, folder / "a.qdpx")
        before = coded(list_codings(first))
    assert len(before) == len(codings)
    with init_project(str(folder / "b.qcode")) as second:
        import_qdpx(second, folder / "a.qdpx")
        assert coded(list_codings(second)) == before
