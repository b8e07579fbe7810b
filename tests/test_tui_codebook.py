"""The codebook screen: restructuring the tree and the codes, each step undoable."""

from __future__ import annotations

from textual.pilot import Pilot
from tui_helpers import app_for, settle

from qcode.reports.mentions import mentions
from qcode.services.codebook import list_codes, list_subdivisions
from qcode.services.project import open_project
from qcode.tui.codebook_rows import all_rows
from qcode.tui.screens.codebook import CodebookScreen, Entry
from qcode.tui.screens.picker import FuzzyPicker
from qcode.tui.screens.prompt import TextPrompt


async def open_codebook(pilot: Pilot[None]) -> CodebookScreen:
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CodebookScreen)
    return screen


async def point_at(pilot: Pilot[None], screen: CodebookScreen, entry: Entry) -> None:
    """Put the tree's cursor on `entry`, as arrow keys or a click would."""
    tree = screen.codebook_tree
    for line in range(tree.last_line + 1):
        node = tree.get_node_at_line(line)
        if node is not None and node.data == entry:
            tree.cursor_line = line
            await pilot.pause()
            return
    raise AssertionError(f"{entry} is not in the tree")


def tree_of(location: str) -> dict[str, str | None]:
    with open_project(location) as project:
        return {n.name: n.parent for n in list_subdivisions(project)}


async def test_the_tree_shows_rolled_up_mentions_per_group(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_codebook(pilot)
        labels = {n.data.name: str(n.label) for n in screen.codebook_tree.root.children
                  if n.data}
    with open_project(demo_copy) as project:
        groups = mentions(project, by="group")
    for group, count in zip(groups["group"], groups["mentions"], strict=True):
        if group in labels:
            assert labels[group].endswith(f"  {count}"), (group, labels[group])


async def test_a_new_subdivision_under_a_group_then_undo(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_codebook(pilot)
        await point_at(pilot, screen, Entry("subdivision", "Financing instruments"))
        await pilot.press("s")
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"Remittances", "enter")
        await settle(pilot)
        assert tree_of(demo_copy)["Remittances"] == "Financing instruments"
        await pilot.press("u")
        await settle(pilot)
        assert "Remittances" not in tree_of(demo_copy)
        assert not app.errors


async def test_rename_and_merge_codes(demo_copy: str) -> None:
    with open_project(demo_copy) as project:
        before = {c.name: c.codings for c in list_codes(project)}
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_codebook(pilot)
        await point_at(pilot, screen, Entry("code", "Rule changes"))
        await pilot.press("r")
        await pilot.press("ctrl+a", "ctrl+k", *"Changing rules", "enter")
        await settle(pilot)
        await point_at(pilot, screen, Entry("code", "Subsidy dependence"))
        await pilot.press("M")
        assert isinstance(app.screen, FuzzyPicker)
        await pilot.press(*"Changing rules", "enter")
        await settle(pilot)
        assert not app.errors
    with open_project(demo_copy) as project:
        after = {c.name: c.codings for c in list_codes(project)}
    assert "Rule changes" not in after and "Subsidy dependence" not in after
    assert after["Changing rules"] == before["Rule changes"] + before["Subsidy dependence"]


async def test_move_a_subdivision_and_refile_a_codes_codings(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_codebook(pilot)
        await point_at(pilot, screen, Entry("subdivision", "Microcredit"))
        await pilot.press("m", *"Land and location instruments", "enter")
        await settle(pilot)
        assert tree_of(demo_copy)["Microcredit"] == "Land and location instruments"
        await point_at(pilot, screen, Entry("code", "Saving as a barrier", "Savings requirement"))
        await pilot.press("o", *"Repayment terms", "enter")
        await settle(pilot)
        assert not app.errors
    with open_project(demo_copy) as project:
        subs = mentions(project, by="subdivision")
    counts = dict(zip(subs["subdivision"], subs["mentions"], strict=True))
    assert counts["Savings requirement"] == 11 - 8
    assert counts["Repayment terms"] == 12 + 8


async def test_the_command_palette_lists_the_screens_actions(demo_copy: str) -> None:
    from textual.command import CommandPalette

    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_codebook(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"new subdiv", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TextPrompt)  # the action ran: it asks for the name
        await pilot.press(*"Cooperatives", "enter")
        await settle(pilot)
    assert "Cooperatives" in tree_of(demo_copy)


async def test_recolour_and_describe_a_code(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_codebook(pilot)
        await point_at(pilot, screen, Entry("code", "Rule changes"))
        await pilot.press("k", *"#123abc", "enter")
        await settle(pilot)
        await pilot.press("d")
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("ctrl+a", "ctrl+k", *"When the programme changes its rules", "enter")
        await settle(pilot)
        assert not app.errors
    with open_project(demo_copy) as project:
        (code,) = [c for c in list_codes(project) if c.name == "Rule changes"]
    assert (code.color, code.description) == ("#123abc", "When the programme changes its rules")


async def test_m_on_a_code_gives_it_a_place_where_it_shows_unused(demo_copy: str) -> None:
    from qcode.services.codebook_edit import create_code

    with open_project(demo_copy) as project, project.step("define a code") as session:
        create_code(session, "Waiting lists", "Not coded yet")
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_codebook(pilot)
        await point_at(pilot, screen, Entry("code", "Waiting lists"))
        await pilot.press("m", *"Housing subsidy", "enter")
        await settle(pilot)
        assert not app.errors
        # Unused, it is seen under the subdivision it now sits in, with 0 codings.
        shown = {(row.entry.name, row.entry.under, row.count)
                 for row in all_rows(screen.data)}
        assert ("Waiting lists", "Housing subsidy", 0) in shown
    with open_project(demo_copy) as project:
        homes = {c.name: c.home for c in list_codes(project)}
    assert homes["Waiting lists"] == "Housing subsidy"
