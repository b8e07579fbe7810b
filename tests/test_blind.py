"""Blind double coding: who sees whose codings, finishing, status, agreement left out.

While a source is blind for its listed coders and one of them has not finished, a
listed coder sees only their own codings there; everyone else, and every other
source, is unaffected. Once all have finished, everything is visible again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import TRANSCRIPT, add_text, code_phrase

from qcode.cli.main import cli
from qcode.errors import InputError
from qcode.reports.agreement import ALL_SOURCES, agreement
from qcode.reports.mentions import Filters, mentions
from qcode.reports.quotes import QuoteFilter, count_quotes
from qcode.reports.unitizing import unitizing
from qcode.services import blind
from qcode.services.coding import list_codings
from qcode.services.coding_edit import source_spans
from qcode.services.project import Project, init_project, open_project

BLIND = "IP4_interview"
OPEN = "IP5_interview"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def two_coders(project: Project) -> None:
    """ana and ben code both sources, overlapping in places."""
    for source in (BLIND, OPEN):
        # Offsets are the helper transcript's; a tail keeps the two texts apart.
        add_text(project, source, TRANSCRIPT + f"\n({source})\n")
        code_phrase(project, "They chose the layout themselves.", source=source, coder="ana")
        code_phrase(project, "Self-management was the key", source=source, coder="ben")
        code_phrase(project, "The subsidy covered the foundations only.", code="Costs",
                    source=source, coder="ben")


def made_blind(project: Project) -> Project:
    two_coders(project)
    with project.transaction() as s:
        blind.set_blind(s, [BLIND], ["ana", "ben"])
    return project


@pytest.fixture
def study(project: Project) -> Project:
    """On SQLite and PostgreSQL: the visibility rule is SQL (NOT IN, NULL sources)."""
    return made_blind(project)


@pytest.fixture
def small_study(tmp_path: Path) -> Iterator[Project]:
    """On SQLite only: these rules are Python on top of the same queries."""
    with init_project(str(tmp_path / "small.qcode"), name="Blind study") as project:
        yield made_blind(project)


def test_a_blind_coder_sees_only_their_own_codings_everywhere_until_all_finish(
        study: Project) -> None:
    blind_id = blind.blind_status(study)[0].source_id
    spans = {who: {s.coder for s in source_spans(study, blind_id, viewer=who)}
             for who in ("ana", "ben", "carla", None)}
    assert spans == {"ana": {"ana"}, "ben": {"ben"}, "carla": {"ana", "ben"},
                     None: {"ana", "ben"}}
    # The quotes table, the counts and `qcode codings` leave the same codings out.
    assert count_quotes(study, QuoteFilter(viewer="ana")) == 1 + 3
    assert count_quotes(study, QuoteFilter(viewer="ben")) == 2 + 3
    assert count_quotes(study, QuoteFilter()) == 6
    assert int(mentions(study, "code", filters=Filters(viewer="ana"))["mentions"].sum()) == 4
    assert int(mentions(study, "group", filters=Filters(viewer="ana"))["mentions"].sum()) == 4
    listed = [(r.source, r.coder) for r in list_codings(study, viewer="ana")]
    assert (BLIND, "ben") not in listed and (OPEN, "ben") in listed and (BLIND, "ana") in listed

    with study.transaction() as s:
        after_ana = blind.finish(s, BLIND, "ana")
    assert after_ana.waiting_for == ("ben",) and after_ana.hiding
    assert {s.coder for s in source_spans(study, blind_id, viewer="ana")} == {"ana"}
    with study.transaction() as s:
        done = blind.finish(s, BLIND, "ben")
    assert not done.hiding and done.state == "finished"
    assert {s.coder for s in source_spans(study, blind_id, viewer="ana")} == {"ana", "ben"}
    assert count_quotes(study, QuoteFilter(viewer="ana")) == 6


def test_agreement_leaves_a_blind_source_out_until_all_finish(small_study: Project) -> None:
    study = small_study
    found = agreement(study, "ana", "ben")  # the open source is compared, the blind one not
    assert set(found.disagreements["source"]) == {OPEN}
    assert f"left out: 1 source still coded blind ('{BLIND}')" in "\n".join(found.scope)
    alpha = unitizing(study, ["ana", "ben"])
    assert set(alpha.codes["source"]) - {ALL_SOURCES} == {OPEN}
    assert any("still coded blind" in line for line in alpha.scope)
    with pytest.raises(InputError, match="refused: source 'IP4_interview' is coded blind "
                                         "until ana and ben finish"):
        agreement(study, "ana", "ben", sources=[BLIND])  # nothing left to compare
    with study.transaction() as s:
        blind.finish(s, BLIND, "ana")
        blind.finish(s, BLIND, "ben")
    found = agreement(study, "ana", "ben")
    assert set(found.disagreements["source"]) == {BLIND, OPEN}
    assert not any("blind" in line for line in found.scope)


def test_finishing_twice_keeps_the_first_time_and_a_third_coder_can_be_added(
        small_study: Project) -> None:
    study = small_study
    with study.transaction() as s:
        first = blind.finish(s, BLIND, "ana")
    with study.transaction() as s:
        again = blind.finish(s, BLIND, "ana")
        stamps = blind.statuses(s)
    assert first == again and stamps[0].finished == ("ana",)
    with study.transaction() as s:
        (status,) = blind.set_blind(s, [BLIND], ["ben", "carla"])
    assert status.coders == ("ana", "ben", "carla") and status.finished == ("ana",)
    assert status.until() == "until ben and carla finish"


# --- the commands ----------------------------------------------------------------------


@pytest.fixture
def study_file(tmp_path: Path) -> str:
    location = str(tmp_path / "study.qcode")
    with init_project(location, name="Blind study") as project:
        two_coders(project)
    return location


def status_json(location: str) -> list[dict[str, object]]:
    result = run("blind", location, "--status", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def codings_json(location: str, *extra: str) -> list[tuple[str, str]]:
    result = run("codings", location, "--json", *extra)
    assert result.exit_code == 0, result.output
    return [(row["source"], row["coder"]) for row in json.loads(result.stdout)]


def test_cli_blind_finish_status_and_lift(study_file: str) -> None:
    assert status_json(study_file) == []
    made = run("blind", study_file, BLIND, "--coders", "ana", "ben")
    assert made.exit_code == 0, made.output
    assert "blind until ana and ben finish" in made.stderr
    assert status_json(study_file) == [{"source": BLIND, "state": "blind",
                                        "coders": ["ana", "ben"], "finished": [],
                                        "waiting_for": ["ana", "ben"]}]
    # `qcode codings --coder` lists as that coder sees it; without it, everything.
    assert (BLIND, "ben") not in codings_json(study_file, "--coder", "ana")
    assert (OPEN, "ben") in codings_json(study_file, "--coder", "ana")
    assert (BLIND, "ben") in codings_json(study_file)

    partial = run("agreement", study_file, "--coders", "ana", "ben", "--json")
    assert partial.exit_code == 0, partial.output
    assert f"left out: 1 source still coded blind ('{BLIND}')" in \
        "\n".join(json.loads(partial.stdout)["scope"])
    refused = run("agreement", study_file, "--coders", "ana", "ben", "--source", BLIND)
    assert refused.exit_code == 1
    assert refused.stderr.count("\n") == 1 and "coded blind until ana and ben finish" in \
        refused.stderr

    assert run("finish", study_file, BLIND, "--coder", "ana").exit_code == 0
    assert status_json(study_file)[0]["waiting_for"] == ["ben"]
    assert run("agreement", study_file, "--coders", "ana", "ben", "--source",
               BLIND).exit_code == 1
    done = run("blind", study_file, BLIND, "--finish", "--coder", "ben")
    assert done.exit_code == 0 and "have all finished" in done.stderr
    assert status_json(study_file)[0]["state"] == "finished"
    assert (BLIND, "ben") in codings_json(study_file, "--coder", "ana")
    assert run("agreement", study_file, "--coders", "ana", "ben").exit_code == 0

    lifted = run("blind", study_file, BLIND, "--lift")
    assert lifted.exit_code == 0 and status_json(study_file) == []


@pytest.mark.parametrize(("args", "message"), [
    (["finish", "{p}", BLIND, "--coder", "ana"], "is not coded blind"),
    (["blind", "{p}", "--coders", "ana", "ben"], "name the sources to code blind"),
    (["blind", "{p}", BLIND, "--coders", "ana", "ana"], "needs at least two coders"),
    (["blind", "{p}", "IP9", "--coders", "ana", "ben"], "no source named 'IP9'"),
    (["blind", "{p}", BLIND, "--lift"], "nothing to lift"),
    (["blind", "{p}", BLIND, "--lift", "--status"], "give one of them"),
])
def test_cli_refuses_bad_input_in_one_line_and_changes_nothing(
        study_file: str, args: list[str], message: str) -> None:
    result = run(*[a.format(p=study_file) for a in args])
    assert result.exit_code == 1
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert status_json(study_file) == []


def test_finishing_as_someone_not_listed_is_refused(study_file: str) -> None:
    assert run("blind", study_file, BLIND, "--coders", "ana", "ben").exit_code == 0
    result = run("finish", study_file, BLIND, "--coder", "zed")
    assert result.exit_code == 1 and "its blind coders: ana, ben" in result.stderr
    with open_project(study_file) as project:
        assert blind.blind_status(project)[0].finished == ()

