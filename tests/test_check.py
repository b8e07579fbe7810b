"""`qcode check`: each kind of damage, made with raw SQL as another tool would, is found
in one line saying where; `--repair` fixes what it can after a backup and keeps every
coding."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner, Result
from helpers import TRANSCRIPT, add_text, code_phrase
from sqlalchemy import create_engine, text

from qcode.cli.main import cli
from qcode.services import backup as backups
from qcode.services.check import SERVER_NOTE, check, repair
from qcode.services.project import init_project

IP4 = "IP4_social_worker_agency"


# What another program writing the file gives a new row: an identity of its own.
NEW_GUID = "lower(hex(randomblob(16)))"

def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def damage(path: str, *statements: str) -> None:
    """Change the file as DB Browser or the sqlite3 shell would: foreign keys off."""
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA foreign_keys=OFF")
        for statement in statements:
            db.execute(statement)
        db.commit()
    finally:
        db.close()


def query(path: str, sql: str) -> list[tuple[object, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def codings(path: str) -> set[tuple[object, ...]]:
    """Every coding with what the researcher wrote: repairs must keep all of it."""
    return set(query(path, "SELECT id, quote_id, emphasis, notes, coder_id FROM codings"))


class Checked:
    """One `qcode check` of a damaged project, as a table and as JSON."""

    def __init__(self, path: str) -> None:
        table = run("check", path)
        assert table.exit_code == 1, table.output
        self.lines = table.stdout.splitlines()
        self.findings = json.loads(run("check", path, "--json").stdout)

    def has(self, kind: str, where: str, detail: str = "") -> dict[str, object]:
        """The finding at `where`: one line of the table, and one entry of the JSON."""
        lines = [line for line in self.lines if where in line and detail in line]
        assert len(lines) == 1 and kind in lines[0], "\n".join(self.lines)
        (found,) = [f for f in self.findings
                    if where in str(f["where"]) and detail in str(f["detail"])]
        assert found["kind"] == kind
        return dict(found)


def repaired(path: str, clean: bool = True) -> list[dict[str, object]]:
    """Run --repair: a backup first, then what it did; the project checks clean after."""
    result = run("check", path, "--repair", "--json")
    assert result.exit_code == (0 if clean else 1), result.output
    (made,) = backups.list_backups(Path(path))
    assert made.name.endswith("-before-repair.qcode")
    assert f"backed up first to {made}" in result.stderr
    return list(json.loads(result.stdout))


def test_the_demo_is_clean(built_demo: Path) -> None:
    result = run("check", str(built_demo))
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"{built_demo}: clean, no problems found\n"


def test_a_transcript_edited_in_the_database_gets_its_quotes_anchored_again(
        demo_copy: str) -> None:
    kept = codings(demo_copy)
    before = dict(query(demo_copy, "SELECT q.id, q.text FROM quotes q JOIN sources s ON "
                                   f"s.id = q.source_id WHERE s.name = '{IP4}'"))
    prefix = "Transcript checked against the recording.\n"
    damage(demo_copy, f"UPDATE sources SET text = '{prefix}' || text, length = length + "
                      f"{len(prefix)} WHERE name = '{IP4}'")
    first = min(before)
    checked = Checked(demo_copy)
    found = checked.has("quote text", f"quote {first} in {IP4} ")
    assert found["repairable"] is True
    checked.has("source", f"source {IP4}", "word count says")
    checked.has("source", f"source {IP4}", "fingerprint")
    done = repaired(demo_copy)
    assert sum(r["kind"] == "quote text" for r in done) == len(before)
    assert codings(demo_copy) == kept
    after = dict(query(demo_copy, "SELECT q.id, q.text FROM quotes q JOIN sources s ON "
                                  f"s.id = q.source_id WHERE s.name = '{IP4}'"))
    assert after == before  # the same words, each now at its new place


def test_a_quote_past_the_end_moves_back_and_lost_words_stay_unanchored(
        demo_copy: str) -> None:
    kept = codings(demo_copy)
    (length,) = query(demo_copy, f"SELECT length FROM sources WHERE name = '{IP4}'")[0]
    moved, lost = [row[0] for row in query(
        demo_copy, "SELECT q.id FROM quotes q JOIN sources s ON s.id = q.source_id "
                   f"WHERE s.name = '{IP4}' ORDER BY q.id LIMIT 2")]
    damage(demo_copy,
           "DROP TRIGGER trg_quotes_within_source_update",
           f"UPDATE quotes SET start_offset = {length} - 5, end_offset = {length} - 5 + "
           f"length(text) WHERE id = {moved}",
           f"UPDATE quotes SET text = replace(text, 'e', 'q') WHERE id = {lost}")
    where = query(demo_copy, f"SELECT start_offset, end_offset FROM quotes WHERE id = {moved}")
    start, end = where[0]
    checked = Checked(demo_copy)
    checked.has("quote span", f"quote {moved} in {IP4} {start}-{end}")
    checked.has("quote text", f"quote {lost} in {IP4} ")
    checked.has("rule", "trigger trg_quotes_within_source_update")
    repaired(demo_copy)
    assert codings(demo_copy) == kept
    rows = dict((r[0], r[1:]) for r in query(
        demo_copy, f"SELECT id, anchor, start_offset, review_note FROM quotes "
                   f"WHERE id IN ({moved}, {lost})"))
    assert rows[moved][0] == "exact" and rows[moved][1] < length - 5
    assert rows[lost][:2] == ("unanchored", None) and "qcode check" in str(rows[lost][2])
    listed = json.loads(run("codings", demo_copy, "--unanchored", "--json").stdout)
    assert [r["text"] for r in listed] == [query(
        demo_copy, f"SELECT text FROM quotes WHERE id = {lost}")[0][0]]
    assert query(demo_copy, "SELECT count(*) FROM sqlite_master WHERE name = "
                            "'trg_quotes_within_source_update'") == [(1,)]


def test_orphan_quotes_go_and_duplicate_codings_are_told_apart(demo_copy: str) -> None:
    (source_id,) = query(demo_copy, f"SELECT id FROM sources WHERE name = '{IP4}'")[0]
    (code_id, coder_id) = query(demo_copy, "SELECT code_id, coder_id FROM codings LIMIT 1")[0]
    stamp = "'2025-01-01 00:00:00'"
    statements = [
        f"INSERT INTO quotes (id, guid, source_id, start_offset, end_offset, text, anchor, "
        f"created_at, updated_at) VALUES (9001, {NEW_GUID}, {source_id}, 0, 9, substr((SELECT "
        f"text FROM sources WHERE id = {source_id}), 1, 9), 'exact', {stamp}, {stamp})",
    ]
    # The same unplaced words brought in twice (a REFI-QDA file imported twice): the
    # unique constraints cannot see it, as unanchored quotes have no span.
    for quote, words in ((9002, "words never said"), (9003, "words never said"),
                         (9004, "other lost words"), (9005, "other lost words")):
        statements.append(
            f"INSERT INTO quotes (id, guid, source_id, text, sheet_text, anchor, created_at, "
            f"updated_at) VALUES ({quote}, {NEW_GUID}, {source_id}, '{words}', '{words}', "
            f"'unanchored', {stamp}, {stamp})")
    for coding, quote, notes in ((9102, 9002, "same"), (9103, 9003, "same"),
                                 (9104, 9004, "mine"), (9105, 9005, "yours")):
        statements.append(
            f"INSERT INTO codings (id, guid, quote_id, code_id, coder_id, notes, created_at, "
            f"updated_at) VALUES ({coding}, {NEW_GUID}, {quote}, {code_id}, {coder_id}, '{notes}', "
            f"{stamp}, {stamp})")
    damage(demo_copy, *statements)
    kept = codings(demo_copy)
    checked = Checked(demo_copy)
    assert checked.has("orphan quote", f"quote 9001 in {IP4} 0-9")["repairable"]
    assert checked.has("duplicate coding", "coding 9103 and coding 9102")["repairable"]
    assert not checked.has("duplicate coding", "coding 9105 and coding 9104")["repairable"]
    repaired(demo_copy, clean=False)
    assert codings(demo_copy) == {c for c in kept if c[0] != 9103}  # only the identical copy
    assert query(demo_copy, "SELECT id FROM quotes WHERE id IN (9001, 9003)") == []
    remains = json.loads(run("check", demo_copy, "--json").stdout)
    assert [(f["kind"], f["where"]) for f in remains] == [
        ("duplicate coding", "coding 9105 and coding 9104")]


def test_references_pointing_nowhere_get_placeholders_or_a_new_home(demo_copy: str) -> None:
    code_id, n = query(demo_copy, "SELECT code_id, count(*) FROM codings GROUP BY code_id "
                                  "ORDER BY count(*) DESC LIMIT 1")[0]
    (case_id,) = query(demo_copy, "SELECT id FROM cases LIMIT 1")[0]
    (group_id,) = query(demo_copy, "SELECT parent_id FROM subdivisions WHERE parent_id IS "
                                   "NOT NULL LIMIT 1")[0]
    children = query(demo_copy, f"SELECT id FROM subdivisions WHERE parent_id = {group_id}")
    damage(demo_copy,
           "INSERT INTO memos (id, guid, title, body, case_id, created_at, updated_at) "
           f"VALUES (77, {NEW_GUID}, 'About this partner', 'long notes', {case_id}, "
           "'2025-01-01', '2025-01-01')",
           f"DELETE FROM codes WHERE id = {code_id}",
           f"DELETE FROM cases WHERE id = {case_id}",
           f"DELETE FROM coding_subdivisions WHERE subdivision_id = {group_id}",
           f"DELETE FROM subdivisions WHERE id = {group_id}")
    kept = codings(demo_copy)
    (coding,) = query(demo_copy, f"SELECT min(id) FROM codings WHERE code_id = {code_id}")[0]
    checked = Checked(demo_copy)
    found = checked.has("foreign key", f"coding {coding}")
    assert found["detail"] == f"code_id points to codes {code_id}, which does not exist"
    checked.has("foreign key", "memo 77")
    checked.has("foreign key", f"subdivision {children[0][0]}")
    checked.has("foreign key", "source_cases (source_id ")
    repaired(demo_copy)
    assert codings(demo_copy) == kept
    codes = {c["name"]: c["codings"] for c in json.loads(run("codes", demo_copy, "--json").stdout)}
    assert codes[f"missing code {code_id} (restored by qcode check)"] == n
    assert query(demo_copy, "SELECT title, body, case_id FROM memos WHERE id = 77") == [
        ("About this partner", "long notes", None)]
    assert query(demo_copy, f"SELECT count(*) FROM subdivisions WHERE parent_id IS NULL "
                            f"AND id IN ({', '.join(str(c[0]) for c in children)})") == [
        (len(children),)]


def test_sources_turns_and_the_undo_log(demo_copy: str) -> None:
    (coder_id,) = query(demo_copy, "SELECT id FROM coders LIMIT 1")[0]
    (turn, source) = query(demo_copy, "SELECT t.id, s.name FROM speaker_turns t JOIN sources "
                                      "s ON s.id = t.source_id ORDER BY t.id DESC LIMIT 1")[0]
    (length,) = query(demo_copy, f"SELECT length FROM sources WHERE name = '{source}'")[0]
    damage(demo_copy,
           "PRAGMA ignore_check_constraints = ON",
           f"UPDATE sources SET length = 5, word_count = 1 WHERE name = '{IP4}'",
           f"UPDATE speaker_turns SET end_offset = 999999 WHERE id = {turn}",
           "INSERT INTO actions (id, coder_id, label, changes, state, created_at) VALUES "
           f"(55, {coder_id}, 'code a span', '[[\"insert\", \"codings\", nul', 'done', "
           "'2025-01-01')")
    checked = Checked(demo_copy)
    checked.has("source", f"source {IP4}", "length says 5, the text has")
    checked.has("source", f"source {IP4}", "word count says 1")
    checked.has("speaker turn", f"turn {turn} ")
    checked.has("action log", "undo step 55 ('code a span')")
    kept = codings(demo_copy)
    repaired(demo_copy)
    assert codings(demo_copy) == kept
    assert query(demo_copy, f"SELECT end_offset FROM speaker_turns WHERE id = {turn}") == [
        (length,)]
    assert query(demo_copy, f"SELECT length = length(text), word_count > 1 FROM sources "
                            f"WHERE name = '{IP4}'") == [(1, 1)]


def test_a_damaged_index_is_reported_and_rebuilt(demo_copy: str) -> None:
    (root,) = query(demo_copy, "SELECT rootpage FROM sqlite_master "
                               "WHERE name = 'sqlite_autoindex_coders_1'")[0]
    (size,) = query(demo_copy, "PRAGMA page_size")[0]
    with open(demo_copy, "r+b") as handle:  # the index page now says it holds no rows
        handle.seek((int(root) - 1) * int(size) + 3)
        handle.write(b"\x00\x00")
    checked = Checked(demo_copy)
    found = checked.has("integrity", "database file",
                     "wrong # of entries in index sqlite_autoindex_coders_1")
    assert found["repairable"] is True
    kept = codings(demo_copy)
    done = repaired(demo_copy)
    assert "rebuilt every index from its table (REINDEX)" in [r["detail"] for r in done]
    assert codings(demo_copy) == kept
    assert query(demo_copy, "PRAGMA integrity_check") == [("ok",)]


def test_on_postgresql_the_sqlite_checks_are_skipped_and_the_rest_repairs(
        pg_database: str) -> None:
    with init_project(pg_database) as project:
        add_text(project)
        code_phrase(project, "Self-management was the key", "Self-management")
        engine = create_engine(pg_database)
        with engine.begin() as connection:  # the transcript corrected by hand
            connection.execute(text("UPDATE sources SET text = 'Note. ' || text, "
                                    "length = length + 6"))
        engine.dispose()
        report = check(project)
        assert report.notes == [SERVER_NOTE]
        assert {f.kind for f in report.findings} == {"quote text", "source"}
        fixed = repair(project)
        assert fixed.clean and fixed.backup is None
        (quote,) = [f for f in fixed.repaired if f.kind == "quote text"]
        start = TRANSCRIPT.index("Self-management was the key") + 6
        assert quote.detail == f"anchored again at {start}-{start + 27} (exact)"
