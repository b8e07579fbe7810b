"""Which schema revisions this qcode knows, read from the names of its migration
scripts ('0006_steps.py'), so that a command can tell whether a project is current
without loading Alembic (qcode.store.migrate does the upgrading)."""

from __future__ import annotations

from functools import cache

from qcode.resources import resource_dir


@cache
def known_revisions() -> list[str]:
    """Every schema revision this qcode knows, oldest first: the migration scripts are
    named for their revision ('0006_steps.py'), each revising the one before."""
    folder = resource_dir("migrations") / "versions"
    found = sorted(path.name.split("_", 1)[0] for path in folder.glob("[0-9]*_*.py"))
    assert found, "migrations/ holds no revision"
    return found


def head_revision() -> str:
    """The newest schema revision this qcode knows."""
    return known_revisions()[-1]


def schema_version(revision: str) -> int:
    """Revision ids are zero-padded numbers ('0002'); the number is the schema version."""
    return int(revision)
