"""Every file qcode writes is whole or not there, and the machine's refusals are one line.

Rows of issue 15's table: kill -9 while `export xlsx` / `export csv` writes (the earlier
workbook was destroyed), a full disk during `export xlsx` / `export qdpx` ("internal
error", the earlier file replaced by an unreadable one), a case named "Cases".
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hostile.check import one_line_refusal, run, succeeded
from qcode.files import PARTIAL


@pytest.fixture
def study(built_demo: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo.qcode"
    path.write_bytes(built_demo.read_bytes())
    return path


def _earlier(path: Path) -> bytes:
    """A good earlier export at `path`, as the researcher has it from last week."""
    data = path.read_bytes()
    assert data
    return data


def _limited_disk(limit: int) -> None:
    # In the child: no file may grow past `limit` bytes, and writing past it is an
    # error (EFBIG), not a signal: the machine refusing, as a full disk does.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


EXPORTS = {
    "xlsx": ("coded.xlsx", lambda out: ["export", "xlsx", out]),
    "qdpx": ("demo.qdpx", lambda out: ["export", "qdpx", out]),
    "csv": ("tables/codings.csv", lambda out: ["export", "csv", out.parent]),
}


@pytest.mark.parametrize("kind", sorted(EXPORTS))
def test_a_full_disk_during_an_export_is_one_line_and_keeps_the_earlier_file(
        study: Path, tmp_path: Path, kind: str) -> None:
    name, args = EXPORTS[kind]
    target = tmp_path / name
    target.parent.mkdir(exist_ok=True)
    succeeded(run(*args(target)[:2], study, *args(target)[2:]))
    before = _earlier(target)
    result = subprocess.run(
        [sys.executable, "-m", "qcode", *args(target)[:2], str(study), str(args(target)[2])],
        capture_output=True, text=True, timeout=120, preexec_fn=lambda: _limited_disk(50_000))
    line = one_line_refusal(result.stderr, result.returncode, target.name,
                            "File too large", "write elsewhere")
    assert "internal error" not in line
    assert target.read_bytes() == before
    assert not list(target.parent.glob(f"*{PARTIAL}"))


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_an_export_killed_while_writing_leaves_the_earlier_file(
        study: Path, tmp_path: Path, kind: str) -> None:
    name, args = EXPORTS[kind]
    target = tmp_path / name
    target.parent.mkdir(exist_ok=True)
    succeeded(run(*args(target)[:2], study, *args(target)[2:]))
    before = _earlier(target)
    child = subprocess.Popen(
        [sys.executable, "-m", "qcode", *args(target)[:2], str(study), str(args(target)[2])],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while child.poll() is None and not list(target.parent.glob(f"*{PARTIAL}")):
        assert time.monotonic() < deadline
        time.sleep(0.005)
    child.send_signal(signal.SIGKILL)  # while it writes (or just after, on a fast day)
    child.wait()
    assert target.read_bytes() == before or child.returncode == 0
    if kind == "xlsx":
        load_workbook(target)  # whole, whichever it is
    # The next export cleans up what the killed one left, and writes the file whole.
    succeeded(run(*args(target)[:2], study, *args(target)[2:]))
    assert not list(target.parent.glob(f"*{PARTIAL}"))
    assert target.read_bytes()


def test_a_case_named_like_a_sheet_of_the_workbook_gets_a_sheet_of_its_own(
        tmp_path: Path) -> None:
    from hostile.check import new_project

    study = new_project(tmp_path)
    transcripts = []
    for case in ("Cases", "Codebook", "Mentions by group"):
        path = tmp_path / f"{case}.txt"
        path.write_text(f"{case}: the rent was high.\n{case}: again.\n", encoding="utf-8")
        transcripts.append(path)
    people = tmp_path / "people.csv"
    people.write_text("case,file\n" + "".join(f"{p.stem},{p.name}\n" for p in transcripts),
                      encoding="utf-8")
    succeeded(run("import", study, *transcripts, "--participants", people))
    for path in transcripts:
        succeeded(run("code", study, path.stem, 0, 5, "Rent"))
    out = tmp_path / "coded.xlsx"
    succeeded(run("export", "xlsx", study, out))
    names = load_workbook(out).sheetnames
    assert len(names) == len(set(names))
    assert {"Cases", "Codebook", "Mentions by group", "Cases (2)", "Codebook (2)"} <= set(names)
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None
    assert os.path.getsize(out) > 0


@pytest.mark.parametrize("kind", ["docx", "sheet", "participants"])
def test_a_password_protected_office_file_is_named_as_such(tmp_path: Path, kind: str) -> None:
    """Office encrypts a .docx/.xlsx into an OLE container; qcode said "damaged"."""
    import docx
    from msoffcrypto.format.ooxml import OOXMLFile
    from openpyxl import Workbook

    from hostile.check import dump, new_project

    study = new_project(tmp_path)
    plain = tmp_path / ("plain.docx" if kind == "docx" else "plain.xlsx")
    if kind == "docx":
        document = docx.Document()
        document.add_paragraph("IP1: the rent was high.")
        document.save(str(plain))
    else:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(["quote", "code"] if kind == "sheet" else ["case", "group"])
        sheet.append(["the rent was high", "Rent"] if kind == "sheet" else ["IP1", "NGO"])
        book.save(plain)
    locked = tmp_path / ("locked" + plain.suffix)
    with plain.open("rb") as source, locked.open("wb") as out:
        OOXMLFile(source).encrypt("secret", out)
    transcript = tmp_path / "IP1.txt"
    transcript.write_text("IP1: the rent was high.\nIP1: again.\n", encoding="utf-8")
    if kind == "sheet":
        succeeded(run("import", study, transcript))
    before = dump(study)
    args = {"docx": ["import", study, locked],
            "sheet": ["sheet", "import", study, locked],
            "participants": ["import", study, transcript, "--participants", locked]}[kind]
    result = run(*args)
    stderr = result.stderr.strip().splitlines()[-1]
    one_line_refusal(stderr, result.exit_code, locked.name, "password-protected")
    assert dump(study) == before
