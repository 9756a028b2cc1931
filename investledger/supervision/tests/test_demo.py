"""The demo stories: every stage and every colour, a late report, and nothing added on a second run."""

import datetime as dt

import pytest

from investledger.core import clock
from investledger.core.models import AuditEntry
from investledger.supervision import demo
from investledger.supervision.models import LightAssessment, ProgressReport
from investledger.testing import make_project

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


def test_the_demo_gives_every_colour_and_a_late_report_and_is_idempotent(reference_data):
    with clock.frozen_at(TODAY):
        projects = [
            make_project(area=reference_data.north, sector=reference_data.ev, event=reference_data.event, is_demo=True)
            for _ in range(6)
        ]
        told = demo.load()
    assert sum(told.values()) == 5  # the sixth stays signed only
    lights = dict(LightAssessment.objects.current().values_list("project_id", "light"))
    assert set(lights.values()) == {"green", "yellow", "red"}
    stages = {p.pk: p.stage for p in projects if not p.refresh_from_db()}
    assert set(stages.values()) >= {"full_output", "in_production", "started", "land_secured", "signed"}
    assert any(r.is_late for r in ProgressReport.objects.all())
    assert AuditEntry.objects.filter(source="command:demo").exists()
    entries = AuditEntry.objects.count()
    with clock.frozen_at(TODAY):
        assert sum(demo.load().values()) == 0
    assert AuditEntry.objects.count() == entries
