"""Fixtures for the core tests: raw database access that bypasses the append-only triggers."""

import pytest
from django.db import connection

TRIGGERS = {
    "postgresql": ["DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry"],
    "sqlite": [
        "DROP TRIGGER IF EXISTS core_auditentry_no_update",
        "DROP TRIGGER IF EXISTS core_auditentry_no_delete",
    ],
}


@pytest.fixture
def raw_db(db):
    """A cursor of someone with direct database access, who first drops the append-only triggers.

    The test runs in a transaction that is rolled back afterwards, and DDL is transactional on both
    SQLite and PostgreSQL, so the triggers are back for the next test.
    """
    with connection.cursor() as cursor:
        for statement in TRIGGERS[connection.vendor]:
            cursor.execute(statement)
        yield cursor
