"""Shared steps for supervision tests: a signed project, its plan, and reports filed month by month."""

import datetime as dt
from decimal import Decimal

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.ledger.events.models import SigningEvent
from investledger.supervision import periods, services
from investledger.testing import make_project

SIGNED = dt.date(2024, 1, 15)


def signed_project(ref, *, area=None, signed_on=SIGNED, value="1000000000", **fields):
    event, _ = SigningEvent.objects.get_or_create(
        name=f"签约会 {signed_on}", defaults={"name_en": f"Ceremony {signed_on}", "kind": "ceremony", "date": signed_on}
    )
    with clock.frozen_at(signed_on):  # entered on its signing day: planned and assessed that day
        project = make_project(
            area=area or ref.north, sector=ref.ev, event=event, signed_on=signed_on, value=value, **fields
        )
    with audit_context(source="test"), clock.frozen_at(signed_on):
        services.milestone_plan_create(project=project)
    return project


def file_reports(project, *, until: dt.date, invested=Decimal("0"), by=None):
    """File every monthly report from signing up to the period containing `until`, each on time."""
    period = periods.month_start(project.signed_on)
    with audit_context(source="test"):
        while period <= until:
            with clock.frozen_at(periods.month_end(period)):
                services.report_submit(
                    project=project,
                    period=period,
                    funds_in_place_cny=invested,
                    investment_completed_cny=invested,
                    by=by,
                )
            period = periods.add_months(period, 1)


def record(milestone, day, number="91500000MA5U000001"):
    with audit_context(source="test"), clock.frozen_at(day):
        return services.milestone_record(milestone=milestone, actual_date=day, evidence_number=number)


def light_on(project, day):
    """Assess the project as of `day` and give the light in force that day (a later one stays current)."""
    with audit_context(source="test"), clock.frozen_at(day):
        services.light_assess(project=project, as_of=day)
    return project.light_assessments.filter(assessed_on__lte=day).order_by("-assessed_on", "-id").first()
