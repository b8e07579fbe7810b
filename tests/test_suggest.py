"""`qcode suggest`: codes learned from the study's own codings, and how far to trust them.

On the demo study: the evaluation runs and gives the same figures twice; a transcript
whose codings are taken away gets back at least the share of them that the evaluation
promised for it; suggestions have the documented shape and are the same every run;
bad input is one line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qcode import api
from qcode.cli.main import cli
from qcode.columns import EVALUATION_FIGURES, SUGGESTED_CODE_COLUMNS
from qcode.suggest.corpus import read_corpus
from qcode.suggest.labels import CodedSpan, label_units
from qcode.suggest.model import learnable_codes
from qcode.suggestions import evaluate_suggestions, suggest_codes

# How far below its promised recall a source may fall. Leave-one-source-out trains on
# exactly the other sources' codings, as suggesting does once its own are gone, so the
# figures should agree exactly; the margin allows only for rounding to three places.
MARGIN = 0.01


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def evaluated(built_demo: Path) -> list[dict[str, Any]]:
    """The demo's evaluation per held-out source, through the CLI, as JSON."""
    done = run("suggest", built_demo, "--evaluate", "--by", "source", "--json")
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def test_the_evaluation_runs_and_gives_the_same_figures_again(
        evaluated: list[dict[str, Any]], built_demo: Path) -> None:
    assert [row["source"] for row in evaluated][-1] == "(all sources)"
    assert len(evaluated) == 13  # the 12 interviews, each held out once, then all
    overall = evaluated[-1]
    assert set(overall) == {"source", *EVALUATION_FIGURES}
    assert overall["units"] == sum(row["units"] for row in evaluated[:-1]) > 300
    # Learning finds more than searching for the code names does.
    assert overall["recall"] > overall["keyword_recall"]
    with api.open(built_demo) as study:
        again = evaluate_suggestions(study, by="source")
    assert again.attrs["too_few"]  # the codes used once or twice are named
    rows = json.loads(again.to_json(orient="records"))
    assert rows == evaluated


def test_the_evaluation_table_names_codes_and_an_overall_row(built_demo: Path) -> None:
    done = run("suggest", built_demo, "--evaluate", "--unit", "paragraph", "--format", "csv")
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    assert lines[0] == ",".join(["code", *EVALUATION_FIGURES])
    assert lines[-1].startswith("(all codes),")
    assert "too few coded units to learn" in done.stderr
    assert "Stage-linked disbursement" in done.stderr  # one coding: named, not learned


def test_a_transcript_stripped_of_its_codings_gets_back_what_was_promised(
        evaluated: list[dict[str, Any]], demo_copy: str) -> None:
    promised = max(evaluated[:-1], key=lambda row: row["recall"])
    source = promised["source"]
    with api.open(demo_copy) as study:
        corpus = read_corpus(study)
        # The promise is about the codes the evaluation scored: those with enough units.
        scored = set(learnable_codes([u.labels.codes for u in corpus.learnable()])[0])
        before = [(u.start, u.end, code) for u in corpus.units
                  if u.source == source for code in u.labels.codes & scored]
        assert len(before) == promised["units"]
        codings = api.codings(study)
        for coding_id in codings[codings["source"] == source]["id"]:
            api.remove_coding(study, coding_id)  # as a user would, one by one
        assert not (api.codings(study)["source"] == source).any()
    done = run("suggest", demo_copy, source, "--json")
    assert done.exit_code == 0, done.output
    found = {(row["start"], row["end"], row["code"]) for row in json.loads(done.stdout)}
    recall = len(found & set(before)) / len(before)
    assert recall >= promised["recall"] - MARGIN > 0


def test_suggestions_have_the_documented_shape_and_are_the_same_every_run(
        built_demo: Path) -> None:
    with api.open(built_demo) as study:
        rows = suggest_codes(study, ["IP4_social_worker_agency"], min_score=0.6, seed=3)
        again = suggest_codes(study, "IP4_social_worker_agency", min_score=0.6, seed=3)
        text = api.text(study, "IP4_social_worker_agency")
        coded = api.codings(study)
    assert rows.equals(again) and len(rows) > 0
    done = run("suggest", built_demo, "IP4_social_worker_agency", "--min-score", "0.6",
               "--seed", "3", "--json")
    assert done.exit_code == 0, done.output
    listed = json.loads(done.stdout)
    assert [list(row) for row in listed] == [SUGGESTED_CODE_COLUMNS] * len(listed)
    assert [(r["start"], r["code"], r["score"]) for r in listed] == list(
        zip(rows["start"], rows["code"], rows["score"], strict=True))
    spans = [(r["start"], r["end"]) for r in listed]
    assert spans == sorted(spans)
    mine = coded[coded["source"] == "IP4_social_worker_agency"]
    for row in listed:
        assert row["source"] == "IP4_social_worker_agency"
        assert text[row["start"]:row["end"]] == row["text"]
        assert 0.6 <= row["score"] <= 1
        assert isinstance(row["other_subdivisions"], list)
        # Only text nobody has coded: no coding of the source overlaps the span.
        assert not ((mine["start"] < row["end"]) & (mine["end"] > row["start"])).any()
    # Within a span, the likeliest code first.
    for a, b in zip(listed, listed[1:], strict=False):
        if (a["start"], a["end"]) == (b["start"], b["end"]):
            assert a["score"] >= b["score"]
    assert "suggestions for" in done.stderr


def test_a_unit_carries_a_code_its_coding_mostly_covers_or_mostly_lies_in() -> None:
    units = [(0, 10), (10, 100), (100, 110)]
    found = label_units(units, [CodedSpan(2, 12, "A"),     # most of unit 1
                                CodedSpan(40, 60, "B"),    # a phrase inside unit 2
                                CodedSpan(98, 108, "C")])  # mostly in unit 3, grazes 2
    assert [sorted(f.codes) for f in found] == [["A"], ["B"], ["C"]]
    # A long quote that only grazes a unit leaves it partly coded: neither yes nor no.
    grazed = label_units([(0, 50), (50, 100), (100, 200)], [CodedSpan(90, 160, "D")])
    assert [(sorted(f.codes), f.partly_coded) for f in grazed] == [
        ([], False), ([], True), (["D"], False)]


@pytest.mark.parametrize(("args", "code", "message"), [
    (["nowhere"], 1, "qcode: error: no source named 'nowhere'"),
    (["--min-score", "1.5"], 2, "qcode: usage error: cli suggest: Invalid value for '--min"),
    (["--coder", "nobody"], 1, "qcode: error: no coder 'nobody' has coded"),
    (["--evaluate", "IP1_state_housing_institute"], 2, "qcode: usage error:"),
], ids=["unknown source", "min score", "unknown coder", "evaluate with sources"])
def test_bad_input_is_one_line(built_demo: Path, args: list[str], code: int,
                               message: str) -> None:
    done = run("suggest", built_demo, *args)
    assert done.exit_code == code
    assert done.stderr.startswith(message) and len(done.stderr.strip().splitlines()) == 1


def test_a_study_without_codings_is_refused_in_one_line(tmp_path: Path) -> None:
    transcript = tmp_path / "IP1.txt"
    transcript.write_text("IP1: We built the house ourselves, room by room.\n")
    location = tmp_path / "new.qcode"
    with api.init(location) as study:
        api.import_files(study, [transcript])
    for extra in ([], ["--evaluate"]):
        done = run("suggest", location, *extra)
        assert done.exit_code == 1
        assert done.stderr == ("qcode: error: no codings to learn from: code a few "
                               "transcripts first\n")


def test_the_command_explains_itself() -> None:
    done = run("suggest", "--help")
    assert done.exit_code == 0 and "--evaluate" in done.stdout and "Examples" in done.stdout
