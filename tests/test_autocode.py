"""Auto-coding: hits widened to sentences, turns and paragraphs, coded as one undoable
step that never doubles a coding."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from qcode.cli.main import cli
from qcode.errors import InputError
from qcode.ingest.turns import find_turns
from qcode.reports.search import SearchQuery, plan
from qcode.services import history
from qcode.services.autocode import AutoSpan, autocode, speaker_as_case
from qcode.services.cases import list_cases
from qcode.services.coding import list_codings
from qcode.services.project import Project, init_project
from qcode.services.sources import NewSource, add_source, source_text

TEXT = (
    "Interview IP4\n\n"
    "Interviewer: How was the subsidy paid?\n\n"
    "IP4: The subsidy came late. We waited a year for it.\n"
    "Then the subsidy paid the roof.\n\n"
    "Interviewer: And the walls?\n\n"
    "IP4: The families built them.\n"
)
SOURCE = "IP4_interview"


def make(location: str) -> Project:
    project = init_project(location)
    add_source(project, NewSource(name=SOURCE, text=TEXT, format="txt",
                                  turns=find_turns(TEXT)))
    return project


@pytest.fixture
def study(tmp_path: Path) -> Project:
    return make(str(tmp_path / "study.qcode"))


def texts(spans: list) -> list[str]:  # type: ignore[type-arg]
    return [TEXT[s.start:s.end] for s in spans]


def test_hits_widen_to_the_units_the_reader_selects(study: Project) -> None:
    query = SearchQuery("subsidy")
    assert texts(plan(study, query, "hit")) == ["subsidy"] * 3
    assert texts(plan(study, query, "sentence")) == [
        "How was the subsidy paid?", "The subsidy came late.", "Then the subsidy paid the roof."]
    # Two hits in one turn make one span; the speaker label stays out of it.
    turns = plan(study, query, "turn")
    assert texts(turns) == [
        "How was the subsidy paid?",
        "The subsidy came late. We waited a year for it.\nThen the subsidy paid the roof."]
    assert [s.hits for s in turns] == [1, 2]
    assert texts(plan(study, query, "paragraph")) == [
        "How was the subsidy paid?", "The subsidy came late. We waited a year for it.",
        "Then the subsidy paid the roof."]
    # A hit outside every turn (the header) takes its paragraph, and says so.
    (header,) = plan(study, SearchQuery("interview"), "turn")
    assert (TEXT[header.start:header.end], header.unit) == ("Interview IP4", "paragraph")


def test_one_run_is_one_action_that_undo_takes_back_whole(location: str) -> None:
    with make(location) as study:
        spans = [AutoSpan(s.source_id, s.start, s.end) for s in plan(
            study, SearchQuery("subsidy"), "sentence")]
        done = autocode(study, spans, "Financing", subdivision="Money",
                        other_subdivisions=["Delays"], coder="maria",
                        query="word 'subsidy', unit sentence")
        assert (done.coded, done.duplicates, done.new_code) == (3, 0, True)
        rows = list_codings(study)
        assert sorted((r.text, r.code, r.subdivision, r.other_subdivisions, r.coder)
                      for r in rows) == sorted(
            (TEXT[s.start:s.end], "Financing", "Money", ["Delays"], "maria") for s in spans)
        (last,) = history.history(study, "maria", limit=1)
        assert last.label == "auto-code 3 spans as 'Financing': word 'subsidy', unit sentence"
        # The same run again codes nothing twice, and adds no step to undo.
        again = autocode(study, spans, "Financing", coder="maria", query="again")
        assert (again.coded, again.duplicates, again.created) == (0, 3, [False] * 3)
        assert len(list_codings(study)) == 3
        assert len(history.history(study, "maria")) == 1
        undone = history.undo(study, "maria")
        assert undone is not None and undone.label == last.label
        assert list_codings(study) == []


def test_duplicates_are_per_span_code_and_coder(study: Project) -> None:
    first = plan(study, SearchQuery("subsidy"), "hit")[0]
    autocode(study, [AutoSpan(first.source_id, first.start, first.end)], "Financing",
             coder="maria")
    spans = [AutoSpan(s.source_id, s.start, s.end) for s in plan(study, SearchQuery("subsidy"))]
    mixed = autocode(study, spans + spans[:1], "Financing", coder="maria")
    assert (mixed.coded, mixed.duplicates, mixed.created) == (2, 2, [False, True, True, False])
    other = autocode(study, spans[:1], "Financing", coder="ben")  # another coder's own
    assert (other.coded, other.duplicates) == (1, 0)
    assert len(list_codings(study)) == 4


def test_a_dry_run_changes_nothing(study: Project) -> None:
    spans = [AutoSpan(s.source_id, s.start, s.end) for s in plan(study, SearchQuery("subsidy"))]
    before = history.history(study)
    looked = autocode(study, spans, "Financing", dry_run=True)
    assert (looked.coded, looked.new_code) == (3, True)
    assert list_codings(study) == [] and history.history(study) == before
    with pytest.raises(InputError, match="nothing to auto-code"):
        autocode(study, [], "Financing")


def test_every_turn_of_a_speaker_as_a_code_or_as_a_case(study: Project) -> None:
    turns = plan(study, SearchQuery("", speaker="ip4"), "turn")
    assert texts(turns) == [
        "The subsidy came late. We waited a year for it.\nThen the subsidy paid the roof.",
        "The families built them."]
    links = speaker_as_case(study, "IP4")
    assert (links.case, links.new_case, links.linked) == ("IP4", True, [SOURCE])
    assert [(c.key, c.sources) for c in list_cases(study)] == [("IP4", [SOURCE])]
    assert history.undo(study) is not None
    assert list_cases(study) == []


def test_the_cli_previews_numbers_and_codes_all_but_the_skipped(study: Project) -> None:
    runner = CliRunner()
    args = ["autocode", study.location, "subsidy", "--unit", "sentence", "--code",
            "Financing", "--json"]
    preview = runner.invoke(cli, [*args, "--dry-run"])
    assert preview.exit_code == 0, preview.output
    rows = json.loads(preview.stdout)
    assert [(r["n"], r["status"]) for r in rows] == [(1, "would code"), (2, "would code"),
                                                     (3, "would code")]
    assert list_codings(study) == []
    fingerprint = planned_as(preview.stderr)
    run = runner.invoke(cli, [*args, "--skip", "2", "--plan", fingerprint])
    assert run.exit_code == 0, run.output
    assert [r["status"] for r in json.loads(run.stdout)] == ["coded", "left out", "coded"]
    assert "coded 2 spans; 0 already coded, 1 left out" in run.stderr
    assert sorted(r.text for r in list_codings(study)) == [
        "How was the subsidy paid?", "Then the subsidy paid the roof."]
    assert list(Path(study.location + ".backups").glob("*before-auto-code.qcode"))
    speaker = runner.invoke(cli, ["autocode", study.location, "--speaker", "IP4", "--code",
                                  "IP4 speaks", "--json"])
    assert speaker.exit_code == 0, speaker.output
    assert [r["unit"] for r in json.loads(speaker.stdout)] == ["turn", "turn"]
    missing = runner.invoke(cli, ["autocode", study.location, "subsidy"])
    assert missing.exit_code == 1 and "--code NAME" in missing.stderr


def planned_as(stderr: str) -> str:
    """The plan fingerprint a dry run printed."""
    found = re.search(r"^plan ([0-9a-f]{8}): .* --plan \1$", stderr, re.MULTILINE)
    assert found is not None, stderr
    return found.group(1)


def test_skip_numbers_need_the_dry_runs_plan_and_a_changed_list_is_refused(
        study: Project) -> None:
    runner = CliRunner()
    args = ["autocode", study.location, "subsidy", "--unit", "sentence", "--code",
            "Financing", "--json"]
    fingerprint = planned_as(runner.invoke(cli, [*args, "--dry-run"]).stderr)
    # Numbers without the list they came from are refused: they may have shifted.
    bare = runner.invoke(cli, [*args, "--skip", "2"])
    assert bare.exit_code == 1 and "--plan FINGERPRINT" in bare.stderr
    # A transcript imported since puts a new span first: every number moved by one.
    add_source(study, NewSource(name="IP1_interview", text="IP1: No subsidy reached us.\n",
                                format="txt"))
    stale = runner.invoke(cli, [*args, "--skip", "2", "--plan", fingerprint])
    assert stale.exit_code == 1
    assert stale.stderr.startswith(f"qcode: error: --plan {fingerprint}: the list has changed "
                                   "since that dry run")
    assert list_codings(study) == []
    fresh = planned_as(runner.invoke(cli, [*args, "--dry-run"]).stderr)
    assert fresh != fingerprint
    run = runner.invoke(cli, [*args, "--skip", "3", "--plan", fresh.upper()])
    assert run.exit_code == 0, run.output
    assert sorted(r.text for r in list_codings(study)) == [
        "How was the subsidy paid?", "IP1: No subsidy reached us.",
        "Then the subsidy paid the roof."]


def test_a_source_named_like_another_sources_id_gets_its_own_spans(location: str) -> None:
    names = ["A1", "A2", "7", "A4", "A5", "A6", "IP7"]  # "7" gets id 3; IP7 gets id 7
    with init_project(location) as project:
        for n, name in enumerate(names):
            extra = {"7": " The terrace leaked.", "IP7": " The balcony leaked."}.get(name, "")
            add_source(project, NewSource(name=name, text=f"Note {n}.{extra}\n",
                                          format="txt"))
        for word, code in (("balcony", "Balcony"), ("terrace", "Terrace")):
            spans = plan(project, SearchQuery(word), "sentence")
            autocode(project, [AutoSpan(s.source_id, s.start, s.end) for s in spans], code)
        assert sorted((r.source, r.code, r.text) for r in list_codings(project)) == [
            ("7", "Terrace", "The terrace leaked."), ("IP7", "Balcony", "The balcony leaked.")]
        # Typed names and ids resolve the same way every time: a name first, then an id.
        assert source_text(project, "7")[0] == "7"
        assert source_text(project, "6")[0] == "A6"
