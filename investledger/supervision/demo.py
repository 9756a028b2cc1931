"""Demo supervision data: milestone plans, dates met, progress reports and the lights they give.

Called by `investledger demo` once the demo ledger exists. Each demo project (is_demo) gets a
follow-up story chosen from its place in the ledger, so every run tells the same stories:

- reached design output, every milestone met on time (green);
- in production, design output replanned for later, reports on time (green);
- started, completion due this month with no reason recorded (yellow);
- land secured, construction replanned ahead, the last report missing (yellow), an earlier one late;
- registered, construction start long overdue (red);
- signed only, nothing registered and no report for months (red).

It also draws the monthly inspection samples of the last two years (the two latest months still
waiting in the queue, older ones inspected).

A project that already has a milestone met or a report is left as it is (idempotent). Everything
goes through the services, audited as `command:demo`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.ledger.projects.choices import SideState, Stage
from investledger.ledger.projects.models import Project
from investledger.supervision import periods, services
from investledger.supervision.choices import MILESTONE_ORDER, InspectionStatus, MilestoneKind
from investledger.supervision.models import InspectionSample, Milestone, ProgressReport

SOURCE = "command:demo"
KINDS = MilestoneKind.values
STORIES = ("full_output", "in_production", "due_now", "report_late", "overdue", "signed_only")
EVIDENCE = {
    MilestoneKind.REGISTERED: "统一社会信用代码 91510100MA6{n:05d}",
    MilestoneKind.LAND_SECURED: "不动产权证 川(2021)成都市第{n:07d}号",
    MilestoneKind.STARTED: "施工许可证 510100202{n:09d}",
    MilestoneKind.COMPLETED: "竣工验收备案 JG-{n:06d}",
    MilestoneKind.IN_PRODUCTION: "排污许可证 91510100-{n:05d}P",
    MilestoneKind.FULL_OUTPUT: "达产确认函 DC-{n:05d}",
}


def _met_through(project: Project, last_kind: str, today: dt.date) -> None:
    """Record every milestone up to `last_kind`, each a little before its plan (never in the future)."""
    for m in Milestone.objects.filter(project=project).order_by("position"):
        if MILESTONE_ORDER[m.kind] > MILESTONE_ORDER[last_kind]:
            break
        day = min(m.planned_date - dt.timedelta(days=7 + m.position * 3), today)
        day = max(day, project.signed_on or day)
        with clock.frozen_at(day):
            m = services.milestone_record(
                milestone=m, actual_date=day, evidence_number=EVIDENCE[m.kind].format(n=project.pk * 10 + m.position)
            )
        if m.position <= 2:  # older milestones have been checked by the supervision office
            with clock.frozen_at(min(day + dt.timedelta(days=10), today)):
                services.milestone_verify(milestone=m, accept=True, comment="核验无误 / checked")


def _replan(project: Project, kind: str, day: dt.date, reason: str) -> None:
    m = Milestone.objects.get(project=project, kind=kind)
    services.milestone_replan(milestone=m, planned_date=day, reason=reason)


def _report(project: Project, period: dt.date, share: Decimal, filed_on: dt.date, *, jobs: int) -> None:
    invested = (project.contract_value_cny * share).quantize(Decimal("1"))
    with clock.frozen_at(filed_on):
        services.report_submit(
            project=project,
            period=period,
            funds_in_place_cny=invested,
            investment_completed_cny=invested,
            jobs_created=jobs,
            narrative="按计划推进 / on schedule",
        )


def _recent_periods(today: dt.date, count: int, length: int) -> list[dt.date]:
    """The last `count` periods that have ended, oldest first."""
    current = periods.period_start(today, length)
    return [periods.add_months(current, -length * i) for i in range(count, 0, -1)]


def _tell(story: str, project: Project, today: dt.date, length: int, grace: int) -> None:
    jobs = project.planned_jobs or 50
    recent = _recent_periods(today, 3, length)
    on_time = [periods.period_end(p, length) + dt.timedelta(days=3) for p in recent]
    later = periods.add_months(today, 6)
    if story == "full_output":
        _met_through(project, MilestoneKind.FULL_OUTPUT, today)
        return
    # Dates met and reports filed come first (each as of its own day), replanning last (as of today),
    # so the light history reads in order.
    if story == "in_production":
        _met_through(project, MilestoneKind.IN_PRODUCTION, today)
        for period, filed in zip(recent, on_time, strict=True):
            _report(project, period, Decimal("1"), min(filed, today), jobs=jobs)
        _replan(project, MilestoneKind.FULL_OUTPUT, later, "产能爬坡，达产推迟 / output ramp-up takes longer")
        return
    if story == "due_now":
        _met_through(project, MilestoneKind.STARTED, today)
        for period, filed in zip(recent, on_time, strict=True):
            _report(project, period, Decimal("0.95"), min(filed, today), jobs=jobs // 2)
        end_of_month = periods.month_end(today)
        follows = "随竣工顺延 / follows completion"
        _replan(project, MilestoneKind.FULL_OUTPUT, periods.add_months(end_of_month, 12), follows)
        _replan(project, MilestoneKind.IN_PRODUCTION, periods.add_months(end_of_month, 3), follows)
        _replan(project, MilestoneKind.COMPLETED, end_of_month, "主体结构延期 / main structure delayed")
        return
    if story == "report_late":
        _met_through(project, MilestoneKind.LAND_SECURED, today)
        # The oldest of the last three periods filed late, the next on time, the last one missing.
        _report(project, recent[0], Decimal("0"), min(on_time[0] + dt.timedelta(days=grace + 5), today), jobs=0)
        _report(project, recent[1], Decimal("0"), min(on_time[1], today), jobs=0)
        start = periods.add_months(today, 2)
        follows = "随开工顺延 / follows the start"
        _replan(project, MilestoneKind.FULL_OUTPUT, periods.add_months(start, 26), follows)
        _replan(project, MilestoneKind.IN_PRODUCTION, periods.add_months(start, 17), follows)
        _replan(project, MilestoneKind.COMPLETED, periods.add_months(start, 14), follows)
        _replan(project, MilestoneKind.STARTED, start, "施工图审查中 / construction drawings under review")
        return
    if story == "overdue":
        _met_through(project, MilestoneKind.LAND_SECURED if project.pk % 2 else MilestoneKind.REGISTERED, today)
        _report(project, recent[-1], Decimal("0"), min(on_time[-1], today), jobs=0)
        return
    # signed_only: nothing registered, no report.


def _inspections(today: dt.date) -> None:
    """Draw the monthly samples of the last two years, as the scan would have done.

    The samples of the two latest months drawn wait in the queue; older ones were inspected.
    """
    this_month = periods.month_start(today)
    with transaction.atomic():
        for back in range(24, 0, -1):
            services.inspection_draw(month=periods.add_months(this_month, -back))
        months = sorted(set(InspectionSample.objects.values_list("period", flat=True)), reverse=True)
        waiting = InspectionSample.objects.filter(status=InspectionStatus.QUEUED).exclude(period__in=months[:2])
        for sample in waiting:
            with clock.frozen_at(min(periods.add_months(sample.period, 1) + dt.timedelta(days=9), today)):
                services.inspection_record(
                    sample=sample, status=InspectionStatus.CONFIRMED, findings="现场核查无误 / confirmed on site"
                )


def load(stdout=None) -> dict[str, int]:
    """Give the demo projects their follow-up stories (idempotent); returns how many were told."""
    today = clock.today()
    told = {story: 0 for story in STORIES}
    projects = list(
        Project.objects.filter(is_demo=True, signed_on__isnull=False)
        .exclude(stage=Stage.NEGOTIATING)
        .exclude(side_state=SideState.TERMINATED)
        .order_by("signed_on", "reference")
    )
    if not projects:
        if stdout:
            stdout.write("No demo projects: load the demo ledger first.")
        return told
    with audit_context(actor=None, source=SOURCE):
        rule_set = services.current_rule_set()
        length, grace = rule_set.param("report_period_months"), rule_set.param("report_grace_days")
        for index, project in enumerate(projects):
            with transaction.atomic():
                services.milestone_plan_create(project=project)
                touched = (
                    Milestone.objects.filter(project=project, actual_date__isnull=False).exists()
                    or ProgressReport.objects.filter(project=project).exists()
                )
                story = STORIES[index % len(STORIES)]
                if not touched and story != "signed_only":
                    _tell(story, project, today, length, grace)
                    told[story] += 1
                project.refresh_from_db()
                services.stage_sync(project=project)
                services.light_assess(project=project, as_of=today)
        _inspections(today)
    if stdout:
        stdout.write("Supervision demo: " + ", ".join(f"{n} {story.replace('_', ' ')}" for story, n in told.items()))
    return told
