"""What the workbench remembers between sessions: the current coder and the theme, and
per project what a screen was left like (the codebook's collapsed groups).

Kept as JSON in the user's config folder (platformdirs), or in $QCODE_CONFIG_DIR.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import platformdirs

from qcode.services.project import describe_location


def settings_file() -> Path:
    folder = os.environ.get("QCODE_CONFIG_DIR") or platformdirs.user_config_dir("qcode")
    return Path(folder) / "settings.json"


def load() -> dict[str, Any]:
    try:
        data = json.loads(settings_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):  # first run, or a file edited by hand into nonsense
        return {}
    return data if isinstance(data, dict) else {}


def remember(**values: Any) -> None:
    """Store these settings next to the others; a failure to write is not fatal."""
    data = load()
    data.update(values)
    path = settings_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    except OSError:
        pass


def project_key(location: str) -> str:
    """How a project is told apart in the settings: its file, or its URL (no password)."""
    if "://" in location:
        return describe_location(location)
    return str(Path(location).expanduser().resolve())


def for_project(name: str, location: str) -> Any:
    """The setting `name` remembered for the project at `location`, or None."""
    per_project = load().get(name)
    return per_project.get(project_key(location)) if isinstance(per_project, dict) else None


def remember_for_project(name: str, location: str, value: Any) -> None:
    """Store the setting `name` for this project only: two studies never mix."""
    per_project = load().get(name)
    if not isinstance(per_project, dict):
        per_project = {}
    per_project[project_key(location)] = value
    remember(**{name: per_project})
