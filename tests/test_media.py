"""Recordings beside transcripts: attach, find, check, hear and cut a quote.

The audio is made here with ffmpeg (tones of known lengths; `.ci/run` installs it) or
the standard library (silence); players are fake programs on PATH that write down how
they were started, and one real ffplay run plays into SDL's dummy audio device.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import fake_player, silence

from qcode import api
from qcode.cli.main import cli
from qcode.clock import clock
from qcode.services.project import init_project
from qcode.services.sources import NewSource, add_source
from qcode.services.timeline import ESTIMATED, INTERPOLATED, KNOWN, Timeline

TEXT = "IP1: We moved in 1998. Then the subsidy came. It was too late for us.\n"
needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None,
                                  reason="ffmpeg is not installed (.ci/run installs it)")


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def tone(path: Path, seconds: float) -> Path:
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", f"sine=frequency=440:duration={seconds}", str(path)], check=True)
    return path


def length_of(path: Path) -> float:
    done = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration",
                           "-of", "csv=p=0", str(path)], capture_output=True, check=True)
    return float(done.stdout)


@pytest.fixture
def study(tmp_path: Path) -> Path:
    path = tmp_path / "study" / "study.qcode"
    path.parent.mkdir()
    with init_project(str(path)) as project:
        add_source(project, NewSource(name="IP1", text=TEXT, format="txt"))
    return path


def listed(study: Path) -> list[dict[str, object]]:
    code, out, err = run("media", "list", str(study), "--format", "json")
    assert code == 0, err
    return list(json.loads(out))


@needs_ffmpeg
def test_attach_reads_length_and_checksum_and_stores_a_relative_path(study: Path) -> None:
    (study.parent / "recordings").mkdir()
    recording = tone(study.parent / "recordings" / "IP1.m4a", 7.0)
    code, _out, err = run("media", "attach", str(study), "IP1", str(recording))
    assert code == 0, err
    assert "attached recordings/IP1.m4a (audio, 00:07.0)" in err
    (row,) = listed(study)
    assert row["status"] == "ok" and row["kind"] == "audio"
    assert abs(float(row["duration"]) - 7.0) < 0.1  # type: ignore[arg-type]
    assert row["checksum"] == hashlib.sha256(recording.read_bytes()).hexdigest()
    assert row["path"] == "recordings/IP1.m4a"  # the study folder can move whole
    code, out, _ = run("sources", str(study), "--format", "json")
    assert [s["recording"] for s in json.loads(out)] == ["recordings/IP1.m4a"]
    # One step: undo forgets it again.
    assert run("undo", str(study))[0] == 0
    assert listed(study) == []


@needs_ffmpeg
def test_check_says_when_a_recording_moved_or_changed_and_relink_mends_it(
        study: Path, tmp_path: Path) -> None:
    recording = tone(study.parent / "IP1.mp3", 3.0)
    assert run("media", "attach", str(study), "IP1", str(recording))[0] == 0
    assert run("check", str(study))[0] == 0
    moved = tmp_path / "usb" / "IP1.mp3"
    moved.parent.mkdir()
    recording.rename(moved)
    code, out, _ = run("check", str(study), "--format", "json")
    assert code == 1
    (finding,) = json.loads(out)
    assert finding["where"] == "source IP1" and "media relink" in finding["detail"]
    assert listed(study)[0]["status"] == "missing"
    assert run("media", "relink", str(study), "IP1", str(moved))[0] == 0
    assert run("check", str(study))[0] == 0 and listed(study)[0]["status"] == "ok"
    # Another recording is refused in one line unless --changed says it is meant.
    other = tone(tmp_path / "other.mp3", 4.0)
    code, _out, err = run("media", "relink", str(study), "IP1", str(other))
    assert code == 1 and "not the recording IP1 had" in err and len(err.splitlines()) == 1
    assert run("media", "relink", str(study), "IP1", str(other), "--changed")[0] == 0
    assert abs(float(listed(study)[0]["duration"]) - 4.0) < 0.1  # type: ignore[arg-type]
    # Changed in place with the same size: `check` looks at sizes only (it would read
    # gigabytes of video each time); `media list --verify` compares the checksums.
    data = bytearray(other.read_bytes())
    data[-10] ^= 0xFF
    other.write_bytes(bytes(data))
    assert run("check", str(study))[0] == 0
    assert [r["status"] for r in listed(study)] == ["ok"]
    code, out, _ = run("media", "list", str(study), "--verify", "--format", "json")
    assert [r["status"] for r in json.loads(out)] == ["changed"]
    other.write_bytes(bytes(data[:-100]))  # another size: check says so
    code, out, _ = run("check", str(study), "--format", "json")
    assert code == 1 and "not the one attached" in json.loads(out)[0]["detail"]


def test_bad_recordings_are_refused_in_one_line_and_change_nothing(
        study: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.mp3"
    notes.write_text("not audio at all", encoding="utf-8")
    cases = [(tmp_path / "none.m4a", "no such file"),
             (tmp_path / "IP1.txt", "not a recording qcode knows"),
             (notes, "cannot read the length")]
    (tmp_path / "IP1.txt").write_text("text", encoding="utf-8")
    for path, said in cases:
        code, _out, err = run("media", "attach", str(study), "IP1", str(path))
        assert code == 1 and said in err and len(err.strip().splitlines()) == 1, err
    wav = silence(tmp_path / "IP1.wav", seconds=2)
    code, _out, err = run("media", "attach", str(study), "IP1", str(wav), "--offset", "5")
    assert code == 1 and "lasts only 2.0 s" in err
    code, _out, err = run("media", "attach", str(study), "IP9", str(wav))
    assert code == 1 and "no source named 'IP9'" in err
    assert listed(study) == []


def test_an_import_attaches_the_recording_named_like_the_transcript(tmp_path: Path) -> None:
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "IP4.txt").write_text("IP4: The cooperative met on Sundays.\n", encoding="utf-8")
    (folder / "IP5.txt").write_text("IP5: We saved for years.\n", encoding="utf-8")
    (folder / "IP6.txt").write_text("IP6: The roof leaked.\n", encoding="utf-8")
    silence(folder / "IP4.wav", seconds=3)
    silence(folder / "IP6.wav", seconds=3)
    silence(folder / "IP6.aiff", seconds=3)  # two alike: the researcher chooses
    study = tmp_path / "study.qcode"
    assert run("init", str(study))[0] == 0
    code, out, err = run("import", str(study), str(folder), "--format", "json")
    assert code == 0, err
    details = {row["source"]: row["detail"] for row in json.loads(out)}
    assert details == {
        "IP4": "recording IP4.wav attached", "IP5": "",
        "IP6": "recording not attached: IP6.aiff, IP6.wav are all named like it; attach "
               "one with `qcode media attach PROJECT IP6 FILE`"}
    assert [(r["source"], r["path"]) for r in listed(study)] == [("IP4", "interviews/IP4.wav")]


def test_interpolated_times_are_within_a_tenth_of_a_second_of_the_truth(
        tmp_path: Path) -> None:
    # Forty sentences spoken at an even 14 characters a second, with a timestamp at
    # every fifth: the sentences between are found by interpolation.
    sentences = [f"Sentence {n:02d} tells of the housing {'co-op ' * (n % 4)}here. "
                 for n in range(40)]
    starts, text = [], ""
    for sentence in sentences:
        starts.append(len(text))
        text += sentence
    truth = [at / 14.0 for at in starts]
    marks = [(starts[n], truth[n]) for n in range(0, 40, 5)]
    # One timestamp mistyped (ten times too late) must not pull its neighbours along.
    marks[3] = (marks[3][0], marks[3][1] * 10)
    silence(tmp_path / "IP1.wav", seconds=int(len(text) / 14) + 1)
    with init_project(str(tmp_path / "study.qcode")) as project:
        add_source(project, NewSource(name="IP1", text=text, format="txt", marks=marks))
        api.attach_recording(project, "IP1", tmp_path / "IP1.wav")
        for n in range(1, 35):
            found = api.recording_time(project, "IP1", starts[n], starts[n + 1])
            assert abs(found.start - truth[n]) < 0.1, n
            assert abs((found.end or 0) - truth[n + 1]) < 0.1, n
            assert found.how == INTERPOLATED  # one end at most is a known time
    line = Timeline(((10, 5.0), (20, 10.0)), 40, None, 0.0)
    assert line.at(10).how == KNOWN and line.at(15).how == INTERPOLATED
    # Before the first known time the text starts at 0; after the last, with no
    # recording to end on, the last known time: both said to be guesses.
    assert (line.at(4).seconds, line.at(4).how) == (2.0, ESTIMATED)
    assert (line.at(30).seconds, line.at(30).how) == (10.0, ESTIMATED)
    assert Timeline((), 40, None, 0.0).at(5).seconds is None


@needs_ffmpeg
def test_a_clip_of_a_quote_lasts_as_long_as_the_quote(study: Path, tmp_path: Path) -> None:
    recording = tone(study.parent / "IP1.wav", 20.0)
    assert run("media", "attach", str(study), "IP1", str(recording))[0] == 0
    for name in ("quote.mp3", "quote.wav", "quote.m4a"):
        out = tmp_path / name
        code, _out, err = run("clip", str(study), "IP1", "00:03.5", "9.5s", "-o", str(out))
        assert code == 0, err
        assert abs(length_of(out) - 6.0) < 0.1, name
    # By offsets: the text's 70 characters spread over the 20 s recording (no times
    # known inside it), so characters 0-35 are the first 10 s, and it says so.
    code, _out, err = run("clip", str(study), "IP1", "0", "35", "-o", str(tmp_path / "a.wav"))
    assert code == 0 and "(estimated)" in err
    assert abs(length_of(tmp_path / "a.wav") - 35 / len(TEXT) * 20) < 0.1
    code, _out, err = run("clip", str(study), "IP1", "1", "2", "-o", str(tmp_path / "a.doc"))
    assert code == 1 and "give one of those extensions" in err
    assert not list(tmp_path.glob("*partial*"))


def player_env(folder: Path, **more: str) -> dict[str, str]:
    # Only the fake player's folder and the system's basics: no real mpv or ffplay.
    env = {"PATH": f"{folder}:/usr/bin:/bin", "SSH_CONNECTION": "", "SSH_CLIENT": "",
           "SSH_TTY": "", "QCODE_PLAYER": "", "DISPLAY": "", "WAYLAND_DISPLAY": ""}
    env.update(more)
    return env


def test_play_starts_the_player_at_the_quote_and_says_why_it_cannot(
        study: Path, tmp_path: Path) -> None:
    silence(study.parent / "IP1.wav", seconds=70)  # a second per character of TEXT
    assert run("media", "attach", str(study), "IP1", str(study.parent / "IP1.wav"))[0] == 0
    players = tmp_path / "bin"
    fake_player(players, "mpv")
    code, _out, err = run("play", str(study), "IP1", "5", "21", env=player_env(players))
    assert code == 0, err
    args = json.loads((players / "args.json").read_text())
    assert "--start=5.00" in args and "--end=21.00" in args and args[-1].endswith("IP1.wav")
    assert "playing IP1's recording 00:05.0-00:21.0 (estimated)" in err
    # Over SSH the sound would play on the server: one line, nothing started.
    (players / "args.json").unlink()
    code, _out, err = run("play", str(study), "IP1", "5", "21",
                          env=player_env(players, SSH_CONNECTION="10.0.0.1 22 10.0.0.2 22"))
    assert code == 1 and "remote session (SSH)" in err and len(err.strip().splitlines()) == 1
    assert not (players / "args.json").exists()
    # No player anywhere: one line saying what to install.
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _out, err = run("play", str(study), "IP1", "5", env={
        **player_env(empty), "PATH": str(empty)})
    assert code == 1 and "no player found: install mpv or ffmpeg" in err
    # A source without a recording says how to attach one.
    with init_project(str(tmp_path / "other.qcode")) as project:
        add_source(project, NewSource(name="IP2", text=TEXT, format="txt"))
    code, _out, err = run("play", str(tmp_path / "other.qcode"), "IP2", "0",
                          env=player_env(players))
    assert code == 1 and "IP2 has no recording; attach one" in err


def test_api_play_returns_at_once_and_stop_ends_the_player(study: Path,
                                                           tmp_path: Path) -> None:
    silence(study.parent / "IP1.wav", seconds=70)
    players = tmp_path / "bin"
    program = fake_player(players, "mpv", seconds=30)
    with api.open(study) as project:
        api.attach_recording(project, "IP1", study.parent / "IP1.wav")
        began = time.monotonic()
        playing = api.play(project, "IP1", 10, 20, player=str(program))
        assert time.monotonic() - began < 5  # never waits for the player
        for _ in range(100):  # the player writes its arguments once it runs
            if (players / "args.json").exists():
                break
            time.sleep(0.05)
        assert json.loads((players / "args.json").read_text())[1:3] == [
            "--start=10.00", "--end=20.00"]
        assert api.stop_playing(playing) is True
        assert playing.poll() is not None and api.stop_playing(playing) is False


@pytest.mark.skipif(shutil.which("ffplay") is None, reason="ffplay is not installed")
def test_a_real_ffplay_plays_the_stretch_and_ends(study: Path, tmp_path: Path) -> None:
    recording = tone(study.parent / "IP1.wav", 10.0)
    assert run("media", "attach", str(study), "IP1", str(recording))[0] == 0
    env = {**player_env(tmp_path), "PATH": os.environ["PATH"], "QCODE_PLAYER": "ffplay",
           "SDL_AUDIODRIVER": "dummy"}  # plays into nothing, at the pace of real sound
    began = time.monotonic()
    code, _out, err = run("play", str(study), "IP1", "2.0s", "3.5s", env=env)
    took = time.monotonic() - began
    assert code == 0, err
    assert 1.4 <= took < 30, took  # it played the 1.5 s stretch, then ended by itself


def test_times_are_shown_as_a_clock() -> None:
    assert [clock(s) for s in (0, 83.46, 3725.96)] == ["00:00.0", "01:23.5", "01:02:06.0"]


def test_listings_and_the_html_report_show_where_each_quote_starts(tmp_path: Path) -> None:
    text = "IP1: We moved in 1998. [00:01:10] Then the subsidy came. It was too late.\n"
    then = text.index("Then")
    study = tmp_path / "study.qcode"
    with init_project(str(study)) as project:
        add_source(project, NewSource(name="IP1", text=text, format="txt",
                                      marks=[(then, 70.0)]))
        api.code(project, "IP1", then, text.index(" It was"), "Subsidy timing")
        api.code(project, "IP1", 5, 21, "Moving")
    code, out, err = run("codings", str(study), "--format", "json")
    assert code == 0, err
    # At the timestamp: its time; before it: estimated from the text's start at 0.
    assert {r["code"]: r["time"] for r in json.loads(out)} == {
        "Subsidy timing": 70.0, "Moving": round(5 / then * 70, 1)}
    with api.open(study) as project:
        assert api.codings(project)["time"].tolist() == [round(5 / then * 70, 1), 70.0]
    assert run("export", "html", str(study), str(tmp_path / "report"))[0] == 0
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert f"{then}\u2013{text.index(' It was')} \u00b7 01:10.0" in page


def test_known_times_move_with_their_words_when_the_text_is_corrected(
        tmp_path: Path) -> None:
    text = "IP1: We moved in 1998. Then the subsidy came. It was too late.\n"
    then, late = text.index("Then"), text.index("It was")
    with init_project(str(tmp_path / "study.qcode")) as project:
        add_source(project, NewSource(name="IP1", text=text, format="txt",
                                      marks=[(then, 70.0), (late, 80.0)]))
        api.code(project, "IP1", late, len(text) - 1, "Too late")
        api.code(project, "IP1", then, late - 1, "Subsidy")
        assert api.codings(project)["time"].tolist() == [70.0, 80.0]
        # Words put in before both marks: each time stays with its words.
        api.edit_text(project, "IP1", text.replace("We moved", "Well, we all moved"))
        assert api.codings(project)["time"].tolist() == [70.0, 80.0]
        # "Then the subsidy came." deleted: its time goes, "It was" keeps 80 s.
        api.edit_text(project, "IP1", api.text(project, "IP1").replace(
            " Then the subsidy came.", ""))
        rows = api.codings(project)
        assert rows.set_index("code").loc["Too late", "time"] == 80.0
        api.undo(project)  # the deletion taken back: both times where they were
        assert api.codings(project)["time"].tolist() == [70.0, 80.0]


def test_a_re_transcribed_file_brings_its_own_timestamps(tmp_path: Path) -> None:
    text = "IP1: We moved in 1998. [00:01:10] Then the subsidy came.\n"
    with init_project(str(tmp_path / "study.qcode")) as project:
        add_source(project, NewSource(name="IP1", text=text, format="txt",
                                      marks=[(text.index("Then"), 70.0)]))
        api.code(project, "IP1", text.index("Then"), len(text) - 1, "Subsidy")
        again = tmp_path / "IP1 corrected.txt"
        again.write_text(text.replace("[00:01:10]", "[00:01:15]"), encoding="utf-8")
        code, _out, err = run("replace", str(tmp_path / "study.qcode"), "IP1", str(again))
        assert code == 0, err
        assert api.codings(project)["time"].tolist() == [75.0]


def test_times_inside_subtitle_cues_are_within_a_tenth_of_a_second(tmp_path: Path) -> None:
    # Ten cues of one speaker (merged into one turn), each spoken at an even 15
    # characters a second with a pause after it: a word inside a cue is found by
    # interpolating between its cue's start and end.
    rate, at, cues, words = 15.0, 3.0, [], []
    for n in range(10):
        line = f"In year {n} the cooperative built {n + 2} more houses together"
        begin, end = at, at + len(line) / rate
        cues.append(f"{n + 1}\n{_vtt_time(begin)} --> {_vtt_time(end)}\n<v Ana>{line}\n")
        words.append((line, "cooperative", begin + line.index("cooperative") / rate))
        at = end + 1.5
    vtt = tmp_path / "IP1.vtt"
    vtt.write_text("WEBVTT\n\n" + "\n".join(cues), encoding="utf-8")
    silence(tmp_path / "IP1.wav", seconds=int(at) + 2)
    study = tmp_path / "study.qcode"
    assert run("init", str(study))[0] == 0
    assert run("import", str(study), str(vtt))[0] == 0  # attaches IP1.wav beside it
    with api.open(study) as project:
        text = api.text(project, "IP1")
        from_here = 0
        for line, word, truth in words:
            position = text.index(line, from_here) + line.index(word)
            from_here = position
            found = api.recording_time(project, "IP1", position)
            assert found.how == INTERPOLATED and abs(found.start - truth) < 0.1, (line, found)


def _vtt_time(seconds: float) -> str:
    whole = int(seconds)
    return f"00:{whole // 60:02d}:{whole % 60:02d}.{int(round((seconds - whole) * 1000)):03d}"


def test_odd_times_and_offsets_are_refused_in_one_line(study: Path, tmp_path: Path) -> None:
    wav = silence(study.parent / "IP1.wav", seconds=20)
    code, _out, err = run("media", "attach", str(study), "IP1", str(wav), "--offset", "nan")
    assert code == 1 and "--offset nan" in err
    assert run("media", "attach", str(study), "IP1", str(wav))[0] == 0
    for start, end, said in [("\u00b2", "5", "give a position in the text"),
                             ("9" * 400 + "s", "5", "give a position in the text"),
                             ("1" * 5000, "5", "give a position in the text"),
                             ("99:99", "5", "give a position in the text"),
                             ("30s", "40s", "past the end of IP1's recording"),
                             ("50", "20", "the end (20) is not after the start (50)")]:
        code, _out, err = run("clip", str(study), "IP1", start, end,
                              "-o", str(tmp_path / "c.wav"))
        assert code == 1 and said in err and len(err.strip().splitlines()) == 1, (start, err)
    # A clip never overwrites the recording it is cut from.
    code, _out, err = run("clip", str(study), "IP1", "0", "20", "-o", str(wav))
    assert code == 1 and "is the recording itself" in err
    assert listed(study)[0]["status"] == "ok"


def test_a_merge_brings_a_new_sources_times_and_recording(tmp_path: Path) -> None:
    text = "IP2: We saved for years. [00:00:12] Then the bank said no.\n"
    ben = tmp_path / "ben" / "study.qcode"
    ben.parent.mkdir()
    with init_project(str(ben)) as project:
        add_source(project, NewSource(name="IP2", text=text, format="txt",
                                      marks=[(text.index("Then"), 12.0)]))
        api.attach_recording(project, "IP2", silence(ben.parent / "IP2.wav", seconds=30))
        api.code(project, "IP2", text.index("Then"), len(text) - 1, "Refusal")
    ana = tmp_path / "ana.qcode"
    with init_project(str(ana)) as project:
        add_source(project, NewSource(name="IP1", text=TEXT, format="txt"))
    code, _out, err = run("merge", str(ana), str(ben))
    assert code == 0, err
    with api.open(ana) as project:
        assert api.codings(project)["time"].tolist() == [12.0]
        assert api.recordings(project)[["source", "path", "status"]].values.tolist() == [
            ["IP2", "ben/IP2.wav", "ok"]]
