"""Pseudonymising a study: names replaced everywhere, quotes exact, the key kept apart."""

from __future__ import annotations

import json
import unicodedata
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from qcode.cli.main import cli
from qcode.errors import InputError
from qcode.services.backup import list_backups
from qcode.services.cases import CaseRow, list_cases, upsert_case
from qcode.services.codebook import define_codes, list_codes
from qcode.services.coding import CodingRequest, code_span, list_codings
from qcode.services.memos import add_memo, list_memos
from qcode.services.project import Project, open_project
from qcode.services.pseudonymise import Mapping, drop_mapping, pseudonymise, stored_mappings
from qcode.services.source_edit import flagged_quotes, list_versions
from qcode.services.sources import NewSource, add_source, open_source, source_text
from qcode.store.models import Pseudonym, Quote

TEXT = ("Interview with Maria Lopez, Instituto de Vivienda\n\n"
        "Interviewer: How did you start at the Instituto de Vivienda?\n\n"
        "Maria Lopez: I joined in 2015. Maria is what everyone calls me. In San Isidro we "
        "had three teams.\n\n"
        "Interviewer: And Pedro?\n\n"
        "Maria Lopez: Pedro ran the credit office with Maria Lopez's old team.\n")
NAMES = ("original,pseudonym,kind\n"
         "Maria Lopez,IP1,person\n"
         "Maria,IP1,person\n"
         "Pedro,a colleague,person\n"
         "Instituto de Vivienda,the agency,organisation\n"
         "San Isidro,the state,place\n")
ORIGINALS = ["Maria", "Lopez", "Pedro", "Instituto", "Vivienda", "San Isidro"]
# What the text becomes, written out by hand: the test does not trust the replacer.
EXPECTED = ("Interview with IP1, the agency\n\n"
            "Interviewer: How did you start at the the agency?\n\n"
            "IP1: I joined in 2015. IP1 is what everyone calls me. In the state we had three "
            "teams.\n\n"
            "Interviewer: And a colleague?\n\n"
            "IP1: a colleague ran the credit office with IP1's old team.\n")
QUOTES = {  # coded words -> the same words, pseudonymised
    "I joined in 2015. Maria is what everyone calls me.":
        "I joined in 2015. IP1 is what everyone calls me.",
    "we had three teams": "we had three teams",
    "Pedro ran the credit office": "a colleague ran the credit office",
    "Maria Lopez: Pedro": "IP1: a colleague",
}


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def span(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


@pytest.fixture
def study(tmp_path: Path) -> str:
    """The interview imported through the CLI, with a named case and coded quotes."""
    (tmp_path / "IP1_interview.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "participants.csv").write_text("case,name,file\nIP1,Maria Lopez,"
                                               "IP1_interview.txt\n", encoding="utf-8")
    (tmp_path / "names.csv").write_text(NAMES, encoding="utf-8")
    location = str(tmp_path / "study.qcode")
    assert run("init", location).exit_code == 0
    assert run("import", location, str(tmp_path / "IP1_interview.txt"), "--participants",
               str(tmp_path / "participants.csv")).exit_code == 0
    with open_project(location) as project:
        code_quotes(project, "IP1_interview")
    return location


def code_quotes(project: Project, source: str) -> None:
    for n, words in enumerate(QUOTES):
        start, end = span(TEXT, words)
        code_span(project, CodingRequest(source, start, end, f"code {n}",
                                         notes="compare with Pedro" if n == 0 else None))


def test_the_map_replaces_names_and_every_quote_keeps_its_words_exactly(
        study: str, tmp_path: Path) -> None:
    result = run("pseudonymise", study, "--map", str(tmp_path / "names.csv"), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"source": "IP1_interview", "names replaced": 10,
                                          "quotes changed": 3, "version": 1}]
    assert "replaced 10 occurrences of 5 of the 5 mapped names in 1 source" in result.stderr
    assert "speaker labels (2), case names (1), coding notes (1)" in result.stderr
    assert run("text", study, "IP1_interview").stdout == EXPECTED
    with open_project(study) as project:
        rows = {r.code: r for r in list_codings(project)}
        for n, now in enumerate(QUOTES.values()):
            row = rows[f"code {n}"]
            assert (row.start, row.end, row.text, row.anchor) == (*span(EXPECTED, now), now,
                                                                  "manual")
        assert rows["code 0"].notes == "compare with a colleague"
        assert flagged_quotes(project) == []  # asked-for changes are not for review
        assert {t.speaker for t in open_source(project, "IP1_interview").turns} == {
            "IP1", "Interviewer"}
        [version] = list_versions(project, "IP1_interview")
        assert (version.reason, version.characters) == ("pseudonymised", len(TEXT))
    assert json.loads(run("cases", study, "--json").stdout)[0]["name"] == "IP1"
    # Applying again finds nothing more to replace.
    again = run("pseudonymise", study)
    assert again.exit_code == 0 and "replaced 0 occurrences" in again.stderr


def test_exports_carry_only_the_pseudonymised_text(study: str, tmp_path: Path) -> None:
    assert run("pseudonymise", study, "--map", str(tmp_path / "names.csv")).exit_code == 0
    xlsx, qdpx = tmp_path / "coded.xlsx", tmp_path / "study.qdpx"
    assert run("export", "xlsx", study, str(xlsx)).exit_code == 0
    assert run("export", "qdpx", study, str(qdpx)).exit_code == 0
    from openpyxl import load_workbook

    book = load_workbook(xlsx, read_only=True)
    cells = [str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
             for v in row if v is not None]
    book.close()
    assert any("IP1 is what everyone calls me" in c for c in cells)
    for name in ORIGINALS:
        assert not [c for c in cells if name in c], name
    with zipfile.ZipFile(qdpx) as archive:
        contents = " ".join(archive.read(n).decode("utf-8", "replace")
                            for n in archive.namelist())
    assert "a colleague ran the credit office" in contents
    for name in ORIGINALS:
        assert name not in contents, name


def test_a_dry_run_reports_and_changes_nothing(study: str, tmp_path: Path) -> None:
    result = run("pseudonymise", study, "--map", str(tmp_path / "names.csv"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would replace 10 occurrences" in result.stderr
    assert "dry run: nothing was changed" in result.stderr
    assert run("text", study, "IP1_interview").stdout == TEXT
    with open_project(study) as project:
        assert stored_mappings(project) == []
        assert list_versions(project, "IP1_interview") == []


def test_suggestions_list_names_with_their_counts(study: str) -> None:
    result = run("pseudonymise", study, "--suggest", "--json")
    assert result.exit_code == 0, result.output
    found = {s["original"]: (s["kind"], s["count"]) for s in json.loads(result.stdout)}
    assert found == {
        "Maria Lopez": ("person", 4),  # the case's name, a speaker, and "Maria Lopez's"
        "Instituto de Vivienda": ("name?", 2),
        "Pedro": ("name?", 2),
        "Maria": ("person", 1),  # alone once, at a sentence start: known from Maria Lopez
        "San Isidro": ("name?", 1),  # after "In" at a sentence start
    }


def test_suggestions_written_as_csv_go_back_in_as_the_map(study: str, tmp_path: Path) -> None:
    """The researcher saves the suggestions, edits the pseudonyms, and applies the file."""
    names = tmp_path / "suggested.csv"
    assert run("pseudonymise", study, "--suggest", "-o", str(names)).exit_code == 0
    lines = names.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "original,pseudonym,kind,count,sources"
    edited = [lines[0]] + [line for line in lines[1:] if line.startswith("Pedro,")]
    edited = [edited[0], "Pedro,the colleague," + edited[1].split(",", 2)[2]]
    names.write_text("\n".join(edited) + "\n", encoding="utf-8")
    applied = run("pseudonymise", study, "--map", str(names))
    assert applied.exit_code == 0, applied.output
    text = run("text", study, "IP1_interview").stdout
    assert "Pedro" not in text and text.count("the colleague") == 2


def test_the_map_is_exported_and_dropped_with_the_real_text(study: str,
                                                            tmp_path: Path) -> None:
    assert run("pseudonymise", study, "--map", str(tmp_path / "names.csv")).exit_code == 0
    key = tmp_path / "key.csv"
    assert run("pseudonymise", study, "--export-map", str(key)).exit_code == 0
    assert key.read_text(encoding="utf-8").splitlines() == [
        "original,pseudonym,kind", "Instituto de Vivienda,the agency,organisation",
        "Maria,IP1,person", "Maria Lopez,IP1,person", "Pedro,a colleague,person",
        "San Isidro,the state,place"]
    assert b"Pedro" in Path(study).read_bytes()  # the mapping and the old version hold it
    result = run("pseudonymise", study, "--drop-map", "--yes")
    assert result.exit_code == 0, result.output
    assert "dropped 5 names, 1 saved version" in result.stderr
    assert "still hold the real names" in result.stderr  # the backup taken before
    with open_project(study) as project:
        assert stored_mappings(project) == []
        assert list_versions(project, "IP1_interview") == []
    data = Path(study).read_bytes()
    wal = Path(study + "-wal")
    data += wal.read_bytes() if wal.exists() else b""
    for name in ORIGINALS:
        assert name.encode() not in data, name
    assert run("pseudonymise", study, "--drop-map", "--yes").exit_code == 1


def test_drop_map_asks_first(study: str, tmp_path: Path) -> None:
    assert run("pseudonymise", study, "--map", str(tmp_path / "names.csv")).exit_code == 0
    result = CliRunner().invoke(cli, ["pseudonymise", study, "--drop-map"], input="n\n")
    assert result.exit_code == 1
    with open_project(study) as project:
        assert len(stored_mappings(project)) == 5


@pytest.mark.parametrize(("names", "message"), [
    ("Maria,Maria Lopez's friend\n", "contains the name 'Maria'"),
    ("Maria,IP1\nMaria,IP2\n", "two pseudonyms"),
    ("Maria\n", "has no pseudonym"),
])
def test_a_bad_map_is_one_line_and_changes_nothing(study: str, tmp_path: Path, names: str,
                                                   message: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(names, encoding="utf-8")
    result = run("pseudonymise", study, "--map", str(bad))
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert run("text", study, "IP1_interview").stdout == TEXT


def test_case_sensitive_by_default_and_any_case_on_request(project: Project) -> None:
    add_source(project, NewSource("S", "maria said so. Maria agreed.\n", "txt"))
    pseudonymise(project, [Mapping("Maria", "IP1")])
    assert source_text(project, "S")[1] == "maria said so. IP1 agreed.\n"
    report = pseudonymise(project, ignore_case=True)
    assert source_text(project, "S")[1] == "IP1 said so. IP1 agreed.\n"
    assert report.replaced == {"maria": 1}
    with project.transaction() as session:
        for row in session.scalars(select(Pseudonym)):
            session.delete(row)
    with pytest.raises(InputError, match="no pseudonym mapping yet"):
        pseudonymise(project)


def test_quotes_stay_exact_on_both_stores(project: Project) -> None:
    add_source(project, NewSource("IP1_interview", TEXT, "txt"))
    code_quotes(project, "IP1_interview")
    mappings = [Mapping("Maria Lopez", "IP1"), Mapping("Maria", "IP1"),
                Mapping("Pedro", "a colleague"),
                Mapping("Instituto de Vivienda", "the agency"),
                Mapping("San Isidro", "the state")]
    report = pseudonymise(project, mappings)
    assert sum(report.replaced.values()) == 10
    assert source_text(project, "IP1_interview")[1] == EXPECTED
    with project.transaction() as session:
        placed = {q.text: (q.start, q.end, q.review_note)
                  for q in session.scalars(select(Quote))}
    assert placed == {now: (*span(EXPECTED, now), None) for now in QUOTES.values()}


# -- names that start with a letter outside ASCII ------------------------------------------

ACCENTED = ("Interviewer: When did you meet Álvaro?\n\n"
            "Ángeles Pérez: In the office on the Straße. Álvaro came late.\n\n"
            "Interviewer: And then?\n\nÁngeles Pérez: We talked.\n")
ACCENTED_MAP = [Mapping("Álvaro", "IP2", "person"), Mapping("Ángeles Pérez", "IP3", "person"),
                Mapping("Straße", "the street", "place")]
ACCENTED_NAMES = ["Álvaro", "Ángeles", "Pérez", "Straße"]


def test_accented_names_are_replaced_outside_the_text_too(project: Project) -> None:
    add_source(project, NewSource("IP2_interview", ACCENTED, "txt"))
    start, end = span(ACCENTED, "Álvaro came late.")
    code_span(project, CodingRequest("IP2_interview", start, end, "Punctuality",
                                     emphasis="Ángeles Pérez disagrees",
                                     notes="ask about the Straße"))
    define_codes(project, [("Trust", "What Ángeles Pérez said about trust")])
    with project.transaction() as session:
        add_memo(session, "Call with Álvaro", "Ángeles Pérez lives on the Straße")
        upsert_case(session, CaseRow(key="IP3", name="Ángeles Pérez"))
    # Written with separate accent marks (NFD), as macOS names files: the same name.
    add_source(project, NewSource(unicodedata.normalize("NFD", "Notes on Álvaro"),
                                  unicodedata.normalize("NFD", "Álvaro called.\n"), "txt"))
    report = pseudonymise(project, ACCENTED_MAP)
    assert source_text(project, "Notes on IP2")[1] == "IP2 called.\n"
    assert source_text(project, "IP2_interview")[1] == (
        "Interviewer: When did you meet IP2?\n\n"
        "IP3: In the office on the the street. IP2 came late.\n\n"
        "Interviewer: And then?\n\nIP3: We talked.\n")
    [row] = list_codings(project)
    assert (row.text, row.emphasis, row.notes) == (
        "IP2 came late.", "IP3 disagrees", "ask about the the street")
    with project.transaction() as session:
        [memo] = list_memos(session)
        assert (memo.title, memo.body) == ("Call with IP2", "IP3 lives on the the street")
    assert [c.name for c in list_cases(project)] == ["IP3"]
    assert {c.name: c.description for c in list_codes(project)}["Trust"] == (
        "What IP3 said about trust")
    assert report.fields["memos"] == report.fields["memo titles"] == 1
    # In any case on request, on both stores: "ÁLVARO" is Álvaro too.
    with project.transaction() as session:
        add_memo(session, "ÁLVARO called back", "He moved away from the STRAßE")
    pseudonymise(project, ignore_case=True)
    with project.transaction() as session:
        assert sorted((m.title, m.body) for m in list_memos(session)) == [
            ("Call with IP2", "IP3 lives on the the street"),
            ("IP2 called back", "He moved away from the the street")]
    dropped = drop_mapping(project)
    assert (dropped.mappings, dropped.versions, dropped.kept) == (3, 2, {})
    assert stored_mappings(project) == []


def accented_study(tmp_path: Path) -> str:
    """The accented interview imported through the CLI, and its names file."""
    (tmp_path / "IP2_interview.txt").write_text(ACCENTED, encoding="utf-8")
    (tmp_path / "names.csv").write_text("".join(f"{m.original},{m.pseudonym},{m.kind}\n"
                                                for m in ACCENTED_MAP), encoding="utf-8")
    location = str(tmp_path / "study.qcode")
    assert run("init", location).exit_code == 0
    assert run("import", location, str(tmp_path / "IP2_interview.txt")).exit_code == 0
    return location


def folded(value: str) -> str:
    """Case and accents folded, as the search index keeps words."""
    return "".join(ch for ch in unicodedata.normalize("NFD", value.casefold())
                   if not unicodedata.combining(ch))


def test_drop_map_after_a_search_leaves_no_real_name_in_the_file(tmp_path: Path) -> None:
    study = accented_study(tmp_path)
    # A search builds the full-text index: it now holds every word, "álvaro" too.
    assert "Álvaro" in run("search", study, "Álvaro").stdout
    with open_project(study) as project, project.step("write memo 'Call with Álvaro'",
                                                      "maria") as session:
        add_memo(session, "Call with Álvaro", "Ángeles Pérez lives on the Straße")
    assert run("pseudonymise", study, "--map", str(tmp_path / "names.csv")).exit_code == 0
    assert json.loads(run("search", study, "Álvaro", "--json").stdout) == []
    # A step written afterwards with a name in any case: its label still names him.
    with open_project(study) as project, project.step("write memo 'Call ÁLVARO back'",
                                                      "maria") as session:
        add_memo(session, "Call IP2 back")
    result = run("pseudonymise", study, "--drop-map", "--yes")
    assert result.exit_code == 0, result.output
    labels = [step["step"] for step in
              json.loads(run("history", study, "--coder", "maria", "--json").stdout)]
    assert labels == ["write memo 'Call IP2 back'"]
    data = Path(study).read_bytes()
    wal = Path(study + "-wal")
    data += wal.read_bytes() if wal.exists() else b""
    # Grepped as the index keeps words (lower case, no accents) and as written.
    found = data.decode("utf-8", "replace").casefold()
    for name in ACCENTED_NAMES:
        assert name.casefold() not in found and folded(name) not in found, name
    # The index was rebuilt from the pseudonymised texts: searching still works.
    [hit] = json.loads(run("search", study, "late", "--json").stdout)
    assert hit["left"].endswith("IP2 came ") and hit["hit"] == "late"


def test_names_qcode_does_not_rename_are_listed_and_history_labels_cleaned(
        tmp_path: Path) -> None:
    study = accented_study(tmp_path)
    tied = run("autocode", study, "--speaker", "Ángeles Pérez", "--as-case", "--coder", "maria")
    assert tied.exit_code == 0, tied.output
    assert run("add-code", study, "Álvaro's idea", "--description",
               "What Álvaro proposed").exit_code == 0
    result = run("pseudonymise", study, "--map", str(tmp_path / "names.csv"))
    assert result.exit_code == 0, result.output
    [warning] = [line for line in result.stderr.splitlines() if "warning" in line]
    assert "case key 'Ángeles Pérez'; code \"Álvaro's idea\" (" in warning
    assert warning.endswith("qcode rename-code)")
    # Two labels: the auto-coding's and the add-code step's ("add code 'Álvaro's idea'").
    assert "code descriptions (1)" in result.stderr and "history labels (2)" in result.stderr
    [step] = json.loads(run("history", study, "--coder", "maria", "--json").stdout)
    assert step["step"] == "tie the sources of speaker 'IP3' to case 'IP3'"


def test_nothing_to_apply_makes_no_backup(study: str) -> None:
    before = list_backups(Path(study))
    result = run("pseudonymise", study)
    assert result.exit_code == 1 and "no pseudonym mapping yet" in result.stderr
    assert list_backups(Path(study)) == before
