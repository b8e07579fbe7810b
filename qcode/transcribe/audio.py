"""A recording's sound as every engine reads it: 16 kHz mono 16-bit PCM WAV, by ffmpeg.

Interviews come as .m4a, .mp3, phone memos or video; ffmpeg reads them all, so the
engines need to read only one format. ffmpeg reports how far it is on a pipe now and
then, which is when a long conversion can be stopped.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from qcode.errors import InputError
from qcode.files import MachineError
from qcode.progress import Cancelled, Progress
from qcode.transcribe.transcript import IsCancelled

SAMPLE_RATE = 16_000  # what both engines' models were trained on


def to_wav(recording: Path, target: Path, duration: float, progress: Progress,
           cancelled: IsCancelled) -> Path:
    """Write the sound of `recording` (`duration` seconds long) to `target` as 16 kHz
    mono WAV.

    Raises:
        MachineError: ffmpeg is not installed.
        InputError: ffmpeg cannot read the sound of `recording`.
        Cancelled: `cancelled()` became True; ffmpeg was stopped.
    """
    program = shutil.which("ffmpeg")
    if program is None:
        raise MachineError("transcribing needs ffmpeg to read the recording: install it "
                           "(apt install ffmpeg, brew install ffmpeg, or from ffmpeg.org)")
    command = [program, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
               "-i", str(recording), "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE),
               "-c:a", "pcm_s16le", "-f", "wav", "-progress", "pipe:1", "-nostats",
               str(target)]
    total = max(1, round(duration))
    # ffmpeg's complaints go to a file: a pipe nobody reads while we read its progress
    # would fill up and stall it on a badly damaged file.
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True)
        try:
            # The bar stays at 0 meanwhile: it counts the seconds the engine has heard,
            # and ffmpeg reads an hour in seconds. Its reports still let us stop it.
            progress(0, total, "reading the sound")
            for report in process.stdout or ():
                if cancelled():
                    raise Cancelled()
                if report.startswith("progress="):  # one per ffmpeg report, twice a second
                    # The workbench stops a job at its next progress report (Escape).
                    progress(0, total, "reading the sound")
            process.wait()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        if process.returncode != 0:
            errors.seek(0)
            said = errors.read().decode("utf-8", "replace").strip().splitlines()
            if said and "does not contain any stream" in said[-1]:
                raise InputError(f"{recording}: it has no sound to transcribe (a video "
                                 "without an audio track)")
            raise InputError(f"{recording}: ffmpeg cannot read its sound "
                             f"({said[-1] if said else 'no reason given'}); is it damaged? "
                             "play it, or convert it to .wav or .m4a")
    return target
