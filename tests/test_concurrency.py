"""Several coders coding the same sources at once, each in a process of their own.

On PostgreSQL (the shared team project) five coders add 300 codings each to the
same transcripts: the same spans, overlapping spans, codes and subdivisions that none
of them has created yet. Afterwards every coding must be there exactly once, with its
coder, and every span must have one quote. A smaller run does the same on a .qcode file.
"""

from __future__ import annotations

import multiprocessing
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import new_pg_database
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from qcode.services import coding, lookup
from qcode.services.coding import CodingRequest, code_span
from qcode.services.project import Project, init_project, open_project
from qcode.services.sources import NewSource, add_source
from qcode.store.models import Code, Coder, Coding, CodingSubdivision, Quote, Source, Subdivision

SOURCES = ("IP1_interview", "IP2_interview", "IP3_interview")
CODES = [f"Code {n}" for n in range(25)]
SUBDIVISIONS = [f"Subdivision {n}" for n in range(8)]
WORDS = ("housing", "subsidy", "families", "self-management", "loan", "room", "roof",
         "municipality", "rules", "participation", "costs", "assisted", "process")

Planned = tuple[str, int, int, str, str]  # source, start, end, code, subdivision


def transcript(seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(700)) + "\n"


def plan(coder: int, codings: int, length: int) -> list[Planned]:
    """What one coder codes: every other coding on spans all coders code, in one order.

    So the coders reach the same span, and the same new code and subdivision, at about
    the same moment. The shared spans overlap each other and the coders' own spans.
    """
    shared_rng = random.Random(1)
    shared = [(shared_rng.choice(SOURCES), start, start + shared_rng.randint(5, 300))
              for start in (shared_rng.randrange(length - 300) for _ in range(150))]
    rng = random.Random(100 + coder)
    chosen: dict[tuple[str, int, int, str], Planned] = {}
    step = 0
    while len(chosen) < codings:
        step += 1
        if step % 2:
            source, start, end = shared[(step // 2) % len(shared)]
            code, subdivision = CODES[step % len(CODES)], SUBDIVISIONS[step % len(SUBDIVISIONS)]
        else:
            start = rng.randrange(length - 300)
            source, end = rng.choice(SOURCES), start + rng.randint(1, 300)
            code, subdivision = rng.choice(CODES), rng.choice(SUBDIVISIONS)
        chosen.setdefault((source, start, end, code), (source, start, end, code, subdivision))
    return list(chosen.values())


def coder_name(coder: int) -> str:
    return f"coder{coder}"


def code_everything(location: str, coder: int, todo: list[Planned], gate: Any,
                    results: Any) -> None:
    """One coder's process: wait for the others, then code `todo` one coding at a time."""
    errors: list[str] = []
    done = 0
    try:
        with open_project(location) as project:
            gate.wait(timeout=60)
            for source, start, end, code, subdivision in todo:
                try:
                    code_span(project, CodingRequest(
                        source=source, start=start, end=end, code=code,
                        subdivision=subdivision, coder=coder_name(coder),
                        emphasis=f"by {coder_name(coder)}", notes="concurrent"))
                    done += 1
                except Exception as exc:  # every error is a finding: report, go on
                    errors.append(f"{type(exc).__name__}: {exc}"[:500])
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}"[:500])
    results.put((coder, done, errors))


def project_with_sources(location: str) -> int:
    with init_project(location, name="Concurrency") as project:
        for n, name in enumerate(SOURCES):
            add_source(project, NewSource(name=name, text=transcript(n), format="txt"))
    return min(len(transcript(n)) for n in range(len(SOURCES)))


def run_coders(location: str, coders: int, codings: int) -> dict[int, list[Planned]]:
    length = project_with_sources(location)
    plans = {c: plan(c, codings, length) for c in range(coders)}
    context = multiprocessing.get_context("spawn")
    gate, results = context.Barrier(coders), context.Queue()
    processes = [context.Process(target=code_everything,
                                 args=(location, c, plans[c], gate, results))
                 for c in range(coders)]
    for process in processes:
        process.start()
    try:
        reports = [results.get(timeout=300) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    errors = [e for _, _, errs in reports for e in errs]
    assert errors == [], f"{len(errors)} errors, first ones: {errors[:5]}"
    assert sorted(done for _, done, _ in reports) == [codings] * coders
    return plans


def assert_every_coding_once(location: str, plans: dict[int, list[Planned]]) -> None:
    expected = Counter((coder_name(c), *planned) for c, todo in plans.items()
                       for planned in todo)
    with open_project(location) as project, project.transaction() as session:
        stored = Counter(tuple(row) for row in session.execute(
            select(Coder.name, Source.name, Quote.start, Quote.end, Code.name,
                   Subdivision.name)
            .select_from(Coding)
            .join(Coder, Coding.coder_id == Coder.id)
            .join(Quote, Coding.quote_id == Quote.id)
            .join(Source, Quote.source_id == Source.id)
            .join(Code, Coding.code_id == Code.id)
            .join(CodingSubdivision, CodingSubdivision.coding_id == Coding.id)
            .join(Subdivision, CodingSubdivision.subdivision_id == Subdivision.id)
        ).all())
        assert stored == expected
        assert session.scalar(select(func.count()).select_from(Coding)) == expected.total()
        emphasis = set(session.execute(
            select(Coder.name, Coding.emphasis).join(Coder, Coding.coder_id == Coder.id)))
        assert emphasis == {(coder_name(c), f"by {coder_name(c)}") for c in plans}
        # One quote per span, however many coders chose it at the same moment.
        spans = session.execute(select(Quote.source_id, Quote.start, Quote.end)).all()
        assert len(spans) == len(set(spans)) == len({p[:3] for todo in plans.values()
                                                     for p in todo})
        used_codes = {p[3] for todo in plans.values() for p in todo}
        assert sorted(session.scalars(select(Code.name))) == sorted(used_codes)
        used_subdivisions = {p[4] for todo in plans.values() for p in todo}
        assert sorted(session.scalars(select(Subdivision.name))) == sorted(used_subdivisions)


def test_five_coders_code_a_shared_postgresql_project_at_once() -> None:
    with new_pg_database() as url:
        plans = run_coders(url, coders=5, codings=300)
        assert_every_coding_once(url, plans)


def test_two_coders_code_one_file_at_once(tmp_path: Path) -> None:
    location = str(tmp_path / "shared.qcode")
    plans = run_coders(location, coders=2, codings=200)
    assert_every_coding_once(location, plans)


def test_a_code_another_coder_adds_meanwhile_is_taken_not_doubled(project: Project) -> None:
    query = select(Code).where(Code.name_key == "rent")
    with project.transaction() as session:
        assert session.scalars(query).first() is None  # this coder looked: not there yet
        with project.transaction() as other:  # ...and another coder adds it right then
            theirs, _ = lookup.code(other, "Rent", create=True)
        found, new = lookup.get_or_add(session, query, Code(name="Rent", name_key="rent"))
        assert (found.id, new) == (theirs.id, False)
        lookup.coder(session, "still in the same transaction")
    with project.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Code)) == 1
        assert session.scalars(select(Coder.name)).all() == ["still in the same transaction"]


def test_a_step_that_fails_after_adding_a_row_keeps_nothing(project: Project) -> None:
    # On SQLite a savepoint opened before the transaction would commit on release.
    with pytest.raises(RuntimeError), project.transaction() as session:
        lookup.code(session, "Rent", create=True)
        lookup.subdivision(session, "Costs", create=True)
        raise RuntimeError("the step fails after the savepoints")
    with project.transaction() as session:
        assert session.scalars(select(Code.name)).all() == []
        assert session.scalars(select(Subdivision.name)).all() == []


def test_a_deadlocked_coding_is_run_again(project: Project,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    add_source(project, NewSource(name="IP1", text=transcript(0), format="txt"))
    real, calls = coding.add_coding, []

    def deadlock_once(session: Session, request: CodingRequest) -> Any:
        calls.append(request)
        if len(calls) == 1:
            real(session, request)  # its rows must go with the aborted transaction
            raise OperationalError("INSERT ...", {}, _Deadlock())
        return real(session, request)

    monkeypatch.setattr(coding, "add_coding", deadlock_once)
    result = code_span(project, CodingRequest(source="IP1", start=0, end=7, code="Housing"))
    assert len(calls) == 2
    with project.transaction() as session:
        assert session.scalars(select(Coding.id)).all() == [result.coding_id]
        assert session.scalar(select(func.count()).select_from(Quote)) == 1


class _Deadlock(Exception):
    sqlstate = "40P01"
