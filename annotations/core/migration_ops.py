"""Index migrations that do not lock a large PostgreSQL table, and still run on SQLite.

A plain `CREATE INDEX` holds a lock that blocks every write to the table until the index is
built: minutes on a desk with millions of facts, during which nothing can be saved.
`CREATE INDEX CONCURRENTLY` builds it while writes go on, but cannot run in a transaction, so
a migration using these operations sets `atomic = False`. SQLite has no concurrent build (and
no such lock problem at the desk's sizes), so there the index is built plainly.

If a concurrent build fails, PostgreSQL leaves an INVALID index behind: drop it
(`DROP INDEX CONCURRENTLY name`) and migrate again.
"""

from django.db import NotSupportedError
from django.db.migrations.operations import AddIndex, AlterField, RemoveIndex, RunSQL


def _concurrent(schema_editor) -> bool:
    """Whether to build concurrently: on PostgreSQL, where the migration must not be atomic."""
    if schema_editor.connection.vendor != "postgresql":
        return False
    # (sqlmigrate only collects the SQL, whatever transaction it is called in.)
    if schema_editor.connection.in_atomic_block and not schema_editor.collect_sql:
        raise NotSupportedError(
            "A concurrent index build cannot run in a transaction: set `atomic = False` on the "
            "migration."
        )
    return True


class AddIndexConcurrently(AddIndex):
    """AddIndex, built CONCURRENTLY on PostgreSQL."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            if _concurrent(schema_editor):
                schema_editor.add_index(model, self.index, concurrently=True)
            else:
                schema_editor.add_index(model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            if _concurrent(schema_editor):
                schema_editor.remove_index(model, self.index, concurrently=True)
            else:
                schema_editor.remove_index(model, self.index)


class RemoveIndexConcurrently(RemoveIndex):
    """RemoveIndex, dropped CONCURRENTLY on PostgreSQL (a plain DROP INDEX locks the table too)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            index = from_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
            if _concurrent(schema_editor):
                schema_editor.remove_index(model, index, concurrently=True)
            else:
                schema_editor.remove_index(model, index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            index = to_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
            if _concurrent(schema_editor):
                schema_editor.add_index(model, index, concurrently=True)
            else:
                schema_editor.add_index(model, index)


class AlterFieldIndexConcurrently(AlterField):
    """AlterField that only adds `db_index=True` to a field, the index built CONCURRENTLY on
    PostgreSQL under the name Django gives it, so a later AlterField finds and drops it."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if not _concurrent(schema_editor):
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        old = from_state.apps.get_model(app_label, self.model_name)._meta.get_field(self.name)
        new = model._meta.get_field(self.name)
        if old.db_index or not new.db_index or old.deconstruct()[1:] != _without_index(new):
            raise ValueError(f"{self.name}: AlterFieldIndexConcurrently only adds db_index=True.")
        if schema_editor._create_like_index_sql(model, new) is not None:
            raise ValueError(f"{self.name}: a text field's _like index is not built concurrently.")
        schema_editor.execute(
            schema_editor._create_index_sql(model, fields=[new], concurrently=True)
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if not _concurrent(schema_editor):
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        field = model._meta.get_field(self.name)
        for name in schema_editor._constraint_names(
            model, [field.column], index=True, type_="idx", unique=False, primary_key=False
        ):
            schema_editor.execute(schema_editor._delete_index_sql(model, name, concurrently=True))


def _without_index(field) -> tuple:
    name, path, args, kwargs = field.deconstruct()
    kwargs.pop("db_index", None)
    return path, args, kwargs


class CreateIndexSQL(RunSQL):
    """A raw CREATE INDEX (an index the models do not describe), CONCURRENTLY on PostgreSQL."""

    def __init__(self, *, name: str, table: str, columns: str) -> None:
        self.index = (name, table, columns)
        super().__init__(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} ({columns})",
            f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
        )

    def deconstruct(self):
        name, table, columns = self.index
        return self.__class__.__qualname__, [], {"name": name, "table": table, "columns": columns}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        name, table, columns = self.index
        how = "CONCURRENTLY " if _concurrent(schema_editor) else ""
        schema_editor.execute(f"CREATE INDEX {how}IF NOT EXISTS {name} ON {table} ({columns})")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        how = "CONCURRENTLY " if _concurrent(schema_editor) else ""
        schema_editor.execute(f"DROP INDEX {how}IF EXISTS {self.index[0]}")
