"""The project's light: computed from its facts by the rule set in force, stored when it changes."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from investledger.core import audit, clock
from investledger.core.models import AuditEntry
from investledger.ledger.projects.models import Project
from investledger.ledger.projects.services import project_set_light
from investledger.supervision import rules
from investledger.supervision.choices import MilestoneKind
from investledger.supervision.models import LightAssessment, RuleSet
from investledger.supervision.services.plans import current_rule_set, milestone_plan_create, needs_plan, stage_sync

# --- Lights --------------------------------------------------------------------------------------


def project_facts(project: Project, as_of) -> rules.ProjectFacts:
    milestones = [m for m in project.milestones.all()]
    reports = [r for r in project.progress_reports.all() if r.period <= as_of]
    planned = {m.kind: m.planned_date for m in milestones}
    latest = max(reports, key=lambda r: r.period, default=None)
    return rules.ProjectFacts(
        stage=project.stage,
        reporting_from=project.signed_on or timezone.localdate(project.created),
        contract_value_cny=project.contract_value_cny,
        # The milestone plan carries the project's own dates, and any replanning since.
        planned_start=planned.get(MilestoneKind.STARTED) or project.planned_start,
        planned_completion=planned.get(MilestoneKind.COMPLETED) or project.planned_completion,
        milestones=[
            rules.MilestoneFacts(
                kind=m.kind,
                planned_date=m.planned_date,
                met=m.is_met and m.actual_date <= as_of,
                delay_reason=m.delay_reason,
            )
            for m in milestones
        ],
        report_periods={r.period for r in reports},
        latest_investment_completed=latest.investment_completed_cny if latest else None,
        latest_report_period=latest.period if latest else None,
    )


@transaction.atomic
def lifecycle_after_project_change(project: Project) -> None:
    """Called by the projects app after a project was created or its record changed (amount, dates,
    side state): a project signed today has its milestone plan and its first light today, not after
    the nightly scan."""
    if not needs_plan(project):
        return
    milestone_plan_create(project=project)
    light_assess(project=project)


def light_assess(*, project: Project, as_of=None, rule_set: RuleSet | None = None) -> LightAssessment | None:
    """Compute the project's light as of a day; store an assessment only when it differs from the one in force then.

    The current light is the latest assessment by its date (then by the order written). An assessment
    for a past day is kept in the history, for figures as of that day, but never replaces one made
    for a later day: a scan run late for a missed day does not undo today's light.

    Returns the new assessment, or None when nothing changed (or the project is not supervised:
    under negotiation or terminated).
    """
    as_of = as_of or clock.today()
    rule_set = rule_set or current_rule_set()
    if not needs_plan(project):
        return None
    history = LightAssessment.objects.select_for_update().filter(project=project)
    in_force = history.filter(assessed_on__lte=as_of).order_by("-assessed_on", "-id").first()
    outcome = rules.evaluate(project_facts(project, as_of), rule_set.parameters, as_of)
    if in_force is not None and same_light(in_force, outcome):
        return None
    latest = not history.filter(assessed_on__gt=as_of).exists()
    if latest:
        LightAssessment.objects.filter(project=project, is_current=True).update(
            is_current=False,
            updated=timezone.now(),  # real time: what auto_now would write, which update() skips
        )
    assessment = LightAssessment(
        project=project,
        assessed_on=as_of,
        light=outcome.light,
        rule_set=rule_set,
        fired=outcome.fired,
        values=outcome.values,
        is_current=latest,
    )
    assessment.save()
    message = rules.assessment_note(outcome.light, rule_set.version)
    audit.record(assessment, AuditEntry.Kind.CREATE, message=message)
    if latest:
        project_set_light(project=project, light=outcome.light, assessed_on=as_of, reason=message)
    return assessment


def same_light(assessment: LightAssessment, outcome) -> bool:
    """The same light for the same rules (the values seen may differ)."""
    return assessment.light == outcome.light and sorted((f["rule"], f["light"]) for f in assessment.fired) == sorted(
        (f["rule"], f["light"]) for f in outcome.fired
    )


def after_change(project: Project) -> None:
    """A milestone or report changed: the project's stage and light follow at once."""
    project.refresh_from_db()
    stage_sync(project=project)
    light_assess(project=project)
