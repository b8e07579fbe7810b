"""The API's functions for recordings: attach and find them, hear and cut a quote.

Like `qcode.reads` and `qcode.writes`, each function is what a `qcode media`, `qcode
play` or `qcode clip` command does; attaching, relinking and detaching are steps that
`api.undo` takes back. In the examples, `folder / "interview.wav"` is a one-minute
recording.
"""

from __future__ import annotations

import subprocess
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from qcode.columns import RECORDING_COLUMNS
from qcode.errors import InputError
from qcode.media import clip as clip_media
from qcode.media import player as media_player
from qcode.services import listening, media
from qcode.services.listening import Stretch
from qcode.services.media import RecordingInfo
from qcode.services.project import Project


def attach_recording(project: Project, source: str, path: str | Path, offset: float = 0.0,
                     coder: str | None = None) -> RecordingInfo:
    """Attach the audio or video recording at `path` to `source` (replacing one it had);
    `offset` is where the transcript's time 0 falls in the recording, in seconds. The
    project keeps the path, length, size and checksum, never the media.

    Example:
        >>> info = api.attach_recording(study, "IP4_social_worker_agency",
        ...                             folder / "interview.wav")
        >>> info.kind, info.duration, info.status
        ('audio', 60.0, 'ok')
        >>> _ = api.undo(study)
    """
    return media.attach(project, source, Path(path), offset, coder)


def relink_recording(project: Project, source: str, path: str | Path, changed: bool = False,
                     coder: str | None = None) -> RecordingInfo:
    """Tell the project where `source`'s recording is now (it moved); a file that is not
    the same recording is refused unless `changed` (re-encoded or trimmed on purpose).

    Example:
        >>> _ = api.attach_recording(study, "IP4_social_worker_agency",
        ...                          folder / "interview.wav")
        >>> moved = (folder / "interview.wav").rename(folder / "IP4.wav")
        >>> api.relink_recording(study, "IP4_social_worker_agency", moved).path.endswith("IP4.wav")
        True
        >>> _ = api.undo(study), api.undo(study)
    """
    return media.relink(project, source, Path(path), changed, coder)


def detach_recording(project: Project, source: str, coder: str | None = None) -> str:
    """Forget `source`'s recording (the file stays where it is); returns its stored path.

    Example:
        >>> _ = api.attach_recording(study, "IP4_social_worker_agency",
        ...                          folder / "interview.wav")
        >>> api.detach_recording(study, "IP4_social_worker_agency").endswith("interview.wav")
        True
        >>> _ = api.undo(study), api.undo(study)
    """
    return media.detach(project, source, coder)


def recordings(project: Project, verify: bool = False) -> pd.DataFrame:
    """Every recording with its source, status (ok, missing, changed: `verify` also
    compares checksums), kind, length and offset in seconds, size, stored path and
    where this machine finds it.

    Example:
        >>> _ = api.attach_recording(study, "IP4_social_worker_agency",
        ...                          folder / "interview.wav")
        >>> api.recordings(study)[["source", "status", "duration"]].values.tolist()
        [['IP4_social_worker_agency', 'ok', 60.0]]
        >>> _ = api.undo(study)
    """
    rows = ({**asdict(r), "found_at": str(r.found_at)}
            for r in media.list_recordings(project, verify))
    return pd.DataFrame(list(rows), columns=RECORDING_COLUMNS)


def recording_time(project: Project, source: str, start: int | float,
                   end: int | float | None = None) -> Stretch:
    """Where a stretch of `source` is in its recording: ints are positions in the text
    (a quote's offsets), floats the transcript's own seconds. `how` says whether the
    times are known (cues, timestamps, transcription), interpolated between known times,
    or estimated from where the text starts and the recording ends.

    Example:
        >>> _ = api.attach_recording(study, "IP4_social_worker_agency",
        ...                          folder / "interview.wav")
        >>> stretch = api.recording_time(study, "IP4_social_worker_agency", 0, 100)
        >>> stretch.start, stretch.how
        (0.0, 'estimated')
        >>> _ = api.undo(study)
    """
    return listening.stretch_of(project, source, start, end)


def play(project: Project, source: str, start: int | float, end: int | float | None = None,
         player: str | None = None) -> subprocess.Popen[bytes]:
    """Play a stretch of `source`'s recording (as `recording_time` finds it) in mpv,
    ffplay or the system's player, or in `player`; returns at once with the player's
    process, which `api.stop_playing` stops.

    Example:
        >>> _ = api.attach_recording(study, "IP4_social_worker_agency",
        ...                          folder / "interview.wav")
        >>> playing = api.play(study, "IP4_social_worker_agency", 0, 100, player="true")
        >>> playing.wait()  # `true` stands in for a player here: it plays nothing
        0
        >>> _ = api.undo(study)
    """
    chosen = media_player.find_player(player)
    stretch = listening.stretch_of(project, source, start, end)
    return media_player.start_playing(chosen, stretch.recording, stretch.start, stretch.end,
                                      stretch.video)


def stop_playing(process: subprocess.Popen[bytes]) -> bool:
    """Stop a playback `api.play` started; whether it was still playing.

    Example:
        >>> _ = api.attach_recording(study, "IP4_social_worker_agency",
        ...                          folder / "interview.wav")
        >>> playing = api.play(study, "IP4_social_worker_agency", 0, player="true")
        >>> _ = playing.wait()
        >>> api.stop_playing(playing)  # `true` plays nothing and has ended already
        False
        >>> _ = api.undo(study)
    """
    return media_player.stop_playing(process)


def clip(project: Project, source: str, start: int | float, end: int | float,
         path: str | Path) -> Path:
    """Cut a stretch of `source`'s recording into the file `path` with ffmpeg (.mp3 .m4a
    .wav .ogg .opus .flac for sound, .mp4 .mkv .webm .mov with the picture).

    Example:
        >>> _ = api.attach_recording(study, "IP4_social_worker_agency",
        ...                          folder / "interview.wav")
        >>> api.clip(study, "IP4_social_worker_agency", 2.0, 7.5, folder / "quote.wav").name
        'quote.wav'
        >>> _ = api.undo(study)
    """
    stretch = listening.stretch_of(project, source, start, end)
    if stretch.end is None:
        raise InputError("the end is not after the start in the recording; "
                                   "give a later end")
    return clip_media.cut(stretch.recording, stretch.start, stretch.end, Path(path))

