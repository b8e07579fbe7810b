"""How a figure looks on the page: size, resolution, font, title, language of the labels.

Kept free of matplotlib and pandas so the command line can parse its options (and
`qcode --help` answer) without loading them; qcode.reports.chart_layout applies it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from qcode.errors import InputError

CHART_TYPES = ("png", "svg", "pdf")
LANGUAGES = ("en", "es")
DEFAULT_FONT = "DejaVu Sans"  # ships with matplotlib: the same glyphs on every machine
_CM = 1 / 2.54
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[x×]\s*(\d+(?:\.\d+)?)\s*(cm|mm|in)?\s*$", re.I)

# The fixed words of a chart. Names from the project (groups, subdivisions, attribute
# values, "(no subdivision)") are shown as stored, in whatever language they are in.
WORDS = {
    "en": {
        "mentions": "mentions", "quotes": "quotes", "codings": "codings", "Total": "Total",
        "by": "by", "across": "and", "in": "in",
        "group": "group", "subdivision": "subdivision", "code": "code", "source": "source",
        "case": "case", "no group": "(no group)", "no factor group": "(no factor group)",
        "saturation": "Saturation: codes and subdivisions by interview",
        "interview": "interview (in interview-date order)", "cumulative": "cumulative count",
        "codes": "codes", "subdivisions": "subdivisions", "new codes": "new codes",
        "subdivision together": "Subdivisions together in", "code together":
        "Codes together in", "overlap": "overlapping quotes",
        "same coding": "the same coding",
    },
    "es": {
        "mentions": "menciones", "quotes": "citas", "codings": "codificaciones",
        "Total": "Total", "by": "por", "across": "y", "in": "en",
        "group": "grupo", "subdivision": "subdivisión", "code": "código", "source": "fuente",
        "case": "caso", "no group": "(sin grupo)", "no factor group": "(sin grupo de factores)",
        "saturation": "Saturación: códigos y subdivisiones por entrevista",
        "interview": "entrevista (por fecha de entrevista)", "cumulative": "número acumulado",
        "codes": "códigos", "subdivisions": "subdivisiones", "new codes": "códigos nuevos",
        "subdivision together": "Subdivisiones juntas en", "code together":
        "Códigos juntos en", "overlap": "citas que se solapan",
        "same coding": "la misma codificación",
    },
}


@dataclass(frozen=True)
class ChartStyle:
    """What the researcher chooses for publication; the defaults suit an A4 thesis page.

    `size` is (width, height) in inches, as matplotlib takes it; None lets each chart
    take 16 cm of width and the height its bars need. `language` None means "the
    project's" (see `for_language`).
    """

    size: tuple[float, float] | None = None
    dpi: int = 200
    font: str = DEFAULT_FONT
    font_size: float = 9.0
    title: bool = True
    language: str | None = None

    def for_language(self, project_language: str | None) -> ChartStyle:
        """This style with its language settled: the chosen one, else the project's
        where charts speak it, else English."""
        if self.language is not None:
            return self
        guess = (project_language or "en").strip().lower()[:2]
        return replace(self, language=guess if guess in LANGUAGES else "en")

    def word(self, key: str) -> str:
        """A fixed chart word in this style's language."""
        return WORDS.get(self.language or "en", WORDS["en"])[key]

    def dimension(self, label: str) -> str:
        """A dimension's name ("group", "subdivision") in the chart's language; an
        attribute's or level's name as it is."""
        return self.word(label) if label in WORDS["en"] else label


def parse_size(text: str) -> tuple[float, float]:
    """A figure size, "WIDTHxHEIGHT" in centimetres ("16x10"), or with a unit: "16x10cm",
    "160x100mm", "6.3x4in"; returned in inches."""
    found = _SIZE.match(text)
    if not found:
        raise InputError(f"size {text!r}: give WIDTHxHEIGHT in cm, e.g. 16x10 (or 6x4in)")
    width, height = float(found[1]), float(found[2])
    unit = (found[3] or "cm").lower()
    scale = {"cm": _CM, "mm": _CM / 10, "in": 1.0}[unit]
    if not (0 < width * scale <= 50 and 0 < height * scale <= 50):
        raise InputError(f"size {text!r}: each side must be above 0 and at most 127 cm")
    return (width * scale, height * scale)


def check_language(language: str | None) -> str | None:
    """`language` if charts speak it (or None for the project's), else a clear error."""
    if language is not None and language not in LANGUAGES:
        raise InputError(f"charts are labelled in {', '.join(LANGUAGES)}, not {language!r}")
    return language
