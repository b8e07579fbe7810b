"""Readable text on a code's colour: black or white by WCAG 2 contrast, not by guess.

The contrast ratio of two colours is (L1 + 0.05) / (L2 + 0.05) with L the relative
luminance of sRGB; WCAG asks 4.5:1 for text. Of black and white, one always reaches it
against any background, so the reader takes whichever of the two contrasts more.
"""

from __future__ import annotations

from functools import lru_cache

from rich.color import Color, ColorParseError

BLACK, WHITE = "#000000", "#ffffff"


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Relative luminance of a colour (`#rrggbb` or a name), 0 for black to 1 for white."""
    red, green, blue = Color.parse(colour).get_truecolor()
    return 0.2126 * _linear(red) + 0.7152 * _linear(green) + 0.0722 * _linear(blue)


def contrast(one: str, other: str) -> float:
    """The WCAG contrast ratio of two colours, from 1 (the same) to 21."""
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@lru_cache(maxsize=256)
def text_on(background: str) -> str:
    """Black or white, whichever reads better on `background` (grey when unparseable)."""
    try:
        return BLACK if contrast(BLACK, background) >= contrast(WHITE, background) else WHITE
    except ColorParseError:
        return BLACK
