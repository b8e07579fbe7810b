"""How names are compared: researchers write the same code many ways."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-_‐-―]+")


def name_key(name: str) -> str:
    """The form two names share when they mean the same thing.

    "Self-management", "self management " and "SELF_MANAGEMENT" all give
    "self management": case, surrounding space, and runs of spaces, hyphens or
    underscores do not distinguish codes, subdivisions or attributes.
    """
    return _SEPARATORS.sub(" ", name.casefold()).strip()


def clean_name(name: str) -> str:
    """A name as it is stored and shown: inner whitespace collapsed, ends trimmed."""
    return " ".join(name.split())


def text_or_none(value: str | None) -> str | None:
    """A free text as it is stored (a note, a description, an emphasis): its ends
    trimmed, and None when nothing but whitespace is left."""
    trimmed = value.strip() if value else ""
    return trimmed or None


_DIGITS = re.compile(r"(\d+)")


def natural_key(name: str | None) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts IP2 before IP10, as a researcher counts interviews."""
    parts = _DIGITS.split((name or "").casefold())
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)
