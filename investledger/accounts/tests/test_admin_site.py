"""The Django admin opens to bureau administrators by their role, and to nobody else."""

import pytest
from django.urls import reverse

from investledger.accounts.models import RoleAssignment
from investledger.core.access import Role

pytestmark = pytest.mark.django_db


def test_a_bureau_administrator_uses_the_admin_site(client, personas):
    client.force_login(personas.admin)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:projects_project_changelist")).status_code == 200


@pytest.mark.parametrize("who", ["supervisor", "leader", "officer_north", "unit_power", "contact_a", "stranger"])
def test_other_roles_are_sent_to_log_in(client, personas, who):
    client.force_login(getattr(personas, who))
    response = client.get(reverse("admin:projects_project_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_an_administrator_limited_to_an_area_may_not_use_the_admin_site(client, personas, reference_data):
    personas.officer_north.role_assignments.all().delete()
    RoleAssignment.objects.create(user=personas.officer_north, role=Role.ADMIN, area=reference_data.north)
    client.force_login(personas.officer_north)
    assert client.get(reverse("admin:index")).status_code == 302
