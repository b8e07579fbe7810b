"""The Python API for scripts and notebooks: open a project, get DataFrames.

    >>> from qcode import api
    >>> with api.open("demo.qcode") as study:
    ...     table = api.mentions(study, by="group")

Every function returns a pandas DataFrame with stable column names; counting happens
in the database.
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

__all__ = ["Filters", "Project", "agreement", "codebook", "coders", "codings", "cooccurrence",
           "kwic", "mentions", "open", "saturation", "terms"]


def open(location: str | Path) -> Project:  # noqa: A001 - reads as api.open(...)
    """Open a project (a .qcode file or a database URL); use it in a `with` block."""
    return open_project(location)


def codings(project: Project) -> pd.DataFrame:
    """Every coding: the columns of `qcode codings --format json`."""
    return pd.DataFrame([asdict(row) for row in list_codings(project)])
