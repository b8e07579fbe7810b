"""Where the files that ship with qcode (migrations, corpora) are found."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The folder `name` ('migrations' or 'corpora').

    An installed wheel carries them inside the package (qcode/migrations); a checkout
    or an editable install keeps them at the top of the repository.
    """
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"qcode's {name}/ folder is missing from this installation")
