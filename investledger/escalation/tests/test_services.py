"""Raising, answering and closing issues; the resolution rate."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.escalation import services
from investledger.escalation.choices import IssueStatus, NotificationKind, ResponseKind
from investledger.escalation.models import Issue, Notification
from investledger.escalation.selectors import issue_resolution_rate
from investledger.ledger.projects.models import Project

from .helpers import FRI, MON, TUE, raise_issue

pytestmark = pytest.mark.django_db


def act(day, user):
    return clock.frozen_at(day), audit_context(actor=user, source="test")


def test_raising_an_issue_involves_the_unit_so_it_can_see_the_project(reference_data, south_project, personas):
    assert not Project.objects.visible_to(personas.unit_power).filter(pk=south_project.pk).exists()
    issue = raise_issue(south_project, reference_data.power, by=personas.officer_south)
    assert Project.objects.visible_to(personas.unit_power).filter(pk=south_project.pk).exists()
    assert Issue.objects.visible_to(personas.unit_power).filter(pk=issue.pk).exists()
    entry = AuditEntry.objects.filter(object_id=str(south_project.pk), kind=AuditEntry.Kind.UPDATE).last()
    assert entry.changes["involved_units"] == [[], [reference_data.power.pk]]
    assert Notification.objects.get(recipient=personas.unit_power).kind == NotificationKind.ISSUE_ASSIGNED


def test_raising_a_second_issue_for_the_same_unit_changes_the_project_once(reference_data, south_project):
    raise_issue(south_project, reference_data.power)
    raise_issue(south_project, reference_data.power, title="Second matter")
    updates = AuditEntry.objects.filter(
        object_id=str(south_project.pk), content_type__model="project", kind=AuditEntry.Kind.UPDATE
    ).exclude(message__contains="rule set")  # the project's first light, recorded on the project
    assert updates.count() == 1


def test_it_refuses_an_issue_without_title_naming_the_field(reference_data, south_project):
    with pytest.raises(ValidationError) as exc:
        raise_issue(south_project, reference_data.power, title="")
    assert "title" in exc.value.message_dict
    assert not Issue.objects.exists()


def test_closing_records_the_resolution_and_its_history(reference_data, south_project, personas):
    issue = raise_issue(south_project, reference_data.power, by=personas.officer_south)
    a, b = act(MON, personas.unit_power)
    with a, b:
        services.issue_respond(issue=issue, by=personas.unit_power, text="Survey booked.")
    a, b = act(TUE, personas.officer_south)
    with a, b:
        services.issue_close(issue=issue, by=personas.officer_south, resolution="Line energised on 10 March.")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.CLOSED
    assert issue.resolution == "Line energised on 10 March."
    assert issue.closed_on == TUE and issue.closed_by == personas.officer_south
    assert issue.closed_within_deadline
    assert list(issue.responses.values_list("kind", flat=True)) == [ResponseKind.RESPONSE, ResponseKind.RESOLUTION]
    assert issue.responses.first().unit == reference_data.power
    assert AuditEntry.objects.filter(object_id=str(issue.pk), message__startswith="closed:").exists()


def test_closing_needs_a_resolution(reference_data, south_project, personas):
    issue = raise_issue(south_project, reference_data.power)
    with pytest.raises(ValidationError, match="Record how the issue was resolved"):
        services.issue_close(issue=issue, by=personas.officer_south, resolution="  ")
    assert Issue.objects.get(pk=issue.pk).status == IssueStatus.OPEN


def test_a_stale_form_cannot_overwrite_a_newer_answer(reference_data, south_project, personas):
    issue = raise_issue(south_project, reference_data.power)
    seen_version = issue.version
    with audit_context(actor=personas.unit_power, source="test"):
        services.issue_respond(issue=Issue.objects.get(pk=issue.pk), by=personas.unit_power, text="First answer")
        with pytest.raises(services.EditConflict):
            services.issue_assess(issue=issue, by=personas.admin, text="Late assessment", expected_version=seen_version)
    assert Issue.objects.get(pk=issue.pk).status == IssueStatus.RESPONDED


def test_responding_twice_is_refused_with_a_clear_message(reference_data, south_project, personas):
    issue = raise_issue(south_project, reference_data.power)
    with audit_context(actor=personas.unit_power, source="test"):
        services.issue_respond(issue=issue, by=personas.unit_power, text="Answer")
        with pytest.raises(ValidationError, match="already responded"):
            services.issue_respond(issue=issue, by=personas.unit_power, text="Again")


def test_the_resolution_rate_counts_issues_closed_within_their_deadline_over_issues_due(
    reference_data, south_project, personas
):
    in_time = raise_issue(south_project, reference_data.power, on=FRI, title="A")
    late = raise_issue(south_project, reference_data.power, on=FRI, title="B")
    raise_issue(south_project, reference_data.power, on=FRI, title="C")  # still open
    raise_issue(south_project, reference_data.power, on=dt.date(2026, 3, 20), title="D")  # not yet due
    a, b = act(MON, personas.admin)
    with a, b:
        services.issue_close(issue=in_time, by=personas.admin, resolution="done")
    a, b = act(dt.date(2026, 3, 25), personas.admin)
    with a, b:
        services.issue_close(issue=late, by=personas.admin, resolution="done late")
    qs = Issue.objects.visible_to(personas.admin)
    rate = issue_resolution_rate(qs, dt.date(2026, 3, 26))
    assert (rate.due, rate.closed_in_time) == (3, 1)
    assert rate.rate == Decimal(1) / Decimal(3)
    # As of a past day: only what was due then, closures after it do not count.
    past = issue_resolution_rate(qs, dt.date(2026, 3, 17))
    assert (past.due, past.closed_in_time) == (3, 1)
    assert issue_resolution_rate(qs, FRI).rate is None


def test_a_notice_for_a_project_goes_to_its_host_area_and_its_officers(reference_data, park_project, personas):
    with audit_context(actor=personas.supervisor, source="test"), clock.frozen_at(FRI):
        notice = services.notice_issue(
            fields={"colour": "red", "subject": "Summons", "body": "Come", "project": park_project, "deadline": TUE},
            by=personas.supervisor,
        )
    assert notice.area == reference_data.north_park
    told = sorted(
        Notification.objects.filter(kind=NotificationKind.NOTICE_ISSUED).values_list("recipient__username", flat=True)
    )
    assert told == ["officer_north", "officer_park"]
    with audit_context(actor=personas.officer_park, source="test"):
        services.notice_acknowledge(notice=notice, by=personas.officer_park, reply="Meeting set for Monday.")
    notice.refresh_from_db()
    assert notice.status == "acknowledged" and notice.acknowledged_by == personas.officer_park
    assert Notification.objects.filter(
        recipient=personas.supervisor, kind=NotificationKind.NOTICE_ACKNOWLEDGED
    ).exists()


def test_a_notice_deadline_before_its_issue_day_is_refused(reference_data, personas):
    with audit_context(actor=personas.supervisor, source="test"), clock.frozen_at(TUE):
        with pytest.raises(ValidationError) as exc:
            services.notice_issue(
                fields={"colour": "blue", "subject": "S", "body": "B", "area": reference_data.south, "deadline": FRI},
                by=personas.supervisor,
            )
    assert "deadline" in exc.value.message_dict
