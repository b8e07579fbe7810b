"""Figures in the style of a thesis: sorted horizontal bars with counts and percentages.

Each function takes a report's DataFrame and returns a Figure drawn in a `ChartStyle`
(size, font, language); `save` writes it as .png, .svg or .pdf. Colours come from the
caller as a mapping (see qcode.reports.palette), so one group or stakeholder group
keeps its colour across every chart of a study.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from qcode.reports.bar_order import order_by_group
from qcode.reports.chart_layout import (
    WIDTH,
    finish_axes,
    fit_labels,
    legend_below,
    new_axes,
    new_figure,
    put_title,
    styled,
    value_label,
)
from qcode.reports.chart_layout import save as save
from qcode.reports.chart_style import ChartStyle
from qcode.reports.mentions import EMPTY_BUCKETS
from qcode.reports.palette import NEUTRAL, PALETTE, stable_colours
from qcode.reports.percent import shares

_GAP = 0.5  # bar heights of space between two groups' blocks


def bar_chart(table: pd.DataFrame, label: str, title: str,
              groups: Mapping[str, str] | None = None, unit: str = "mentions", *,
              style: ChartStyle | None = None, colours: Mapping[str, str] | None = None,
              ungrouped: str | None = None) -> Figure:
    """One bar per row of a one-way report, largest at the top, "12 (34%)" on each.

    With `groups` (label -> group), bars are kept together by group, groups ordered by
    their totals, coloured by `colours` (group -> colour; stable ones by default), and
    a legend below names each group shown; bars without a group are grey, named
    `ungrouped` in the legend. Without `groups`, `colours` maps a bar's label to its
    colour. Empty buckets such as "(no subdivision)" are always grey.
    """
    style = (style or ChartStyle()).for_language(None)
    rows = [(str(r[label]), int(r["mentions"])) for r in table.to_dict("records")]
    percent = {str(r[label]): r["percent"] for r in table.to_dict("records")}
    placed = order_by_group(rows, groups or {})
    if groups:
        palette = dict(colours or stable_colours(groups.values()))
        fill = [palette.get(g, PALETTE[0]) if g else NEUTRAL for _, _, g in placed]
    else:
        fill = [(colours or {}).get(name, PALETTE[0]) for name, _, _ in placed]
    fill = [NEUTRAL if name in EMPTY_BUCKETS else colour
            for (name, _, _), colour in zip(placed, fill, strict=True)]
    positions, y = [], 0.0
    for i, (_, _, group) in enumerate(placed):  # top to bottom, a gap between groups
        if i and groups and group != placed[i - 1][2]:
            y -= _GAP
        positions.append(y)
        y -= 1
    with styled(style):
        figure = new_figure(style, 2 - y if placed else 0)  # bars, gaps, axis
        axes = new_axes(figure)
        axes.barh(positions, [n for _, n, _ in placed], height=0.75, color=fill)
        axes.set_yticks(positions, [name for name, _, _ in placed])
        axes.set_ylim(min(positions, default=0) - 0.6, max(positions, default=0) + 0.6)
        labelled = [(float(n), value_label(axes, n, pos, f"{n} ({percent[name]:g}%)",
                                           style.font_size * 0.9))
                    for (name, n, _), pos in zip(placed, positions, strict=True)]
        total = sum(n for _, n, _ in placed)
        finish_axes(figure, axes, title, style,
                    f"{style.word(unit)} ({style.word('Total')}: {total})")
        if groups:
            shown = dict.fromkeys(g or "" for _, _, g in placed)
            entries = [(g or ungrouped or style.word("no group"),
                        palette.get(g, PALETTE[0]) if g else NEUTRAL) for g in shown]
            if len(entries) > 1:
                legend_below(figure, entries)
    fit_labels(figure, axes, labelled)
    return figure


def crosstab_chart(table: pd.DataFrame, label: str, title: str, stacked: bool = True,
                   unit: str = "mentions", *, style: ChartStyle | None = None,
                   colours: Mapping[str, str] | None = None) -> Figure:
    """A crosstab as stacked (or side-by-side) horizontal bars, one colour per column
    (`colours`: column -> colour, e.g. a stable one per stakeholder group), with the
    row's total and its share of the whole at the end of each stacked bar."""
    style = (style or ChartStyle()).for_language(None)
    body = table[table[label] != "Total"].set_index(label).drop(columns="Total")
    names = [str(c) for c in body.columns]
    palette = dict(colours or stable_colours(names, neutral=EMPTY_BUCKETS))
    rows = [str(r) for r in body.index]
    thick = 0.75 if stacked else 0.8 / max(len(names), 1)
    with styled(style):
        figure = new_figure(style, len(rows) * (1 if stacked else max(1, 0.4 * len(names)))
                            + 3)
        axes = new_axes(figure)
        left = [0] * len(rows)
        for j, name in enumerate(names):
            values = [int(v) for v in body.iloc[:, j]]
            # side by side: the first column on top inside each row's band
            shift = 0 if stacked else ((len(names) - 1) / 2 - j) * thick
            axes.barh([-i + shift for i in range(len(rows))], values, height=thick,
                      left=left if stacked else None, color=palette.get(name, NEUTRAL),
                      label=name)
            if stacked:
                left = [a + b for a, b in zip(left, values, strict=True)]
        axes.set_yticks([-i for i in range(len(rows))], rows)
        axes.set_ylim(-len(rows) + 0.4, 0.6)
        totals = [int(v) for v in body.sum(axis=1)]
        finish_axes(figure, axes, title, style,
                    f"{style.word(unit)} ({style.word('Total')}: {sum(totals)})")
        legend_below(figure, [(name, palette.get(name, NEUTRAL)) for name in names])
        if stacked:
            labelled = [(float(n), value_label(axes, n, -i, f"{n} ({pct:g}%)",
                                               style.font_size * 0.9))
                        for i, (n, pct) in enumerate(zip(totals, shares(totals, 0),
                                                         strict=True))]
            fit_labels(figure, axes, labelled)
        else:
            axes.set_xlim(0, max(1, int(body.to_numpy().max(initial=0))) * 1.05)
    return figure


def saturation_chart(table: pd.DataFrame, style: ChartStyle | None = None) -> Figure:
    """Cumulative codes and subdivisions per interview: lines that level off, and the
    new codes of each interview as bars."""
    style = (style or ChartStyle()).for_language(None)
    with styled(style):
        figure = new_figure(style, height=9 / 2.54)
        axes = new_axes(figure)
        new = axes.bar(table["interview"], table["new_codes"], color=PALETTE[0], alpha=0.3)
        (codes,) = axes.plot(table["interview"], table["total_codes"], marker="o",
                             color=PALETTE[0])
        (subdivisions,) = axes.plot(table["interview"], table["total_subdivisions"],
                                    marker="s", color=PALETTE[1])
        finish_axes(figure, axes, style.word("saturation"), style, style.word("interview"))
        axes.set_xticks(list(table["interview"]))
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.tick_params(axis="y", length=3.5)
        axes.set_ylabel(style.word("cumulative"))
        legend_below(figure, [(style.word("codes"), codes),
                              (style.word("subdivisions"), subdivisions),
                              (style.word("new codes"), new)])
    return figure


def heat_map(table: pd.DataFrame, title: str, style: ChartStyle | None = None) -> Figure:
    """A co-occurrence table as a heat map, counts written in the cells."""
    style = (style or ChartStyle()).for_language(None)
    square = table.set_index(table.columns[0])
    size = len(square)
    side = max(12, 0.5 * size + 6) / 2.54  # inches: room for the names under the cells
    small = style.font_size * 0.75
    with styled(style):
        figure = new_figure(style, height=side, width=max(WIDTH, side))
        axes = new_axes(figure)
        image = axes.imshow(square.to_numpy(), cmap="Blues")
        axes.set_xticks(range(size), [str(c) for c in square.columns], rotation=90,
                        fontsize=small)
        axes.set_yticks(range(size), [str(i) for i in square.index], fontsize=small)
        if size <= 30:  # beyond that the numbers no longer fit their cells
            for i in range(size):
                for j in range(size):
                    axes.text(j, i, str(square.iat[i, j]), ha="center", va="center",
                              fontsize=small * 0.9)
        figure.colorbar(image, ax=axes, shrink=0.6)
        put_title(figure, title, style)
    return figure
