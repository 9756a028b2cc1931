"""/api/audit/checkpoint/: city-wide administrators download a signed checkpoint; nobody else does."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from investledger.accounts.models import RoleAssignment
from investledger.core import checkpoints
from investledger.core.access import Role
from investledger.core.models import AuditEntry
from investledger.testing import make_project

pytestmark = pytest.mark.django_db

URL = "/api/audit/checkpoint/"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_administrator_downloads_a_checkpoint_that_verifies(personas, reference_data):
    make_project(area=reference_data.north, sector=reference_data.ev)
    response = client_for(personas.admin).get(URL)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-checkpoint-')
    data = response.json()
    last = AuditEntry.objects.order_by("-id").first()
    assert (data["entries"], data["last_id"], data["last_hash"]) == (AuditEntry.objects.count(), last.pk, last.hash)
    from_json = checkpoints.parse(response.content.decode())
    assert checkpoints.signature_holds(from_json)
    assert checkpoints.parse(data["line"]) == from_json
    assert checkpoints.verify_against(from_json).ok


@pytest.mark.parametrize("who", ["supervisor", "leader", "officer_north", "unit_power", "contact_a", "stranger"])
def test_it_refuses_everyone_but_city_wide_administrators(personas, who):
    assert client_for(getattr(personas, who)).get(URL).status_code == 403


def test_it_refuses_an_administrator_limited_to_an_area(reference_data):
    user = get_user_model().objects.create_user("admin_north", "admin_north@example.org", "x-Long-enough-9")
    RoleAssignment.objects.create(user=user, role=Role.ADMIN, area=reference_data.north)
    assert client_for(user).get(URL).status_code == 403


def test_it_refuses_anonymous_visitors(db):
    assert APIClient().get(URL).status_code in (401, 403)
