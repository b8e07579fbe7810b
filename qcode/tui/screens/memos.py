"""Memos and the project journal: notes on the project, a source, a case, a code, a
subdivision or a link, all in one place and searchable.

The list shows the newest first; the search line looks in titles and bodies, `k` narrows
the list to one kind of target. Every change (write, edit, retitle, delete) is one
undoable action through the memo services.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Header, Input, Label, Static

from qcode.services.memos import (
    PROJECT,
    TARGET_KINDS,
    MemoInfo,
    MemoTarget,
    delete_memo,
    list_memos,
    memo_targets,
    target_label,
    update_memo,
)
from qcode.services.project import Project
from qcode.tui.screens.base import WorkbenchScreen
from qcode.tui.screens.memo_editor import edit_memo, new_memo
from qcode.tui.screens.picker import FuzzyPicker
from qcode.tui.screens.prompt import TextPrompt
from qcode.tui.widgets.keys_footer import KeysFooter
from qcode.tui.work import in_background

ALL = "all"
KINDS = (ALL, PROJECT, *TARGET_KINDS)
DATE = "%Y-%m-%d"
WHEN = "%Y-%m-%d %H:%M"


def load_memos(project: Project, kind: str, search: str) -> list[MemoInfo]:
    """The memos of one kind (or all) holding `search`, the newest change first."""
    found = project.read(list_memos, target_kind=None if kind == ALL else kind,
                         search=search or None)
    return sorted(found, key=lambda m: (m.updated_at, m.id), reverse=True)


def load_targets(project: Project) -> list[MemoTarget]:
    return project.read(memo_targets)


def on_label(memo: MemoInfo) -> str:
    """What a memo is on, as the list and the editor show it."""
    return target_label(memo.target_kind, memo.target_name, memo.target_id)


def _short(value: str, width: int) -> str:
    value = " ".join(value.split())
    return value if len(value) <= width else value[:max(1, width - 1)] + "…"


class MemosScreen(WorkbenchScreen):
    """Every memo, newest first, with the selected one's text below."""

    BINDINGS = [
        Binding("n", "new", "New memo"),
        Binding("e", "edit", "Edit"),
        Binding("r", "retitle", "Retitle"),
        Binding("delete", "delete", "Delete"),
        Binding("k", "cycle_kind(1)", "Kind"),
        Binding("K", "cycle_kind(-1)", "Previous kind", show=False),
        Binding("slash", "focus_search", "Search"),
        Binding("escape", "escape", "Clear search", show=False),
        Binding("down", "focus_list", "To the list", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.kind = ALL
        self.memos: list[MemoInfo] = []
        self._request = 0
        self._keep: int | None = None  # the memo to put the cursor on after a load
        self._loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="search-row"):
            yield Label("Search", id="search-label")
            yield Input(placeholder="words in a title or text", id="search", compact=True)
            yield Label("", id="kind")
        yield DataTable(id="memo-list", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="detail"):
            yield Static("", id="memo-text")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "Memos"
        self._show_kind()

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#memo-list", DataTable)

    @property
    def search(self) -> Input:
        return self.query_one("#search", Input)

    @property
    def selected(self) -> MemoInfo | None:
        """The memo under the list's cursor."""
        table = self.table
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return next((m for m in self.memos if str(m.id) == key), None)

    # -- loading ----------------------------------------------------------------------

    def on_screen_resume(self) -> None:
        self.reload()  # on first show, and after memos were written elsewhere

    def reload(self) -> None:
        """Read the memos again with the search and kind in force, keeping the cursor."""
        if self._keep is None and self.selected is not None:
            self._keep = self.selected.id
        self._request += 1
        request, project = self._request, self.project
        kind, search = self.kind, self.search.value.strip()
        if not self._loaded:
            self.table.loading = True

        def done(memos: list[MemoInfo]) -> None:
            if request == self._request:  # else a newer search is on its way
                self._show(memos)

        in_background(self, lambda: load_memos(project, kind, search), done, group="memos")

    def _show(self, memos: list[MemoInfo]) -> None:
        self.memos = memos
        if not self._loaded:  # a loading table takes no focus: give it now
            self.table.loading = False
            self.table.focus()
        self._loaded = True
        keep, self._keep = self._keep, None
        self._fill(keep)

    def _fill(self, keep: int | None = None) -> None:
        table = self.table
        row = table.cursor_row
        table.clear(columns=True)
        coder_width = min(12, max([5, *(len(m.coder or "") for m in self.memos)]))
        # Title and target share what the coder and date columns leave of the width.
        free = max(30, self.size.width - coder_width - len("2025-01-01") - 12)
        title_width = free * 11 // 20
        on_width = free - title_width
        table.add_column("Title", width=title_width)
        table.add_column("On", width=on_width)
        table.add_column("Coder", width=coder_width)
        table.add_column("Updated", width=10)
        for memo in self.memos:
            table.add_row(Text(_short(memo.title, title_width)),
                          Text(_short(on_label(memo), on_width)),
                          Text(_short(memo.coder or "", coder_width)),
                          Text(memo.updated_at.astimezone().strftime(DATE)),
                          key=str(memo.id))
        ids = [m.id for m in self.memos]
        if keep in ids:
            row = ids.index(keep)
        if self.memos:
            table.move_cursor(row=min(row, len(self.memos) - 1), scroll=True)
        self._describe()

    def on_resize(self) -> None:
        if self._loaded:
            self._fill(self.selected.id if self.selected else None)

    @on(DataTable.RowHighlighted, "#memo-list")
    def _highlighted(self) -> None:
        self._describe()

    def _describe(self) -> None:
        text = self.query_one("#memo-text", Static)
        memo = self.selected
        if memo is None:
            filtered = self.kind != ALL or self.search.value.strip()
            text.update(Text("No memo matches the search or kind; Esc clears the search, "
                             "k changes the kind." if filtered else
                             "No memos yet. n writes one: in the project journal or on a "
                             "source, case, code, subdivision or link.", style="italic"))
            return
        written = memo.created_at.astimezone().strftime(WHEN)
        changed = memo.updated_at.astimezone().strftime(WHEN)
        shown = Text.assemble((memo.title, "bold"), "\n",
                              (f"on {on_label(memo)} · by {memo.coder or 'unknown'} · "
                               f"written {written}"
                               + (f" · changed {changed}" if changed != written else ""),
                               "dim"), "\n\n")
        if memo.body.strip():
            shown.append(memo.body)
        else:
            shown.append("(no text yet: e or Enter writes it)", "italic")
        text.update(shown)
        self.query_one("#detail", VerticalScroll).scroll_home(animate=False)

    # -- searching and narrowing ------------------------------------------------------

    @on(Input.Changed, "#search")
    def _typed(self) -> None:
        self.reload()  # memos are few: every keystroke narrows at once

    @on(Input.Submitted, "#search")
    def _submitted(self) -> None:
        self.table.focus()

    def action_focus_search(self) -> None:
        self.search.focus()

    def action_focus_list(self) -> None:
        self.table.focus()

    def action_escape(self) -> None:
        if self.search.has_focus:
            self.table.focus()
        elif self.search.value:
            self.search.value = ""  # the Changed event reloads

    def action_cycle_kind(self, step: int) -> None:
        self.kind = KINDS[(KINDS.index(self.kind) + step) % len(KINDS)]
        self._show_kind()
        self.reload()

    def _show_kind(self) -> None:
        self.query_one("#kind", Label).update(f"on: {self.kind} (k)")

    # -- changes ----------------------------------------------------------------------

    def _need_memo(self) -> MemoInfo | None:
        memo = self.selected
        if memo is None:
            self.notify("No memo chosen: n writes a new one", severity="warning")
        return memo

    def _select_after(self, memo: MemoInfo) -> None:
        self._keep = memo.id

    def action_new(self) -> None:
        """Ask what the memo is on, then open the editor (the first line is the title)."""
        project = self.project
        prefill = {ALL: "", PROJECT: target_label(PROJECT, None)}.get(self.kind,
                                                                       f"{self.kind}: ")

        def offer(targets: list[MemoTarget]) -> None:
            by_label = {t.label: t for t in targets}

            def picked(label: str | None) -> None:
                if label in by_label:
                    target = by_label[label]
                    new_memo(self, target.target, target.label, write=self._write)

            self.app.push_screen(FuzzyPicker("New memo on", list(by_label), value=prefill),
                                 picked)

        in_background(self, lambda: load_targets(project), offer, group="picker")

    def action_edit(self) -> None:
        memo = self._need_memo()
        if memo is not None:
            edit_memo(self, memo, on_label(memo), write=self._write)

    @on(DataTable.RowSelected, "#memo-list")
    def _chosen(self) -> None:
        self.action_edit()

    def action_retitle(self) -> None:
        memo = self._need_memo()
        if memo is None:
            return

        def titled(title: str | None) -> None:
            if title and title != memo.title:
                self._write(f"retitle memo {memo.title!r} to {title!r}",
                            lambda session: update_memo(session, memo.id, title=title))

        self.app.push_screen(TextPrompt("New title of the memo", memo.title), titled)

    def action_delete(self) -> None:
        memo = self._need_memo()
        if memo is not None:
            self.change(f"delete memo {memo.title!r}",
                        lambda session: delete_memo(session, memo.id),
                        message=f"Deleted memo {memo.title!r} (u undoes)")

    def _write(self, label: str, step: Callable[[Session], MemoInfo],
               message: str | None = None) -> None:
        """One undoable change of a memo; the list then shows that memo."""
        self.change(label, step, after=self._select_after, message=message)
