"""Who may see and do what: out of scope is 404 on every page and endpoint, a forbidden action 403."""

import datetime as dt

import pytest
from django.urls import reverse

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.supervision import services
from investledger.supervision.choices import MilestoneKind
from investledger.supervision.models import InspectionSample
from investledger.supervision.tests.helpers import record, signed_project

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 6, 1)


@pytest.fixture
def north(reference_data):
    project = signed_project(reference_data, name="North battery plant")
    record(project.milestones.get(kind=MilestoneKind.REGISTERED), dt.date(2024, 3, 5))
    with audit_context(source="test"), clock.frozen_at(TODAY):
        services.supervise(as_of=TODAY)
    return project


@pytest.fixture
def south(reference_data):
    return signed_project(reference_data, area=reference_data.south, name="South food hall")


OUTSIDE_NORTH = ("officer_south", "officer_park", "unit_power", "contact_a", "stranger")


def test_the_overview_shows_only_projects_in_scope(north, south, personas, login):
    with clock.frozen_at(TODAY):
        for name in ("admin", "supervisor", "leader", "officer_north"):
            page = login(getattr(personas, name)).get(reverse("supervision:index"))
            assert page.status_code == 200
            assert "North battery plant" in page.content.decode(), name
        for name in OUTSIDE_NORTH:
            page = login(getattr(personas, name)).get(reverse("supervision:index"))
            assert page.status_code == 200
            assert "North battery plant" not in page.content.decode(), name


def test_the_overview_refuses_an_area_outside_the_officers_scope(north, reference_data, personas, login):
    client = login(personas.officer_south)
    assert client.get(reverse("supervision:index"), {"area": reference_data.north.pk}).status_code == 404
    assert client.get(reverse("supervision:index"), {"area": reference_data.south.pk}).status_code == 200


def test_project_pages_and_writes_answer_404_outside_scope(north, personas, login):
    milestone = north.milestones.get(kind=MilestoneKind.LAND_SECURED)
    urls = [
        ("get", reverse("supervision:project_milestones", args=[north.pk])),
        ("post", reverse("supervision:milestone_record", args=[milestone.pk])),
        ("post", reverse("supervision:milestone_reason", args=[milestone.pk])),
        ("post", reverse("supervision:milestone_verify", args=[milestone.pk])),
    ]
    for name in OUTSIDE_NORTH:
        client = login(getattr(personas, name))
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 404, (name, url)


def test_readers_may_not_record_and_officers_may_not_verify(north, personas, login):
    milestone = north.milestones.get(kind=MilestoneKind.LAND_SECURED)
    registered = north.milestones.get(kind=MilestoneKind.REGISTERED)
    record_url = reverse("supervision:milestone_record", args=[milestone.pk])
    verify_url = reverse("supervision:milestone_verify", args=[registered.pk])
    for name in ("leader", "supervisor"):
        assert login(getattr(personas, name)).post(record_url).status_code == 403, name
    for name in ("leader", "officer_north"):
        assert login(getattr(personas, name)).post(verify_url).status_code == 403, name
    client = login(personas.supervisor)
    with clock.frozen_at(TODAY):
        response = client.post(
            verify_url, {f"v{registered.pk}-decision": "accept", f"v{registered.pk}-version": registered.version}
        )
    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.evidence_status == "verified"
    assert registered.verified_by == personas.supervisor


def test_only_reporters_open_the_batch_page_and_only_supervisors_the_inspection_queue(north, personas, login):
    with clock.frozen_at(TODAY):
        for name in ("leader", "supervisor", "unit_power", "stranger"):
            assert login(getattr(personas, name)).get(reverse("supervision:report_batch")).status_code == 403, name
        for name in ("officer_north", "officer_south", "contact_a", "admin"):
            assert login(getattr(personas, name)).get(reverse("supervision:report_batch")).status_code == 302, name
        for name in ("officer_north", "leader", "contact_a", "stranger"):
            assert login(getattr(personas, name)).get(reverse("supervision:inspection_queue")).status_code == 403
        assert login(personas.supervisor).get(reverse("supervision:inspection_queue")).status_code == 200


def test_inspection_results_are_404_outside_scope_and_403_for_officers(north, personas, login):
    sample = InspectionSample.objects.create(
        milestone=north.milestones.get(kind=MilestoneKind.REGISTERED), period=dt.date(2024, 3, 1)
    )
    url = reverse("supervision:inspection_record", args=[sample.pk])
    data = {f"i{sample.pk}-status": "confirmed"}
    assert login(personas.officer_south).post(url, data).status_code == 404
    assert login(personas.officer_north).post(url, data).status_code == 403
    with clock.frozen_at(TODAY):
        assert login(personas.supervisor).post(url, data).status_code == 302
    sample.refresh_from_db()
    assert sample.status == "confirmed"
    assert sample.milestone.evidence_status == "verified"


def test_the_api_lists_only_what_is_in_scope(north, south, personas, login):
    with audit_context(source="test"), clock.frozen_at(TODAY):
        services.supervise(as_of=TODAY)
    for endpoint in ("/api/milestones/", "/api/lights/", "/api/progress-reports/"):
        north_rows = login(personas.officer_north).get(endpoint).json()["results"]
        south_rows = login(personas.officer_south).get(endpoint).json()["results"]
        assert {r["project"] for r in north_rows} <= {north.pk}, endpoint
        assert {r["project"] for r in south_rows} <= {south.pk}, endpoint
    milestone = north.milestones.first()
    light = north.light_assessments.get(is_current=True)
    for name in OUTSIDE_NORTH:
        client = login(getattr(personas, name))
        assert client.get(f"/api/milestones/{milestone.pk}/").status_code in (403, 404), name
        assert client.get(f"/api/lights/{light.pk}/").status_code in (403, 404), name


def test_the_api_answers_404_outside_scope_and_403_for_a_forbidden_action(north, personas, login):
    milestone = north.milestones.get(kind=MilestoneKind.LAND_SECURED)
    body = {"actual_date": "2024-05-20", "evidence_number": "LAND-2024-17"}
    report = {"project": north.pk, "period": "2024-05-01", "funds_in_place_cny": "0", "investment_completed_cny": "0"}
    with clock.frozen_at(TODAY):
        assert login(personas.officer_south).post(f"/api/milestones/{milestone.pk}/record/", body).status_code == 404
        # A project named in the body outside the writer's scope reads as one that does not exist.
        outside = login(personas.officer_south).post("/api/progress-reports/", report)
        assert outside.status_code == 400 and "object does not exist" in outside.json()["project"][0]
        assert login(personas.leader).post(f"/api/milestones/{milestone.pk}/record/", body).status_code == 403
        assert login(personas.leader).post("/api/progress-reports/", report).status_code == 403
        assert login(personas.supervisor).post("/api/progress-reports/", report).status_code == 403
        recorded = login(personas.officer_north).post(f"/api/milestones/{milestone.pk}/record/", body)
        filed = login(personas.officer_north).post("/api/progress-reports/", report)
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["evidence_status"] == "pending"
    assert filed.status_code == 201, filed.content
    assert filed.json()["is_late"] is False
    north.refresh_from_db()
    assert north.stage == "land_secured"
