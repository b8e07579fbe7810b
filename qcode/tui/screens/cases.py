"""Cases: the interview partners, their typed attributes and the sources behind them.

A study begun in the workbench has transcripts but nobody behind them; here the
researcher adds IP1, IP2..., gives each a stakeholder group (or any attribute) and ties
each to its transcripts, which is what every count by stakeholder group reads. The
table has one column per attribute; Enter edits the cell under the cursor. Every change
is one undoable step through qcode.services.cases, so `u` takes it back.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Header, Static

from qcode.cells import cell_text
from qcode.names import name_key
from qcode.services import cases
from qcode.services.cases import CaseInfo, CaseSheet, case_sheet
from qcode.tui.screens.base import WorkbenchScreen
from qcode.tui.screens.picker import FuzzyPicker
from qcode.tui.screens.prompt import TextPrompt
from qcode.tui.widgets.keys_footer import KeysFooter
from qcode.tui.work import in_background

# Column keys of the fixed columns; an attribute's column is ATTRIBUTE + its name.
KEY, NAME, SOURCES, ATTRIBUTE = "case", "name", "sources", "attribute:"
CELL_WIDTH = 24  # longer names and values end in "…": at 80 columns three still fit
_KEEP = "Keep the case"


def short(text: str, width: int = CELL_WIDTH) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def case_cells(case: CaseInfo, attributes: list[str]) -> list[str]:
    """One row of the table: key, name, sources, then a cell per attribute."""
    return [case.key, short(case.name or ""), short(", ".join(case.sources)),
            *(short(cell_text(case.attributes.get(name))) for name in attributes)]


def summary(sheet: CaseSheet) -> str:
    """The line above the table: how far the study is from a split by case."""
    if not sheet.cases:
        # Within 80 columns: the first thing a study begun in the workbench sees here.
        return "No cases yet: a adds one, e sets a value (stakeholder group), l links a source"
    tied = {name for case in sheet.cases for name in case.sources}
    lonely = len([name for name in sheet.sources if name not in tied])
    return (f"{counted(len(sheet.cases), 'case')} · "
            f"{counted(len(sheet.attributes), 'attribute')} · "
            f"{lonely} of {counted(len(sheet.sources), 'source')} without a case")


def counted(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"


def doomed(case: CaseInfo, memos: int) -> str:
    """What deleting `case` takes with it, for the question before it does."""
    parts = [counted(len(case.attributes), "value"),
             counted(len(case.sources), "source tie")]
    if memos:
        parts.append(counted(memos, "memo"))
    # One line of the picker's 66 columns: what goes, and what stays.
    return f"Delete {case.key} and its {', '.join(parts)}? Its sources stay."


class CasesScreen(WorkbenchScreen):
    """Add, rename and delete cases, set their values, tie them to sources."""

    DEFAULT_CSS = """
    CasesScreen #summary { height: 1; padding: 0 1; background: $boost; color: $text-muted; }
    """
    BINDINGS = [
        # Shown: what fits beside Undo and Redo in a footer 80 columns wide; the rest
        # are in the key panel (F1) and the palette.
        Binding("a", "add", "Add", id="cases.add"),
        Binding("e", "set_value", "Value", id="cases.set_value"),
        Binding("l", "link", "Link", id="cases.link"),
        Binding("L", "unlink", "Unlink", id="cases.unlink"),
        Binding("r", "rename", "Rename", id="cases.rename"),
        Binding("d,delete", "delete", "Delete case", show=False, id="cases.delete"),
        Binding("x", "clear_value", "Clear value", show=False, id="cases.clear_value"),
        Binding("n", "name", "Name", show=False, id="cases.name"),
        Binding("escape", "back", "Back", show=False, id="cases.back"),
    ]

    def __init__(self, source: str | None = None) -> None:
        super().__init__()
        # The source under the sources screen's cursor: its case gets the cursor, and
        # linking offers it first, so tying a transcript to its case is `l`, Enter.
        self.source = source
        self.sheet = CaseSheet([], {}, [], {})
        self._follow: str | None = None  # the case to put the cursor on once drawn
        self._drawn = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="summary")
        yield DataTable(id="cases", cursor_type="cell", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "Cases"
        self.reload()

    def reload(self) -> None:
        project = self.project
        in_background(self, lambda: case_sheet(project), self._show)

    # --- drawing ---------------------------------------------------------------------

    def _show(self, sheet: CaseSheet) -> None:
        first, self._drawn = not self._drawn, True
        self.sheet = sheet
        table = self.query_one("#cases", DataTable)
        row, column = table.cursor_coordinate
        follow = self._follow or self.current_key
        if first and self.source:  # opened from a source: start on its case
            follow = next((c.key for c in sheet.cases if self.source in c.sources), follow)
        self._follow = None
        attributes = list(sheet.attributes)
        table.clear(columns=True)
        table.add_column("Case", key=KEY)
        table.add_column("Name", key=NAME)
        table.add_column("Sources", key=SOURCES)
        for name in attributes:
            table.add_column(short(name), key=ATTRIBUTE + name)
        for case in sheet.cases:
            table.add_row(*case_cells(case, attributes), key=case.key)
        keys = [case.key for case in sheet.cases]
        if follow in keys:
            row = keys.index(follow)
        if table.row_count:
            table.cursor_coordinate = Coordinate(min(row, table.row_count - 1),
                                                 min(column, len(table.columns) - 1))
        self.query_one("#summary", Static).update(summary(sheet))

    @property
    def current(self) -> CaseInfo | None:
        """The case under the cursor."""
        key = self.current_key
        return next((case for case in self.sheet.cases if case.key == key), None)

    @property
    def current_key(self) -> str | None:
        table = self.query_one("#cases", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    @property
    def current_attribute(self) -> str | None:
        """The attribute whose column the cursor is in, if it is in one."""
        table = self.query_one("#cases", DataTable)
        if not table.row_count:
            return None
        column = table.coordinate_to_cell_key(table.cursor_coordinate).column_key.value
        return column[len(ATTRIBUTE):] if column and column.startswith(ATTRIBUTE) else None

    def _case_or_say(self) -> CaseInfo | None:
        case = self.current
        if case is None:
            self.notify("No case yet: a adds one", severity="warning")
        return case

    def _edit(self, label: str, step: Callable[[Session], object], message: str,
              follow: bool = False) -> None:
        """One undoable step; with `follow`, the cursor goes to the key it returns."""
        def after(result: object) -> None:
            if follow and isinstance(result, str):
                self._follow = result

        self.change(label, step, after, message)

    # --- keys ------------------------------------------------------------------------

    @on(DataTable.CellSelected, "#cases")
    def _enter(self, event: DataTable.CellSelected) -> None:
        """Enter edits the cell it is on: the key, the name, the ties, or a value."""
        column = event.cell_key.column_key.value
        if column == KEY:
            self.action_rename()
        elif column == NAME:
            self.action_name()
        elif column == SOURCES:
            self.action_link()
        else:
            self.action_set_value()

    def action_add(self) -> None:
        def answered(key: str | None) -> None:
            if key is not None:  # an empty key is the service's to refuse, in one line
                self._edit(f"add case {key!r}", lambda s: cases.add_case(s, key),
                           f"Added case {key}", follow=True)

        self.app.push_screen(TextPrompt("New case: its key, such as IP13"), answered)

    def action_rename(self) -> None:
        case = self._case_or_say()
        if case is None:
            return

        def answered(new: str | None) -> None:
            if new is not None and new != case.key:
                self._edit(f"rename case {case.key!r} to {new!r}",
                           lambda s: cases.rename_case(s, case.key, new),
                           f"Renamed {case.key} to {new}", follow=True)

        self.app.push_screen(TextPrompt(f"New key for case {case.key}", case.key), answered)

    def action_name(self) -> None:
        case = self._case_or_say()
        if case is None:
            return

        def answered(name: str | None) -> None:
            if name is not None and name != (case.name or ""):
                self._edit(f"name case {case.key!r}",
                           lambda s: cases.name_case(s, case.key, name),
                           f"Named {case.key} {name!r}" if name else f"Unnamed {case.key}")

        self.app.push_screen(TextPrompt(f"Name of {case.key} (empty: none)", case.name or ""),
                             answered)

    def action_set_value(self) -> None:
        """Set a value of the case: the attribute under the cursor, else one picked
        (or named anew: its first value gives it a type)."""
        case = self._case_or_say()
        if case is None:
            return
        attribute = self.current_attribute
        if attribute is not None:
            self._ask_value(case, attribute)
            return

        def picked(name: str | None) -> None:
            if name:
                self._ask_value(case, name)

        self.app.push_screen(
            FuzzyPicker(f"Which attribute of {case.key}? Type a new name to add one",
                        list(self.sheet.attributes), allow_new="attribute"), picked)

    def _ask_value(self, case: CaseInfo, attribute: str) -> None:
        kind = next((k for a, k in self.sheet.attributes.items()
                     if name_key(a) == name_key(attribute)), None)
        held = case.attributes.get(attribute)
        # The type says how the value is read; a new attribute takes the first value's.
        question = (f"{attribute} of {case.key} ({kind}; empty clears)" if kind else
                    f"{attribute} of {case.key}: a number, a date (2021-03-14) or text")

        def answered(value: str | None) -> None:
            if value is None or value == cell_text(held):
                return
            if not value:  # emptied: the researcher means to clear it
                self._clear(case, attribute)
                return
            # "Beneficiary" where the others say "beneficiary" would count as another
            # stakeholder group: the spelling already in use is taken, and said.
            used = {cell_text(other.attributes[attribute]) for other in self.sheet.cases
                    if attribute in other.attributes and other.key != case.key}
            same = next((u for u in sorted(used) if name_key(u) == name_key(value)
                         and u != value), None)
            if same is not None:
                self.notify(f"Written {same!r}, as the other cases have it, not {value!r}")
                value = same
            self._edit(f"set {attribute} of case {case.key!r}",
                       lambda s: cases.set_attribute(s, case.key, attribute, value),
                       f"{case.key}: {attribute} is {value}")

        self.app.push_screen(TextPrompt(question, cell_text(held)), answered)

    def action_clear_value(self) -> None:
        case = self._case_or_say()
        if case is None:
            return
        attribute = self.current_attribute
        if attribute is not None:
            self._clear(case, attribute)
        elif case.attributes:
            self.pick(f"Clear which value of {case.key}?", list(case.attributes),
                      lambda name: self._clear(case, name))
        else:
            self.notify(f"{case.key} has no values to clear", severity="warning")

    def _clear(self, case: CaseInfo, attribute: str) -> None:
        if attribute not in case.attributes:
            self.notify(f"{case.key} has no {attribute} to clear", severity="warning")
            return
        self._edit(f"clear {attribute} of case {case.key!r}",
                   lambda s: cases.clear_attribute(s, case.key, attribute),
                   f"Cleared {attribute} of {case.key}")

    def action_link(self) -> None:
        """Tie a source to the case: one picked, the source we came from offered first."""
        case = self._case_or_say()
        if case is None:
            return
        free = [name for name in self.sheet.sources if name not in case.sources]
        if not free:
            self.notify(f"Every source is linked to {case.key} already", severity="warning")
            return

        def picked(name: str | None) -> None:
            if name:
                self._edit(f"link {name} to case {case.key!r}",
                           lambda s: cases.link_case_source(s, case.key, name),
                           f"Linked {name} to {case.key}")

        start = self.source if self.source and self.source in free else ""
        self.app.push_screen(
            FuzzyPicker(f"Link which source to {case.key}?", free, value=start), picked)

    def action_unlink(self) -> None:
        case = self._case_or_say()
        if case is None:
            return
        if not case.sources:
            self.notify(f"{case.key} has no source linked", severity="warning")
            return
        self.pick(f"Unlink which source from {case.key}? (the source stays)", case.sources,
                  lambda name: self._edit(
                      f"unlink {name} from case {case.key!r}",
                      lambda s: cases.unlink_case_source(s, case.key, name),
                      f"Unlinked {name} from {case.key}"))

    def action_delete(self) -> None:
        """Delete the case under the cursor, once the researcher says so."""
        case = self._case_or_say()
        if case is None:
            return
        delete = f"Delete case {case.key}"

        def answered(choice: str | None) -> None:
            if choice == delete:
                self._edit(f"delete case {case.key!r}",
                           lambda s: cases.delete_case(s, case.key),
                           f"Deleted case {case.key} (u brings it back)")

        # Keeping it is the first choice, so an Enter pressed too soon deletes nothing.
        self.app.push_screen(FuzzyPicker(doomed(case, self.sheet.memos.get(case.key, 0)),
                                         [_KEEP, delete]), answered)

    def action_back(self) -> None:
        self.app.pop_screen()
