"""/api/areas/, /api/sectors/, /api/units/: read by every user with a role, changed by administrators."""

import pytest
from rest_framework.test import APIClient

from investledger.core.models import AuditEntry
from investledger.reference.models import Area
from investledger.testing import make_project

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


@pytest.mark.parametrize("persona", ["admin", "leader", "officer_south", "unit_power", "contact_a"])
def test_every_user_with_a_role_reads_reference_data(personas, persona):
    client = client_for(getattr(personas, persona))
    assert codes(client.get("/api/areas/")) == ["testcity", "north", "north-park", "south"]
    assert codes(client.get("/api/sectors/")) == ["bio", "ev", "food"]
    assert codes(client.get("/api/units/")) == ["bureau", "power"]


def test_a_user_without_a_role_is_refused(personas):
    for url in ("/api/areas/", "/api/sectors/", "/api/units/"):
        assert client_for(personas.stranger).get(url).status_code == 403


def test_areas_filter_by_subtree_and_kind(reference_data, personas):
    client = client_for(personas.leader)
    assert codes(client.get(f"/api/areas/?within={reference_data.north.pk}")) == ["north", "north-park"]
    assert codes(client.get("/api/areas/?kind=district")) == ["north", "south"]
    assert codes(client.get("/api/areas/?search=park")) == ["north-park"]


def test_sectors_filter_by_strategic_emerging(personas):
    assert codes(client_for(personas.leader).get("/api/sectors/?strategic_emerging=false")) == ["food"]


def test_an_administrator_adds_an_area_under_a_district(reference_data, personas):
    body = {
        "code": "south-port",
        "name": "南港园区",
        "name_en": "South Port",
        "kind": "park",
        "parent": reference_data.south.pk,
    }
    response = client_for(personas.admin).post("/api/areas/", body, format="json")
    assert response.status_code == 201, response.content
    area = Area.objects.get(code="south-port")
    assert response.json()["path"] == area.path == f"{reference_data.south.path}{area.pk}/"
    assert AuditEntry.objects.filter(object_id=str(area.pk), kind="create").exists()


@pytest.mark.parametrize("persona", ["officer_north", "leader", "supervisor"])
def test_only_administrators_change_reference_data(reference_data, personas, persona):
    client = client_for(getattr(personas, persona))
    assert client.post("/api/sectors/", {"code": "x", "name": "X"}, format="json").status_code == 403
    assert client.patch(f"/api/areas/{reference_data.north.pk}/", {"name": "改名"}, format="json").status_code == 403
    assert client.delete(f"/api/units/{reference_data.power.pk}/").status_code == 403


def test_it_names_the_field_of_invalid_reference_data(reference_data, personas):
    client = client_for(personas.admin)
    response = client.post("/api/areas/", {"code": "north", "name": "重复", "kind": "moon"}, format="json")
    assert response.status_code == 400
    assert {"code", "kind"} <= set(response.json())
    response = client.patch(
        f"/api/areas/{reference_data.north.pk}/", {"parent": reference_data.north_park.pk}, format="json"
    )
    assert response.status_code == 400
    assert "parent" in response.json()


def test_an_area_hosting_projects_cannot_be_deleted(reference_data, personas):
    make_project(area=reference_data.south, sector=reference_data.food)
    assert client_for(personas.admin).delete(f"/api/areas/{reference_data.south.pk}/").status_code == 409
    assert Area.objects.filter(pk=reference_data.south.pk).exists()
