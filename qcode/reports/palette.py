"""Colours that mean the same thing in every figure of a study.

A reader compares figures side by side: "NGO" must be green in the crosstab of one
chapter and in the next. So a colour is picked from the sorted list of every value
the thing can take in the project (all groups, all values of an attribute), never from
the order of the bars in one chart, which changes with the counts and the filters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from qcode.names import natural_key

# matplotlib's tab10 without its grey, then three darker hues for studies with more
# groups (the study has 11): grey stays free to mean "no group".
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#bcbd22", "#17becf", "#393b79", "#8c6d31", "#7b4173")
NEUTRAL = "#9e9e9e"


def stable_colours(names: Iterable[str], chosen: Mapping[str, str | None] | None = None,
                   neutral: Iterable[str] = ()) -> dict[str, str]:
    """A colour per name by its place in the sorted list of `names`.

    `chosen` holds colours the researcher gave (a subdivision's colour in the
    codebook): those win. Names in `neutral` (empty buckets) are grey.
    """
    chosen = chosen or {}
    grey = set(neutral)
    ordered = sorted({n for n in names if n not in grey}, key=natural_key)
    found = {name: chosen.get(name) or PALETTE[i % len(PALETTE)]
             for i, name in enumerate(ordered)}
    found.update(dict.fromkeys(grey, NEUTRAL))
    return found
