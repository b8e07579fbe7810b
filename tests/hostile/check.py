"""Running qcode on hostile input and checking what a user would see.

Every hostile input must end one of two ways: a correct import (the test asserts the
content), or exit code 1 with exactly one line on stderr that names the file, no
traceback, no "internal error", and the project's SQL dump unchanged.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from qcode.cli.main import cli


def run(*args: object) -> Result:
    """`qcode ARGS...` through the real entry point, in this process."""
    return CliRunner().invoke(cli, [str(a) for a in args])


def run_process(*args: object, timeout: float = 30, memory: int | None = None,
                open_files: int | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m qcode ARGS...` in a child process that may not outlive `timeout`, nor
    take more than `memory` bytes of address space (past it an allocation fails), nor
    hold more than `open_files` files open at once (macOS allows 256 by default)."""
    env = {**os.environ, "COLUMNS": "200"}

    def limited() -> None:
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        if open_files is not None:
            hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
            resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, hard))

    return subprocess.run([sys.executable, "-m", "qcode", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, env=env,
                          preexec_fn=limited)


def dump(project: Path) -> str:
    """Everything the .qcode file holds, as SQL: equal dumps are equal projects."""
    connection = sqlite3.connect(project)
    try:
        return "\n".join(connection.iterdump())
    finally:
        connection.close()


def new_project(folder: Path, name: str = "study.qcode") -> Path:
    path = folder / name
    result = run("init", path)
    assert result.exit_code == 0, result.output
    return path


def copy_project(template: Path, folder: Path, name: str = "copy.qcode") -> Path:
    return Path(shutil.copy(template, folder / name))


def one_line_refusal(stderr: str, exit_code: int, names: str, *words: str) -> str:
    """The single stderr line of a refusal; it names `names` and holds each of `words`."""
    assert exit_code == 1, f"exit code {exit_code}: {stderr}"
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{stderr}"
    line = lines[0]
    assert names in line, f"{names!r} not named in: {line}"
    for word in words:
        assert word in line, f"{word!r} not in: {line}"
    return line


def refused(result: Result, project: Path, before: str, names: str, *words: str) -> str:
    """`result` was a one-line refusal that left `project` exactly as `before`."""
    line = one_line_refusal(result.stderr, result.exit_code, names, *words)
    assert dump(project) == before, f"the project changed although {names} was refused"
    return line


def succeeded(result: Result) -> None:
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def sources(project: Path) -> dict[str, str]:
    """Source name -> its stored text, read through the CLI as a user would."""
    listed = run("sources", project, "--json")
    succeeded(listed)
    texts = {}
    for row in json.loads(listed.stdout):
        shown = run("text", project, row["name"])
        succeeded(shown)
        texts[row["name"]] = shown.stdout
    return texts


def codings(project: Path) -> list[dict[str, Any]]:
    listed = run("codings", project, "--json")
    succeeded(listed)
    rows: list[dict[str, Any]] = json.loads(listed.stdout)
    return rows


def check_clean(project: Path) -> None:
    """`qcode check` finds nothing wrong with `project` (issue 9: after every such test)."""
    result = run("check", project, "--json")
    assert result.exit_code == 0, f"qcode check found problems:\n{result.output}"
