"""Ids that are not numbers, in every API route that takes one, are simply not found (HTTP 404)."""

import pytest
from django.test import Client

from investledger.config.api_router import router

pytestmark = pytest.mark.django_db

NOT_IDS = ["abc", "1.5", "%20", "99999999999999999999"]


def _detail_routes():
    """Every detail route of the API: each viewset's read and each of its extra actions on one object."""
    routes = []
    for prefix, viewset, _basename in router.registry:
        if hasattr(viewset, "retrieve"):
            routes.append((f"/api/{prefix}/{{id}}/", "get"))
        for extra in viewset.get_extra_actions():
            if extra.detail:
                for method in extra.mapping:
                    routes.append((f"/api/{prefix}/{{id}}/{extra.url_path}/", method))
    return routes


DETAIL_ROUTES = _detail_routes()
CUSTOM_ACTIONS = [(url, method) for url, method in DETAIL_ROUTES if not url.endswith("/{id}/")]


def test_the_api_has_the_custom_actions_on_one_object_that_take_an_id():
    paths = {url for url, _method in CUSTOM_ACTIONS}
    for known in (
        "/api/issues/{id}/respond/",
        "/api/issues/{id}/assess/",
        "/api/issues/{id}/close/",
        "/api/notices/{id}/acknowledge/",
        "/api/notifications/{id}/read/",
        "/api/imports/{id}/rows/",
        "/api/imports/{id}/commit/",
        "/api/projects/{id}/side-state/",
        "/api/milestones/{id}/record/",
    ):
        assert known in paths, known


@pytest.mark.parametrize("not_id", NOT_IDS)
@pytest.mark.parametrize(("url", "method"), DETAIL_ROUTES, ids=[f"{m} {u}" for u, m in DETAIL_ROUTES])
def test_an_id_that_is_not_a_number_is_not_found(personas, url, method, not_id):
    client = Client(raise_request_exception=False)
    client.force_login(personas.admin)
    response = getattr(client, method)(url.replace("{id}", not_id), content_type="application/json")
    assert response.status_code == 404, response.content[:300]
