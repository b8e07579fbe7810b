"""The fixed words of the domain: what a stored value may be, and what options offer.

Kept apart from the store models and the reports so that the command line can offer
them as choices without loading SQLAlchemy (see qcode.cli.main).
"""

from __future__ import annotations

ATTRIBUTE_TYPES = ("text", "number", "date", "category")
SUBDIVISION_KINDS = ("group", "factor_group", "subdivision")
ANCHOR_KINDS = ("exact", "normalised", "fuzzy", "manual", "unanchored")
RELATIONS = ("cause", "consequence", "context", "interaction", "contradiction")
ACTION_STATES = ("done", "undone")
MEDIA_KINDS = ("audio", "video")

# What a search hit or an auto-coding spans, and the context shown beside a hit.
SEARCH_UNITS = ("hit", "sentence", "turn", "paragraph")
SEARCH_CONTEXT = 40  # characters on each side
SEARCH_CUTOFF = 85  # rapidfuzz ratio: "famlies" finds "families", "fame" does not
