"""Each write to a project needs one access action, checked alike by its page and its API operation:
whoever the page lets in, the API lets in, and the reverse."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from investledger.core import access
from investledger.core.access import Action, Role
from investledger.testing import make_project

pytestmark = pytest.mark.django_db

PERSONAS = [
    "admin",
    "supervisor",
    "leader",
    "officer_north",
    "officer_park",
    "officer_south",
    "unit_power",
    "contact_a",
]
# Each write: its page, and its API operation (POSTed empty: an allowed user is told what is missing, 400).
WRITES = {
    "side state": ("projects:project_side_state", "/api/projects/{pk}/side-state/", "post"),
    "edit": ("projects:project_edit", "/api/projects/{pk}/", "patch"),
    "signing": ("projects:signing_add", "/api/projects/{pk}/signings/", "post"),
}


def page_allows(user, name: str, project) -> bool:
    client = APIClient()
    client.force_login(user)
    status = client.get(reverse(name, args=[project.pk])).status_code
    assert status in (200, 403, 404), status
    return status == 200


def api_allows(user, path: str, method: str, project) -> bool:
    client = APIClient()
    client.force_authenticate(user)
    status = getattr(client, method)(path.format(pk=project.pk), {}, format="json").status_code
    assert status in (400, 403, 404), status
    return status == 400


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("who", PERSONAS)
def test_the_page_and_the_api_let_in_the_same_people(personas, reference_data, who, write):
    project = make_project(area=reference_data.north_park, sector=reference_data.ev, event=reference_data.event)
    page, path, method = WRITES[write]
    user = getattr(personas, who)
    assert page_allows(user, page, project) == api_allows(user, path, method, project)


def test_an_officer_without_stage_changes_may_use_neither_the_side_state_page_nor_its_api(
    personas, reference_data, monkeypatch
):
    """A bureau whose district officers edit projects but do not change their stage or side state."""
    officer = set(access.ROLE_ACTIONS[Role.DISTRICT_OFFICER]) - {Action.CHANGE_STAGE}
    monkeypatch.setitem(access.ROLE_ACTIONS, Role.DISTRICT_OFFICER, frozenset(officer))
    project = make_project(area=reference_data.north, sector=reference_data.ev)
    page, path, method = WRITES["side state"]
    assert not page_allows(personas.officer_north, page, project)
    assert not api_allows(personas.officer_north, path, method, project)
    assert page_allows(personas.officer_north, "projects:project_edit", project)
