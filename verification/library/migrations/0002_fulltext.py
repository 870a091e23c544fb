"""Full-text search over the library, in each database's own way.

PostgreSQL: a stored generated tsvector (claim weighted A, headline B) with a GIN index; the
column lives outside the model state (Django never reads it), so `makemigrations` stays clean.

SQLite: an external-content FTS5 table kept in step by triggers. Django rebuilds a SQLite table
(dropping its triggers) when a later migration alters it: such a migration must recreate them
and rebuild the content (call `sqlite_triggers`, then `sqlite_rebuild`);
tests/verification/library/test_fulltext_schema.py fails over the migrated schema otherwise.
"""

from django.db import migrations

POSTGRES = [
    "ALTER TABLE library_factcheck ADD COLUMN search tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', claim_reviewed), 'A') || "
    "setweight(to_tsvector('english', headline), 'B')) STORED",
    "CREATE INDEX library_factcheck_search_idx ON library_factcheck USING GIN (search)",
]
SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE library_factcheck_fts USING fts5(claim_reviewed, headline, "
    "content='library_factcheck', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')"
)
_DELETE = (
    "INSERT INTO library_factcheck_fts(library_factcheck_fts, rowid, claim_reviewed, headline) "
    "VALUES ('delete', old.id, old.claim_reviewed, old.headline);"
)
_INSERT = (
    "INSERT INTO library_factcheck_fts(rowid, claim_reviewed, headline) "
    "VALUES (new.id, new.claim_reviewed, new.headline);"
)
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER library_factcheck_fts_insert AFTER INSERT ON library_factcheck BEGIN {_INSERT} END",
    f"CREATE TRIGGER library_factcheck_fts_delete AFTER DELETE ON library_factcheck BEGIN {_DELETE} END",
    "CREATE TRIGGER library_factcheck_fts_update AFTER UPDATE OF claim_reviewed, headline "
    f"ON library_factcheck BEGIN {_DELETE} {_INSERT} END",
]


def sqlite_triggers(schema_editor) -> None:
    for statement in SQLITE_TRIGGERS:
        schema_editor.execute(statement)


def sqlite_rebuild(schema_editor) -> None:
    """Re-read every fact-check into the FTS5 index (after writes the triggers missed)."""
    schema_editor.execute(
        "INSERT INTO library_factcheck_fts(library_factcheck_fts) VALUES ('rebuild')"
    )


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES:
            schema_editor.execute(statement)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TABLE)
        sqlite_triggers(schema_editor)
        sqlite_rebuild(schema_editor)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE library_factcheck DROP COLUMN search")
    elif schema_editor.connection.vendor == "sqlite":
        for name in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER library_factcheck_fts_{name}")
        schema_editor.execute("DROP TABLE library_factcheck_fts")


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
