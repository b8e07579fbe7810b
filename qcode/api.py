"""The Python API for scripts and notebooks: open a project, get DataFrames, change it.

    >>> from qcode import api
    >>> with api.open("demo.qcode") as study:
    ...     table = api.mentions(study, by="group")
    ...     coding = api.code(study, "IP3_interview", 120, 245, "Self-management")
    ...     api.undo(study)

Reading functions return a pandas DataFrame with stable column names; counting happens
in the database. Writing functions are steps, exactly as the workbench's keys and the
`qcode` commands are: each one is in `qcode history` and `api.undo` takes it back.
Each returns what it created.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pandas as pd

from qcode.reports.agreement import agreement
from qcode.reports.coders import coders
from qcode.reports.cooccurrence import cooccurrence
from qcode.reports.mentions import Filters, mentions
from qcode.reports.progress import codebook, saturation
from qcode.reports.terms import kwic, terms
from qcode.services.coding import list_codings
from qcode.services.project import Project, open_project
from qcode.writes import (
    code,
    create_code,
    create_subdivision,
    history,
    import_files,
    link,
    memo,
    merge_codes,
    redo,
    remove_coding,
    rename_code,
    rename_subdivision,
    set_attributes,
    undo,
)

__all__ = ["Filters", "Project", "agreement", "code", "codebook", "coders", "codings",
           "cooccurrence", "create_code", "create_subdivision", "history", "import_files",
           "kwic", "link", "memo", "mentions", "merge_codes", "open", "redo", "remove_coding",
           "rename_code", "rename_subdivision", "saturation", "set_attributes", "terms", "undo"]


def open(location: str | Path) -> Project:  # noqa: A001 - reads as api.open(...)
    """Open a project (a .qcode file or a database URL); use it in a `with` block."""
    return open_project(location)


def codings(project: Project) -> pd.DataFrame:
    """Every coding: the columns of `qcode codings --format json`."""
    return pd.DataFrame([asdict(row) for row in list_codings(project)])
