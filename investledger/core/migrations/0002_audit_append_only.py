"""On PostgreSQL the database itself refuses UPDATE, DELETE and TRUNCATE of audit entries."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION investledger_audit_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE OR DELETE ON core_auditentry
  FOR EACH ROW EXECUTE FUNCTION investledger_audit_refuse_change();
DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry;
CREATE TRIGGER core_auditentry_no_truncate BEFORE TRUNCATE ON core_auditentry
  FOR EACH STATEMENT EXECUTE FUNCTION investledger_audit_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry;
DROP FUNCTION IF EXISTS investledger_audit_refuse_change();
"""

# SQLite: triggers that refuse the same, so tests on either database see the same behaviour.
CREATE_SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update BEFORE UPDATE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only (UPDATE refused)'); END;""",
    """CREATE TRIGGER IF NOT EXISTS core_auditentry_no_delete BEFORE DELETE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only (DELETE refused)'); END;""",
]
DROP_SQLITE = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_update;",
    "DROP TRIGGER IF EXISTS core_auditentry_no_delete;",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)  # no placeholders: the % is PL/pgSQL's
    elif schema_editor.connection.vendor == "sqlite":
        for statement in CREATE_SQLITE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in DROP_SQLITE:
            schema_editor.execute(statement)


def restore_on_sqlite(apps, schema_editor):
    """For later migrations that alter the audit table: SQLite rebuilds the table for such changes,
    and the append-only triggers go with the old one, so they are made again on the new one."""
    if schema_editor.connection.vendor == "sqlite":
        forwards(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
