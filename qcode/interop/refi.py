"""What the REFI-QDA (QDA-XML 1.0) writer and reader share: namespaces and GUIDs."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"

# Names of the Notes qcode writes and reads back (its own conventions, in the guide),
# so a qcode project comes back from a .qdpx as it went out.
EMPHASIS_NOTE = "Emphasis"
FILING_NOTE = "Subdivisions"
SHEET_TEXT_NOTE = "Quote as written"
SET_PREFIX = "Also filed under: "

# The readings of selection offsets met in real exports, the spec's first:
# name -> (UTF-16 code units, CRLF counted as 2).
SPEC = "code points"
NVIVO_WINDOWS = "UTF-16 code units with CRLF as two (NVivo for Windows)"
READINGS: dict[str, tuple[bool, bool]] = {
    SPEC: (False, True),
    "code points with CRLF as one (ATLAS.ti)": (False, False),
    NVIVO_WINDOWS: (True, True),
    "UTF-16 code units with CRLF as one": (True, False),
}


@dataclass(frozen=True)
class Receiver:
    """How one program reads a .qdpx where the standard leaves room.

    Attributes:
        reading: How it counts selection offsets (a name of READINGS).
        line_end: The line ends of the texts written for it.
        case_codes: It ties cases to texts through codes (QualCoder, as NVivo does
            with case nodes): each case is also a Code with the case's GUID, and
            each of its sources a selection coded with it.
    """

    reading: str = SPEC
    line_end: str = "\n"
    case_codes: bool = False


# The programs `export qdpx --for` writes for.
RECEIVERS = {"standard": Receiver(), "nvivo-windows": Receiver(NVIVO_WINDOWS, "\r\n"),
             "qualcoder": Receiver(case_codes=True)}
# The folder of case codes (Receiver.case_codes), by name.
CASES_FOLDER = "Cases"
# What qcode's export says in the project's Description when it writes another reading
# (its import reads that reading back rather than guessing).
READING_NOTE = "Selection offsets are written as "


def units_of(text: str, reading: str, line_end: str) -> list[int]:
    """For each code point offset of `text` (and one past the end), the offset under
    `reading` once the text is written with `line_end` for each LF."""
    utf16, crlf_two = READINGS[reading]
    wide = crlf_two and line_end == "\r\n"
    out = [0]
    for ch in text:
        out.append(out[-1] + 1 + (utf16 and ord(ch) > 0xFFFF) + (wide and ch == "\n"))
    return out


# Stable GUIDs: the same project exports the same GUIDs every time, derived from a
# namespace per project (its name and creation time) and each row's kind and id.
_QCODE = uuid.UUID("6f1c3f0e-2a55-4c1e-9a53-7d4f0c2b9e11")


def project_namespace(name: str, created: str) -> uuid.UUID:
    return uuid.uuid5(_QCODE, f"{name}\x00{created}")


def stable_guid(namespace: uuid.UUID, kind: str, key: object) -> str:
    """The GUID of one row (e.g. kind "code", key its id), the same on every export."""
    return str(uuid.uuid5(namespace, f"{kind}:{key}"))


def as_utc(moment: datetime) -> datetime:
    """A stored or read time in UTC: SQLite hands back naive datetimes (qcode stores
    UTC), and a file may give a time without a zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def derived_guid(owner: str, kind: str) -> str:
    """The GUID of something written for a row that has one (a coding's "Emphasis"
    note): derived from the row's GUID, so it survives a round trip with it."""
    return str(uuid.uuid5(uuid.UUID(owner), kind))


def normal_guid(text: str) -> str:
    """A GUID as other programs write it (upper case, braces) in one canonical form."""
    return text.strip().strip("{}").lower()


def selection_description(codings: Sequence[tuple[str, str | None, str | None]]
                          ) -> str | None:
    """What a selection's Description says of its codings: each one's emphasis and notes
    ((code, emphasis, notes) in the selection's order), with the code's name in front
    when the selection has several. QualCoder reads a selection's Description as the
    coding's memo, and NVivo and MAXQDA show it as the selection's comment; qcode's
    own Notes on each Coding say the same, and qcode's import knows this text by
    making it again, so it is not read twice."""
    lines = []
    for code, emphasis, notes in codings:
        said = "; ".join(x for x in (emphasis and f"emphasis: {emphasis}",
                                     notes and f"notes: {notes}") if x)
        if said:
            lines.append(f"{code}: {said}" if len(codings) > 1 else said)
    return "\n".join(lines) or None
