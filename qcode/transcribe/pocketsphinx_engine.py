"""PocketSphinx: small, US English out of the box, and nothing to download.

Its wheel ships an acoustic model, a language model and a dictionary for US English,
so a fresh install transcribes with no network. Its endpointer finds stretches of
speech between pauses; each becomes one utterance for the decoder and one segment
of the transcript, with the decoder's word times. Another language needs a PocketSphinx
model for it (`--model FOLDER`): an acoustic model folder, a language model and a
dictionary.
"""

from __future__ import annotations

import wave
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from qcode.errors import InputError
from qcode.progress import Cancelled, Progress
from qcode.transcribe.audio import SAMPLE_RATE
from qcode.transcribe.transcript import IsCancelled, Segment, Transcript, Word

NAME = "pocketsphinx"
BUNDLED = "en-us"
ENGLISH = ("en", "eng")
_REPORT_EVERY = 1.0  # seconds of sound between progress reports and cancel checks


@dataclass(frozen=True)
class ModelFiles:
    acoustic: Path  # the folder holding mdef, means, variances...
    language_model: Path
    dictionary: Path


@dataclass(frozen=True)
class PocketSphinx:
    model: str
    version: str
    files: ModelFiles | None  # None: the model in the pocketsphinx wheel
    settings: dict[str, object]
    name: str = NAME

    def transcribe(self, audio: Path, language: str, progress: Progress,
                   cancelled: IsCancelled) -> Transcript:
        from pocketsphinx import Decoder, Endpointer

        endpointer = Endpointer(sample_rate=SAMPLE_RATE)
        decoder = Decoder(samprate=SAMPLE_RATE, loglevel="FATAL", **self._model_options())
        frame_rate = float(decoder.config["frate"])
        segments: list[Segment] = []
        with wave.open(str(audio), "rb") as sound:
            duration = sound.getnframes() / sound.getframerate()
            total = max(1, round(duration))
            every = max(1, round(_REPORT_EVERY / endpointer.frame_length))
            start: float | None = None  # where the open utterance began
            for n, (speech, ended) in enumerate(_speech(endpointer, sound)):
                if n % every == 0:
                    if cancelled():
                        raise Cancelled()
                    progress(min(total, round(n * endpointer.frame_length)), total,
                             "transcribing")
                if speech:
                    if start is None:
                        decoder.start_utt()
                        start = endpointer.speech_start
                    decoder.process_raw(speech)
                if start is not None and (ended or not endpointer.in_speech):
                    decoder.end_utt()
                    segments += _segment(decoder, start, endpointer.speech_end, frame_rate)
                    start = None
        return Transcript(tuple(segments), duration)

    def _model_options(self) -> dict[str, str]:
        if self.files is None:
            return {}
        return {"hmm": str(self.files.acoustic), "lm": str(self.files.language_model),
                "dict": str(self.files.dictionary)}


def load(model: str | None, language: str) -> PocketSphinx:
    """PocketSphinx with the bundled US English model, or the one in the folder `model`.

    Raises:
        InputError: pocketsphinx is missing, `language` is not English and no model
            was given, or `model` is not a PocketSphinx model folder.
    """
    try:
        from pocketsphinx import Endpointer
    except ImportError as exc:
        raise InputError("the pocketsphinx engine is not installed: pip install "
                         "pocketsphinx") from exc
    release = version("pocketsphinx")
    settings = {"sample_rate": SAMPLE_RATE, "vad_window": Endpointer.DEFAULT_WINDOW,
                "vad_ratio": Endpointer.DEFAULT_RATIO}
    if model is None:
        if language not in ENGLISH:
            raise InputError(
                f"--language {language}: pocketsphinx here knows English only; use "
                "--engine faster-whisper (pip install 'qcode[transcribe]'), or give "
                f"--model FOLDER with a PocketSphinx model for {language}")
        return PocketSphinx(f"{BUNDLED} (bundled)", release, None, settings)
    files = model_files(Path(model))
    return PocketSphinx(str(Path(model).resolve()), release, files, settings)


def model_files(folder: Path) -> ModelFiles:
    """The three parts of a PocketSphinx model in `folder` (searched to any depth)."""
    if not folder.is_dir():
        raise InputError(f"--model {folder}: no such folder; give the folder of a "
                         "PocketSphinx model, or a faster-whisper model with "
                         "--engine faster-whisper")
    mdef = _largest(folder, "mdef")
    # Models may also hold a phone language model beside the word one: it is tiny.
    language_model = _largest(folder, "*.lm.bin") or _largest(folder, "*.lm")
    dictionary = _largest(folder, "*.dict") or _largest(folder, "*.dic")
    if mdef is None or language_model is None or dictionary is None:
        raise InputError(f"--model {folder}: not a PocketSphinx model: it needs an acoustic "
                         "model (a folder with mdef), a language model (.lm.bin or .lm) "
                         "and a dictionary (.dict)")
    return ModelFiles(mdef.parent, language_model, dictionary)


def _largest(folder: Path, pattern: str) -> Path | None:
    return max(folder.rglob(pattern), key=lambda path: path.stat().st_size, default=None)


def _speech(endpointer: Any, sound: wave.Wave_read) -> Iterator[tuple[bytes | None, bool]]:
    """(speech in this frame or None, whether the sound ended) for each frame."""
    samples = endpointer.frame_bytes // 2
    while True:
        frame = sound.readframes(samples)
        if len(frame) < endpointer.frame_bytes:
            # The endpointer wants its last, short frame through end_stream, which
            # also hands back the speech it still held; it refuses an empty one, so a
            # sound that ends on a whole frame ends on one sample of silence.
            yield endpointer.end_stream(frame or bytes(2)), True
            return
        yield endpointer.process(frame), False


def _segment(decoder: Any, start: float, end: float, frame_rate: float) -> list[Segment]:
    """The utterance just decoded as a segment; none when only noise was heard."""
    words = []
    for piece in decoder.seg():
        word = piece.word.split("(")[0]  # "the(2)": the second way to say "the"
        if word.startswith(("<", "[")):  # <s>, <sil>, [NOISE]: not words
            continue
        words.append(Word(start + piece.start_frame / frame_rate,
                          start + (piece.end_frame + 1) / frame_rate, word))
    if not words:
        return []
    return [Segment(start, max(end, words[-1].end), " ".join(w.text for w in words),
                    words=tuple(words))]
