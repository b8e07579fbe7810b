"""What this installation of qcode is and can use: `qcode info` without a project.

Read without importing the optional parts themselves (spaCy, the PostgreSQL driver),
so that the answer comes at once: presence from the import system, versions from the
installed packages' metadata.
"""

from __future__ import annotations

import importlib.util
import platform
import sqlite3
import sys
from importlib import metadata
from pathlib import Path

from qcode import __version__
from qcode.store.revisions import head_revision


def installation() -> dict[str, str]:
    """qcode's version and place, its Python and SQLite, and the optional parts found."""
    return {
        "qcode": __version__,
        "schema_version": str(int(head_revision())),
        "installed_at": str(Path(__file__).resolve().parent),
        "python": f"{platform.python_version()} ({sys.executable})",
        "sqlite": sqlite3.sqlite_version,
        "postgresql_driver": _version("psycopg")
        or "not installed (pip install 'psycopg[binary]')",
        "spacy_models": ", ".join(_spacy_models())
        or "none: lemmas come from spaCy's lookup tables (python -m spacy download "
        "en_core_web_sm for trained ones)",
    }


def _version(package: str) -> str | None:
    if importlib.util.find_spec(package) is None:
        return None
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "installed"


def _spacy_models() -> list[str]:
    """Installed spaCy pipelines: packages that declare themselves as spaCy models."""
    found = []
    for distribution in metadata.distributions():
        name = distribution.metadata["Name"] or ""
        if "_core_" in name and any(req.startswith("spacy") for req in distribution.requires or ()):
            found.append(f"{name} {distribution.version}")
    return sorted(set(found))
