"""faster-whisper: Whisper models through CTranslate2, many languages, punctuation.

Far better than PocketSphinx on real interviews, but an optional extra (`pip install
'qcode[transcribe]'`) and its models are hundreds of megabytes that qcode never fetches
unless told to: a model comes from `--model FOLDER` (a CTranslate2 Whisper model on
disk) or by name from faster-whisper's own cache, and `--download` is the one way to
fill that cache. Imported only when chosen, so the rest of qcode never pays for it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from qcode.errors import InputError, reason
from qcode.progress import Cancelled, Progress
from qcode.transcribe.transcript import IsCancelled, Segment, Transcript, Word

NAME = "faster-whisper"
DEFAULT_MODEL = "small"  # a fair trade of accuracy and time on a laptop's CPU
# int8 is the fastest on a CPU at almost no cost in accuracy; the VAD filter skips
# silence, where Whisper otherwise makes up words.
SETTINGS = {"device": "cpu", "compute_type": "int8", "beam_size": 5, "vad_filter": True,
            "word_timestamps": True}
INSTALL = ("the faster-whisper engine is not installed: pip install 'qcode[transcribe]' "
           "(or use --engine pocketsphinx, which knows English only)")


@dataclass(frozen=True)
class FasterWhisper:
    model: str
    version: str
    whisper: Any  # the loaded faster_whisper.WhisperModel
    settings: dict[str, object]
    name: str = NAME

    def transcribe(self, audio: Path, language: str, progress: Progress,
                   cancelled: IsCancelled) -> Transcript:
        found, info = self.whisper.transcribe(
            str(audio), language=language, beam_size=SETTINGS["beam_size"],
            vad_filter=SETTINGS["vad_filter"], word_timestamps=SETTINGS["word_timestamps"])
        total = max(1, round(info.duration))
        progress(0, total, "transcribing")
        segments = []
        for piece in found:  # a generator: each step decodes the next stretch of sound
            if cancelled():
                raise Cancelled()
            words = tuple(Word(w.start, w.end, w.word) for w in piece.words or ())
            segments.append(Segment(piece.start, piece.end, piece.text, words=words))
            progress(min(total, round(piece.end)), total, "transcribing")
        return Transcript(tuple(segments), float(info.duration))


def load(model: str | None, language: str, download: bool = False) -> FasterWhisper:
    """faster-whisper with `model` (a folder, or a name in its cache) loaded.

    Raises:
        InputError: faster-whisper is not installed; the model is not on this machine
            (and `download` is off), cannot be fetched or read; it does not know
            `language`.
    """
    try:
        from faster_whisper import WhisperModel
    except ImportError as exc:
        raise InputError(INSTALL) from exc
    wanted = model or DEFAULT_MODEL
    # A folder named like the default in the current folder is not what was asked for.
    is_folder = model is not None and Path(model).is_dir()
    if is_folder and not (Path(wanted) / "model.bin").is_file():
        raise InputError(f"--model {wanted}: not a faster-whisper model (the folder has no "
                         "model.bin); give the folder of a CTranslate2 Whisper model")
    where = str(Path(wanted).resolve()) if is_folder else wanted
    try:
        whisper = WhisperModel(where, device=SETTINGS["device"],
                               compute_type=SETTINGS["compute_type"],
                               cpu_threads=os.cpu_count() or 0, local_files_only=not download)
    except ValueError as exc:  # a name faster-whisper does not know
        raise InputError(f"--model {wanted}: no folder and no faster-whisper model of that "
                         "name; give a name such as tiny, base, small, medium, large-v3 "
                         "(English only: small.en...), or a model folder") from exc
    except Exception as exc:  # the hub's, CTranslate2's and the network's own errors
        raise _unavailable(model, wanted, is_folder, download, exc) from exc
    if language not in whisper.supported_languages:
        known = "English only" if whisper.supported_languages == ["en"] else \
            "languages by two-letter codes (en, de, es...)"
        raise InputError(f"--language {language}: the faster-whisper model {wanted} knows "
                         f"{known}; give another --language or --model")
    return FasterWhisper(where, version("faster-whisper"), whisper, dict(SETTINGS))


def _unavailable(given: str | None, wanted: str, is_folder: bool, download: bool,
                 exc: Exception) -> InputError:
    if is_folder:
        return InputError(f"--model {wanted}: cannot read this faster-whisper model "
                          f"({reason(exc)}); is the folder complete?")
    if download:
        return InputError(f"could not download the faster-whisper model {wanted} "
                          f"({reason(exc)}); check the connection, or give --model FOLDER "
                          "of a model on disk")
    what = (f"--model {wanted}: no such folder, and no faster-whisper model of that name"
            if given else f"faster-whisper's default model, {wanted}, is not")
    return InputError(f"{what} on this machine: run again with --download to fetch it once, "
                      "or give --model FOLDER of a CTranslate2 Whisper model")
