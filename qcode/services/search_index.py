"""The full-text index over the sources' text: SQLite FTS5, derived data kept current.

The index is not part of the schema (migrations, `qcode copy` and `merge` know nothing
of it): it can always be rebuilt from `sources.text`. On SQLite the first search creates
an external-content FTS5 table over `sources` (the text is not stored twice), a vocabulary
view of its terms, and triggers on `sources` that index every import, text edit and
deletion from then on, by any program that writes the file. A migration that rebuilds
the `sources` table drops its triggers; the next search sees that and rebuilds the index.

On PostgreSQL there is no index: the search reads the texts (see qcode.reports.search),
which gives the same hits.
"""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from qcode.progress import Progress
from qcode.services.project import Project

INDEX = "search_index"
VOCABULARY = "search_index_vocab"
# unicode61 folds case and, with remove_diacritics 2, accents: "construyo" finds
# "construyó", as a researcher with inconsistently accented transcripts needs.
_TOKENIZER = "unicode61 remove_diacritics 2"
_TRIGGERS = {
    f"{INDEX}_after_insert": f"""
        CREATE TRIGGER {INDEX}_after_insert AFTER INSERT ON sources BEGIN
            INSERT INTO {INDEX}(rowid, text) VALUES (new.id, new.text);
        END""",
    f"{INDEX}_after_delete": f"""
        CREATE TRIGGER {INDEX}_after_delete AFTER DELETE ON sources BEGIN
            INSERT INTO {INDEX}({INDEX}, rowid, text) VALUES ('delete', old.id, old.text);
        END""",
    f"{INDEX}_after_update": f"""
        CREATE TRIGGER {INDEX}_after_update AFTER UPDATE OF id, text ON sources BEGIN
            INSERT INTO {INDEX}({INDEX}, rowid, text) VALUES ('delete', old.id, old.text);
            INSERT INTO {INDEX}(rowid, text) VALUES (new.id, new.text);
        END""",
}
# Sources indexed per statement while building: progress moves, memory stays small.
_BATCH = 500



def is_ready(project: Project) -> bool:
    """Whether searches can use the index without building it first (always True where
    there is no index to build: PostgreSQL, or a file that cannot take one)."""
    if project.engine.dialect.name != "sqlite":
        return True
    try:
        with project.engine.connect() as connection:
            return _complete(connection)
    except OperationalError:
        return True


def ensure_index(project: Project, progress: Progress | None = None) -> bool:
    """Make sure the index exists and is current; True when searches can use it.

    Cheap when it is there (one look at sqlite_master). False on PostgreSQL, and on a
    SQLite file that cannot take it (read-only, or an SQLite without FTS5): the search
    then reads the texts instead.
    """
    if project.engine.dialect.name != "sqlite":
        return False
    try:
        with project.engine.connect() as connection:
            if _complete(connection):
                return True
            # Taking the write lock first: two programs opening the project at once
            # must not both build it.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                if not _complete(connection):
                    _build(connection, progress)
                connection.commit()
            except BaseException:
                connection.rollback()
                raise
        return True
    except OperationalError:
        return False


def drop_index(project: Project) -> None:
    """Remove the index and its triggers (the next search builds them again)."""
    if project.engine.dialect.name != "sqlite":
        return
    with project.engine.begin() as connection:
        for name in _TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {VOCABULARY}")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {INDEX}")


def rebuild_index(project: Project) -> bool:
    """Build the index again in new tables, if there is one; True when it was rebuilt.

    FTS5 keeps the words of deleted or changed texts in its storage until it merges
    its segments, whatever the triggers did: after pseudonymisation those words are
    real names. New tables hold only the texts as they are now.
    """
    if project.engine.dialect.name != "sqlite":
        return False
    with project.engine.connect() as connection:
        there = bool(_present(connection))
    if not there:
        return False
    drop_index(project)
    return ensure_index(project)


def _present(connection: Connection) -> set[str]:
    names = [INDEX, VOCABULARY, *_TRIGGERS]
    marks = ", ".join(f":n{i}" for i in range(len(names)))
    found = connection.execute(
        text(f"SELECT name FROM sqlite_master WHERE name IN ({marks})"),
        {f"n{i}": name for i, name in enumerate(names)},
    )
    return {row[0] for row in found}


def _complete(connection: Connection) -> bool:
    return _present(connection) == {INDEX, VOCABULARY, *_TRIGGERS}


def _build(connection: Connection, progress: Progress | None) -> None:
    """Create what is missing and index every source from scratch."""
    present = _present(connection)
    if INDEX not in present:
        connection.exec_driver_sql(
            f"CREATE VIRTUAL TABLE {INDEX} USING fts5(text, content='sources', "
            f"content_rowid='id', tokenize='{_TOKENIZER}')"
        )
    if VOCABULARY not in present:
        connection.exec_driver_sql(
            f"CREATE VIRTUAL TABLE {VOCABULARY} USING fts5vocab({INDEX}, 'row')"
        )
    for name, statement in _TRIGGERS.items():
        if name not in present:
            connection.exec_driver_sql(statement)
    # Whatever was there may be stale (triggers were missing): start again.
    connection.exec_driver_sql(f"INSERT INTO {INDEX}({INDEX}) VALUES ('delete-all')")
    total = connection.execute(text("SELECT count(*) FROM sources")).scalar_one()
    done, after = 0, -1
    while True:
        ids = list(connection.execute(
            text("SELECT id FROM sources WHERE id > :after ORDER BY id LIMIT :n"),
            {"after": after, "n": _BATCH},
        ).scalars())
        if not ids:
            break
        connection.execute(
            text(f"INSERT INTO {INDEX}(rowid, text) SELECT id, text FROM sources "
                 "WHERE id >= :first AND id <= :last"),
            {"first": ids[0], "last": ids[-1]},
        )
        done, after = done + len(ids), ids[-1]
        if progress is not None:
            progress(done, total, "sources indexed")


def matching_sources(connection: Connection, match: str) -> set[int]:
    """Ids of the sources whose text matches the FTS5 query `match`."""
    rows = connection.exec_driver_sql(f"SELECT rowid FROM {INDEX} WHERE {INDEX} MATCH ?",
                                      (match,))
    return {row[0] for row in rows}


def vocabulary(connection: Connection) -> list[str]:
    """Every distinct term in the index, as the index keeps it (lower case, no accents)."""
    return list(connection.execute(text(f"SELECT term FROM {VOCABULARY}")).scalars())
