"""Transcribing a recording into a new source, with the recording attached.

The engine runs before the step opens: transcription takes minutes, and a step holds
the project's write lock while it runs. Only the finished transcript is stored, with
its time marks, how it was made and the recording, in one step `qcode undo` takes
back. Stopped on the way (Ctrl-C, or `cancelled`), nothing is stored.
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from qcode import __version__
from qcode.errors import InputError
from qcode.media.probe import probe
from qcode.progress import Progress
from qcode.services.media import attach_in_step, project_folder, source_recorded_as
from qcode.services.project import Project, project_summary
from qcode.services.sources import insert_source, twin_source
from qcode.transcribe.audio import to_wav
from qcode.transcribe.engines import load_engine, spoken
from qcode.transcribe.layout import to_source
from qcode.transcribe.transcript import Engine, IsCancelled, Transcript


@dataclass(frozen=True)
class Transcribed:
    """What `transcribe_recording` stored."""

    source: str
    engine: str
    model: str
    duration: float  # seconds of sound
    segments: int
    words: int
    seconds: float  # how long it took


def transcribe_recording(project: Project, path: str | Path, *, language: str | None = None,
                         engine: str | None = None, model: str | None = None,
                         name: str | None = None, download: bool = False,
                         coder: str | None = None, progress: Progress | None = None,
                         cancelled: IsCancelled | None = None) -> Transcribed:
    """Transcribe a recording (audio or video) on this machine into a new source with
    segment and word times, and attach the recording to it, as one step like `qcode
    transcribe`. `engine` is "pocketsphinx" (the default: installed with qcode, US
    English) or "faster-whisper" (`pip install 'qcode[transcribe]'`), which a Whisper
    `model` (a model folder, or a name in faster-whisper's cache) also chooses;
    `download` lets faster-whisper fetch that model. `language` is the project's unless
    given; `name` is the file's stem unless given. `progress(seconds done, seconds in
    all, what)` is called as the work goes on, and once `cancelled()` returns True it
    stops with `Cancelled`, storing nothing. A file that is missing or not a recording,
    an engine or model that is not installed, a language the engine does not know, or a
    recording with no speech raises InputError with what to do.

    Example (`interview.wav` is a minute of silence, so nothing is stored; a real
    interview returns `Transcribed(source='IP7', engine='pocketsphinx', ...)`):
        >>> api.transcribe_recording(study, folder / "interview.wav")
        Traceback (most recent call last):
        ...
        qcode.errors.InputError: ...interview.wav: pocketsphinx heard no speech in it...
    """
    path = Path(path)
    started = time.monotonic()
    report = progress or (lambda _done, _total, _what: None)
    stop = cancelled or (lambda: False)
    facts = probe(path)  # a missing or unreadable file is said before any model loads
    done_before = project.read(source_recorded_as, facts.checksum)
    if done_before is not None:
        raise InputError(f"{path}: this recording is {done_before}'s already; delete that "
                         "source first to transcribe it again (nothing was done)")
    language = spoken(language or project_summary(project).language)
    report(0, max(1, round(facts.duration)), "loading the model")
    chosen = load_engine(engine, model, language, download)
    with tempfile.TemporaryDirectory(prefix="qcode-transcribe-") as folder:
        sound = to_wav(path, Path(folder) / "sound.wav", facts.duration, report, stop)
        transcript = chosen.transcribe(sound, language, report, stop)
    new = to_source(transcript, name or path.stem, path.name, language,
                    _how(chosen, language))
    if not new.text.strip():
        raise InputError(f"{path}: {chosen.name} heard no speech in it (is it silent, or in "
                         f"another language than {language}?); nothing was stored")
    with project.step(f"transcribe {path.name}", coder) as session:
        twin = twin_source(session, new.text, None)
        if twin is not None:
            raise InputError(f"{path}: the transcript is word for word {twin.name}'s; "
                             "nothing was stored")
        source = insert_source(session, new, coder)
        attach_in_step(session, project_folder(project), source, path, coder=coder,
                       facts=facts)
        stored, words = source.name, source.word_count
    return Transcribed(stored, chosen.name, chosen.model, transcript.duration,
                       _spoken_segments(transcript), words, time.monotonic() - started)


def _how(engine: Engine, language: str) -> str:
    """What the source keeps about its making: enough to make it again the same way."""
    return json.dumps({"engine": engine.name, "version": engine.version,
                       "model": engine.model, "language": language,
                       "settings": dict(engine.settings), "qcode": __version__},
                      ensure_ascii=False)


def _spoken_segments(transcript: Transcript) -> int:
    return sum(1 for segment in transcript.segments if segment.text.strip())
