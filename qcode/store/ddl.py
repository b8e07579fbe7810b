"""Rules the database enforces that a CHECK constraint cannot express.

A quote must end inside its source (0 <= start < end <= len(source.text)); CHECK
constraints cannot look at another table, so triggers do it, one set per dialect.
The statements are used both when a project is created from the models and by the
migration that introduced them.
"""

from __future__ import annotations

QUOTE_PAST_END = "quote ends past the end of its source"

_SQLITE = [
    f"""
    CREATE TRIGGER IF NOT EXISTS trg_quotes_within_source_{event.lower()}
    BEFORE {event} ON quotes
    WHEN NEW.end_offset IS NOT NULL
     AND NEW.end_offset > (SELECT length FROM sources WHERE id = NEW.source_id)
    BEGIN
        SELECT RAISE(ABORT, '{QUOTE_PAST_END}');
    END
    """
    for event in ("INSERT", "UPDATE")
]

_POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION quotes_within_source() RETURNS trigger AS $$
    BEGIN
        IF NEW.end_offset IS NOT NULL AND NEW.end_offset >
           (SELECT length FROM sources WHERE id = NEW.source_id) THEN
            RAISE EXCEPTION '{QUOTE_PAST_END}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS trg_quotes_within_source ON quotes",
    """
    CREATE TRIGGER trg_quotes_within_source BEFORE INSERT OR UPDATE ON quotes
    FOR EACH ROW EXECUTE FUNCTION quotes_within_source()
    """,
]


def quote_bounds_statements(dialect: str) -> list[str]:
    """The DDL that keeps quotes inside their source, for `dialect` ('sqlite'/'postgresql')."""
    if dialect == "sqlite":
        return list(_SQLITE)
    if dialect == "postgresql":
        return list(_POSTGRESQL)
    raise ValueError(f"qcode supports SQLite and PostgreSQL, not {dialect}")
