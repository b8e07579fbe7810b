"""Undo and redo of coding steps: replayed from the store, across restarts, never lossy."""

from __future__ import annotations

import json

import pytest
from helpers import TRANSCRIPT, add_text, code_phrase, span_of

from qcode.errors import ConstraintError, NotFoundError
from qcode.services import history
from qcode.services.codebook import list_codes
from qcode.services.coding import CodingRequest, add_coding, list_codings
from qcode.services.coding_edit import remove_coding, update_coding
from qcode.services.project import Project, init_project, open_project
from qcode.services.sources import open_source


def code_in_action(project: Project, phrase: str, code: str, coder: str | None = None,
                   **extra: object) -> int:
    start, end = span_of(TRANSCRIPT, phrase)
    with project.step(f"code {code}", coder) as session:
        result = add_coding(session, CodingRequest(source="IP4_interview", start=start, end=end,
                                                   code=code, coder=coder,
                                                   **extra))  # type: ignore[arg-type]
    assert result.coding_id is not None
    return result.coding_id


def summary(project: Project) -> list[tuple[int, str, str, str | None, list[str], str | None]]:
    return [(r.id, r.text, r.code, r.subdivision, r.other_subdivisions, r.emphasis)
            for r in list_codings(project)]


def test_undo_takes_back_a_coding_with_its_new_code_and_redo_restores_it(location: str) -> None:
    project = init_project(location)
    add_text(project)
    coding = code_in_action(project, "Self-management was the key", "Self-management",
                            subdivision="Participation", emphasis="proud")
    before = summary(project)
    assert [c.name for c in list_codes(project)] == ["Self-management"]

    undone = history.undo(project)
    assert undone is not None and undone.label == "code Self-management"
    assert list_codings(project) == []
    assert list_codes(project) == []  # the code was new with this step

    redone = history.redo(project)
    assert redone is not None and redone.state == "done"
    assert summary(project) == before
    assert before[0][0] == coding
    assert history.redo(project) is None
    project.close()


def test_editing_and_removing_undo_step_by_step(location: str) -> None:
    project = init_project(location)
    add_text(project)
    coding = code_in_action(project, "chose the layout themselves", "Layout",
                            subdivision="Design", other_subdivisions=["Participation"])
    first = summary(project)
    with project.step("edit coding") as session:
        update_coding(session, coding, emphasis="calm", subdivision="Participation",
                      other_subdivisions=["Housing"])
    edited = summary(project)
    assert edited[0][3:] == ("Participation", ["Housing"], "calm")
    with project.step("remove coding") as session:
        remove_coding(session, coding)
    assert list_codings(project) == []

    history.undo(project)
    assert summary(project) == edited
    history.undo(project)
    assert summary(project) == first
    history.redo(project)
    history.redo(project)
    assert list_codings(project) == []
    history.undo(project)
    assert summary(project) == edited
    project.close()


def test_the_history_survives_closing_the_project(tmp_path: object) -> None:
    path = f"{tmp_path}/study.qcode"
    project = init_project(path)
    add_text(project)
    code_in_action(project, "Self-management was the key", "Self-management")
    project.close()  # the terminal died: only what was committed is left

    reopened = open_project(path)
    assert [a.label for a in history.history(reopened)] == ["code Self-management",
                                                            "import IP4_interview"]
    assert history.undo(reopened) is not None
    assert list_codings(reopened) == []
    reopened.close()


def test_a_new_step_ends_the_redo_chain(location: str) -> None:
    project = init_project(location)
    add_text(project)
    code_in_action(project, "Self-management was the key", "A")
    history.undo(project)
    code_in_action(project, "chose the layout themselves", "B")
    assert history.redo(project) is None
    assert [r.code for r in list_codings(project)] == ["B"]
    project.close()


def test_undo_refuses_when_another_coder_changed_the_same_rows(location: str) -> None:
    project = init_project(location)
    add_text(project)
    coding = code_in_action(project, "Self-management was the key", "A", coder="ana")
    with project.step("edit", "ben") as session:
        update_coding(session, coding, emphasis="ben's reading")
    before = summary(project)
    with pytest.raises(ConstraintError, match="later work changed"):
        history.undo(project, "ana")
    assert summary(project) == before  # nothing half-undone
    # Ben's own step still undoes, and then Ana's does too.
    assert history.undo(project, "ben") is not None
    assert history.undo(project, "ana") is not None
    assert list_codings(project) == []
    project.close()


def test_a_hundred_steps_undo_in_order(tmp_path: object) -> None:
    project = init_project(f"{tmp_path}/study.qcode")
    add_text(project)
    start, end = span_of(TRANSCRIPT, "Self-management was the key")
    for n in range(120):
        with project.step(f"code {n}") as session:
            add_coding(session, CodingRequest(source="IP4_interview", start=start, end=end,
                                              code=f"code {n}"))
    for n in reversed(range(120)):
        undone = history.undo(project)
        assert undone is not None and undone.label == f"code {n}"
    assert list_codings(project) == []
    project.close()


def test_a_script_s_coding_is_a_step_like_the_workbench_s(location: str) -> None:
    project = init_project(location)
    add_text(project)
    code_phrase(project, "Self-management was the key")  # a script, not the workbench
    [step, imported] = history.history(project)
    assert step.label.startswith("code IP4_interview ") and imported.label == "import IP4_interview"
    assert history.undo(project) is not None
    assert list_codings(project) == []
    assert history.undo(project) is not None  # and the import before it
    with pytest.raises(NotFoundError):
        open_source(project, "IP4_interview")
    project.close()


def test_undo_redo_and_history_from_the_command_line(demo_copy: str) -> None:
    from click.testing import CliRunner

    from qcode.cli.main import cli

    runner = CliRunner()
    coded = runner.invoke(cli, ["autocode", demo_copy, "subsidy", "--unit", "sentence",
                                "--code", "Subsidy talk"])
    assert coded.exit_code == 0, coded.output

    def subsidy_codings() -> int:
        listed = runner.invoke(cli, ["codings", demo_copy, "--json"])
        return sum(1 for c in json.loads(listed.stdout) if c["code"] == "Subsidy talk")

    made = subsidy_codings()
    assert made > 10
    steps = json.loads(runner.invoke(cli, ["history", demo_copy, "--json"]).stdout)
    assert [s["state"] for s in steps] == ["done"] and "Subsidy talk" in steps[0]["step"]

    undone = runner.invoke(cli, ["undo", demo_copy])
    assert undone.exit_code == 0 and "undid" in undone.stderr
    assert subsidy_codings() == 0
    assert runner.invoke(cli, ["redo", demo_copy]).exit_code == 0
    assert subsidy_codings() == made

    # Someone who never worked here has nothing to undo, and is not added as a coder.
    stranger = runner.invoke(cli, ["undo", demo_copy, "--coder", "nobody"])
    assert stranger.exit_code == 0 and "nothing to undo" in stranger.stderr
    coders = json.loads(runner.invoke(cli, ["coders", demo_copy, "--json"]).stdout)
    assert "nobody" not in {c["coder"] for c in coders}


def test_a_coder_keeps_their_last_500_steps_and_older_ones_go(tmp_path: object) -> None:
    from qcode.services.memos import add_memo
    from qcode.services.steps import KEEP_ACTIONS

    project = init_project(f"{tmp_path}/study.qcode")
    for n in range(KEEP_ACTIONS + 60):
        with project.step(f"memo {n}") as session:
            add_memo(session, f"Memo {n}")
    kept = history.history(project, limit=10_000)
    # Trimmed now and then, not on every step: never fewer than 500, a few more at most.
    assert KEEP_ACTIONS <= len(kept) < KEEP_ACTIONS + 60
    assert kept[0].label == f"memo {KEEP_ACTIONS + 59}"
    assert kept[-1].label != "memo 0"
    project.close()
