"""The page around a chart: figure size and font, the legend, room for the labels, files.

Figures are plain `matplotlib.figure.Figure` objects with an Agg canvas, not pyplot's:
nothing global to close, and they draw without a screen (over SSH, in CI, in the
workbench's worker threads).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from matplotlib import font_manager, rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from qcode.errors import InputError
from qcode.files import written
from qcode.reports.chart_style import CHART_TYPES, ChartStyle

WIDTH = 16 / 2.54  # inches: the text width of an A4 thesis page
_ROW = 0.6 / 2.54  # inches per bar, so names and value labels never touch
_PAD = 4  # points between a bar's end and its value label
# Files that do not change unless the chart does: no dates, and SVG ids from a fixed
# salt instead of a random one, so a figure under version control diffs cleanly.
_METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "Producer": None, "Creator": None},
}

# Tick labels are made while drawing, from the rcParams of that moment: a figure is
# saved in the same style it was built in, so each figure remembers its style.
_STYLES: WeakKeyDictionary[Figure, ChartStyle] = WeakKeyDictionary()


def rc(style: ChartStyle) -> dict[str, Any]:
    """matplotlib settings for `style`."""
    size = style.font_size
    return {"font.family": [style.font], "font.size": size, "axes.titlesize": size * 1.15,
            "axes.labelsize": size, "xtick.labelsize": size, "ytick.labelsize": size,
            "legend.fontsize": size * 0.95, "svg.hashsalt": "qcode",
            "svg.fonttype": "path", "pdf.fonttype": 42}


@contextmanager
def styled(style: ChartStyle) -> Iterator[None]:
    """Build (or save) a figure in `style`'s font and sizes."""
    with rc_context(rc(style)):  # type: ignore[arg-type]  # keys are rcParams names
        yield


def new_figure(style: ChartStyle, rows: float = 0, height: float | None = None,
               width: float = WIDTH) -> Figure:
    """An empty figure for `style`: its size, or `width` (16 cm) wide and tall enough for
    `rows` bars (or `height` inches). Call it inside `styled(style)`."""
    try:
        font_manager.findfont(font_manager.FontProperties(family=style.font),
                              fallback_to_default=False)
    except ValueError as exc:
        raise InputError(f"font {style.font!r} is not installed; try \"DejaVu Sans\"") from exc
    scale = style.font_size / 9  # bigger letters need taller rows
    size = style.size or (width, height or max(2.4, _ROW * scale * rows + 1.6 * scale))
    figure = Figure(figsize=size, dpi=style.dpi, layout="constrained")
    FigureCanvasAgg(figure)
    _STYLES[figure] = style
    return figure


def new_axes(figure: Figure) -> Axes:
    """The figure's plot, its tick labels fixed to the figure's font: ticks made later
    (when a notebook redraws the figure outside `styled`) keep the same size, so the
    layout measured for the value labels still holds."""
    style = _STYLES.get(figure, ChartStyle())
    axes = figure.add_subplot()
    axes.tick_params(labelsize=style.font_size, labelfontfamily=style.font)
    return axes


def finish_axes(figure: Figure, axes: Axes, title: str, style: ChartStyle, xlabel: str) -> None:
    """Whole-number ticks, the axis label, the title (if wanted), no box."""
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel(xlabel)
    put_title(figure, title, style)
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(axis="y", length=0)


def put_title(figure: Figure, title: str, style: ChartStyle) -> None:
    """The title at the top left of the figure, not of the axes: long bar names push the
    axes right, and a title aligned with them ran off the page. Wrapped to the width."""
    if not (style.title and title):
        return
    size = style.font_size * 1.15
    per_line = max(20, int(figure.get_figwidth() * 72 * 0.97 / (size * 0.62)))
    figure.suptitle(textwrap.fill(title, per_line), x=0.01, ha="left", fontsize=size,
                    fontweight="bold")


def legend_below(figure: Figure, entries: Sequence[tuple[str, Any]]) -> None:
    """A legend under the axes, outside them, so it never covers a bar or a label; as
    many columns as fit the width. `entries` are (label, colour or artist to copy)."""
    if not entries:
        return
    style = _STYLES.get(figure, ChartStyle())
    longest = max(len(label) for label, _ in entries)
    per_column = (longest * 0.55 + 3.5) * style.font_size * 0.95  # points, swatch included
    columns = max(1, min(len(entries), int(figure.get_figwidth() * 72 * 0.95 // per_column)))
    handles = [Patch(facecolor=shown, label=label) if isinstance(shown, str) else shown
               for label, shown in entries]
    figure.legend(handles=handles, labels=[label for label, _ in entries],
                  loc="outside lower center", ncols=columns, frameon=False)


def value_label(axes: Axes, value: float, y: float, text: str, size: float) -> Text:
    """A bar's "12 (34%)" just past its end."""
    return axes.annotate(text, xy=(value, y), xytext=(_PAD, 0), textcoords="offset points",
                         va="center", ha="left", fontsize=size)


def fit_labels(figure: Figure, axes: Axes, labelled: Sequence[tuple[float, Text]]) -> None:
    """Stretch the value axis until every (value, label) ends inside the axes.

    A label's width is fixed in points while the bars scale with the axis, so the room
    needed depends on the laid-out figure: lay it out, measure, widen; twice, as wider
    tick labels may narrow the axes after the first pass.
    """
    widest = max((value for value, _ in labelled), default=0)
    axes.set_xlim(0, max(widest, 1))
    with styled(_STYLES.get(figure, ChartStyle())):
        for _ in range(2):
            figure.draw_without_rendering()
            span = axes.get_window_extent().width
            needed = max(widest, 1)
            for value, label in labelled:
                room = span - _PAD * figure.dpi / 72 - label.get_window_extent().width - 2
                if room > 0:
                    needed = max(needed, value * span / room)
            axes.set_xlim(0, needed * 1.01)  # a hair of room: rounding to pixels


def save(figure: Figure, path: Path) -> None:
    """Write `figure` to `path`; the file type follows the name (.png, .svg, .pdf)."""
    kind = path.suffix.lower().lstrip(".")
    if kind not in CHART_TYPES:
        shown = ", ".join(f".{t}" for t in CHART_TYPES)
        raise InputError(f"{path}: a chart is written as {shown}")
    if not path.parent.exists():
        raise InputError(f"{path.parent} does not exist; create it first")
    style = _STYLES.get(figure, ChartStyle())
    with styled(style), written(path) as temporary:
        figure.savefig(temporary, dpi=style.dpi, format=kind, metadata=_METADATA[kind])
