"""The whole API against its own OpenAPI schema (/api/schema/), for an administrator and a district officer.

Schemathesis generates requests for every operation the schema declares, reads and writes alike,
sends them to the Django WSGI application with the persona's token and fails on any server error
(5xx) or any answer the schema does not describe: an undocumented status code, another content
type, or a body that does not match the declared response schema (configuration in openapi.py).

Time bound: about 150 tests (75 operations for each of the two personas), each with the schema's
examples and 8 random cases (valid and invalid) of the fuzzing phase; the coverage phase (about 100
boundary cases per operation) and the stateful phase are off. About 1,200 requests: some 80 s of
CPU for the whole file on one database, demo load and migrations included. For a deeper run:
`INVESTLEDGER_SCHEMATHESIS_EXAMPLES=200 python -m pytest investledger/core/tests/test_api_schemathesis.py`.

State: the demo ledger is loaded once for the module inside a transaction rolled back at the end,
and each operation's test runs in a savepoint of its own (pytest-django's `db`), so the records the
generated requests create, change or delete never reach the next operation or other tests.
"""

from __future__ import annotations

import re

import hypothesis
import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import resolve

from investledger.core.tests.openapi import load_schema, token_header
from investledger.demo import loader as demo
from investledger.intake.tests.helpers import CHINESE_HEADER, import_file, signing_rows, write_xlsx
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.projects.models import Project

schema = load_schema()

# The demo's administrator and its Liangjiang New Area district officer.
PERSONAS = {"admin": "admin", "officer": "officer_liangjiang"}
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
_ids_by_path: dict[str, list[int]] = {}


@pytest.fixture(scope="module")
def ledger(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo ledger (projects, milestones, reports, issues, notices, inspections, notifications),
    two imports (one checked, one committed) and a token per persona; rolled back at the end."""
    files = tmp_path_factory.mktemp("schemathesis")
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS, DATA_DIR=files / "data", MEDIA_ROOT=files / "media"),
        transaction.atomic(),
    ):
        result = demo.load()
        assert not result.failed, result.failed
        users = {line.spec.username: line.user for line in result.users}
        officer = users[PERSONAS["officer"]]
        event = SigningEvent.objects.order_by("pk").first()
        for name, commit in (("checked.xlsx", False), ("committed.xlsx", True)):
            sheet = write_xlsx(files / name, [CHINESE_HEADER, *signing_rows(3, area="两江新区", sector="生物医药")])
            import_file(sheet, officer, event=event, commit=commit)
        yield {persona: token_header(users[name]) for persona, name in PERSONAS.items()}
        transaction.set_rollback(True)


def _known_ids(path: str, name: str) -> list[int]:
    """Ids of existing records behind a path parameter, so generated requests reach real objects too."""
    key = f"{path}:{name}"
    if key not in _ids_by_path:
        if name == "project_id":
            model = Project
        else:
            viewset = resolve(re.sub(r"\{[^}]+\}", "1", path)).func.cls
            queryset = getattr(viewset, "queryset", None)
            model = queryset.model if queryset is not None else viewset.serializer_class.Meta.model
        _ids_by_path[key] = list(model._base_manager.order_by("pk").values_list("pk", flat=True)[:20])
    return _ids_by_path[key]


@schema.hook
def map_path_parameters(ctx, path_parameters):
    """Half of the generated integer ids are replaced by ids of records that exist (the other half
    stay as generated and exercise the 404 answers)."""
    for name, value in (path_parameters or {}).items():
        if name in ("id", "project_id") and isinstance(value, int) and value % 2 == 0:
            ids = _known_ids(ctx.operation.path, name)
            if ids:
                path_parameters[name] = ids[value // 2 % len(ids)]
    return path_parameters


@pytest.mark.parametrize("persona", list(PERSONAS))
@schema.parametrize()
# The database fixture is set up once per operation, not per generated case, on purpose: the cases of
# one operation share its savepoint, which is rolled back after the last one. How fast the cases are
# generated depends on the machine's load, not on the API: that health check is left out too.
@hypothesis.settings(
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture, hypothesis.HealthCheck.too_slow]
)
def test_api_answers_as_its_schema_declares(case, persona, ledger, db):
    case.call_and_validate(headers=ledger[persona])
