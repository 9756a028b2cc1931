"""On PostgreSQL, trigram indexes make the ledger's free-text search (name or investor contains) an index scan.

Django's `icontains` on PostgreSQL compares `UPPER(column::text) LIKE UPPER(%s)`, so the indexes are on
that expression. Where the role may not create the pg_trgm extension, the search still works, unindexed.
"""

from django.db import migrations

INDEXES = [
    ("projects_project_name_trgm", "projects_project", "name"),
    ("investors_investor_name_trgm", "investors_investor", "name"),
]


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        cursor.execute("SAVEPOINT investledger_trgm")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:  # no privilege to create extensions: keep the unindexed search
            cursor.execute("ROLLBACK TO SAVEPOINT investledger_trgm")
            return
        cursor.execute("RELEASE SAVEPOINT investledger_trgm")
        for name, table, column in INDEXES:
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
            )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("projects", "0002_ledger_list_indexes"), ("investors", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
