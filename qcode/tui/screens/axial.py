"""Axial coding: relate subdivisions and codes, with notes and supporting quotes.

The links table lists every relation; the pane beside it draws the links of the node
at hand as a small graph in text and shows the chosen link's note and quotes.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from qcode.reports.quotes import QuoteFilter, quote_page
from qcode.services import axial
from qcode.services.codebook import list_codes, list_subdivisions
from qcode.services.project import Project
from qcode.tui.screens.base import WorkbenchScreen
from qcode.tui.screens.prompt import TextPrompt
from qcode.tui.widgets.keys_footer import KeysFooter
from qcode.tui.widgets.quote_table import fit
from qcode.tui.work import in_background
from qcode.vocabulary import RELATIONS

RELATION_NAMES = {"interaction": "pattern of interaction", "contradiction": "contradicts"}


@dataclass(frozen=True)
class AxialData:
    links: list[axial.LinkInfo]
    nodes: list[str]  # every subdivision by name, every code as "code:NAME"


@dataclass(frozen=True)
class LinkDetail:
    graph: str
    quotes: list[axial.SupportingQuote]


def load_axial(project: Project) -> AxialData:
    links = project.read(axial.list_links)
    nodes = [s.name for s in list_subdivisions(project)]
    nodes += [axial.shown("code", c.name) for c in list_codes(project)]
    return AxialData(links, nodes)


def load_detail(project: Project, link: axial.LinkInfo | None, node: str | None) -> LinkDetail:
    """The graph of `node` (else the link's first end) and the link's quotes."""
    if node is None and link is not None:
        node = axial.shown(link.from_kind, link.from_name)
    graph = project.read(axial.link_graph, node) if node else ""
    return LinkDetail(graph, project.read(axial.link_quotes, link.id) if link else [])


class LinksTable(DataTable[object]):
    """The links. Its width decides how far a link's ends are shortened, so it says
    when that width changes: on a busy machine the first layout may give a width that
    the next one corrects, and a new terminal size changes it too."""

    class Resized(Message):
        pass

    def on_resize(self, event: events.Resize) -> None:
        self.post_message(self.Resized())


class AxialScreen(WorkbenchScreen):
    """Links between subdivisions (or codes): make, browse, annotate, support."""

    BINDINGS = [
        Binding("n", "new_link", "New link"),
        Binding("q", "add_quote", "Add quote"),
        Binding("e", "edit_note", "Note"),
        Binding("r", "relation", "Relation"),
        Binding("g", "graph", "Graph of…"),
        Binding("o", "open_quote", "Open quote"),
        Binding("delete", "remove", "Remove link", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield LinksTable(id="links", cursor_type="row", zebra_stripes=True)
            yield Static("", id="detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "Axial coding"
        self.data = AxialData([], [])
        self.detail = LinkDetail("", [])
        self.graph_node: str | None = None  # chosen with g; else the link's first end
        self.drawn_width = 0  # the table's width when its rows were last made

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        project = self.project
        in_background(self, lambda: load_axial(project), self._show)

    def _show(self, data: AxialData) -> None:
        table = self.query_one("#links", DataTable)
        if not table.size.width:  # not laid out yet: its width decides the columns
            self.call_after_refresh(self._show, data)
            return
        self.data = data
        self.drawn_width = table.size.width
        row = table.cursor_row
        table.clear(columns=True)
        # Below 100 columns the table keeps the link itself (from, relation, to, quotes),
        # its ends shortened; the side panel shows the rest of the link at the cursor.
        narrow = self.size.width < 100
        end = max(10, (table.size.width - 24) // 2)
        if narrow:
            table.add_columns("From", "Relation", "To", "Quotes")
        else:
            table.add_columns("#", "From", "Relation", "To", "Quotes", "Coder", "Note")
        for info in data.links:
            ends = (axial.shown(info.from_kind, info.from_name),
                    axial.shown(info.to_kind, info.to_name))
            relation = info.relation + ("" if info.directed else " (both ways)")
            if narrow:
                table.add_row(fit(ends[0], end).rstrip(), relation, fit(ends[1], end).rstrip(),
                              info.quotes, key=str(info.id))
            else:
                table.add_row(info.id, ends[0], relation, ends[1], info.quotes,
                              info.coder or "", (info.note or "")[:40], key=str(info.id))
        if data.links:
            table.move_cursor(row=min(row, len(data.links) - 1))
            self._describe()
        else:
            self.query_one("#detail", Static).update(
                "No axial links yet.\n\nn relates two subdivisions or codes: cause, "
                "consequence, context, pattern of interaction, contradicts, or a relation "
                "you name.")

    @on(LinksTable.Resized)
    def _resized(self) -> None:
        width = self.query_one("#links", DataTable).size.width
        if width and self.drawn_width and width != self.drawn_width:
            self._show(self.data)

    @property
    def current(self) -> axial.LinkInfo | None:
        table = self.query_one("#links", DataTable)
        if not self.data.links or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return next((link for link in self.data.links if str(link.id) == key), None)

    @on(DataTable.RowHighlighted, "#links")
    def _highlighted(self) -> None:
        self._describe()

    def _describe(self) -> None:
        link, node, project = self.current, self.graph_node, self.project
        if link is None and node is None:
            return
        in_background(self, lambda: load_detail(project, link, node),
                      lambda detail: self._show_detail(link, detail), group="detail")

    def _show_detail(self, link: axial.LinkInfo | None, detail: LinkDetail) -> None:
        self.detail = detail
        lines = []
        if link is not None:
            lines += [f"[b]#{link.id}[/b] {_escape(link.label())}", f"by {link.coder or '?'}"]
            if link.note:
                lines += ["", _escape(link.note)]
            lines += ["", f"[b]{len(detail.quotes)} supporting quote"
                          f"{'' if len(detail.quotes) == 1 else 's'}[/b]"]
            for quote in detail.quotes:
                lines.append(f"· {_escape(quote.source or '?')}: “{_escape(quote.text[:120])}”")
            lines.append("")
        lines.append(_escape(detail.graph))
        self.query_one("#detail", Static).update("\n".join(lines))

    # -- actions ----------------------------------------------------------------------

    def _relations(self) -> list[str]:
        return [RELATION_NAMES.get(r, r) for r in RELATIONS]

    def action_new_link(self) -> None:
        nodes = self.data.nodes

        def with_from(start: str) -> None:
            self.pick(f"{start} …relation…", self._relations(),
                       lambda relation: with_relation(start, relation), allow_new="relation")

        def with_relation(start: str, relation: str) -> None:
            self.pick(f"{start} ──{relation}──▶ …", [n for n in nodes if n != start],
                       lambda end: with_end(start, relation, end))

        def with_end(start: str, relation: str, end: str) -> None:
            def noted(note: str | None) -> None:
                if note is None:
                    return
                self.change(f"link {start} {relation} {end}", lambda s: axial.link(
                    s, start, end, _stored(relation), note or None, coder=self.coder),
                    message=f"Linked {start} ──{relation}──▶ {end}")

            self.app.push_screen(TextPrompt(f"Note on {start} ──{relation}──▶ {end} "
                                            "(Enter to leave empty)"), noted)

        self.pick("Link from (subdivision or code:NAME)", nodes, with_from)

    def _need_link(self) -> axial.LinkInfo | None:
        link = self.current
        if not self.data.links:
            self.notify("There are no links yet: n makes one", severity="warning")
        elif link is None:
            self.notify("No link chosen: n makes one", severity="warning")
        return link

    def action_add_quote(self) -> None:
        """Support the link with a quote coded under either of its ends."""
        link = self._need_link()
        if link is None:
            return
        project = self.project

        def candidates() -> dict[str, int]:
            found: dict[str, int] = {}
            for kind, name in ((link.from_kind, link.from_name), (link.to_kind, link.to_name)):
                wanted = QuoteFilter(code=name) if kind == "code" else QuoteFilter(
                    subdivision=name)
                for row in quote_page(project, wanted, 0, 300):
                    label = f"{row.source or '?'} · {row.code} · {row.text[:90]}"
                    found.setdefault(label, row.coding_id)
            return found

        def offer(found: dict[str, int]) -> None:
            if not found:
                self.notify("Nothing is coded under either end of this link yet",
                            severity="warning")
                return
            self.pick("Supporting quote", list(found), lambda label: self.change(
                f"support link #{link.id}", lambda s: axial.add_link_quotes(
                    s, link.id, [axial.quote_of_coding(s, found[label])]),
                message="Quote added to the link"))

        in_background(self, candidates, offer, group="picker")

    def action_edit_note(self) -> None:
        link = self._need_link()
        if link is None:
            return

        def noted(note: str | None) -> None:
            if note is not None:
                self.change(f"note on link #{link.id}",
                            lambda s: axial.update_link(s, link.id, note=note))

        self.app.push_screen(TextPrompt(f"Note on #{link.id}", link.note or ""), noted)

    def action_relation(self) -> None:
        link = self._need_link()
        if link is not None:
            self.pick(f"Relation of #{link.id}", self._relations(), lambda relation: self.change(
                f"relation of link #{link.id}",
                lambda s: axial.update_link(s, link.id, relation=_stored(relation))),
                allow_new="relation")

    def action_graph(self) -> None:
        """Keep the graph on one node while browsing the links."""
        def draw(node: str) -> None:
            self.graph_node = node
            self._describe()

        self.pick("Draw the links of", self.data.nodes, draw)

    def action_open_quote(self) -> None:
        # Without a link, "no supporting quote" would send the user looking for one.
        if self._need_link() is None:
            return
        if not self.detail.quotes:
            self.notify("This link has no supporting quote yet: q adds one",
                        severity="warning")
            return
        quote = self.detail.quotes[0]
        if quote.source is None or quote.start is None:
            self.notify("That quote is not placed in a source", severity="warning")
            return
        from qcode.tui.screens.reader import ReaderScreen

        self.app.push_screen(ReaderScreen(quote.source, quote.start, quote.end))

    def action_remove(self) -> None:
        link = self._need_link()
        if link is not None:
            self.change(f"remove link #{link.id}", lambda s: axial.remove_link(s, link.id),
                        message=f"Removed link #{link.id} (u undoes)")


def _stored(relation: str) -> str:
    """The picker shows "pattern of interaction"; the store keeps the method's word."""
    back = {shown: stored for stored, shown in RELATION_NAMES.items()}
    return back.get(relation, relation)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
