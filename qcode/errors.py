"""Errors a user can act on. The CLI prints them as one line; nothing else is caught."""

from __future__ import annotations


class QcodeError(Exception):
    """Base class: the message says what went wrong, where, and what to do."""


class ProjectError(QcodeError):
    """The project file or URL cannot be opened, created or upgraded."""


class ProjectBusyError(ProjectError):
    """Another program held the project's write lock for longer than qcode waits."""


class InputError(QcodeError):
    """A file or value given by the user cannot be used."""


class NotFoundError(QcodeError):
    """A named source, case, code or subdivision does not exist."""


class ConstraintError(QcodeError):
    """The operation would break a rule of the store (span out of range, orphaned codings)."""


def reason(exc: BaseException, limit: int = 200) -> str:
    """A library's exception as a short phrase for an error line: one line, not too long.

    Messages of parsers (lxml, openpyxl, pypdf) may run over several lines, and the
    CLI's error is one line.
    """
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."
