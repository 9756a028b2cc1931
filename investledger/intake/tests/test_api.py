"""POST /api/imports/ and /api/imports/{id}/commit/ with the personas."""

import pytest
from rest_framework.test import APIClient

from investledger.intake.models import ImportBatch
from investledger.intake.tests.helpers import CHINESE_HEADER, signing_rows, write_xlsx
from investledger.ledger.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def post_file(api, path, **data):
    with open(path, "rb") as fh:
        return api.post("/api/imports/", {"file": fh, "kind": "signings", **data}, format="multipart")


def test_an_officer_uploads_checks_and_commits_through_the_api(api, tmp_path, personas, reference_data):
    api.force_authenticate(personas.officer_north)
    response = post_file(
        api, write_xlsx(tmp_path / "a.xlsx", [CHINESE_HEADER, *signing_rows(2)]), event=reference_data.event.pk
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "validated" and body["rows_validated"] == 2 and body["error_count"] == 0
    rows = api.get(f"/api/imports/{body['id']}/rows/").json()
    assert [r["outcome"] for r in rows["results"]] == ["new", "new"]
    response = api.post(f"/api/imports/{body['id']}/commit/", {}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "committed"
    assert Project.objects.count() == 2


def test_the_api_reports_row_errors_and_refuses_to_commit_them(api, tmp_path, personas, reference_data):
    api.force_authenticate(personas.officer_north)
    rows = [CHINESE_HEADER, ["坏项目", "某企业", "北区", "生物医药", "abc", "2022-08-22"]]
    body = post_file(api, write_xlsx(tmp_path / "b.xlsx", rows), event=reference_data.event.pk).json()
    assert body["error_count"] == 1
    problems = api.get(f"/api/imports/{body['id']}/rows/?problems=1").json()["results"]
    assert problems[0]["errors"] == [{"column": "签约额（亿元）", "message": "not a number"}]
    response = api.post(f"/api/imports/{body['id']}/commit/", {}, format="json")
    assert response.status_code == 409
    assert not Project.objects.exists()


def test_the_api_refuses_a_file_that_is_not_a_spreadsheet(api, tmp_path, personas):
    api.force_authenticate(personas.officer_north)
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a workbook at all")
    response = post_file(api, path)
    assert response.status_code == 400
    assert "not a spreadsheet" in response.json()["file"][0]
    assert not ImportBatch.objects.exists()


def test_roles_that_cannot_create_projects_cannot_upload(api, tmp_path, personas):
    path = write_xlsx(tmp_path / "c.xlsx", [CHINESE_HEADER, *signing_rows(1)])
    for user in (personas.leader, personas.supervisor, personas.unit_power, personas.stranger):
        api.force_authenticate(user)
        assert post_file(api, path).status_code == 403
    api.force_authenticate(None)
    assert post_file(api, path).status_code in (401, 403)


def test_other_districts_do_not_find_a_batch_and_leaders_may_not_commit_it(api, tmp_path, personas, reference_data):
    api.force_authenticate(personas.officer_north)
    body = post_file(
        api, write_xlsx(tmp_path / "d.xlsx", [CHINESE_HEADER, *signing_rows(1)]), event=reference_data.event.pk
    ).json()
    api.force_authenticate(personas.officer_south)
    assert api.get(f"/api/imports/{body['id']}/").status_code == 404
    assert api.post(f"/api/imports/{body['id']}/commit/", {}, format="json").status_code == 404
    assert api.get("/api/imports/").json()["count"] == 0
    api.force_authenticate(personas.leader)
    assert api.get(f"/api/imports/{body['id']}/").status_code == 200
    assert api.post(f"/api/imports/{body['id']}/commit/", {}, format="json").status_code == 403
    assert not Project.objects.exists()


def test_an_upload_of_a_kind_no_sheet_has_is_refused_naming_the_field(api, tmp_path, personas):
    api.force_authenticate(personas.officer_north)
    response = post_file(api, write_xlsx(tmp_path / "a.xlsx", [CHINESE_HEADER, *signing_rows(2)]), kind="press")
    assert response.status_code == 400
    assert "kind" in response.json()
    assert not ImportBatch.objects.exists()
