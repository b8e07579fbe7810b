"""Listening while reading: space plays the selection from the transcript's recording
and stops it; the side shows the time at the cursor. The player is a fake `mpv` on
PATH that writes down how it was started and plays (sleeps) until stopped."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import fake_player, silence
from tui_helpers import app_for, open_source, record_notices, settle, until

from qcode import api
from qcode.clock import clock
from qcode.tui.screens.reader import ReaderScreen

SOURCE = "IP4_social_worker_agency"
SENTENCE = "I'm grateful for that."


@pytest.fixture
def players(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bin"
    fake_player(folder, "mpv", seconds=60)
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    for name in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "QCODE_PLAYER"):
        monkeypatch.delenv(name, raising=False)
    return folder


async def test_space_plays_the_selected_quote_and_space_stops_it(
        demo_copy: str, players: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    with api.open(demo_copy) as study:
        api.attach_recording(study, SOURCE, silence(tmp_path / "IP4.wav", seconds=600))
    app = app_for(demo_copy)
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_source(pilot, "IP4")
        view.go_to(view.text.index(SENTENCE) + 3)
        await pilot.press("s")
        selection = view.selection
        assert selection is not None
        side = str(app.screen.query_one("#side").render())
        assert "Time " in side and "(estimated)" in side  # no times known inside IP4
        await pilot.press("space")
        await until(pilot, lambda: (players / "args.json").exists())
        with api.open(demo_copy) as study:
            expected = api.recording_time(study, SOURCE, selection.start, selection.end)
        args = json.loads((players / "args.json").read_text())
        assert f"--start={expected.start:.2f}" in args and f"--end={expected.end:.2f}" in args
        assert args[-1].endswith("IP4.wav")
        screen = app.screen
        assert isinstance(screen, ReaderScreen) and screen.playing is not None
        assert screen.playing.poll() is None  # still playing: the UI did not wait for it
        await pilot.press("space")
        await settle(pilot)
        assert screen.playing is None and "Stopped" in notices
        assert any(n.startswith("Playing IP4") for n in notices)
        assert not app.errors


async def test_space_says_why_it_cannot_play(demo_copy: str, players: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_for(demo_copy)
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_source(pilot, "IP4")
        await pilot.press("space")
        await until(pilot, lambda: bool(notices))
        assert any("has no recording; attach one with `qcode media attach" in n
                   for n in notices)
        monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 5022 10.0.0.2 22")
        await pilot.press("space")
        await until(pilot, lambda: any("remote session (SSH)" in n for n in notices))
        assert not (players / "args.json").exists()
        assert not app.errors


async def test_the_quotes_detail_says_where_the_quote_starts(
        demo_copy: str, tmp_path: Path) -> None:
    with api.open(demo_copy) as study:
        first = api.codings(study).iloc[0]
        api.attach_recording(study, first["source"],
                             silence(tmp_path / "IP1.wav", seconds=600))
        expected = api.recording_time(study, first["source"], int(first["start"]))
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await until(pilot, lambda: " at " in str(app.screen.query_one("#detail").render()))
        detail = str(app.screen.query_one("#detail").render())
        assert detail.splitlines()[0].endswith(f" · at {clock(expected.start)}")
        assert not app.errors


async def test_ctrl_r_on_a_source_attaches_its_recording_as_one_step(
        demo_copy: str, tmp_path: Path) -> None:
    recording = silence(tmp_path / "IP4 interview.wav", seconds=90)
    app = app_for(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*"IP4")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press(*f"'{recording}'", "enter")
        await settle(pilot)
        with api.open(demo_copy) as study:
            rows = api.recordings(study)[["source", "duration", "status"]].values.tolist()
        assert rows == [[SOURCE, 90.0, "ok"]]
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press(*str(tmp_path / "nothing.m4a"), "enter")
        await settle(pilot)
        with api.open(demo_copy) as study:  # a bad file changes nothing
            assert len(api.recordings(study)) == 1
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert not app.errors
    with api.open(demo_copy) as study:
        assert api.recordings(study).empty


async def test_ctrl_t_transcribes_a_recording_into_a_new_source(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not shutil.which("espeak-ng"):
        pytest.skip("the speech is made with espeak-ng: apt install espeak-ng (CI does)")
    speech = tmp_path / "IP7.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(speech),
                    "The cooperative built forty houses. Every family worked on "
                    "the walls at the weekend."], check=True)
    location = str(tmp_path / "study.qcode")
    api.init(location, language="en").close()
    app = app_for(location)
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press(*str(speech), "enter")
        await until(pilot, lambda: any(n.startswith("Transcribed IP7") for n in notices),
                    seconds=120)
        assert not app.errors
    with api.open(location) as study:
        (row,) = api.sources(study).to_dict("records")
        assert (row["name"], row["format"], row["recording"]) == (
            "IP7", "transcription", "IP7.wav")
        assert row["transcription"].startswith("pocketsphinx") and row["words"] >= 5
