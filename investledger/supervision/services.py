"""Writes that matter to supervision: plans, milestones met, evidence, reports, lights and the scan.

Each public function is one transaction that validates, saves and records its audit entry. Every
change to a project's milestones or reports recomputes its stage (from the milestones met) and its
light at once, so the overview never waits for the nightly scan.

The stage rule: a project's stage is that of the HIGHEST milestone met, whether or not every earlier
milestone was recorded (a factory in production has started construction, even if nobody entered
that date). Earlier milestones left open stay visible as gaps on the milestones page. A milestone
whose evidence is rejected no longer counts as met, so rejection can move the stage back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from investledger.core import audit, clock
from investledger.core.models import AuditEntry
from investledger.core.money import WAN
from investledger.core.versions import EditConflict as EditConflict
from investledger.core.versions import check_version
from investledger.ledger.projects.choices import STAGE_ORDER, SideState, Stage
from investledger.ledger.projects.models import Project
from investledger.ledger.projects.services import project_set_light, project_set_stage
from investledger.supervision import periods, rules
from investledger.supervision.choices import (
    MILESTONE_ORDER,
    MILESTONE_STAGE,
    EvidenceStatus,
    InspectionStatus,
    MilestoneKind,
)
from investledger.supervision.models import (
    DEFAULT_RULE_PARAMETERS,
    EvidenceFile,
    InspectionSample,
    LightAssessment,
    Milestone,
    MilestoneTemplate,
    ProgressReport,
    RuleSet,
)

# Used when the bureau has not configured any template yet (months after signing).
DEFAULT_OFFSETS: dict[str, int] = {
    MilestoneKind.REGISTERED: 3,
    MilestoneKind.LAND_SECURED: 6,
    MilestoneKind.STARTED: 9,
    MilestoneKind.COMPLETED: 24,
    MilestoneKind.IN_PRODUCTION: 27,
    MilestoneKind.FULL_OUTPUT: 36,
}

EVIDENCE_MAX_BYTES = settings.INVESTLEDGER_EVIDENCE_MAX_BYTES
EVIDENCE_TYPES = {  # content signature → (MIME type, file name endings that may carry it)
    b"%PDF-": ("application/pdf", (".pdf",)),
    b"\x89PNG\r\n\x1a\n": ("image/png", (".png",)),
    b"\xff\xd8\xff": ("image/jpeg", (".jpg", ".jpeg")),
}


class FundsAboveInvestment(ValidationError):
    """Funds in place exceed investment completed by more than the tolerance; the reporter must confirm."""


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


def _after_change(project: Project) -> None:
    project.refresh_from_db()
    stage_sync(project=project)
    light_assess(project=project)


# --- Evidence ------------------------------------------------------------------------------------


def evidence_check(upload) -> str:
    """The MIME type of an uploaded evidence file, judged by its content; ValidationError if refused."""
    name = upload.name or "file"
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s MB; evidence files may be at most %(max)s MB.")
            % {
                "name": name,
                "size": f"{upload.size / 1024 / 1024:.1f}",
                "max": f"{EVIDENCE_MAX_BYTES / 1024 / 1024:g}",
            },
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    lower = name.lower()
    for signature, (mime, endings) in EVIDENCE_TYPES.items():
        if head.startswith(signature):
            if not lower.endswith(endings):
                raise ValidationError(
                    _("“%(name)s” contains a %(kind)s but its name says otherwise; rename it and upload again.")
                    % {"name": name, "kind": mime.split("/")[1].upper()},
                    code="name_mismatch",
                )
            return mime
    raise ValidationError(
        _(
            "“%(name)s” is not a PDF, PNG or JPEG file (its content does not match its name). "
            "Upload a scanned document or a photo."
        )
        % {"name": name},
        code="bad_type",
    )


def _store_evidence(milestone: Milestone, uploads, by) -> list[EvidenceFile]:
    """Save checked uploads to storage and their rows; remove the files again if the rows fail."""
    stored = []
    try:
        for upload in uploads:
            mime = evidence_check(upload)
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            evidence = EvidenceFile(
                milestone=milestone,
                original_name=(upload.name or "file")[:200],
                content_type=mime,
                size=upload.size,
                sha256=digest.hexdigest(),
                uploaded_by=by if getattr(by, "pk", None) else None,
            )
            evidence.file.save(evidence.original_name, upload, save=False)
            stored.append(evidence)
            evidence.save()
            # The audit snapshot cannot serialise a stored file: record its storage name instead.
            audit.record(
                evidence, AuditEntry.Kind.CREATE, after={**audit.snapshot(evidence), "file": evidence.file.name}
            )
    except Exception:
        for evidence in stored:
            if evidence.file.name:
                evidence.file.storage.delete(evidence.file.name)
        raise
    return stored


# --- Milestones met ------------------------------------------------------------------------------


@transaction.atomic
def milestone_record(
    *,
    milestone: Milestone,
    actual_date,
    evidence_number: str = "",
    files=(),
    note: str = "",
    expected_version: int | None = None,
    by=None,
) -> Milestone:
    """Record the date a milestone was met, with its evidence (a licence/contract number and/or files).

    Evidence goes back to "awaiting verification" each time the date or the evidence changes.
    """
    locked = Milestone.objects.select_for_update().select_related("project").get(pk=milestone.pk)
    check_version(locked, expected_version)
    before = audit.snapshot(locked)
    errors: dict[str, Any] = {}  # a message, or a list of them, per field
    today = clock.today()
    if actual_date is None:
        errors["actual_date"] = _("Give the date the milestone was met.")
    elif actual_date > today:
        errors["actual_date"] = _("The actual date cannot be in the future.")
    elif locked.project.signed_on and actual_date < locked.project.signed_on:
        errors["actual_date"] = _("The actual date cannot be before the signing date (%(date)s).") % {
            "date": locked.project.signed_on
        }
    evidence_number = (evidence_number or "").strip()
    if not evidence_number and not files and not locked.files.exists():
        errors["evidence_number"] = _("Give a licence or contract number, or upload a document or photo.")
    file_errors = []
    for upload in files:
        try:
            evidence_check(upload)
        except ValidationError as exc:
            file_errors.extend(exc.messages)
    if file_errors:
        errors["files"] = file_errors
    if errors:
        raise ValidationError(errors)
    _store_evidence(locked, files, by)
    locked.actual_date = actual_date
    locked.evidence_number = evidence_number or locked.evidence_number
    if note:
        locked.note = note
    if audit.diff(before, audit.snapshot(locked)) or files or locked.evidence_status == EvidenceStatus.NONE:
        locked.evidence_status = EvidenceStatus.PENDING
        locked.verified_by, locked.verified_at, locked.verification_comment = None, None, ""
        locked.recorded_on = today
        locked.recorded_by = by if getattr(by, "pk", None) else None
        locked.version += 1
        locked.full_clean(exclude=["position"])
        locked.save()
        audit.record(locked, AuditEntry.Kind.UPDATE, before=before, message=_("milestone met"))
    _after_change(locked.project)
    milestone.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def milestone_set_delay_reason(*, milestone: Milestone, reason: str, expected_version: int | None = None) -> Milestone:
    """Record (or clear) why an open milestone is late."""
    locked = Milestone.objects.select_for_update().select_related("project").get(pk=milestone.pk)
    check_version(locked, expected_version)
    before = audit.snapshot(locked)
    locked.delay_reason = (reason or "").strip()
    if audit.diff(before, audit.snapshot(locked)):
        locked.version += 1
        locked.save(update_fields=["delay_reason", "version", "updated"])
        audit.record(locked, AuditEntry.Kind.UPDATE, before=before, message=_("reason for delay"))
        _after_change(locked.project)
    milestone.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def milestone_replan(
    *, milestone: Milestone, planned_date, reason: str, expected_version: int | None = None
) -> Milestone:
    """Move an open milestone's planned date (调整计划), with the reason, which the audit entry keeps."""
    locked = Milestone.objects.select_for_update().select_related("project").get(pk=milestone.pk)
    check_version(locked, expected_version)
    reason = (reason or "").strip()
    errors = {}
    if locked.is_met:
        errors["planned_date"] = _("The milestone is met; its plan can no longer change.")
    if planned_date is None:
        errors["planned_date"] = _("Give the new planned date.")
    if not reason:
        errors["reason"] = _("Say why the plan changes.")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(locked)
    locked.planned_date = planned_date
    if audit.diff(before, audit.snapshot(locked)):
        locked.version += 1
        locked.save(update_fields=["planned_date", "version", "updated"])
        audit.record(locked, AuditEntry.Kind.UPDATE, before=before, message=reason)
        _after_change(locked.project)
    milestone.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def milestone_verify(
    *, milestone: Milestone, accept: bool, comment: str = "", by=None, expected_version: int | None = None
) -> Milestone:
    """A supervisor accepts or rejects a milestone's evidence; a rejection needs a comment."""
    locked = Milestone.objects.select_for_update().select_related("project").get(pk=milestone.pk)
    check_version(locked, expected_version)
    if locked.actual_date is None:
        raise ValidationError(_("Nothing to verify: the milestone has no actual date yet."))
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError({"comment": _("Say why the evidence is rejected.")})
    before = audit.snapshot(locked)
    locked.evidence_status = EvidenceStatus.VERIFIED if accept else EvidenceStatus.REJECTED
    locked.verification_comment = comment
    locked.verified_by = by if getattr(by, "pk", None) else None
    locked.verified_at = clock.now()
    locked.version += 1
    locked.save()
    audit.record(locked, AuditEntry.Kind.ACTION, before=before, message=_("evidence verified") if accept else comment)
    _after_change(locked.project)
    milestone.__dict__.update(locked.__dict__)
    return locked


# --- Progress reports ----------------------------------------------------------------------------


def period_length() -> int:
    return current_rule_set().param("report_period_months")


def report_due(period) -> object:
    rs = current_rule_set()
    return periods.period_due(period, rs.param("report_period_months"), rs.param("report_grace_days"))


def _in_wan_and_cny(cny: Decimal) -> str:
    """An amount as progress is reported (in 万元, the unit of the report forms) and to the yuan."""
    return _("%(wan)s in 10k CNY, CNY %(cny)s") % {"wan": f"{cny / WAN:,.2f}", "cny": f"{cny:,.2f}"}


def funds_excess(funds, invested, tolerance_percent) -> bool:
    return funds > invested * (1 + Decimal(str(tolerance_percent)) / 100)


@transaction.atomic
def report_submit(
    *,
    project: Project,
    period,
    funds_in_place_cny: Decimal,
    investment_completed_cny: Decimal,
    jobs_created: int = 0,
    narrative: str = "",
    problems: str = "",
    confirm_funds_excess: bool = False,
    expected_version: int | None = None,
    by=None,
    audit_message: str = "",
) -> ProgressReport:
    """File (or correct) a project's progress report for a period.

    Funds in place above investment completed by more than the rule set's tolerance is refused with
    FundsAboveInvestment until the reporter confirms it (money can arrive before it is spent, but
    it is a classic sign of a typing error).
    """
    rs = current_rule_set()
    length = rs.param("report_period_months")
    period = periods.period_start(period, length)
    today = clock.today()
    if period > today:
        raise ValidationError({"period": _("A report cannot be filed for a period that has not started.")})
    existing = ProgressReport.objects.select_for_update().filter(project=project, period=period).first()
    if existing is not None:
        check_version(existing, expected_version)
    elif expected_version not in (None, 0):
        raise EditConflict(0)
    tolerance = rs.param("funds_tolerance_percent")
    if (
        funds_in_place_cny is not None
        and investment_completed_cny is not None
        and funds_excess(funds_in_place_cny, investment_completed_cny, tolerance)
        and not confirm_funds_excess
    ):
        raise FundsAboveInvestment(
            {
                "funds_in_place_cny": _(
                    "Funds in place (%(funds)s) exceed investment completed (%(invested)s) by more than "
                    "%(tolerance)s%%. Check the figures, or confirm they are right."
                )
                % {
                    "funds": _in_wan_and_cny(funds_in_place_cny),
                    "invested": _in_wan_and_cny(investment_completed_cny),
                    "tolerance": tolerance,
                }
            },
            code="funds_excess",
        )
    report = existing or ProgressReport(project=project, period=period)
    before = audit.snapshot(report) if existing else None
    report.funds_in_place_cny = funds_in_place_cny
    report.investment_completed_cny = investment_completed_cny
    report.jobs_created = jobs_created or 0
    report.narrative = narrative or ""
    report.problems = problems or ""
    report.funds_excess_confirmed = bool(
        confirm_funds_excess and funds_excess(funds_in_place_cny, investment_completed_cny, tolerance)
    )
    report.due_on = periods.period_due(period, length, rs.param("report_grace_days"))
    if existing is None:
        report.submitted_on = today
        report.submitted_by = by if getattr(by, "pk", None) else None
    elif not audit.diff(before, audit.snapshot(report)):
        return existing
    else:
        report.version += 1
    report.full_clean()
    report.save()
    message = _("late report") if existing is None and report.is_late else ""
    message = "; ".join(part for part in (audit_message, message) if part)
    audit.record(report, AuditEntry.Kind.UPDATE if existing else AuditEntry.Kind.CREATE, before=before, message=message)
    _after_change(project)
    return report


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


# --- Inspection sample ---------------------------------------------------------------------------


@transaction.atomic
def inspection_draw(*, month, percent: float | None = None) -> list[InspectionSample]:
    """Draw the month's random sample of milestones met, for inspectors. Reproducible and idempotent.

    The draw is seeded by the month, so drawing again gives the same milestones; a month already
    drawn is not drawn again.
    """
    month = periods.month_start(month)
    if InspectionSample.objects.filter(period=month).exists():
        return []
    percent = current_rule_set().param("inspection_sample_percent") if percent is None else percent
    candidates = sorted(
        Milestone.objects.met()
        .filter(recorded_on__gte=month, recorded_on__lte=periods.month_end(month), inspection__isnull=True)
        .values_list("pk", flat=True)
    )
    size = math.ceil(len(candidates) * percent / 100) if candidates and percent > 0 else 0
    chosen = random.Random(f"inspection-{month:%Y-%m}").sample(candidates, size)
    samples = []
    for pk in sorted(chosen):
        sample = InspectionSample(milestone_id=pk, period=month)
        sample.save()
        samples.append(sample)
    audit.record_many([(s, AuditEntry.Kind.CREATE, None, audit.snapshot(s), _("random draw")) for s in samples])
    return samples


@transaction.atomic
def inspection_record(*, sample: InspectionSample, status: str, findings: str = "", by=None) -> InspectionSample:
    """Record an inspection's result; a discrepancy rejects the milestone's evidence."""
    locked = InspectionSample.objects.select_for_update().select_related("milestone").get(pk=sample.pk)
    if status not in (InspectionStatus.CONFIRMED, InspectionStatus.DISCREPANCY):
        raise ValidationError({"status": _("Choose whether the evidence was confirmed or not.")})
    findings = (findings or "").strip()
    if status == InspectionStatus.DISCREPANCY and not findings:
        raise ValidationError({"findings": _("Describe the discrepancy found.")})
    before = audit.snapshot(locked)
    locked.status = status
    locked.findings = findings
    locked.inspector = by if getattr(by, "pk", None) else None
    locked.inspected_on = clock.today()
    locked.save()
    audit.record(locked, AuditEntry.Kind.UPDATE, before=before, message=findings)
    if status == InspectionStatus.DISCREPANCY and locked.milestone.evidence_status != EvidenceStatus.REJECTED:
        milestone_verify(milestone=locked.milestone, accept=False, comment=findings, by=by)
    elif status == InspectionStatus.CONFIRMED and locked.milestone.evidence_status == EvidenceStatus.PENDING:
        milestone_verify(milestone=locked.milestone, accept=True, comment=findings, by=by)
    return locked


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


def stage_rank(stage: str) -> int:
    return STAGE_ORDER[stage]
