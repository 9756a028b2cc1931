"""Security settings: production checks, log-in throttling, CSRF, CSP and the other response headers."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from investledger.testing import PASSWORD, make_project

MANAGE = Path(settings.PROJECT_DIR) / "manage.py"


def production_env(**extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "INVESTLEDGER_AUDIT_KEY",
            "INVESTLEDGER_AUDIT_KEY_FILE",
        )
    }
    env.update(
        INVESTLEDGER_PRODUCTION="1",
        SECRET_KEY=secrets.token_urlsafe(60),
        INVESTLEDGER_AUDIT_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="example.org",
        INVESTLEDGER_DATA_DIR=os.environ.get("INVESTLEDGER_DATA_DIR", str(Path(settings.DATA_DIR))),
    )
    env.update(extra)
    return env


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, str(MANAGE), *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_production_settings_pass_the_deployment_security_checks():
    result = run_manage("check", "--deploy", "--tag", "security", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_whole_deployment_check_is_clean():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_an_audit_key():
    env = production_env()
    del env["INVESTLEDGER_AUDIT_KEY"]
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "INVESTLEDGER_AUDIT_KEY" in result.stderr


def test_production_refuses_the_development_audit_key():
    env = production_env(INVESTLEDGER_AUDIT_KEY=settings.AUDIT_KEY_DEVELOPMENT)
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "investledger.E010" in result.stdout + result.stderr


def test_production_reads_the_audit_key_from_a_key_file(tmp_path):
    key_file = tmp_path / "audit.key"
    key_file.write_text(secrets.token_urlsafe(48) + "\n")
    env = production_env(INVESTLEDGER_AUDIT_KEY_FILE=str(key_file))
    del env["INVESTLEDGER_AUDIT_KEY"]
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_a_short_or_development_secret_key():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(SECRET_KEY="short"))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_out(personas, settings):
    settings.AXES_ENABLED = True
    url = reverse("accounts:login")
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": "officer_north", "password": "wrong password"})
        assert response.status_code == 200
        assert not response.wsgi_request.user.is_authenticated
    locked = client.post(url, {"username": "officer_north", "password": "still wrong"})
    assert locked.status_code == 429
    # Even the right password is refused now, from that address.
    after = client.post(url, {"username": "officer_north", "password": PASSWORD})
    assert after.status_code == 429
    assert "Too many failed log-in attempts" in after.content.decode()


@pytest.mark.django_db
def test_failed_logins_on_other_names_do_not_lock_out_a_user_from_the_same_address(personas, settings):
    """Behind a proxy every user shares one address: wrong passwords typed for other names (or a
    guessing run over many names) must not lock out someone who types their own password right."""
    settings.AXES_ENABLED = True
    url = reverse("accounts:login")
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for attempt in range(settings.AXES_FAILURE_LIMIT * 2):
        attacker.post(url, {"username": f"guess{attempt % 3}", "password": "wrong"})
    colleague = Client(REMOTE_ADDR="203.0.113.9")
    response = colleague.post(url, {"username": "officer_south", "password": PASSWORD})
    assert response.status_code == 302
    assert response.wsgi_request.user.username == "officer_south"


@pytest.mark.django_db
def test_a_locked_out_name_can_still_sign_in_from_another_address(personas, settings):
    settings.AXES_ENABLED = True
    url = reverse("accounts:login")
    attacker = Client(REMOTE_ADDR="198.51.100.20")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        attacker.post(url, {"username": "officer_north", "password": "wrong"})
    assert attacker.post(url, {"username": "officer_north", "password": PASSWORD}).status_code == 429
    owner = Client(REMOTE_ADDR="203.0.113.10")
    assert owner.post(url, {"username": "officer_north", "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_lockout_follows_the_forwarded_client_address(personas, settings):
    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("accounts:login")
    proxy = "10.0.0.1"
    # The attacker also sends a forged header of their own: the proxy appends the address it saw.
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.40, 198.51.100.30")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        attacker.post(url, {"username": "officer_north", "password": "wrong"})
    assert attacker.post(url, {"username": "officer_north", "password": PASSWORD}).status_code == 429
    # The same name, through the same proxy, from another client address signs in.
    owner = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.40")
    assert owner.post(url, {"username": "officer_north", "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_a_right_password_signs_in_and_resets_the_count(personas, settings):
    url = reverse("accounts:login")
    client = Client(REMOTE_ADDR="203.0.113.8")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(url, {"username": "officer_south", "password": "wrong"})
    response = client.post(url, {"username": "officer_south", "password": PASSWORD})
    assert response.status_code == 302
    client.post(reverse("accounts:logout"))
    response = client.post(url, {"username": "officer_south", "password": "wrong"})
    assert response.status_code == 200  # counting starts again


@pytest.mark.django_db
def test_forms_refuse_a_post_without_the_csrf_token(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.admin)
    response = client.post(reverse("accounts:user_token_revoke", args=[personas.officer_north.pk]))
    assert response.status_code == 403
    page = client.get(reverse("accounts:user_edit", args=[personas.officer_north.pk]))
    token = page.cookies["csrftoken"].value
    response = client.post(
        reverse("accounts:user_token_revoke", args=[personas.officer_north.pk]), {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_login_form_refuses_a_post_without_the_csrf_token(personas):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "admin", "password": PASSWORD})
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_api_refuses_session_writes_without_the_csrf_token_but_takes_tokens(personas, reference_data):
    project = make_project(area=reference_data.north, sector=reference_data.ev)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(personas.officer_north)
    response = client.patch(f"/api/projects/{project.pk}/", {"planned_jobs": 5, "version": project.version})
    assert response.status_code == 403
    assert "CSRF" in response.content.decode()
    from rest_framework.authtoken.models import Token

    token_client = APIClient(enforce_csrf_checks=True)
    token_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=personas.officer_north).key}")
    response = token_client.patch(
        f"/api/projects/{project.pk}/", {"planned_jobs": 5, "version": project.version}, format="json"
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_code(personas):
    client = Client()
    client.force_login(personas.admin)
    for url in (reverse("accounts:login"), reverse("accounts:user_list"), reverse("core:ledger_as_of")):
        response = client.get(url)
        policy = response.headers.get("Content-Security-Policy", "")
        directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in policy.split(";") if d.strip())
        assert directives["default-src"] == "'self'", url
        assert "'unsafe-inline'" not in directives.get("script-src", "'self'")
        assert "'unsafe-inline'" not in directives.get("style-src", "'self'")
        assert directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_pages_carry_the_other_protective_headers(personas):
    response = Client().get(reverse("accounts:login"))
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Request-ID"]


@pytest.mark.django_db
def test_the_session_cookie_is_out_of_reach_of_scripts(personas):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "admin", "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[settings.SESSION_COOKIE_NAME]["httponly"]
