"""/api/investors/: seen through visible projects; officers add, administrators change and delete."""

import pytest
from rest_framework.test import APIClient

from investledger.core.models import AuditEntry
from investledger.ledger.investors.models import Investor
from investledger.testing import make_investor, make_project

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def investors(reference_data):
    north = make_investor("Northwind Motors", origin="foreign", fortune_global_500=True)
    south = make_investor("Southern Dairy")
    make_project(area=reference_data.north, sector=reference_data.ev, investor=north)
    make_project(area=reference_data.south, sector=reference_data.food, investor=south)
    return {"north": north, "south": south, "idle": make_investor("Idle Holdings")}


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_a_district_officer_sees_the_investors_of_their_projects_and_those_on_no_project_yet(personas, investors):
    # An investor no project names yet is the pool a new project is entered from; Southern Dairy,
    # on South's project, stays hidden.
    assert names(client_for(personas.officer_north).get("/api/investors/")) == ["Idle Holdings", "Northwind Motors"]


def test_a_reader_who_enters_no_projects_sees_only_the_investors_of_their_projects(reference_data, personas, investors):
    make_project(
        area=reference_data.north, sector=reference_data.ev, investor=investors["north"], lead_unit=reference_data.power
    )
    assert names(client_for(personas.unit_power).get("/api/investors/")) == ["Northwind Motors"]


def test_city_wide_readers_see_every_investor(personas, investors):
    assert names(client_for(personas.leader).get("/api/investors/")) == [
        "Idle Holdings",
        "Northwind Motors",
        "Southern Dairy",
    ]


def test_an_investor_outside_the_scope_is_not_found(personas, investors):
    assert client_for(personas.officer_north).get(f"/api/investors/{investors['south'].pk}/").status_code == 404


def test_it_filters_investors(personas, investors):
    client = client_for(personas.admin)
    assert names(client.get("/api/investors/?q=dairy")) == ["Southern Dairy"]
    assert names(client.get("/api/investors/?origin=foreign")) == ["Northwind Motors"]
    assert names(client.get("/api/investors/?fortune_global_500=true")) == ["Northwind Motors"]


def test_a_district_officer_adds_an_investor(personas):
    response = client_for(personas.officer_north).post(
        "/api/investors/", {"name": "Lakeside Semiconductor", "origin": "hmt"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert AuditEntry.objects.filter(object_id=str(response.json()["id"]), kind="create").exists()


def test_it_names_a_duplicate_investor_name(personas, investors):
    response = client_for(personas.admin).post("/api/investors/", {"name": "Southern Dairy"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()


def test_it_names_an_unknown_origin(personas):
    response = client_for(personas.admin).post("/api/investors/", {"name": "X", "origin": "mars"}, format="json")
    assert response.status_code == 400
    assert "origin" in response.json()


def test_a_district_officer_may_not_change_a_shared_investor(personas, investors):
    response = client_for(personas.officer_north).patch(
        f"/api/investors/{investors['north'].pk}/", {"name": "Renamed"}, format="json"
    )
    assert response.status_code == 403
    investors["north"].refresh_from_db()
    assert investors["north"].name == "Northwind Motors"


def test_an_administrator_changes_an_investor_with_an_audit_entry(personas, investors):
    response = client_for(personas.admin).patch(
        f"/api/investors/{investors['idle'].pk}/", {"listed": True, "version": 1}, format="json"
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(object_id=str(investors["idle"].pk), kind="update").latest("id")
    assert entry.changes["listed"] == [False, True]


def test_an_investor_with_projects_cannot_be_deleted(personas, investors):
    response = client_for(personas.admin).delete(f"/api/investors/{investors['north'].pk}/")
    assert response.status_code == 409
    assert Investor.objects.filter(pk=investors["north"].pk).exists()


def test_an_unused_investor_is_deleted_with_an_audit_entry(personas, investors):
    assert client_for(personas.admin).delete(f"/api/investors/{investors['idle'].pk}/").status_code == 204
    assert AuditEntry.objects.filter(object_id=str(investors["idle"].pk), kind="delete").exists()


def test_a_user_without_a_role_cannot_list_investors(personas, investors):
    assert client_for(personas.stranger).get("/api/investors/").status_code == 403
