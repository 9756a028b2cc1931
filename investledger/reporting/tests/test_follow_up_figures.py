"""Figures that rest on supervision and escalation: funds in place, lights by area, issue resolution."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.reporting.cohort import Cohort
from investledger.reporting.metrics import compute_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def followed(ledger, personas, reference_data):
    """S2 (South, signed 2023-05-10) reports RMB 0.1 bn in place on 2024-06-05, gets a milestone plan
    and a light; two issues are raised on it on 2024-06-03, one closed the next day."""
    from investledger.escalation.services import issue_close, issue_raise
    from investledger.supervision.services import light_assess, milestone_plan_create, report_submit

    with audit_context(actor=personas.admin, source="test"):
        with clock.frozen_at(dt.date(2024, 6, 3)):
            closed = issue_raise(
                project=ledger.s2,
                fields={"title": "Power connection", "category": "power", "responsible_unit": reference_data.power},
                by=personas.admin,
            )
            issue_raise(
                project=ledger.s2,
                fields={"title": "Land approval", "category": "land", "responsible_unit": reference_data.bureau},
                by=personas.admin,
            )
        with clock.frozen_at(dt.date(2024, 6, 4)):
            issue_close(issue=closed, by=personas.admin, resolution="Connected.")
        with clock.frozen_at(dt.date(2024, 6, 5)):
            report_submit(
                project=ledger.s2,
                period=dt.date(2024, 5, 1),
                funds_in_place_cny=Decimal("100000000"),
                investment_completed_cny=Decimal("100000000"),
            )
        with clock.frozen_at(dt.date(2024, 6, 30)):
            milestone_plan_create(project=ledger.s2)
            ledger.s2.refresh_from_db()
            light = light_assess(project=ledger.s2)
    return light


def test_funds_in_place_rate_uses_the_latest_report_by_the_as_of_date(followed, personas, today):
    now = compute_all(personas.admin, Cohort(), today)["funds_in_place_rate"]
    assert now.available
    assert now.numerator == Decimal("100000000.00")
    assert now.denominator == Decimal("6800000000.00")
    before = compute_all(personas.admin, Cohort(), dt.date(2024, 6, 4))["funds_in_place_rate"]
    assert before.numerator == Decimal("0.00")  # the report was filed on 5 June


def test_issue_resolution_counts_issues_closed_within_their_deadline(followed, personas, today):
    result = compute_all(personas.admin, Cohort(), today)["issue_resolution_rate"]
    assert (result.numerator, result.denominator) == (1, 2)
    north = compute_all(personas.officer_north, Cohort(), today)["issue_resolution_rate"]
    assert north.denominator == 0  # the issues are South's


def test_lights_by_area_and_the_monthly_report_list_flagged_projects(client, followed, personas, today):
    client.force_login(personas.supervisor)
    board = client.get(reverse("reporting:dashboard")).context["board"]
    lights = next(c for c in board.charts if c.id == "lights")
    assert lights.available
    assert sum(sum(s["data"]) for s in lights.series) == 5
    report = client.get(reverse("reporting:monthly_report"), {"period": "2024-06"}).context["report"]
    flagged = [line.project.pk for line in report.flagged]
    # S2's first milestones fell due long before June 2024: its light is red, with the rule that fired.
    assert followed.light == "red"
    assert flagged == [followed.project_id]
    assert report.flagged[0].reasons
    assert [issue.title for issue in report.overdue] == ["Land approval"]


def test_in_the_ranking_the_area_with_fewer_overdue_issues_scores_higher(
    client, followed, personas, reference_data, today
):
    """Overdue issues: less is better. South has an overdue issue (raised 2024-06-03, still open), North none."""
    from investledger.reporting.models import RankingWeight

    overdue = compute_all(personas.admin, Cohort(area=reference_data.south), today)["overdue_issues"]
    assert overdue.value == 1
    RankingWeight.objects.create(metric="overdue_issues", weight=1)
    client.force_login(personas.admin)
    board = client.get(reverse("reporting:dashboard")).context["board"]
    scores = {line.area.pk: line.score for line in board.ranking}
    assert scores[reference_data.north.pk] == Decimal("100.0")
    assert scores[reference_data.south.pk] == Decimal("0.0")
