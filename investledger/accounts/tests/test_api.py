"""Token and session authentication of the API, and /api/me/."""

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from investledger.core.models import AuditEntry
from investledger.testing import PASSWORD, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.AXES_ENABLED = False


def token_client(user) -> tuple[APIClient, Token]:
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client, token


def test_a_token_authenticates_the_api(reference_data, personas):
    project = make_project(area=reference_data.north, sector=reference_data.ev)
    client, _ = token_client(personas.officer_north)
    response = client.get("/api/projects/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [project.pk]


def test_a_revoked_token_no_longer_works(personas):
    client, token = token_client(personas.officer_north)
    assert client.get("/api/me/").status_code == 200
    token.delete()
    assert client.get("/api/me/").status_code == 401


def test_a_rotated_token_replaces_the_old_one(personas, capsys):
    client, _ = token_client(personas.leader)
    call_command("token", "leader", "--rotate")
    new_key = capsys.readouterr().out.strip()
    assert client.get("/api/me/").status_code == 401
    fresh = APIClient()
    fresh.credentials(HTTP_AUTHORIZATION=f"Token {new_key}")
    assert fresh.get("/api/me/").status_code == 200


def test_a_made_up_token_is_refused(personas):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert client.get("/api/projects/").status_code == 401


def test_a_session_authenticates_the_api(personas):
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username="leader", password=PASSWORD)
    assert client.get("/api/projects/").status_code == 200
    # A session write without the CSRF token is refused, a token write is not exposed to CSRF.
    assert client.post("/api/investors/", {"name": "Y"}, format="json").status_code == 403


def test_a_write_with_a_token_is_audited_under_the_tokens_user(personas):
    client, _ = token_client(personas.officer_north)
    response = client.post("/api/investors/", {"name": "Token Motors"}, format="json")
    assert response.status_code == 201
    entry = AuditEntry.objects.get(object_id=str(response.json()["id"]), kind="create")
    assert entry.actor == personas.officer_north
    assert entry.source.startswith("api:")


def test_me_lists_roles_and_allowed_actions(reference_data, personas):
    client, _ = token_client(personas.officer_north)
    data = client.get("/api/me/").json()
    assert data["username"] == "officer_north"
    assert data["roles"] == [
        {
            "role": "district_officer",
            "role_label": "District officer",
            "area": reference_data.north.pk,
            "area_name": "North District",
            "unit": None,
            "unit_name": None,
        }
    ]
    assert "create" in data["actions"] and "delete" not in data["actions"]


def test_me_needs_authentication():
    assert APIClient().get("/api/me/").status_code == 401
