"""A tree whose lines end in a count that stays in view at any width.

Textual's tree cuts a line off at the right edge, and the count (the number the
researcher looks for) was what got lost at 80 columns. Here each line is fitted to
the room it has: the name is shortened with an ellipsis, the count always shows.
Left and right fold and unfold, as in a file manager.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self, TypeVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import Tree
from textual.widgets.tree import NodeID, TreeNode

T = TypeVar("T")

# Below this many columns a line shows only the name and the count: a note such as
# "subdivision" would leave too little of the name to recognise.
NOTES_FROM = 56


@dataclass(frozen=True)
class CountedLabel:
    """A line's parts: a fixed prefix (a colour swatch), the name, a note, the count."""

    name: Text
    count: str
    note: str = ""
    prefix: Text | None = None

    def fit(self, room: int | None = None, notes: bool = True) -> Text:
        """The label in at most `room` cells (None: all of it); the name gives way."""
        tail = f"{self.note} · {self.count}" if self.note and notes else self.count
        prefix = self.prefix or Text()
        name = self.name.copy()
        if room is not None:
            left = room - prefix.cell_len - 2 - cell_len(tail)
            if name.cell_len > left:
                name.truncate(max(left, 1), overflow="ellipsis")
        return Text.assemble(prefix, name, "  ", (tail, "dim"))


class CountedTree(Tree[T]):
    """A `Tree` whose counted lines (added with `add_counted`) never lose their count."""

    DEFAULT_CSS = """
    CountedTree {
        /* Room for the scroll bar is kept whether it shows or not, so a line fitted
           before the bar appeared is not cut by it. Lines fit: no sideways scrolling. */
        scrollbar-gutter: stable;
        overflow-x: hidden;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "fold", "Collapse, or go to the parent", show=False),
        Binding("right", "unfold", "Expand, or go to the first child", show=False),
    ]

    def __init__(self, label: str, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(label, id=id)
        self._counted: dict[NodeID, CountedLabel] = {}

    def clear(self) -> Self:
        self._counted = {}
        super().clear()
        return self

    def add_counted(self, parent: TreeNode[T], label: CountedLabel, data: T, *,
                    expand: bool = False, allow_expand: bool = True) -> TreeNode[T]:
        """Add a line under `parent`; its `label` is the full text (names and count)."""
        node = parent.add(label.fit(), data=data, expand=expand, allow_expand=allow_expand)
        self._counted[node.id] = label
        return node

    def render_label(self, node: TreeNode[T], base_style: Style, style: Style) -> Text:
        drawn = super().render_label(node, base_style, style)
        counted = self._counted.get(node.id)
        if counted is None:
            return drawn
        # Keep the fold icon Tree put in front; fit the rest to what is left of the line.
        label = node.label
        shown = label.plain if isinstance(label, Text) else label
        icon = drawn.divide([len(drawn.plain) - len(shown)])[0]
        width = self.scrollable_content_region.width
        fitted = counted.fit(width - self._indent(node) - icon.cell_len,
                             notes=width >= NOTES_FROM)
        fitted.stylize(style)
        return icon.append_text(fitted)

    def _indent(self, node: TreeNode[T]) -> int:
        """Cells of guide lines to the left of `node`'s label."""
        depth = int(self.show_root)
        above = node.parent
        while above is not None and above.parent is not None:  # the root has no parent
            depth += 1
            above = above.parent
        return depth * self.guide_depth

    def action_fold(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and (self.show_root or node.parent is not self.root):
            self.move_cursor(node.parent)

    def action_unfold(self) -> None:
        node = self.cursor_node
        if node is None or not node.allow_expand:
            return
        if node.is_collapsed:
            node.expand()
        elif node.children:
            self.move_cursor(node.children[0])
