"""The daily scan: plans what is missing, recomputes lights, draws the inspection sample; twice adds nothing."""

import datetime as dt

import pytest
from django.core.management import call_command

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.ledger.projects.models import Project
from investledger.supervision import services
from investledger.supervision.choices import Light, MilestoneKind
from investledger.supervision.models import InspectionSample, LightAssessment, Milestone
from investledger.supervision.tests.helpers import record, signed_project
from investledger.testing import make_project

pytestmark = pytest.mark.django_db


def scan(day):
    with audit_context(source="test"), clock.frozen_at(day):
        return services.supervise(as_of=day)


def test_it_plans_projects_without_a_plan_and_is_idempotent(reference_data):
    with clock.frozen_at(dt.date(2024, 1, 15)):
        unplanned = make_project(area=reference_data.south, sector=reference_data.bio, signed_on=dt.date(2024, 1, 15))
    # Entered before projects were planned and assessed on creation:
    Milestone.objects.filter(project=unplanned).delete()
    LightAssessment.objects.filter(project=unplanned).delete()
    Project.objects.filter(pk=unplanned.pk).update(light="", light_on=None)
    signed_project(reference_data)
    first = scan(dt.date(2024, 6, 1))
    assert first.milestones_planned == 6
    assert unplanned.milestones.count() == 6
    assert first.lights_changed == 2
    counts = (AuditEntry.objects.count(), LightAssessment.objects.count(), Milestone.objects.count())
    second = scan(dt.date(2024, 6, 1))
    assert (second.milestones_planned, second.stages_changed, second.lights_changed, second.samples_drawn) == (
        0,
        0,
        0,
        0,
    )
    assert (AuditEntry.objects.count(), LightAssessment.objects.count(), Milestone.objects.count()) == counts


def test_the_command_computes_lights_as_of_a_date(reference_data):
    project = signed_project(reference_data)
    call_command("supervise", "--as-of", "2024-02-05", stdout=open("/dev/null", "w"))
    assert project.light_assessments.get(is_current=True).light == Light.GREEN
    call_command("supervise", "--as-of", "2024-03-11", stdout=open("/dev/null", "w"))
    current = project.light_assessments.get(is_current=True)
    assert (current.light, current.assessed_on) == (Light.RED, dt.date(2024, 3, 11))


def test_it_draws_a_reproducible_share_of_last_months_milestones_for_inspection(reference_data):
    for _ in range(10):
        project = signed_project(reference_data)
        record(project.milestones.get(kind=MilestoneKind.REGISTERED), dt.date(2024, 3, 5))
    with audit_context(source="test"):
        drawn = services.inspection_draw(month=dt.date(2024, 3, 1))
    assert len(drawn) == 2  # 20 % of ten
    chosen = sorted(s.milestone_id for s in drawn)
    InspectionSample.objects.all().delete()
    with audit_context(source="test"):
        again = services.inspection_draw(month=dt.date(2024, 3, 1))
        assert services.inspection_draw(month=dt.date(2024, 3, 1)) == []
    assert sorted(s.milestone_id for s in again) == chosen


def test_the_background_task_runs_the_scan(reference_data, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from investledger.supervision.tasks import supervise_task

    project = signed_project(reference_data)
    result = supervise_task.enqueue(as_of="2024-02-11")
    assert result.return_value["lights_changed"] == 1
    assert project.light_assessments.get(is_current=True).light == Light.YELLOW
