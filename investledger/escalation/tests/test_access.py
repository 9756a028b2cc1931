"""Every page and API endpoint tried with the wrong user: 404 out of scope, 403 for a forbidden action."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.escalation import services
from investledger.escalation.models import Inspection, Issue, Notice, Notification

from .helpers import FRI, MON, TUE, raise_issue, scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(reference_data, park_project, personas):
    return raise_issue(park_project, reference_data.power, on=FRI, by=personas.officer_north)


@pytest.fixture
def notice(park_project, personas):
    with audit_context(actor=personas.supervisor, source="test"), clock.frozen_at(FRI):
        return services.notice_issue(
            fields={
                "colour": "yellow",
                "subject": "Start is late",
                "body": "Explain",
                "project": park_project,
                "deadline": MON,
            },
            by=personas.supervisor,
        )


@pytest.fixture
def inspection(park_project, personas):
    with audit_context(actor=personas.supervisor, source="test"), clock.frozen_at(FRI):
        return services.inspection_record(
            fields={"project": park_project, "visited_on": FRI, "inspectors": "Wang", "findings": "On track"},
            by=personas.supervisor,
        )


def status(client, user, method, url, data=None):
    client.force_login(user)
    response = getattr(client, method)(url, data or {})
    client.logout()
    return response.status_code


# --- Pages ---------------------------------------------------------------------------------------


def test_pages_send_anonymous_visitors_to_the_login_page(client, issue, notice, inspection):
    for url in [
        reverse("escalation:issue_list"),
        reverse("escalation:issue_detail", args=[issue.pk]),
        reverse("escalation:notice_list"),
        reverse("escalation:inspection_list"),
        reverse("escalation:inbox"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_the_issue_list_shows_only_issues_in_scope(client, issue, south_project, reference_data, personas):
    other = raise_issue(south_project, reference_data.bureau, on=FRI, title="South land matter")
    client.force_login(personas.officer_north)
    listed = {i.pk for i in client.get(reverse("escalation:issue_list")).context["page"]}
    assert listed == {issue.pk}
    client.force_login(personas.officer_south)
    assert {i.pk for i in client.get(reverse("escalation:issue_list")).context["page"]} == {other.pk}
    client.force_login(personas.stranger)
    assert list(client.get(reverse("escalation:issue_list")).context["page"]) == []


def test_the_issue_list_filters_by_status_level_unit_area_and_overdue(
    client, issue, south_project, reference_data, personas
):
    other = raise_issue(south_project, reference_data.bureau, on=FRI, title="South land matter")
    scan(TUE)  # both issues missed their response deadline (Monday)
    client.force_login(personas.admin)
    url = reverse("escalation:issue_list")

    def pks(**params):
        return {i.pk for i in client.get(url, params).context["page"]}

    assert pks(area=reference_data.north.pk) == {issue.pk}
    assert pks(unit=reference_data.bureau.pk) == {other.pk}
    assert pks(level=2) == {issue.pk, other.pk}
    assert pks(level=1) == set()
    assert pks(status="open") == {issue.pk, other.pk}
    with clock.frozen_at(MON):
        assert pks(overdue="true") == set()


def test_issue_detail_is_404_outside_scope_and_200_inside(client, issue, personas):
    url = reverse("escalation:issue_detail", args=[issue.pk])
    for user in (personas.officer_south, personas.contact_a, personas.stranger):
        assert status(client, user, "get", url) == 404, user
    for user in (
        personas.officer_north,
        personas.officer_park,
        personas.unit_power,
        personas.leader,
        personas.supervisor,
    ):
        assert status(client, user, "get", url) == 200, user


def test_only_the_responsible_unit_responds(client, issue, personas):
    url = reverse("escalation:issue_act", args=[issue.pk, "respond"])
    data = {"respond-text": "On it", "respond-version": issue.version}
    assert status(client, personas.officer_south, "post", url, data) == 404
    assert status(client, personas.officer_north, "post", url, data) == 403
    assert status(client, personas.leader, "post", url, data) == 403
    assert status(client, personas.unit_power, "post", url, data) == 302
    assert Issue.objects.get(pk=issue.pk).status == "responded"


def test_only_the_district_a_supervisor_or_an_administrator_closes(client, issue, personas):
    url = reverse("escalation:issue_act", args=[issue.pk, "close"])
    data = {"close-resolution": "Done", "close-version": issue.version}
    assert status(client, personas.officer_south, "post", url, data) == 404
    assert status(client, personas.unit_power, "post", url, data) == 403
    assert status(client, personas.leader, "post", url, data) == 403
    assert (
        status(client, personas.officer_park, "post", url, {"close-resolution": "", "close-version": issue.version})
        == 400
    )
    assert status(client, personas.officer_park, "post", url, data) == 302
    assert Issue.objects.get(pk=issue.pk).resolution == "Done"


def test_a_stale_page_gets_a_conflict_message_not_an_overwrite(client, issue, personas):
    url = reverse("escalation:issue_act", args=[issue.pk, "assess"])
    with audit_context(actor=personas.admin, source="test"):
        services.issue_respond(issue=issue, by=personas.admin, text="Answered elsewhere")
    client.force_login(personas.unit_power)
    response = client.post(url, {"assess-text": "Assessment", "assess-version": 1})
    assert response.status_code == 400
    assert "Someone else updated this issue" in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).status == "responded"


def test_raising_an_issue_needs_a_visible_project_and_the_right_role(client, park_project, personas, reference_data):
    url = reverse("escalation:issue_create", args=[park_project.pk])
    data = {"title": "Water pressure", "category": "water", "responsible_unit": reference_data.power.pk}
    assert status(client, personas.officer_south, "get", url) == 404
    assert status(client, personas.stranger, "get", url) == 404
    assert status(client, personas.leader, "get", url) == 403
    assert status(client, personas.leader, "post", url, data) == 403
    assert status(client, personas.officer_north, "get", url) == 200
    assert status(client, personas.officer_north, "post", url, {**data, "title": ""}) == 400
    assert status(client, personas.officer_north, "post", url, data) == 302
    assert Issue.objects.get().raised_by == personas.officer_north


def test_notices_are_issued_by_supervisors_only(client, park_project, personas, reference_data):
    url = reverse("escalation:notice_create")
    data = {
        "colour": "blue",
        "subject": "Report late",
        "body": "File it",
        "area": reference_data.south.pk,
        "deadline": "2030-01-10",
    }
    for user in (personas.officer_north, personas.leader, personas.unit_power, personas.stranger):
        assert status(client, user, "get", url) == 403, user
    assert status(client, personas.supervisor, "post", url, {**data, "area": ""}) == 200  # names the missing field
    assert status(client, personas.supervisor, "post", url, data) == 302
    assert Notice.objects.get().area == reference_data.south


def test_notice_detail_and_acknowledgement(client, notice, personas):
    url = reverse("escalation:notice_detail", args=[notice.pk])
    assert status(client, personas.officer_south, "get", url) == 404
    assert status(client, personas.unit_power, "get", url) == 404
    assert status(client, personas.leader, "get", url) == 200
    assert status(client, personas.leader, "post", url, {"reply": "ok"}) == 403
    assert status(client, personas.supervisor, "post", url, {"reply": "ok"}) == 403
    assert status(client, personas.officer_park, "post", url, {"reply": ""}) == 400
    assert status(client, personas.officer_park, "post", url, {"reply": "Meeting on Monday"}) == 302
    assert status(client, personas.officer_north, "post", url, {"reply": "again"}) == 403  # already acknowledged


def test_notice_and_inspection_lists_are_scoped(client, notice, inspection, personas):
    client.force_login(personas.officer_south)
    assert list(client.get(reverse("escalation:notice_list")).context["page"]) == []
    assert list(client.get(reverse("escalation:inspection_list")).context["page"]) == []
    client.force_login(personas.officer_north)
    assert [n.pk for n in client.get(reverse("escalation:notice_list")).context["page"]] == [notice.pk]
    assert [i.pk for i in client.get(reverse("escalation:inspection_list")).context["page"]] == [inspection.pk]


def test_inspections_are_recorded_by_supervisors_only(client, inspection, personas):
    assert status(client, personas.officer_north, "get", reverse("escalation:inspection_create")) == 403
    assert status(client, personas.supervisor, "get", reverse("escalation:inspection_create")) == 200
    detail = reverse("escalation:inspection_detail", args=[inspection.pk])
    assert status(client, personas.officer_south, "get", detail) == 404
    assert status(client, personas.officer_north, "get", detail) == 200


# --- API -----------------------------------------------------------------------------------------


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_issues_are_scoped_and_their_actions_checked(issue, personas):
    assert api(personas.officer_south).get("/api/issues/").json()["count"] == 0
    assert api(personas.officer_north).get("/api/issues/").json()["count"] == 1
    assert api(personas.officer_south).get(f"/api/issues/{issue.pk}/").status_code == 404
    assert api(personas.officer_south).post(f"/api/issues/{issue.pk}/respond/", {"text": "x"}).status_code == 404
    assert api(personas.officer_north).post(f"/api/issues/{issue.pk}/respond/", {"text": "x"}).status_code == 403
    assert api(personas.unit_power).post(f"/api/issues/{issue.pk}/close/", {"resolution": "x"}).status_code == 403
    response = api(personas.unit_power).post(
        f"/api/issues/{issue.pk}/respond/", {"text": "Survey booked", "version": 1}
    )
    assert response.status_code == 200 and response.json()["status"] == "responded"
    stale = api(personas.unit_power).post(f"/api/issues/{issue.pk}/assess/", {"text": "x", "version": 1})
    assert stale.status_code == 409
    closed = api(personas.supervisor).post(f"/api/issues/{issue.pk}/close/", {"resolution": "Connected"})
    assert closed.status_code == 200 and closed.json()["resolution"] == "Connected"


def test_api_raising_an_issue(park_project, personas, reference_data):
    body = {
        "title": "Land",
        "category": "land",
        "project": park_project.pk,
        "responsible_unit": reference_data.power.pk,
    }
    assert api(personas.leader).post("/api/issues/", body).status_code == 403
    out_of_scope = api(personas.officer_south).post("/api/issues/", body)
    assert out_of_scope.status_code == 400 and "project" in out_of_scope.json()
    bad = api(personas.officer_north).post("/api/issues/", {**body, "category": "weather"})
    assert bad.status_code == 400 and "category" in bad.json()
    created = api(personas.officer_north).post("/api/issues/", body)
    assert created.status_code == 201 and created.json()["reference"].startswith("Q")


def test_api_notices(notice, personas, reference_data):
    assert api(personas.officer_south).get(f"/api/notices/{notice.pk}/").status_code == 404
    body = {
        "colour": "red",
        "subject": "Summons",
        "body": "Come",
        "area": reference_data.north.pk,
        "deadline": "2030-01-01",
    }
    assert api(personas.officer_north).post("/api/notices/", body).status_code == 403
    assert api(personas.supervisor).post("/api/notices/", body).status_code == 201
    assert api(personas.leader).post(f"/api/notices/{notice.pk}/acknowledge/", {"reply": "ok"}).status_code == 403
    assert (
        api(personas.officer_south).post(f"/api/notices/{notice.pk}/acknowledge/", {"reply": "ok"}).status_code == 404
    )
    assert api(personas.officer_north).post(f"/api/notices/{notice.pk}/acknowledge/", {"reply": ""}).status_code == 400
    done = api(personas.officer_north).post(f"/api/notices/{notice.pk}/acknowledge/", {"reply": "Meeting set"})
    assert done.status_code == 200 and done.json()["status"] == "acknowledged"


def test_api_inspections(inspection, park_project, personas):
    assert api(personas.officer_south).get(f"/api/inspections/{inspection.pk}/").status_code == 404
    assert api(personas.officer_north).get(f"/api/inspections/{inspection.pk}/").status_code == 200
    body = {"project": park_project.pk, "visited_on": "2026-03-02", "inspectors": "Li", "findings": "ok"}
    assert api(personas.officer_north).post("/api/inspections/", body).status_code == 403
    assert api(personas.supervisor).post("/api/inspections/", body).status_code == 201
    assert Inspection.objects.count() == 2


def test_api_notifications_are_the_users_own(issue, personas):
    mine = Notification.objects.get(recipient=personas.unit_power)
    assert api(personas.unit_power).get("/api/notifications/").json()["count"] == 1
    assert api(personas.admin).get("/api/notifications/").json()["count"] == 0
    assert api(personas.admin).get(f"/api/notifications/{mine.pk}/").status_code == 404
    assert api(personas.admin).post(f"/api/notifications/{mine.pk}/read/").status_code == 404
    assert api(personas.unit_power).post(f"/api/notifications/{mine.pk}/read/").json()["read_at"]
    assert APIClient().get("/api/notifications/").status_code in (401, 403)
