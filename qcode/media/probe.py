"""What a recording is: audio or video, how long, how large, and its SHA-256.

mutagen reads the length of the usual interview formats (mp3, m4a/mp4, ogg/opus, flac,
wav, wma) without any program installed; ffprobe, when the machine has it, reads the
rest (mkv, webm, avi, mov). A file neither can read is refused with one line.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from qcode.errors import InputError

# Extensions of recordings, by kind: also how an import finds a transcript's recording.
AUDIO = (".mp3", ".m4a", ".wav", ".ogg", ".opus", ".flac", ".aac", ".wma", ".aiff", ".aif")
VIDEO = (".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".wmv", ".mpg", ".mpeg")
_PROBE_SECONDS = 30  # ffprobe reads headers only; a hung probe is a damaged file


@dataclass(frozen=True)
class MediaFacts:
    kind: str  # "audio" or "video"
    size: int
    duration: float
    checksum: str


def is_recording(path: Path) -> bool:
    return path.suffix.lower() in AUDIO + VIDEO


def probe(path: Path) -> MediaFacts:
    """The facts `qcode media attach` stores about `path`; InputError when it is not a
    recording qcode can read."""
    if not path.is_file():
        raise InputError(f"{path}: no such file; give the path of the recording")
    if not is_recording(path):
        raise InputError(f"{path}: {path.suffix or 'a file without extension'} is not a "
                         f"recording qcode knows; use one of {', '.join(AUDIO + VIDEO)}")
    duration = _mutagen_length(path)
    if duration is None:
        duration = _ffprobe_length(path)
    if duration is None or duration <= 0:
        tool = "" if shutil.which("ffprobe") else " (installing ffmpeg lets qcode read more)"
        raise InputError(f"{path}: cannot read the length of this recording{tool}; is it "
                         "damaged? convert it to .mp3 or .m4a")
    kind = "video" if path.suffix.lower() in VIDEO and _has_video(path) else "audio"
    return MediaFacts(kind, path.stat().st_size, duration, checksum(path))


def checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _mutagen_length(path: Path) -> float | None:
    import mutagen  # a second's import on first use; only media commands need it

    try:
        found = mutagen.File(path)
    except Exception:  # mutagen raises its own kinds (MutagenError, struct errors) on damage
        return None
    length = getattr(getattr(found, "info", None), "length", None)
    return float(length) if length else None


def _ffprobe(path: Path, *what: str) -> dict[str, object] | None:
    program = shutil.which("ffprobe")
    if program is None:
        return None
    try:
        done = subprocess.run([program, "-v", "error", *what, "-of", "json", str(path)],
                              capture_output=True, timeout=_PROBE_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    try:
        found = json.loads(done.stdout or b"{}")
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def _ffprobe_length(path: Path) -> float | None:
    found = _ffprobe(path, "-show_entries", "format=duration")
    try:
        return float(found["format"]["duration"]) if found else None  # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        return None


def _has_video(path: Path) -> bool:
    """An .mp4 may hold sound only (a phone's voice memo): ask ffprobe where it can."""
    found = _ffprobe(path, "-select_streams", "v", "-show_entries", "stream=codec_type")
    if found is None:
        return True  # no ffprobe: trust the extension
    streams = found.get("streams")
    return bool(streams)
