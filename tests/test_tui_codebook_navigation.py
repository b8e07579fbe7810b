"""Issue 17, the codebook made navigable: a filter, folds that are remembered, the
cursor on what was just made or moved, counts that stay whole at 80 columns, and `g`
to go to any item."""

from __future__ import annotations

import shutil
from pathlib import Path

from test_tui_codebook import open_codebook, point_at
from textual.pilot import Pilot
from textual.widgets import Input, Static
from tui_helpers import app_for, settle, until

from qcode.tui.screens.codebook import CodebookScreen, Entry
from qcode.tui.screens.picker import FuzzyPicker
from qcode.tui.screens.prompt import TextPrompt

FINANCING = Entry("subdivision", "Financing instruments")
BARRIER = Entry("code", "Saving as a barrier", "Savings requirement")


def shown(screen: CodebookScreen) -> list[tuple[str, str]]:
    """Every line of the tree the user can scroll to, as (kind, name)."""
    tree = screen.codebook_tree
    lines = [tree.get_node_at_line(line) for line in range(tree.last_line + 1)]
    return [(n.data.kind, n.data.name) for n in lines if n is not None and n.data]


def details(screen: CodebookScreen) -> str:
    return str(screen.query_one("#details", Static).render())


def filter_line(screen: CodebookScreen) -> Input:
    return screen.query_one("#filter", Input)


async def type_filter(pilot: Pilot[None], text: str) -> None:
    await pilot.press("slash", *text)
    await settle(pilot)


async def test_typing_filters_the_tree_to_matches_and_their_ancestors(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_codebook(pilot)
        everything = shown(screen)
        await type_filter(pilot, "barrier")
        assert filter_line(screen).value == "barrier"  # what the tree is filtered by shows
        assert shown(screen) == [
            ("subdivision", "Financing instruments"), ("subdivision", "Savings requirement"),
            ("code", "Saving as a barrier"),
            ("subdivision", "Inclusion criteria"), ("subdivision", "Social approach"),
            ("subdivision", "Income thresholds"), ("code", "Saving as a barrier"),
            ("subdivision", "Informal workers"), ("code", "Saving as a barrier"),
            ("all", "All codes"), ("code", "Saving as a barrier")]
        # The cursor waits on the first match, so Enter or the arrows start from there.
        assert screen.selected == BARRIER
        assert "Saving as a barrier" in details(screen)
        await pilot.press("backspace", "backspace", "backspace", "backspace")  # "bar"
        await settle(pilot)
        assert ("code", "Budget bias towards finished units") not in shown(screen)
        assert len(shown(screen)) < len(everything)
        assert not app.errors


async def test_escape_first_clears_the_filter_and_nothing_else(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_codebook(pilot)
        everything = shown(screen)
        await type_filter(pilot, "saving")
        assert screen.selected == Entry("subdivision", "Savings requirement")
        await pilot.press("down")  # from the filter line the arrows move the tree's cursor
        await settle(pilot)
        assert screen.selected == BARRIER
        await pilot.press("escape")
        await settle(pilot)
        assert filter_line(screen).value == ""
        assert shown(screen) == everything
        assert screen.selected == BARRIER  # still on the item picked while filtering
        assert isinstance(app.screen, CodebookScreen)  # nothing closed, nothing else lost
        await pilot.press("escape")  # the filter line is empty: back to the tree
        await settle(pilot)
        assert app.focused is screen.codebook_tree
        await pilot.press("n")  # the letter keys act again
        assert isinstance(app.screen, TextPrompt)
        assert not app.errors


async def test_enter_on_a_single_match_goes_to_it_in_the_whole_tree(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_codebook(pilot)
        everything = shown(screen)
        await type_filter(pilot, "barrier")
        await pilot.press("enter")
        await settle(pilot)
        assert filter_line(screen).value == ""
        assert shown(screen) == everything
        assert screen.selected == BARRIER
        assert app.focused is screen.codebook_tree
        assert not app.errors


async def test_g_goes_to_a_code_even_in_a_folded_group(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_codebook(pilot)
        await pilot.press("c")  # everything folded: only the groups show
        await settle(pilot)
        assert ("code", "Women-headed households") not in shown(screen)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, FuzzyPicker)
        await pilot.press(*"women-headed", "enter")
        await settle(pilot)
        assert screen.selected == Entry("code", "Women-headed households", "Microcredit")
        assert ("code", "Women-headed households") in shown(screen)
        assert not app.errors


async def test_folds_are_kept_across_visits_and_restarts_per_project(
        demo_copy: str, tmp_path: Path) -> None:
    other = str(shutil.copy(demo_copy, tmp_path / "other.qcode"))
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_codebook(pilot)
        await point_at(pilot, screen, FINANCING)
        await pilot.press("left")
        await settle(pilot)
        assert ("subdivision", "Housing subsidy") not in shown(screen)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert ("subdivision", "Housing subsidy") not in shown(screen)
        assert ("subdivision", "Land provision") in shown(screen)
    async with app_for(demo_copy).run_test(size=(120, 40)) as pilot:
        screen = await open_codebook(pilot)
        assert ("subdivision", "Financing instruments") in shown(screen)
        assert ("subdivision", "Housing subsidy") not in shown(screen)
        await point_at(pilot, screen, FINANCING)
        await pilot.press("right")  # unfolds again
        await settle(pilot)
        assert ("subdivision", "Housing subsidy") in shown(screen)
    async with app_for(other).run_test(size=(120, 40)) as pilot:
        screen = await open_codebook(pilot)  # another study: its own folds (none)
        assert ("subdivision", "Housing subsidy") in shown(screen)


async def test_c_folds_everything_then_unfolds_everything(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_codebook(pilot)
        everything = shown(screen)
        await pilot.press("c")
        await settle(pilot)
        assert shown(screen)[0] == ("subdivision", "Financing instruments")
        assert all(kind != "code" for kind, _ in shown(screen))
        assert ("subdivision", "Housing subsidy") not in shown(screen)
        assert shown(screen)[-1] == ("all", "All codes")
        await pilot.press("c")
        await settle(pilot)
        assert shown(screen) == everything
        assert not app.errors


async def test_the_cursor_lands_on_a_new_code_even_when_all_is_folded(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_codebook(pilot)
        await point_at(pilot, screen, FINANCING)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("n", *"Remittance delays", "enter")
        await until(pilot, lambda: screen.selected == Entry("code", "Remittance delays"))
        assert ("code", "Remittance delays") in shown(screen)
        assert "Remittance delays" in details(screen)
        assert not app.errors


async def test_the_cursor_lands_on_a_new_subdivision(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_codebook(pilot)
        await point_at(pilot, screen, FINANCING)
        await pilot.press("s", *"Remittances", "enter")
        await until(pilot, lambda: screen.selected == Entry("subdivision", "Remittances"))
        assert "Financing instruments / Remittances" in details(screen)


async def test_the_cursor_follows_a_moved_subdivision_into_a_folded_group(
        demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_codebook(pilot)
        await point_at(pilot, screen, Entry("subdivision", "Land and location instruments"))
        await pilot.press("space")  # fold the group it goes to
        await settle(pilot)
        await point_at(pilot, screen, Entry("subdivision", "Microcredit"))
        await pilot.press("m", *"Land and location instruments", "enter")
        await until(pilot, lambda: screen.selected == Entry("subdivision", "Microcredit"))
        node = screen.codebook_tree.cursor_node
        assert node is not None and node.parent is not None
        assert node.parent.data == Entry("subdivision", "Land and location instruments")
        assert "Land and location instruments / Microcredit" in details(screen)
        assert not app.errors


async def test_a_load_begun_before_a_move_does_not_take_the_cursor_away(
        demo_copy: str) -> None:
    """The workbench can see a step's new revision and reload before the step's own
    reload: that earlier load still has the subdivision where it was. Following it there
    left the cursor on the folded group the subdivision had moved into (a test that
    failed on a busy machine)."""
    from qcode.services.codebook_edit import move_subdivision
    from qcode.services.project import open_project
    from qcode.tui.screens.codebook import load_codebook

    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_codebook(pilot)
        await point_at(pilot, screen, Entry("subdivision", "Land and location instruments"))
        await pilot.press("space")  # folded
        await settle(pilot)
        microcredit = Entry("subdivision", "Microcredit")
        await point_at(pilot, screen, microcredit)
        with open_project(demo_copy) as project:
            before = load_codebook(project)  # a load begun before the move ...
            with project.step("move") as session:
                move_subdivision(session, "Microcredit", "Land and location instruments")
            after = load_codebook(project)
        stale = screen._loads
        screen._follow_next(microcredit)  # ... the move is done: follow it
        screen._show(before, stale)  # ... and only now does the early load come in
        await settle(pilot)
        screen._show(after, stale + 1)  # the load begun after the move
        await until(pilot, lambda: screen.selected == microcredit)
        node = screen.codebook_tree.cursor_node
        assert node is not None and node.parent is not None
        assert node.parent.data == Entry("subdivision", "Land and location instruments")


async def test_the_cursor_follows_codings_moved_to_another_subdivision(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_codebook(pilot)
        await point_at(pilot, screen, BARRIER)
        await pilot.press("o", *"Repayment terms", "enter")
        moved = Entry("code", "Saving as a barrier", "Repayment terms")
        await until(pilot, lambda: screen.selected == moved)
        assert "shown under Repayment terms" in details(screen)


async def test_counts_stay_whole_at_80_columns(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_codebook(pilot)
        tree = screen.codebook_tree
        tree.focus()
        seen: dict[int, tuple[str, str]] = {}  # line: (full label, what is drawn)
        while True:  # page through the whole tree, reading each line as drawn
            for y in range(tree.scrollable_content_region.height):
                line = tree.scroll_offset.y + y
                node = tree.get_node_at_line(line)
                if node is not None:
                    seen[line] = str(node.label), tree.render_line(y).text.rstrip()
            if tree.scroll_offset.y >= tree.max_scroll_y:
                break
            await pilot.press("pagedown")
            await settle(pilot)
        assert sorted(seen) == list(range(tree.last_line + 1))
        for label, drawn in seen.values():
            count = label.rsplit(" ", 1)[1]
            assert drawn.endswith(f" {count}"), (label, drawn)
        (drawn,) = [drawn for label, drawn in seen.values()
                    if label == "■ Budget bias towards finished units  1"]
        assert "Budget bias" in drawn and "…" in drawn  # the name gave way, not the count


async def test_the_new_keys_are_described_for_the_footer_and_the_help(demo_copy: str) -> None:
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_codebook(pilot)
        assert app.focused is screen.codebook_tree  # the letter keys act on the tree
        # The footer and the F1 help both list the screen's active bindings.
        keys = {key: active.binding for key, active in screen.active_bindings.items()}
        for key in ("slash", "g", "c", "left", "right", "escape"):
            assert key in keys and keys[key].description, key
        assert keys["slash"].show and keys["g"].show  # the two ways to find an item
