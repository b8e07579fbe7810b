"""Layers point one way: nothing below the TUI imports Textual."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

CORE = ["qcode.store.models", "qcode.store.migrate", "qcode.services.coding",
        "qcode.services.sources", "qcode.services.cases", "qcode.ingest.importer",
        "qcode.ingest.demo", "qcode.cli.main", "qcode.services.history",
        "qcode.services.coding_edit", "qcode.services.codebook_edit", "qcode.reports.quotes",
        "qcode.ingest.sentences", "qcode.api", "qcode.reports.search",
        "qcode.services.autocode", "qcode.services.source_edit", "qcode.services.check",
        "qcode.services.blind", "qcode.reports.unitizing", "qcode.interop.qualcoder_import"]
PACKAGE = Path(__file__).resolve().parents[1] / "qcode"
# What each layer may not import: layers point one way (docs: engineering.md).
ABOVE = {
    "store": ("qcode.services", "qcode.reports", "qcode.ingest", "qcode.export",
              "qcode.interop", "qcode.cli", "qcode.tui"),
    "services": ("qcode.reports", "qcode.ingest", "qcode.export", "qcode.interop",
                 "qcode.cli", "qcode.tui"),
    "reports": ("qcode.cli", "qcode.tui"),
    "ingest": ("qcode.cli", "qcode.tui"),
    "export": ("qcode.cli", "qcode.tui"),
    "interop": ("qcode.cli", "qcode.tui"),
    # Playing, probing and cutting recordings know nothing of projects.
    "media": ("qcode.services", "qcode.reports", "qcode.ingest", "qcode.export",
              "qcode.interop", "qcode.cli", "qcode.tui"),
    "transcribe": ("qcode.cli", "qcode.tui"),
    "suggest": ("qcode.cli", "qcode.tui"),
}


def test_core_modules_do_not_import_textual() -> None:
    code = (
        "import importlib, json, sys\n"
        f"for name in {CORE!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert json.loads(done.stdout) == []


def test_the_store_does_not_import_services_or_cli() -> None:
    code = (
        "import json, sys, qcode.store.models, qcode.store.migrate, qcode.store.engine\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('qcode.')"
        " and not m.startswith('qcode.store'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert set(json.loads(done.stdout)) <= {"qcode.errors", "qcode.resources",
                                            "qcode.vocabulary"}


def test_each_layer_imports_only_the_layers_beneath_it() -> None:
    wrong = []
    for layer, forbidden in ABOVE.items():
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                wrong += [f"{path.relative_to(PACKAGE)} imports {n}" for n in names
                          if n.startswith(forbidden)]
    assert wrong == []


def test_no_importer_imports_an_exporter() -> None:
    """Readers and writers of a format share only interop/refi.py, never each other."""
    wrong = []
    readers = [*(PACKAGE / "interop").glob("*_import.py"), *(PACKAGE / "ingest").rglob("*.py")]
    for path in sorted(readers):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and (
                    node.module.endswith("_export") or node.module.startswith("qcode.export")):
                wrong.append(f"{path.relative_to(PACKAGE)} imports {node.module}")
    assert wrong == []
