"""Every action has a door: the actions shown at each level are those the service permits, issues are
raised from a project's page and from a filtered list, and the project page shows its follow-up."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.escalation import permissions, services
from investledger.escalation.choices import Level
from investledger.escalation.models import Issue
from investledger.escalation.workdays import WorkCalendar
from investledger.supervision import services as supervision_services

from .helpers import FRI, raise_issue, scan

pytestmark = pytest.mark.django_db

PERSONAS = ["admin", "supervisor", "leader", "officer_north", "officer_park", "officer_south", "unit_power"]
LEVEL_DEADLINE = {Level.DISTRICT: "respond_by", Level.BUREAU: "assess_by", Level.LEADER: "resolve_by"}


def issue_at(level, project, unit, by):
    """An issue raised on Friday and left to climb to `level` by the daily scan."""
    issue = raise_issue(project, unit, on=FRI, by=by)
    if level in LEVEL_DEADLINE:
        scan(WorkCalendar.load().next_working_day(getattr(issue, LEVEL_DEADLINE[level])))
    issue.refresh_from_db()
    assert issue.level == level
    return issue


def shown_actions(client, issue) -> set[str] | None:
    response = client.get(reverse("escalation:issue_detail", args=[issue.pk]))
    if response.status_code == 404:
        return None
    html = response.content.decode()
    return {step for step in permissions.STEPS if reverse("escalation:issue_act", args=[issue.pk, step]) in html}


def step_allowed_by_service(user, issue, step) -> bool:
    """Whether the service takes the step from `user` (tried in a transaction that is rolled back)."""
    fresh = Issue.objects.select_related("project__host_area").get(pk=issue.pk)
    call = {
        "respond": lambda: services.issue_respond(issue=fresh, by=user, text="On it"),
        "assess": lambda: services.issue_assess(issue=fresh, by=user, text="Two weeks"),
        "close": lambda: services.issue_close(issue=fresh, by=user, resolution="Done"),
    }[step]
    try:
        with transaction.atomic(), audit_context(actor=user, source="test"):
            call()
            raise _Rollback
    except _Rollback:
        return True
    except PermissionDenied:
        return False


class _Rollback(Exception):
    pass


@pytest.mark.parametrize("level", [Level.UNIT, Level.DISTRICT, Level.BUREAU, Level.LEADER])
def test_the_actions_shown_at_each_level_are_exactly_those_the_service_and_the_api_permit(
    level, reference_data, park_project, personas, client
):
    issue = issue_at(level, park_project, reference_data.power, personas.officer_north)
    for name in PERSONAS:
        user = getattr(personas, name)
        client.force_login(user)
        shown = shown_actions(client, issue)
        if shown is None:
            assert name == "officer_south"
            continue
        permitted = {step for step in permissions.STEPS if step_allowed_by_service(user, issue, step)}
        assert shown == permitted, (name, level)
        api = APIClient()
        api.force_authenticate(user)
        for step in set(permissions.STEPS) - shown:
            page = client.post(reverse("escalation:issue_act", args=[issue.pk, step]), {f"{step}-version": 1})
            assert page.status_code == 403, (name, level, step)
            assert api.post(f"/api/issues/{issue.pk}/{step}/", {"text": "x", "resolution": "x"}).status_code == 403
    client.logout()


def test_a_district_officer_at_level_district_may_respond_and_assess_not_only_close(
    reference_data, park_project, personas, client
):
    issue = issue_at(Level.DISTRICT, park_project, reference_data.power, personas.officer_north)
    client.force_login(personas.officer_north)
    page = client.get(reverse("escalation:issue_detail", args=[issue.pk])).content.decode()
    assert shown_actions(client, issue) == {"respond", "assess", "close"}
    assert "At level District you may:" in page
    with clock.frozen_at(issue.respond_by):
        answered = client.post(
            reverse("escalation:issue_act", args=[issue.pk, "respond"]),
            {"respond-version": issue.version, "respond-text": "District coordinating the line with the grid."},
        )
    assert answered.status_code == 302
    assert Issue.objects.get(pk=issue.pk).status == "responded"


def test_at_the_unit_level_a_district_officer_closes_but_the_unit_answers(
    reference_data, park_project, personas, client
):
    issue = issue_at(Level.UNIT, park_project, reference_data.power, personas.officer_north)
    assert permissions.issue_actions(personas.officer_north, issue) == ("close",)
    assert permissions.issue_actions(personas.unit_power, issue) == ("respond", "assess")
    assert permissions.issue_actions(personas.leader, issue) == ()
    client.force_login(personas.leader)
    page = client.get(reverse("escalation:issue_detail", args=[issue.pk])).content.decode()
    assert "you follow this issue; you may not act on it" in page


def test_an_issue_is_raised_from_the_project_page(reference_data, park_project, personas, client):
    client.force_login(personas.officer_park)
    detail = client.get(reverse("projects:project_detail", args=[park_project.pk])).content.decode()
    raise_url = reverse("escalation:issue_create", args=[park_project.pk])
    assert f'href="{raise_url}"' in detail
    with audit_context(source="test"):
        response = client.post(
            raise_url,
            {"title": "Grid connection", "category": "power", "responsible_unit": reference_data.power.pk},
        )
    assert response.status_code == 302
    assert Issue.objects.get().project == park_project


def test_the_project_page_shows_its_open_issues_notices_and_latest_report(
    reference_data, park_project, personas, client
):
    open_issue = raise_issue(park_project, reference_data.power, by=personas.officer_north, title="Grid connection")
    closed = raise_issue(park_project, reference_data.power, by=personas.officer_north, title="Water main")
    with audit_context(source="test"), clock.frozen_at(FRI):
        services.issue_close(issue=closed, by=personas.officer_north, resolution="Connected.")
        services.notice_issue(
            fields={
                "colour": "yellow",
                "subject": "Start is late",
                "body": "Explain",
                "project": park_project,
                "deadline": FRI,
            },
            by=personas.supervisor,
        )
        supervision_services.report_submit(
            project=park_project,
            period=FRI.replace(day=1),
            funds_in_place_cny=13000000720,
            investment_completed_cny=13000000720,
            narrative="Foundations poured",
        )
    client.force_login(personas.officer_north)
    with clock.frozen_at(FRI):
        html = client.get(reverse("projects:project_detail", args=[park_project.pk])).content.decode()
    section = html[html.index('id="project-follow-up"') :]
    assert open_issue.title in section and "Water main" not in section
    assert "1 open issue" in section
    assert "Start is late" in section
    assert "2026-03" in section and "1,300,000.07" in section
    assert reverse("supervision:project_report", args=[park_project.pk]) in section


def test_the_issue_list_filtered_by_project_says_so_and_prefills_the_project(
    reference_data, park_project, personas, client
):
    raise_issue(park_project, reference_data.power, by=personas.officer_north)
    client.force_login(personas.officer_north)
    html = client.get(reverse("escalation:issue_list") + f"?project={park_project.pk}").content.decode()
    assert f"Issues of project {park_project.reference} North Park battery plant" in html
    assert f'href="{reverse("escalation:issue_create", args=[park_project.pk])}"' in html


def test_the_issue_list_filtered_by_level_and_area_says_so(reference_data, park_project, personas, client):
    client.force_login(personas.officer_north)
    url = reverse("escalation:issue_list") + f"?level=2&area={reference_data.north.pk}"
    html = client.get(url).content.decode()
    assert "Issues at level District, in North District" in html
    # Not filtered by one project: the door asks which project first.
    assert f'href="{reverse("escalation:issue_new")}"' in html


def test_an_issue_raised_from_the_list_chooses_among_the_projects_the_user_may_raise_on(
    reference_data, park_project, south_project, personas, client
):
    client.force_login(personas.officer_north)
    form = client.get(reverse("escalation:issue_new"))
    offered = {p.pk for p in form.context["form"].fields["project"].queryset}
    assert offered == {park_project.pk}
    refused = client.post(
        reverse("escalation:issue_new"),
        {"project": south_project.pk, "title": "x", "category": "power", "responsible_unit": reference_data.power.pk},
    )
    assert refused.status_code == 400 and not Issue.objects.exists()
    with audit_context(source="test"):
        raised = client.post(
            reverse("escalation:issue_new"),
            {
                "project": park_project.pk,
                "title": "Grid connection",
                "category": "power",
                "responsible_unit": reference_data.power.pk,
            },
        )
    assert raised.status_code == 302
    assert Issue.objects.get().project == park_project


def test_the_leader_is_offered_no_door_to_raise_an_issue(park_project, personas, client):
    client.force_login(personas.leader)
    assert 'id="raise-issue"' not in client.get(reverse("escalation:issue_list")).content.decode()
    assert client.get(reverse("escalation:issue_new")).status_code == 403
