"""A command loads only what it needs: `qcode --help`, `qcode info` and every
COMMAND --help answer without SQLAlchemy, Alembic, pandas, spaCy, matplotlib, Textual,
openpyxl or rich (issue 16; the seconds are measured by bench/cli.py, not here)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from qcode.cli.main import COMMAND_MODULES

HEAVY = ("sqlalchemy", "alembic", "pandas", "spacy", "matplotlib", "textual", "openpyxl",
         "rich", "numpy", "rapidfuzz")

# Runs the entry point in a fresh interpreter, then lists the heavy packages it loaded.
PROBE = """
import json, sys
from qcode.cli.main import cli
try:
    cli(sys.argv[1:], prog_name="qcode")
except SystemExit:
    pass
print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(HEAVY))),
      file=sys.stderr)
""".replace("HEAVY", repr(HEAVY))


def loaded(*args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True,
                          text=True, timeout=60)
    return json.loads(done.stderr.strip().splitlines()[-1])


def test_importing_the_command_line_loads_no_heavy_package() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import sys, qcode.cli.main; "
         "print(sorted({m.split('.')[0] for m in sys.modules}))"],
        capture_output=True, text=True, check=True, timeout=60)
    assert not set(eval(done.stdout)) & set(HEAVY), done.stdout


@pytest.mark.parametrize(("args", "needed"), [(["--help"], []), (["info", "--json"], []),
                                             (["info"], ["rich"])],  # rich draws the table
                         ids=["--help", "info --json", "info"])
def test_help_and_info_load_no_heavy_package(args: list[str], needed: list[str]) -> None:
    assert loaded(*args) == needed


def test_every_command_help_loads_no_heavy_package() -> None:
    """All commands' --help in one interpreter: what one loads, all would show."""
    script = PROBE.replace("cli(sys.argv[1:], prog_name=\"qcode\")", """
    for name in NAMES:
        try:
            cli([*name.split(), "--help"], prog_name="qcode")
        except SystemExit:
            pass""").replace("from qcode.cli.main import cli", "from qcode.cli.main import cli\n"
                             f"NAMES = {_all_commands()!r}")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert json.loads(done.stderr.strip().splitlines()[-1]) == [], done.stderr[-2000:]


def _all_commands() -> list[str]:
    """Every command and subcommand (`report mentions`, `import qdpx`...)."""
    import click

    from qcode.cli.main import cli

    names = []
    context = click.Context(cli)
    for name in cli.list_commands(context):
        command = cli.get_command(context, name)
        names.append(name)
        if isinstance(command, click.Group):
            names += [f"{name} {sub}" for sub in command.list_commands(context)]
    return names


def test_the_registry_names_every_command_of_its_modules() -> None:
    import importlib

    for module, names in COMMAND_MODULES.items():
        commands = importlib.import_module(f"qcode.cli.{module}").COMMANDS
        assert [c.name for c in commands] == names, module


def test_info_without_a_project_says_what_this_qcode_is() -> None:
    from click.testing import CliRunner

    from qcode import __version__
    from qcode.cli.main import cli
    from qcode.store.revisions import head_revision

    result = CliRunner().invoke(cli, ["info", "--json"])
    assert result.exit_code == 0, result.output
    [facts] = json.loads(result.stdout)
    assert facts["qcode"] == __version__
    assert facts["schema_version"] == str(int(head_revision()))
    assert facts["sqlite"].count(".") == 2
