"""Lights over time: a project walks through the months and turns yellow, then red, on the right day."""

import datetime as dt

import pytest

from investledger.supervision import rules, services
from investledger.supervision.choices import Light, MilestoneKind
from investledger.supervision.models import LightAssessment
from investledger.supervision.tests.helpers import file_reports, light_on, record, signed_project

pytestmark = pytest.mark.django_db


def test_it_turns_yellow_when_a_milestone_falls_due_and_red_three_months_later(reference_data):
    project = signed_project(reference_data)
    registered = project.milestones.get(kind=MilestoneKind.REGISTERED)
    assert registered.planned_date == dt.date(2024, 4, 15)
    file_reports(project, until=dt.date(2024, 8, 31))
    record(registered, dt.date(2024, 4, 10))

    # Land is planned for 15 July 2024: due in July, three months overdue on 15 October.
    assert light_on(project, dt.date(2024, 6, 30)).light == Light.GREEN
    yellow = light_on(project, dt.date(2024, 7, 1))
    assert yellow.light == Light.YELLOW
    assert [f["rule"] for f in yellow.fired] == [rules.MILESTONE_DUE]
    assert yellow.fired[0]["values"]["milestones"] == [{"kind": "land_secured", "planned": "2024-07-15"}]
    file_reports(project, until=dt.date(2024, 9, 30))
    assert light_on(project, dt.date(2024, 10, 14)).light == Light.YELLOW
    red = light_on(project, dt.date(2024, 10, 15))
    assert red.light == Light.RED
    assert red.fired[0]["rule"] == rules.MILESTONE_OVERDUE
    assert red.fired[0]["values"]["milestones"][0]["days_overdue"] == 92
    assert "Land secured" in rules.explain(red.fired)[0]


def test_it_keeps_green_when_a_reason_is_recorded_for_a_milestone_due(reference_data):
    from investledger.core.audit import audit_context

    project = signed_project(reference_data)
    file_reports(project, until=dt.date(2024, 3, 31))
    registered = project.milestones.get(kind=MilestoneKind.REGISTERED)
    with audit_context(source="test"):
        services.milestone_set_delay_reason(milestone=registered, reason="Name approval pending at market regulator")
    assert light_on(project, dt.date(2024, 4, 2)).light == Light.GREEN


def test_it_flags_a_report_one_period_late_yellow_and_two_periods_late_red(reference_data):
    project = signed_project(reference_data)
    # January's report is due on 10 February (ten days' grace).
    assert light_on(project, dt.date(2024, 2, 10)).light == Light.GREEN
    late = light_on(project, dt.date(2024, 2, 11))
    assert late.light == Light.YELLOW
    assert late.fired == [
        {"rule": rules.REPORT_LATE, "light": Light.YELLOW, "values": {"periods_late": 1, "missing": ["2024-01-01"]}}
    ]
    very_late = light_on(project, dt.date(2024, 3, 11))
    assert very_late.light == Light.RED
    assert very_late.fired[0]["values"]["periods_late"] == 2


def test_it_measures_progress_against_the_time_elapsed(reference_data):
    project = signed_project(reference_data, planned_start=dt.date(2024, 3, 1), planned_completion=dt.date(2025, 3, 1))
    for m in project.milestones.filter(kind__in=[MilestoneKind.REGISTERED, MilestoneKind.LAND_SECURED]):
        record(m, dt.date(2024, 2, 1))
    record(project.milestones.get(kind=MilestoneKind.STARTED), dt.date(2024, 3, 1))
    # Half the construction time has passed on 31 August 2024; 25 % invested is 25 points behind.
    file_reports(project, until=dt.date(2024, 7, 31), invested=project.contract_value_cny / 4)
    assert light_on(project, dt.date(2024, 8, 31)).light == Light.YELLOW
    day = dt.date(2024, 8, 31)
    outcome = rules.evaluate(services.project_facts(project, day), services.current_rule_set().parameters, day)
    assert outcome.fired[0]["rule"] == rules.PROGRESS_BEHIND
    assert outcome.fired[0]["values"]["gap_points"] == pytest.approx(25.1, abs=0.2)
    # By the end of the plan the same 25 % is 75 points behind: red.
    file_reports(project, until=dt.date(2025, 2, 28), invested=project.contract_value_cny / 4)
    assert light_on(project, dt.date(2025, 3, 5)).light == Light.RED


def test_it_keeps_history_and_adds_a_row_only_when_the_light_changes(reference_data):
    project = signed_project(reference_data)
    light_on(project, dt.date(2024, 2, 1))
    light_on(project, dt.date(2024, 2, 5))
    light_on(project, dt.date(2024, 2, 11))
    light_on(project, dt.date(2024, 2, 12))
    history = list(LightAssessment.objects.filter(project=project).order_by("id").values_list("light", "is_current"))
    assert history == [(Light.GREEN, False), (Light.YELLOW, True)]
