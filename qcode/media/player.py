"""Playing a stretch of a recording in the player the machine has.

qcode plays nothing itself: it starts mpv or ffplay (they can start and stop at a
given time), else the system's default player (which starts at the beginning), as a
child process that never holds up the workbench or the command line, and stops it
on request. A remote session (SSH) has no speakers of its own, so it says so instead
of playing sound on a machine nobody is listening to.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from qcode.errors import QcodeError

PLAYER_VARIABLE = "QCODE_PLAYER"  # a player of the user's choice: mpv, ffplay or a path


class PlaybackError(QcodeError):
    """No player, a remote session, or a player that would not start."""


@dataclass(frozen=True)
class Player:
    name: str  # mpv, ffplay or system
    program: str
    seeks: bool  # can it start and stop at a given time?

    def command(self, path: Path, start: float, end: float | None, video: bool) -> list[str]:
        if self.name == "mpv":
            until = [f"--end={end:.2f}"] if end is not None else []
            return [self.program, "--no-terminal", f"--start={start:.2f}", *until,
                    *([] if video else ["--no-video", "--force-window=no"]), str(path)]
        if self.name == "ffplay":
            length = ["-t", f"{end - start:.2f}"] if end is not None else []
            return [self.program, "-hide_banner", "-loglevel", "error", "-autoexit",
                    "-ss", f"{start:.2f}", *length, *([] if video else ["-nodisp"]),
                    str(path)]
        return [self.program, str(path)]


def find_player(chosen: str | None = None, env: Mapping[str, str] | None = None) -> Player:
    """The player to use here: `chosen` (a program's name or path), else the one
    QCODE_PLAYER names, else mpv, ffplay or the system's; PlaybackError says why there
    is none. A player chosen by name is trusted to reach the listener even over SSH
    (sound forwarded); otherwise a remote session is refused."""
    env = os.environ if env is None else env
    chosen = chosen or env.get(PLAYER_VARIABLE)
    if not chosen and remote(env):
        raise PlaybackError("this is a remote session (SSH): its sound would play on the "
                            "server; play it where the recording is, or cut a clip with "
                            "`qcode clip` and copy it over")
    if chosen:
        program = shutil.which(chosen, path=env.get("PATH"))
        if program is None:
            raise PlaybackError(f"player {chosen!r}: no such program; give mpv, ffplay or "
                                f"a player's full path (in {PLAYER_VARIABLE} or the option)")
        name = Path(chosen).stem.lower()
        return Player(name if name in ("mpv", "ffplay") else "system", program,
                      name in ("mpv", "ffplay"))
    for name in ("mpv", "ffplay"):
        program = shutil.which(name, path=env.get("PATH"))
        if program is not None:
            return Player(name, program, seeks=True)
    system = _system_opener(env)
    if system is not None:
        return Player("system", system, seeks=False)
    raise PlaybackError("no player found: install mpv or ffmpeg (ffplay), or set "
                        f"{PLAYER_VARIABLE} to your player")


def remote(env: Mapping[str, str]) -> bool:
    return any(env.get(name) for name in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"))


def start_playing(player: Player, path: Path, start_at: float, end_at: float | None,
          video: bool) -> subprocess.Popen[bytes]:
    """Start playing; the caller keeps the process to stop it (`stop_playing`)."""
    try:
        return subprocess.Popen(
            player.command(path, start_at, end_at, video), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            # Its own process group: stopping it stops what it started, and a Ctrl-C
            # meant for qcode does not reach it twice.
            start_new_session=True)
    except OSError as exc:
        raise PlaybackError(f"{player.program}: the player would not start ({exc}); "
                            f"set {PLAYER_VARIABLE} to another player") from exc


def stop_playing(process: subprocess.Popen[bytes] | None) -> bool:
    """Stop a playback if it still runs; whether there was one to stop."""
    if process is None or process.poll() is not None:
        return False
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError, AttributeError):
        process.terminate()
    try:
        process.wait(timeout=2)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    return True


def _system_opener(env: Mapping[str, str]) -> str | None:
    if sys.platform == "darwin":
        return shutil.which("open", path=env.get("PATH"))
    if sys.platform.startswith("win"):
        return None  # os.startfile would be needed; mpv or ffplay do the job there
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        return None  # no desktop: xdg-open would find nothing to open it with
    return shutil.which("xdg-open", path=env.get("PATH"))
