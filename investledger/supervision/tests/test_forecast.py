"""Forecast: the median time comparable projects took, flagged before the planned date is missed."""

import datetime as dt

import pytest

from investledger.supervision import selectors
from investledger.supervision.choices import MilestoneKind
from investledger.supervision.tests.helpers import record, signed_project

pytestmark = pytest.mark.django_db


def test_it_flags_a_project_whose_peers_took_longer_than_its_plan(reference_data, personas):
    for days in (200, 220, 260):  # three comparable projects registered 200-260 days after signing
        peer = signed_project(reference_data, signed_on=dt.date(2023, 1, 10))
        record(peer.milestones.get(kind=MilestoneKind.REGISTERED), dt.date(2023, 1, 10) + dt.timedelta(days=days))
    project = signed_project(reference_data, signed_on=dt.date(2024, 1, 15))  # plans registration on 15 April
    milestone = project.milestones.get(kind=MilestoneKind.REGISTERED)
    forecast = selectors.forecast_milestones([milestone], as_of=dt.date(2024, 2, 1))[milestone.pk]
    assert forecast.expected == dt.date(2024, 1, 15) + dt.timedelta(days=220)
    assert (forecast.samples, forecast.at_risk) == (3, True)
    assert forecast.basis == "same sector and size"
    flagged = selectors.projects_at_risk(personas.officer_north, as_of=dt.date(2024, 2, 1))
    assert [m.project_id for m, _f in flagged] == [project.pk]
    assert selectors.projects_at_risk(personas.officer_south, as_of=dt.date(2024, 2, 1)) == []


def test_it_says_so_when_there_is_not_enough_history(reference_data):
    project = signed_project(reference_data)
    milestone = project.milestones.get(kind=MilestoneKind.STARTED)
    forecast = selectors.forecast_milestones([milestone], as_of=dt.date(2024, 2, 1))[milestone.pk]
    assert (forecast.expected, forecast.basis, forecast.at_risk) == (None, "not enough history", False)
