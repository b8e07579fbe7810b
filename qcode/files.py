"""Writing files whole or not at all, and saying plainly why the machine would not.

Every file qcode writes for the user (workbooks, CSV tables, reports, figures, REFI-QDA
archives, maps) is written to a temporary file beside its target and renamed over it
only once complete: a kill, a full disk or a crash leaves the earlier file as it was.
A temporary file left by a killed run carries its target's name and PARTIAL, and the
next write of that target removes it.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from qcode.errors import QcodeError

PARTIAL = ".qcode-partial"

# What to do about the errors of the machine a researcher meets.
_ADVICE = {
    errno.ENOSPC: "free some disk space, or write somewhere else",
    errno.EDQUOT: "free some of your disk quota, or write somewhere else",
    errno.EACCES: "choose a folder you may write to",
    errno.EPERM: "choose a folder you may write to",
    errno.EROFS: "the disk is read-only: write somewhere else",
    errno.EMFILE: "close some programs (too many files are open) and run it again",
    errno.ENFILE: "close some programs (too many files are open) and run it again",
    errno.ENOENT: "create the folder first",
    errno.EISDIR: "give a file name, not a folder",
    errno.EFBIG: "the file would be larger than this system lets one grow; write elsewhere",
}


class MachineError(QcodeError):
    """The machine refused: disk full, no permission, read-only, too many open files."""


def machine_error(exc: OSError, doing: str = "go on") -> MachineError:
    """`exc` as one line: what was being done, what the machine said, what to do."""
    said = exc.strerror or type(exc).__name__
    where = f" ({exc.filename})" if exc.filename and str(exc.filename) not in doing else ""
    advice = _ADVICE.get(exc.errno or 0, "check the disk and run it again")
    return MachineError(f"cannot {doing}: {said}{where}; {advice}")


def os_error_in(exc: BaseException) -> OSError | None:
    """The OSError behind `exc`, when a library wrapped one (xlsxwriter's FileCreateError
    holds it in its arguments; others chain it)."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError):
            return current
        todo += [current.__cause__, current.__context__]
        todo += [a for a in current.args if isinstance(a, BaseException)]
    return None


@contextmanager
def written(target: Path) -> Iterator[Path]:
    """A temporary path to write `target` to; renamed to `target` when the block ends.

    If the block fails, or the machine refuses, the temporary file goes and `target`
    is as it was. A machine's refusal becomes a MachineError (one line).
    """
    target = Path(target)
    remove_leftovers(target)
    temporary = target.with_name(f".{target.name}.{os.getpid()}{PARTIAL}")
    try:
        yield temporary
        os.replace(temporary, target)
    except BaseException as exc:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)
        cause = os_error_in(exc)
        if cause is not None and not isinstance(exc, QcodeError):
            raise machine_error(cause, f"write {target}") from exc
        raise


@contextmanager
def written_text(target: Path) -> Iterator[IO[str]]:
    """A UTF-8 text handle whose content becomes `target` whole when the block ends."""
    with written(target) as temporary, temporary.open("w", encoding="utf-8",
                                                      newline="") as handle:
        yield handle


@contextmanager
def private_folder() -> Iterator[Path]:
    """A temporary folder of this run, named qcode-PID-... in the system's temp folder.

    Folders of earlier runs that were killed before they could remove theirs (their
    process is gone) are removed first, so a kill leaves nothing behind for long.
    """
    base = Path(tempfile.gettempdir())
    with suppress(OSError):
        for left in base.glob("qcode-*-*"):
            pid = left.name.split("-")[1]
            mine = pid == str(os.getpid())  # this run's, perhaps in use by another thread
            if left.is_dir() and pid.isdigit() and not mine and not _running(int(pid)):
                shutil.rmtree(left, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=f"qcode-{os.getpid()}-") as folder:
        yield Path(folder)


def remove_leftovers(target: Path) -> None:
    """Temporary files of earlier writes of `target` whose process is gone (killed before
    it could rename); one still being written by a running qcode is left alone."""
    with suppress(OSError):
        for left in target.parent.glob(f".{target.name}.*{PARTIAL}"):
            pid = left.name[len(target.name) + 2:-len(PARTIAL)]
            if pid.isdigit() and _running(int(pid)):
                continue
            with suppress(OSError):
                left.unlink()


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process is not writing it now: a leftover of ours
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True
