"""An administrator limited to an area moves only its sub-areas, and only under areas of its own.

Any other area, or a new parent outside the scope, is answered like an id that does not exist: 404 in
the API for the area, "does not exist" for the parent, the admin's "doesn't exist" and "Select a
valid choice", `Area.DoesNotExist` from the service. Reading areas is not limited.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from rest_framework.test import APIClient

from investledger.accounts.models import RoleAssignment
from investledger.core.access import Role
from investledger.core.audit import audit_context
from investledger.reference import services
from investledger.reference.models import Area

pytestmark = pytest.mark.django_db

MISSING = 999999


@pytest.fixture
def north_admin(reference_data):
    """The bureau's administrator for North: staff, with the admin's own permissions on areas."""
    user = get_user_model().objects.create_user("north_admin", "north_admin@example.org", "x", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="reference", codename__endswith="_area")
    )
    RoleAssignment.objects.create(user=user, role=Role.ADMIN, area=reference_data.north)
    return user


@pytest.fixture
def zone(reference_data):
    with audit_context(actor=None, source="test"):
        return services.area_create(
            fields={"code": "lab", "name": "实验区", "name_en": "Lab Zone", "kind": "zone",
                    "parent": reference_data.north_park}, by=None
        )  # fmt: skip


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def parents(ref) -> dict:
    return {a.pk: a.parent_id for a in Area.objects.all()}


def test_the_api_answers_404_for_moving_an_area_outside_the_scope(reference_data, north_admin):
    ref = reference_data
    before = parents(ref)
    client = api(north_admin)
    outside = client.patch(f"/api/areas/{ref.south.pk}/", {"parent": ref.north.pk}, format="json")
    missing = client.patch(f"/api/areas/{MISSING}/", {"parent": ref.north.pk}, format="json")
    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()
    preview = client.get(f"/api/areas/{ref.south.pk}/move-preview/", {"new_parent": ref.north.pk})
    assert preview.status_code == 404
    assert client.get(f"/api/areas/{ref.south.pk}/").status_code == 200  # reading is not limited
    assert parents(ref) == before


def test_the_api_refuses_a_parent_outside_the_scope_as_an_unknown_id(reference_data, north_admin):
    ref = reference_data
    before = parents(ref)
    client = api(north_admin)
    park = f"/api/areas/{ref.north_park.pk}/"
    outside = client.patch(park, {"parent": ref.south.pk}, format="json")
    missing = client.patch(park, {"parent": MISSING}, format="json")
    assert outside.status_code == missing.status_code == 400
    assert outside.json() == {"parent": [f'Invalid pk "{ref.south.pk}" - object does not exist.']}
    assert missing.json() == {"parent": [f'Invalid pk "{MISSING}" - object does not exist.']}
    preview = client.get(f"{park}move-preview/", {"new_parent": ref.south.pk})
    assert preview.status_code == 400
    assert preview.json() == {"new_parent": [f'Invalid pk "{ref.south.pk}" - object does not exist.']}
    created = client.post(
        "/api/areas/", {"code": "x", "name": "新区", "kind": "park", "parent": ref.south.pk}, format="json"
    )
    assert created.status_code == 400 and "parent" in created.json()
    assert parents(ref) == before


def test_the_api_still_moves_areas_within_the_scope(reference_data, north_admin, zone):
    client = api(north_admin)
    preview = client.get(f"/api/areas/{zone.pk}/move-preview/", {"new_parent": reference_data.north.pk})
    assert preview.status_code == 200, preview.content
    moved = client.patch(f"/api/areas/{zone.pk}/", {"parent": reference_data.north.pk}, format="json")
    assert moved.status_code == 200, moved.content
    assert Area.objects.get(pk=zone.pk).parent_id == reference_data.north.pk


def test_the_admin_answers_an_area_outside_the_scope_like_a_missing_one(client, reference_data, north_admin):
    ref = reference_data
    client.force_login(north_admin)
    outside = client.get(reverse("admin:reference_area_change", args=[ref.south.pk]))
    missing = client.get(reverse("admin:reference_area_change", args=[MISSING]))
    assert outside.status_code == missing.status_code == 302
    assert outside.url == missing.url
    data = {"code": "south", "name": "南区", "name_en": "South District", "kind": "district",
            "parent": ref.north.pk, "confirm_move": "on"}  # fmt: skip
    client.post(reverse("admin:reference_area_change", args=[ref.south.pk]), data)
    assert Area.objects.get(pk=ref.south.pk).parent_id == ref.city.pk


def test_the_admin_refuses_a_parent_outside_the_scope_as_an_unknown_choice(client, reference_data, north_admin):
    ref = reference_data
    client.force_login(north_admin)
    url = reverse("admin:reference_area_change", args=[ref.north_park.pk])
    data = {"code": "north-park", "name": "北区园区", "name_en": "North Park", "kind": "park",
            "parent": ref.south.pk, "confirm_move": "on"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Area.objects.get(pk=ref.north_park.pk).parent_id == ref.north.pk


def test_the_service_refuses_both_as_not_found(reference_data, north_admin, zone):
    ref = reference_data
    with pytest.raises(Area.DoesNotExist):
        services.area_update(area=ref.south, fields={"parent": ref.north}, by=north_admin)
    with pytest.raises(Area.DoesNotExist):
        services.area_move_preview(area=ref.south, new_parent=ref.north, by=north_admin)
    with pytest.raises(services.ValidationError) as refused:
        services.area_update(area=zone, fields={"parent": ref.south}, by=north_admin)
    assert refused.value.message_dict == {"parent": [f"No area with id {ref.south.pk} exists."]}
    with pytest.raises(services.ValidationError):
        services.area_move_preview(area=zone, new_parent=ref.south, by=north_admin)
    assert Area.objects.get(pk=zone.pk).parent_id == ref.north_park.pk
