"""Recordings: attach them to sources, find them again, hear a quote, cut a clip."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from qcode.cli.common import opened, project_argument
from qcode.cli.output import Output, emit, note, output_options
from qcode.columns import RECORDING_COLUMNS


@click.group()
def media() -> None:
    """Recordings beside transcripts: attach, relink, detach, list.

    The project stores where each recording is (relative to the project's folder where
    it can), its length, size and checksum; never the audio or video itself.
    `qcode import` attaches a recording with the transcript's name found beside it
    (IP4.docx and IP4.m4a).
    """


@media.command("attach")
@project_argument
@click.argument("source")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--offset", type=float, default=0.0, show_default=True, metavar="SECONDS",
              help="Where the transcript's time 0 falls in the recording (the recorder "
                   "ran before the interview began).")
def media_attach(project: str, source: str, file: Path, offset: float) -> None:
    """Attach the recording FILE (audio or video) to SOURCE, replacing one it had.

    \b
    Example:
      qcode media attach study.qcode IP4 recordings/IP4.m4a
      qcode media attach study.qcode IP5 IP5.mp4 --offset 12.5
    """
    from qcode.clock import clock
    from qcode.services.media import attach

    with opened(project) as p:
        info = attach(p, source, file, offset)
    note(f"{info.source}: attached {info.path} ({info.kind}, {clock(info.duration)})")


@media.command("relink")
@project_argument
@click.argument("source")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--changed", is_flag=True,
              help="Take FILE even though it is not the same recording (re-encoded or "
                   "trimmed on purpose).")
def media_relink(project: str, source: str, file: Path, changed: bool) -> None:
    """Tell the project where SOURCE's recording is now (it moved).

    \b
    Example:
      qcode media relink study.qcode IP4 /media/usb/IP4.m4a
    """
    from qcode.services.media import relink

    with opened(project) as p:
        info = relink(p, source, file, accept_changed=changed)
    note(f"{info.source}: the recording is now {info.path}")


@media.command("detach")
@project_argument
@click.argument("source")
def media_detach(project: str, source: str) -> None:
    """Forget SOURCE's recording (the file itself is left where it is)."""
    from qcode.services.media import detach

    with opened(project) as p:
        path = detach(p, source)
    note(f"{source}: no longer linked to {path}")


@media.command("list")
@project_argument
@click.option("--verify", is_flag=True,
              help="Also compare every file's checksum (reads each recording whole).")
@output_options
def media_list(project: str, verify: bool, out: Output) -> None:
    """List the recordings with their length and whether each is still where the
    project says (ok, missing, changed).

    \b
    Example:
      qcode media list study.qcode --verify
    """
    from qcode.services.media import list_recordings

    with opened(project) as p:
        rows = [{**asdict(r), "found_at": str(r.found_at), "duration": round(r.duration, 2)}
                for r in list_recordings(p, verify=verify)]
    emit(rows, RECORDING_COLUMNS, out)


@click.command()
@project_argument
@click.argument("source")
@click.argument("start")
@click.argument("end", required=False)
@click.option("--player", metavar="PROGRAM",
              help="The player to use (mpv, ffplay or a path); default: QCODE_PLAYER, "
                   "else mpv, else ffplay, else the system's.")
def play(project: str, source: str, start: str, end: str | None, player: str | None) -> None:
    """Play SOURCE's recording from START to END (or on from START) in mpv, ffplay or
    the system's player; Ctrl-C stops it.

    START and END are positions in the text, as `qcode codings` lists a quote's, or
    times in the transcript (01:23, 1:02:03.5, 83.5s). Between known times (subtitle
    cues, timestamps, transcription) the time is interpolated, and qcode says so.
    QCODE_PLAYER chooses the player.

    \b
    Example:
      qcode play study.qcode IP4 1267 1454
      qcode play study.qcode IP4 12:05
    """
    from qcode.media.player import find_player, start_playing, stop_playing
    from qcode.services.listening import position_or_time, stretch_of

    chosen = find_player(player)
    with opened(project) as p:
        stretch = stretch_of(p, source, position_or_time(start),
                             position_or_time(end) if end else None)
    if not chosen.seeks:
        note(f"{chosen.program} cannot start at a time: it opens the recording at its "
             f"start; go to {stretch.describe()}")
    note(f"playing {stretch.describe()}")
    process = start_playing(chosen, stretch.recording, stretch.start, stretch.end,
                           stretch.video)
    try:
        process.wait()
    except KeyboardInterrupt:
        stop_playing(process)
        note("stopped")


@click.command()
@project_argument
@click.argument("source")
@click.argument("start")
@click.argument("end")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="The clip to write: .mp3 .m4a .wav .ogg .opus .flac (sound) or .mp4 "
                   ".mkv .webm .mov (with the picture).")
def clip(project: str, source: str, start: str, end: str, output: Path) -> None:
    """Cut SOURCE's recording from START to END into a file of its own (ffmpeg), to
    play a quote in a presentation. START and END as for `qcode play`.

    \b
    Example:
      qcode clip study.qcode IP4 1267 1454 -o ip4-self-management.mp3
    """
    from qcode.media.clip import cut
    from qcode.services.listening import position_or_time, stretch_of

    with opened(project) as p:
        stretch = stretch_of(p, source, position_or_time(start), position_or_time(end))
    if stretch.end is None:
        raise click.UsageError("END is not after START in the recording; give a later END")
    cut(stretch.recording, stretch.start, stretch.end, output)
    note(f"wrote {output}: {stretch.describe()}")


COMMANDS = [media, play, clip]
