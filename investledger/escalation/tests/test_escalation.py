"""The escalation ladder: a level per missed deadline, on the right working day, once."""

import datetime as dt

import pytest

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.escalation import services
from investledger.escalation.choices import Level, NotificationKind
from investledger.escalation.models import CalendarDay, DeadlinePolicy, EscalationStep, Issue, Notification

from .helpers import FRI, MON, SAT, SUN, THU, TUE, raise_issue, scan

pytestmark = pytest.mark.django_db


def test_it_sets_deadlines_in_working_days_from_the_policy(reference_data, park_project):
    issue = raise_issue(park_project, reference_data.power, on=FRI)
    assert issue.respond_by == MON  # 1 working day: the weekend does not count
    assert issue.assess_by.isoformat() == "2026-03-11"  # 3 working days
    assert issue.resolve_by.isoformat() == "2026-03-17"  # 7 working days
    assert issue.level == Level.UNIT


def test_a_category_policy_overrides_the_default(reference_data, park_project):
    DeadlinePolicy.objects.create(category="", respond_days=2, assess_days=4, resolve_days=10)
    DeadlinePolicy.objects.create(category="land", respond_days=3, assess_days=5, resolve_days=20)
    land = raise_issue(park_project, reference_data.power, on=FRI, category="land")
    power = raise_issue(park_project, reference_data.power, on=FRI, category="power")
    assert land.respond_by.isoformat() == "2026-03-11"
    assert power.respond_by == TUE


def test_it_escalates_to_the_district_on_the_working_day_after_the_missed_deadline(reference_data, park_project):
    issue = raise_issue(park_project, reference_data.power, on=THU)  # respond by Friday
    assert scan(FRI) == []
    assert scan(SAT) == []  # nobody escalates on a weekend what was due on Friday
    assert scan(SUN) == []
    steps = scan(MON)
    assert [(s.from_level, s.to_level, s.missed_step) for s in steps] == [(Level.UNIT, Level.DISTRICT, "respond")]
    issue.refresh_from_db()
    assert issue.level == Level.DISTRICT
    assert steps[0].escalated_on == MON
    assert "2026-03-06" in steps[0].reason


def test_a_holiday_moves_the_deadline_and_the_escalation(reference_data, park_project):
    CalendarDay.objects.create(date=MON, name="Public holiday")
    issue = raise_issue(park_project, reference_data.power, on=FRI)
    assert issue.respond_by == TUE
    assert scan(TUE) == []
    assert len(scan(TUE + dt.timedelta(days=1))) == 1


def test_it_does_not_escalate_twice_when_the_scan_runs_twice(reference_data, park_project):
    issue = raise_issue(park_project, reference_data.power, on=THU)
    assert len(scan(MON)) == 1
    assert scan(MON) == []
    assert scan(TUE) == []
    assert EscalationStep.objects.filter(issue=issue).count() == 1
    issue.refresh_from_db()
    assert issue.level == Level.DISTRICT


def test_it_climbs_one_level_per_missed_deadline_up_to_the_city_leader(reference_data, park_project):
    issue = raise_issue(park_project, reference_data.power, on=FRI)
    steps = scan(issue.resolve_by + dt.timedelta(days=1))
    assert [s.to_level for s in steps] == [Level.DISTRICT, Level.BUREAU, Level.LEADER]
    issue.refresh_from_db()
    assert issue.level == Level.LEADER
    entries = AuditEntry.objects.filter(object_id=str(issue.pk), kind=AuditEntry.Kind.ACTION)
    assert entries.count() == 3
    assert all("escalated" in e.message for e in entries)


def test_an_issue_answered_in_time_does_not_escalate(reference_data, park_project, personas):
    issue = raise_issue(park_project, reference_data.power, on=FRI)
    with clock.frozen_at(MON), audit_context(actor=personas.unit_power, source="test"):
        services.issue_respond(issue=issue, by=personas.unit_power, text="We are on it.")
    assert scan(TUE) == []
    assert Issue.objects.get(pk=issue.pk).level == Level.UNIT


def test_a_closed_issue_never_escalates(reference_data, park_project, personas):
    issue = raise_issue(park_project, reference_data.power, on=FRI)
    with clock.frozen_at(FRI), audit_context(actor=personas.officer_north, source="test"):
        services.issue_close(issue=issue, by=personas.officer_north, resolution="Connected the same day.")
    assert scan(issue.resolve_by + dt.timedelta(days=5)) == []


def test_it_notifies_the_district_officers_of_the_project_area_and_nobody_twice(reference_data, park_project, personas):
    raise_issue(park_project, reference_data.power, on=THU)
    scan(MON)
    scan(MON)
    escalated = Notification.objects.filter(kind=NotificationKind.ISSUE_ESCALATED)
    recipients = sorted(escalated.values_list("recipient__username", flat=True))
    # North's officer and the park's officer, plus the unit that missed its deadline; not the south.
    assert recipients == ["officer_north", "officer_park", "unit_power"]


def test_the_bureau_and_leader_levels_notify_administrators_and_leaders(reference_data, park_project, personas):
    issue = raise_issue(park_project, reference_data.power, on=FRI)
    scan(issue.resolve_by + dt.timedelta(days=1))
    by_user = {}
    for n in Notification.objects.filter(kind=NotificationKind.ISSUE_ESCALATED):
        by_user.setdefault(n.recipient.username, []).append(n.dedupe_key)
    assert by_user["admin"] == [f"issue:{issue.pk}:escalated:{Level.BUREAU}"]
    assert by_user["leader"] == [f"issue:{issue.pk}:escalated:{Level.LEADER}"]
    assert "officer_south" not in by_user and "supervisor" not in by_user


def test_the_escalate_command_runs_the_scan_as_of_a_date(reference_data, park_project, capsys):
    from django.core.management import call_command

    raise_issue(park_project, reference_data.power, on=THU)
    call_command("escalate", "--as-of", MON.isoformat())
    call_command("escalate", "--as-of", MON.isoformat())
    out = capsys.readouterr().out
    assert "1 escalation(s) as of 2026-03-09" in out and "0 escalation(s)" in out
    assert EscalationStep.objects.count() == 1


def test_the_escalate_command_refuses_a_bad_date():
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--as-of must be a date"):
        call_command("escalate", "--as-of", "next monday")


def test_the_escalation_task_runs_the_scan(reference_data, park_project, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from investledger.escalation.tasks import escalate_overdue_task

    raise_issue(park_project, reference_data.power, on=THU)
    result = escalate_overdue_task.using(backend="default").enqueue(as_of=MON.isoformat())
    assert result.return_value == 1
