"""The codebook: the subdivision tree with the codes filed under it and live counts.

Every change (create, rename, recolour, move, merge, re-file, describe, delete) is one
undoable action through the codebook services. To find an item among many: `/` filters
the tree by the words typed, `g` goes to any code or subdivision by name. Groups folded
away stay folded, per project, across visits and restarts.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Input, Label, Static, Tree
from textual.widgets.tree import TreeNode

from qcode.services import codebook_edit as edit
from qcode.services.codebook import (
    code_placements,
    list_codes,
    list_subdivisions,
    remove_code,
)
from qcode.services.lookup import CODE_COLOURS
from qcode.services.project import Project
from qcode.tui import settings
from qcode.tui.codebook_rows import (
    KIND_LABELS,
    CodebookData,
    Entry,
    Row,
    all_rows,
    ancestors,
    codebook_rows,
    find,
    rolled_up,
)
from qcode.tui.screens.base import WorkbenchScreen
from qcode.tui.screens.memo_editor import write_memo
from qcode.tui.widgets.counted_tree import CountedLabel, CountedTree
from qcode.tui.widgets.keys_footer import KeysFooter
from qcode.tui.work import in_background

TOP = "(top level)"
FOLDED = "codebook_collapsed"  # in the settings: per project, the lines folded away
HELP = ("Codes and the subdivision tree.\n\n"
        "/ filters by name (Escape clears it, Enter on a single match goes there), "
        "g goes to any name, left/right or space fold a group, c folds or unfolds all.\n\n"
        "n new code, s new subdivision, r rename, k colour, d describe, m move (a code: "
        "its place, not its codings), "
        "M merge, o move codings, ctrl+up/down reorder, Delete removes.")


def load_codebook(project: Project) -> CodebookData:
    return CodebookData(list_subdivisions(project), list_codes(project),
                        code_placements(project))


def line_label(row: Row, query: str = "") -> CountedLabel:
    """A tree line's text; the words of the filter stand out in a matching name."""
    name = Text(row.entry.name, style="bold" if row.bold else "")
    if row.matched:
        name.highlight_words(query.split(), "underline", case_sensitive=False)
    swatch = None
    if row.entry.kind == "code":
        swatch = Text.assemble(("■", row.colour or "grey50"), " ")
    return CountedLabel(name, str(row.count), row.note, swatch)


class CodebookScreen(WorkbenchScreen):
    """Groups, factor groups and subdivisions, with codes under them."""

    DEFAULT_CSS = """
    CodebookScreen #tree-pane { width: 1fr; }
    CodebookScreen #filter-row { height: 1; }
    CodebookScreen #filter-label { padding: 0 1; color: $text-primary; text-style: bold; }
    CodebookScreen #filter { width: 1fr; }
    CodebookScreen #tree { height: 1fr; }
    """
    AUTO_FOCUS = "#tree"  # the letter keys act on the tree; `/` goes to the filter
    BINDINGS = [
        Binding("slash", "focus_filter", "Filter"),
        Binding("g", "go_to", "Go to"),
        Binding("n", "new_code", "New code"),
        Binding("s", "new_subdivision", "New subdivision"),
        Binding("r", "rename", "Rename"),
        Binding("k", "recolour", "Colour"),
        Binding("d", "describe", "Describe"),
        Binding("m", "move", "Move"),
        Binding("M", "merge", "Merge code"),
        Binding("o", "refile", "Move codings"),
        Binding("w", "write_memo", "Write memo"),
        Binding("c", "fold_all", "Collapse/expand all"),
        Binding("escape", "escape", "Clear filter", show=False),
        Binding("ctrl+up", "shift(-1)", "Up", show=False),
        Binding("ctrl+down", "shift(1)", "Down", show=False),
        Binding("delete", "delete", "Delete", show=False),
        # Reached only from the filter line (the tree takes its own arrows first): the
        # cursor moves among the matches while the typing goes on.
        Binding("down", "cursor(1)", "Next line", show=False),
        Binding("up", "cursor(-1)", "Previous line", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="tree-pane"):
                with Horizontal(id="filter-row"):
                    yield Label("Filter", id="filter-label")
                    yield Input(placeholder="/ then part of a name", id="filter",
                                compact=True)
                tree: CountedTree[Entry] = CountedTree("Codebook", id="tree")
                tree.show_root = False
                yield tree
            yield Static("", id="details")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "Codebook"
        self.data = CodebookData([], [], [])
        # Where the cursor goes once a reload shows it, rather than where it was (an item
        # just made, renamed or moved): a load begun before the change (the workbench
        # saw the new revision first) has the item where it was, so only a load begun
        # after `_follow_since` loads may take it there.
        self._follow: Entry | None = None
        self._loads = 0
        self._follow_since = 0
        self.filter_text = ""  # what the tree is filtered by
        # Folded lines by key ("subdivision:Name"); a hand-edited settings file that
        # holds something else just means nothing is folded.
        folded = settings.for_project(FOLDED, self.project.location)
        listed = folded if isinstance(folded, list) else []
        self._folded: set[str] = {key for key in listed if isinstance(key, str)}

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        project = self.project
        self._loads += 1
        number = self._loads
        in_background(self, lambda: load_codebook(project), lambda data: self._show(data, number))

    def _follow_next(self, entry: Entry) -> None:
        """The next load begun from now on puts the cursor on `entry`."""
        self._follow = entry
        self._follow_since = self._loads

    @property
    def codebook_tree(self) -> CountedTree[Entry]:
        return self.query_one("#tree", CountedTree)

    @property
    def filter_input(self) -> Input:
        return self.query_one("#filter", Input)

    # -- drawing ------------------------------------------------------------------------

    def _show(self, data: CodebookData, load: int | None = None) -> None:
        """Draw a load (number `load`; None: what is loaded already): the cursor stays on
        its item, or goes to the one being followed."""
        self.data = data
        target = self.selected
        follow = self._follow
        # A load begun before the change shows the item as it was: keep following.
        fresh = load is None or load > self._follow_since
        if fresh and follow is not None and any(row.entry == follow for row in all_rows(data)):
            self._follow = None
            target = follow
            self._reveal(follow)
        self._draw(target)

    def _reveal(self, entry: Entry) -> None:
        """Make sure `entry` will be seen: no filter hiding it, no group folded over it."""
        if not any(row.entry == entry for row in codebook_rows(self.data, self.filter_text)):
            self._set_filter("")
        over = {above.key for above in ancestors(all_rows(self.data), entry)}
        if over & self._folded:
            self._folded -= over
            self._save_folds()

    def _draw(self, target: Entry | None) -> None:
        """Rebuild the tree from the loaded codebook and the filter; cursor to `target`."""
        tree = self.codebook_tree
        rows = codebook_rows(self.data, self.filter_text)
        filtering = bool(self.filter_text.split())
        parents = {row.parent for row in rows}
        tree.clear()
        nodes: dict[Entry | None, TreeNode[Entry]] = {None: tree.root}
        for row in rows:
            has_lines = row.entry in parents
            # While filtering every match shows, folded or not; the folds are kept for later.
            unfolded = filtering or row.entry.key not in self._folded
            nodes[row.entry] = tree.add_counted(
                nodes[row.parent], line_label(row, self.filter_text), row.entry,
                expand=has_lines and unfolded, allow_expand=has_lines)
        if target is None:
            self._describe()
        else:
            # New nodes get their line numbers when the tree is next laid out.
            self.call_after_refresh(self._put_cursor, target)

    def _put_cursor(self, target: Entry) -> None:
        """Put the cursor on `target` (or the nearest line above it shown), then describe it.

        The tree's cursor still points at a node from before the redraw, and moving it to
        the same line posts no highlight: without this the panel kept stale details.
        """
        tree = self.codebook_tree
        fallback = max(0, min(tree.cursor_line, tree.last_line))  # also lays the lines out
        node = next((n for n in _walk(tree.root) if n.data == target), None)
        while node is not None and node.line < 0:  # folded away: show the group it is in
            node = node.parent
        tree.move_cursor(node or tree.get_node_at_line(fallback))
        self._describe()

    @on(Tree.NodeHighlighted, "#tree")
    def _highlighted(self) -> None:
        self._describe()

    def _describe(self) -> None:
        entry = self.selected
        details = self.query_one("#details", Static)
        if entry is None and self.filter_text.split() and self.codebook_tree.last_line < 0:
            details.update(Text(f"No code or subdivision holds {self.filter_text.strip()!r}."
                                "\n\nEscape clears the filter."))
            return
        if entry is None or entry.kind == "all":
            details.update(HELP)
            return
        if entry.kind == "code":
            info = next((c for c in self.data.codes if c.name == entry.name), None)
            if info is None:
                return
            text = [f"[b]{info.name}[/b]", f"code · {info.codings} codings",
                    f"colour {info.color or 'none'}", "", info.description or "(no description)"]
            if entry.under:
                text.insert(2, f"shown under {entry.under}")
        else:
            node = next((n for n in self.data.nodes if n.name == entry.name), None)
            if node is None:
                return
            text = [f"[b]{node.name}[/b]", KIND_LABELS[node.kind],
                    f"{node.mentions} mentions here, {rolled_up(self.data)[node.id]} with "
                    f"everything under it", f"path: {node.path}", "",
                    node.description or "(no description)"]
        details.update("\n".join(text))

    @property
    def selected(self) -> Entry | None:
        node = self.codebook_tree.cursor_node
        return node.data if node is not None else None

    def _need(self, kind: str) -> Entry | None:
        entry = self.selected
        if entry is None or entry.kind != kind:
            self.notify(f"Put the cursor on a {kind} first", severity="warning")
            return None
        return entry

    # -- filtering and going to an item ------------------------------------------------

    def _set_filter(self, text: str) -> None:
        """Filter by `text` from now on (the line on screen says so too)."""
        self.filter_text = text
        if self.filter_input.value != text:
            self.filter_input.value = text  # its Changed event then finds nothing to do

    @on(Input.Changed, "#filter")
    def _typed(self, event: Input.Changed) -> None:
        # The line as it is now, not as the event says: keys typed quickly queue several
        # events, and writing an older value back into the line set off a new event
        # each time, which bounced between the two values for ever.
        text = self.filter_input.value
        if text == self.filter_text:
            return
        keep = self.selected
        self.filter_text = text
        matched = [row.entry for row in codebook_rows(self.data, text) if row.matched]
        # The cursor stays on a match, else goes to the first: Enter, or the arrow keys
        # from here, start from a line that holds what was typed.
        self._draw(keep if keep in matched or not matched else matched[0])

    @on(Input.Submitted, "#filter")
    def _submitted(self) -> None:
        """Enter: one item matches, so go to it in the whole tree; else to the matches."""
        matched = {(row.entry.kind, row.entry.name)
                   for row in codebook_rows(self.data, self.filter_text) if row.matched}
        if len(matched) == 1:
            ((kind, name),) = matched
            self._go_to(kind, name)
        self.codebook_tree.focus()

    def action_focus_filter(self) -> None:
        self.filter_input.focus()

    def action_escape(self) -> None:
        """The first Escape empties the filter, nothing else (the cursor stays on its
        item); from an empty filter line it goes back to the tree."""
        if self.filter_text or self.filter_input.value:
            keep = self.selected
            self._set_filter("")
            self._draw(keep)
        elif self.filter_input.has_focus:
            self.codebook_tree.focus()

    def action_cursor(self, delta: int) -> None:
        tree = self.codebook_tree
        if delta > 0:
            tree.action_cursor_down()
        else:
            tree.action_cursor_up()

    def action_go_to(self) -> None:
        """Pick any code or subdivision by name: the cursor goes to it in the whole tree."""
        choices = {f"{c.name} · code": ("code", c.name) for c in self.data.codes}
        choices.update({f"{n.name} · {KIND_LABELS[n.kind]}": ("subdivision", n.name)
                        for n in self.data.nodes})
        self.pick("Go to (type part of a name)", list(choices),
                  lambda chosen: self._go_to(*choices[chosen]))

    def _go_to(self, kind: str, name: str) -> None:
        """Cursor to the item (the line it is on, or its first line), filter cleared."""
        here = self.selected
        target = here if here and (here.kind, here.name) == (kind, name) else \
            find(all_rows(self.data), kind, name)
        if target is None:
            return
        self._set_filter("")
        self._follow = target
        self._show(self.data)
        self.codebook_tree.focus()

    # -- folding ------------------------------------------------------------------------

    @on(Tree.NodeCollapsed, "#tree")
    def _node_folded(self, event: Tree.NodeCollapsed[Entry]) -> None:
        self._fold(event.node.data, True)

    @on(Tree.NodeExpanded, "#tree")
    def _node_unfolded(self, event: Tree.NodeExpanded[Entry]) -> None:
        self._fold(event.node.data, False)

    def _fold(self, entry: Entry | None, folded: bool) -> None:
        if entry is None or folded == (entry.key in self._folded):
            return
        if folded:
            self._folded.add(entry.key)
        else:
            self._folded.discard(entry.key)
        self._save_folds()

    def _save_folds(self) -> None:
        settings.remember_for_project(FOLDED, self.project.location, sorted(self._folded))

    def action_fold_all(self) -> None:
        """Fold every line that has lines under it; when all are folded, unfold them all."""
        foldable = {row.parent.key for row in all_rows(self.data) if row.parent is not None}
        self._folded = set() if foldable <= self._folded else foldable
        self._save_folds()
        if self.filter_text.split():
            self.notify("While filtering every match shows: the folds apply once the "
                        "filter is cleared (Escape)")
        self._draw(self.selected)

    # -- actions ----------------------------------------------------------------------

    def _land_on(self, entry: Entry) -> Callable[[object], None]:
        """For `change`: once the change is drawn, the cursor is on `entry` (new or moved),
        unfolded and unfiltered if need be, not left where the item used to be."""
        def land(_: object) -> None:
            self._follow_next(entry)

        return land

    def action_new_code(self) -> None:
        self.ask("New code", lambda name: self.change(
            f"new code {name!r}", lambda s: edit.create_code(s, name),
            after=self._land_on(Entry("code", name))))

    def action_new_subdivision(self) -> None:
        entry = self.selected
        parent = entry.name if entry and entry.kind == "subdivision" else None
        where = f"under {parent}" if parent else "at the top level (a group)"
        kind = "subdivision" if parent else "group"
        self.ask(f"New subdivision {where}", lambda name: self.change(
            f"new subdivision {name!r}",
            lambda s: edit.create_subdivision(s, name, parent, kind),
            after=self._land_on(Entry("subdivision", name))))

    def action_rename(self) -> None:
        entry = self.selected
        if entry is None or entry.kind == "all":
            return
        rename = edit.rename_code if entry.kind == "code" else edit.rename_subdivision

        def follow(new: str) -> None:
            renamed = Entry(entry.kind, new, entry.under)
            if entry.key in self._folded:  # a folded group stays folded under its new name
                self._folded = self._folded - {entry.key} | {renamed.key}
                self._save_folds()
            self._follow_next(renamed)

        self.ask(f"Rename {entry.kind} {entry.name!r} to", lambda new: self.change(
            f"rename {entry.name!r} to {new!r}", lambda s: rename(s, entry.name, new),
            after=lambda _: follow(new)), entry.name)

    def action_recolour(self) -> None:
        entry = self.selected
        if entry is None or entry.kind == "all":
            return
        recolour = edit.recolour_code if entry.kind == "code" else edit.recolour_subdivision
        self.pick(f"Colour for {entry.name} (or type #rrggbb)", list(CODE_COLOURS),
                   lambda colour: self.change(f"recolour {entry.name!r}",
                                              lambda s: recolour(s, entry.name, colour)),
                   allow_new="colour")

    def action_describe(self) -> None:
        entry = self.selected
        if entry is None or entry.kind == "all":
            return
        if entry.kind == "code":
            old = next((c.description for c in self.data.codes if c.name == entry.name), None)
            describe: Callable[[Session, str, str | None], None] = edit.describe_code
        else:
            old = next((n.description for n in self.data.nodes if n.name == entry.name), None)
            describe = edit.describe_subdivision
        self.ask(f"Description of {entry.name}", lambda text: self.change(
            f"describe {entry.name!r}", lambda s: describe(s, entry.name, text)), old or "")

    def action_move(self) -> None:
        chosen = self.selected
        if chosen is not None and chosen.kind == "code":
            self._move_code(chosen.name)
            return
        entry = self._need("subdivision")
        if entry is None:
            return
        names = [TOP] + [n.name for n in self.data.nodes if n.name != entry.name]
        self.pick(f"Move {entry.name} under", names, lambda parent: self.change(
            f"move {entry.name!r}",
            lambda s: edit.move_subdivision(s, entry.name, None if parent == TOP else parent),
            after=self._land_on(entry)))

    def _move_code(self, code: str) -> None:
        names = [TOP] + [n.name for n in self.data.nodes]
        self.pick(f"Put the code {code} under", names, lambda parent: self.change(
            f"move the code {code!r}",
            lambda s: edit.move_code(s, code, None if parent == TOP else parent),
            after=self._land_on(Entry("code", code, None if parent == TOP else parent))))

    def action_shift(self, offset: int) -> None:
        entry = self._need("subdivision")
        if entry is not None:
            self.change(f"reorder {entry.name!r}",
                        lambda s: edit.shift_subdivision(s, entry.name, offset))

    def action_merge(self) -> None:
        entry = self._need("code")
        if entry is None:
            return
        names = [c.name for c in self.data.codes if c.name != entry.name]
        self.pick(f"Merge {entry.name} into", names, lambda target: self.change(
            f"merge {entry.name!r} into {target!r}",
            lambda s: edit.merge_codes(s, entry.name, target),
            after=self._land_on(Entry("code", target, entry.under))))

    def action_refile(self) -> None:
        entry = self._need("code")
        if entry is None or entry.under is None:
            self.notify("Choose a code under a subdivision: its codings there move",
                        severity="warning")
            return
        names = [n.name for n in self.data.nodes if n.name != entry.under]
        self.pick(f"Move the {entry.name} codings from {entry.under} to", names,
                   lambda target: self.change(
                       f"move {entry.name!r} codings to {target!r}",
                       lambda s: edit.move_codings(s, entry.name, entry.under or "", target),
                       after=self._land_on(Entry("code", entry.name, target))))

    def action_write_memo(self) -> None:
        """A memo on the code or subdivision at the cursor, saved as one undoable action."""
        entry = self.selected
        if entry is None or entry.kind == "all":
            self.notify("Put the cursor on a code or subdivision first", severity="warning")
            return
        write_memo(self, (entry.kind, entry.name), f"{entry.kind}: {entry.name}",
                   f"Memo on {entry.name}")

    def action_delete(self) -> None:
        entry = self.selected
        if entry is None or entry.kind == "all":
            return
        if entry.kind == "subdivision" and self._filed_under(entry.name):
            self._move_codings_then_delete(entry.name)
            return
        remove = edit.delete_subdivision if entry.kind == "subdivision" else remove_code
        self.change(f"delete {entry.kind} {entry.name!r}", lambda s: remove(s, entry.name))

    def _filed_under(self, name: str) -> list[tuple[str, int]]:
        """(code, codings) filed directly under the subdivision `name`."""
        node = next((n for n in self.data.nodes if n.name == name), None)
        if node is None:
            return []
        return [(code, count) for sid, code, count in self.data.placements if sid == node.id]

    def _move_codings_then_delete(self, name: str) -> None:
        """Deleting a subdivision would lose its codings: offer to re-file them first.

        Choosing where they go is the confirmation (Escape keeps everything); the move
        and the delete are one step, so one undo brings both back.
        """
        filed = self._filed_under(name)
        total = sum(count for _, count in filed)
        codings = f"{total} coding{'' if total == 1 else 's'}"
        if any(n.parent == name for n in self.data.nodes):
            # The delete would be refused anyway: say so before asking anything.
            self.notify(f"{name} has subdivisions below it: move them elsewhere (m) "
                        "or delete them first", severity="warning")
            return
        names = [n.name for n in self.data.nodes if n.name != name]

        def move_and_delete(session: Session, target: str) -> None:
            for code, _ in filed:
                edit.move_codings(session, code, name, target)
            edit.delete_subdivision(session, name)

        self.pick(f"Delete {name}: first move its {codings} to (Escape keeps it)",
                  names, lambda target: self.change(
                      f"delete subdivision {name!r}, its codings moved to {target!r}",
                      lambda s: move_and_delete(s, target),
                      after=self._land_on(Entry("subdivision", target)),
                      message=f"Moved {codings} to {target} and deleted {name} "
                              "(u undoes)"))


def _walk(node: TreeNode[Entry]) -> list[TreeNode[Entry]]:
    found = []
    for child in node.children:
        found.append(child)
        found.extend(_walk(child))
    return found
