"""Layers point one way: nothing below the TUI imports Textual."""

from __future__ import annotations

import json
import subprocess
import sys

CORE = ["qcode.store.models", "qcode.store.migrate", "qcode.services.coding",
        "qcode.services.sources", "qcode.services.cases", "qcode.ingest.importer",
        "qcode.ingest.demo", "qcode.cli.main", "qcode.services.history",
        "qcode.services.coding_edit", "qcode.services.codebook_edit", "qcode.reports.quotes",
        "qcode.ingest.sentences", "qcode.api"]


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
    assert set(json.loads(done.stdout)) <= {"qcode.errors", "qcode.resources"}
