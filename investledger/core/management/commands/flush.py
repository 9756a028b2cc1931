"""`flush` that can empty the audit trail too.

The database refuses UPDATE, DELETE and TRUNCATE of audit entries (migration core 0002), so Django's
own flush (used by `manage.py flush` and by every transactional test between tests) would fail once
the trail holds a single entry. Emptying the whole database on purpose is the one sanctioned way to
remove entries: this command lifts the refusal for the flush and puts it back right after.
"""

from importlib import import_module

from django.core.management.commands import flush
from django.db import connections

append_only = import_module("investledger.core.migrations.0002_audit_append_only")


def _run(connection, statements):
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def lift(connection) -> None:
    if connection.vendor == "postgresql":
        _run(connection, [append_only.DROP])
    elif connection.vendor == "sqlite":
        _run(connection, append_only.DROP_SQLITE)


def restore(connection) -> None:
    if connection.vendor == "postgresql":
        _run(connection, [append_only.CREATE])
    elif connection.vendor == "sqlite":
        _run(connection, append_only.CREATE_SQLITE)


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        tables = connection.introspection.table_names()
        if "core_auditentry" not in tables:
            return super().handle(**options)
        lift(connection)
        try:
            return super().handle(**options)
        finally:
            restore(connection)
