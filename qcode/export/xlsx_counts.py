"""The workbook's mention sheets, like the study's figures: tables with native charts.
Groups and stakeholder groups have the colours they have in every figure
(qcode.reports.figure_colours).

"Mentions by group" (the headline figure), "Mentions by subdivision" (each group's
subdivisions with their factor groups, a chart beside each group's rows, as figures
13-16) and "Mentions by stakeholder group" (a crosstab with column percentages). Each
chart shows counts and percentages on its bars and names its axes. Percentages are
real percentage cells, so a supervisor can compute with them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from qcode.export.xlsx_layout import Column, printable, start_sheet, widths
from qcode.reports.breakdown import BreakdownRow
from qcode.reports.mentions import Counts

BAR = "#4363D8"  # a bar of no group
_ROW_PIXELS = 20  # a row of default height, for placing charts beside their rows
_CHART_WIDTH = 620


@dataclass(frozen=True)
class Words:
    """The few words the sheets print, in the project's language."""

    mentions: str
    percent_of_all: str
    percent_of_group: str
    percent_of_column: str
    group: str
    factor_group: str
    subdivision: str
    total: str


def label(count: int, share: float) -> str:
    """What a bar says: "17 (21%)"."""
    return f"{count} ({share * 100:.{_places(share)}f}%)"


def _places(share: float) -> int:
    return 0 if round(share * 100, 1).is_integer() else 1


def literal(text: str) -> str:
    """`text` as a chart title or series name shows it: xlsxwriter takes a name such as
    "=cmd|' /C calc'!A0" or "Costs!B2" for a reference to a cell. An invisible zero-width
    space after each "!" keeps it text."""
    return text.replace("!", "!\u200b")


def _chart(book: Any, title: str, value_axis: str, category_axis: str, bars: int,
           legend: bool = False, width: int = _CHART_WIDTH, bar_pixels: int = 26) -> Any:
    chart = book.add_chart({"type": "bar"})
    chart.set_title({"name": literal(title), "name_font": {"size": 11, "bold": True}})
    # In a bar chart xlsxwriter's x axis is the horizontal one: the counts.
    chart.set_x_axis({"name": value_axis, "name_font": {"size": 9, "bold": False},
                      "major_gridlines": {"visible": True, "line": {"color": "#DDDDDD"}},
                      "num_font": {"size": 8}})
    chart.set_y_axis({"name": category_axis, "name_font": {"size": 9, "bold": False},
                      "reverse": True, "num_font": {"size": 8}})
    chart.set_legend({"position": "bottom"} if legend else {"none": True})
    chart.set_size({"width": width, "height": _chart_height(bars, bar_pixels)})
    return chart


def _chart_height(bars: int, bar_pixels: int = 26) -> int:
    return max(220, bar_pixels * bars + 110)


def _labels(counts: Sequence[int], fractions: Sequence[float]) -> dict[str, Any]:
    # "value" with the custom text: LibreOffice shows custom labels only then.
    return {"value": True,
            "custom": [{"value": label(n, f)} for n, f in zip(counts, fractions, strict=True)],
            "position": "outside_end", "font": {"size": 8}}


def group_sheet(book: Any, name: str, counted: Counts, words: Words,
                formats: dict[str, Any], title: str, colours: dict[str, str]) -> int:
    """Groups with their mentions and share of all, and the headline bar chart, each
    group's bar in the colour it has in every figure of the study."""
    rows = [(str(group), int(n), float(p) / 100) for group, n, p in counted.rows]
    columns = [Column(words.group, 16, 44), Column(words.mentions, 9, 12, wrap=False),
               Column(words.percent_of_all, 9, 14, wrap=False)]
    sheet = start_sheet(book, name, columns, widths(columns, rows), formats)
    for r, (group, n, share) in enumerate(rows, start=1):
        sheet.write_string(r, 0, group, formats["wrap"])
        sheet.write_number(r, 1, n, formats["top"])
        sheet.write_number(r, 2, share, formats["percent"])
    total_row = len(rows) + 1
    sheet.write_string(total_row, 0, words.total, formats["bold"])
    sheet.write_number(total_row, 1, sum(n for _, n, _ in rows), formats["bold"])
    sheet.write_number(total_row, 2, 1 if rows else 0, formats["bold_percent"])
    if rows:
        chart = _chart(book, title, words.mentions, words.group, len(rows))
        chart.add_series({"name": literal(words.mentions),
                          "categories": [name, 1, 0, len(rows), 0],
                          "values": [name, 1, 1, len(rows), 1],
                          "fill": {"color": BAR}, "gap": 60,
                          "points": [{"fill": {"color": colours.get(group, BAR)}}
                                     for group, _, _ in rows],
                          "data_labels": _labels([n for _, n, _ in rows],
                                                 [s for _, _, s in rows])})
        sheet.insert_chart(1, len(columns) + 1, chart)
    printable(sheet, title, max(total_row, _rows_for(_chart_height(len(rows)))),
              len(columns) + 1 + _chart_columns())
    return len(rows)


def breakdown_sheet(book: Any, name: str, breakdown: Sequence[BreakdownRow], words: Words,
                    formats: dict[str, Any], title: str, colours: dict[str, str]) -> int:
    """Each group's subdivisions (with factor groups), shares of the group and of all,
    and beside each group's rows its own chart; blank rows keep one chart from the next."""
    columns = [Column(words.group, 14, 30), Column(words.factor_group, 10, 24),
               Column(words.subdivision, 18, 40), Column(words.mentions, 9, 12, wrap=False),
               Column(words.percent_of_group, 9, 14, wrap=False),
               Column(words.percent_of_all, 9, 14, wrap=False)]
    cells = [(b.group, b.factor_group, b.subdivision, b.mentions, b.percent_of_group,
              b.percent_of_all) for b in breakdown]
    sheet = start_sheet(book, name, columns, widths(columns, cells), formats)
    groups: dict[str, list[BreakdownRow]] = {}
    for row in breakdown:
        groups.setdefault(row.group, []).append(row)
    r = 1
    for group, rows in groups.items():
        first = r
        for row in rows:
            sheet.write_string(r, 0, row.group, formats["wrap"])
            if row.factor_group:
                sheet.write_string(r, 1, row.factor_group, formats["wrap"])
            sheet.write_string(r, 2, row.subdivision, formats["wrap"])
            sheet.write_number(r, 3, row.mentions, formats["top"])
            sheet.write_number(r, 4, row.percent_of_group / 100, formats["percent"])
            sheet.write_number(r, 5, row.percent_of_all / 100, formats["percent_1"])
            r += 1
        with_factors = any(row.factor_group for row in rows)
        chart = _chart(book, group, words.mentions, words.subdivision, len(rows))
        chart.add_series({
            "name": literal(group),
            # Two levels of labels where the group has factor groups, as the study's
            # figure of inclusion criteria does: factor group, then subdivision.
            "categories": [name, first, 1 if with_factors else 2, r - 1, 2],
            "values": [name, first, 3, r - 1, 3],
            "fill": {"color": colours.get(group, BAR)}, "gap": 60,
            "data_labels": _labels([row.mentions for row in rows],
                                   [row.percent_of_group / 100 for row in rows]),
        })
        sheet.insert_chart(first, len(columns) + 1, chart, {"y_offset": 2})
        r = max(r, first + _rows_for(_chart_height(len(rows)))) + 1
    printable(sheet, title, r, len(columns) + 1 + _chart_columns())
    return len(breakdown)


def crosstab_sheet(book: Any, name: str, counted: Counts, words: Words,
                   formats: dict[str, Any], title: str, colours: dict[str, str]) -> int:
    """Groups down, stakeholder groups across: counts, then each stakeholder group's
    percentages (its column's share per group), and a chart of the percentages."""
    groups = list(dict.fromkeys(row for row, _, _ in counted.rows))
    across = list(dict.fromkeys(column for _, column, _ in counted.rows))
    count = {(row, column): n for row, column, n in counted.rows}
    column_totals = [sum(count.get((g, a), 0) for g in groups) for a in across]
    across = [a for _, a in sorted(zip(column_totals, across, strict=True),
                                   key=lambda pair: -pair[0])]
    # The percentages `qcode report mentions --across ... --format json` gives.
    percent: dict[str, dict[str, float]] = {a: dict.fromkeys(groups, 0.0) for a in across}
    for cell in counted.tidy():
        percent[cell["column"]][cell["row"]] = cell["percent"]
    columns = ([Column(words.group, 16, 40)]
               + [Column(a, 9, 16) for a in across] + [Column(words.total, 8, 10, wrap=False)]
               + [Column(f"% {a}", 9, 16) for a in across])
    cells = [(g, *(count.get((g, a), 0) for a in across)) for g in groups]
    padded = [c + ("",) * (len(columns) - len(c)) for c in cells]
    column_widths = widths(columns, padded)
    sheet = start_sheet(book, name, columns, column_widths, formats)
    for r, group in enumerate(groups, start=1):
        sheet.write_string(r, 0, group, formats["wrap"])
        for c, a in enumerate(across, start=1):
            sheet.write_number(r, c, count.get((group, a), 0), formats["top"])
        sheet.write_number(r, len(across) + 1, sum(count.get((group, a), 0) for a in across),
                           formats["bold"])
        for c, a in enumerate(across, start=len(across) + 2):
            sheet.write_number(r, c, percent[a][group] / 100, formats["percent_1"])
    total_row = len(groups) + 1
    sheet.write_string(total_row, 0, words.total, formats["bold"])
    for c, n in enumerate(sorted(column_totals, reverse=True), start=1):
        sheet.write_number(total_row, c, n, formats["bold"])
    sheet.write_number(total_row, len(across) + 1, sum(column_totals), formats["bold"])
    for c in range(len(across) + 2, 2 * len(across) + 2):
        sheet.write_number(total_row, c, 1, formats["bold_percent"])
    last_row = total_row
    if groups:
        # Every stakeholder group's bar beside the others for each group: thin bars,
        # below the table and as wide as it, the sheet printed on one portrait page.
        bars = len(groups) * len(across)
        table_pixels = sum(column_widths) * 7
        chart = _chart(book, title, words.percent_of_column, words.group, bars, legend=True,
                       width=max(_CHART_WIDTH, table_pixels), bar_pixels=12)
        for i, a in enumerate(across):
            chart.add_series({
                "name": literal(a),
                "categories": [name, 1, 0, len(groups), 0],
                "values": [name, 1, len(across) + 2 + i, len(groups), len(across) + 2 + i],
                "fill": {"color": colours.get(a, BAR)}, "gap": 40,
                "data_labels": _labels([count.get((g, a), 0) for g in groups],
                                       [percent[a][g] / 100 for g in groups]),
            })
        chart.set_x_axis({"name": words.percent_of_column, "num_format": "0%",
                          "name_font": {"size": 9, "bold": False}, "num_font": {"size": 8},
                          "major_gridlines": {"visible": True, "line": {"color": "#DDDDDD"}}})
        sheet.insert_chart(total_row + 2, 0, chart)
        last_row = total_row + 2 + _rows_for(_chart_height(bars, 12))
    printable(sheet, title, last_row, len(columns) - 1, landscape=False)
    sheet.fit_to_pages(1, 1)
    return len(groups)


def _rows_for(pixels: int) -> int:
    return math.ceil(pixels / _ROW_PIXELS)


def _chart_columns() -> int:
    return math.ceil(_CHART_WIDTH / 64)  # columns of default width the chart covers
