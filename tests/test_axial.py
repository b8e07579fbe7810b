"""Axial links: services on both stores, then `qcode link/links/unlink` on a real file."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from click.testing import CliRunner, Result
from helpers import add_text, code_phrase
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from qcode.cli.main import cli
from qcode.errors import ConstraintError, InputError, NotFoundError, QcodeError
from qcode.services import axial, history
from qcode.services.coding import list_codings
from qcode.services.memos import add_memo, list_memos
from qcode.services.project import Project, open_project
from qcode.store.models import AxialLink, AxialLinkQuote, Coding, Memo, Quote

KEY = "Self-management was the key, honestly."
SUBSIDY = "The subsidy covered the foundations only."
LAYOUT = "They chose the layout themselves."


# --- helpers -----------------------------------------------------------------------


def one_line(error: pytest.ExceptionInfo[QcodeError]) -> str:
    message = str(error.value)
    assert message and "\n" not in message, message
    return message


def quote_of(project: Project, phrase: str) -> int:
    with project.transaction() as session:
        return session.scalars(select(Quote.id).where(Quote.text == phrase)).one()


def links_now(project: Project, node: str | None = None) -> list[axial.LinkInfo]:
    with project.transaction() as session:
        return axial.list_links(session, node)


def stored(session: Session) -> dict[str, set[tuple[Any, ...]]]:
    """Every key of the tables a link change touches."""
    return {model.__tablename__: {tuple(r) for r in session.execute(
                select(*model.__mapper__.primary_key))}
            for model in (AxialLink, AxialLinkQuote, Memo, Quote, Coding)}


@contextmanager
def orm_deletes(session: Session) -> Iterator[set[tuple[str, tuple[Any, ...]]]]:
    """The rows the ORM deleted while the block ran; fails on any bulk ORM statement.

    The undo journal sees only what the ORM flushes: a row removed by a Core DELETE
    or by the database's ON DELETE CASCADE could not be brought back.
    """
    deleted: set[tuple[str, tuple[Any, ...]]] = set()

    def flushed(sess: Session, _context: object) -> None:
        for row in sess.deleted:
            mapper = row.__mapper__  # type: ignore[attr-defined]
            deleted.add((mapper.local_table.name,
                         tuple(mapper.primary_key_from_instance(row))))

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
    with project.transaction() as session:
        before = stored(session)
        with orm_deletes(session) as deleted:
            result = change(session)
            session.flush()
        after = stored(session)
    gone = {(table, key) for table, keys in before.items() for key in keys - after[table]}
    assert gone == deleted
    return result


@pytest.fixture
def study(project: Project) -> Project:
    """One transcript; subdivisions Participation, Cost, Design; a code "Participation"."""
    add_text(project)
    code_phrase(project, KEY, "Self-management", subdivision="Participation")
    code_phrase(project, SUBSIDY, "Subsidy limits", subdivision="Cost",
                other_subdivisions=["Criticism: cost"])
    code_phrase(project, LAYOUT, "Layout", subdivision="Design")
    # A code that shares a subdivision's name: "code:" must reach it.
    code_phrase(project, LAYOUT, "Participation")
    return project


# --- linking -----------------------------------------------------------------------


def test_a_link_is_listed_with_its_relation_quotes_note_and_coder(study: Project) -> None:
    key, subsidy = quote_of(study, KEY), quote_of(study, SUBSIDY)
    with study.transaction() as session:
        made = axial.link(session, "cost", "PARTICIPATION", "Cause",
                          note="  IP4 links money and taking part ", quotes=[subsidy, key, key],
                          coder="ana")
    (listed,) = links_now(study)
    assert listed == made
    assert (listed.from_kind, listed.from_name, listed.relation, listed.to_kind,
            listed.to_name, listed.directed) == (
        "subdivision", "Cost", "cause", "subdivision", "Participation", True)
    assert listed.quote_ids == tuple(sorted((key, subsidy))) and listed.quotes == 2
    assert (listed.note, listed.coder) == ("IP4 links money and taking part", "ana")
    assert listed.created_at.tzinfo is not None
    assert listed.label() == "Cost ──cause──▶ Participation"
    assert links_now(study, "participation") == [made]
    assert links_now(study, "Design") == []


def test_prefixes_pick_the_code_and_names_with_colons_still_resolve(study: Project) -> None:
    with study.transaction() as session:
        to_subdivision = axial.link(session, "Design", "Participation", "context")
        to_code = axial.link(session, "Design", "code:participation", "context")
        from_code = axial.link(session, "Layout", "subdivision:Design", "consequence")
        colon = axial.link(session, "Criticism: cost", "Cost", "contradiction")
    assert (to_subdivision.to_kind, to_code.to_kind) == ("subdivision", "code")
    assert (from_code.from_kind, from_code.from_name) == ("code", "Layout")
    assert colon.from_name == "Criticism: cost"
    assert to_code.label() == "Design ──context──▶ code:Participation"
    assert [i.id for i in links_now(study, "code:Participation")] == [to_code.id]
    assert [i.id for i in links_now(study, "Layout")] == [from_code.id]


def test_named_relations_are_kept_and_the_methods_spelled_one_way(study: Project) -> None:
    with study.transaction() as session:
        own = axial.link(session, "Cost", "Design", "  undermines   Trust ")
        alias = axial.link(session, "Design", "Cost", "Pattern of interaction",
                           directed=False)
        upper = axial.link(session, "Participation", "Design", "CONSEQUENCE")
    assert own.relation == "undermines Trust"
    assert (alias.relation, alias.directed) == ("interaction", False)
    assert alias.label() == "Design ──interaction── Cost"
    assert upper.relation == "consequence"


@pytest.mark.parametrize(("args", "error", "says"), [
    (("Cost", "cost", "cause"), InputError, "cannot link subdivision 'Cost' to itself"),
    (("Cost", "Nowhere", "cause"), NotFoundError, "no subdivision or code named 'Nowhere'"),
    (("code:Cost", "Design", "cause"), NotFoundError, "no code named 'Cost'"),
    (("Cost", "Design", "   "), InputError, "a link needs a relation"),
    (("Cost", "Design", "x" * 201), InputError, "keep it to 200"),
    (("", "Design", "cause"), InputError, "a link end needs a name"),
])
def test_bad_links_are_refused_in_one_line(study: Project, args: tuple[str, str, str],
                                           error: type[QcodeError], says: str) -> None:
    with pytest.raises(error) as refused, study.transaction() as session:
        axial.link(session, *args)
    assert says in one_line(refused)
    assert links_now(study) == []


def test_a_missing_quote_refuses_the_whole_link(study: Project) -> None:
    key = quote_of(study, KEY)
    with pytest.raises(NotFoundError) as refused, study.transaction() as session:
        axial.link(session, "Cost", "Design", "cause", quotes=[key, 9999])
    assert one_line(refused).startswith("no quote 9999;")
    assert links_now(study) == []


def test_the_same_link_twice_is_refused_but_another_coder_may_make_it(study: Project) -> None:
    with study.transaction() as session:
        first = axial.link(session, "Cost", "Design", "cause")
    with pytest.raises(ConstraintError) as refused, study.transaction() as session:
        axial.link(session, "cost", "design", "Cause")
    assert one_line(refused).startswith(f"link {first.id} already says 'Cost' cause 'Design'")
    with study.transaction() as session:
        axial.link(session, "Cost", "Design", "cause", coder="ana")
        axial.link(session, "Design", "Cost", "cause")  # the other way round is new
    assert [(i.coder, i.from_name) for i in links_now(study)] == [
        ("tester", "Cost"), ("ana", "Cost"), ("tester", "Design")]


# --- changing and removing ---------------------------------------------------------


def test_update_and_quotes_change_what_the_listing_shows(study: Project) -> None:
    key, subsidy = (quote_of(study, p) for p in (KEY, SUBSIDY))
    with study.transaction() as session:
        made = axial.link(session, "Cost", "Design", "cause", note="first idea",
                          quotes=[key])
        axial.add_link_quotes(session, made.id, [key, subsidy])
        axial.update_link(session, made.id, relation="contradiction", directed=False)
    (now,) = links_now(study)
    assert (now.relation, now.directed, now.note) == ("contradiction", False, "first idea")
    assert now.quote_ids == tuple(sorted((key, subsidy)))
    with study.transaction() as session:
        cleared = axial.update_link(session, made.id, note="")
    assert cleared.note is None and cleared.relation == "contradiction"
    with pytest.raises(NotFoundError) as missing, study.transaction() as session:
        axial.update_link(session, 999, note="x")
    assert one_line(missing) == "no axial link 999; `qcode links` lists them"


def test_removing_a_link_deletes_its_quote_records_and_memos_through_the_orm(
    study: Project,
) -> None:
    key = quote_of(study, KEY)
    with study.transaction() as session:
        made = axial.link(session, "Cost", "Design", "cause", quotes=[key])
        kept = axial.link(session, "Design", "Cost", "context", quotes=[key])
        add_memo(session, "Why cause", "IP4 says so", target=("link", made.id))
        add_memo(session, "Journal", "unrelated")
    codings = len(list_codings(study))
    removed = only_through_the_orm(study, lambda s: axial.remove_link(s, made.id))
    assert isinstance(removed, axial.RemovedLink)
    assert (removed.link.id, removed.link.quote_ids, removed.memos) == (made.id, (key,), 1)
    assert [i.id for i in links_now(study)] == [kept.id]
    assert links_now(study)[0].quote_ids == (key,)  # the quote itself stays
    assert len(list_codings(study)) == codings
    with study.transaction() as session:
        assert [m.title for m in list_memos(session)] == ["Journal"]


def test_unlinking_can_be_undone_with_its_quotes_and_memo(study: Project) -> None:
    key = quote_of(study, KEY)
    with study.step("link") as session:
        made = axial.link(session, "Cost", "Design", "cause", quotes=[key])
        add_memo(session, "Why", target=("link", made.id))
    with study.step("unlink") as session:
        axial.remove_link(session, made.id)
    assert links_now(study) == []
    undone = history.undo(study)
    assert undone is not None and undone.label == "unlink"
    assert links_now(study) == [made]
    with study.transaction() as session:
        assert [(m.title, m.target_id) for m in list_memos(session)] == [("Why", made.id)]


# --- the drawing -------------------------------------------------------------------


def test_the_graph_draws_outgoing_incoming_and_undirected_links(study: Project) -> None:
    key, subsidy = quote_of(study, KEY), quote_of(study, SUBSIDY)
    with study.transaction() as session:
        out = axial.link(session, "Cost", "Participation", "cause", quotes=[key, subsidy])
        inc = axial.link(session, "Design", "Cost", "context")
        both = axial.link(session, "code:Layout", "Cost", "enables", directed=False)
        axial.link(session, "Design", "Participation", "cause")  # not Cost's
        drawing = axial.link_graph(session, "cost")
        empty = axial.link_graph(session, "Criticism: cost")
    lines = drawing.splitlines()
    assert lines[0] == "Cost: 3 links"
    assert [line for line in lines if not line.startswith("  ")] == [
        "Cost: 3 links", "outgoing", "incoming", "undirected"]
    drawn = {line.split("#")[-1].split()[0]: line for line in lines if "#" in line}
    assert drawn[str(out.id)].split() == [
        "Cost", "──cause──▶", "Participation", f"#{out.id}", "·", "2", "quotes"]
    assert drawn[str(inc.id)].split() == ["Design", "──context──▶", "Cost", f"#{inc.id}"]
    # An undirected link keeps the node drawn on the left.
    assert drawn[str(both.id)].split() == [
        "Cost", "──enables──", "code:Layout", f"#{both.id}"]
    # Arrows start in one column, so the eye reads down the relations.
    assert len({line.index("──") for line in drawn.values()}) == 1
    assert empty == "Criticism: cost: no axial links yet; add one with `qcode link`"


# --- the commands ------------------------------------------------------------------


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def test_link_from_the_command_line_and_list_it(demo_copy: str) -> None:
    with open_project(demo_copy) as project, project.transaction() as session:
        quote = axial.quote_of_coding(session, 1)
    made = run("link", demo_copy, "Housing subsidy", "cause", "Participation of households",
               "--coding", "1", "--quote", "5", "--note", "IP1 and IP3", "--coder", "ana",
               "--json")
    assert made.exit_code == 0, made.output
    (row,) = json.loads(made.stdout)
    assert "linked 1: Housing subsidy ──cause──▶ Participation of households (2 quotes)" \
        in made.stderr
    assert (row["relation"], row["quote_ids"], row["note"], row["coder"]) == (
        "cause", sorted([quote, 5]), "IP1 and IP3", "ana")
    own = run("link", demo_copy, "Microcredit", "enables", "code:Access to credit",
              "--undirected")
    assert own.exit_code == 0, own.output
    assert "'enables' is a relation of your own" in own.stderr

    listed = json.loads(run("links", demo_copy, "--json").stdout)
    assert [(r["from_name"], r["relation"], r["to_kind"], r["to_name"], r["directed"])
            for r in listed] == [
        ("Housing subsidy", "cause", "subdivision", "Participation of households", True),
        ("Microcredit", "enables", "code", "Access to credit", False)]
    table = run("links", demo_copy, "--node", "microcredit").stdout
    assert "Access to credit" in table and "Housing subsidy" not in table
    csv_lines = run("links", demo_copy, "--format", "csv").stdout.splitlines()
    assert csv_lines[0] == ("id,from_kind,from_name,relation,to_kind,to_name,directed,note,"
                            "coder,quote_ids,created_at")
    graph = run("links", demo_copy, "--node", "Housing subsidy", "--graph")
    assert graph.exit_code == 0
    assert "Housing subsidy ──cause──▶ Participation of households" in graph.stdout


def test_unlink_from_the_command_line(demo_copy: str) -> None:
    assert run("link", demo_copy, "Microcredit", "cause", "Housing subsidy",
               "--coding", "2").exit_code == 0
    assert run("memo", demo_copy, "Why", "--on", "link:1").exit_code == 0
    removed = run("unlink", demo_copy, "1")
    assert removed.exit_code == 0, removed.output
    assert removed.stderr == (
        "removed link 1: Microcredit ──cause──▶ Housing subsidy "
        "(1 memo on it deleted; the supporting quotes stay with their codings)\n")
    assert json.loads(run("links", demo_copy, "--json").stdout) == []
    assert json.loads(run("memos", demo_copy, "--json").stdout) == []


def test_link_errors_are_one_line_and_change_nothing(demo_copy: str) -> None:
    ok = run("link", demo_copy, "Microcredit", "cause", "Housing subsidy")
    assert ok.exit_code == 0
    before = run("links", demo_copy, "--json").stdout
    for args, says in [
        (("link", demo_copy, "Microcredit", "cause", "Nowhere"),
         "qcode: error: no subdivision or code named 'Nowhere'; `qcode subdivisions` and "
         "`qcode codes` list them\n"),
        (("link", demo_copy, "Microcredit", "cause", "microcredit"),
         "qcode: error: cannot link subdivision 'Microcredit' to itself; name two different "
         "nodes\n"),
        (("link", demo_copy, "Microcredit", "context", "Housing subsidy", "--coding", "99999"),
         "qcode: error: no coding 99999; `qcode codings` lists them\n"),
        (("link", demo_copy, "Microcredit", "cause", "Housing subsidy"),
         "qcode: error: link 1 already says 'Microcredit' cause 'Housing subsidy' for tester; "
         "change it, or remove it first with `qcode unlink`\n"),
        (("unlink", demo_copy, "42"), "qcode: error: no axial link 42; `qcode links` lists "
                                      "them\n"),
    ]:
        result = run(*args)
        assert (result.exit_code, result.stderr) == (1, says), args
    assert run("links", demo_copy, "--json").stdout == before
    usage = run("links", demo_copy, "--graph")
    assert usage.exit_code == 2 and "give --node NAME" in usage.stderr
