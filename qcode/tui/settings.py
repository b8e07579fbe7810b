"""What the workbench remembers between sessions: the current coder and the theme.

Kept as JSON in the user's config folder (platformdirs), or in $QCODE_CONFIG_DIR.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import platformdirs


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
