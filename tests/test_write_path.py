"""One write path: only the service layer opens transactions, and only through steps.

Read from the source (like the layering test): a front end or importer that opened a
session of its own could change the project without a step, out of reach of undo and
of the revision the workbench follows.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "qcode"
# The step machinery itself: the only modules that open a raw transaction.
RAW_TRANSACTIONS = {"services/project.py", "services/steps.py", "services/history.py"}
# Calls that open or end a transaction or a connection of one's own.
SESSION_CALLS = {"begin", "begin_nested", "commit", "connect", "transaction"}


def _calls(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            name = (func.attr if isinstance(func, ast.Attribute)
                    else func.id if isinstance(func, ast.Name) else "")
            # Reading another program's file (a QualCoder project) is not the project.
            if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                    and func.value.id == "sqlite3"):
                found.append((node.lineno, name))
    return found


def _modules() -> list[tuple[str, Path]]:
    return [(str(p.relative_to(PACKAGE)), p) for p in sorted(PACKAGE.rglob("*.py"))]


def test_nothing_above_the_services_opens_a_transaction() -> None:
    wrong = [f"{name}:{line} calls {call}()" for name, path in _modules()
             if not name.startswith(("services/", "store/"))
             for line, call in _calls(path) if call in SESSION_CALLS | {"Session"}]
    assert wrong == []


def test_only_the_step_machinery_opens_a_raw_transaction() -> None:
    wrong = [f"{name}:{line} calls {call}()" for name, path in _modules()
             if name not in RAW_TRANSACTIONS
             for line, call in _calls(path) if call in {"transaction", "Session"}]
    assert wrong == []


def test_the_test_would_see_a_front_end_opening_a_session(tmp_path: Path) -> None:
    """The check reads calls as written: a CLI command opening a session is caught."""
    sample = tmp_path / "cmd.py"
    sample.write_text("def f(p):\n    with p.transaction() as s:\n        s.commit()\n")
    assert [call for _, call in _calls(sample)] == ["transaction", "commit"]
