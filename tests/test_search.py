"""Searching every transcript: exact offsets, lemmas, near spellings, regex, filters,
and an index that follows imports and edits, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import new_pg_database
from sqlalchemy import select

from qcode.cli.main import cli
from qcode.errors import InputError, NotFoundError
from qcode.ingest.turns import find_turns
from qcode.reports.search import SearchQuery, search
from qcode.services.cases import CaseRow, apply_manifest
from qcode.services.copy import copy_project
from qcode.services.project import Project, init_project, open_project
from qcode.services.source_edit import edit_source
from qcode.services.sources import NewSource, add_source, content_hash
from qcode.store.models import Source

ENGLISH = (
    "Interview IP4\n\n"
    "Interviewer: How did the families take part? Did they build anything?\n\n"
    "IP4: They built the walls themselves. Self-management was the key.\n"
    "The subsidy covered the foundations only.\n\n"
    "Interviewer: And the subsidy for the roof?\n\n"
    "IP4: No subsidy for the roof, we are building it now.\n"
)
SPANISH = (
    "Entrevistadora: ¿Cómo construyeron las casas?\n\n"
    "IP7: Las familias construyeron todo, construyó cada familia su cuarto.\n\n"
    "Entrevistadora: ¿Y el subsidio?\n\n"
    "IP7: El subsidio llegó tarde. Hay que construir más.\n"
)


def add(project: Project, name: str, text: str, language: str | None = None) -> None:
    add_source(project, NewSource(name=name, text=text, format="txt",
                                  original_filename=f"{name}.txt", language=language,
                                  turns=find_turns(text)))


def fill(project: Project) -> Project:
    add(project, "IP4_interview", ENGLISH)
    add(project, "IP7_entrevista", SPANISH, language="es")
    apply_manifest(project, [
        CaseRow("IP4", attributes={"stakeholder group": ("category", "NGO")}),
        CaseRow("IP7", attributes={"stakeholder group": ("category", "academic")}),
    ])
    return project


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def study(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """One study per backend for the tests that only read (a new database costs time)."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            location = str(tmp_path_factory.mktemp("search") / "study.qcode")
        else:
            location = stack.enter_context(new_pg_database())
        with init_project(location, name="Search study") as project:
            yield fill(project)


@pytest.fixture
def changing(project: Project) -> Project:
    """A study of its own, for a test that changes it."""
    return fill(project)


def places(project: Project, query: SearchQuery) -> list[tuple[str, int, int, str]]:
    return [(h.source, h.start, h.end, h.text) for h in search(project, query).hits]


def at(text: str, phrase: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(phrase, start + 1)
    return start, start + len(phrase)


def test_a_word_is_found_at_its_exact_offsets_with_context(study: Project) -> None:
    hits = search(study, SearchQuery("subsidy")).hits
    assert [(h.source, h.start, h.end) for h in hits] == [
        ("IP4_interview", *at(ENGLISH, "subsidy", n)) for n in range(3)]
    first = hits[0]
    assert ENGLISH[first.start:first.end] == first.text == "subsidy"
    assert first.left.endswith("Self-management was the key. The ")  # line break squeezed
    assert first.right.startswith(" covered the foundations")
    assert (first.cases, first.speaker) == (["IP4"], "IP4")
    assert hits[1].speaker == "Interviewer"


def test_case_accents_phrases_prefixes_and_alternatives(study: Project) -> None:
    # "construyo" without its accent finds "construyó"; "subsidio" is only Spanish.
    assert places(study, SearchQuery("CONSTRUYO")) == [
        ("IP7_entrevista", *at(SPANISH, "construyó"), "construyó")]
    # A phrase matches across the hyphen; the span runs from its first to its last word.
    assert places(study, SearchQuery("self management")) == [
        ("IP4_interview", *at(ENGLISH, "Self-management"), "Self-management")]
    assert [h[3] for h in places(study, SearchQuery("found*"))] == ["foundations"]
    assert [h[3] for h in places(study, SearchQuery("roof OR subsidio"))] == [
        "roof", "roof", "subsidio", "subsidio"]
    # Whole words only: "build" is not found inside "building".
    assert [h[3] for h in places(study, SearchQuery("build"))] == ["build"]


def test_lemma_search_finds_every_form_in_english_and_spanish(study: Project) -> None:
    english = search(study, SearchQuery("build", mode="lemma"))
    assert [(h.start, h.end, h.text) for h in english.hits] == [
        (*at(ENGLISH, "build"), "build"), (*at(ENGLISH, "built"), "built"),
        (*at(ENGLISH, "building"), "building")]
    assert {"build", "built", "building"} <= set(english.forms)
    spanish = search(study, SearchQuery("construyeron", mode="lemma"))
    assert [(h.source, h.text) for h in spanish.hits] == [
        ("IP7_entrevista", "construyeron"), ("IP7_entrevista", "construyeron"),
        ("IP7_entrevista", "construyó"), ("IP7_entrevista", "construir")]
    assert "construir" in spanish.forms


def test_fuzzy_search_finds_misspellings_and_regex_reports_a_bad_pattern(
        study: Project) -> None:
    fuzzy = search(study, SearchQuery("famlies", mode="fuzzy"))
    assert [(h.start, h.end, h.text) for h in fuzzy.hits] == [
        (*at(ENGLISH, "families"), "families")]
    assert search(study, SearchQuery("famlies")).hits == []
    regex = search(study, SearchQuery(r"sub\w+ (covered|for)", mode="regex"))
    assert [h.text for h in regex.hits] == ["subsidy covered", "subsidy for", "subsidy for"]
    with pytest.raises(InputError, match=r"not a regular expression: .* at position 3"):
        search(study, SearchQuery("sub(sidy", mode="regex"))


def test_filters_by_speaker_case_attribute_and_source(study: Project) -> None:
    by_speaker = search(study, SearchQuery("subsidy", speaker="ip4")).hits
    assert [(h.start, h.speaker) for h in by_speaker] == [
        (at(ENGLISH, "subsidy", 0)[0], "IP4"), (at(ENGLISH, "subsidy", 2)[0], "IP4")]
    both = SearchQuery("subsidy OR subsidio")
    assert {h.source for h in search(study, both).hits} == {"IP4_interview", "IP7_entrevista"}
    for narrowed in (SearchQuery(both.text, cases=["IP7"]),
                     SearchQuery(both.text, attributes=[("Stakeholder group", "academic")]),
                     SearchQuery(both.text, sources=["IP7_entrevista"])):
        assert {h.source for h in search(study, narrowed).hits} == {"IP7_entrevista"}
    # No words: every turn of the speaker, without its label.
    assert [h.text for h in search(study, SearchQuery("", speaker="IP7")).hits] == [
        "Las familias construyeron todo, construyó cada familia su cuarto.",
        "El subsidio llegó tarde. Hay que construir más."]
    with pytest.raises(NotFoundError, match="no speaker 'IP9'.*Entrevistadora"):
        search(study, SearchQuery("subsidy", speaker="IP9"))
    with pytest.raises(NotFoundError, match="no case 'IP9'"):
        search(study, SearchQuery("subsidy", cases=["IP9"]))


def test_a_limit_gives_the_first_page_and_says_more_follow(study: Project) -> None:
    page = search(study, SearchQuery("subsidy"), limit=2)
    assert [h.start for h in page.hits] == [at(ENGLISH, "subsidy", n)[0] for n in range(2)]
    assert not page.complete
    assert search(study, SearchQuery("subsidy"), limit=3).complete


def test_the_index_follows_new_imports_and_edited_texts(changing: Project) -> None:
    study = changing
    assert places(study, SearchQuery("cooperative")) == []  # builds the index on SQLite
    add(study, "IP9_interview", "Interviewer: Who helped?\n\nIP9: The cooperative helped.\n")
    assert [h[0] for h in places(study, SearchQuery("cooperative"))] == ["IP9_interview"]
    edited = ENGLISH.replace("Self-management", "Cooperative work")
    with study.transaction() as session:
        source = session.scalars(select(Source).where(Source.name == "IP4_interview")).one()
        source.text, source.length = edited, len(edited)
        source.content_hash = content_hash(edited)
    assert places(study, SearchQuery("cooperative")) == [
        ("IP4_interview", *at(edited, "Cooperative"), "Cooperative"),
        ("IP9_interview", *at("Interviewer: Who helped?\n\nIP9: The cooperative helped.\n",
                              "cooperative"), "cooperative")]
    assert places(study, SearchQuery("self management")) == []


def test_fuzzy_search_sees_a_typo_fixed_by_a_word_of_the_same_length(
        changing: Project) -> None:
    study = changing
    typo = ENGLISH.replace("foundations", "foundatoins")  # same length, same word count
    # A note whose text sorts last by content hash: the typo cannot change the largest.
    note = next(text for n in range(10_000) if content_hash(
        text := f"Field note {n}.\n") > max(content_hash(ENGLISH), content_hash(typo)))
    add(study, "Note", note)
    query = SearchQuery("foundations", mode="fuzzy")
    assert [h.text for h in search(study, query).hits] == ["foundations"]
    edit_source(study, "IP4_interview", typo, "a typo made")
    # The vocabulary read for the first search is not reused for the changed text.
    assert [h.text for h in search(study, query).hits] == ["foundatoins"]


def test_the_cli_prints_hits_as_json_and_bad_input_as_one_line(study: Project) -> None:
    runner = CliRunner()
    done = runner.invoke(cli, ["search", study.location, "construir", "--lemma",
                               "--attribute", "stakeholder group=academic", "--json"])
    assert done.exit_code == 0, done.output
    rows = json.loads(done.stdout)
    assert [(r["source"], r["hit"], r["cases"]) for r in rows][-1] == (
        "IP7_entrevista", "construir", ["IP7"])
    assert (rows[-1]["start"], rows[-1]["end"]) == at(SPANISH, "construir")
    assert "searched for" in done.stderr and "construyeron" in done.stderr
    bad = runner.invoke(cli, ["search", study.location, "(", "--regex"])
    assert bad.exit_code == 1
    assert bad.stderr.count("\n") == 1 and "not a regular expression" in bad.stderr
    both = runner.invoke(cli, ["search", study.location, "x", "--lemma", "--fuzzy"])
    assert both.exit_code == 1 and "--lemma and --fuzzy do not go together" in both.stderr


def test_a_project_with_an_index_copies_and_the_copy_searches(tmp_path: Path) -> None:
    original = str(tmp_path / "study.qcode")
    with init_project(original) as project:
        add(project, "IP4_interview", ENGLISH)
        assert len(search(project, SearchQuery("subsidy")).hits) == 3
    copy = tmp_path / "copy.qcode"
    copy_project(original, copy)
    with open_project(copy) as project:
        assert len(search(project, SearchQuery("subsidy")).hits) == 3
    db = sqlite3.connect(copy)
    names = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    db.close()
    assert "search_index" in names  # built by the copy's first search, not copied
