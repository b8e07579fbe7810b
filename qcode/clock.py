"""Times as people write them ("01:23", "1:02:03.5") and as qcode shows them."""

from __future__ import annotations

import re

# Hours, or minutes alone (an hour and more as 75:00); seconds; a fraction.
_CLOCK = re.compile(r"(?:(\d{1,2}):(\d{2})|(\d{1,3})):(\d{2})(?:[.,](\d{1,3}))?")


def clock_seconds(written: str) -> float | None:
    """Seconds of "01:23", "1:02:03", "75:00" or "00:01:23.5"; None for anything else
    (seconds, or minutes after hours, past 59)."""
    match = _CLOCK.fullmatch(written)
    return None if match is None else seconds_of_parts(*match.groups())


def seconds_of_parts(hours: str | None, minutes: str | None, only_minutes: str | None,
                     seconds: str, fraction: str | None) -> float | None:
    """Seconds of a clock's parts as the patterns here and in transcripts capture them."""
    if int(seconds) > 59 or hours is not None and int(minutes or 0) > 59:
        return None
    whole = int(hours or 0) * 3600 + int(minutes or only_minutes or 0) * 60 + int(seconds)
    return whole + (int(fraction) / 10 ** len(fraction) if fraction else 0.0)


def clock(seconds: float) -> str:
    """01:23:45.6 (hours shown only when there are any)."""
    whole = int(seconds)
    tenths = int(round((seconds - whole) * 10))
    if tenths == 10:
        whole, tenths = whole + 1, 0
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    shown = f"{minutes:02d}:{secs:02d}.{tenths}"
    return f"{hours:02d}:{shown}" if hours else shown
