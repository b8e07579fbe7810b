"""Figures in the style of a thesis: sorted horizontal bars with counts and percentages.

matplotlib with the Agg backend, so charts draw without a screen (over SSH, in CI).
The file type follows the name: .png, .svg or .pdf.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402 - the backend must be chosen first
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from qcode.errors import InputError  # noqa: E402
from qcode.files import written

CHART_TYPES = (".png", ".svg", ".pdf")  # the CLI lists the same without importing this
_PALETTE = ("#4363d8", "#f58231", "#3cb44b", "#911eb4", "#e6194b", "#42d4f4", "#9a6324",
            "#469990", "#808000", "#000075")
_SINGLE = "#4363d8"


def bar_chart(table: pd.DataFrame, label: str, title: str,
              groups: Mapping[str, str] | None = None, unit: str = "mentions") -> Figure:
    """One bar per row of a one-way report, largest at the top.

    With `groups` (label -> factor group), bars are kept together by group, coloured
    by it, and a legend names the groups.
    """
    rows = table.to_dict("records")
    if groups:
        order = {g: -sum(r["mentions"] for r in rows if groups.get(r[label]) == g)
                 for g in set(groups.values())}
        rows.sort(key=lambda r: (order.get(groups.get(r[label], ""), 0),
                                 groups.get(r[label], "~"), -r["mentions"]))
    rows.reverse()  # barh draws the first row at the bottom
    names = [str(r[label]) for r in rows]
    palette = _colours(groups or {})
    colours = [palette.get((groups or {}).get(r[label], ""), _SINGLE) for r in rows]
    figure, axes = plt.subplots(figsize=(9, max(2.5, 0.42 * len(rows) + 1.4)))
    bars = axes.barh(names, [r["mentions"] for r in rows], color=colours)
    widest = max((r["mentions"] for r in rows), default=0)
    for bar, row in zip(bars, rows, strict=True):
        axes.text(bar.get_width() + widest * 0.01, bar.get_y() + bar.get_height() / 2,
                  f"{row['mentions']} ({row['percent']:g}%)", va="center", fontsize=9)
    axes.set_xlim(0, widest * 1.18 or 1)
    axes.set_xlabel(unit)
    axes.spines[["top", "right"]].set_visible(False)
    total = sum(r["mentions"] for r in rows)
    axes.set_title(title, loc="left", fontsize=12)
    figure.text(0.01, 0.01, f"Total: {total} {unit}", fontsize=8, color="#555555")
    if groups:
        seen = dict.fromkeys(groups.get(r[label], "") for r in reversed(rows))
        handles = [plt.Rectangle((0, 0), 1, 1, color=palette[n]) for n in seen if n]
        axes.legend(handles, [n for n in seen if n], loc="lower right", fontsize=8,
                    frameon=False)
    figure.tight_layout(rect=(0, 0.03, 1, 1))
    return figure


def crosstab_chart(table: pd.DataFrame, label: str, title: str, stacked: bool = True,
                   unit: str = "mentions") -> Figure:
    """A crosstab as stacked (or grouped) horizontal bars, one colour per column."""
    body = table[table[label] != "Total"].set_index(label).drop(columns="Total")
    body = body.iloc[::-1]
    figure, axes = plt.subplots(figsize=(10, max(2.5, 0.45 * len(body) + 1.6)))
    colours: dict[Any, Any] = {c: _PALETTE[i % len(_PALETTE)] for i, c in enumerate(body.columns)}
    body.plot.barh(ax=axes, stacked=stacked, color=colours, width=0.8)
    axes.set_xlabel(unit)
    axes.set_ylabel("")
    axes.set_title(title, loc="left", fontsize=12)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=8, frameon=False, loc="lower right")
    figure.text(0.01, 0.01, f"Total: {int(body.to_numpy().sum())} {unit}", fontsize=8,
                color="#555555")
    figure.tight_layout(rect=(0, 0.03, 1, 1))
    return figure


def saturation_chart(table: pd.DataFrame) -> Figure:
    """Cumulative codes and subdivisions per interview: a line that levels off."""
    figure, axes = plt.subplots(figsize=(9, 4.5))
    axes.plot(table["interview"], table["total_codes"], marker="o", color=_PALETTE[0],
              label="codes")
    axes.plot(table["interview"], table["total_subdivisions"], marker="s", color=_PALETTE[1],
              label="subdivisions")
    axes.bar(table["interview"], table["new_codes"], color=_PALETTE[0], alpha=0.25,
             label="new codes")
    axes.set_xticks(list(table["interview"]))
    axes.set_xlabel("interview (in interview-date order)")
    axes.set_ylabel("cumulative count")
    axes.set_title("Saturation: codes and subdivisions by interview", loc="left", fontsize=12)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(frameon=False, fontsize=8)
    figure.tight_layout()
    return figure


def heat_map(table: pd.DataFrame, title: str) -> Figure:
    """A co-occurrence table as a heat map, counts written in the cells."""
    square = table.set_index(table.columns[0])
    size = len(square)
    figure, axes = plt.subplots(figsize=(max(6, 0.45 * size + 3), max(5, 0.45 * size + 2)))
    image = axes.imshow(square.to_numpy(), cmap="Blues")
    axes.set_xticks(range(size), [str(c) for c in square.columns], rotation=90, fontsize=7)
    axes.set_yticks(range(size), [str(i) for i in square.index], fontsize=7)
    if size <= 30:
        for i in range(size):
            for j in range(size):
                axes.text(j, i, str(square.iat[i, j]), ha="center", va="center", fontsize=6)
    figure.colorbar(image, ax=axes, shrink=0.6)
    axes.set_title(title, loc="left", fontsize=12)
    figure.tight_layout()
    return figure


def save(figure: Figure, path: Path) -> None:
    """Write `figure` to `path` (.png, .svg or .pdf) and free it."""
    if path.suffix.lower() not in CHART_TYPES:
        raise InputError(f"{path}: a chart is written as {', '.join(CHART_TYPES)}")
    if not path.parent.exists():
        raise InputError(f"{path.parent} does not exist; create it first")
    try:
        with written(path) as temporary:
            figure.savefig(temporary, dpi=150, format=path.suffix.lower().lstrip("."))
    finally:
        plt.close(figure)


def _colours(groups: Mapping[str, str]) -> dict[str, str]:
    """A colour per group, the same for the same set of groups in every chart."""
    names = sorted(set(groups.values()))
    return {name: _PALETTE[i % len(_PALETTE)] for i, name in enumerate(names)}
