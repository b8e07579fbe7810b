"""Memos and the project journal: services on both stores, then `qcode memo/memos`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import add_text, code_phrase
from sqlalchemy import event, select

from qcode.cli.main import cli
from qcode.errors import InputError, NotFoundError, QcodeError
from qcode.services import axial
from qcode.services.memos import (
    MemoInfo,
    add_memo,
    delete_memo,
    list_memos,
    memo_targets,
    parse_target,
    target_label,
    update_memo,
)
from qcode.services.project import Project
from qcode.store.models import Case, Memo, Source

KEY = "Self-management was the key, honestly."


def one_line(error: pytest.ExceptionInfo[QcodeError]) -> str:
    message = str(error.value)
    assert message and "\n" not in message, message
    return message


def memos_now(project: Project, **filters: object) -> list[MemoInfo]:
    with project.transaction() as session:
        return list_memos(session, **filters)  # type: ignore[arg-type]


@pytest.fixture
def study(project: Project) -> Project:
    """One transcript of case IP4, a code, a subdivision and a link between two nodes."""
    add_text(project)
    code_phrase(project, KEY, "Self-management", subdivision="Participation",
                other_subdivisions=["Cost"])
    with project.transaction() as session:
        source = session.scalars(select(Source)).one()
        source.cases.append(Case(key="IP4", name="NGO officer"))
        axial.link(session, "Cost", "Participation", "cause")
    return project


def test_memos_on_every_target_and_in_the_journal(study: Project) -> None:
    with study.transaction() as session:
        added = [
            add_memo(session, "Transcript quality", "second pass done",
                     ("source", "IP4_interview")),
            add_memo(session, "Who IP4 is", target=("case", "ip4")),
            add_memo(session, "Definition", "families decide", ("code", "self management")),
            add_memo(session, "Scope", target=("subdivision", "participation"), coder="ana"),
            add_memo(session, "Why cost causes it", target=("link", 1)),
            add_memo(session, "  Week   1 ", "started coding"),
        ]
    listed = memos_now(study)
    assert listed == added
    assert [(m.target_kind, m.target_name) for m in listed] == [
        ("source", "IP4_interview"), ("case", "IP4"), ("code", "Self-management"),
        ("subdivision", "Participation"), ("link", "Cost ──cause──▶ Participation"),
        ("project", None)]
    assert listed[-1].title == "Week 1" and listed[-1].target_id is None
    assert [m.coder for m in listed] == ["tester"] * 3 + ["ana"] + ["tester"] * 2
    assert all(m.created_at.tzinfo is not None for m in listed)
    assert [m.title for m in memos_now(study, target_kind="project")] == ["Week 1"]
    assert [m.title for m in memos_now(study, target_kind="Code")] == ["Definition"]
    assert [m.title for m in memos_now(study, target=("subdivision", "Participation"))] == [
        "Scope"]
    assert memos_now(study, target=("subdivision", "Cost")) == []


def test_search_is_case_blind_in_title_and_body_on_every_store(study: Project) -> None:
    with study.transaction() as session:
        add_memo(session, "Subsidy and COST", "IP4 compares it")
        add_memo(session, "Vertrauen", "Über die Förderung: 50% der Kosten")
        add_memo(session, "Año dos", "la FAMILIA decide")
        add_memo(session, "Plain", "5000 pesos in 2021")
    titles = {term: [m.title for m in memos_now(study, search=term)]
              for term in ("cost", "ip4", "über", "FÖRDERUNG", "año", "familia", "50%",
                           "  ", "nothing like it")}
    assert titles == {
        "cost": ["Subsidy and COST"], "ip4": ["Subsidy and COST"],
        "über": ["Vertrauen"], "FÖRDERUNG": ["Vertrauen"], "año": ["Año dos"],
        "familia": ["Año dos"],
        "50%": ["Vertrauen"],  # % is a character here, not a wildcard
        "  ": ["Subsidy and COST", "Vertrauen", "Año dos", "Plain"],
        "nothing like it": [],
    }
    assert [m.title for m in memos_now(study, search="COST", target_kind="project")] == [
        "Subsidy and COST"]


def test_update_and_delete(study: Project) -> None:
    with study.transaction() as session:
        memo = add_memo(session, "Draft", "first thoughts", ("code", "Self-management"))
    with study.transaction() as session:
        changed = update_memo(session, memo.id, body="second thoughts")
    assert (changed.title, changed.body, changed.target_name) == (
        "Draft", "second thoughts", "Self-management")
    assert changed.created_at == memo.created_at and changed.updated_at >= memo.updated_at
    with study.transaction() as session:
        update_memo(session, memo.id, title="Final")
    assert [(m.title, m.body) for m in memos_now(study)] == [("Final", "second thoughts")]
    with study.transaction() as session:
        gone = delete_memo(session, memo.id)
    assert gone.title == "Final" and memos_now(study) == []


@pytest.mark.parametrize(("title", "target", "error", "says"), [
    ("  ", None, InputError, "a memo needs a title"),
    ("x" * 301, None, InputError, "keep it to 300"),
    ("T", ("quote", "1"), InputError, "memo target kind 'quote' is unknown"),
    ("T", ("code", "Nowhere"), NotFoundError, "no code named 'Nowhere'"),
    ("T", ("case", "IP99"), NotFoundError, "no case 'IP99'; `qcode cases` lists them"),
    ("T", ("source", "IP9_interview"), NotFoundError, "no source named 'IP9_interview'"),
    ("T", ("link", 7), NotFoundError, "no axial link 7"),
    ("T", ("link", "Cost"), InputError, "a link is named by its id"),
])
def test_bad_memos_are_refused_in_one_line(study: Project, title: str,
                                           target: tuple[str, str] | None,
                                           error: type[QcodeError], says: str) -> None:
    with pytest.raises(error) as refused, study.transaction() as session:
        add_memo(session, title, "body", target)
    assert says in one_line(refused)
    assert memos_now(study) == []


def test_missing_memos_and_kinds_are_one_line(study: Project) -> None:
    with pytest.raises(NotFoundError) as missing, study.transaction() as session:
        update_memo(session, 5, title="x")
    assert one_line(missing) == "no memo 5; `qcode memos` lists them"
    with pytest.raises(InputError) as kind, study.transaction() as session:
        list_memos(session, target_kind="quotes")
    assert "give one of source, case, code, subdivision, link, project" in one_line(kind)


def test_targets_as_typed(study: Project) -> None:
    assert parse_target("code:Self-management") == ("code", "Self-management")
    assert parse_target("Subdivision: Cost ") == ("subdivision", "Cost")
    assert parse_target("link:#1") == ("link", "#1")
    assert parse_target("project") is None
    with pytest.raises(InputError) as bad:
        parse_target("Self-management")
    assert "needs KIND:NAME" in one_line(bad)
    with study.transaction() as session:
        memo = add_memo(session, "On the link", target=("link", "#1"))
    assert memo.target_id == 1


def test_memos_are_written_through_the_orm(study: Project) -> None:
    """The undo journal sees ORM flushes only; a bulk statement would escape it."""
    statements: list[str] = []
    with study.transaction() as session:
        event.listen(session, "do_orm_execute",
                     lambda state: None if state.is_select else statements.append(
                         str(state.statement)))
        memo = add_memo(session, "A", "b", ("code", "Self-management"))
        update_memo(session, memo.id, title="B", body="c")
        delete_memo(session, memo.id)
        assert session.scalars(select(Memo)).all() == []
    assert statements == []


def test_every_memo_target_is_offered_and_takes_a_memo(study: Project) -> None:
    """What the workbench's "new memo" picker lists, each usable as it is given."""
    with study.transaction() as session:
        targets = memo_targets(session)
        assert [t.label for t in targets] == [
            "project journal", "source: IP4_interview", "case: IP4", "code: Self-management",
            "subdivision: Cost", "subdivision: Participation",
            "link: Cost ──cause──▶ Participation (#1)"]
        written = [add_memo(session, "T", target=t.target) for t in targets]
    assert [target_label(m.target_kind, m.target_name, m.target_id) for m in written] == [
        t.label for t in targets]


# --- the commands ------------------------------------------------------------------


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


def test_memo_commands_write_find_and_delete(demo_copy: str, tmp_path: Path) -> None:
    notes = tmp_path / "week3.md"
    notes.write_text("# Week 3\n\nIP9 spoke of *confianza* twice.\n", encoding="utf-8")
    first = run("memo", demo_copy, "Week 3", "--body-file", str(notes), "--json")
    assert first.exit_code == 0, first.output
    assert first.stderr == "added memo 1 in the project journal\n"
    assert json.loads(first.stdout)[0]["body"] == notes.read_text(encoding="utf-8")
    on_code = run("memo", demo_copy, "Definition", "--on", "code:access to credit",
                  "--body", "Whether households can borrow", "--coder", "ana")
    assert on_code.stderr == "added memo 2 on code 'Access to credit'\n"
    piped = run("memo", demo_copy, "Dropout", "--on", "subdivision:Microcredit",
                "--body-file", "-", stdin="Cost drives dropout, says IP3.")
    assert piped.exit_code == 0, piped.output

    found = json.loads(run("memos", demo_copy, "--search", "CONFIANZA", "--json").stdout)
    assert [m["title"] for m in found] == ["Week 3"]
    assert [m["title"] for m in json.loads(
        run("memos", demo_copy, "--search", "dropout", "--json").stdout)] == ["Dropout"]
    assert [(m["title"], m["target_kind"], m["target_name"], m["coder"]) for m in json.loads(
        run("memos", demo_copy, "--on", "code", "--json").stdout)] == [
        ("Definition", "code", "Access to credit", "ana")]
    assert [m["title"] for m in json.loads(
        run("memos", demo_copy, "--on", "subdivision:microcredit", "--json").stdout)] == [
        "Dropout"]
    assert [m["title"] for m in json.loads(
        run("memos", demo_copy, "--on", "project", "--json").stdout)] == ["Week 3"]
    table = run("memos", demo_copy).stdout
    assert "# Week 3 …" in table  # the first line of the body, the rest in json or csv
    assert "Microcredit" in table

    deleted = run("delete-memo", demo_copy, "1")
    assert (deleted.exit_code, deleted.stderr) == (0, "deleted memo 1 'Week 3'\n")
    assert [m["id"] for m in json.loads(run("memos", demo_copy, "--json").stdout)] == [2, 3]


def test_memo_errors_are_one_line_and_change_nothing(demo_copy: str, tmp_path: Path) -> None:
    for args, code, says in [
        (("memo", demo_copy, "T", "--on", "code:Nowhere"), 1,
         "qcode: error: no code named 'Nowhere'; `qcode codes` lists them\n"),
        (("memo", demo_copy, "T", "--on", "Microcredit"), 1,
         "qcode: error: memo target 'Microcredit' needs KIND:NAME, e.g. code:Self-management, "
         "case:IP3 or link:12 (kinds: source, case, code, subdivision, link)\n"),
        (("memo", demo_copy, "T", "--on", "link:3"), 1,
         "qcode: error: no axial link 3; `qcode links` lists them\n"),
        (("memo", demo_copy, " "), 1,
         "qcode: error: a memo needs a title; give a few words that say what it is about\n"),
        (("memos", demo_copy, "--on", "quotes"), 1,
         "qcode: error: memo target kind 'quotes' is unknown; give one of source, case, "
         "code, subdivision, link, project\n"),
        (("delete-memo", demo_copy, "9"), 1,
         "qcode: error: no memo 9; `qcode memos` lists them\n"),
    ]:
        result = run(*args)
        assert (result.exit_code, result.stderr) == (code, says), args
    both = run("memo", demo_copy, "T", "--body", "x", "--body-file", str(tmp_path / "x"))
    assert both.exit_code == 2
    (tmp_path / "x").write_text("x")
    both = run("memo", demo_copy, "T", "--body", "x", "--body-file", str(tmp_path / "x"))
    assert both.exit_code == 2 and "not both" in both.stderr
    assert json.loads(run("memos", demo_copy, "--json").stdout) == []
