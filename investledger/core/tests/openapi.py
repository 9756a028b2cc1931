"""The API's own OpenAPI schema loaded into schemathesis, which checks answers against it.

Both the schema job (test_api_schemathesis.py) and the focused tests of single answers use it: an
answer conforms when it is no server error and its status code, content type and body are the ones
the schema declares for that operation.
"""

from __future__ import annotations

import os

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from rest_framework.authtoken.models import Token

# Random cases per operation in the fuzzing phase; raise it for a deeper run, e.g.
# INVESTLEDGER_SCHEMATHESIS_EXAMPLES=200 python -m pytest investledger/core/tests/test_api_schemathesis.py
MAX_EXAMPLES = int(os.environ.get("INVESTLEDGER_SCHEMATHESIS_EXAMPLES", "8"))

CONFIG = {
    "seed": 20260101,  # the same cases on every run, so a failure in CI reproduces locally
    "generation": {
        "mode": "all",  # valid requests and invalid ones (wrong types, missing fields, bad ids)
        "max-examples": MAX_EXAMPLES,
        "database": "none",  # no example database written into the work tree
    },
    "phases": {
        "examples": {"enabled": True},
        # The coverage phase sends about 100 boundary cases per operation: 10 times the time budget.
        "coverage": {"enabled": False},
        "fuzzing": {"enabled": True},
        "stateful": {"enabled": False},
    },
    "checks": {
        "enabled": False,
        "not_a_server_error": {"enabled": True},
        "status_code_conformance": {"enabled": True},
        "content_type_conformance": {"enabled": True},
        "response_schema_conformance": {"enabled": True},
    },
}


class TestWSGIHandler(WSGIHandler):
    """Django's WSGI application as its test client runs it: the database connection stays open from one
    request to the next. Served as is, a request's end closes a connection that is inside a transaction
    (the test's) on PostgreSQL, and every later query fails."""

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = super().__call__(environ, start_response)
            content = b"".join(response)
            response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return [content]


def load_schema():
    """The schema as /api/schema/ serves it, bound to the Django WSGI application (no server)."""
    config = schemathesis.config.SchemathesisConfig.from_dict(CONFIG)
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", TestWSGIHandler(), config=config)


def token_header(user) -> dict[str, str]:
    token, _ = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}
