"""Administrators manage users and roles in the product; every change is checked and audited."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from investledger.accounts.models import RoleAssignment, User
from investledger.core.access import Role
from investledger.core.audit import verify_chain
from investledger.core.models import AuditEntry
from investledger.testing import PASSWORD

pytestmark = pytest.mark.django_db

STRONG = "ledger-keeper-2023-north"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def new_user_data(**overrides):
    data = {
        "username": "wang_li",
        "display_name": "王莉",
        "email": "wang.li@example.org",
        "language": "zh-hans",
        "unit": "",
        "password1": STRONG,
        "password2": STRONG,
        "roles-TOTAL_FORMS": "2",
        "roles-INITIAL_FORMS": "0",
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
        "roles-0-role": "district_officer",
        "roles-0-area": "",
        "roles-0-unit": "",
        "roles-1-role": "",
        "roles-1-area": "",
        "roles-1-unit": "",
    }
    data.update(overrides)
    return data


def last_user_entry(user) -> AuditEntry:
    return AuditEntry.objects.filter(content_type__model="user", object_id=str(user.pk)).latest("id")


def test_an_administrator_creates_a_district_officer(personas, reference_data):
    response = client_for(personas.admin).post(
        reverse("accounts:user_create"), new_user_data(**{"roles-0-area": reference_data.north.pk})
    )
    assert response.status_code == 302
    user = User.objects.get(username="wang_li")
    assert user.check_password(STRONG)
    assert list(user.role_assignments.values_list("role", "area")) == [("district_officer", reference_data.north.pk)]
    entry = last_user_entry(user)
    assert entry.kind == "create" and entry.actor == personas.admin
    assert entry.snapshot["roles"] == [f"district_officer:{reference_data.north.pk}:"]
    assert "password" not in entry.snapshot and not any("pbkdf2" in str(v) for v in entry.snapshot.values())
    assert verify_chain().ok


def test_it_refuses_a_weak_password_naming_the_field(personas, reference_data):
    response = client_for(personas.admin).post(
        reverse("accounts:user_create"),
        new_user_data(password1="12345678", password2="12345678", **{"roles-0-area": reference_data.north.pk}),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert not User.objects.filter(username="wang_li").exists()


def test_it_refuses_a_district_officer_without_an_area(personas):
    response = client_for(personas.admin).post(reverse("accounts:user_create"), new_user_data())
    assert response.status_code == 200
    assert "needs an area" in response.content.decode()
    assert not User.objects.filter(username="wang_li").exists()


def test_it_refuses_mismatched_passwords(personas, reference_data):
    response = client_for(personas.admin).post(
        reverse("accounts:user_create"),
        new_user_data(password2=STRONG + "x", **{"roles-0-area": reference_data.north.pk}),
    )
    assert response.context["form"].errors["password2"]


def test_an_administrator_moves_an_officer_to_another_district(personas, reference_data):
    target = personas.officer_north
    data = {
        "username": target.username,
        "display_name": "North officer",
        "email": target.email,
        "language": "",
        "unit": "",
        "roles-TOTAL_FORMS": "1",
        "roles-INITIAL_FORMS": "1",
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
        "roles-0-role": "district_officer",
        "roles-0-area": reference_data.south.pk,
        "roles-0-unit": "",
    }
    response = client_for(personas.admin).post(reverse("accounts:user_edit", args=[target.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    assert list(target.role_assignments.values_list("area", flat=True)) == [reference_data.south.pk]
    entry = last_user_entry(target)
    assert entry.changes["roles"] == [
        [f"district_officer:{reference_data.north.pk}:"],
        [f"district_officer:{reference_data.south.pk}:"],
    ]
    assert entry.changes["display_name"] == ["", "North officer"]


def test_the_edit_page_shows_the_roles_held(personas, reference_data):
    response = client_for(personas.admin).get(reverse("accounts:user_edit", args=[personas.officer_north.pk]))
    assert response.status_code == 200
    assert response.context["formset"].forms[0].initial["area"] == reference_data.north


def test_deactivating_a_user_stops_their_sign_in_and_token(personas):
    target = personas.officer_south
    token = Token.objects.create(user=target)
    response = client_for(personas.admin).post(
        reverse("accounts:user_set_active", args=[target.pk]), {"active": "0", "reason": "left the district"}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    assert not Token.objects.filter(key=token.key).exists()
    login = Client().post(reverse("accounts:login"), {"username": target.username, "password": PASSWORD})
    assert login.status_code == 200 and not login.wsgi_request.user.is_authenticated
    entry = last_user_entry(target)
    assert entry.changes["is_active"] == [True, False] and entry.message == "left the district"


def test_an_administrator_cannot_deactivate_themselves(personas):
    admin = personas.admin
    client = client_for(admin)
    response = client.post(reverse("accounts:user_set_active", args=[admin.pk]), {"active": "0"}, follow=True)
    admin.refresh_from_db()
    assert admin.is_active
    assert "your own account" in response.content.decode()


def test_revoking_a_token_refuses_the_api_at_once(personas):
    target = personas.officer_north
    token = Token.objects.create(user=target)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/me/").status_code == 200
    response = client_for(personas.admin).post(reverse("accounts:user_token_revoke", args=[target.pk]))
    assert response.status_code == 302
    assert api.get("/api/me/").status_code == 401
    assert last_user_entry(target).kind == "action"


def test_the_token_command_revokes_a_token(personas):
    target = personas.officer_north
    token = Token.objects.create(user=target)
    call_command("token", target.username, "--revoke")
    assert not Token.objects.filter(key=token.key).exists()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/me/").status_code == 401


@pytest.mark.parametrize(
    "persona", ["supervisor", "leader", "officer_north", "officer_park", "unit_power", "contact_a", "stranger"]
)
def test_only_city_wide_administrators_manage_users(personas, persona):
    client = client_for(getattr(personas, persona))
    target = personas.officer_south
    assert client.get(reverse("accounts:user_list")).status_code == 403
    assert client.get(reverse("accounts:user_create")).status_code == 403
    assert client.get(reverse("accounts:user_edit", args=[target.pk])).status_code == 403
    assert client.post(reverse("accounts:user_set_active", args=[target.pk]), {"active": "0"}).status_code == 403
    assert client.post(reverse("accounts:user_token_revoke", args=[target.pk])).status_code == 403
    target.refresh_from_db()
    assert target.is_active


def test_an_administrator_limited_to_an_area_does_not_manage_users(personas, reference_data):
    RoleAssignment.objects.create(user=personas.stranger, role=Role.ADMIN, area=reference_data.north)
    assert client_for(personas.stranger).get(reverse("accounts:user_list")).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(personas):
    response = Client().get(reverse("accounts:user_list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_user_list_searches_and_shows_roles(personas):
    response = client_for(personas.admin).get(reverse("accounts:user_list"), {"q": "officer"})
    usernames = [u.username for u in response.context["users"]]
    assert usernames == ["officer_north", "officer_park", "officer_south"]
    assert "North District" in response.content.decode()


def test_the_roles_command_grants_and_revokes(personas, reference_data):
    call_command("roles", "stranger", "--grant", "leader")
    assert access_roles(personas.stranger) == {"leader"}
    call_command("roles", "stranger", "--revoke", "leader")
    assert access_roles(personas.stranger) == set()


def access_roles(user):
    return set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))


def test_a_users_history_is_for_administrators_only(personas, reference_data):
    call_command("roles", "stranger", "--grant", "leader")
    url = reverse("core:object_history", args=["accounts.user", personas.stranger.pk])
    response = client_for(personas.admin).get(url)
    assert response.status_code == 200
    assert "Leader" in response.content.decode()
    for persona in (personas.supervisor, personas.leader, personas.officer_north):
        assert client_for(persona).get(url).status_code == 404
