"""System checks catch settings that weaken the product's protections."""

import pytest
from django.core.checks import run_checks
from django.db import connection

from investledger.core import checks


def ids(problems):
    return {p.id for p in problems}


def test_a_development_key_in_production_is_an_error(settings):
    settings.PRODUCTION = True
    settings.SECRET_KEY = checks.DEVELOPMENT_KEY
    assert "investledger.E001" in ids(checks.production_settings())


def test_debug_and_no_throttling_in_production_are_reported(settings):
    settings.PRODUCTION = True
    settings.SECRET_KEY = "x8Jd2-kq" * 8
    settings.AUDIT_KEY = "Qm7-vR2p" * 5
    settings.DEBUG = True
    settings.AXES_ENABLED = False
    settings.ALLOWED_HOSTS = ["*"]
    assert ids(checks.production_settings()) == {"investledger.E002", "investledger.W003", "investledger.W004"}


def test_the_development_audit_key_in_production_is_an_error(settings):
    settings.PRODUCTION = True
    settings.SECRET_KEY = "x8Jd2-kq" * 8
    settings.DEBUG = False
    settings.AUDIT_KEY = settings.AUDIT_KEY_DEVELOPMENT
    assert "investledger.E010" in ids(checks.production_settings())
    settings.AUDIT_KEY = "short-key"
    assert "investledger.E010" in ids(checks.production_settings())


def test_an_audit_key_equal_to_the_secret_key_is_reported(settings):
    settings.PRODUCTION = True
    settings.DEBUG = False
    settings.SECRET_KEY = settings.AUDIT_KEY = "x8Jd2-kq" * 8
    assert "investledger.E010" not in ids(checks.production_settings())
    assert "investledger.W011" in ids(checks.production_settings())


def test_development_settings_are_not_held_to_production_rules(settings):
    settings.PRODUCTION = False
    settings.DEBUG = True
    assert checks.production_settings() == []


def test_inline_scripts_in_the_policy_are_reported(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"], "script-src": ["'unsafe-inline'"]}}
    assert ids(checks.content_security_policy()) == {"investledger.W005"}


def test_uploads_inside_the_static_folders_are_reported(settings):
    settings.MEDIA_ROOT = str(settings.STATIC_ROOT) + "/uploads"
    assert ids(checks.uploads_are_not_public()) == {"investledger.W007"}


def test_the_checks_are_registered_and_the_settings_pass_them():
    from django.core.checks import registry

    assert checks.uploads_are_not_public in registry.registry.registered_checks
    assert not {i for i in ids(run_checks(tags=["security"])) if i and i.startswith("investledger.")}


@pytest.mark.django_db
def test_the_audit_triggers_are_found_and_their_absence_reported():
    assert checks.audit_triggers_present(databases=["default"]) == []
    statement = {
        "postgresql": "DROP TRIGGER core_auditentry_append_only ON core_auditentry",
        "sqlite": "DROP TRIGGER core_auditentry_no_update",
    }[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(statement)
    assert ids(checks.audit_triggers_present(databases=["default"])) == {"investledger.E008"}
