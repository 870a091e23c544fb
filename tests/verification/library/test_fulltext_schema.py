"""The library's full-text index stays in step with the fact-checks after every migration.

On SQLite an external-content FTS5 table is kept in step by three triggers; Django rebuilds a
SQLite table when a migration alters it, and the rebuild drops its triggers. These tests run
over the schema the migrations leave (the test database is made by them), so a later migration
that rebuilds `library_factcheck` without recreating the triggers fails here instead of
silently freezing the word index. On PostgreSQL the index is a generated `tsvector` column with
a GIN index, which a table change keeps; the same tests run there too.
"""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from verification.library import lexical
from verification.library.models import FactCheck

FULLTEXT = importlib.import_module("verification.library.migrations.0002_fulltext")
TRIGGERS = {f"library_factcheck_fts_{name}" for name in ("insert", "delete", "update")}


def _sqlite_triggers() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master "
            "WHERE type = 'trigger' AND tbl_name = 'library_factcheck'"
        )
        return {row[0] for row in cursor.fetchall()}


def _found(text: str) -> list[int]:
    return [pk for pk, _score in lexical.factchecks_search(text, limit=10)]


def _factcheck(n: int, claim: str, headline: str = "") -> FactCheck:
    return FactCheck.objects.create(
        url=f"https://checks.example.org/fts/{n}",
        claim_reviewed=claim,
        headline=headline,
        fingerprint=str(n),
    )


def _assert_writes_reach_the_index() -> None:
    first = _factcheck(1, "The Valmora bridge cost 58 million euros", "Bridge costs checked")
    second = _factcheck(2, "Kestrel county unemployment doubled in a year")
    assert _found("Valmora bridge") == [first.pk]
    assert _found("Kestrel unemployment") == [second.pk]
    assert _found("costs") == [first.pk]  # the headline is indexed too

    first.claim_reviewed = "Orlin tuition fees rose by 12 percent"
    first.save()
    assert _found("Valmora") == []
    assert _found("Orlin tuition") == [first.pk]
    FactCheck.objects.filter(pk=second.pk).update(headline="Harbour tariffs explained")
    assert _found("tariffs") == [second.pk]

    second.delete()
    assert _found("Kestrel") == []
    assert _found("tariffs") == []
    assert _found("Orlin") == [first.pk]


@pytest.mark.django_db
def test_the_migrated_schema_has_what_keeps_the_fulltext_index_in_step():
    if connection.vendor == "sqlite":
        assert _sqlite_triggers() == TRIGGERS
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT is_generated FROM information_schema.columns "
                "WHERE table_name = 'library_factcheck' AND column_name = 'search'"
            )
            assert cursor.fetchone() == ("ALWAYS",)
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'library_factcheck_search_idx'"
            )
            assert "USING gin (search)" in cursor.fetchone()[0]


@pytest.mark.django_db
def test_inserts_updates_and_deletes_reach_the_fulltext_index_after_every_migration():
    _assert_writes_reach_the_index()


@pytest.mark.django_db(transaction=True)
def test_fact_checks_written_before_the_fulltext_migration_are_searchable_after_it():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([("library", "0001_initial")])
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO library_factcheck (url, claim_reviewed, headline, rating_name, "
                "author_name, publisher_name, claim_author, language, appearance_urls, "
                "fingerprint, imported_at, updated_at, embedding_model) VALUES ("
                "'https://checks.example.org/old', 'Diesel imports from Norvania fell', '', "
                "'', '', '', '', '', '[]', 'x', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '')"
            )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)
    old = FactCheck.objects.get(url="https://checks.example.org/old")
    assert _found("Norvania diesel") == [old.pk]
    _assert_writes_reach_the_index()
    if connection.vendor == "sqlite":
        assert _sqlite_triggers() == TRIGGERS


@pytest.mark.django_db(transaction=True)
def test_a_table_change_keeps_the_index_once_the_fulltext_helpers_have_run():
    """Why the tests above matter: SQLite's table rebuild drops the triggers (PostgreSQL keeps
    its generated column), and 0002's helpers, which such a migration must call, restore them."""
    field = FactCheck._meta.get_field("headline")
    nullable = field.clone()
    nullable.set_attributes_from_name("headline")
    nullable.null = True  # a change SQLite can only make by rebuilding the table
    try:
        with connection.schema_editor() as editor:
            editor.alter_field(FactCheck, field, nullable)
        if connection.vendor == "sqlite":
            assert _sqlite_triggers() == set()
    finally:
        with connection.schema_editor() as editor:
            editor.alter_field(FactCheck, nullable, field)
            if connection.vendor == "sqlite":
                FULLTEXT.sqlite_triggers(editor)
                FULLTEXT.sqlite_rebuild(editor)
    if connection.vendor == "sqlite":
        assert _sqlite_triggers() == TRIGGERS
    _assert_writes_reach_the_index()
