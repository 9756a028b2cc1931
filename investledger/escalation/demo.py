"""Demo issues, notices and an inspection on the demo ledger (`investledger demo` calls `load()`).

Dates are set relative to today in working days, then the real escalation scan runs, so the demo
shows issues at the unit, escalated to the district and to the bureau, and closed, for the same
reasons they would be in daily use. Running it again adds nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from investledger.accounts.models import RoleAssignment
from investledger.core import clock
from investledger.core.access import Role
from investledger.core.audit import audit_context
from investledger.escalation import services
from investledger.escalation.choices import InspectionKind, InspectionOutcome, IssueCategory, NoticeColour
from investledger.escalation.models import Inspection, Issue, Notice
from investledger.escalation.workdays import WorkCalendar
from investledger.ledger.projects.models import Project
from investledger.reference.models import Unit

# Units that must act, by the suffix of their code in the demo reference data ("cq-planning").
FALLBACK_UNITS = {
    "planning": ("规划和自然资源局", "Planning and Natural Resources Bureau", Unit.Kind.DEPARTMENT),
    "ecology": ("生态环境局", "Ecology and Environment Bureau", Unit.Kind.DEPARTMENT),
    "power": ("供电公司", "Power Supply Company", Unit.Kind.UTILITY),
    "bureau": ("投资促进局", "Investment Promotion Bureau", Unit.Kind.BUREAU),
}

# (title, category, unit kind, working days ago raised, what happened: (step, working days after raising))
ISSUES = [
    ("厂房用地预审尚未批复 / Land pre-approval for the plant still pending", IssueCategory.LAND, "planning", 5, []),
    ("环评报告书审批进度 / Environmental impact report approval", IssueCategory.ENVIRONMENT, "ecology", 2, []),
    (
        "110千伏专线接入 / 110 kV dedicated power line connection",
        IssueCategory.POWER,
        "power",
        9,
        [("respond", 1), ("assess", 2), ("close", 6)],
    ),
    ("施工许可证办理 / Construction permit application", IssueCategory.PERMITS, "planning", 1, [("respond", 1)]),
    ("项目贷款授信 / Project loan credit line", IssueCategory.FINANCING, "bureau", 0, []),
]


def _unit_for(project: Project, kind: str) -> Unit:
    """The project's own city's unit of that kind, else any such unit, else one created for the demo."""
    city_id = int(project.host_area.path.strip("/").split("/")[0])
    city_code = project.host_area.__class__.objects.filter(pk=city_id).values_list("code", flat=True).first()
    unit = (
        Unit.objects.filter(code=f"{city_code}-{kind}").first()
        or Unit.objects.filter(code__endswith=f"-{kind}").first()
    )
    if unit is None:
        name, name_en, unit_kind = FALLBACK_UNITS[kind]
        unit, _ = Unit.objects.get_or_create(
            code=f"demo-{kind}", defaults={"name": name, "name_en": name_en, "kind": unit_kind}
        )
    return unit


def _pick_projects(limit: int) -> list[Project]:
    """Demo projects spread over as many host areas as possible, those of areas that have a
    district officer first (so the demo officers have issues to answer), by name for stable picks."""
    covered = list(
        RoleAssignment.objects.filter(role=Role.DISTRICT_OFFICER, area__isnull=False).values_list(
            "area__path", flat=True
        )
    )
    demo = sorted(
        Project.objects.filter(is_demo=True).select_related("host_area"),
        key=lambda p: (not any(p.host_area.path.startswith(path) for path in covered), p.name, p.pk),
    )
    chosen, areas = [], set()
    for project in demo:
        if project.host_area_id not in areas:
            chosen.append(project)
            areas.add(project.host_area_id)
    for project in demo:
        if len(chosen) >= limit:
            break
        if project not in chosen:
            chosen.append(project)
    return chosen[:limit]


def _unit_for(project: Project, kind: str) -> Unit:
    """The project's own city's unit of that kind, else any such unit, else one created for the demo."""
    city_id = int(project.host_area.path.strip("/").split("/")[0])
    city_code = project.host_area.__class__.objects.filter(pk=city_id).values_list("code", flat=True).first()
    unit = (
        Unit.objects.filter(code=f"{city_code}-{kind}").first()
        or Unit.objects.filter(code__endswith=f"-{kind}").first()
    )
    if unit is None:
        name, name_en, unit_kind = FALLBACK_UNITS[kind]
        unit, _ = Unit.objects.get_or_create(
            code=f"demo-{kind}", defaults={"name": name, "name_en": name_en, "kind": unit_kind}
        )
    return unit


def _pick_projects(limit: int) -> list[Project]:
    """Demo projects spread over as many host areas as possible, by name for stable choices."""
    chosen, areas = [], set()
    demo = list(Project.objects.filter(is_demo=True).select_related("host_area").order_by("name", "pk"))
    for project in demo:
        if project.host_area_id not in areas:
            chosen.append(project)
            areas.add(project.host_area_id)
    for project in demo:
        if len(chosen) >= limit:
            break
        if project not in chosen:
            chosen.append(project)
    return chosen[:limit]


def _working_days_ago(calendar: WorkCalendar, today: dt.date, n: int) -> dt.date:
    day = today
    while n > 0:
        day -= dt.timedelta(days=1)
        if calendar.is_working_day(day):
            n -= 1
    return day


def load(stdout=None) -> dict[str, int]:
    """Add the demo issues, notices and inspection (idempotent); returns what was added."""
    projects = _pick_projects(len(ISSUES))
    added = {"issues": 0, "notices": 0, "inspections": 0, "escalations": 0}
    if not projects:
        if stdout:
            stdout.write("No demo projects: load the demo ledger first.")
        return added
    with audit_context(source="command:demo"), transaction.atomic():
        calendar = WorkCalendar.load()
        # On a weekend or holiday the demo is laid out as of the last working day, so it shows the
        # same ladder whichever day it is loaded.
        today = clock.today()
        if not calendar.is_working_day(today):
            today = _working_days_ago(calendar, today, 1)
        for index, (title, category, unit_kind, ago, history) in enumerate(ISSUES):
            project = projects[index % len(projects)]
            if Issue.objects.filter(project=project, title=title).exists():
                continue
            raised_on = _working_days_ago(calendar, today, ago)
            with clock.frozen_at(raised_on):
                issue = services.issue_raise(
                    project=project,
                    fields={
                        "title": title,
                        "category": category,
                        "responsible_unit": _unit_for(project, unit_kind),
                        "description": "示例数据 / demo data",
                        "raised_on": raised_on,
                    },
                    by=None,
                )
            for step, after in history:
                with clock.frozen_at(calendar.add(raised_on, after)):
                    if step == "respond":
                        services.issue_respond(issue=issue, by=None, text="已受理，正在协调。/ Received; coordinating.")
                    elif step == "assess":
                        services.issue_assess(
                            issue=issue,
                            by=None,
                            text="需新建线路，预计5个工作日。/ New line needed; about 5 working days.",
                        )
                    else:
                        services.issue_close(
                            issue=issue, by=None, resolution="专线已送电。/ The dedicated line is energised."
                        )
            added["issues"] += 1
        added["escalations"] = len(services.escalate_overdue(today))

        notices = [
            (NoticeColour.BLUE, "请按期报送月度进度 / Please file the monthly progress report on time", 0, 5),
            (NoticeColour.YELLOW, "开工节点滞后预警 / Warning: construction start behind schedule", 1, 3),
            (NoticeColour.RED, "约谈通知：用地问题久拖未决 / Summons: land issue unresolved for too long", 2, 2),
        ]
        for colour, subject, index, days in notices:
            if Notice.objects.filter(subject=subject).exists():
                continue
            project = projects[index % len(projects)]
            services.notice_issue(
                fields={
                    "colour": colour,
                    "subject": subject,
                    "project": project,
                    "body": "示例数据 / demo data",
                    "deadline": calendar.add(today, days),
                },
                by=None,
            )
            added["notices"] += 1

        project = projects[0]
        if not Inspection.objects.filter(project=project, inspectors__startswith="督查室").exists():
            services.inspection_record(
                fields={
                    "project": project,
                    "kind": InspectionKind.SITE_VISIT,
                    "visited_on": _working_days_ago(calendar, today, 3),
                    "inspectors": "督查室 / Supervision office",
                    "outcome": InspectionOutcome.MINOR,
                    "findings": "厂房主体已封顶，设备尚未进场。/ Plant structure topped out; equipment not yet on site.",
                },
                by=None,
            )
            added["inspections"] += 1
    if stdout:
        stdout.write(f"Follow-up demo: {added}")
    return added
