"""The Python API for scripts and notebooks: open a project, get DataFrames, change it.

    >>> from qcode import api
    >>> with api.open("demo.qcode") as study:
    ...     table = api.mentions(study, by="group")
    ...     coding = api.code(study, "IP3_self_build_agency", 120, 245, "Self-management")
    ...     api.undo(study)

Everything the `qcode` command does has a function here. Reading functions
(`qcode.reads`) return pandas DataFrames with the columns of the matching `qcode ...
--json` listing; counting happens in the database. Writing functions (`qcode.writes`)
are steps, exactly as the workbench's keys and the `qcode` commands are: each one is in
`qcode history` and `api.undo` takes it back. docs/api.md lists every function with an
example, generated from the docstrings (tests/test_api_docs.py runs each example).
"""

from __future__ import annotations

from pathlib import Path

from qcode.reads import (
    agreement,
    alpha,
    blind_status,
    cases,
    check,
    codebook,
    coders,
    codes,
    codings,
    cooccurrence,
    crosstab,
    history,
    info,
    kwic,
    links,
    matrix,
    memos,
    mentions,
    pseudonyms,
    review,
    saturation,
    search,
    sets,
    sources,
    subdivisions,
    suggest_pseudonyms,
    terms,
    text,
    versions,
)
from qcode.recordings import (
    attach_recording,
    clip,
    detach_recording,
    play,
    recording_time,
    recordings,
    relink_recording,
    stop_playing,
)
from qcode.reports.mentions import Filters
from qcode.services import backup as backup_service
from qcode.services.copy import CopySummary, copy_project
from qcode.services.project import Project, init_project, open_project
from qcode.suggestions import evaluate_suggestions, suggest_codes
from qcode.transcribe.recording import transcribe_recording
from qcode.writes import (
    accept_review,
    add_to_set,
    anchor,
    autocode,
    blind,
    code,
    create_code,
    create_subdivision,
    delete_code,
    delete_memo,
    delete_subdivision,
    describe_code,
    describe_subdivision,
    edit_text,
    export_csv,
    export_html,
    export_markdown,
    export_qdc,
    export_qdpx,
    export_xlsx,
    figures,
    finish,
    import_files,
    import_qdc,
    import_qdpx,
    import_qualcoder,
    import_sheet,
    lift_blind,
    link,
    memo,
    merge,
    merge_codes,
    move_code,
    move_codings,
    move_subdivision,
    pseudonymise,
    recolour_code,
    recolour_subdivision,
    redo,
    remove_coding,
    remove_from_set,
    rename_code,
    rename_subdivision,
    replace_text,
    restore_version,
    set_attributes,
    speaker_as_case,
    undo,
    unlink,
)


def open(location: str | Path) -> Project:  # noqa: A001 - reads as api.open(...)
    """Open a project (a .qcode file or a database URL); use it in a `with` block. An
    older project is upgraded first, after a backup beside it.

    Example:
        >>> with api.open(study.location) as again:
        ...     len(api.sources(again))
        12
    """
    return open_project(location)


def init(location: str | Path, name: str | None = None, language: str = "en") -> Project:
    """Create an empty project, a new .qcode file or an empty database at a URL, and
    open it (`language` is the transcripts', for lemmas and search).

    Example:
        >>> with api.init(folder / "study.qcode", name="Housing study", language="es") as new:
        ...     api.info(new)["name"], len(api.sources(new))
        ('Housing study', 0)
    """
    return init_project(str(location), name=name, language=language)


def copy(source: Project | str | Path, target: str | Path) -> CopySummary:
    """Copy a whole project, with its ids and history, to a new .qcode file or an empty
    database (a file up to a PostgreSQL server, or back down).

    Example:
        >>> summary = api.copy(study, folder / "copy.qcode")
        >>> with api.open(folder / "copy.qcode") as duplicate:
        ...     len(api.codings(duplicate))
        384
    """
    location = source.location if isinstance(source, Project) else source
    return copy_project(location, target)


def backup(project: Project, dest: str | Path | None = None) -> Path | None:
    """Copy a .qcode project safely, even while others write to it: to `dest` (a new
    file or a folder), else into its backups folder beside it. Returns the copy's path
    (None for a project on a server, which pg_dump backs up).

    Example:
        >>> made = api.backup(study, folder)
        >>> made.parent == folder, made.suffix
        (True, '.qcode')
    """
    return backup_service.backup(project, dest).path


# The functions in the order docs/api.md lists them, under its headings.
SECTIONS: dict[str, list[str]] = {
    "Opening projects": ["open", "init", "copy", "backup"],
    "Reading": [
        "info", "sources", "text", "cases", "codes", "subdivisions", "sets", "codings",
        "mentions",
        "crosstab", "matrix", "cooccurrence", "saturation", "codebook", "terms", "kwic",
        "search", "coders", "agreement", "alpha", "links", "memos", "history", "versions",
        "review", "blind_status", "check", "pseudonyms", "suggest_pseudonyms",
        "suggest_codes", "evaluate_suggestions",
    ],
    "Writing": [
        "code", "remove_coding", "anchor", "autocode", "create_code", "rename_code",
        "recolour_code", "describe_code", "merge_codes", "delete_code", "move_codings",
        "create_subdivision", "rename_subdivision", "move_subdivision", "move_code",
        "describe_subdivision", "recolour_subdivision", "delete_subdivision",
        "set_attributes", "speaker_as_case", "add_to_set", "remove_from_set", "link", "unlink",
        "memo", "delete_memo",
        "blind", "finish", "lift_blind", "edit_text", "replace_text", "restore_version",
        "accept_review", "pseudonymise", "merge", "undo", "redo",
    ],
    "Importing and exporting": [
        "import_files", "import_sheet", "import_qdpx", "import_qdc", "import_qualcoder",
        "export_xlsx", "export_csv", "export_markdown", "export_html", "figures", "export_qdpx",
        "export_qdc",
    ],
    "Recordings": [
        "attach_recording", "relink_recording", "detach_recording", "recordings",
        "recording_time", "play", "stop_playing", "clip", "transcribe_recording",
    ],
}
# Types a script meets (and annotates with), with what docs/api.md says of them.
TYPES = {
    "Filters": "Which codings `mentions` and `crosstab` count, e.g. "
               "`api.Filters(cases=[\"IP3\", \"IP4\"], coders=[\"ana\"])`; an empty "
               "field does not restrict. `attributes` are (name, value) pairs, `subtree` "
               "a group or subdivision, `viewer` counts as that coder sees the project "
               "while sources are coded blind, `source_sets` only the sources in those "
               "sets.",
    "Project": "What `api.open` and `api.init` return, for every other function; use "
               "it in a `with` block, which closes it.",
}

# Every name of SECTIONS and TYPES (tests/test_api_docs.py checks that they agree).
__all__ = ["Filters", "Project", "accept_review", "add_to_set", "agreement", "alpha",
           "anchor", "attach_recording", "autocode", "backup", "blind", "blind_status",
           "cases", "check", "clip", "code", "codebook", "coders", "codes", "codings",
           "cooccurrence", "copy", "create_code", "create_subdivision", "crosstab",
           "delete_code", "delete_memo", "delete_subdivision", "describe_code",
           "describe_subdivision", "detach_recording", "edit_text",
           "evaluate_suggestions", "export_csv", "export_html", "export_markdown",
           "export_qdc", "export_qdpx", "export_xlsx", "figures", "finish", "history",
           "import_files", "import_qdc", "import_qdpx", "import_qualcoder",
           "import_sheet", "info", "init", "kwic", "lift_blind", "link", "links",
           "matrix", "memo", "memos", "mentions", "merge", "merge_codes", "move_code",
           "move_codings", "move_subdivision", "open", "play", "pseudonymise",
           "pseudonyms", "recolour_code", "recolour_subdivision", "recording_time",
           "recordings", "redo", "relink_recording", "remove_coding", "remove_from_set",
           "rename_code", "rename_subdivision", "replace_text", "restore_version",
           "review", "saturation", "search", "set_attributes", "sets", "sources",
           "speaker_as_case", "stop_playing", "subdivisions", "suggest_codes",
           "suggest_pseudonyms", "terms", "text", "transcribe_recording", "undo",
           "unlink", "versions"]
