"""Which engine transcribes, and loading it before any sound is read.

Without --engine qcode takes PocketSphinx: it is installed with qcode and needs no
download, so the same command gives the same kind of transcript on every machine,
whatever a model cache happens to hold. A --model that is a Whisper model (a folder
with model.bin, or a name such as small) chooses faster-whisper by itself.
"""

from __future__ import annotations

from pathlib import Path

from qcode.errors import InputError
from qcode.transcribe import pocketsphinx_engine, whisper_engine
from qcode.transcribe.transcript import Engine

ENGINES = (pocketsphinx_engine.NAME, whisper_engine.NAME)


def spoken(language: str) -> str:
    """The two- or three-letter code engines know: "en-GB" and "en_US" are "en"."""
    code = language.strip().replace("_", "-").split("-")[0].lower()
    if not code.isalpha():
        raise InputError(f"--language {language}: give a language code such as en, de "
                         "or es")
    return code


def engine_for(model: str | None) -> str:
    """The engine a --model belongs to; PocketSphinx when none is given."""
    if model is None:
        return pocketsphinx_engine.NAME
    folder = Path(model)
    if folder.is_dir():
        whisper = (folder / "model.bin").is_file()
        return whisper_engine.NAME if whisper else pocketsphinx_engine.NAME
    return whisper_engine.NAME  # a name: only faster-whisper fetches models by name


def load_engine(engine: str | None, model: str | None, language: str,
                download: bool = False) -> Engine:
    """The engine named (or the one `model` belongs to) with its model loaded, ready
    for `language`; InputError saying what to install or pass when it cannot be."""
    chosen = engine or engine_for(model)
    if chosen not in ENGINES:
        raise InputError(f"--engine {chosen}: qcode transcribes with {' or '.join(ENGINES)}")
    if chosen == whisper_engine.NAME:
        return whisper_engine.load(model, language, download)
    if download:
        raise InputError("--download fetches faster-whisper models; pocketsphinx needs "
                         "none (add --engine faster-whisper)")
    return pocketsphinx_engine.load(model, language)
