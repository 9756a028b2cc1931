"""The stage is derived from the milestones met, never typed."""

import datetime as dt

import pytest

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.ledger.projects.choices import Stage
from investledger.supervision import services
from investledger.supervision.choices import MilestoneKind
from investledger.supervision.tests.helpers import record, signed_project

pytestmark = pytest.mark.django_db


def test_it_plans_every_milestone_from_the_signing_date_once(reference_data):
    project = signed_project(reference_data, planned_start=dt.date(2024, 9, 1))
    plan = dict(project.milestones.values_list("kind", "planned_date"))
    assert plan == {
        "registered": dt.date(2024, 4, 15),
        "land_secured": dt.date(2024, 7, 15),
        "started": dt.date(2024, 9, 1),  # the project's own planned start wins over the template
        "completed": dt.date(2026, 1, 15),
        "in_production": dt.date(2026, 4, 15),
        "full_output": dt.date(2027, 1, 15),
    }
    with audit_context(source="test"):
        assert services.milestone_plan_create(project=project) == []
    assert project.milestones.count() == 6


def test_it_moves_the_stage_to_the_highest_milestone_met(reference_data):
    project = signed_project(reference_data)
    assert project.stage == Stage.SIGNED
    record(project.milestones.get(kind=MilestoneKind.REGISTERED), dt.date(2024, 3, 1))
    project.refresh_from_db()
    assert project.stage == Stage.REGISTERED
    # Construction started while the land record was never entered: the highest milestone met counts.
    record(project.milestones.get(kind=MilestoneKind.STARTED), dt.date(2024, 9, 1))
    project.refresh_from_db()
    assert project.stage == Stage.STARTED
    entry = AuditEntry.objects.filter(kind=AuditEntry.Kind.STAGE, object_id=str(project.pk)).last()
    assert entry.changes["stage"] == ["registered", "started"]


def test_it_moves_the_stage_back_when_evidence_is_rejected(reference_data, personas):
    project = signed_project(reference_data)
    record(project.milestones.get(kind=MilestoneKind.REGISTERED), dt.date(2024, 3, 1))
    started = record(project.milestones.get(kind=MilestoneKind.STARTED), dt.date(2024, 9, 1))
    with audit_context(source="test"), clock.frozen_at(dt.date(2024, 9, 10)):
        services.milestone_verify(
            milestone=started, accept=False, comment="Photo shows an empty plot", by=personas.supervisor
        )
    project.refresh_from_db()
    assert project.stage == Stage.REGISTERED


def test_it_refuses_an_actual_date_without_evidence_or_in_the_future(reference_data):
    from django.core.exceptions import ValidationError

    project = signed_project(reference_data)
    milestone = project.milestones.get(kind=MilestoneKind.REGISTERED)
    with audit_context(source="test"), clock.frozen_at(dt.date(2024, 3, 1)):
        with pytest.raises(ValidationError) as no_evidence:
            services.milestone_record(milestone=milestone, actual_date=dt.date(2024, 2, 20))
        with pytest.raises(ValidationError) as future:
            services.milestone_record(milestone=milestone, actual_date=dt.date(2024, 3, 2), evidence_number="X1")
    assert "licence or contract number" in str(no_evidence.value.message_dict["evidence_number"])
    assert "future" in str(future.value.message_dict["actual_date"])
    milestone.refresh_from_db()
    assert milestone.actual_date is None
