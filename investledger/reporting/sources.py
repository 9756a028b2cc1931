"""Figures that rest on supervision (progress reports, lights) and escalation (issues).

Reporting reads those apps' models; it never writes them. Each function answers None when the data
does not exist in this installation yet (the app's tables are not there), and the figure then says
"not available yet" instead of showing a zero that would read as a fact.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache

from django.apps import apps
from django.db import connection
from django.db.models import Count, DecimalField, F, OuterRef, Subquery, Sum

from investledger.core import clock
from investledger.core.money import quantize
from investledger.escalation.selectors import issue_resolution_rate
from investledger.ledger.projects.models import in_area_q
from investledger.supervision.rules import explain as explain_rules


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


@lru_cache(maxsize=32)
def _tables(_alias_and_db: tuple) -> frozenset[str]:
    return frozenset(connection.introspection.table_names())


def available(label: str):
    """The model `app.Model` if its table exists in this database, else None."""
    model = _model(label)
    if model is None:
        return None
    key = (connection.alias, connection.settings_dict.get("NAME"))
    tables = _tables(key)
    if model._meta.db_table not in tables:
        _tables.cache_clear()  # a migration may have run since: look again once
        tables = _tables(key)
    return model if model._meta.db_table in tables else None


# --- Funds in place (supervision.ProgressReport, cumulative amounts) -------------------------------


def funds_subquery(as_of: dt.date):
    """Per project: cumulative funds in place of its latest report submitted by `as_of`."""
    report = available("supervision.ProgressReport")
    if report is None:
        return None
    latest = latest_report_rows(report, as_of).values("funds_in_place_cny")[:1]
    return Subquery(latest, output_field=DecimalField(max_digits=20, decimal_places=2))


def latest_report_rows(report, as_of: dt.date):
    """Per project (OuterRef "pk"): its reports submitted by `as_of`, latest period first."""
    return report.objects.filter(project=OuterRef("pk"), submitted_on__lte=as_of, period__lte=as_of).order_by(
        "-period", "-id"
    )


def funds_in_place(projects, as_of: dt.date) -> Decimal | None:
    sub = funds_subquery(as_of)
    if sub is None:
        return None
    total = projects.annotate(_funds=sub).aggregate(total=Sum("_funds"))["total"]
    return quantize(Decimal(total)) if total is not None else Decimal("0.00")


def funds_by_project(projects, as_of: dt.date) -> dict[int, Decimal]:
    sub = funds_subquery(as_of)
    if sub is None:
        return {}
    return {
        pk: quantize(Decimal(v))
        for pk, v in projects.annotate(_funds=sub).filter(_funds__isnull=False).values_list("pk", "_funds")
    }


# --- Lights (supervision.LightAssessment) ---------------------------------------------------------


def light_subquery(as_of: dt.date, field: str = "light"):
    """Per project: its light on `as_of`, the one definition of "current light" every figure uses.

    Today (or later) that is the project's own `light` (supervision keeps it at the latest assessment
    by date); for a past day, the newest assessment made on or before that day. `field="pk"` gives
    the assessment's id instead.
    """
    model = available("supervision.LightAssessment")
    if model is None:
        return None
    if as_of >= clock.today() and field == "light":
        return F("light")
    rows = model.objects.filter(project=OuterRef("pk"), assessed_on__lte=as_of).order_by("-assessed_on", "-id")
    if as_of >= clock.today():
        rows = model.objects.filter(project=OuterRef("pk"), is_current=True).order_by()
    return Subquery(rows.values(field)[:1])


def lights_by_area(projects, as_of: dt.date) -> dict[int, dict[str, int]] | None:
    """{host_area_id: {"green": n, "yellow": n, "red": n, "none": n}} for the frame's projects."""
    sub = light_subquery(as_of)
    if sub is None:
        return None
    out: dict[int, dict[str, int]] = {}
    rows = projects.annotate(_light=sub).values("host_area_id", "_light").annotate(n=Count("pk")).order_by()
    for row in rows:
        counts = out.setdefault(row["host_area_id"], {"green": 0, "yellow": 0, "red": 0, "none": 0})
        counts[row["_light"] or "none"] += row["n"]
    return out


def flagged_projects(projects, as_of: dt.date, lights=("red", "yellow")):
    """Red and yellow projects on `as_of` with their light row (for the reasons), worst first."""
    model = available("supervision.LightAssessment")
    if model is None:
        return None
    latest = light_subquery(as_of, "pk")
    shown = projects.annotate(_light=light_subquery(as_of)).filter(_light__in=lights)
    rows = model.objects.filter(pk__in=shown.annotate(_lid=latest).values("_lid"), light__in=lights)
    rows = rows.select_related("project", "project__host_area")
    return sorted(rows, key=lambda r: (r.light != "red", r.project.host_area.path, r.project.reference))


def explain(assessment) -> list[str]:
    try:
        return [str(line) for line in explain_rules(assessment.fired)]
    except (KeyError, TypeError, ValueError):
        return [str(item.get("rule", item)) for item in assessment.fired]


# --- Issues (escalation.Issue) --------------------------------------------------------------------


def issues_of(projects):
    """Issues of the given projects (already limited to what the reader may see)."""
    model = available("escalation.Issue")
    if model is None:
        return None
    return model.objects.filter(project__in=projects.values("pk"))


def issue_resolution(projects, as_of: dt.date) -> tuple[int, int] | None:
    """(issues closed within their deadline, issues due by `as_of`), by the issue register's own rule."""
    issues = issues_of(projects)
    if issues is None:
        return None
    rate = issue_resolution_rate(issues, as_of)
    return rate.closed_in_time, rate.due


def issue_resolution_by_area(projects, as_of: dt.date, areas) -> dict[int, tuple[int, int]] | None:
    """Issue resolution per area (with sub-areas) for `areas`, by the register's own rule.

    One query finds the host areas that have issues due; the rule then runs only for the areas above
    them, so a ledger with few issues costs one query, whatever the number of areas.
    """
    issues = issues_of(projects)
    if issues is None:
        return None
    hosts = set(issues.filter(resolve_by__lte=as_of).values_list("project__host_area__path", flat=True).distinct())
    out = {}
    for area in areas:
        if any(path.startswith(area.path) for path in hosts):
            rate = issue_resolution_rate(issues.filter(project__host_area__path__startswith=area.path), as_of)
            out[area.pk] = (rate.closed_in_time, rate.due)
        else:
            out[area.pk] = (0, 0)
    return out


def issues_in_cohort(user, cohort, base=None):
    """The issues a reader sees for a cohort: those of the visible projects of its area (with the
    areas under it), sector, event and signing period, as the issue register lists them."""
    model = available("escalation.Issue")
    if model is None:
        return None
    qs = model.objects.visible_to(user) if base is None else model.objects.filter(project__in=base.values("pk"))
    if cohort.area is not None:
        qs = qs.filter(in_area_q(cohort.area, "project__"))
    if cohort.sector is not None:
        qs = qs.filter(project__sector_id__in=cohort.sector.subtree_ids())
    if cohort.event is not None:
        qs = qs.filter(project__first_event=cohort.event)
    if cohort.signed_from:
        qs = qs.filter(project__signed_on__gte=cohort.signed_from)
    if cohort.signed_to:
        qs = qs.filter(project__signed_on__lte=cohort.signed_to)
    return qs


def overdue_issues(user, cohort, as_of: dt.date, base=None):
    """Overdue issues of a cohort on `as_of` (escalation's one definition), oldest deadline first."""
    issues = issues_in_cohort(user, cohort, base)
    if issues is None:
        return None
    return (
        issues.overdue(as_of)
        .select_related("project", "responsible_unit", "project__host_area")
        .order_by("resolve_by", "pk")
    )


# --- Per project, for the printable ledger ---------------------------------------------------------


def lights_by_project(projects, as_of: dt.date) -> dict[int, object] | None:
    """{project id: its light assessment on `as_of`} (the one definition, `light_subquery`)."""
    model = available("supervision.LightAssessment")
    if model is None:
        return None
    ids = projects.annotate(_lid=light_subquery(as_of, "pk")).filter(_lid__isnull=False).values("_lid")
    return {row.project_id: row for row in model.objects.filter(pk__in=ids)}


def open_issues_by_project(projects) -> dict[int, list] | None:
    """{project id: its open issues, oldest first}, by the issue register's own `open()`."""
    issues = issues_of(projects)
    if issues is None:
        return None
    out: dict[int, list] = {}
    for issue in issues.open().select_related("responsible_unit").order_by("raised_on", "pk"):
        out.setdefault(issue.project_id, []).append(issue)
    return out


def latest_reports(projects, as_of: dt.date) -> dict[int, object] | None:
    """{project id: its latest progress report submitted by `as_of`} (the report funds in place reads)."""
    report = available("supervision.ProgressReport")
    if report is None:
        return None
    latest = latest_report_rows(report, as_of).values("pk")[:1]
    ids = projects.annotate(_rid=Subquery(latest)).filter(_rid__isnull=False).values("_rid")
    return {row.project_id: row for row in report.objects.filter(pk__in=ids)}
