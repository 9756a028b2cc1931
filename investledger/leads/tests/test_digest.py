"""Overdue leads appear in the daily digest of those who work on them, on the working-day calendar,
and nowhere outside their scope."""

import datetime as dt
from decimal import Decimal

from django.core import mail

from investledger.core import clock
from investledger.escalation.models import CalendarDay
from investledger.escalation.notifications import build_digest, send_digests
from investledger.leads import services
from investledger.leads.choices import LeadStage
from investledger.leads.models import LeadClass

FRIDAY = dt.date(2026, 3, 6)
MONDAY_HOLIDAY = dt.date(2026, 3, 9)
TUESDAY = dt.date(2026, 3, 10)
WEDNESDAY = dt.date(2026, 3, 11)


def test_an_overdue_lead_is_in_the_digest_of_its_district_not_of_another(make_lead, personas, units):
    LeadClass.objects.create(name="≥ 1亿", min_value_cny=Decimal("100000000"), respond_days=1, assess_days=3,
                             feedback_days=7)  # fmt: skip
    CalendarDay.objects.create(date=MONDAY_HOLIDAY, name="holiday")
    lead = make_lead(size_cny=Decimal("500000000"), received_on=FRIDAY)
    assert lead.respond_by == TUESDAY  # Friday + 1 working day, past the weekend and Monday's holiday
    # Due on Tuesday: not overdue that day, overdue on Wednesday.
    assert not build_digest(personas.officer_north, TUESDAY).sections
    digest = build_digest(personas.officer_north, WEDNESDAY)
    (section,) = digest.sections
    assert section.title == "OVERDUE LEADS" and lead.reference in section.lines[0]
    assert "contact was due 2026-03-10" in section.lines[0]
    assert not build_digest(personas.officer_south, WEDNESDAY).sections
    assert not build_digest(personas.leader, WEDNESDAY).sections  # readers change nothing: not theirs to chase
    send_digests(WEDNESDAY)
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "OVERDUE LEADS" in bodies["officer_north@example.org"]
    assert lead.reference in bodies["officer_north@example.org"]
    assert lead.reference not in bodies.get("officer_south@example.org", "")


def test_a_lead_contacted_in_time_or_closed_leaves_the_digest(make_lead, personas):
    lead = make_lead(received_on=FRIDAY)
    overdue_day = lead.respond_by + dt.timedelta(days=1)
    assert build_digest(personas.officer_north, overdue_day).sections
    services.lead_lose(lead=lead, reason="Chose another city", by=personas.officer_north)
    assert not build_digest(personas.officer_north, overdue_day).sections
    with clock.frozen_at(FRIDAY):
        other = make_lead(received_on=FRIDAY)
        services.lead_move(lead=other, to_stage=LeadStage.CONTACTED, by=personas.officer_north)
    assert not build_digest(personas.officer_north, other.respond_by + dt.timedelta(days=1)).sections
