"""Cutting a quote's stretch of a recording to a file of its own, with ffmpeg."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from qcode.errors import InputError
from qcode.files import MachineError, written

# Output formats by extension, as ffmpeg names their containers: the file is written
# under a temporary name first, so ffmpeg cannot guess the format from it.
FORMATS = {".mp3": "mp3", ".m4a": "ipod", ".wav": "wav", ".ogg": "ogg", ".opus": "opus",
           ".flac": "flac", ".mp4": "mp4", ".mkv": "matroska", ".webm": "webm",
           ".mov": "mov"}
_AUDIO_ONLY = (".mp3", ".m4a", ".wav", ".ogg", ".opus", ".flac")


def cut(recording: Path, start: float, end: float, target: Path) -> Path:
    """Write `recording` from `start` to `end` seconds to `target` (its extension picks
    the format; sound only for audio formats), whole or not at all."""
    container = FORMATS.get(target.suffix.lower())
    if container is None:
        raise InputError(f"{target}: clips are written as {', '.join(FORMATS)}; give one "
                         "of those extensions")
    if end <= start:
        raise InputError(f"the clip would last {end - start:.2f} s; give an END after START")
    if target.exists() and target.resolve() == recording.resolve():
        raise InputError(f"{target} is the recording itself; give the clip another name")
    if not target.parent.is_dir():
        raise InputError(f"{target.parent}: no such folder; create it first")
    program = shutil.which("ffmpeg")
    if program is None:
        raise MachineError("cutting a clip needs ffmpeg: install it (apt install ffmpeg, "
                           "brew install ffmpeg, or from ffmpeg.org)")
    sound_only = ["-vn"] if target.suffix.lower() in _AUDIO_ONLY else []
    with written(target) as partial:
        done = subprocess.run(
            [program, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
             "-ss", f"{start:.3f}", "-to", f"{end:.3f}", "-i", str(recording),
             *sound_only, "-f", container, str(partial)],
            capture_output=True, check=False)
        if done.returncode != 0:
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise InputError(f"{recording}: ffmpeg could not cut it "
                             f"({said[-1] if said else 'no reason given'})")
    return target
