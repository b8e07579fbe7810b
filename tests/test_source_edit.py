"""Correcting a transcript after coding began: quotes, turns and pages follow the words."""

from __future__ import annotations

import json
import re
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import TRANSCRIPT, add_text, code_phrase, examples, span_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from qcode.cli.main import cli
from qcode.errors import ConstraintError, InputError
from qcode.services import history, source_edit
from qcode.services.coding import CodingRequest, add_coding, list_codings
from qcode.services.project import Project, init_project, open_project
from qcode.services.source_edit import (
    edit_source,
    flagged_quotes,
    list_versions,
    restore_version,
)
from qcode.services.sources import NewSource, Turn, add_source, open_source, source_pages
from qcode.store import engine as store_engine
from qcode.store.models import Coding, Quote, Source

SOURCE = "IP4_interview"
PHRASES = ["They chose the layout themselves", "Self-management was the key",
           "The subsidy covered the foundations only"]


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def quotes_of(project: Project, phrases: list[str] = PHRASES,
              ) -> dict[str, tuple[int | None, int | None, str, str]]:
    """Each quote by the words it was coded on (quote ids follow `phrases`)."""
    with project.transaction() as session:
        rows = session.scalars(select(Quote).order_by(Quote.id)).all()
        return {phrases[q.id - 1]: (q.start, q.end, q.anchor, q.text) for q in rows}


def coding_count(project: Project) -> int:
    with project.transaction() as session:
        return session.scalar(select(func.count()).select_from(Coding)) or 0


def words_hold(project: Project) -> None:
    """Every anchored quote's stored text is exactly what its span of the source says."""
    with project.transaction() as session:
        for quote in session.scalars(select(Quote).where(Quote.anchor != "unanchored")):
            source = session.get(Source, quote.source_id)
            assert source is not None and source.text[quote.start:quote.end] == quote.text


def code_all(project: Project) -> Project:
    add_text(project)
    for phrase, code in zip(PHRASES, ["Self-management", "Key", "Costs"], strict=True):
        code_phrase(project, phrase, code=code)
    return project


@pytest.fixture
def coded(project: Project) -> Project:
    """The coded transcript on SQLite and on PostgreSQL (for what the store must hold)."""
    return code_all(project)


@pytest.fixture
def coded_file(tmp_path: Path) -> Iterator[Project]:
    """The coded transcript in a .qcode file only (for the rules above the store)."""
    with init_project(str(tmp_path / "study.qcode")) as project:
        yield code_all(project)


def test_a_correction_before_the_quotes_moves_each_by_exactly_its_length(
        coded: Project) -> None:
    new = TRANSCRIPT.replace("Interview IP4", "Interview IP4 (recorded)")
    result = edit_source(coded, SOURCE, new, "header", "ana")
    assert result.version == 1 and result.count("moved") == 3 and not result.flagged
    assert result.summary() == (f"{SOURCE}: saved; the text before is version 1. 3 quotes "
                                "kept their words (3 moved), 0 re-anchored and flagged, 0 "
                                "unanchored and flagged")
    for phrase, (start, end, anchor, text) in quotes_of(coded).items():
        old_start, old_end = span_of(TRANSCRIPT, phrase)
        assert (start, end, anchor, text) == (old_start + 11, old_end + 11, "manual", phrase)
    assert coding_count(coded) == 3
    with coded.transaction() as session:
        source = session.scalars(select(Source)).one()
        assert (source.length, source.word_count) == (len(new), len(new.split()))


def test_a_changed_word_reanchors_the_quote_and_flags_it_with_old_and_new(
        coded_file: Project) -> None:
    new = TRANSCRIPT.replace("They chose the layout", "They picked the layout")
    result = edit_source(coded_file, SOURCE, new, "listened again")
    [flag] = result.flagged
    assert (flag.status, flag.old_text, flag.text) == (
        "reanchored", "They chose the layout themselves", "They picked the layout themselves")
    start, end, anchor, text = quotes_of(coded_file)[PHRASES[0]]
    assert (start, end, anchor) == (*span_of(new, "They picked the layout themselves"), "fuzzy")
    [listed] = flagged_quotes(coded_file)
    assert "listened again" in listed.note
    assert "Was: “They chose the layout themselves” Now: “They picked the layout themselves”" \
        in listed.note
    assert listed.codings == 1
    assert quotes_of(coded_file)[PHRASES[1]][:2] == tuple(x + 1 for x in span_of(TRANSCRIPT,
                                                                               PHRASES[1]))
    words_hold(coded_file)


def test_a_deleted_quote_becomes_unanchored_and_keeps_its_coding(coded_file: Project) -> None:
    new = TRANSCRIPT.replace("\nIP4: The subsidy covered the foundations only.\n", "\n")
    result = edit_source(coded_file, SOURCE, new)
    assert result.count("unanchored") == 1
    assert quotes_of(coded_file)[PHRASES[2]] == (None, None, "unanchored", PHRASES[2])
    [row] = list_codings(coded_file, unanchored_only=True)
    assert (row.code, row.text) == ("Costs", PHRASES[2])
    assert coding_count(coded_file) == 3
    assert "the words are gone" in flagged_quotes(coded_file)[0].note


def test_two_quotes_landing_on_one_span_are_kept_apart_and_restore_exactly(
        coded: Project) -> None:
    code_phrase(coded, "They chose the layout", code="Choice")  # quote 4, inside quote 1
    phrases = [*PHRASES, "They chose the layout"]
    before = quotes_of(coded, phrases)
    new = TRANSCRIPT.replace("the layout themselves.", "the layout.")
    result = edit_source(coded, SOURCE, new)
    assert result.count("collided") == 1
    after = quotes_of(coded, phrases)
    assert after["They chose the layout"][:2] == span_of(new, "They chose the layout")
    assert after[PHRASES[0]] == (None, None, "unanchored", PHRASES[0])
    note = next(q.note for q in flagged_quotes(coded) if q.quote_id == 1)
    assert "same words as quote 4" in note
    assert coding_count(coded) == 4
    restored = restore_version(coded, SOURCE, 1)
    assert restored.version == 2 and restored.count("restored") == 4
    assert quotes_of(coded, phrases) == before
    assert flagged_quotes(coded) == []


def test_restore_puts_back_text_and_every_quote_exactly_as_a_new_version(
        coded_file: Project) -> None:
    original = quotes_of(coded_file)
    edit_source(coded_file, SOURCE, TRANSCRIPT.replace("honestly", "really"), "first")
    second = TRANSCRIPT.replace("honestly", "really").replace("Interview IP4\n", "IP4\n")
    edit_source(coded_file, SOURCE, second, "second")
    result = restore_version(coded_file, SOURCE, 1, "ana")
    assert result.version == 3
    with coded_file.transaction() as session:
        assert session.scalars(select(Source.text)).one() == TRANSCRIPT
    assert quotes_of(coded_file) == original
    versions = list_versions(coded_file, SOURCE)
    assert [(v.number, v.reason, v.coder) for v in versions] == [
        (1, "first", "tester"), (2, "second", "tester"), (3, "restored version 1", "ana")]
    assert versions[2].characters == len(second)
    # Restoring what is already there changes nothing and saves nothing.
    assert not restore_version(coded_file, SOURCE, 1).changed
    assert len(list_versions(coded_file, SOURCE)) == 3


def test_turns_and_pages_move_with_the_text(project: Project) -> None:
    text = "Interviewer: Where?\n\nIP2: In the north.\n\nInterviewer: When?\n\nIP2: In 2019.\n"
    turns = [Turn(*span_of(text, "Where?"), "Interviewer", 1.0, 2.0),
             Turn(*span_of(text, "In the north."), "IP2"),
             Turn(*span_of(text, "When?"), "Interviewer"),
             Turn(*span_of(text, "In 2019."), "IP2")]
    pages = [0, text.index("Interviewer: When?")]
    add_source(project, NewSource("S", text, "pdf", turns=turns, pages=pages))
    new = text.replace("In the north.", "In the far north, near the border.")
    edit_source(project, "S", new)
    moved = open_source(project, "S").turns
    assert [(t.start, t.end, t.speaker) for t in moved] == [
        (*span_of(new, "Where?"), "Interviewer"),
        (*span_of(new, "In the far north, near the border."), "IP2"),
        (*span_of(new, "When?"), "Interviewer"), (*span_of(new, "In 2019."), "IP2")]
    assert (moved[0].begin_seconds, moved[0].end_seconds) == (1.0, 2.0)
    assert source_pages(project, "S") == [0, new.index("Interviewer: When?")]


def test_an_edit_forgets_undo_steps_that_hold_old_offsets(coded_file: Project) -> None:
    start, end = span_of(TRANSCRIPT, "Later they built a second room")
    with coded_file.step("code 'Growth'", "ana") as session:
        add_coding(session, CodingRequest(SOURCE, start, end, "Growth", coder="ana"))
    edit_source(coded_file, SOURCE, "Recorded.\n" + TRANSCRIPT)
    assert history.undo(coded_file, "ana") is None  # the coding stays, at its new place
    rows = [r for r in list_codings(coded_file) if r.code == "Growth"]
    assert [(r.start, r.end) for r in rows] == [(start + 10, end + 10)]


def test_an_edit_reads_only_the_undo_steps_on_its_own_source(
        coded: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    start, end = span_of(TRANSCRIPT, "Later they built a second room")
    with coded.step("code 'Growth'", "ana") as session:
        add_coding(session, CodingRequest(SOURCE, start, end, "Growth", coder="ana"))
    other = add_text(coded, "Other", TRANSCRIPT.replace("Interview IP4", "Interview IP9"))
    for n in range(20):  # a long history, all of it on another transcript
        with coded.step(f"code {n}", "ben") as session:
            add_coding(session, CodingRequest(other, n, n + 5, f"Other {n}", coder="ben"))
    parsed: list[str] = []
    touches = source_edit._touches
    monkeypatch.setattr(source_edit, "_touches",
                        lambda changes, ids: parsed.append(changes) or touches(changes, ids))
    edit_source(coded, SOURCE, "Recorded.\n" + TRANSCRIPT)
    # The database picks the steps that name the source: not one JSON parse per step,
    # and none of the twenty on the other transcript.
    with coded.reading() as session:
        edited_id = session.scalars(select(Source.id).where(Source.name == SOURCE)).one()
    assert parsed and all(touches(changes, {edited_id}) for changes in parsed)
    assert history.undo(coded, "ana") is None  # the step on the edited text is forgotten
    undone = history.undo(coded, "ben")  # the steps on the other transcript are all there
    assert undone is not None and undone.label == "code 19"
    # Many sources at once (pseudonymising every transcript): one pass for all of them.
    with coded.transaction() as session:
        other_id = session.scalars(select(Source.id).where(Source.name == other)).one()
        # Ben's twenty codings and the import of the transcript.
        assert source_edit.forget_steps_on(session, [other_id, other_id + 100]) == 21
    assert history.history(coded, "ben") == []


def test_bad_edits_are_refused_and_change_nothing(coded_file: Project) -> None:
    with pytest.raises(InputError, match="empty"):
        edit_source(coded_file, SOURCE, "  \n")
    add_text(coded_file, "Other", "Something else entirely.\n")
    with pytest.raises(ConstraintError, match="exactly the text of Other"):
        edit_source(coded_file, SOURCE, "Something else entirely.\n")
    with pytest.raises(ConstraintError, match="changed by someone else"):
        edit_source(coded_file, SOURCE, TRANSCRIPT + "x", based_on=TRANSCRIPT + "y")
    assert not edit_source(coded_file, SOURCE, TRANSCRIPT).changed
    assert list_versions(coded_file, SOURCE) == []
    assert quotes_of(coded_file)[PHRASES[0]][:2] == span_of(TRANSCRIPT, PHRASES[0])


# -- the CLI -------------------------------------------------------------------------------


@pytest.fixture
def study(tmp_path: Path) -> str:
    location = str(tmp_path / "study.qcode")
    with init_project(location) as project:
        add_text(project)
        for phrase in PHRASES:
            code_phrase(project, phrase)
    return location


def fake_editor(tmp_path: Path, old: str, new: str) -> dict[str, str]:
    """$EDITOR set to a script that replaces `old` by `new` in the file it is given.

    Like vi and nano it ends the file with a newline; it saves only when it changed.
    """
    script = tmp_path / "editor.py"
    script.write_text(
        "import pathlib, sys\n"
        "p = pathlib.Path(sys.argv[1])\n"
        f"t = p.read_text(encoding='utf-8').replace({old!r}, {new!r})\n"
        "if t != p.read_text(encoding='utf-8'):\n"
        "    p.write_text(t if t.endswith('\\n') else t + '\\n', encoding='utf-8')\n",
        encoding="utf-8")
    return {"EDITOR": f'"{sys.executable}" "{script}"', "VISUAL": ""}


def test_qcode_edit_runs_the_editor_and_reports_what_moved(study: str, tmp_path: Path) -> None:
    env = fake_editor(tmp_path, "They chose", "They picked")
    result = run("edit", study, SOURCE, "--reason", "typo", "--json", env=env)
    assert result.exit_code == 0, result.output
    assert "1 re-anchored and flagged" in result.stderr
    [row] = json.loads(result.stdout)
    assert (row["quote"], row["status"], row["now"]) == (
        1, "reanchored", "They picked the layout themselves")
    with open_project(study) as project:
        assert quotes_of(project)[PHRASES[1]][:2] == tuple(
            x + 1 for x in span_of(TRANSCRIPT, PHRASES[1]))
    # The editor's own final newline was not taken for an edit: the text ends as it did.
    assert run("text", study, SOURCE).stdout == TRANSCRIPT.replace("They chose", "They picked")
    versions = json.loads(run("versions", study, SOURCE, "--json").stdout)
    assert [(v["version"], v["reason"], v["quotes"]) for v in versions] == [(1, "typo", 3)]
    assert run("versions", study, SOURCE, "--show", "1").stdout == TRANSCRIPT
    review = json.loads(run("review", study, "--json").stdout)
    assert [r["quote"] for r in review] == [1]
    assert run("review", study, "--clear", "1").exit_code == 0
    assert json.loads(run("review", study, "--json").stdout) == []


def test_qcode_edit_on_a_busy_project_keeps_the_draft_and_names_it(
        study: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_engine, "SQLITE_BUSY_TIMEOUT_MS", 300)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where drafts go
    env = fake_editor(tmp_path, "They chose", "They picked")
    holder = sqlite3.connect(study, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program writing while we save
    try:
        result = run("edit", study, SOURCE, env=env)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("qcode: error: the project is busy"), line
    found = re.search(r"your edited text is kept in (.+?); `qcode replace PROJECT "
                      f"{SOURCE} (.+?)` applies it$", line)
    assert found is not None, line
    draft = Path(found.group(1))
    edited = TRANSCRIPT.replace("They chose", "They picked")
    assert draft.parent == tmp_path and draft.read_text(encoding="utf-8") == edited
    assert run("text", study, SOURCE).stdout == TRANSCRIPT  # nothing was changed
    # Once the project is free, the command the message gives applies the draft.
    assert run("replace", study, SOURCE, found.group(2)).exit_code == 0
    assert run("text", study, SOURCE).stdout == edited


def test_review_clear_all_asks_first(study: str) -> None:
    with open_project(study) as project:
        edit_source(project, SOURCE, TRANSCRIPT.replace("They chose", "They picked")
                    .replace("Self-management was", "Self-help was"))
        assert len(flagged_quotes(project)) == 2
    refused = CliRunner().invoke(cli, ["review", study, "--clear-all"], input="n\n")
    assert refused.exit_code == 1 and "Accept all 2 flagged quotes as they are now?" in (
        refused.output)
    assert len(json.loads(run("review", study, "--json").stdout)) == 2
    unasked = CliRunner().invoke(cli, ["review", study, "--clear-all"])  # no terminal: no
    assert unasked.exit_code == 1
    assert len(json.loads(run("review", study, "--json").stdout)) == 2
    accepted = CliRunner().invoke(cli, ["review", study, "--clear-all"], input="y\n")
    assert accepted.exit_code == 0 and "accepted 2 quotes" in accepted.stderr
    assert json.loads(run("review", study, "--json").stdout) == []
    with open_project(study) as project:
        edit_source(project, SOURCE, TRANSCRIPT)
        assert flagged_quotes(project)
    quiet = run("review", study, "--clear-all", "--yes")
    assert quiet.exit_code == 0 and "Accept all" not in quiet.output
    assert json.loads(run("review", study, "--json").stdout) == []


def test_the_newline_an_editor_adds_at_the_end_is_not_an_edit(study: str,
                                                              tmp_path: Path) -> None:
    with open_project(study) as project:
        add_text(project, "Note", "A short note")
    env = fake_editor(tmp_path, "short", "brief")
    assert run("edit", study, "Note", env=env).exit_code == 0
    assert run("text", study, "Note").stdout == "A brief note"


def test_qcode_edit_without_saving_changes_nothing(study: str, tmp_path: Path) -> None:
    env = fake_editor(tmp_path, "no such words", "x")
    result = run("edit", study, SOURCE, env=env)
    assert result.exit_code == 0, result.output
    assert "nothing was changed" in result.stderr
    assert json.loads(run("versions", study, SOURCE, "--json").stdout) == []


def test_qcode_replace_reads_a_docx_with_its_speakers(study: str, tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for speaker, said in [("Interviewer:", " How did families take part?"),
                          ("IP4:", " They chose the layout themselves. Self-management was "
                                   "the key, really."),
                          ("Interviewer:", " And the costs?"),
                          ("IP4:", " The subsidy covered the foundations only.")]:
        paragraph = document.add_paragraph()
        paragraph.add_run(speaker).bold = True
        paragraph.add_run(said)
    path = tmp_path / "IP4_corrected.docx"
    document.save(str(path))
    result = run("replace", study, SOURCE, str(path), "--all", "--json")
    assert result.exit_code == 0, result.output
    statuses = {row["was"]: row["status"] for row in json.loads(result.stdout)}
    assert statuses == {PHRASES[0]: "moved", PHRASES[1]: "moved", PHRASES[2]: "moved"}
    new = run("text", study, SOURCE).stdout
    with open_project(study) as project:
        for phrase, (start, end, _anchor, text) in quotes_of(project).items():
            assert (start, end, text) == (*span_of(new, phrase), phrase)
        assert [t.speaker for t in open_source(project, SOURCE).turns] == [
            "Interviewer", "IP4", "Interviewer", "IP4"]
    (listed,) = json.loads(run("sources", study, "--json").stdout)
    assert listed["format"] == "docx"
    assert run("restore", study, SOURCE, "--version", "1").exit_code == 0
    assert run("text", study, SOURCE).stdout == TRANSCRIPT


def test_cli_errors_are_one_line_and_change_nothing(study: str, tmp_path: Path) -> None:
    result = run("restore", study, SOURCE, "--version", "4")
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"qcode: error: {SOURCE} has no version 4; "
                                     f"`qcode versions PROJECT {SOURCE}` lists them")
    odd = tmp_path / "new.xyz"
    odd.write_text("x")
    result = run("replace", study, SOURCE, str(odd))
    assert result.exit_code == 1 and "cannot be read" in result.stderr
    assert run("review", study, "--clear", "99").exit_code == 1


# -- random edits through the store --------------------------------------------------------

WORDS = ["they", "chose", "the", "layout", "families", "key", "room", "built", "agency"]


@settings(max_examples=examples(12), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(words=st.lists(st.sampled_from(WORDS), min_size=12, max_size=30),
       edits=st.lists(st.tuples(st.integers(0, 200), st.integers(0, 4),
                                st.sampled_from(["", "new", "brand new words", "the"])),
                      min_size=3, max_size=6),
       quotes=st.lists(st.tuples(st.integers(0, 200), st.integers(1, 5)), min_size=1,
                       max_size=5))
def test_random_edits_never_drop_a_coding(tmp_path_factory: pytest.TempPathFactory,
                                          words: list[str],
                                          edits: list[tuple[int, int, str]],
                                          quotes: list[tuple[int, int]]) -> None:
    location = tmp_path_factory.mktemp("edits") / "s.qcode"
    text = " ".join(words) + ".\n"
    bounds = [(m, m + len(w)) for m, w in zip(
        [sum(len(x) + 1 for x in words[:i]) for i in range(len(words))], words, strict=True)]
    with init_project(str(location)) as project:
        add_text(project, "S", text)
        for n, (at, length) in enumerate(quotes):
            i = at % len(bounds)
            start, end = bounds[i][0], bounds[min(len(bounds) - 1, i + length)][1]
            code_phrase_at(project, start, end, f"code {n}")
        total = coding_count(project)
        for at, length, typed in edits:
            current = project.read(lambda s: s.scalars(select(Source.text)).one())
            where = at % len(current)
            new = current[:where] + typed + current[where + length:]
            if not new.strip():
                continue
            edit_source(project, "S", new)
            assert coding_count(project) == total
            words_hold(project)


def code_phrase_at(project: Project, start: int, end: int, code: str) -> None:
    with project.transaction() as session:
        add_coding(session, CodingRequest("S", start, end, code))
