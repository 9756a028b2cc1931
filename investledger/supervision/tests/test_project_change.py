"""A change to a project's record recomputes its light at once, without waiting for the scan."""

import datetime as dt
from decimal import Decimal

import pytest

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.ledger.projects import services as project_services
from investledger.supervision import services
from investledger.supervision.models import LightAssessment
from investledger.testing import make_project

pytestmark = pytest.mark.django_db


def test_changing_the_contract_value_recomputes_the_light(reference_data):
    with clock.frozen_at(dt.date(2023, 1, 10)):
        project = make_project(
            area=reference_data.north,
            sector=reference_data.ev,
            value="1000000000",
            event=reference_data.event,
            planned_start=dt.date(2023, 1, 1),
            planned_completion=dt.date(2024, 1, 1),
        )
        services.milestone_plan_create(project=project)
    assert not LightAssessment.objects.filter(project=project, assessed_on=dt.date(2023, 7, 2)).exists()
    with clock.frozen_at(dt.date(2023, 7, 2)), audit_context(source="test"):
        project_services.project_update(project=project, fields={"contract_value": Decimal("2000000000")})
    current = LightAssessment.objects.get(project=project, is_current=True)
    assert current.assessed_on == dt.date(2023, 7, 2)  # written by the edit, not by a scan


def test_a_terminated_project_is_no_longer_assessed(reference_data):
    project = make_project(area=reference_data.north, sector=reference_data.ev)
    lights = LightAssessment.objects.filter(project=project).count()
    with audit_context(source="test"):
        project_services.project_set_side_state(
            project=project, side_state="terminated", reason="investor withdrew", since=dt.date(2023, 3, 1)
        )
        project_services.project_update(project=project, fields={"contract_value": Decimal("3000000000")})
    assert LightAssessment.objects.filter(project=project).count() == lights
