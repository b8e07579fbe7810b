"""The whole study of domain.md in the workbench alone: code, file, relate, note, count."""

from __future__ import annotations

from textual.widgets import DataTable
from tui_helpers import app_for, codings_of, open_source, settle, until

from qcode.reports.mentions import mentions
from qcode.services import axial, memos
from qcode.services.project import open_project
from qcode.tui.screens.counts import CountsScreen


def group_counts(location: str) -> dict[str, int]:
    with open_project(location) as project:
        table = mentions(project, by="group")
    return dict(zip(table["group"], table["mentions"], strict=True))


async def test_a_researchers_session_from_coding_to_counts(demo_copy: str) -> None:
    before = group_counts(demo_copy)
    app = app_for(demo_copy, coder="lucia")
    async with app.run_test(size=(100, 30)) as pilot:
        # Open coding of a Spanish transcript: a sentence, a new code, two subdivisions.
        view = await open_source(pilot, "IP9")
        sentence = next(view.text[a:b] for a, b in view.units("sentence")
                        if "ahorr" in view.text[a:b].lower())
        view.go_to(view.text.index(sentence))
        await pilot.press("s", "c")
        await settle(pilot)
        await pilot.press(*"Ahorro familiar", "enter")
        await settle(pilot)
        await pilot.press(*"orgullo", "tab", "tab", *"Savings requirement", "tab",
                          *"Microcredit", "enter")
        await settle(pilot)
        # Axial coding: the two subdivisions related, with the new quote as support.
        await pilot.press("escape", "f7")
        await settle(pilot)
        await pilot.press("n", *"Savings requirement", "enter", *"condition", "enter")
        await pilot.press(*"Microcredit", "enter", *"saving first, then the loan", "enter")
        # The new link must be listed (and so under the cursor) before "q" can add to it.
        await until(pilot, lambda: app.screen.query_one("#links", DataTable).row_count > 0)
        await pilot.press("q")
        await settle(pilot)
        await pilot.press(*"Ahorro familiar", "enter")
        await settle(pilot)
        # A journal memo.
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"project journal", "enter", *"Saturation after IP9", "enter")
        await pilot.press(*"No new subdivisions since IP7.", "ctrl+s")
        await settle(pilot)
        # The counts follow.
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, CountsScreen)
        assert not app.errors

    (coded,) = [r for r in codings_of(demo_copy, "IP9_familia_beneficiaria")
                if r.code == "Ahorro familiar"]
    assert (coded.text, coded.emphasis, coded.coder) == (sentence, "orgullo", "lucia")
    assert (coded.subdivision, coded.other_subdivisions) == ("Savings requirement",
                                                             ["Microcredit"])
    with open_project(demo_copy) as project, project.transaction() as session:
        (link,) = axial.list_links(session)
        supporting = axial.link_quotes(session, link.id)
        journal = memos.list_memos(session, target_kind="project")
    assert (link.from_name, link.relation, link.to_name, link.coder) == (
        "Savings requirement", "condition", "Microcredit", "lucia")
    assert [q.text for q in supporting] == [sentence]
    assert [(m.title, m.body) for m in journal] == [
        ("Saturation after IP9", "No new subdivisions since IP7.")]
    after = group_counts(demo_copy)
    assert after["Financing instruments"] == before["Financing instruments"] + 2
    assert sum(after.values()) == sum(before.values()) + 2
