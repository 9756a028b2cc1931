import datetime as dt
from decimal import Decimal

from django.core.management import call_command

from investledger.core.models import AuditEntry
from investledger.escalation.models import CalendarDay, Notification
from investledger.leads import services
from investledger.leads.models import Lead, LeadClass, LeadEscalation
from investledger.leads.services_escalation import escalate_overdue_leads

FRIDAY = dt.date(2026, 3, 6)
MONDAY_HOLIDAY = dt.date(2026, 3, 9)


def big_class():
    return LeadClass.objects.create(
        name="≥ RMB 100 m", min_value_cny=Decimal("100000000"), respond_days=1, assess_days=3, feedback_days=7
    )


def test_a_large_lead_takes_its_class_deadlines_on_the_working_day_calendar(make_lead):
    big_class()
    LeadClass.objects.create(name="all", min_value_cny=0, respond_days=3, assess_days=5, feedback_days=10)
    CalendarDay.objects.create(date=MONDAY_HOLIDAY, name="holiday")
    lead = make_lead(size_cny=Decimal("500000000"), received_on=FRIDAY)
    # Friday + 1 working day: the weekend and Monday's holiday do not count.
    assert (lead.respond_by, lead.assess_by, lead.feedback_by) == (
        dt.date(2026, 3, 10),
        dt.date(2026, 3, 12),
        dt.date(2026, 3, 18),
    )
    small = make_lead(size_cny=Decimal("5000000"), received_on=FRIDAY)
    assert small.lead_class.name == "all" and small.respond_by == dt.date(2026, 3, 12)


def test_an_overdue_lead_escalates_once_across_a_weekend_and_a_holiday(make_lead, personas):
    big_class()
    CalendarDay.objects.create(date=MONDAY_HOLIDAY, name="holiday")
    lead = make_lead(size_cny=Decimal("500000000"), received_on=FRIDAY)
    # Due Tuesday 10 March: nothing on the Tuesday itself, the district is told on Wednesday.
    assert escalate_overdue_leads(dt.date(2026, 3, 10)) == []
    made = escalate_overdue_leads(dt.date(2026, 3, 11))
    assert [(e.from_level, e.to_level, e.missed_deadline) for e in made] == [(1, 2, dt.date(2026, 3, 10))]
    assert "No contact by 2026-03-10 (1 working day after it was received)" == made[0].reason
    notes = Notification.objects.filter(kind="lead_escalated")
    assert set(notes.values_list("recipient__username", flat=True)) == {"officer_north"}
    assert escalate_overdue_leads(dt.date(2026, 3, 11)) == []
    assert Lead.objects.get(pk=lead.pk).level == 2
    assert (
        AuditEntry.objects.filter(kind="action", object_id=str(lead.pk), message__startswith="escalated").count() == 1
    )


def test_a_lead_answered_in_time_does_not_escalate(make_lead, personas):
    big_class()
    lead = make_lead(size_cny=Decimal("500000000"), received_on=FRIDAY)
    Lead.objects.filter(pk=lead.pk).update(contacted_on=dt.date(2026, 3, 9))
    assert escalate_overdue_leads(dt.date(2026, 3, 11)) == []


def test_the_daily_scan_escalates_leads(make_lead, personas):
    big_class()
    lead = make_lead(size_cny=Decimal("500000000"), received_on=FRIDAY)
    services.lead_move(lead=lead, to_stage="contacted", by=personas.officer_north)
    Lead.objects.filter(pk=lead.pk).update(contacted_on=dt.date(2026, 3, 6))
    call_command("escalate_leads", "--as-of", "2026-03-30")
    steps = LeadEscalation.objects.filter(lead=lead).order_by("to_level")
    assert [(e.missed_step, e.to_level) for e in steps] == [("assess", 3), ("resolve", 4)]
