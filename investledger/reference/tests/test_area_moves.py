"""Editing and moving areas: every field is stored, a move carries the whole subtree and its projects."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.ledger.projects.models import Project
from investledger.reference import services
from investledger.reference.models import Area
from investledger.testing import make_project

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def park_ledger(reference_data):
    """North Park with a zone inside it, two projects in the park, one in the zone, one in North itself."""
    with audit_context(actor=None, source="test"):
        zone = services.area_create(
            fields={"code": "north-park-lab", "name": "北区园区实验区", "name_en": "Park Lab", "kind": "zone",
                    "parent": reference_data.north_park}, by=None
        )  # fmt: skip
    park = [make_project(area=reference_data.north_park, sector=reference_data.ev) for _ in range(2)]
    lab = make_project(area=zone, sector=reference_data.bio)
    north = make_project(area=reference_data.north, sector=reference_data.food)
    return {"zone": zone, "park": park, "lab": lab, "north": north}


def ids(user) -> set[int]:
    return set(Project.objects.visible_to(user).values_list("pk", flat=True))


def api_ids(user) -> set[int]:
    response = client_for(user).get("/api/projects/?page_size=100")
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_a_rename_through_the_api_is_stored(reference_data, personas):
    body = {"name": "北区新名", "name_en": "North Renamed", "code": "north-renamed", "kind": "county"}
    response = client_for(personas.admin).patch(f"/api/areas/{reference_data.north.pk}/", body, format="json")
    assert response.status_code == 200, response.content
    stored = Area.objects.get(pk=reference_data.north.pk)
    assert (stored.name, stored.name_en, stored.code, stored.kind) == (
        "北区新名",
        "North Renamed",
        "north-renamed",
        "county",
    )
    assert client_for(personas.leader).get(f"/api/areas/{stored.pk}/").json()["name_en"] == "North Renamed"


def test_a_move_through_the_api_stores_the_parent_and_the_paths_of_the_whole_subtree(
    reference_data, personas, park_ledger
):
    park, south, zone = reference_data.north_park, reference_data.south, park_ledger["zone"]
    response = client_for(personas.admin).patch(f"/api/areas/{park.pk}/", {"parent": south.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["parent"] == south.pk
    park.refresh_from_db()
    zone.refresh_from_db()
    assert park.parent_id == south.pk
    assert park.path == f"{south.path}{park.pk}/" and park.depth == 2
    assert zone.path == f"{south.path}{park.pk}/{zone.pk}/" and zone.depth == 3
    read = client_for(personas.leader).get(f"/api/areas/{park.pk}/").json()
    assert (read["parent"], read["path"]) == (south.pk, park.path)
    assert client_for(personas.leader).get(f"/api/areas/?within={south.pk}").json()["count"] == 3


def test_a_moved_parks_projects_leave_one_officers_scope_and_enter_the_others(reference_data, personas, park_ledger):
    moved = {p.pk for p in park_ledger["park"]} | {park_ledger["lab"].pk}
    assert moved <= ids(personas.officer_north) and not moved & ids(personas.officer_south)
    response = client_for(personas.admin).patch(
        f"/api/areas/{reference_data.north_park.pk}/", {"parent": reference_data.south.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    assert not moved & ids(personas.officer_north)
    assert moved <= ids(personas.officer_south)
    assert not moved & api_ids(personas.officer_north)
    assert moved <= api_ids(personas.officer_south)
    assert park_ledger["north"].pk in api_ids(personas.officer_north)  # North's own project stays
    some = park_ledger["park"][0].pk
    assert client_for(personas.officer_north).get(f"/api/projects/{some}/").status_code == 404
    assert client_for(personas.officer_south).get(f"/api/projects/{some}/").status_code == 200


def test_moving_an_area_under_its_own_sub_area_is_refused(reference_data, personas, park_ledger):
    north = reference_data.north
    for new_parent in (park_ledger["zone"], reference_data.north_park, north):
        response = client_for(personas.admin).patch(f"/api/areas/{north.pk}/", {"parent": new_parent.pk}, format="json")
        assert response.status_code == 400, response.content
        message = response.json()["parent"][0]
        assert "cannot be" in message and ("sub-areas" in message or "itself" in message)
    assert "North District cannot be placed under Park Lab, which is one of its own sub-areas." in str(
        client_for(personas.admin)
        .patch(f"/api/areas/{north.pk}/", {"parent": park_ledger["zone"].pk}, format="json")
        .json()
    )
    stored = Area.objects.get(pk=north.pk)
    assert (stored.parent_id, stored.path) == (reference_data.city.pk, north.path)


def test_the_service_refuses_a_cycle_too(reference_data, park_ledger):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught, audit_context(actor=None, source="test"):
        services.area_update(area=reference_data.north, fields={"parent": park_ledger["zone"]}, by=None)
    assert "one of its own sub-areas" in str(caught.value)
    with pytest.raises(ValidationError):
        services.area_move_preview(area=reference_data.north, new_parent=reference_data.north_park, by=None)


def test_a_move_records_one_audit_entry_per_changed_area(reference_data, personas, park_ledger):
    park, zone = reference_data.north_park, park_ledger["zone"]
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    response = client_for(personas.admin).patch(
        f"/api/areas/{park.pk}/", {"parent": reference_data.south.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    entries = list(AuditEntry.objects.filter(id__gt=last).order_by("id"))
    assert [(e.object_id, e.kind) for e in entries] == [(str(park.pk), "update"), (str(zone.pk), "update")]
    assert entries[0].changes["parent_id"] == [reference_data.north.pk, reference_data.south.pk]
    assert entries[0].changes["path"][1] == f"{reference_data.south.path}{park.pk}/"
    assert entries[1].changes["path"][1] == f"{reference_data.south.path}{park.pk}/{zone.pk}/"
    assert entries[1].message == "moved with its parent area"
    assert all(e.actor_id == personas.admin.pk and e.source.startswith("api:") for e in entries)


def test_the_move_preview_counts_the_projects_that_change_scope(reference_data, personas, park_ledger):
    park = reference_data.north_park
    response = client_for(personas.admin).get(
        f"/api/areas/{park.pk}/move-preview/?new_parent={reference_data.south.pk}"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["areas"], body["projects"]) == (2, 3)
    assert (body["from_parent"], body["to_parent"]) == (reference_data.north.pk, reference_data.south.pk)
    assert body["message"] == "Moving North Park moves 3 projects (in 2 areas) from North District to South District."
    assert Area.objects.get(pk=park.pk).parent_id == reference_data.north.pk  # a preview changes nothing
    cycle = client_for(personas.admin).get(f"/api/areas/{reference_data.north.pk}/move-preview/?new_parent={park.pk}")
    assert cycle.status_code == 400 and "one of its own sub-areas" in cycle.json()["parent"][0]
    unknown = client_for(personas.admin).get(f"/api/areas/{park.pk}/move-preview/?new_parent=999999")
    assert unknown.status_code == 400 and "new_parent" in unknown.json()
    assert client_for(personas.officer_north).get(f"/api/areas/{park.pk}/move-preview/?new_parent=1").status_code == 403


def test_the_admin_stores_a_rename(client, reference_data, personas):
    client.force_login(personas.admin)
    south = reference_data.south
    url = reverse("admin:reference_area_change", args=[south.pk])
    data = {
        "code": "south",
        "name": "南区新",
        "name_en": "South Renamed",
        "kind": "district",
        "parent": reference_data.city.pk,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = Area.objects.get(pk=south.pk)
    assert (stored.name, stored.name_en) == ("南区新", "South Renamed")
    assert AuditEntry.objects.filter(object_id=str(south.pk), kind="update", source__startswith="admin:").count() == 1


def test_the_admin_shows_what_a_move_carries_and_moves_only_when_confirmed(
    client, reference_data, personas, park_ledger
):
    client.force_login(personas.admin)
    park = reference_data.north_park
    url = reverse("admin:reference_area_change", args=[park.pk])
    data = {
        "code": "north-park",
        "name": "北区园区",
        "name_en": "North Park",
        "kind": "park",
        "parent": reference_data.south.pk,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert (
        "Moving North Park moves 3 projects (in 2 areas) from North District to South District."
        in response.content.decode()
    )
    assert Area.objects.get(pk=park.pk).parent_id == reference_data.north.pk
    response = client.post(url, {**data, "confirm_move": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    park.refresh_from_db()
    assert park.parent_id == reference_data.south.pk and park.path.startswith(reference_data.south.path)
    assert set(ids(personas.officer_south)) >= {p.pk for p in park_ledger["park"]}


def test_the_admin_refuses_a_cycle(client, reference_data, personas):
    client.force_login(personas.admin)
    north = reference_data.north
    data = {"code": "north", "name": "北区", "name_en": "North District", "kind": "district",
            "parent": reference_data.north_park.pk, "confirm_move": "on"}  # fmt: skip
    response = client.post(reverse("admin:reference_area_change", args=[north.pk]), data)
    assert response.status_code == 200
    assert "one of its own sub-areas" in response.content.decode()
    assert Area.objects.get(pk=north.pk).parent_id == reference_data.city.pk


def test_a_plain_save_may_not_leave_sub_areas_behind(reference_data):
    north = Area.objects.get(pk=reference_data.north.pk)
    north.parent = reference_data.south
    with pytest.raises(ValueError, match="area_update"):
        north.save()
