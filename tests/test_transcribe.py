"""`qcode transcribe`: a recording made here with espeak-ng becomes a timed source with
its recording attached, through the real entry point; stopping stores nothing; every
refusal is one line."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from qcode import api
from qcode.cli.main import cli
from qcode.progress import Cancelled
from qcode.store.models import Recording, Source, TimeMark
from qcode.transcribe.layout import to_source
from qcode.transcribe.pocketsphinx_engine import model_files
from qcode.transcribe.recording import transcribe_recording
from qcode.transcribe.transcript import Segment, Transcript, Word

# An interviewee's answer, one sentence after another with a pause between them, as
# espeak-ng speaks it (US English, 150 words a minute).
PARAGRAPH = (
    "I started working at the market when I was sixteen. My father sold fruit and I "
    "helped him every morning before school. It was hard work, but I liked talking to "
    "the people who came every day. Later I opened my own shop in the same street. "
    "Today my daughter works with me, and I hope she will take over the business one day."
)
SPOKEN = PARAGRAPH.replace(". ", '. <break time="1200ms"/> ')


@pytest.fixture(scope="module")
def interview(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """IP7.m4a: the paragraph spoken, encoded as a phone or recorder would (AAC)."""
    needs("espeak-ng", "ffmpeg")
    folder = tmp_path_factory.mktemp("recordings")
    wav = folder / "spoken.wav"
    subprocess.run(["espeak-ng", "-m", "-v", "en-us", "-s", "150", "-w", str(wav), SPOKEN],
                   check=True, capture_output=True)
    m4a = folder / "IP7.m4a"
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", "-i", str(wav), "-c:a", "aac",
                    "-b:a", "64k", str(m4a)], check=True, capture_output=True)
    return m4a


def needs(*programs: str) -> None:
    missing = [program for program in programs if not shutil.which(program)]
    if missing:
        pytest.skip(f"the sound for this test is made with {' and '.join(missing)}: apt "
                    f"install {' '.join(missing)} (CI installs them)")


@pytest.fixture
def study(tmp_path: Path) -> Path:
    location = tmp_path / "study.qcode"
    assert run("init", str(location)).exit_code == 0
    return location


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def recall(text: str) -> float:
    """The share of the paragraph's words found in `text` (each as often as said)."""
    said = Counter(re.findall(r"[a-z']+", PARAGRAPH.lower()))
    heard = Counter(re.findall(r"[a-z']+", text.lower()))
    return sum(min(n, heard[word]) for word, n in said.items()) / sum(said.values())


def stored(location: Path) -> tuple[dict[str, Any], list[tuple[int, float]], float]:
    """The one source as plain values, its time marks, its recording's length."""
    with api.open(location) as project, project.reading() as session:
        source = session.scalars(select(Source)).one()
        marks = session.execute(select(TimeMark.offset, TimeMark.seconds).where(
            TimeMark.source_id == source.id).order_by(TimeMark.offset)).all()
        recording = session.get(Recording, source.id)
        assert recording is not None
        values = {column: getattr(source, column)
                  for column in ("name", "format", "text", "length", "transcription")}
        return values, [(at, seconds) for at, seconds in marks], recording.duration_seconds


def assert_transcribed(location: Path, recording: Path, engine: str, floor: float) -> None:
    """What a researcher relies on: the source, its times, the recording, the note."""
    source, marks, duration = stored(location)
    assert (source["name"], source["format"]) == ("IP7", "transcription")
    times = [seconds for _, seconds in marks]
    assert len(marks) >= 10 and times == sorted(times) and times[-1] > times[0]
    assert 0 <= times[0] and times[-1] <= duration
    assert all(0 <= at <= source["length"] for at, _ in marks)
    how = json.loads(source["transcription"])
    assert how["engine"] == engine and how["language"] == "en" and how["model"]
    assert recall(source["text"]) >= floor, source["text"]
    listed = json.loads(run("media", "list", str(location), "--format", "json").stdout)
    assert [(r["source"], r["status"], r["path"]) for r in listed] == [
        ("IP7", "ok", os.path.relpath(recording, location.parent))]
    (shown,) = json.loads(run("sources", str(location), "--format", "json").stdout)
    assert shown["transcription"].startswith(f"{engine} ")  # what `qcode sources` says


def test_pocketsphinx_transcribes_a_recording_into_a_timed_source(
        study: Path, interview: Path) -> None:
    result = run("transcribe", str(study), str(interview))
    assert result.exit_code == 0, result.output
    assert re.search(r"IP7: 0\.4 min of sound, 5 segments, \d+ words by pocketsphinx",
                     result.stderr), result.stderr
    # Measured 0.56 (36 of 64 words; espeak-ng 1.51, ffmpeg 5.1, pocketsphinx 5.1.1):
    # PocketSphinx's general US English model on a synthetic voice.
    assert_transcribed(study, interview, "pocketsphinx", floor=0.45)
    # The same recording again is said at once, before any model loads.
    again = run("transcribe", str(study), str(interview), "--name", "IP8")
    assert again.exit_code == 1 and "this recording is IP7's already" in again.stderr
    assert run("undo", str(study)).exit_code == 0
    assert json.loads(run("sources", str(study), "--format", "json").stdout) == []


def whisper_model() -> str:
    """A faster-whisper model on this machine: $QCODE_TEST_WHISPER_MODEL (a CTranslate2
    model folder), or tiny.en in faster-whisper's cache; skips when there is none."""
    pytest.importorskip("faster_whisper", reason="faster-whisper is not installed: "
                        "pip install 'qcode[transcribe]'")
    if os.environ.get("QCODE_TEST_WHISPER_MODEL"):
        return os.environ["QCODE_TEST_WHISPER_MODEL"]
    from faster_whisper.utils import download_model

    try:
        download_model("tiny.en", local_files_only=True)
    except Exception:  # the hub's own kinds of "not in the cache"
        pytest.skip("no Whisper model on this machine: set QCODE_TEST_WHISPER_MODEL to a "
                    "CTranslate2 model folder, or fetch tiny.en once with "
                    "`qcode transcribe ... --model tiny.en --download`")
    return "tiny.en"


def test_faster_whisper_transcribes_a_recording_into_a_timed_source(
        study: Path, interview: Path) -> None:
    model = whisper_model()
    result = run("transcribe", str(study), str(interview), "--engine", "faster-whisper",
                 "--model", model)
    assert result.exit_code == 0, result.output
    # Measured 0.97 (62 of 64 words; it wrote "16" for "sixteen") with tiny.en, the
    # smallest Whisper model, int8 on the CPU.
    assert_transcribed(study, interview, "faster-whisper", floor=0.8)


def test_a_cancelled_transcription_stores_nothing(study: Path, interview: Path) -> None:
    seen: list[str] = []
    with api.open(study) as project:
        steps = len(api.history(project, everyone=True))
        with pytest.raises(Cancelled):
            transcribe_recording(project, interview,
                                 progress=lambda _done, _total, what: seen.append(what),
                                 cancelled=lambda: "transcribing" in seen)
        assert api.sources(project).empty
        assert len(api.history(project, everyone=True)) == steps
    assert seen[-1] == "transcribing"  # stopped by the engine, after ffmpeg had finished


def test_ctrl_c_stops_cleanly(study: Path, interview: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_args: object) -> Path:
        raise KeyboardInterrupt

    monkeypatch.setattr("qcode.transcribe.recording.to_wav", interrupted)
    result = run("transcribe", str(study), str(interview))
    assert result.exit_code == 1
    assert result.stderr == "cancelled; nothing was stored\n"
    assert json.loads(run("sources", str(study), "--format", "json").stdout) == []


def refusal(study: Path, *args: str) -> str:
    result = run("transcribe", str(study), *args)
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("qcode: error: "), result.stderr
    return lines[0]


def test_a_missing_file_is_one_line(study: Path, tmp_path: Path) -> None:
    assert "no such file" in refusal(study, str(tmp_path / "IP9.m4a"))


def test_a_file_that_is_not_a_recording_is_one_line(study: Path, tmp_path: Path) -> None:
    notes = tmp_path / "IP9.txt"
    notes.write_text("not sound")
    assert "is not a recording" in refusal(study, str(notes))
    fake = tmp_path / "IP9.m4a"
    fake.write_bytes(b"not sound at all" * 100)
    assert "IP9.m4a" in refusal(study, str(fake))


def test_a_silent_recording_stores_nothing(study: Path, tmp_path: Path) -> None:
    needs("ffmpeg")
    silent = tmp_path / "IP9.wav"  # 3 s: the sound ends on a whole frame of the endpointer
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-f", "lavfi", "-i",
                    "anullsrc=r=16000:cl=mono", "-t", "3", str(silent)], check=True)
    assert "heard no speech" in refusal(study, str(silent))
    assert json.loads(run("sources", str(study), "--format", "json").stdout) == []


def test_pocketsphinx_says_it_knows_english_only(study: Path, interview: Path) -> None:
    line = refusal(study, str(interview), "--language", "de")
    assert "English only" in line and "--engine faster-whisper" in line


def test_a_missing_faster_whisper_says_how_to_install_it(
        study: Path, interview: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "faster_whisper", None)  # import fails as if absent
    line = refusal(study, str(interview), "--engine", "faster-whisper")
    assert "pip install 'qcode[transcribe]'" in line


def test_a_whisper_model_not_on_this_machine_is_never_fetched_unasked(
        study: Path, interview: Path, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    pytest.importorskip("faster_whisper", reason="faster-whisper is not installed")
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    line = refusal(study, str(interview), "--model", "base")
    assert "--download" in line and "base" in line


def test_a_pocketsphinx_model_folder_is_found_in_its_parts() -> None:
    """The folder pocketsphinx ships is laid out as downloaded models are; its small
    phone language model is not taken for the word one."""
    pocketsphinx = pytest.importorskip("pocketsphinx")
    files = model_files(Path(pocketsphinx.get_model_path()))
    assert (files.acoustic / "mdef").is_file()
    assert (files.language_model.name, files.dictionary.name) == (
        "en-us.lm.bin", "cmudict-en-us.dict")


def test_paragraphs_turns_and_marks_follow_the_speech() -> None:
    """A new paragraph at a new speaker and after a long pause; each speaker's turn
    with its times; a mark at every segment's start and end and every word's start."""
    hello = (Word(0.5, 0.9, " Hello,"), Word(1.0, 1.4, " Ana."))
    segments = (Segment(0.5, 1.4, " Hello, Ana.", "Q", hello),
                Segment(2.0, 4.0, " We built it ourselves.", "A"),
                Segment(4.3, 5.0, " All of it.", "A"),
                Segment(9.0, 10.5, " Then the council came.", "A"))
    new = to_source(Transcript(segments, 10.2), "IP1", "IP1.m4a", "en", "{}")
    assert new.text == ("Q: Hello, Ana.\n\nA: We built it ourselves. All of it.\n\n"
                        "Then the council came.")
    assert [(new.text[t.start:t.end], t.speaker, t.begin_seconds, t.end_seconds)
            for t in new.turns] == [
        ("Hello, Ana.", "Q", 0.5, 1.4),
        ("We built it ourselves. All of it.\n\nThen the council came.", "A", 2.0, 10.5)]
    marks = dict(reversed(list(new.marks)))  # the first time given at an offset wins
    assert marks[new.text.index("Ana")] == 1.0
    assert marks[new.text.index("Then")] == 9.0
    assert marks[len(new.text)] == 10.2  # the end, kept inside the recording


def test_the_workbench_can_stop_while_the_sound_is_read(tmp_path: Path) -> None:
    # The workbench stops a job at its next progress report (Escape): reading the sound
    # reports as ffmpeg goes, not only before it starts.
    needs("ffmpeg")
    from helpers import silence

    from qcode.progress import Cancelled
    from qcode.transcribe.audio import to_wav

    calls: list[str] = []

    def progress(_done: int, _total: int, what: str) -> None:
        calls.append(what)
        if len(calls) > 1:
            raise Cancelled()

    with pytest.raises(Cancelled):
        to_wav(silence(tmp_path / "IP1.wav", seconds=30), tmp_path / "sound.wav", 30.0,
               progress, lambda: False)
    assert calls == ["reading the sound", "reading the sound"]
