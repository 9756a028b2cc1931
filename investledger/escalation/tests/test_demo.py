"""The follow-up demo: issues at each level, notices of each colour, an inspection; loaded once."""

import datetime as dt

import pytest

from investledger.core import clock
from investledger.core.models import AuditEntry
from investledger.escalation import demo
from investledger.escalation.choices import IssueStatus, Level
from investledger.escalation.models import Inspection, Issue, Notice
from investledger.testing import make_project

pytestmark = pytest.mark.django_db


def test_it_needs_the_demo_ledger_first(reference_data):
    make_project(area=reference_data.north, sector=reference_data.ev)  # not a demo project
    assert demo.load() == {"issues": 0, "notices": 0, "inspections": 0, "escalations": 0}
    assert not Issue.objects.exists()


@pytest.mark.parametrize("day", [dt.date(2026, 3, 11), dt.date(2026, 3, 8)], ids=["wednesday", "sunday"])
def test_it_loads_open_escalated_and_closed_issues_notices_and_an_inspection_once(reference_data, day):
    with clock.frozen_at(day):
        _load_and_check(reference_data)


def _load_and_check(reference_data):
    for i, area in enumerate([reference_data.north, reference_data.north_park, reference_data.south] * 2):
        make_project(area=area, sector=reference_data.ev, name=f"Demo plant {i}", is_demo=True)
    first = demo.load()
    assert first["issues"] == len(demo.ISSUES) and first["notices"] == 3 and first["inspections"] == 1
    levels = set(Issue.objects.values_list("level", flat=True))
    assert {Level.UNIT, Level.DISTRICT, Level.BUREAU} <= levels
    assert Issue.objects.filter(status=IssueStatus.CLOSED).exclude(resolution="").exists()
    assert set(Notice.objects.values_list("colour", flat=True)) == {"blue", "yellow", "red"}
    assert AuditEntry.objects.filter(source="command:demo").count() > 0
    counts = (Issue.objects.count(), Notice.objects.count(), Inspection.objects.count(), AuditEntry.objects.count())
    assert demo.load() == {"issues": 0, "notices": 0, "inspections": 0, "escalations": 0}
    assert (
        Issue.objects.count(),
        Notice.objects.count(),
        Inspection.objects.count(),
        AuditEntry.objects.count(),
    ) == counts
