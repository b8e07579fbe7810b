"""Work that takes more than a second shows that it goes on, on a terminal (issue 16:
`report terms --kwic` took 10-16 s on the demo with no sign of life), and says nothing
extra when stderr is a file or a pipe, where scripts read it."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

import pytest


def stderr_on_a_terminal(*args: str) -> tuple[int, str]:
    """Run qcode with its stderr on a pseudo-terminal; what the terminal received."""
    main, replica = os.openpty()
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm"}
    process = subprocess.Popen([sys.executable, "-m", "qcode", *args], stdout=subprocess.DEVNULL,
                               stderr=replica, env=env)
    os.close(replica)
    seen = b""
    while True:
        ready, _, _ = select.select([main], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        elif process.poll() is not None:
            break
    os.close(main)
    return process.wait(timeout=120), seen.decode("utf-8", "replace")


@pytest.mark.parametrize(("args", "shown"), [
    (["report", "terms", "{demo}", "--kwic", "construir"], "finding 'construir'"),
    (["report", "terms", "{demo}", "--top", "2"], "reading the quotes' lemmas"),
    (["export", "xlsx", "{demo}", "{folder}/coded.xlsx"], "writing the workbook"),
])
def test_a_long_report_shows_progress_on_a_terminal_only(built_demo: Path, args: list[str],
                                                         shown: str, tmp_path: Path) -> None:
    args = [a.format(demo=built_demo, folder=tmp_path) for a in args]
    code, terminal = stderr_on_a_terminal(*args)
    assert code == 0 and shown in terminal, terminal[-500:]
    piped = subprocess.run([sys.executable, "-m", "qcode", *args], capture_output=True,
                           text=True, timeout=120)
    assert piped.returncode == 0 and shown not in piped.stderr
