"""The Python API as a notebook user meets it: types to compute with, the command line's
columns, and every write one step that `api.undo` takes back.

The study is the demo with a little more in it (an unanchored coding, a link, a memo,
an edited transcript with a flagged quote, a source coded blind, a second and third
coder), so that every listing has rows to compare.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from helpers import TRANSCRIPT, add_text, snapshot, span_of
from test_qualcoder_import import qualcoder_project

from qcode import api
from qcode.cli.main import cli
from qcode.services.coding import CODING_COLUMNS
from qcode.services.project import Project

EDITED = "IP4_social_worker_agency"
BLIND = "IP5_housing_ngo"
LOST = "Words that no interview ever said"


def cli_json(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, built_demo: Path) -> Path:
    """The demo with something in every listing."""
    folder = tmp_path_factory.mktemp("api")
    path = Path(shutil.copy(built_demo, folder / "demo.qcode"))
    sheet = folder / "lost.csv"
    sheet.write_text(f"quote,code\n{LOST},Lost words\n", encoding="utf-8")
    with api.open(path) as study:
        api.import_sheet(study, sheet)
        api.create_code(study, "Unused idea")
        api.create_subdivision(study, "Unused node")
        api.link(study, "Housing subsidy", "cause", "Microcredit", note="IP8")
        api.memo(study, "A memo to delete", "text", on="code:Self-management")
        # An edit inside a coded quote: a version to restore and a quote to review.
        first = api.codings(study).query(f"source == '{EDITED}'").iloc[0]
        before = api.text(study, EDITED)
        api.edit_text(study, EDITED, before.replace(first["text"], first["text"].upper(), 1))
        api.blind(study, BLIND, ["tester", "ben"])
        span = api.codings(study).query("source == 'IP3_self_build_agency'").iloc[0]
        for coder in ("ana", "ben"):
            api.code(study, span["source"], span["start"], span["end"], "Second look",
                     coder=coder)
    return path


@pytest.fixture(scope="module")
def study(template: Path) -> Iterator[Project]:
    """The template, opened once, for tests that only read."""
    with api.open(template) as opened:
        yield opened


# --- types a notebook can compute with ----------------------------------------------


def test_offsets_are_nullable_integers_missing_for_an_unanchored_quote(study: Project) -> None:
    table = api.codings(study)
    assert str(table["start"].dtype) == str(table["end"].dtype) == "Int64"
    lost = table[table["text"] == LOST].iloc[0]
    assert lost["start"] is pd.NA and lost["end"] is pd.NA
    unanchored = api.codings(study, unanchored_only=True)
    assert LOST in unanchored["text"].tolist() and str(unanchored["start"].dtype) == "Int64"
    assert table["start"].isna().sum() == len(unanchored)
    # Arithmetic works without a cast, and leaves the unanchored ones missing.
    lengths = table["end"] - table["start"]
    assert lengths.isna().sum() == len(unanchored) and (lengths.dropna() > 0).all()
    assert (lengths.dropna() == table["text"].str.len()[lengths.notna()]).all()


def test_moments_are_utc_datetimes_and_dates_are_datetimes(study: Project) -> None:
    utc_columns = [(api.codings(study), "created_at"), (api.sources(study), "imported_at"),
                   (api.memos(study), "created_at"), (api.links(study), "created_at"),
                   (api.history(study, everyone=True), "when"),
                   (api.coders(study), "first_coding"), (api.codebook(study), "last_used"),
                   (api.versions(study, EDITED), "saved")]
    for table, column in utc_columns:
        assert pd.api.types.is_datetime64_any_dtype(table[column]), column
        assert str(table[column].dt.tz) == "UTC", column
    cases = api.cases(study).set_index("case")
    assert pd.api.types.is_datetime64_any_dtype(cases["interview date"])
    assert cases["interview date"].dt.tz is None
    assert cases.loc["IP3", "interview date"] == pd.Timestamp(2021, 2, 22)
    assert str(cases["duration (min)"].dtype) == "Int64"
    assert cases["duration (min)"].mean() > 0
    assert cases.loc["IP3", "stakeholder group"] == "project executing agency"
    saturation = api.saturation(study)
    assert pd.api.types.is_datetime64_any_dtype(saturation["date"])
    assert saturation["date"].is_monotonic_increasing


def test_a_fractional_number_attribute_is_a_float_and_a_missing_value_is_missing(
        demo_copy: str) -> None:
    with api.open(demo_copy) as study:
        api.set_attributes(study, "IP2", {"score": 2.5, "visited": date(2024, 5, 1)})
        api.set_attributes(study, "IP3", {"score": 4})
        cases = api.cases(study).set_index("case")
    assert str(cases["score"].dtype) == "float64"
    assert cases.loc["IP2", "score"] == 2.5 and cases.loc["IP3", "score"] == 4.0
    assert pd.isna(cases.loc["IP1", "score"])
    assert cases.loc["IP2", "visited"] == pd.Timestamp(2024, 5, 1)
    assert pd.isna(cases.loc["IP1", "visited"])


def test_an_empty_project_gives_typed_empty_tables(tmp_path: Path) -> None:
    with api.init(tmp_path / "empty.qcode") as empty:
        assert api.codings(empty).columns.tolist() == CODING_COLUMNS
        assert str(api.codings(empty)["start"].dtype) == "Int64"
        assert str(api.sources(empty)["codings"].dtype) == "int64"
        assert pd.api.types.is_datetime64_any_dtype(api.codings(empty)["created_at"])
        assert len(api.links(empty)) == len(api.memos(empty)) == 0


@pytest.mark.store
def test_times_read_the_same_from_sqlite_and_postgresql(project: Project) -> None:
    add_text(project)
    start, end = span_of(TRANSCRIPT, "Self-management was the key")
    api.code(project, "IP4_interview", start, end, "Self-management")
    table = api.codings(project)
    assert str(table["created_at"].dt.tz) == "UTC"
    assert table["start"].tolist() == [start]


# --- the command line's columns -------------------------------------------------------

# (what the API is asked, what the command line is asked) for the same listing.
LISTINGS: list[tuple[str, Callable[[Project], pd.DataFrame], list[str]]] = [
    ("sources", api.sources, ["sources"]),
    ("cases", api.cases, ["cases"]),
    ("codes", api.codes, ["codes"]),
    ("subdivisions", api.subdivisions, ["subdivisions"]),
    ("codings", api.codings, ["codings"]),
    ("codings unanchored", lambda s: api.codings(s, unanchored_only=True),
     ["codings", "--unanchored"]),
    ("codings as a coder", lambda s: api.codings(s, coder="ben"), ["codings", "--coder", "ben"]),
    ("mentions", lambda s: api.mentions(s, by="code"), ["report", "mentions", "--by", "code"]),
    ("crosstab", lambda s: api.crosstab(s, "group", "case"),
     ["report", "mentions", "--by", "group", "--across", "case"]),
    ("matrix", lambda s: api.matrix(s, "subdivision", "case"),
     ["report", "matrix", "--rows", "subdivision", "--columns", "case"]),
    ("cooccurrence", lambda s: api.cooccurrence(s, of="code", overlap=True),
     ["report", "cooccurrence", "--of", "code", "--overlap"]),
    ("saturation", api.saturation, ["report", "saturation"]),
    ("codebook", api.codebook, ["report", "codebook"]),
    ("terms", lambda s: api.terms(s, by="code", top=2), ["report", "terms", "--by", "code",
                                                         "--top", "2"]),
    ("kwic", lambda s: api.kwic(s, "subsidies"), ["report", "terms", "--kwic", "subsidies"]),
    ("coders", api.coders, ["coders"]),
    ("search", lambda s: api.search(s, "subsidy", cases="IP3"),
     ["search", "subsidy", "--case", "IP3"]),
    ("links", api.links, ["links"]),
    ("memos", api.memos, ["memos"]),
    ("history", lambda s: api.history(s, everyone=True), ["history", "--everyone"]),
    ("versions", lambda s: api.versions(s, EDITED), ["versions", "@", EDITED]),
    ("review", api.review, ["review"]),
    ("blind", api.blind_status, ["blind", "--status"]),
    ("suggested pseudonyms", lambda s: api.suggest_pseudonyms(s, limit=3),
     ["pseudonymise", "--suggest", "--limit", "3"]),
    ("autocode dry run", lambda s: api.autocode(s, "subsidy", "Money", dry_run=True),
     ["autocode", "subsidy", "--code", "Money", "--dry-run"]),
]


def _cli_args(words: list[str], location: str) -> list[str]:
    """The command's words with the project put where it goes (after the subcommand)."""
    if "@" in words:
        return [location if w == "@" else w for w in words] + ["--json"]
    at = 2 if words[0] == "report" else 1
    return [*words[:at], location, *words[at:], "--json"]


@pytest.mark.parametrize("what, read, words", LISTINGS, ids=[w for w, _, _ in LISTINGS])
def test_the_columns_are_the_command_lines_json_keys(
        study: Project, what: str, read: Callable[[Project], pd.DataFrame],
        words: list[str]) -> None:
    rows = cli_json(*_cli_args(words, study.location))
    assert rows, f"`qcode {' '.join(words)}` listed nothing to compare"
    table = read(study)
    assert len(table) == len(rows), what
    assert list(table.columns) == list(rows[0]), what


def test_info_has_the_keys_of_qcode_info(study: Project) -> None:
    [row] = cli_json("info", study.location, "--json")
    assert list(api.info(study)) == list(row)
    assert api.info(study) == row


def test_the_check_lists_what_qcode_check_lists(demo_copy: str) -> None:
    with sqlite3.connect(demo_copy) as raw:  # damage a quote's words behind qcode's back
        raw.execute("UPDATE quotes SET text = upper(text) WHERE id = 1")
    with api.open(demo_copy) as study:
        found = api.check(study)
    rows = cli_json("check", demo_copy, "--json")
    assert list(found.columns) == list(rows[0])
    assert found.to_dict(orient="records") == rows


def test_the_agreement_tables_are_the_command_lines(study: Project) -> None:
    document = cli_json("agreement", study.location, "--coders", "ana", "ben",
                        "--source", "IP3_self_build_agency", "--json")
    found = api.agreement(study, "ana", "ben", sources=["IP3_self_build_agency"])
    for key in ("characters", "segments"):
        table = getattr(found, key)
        assert list(table.columns) == list(document[key]["rows"][0]), key
        assert len(table) == len(document[key]["rows"]), key
    assert found.characters.iloc[-1]["kappa"] == 1.0


@pytest.mark.parametrize("what, read, words", [
    ("crosstab", lambda s: api.crosstab(s, "group", "attribute:stakeholder group"),
     ["report", "mentions", "--by", "group", "--across", "attribute:stakeholder group"]),
    ("matrix", lambda s: api.matrix(s), ["report", "matrix"]),
    ("cooccurrence", lambda s: api.cooccurrence(s), ["report", "cooccurrence"]),
], ids=["crosstab", "matrix", "cooccurrence"])
def test_reshaped_reports_hold_the_command_lines_rows(
        study: Project, what: str, read: Callable[[Project], pd.DataFrame],
        words: list[str]) -> None:
    rows = cli_json(*_cli_args(words, study.location))
    assert read(study).to_dict(orient="records") == rows


def test_the_long_tables_add_up_to_the_wide_ones(study: Project) -> None:
    wide = api.mentions(study, by="group", across="case").set_index("group")
    long = api.crosstab(study, "group", "case")
    pivoted = long.pivot(index="row", columns="column", values="count").fillna(0)
    assert pivoted.loc["Criticism", "IP3"] == wide.loc["Criticism", "IP3"]
    assert long["count"].sum() == wide.loc["Total", "Total"]
    square = api.cooccurrence(study).pivot(index="row", columns="column", values="count")
    assert (square.fillna(0) == square.fillna(0).T).all().all()


# --- every write is one step ----------------------------------------------------------


def _exported(folder: Path, export: Callable[[Project, Path], object], name: str) -> Path:
    """A small project of someone else's, exported to `name` for an import to read."""
    with api.init(folder / "theirs.qcode") as theirs:
        transcript = folder / "IP20_visit.txt"
        transcript.write_text("Interviewer: And then?\n\nIP20: We built the kitchen.\n",
                              encoding="utf-8")
        api.import_files(theirs, [transcript])
        start = transcript.read_text(encoding="utf-8").index("We built the kitchen")
        api.code(theirs, "IP20_visit", start, start + 20, "Kitchen first")
        path = folder / name
        export(theirs, path)
    return path


def _other_copy(study: Project, folder: Path) -> Path:
    path = folder / "ben.qcode"
    api.copy(study, path)
    with api.open(path) as theirs:
        api.code(theirs, EDITED, 0, 9, "Their code", coder="ben")
    return path


def _new_transcript(folder: Path) -> Path:
    path = folder / "IP13_new.txt"
    path.write_text("Interviewer: How was it?\n\nIP13: The rent went up twice.\n",
                    encoding="utf-8")
    return path


def _coding_id(study: Project, query: str) -> int:
    return int(api.codings(study).query(query)["id"].iloc[0])


def _first_hit(study: Project, words: str) -> tuple[str, int, int]:
    hit = api.search(study, words).iloc[0]
    return str(hit["source"]), int(hit["start"]), int(hit["end"])


# Each write, as a function of the study and a scratch folder, and the coder whose step
# it is when that is not the default one.
Write = Callable[[Project, Path], object]
WRITES: list[tuple[str, Write, str | None]] = [
    ("code", lambda s, _f: api.code(s, *_first_hit(s, "subsidy"), "New code",
                                    subdivision="New node", others=["Microcredit"]), None),
    ("remove_coding", lambda s, _f: api.remove_coding(
        s, _coding_id(s, "code == 'Clientelism'")), None),
    ("anchor", lambda s, _f: api.anchor(s, _coding_id(s, f"text == '{LOST}'"),
                                        *_first_hit(s, "subsidy")), None),
    ("autocode", lambda s, _f: api.autocode(s, "subsidy", "Money", unit="sentence",
                                            skip=[2]), None),
    ("create_code", lambda s, _f: api.create_code(s, "Brand new", "new", "#123456"), None),
    ("rename_code", lambda s, _f: api.rename_code(s, "Access to credit", "Credit"), None),
    ("recolour_code", lambda s, _f: api.recolour_code(s, "Access to credit", "#000000"),
     None),
    ("describe_code", lambda s, _f: api.describe_code(s, "Access to credit", "new words"),
     None),
    ("merge_codes", lambda s, _f: api.merge_codes(s, "Access to credit",
                                                  "Arrears and defaults"), None),
    ("delete_code", lambda s, _f: api.delete_code(s, "Unused idea"), None),
    ("move_codings", lambda s, _f: api.move_codings(s, "Access to credit", "Microcredit",
                                                    "Savings requirement"), None),
    ("create_subdivision", lambda s, _f: api.create_subdivision(
        s, "Tenure", "Land and location instruments"), None),
    ("rename_subdivision", lambda s, _f: api.rename_subdivision(s, "Microcredit", "Loans"),
     None),
    ("move_subdivision", lambda s, _f: api.move_subdivision(s, "Microcredit", None), None),
    ("move_code", lambda s, _f: api.move_code(s, "Access to credit", "Housing subsidy"), None),
    ("add_to_set", lambda s, _f: api.add_to_set(s, "Officials", sources=[EDITED],
                                                codes=["Access to credit"]), None),
    ("remove_from_set", lambda s, _f: api.remove_from_set(s, "Officials"), None),
    ("describe_subdivision", lambda s, _f: api.describe_subdivision(s, "Microcredit",
                                                                    "loans"), None),
    ("recolour_subdivision", lambda s, _f: api.recolour_subdivision(s, "Microcredit",
                                                                    "#112233"), None),
    ("delete_subdivision", lambda s, _f: api.delete_subdivision(s, "Unused node"), None),
    ("set_attributes", lambda s, _f: api.set_attributes(s, "IP4", {"age": 52,
                                                                   "region": "north"}), None),
    ("speaker_as_case", lambda s, _f: api.speaker_as_case(s, "Sra. Luna"), None),
    ("link", lambda s, _f: api.link(s, "Microcredit", "context", "code:Clientelism",
                                    codings=[_coding_id(s, "code == 'Clientelism'")]), None),
    ("unlink", lambda s, _f: api.unlink(s, api.links(s)["id"].iloc[0]), None),
    ("memo", lambda s, _f: api.memo(s, "Week 3", "notes", on=f"source:{EDITED}"), None),
    ("delete_memo", lambda s, _f: api.delete_memo(s, api.memos(s)["id"].iloc[0]), None),
    ("blind", lambda s, _f: api.blind(s, "IP3_self_build_agency", ["ana", "ben"]), None),
    ("finish", lambda s, _f: api.finish(s, BLIND, coder="ben"), "ben"),
    ("lift_blind", lambda s, _f: api.lift_blind(s, BLIND), None),
    ("edit_text", lambda s, _f: api.edit_text(s, "IP9_familia_beneficiaria", api.text(
        s, "IP9_familia_beneficiaria").replace("Entrevistadora", "E")), None),
    ("replace_text", lambda s, f: _replaced(s, f), None),
    ("restore_version", lambda s, _f: api.restore_version(s, EDITED, 1), None),
    ("accept_review", lambda s, _f: api.accept_review(s), None),
    ("pseudonymise", lambda s, _f: api.pseudonymise(
        s, [("Daniel Ruiz", "Person A", "person")]), None),
    ("merge", lambda s, f: api.merge(s, _other_copy(s, f)), None),
    ("redo", lambda s, _f: _redone(s), None),
    ("import_files", lambda s, f: api.import_files(s, [_new_transcript(f)]), None),
    ("import_sheet", lambda s, f: _sheet_imported(s, f), None),
    ("import_qdpx", lambda s, f: api.import_qdpx(
        s, _exported(f, api.export_qdpx, "theirs.qdpx")), None),
    ("import_qdc", lambda s, f: api.import_qdc(
        s, _exported(f, api.export_qdc, "theirs.qdc")), None),
    ("import_qualcoder", lambda s, f: _qualcoder_imported(s, f), None),
]


def _replaced(study: Project, folder: Path) -> None:
    path = folder / "IP9.txt"
    path.write_text(api.text(study, "IP9_familia_beneficiaria").replace("casa", "vivienda"),
                    encoding="utf-8")
    api.replace_text(study, "IP9_familia_beneficiaria", path)


def _redone(study: Project) -> None:
    """A redo is a write too: of the step undone before the snapshot was taken."""
    assert api.redo(study) is not None


def _sheet_imported(study: Project, folder: Path) -> None:
    path = folder / "sheet.csv"
    path.write_text("quote,code,emphasis,subdivision\n"
                    "I'm grateful for that.,Gratitude,warm,Self-determination\n",
                    encoding="utf-8")
    assert api.import_sheet(study, path).anchored == 1


def _qualcoder_imported(study: Project, folder: Path) -> None:
    project = folder / "housing.qda"
    qualcoder_project(project)
    assert api.import_qualcoder(study, project).counts["codings"] > 0


@pytest.mark.parametrize("name, write, coder", WRITES, ids=[name for name, _, _ in WRITES])
def test_every_write_is_one_step_that_undo_takes_back(
        template: Path, tmp_path: Path, name: str, write: Write, coder: str | None) -> None:
    location = str(shutil.copy(template, tmp_path / "demo.qcode"))
    folder = tmp_path / "files"
    folder.mkdir()
    with api.open(location) as study:
        if name == "redo":
            api.create_code(study, "Undone idea")
            api.undo(study)
        if name == "remove_from_set":
            api.add_to_set(study, "Officials", sources=[EDITED])
        before = snapshot(location)
        steps = set(api.history(study, everyone=True, limit=1000)["id"])
        write(study, folder)
        after = snapshot(location)
        assert after != before, f"api.{name} changed nothing"
        now = api.history(study, everyone=True, limit=1000)
        new = now[~now["id"].isin(steps)]
        assert len(new) <= 1, f"api.{name} took {len(new)} steps"
        if name != "redo":  # a redo's step is the old one, done again
            assert len(new) == 1, f"api.{name} left no step"
        undone = api.undo(study, coder)
        assert undone is not None
    assert snapshot(location) == before, f"api.undo did not take back api.{name}"


def test_every_api_write_is_covered() -> None:
    """A new writing function of the API must join WRITES (or say here why not)."""
    from qcode import writes

    not_steps = {"undo",  # what the test checks with
                 "export_csv", "export_html", "export_markdown", "export_qdc", "export_qdpx",
                 "export_xlsx"}
    assert set(writes.__all__) - {name for name, _, _ in WRITES} - not_steps == set()


def test_a_dry_run_changes_nothing(template: Path, tmp_path: Path) -> None:
    location = str(shutil.copy(template, tmp_path / "demo.qcode"))
    before = snapshot(location)
    with api.open(location) as study:
        merged = api.merge_codes(study, "Access to credit", "Arrears and defaults",
                                 dry_run=True)
        moved = api.move_codings(study, "Access to credit", "Microcredit",
                                 "Savings requirement", dry_run=True)
        planned = api.autocode(study, "subsidy", "Money", dry_run=True)
        sheet = tmp_path / "sheet.csv"
        sheet.write_text("quote,code\nI'm grateful for that.,Gratitude\n", encoding="utf-8")
        imported = api.import_sheet(study, sheet, dry_run=True)
        named = api.pseudonymise(study, {"Daniel Ruiz": "Person A"}, dry_run=True)
    assert merged.moved + merged.folded > 0 and moved > 0
    assert set(planned["status"]) == {"would code"}
    assert imported.anchored == 1 and sum(named.replaced.values()) > 0
    assert snapshot(location) == before


def test_refusals_say_what_to_do(study: Project) -> None:
    from qcode.errors import InputError

    with pytest.raises(InputError, match="choose one of word, lemma, fuzzy, regex"):
        api.search(study, "subsidy", mode="fuzzzy")
    with pytest.raises(InputError, match="numbered 1 to"):
        api.autocode(study, "subsidy", "Money", skip=[10_000], dry_run=True)
    with pytest.raises(InputError, match="must end in .xlsx"):
        api.export_xlsx(study, "coded.csv")
