"""`qcode transcribe`: a recording in, a new source out, on this machine only."""

from __future__ import annotations

from pathlib import Path

import click

from qcode.cli.common import opened, project_argument
from qcode.cli.output import note, progress_bar
from qcode.transcribe.engines import ENGINES


@click.command()
@project_argument
@click.argument("recording", type=click.Path(path_type=Path))
@click.option("--name", help="The new source's name (default: the file's name without "
                             "its extension).")
@click.option("--language", metavar="CODE",
              help="The language spoken, e.g. en or de (default: the project's).")
@click.option("--engine", type=click.Choice(ENGINES),
              help="Who listens (default: pocketsphinx, unless --model is a Whisper "
                   "model). pocketsphinx comes with qcode and knows English; "
                   "faster-whisper is far better and knows many languages: "
                   "pip install 'qcode[transcribe]'.")
@click.option("--model", metavar="FOLDER|NAME",
              help="A model folder (CTranslate2 Whisper, or PocketSphinx), or a "
                   "faster-whisper model name (tiny, base, small, medium, large-v3...) "
                   "already on this machine. faster-whisper's default: small.")
@click.option("--download", is_flag=True,
              help="Let faster-whisper fetch the model named by --model (once; it is kept "
                   "in its cache). Without it nothing is downloaded.")
@click.option("--coder", help="Who transcribes (default: $QCODE_CODER or your login).")
def transcribe(project: str, recording: Path, name: str | None, language: str | None,
               engine: str | None, model: str | None, download: bool,
               coder: str | None) -> None:
    """Transcribe RECORDING (audio or video) on this machine into a new source, with
    segment and word times, and attach the recording to it.

    Nothing is sent anywhere. A progress bar runs on a terminal; Ctrl-C stops it and
    nothing is stored. The engine, model and settings are kept with the source. The
    new source is one step (`qcode undo` takes it back).

    \b
    Example:
      qcode transcribe study.qcode recordings/IP7.m4a
      qcode transcribe study.qcode IP8.mp3 --engine faster-whisper --model small
      qcode transcribe study.qcode IP9.m4a --language de --model ~/models/whisper-medium
    """
    from qcode.progress import Cancelled
    from qcode.transcribe.recording import transcribe_recording

    # The bar learns its length (the recording's seconds) from the first update; it is
    # gone before the message that says the work was stopped.
    try:
        with opened(project) as p, progress_bar(2, "seconds of sound") as update:
            done = transcribe_recording(
                p, recording, language=language, engine=engine, model=model, name=name,
                download=download, coder=coder,
                progress=lambda seconds, total, what: update(seconds, what, total))
    except (KeyboardInterrupt, Cancelled):
        note("cancelled; nothing was stored")
        raise click.exceptions.Exit(1) from None
    segments = f"{done.segments} segment{'' if done.segments == 1 else 's'}"
    note(f"{done.source}: {done.duration / 60:.1f} min of sound, {segments}, "
         f"{done.words} words by {done.engine} with model {done.model} in "
         f"{done.seconds:.0f} s; the recording is attached")


COMMANDS = [transcribe]
