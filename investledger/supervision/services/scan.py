"""The scan (`investledger supervise`): missing plans, stages, lights and last month's inspection sample."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from investledger.core import clock
from investledger.ledger.projects.choices import SideState, Stage
from investledger.ledger.projects.models import Project
from investledger.supervision import periods
from investledger.supervision.services.inspection import inspection_draw
from investledger.supervision.services.lights import light_assess
from investledger.supervision.services.plans import current_rule_set, milestone_plan_create, stage_sync

# --- The scan ------------------------------------------------------------------------------------


@dataclass
class ScanResult:
    as_of: object
    projects: int = 0
    milestones_planned: int = 0
    stages_changed: int = 0
    lights_changed: int = 0
    samples_drawn: int = 0
    changes: list[str] = field(default_factory=list)


def supervise(*, as_of=None) -> ScanResult:
    """Recompute everything: missing plans, stages, lights, and last month's inspection sample.

    Idempotent: a second run on the same day finds nothing to change and writes nothing. Each
    project is its own transaction, so one bad record does not stop the scan.
    """
    as_of = as_of or clock.today()
    result = ScanResult(as_of=as_of)
    rule_set = current_rule_set()
    projects = (
        Project.objects.exclude(stage=Stage.NEGOTIATING)
        .exclude(side_state=SideState.TERMINATED)
        .order_by("pk")
        .prefetch_related("milestones", "progress_reports")
    )
    for project in projects.iterator(chunk_size=200):
        result.projects += 1
        with transaction.atomic():
            created = milestone_plan_create(project=project)
            if created:
                result.milestones_planned += len(created)
                project = Project.objects.prefetch_related("milestones", "progress_reports").get(pk=project.pk)
            if stage_sync(project=project):
                result.stages_changed += 1
            assessment = light_assess(project=project, as_of=as_of, rule_set=rule_set)
            if assessment is not None:
                result.lights_changed += 1
                result.changes.append(f"{project.reference} {assessment.light}")
    previous_month = periods.add_months(periods.month_start(as_of), -1)
    result.samples_drawn = len(inspection_draw(month=previous_month))
    return result
