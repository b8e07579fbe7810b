"""Merging two coders' copies of one study: nothing lost, nothing doubled, twice is once."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SHARED
from helpers import TRANSCRIPT, add_text, code_phrase
from sqlalchemy import select

from qcode.cli.main import cli
from qcode.interop.qdpx_import import import_qdpx
from qcode.services.coding import CodingRequest, code_span, list_codings
from qcode.services.project import init_project, open_project
from qcode.services.sources import NewSource, add_source
from qcode.store.models import Source


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def rows(path: Path) -> list[tuple[str | None, int | None, str, str, str | None, tuple[str, ...],
                                   str | None]]:
    with open_project(path) as project:
        return sorted((r.source, r.start, r.code, r.coder, r.subdivision,
                       tuple(r.other_subdivisions), r.notes) for r in list_codings(project))


def dump(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    lines = [line for line in db.iterdump()]
    db.close()
    return lines


def two_copies(tmp_path: Path) -> tuple[Path, Path]:
    """A study coded a little, copied for Ben; then Ana and Ben code on their own."""
    ana = tmp_path / "ana.qcode"
    with init_project(str(ana)) as project:
        add_text(project)
        code_phrase(project, "chose the layout themselves", "Layout", coder="ana",
                    subdivision="Design")
    ben = tmp_path / "ben.qcode"
    shutil.copy(ana, ben)
    with open_project(ana) as project:
        code_phrase(project, "Self-management was the key", "Self-management", coder="ana",
                    subdivision="Participation", notes="compare IP9")
    with open_project(ben) as project:
        code_phrase(project, "Self-management was the key", "Self management", coder="ben",
                    subdivision="Participation", other_subdivisions=["Empowerment"])
        code_phrase(project, "The subsidy covered the foundations only.", "Subsidy gaps",
                    coder="ben", subdivision="Cost")
        add_source(project, NewSource(name="IP5_interview", text="IP5: We saved for years.\n",
                                      format="txt"))
        code_span(project, CodingRequest(source="IP5_interview", start=5, end=24,
                                         code="Saving", coder="ben"))
    return ana, ben


def test_merge_keeps_both_coders_work_and_twice_changes_nothing(tmp_path: Path) -> None:
    ana, ben = two_copies(tmp_path)
    before_ana, before_ben = rows(ana), rows(ben)
    code, out, err = run("merge", str(ana), str(ben), "--json")
    assert code == 0, err
    merged = rows(ana)
    # Every coding of both copies is there once; the shared one (Layout) is not doubled.
    # Ben's "Self management" is Ana's "Self-management": one code by name.
    expected = {r if r[2] != "Self management" else (*r[:2], "Self-management", *r[3:])
                for r in set(before_ana) | set(before_ben)}
    assert set(merged) == expected
    assert len(merged) == len(expected)
    added = {r["what"]: r["added"] for r in json.loads(out)}
    assert added["codings"] == 3 and added["sources"] == 1 and added["coders"] == 1
    # "Self management" is the same code by name (case, spaces, hyphens folded).
    assert {r[2] for r in merged if r[3] == "ben"} == {"Self-management", "Subsidy gaps",
                                                       "Saving"}
    snapshot = dump(ana)
    code, out, err = run("merge", str(ana), str(ben), "--json")
    assert code == 0, err
    assert {r["what"]: r["added"] for r in json.loads(out)} == dict.fromkeys(added, 0)
    assert dump(ana) == snapshot  # the second merge changed nothing at all


def test_a_dry_run_reports_and_changes_nothing(tmp_path: Path) -> None:
    ana, ben = two_copies(tmp_path)
    snapshot = dump(ana)
    code, _, err = run("merge", str(ana), str(ben), "--dry-run")
    assert code == 0 and "dry run: nothing was changed" in err
    assert dump(ana) == snapshot


def test_a_renamed_code_is_reported_and_map_joins_it(tmp_path: Path) -> None:
    ana, ben = two_copies(tmp_path)
    with open_project(ana) as project:  # Ana codes the subsidy sentence "Cost gaps"
        code_phrase(project, "The subsidy covered the foundations only.", "Cost gaps",
                    coder="ben", subdivision="Cost")
    code, _, err = run("merge", str(ana), str(ben), "--dry-run")
    assert code == 0
    assert "looks renamed: 'Subsidy gaps' there codes 1 of the same quotes as 'Cost gaps'" in err
    code, _, err = run("merge", str(ana), str(ben), "--map", "Subsidy gaps=Cost gaps")
    assert code == 0, err
    codes = {r[2] for r in rows(ana)}
    assert "Subsidy gaps" not in codes and "Cost gaps" in codes
    assert [r for r in rows(ana) if r[2] == "Cost gaps"] == [
        ("IP4_interview", TRANSCRIPT.index("The subsidy"), "Cost gaps", "ben", "Cost", (),
         None)]


def test_near_duplicates_and_bad_maps_are_said_in_one_line(tmp_path: Path) -> None:
    ana, ben = two_copies(tmp_path)
    with open_project(ben) as project:
        code_phrase(project, "Later they built a second room.", "Layouts", coder="ben")
    code, _, err = run("merge", str(ana), str(ben), "--dry-run")
    assert "near duplicate: 'Layouts' (other copy) and 'Layout' (here)" in err
    snapshot = dump(ana)
    code, _, err = run("merge", str(ana), str(ben), "--map", "Layouts")
    assert code == 1 and "write THEIRS=OURS" in err and len(err.strip().splitlines()) == 1
    assert dump(ana) == snapshot


def test_merge_works_from_a_file_into_postgresql(tmp_path: Path, pg_database: str) -> None:
    ana, ben = two_copies(tmp_path)
    with init_project(pg_database):
        pass
    assert run("merge", pg_database, str(ana))[0] == 0
    assert run("merge", pg_database, str(ben))[0] == 0
    with open_project(pg_database) as project:
        merged = sorted((r.source, r.start, r.code, r.coder) for r in list_codings(project))
    same_code = {"Self management": "Self-management"}  # one code by name
    assert merged == sorted({(r[0], r[1], same_code.get(r[2], r[2]), r[3])
                             for r in rows(ana) + rows(ben)})


def test_empty_sources_merge_by_their_guids(tmp_path: Path) -> None:
    sample = SHARED / "refi-qda" / "samples" / "nvivo-mac-15.qdpx"  # two empty documents
    if not sample.exists():
        pytest.skip(f"{sample} is not here (../shared sits beside the checkout in CI)")
    ana, ben = tmp_path / "ana.qcode", tmp_path / "ben.qcode"
    with init_project(str(ana)) as project:
        add_text(project)
    with init_project(str(ben)) as project:
        import_qdpx(project, sample)

    def empties(path: Path) -> list[str]:
        with open_project(path) as project, project.reading() as session:
            return sorted(session.scalars(select(Source.guid).where(Source.length == 0)))

    guids = empties(ben)
    assert len(guids) == 2
    for _ in range(2):  # the second merge finds both by GUID: nothing doubles
        code, _out, err = run("merge", str(ana), str(ben))
        assert code == 0, err
        assert empties(ana) == guids
