"""The rule set in force and each project's milestone plan, and the stage its milestones met give it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from investledger.core import audit, clock
from investledger.core.models import AuditEntry
from investledger.ledger.projects.choices import STAGE_ORDER, SideState, Stage
from investledger.ledger.projects.models import Project
from investledger.ledger.projects.services import project_set_stage
from investledger.supervision import periods
from investledger.supervision.choices import MILESTONE_ORDER, MILESTONE_STAGE, MilestoneKind
from investledger.supervision.models import DEFAULT_RULE_PARAMETERS, Milestone, MilestoneTemplate, RuleSet

# Used when the bureau has not configured any template yet (months after signing).
DEFAULT_OFFSETS: dict[str, int] = {
    MilestoneKind.REGISTERED: 3,
    MilestoneKind.LAND_SECURED: 6,
    MilestoneKind.STARTED: 9,
    MilestoneKind.COMPLETED: 24,
    MilestoneKind.IN_PRODUCTION: 27,
    MilestoneKind.FULL_OUTPUT: 36,
}


# --- Rule set --------------------------------------------------------------------------------------


def current_rule_set() -> RuleSet:
    """The rule set in force: the newest version (a first version with the defaults if none exists)."""
    rule_set = RuleSet.objects.order_by("-version").first()
    if rule_set is None:
        rule_set = rule_set_new_version(parameters=dict(DEFAULT_RULE_PARAMETERS), note="default rules")
    return rule_set


@transaction.atomic
def rule_set_new_version(*, parameters: dict, note: str = "", by=None) -> RuleSet:
    """Save edited rules as a new version; earlier versions stay as they were, for the lights computed with them."""
    last = RuleSet.objects.select_for_update().order_by("-version").first()
    rule_set = RuleSet(
        version=(last.version + 1) if last else 1,
        parameters={**DEFAULT_RULE_PARAMETERS, **parameters},
        note=note,
        created_by=by if getattr(by, "pk", None) else None,
    )
    rule_set.full_clean()
    rule_set.save()
    audit.record(rule_set, AuditEntry.Kind.CREATE, message=note)
    return rule_set


# --- Milestone plans ------------------------------------------------------------------------------


def template_for(project: Project) -> MilestoneTemplate | None:
    """The most specific template: sector and agreement type, sector, agreement type, default."""
    candidates = MilestoneTemplate.objects.filter(
        sector_id__in=[project.sector_id, None], agreement_type__in=[project.agreement_type, ""]
    ).prefetch_related("steps")
    ranked = sorted(
        (t for t in candidates if t.sector_id in (project.sector_id, None)),
        key=lambda t: (t.sector_id is not None, t.agreement_type != ""),
        reverse=True,
    )
    return ranked[0] if ranked else None


def plan_dates(project: Project, template: MilestoneTemplate | None = None) -> dict[str, dt.date]:
    """Planned date of each milestone: the project's own planned dates where set, else signing + offset."""
    offsets = dict(DEFAULT_OFFSETS)
    if template is not None:
        offsets.update({s.kind: s.offset_months for s in template.steps.all()})
    base = project.signed_on or clock.today()
    dates = {kind: periods.add_months(base, offsets[kind]) for kind in MilestoneKind.values if kind in offsets}
    own = {
        MilestoneKind.STARTED: project.planned_start,
        MilestoneKind.COMPLETED: project.planned_completion,
        MilestoneKind.IN_PRODUCTION: project.planned_production,
    }
    for kind, day in own.items():
        if day:
            dates[kind] = day
    # Keep the plan in lifecycle order: an earlier milestone is never planned after a later one.
    ordered = sorted(dates, key=MILESTONE_ORDER.__getitem__)
    for earlier, later in zip(reversed(ordered[:-1]), reversed(ordered[1:]), strict=True):
        if dates[earlier] > dates[later]:
            dates[earlier] = dates[later]
    return dates


def needs_plan(project: Project) -> bool:
    return project.stage != Stage.NEGOTIATING and project.side_state != SideState.TERMINATED


@transaction.atomic
def milestone_plan_create(*, project: Project) -> list[Milestone]:
    """Give a project the milestones it does not have yet, planned from its template. Idempotent."""
    if not needs_plan(project):
        return []
    existing = set(Milestone.objects.filter(project=project).values_list("kind", flat=True))
    dates = plan_dates(project, template_for(project))
    created = []
    for kind, day in dates.items():
        if kind in existing:
            continue
        milestone = Milestone(project=project, kind=kind, planned_date=day)
        milestone.full_clean(exclude=["position"])
        milestone.save()
        created.append(milestone)
    if created:
        audit.record_many([(m, AuditEntry.Kind.CREATE, None, audit.snapshot(m), _("milestone plan")) for m in created])
    return created


def stage_from_milestones(project: Project) -> str:
    met = Milestone.objects.filter(project=project).met().values_list("kind", flat=True)
    kinds = sorted(met, key=MILESTONE_ORDER.__getitem__)
    return MILESTONE_STAGE[kinds[-1]] if kinds else Stage.SIGNED


def stage_sync(*, project: Project) -> bool:
    """Set the project's stage from its milestones met; True when it changed."""
    if project.stage == Stage.NEGOTIATING:
        return False
    stage = stage_from_milestones(project)
    if project.stage == stage:
        return False
    reason = _("Stage derived from milestones met: %(stage)s") % {"stage": Stage(stage).label}
    project_set_stage(project=project, stage=stage, reason=reason)
    return True


def stage_rank(stage: str) -> int:
    return STAGE_ORDER[stage]
