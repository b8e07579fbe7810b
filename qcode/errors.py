"""Errors a user can act on. The CLI prints them as one line; nothing else is caught."""

from __future__ import annotations


class QcodeError(Exception):
    """Base class: the message says what went wrong, where, and what to do."""


class ProjectError(QcodeError):
    """The project file or URL cannot be opened, created or upgraded."""


class InputError(QcodeError):
    """A file or value given by the user cannot be used."""


class NotFoundError(QcodeError):
    """A named source, case, code or subdivision does not exist."""


class ConstraintError(QcodeError):
    """The operation would break a rule of the store (span out of range, orphaned codings)."""
