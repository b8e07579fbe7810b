"""Restructuring the codebook: services on both stores, then the commands on a real file."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from helpers import add_text, code_phrase
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from qcode.cli.codebook_cmds import COMMANDS
from qcode.cli.main import cli
from qcode.errors import ConstraintError, InputError, NotFoundError, QcodeError
from qcode.reports.mentions import mentions
from qcode.services import codebook_edit as edit
from qcode.services.codebook import list_codes, list_subdivisions
from qcode.services.coding import CodingRow, list_codings
from qcode.services.project import Project, init_project, open_project
from qcode.store.models import (
    AxialLink,
    Code,
    Coding,
    CodingSubdivision,
    Memo,
    Subdivision,
)

LAYOUT = "They chose the layout themselves."
KEY = "Self-management was the key, honestly."
SUBSIDY = "The subsidy covered the foundations only."
ROOM = "Later they built a second room."


# --- helpers -----------------------------------------------------------------------


def counts(project: Project) -> dict[str, int]:
    return {c.name: c.codings for c in list_codes(project)}


def tree(project: Project) -> list[tuple[str, str, int]]:
    return [(s.path, s.kind, s.mentions) for s in list_subdivisions(project)]


def by_subdivision(project: Project) -> dict[str, int]:
    table = mentions(project, by="subdivision")
    return dict(zip(table.iloc[:, 0], table["mentions"], strict=True))


def rows_of(project: Project, code: str) -> dict[tuple[str, str], CodingRow]:
    """The codings of `code` keyed by (quote text, coder)."""
    return {(r.text, r.coder): r for r in list_codings(project) if r.code == code}


def one_line(error: pytest.ExceptionInfo[QcodeError]) -> str:
    message = str(error.value)
    assert "\n" not in message and message, message
    return message


def snapshot(session: Session) -> dict[str, set[tuple[Any, ...]]]:
    """Every primary key of the tables a codebook edit touches."""
    tables = (Code, Subdivision, Coding, CodingSubdivision, Memo, AxialLink)
    return {
        model.__tablename__: {
            tuple(row) for row in session.execute(select(*model.__mapper__.primary_key))
        }
        for model in tables
    }


@contextmanager
def journal(session: Session) -> Iterator[set[tuple[str, tuple[Any, ...]]]]:
    """The rows the ORM deleted while the block ran; fails on any bulk ORM statement.

    This is what the undo journal relies on: a row that disappears without the ORM
    deleting it (a database cascade, a Core DELETE) could not be brought back.
    """
    deleted: set[tuple[str, tuple[Any, ...]]] = set()

    def flushed(sess: Session, _context: object) -> None:
        for row in sess.deleted:
            mapper = row.__mapper__  # type: ignore[attr-defined]
            deleted.add((mapper.local_table.name, mapper.primary_key_from_instance(row)))

    def executed(state: Any) -> None:
        assert state.is_select, f"bulk statement outside the unit of work: {state.statement}"

    event.listen(session, "after_flush", flushed)
    event.listen(session, "do_orm_execute", executed)
    try:
        yield deleted
    finally:
        event.remove(session, "after_flush", flushed)
        event.remove(session, "do_orm_execute", executed)


def only_through_the_orm(project: Project, change: Callable[[Session], object]) -> object:
    """Run `change`; check every row that went away was deleted through the ORM."""
    with project.transaction() as session:
        before = snapshot(session)
        with journal(session) as deleted:
            result = change(session)
            session.flush()
        after = snapshot(session)
    gone = {(table, key) for table, keys in before.items() for key in keys - after[table]}
    assert gone == {(table, tuple(key)) for table, key in deleted}
    return result


@pytest.fixture
def study(project: Project) -> Project:
    """One transcript; "Autonomy" and "Self-management" on overlapping quotes.

    Autonomy: LAYOUT (tester, folds), KEY (tester, moves), LAYOUT (ana, moves),
    SUBSIDY (tester, folds into a coding filed nowhere).
    """
    add_text(project)
    code_phrase(project, LAYOUT, "Self-management", subdivision="Self-determination",
                other_subdivisions=["Empowerment"], emphasis="calm")
    code_phrase(project, LAYOUT, "Autonomy", subdivision="Participation",
                other_subdivisions=["Empowerment"], emphasis="proud", notes="vgl. IP9")
    code_phrase(project, KEY, "Autonomy", subdivision="Participation")
    code_phrase(project, LAYOUT, "Autonomy", subdivision="Participation", coder="ana")
    code_phrase(project, SUBSIDY, "Self-management")
    code_phrase(project, SUBSIDY, "Autonomy", subdivision="Costs", notes="foundations")
    return project


# --- codes -------------------------------------------------------------------------


def test_merge_folds_codings_on_the_same_quote_and_moves_the_rest(study: Project) -> None:
    before = by_subdivision(study)
    assert before == {"Participation": 3, "Empowerment": 2, "Self-determination": 1,
                      "Costs": 1, "(no subdivision)": 1}
    with study.transaction() as session:
        done = edit.merge_codes(session, "autonomy", "SELF MANAGEMENT")
    assert done == edit.MergeResult("Autonomy", "Self-management", moved=2, folded=2)
    assert counts(study) == {"Self-management": 2 + 4 - 2}
    merged = rows_of(study, "Self-management")
    layout = merged[(LAYOUT, "tester")]
    assert (layout.subdivision, layout.other_subdivisions) == (
        "Self-determination", ["Empowerment", "Participation"])
    assert (layout.emphasis, layout.notes) == ("calm / proud", "vgl. IP9")
    subsidy = merged[(SUBSIDY, "tester")]  # had no subdivision: takes the source's primary
    assert (subsidy.subdivision, subsidy.notes) == ("Costs", "foundations")
    assert merged[(KEY, "tester")].subdivision == "Participation"
    assert merged[(LAYOUT, "ana")].subdivision == "Participation"
    keys = Counter((r.text, r.code, r.coder) for r in list_codings(study))
    assert max(keys.values()) == 1
    # Participation and Costs keep every mention; Empowerment, on both codings of one
    # quote, now counts once; the subsidy coding is no longer "nowhere".
    assert by_subdivision(study) == {"Participation": 3, "Empowerment": 1,
                                     "Self-determination": 1, "Costs": 1}


def test_merge_without_shared_quotes_keeps_every_mention(project: Project) -> None:
    add_text(project)
    code_phrase(project, LAYOUT, "Layout", subdivision="Participation", emphasis="proud")
    code_phrase(project, KEY, "Self-management", subdivision="Self-determination",
                other_subdivisions=["Participation"])
    code_phrase(project, ROOM, "Self-management")
    before_codings = counts(project)
    before_mentions = by_subdivision(project)
    with project.transaction() as session:
        done = edit.merge_codes(session, "Layout", "Self-management")
    assert (done.moved, done.folded) == (1, 0)
    assert counts(project) == {"Self-management": sum(before_codings.values())}
    assert by_subdivision(project) == before_mentions
    assert rows_of(project, "Self-management")[(LAYOUT, "tester")].emphasis == "proud"


def test_merge_writes_only_through_the_orm(study: Project) -> None:
    with study.transaction() as session:
        autonomy = session.scalars(select(Code).where(Code.name == "Autonomy")).one()
        target = session.scalars(select(Code).where(Code.name == "Self-management")).one()
        session.add(Memo(title="Why autonomy", body="...", code_id=autonomy.id))
        session.add(AxialLink(from_code_id=autonomy.id, to_code_id=target.id,
                              relation="cause"))
    done = only_through_the_orm(
        study, lambda s: edit.merge_codes(s, "Autonomy", "Self-management"))
    assert isinstance(done, edit.MergeResult) and (done.memos, done.links) == (1, 1)
    with study.transaction() as session:
        memo = session.scalars(select(Memo)).one()
        link = session.scalars(select(AxialLink)).one()
        assert memo.code_id == link.from_code_id == link.to_code_id == target.id


def test_joined_texts_do_not_repeat_on_a_second_merge(project: Project) -> None:
    add_text(project)
    for code, emphasis in (("A", "calm"), ("B", "proud"), ("C", "proud")):
        code_phrase(project, LAYOUT, code, emphasis=emphasis)
    with project.transaction() as session:
        edit.merge_codes(session, "B", "A")
        edit.merge_codes(session, "C", "A")
    assert rows_of(project, "A")[(LAYOUT, "tester")].emphasis == "calm / proud"


def test_merge_refuses_one_code_twice_and_unknown_codes(study: Project) -> None:
    before = list_codings(study)
    with study.transaction() as session, pytest.raises(InputError) as same:
        edit.merge_codes(session, "Autonomy", " autonomy ")
    assert "are the same code" in one_line(same)
    with study.transaction() as session, pytest.raises(NotFoundError) as missing:
        edit.merge_codes(session, "Autonomy", "Nothing")
    assert one_line(missing) == "no code named 'Nothing'; `qcode codes` lists them"
    assert list_codings(study) == before


def test_create_rename_recolour_describe_a_code(project: Project) -> None:
    with project.transaction() as session:
        code_id = edit.create_code(session, " Room  to grow ", "Space for later rooms",
                                   "#AABBCC")
        with pytest.raises(ConstraintError) as twice:
            edit.create_code(session, "room-to-grow")
        assert one_line(twice).startswith("code 'Room to grow' already exists")
        with pytest.raises(InputError) as colour:
            edit.create_code(session, "Other", color="red")
        assert one_line(colour) == (
            "colour 'red' is not #rrggbb; give six hex digits, e.g. #4363d8")
        edit.create_code(session, "Crowding")
    with project.transaction() as session:
        edit.rename_code(session, "room to grow", "Room to Grow")  # only the case changes
        with pytest.raises(ConstraintError) as taken:
            edit.rename_code(session, "Room to Grow", "crowding")
        assert "`qcode merge-codes`" in one_line(taken)
        edit.recolour_code(session, "Room to Grow", " #4363D8")
        edit.describe_code(session, "Crowding", "Several families under one roof")
        edit.describe_code(session, "Room to Grow", "  ")
    found = {c.name: c for c in list_codes(project)}
    assert set(found) == {"Room to Grow", "Crowding"}
    assert found["Room to Grow"].id == code_id
    assert (found["Room to Grow"].color, found["Room to Grow"].description) == ("#4363d8", None)
    assert found["Crowding"].description == "Several families under one roof"
    assert found["Crowding"].color  # a palette colour by default


# --- re-filing codings -------------------------------------------------------------


def test_move_codings_refiles_one_code_and_keeps_primary(study: Project) -> None:
    other_code = rows_of(study, "Self-management")
    with study.transaction() as session:
        edit.create_subdivision(session, "Participation of households")
        moved = edit.move_codings(session, "Autonomy", "participation",
                                  "Participation of households")
    assert moved == 3
    after = rows_of(study, "Autonomy")
    assert after[(LAYOUT, "tester")].subdivision == "Participation of households"
    assert after[(LAYOUT, "tester")].other_subdivisions == ["Empowerment"]
    assert after[(KEY, "tester")].subdivision == "Participation of households"
    assert rows_of(study, "Self-management") == other_code
    assert "Participation" not in by_subdivision(study)


def test_move_codings_onto_a_subdivision_already_there(study: Project) -> None:
    before = sum(by_subdivision(study).values())
    moved = only_through_the_orm(
        study, lambda s: edit.move_codings(s, "Autonomy", "Participation", "Empowerment"))
    assert moved == 3
    layout = rows_of(study, "Autonomy")[(LAYOUT, "tester")]
    # Empowerment was "other"; it takes over as primary from the dropped Participation.
    assert (layout.subdivision, layout.other_subdivisions) == ("Empowerment", [])
    assert sum(by_subdivision(study).values()) == before - 1
    with study.transaction() as session, pytest.raises(InputError):
        edit.move_codings(session, "Autonomy", "Costs", "costs")


def test_move_codings_of_other_subdivisions_stay_other(study: Project) -> None:
    with study.transaction() as session:
        edit.create_subdivision(session, "Agency")
        assert edit.move_codings(session, "Autonomy", "Empowerment", "Agency") == 1
    layout = rows_of(study, "Autonomy")[(LAYOUT, "tester")]
    assert (layout.subdivision, layout.other_subdivisions) == ("Participation", ["Agency"])


# --- the tree ----------------------------------------------------------------------


def build_tree(session: Session) -> None:
    edit.create_subdivision(session, "Inclusion criteria", kind="group")
    edit.create_subdivision(session, "Social approach", "Inclusion criteria", "factor group",
                            "Who needs it most")
    edit.create_subdivision(session, "Income limits", "Social approach")
    edit.create_subdivision(session, "Household size", "Social approach")
    edit.create_subdivision(session, "Criticism", kind="group")


def test_create_subdivisions_into_a_tree(project: Project) -> None:
    with project.transaction() as session:
        build_tree(session)
        with pytest.raises(ConstraintError) as twice:
            edit.create_subdivision(session, "income-limits")
        assert one_line(twice) == ("subdivision 'Income limits' already exists under "
                                   "'Social approach'; use it, or choose another name")
        with pytest.raises(InputError):
            edit.create_subdivision(session, "X", kind="category")
        with pytest.raises(NotFoundError):
            edit.create_subdivision(session, "X", parent="Nowhere")
    assert tree(project) == [
        ("Inclusion criteria", "group", 0),
        ("Inclusion criteria / Social approach", "factor_group", 0),
        ("Inclusion criteria / Social approach / Income limits", "subdivision", 0),
        ("Inclusion criteria / Social approach / Household size", "subdivision", 0),
        ("Criticism", "group", 0),
    ]


def test_moving_a_node_under_its_own_descendant_is_refused(project: Project) -> None:
    with project.transaction() as session:
        build_tree(session)
    before = tree(project)
    with project.transaction() as session, pytest.raises(ConstraintError) as cycle:
        edit.move_subdivision(session, "Inclusion criteria", "Income limits")
    assert one_line(cycle) == (
        "cannot move 'Inclusion criteria' under 'Income limits', which lies below it; "
        "move 'Income limits' out of 'Inclusion criteria' first, or choose another parent")
    with project.transaction() as session, pytest.raises(ConstraintError) as itself:
        edit.move_subdivision(session, "Social approach", "social approach")
    assert "under itself" in one_line(itself)
    assert tree(project) == before


def top_level(session: Session) -> list[str]:
    """The top-level nodes in their shown order (position, then age)."""
    return list(session.scalars(select(Subdivision.name).where(
        Subdivision.parent_id.is_(None)).order_by(Subdivision.position, Subdivision.id)))


def test_move_subdivision_takes_its_subtree_along(project: Project) -> None:
    with project.transaction() as session:
        build_tree(session)
        edit.move_subdivision(session, "Social approach", "Criticism")
        edit.move_subdivision(session, "Household size", None)
        assert top_level(session) == ["Inclusion criteria", "Criticism", "Household size"]
    assert sorted(path for path, _, _ in tree(project)) == [
        "Criticism",
        "Criticism / Social approach",
        "Criticism / Social approach / Income limits",
        "Household size",
        "Inclusion criteria",
    ]


def test_reorder_and_shift_among_siblings(project: Project) -> None:
    with project.transaction() as session:
        for name in ("A", "B", "C", "D"):
            edit.create_subdivision(session, name)
        assert edit.reorder_subdivision(session, "D", 0) == 0
        assert top_level(session) == ["D", "A", "B", "C"]
        assert edit.shift_subdivision(session, "A", +1) == 2
        assert top_level(session) == ["D", "B", "A", "C"]
        assert edit.shift_subdivision(session, "D", -1) == 0  # already first
        assert edit.reorder_subdivision(session, "B", 99) == 3
        assert top_level(session) == ["D", "A", "C", "B"]
        with pytest.raises(InputError):
            edit.reorder_subdivision(session, "B", -1)


def test_rename_describe_recolour_a_subdivision(study: Project) -> None:
    with study.transaction() as session:
        edit.rename_subdivision(session, "Participation", "Participation of households")
        with pytest.raises(ConstraintError) as taken:
            edit.rename_subdivision(session, "Costs", "empowerment")
        assert one_line(taken).startswith("subdivision 'Empowerment' already exists")
        edit.describe_subdivision(session, "Costs", "What households pay")
        edit.recolour_subdivision(session, "Costs", "#ABCDEF")
        with pytest.raises(InputError):
            edit.recolour_subdivision(session, "Costs", "#abc")
        costs = session.scalars(select(Subdivision).where(Subdivision.name == "Costs")).one()
        assert (costs.description, costs.color) == ("What households pay", "#abcdef")
    assert by_subdivision(study)["Participation of households"] == 3


def test_delete_subdivision_refuses_one_in_use(study: Project) -> None:
    with study.transaction() as session:
        edit.create_subdivision(session, "Group", kind="group")
        edit.create_subdivision(session, "Unused", "Group")
    before = tree(study)
    with study.transaction() as session, pytest.raises(ConstraintError) as used:
        edit.delete_subdivision(session, "Participation")
    assert one_line(used) == ("subdivision 'Participation' has 3 mentions; re-file them with "
                              "`qcode move-codings` first (deleting it would lose that coding)")
    with study.transaction() as session, pytest.raises(ConstraintError) as parent:
        edit.delete_subdivision(session, "Group")
    assert one_line(parent) == ("subdivision 'Group' has 1 node below it ('Unused'); "
                                "move or delete them first")
    with study.transaction() as session:
        unused = session.scalars(select(Subdivision).where(Subdivision.name == "Unused")).one()
        session.add(Memo(title="Later", subdivision_id=unused.id))
    with study.transaction() as session, pytest.raises(ConstraintError) as memo:
        edit.delete_subdivision(session, "Unused")
    assert "has 1 memo;" in one_line(memo)
    assert tree(study) == before
    with study.transaction() as session:
        session.delete(session.scalars(select(Memo)).one())
    only_through_the_orm(study, lambda s: edit.delete_subdivision(s, "Unused"))
    only_through_the_orm(study, lambda s: edit.delete_subdivision(s, "Group"))
    assert tree(study) == [row for row in before if not row[0].startswith("Group")]


# --- the commands, on a real file --------------------------------------------------


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def demo(demo_copy: str) -> str:
    return demo_copy


def codes_json(path: str) -> dict[str, int]:
    return {c["name"]: c["codings"] for c in json.loads(run("codes", path, "--json").stdout)}


def groups_json(path: str) -> dict[str, int]:
    rows = json.loads(run("report", "mentions", path, "--by", "group", "--json").stdout)
    return {r["group"]: r["mentions"] for r in rows}


def test_merge_codes_dry_run_then_for_real(demo: str) -> None:
    before = codes_json(demo)
    groups = groups_json(demo)
    dry = run("merge-codes", demo, "Crowded homes", "lack of water", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stderr == ("dry run: merging 'Crowded homes' into 'Lack of water' would give "
                          "12 codings moved, 0 folded into codings already coded "
                          "'Lack of water'; nothing was changed\n")
    assert codes_json(demo) == before
    done = run("merge-codes", demo, "Crowded homes", "lack of water")
    assert done.exit_code == 0, done.output
    assert done.stderr.count("\n") == 1 and "'Crowded homes' is deleted" in done.stderr
    after = codes_json(demo)
    assert "Crowded homes" not in after
    assert after["Lack of water"] == before["Lack of water"] + before["Crowded homes"] == 24
    assert groups_json(demo) == groups


def test_merge_codes_folds_codings_on_shared_quotes(demo: str) -> None:
    before = codes_json(demo)
    with open_project(demo) as project:
        pairs = {(r.source, r.start, r.end, r.coder, s)
                 for r in list_codings(project) if r.code in ("Access to credit",
                                                              "Informal income")
                 for s in [r.subdivision, *r.other_subdivisions] if s}
    done = run("merge-codes", demo, "Access to credit", "Informal income")
    assert done.exit_code == 0, done.output
    assert "2 codings moved, 6 folded" in done.stderr
    assert codes_json(demo)["Informal income"] == (
        before["Informal income"] + before["Access to credit"] - 6)
    with open_project(demo) as project:
        merged = [r for r in list_codings(project) if r.code == "Informal income"]
    # Every quote keeps every subdivision it was filed under, by either code.
    assert {(r.source, r.start, r.end, r.coder, s) for r in merged
            for s in [r.subdivision, *r.other_subdivisions] if s} == pairs
    assert len({(r.source, r.start, r.end, r.coder) for r in merged}) == len(merged)


def test_commands_reshape_the_tree(demo: str) -> None:
    steps = [
        ("add-subdivision", demo, "Affordability", "--parent", "Criticism"),
        ("rename-subdivision", demo, "Affordability", "Affordability gaps"),
        ("move-codings", demo, "Addressing affordability", "--from", "Housing subsidy",
         "--to", "Affordability gaps"),
        ("describe-subdivision", demo, "Affordability gaps", "What stays out of reach"),
        ("recolour-subdivision", demo, "Affordability gaps", "#911EB4"),
        ("move-subdivision", demo, "Affordability gaps", "--top"),
    ]
    for step in steps:
        result = run(*step)
        assert result.exit_code == 0, (step, result.output)
        assert result.stderr.count("\n") == 1, result.stderr
    nodes = {s["name"]: s for s in json.loads(run("subdivisions", demo, "--json").stdout)}
    gaps = nodes["Affordability gaps"]
    assert (gaps["parent"], gaps["path"]) == (None, "Affordability gaps")
    assert gaps["mentions"] > 0
    deleted = run("delete-subdivision", demo, "Affordability gaps")
    assert deleted.exit_code == 1
    assert deleted.stderr.startswith("qcode: error: subdivision 'Affordability gaps' has ")
    assert run("add-subdivision", demo, "Spare", "--kind", "group").exit_code == 0
    assert run("delete-subdivision", demo, "spare").stderr == "deleted subdivision 'spare'\n"


def test_cycle_refused_from_the_command_line(demo: str) -> None:
    before = run("subdivisions", demo, "--json").stdout
    result = run("move-subdivision", demo, "Inclusion criteria", "--parent",
                 "Social approach")
    assert result.exit_code == 1
    assert result.stderr == (
        "qcode: error: cannot move 'Inclusion criteria' under 'Social approach', which lies "
        "below it; move 'Social approach' out of 'Inclusion criteria' first, or choose "
        "another parent\n")
    assert run("subdivisions", demo, "--json").stdout == before
    assert run("move-subdivision", demo, "Criticism").exit_code == 2  # neither --parent nor --top


def test_code_commands_and_their_errors(tmp_path: Path) -> None:
    path = str(tmp_path / "s.qcode")
    with init_project(path) as project:
        add_text(project)
        code_phrase(project, LAYOUT, "Layout")
        code_phrase(project, KEY, "Self-management")
    assert run("add-code", path, "Room to grow", "--color", "#3CB44B").exit_code == 0
    assert run("rename-code", path, "layout", "Layout choice").exit_code == 0
    assert run("recolour-code", path, "Layout choice", "#4363d8").stderr == (
        "code 'Layout choice' is now #4363d8\n")
    assert run("describe-code", path, "Layout choice", "Who designs the house").exit_code == 0
    listed = {c["name"]: c for c in json.loads(run("codes", path, "--json").stdout)}
    assert listed["Layout choice"]["description"] == "Who designs the house"
    assert listed["Layout choice"]["color"] == "#4363d8"
    assert listed["Room to grow"]["color"] == "#3cb44b"
    errors = {
        ("rename-code", path, "Layout choice", "self management"):
            "qcode: error: code 'Self-management' already exists; to join 'Layout choice' "
            "into it use `qcode merge-codes`, or choose another name\n",
        ("recolour-code", path, "Layout choice", "blue"):
            "qcode: error: colour 'blue' is not #rrggbb; give six hex digits, e.g. #4363d8\n",
        ("merge-codes", path, "Nope", "Layout choice"):
            "qcode: error: no code named 'Nope'; `qcode codes` lists them\n",
    }
    for args, message in errors.items():
        result = run(*args)
        assert (result.exit_code, result.stderr) == (1, message)
    assert set(codes_json(path)) == {"Layout choice", "Self-management", "Room to grow"}


def test_every_codebook_command_is_listed_with_an_example() -> None:
    listed = run("--help").stdout
    for command in COMMANDS:
        assert f" {command.name} " in listed
        assert f"qcode {command.name} " in run(str(command.name), "--help").stdout
