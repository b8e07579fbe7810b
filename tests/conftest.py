"""Shared fixtures: a fresh project on SQLite and, where configured, on PostgreSQL.

Store tests take the `location` fixture and run once per backend. PostgreSQL runs
when QCODE_TEST_DATABASE_URL names a server (CI sets it); each test gets a database of
its own, dropped afterwards. Without the variable those runs skip with the reason.
If the variable is set but the server cannot be reached, the tests fail: a CI run
must not pass by silently skipping PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from qcode.services.project import Project, init_project

# The same commit always passes or always fails: examples are derived from each test,
# not drawn at random, and no database of earlier failures changes what runs. The
# `fuzz` profile (QCODE_HYPOTHESIS=fuzz, or `pytest -m fuzz --hypothesis-profile fuzz`)
# draws fresh random examples, more of them, for a developer to run before stopping;
# what it finds becomes an @example in the test.
settings.register_profile("ci", derandomize=True, database=None, deadline=None,
                          print_blob=True)
settings.register_profile("fuzz", derandomize=False, database=None, deadline=None,
                          max_examples=500, print_blob=True)
settings.load_profile(os.environ.get("QCODE_HYPOTHESIS", "ci"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every property test is also marked `fuzz`, so `pytest -m fuzz` runs just those."""
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.fuzz)

PG_URL = os.environ.get("QCODE_TEST_DATABASE_URL")
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(autouse=True)
def _coder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("QCODE_CODER", "tester")
    # The workbench remembers the coder and theme: never in the real user's settings.
    monkeypatch.setenv("QCODE_CONFIG_DIR", str(tmp_path / "config"))
    # The workbench's look for other coders' work stays off unless a test wants it.
    monkeypatch.setenv("QCODE_POLL_SECONDS", "0")


@pytest.fixture
def pg_database() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    with new_pg_database() as url:
        yield url


@contextmanager
def new_pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for as long as the block runs."""
    if not PG_URL:
        pytest.skip("PostgreSQL store tests need QCODE_TEST_DATABASE_URL (CI sets it)")
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"qcode_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo study, built once per test run through the real `qcode demo`."""
    from click.testing import CliRunner

    from qcode.cli.main import cli

    path = tmp_path_factory.mktemp("demo") / "demo.qcode"
    result = CliRunner().invoke(cli, ["demo", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def demo_copy(built_demo: Path, tmp_path: Path) -> str:
    """A fresh copy of the demo study for one test to change."""
    return str(shutil.copy(built_demo, tmp_path / "demo.qcode"))


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new project goes: a .qcode file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "study.qcode")
    return str(request.getfixturevalue("pg_database"))


@pytest.fixture
def project(location: str) -> Iterator[Project]:
    with init_project(location, name="Test study") as created:
        yield created


def shared_samples(*parts: str) -> Path:
    """A file under ../shared/samples, or skip: a plain clone has no ../shared."""
    path = SHARED.joinpath("samples", *parts)
    if not path.exists():
        pytest.skip(f"{path} is not here (shared/ sits beside the checkout in CI)")
    return path


def _quick_idle_checks() -> None:
    """The Pilot waits for the app to go idle after every key: by default it looks every
    20 ms, so each key costs at least 40 ms and typing a code name most of a second.
    Looking every 5 ms (and calling idle a window with under a twentieth of it busy,
    the same rule) gives the same answer four times sooner."""
    import textual._wait

    textual._wait.SLEEP_GRANULARITY = 0.005
    textual._wait.SLEEP_IDLE = 0.005 / 20


_quick_idle_checks()
