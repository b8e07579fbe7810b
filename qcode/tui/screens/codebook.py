"""The codebook: the subdivision tree with the codes filed under it and live counts.

Every change (create, rename, recolour, move, merge, re-file, describe, delete) is one
undoable action through the codebook services.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Header, Static, Tree
from textual.widgets.tree import TreeNode

from qcode.services import codebook_edit as edit
from qcode.services.codebook import (
    CodeInfo,
    SubdivisionInfo,
    code_placements,
    list_codes,
    list_subdivisions,
    remove_code,
)
from qcode.services.lookup import CODE_COLOURS
from qcode.services.project import Project
from qcode.tui.screens.base import WorkbenchScreen
from qcode.tui.screens.memo_editor import write_memo
from qcode.tui.widgets.keys_footer import KeysFooter
from qcode.tui.work import in_background

TOP = "(top level)"
KIND_LABELS = {"group": "group", "factor_group": "factor group", "subdivision": "subdivision"}


@dataclass(frozen=True)
class Entry:
    """What a tree line stands for: a subdivision, or a code (under a subdivision)."""

    kind: str  # "subdivision" or "code"
    name: str
    under: str | None = None  # for a code: the subdivision it is shown under


@dataclass(frozen=True)
class CodebookData:
    nodes: list[SubdivisionInfo]
    codes: list[CodeInfo]
    placements: list[tuple[int, str, int]]


def load_codebook(project: Project) -> CodebookData:
    return CodebookData(list_subdivisions(project), list_codes(project),
                        code_placements(project))


def rolled_up(data: CodebookData) -> dict[int, int]:
    """Each node's mentions with everything under it."""
    total = {n.id: n.mentions for n in data.nodes}
    by_name = {n.name: n for n in data.nodes}
    for node in reversed(data.nodes):  # depth-first order: children come after parents
        if node.parent is not None:
            total[by_name[node.parent].id] += total[node.id]
    return total


class CodebookScreen(WorkbenchScreen):
    """Groups, factor groups and subdivisions, with codes under them."""

    BINDINGS = [
        Binding("n", "new_code", "New code"),
        Binding("s", "new_subdivision", "New subdivision"),
        Binding("r", "rename", "Rename"),
        Binding("k", "recolour", "Colour"),
        Binding("d", "describe", "Describe"),
        Binding("m", "move", "Move"),
        Binding("M", "merge", "Merge code"),
        Binding("o", "refile", "Move codings"),
        Binding("w", "write_memo", "Write memo"),
        Binding("ctrl+up", "shift(-1)", "Up", show=False),
        Binding("ctrl+down", "shift(1)", "Down", show=False),
        Binding("delete", "delete", "Delete", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            tree: Tree[Entry] = Tree("Codebook", id="tree")
            tree.show_root = False
            yield tree
            yield Static("", id="details")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "Codebook"
        self.data = CodebookData([], [], [])
        # Where the cursor goes once a reload shows it, rather than where it was (a rename).
        self._follow: Entry | None = None

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        project = self.project
        in_background(self, lambda: load_codebook(project), self._show)

    @property
    def codebook_tree(self) -> Tree[Entry]:
        return self.query_one("#tree", Tree)

    def _show(self, data: CodebookData) -> None:
        self.data = data
        tree = self.codebook_tree
        keep = tree.cursor_node.data if tree.cursor_node else None
        expanded = {n.data for n in _walk(tree.root) if n.is_expanded and n.data}
        first_time = not tree.root.children
        tree.clear()
        totals = rolled_up(data)
        colours = {c.name: c.color for c in data.codes}
        under: dict[int, list[tuple[str, int]]] = {}
        for sid, code, count in data.placements:
            under.setdefault(sid, []).append((code, count))
        nodes: dict[str | None, TreeNode[Entry]] = {None: tree.root}
        for info in data.nodes:
            entry = Entry("subdivision", info.name)
            label = f"{info.name}  [dim]{KIND_LABELS[info.kind]} · {totals[info.id]}[/dim]"
            if info.kind == "group":
                label = f"[b]{info.name}[/b]  [dim]{totals[info.id]}[/dim]"
            node = nodes[info.parent].add(label, data=entry,
                                          expand=first_time or entry in expanded)
            nodes[info.name] = node
            for code, count in under.get(info.id, []):
                swatch = f"[{colours.get(code) or 'grey50'}]■[/]"
                node.add_leaf(f"{swatch} {code}  [dim]{count}[/dim]",
                              data=Entry("code", code, info.name))
        all_codes = tree.root.add(f"[b]All codes[/b]  [dim]{len(data.codes)}[/dim]",
                                  data=Entry("all", "All codes"),
                                  expand=first_time or Entry("all", "All codes") in expanded)
        for code_info in data.codes:
            swatch = f"[{code_info.color or 'grey50'}]■[/]"
            all_codes.add_leaf(f"{swatch} {code_info.name}  [dim]{code_info.codings}[/dim]",
                               data=Entry("code", code_info.name))
        if keep is None and self._follow is None:
            self._describe()
        else:
            # New nodes get their line numbers when the tree is next laid out.
            self.call_after_refresh(self._restore_cursor, keep)

    def _restore_cursor(self, keep: Entry | None) -> None:
        """Put the cursor on the renamed item, else back on `keep`, then describe it.

        The tree's cursor still points at a node from before the reload, and moving it to
        the same line posts no highlight: without this the panel kept stale details.
        """
        tree = self.codebook_tree
        nodes = _walk(tree.root)
        node = next((n for n in nodes if n.data == self._follow), None)
        if node is not None:
            self._follow = None
        else:
            # A load begun before the rename has the old names: keep following for the next.
            node = next((n for n in nodes if n.data == keep), None)
        tree.move_cursor(node or tree.get_node_at_line(min(tree.cursor_line, tree.last_line)))
        self._describe()

    @on(Tree.NodeHighlighted, "#tree")
    def _highlighted(self) -> None:
        self._describe()

    def _describe(self) -> None:
        entry = self.selected
        details = self.query_one("#details", Static)
        if entry is None or entry.kind == "all":
            details.update("Codes and the subdivision tree.\n\nn new code, s new subdivision,"
                           " r rename, k colour, d describe, m move, M merge, o move "
                           "codings, ctrl+up/down reorder, Delete removes.")
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

    # -- actions ----------------------------------------------------------------------

    def action_new_code(self) -> None:
        self.ask("New code", lambda name: self.change(
            f"new code {name!r}", lambda s: edit.create_code(s, name)))

    def action_new_subdivision(self) -> None:
        entry = self.selected
        parent = entry.name if entry and entry.kind == "subdivision" else None
        where = f"under {parent}" if parent else "at the top level (a group)"
        kind = "subdivision" if parent else "group"
        self.ask(f"New subdivision {where}", lambda name: self.change(
            f"new subdivision {name!r}",
            lambda s: edit.create_subdivision(s, name, parent, kind)))

    def action_rename(self) -> None:
        entry = self.selected
        if entry is None or entry.kind == "all":
            return
        rename = edit.rename_code if entry.kind == "code" else edit.rename_subdivision

        def follow(new: str) -> None:
            self._follow = Entry(entry.kind, new, entry.under)

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
        entry = self._need("subdivision")
        if entry is None:
            return
        names = [TOP] + [n.name for n in self.data.nodes if n.name != entry.name]
        self.pick(f"Move {entry.name} under", names, lambda parent: self.change(
            f"move {entry.name!r}",
            lambda s: edit.move_subdivision(s, entry.name, None if parent == TOP else parent)))

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
            lambda s: edit.merge_codes(s, entry.name, target)))

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
                       lambda s: edit.move_codings(s, entry.name, entry.under or "", target)))

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
                      message=f"Moved {codings} to {target} and deleted {name} "
                              "(u undoes)"))


def _walk(node: TreeNode[Entry]) -> list[TreeNode[Entry]]:
    found = []
    for child in node.children:
        found.append(child)
        found.extend(_walk(child))
    return found
