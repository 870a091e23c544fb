"""Index migrations build their indexes CONCURRENTLY on PostgreSQL, so no table is locked.

A plain CREATE INDEX blocks every write to its table until the index is built. Every migration
of the project's apps is read: an index added to a table that an earlier migration created must
use annotations/core/migration_ops.py (concurrent on PostgreSQL, plain on SQLite) in a non-atomic
migration. Indexes of a table created in the same migration are free (the table is empty).
SQL run from RunPython is not read here: review it by hand.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations import operations as ops
from django.db.migrations.loader import MigrationLoader

from annotations.core import migration_ops

APPS = ("annotations", "verification", "library", "webhooks")
# Migrations that index a table an earlier migration of the same, not yet deployed, release
# created: the table is empty when they run. Each says why; remove it once that is no longer
# true for some desk (then the migration would need rewriting like verification.0102).
NEW_TABLE_IN_THIS_RELEASE = {
    "webhooks.0002_event_dedupe_key_factcheck_matched": "webhooks.0001 made the event table "
    "on 2026-12-04; no desk has run it yet",
}
CONCURRENT = (
    migration_ops.AddIndexConcurrently,
    migration_ops.RemoveIndexConcurrently,
    migration_ops.AlterFieldIndexConcurrently,
    migration_ops.CreateIndexSQL,
)


def _indexed(field) -> bool:
    return bool(field.db_index or field.unique) and not field.primary_key


def _problems() -> list[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    found = []
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if app not in APPS or f"{app}.{name}" in NEW_TABLE_IN_THIS_RELEASE:
            continue
        state = loader.project_state((app, name), at_end=False)
        created = {op.name_lower for op in migration.operations if isinstance(op, ops.CreateModel)}
        for op in migration.operations:
            where = f"{app}.{name}: {op.describe()}"
            if isinstance(op, CONCURRENT):
                if migration.atomic:
                    found.append(f"{where}: the migration needs atomic = False")
                continue
            model = getattr(op, "model_name_lower", None)
            if model in created:
                continue
            if isinstance(op, (ops.AddIndex, ops.RemoveIndex)):
                found.append(f"{where}: use AddIndexConcurrently / RemoveIndexConcurrently")
            elif isinstance(op, ops.AddField) and _indexed(op.field):
                found.append(
                    f"{where}: add the field without its index, then index it concurrently"
                )
            elif isinstance(op, ops.AlterField) and _indexed(op.field):
                old = state.models[app, model].get_field(op.name)
                if not _indexed(old):
                    found.append(f"{where}: use AlterFieldIndexConcurrently")
            elif isinstance(op, ops.RunSQL):
                sql = " ".join(
                    str(part) for part in ([op.sql] if isinstance(op.sql, str) else op.sql)
                )
                if "CREATE INDEX" in sql.upper() and "CONCURRENTLY" not in sql.upper():
                    found.append(f"{where}: use CreateIndexSQL")
    return found


def test_no_migration_adds_an_index_to_an_existing_table_with_a_plain_create_index():
    assert _problems() == []


@pytest.mark.postgres
@pytest.mark.django_db
def test_on_postgresql_the_index_migrations_build_concurrently(capsys):
    assert connection.vendor == "postgresql"
    for app, name in (
        ("annotations", "0002"),
        ("verification", "0100"),
        ("verification", "0102"),
    ):
        call_command("sqlmigrate", app, name)
        sql = capsys.readouterr().out
        assert "CREATE INDEX CONCURRENTLY" in sql, (app, name, sql)
        assert "BEGIN;" not in sql, (app, name)
