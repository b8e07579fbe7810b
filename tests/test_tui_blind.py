"""Blind double coding in the workbench: the sources list, the quotes table and the reader.

The demo's codings are all by "researcher"; ben codes IP4 too, and IP4 is made blind
for both. Working as researcher, nothing of ben's may show on IP4 until both finish,
and every screen must say so, so nobody thinks ben's work was lost.
"""

from __future__ import annotations

from textual.widgets import DataTable
from tui_helpers import app_for, codings_of, open_source, settle

from qcode.services import blind
from qcode.services.coding import CodingRequest, code_span
from qcode.services.project import open_project
from qcode.tui.screens.picker import FuzzyPicker
from qcode.tui.screens.reader import ReaderScreen
from qcode.tui.widgets.quote_table import QuoteTable

SOURCE = "IP4_social_worker_agency"


def ben_codes_ip4_blind(location: str) -> list[tuple[int, int]]:
    """Two codings of ben on IP4, then IP4 blind for researcher and ben."""
    spans = [(10, 60), (200, 260)]
    with open_project(location) as project:
        for start, end in spans:
            code_span(project, CodingRequest(source=SOURCE, start=start, end=end,
                                             code="Ben's reading", coder="ben"))
        with project.transaction() as s:
            blind.set_blind(s, [SOURCE], ["researcher", "ben"])
    return spans


def finished(location: str) -> tuple[str, ...]:
    with open_project(location) as project:
        return blind.blind_status(project, [SOURCE])[0].finished


async def test_blind_coding_hides_and_says_so_and_finishing_from_the_reader(
        demo_copy: str) -> None:
    ben_spans = ben_codes_ip4_blind(demo_copy)
    mine = len([r for r in codings_of(demo_copy, SOURCE) if r.coder == "researcher"])
    app = app_for(demo_copy, coder="researcher")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        # Sources: a Blind column, and IP4 counts only researcher's own codings.
        table = app.screen.query_one("#sources", DataTable)
        labels = [str(c.label) for c in table.columns.values()]
        row = table.get_row(SOURCE)
        assert row[labels.index("Blind")] == "only yours until ben and researcher finish"
        assert row[labels.index("Codings")] == mine

        # Quotes: ben's two codings are not in the table, and the status line says why.
        await pilot.press("f5")
        await settle(pilot)
        assert app.screen.query_one(QuoteTable).total == 384
        assert f"blind: only your codings on {SOURCE}" in str(
            app.screen.query_one("#status").render())
        await pilot.press("f3")

        view = await open_source(pilot, "IP4")
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert {s.coder for s in view.spans} == {"researcher"}
        assert reader.title == f"{SOURCE} · BLIND"
        side = str(reader.query_one("#side").render())
        assert "BLIND  until ben and researcher finish" in side
        assert "F10 cannot show the others'" in side
        await pilot.press("f10", "f10")  # all -> mine -> ben's only: still nothing of ben's
        await settle(pilot)
        assert app.showing == "ben" and view.spans == []
        assert "showing ben's only" in app.sub_title and "BLIND" in reader.title

        # ctrl+f asks first; "Not yet" is the default, so Enter alone changes nothing.
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert isinstance(app.screen, FuzzyPicker)
        await pilot.press("enter")
        await settle(pilot)
        assert finished(demo_copy) == ()
        await pilot.press("ctrl+f")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert finished(demo_copy) == ("researcher",)
        assert view.spans == [] and reader.title.endswith("BLIND")
        assert "until ben finishes" in str(reader.query_one("#side").render())

        # Once ben finishes too, the same filter shows ben's codings.
        with open_project(demo_copy) as project, project.transaction() as s:
            blind.finish(s, SOURCE, "ben")
        reader.reload()
        await settle(pilot)
        assert sorted((s.start, s.end) for s in view.spans) == ben_spans
        assert "BLIND" not in reader.title + str(reader.query_one("#side").render())
        assert not app.errors
