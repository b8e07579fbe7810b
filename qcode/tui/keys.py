"""Every workbench key has a name (its binding id), so a keymap file can move it.

A binding's id is `SCREEN.WHAT`: the screen (or `app`, `workbench` for keys of every
screen, `transcript` for the reader's text) and its description in lower case with
underscores, e.g. `reader.repeat_code`, `workbench.undo`, `app.search`. F1 lists them.
The researcher's keymap is `keys.toml` in the settings folder (see qcode.tui.settings):

    "reader.repeat_code" = "R"
    "workbench.undo" = "ctrl+z,u"
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from textual.binding import Binding, BindingType

from qcode.tui.settings import settings_file


def binding_id(prefix: str, binding: Binding) -> str:
    words = re.sub(r"[^0-9a-z]+", "_", (binding.description or binding.action).lower())
    return f"{prefix}.{words.strip('_')}"


def named(prefix: str, bindings: Iterable[BindingType]) -> list[BindingType]:
    """The bindings, each given an id from `prefix` and its description (unless it has
    one). Tuples (Textual's short form) are left as they are."""
    return [replace(b, id=b.id or binding_id(prefix, b)) if isinstance(b, Binding) else b
            for b in bindings]


def keymap_file() -> Path:
    return settings_file().with_name("keys.toml")


def load_keymap() -> tuple[dict[str, str], str | None]:
    """The researcher's keymap, and a one-line problem with the file (then no keymap)."""
    path = keymap_file()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, f"{path}: {exc}; the default keys are used (F1 lists them)"
    wrong = [name for name, keys in data.items() if not isinstance(keys, str) or not keys]
    if wrong:
        return {}, (f"{path}: {wrong[0]!r} must be keys in quotes, e.g. "
                    f'"{wrong[0]}" = "ctrl+k"; the default keys are used')
    return dict(data), None
