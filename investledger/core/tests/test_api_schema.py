"""Single API answers checked against the OpenAPI schema, one per kind of drift the schema job found.

Each sends one real request through the Django WSGI application and fails when the answer is a
server error or differs from what /api/schema/ declares (status code, content type, body).
"""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from investledger.core.tests.openapi import load_schema, token_header
from investledger.escalation.tests.helpers import raise_issue
from investledger.intake.tests.helpers import CHINESE_HEADER, import_file, signing_rows, write_xlsx
from investledger.testing import make_investor, make_project

pytestmark = pytest.mark.django_db

schema = load_schema()


def call(personas, user, method: str, path: str, **kwargs):
    """The request as schemathesis sends it, validated against the operation's declared answers."""
    case = schema[path][method].Case(**kwargs)
    return case.call_and_validate(headers=token_header(getattr(personas, user)))


@pytest.fixture
def _media(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"


def test_every_operation_documents_the_errors_the_api_base_classes_give():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            label = f"{method.upper()} {path}"
            assert {"401", "403"} <= codes, label
            if "{" in path:
                assert "404" in codes, label
            if method in ("post", "put", "patch") and "requestBody" in operation:
                assert "400" in codes, label
    assert "409" in paths["/api/sectors/{id}/"]["delete"]["responses"]  # still used by projects


def test_an_api_address_that_matches_no_route_answers_in_json(client, personas):
    client.force_login(personas.admin)
    response = client.get("/api/areas/1.x-y/")  # a dot ends the id, and "x-y" is no format
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}
    page = client.get("/projects/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_record_outside_the_users_scope_answers_a_documented_404(personas, reference_data):
    project = make_project(area=reference_data.south, sector=reference_data.bio)
    response = call(personas, "officer_north", "GET", "/api/projects/{id}/", path_parameters={"id": project.pk})
    assert response.status_code == 404


def test_a_rejected_write_answers_a_documented_400(personas):
    response = call(personas, "admin", "POST", "/api/sectors/", body={}, media_type="application/json")
    assert response.status_code == 400
    assert "code" in response.json()


def test_a_partial_update_of_an_investor_still_answers_its_parent_name(personas):
    investor = make_investor("Solo Holdings")
    response = call(
        personas, "admin", "PATCH", "/api/investors/{id}/", path_parameters={"id": investor.pk}, body={"version": 1},
        media_type="application/json",
    )  # fmt: skip
    assert response.json()["parent_name"] is None


def test_a_project_on_track_without_an_event_matches_the_schema(personas, reference_data):
    project = make_project(area=reference_data.north, sector=reference_data.bio)
    body = call(personas, "admin", "GET", "/api/projects/{id}/", path_parameters={"id": project.pk}).json()
    assert body["side_state"] == "" and body["first_event_name"] is None
    call(personas, "admin", "GET", "/api/projects/")


def test_the_signings_of_a_project_are_one_unpaginated_list(personas, reference_data):
    project = make_project(area=reference_data.north, sector=reference_data.bio, event=reference_data.event)
    body = call(personas, "admin", "GET", "/api/projects/{id}/signings/", path_parameters={"id": project.pk}).json()
    assert [s["event"] for s in body] == [reference_data.event.pk]


def test_me_is_one_object(personas):
    assert call(personas, "officer_north", "GET", "/api/me/").json()["username"] == "officer_north"


def test_the_history_of_a_project_is_answered_in_pages(personas, reference_data):
    project = make_project(area=reference_data.north, sector=reference_data.bio)
    path = "/api/history/project/{project_id}/"
    body = call(personas, "admin", "GET", path, path_parameters={"project_id": project.pk}).json()
    assert body["count"] >= 1 and "create" in [item["kind"] for item in body["results"]]


def test_issue_steps_answer_with_the_issue_and_its_unsigned_responses(personas, reference_data):
    project = make_project(area=reference_data.north, sector=reference_data.bio)
    issue = raise_issue(project, reference_data.power)
    body = call(
        personas, "admin", "POST", "/api/issues/{id}/respond/", path_parameters={"id": issue.pk},
        body={"text": "Line survey booked"}, media_type="application/json",
    ).json()  # fmt: skip
    assert body["id"] == issue.pk and body["responses"][-1]["text"] == "Line survey booked"
    call(personas, "admin", "GET", "/api/issues/")


def test_import_rows_and_a_refused_commit_match_the_schema(personas, reference_data, tmp_path, _media):
    rows = [CHINESE_HEADER, *signing_rows(1), ["坏项目", "某企业", "北区", "生物医药", "abc", "2022-08-22"]]
    batch = import_file(write_xlsx(tmp_path / "a.xlsx", rows), personas.officer_north, commit=False)
    page = call(personas, "officer_north", "GET", "/api/imports/{id}/rows/", path_parameters={"id": batch.pk})
    assert [row["number"] for row in page.json()["results"]] == [2, 3]
    refused = call(
        personas, "officer_north", "POST", "/api/imports/{id}/commit/", path_parameters={"id": batch.pk}, body={},
        media_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 409
