"""Every public function of `qcode.api` has an example that runs, and docs/api.md shows it.

Each example runs with doctest on its own copy of the demo study, opened as `study`,
with `api` and an empty folder `folder` for files (holding `housing.qda`, a small
QualCoder project, for `import_qualcoder`, and `interview.wav`, a minute of silence, for
the recordings' functions). An example must leave the study as it found
it (every table compared before and after), so a reader can run the examples one
after another in a notebook.

docs/api.md is rendered from the docstrings (signature and docstring per function,
under the headings of `api.SECTIONS`); a test fails while it is behind them. Running
this file writes it: `python tests/test_api_docs.py`.
"""

from __future__ import annotations

import doctest
import inspect
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import silence, snapshot
from test_qualcoder_import import qualcoder_project

from qcode import api

DOCS = Path(__file__).resolve().parents[1] / "docs" / "api.md"
FUNCTIONS = [name for names in api.SECTIONS.values() for name in names]
# Reading the study, then writing it, the way docs/api.md shows them.
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
# Examples that cannot leave the study as they found it, and why (their text says so).
CHANGING = {
    # Editing a text forgets the older undo steps on that source (their offsets no
    # longer hold), so the edit a restore goes back from cannot be undone after it:
    # the text is as it was, and two saved versions remain.
    "restore_version": {"source_versions"},
}

INTRO = """\
# The Python API: `qcode.api`

<!-- Generated from the docstrings of qcode/api.py, qcode/reads.py and qcode/writes.py:
after changing one, run `python tests/test_api_docs.py`. tests/test_api_docs.py fails
while this file is behind, and runs every example below. -->

Everything the `qcode` command does, from Python: open a project, read it as pandas
DataFrames, change it. Reading functions return tidy DataFrames with the columns of the
matching `qcode ... --json` listing: counts are integers, offsets that may be missing
(an unanchored quote) are pandas' nullable `Int64`, moments are `datetime64` in UTC,
calendar dates (an interview date) `datetime64` without a zone, lists stay lists.
Writing functions are steps, as every change from the workbench or a command is: each
is one entry in `qcode history` and `api.undo` takes it back.

```python
from qcode import api

with api.open("demo.qcode") as study:             # `qcode demo` builds it
    groups = api.mentions(study, by="group")
    coding = api.code(study, "IP3_self_build_agency", 120, 245, "Self-management")
    api.undo(study)
```

In the examples, `study` is the demo study (`qcode demo`) opened with `api.open`, and
`folder` a folder for files (a `pathlib.Path`; for the recordings' examples it holds
`interview.wav`, a minute of silence). Each example leaves the study as it found it,
unless it says otherwise: one that writes ends by undoing what it did.
"""


# --- rendering docs/api.md ------------------------------------------------------------


def _annotation(value: Any) -> str:
    return value if isinstance(value, str) else inspect.formatannotation(value)


def signature(name: str) -> str:
    """`api.name(...)` as the reader calls it, one parameter a line when long."""
    found = inspect.signature(getattr(api, name))
    parts = []
    for parameter in found.parameters.values():
        text = parameter.name
        if parameter.kind is parameter.VAR_POSITIONAL:
            text = "*" + text
        if parameter.annotation is not parameter.empty:
            text += f": {_annotation(parameter.annotation)}"
        if parameter.default is not parameter.empty:
            text += f" = {parameter.default!r}" if parameter.annotation is not parameter.empty \
                else f"={parameter.default!r}"
        parts.append(text)
    keyword_only = next((n for n, p in enumerate(found.parameters.values())
                         if p.kind is p.KEYWORD_ONLY), None)
    if keyword_only is not None:
        parts.insert(keyword_only, "*")
    returns = ("" if found.return_annotation is found.empty or inspect.isclass(getattr(api, name))
               else f" -> {_annotation(found.return_annotation)}")
    line = f"api.{name}({', '.join(parts)}){returns}"
    if len(line) <= 88:
        return line
    return f"api.{name}(\n" + "".join(f"    {part},\n" for part in parts) + f"){returns}"


def docstring(obj: object) -> str:
    """A docstring as Markdown: prose as it is, each doctest block fenced as `pycon`."""
    lines = inspect.cleandoc(obj.__doc__ or "").splitlines()
    out: list[str] = []
    fenced = False
    for line in lines:
        stripped = line.strip()
        if not fenced and stripped.startswith(">>>"):
            indent = len(line) - len(line.lstrip())
            if out and out[-1]:
                out.append("")
            out.append("```pycon")
            fenced = True
        if fenced and not stripped:
            out.append("```")
            fenced = False
        out.append(line[indent:] if fenced else line.strip())
    if fenced:
        out.append("```")
    return "\n".join(out).strip() + "\n"


def render() -> str:
    """docs/api.md as the docstrings have it now."""
    parts = [INTRO, "## Contents\n"]
    for section, names in api.SECTIONS.items():
        links = ", ".join(f"[`{name}`](#api{name.replace('_', '')})" for name in names)
        parts.append(f"- **{section}**: {links}")
    parts.append(f"- **Types**: {', '.join(f'`{name}`' for name in api.TYPES)}\n")
    for section, names in [*api.SECTIONS.items(), ("Types", list(api.TYPES))]:
        parts.append(f"## {section}\n")
        for name in names:
            parts.append(f"### api.{name}\n\n```python\n{signature(name)}\n```\n")
            # A type is described in api.TYPES: its own docstring is the services'.
            parts.append(api.TYPES[name] + "\n" if name in api.TYPES
                         else docstring(getattr(api, name)))
    return "\n".join(parts)


# --- the tests ------------------------------------------------------------------------


def test_every_public_name_is_listed_once_under_a_heading() -> None:
    assert len(FUNCTIONS) == len(set(FUNCTIONS))
    assert sorted(api.__all__) == sorted([*FUNCTIONS, *api.TYPES])
    assert all(inspect.isfunction(getattr(api, name)) for name in FUNCTIONS)
    assert all(inspect.isclass(getattr(api, name)) for name in api.TYPES)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_public_function_has_a_description_and_an_example(name: str) -> None:
    text = inspect.getdoc(getattr(api, name)) or ""
    description = text.split("Example")[0].strip()
    assert description, f"api.{name} has no description"
    assert ">>>" in text, f"api.{name} has no example"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_the_example_runs_and_leaves_the_study_as_it_was(
        name: str, built_demo: Path, tmp_path: Path) -> None:
    location = str(shutil.copy(built_demo, tmp_path / "demo.qcode"))
    before = snapshot(location)
    function = getattr(api, name)
    folder = tmp_path / "files"
    folder.mkdir()
    if "housing.qda" in (function.__doc__ or ""):  # only its example reads it
        qualcoder_project(folder / "housing.qda")
    if "interview.wav" in (function.__doc__ or ""):
        silence(folder / "interview.wav", seconds=60)
    reports: list[str] = []
    with api.open(location) as study:
        globs = {"api": api, "study": study, "folder": folder}
        runner = doctest.DocTestRunner(optionflags=FLAGS)
        for test in doctest.DocTestFinder().find(function, f"api.{name}", globs=globs,
                                                 module=False):
            runner.run(test, out=reports.append)
    result = runner.summarize(verbose=False)
    assert result.attempted, f"api.{name} has no example"
    assert not result.failed, "".join(reports)
    after = snapshot(location)
    changed = {table for table in before if after[table] != before[table]}
    assert changed <= CHANGING.get(name, set()), (
        f"the example of api.{name} changed {sorted(changed)} in the study")


def test_docs_api_md_shows_the_docstrings_of_today() -> None:
    assert DOCS.read_text(encoding="utf-8") == render(), (
        "docs/api.md is behind the docstrings: run `python tests/test_api_docs.py`")


if __name__ == "__main__":
    DOCS.write_text(render(), encoding="utf-8")
    print(f"wrote {DOCS}", file=sys.stderr)
