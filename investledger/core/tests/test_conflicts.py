"""Every HTTP 409 of the API has one shape, documented in the schema: a code, a message and the
version on file (null unless an edit clashed with a newer version).

Each endpoint that can answer 409 is called as schemathesis calls it (the answer is validated against
/api/schema/), and its body is checked for the one shape.
"""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from investledger.core import clock
from investledger.core.api import CONFLICT_CODES
from investledger.core.audit import audit_context, plain_hash
from investledger.core.models import AuditEntry
from investledger.core.tests.test_api_schema import call
from investledger.escalation.tests.helpers import raise_issue
from investledger.intake.tests.helpers import CHINESE_HEADER, import_file, write_xlsx
from investledger.supervision.models import Milestone
from investledger.testing import forged_entry_after, make_investor, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def _media(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"


def conflict(response, code: str, current_version=None) -> dict:
    assert response.status_code == 409, response.content
    body = response.json()
    assert {"code", "detail", "current_version"} <= set(body), body
    assert body["code"] == code and body["code"] in CONFLICT_CODES
    assert isinstance(body["detail"], str) and body["detail"]
    assert body["current_version"] == current_version
    return body


def test_every_409_in_the_schema_is_the_one_conflict_answer():
    document = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            answer = operation["responses"].get("409")
            if answer is None:
                continue
            ref = answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
            found.append((f"{method.upper()} {path}", ref))
            component = document["components"]["schemas"][ref]
            assert {"code", "detail", "current_version"} <= set(component["required"]), (path, ref)
    assert found and {ref for _op, ref in found} == {"Conflict", "DuplicateAnswer"}, found
    labels = {label for label, _ref in found}
    for expected in (
        "POST /api/projects/",
        "PATCH /api/projects/{id}/",
        "POST /api/projects/{id}/side-state/",
        "POST /api/milestones/{id}/record/",
        "POST /api/progress-reports/",
        "POST /api/issues/{id}/respond/",
        "POST /api/imports/{id}/commit/",
        "POST /api/imports/{id}/rerun/",
        "GET /api/audit/checkpoint/",
        "DELETE /api/sectors/{id}/",
        "POST /api/leads/{id}/convert/",
    ):
        assert expected in labels, expected


def test_a_likely_duplicate_answers_the_conflict_with_its_candidates(personas, reference_data):
    investor = make_investor("Dragon Motors")
    make_project(area=reference_data.north, sector=reference_data.ev, investor=investor, name="Dragon EV plant")
    body = {
        "name": "Dragon EV plant phase one",
        "investor": investor.pk,
        "host_area": reference_data.north.pk,
        "sector": reference_data.ev.pk,
        "contract_value": "1000000000",
    }
    response = call(personas, "officer_north", "POST", "/api/projects/", body=body, media_type="application/json")
    answer = conflict(response, "possible_duplicate")
    assert len(answer["possible_duplicates"]) == 1 and answer["hidden_duplicates"] == 0


def test_a_project_edited_meanwhile_answers_its_version(personas, reference_data):
    project = make_project(area=reference_data.north, sector=reference_data.ev)
    path = "/api/projects/{id}/"
    call(personas, "officer_north", "PATCH", path, path_parameters={"id": project.pk},
         body={"name": "First", "version": 1}, media_type="application/json")  # fmt: skip
    stale = call(personas, "officer_north", "PATCH", path, path_parameters={"id": project.pk},
                 body={"name": "Second", "version": 1}, media_type="application/json")  # fmt: skip
    conflict(stale, "edited_meanwhile", current_version=2)
    side = call(personas, "officer_north", "POST", "/api/projects/{id}/side-state/", path_parameters={"id": project.pk},
                body={"side_state": "stalled", "reason": "Land", "version": 1}, media_type="application/json")  # fmt: skip
    conflict(side, "edited_meanwhile", current_version=2)


def test_a_milestone_and_a_report_changed_meanwhile_answer_their_version(personas, reference_data):
    project = make_project(area=reference_data.north, sector=reference_data.ev)
    milestone = Milestone.objects.filter(project=project).order_by("pk").first()
    stale = call(personas, "officer_north", "POST", "/api/milestones/{id}/record/",
                 path_parameters={"id": milestone.pk},
                 body={"actual_date": clock.today().isoformat(), "version": milestone.version + 3},
                 media_type="application/json")  # fmt: skip
    conflict(stale, "edited_meanwhile", current_version=milestone.version)
    report = {
        "project": project.pk,
        "period": clock.today().replace(day=1).isoformat(),
        "funds_in_place_cny": "1000.00",
        "investment_completed_cny": "1000.00",
        "version": 4,
    }
    none_yet = call(personas, "officer_north", "POST", "/api/progress-reports/", body=report,
                    media_type="application/json")  # fmt: skip
    conflict(none_yet, "edited_meanwhile", current_version=0)


def test_an_issue_changed_meanwhile_answers_its_version(personas, reference_data):
    project = make_project(area=reference_data.north, sector=reference_data.ev)
    issue = raise_issue(project, reference_data.power)
    path = {"id": issue.pk}
    call(personas, "admin", "POST", "/api/issues/{id}/respond/", path_parameters=path,
         body={"text": "Survey booked", "version": 1}, media_type="application/json")  # fmt: skip
    for step, body in (("assess", {"text": "x", "version": 1}), ("close", {"resolution": "x", "version": 1})):
        stale = call(personas, "admin", "POST", f"/api/issues/{{id}}/{step}/", path_parameters=path, body=body,
                     media_type="application/json")  # fmt: skip
        conflict(stale, "edited_meanwhile", current_version=2)


def test_deleting_reference_data_still_in_use_answers_the_conflict(personas, reference_data):
    make_project(area=reference_data.north, sector=reference_data.ev)
    response = call(personas, "admin", "DELETE", "/api/sectors/{id}/", path_parameters={"id": reference_data.ev.pk})
    conflict(response, "still_in_use")


def test_an_import_that_cannot_be_committed_answers_the_conflict(personas, reference_data, tmp_path, _media):
    rows = [CHINESE_HEADER, ["坏项目", "某企业", "北区", "生物医药", "abc", "2022-08-22"]]
    batch = import_file(write_xlsx(tmp_path / "a.xlsx", rows), personas.officer_north, commit=False)
    refused = call(personas, "officer_north", "POST", "/api/imports/{id}/commit/", path_parameters={"id": batch.pk},
                   body={}, media_type="application/json")  # fmt: skip
    conflict(refused, "not_committable")
    again = call(personas, "officer_north", "POST", "/api/imports/{id}/rerun/", path_parameters={"id": batch.pk},
                 media_type="application/json")  # fmt: skip
    conflict(again, "not_rerunnable")


def test_a_checkpoint_over_a_forged_trail_answers_the_conflict(personas, reference_data):
    make_project(area=reference_data.north, sector=reference_data.ev)
    last = AuditEntry.objects.order_by("-id").first()
    forged = forged_entry_after(last, plain_hash)
    with audit_context(source="test"):
        AuditEntry.objects.bulk_create([forged])
    conflict(call(personas, "admin", "GET", "/api/audit/checkpoint/"), "audit_trail_broken")


def test_a_lead_converted_meanwhile_or_into_a_likely_duplicate_answers_the_conflict(personas, reference_data):
    from investledger.leads import services as lead_services
    from investledger.reference.models import Unit

    unit = Unit.objects.create(code="north-promo", name="北区投促中心", area=reference_data.north)
    investor = make_investor("网易")
    with audit_context(actor=personas.officer_north, source="test"):
        lead = lead_services.lead_create(
            fields={"investor": investor, "source": "walk_in", "owning_unit": unit},
            areas=[reference_data.north],
            by=personas.officer_north,
        )
    make_project(area=reference_data.north, sector=reference_data.ev, investor=investor, name="网易成都基地")
    body = {
        "new_project": {"name": "网易成都基地", "host_area": reference_data.north.pk, "sector": reference_data.ev.pk},
        "shares": [{"unit": unit.pk, "percent": "100"}],
    }
    path = "/api/leads/{id}/convert/"
    stale = call(personas, "officer_north", "POST", path, path_parameters={"id": lead.pk},
                 body={**body, "version": 0}, media_type="application/json")  # fmt: skip
    conflict(stale, "edited_meanwhile", current_version=1)
    duplicate = call(personas, "officer_north", "POST", path, path_parameters={"id": lead.pk},
                     body=body, media_type="application/json")  # fmt: skip
    assert conflict(duplicate, "possible_duplicate")["possible_duplicates"][0]["name"] == "网易成都基地"
